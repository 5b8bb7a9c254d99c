//! Merging a piece by the priority of a merge list (spec §6.9), Hugging Face's rule: only listed
//! pairs join, the one listed first (then the leftmost) each time. Over the same slots as the
//! rank engines (scan_slots.rs), where a pair's slot holds its priority instead of its rank: by a
//! scan of every pair for short pieces, by a heap of candidates for long ones.

use std::cmp::Reverse;

use super::join_by_heap::join_candidates;
use super::merge_list::MergeList;
use super::rank_table::RankTable;
use super::scan_slots::{ScanSlots, NO_RANK};

/// A piece being joined by a merge list: the steps the scan and the heap share.
struct Joining<'a> {
    merges: &'a MergeList,
    n: usize,
}

impl Joining<'_> {
    /// The priority of the part at `at` with the one after it: NO_RANK if `at` is the last part
    /// or the pair is not a merge.
    #[inline]
    fn pair_priority(&self, slots: &ScanSlots, at: usize) -> u32 {
        let after = slots.next[at] as usize;
        if after >= self.n {
            return NO_RANK;
        }
        self.merges
            .get(slots.part_rank[at], slots.part_rank[after])
            .map_or(NO_RANK, |(priority, _)| priority)
    }

    /// Every byte a part of its own, linked to its neighbours, with its rank and its pair's
    /// priority.
    fn start(&self, ranks: &RankTable, piece: &[u8], slots: &mut ScanSlots) {
        for (at, (next, previous)) in slots
            .next
            .iter_mut()
            .zip(slots.previous.iter_mut())
            .enumerate()
        {
            *next = at as u32 + 1;
            *previous = (at as u32).wrapping_sub(1);
        }
        for (rank, &byte) in slots.part_rank.iter_mut().zip(piece) {
            *rank = ranks.of_byte(byte);
        }
        for at in 0..self.n {
            slots.pair_rank[at] = self.pair_priority(slots, at);
        }
    }

    /// Join the part at `best` with the next one: the joined part takes the pair's result as its
    /// rank, and the pairs it now starts and ends are looked up afresh; the part before it, if
    /// there is one, is returned, since its pair changed.
    #[inline]
    fn join(&self, slots: &mut ScanSlots, best: usize) -> Option<usize> {
        let gone = slots.next[best] as usize;
        let after = slots.next[gone];
        let (_, result) = self
            .merges
            .get(slots.part_rank[best], slots.part_rank[gone])
            .expect("a pair with a priority is a merge");
        slots.next[best] = after;
        slots.previous[after as usize] = best as u32;
        slots.pair_rank[gone] = NO_RANK;
        slots.part_rank[best] = result;
        slots.pair_rank[best] = self.pair_priority(slots, best);
        (best > 0).then(|| {
            let before = slots.previous[best] as usize;
            slots.pair_rank[before] = self.pair_priority(slots, before);
            before
        })
    }
}

/// Join the parts of `piece` in `slots` by §6.9 as written: again and again the adjacent pair
/// of the lowest priority, leftmost on ties, found by looking at every pair each time.
pub fn join_by_merge_priority_scan(
    merges: &MergeList,
    ranks: &RankTable,
    piece: &[u8],
    mut slots: ScanSlots,
) {
    let joining = Joining {
        merges,
        n: piece.len(),
    };
    joining.start(ranks, piece, &mut slots);
    loop {
        // As in the rank scan: parts joined into the one before them hold NO_RANK, so every
        // slot is compared in order, without following links or a branch to mispredict.
        let (mut best, mut priority) = (0, NO_RANK);
        for (at, &candidate) in slots.pair_rank.iter().enumerate() {
            let lower = candidate < priority;
            best = std::hint::select_unpredictable(lower, at, best);
            priority = std::hint::select_unpredictable(lower, candidate, priority);
        }
        if priority == NO_RANK {
            return;
        }
        joining.join(&mut slots, best);
    }
}

/// The scan's choices with a min-heap of candidates, each a pair's priority and its start
/// packed into one u64 that orders by priority, then leftmost. A candidate is stale unless its
/// start still holds that priority: a priority names one pair, and a part only grows, so the
/// pair at a start changes whenever either of its parts does. `candidates` is storage to reuse.
pub fn join_by_merge_priority_heap(
    merges: &MergeList,
    ranks: &RankTable,
    piece: &[u8],
    mut slots: ScanSlots,
    candidates: &mut Vec<Reverse<u64>>,
) {
    let joining = Joining {
        merges,
        n: piece.len(),
    };
    joining.start(ranks, piece, &mut slots);
    join_candidates(&mut slots, candidates, |slots, best, _| {
        joining.join(slots, best)
    });
}
