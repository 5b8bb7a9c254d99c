//! The slots in which the scan and the heap join the parts of a piece: each part is named by
//! the offset of its first byte and linked to the next, so a join moves nothing, it only
//! relinks; and the steps of a join, which the two share.

use super::rank_table::RankTable;

/// Pieces at least this long are merged with a heap; shorter ones with a linear scan, which is
/// faster when there are only a few parts.
pub const HEAP_THRESHOLD: usize = 64;
/// A pair rank that no token has: the pair is not a token (or is the last part).
pub const NO_RANK: u32 = u32::MAX;

/// The state of [`join_by_scan`](super::join_by_scan) and [`join_by_heap`](super::join_by_heap): for the part starting at each
/// offset, the starts of the next part (the piece's length after the last) and of the one
/// before, the rank of it joined with the next (NO_RANK once it is joined into the one before),
/// and its own rank. `next` and `previous` have a slot for the end too.
pub struct ScanSlots<'a> {
    pub next: &'a mut [u32],
    pub previous: &'a mut [u32],
    pub pair_rank: &'a mut [u32],
    pub part_rank: &'a mut [u32],
}

/// A piece being joined with the ranks below `limit`: the steps the scan and the heap share.
pub struct Joining<'a> {
    pub ranks: &'a RankTable,
    pub piece: &'a [u8],
    pub limit: u64,
}

impl Joining<'_> {
    /// The rank of the part at `at` joined with the one after it: NO_RANK if `at` is the last
    /// part or the two are not a token below the limit.
    #[inline]
    fn joined_rank(&self, next: &[u32], at: usize) -> u32 {
        let after = next[at] as usize;
        if after >= self.piece.len() {
            return NO_RANK;
        }
        self.ranks
            .rank_below(&self.piece[at..next[after] as usize], self.limit)
            .unwrap_or(NO_RANK)
    }

    /// Every byte a part of its own, linked to its neighbours, with its rank and its pair's.
    pub fn start(&self, slots: &mut ScanSlots) {
        // (The first part's `previous` is never read.)
        for (at, (next, previous)) in slots
            .next
            .iter_mut()
            .zip(slots.previous.iter_mut())
            .enumerate()
        {
            *next = at as u32 + 1;
            *previous = (at as u32).wrapping_sub(1);
        }
        let n = self.piece.len();
        for at in 0..n {
            slots.part_rank[at] = self.ranks.of_byte(self.piece[at]);
            slots.pair_rank[at] = match self.piece.get(at..at + 2) {
                Some(pair) => self.ranks.rank_below(pair, self.limit).unwrap_or(NO_RANK),
                None => NO_RANK,
            };
        }
    }

    /// Join the part at `best` with the next one, their pair being of `rank`. The joined part
    /// takes that rank as its own, and the pairs it now starts and ends are ranked afresh; the
    /// part before it, if there is one, is returned, since its pair changed.
    #[inline]
    pub fn join(&self, slots: &mut ScanSlots, best: usize, rank: u32) -> Option<usize> {
        let gone = slots.next[best] as usize;
        let after = slots.next[gone];
        slots.next[best] = after;
        slots.previous[after as usize] = best as u32;
        slots.pair_rank[gone] = NO_RANK;
        slots.part_rank[best] = rank;
        slots.pair_rank[best] = self.joined_rank(slots.next, best);
        (best > 0).then(|| {
            let before = slots.previous[best] as usize;
            slots.pair_rank[before] = self.joined_rank(slots.next, before);
            before
        })
    }
}

/// Slots for scanning a piece shorter than [`HEAP_THRESHOLD`], on the stack.
pub struct ShortScan {
    next: [u32; HEAP_THRESHOLD + 1],
    previous: [u32; HEAP_THRESHOLD + 1],
    pair_rank: [u32; HEAP_THRESHOLD],
    part_rank: [u32; HEAP_THRESHOLD],
}

impl ShortScan {
    pub fn new() -> Self {
        ShortScan {
            next: [0; HEAP_THRESHOLD + 1],
            previous: [0; HEAP_THRESHOLD + 1],
            pair_rank: [0; HEAP_THRESHOLD],
            part_rank: [0; HEAP_THRESHOLD],
        }
    }

    /// The slots for a piece of `n` bytes.
    pub fn slots(&mut self, n: usize) -> ScanSlots<'_> {
        ScanSlots {
            next: &mut self.next[..=n],
            previous: &mut self.previous[..=n],
            pair_rank: &mut self.pair_rank[..n],
            part_rank: &mut self.part_rank[..n],
        }
    }

    /// After the scan of a piece of `n` bytes: each part's start and rank, in order.
    pub fn parts(&self, n: usize) -> impl Iterator<Item = (usize, u32)> + '_ {
        scanned_parts(&self.next, &self.part_rank, n)
    }
}

/// Slots for a piece of any length, kept from piece to piece (the heap's, in
/// [`JoinScratch`](super::scratch::JoinScratch)).
#[derive(Default)]
pub struct ScanVecs {
    pub next: Vec<u32>,
    pub previous: Vec<u32>,
    pub pair_rank: Vec<u32>,
    pub part_rank: Vec<u32>,
}

impl ScanVecs {
    /// The slots for a piece of `n` bytes.
    pub fn slots(&mut self, n: usize) -> ScanSlots<'_> {
        self.next.resize(n + 1, 0);
        self.previous.resize(n + 1, 0);
        self.pair_rank.resize(n, 0);
        self.part_rank.resize(n, 0);
        ScanSlots {
            next: &mut self.next,
            previous: &mut self.previous,
            pair_rank: &mut self.pair_rank,
            part_rank: &mut self.part_rank,
        }
    }
}

/// After joining a piece of `n` bytes in slots: each part's start and rank, in order,
/// following the `next` links from the first part.
pub fn scanned_parts<'a>(
    next: &'a [u32],
    part_rank: &'a [u32],
    n: usize,
) -> impl Iterator<Item = (usize, u32)> + 'a {
    let mut at = 0;
    std::iter::from_fn(move || {
        (at < n).then(|| {
            let part = (at, part_rank[at]);
            at = next[at] as usize;
            part
        })
    })
}
