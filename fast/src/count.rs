//! Spec §4.1: split texts into pieces and count each distinct piece, on all cores.

use hashbrown::HashMap;
use rayon::prelude::*;
use rustc_hash::FxBuildHasher;

use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};
use crate::pattern::Splitter;

/// Distinct piece bytes and how often each occurred.
pub type PieceCounts = HashMap<Box<[u8]>, u64, FxBuildHasher>;

type BorrowedCounts<'t> = HashMap<&'t [u8], u64, FxBuildHasher>;

/// How many pieces a worker counts between two looks at the cancel flag (well under a
/// millisecond of work).
const CANCEL_CHECK_PIECES: u32 = 4096;

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
        let splitter = self.splitter;
        let batch: BorrowedCounts<'_> = texts
            .par_iter()
            .try_fold(BorrowedCounts::default, |mut local, text| {
                let mut since_check = 0u32;
                splitter.try_for_each_piece(text.as_ref(), |piece| {
                    *local.entry(piece.as_bytes()).or_insert(0) += 1;
                    since_check += 1;
                    if since_check == CANCEL_CHECK_PIECES {
                        since_check = 0;
                        if cancel.load(Ordering::Relaxed) {
                            return Err(Error::Interrupted);
                        }
                    }
                    Ok(())
                })?;
                if cancel.load(Ordering::Relaxed) {
                    return Err(Error::Interrupted);
                }
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
