//! Counting a corpus of .txt files without Python: the documents are exactly those that
//! `bytebpe.corpus` reads from the same files (its module docstring is the rule), so training on
//! a `Corpus` of text files gives the same merges either way, only without waiting for Python to
//! read, decode and hand over every document on one core.
//!
//! One thread reads the files in order, in batches of a few MB that end where a document does
//! (reader.rs); the workers decode each batch's documents, finding them first where the reader
//! left that to them (batch.rs), and count their pieces while the next batch is read.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;

use super::batch::DocumentBatch;
use super::options::TxtOptions;
use super::reader::TxtReader;
use crate::batches::BatchSizes;
use crate::count::PieceCounter;
use crate::error::{Error, Result};

/// Count the pieces of every document of `files` (paths, read in this order) into `counter`,
/// adding the number of bytes read to `read` as they are read. Stops soon after `cancel` becomes
/// true, with [`Error::Interrupted`].
pub fn count_txt_files(
    files: &[String],
    options: &TxtOptions,
    counter: &mut PieceCounter<'_>,
    cancel: &AtomicBool,
    read: &AtomicU64,
) -> Result<()> {
    std::thread::scope(|scope| {
        // One batch may wait while one is counted and the next is read.
        let (send, receive) = mpsc::sync_channel::<Result<DocumentBatch>>(1);
        // Counted batches' buffers go back to the reader: a fresh buffer of megabytes costs a
        // page fault per page as the reading fills it.
        let (give_back, given_back) = mpsc::channel();
        scope.spawn(move || {
            let mut reader = TxtReader::new(files, options)
                .recycling(given_back)
                .cancelled_by(cancel)
                .counting_bytes_into(read);
            let mut sizes = BatchSizes::starting_at(options.first_batch_bytes.max(1));
            while !cancel.load(Ordering::Relaxed) {
                let Some(next) = reader.next_batch(sizes.next_size()).transpose() else {
                    return;
                };
                let failed = next.is_err();
                // A send fails when the counting side has stopped (an error of its own).
                if send.send(next).is_err() || failed {
                    return;
                }
            }
        });
        for batch in receive {
            let batch = batch?;
            let texts = batch.documents(options, files)?;
            counter.add_batch_cancellable(&texts, cancel)?;
            drop(texts);
            // The reader may have finished: then nobody wants the buffer.
            let _ = give_back.send(batch.bytes);
        }
        if cancel.load(Ordering::Relaxed) {
            return Err(Error::Interrupted);
        }
        Ok(())
    })
}
