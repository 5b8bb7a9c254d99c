//! Spec §4.1: split texts into pieces and count each distinct piece, on all cores.

use std::sync::atomic::{AtomicBool, Ordering};

use hashbrown::HashMap;
use rayon::prelude::*;
use rustc_hash::FxBuildHasher;

use crate::error::{Error, Result};
use crate::packed::{pack, pack_medium, unpack, unpack_medium, unpacked, unpacked_medium};
use crate::pattern::Splitter;

/// How many pieces a worker counts between two looks at the cancel flag (well under a
/// millisecond of work).
const CANCEL_CHECK_PIECES: u32 = 4096;
/// Texts longer than this are cut, where the pattern allows it, so that one long text keeps
/// every core busy.
const LONG_TEXT: usize = 1 << 20;
/// How many chunks of work each thread gets: enough to balance uneven texts, few enough that
/// each chunk's table is large and the tables are cheap to combine.
const CHUNKS_PER_THREAD: usize = 4;

/// Distinct pieces and how often each occurred: the only thing training needs of a corpus.
///
/// Pieces of up to seven bytes (most of them) are kept packed in a u64, their bytes and then
/// their length, which hashes with one multiplication, compares in one instruction and needs no
/// allocation; pieces of eight to fifteen bytes (identifiers, long words, base64) likewise in a
/// u128; only longer pieces are kept as boxed bytes, an allocation each.
#[derive(Clone, Debug, Default)]
pub struct PieceCounts {
    short: HashMap<u64, u64, FxBuildHasher>,
    medium: HashMap<u128, u64, FxBuildHasher>,
    long: HashMap<Box<[u8]>, u64, FxBuildHasher>,
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
fn add_map<K: std::hash::Hash + Eq>(
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

/// The counts of one batch while it is being counted: pieces of eight to fifteen bytes (common
/// words with their space) are keyed by their packed u128, which hashes and compares without a
/// loop over the bytes; the longer ones borrow from the texts.
#[derive(Default)]
struct BatchCounts<'t> {
    short: HashMap<u64, u64, FxBuildHasher>,
    medium: HashMap<u128, u64, FxBuildHasher>,
    long: HashMap<&'t [u8], u64, FxBuildHasher>,
}

/// A small direct-mapped table in front of the short-piece map. Piece frequencies are Zipfian:
/// most occurrences are of a few thousand pieces, whose counts then stay in the CPU's nearest
/// caches instead of costing a probe into a table of millions. An entry pushed out by another
/// piece hands its count on to the map.
struct FrontCache {
    keys: Vec<u64>,
    counts: Vec<u64>,
}

const FRONT_BITS: u32 = 12;

impl FrontCache {
    fn new() -> Self {
        FrontCache {
            keys: vec![0; 1 << FRONT_BITS],
            counts: vec![0; 1 << FRONT_BITS],
        }
    }

    /// Count the packed piece `key` (never 0: a packed piece holds its non-zero length).
    #[inline]
    fn add(&mut self, key: u64, map: &mut HashMap<u64, u64, FxBuildHasher>) {
        let slot = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - FRONT_BITS)) as usize;
        if self.keys[slot] == key {
            self.counts[slot] += 1;
            return;
        }
        if self.counts[slot] > 0 {
            *map.entry(self.keys[slot]).or_insert(0) += self.counts[slot];
        }
        self.keys[slot] = key;
        self.counts[slot] = 1;
    }

    fn flush(self, map: &mut HashMap<u64, u64, FxBuildHasher>) {
        for (key, count) in self.keys.into_iter().zip(self.counts) {
            if count > 0 {
                *map.entry(key).or_insert(0) += count;
            }
        }
    }
}

impl<'t> BatchCounts<'t> {
    fn with_capacity(pieces: usize) -> Self {
        BatchCounts {
            short: HashMap::with_capacity_and_hasher(pieces, FxBuildHasher),
            medium: HashMap::with_capacity_and_hasher(pieces / 4, FxBuildHasher),
            long: HashMap::with_capacity_and_hasher(pieces / 8, FxBuildHasher),
        }
    }

    #[inline]
    fn add(&mut self, piece: &'t [u8], front: &mut FrontCache) {
        if let Some(key) = pack(piece) {
            front.add(key, &mut self.short);
        } else if let Some(key) = pack_medium(piece) {
            *self.medium.entry(key).or_insert(0) += 1;
        } else {
            *self.long.entry(piece).or_insert(0) += 1;
        }
    }

    fn merge(mut self, other: BatchCounts<'t>) -> BatchCounts<'t> {
        add_map(&mut self.short, other.short);
        add_map(&mut self.medium, other.medium);
        add_map(&mut self.long, other.long);
        self
    }
}

/// Accumulates piece counts over batches of texts. Memory grows with the number of distinct
/// pieces, not with the number of texts: each batch is counted with keys that borrow from the
/// batch, and only pieces not seen before are copied into the running table.
pub struct PieceCounter<'s> {
    splitter: &'s Splitter,
    counts: PieceCounts,
    texts_seen: u64,
}

impl<'s> PieceCounter<'s> {
    pub fn new(splitter: &'s Splitter) -> Self {
        PieceCounter {
            splitter,
            counts: PieceCounts::default(),
            texts_seen: 0,
        }
    }

    /// Count the pieces of every text in `texts`, splitting on all cores.
    pub fn add_batch<S: AsRef<str> + Sync>(&mut self, texts: &[S]) -> Result<()> {
        self.add_batch_cancellable(texts, &AtomicBool::new(false))
    }

    /// [`PieceCounter::add_batch`] that stops soon after `cancel` becomes true, with
    /// [`Error::Interrupted`], leaving the running table as it was before the batch.
    pub fn add_batch_cancellable<S: AsRef<str> + Sync>(
        &mut self,
        texts: &[S],
        cancel: &AtomicBool,
    ) -> Result<()> {
        let parts = self.work_items(texts);
        let chunk = parts
            .len()
            .div_ceil(rayon::current_num_threads() * CHUNKS_PER_THREAD)
            .max(1);
        let splitter = self.splitter;
        let batch: BatchCounts<'_> = parts
            .par_chunks(chunk)
            .map(|chunk| count_chunk(splitter, chunk, cancel))
            .try_reduce(BatchCounts::default, |a, b| Ok(a.merge(b)))?;
        add_map(&mut self.counts.short, batch.short);
        add_map(&mut self.counts.medium, batch.medium);
        for (piece, count) in batch.long {
            *self.counts.long.entry_ref(piece).or_insert(0) += count;
        }
        self.texts_seen += texts.len() as u64;
        Ok(())
    }

    /// The texts as units of work: a long text is cut at the pattern's safe boundaries.
    fn work_items<'t, S: AsRef<str>>(&self, texts: &'t [S]) -> Vec<&'t str> {
        let mut parts = Vec::with_capacity(texts.len());
        for text in texts {
            let text = text.as_ref();
            if text.len() <= LONG_TEXT {
                parts.push(text);
                continue;
            }
            let mut start = 0;
            for cut in self.splitter.safe_cuts(text, LONG_TEXT) {
                parts.push(&text[start..cut]);
                start = cut;
            }
            parts.push(&text[start..]);
        }
        parts
    }

    pub fn texts_seen(&self) -> u64 {
        self.texts_seen
    }

    pub fn into_counts(self) -> PieceCounts {
        self.counts
    }
}

/// Count the pieces of some texts on one thread, into a table whose keys borrow from them.
fn count_chunk<'t>(
    splitter: &Splitter,
    texts: &[&'t str],
    cancel: &AtomicBool,
) -> Result<BatchCounts<'t>> {
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    // Distinct pieces grow far slower than bytes; this guess saves most of the rehashing.
    let mut local = BatchCounts::with_capacity((bytes / 64).min(1 << 20));
    let mut front = FrontCache::new();
    let mut since_check = 0u32;
    for text in texts {
        splitter.try_for_each_piece(text, |piece| {
            local.add(piece.as_bytes(), &mut front);
            since_check += 1;
            if since_check == CANCEL_CHECK_PIECES {
                since_check = 0;
                if cancel.load(Ordering::Relaxed) {
                    return Err(Error::Interrupted);
                }
            }
            Ok(())
        })?;
    }
    if cancel.load(Ordering::Relaxed) {
        return Err(Error::Interrupted);
    }
    front.flush(&mut local.short);
    Ok(local)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_pieces_across_texts_and_batches() {
        let splitter = Splitter::new("gpt4").unwrap();
        let mut counter = PieceCounter::new(&splitter);
        counter.add_batch(&["hello world", "hello"]).unwrap();
        counter.add_batch(&[String::from(" world")]).unwrap();
        let counts = counter.into_counts();
        assert_eq!(counts.get(b"hello"), 2);
        assert_eq!(counts.get(b" world"), 2);
        assert_eq!(counts.len(), 2);
    }

    #[test]
    fn a_long_text_counts_the_same_cut_or_whole() {
        let line = "Some words, and\n  indented code();\nmore text 12345 here\n";
        let text = line.repeat(3 * LONG_TEXT / line.len());
        let splitter = Splitter::new("gpt4").unwrap();
        let mut counter = PieceCounter::new(&splitter);
        counter.add_batch(&[text.as_str()]).unwrap();
        let mut expected: HashMap<&[u8], u64> = HashMap::new();
        splitter
            .for_each_piece(&text, |p| *expected.entry(p.as_bytes()).or_insert(0) += 1)
            .unwrap();
        let counts = counter.into_counts();
        assert_eq!(counts.len(), expected.len());
        for (piece, count) in expected {
            assert_eq!(counts.get(piece), count);
        }
    }

    #[test]
    fn pieces_of_every_length_count_the_same_in_any_batches() {
        // Words of 1 to 20 letters, with and without their space: packed short (up to 7 bytes),
        // packed medium (8 to 15) and borrowed long pieces, in two batches of several texts.
        let words: Vec<String> = (1..=20)
            .map(|n| "abcdefghijklmnopqrst"[..n].to_string())
            .collect();
        let text = words.join(" ");
        let batches = [vec![text.clone(), text.repeat(3)], vec![text.repeat(2)]];
        let splitter = Splitter::new("gpt4").unwrap();
        let mut counter = PieceCounter::new(&splitter);
        for batch in &batches {
            counter.add_batch(batch).unwrap();
        }
        let counts = counter.into_counts();
        let mut expected: HashMap<Vec<u8>, u64> = HashMap::new();
        for text in batches.iter().flatten() {
            splitter
                .for_each_piece(text, |p| {
                    *expected.entry(p.as_bytes().to_vec()).or_insert(0) += 1
                })
                .unwrap();
        }
        assert!(expected.keys().any(|p| p.len() == 15) && expected.keys().any(|p| p.len() == 8));
        assert_eq!(counts.len(), expected.len());
        for (piece, count) in expected {
            assert_eq!(
                counts.get(&piece),
                count,
                "{:?}",
                String::from_utf8_lossy(&piece)
            );
        }
    }

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
