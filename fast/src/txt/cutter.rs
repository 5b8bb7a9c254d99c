//! What a reader asks of the way it cuts batches (block_cutter.rs or line_cutter.rs): how much
//! of what the source has read is whole documents.

use super::batch::DocumentBatch;
use super::source::FileSource;
use crate::error::Result;

/// How a reader finds where its batches may end, in what the source has read so far.
pub trait Cutter {
    /// How many bytes at the front of the buffer are whole documents.
    fn complete(&self) -> usize;
    /// Whether nothing more is to be read (max_chars is reached).
    fn finished(&self) -> bool {
        false
    }
    /// File `index` was opened: its bytes will follow what the buffer holds.
    fn opened(&mut self, source: &FileSource, index: usize);
    /// A block was read onto the buffer (`at_end`: the file's last); true if the file is done
    /// with.
    fn block_read(&mut self, source: &mut FileSource, at_end: bool) -> Result<bool>;
    /// Hand out the whole documents as a batch; the document in progress stays.
    fn take_batch(&mut self, source: &mut FileSource) -> DocumentBatch;
}
