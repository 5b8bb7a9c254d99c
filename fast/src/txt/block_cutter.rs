//! The cutter for when the workers find the documents themselves: after each block it only
//! looks for the last document start in the lines that just ended, so that a batch ends where a
//! document starts, and says where each file's bytes begin.

use super::batch::{DocumentBatch, Documents, Segment};
use super::cutter::Cutter;
use super::line_rules::last_paragraph_start;
use super::options::TxtSplit;
use super::source::FileSource;
use crate::error::Result;

/// `source.buf` holds, in order: the whole documents of the batch being filled (up to
/// `doc_start`), then the bytes of the document in progress.
pub struct BlockCutter {
    split: TxtSplit,
    doc_start: usize,
    /// Where each file's bytes begin in the buffer.
    segments: Vec<Segment>,
    /// Every paragraph start up to here has been looked for.
    examined: usize,
    /// Every "\n" before here has been seen: a line of a gigabyte is searched once, not once
    /// per block read.
    searched: usize,
}

impl BlockCutter {
    pub fn new(split: TxtSplit) -> Self {
        BlockCutter {
            split,
            doc_start: 0,
            segments: Vec::new(),
            examined: 0,
            searched: 0,
        }
    }
}

impl Cutter for BlockCutter {
    fn complete(&self) -> usize {
        self.doc_start
    }

    fn opened(&mut self, source: &FileSource, index: usize) {
        self.segments.push(Segment {
            start: source.buf.len(),
            file: index,
            offset: 0,
            lines: source.reading_a_pipe().then_some(0),
        });
        self.examined = source.buf.len();
        self.searched = source.buf.len();
    }

    /// Move `doc_start` to the last document start that the bytes read so far show, looking only
    /// at the last lines: the workers find the rest. At a file's end, everything read is whole
    /// documents.
    fn block_read(&mut self, source: &mut FileSource, at_end: bool) -> Result<bool> {
        let buf = &source.buf;
        if at_end {
            self.doc_start = buf.len();
            return Ok(true);
        }
        if self.split == TxtSplit::File {
            return Ok(false);
        }
        // Only a line that ended in the bytes just read can change anything.
        let from = self.searched.max(self.doc_start);
        self.searched = buf.len();
        let Some(last) = memchr::memrchr(b'\n', &buf[from..]) else {
            return Ok(false);
        };
        let complete_end = from + last + 1;
        match self.split {
            TxtSplit::Line => self.doc_start = complete_end,
            TxtSplit::Paragraph => {
                let examined = self.examined.max(self.doc_start);
                if let Some(start) =
                    last_paragraph_start(buf, self.doc_start, examined, complete_end)
                {
                    self.doc_start = start;
                }
                self.examined = complete_end - 1;
            }
            TxtSplit::File => {}
        }
        Ok(false)
    }

    fn take_batch(&mut self, source: &mut FileSource) -> DocumentBatch {
        let cut = self.doc_start;
        let bytes = source.split_off_front(cut);
        self.examined = self.examined.saturating_sub(cut);
        self.searched = self.searched.saturating_sub(cut);
        self.doc_start = 0;
        let segments = std::mem::take(&mut self.segments);
        // The file being read goes on in the next batch, from the cut.
        let reading = source.reading();
        if let Some(last) = segments.last().filter(|last| Some(last.file) == reading) {
            let from = last.start.max(cut);
            let handed_out = &bytes[last.start.min(cut)..cut];
            self.segments.push(Segment {
                start: from - cut,
                file: last.file,
                offset: last.offset + (from - last.start) as u64,
                lines: last
                    .lines
                    .map(|lines| lines + memchr::memchr_iter(b'\n', handed_out).count() as u64),
            });
        }
        DocumentBatch {
            bytes,
            documents: Documents::Segments(
                segments
                    .into_iter()
                    .filter(|segment| segment.start < cut)
                    .collect(),
            ),
        }
    }
}
