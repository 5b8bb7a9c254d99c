//! Merging a long piece with a min-heap of candidate pairs: the scan's choices, in time close to
//! linear, for pieces of up to a few thousand bytes.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::rank_table::RankTable;
use super::scan_slots::{Joining, ScanSlots, NO_RANK};

/// The scan's choices with a min-heap of candidate pairs, over the scan's own slots: each
/// candidate is a pair's rank and its start, packed into one u64 that orders by rank, then
/// leftmost, which is the scan's choice as long as stale candidates are skipped (a pair is
/// current while its start still holds that pair rank; a part joined into the one before
/// holds NO_RANK). Each join adds the (at most two) pairs it changes; one of a lower rank
/// than the join itself (possible in a hand-written table) simply comes out next.
/// `candidates` is storage to reuse.
pub fn join_by_heap(
    ranks: &RankTable,
    piece: &[u8],
    limit: u64,
    mut slots: ScanSlots,
    candidates: &mut Vec<Reverse<u64>>,
) {
    let joining = Joining {
        ranks,
        piece,
        limit,
    };
    joining.start(&mut slots);
    join_candidates(&mut slots, candidates, |slots, best, rank| {
        joining.join(slots, best, rank)
    });
}

/// The heap loop over slots whose pairs are ranked (by rank, or by a merge list's priority):
/// pop the lowest candidate, leftmost on ties, skip it if stale, `join` it, and push the (at
/// most two) pairs the join changed; `join` returns the part before, whose pair changed too.
pub fn join_candidates(
    slots: &mut ScanSlots,
    candidates: &mut Vec<Reverse<u64>>,
    mut join: impl FnMut(&mut ScanSlots, usize, u32) -> Option<usize>,
) {
    let key = |rank: u32, start: usize| Reverse((u64::from(rank) << 32) | start as u64);
    candidates.clear();
    candidates.extend(
        slots
            .pair_rank
            .iter()
            .enumerate()
            .filter(|&(_, &rank)| rank != NO_RANK)
            .map(|(start, &rank)| key(rank, start)),
    );
    // Heapify all the first candidates at once (linear), in the memory kept from before.
    let mut heap = BinaryHeap::from(std::mem::take(candidates));
    while let Some(Reverse(packed)) = heap.pop() {
        let (rank, best) = ((packed >> 32) as u32, packed as u32 as usize);
        if slots.pair_rank[best] != rank {
            continue;
        }
        let before = join(slots, best, rank);
        if slots.pair_rank[best] != NO_RANK {
            heap.push(key(slots.pair_rank[best], best));
        }
        if let Some(before) = before.filter(|&before| slots.pair_rank[before] != NO_RANK) {
            heap.push(key(slots.pair_rank[before], before));
        }
    }
    *candidates = heap.into_vec();
}
