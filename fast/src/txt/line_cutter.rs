//! The cutter for when the workers cannot find the documents on their own: it goes line by
//! line, each line checked (errors="strict") and its characters counted before the next is
//! looked at, and finds every document itself.
//!
//! That is needed where Python stops reading before a file's end and so never sees what comes
//! after: txt_split="file" with a doc_cap, where the first line after the document holds doc_cap
//! characters is read but not kept and nothing after it is read; and max_chars, where after the
//! document that reaches the budget nothing is read but, in paragraph mode, the line that showed
//! that document's end. And where a paragraph longer than its doc_cap must be cropped as it is
//! read, so that memory stays bounded.

use super::batch::{DocumentBatch, Documents};
use super::cutter::Cutter;
use super::line_rules::is_blank;
use super::options::{TxtOptions, TxtSplit};
use super::source::FileSource;
use super::utf8_error::utf8_error;
use crate::error::Result;

/// `source.buf` holds, in order: the whole documents of the batch being filled (up to
/// `doc_start`), the lines scanned so far of the document in progress (up to `scan`), and bytes
/// read but not yet scanned.
pub struct LineCutter<'a> {
    options: &'a TxtOptions,
    /// Where each whole document of the batch ends.
    ends: Vec<usize>,
    doc_start: usize,
    scan: usize,
    /// The file offset of the byte at `scan`.
    offset: u64,
    /// The lines of the file before `scan`, for the error of a bad byte.
    lines: u64,
    /// Nothing more is to be read from the file: (txt_split="file" with a doc_cap) its one
    /// document is full, or max_chars is reached.
    file_done: bool,
    /// Whether the last line scanned was blank (paragraph mode).
    after_blank: bool,
    /// Where the lines that the document in progress no longer keeps begin: past this many
    /// bytes a document holds more than `doc_cap` characters, so the rest of it is only scanned
    /// (for its end, and in strict mode for bad bytes) and then dropped, which bounds memory for
    /// a paragraph without end.
    dropped_from: Option<usize>,
    /// Characters of the document in progress.
    doc_chars: usize,
    /// What is left of max_chars.
    remaining: Option<u64>,
    /// max_chars is reached: nothing more is read.
    finished: bool,
    /// The last document is cut to this many characters.
    last_cap: Option<usize>,
}

impl<'a> LineCutter<'a> {
    pub fn new(options: &'a TxtOptions) -> Self {
        LineCutter {
            options,
            ends: Vec::new(),
            doc_start: 0,
            scan: 0,
            offset: 0,
            lines: 0,
            file_done: false,
            after_blank: false,
            dropped_from: None,
            doc_chars: 0,
            remaining: options.max_chars,
            finished: false,
            last_cap: None,
        }
    }

    /// End the document in progress at `at` (if it holds anything), first dropping the lines it
    /// no longer keeps; returns how many bytes were dropped from before `at`.
    fn end_document(&mut self, buf: &mut Vec<u8>, at: usize) -> usize {
        let removed = match self.dropped_from.take() {
            Some(from) => {
                buf.drain(from..at);
                at - from
            }
            None => 0,
        };
        let at = at - removed;
        if at > self.doc_start && !self.finished {
            self.ends.push(at);
            self.doc_start = at;
            if let Some(remaining) = self.remaining.as_mut() {
                let chars = self
                    .options
                    .doc_cap
                    .map_or(self.doc_chars, |cap| self.doc_chars.min(cap))
                    as u64;
                if chars >= *remaining {
                    // This document reaches the budget: it is cut, and nothing more is read.
                    self.last_cap = Some(*remaining as usize);
                    self.finished = true;
                } else {
                    *remaining -= chars;
                }
            }
        }
        self.doc_chars = 0;
        removed
    }

    /// Scan the lines of `buf[scan..end]` one by one.
    fn scan_line_by_line(&mut self, source: &mut FileSource, mut end: usize) -> Result<()> {
        while self.scan < end && !self.finished {
            let mut start = self.scan;
            let mut line_end =
                memchr::memchr(b'\n', &source.buf[start..end]).map_or(end, |i| start + i + 1);
            if !self.options.replace_errors {
                self.check_utf8(source, start, line_end)?;
            }
            match (self.options.split, self.options.doc_cap) {
                (TxtSplit::Paragraph, _) => {
                    let blank = is_blank(&source.buf[start..line_end]);
                    if self.after_blank && !blank {
                        let removed = self.end_document(&mut source.buf, start);
                        start -= removed;
                        line_end -= removed;
                        end -= removed;
                        self.scan = start;
                    }
                    self.after_blank = blank;
                    if let (Some(cap), None) = (self.options.doc_cap, self.dropped_from) {
                        if start - self.doc_start >= cap.saturating_mul(4) {
                            self.dropped_from = Some(start);
                        }
                    }
                }
                (TxtSplit::File, Some(cap)) if self.doc_chars >= cap => {
                    source.buf.truncate(start);
                    self.file_done = true;
                    return Ok(());
                }
                _ => {}
            }
            if self.finished {
                break;
            }
            if self.dropped_from.is_none() {
                let line = &source.buf[start..line_end];
                self.doc_chars += match std::str::from_utf8(line) {
                    Ok(text) => text.chars().count(),
                    Err(_) => String::from_utf8_lossy(line).chars().count(),
                };
            }
            self.offset += (line_end - start) as u64;
            self.lines += u64::from(source.buf[line_end - 1] == b'\n');
            self.scan = line_end;
            if self.options.split == TxtSplit::Line {
                self.end_document(&mut source.buf, line_end);
            }
        }
        if self.finished {
            // Past the last document (and in paragraph mode the line that ended it) nothing is
            // read.
            source.buf.truncate(self.doc_start);
            self.scan = self.doc_start;
            self.file_done = true;
            return Ok(());
        }
        if let Some(from) = self.dropped_from {
            source.buf.drain(from..end);
            self.scan = from;
        }
        Ok(())
    }

    /// With errors="strict": fail as Python's reader would at the first byte of
    /// `buf[start..end]` (whole lines from `scan` on) that is not UTF-8.
    fn check_utf8(&self, source: &FileSource, start: usize, end: usize) -> Result<()> {
        let bytes = &source.buf[start..end];
        let Err(err) = std::str::from_utf8(bytes) else {
            return Ok(());
        };
        let Some(index) = source.reading() else {
            return Ok(());
        };
        let offset = self.offset + (start - self.scan) as u64;
        let lines =
            self.lines + memchr::memchr_iter(b'\n', &source.buf[self.scan..start]).count() as u64;
        Err(utf8_error(
            &source.files[index],
            bytes,
            err,
            offset,
            Some(lines),
        ))
    }
}

impl Cutter for LineCutter<'_> {
    fn complete(&self) -> usize {
        self.doc_start
    }

    fn finished(&self) -> bool {
        self.finished
    }

    fn opened(&mut self, _source: &FileSource, _index: usize) {
        self.offset = 0;
        self.lines = 0;
        self.file_done = false;
        self.after_blank = false;
        self.doc_chars = 0;
    }

    /// Scan the whole lines after `scan` (at the file's end, the last line too); at the file's
    /// end, or once nothing more is to be read from it, end its last document.
    fn block_read(&mut self, source: &mut FileSource, at_end: bool) -> Result<bool> {
        let end = if at_end {
            Some(source.buf.len())
        } else {
            memchr::memrchr(b'\n', &source.buf[self.scan..]).map(|i| self.scan + i + 1)
        };
        if let Some(end) = end {
            self.scan_line_by_line(source, end)?;
        }
        let done = at_end || self.file_done;
        if done {
            let at = source.buf.len();
            self.end_document(&mut source.buf, at);
        }
        Ok(done)
    }

    fn take_batch(&mut self, source: &mut FileSource) -> DocumentBatch {
        let cut = self.doc_start;
        let bytes = source.split_off_front(cut);
        self.scan = self.scan.saturating_sub(cut);
        self.dropped_from = self.dropped_from.map(|from| from - cut);
        self.doc_start = 0;
        DocumentBatch {
            bytes,
            documents: Documents::Ends {
                ends: std::mem::take(&mut self.ends),
                last_cap: self.last_cap.take(),
            },
        }
    }
}
