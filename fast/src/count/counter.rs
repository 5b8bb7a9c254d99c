//! Spec §4.1: splitting texts into pieces and counting them, batch by batch, on all cores.

use std::sync::atomic::{AtomicBool, Ordering};

use hashbrown::HashMap;
use rayon::prelude::*;
use rustc_hash::FxBuildHasher;

use super::piece_counts::{add_map, PieceCounts};
use crate::error::{Error, Result};
use crate::packed::{pack, pack_medium};
use crate::pattern::Splitter;
use crate::threads::with_threads;

/// Texts longer than this are cut, where the pattern allows it, so that one long text keeps
/// every core busy.
const LONG_TEXT: usize = 1 << 20;
/// How many chunks of work each thread gets: enough to balance uneven texts, few enough that
/// each chunk's table is large and the tables are cheap to combine.
const CHUNKS_PER_THREAD: usize = 4;

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
        let splitter = self.splitter;
        let batch: BatchCounts<'_> = with_threads(None, || {
            let chunk = parts
                .len()
                .div_ceil(rayon::current_num_threads() * CHUNKS_PER_THREAD)
                .max(1);
            parts
                .par_chunks(chunk)
                .map(|chunk| count_chunk(splitter, chunk, cancel))
                .try_reduce(BatchCounts::default, |a, b| Ok(a.merge(b)))
        })??;
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
    for text in texts {
        // Before every piece, not every so many: one search of a backtracking pattern may take
        // most of a second (pattern/splitter.rs), and the flag costs one load from a shared line.
        splitter.try_for_each_piece(text, |piece, _| {
            if cancel.load(Ordering::Relaxed) {
                return Err(Error::Interrupted);
            }
            local.add(piece.as_bytes(), &mut front);
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
}
