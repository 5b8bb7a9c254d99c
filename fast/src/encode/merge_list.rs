//! Spec §6.8: the merge list of a merge-list model, checked against the rank table and laid out
//! for the lookup that joining makes: a pair of ranks to its priority and its result.

use rustc_hash::FxHashMap;

use super::rank_table::{RankTable, TokensByRank};
use crate::error::{show_bytes, Error, Result};

/// The merges of a merge-list model: (left rank, right rank) to (priority, result), where the
/// priority is the position of the pair's last occurrence in the list and the result is the rank
/// of the two tokens' bytes joined; and whether a piece that is a token is taken whole.
pub struct MergeList {
    pairs: FxHashMap<u64, (u32, u32)>,
    pub ignore_merges: bool,
}

#[inline]
fn key(left: u32, right: u32) -> u64 {
    (u64::from(left) << 32) | u64::from(right)
}

impl MergeList {
    /// The list `merges`, checked against §6.8: both ranks are in the table (`tokens`, each
    /// rank's token) and their joined bytes are a token of `ranks`.
    pub fn new(
        merges: Vec<(u32, u32)>,
        ignore_merges: bool,
        ranks: &RankTable,
        tokens: &TokensByRank,
    ) -> Result<Self> {
        // A priority must stay below NO_RANK, the slots' mark for "no pair here".
        if merges.len() >= u32::MAX as usize {
            return Err(Error::InvalidArgument(format!(
                "merges holds {} pairs; at most {} are supported",
                merges.len(),
                u32::MAX - 1
            )));
        }
        let mut pairs = FxHashMap::default();
        pairs.reserve(merges.len());
        let mut joined = Vec::new();
        for (index, (left, right)) in merges.into_iter().enumerate() {
            let token = |rank: u32| {
                tokens.get(&rank).ok_or_else(|| {
                    Error::InvalidArgument(format!(
                        "merges[{index}] names rank {rank}, which the rank table does not hold"
                    ))
                })
            };
            let (left_token, right_token) = (token(left)?, token(right)?);
            joined.clear();
            joined.extend_from_slice(left_token);
            joined.extend_from_slice(right_token);
            let Some(result) = ranks.get(&joined) else {
                return Err(Error::InvalidArgument(format!(
                    "merges[{index}] joins {left} and {right} into {}, which is not a token",
                    show_bytes(&joined)
                )));
            };
            pairs.insert(key(left, right), (index as u32, result));
        }
        Ok(MergeList {
            pairs,
            ignore_merges,
        })
    }

    /// The priority and the result of the pair (left, right), if it is a merge.
    #[inline]
    pub fn get(&self, left: u32, right: u32) -> Option<(u32, u32)> {
        self.pairs.get(&key(left, right)).copied()
    }

    /// The merges in priority order, each pair once.
    pub fn ordered(&self) -> Vec<(u32, u32)> {
        let mut by_priority: Vec<(u32, u64)> = self
            .pairs
            .iter()
            .map(|(&pair, &(priority, _))| (priority, pair))
            .collect();
        by_priority.sort_unstable();
        by_priority
            .into_iter()
            .map(|(_, pair)| ((pair >> 32) as u32, pair as u32))
            .collect()
    }
}
