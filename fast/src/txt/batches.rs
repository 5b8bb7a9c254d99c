//! The documents of a corpus of .txt files, batch by batch, in corpus order: one thread reads
//! the files in order, in batches of a few MB that end where a document does (reader.rs), while
//! the caller works on the documents of the batch before, found and decoded on all cores
//! (batch.rs). Counting for training and encoding into token shards both read this way.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;

use super::batch::DocumentBatch;
use super::options::TxtOptions;
use super::reader::TxtReader;
use crate::batches::BatchSizes;
use crate::error::{Error, Result};

/// Call `each` with the documents of every batch of `files` (paths, read in this order), adding
/// the number of bytes read to `read` as they are read. Stops soon after `cancel` becomes true,
/// with [`Error::Interrupted`], and at the first error of `each`.
pub fn for_each_txt_batch(
    files: &[String],
    options: &TxtOptions,
    cancel: &AtomicBool,
    read: &AtomicU64,
    mut each: impl FnMut(&[Cow<'_, str>]) -> Result<()>,
) -> Result<()> {
    std::thread::scope(|scope| {
        // One batch may wait while one is worked on and the next is read.
        let (send, receive) = mpsc::sync_channel::<Result<DocumentBatch>>(1);
        // Used batches' buffers go back to the reader: a fresh buffer of megabytes costs a
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
                // A send fails when the working side has stopped (an error of its own).
                if send.send(next).is_err() || failed {
                    return;
                }
            }
        });
        let worked = (|| {
            for batch in receive {
                let batch = batch?;
                let texts = batch.documents(options, files)?;
                each(&texts)?;
                drop(texts);
                // The reader may have finished: then nobody wants the buffer.
                let _ = give_back.send(batch.bytes);
            }
            Ok(())
        })();
        if worked.is_err() {
            // The reader may be reading: stop it rather than wait for the corpus's end.
            cancel.store(true, Ordering::Relaxed);
        }
        worked?;
        if cancel.load(Ordering::Relaxed) {
            return Err(Error::Interrupted);
        }
        Ok(())
    })
}
