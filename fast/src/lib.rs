//! bytebpe's fast core: byte-level BPE that agrees with the reference implementation
//! (reference/bytebpe/reference.py) merge for merge, tie for tie and id for id.
//!
//! The crate is plain Rust; `python.rs`, behind the `python` feature, is the only place that
//! knows about Python. Section numbers in comments refer to spec/bpe.md.

mod batches;
pub mod count;
pub mod encode;
pub mod error;
mod packed;
pub mod pattern;
mod prefetch;
pub mod progress;
pub mod threads;
pub mod train;
pub mod txt;
pub mod unicode;

#[cfg(feature = "python")]
mod python;

pub use count::{OwnedPiece, PieceBytes, PieceCounter, PieceCounts};
pub use encode::Encoder;
pub use error::{Error, Result};
pub use pattern::Splitter;
pub use progress::{Progress, Silent, Stage};
pub use train::{train_from_counts, train_from_piece_counts, Merge};

/// Train on texts in one call (§4): split and count, then merge. The Python module streams
/// texts in batches instead; this is the convenience for Rust callers and tests.
pub fn train<S: AsRef<str> + Sync>(
    texts: &[S],
    vocab_size: u32,
    pattern: &str,
    min_frequency: u64,
) -> Result<Vec<Merge>> {
    let splitter = Splitter::new(pattern)?;
    let mut counter = PieceCounter::new(&splitter);
    counter.add_batch(texts)?;
    train_from_piece_counts(
        counter.into_counts(),
        vocab_size,
        min_frequency,
        &mut Silent,
        None,
    )
}
