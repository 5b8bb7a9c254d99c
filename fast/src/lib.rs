//! bytebpe's fast core: byte-level BPE that agrees with the reference implementation
//! (reference/bytebpe/reference.py) merge for merge, tie for tie and id for id.
//!
//! Where things live, in the order a text goes through them (each folder's mod.rs says more):
//!
//! * pattern/: split patterns (spec §2): the named ones, the grammar (syntax/), the splitter,
//!   and hand-written splitters for the named patterns;
//! * count/: splitting texts and counting their pieces (§4.1); txt/: reading a corpus of .txt
//!   files and counting it without Python; batches.rs: the sizes of the batches both count in;
//! * train/: the merge loop (§4.2-§4.6); progress.rs: how long work reports progress and hears
//!   that it must stop;
//! * encode/: the encoder (§5-§7): rank tables, encoding, decoding;
//! * unicode/: the pinned Unicode table and the code point sets built from it;
//! * error.rs: the errors, and bytes written for their messages; threads.rs: running work on a
//!   chosen number of threads; packed.rs and prefetch.rs, shared by counting, training and
//!   encoding: short byte strings packed into a u64, and asking the CPU for memory ahead.
//!
//! The crate is plain Rust; python/, behind the `python` feature, is the only place that knows
//! about Python. Section numbers in comments refer to spec/bpe.md.

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
pub use encode::{Allowed, Encoder};
pub use error::{Error, Result};
pub use pattern::Splitter;
pub use progress::{Progress, Silent, Stage};
pub use train::{extend_from_words, train_from_counts, train_from_piece_counts, Merge};

/// Train on texts in one call (§4): split and count, then merge. The Python module streams
/// texts in batches instead; this is the convenience for Rust callers and tests.
pub fn train<S: AsRef<str> + Sync>(
    texts: &[S],
    vocab_size: u32,
    pattern: &str,
    min_frequency: u64,
    max_token_length: Option<u32>,
) -> Result<Vec<Merge>> {
    let splitter = Splitter::new(pattern)?;
    let mut counter = PieceCounter::new(&splitter);
    counter.add_batch(texts)?;
    train_from_piece_counts(
        counter.into_counts(),
        vocab_size,
        min_frequency,
        max_token_length,
        &mut Silent,
        None,
    )
}
