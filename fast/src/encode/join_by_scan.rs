//! Merging a piece by scanning all its pairs for every join: simple, and the quickest for the
//! short pieces that most are.

use super::rank_table::RankTable;
use super::scan_slots::{Joining, ScanSlots, NO_RANK};

/// Join the parts of `piece` in `slots` by §6.2 as written, again and again the adjacent pair
/// whose concatenation has the lowest rank below `limit`, leftmost on ties, found by looking at
/// every pair each time: for short pieces, with few parts, the quickest way.
pub fn join_by_scan(ranks: &RankTable, piece: &[u8], limit: u64, mut slots: ScanSlots) {
    let joining = Joining {
        ranks,
        piece,
        limit,
    };
    joining.start(&mut slots);
    loop {
        // The lowest pair rank, leftmost on ties (NO_RANK is above every real rank). Parts
        // that were joined into the one before them hold NO_RANK too, so every slot can be
        // compared in order without following links, and without a branch that the ranks
        // of random text would mispredict.
        let (mut best, mut rank) = (0, NO_RANK);
        for (at, &candidate) in slots.pair_rank.iter().enumerate() {
            let lower = candidate < rank;
            best = std::hint::select_unpredictable(lower, at, best);
            rank = std::hint::select_unpredictable(lower, candidate, rank);
        }
        if rank == NO_RANK {
            return;
        }
        joining.join(&mut slots, best, rank);
    }
}
