//! Spec §4.1: split texts into pieces and count each distinct piece, on all cores.

use hashbrown::HashMap;
use rayon::prelude::*;
use rustc_hash::FxBuildHasher;

use crate::error::Result;
use crate::pattern::Splitter;

/// Distinct piece bytes and how often each occurred.
pub type PieceCounts = HashMap<Box<[u8]>, u64, FxBuildHasher>;

type BorrowedCounts<'t> = HashMap<&'t [u8], u64, FxBuildHasher>;

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
        let splitter = self.splitter;
        let batch: BorrowedCounts<'_> = texts
            .par_iter()
            .try_fold(BorrowedCounts::default, |mut local, text| {
                splitter.for_each_piece(text.as_ref(), |piece| {
                    *local.entry(piece.as_bytes()).or_insert(0) += 1;
                })?;
                Ok(local)
            })
            .try_reduce(BorrowedCounts::default, |a, b| Ok(merge_into_larger(a, b)))?;
        for (piece, count) in batch {
            *self.counts.entry_ref(piece).or_insert(0) += count;
        }
        self.texts_seen += texts.len() as u64;
        Ok(())
    }

    pub fn texts_seen(&self) -> u64 {
        self.texts_seen
    }

    pub fn into_counts(self) -> PieceCounts {
        self.counts
    }
}

fn merge_into_larger<'t>(a: BorrowedCounts<'t>, b: BorrowedCounts<'t>) -> BorrowedCounts<'t> {
    let (mut large, small) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    for (piece, count) in small {
        *large.entry(piece).or_insert(0) += count;
    }
    large
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
        assert_eq!(counts[b"hello".as_slice()], 2);
        assert_eq!(counts[b" world".as_slice()], 2);
        assert_eq!(counts.len(), 2);
    }
}
