//! Spec §5.2: the rank table, token bytes to rank, checked and laid out for the lookups that
//! encoding makes: a whole piece, then pairs of parts while merging.

use rustc_hash::FxHashMap;

use super::byte_map::ByteMap;
use crate::error::{show_bytes, Error, Result};
use crate::packed::pack;

/// Each rank's token, by rank.
pub type TokensByRank = FxHashMap<u32, Box<[u8]>>;
/// A rank limit above every rank: no restriction.
pub const NO_LIMIT: u64 = u64::MAX;
/// Marks a byte or byte pair that is not a token in [`RankTable::dense`].
const NOT_DENSE: u32 = u32::MAX;
/// The slots of the tokens of one byte, before those of two.
const SINGLE_BYTES: usize = 256;

/// Token bytes to rank. Most lookups (whole pieces, and pairs of parts while merging) are of a
/// few bytes: tokens of up to seven bytes are keyed by their packed form (packed.rs), which
/// hashes and compares in a few instructions, longer ones by their bytes. Tokens of one and two
/// bytes are also in dense tables: merging a piece starts by looking up every pair of adjacent
/// bytes, and on text where pieces are rarely tokens (base64, hashes) those lookups are much of
/// the work.
pub struct RankTable {
    short: FxHashMap<u64, u32>,
    long: ByteMap<Box<[u8]>, u32>,
    /// The rank of each token of one byte, then of each of two bytes (256 * first + second),
    /// or [`NOT_DENSE`].
    dense: Box<[u32]>,
    /// Whether a token of one or two bytes has the rank NOT_DENSE itself, and so is only in
    /// the hash table.
    dense_incomplete: bool,
}

impl Default for RankTable {
    fn default() -> Self {
        RankTable {
            short: FxHashMap::default(),
            long: ByteMap::default(),
            dense: vec![NOT_DENSE; SINGLE_BYTES + 256 * 256].into_boxed_slice(),
            dense_incomplete: false,
        }
    }
}

/// Where a token of one or two bytes sits in [`RankTable::dense`].
#[inline]
fn dense_index(token: &[u8]) -> Option<usize> {
    match *token {
        [byte] => Some(usize::from(byte)),
        [first, second] => Some(SINGLE_BYTES + usize::from(first) * 256 + usize::from(second)),
        _ => None,
    }
}

impl RankTable {
    /// The table of `ranks`, checked against §5.2 (non-empty tokens, unique tokens and ranks,
    /// all 256 single bytes present), and each rank's token by rank.
    pub fn from_ranks(
        ranks: impl IntoIterator<Item = (Vec<u8>, u32)>,
    ) -> Result<(Self, TokensByRank)> {
        let mut table = RankTable::default();
        let mut tokens = TokensByRank::default();
        for (token, rank) in ranks {
            if token.is_empty() {
                return Err(Error::InvalidArgument(
                    "mergeable_ranks holds the empty byte string; tokens must be non-empty".into(),
                ));
            }
            if let Some(other) = tokens.get(&rank) {
                return Err(Error::InvalidArgument(format!(
                    "rank {rank} is given to two tokens, {} and {}; ranks must be unique",
                    show_bytes(other),
                    show_bytes(&token)
                )));
            }
            let token: Box<[u8]> = token.into_boxed_slice();
            if !table.insert(&token, rank) {
                return Err(Error::InvalidArgument(format!(
                    "token {} appears twice; tokens must be unique",
                    show_bytes(&token)
                )));
            }
            tokens.insert(rank, token);
        }
        let missing: Vec<u8> = (0..=255u8).filter(|b| table.get(&[*b]).is_none()).collect();
        if let Some(first) = missing.first() {
            return Err(Error::InvalidArgument(format!(
                "mergeable_ranks lacks {} single-byte token(s), e.g. {}; all 256 bytes must have a rank",
                missing.len(),
                show_bytes(&[*first])
            )));
        }
        Ok((table, tokens))
    }

    #[inline]
    pub fn get(&self, token: &[u8]) -> Option<u32> {
        if let Some(index) = dense_index(token) {
            let rank = self.dense[index];
            if rank != NOT_DENSE || !self.dense_incomplete {
                return Some(rank).filter(|&rank| rank != NOT_DENSE);
            }
        }
        match pack(token) {
            Some(key) => self.short.get(&key).copied(),
            None => self.long.get(token).copied(),
        }
    }

    /// Add a token; false if it was there already.
    fn insert(&mut self, token: &[u8], rank: u32) -> bool {
        let added = match pack(token) {
            Some(key) => self.short.insert(key, rank).is_none(),
            None => self.long.insert(token.into(), rank).is_none(),
        };
        if let Some(index) = dense_index(token) {
            self.dense[index] = rank;
            self.dense_incomplete |= rank == NOT_DENSE;
        }
        added
    }

    pub fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    /// The rank of a single byte, which every table has (§5.2): merging starts from them.
    #[inline]
    pub fn of_byte(&self, byte: u8) -> u32 {
        match self.dense[usize::from(byte)] {
            NOT_DENSE => self.of_part(std::slice::from_ref(&byte)),
            rank => rank,
        }
    }

    /// The rank of a part that merging produced: always a token, by construction (a single
    /// byte, all of which the table holds, or a join that was looked up before it was made).
    #[inline]
    pub fn of_part(&self, part: &[u8]) -> u32 {
        self.get(part)
            .expect("every part of a merged piece is a token")
    }

    /// The rank of `token` if it is below `limit`.
    pub fn rank_below(&self, token: &[u8], limit: u64) -> Option<u32> {
        self.get(token).filter(|&r| u64::from(r) < limit)
    }
}

/// A table of the 256 single bytes, each ranked by its value: what every table holds.
#[cfg(test)]
pub fn byte_ranks() -> Vec<(Vec<u8>, u32)> {
    (0..=255u8).map(|b| (vec![b], u32::from(b))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_table_finds_short_tokens_densely_and_every_rank_even_the_largest() {
        for largest in [300, u32::MAX] {
            let mut table = RankTable::default();
            for (token, rank) in byte_ranks() {
                assert!(table.insert(&token, rank));
            }
            assert!(table.insert(b"ab", largest));
            assert!(table.insert(b"abc", 301));
            assert!(!table.insert(b"ab", largest));
            assert_eq!(table.dense_incomplete, largest == NOT_DENSE);
            assert_eq!(table.get(b"a"), Some(97));
            assert_eq!(table.get(b"ab"), Some(largest));
            assert_eq!(table.get(b"abc"), Some(301));
            assert_eq!(table.get(b"ba"), None);
            assert_eq!(table.get(b"abcd"), None);
            assert_eq!(table.get(b""), None);
        }
    }
}
