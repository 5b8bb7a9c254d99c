//! Reading the files into batches of whole documents. The files are read block by block
//! (source.rs); after each block, one of two cutters, chosen by the options, says how much of
//! what was read is whole documents, and so where the batch may end:
//!
//! * block_cutter.rs, where the workers can find the documents themselves: it only looks for
//!   the last document start in the block, and leaves the rest to them;
//! * line_cutter.rs, where they cannot (max_chars, a doc_cap in paragraph or "file" mode): it
//!   goes line by line and finds every document itself.
//!
//! A document never spans two files.

use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::mpsc;

use super::batch::DocumentBatch;
use super::block_cutter::BlockCutter;
use super::cutter::Cutter;
use super::line_cutter::LineCutter;
use super::options::TxtOptions;
use super::source::FileSource;
use crate::error::Result;

/// Reads the files in order and cuts them into batches of whole documents.
pub struct TxtReader<'a> {
    source: FileSource<'a>,
    cutter: Box<dyn Cutter + 'a>,
}

impl<'a> TxtReader<'a> {
    pub fn new(files: &'a [String], options: &'a TxtOptions) -> Self {
        let cutter: Box<dyn Cutter + 'a> = if options.workers_find_documents() {
            Box::new(BlockCutter::new(options.split))
        } else {
            Box::new(LineCutter::new(options))
        };
        TxtReader {
            source: FileSource::new(files, options.block_bytes),
            cutter,
        }
    }

    /// Fill batches from the buffers of counted batches that come back on `recycled`.
    pub fn recycling(mut self, recycled: mpsc::Receiver<Vec<u8>>) -> Self {
        self.source.recycling(recycled);
        self
    }

    /// Stop reading, with an error, once `cancel` becomes true.
    pub fn cancelled_by(mut self, cancel: &'a AtomicBool) -> Self {
        self.source.cancelled_by(cancel);
        self
    }

    /// Add the number of bytes read to `read` as they are read.
    pub fn counting_bytes_into(mut self, read: &'a AtomicU64) -> Self {
        self.source.counting_bytes_into(read);
        self
    }

    /// The next batch of at least `limit` bytes of documents (less at the end of the corpus),
    /// or None when every document has been handed out.
    pub fn next_batch(&mut self, limit: usize) -> Result<Option<DocumentBatch>> {
        while self.cutter.complete() < limit {
            self.source.check_cancel()?;
            if self.source.reading().is_none() {
                if self.cutter.finished() {
                    break;
                }
                let Some(index) = self.source.open_next()? else {
                    break;
                };
                self.cutter.opened(&self.source, index);
            }
            let at_end = self.source.read_block()?;
            if self.cutter.block_read(&mut self.source, at_end)? {
                self.source.close();
            }
        }
        if self.cutter.complete() == 0 {
            return Ok(None);
        }
        Ok(Some(self.cutter.take_batch(&mut self.source)))
    }
}
