//! Counting a corpus of .txt files without Python: the documents are exactly those that
//! `bytebpe.corpus` reads from the same files (its module docstring is the rule), so training on
//! a `Corpus` of text files gives the same merges either way, only without waiting for Python to
//! read, decode and hand over every document on one core.

use std::sync::atomic::{AtomicBool, AtomicU64};

use super::batches::for_each_txt_batch;
use super::options::TxtOptions;
use crate::count::PieceCounter;
use crate::error::Result;

/// Count the pieces of every document of `files` (paths, read in this order) into `counter`,
/// adding the number of bytes read to `read` as they are read. Stops soon after `cancel` becomes
/// true, with [`crate::error::Error::Interrupted`].
pub fn count_txt_files(
    files: &[String],
    options: &TxtOptions,
    counter: &mut PieceCounter<'_>,
    cancel: &AtomicBool,
    read: &AtomicU64,
) -> Result<()> {
    for_each_txt_batch(files, options, cancel, read, |texts| {
        counter.add_batch_cancellable(texts, cancel)
    })
}
