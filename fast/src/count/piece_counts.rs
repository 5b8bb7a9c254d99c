//! Spec §4.1: a corpus's distinct pieces and how often each occurred, the only thing training
//! needs of it; kept in three tables by length so that short pieces cost no allocation.

use hashbrown::HashMap;
use rustc_hash::FxBuildHasher;

use crate::error::{Error, Result};
use crate::packed::{pack, pack_medium, unpack, unpack_medium, unpacked, unpacked_medium};

/// Distinct pieces and how often each occurred: the only thing training needs of a corpus.
///
/// Pieces of up to seven bytes (most of them) are kept packed in a u64, their bytes and then
/// their length, which hashes with one multiplication, compares in one instruction and needs no
/// allocation; pieces of eight to fifteen bytes (identifiers, long words, base64) likewise in a
/// u128; only longer pieces are kept as boxed bytes, an allocation each.
#[derive(Clone, Debug, Default)]
pub struct PieceCounts {
    pub(super) short: HashMap<u64, u64, FxBuildHasher>,
    pub(super) medium: HashMap<u128, u64, FxBuildHasher>,
    pub(super) long: HashMap<Box<[u8]>, u64, FxBuildHasher>,
}

/// A piece's bytes as [`PieceCounts::iter`] yields them.
#[derive(Clone, Copy, Debug)]
pub enum PieceBytes<'a> {
    Short([u8; 8]),
    Medium([u8; 16]),
    Long(&'a [u8]),
}

impl AsRef<[u8]> for PieceBytes<'_> {
    #[inline]
    fn as_ref(&self) -> &[u8] {
        match self {
            PieceBytes::Short(packed) => unpacked(packed),
            PieceBytes::Medium(packed) => unpacked_medium(packed),
            PieceBytes::Long(bytes) => bytes,
        }
    }
}

/// Which of the three tables a piece belongs in, with its key there.
enum Key<'p> {
    Short(u64),
    Medium(u128),
    Long(&'p [u8]),
}

impl<'p> Key<'p> {
    #[inline]
    fn of(piece: &'p [u8]) -> Self {
        if let Some(key) = pack(piece) {
            Key::Short(key)
        } else if let Some(key) = pack_medium(piece) {
            Key::Medium(key)
        } else {
            Key::Long(piece)
        }
    }
}

/// Add every count of `from` to `into`, walking the smaller of the two.
pub(super) fn add_map<K: std::hash::Hash + Eq>(
    into: &mut HashMap<K, u64, FxBuildHasher>,
    mut from: HashMap<K, u64, FxBuildHasher>,
) {
    if from.len() > into.len() {
        std::mem::swap(into, &mut from);
    }
    for (key, count) in from {
        *into.entry(key).or_insert(0) += count;
    }
}

impl PieceCounts {
    pub fn new() -> Self {
        Self::default()
    }

    /// The number of distinct pieces.
    pub fn len(&self) -> usize {
        self.short.len() + self.medium.len() + self.long.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How often `piece` occurred (0 if never).
    pub fn get(&self, piece: &[u8]) -> u64 {
        let count = match Key::of(piece) {
            Key::Short(key) => self.short.get(&key),
            Key::Medium(key) => self.medium.get(&key),
            Key::Long(piece) => self.long.get(piece),
        };
        count.copied().unwrap_or(0)
    }

    /// Set the count of `piece`.
    fn set(&mut self, piece: &[u8], count: u64) {
        match Key::of(piece) {
            Key::Short(key) => self.short.insert(key, count),
            Key::Medium(key) => self.medium.insert(key, count),
            Key::Long(piece) => self.long.insert(piece.into(), count),
        };
    }

    /// Count `piece` `count` more times.
    pub fn add(&mut self, piece: &[u8], count: u64) {
        let total = match Key::of(piece) {
            Key::Short(key) => self.short.entry(key).or_insert(0),
            Key::Medium(key) => self.medium.entry(key).or_insert(0),
            Key::Long(piece) => self.long.entry_ref(piece).or_insert(0),
        };
        *total += count;
    }

    /// Add every count of `other` to this table.
    pub fn merge(&mut self, other: PieceCounts) {
        add_map(&mut self.short, other.short);
        add_map(&mut self.medium, other.medium);
        add_map(&mut self.long, other.long);
    }

    /// Add every count of `other` to this table, failing (and leaving this table as it was for
    /// the pieces not yet added) if any count would pass `limit`: tables from users add up
    /// counts that must still fit the int64 of their Arrow form (spec §12.4).
    pub fn add_checked(&mut self, other: &PieceCounts, limit: u64) -> Result<()> {
        for (piece, count) in other.iter() {
            let piece = piece.as_ref();
            let sum = self
                .get(piece)
                .checked_add(count)
                .filter(|&sum| sum <= limit)
                .ok_or_else(|| {
                    Error::InvalidArgument(format!(
                        "the count of piece {:?} passes {limit} when the tables are added",
                        String::from_utf8_lossy(piece)
                    ))
                })?;
            self.set(piece, sum);
        }
        Ok(())
    }

    /// The sum of the counts (the number of pieces counted), wide enough never to overflow.
    pub fn total(&self) -> u128 {
        self.short
            .values()
            .chain(self.medium.values())
            .chain(self.long.values())
            .map(|&count| u128::from(count))
            .sum()
    }

    /// The total length of the distinct pieces, in bytes.
    pub fn total_bytes(&self) -> usize {
        let short: usize = self
            .short
            .keys()
            .map(|&key| usize::from(unpack(key)[7]))
            .sum();
        let medium: usize = self.medium.keys().map(|key| unpack_medium(key).1).sum();
        short + medium + self.long.keys().map(|piece| piece.len()).sum::<usize>()
    }

    /// Every distinct piece with its count, consuming the table as it goes (long pieces are
    /// freed one by one), so that what is built from it need not sit beside all of it.
    pub fn drain(self) -> impl Iterator<Item = (OwnedPiece, u64)> {
        let short = self
            .short
            .into_iter()
            .map(|(key, count)| (OwnedPiece::Short(unpack(key)), count));
        let medium = self
            .medium
            .into_iter()
            .map(|(key, count)| (OwnedPiece::Medium(key.to_le_bytes()), count));
        let long = self
            .long
            .into_iter()
            .map(|(piece, count)| (OwnedPiece::Long(piece), count));
        short.chain(medium).chain(long)
    }

    /// Every distinct piece with its count, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (PieceBytes<'_>, u64)> + '_ {
        let short = self
            .short
            .iter()
            .map(|(&key, &count)| (PieceBytes::Short(unpack(key)), count));
        let medium = self
            .medium
            .iter()
            .map(|(&key, &count)| (PieceBytes::Medium(key.to_le_bytes()), count));
        let long = self
            .long
            .iter()
            .map(|(piece, &count)| (PieceBytes::Long(piece), count));
        short.chain(medium).chain(long)
    }
}

/// A piece's bytes as [`PieceCounts::drain`] yields them.
pub enum OwnedPiece {
    Short([u8; 8]),
    Medium([u8; 16]),
    Long(Box<[u8]>),
}

impl AsRef<[u8]> for OwnedPiece {
    #[inline]
    fn as_ref(&self) -> &[u8] {
        match self {
            OwnedPiece::Short(packed) => unpacked(packed),
            OwnedPiece::Medium(packed) => unpacked_medium(packed),
            OwnedPiece::Long(bytes) => bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_and_long_pieces_round_trip() {
        let mut counts = PieceCounts::new();
        for piece in [
            &b""[..],
            b"a",
            b"abcdefg",
            b"abcdefgh",
            b"\x00\x00",
            b"\x00",
        ] {
            counts.add(piece, 3);
        }
        counts.add(b"a", 1);
        let mut seen: Vec<(Vec<u8>, u64)> = counts
            .iter()
            .map(|(p, c)| (p.as_ref().to_vec(), c))
            .collect();
        seen.sort();
        let expected: Vec<(Vec<u8>, u64)> = vec![
            (b"".to_vec(), 3),
            (b"\x00".to_vec(), 3),
            (b"\x00\x00".to_vec(), 3),
            (b"a".to_vec(), 4),
            (b"abcdefg".to_vec(), 3),
            (b"abcdefgh".to_vec(), 3),
        ];
        assert_eq!(seen, expected);
    }

    #[test]
    fn tables_hold_pieces_of_every_length_in_all_three_forms_alike() {
        use std::collections::BTreeMap;
        // Lengths 0 to 20 cover the packed u64 (up to 7), the packed u128 (8 to 15) and the
        // boxed bytes (16 on), with zero bytes that packing must keep apart from padding.
        let piece =
            |n: usize, fill: u8| -> Vec<u8> { (0..n).map(|i| fill * (i % 2) as u8).collect() };
        let mut model: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
        let (mut left, mut right) = (PieceCounts::new(), PieceCounts::new());
        for n in 0..=20 {
            for (fill, count) in [(0u8, 2u64), (7, 5)] {
                let p = piece(n, fill);
                left.add(&p, count);
                right.add(&p, count + 1);
                *model.entry(p).or_insert(0) += 2 * count + 1;
            }
        }
        let mut checked = left.clone();
        checked.add_checked(&right, u64::MAX).unwrap();
        left.merge(right);
        for table in [&left, &checked] {
            assert_eq!(table.len(), model.len());
            for (p, &count) in &model {
                assert_eq!(table.get(p), count, "{p:?}");
            }
            let seen: BTreeMap<Vec<u8>, u64> = table
                .iter()
                .map(|(p, c)| (p.as_ref().to_vec(), c))
                .collect();
            assert_eq!(seen, model);
            assert_eq!(
                table.total(),
                model.values().map(|&c| u128::from(c)).sum::<u128>()
            );
            assert_eq!(
                table.total_bytes(),
                model.keys().map(Vec::len).sum::<usize>()
            );
        }
        let drained: BTreeMap<Vec<u8>, u64> = left
            .drain()
            .map(|(p, c)| (p.as_ref().to_vec(), c))
            .collect();
        assert_eq!(drained, model);
    }
}
