//! The core's reader of .txt corpora, which reads the documents that `bytebpe.corpus` reads and
//! counts them without Python.
//!
//! * batches.rs: the reading thread and the caller's work on each batch, and how batches pass
//!   between; count_files.rs: counting them for training;
//! * options.rs: the options of `bytebpe.corpus` for .txt files;
//! * reader.rs: files to batches of whole documents, with source.rs reading the files and one of
//!   two cutters (cutter.rs) finding where a batch may end: block_cutter.rs, which leaves finding the
//!   documents to the workers, and line_cutter.rs, which goes line by line where they cannot;
//! * batch.rs: a batch of documents, and the workers' side of it: finding, checking, decoding;
//! * line_rules.rs: blank lines and where documents start; utf8_error.rs: the errors of bad
//!   bytes, in the words of Python's reader.

mod batch;
mod batches;
mod block_cutter;
mod count_files;
mod cutter;
mod line_cutter;
mod line_rules;
mod options;
mod reader;
mod source;
#[cfg(test)]
mod tests;
mod utf8_error;

pub use batches::for_each_txt_batch;
pub use count_files::count_txt_files;
pub use options::{TxtOptions, TxtSplit};
