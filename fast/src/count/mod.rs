//! Counting the pieces of a corpus (spec §4.1): counter.rs splits and counts batches of texts
//! on all cores; piece_counts.rs is the table of counts that training takes.

mod counter;
mod piece_counts;

pub use counter::PieceCounter;
pub use piece_counts::{OwnedPiece, PieceBytes, PieceCounts};
