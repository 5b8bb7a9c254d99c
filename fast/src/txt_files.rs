//! Counting a corpus of .txt files without Python: the documents are exactly those that
//! `bytebpe.corpus` reads from the same files (its module docstring is the rule), so training on
//! a `Corpus` of text files gives the same merges either way, only without waiting for Python to
//! read, decode and hand over every document on one core.
//!
//! One thread reads the files in order, in batches of a few MB that end where a document does;
//! the workers cut each batch into documents, each worker its own part (txt_lines.rs says why
//! that needs no talking), check and decode them, crop them to `doc_cap` and count their pieces
//! while the next batch is read. With errors="strict" the first bad byte in file order is
//! reported as Python's reader reports it. Where the documents cannot be found that way (see
//! `TxtReader::scan_line_by_line`) the reading thread goes line by line and hands out the
//! documents it found.

use std::borrow::Cow;
use std::fs::File;
use std::io::Read;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;

use rayon::prelude::*;

use crate::batches::{BatchSizes, FIRST_BATCH_BYTES};
use crate::count::PieceCounter;
use crate::error::{Error, Result};
use crate::txt_errors::utf8_error;
use crate::txt_lines::{document_ends, first_document_start, is_blank, last_paragraph_start};

/// How a file becomes documents (`txt_split` of `bytebpe.corpus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxtSplit {
    /// A document ends after each run of blank lines.
    Paragraph,
    /// Each line is a document.
    Line,
    /// The whole file is one document.
    File,
}

impl TxtSplit {
    /// The mode named `name` as `bytebpe.corpus` names it.
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "paragraph" => Ok(TxtSplit::Paragraph),
            "line" => Ok(TxtSplit::Line),
            "file" => Ok(TxtSplit::File),
            _ => Err(Error::InvalidArgument(format!(
                "txt_split must be one of 'paragraph', 'line', 'file', not {name:?}"
            ))),
        }
    }
}

/// What `bytebpe.corpus.read_documents` takes for .txt files.
#[derive(Clone, Debug)]
pub struct TxtOptions {
    pub split: TxtSplit,
    /// Crop each document to its first `doc_cap` characters (at least 1).
    pub doc_cap: Option<usize>,
    /// Stop after this many characters (of cropped documents) in all (at least 1); the document
    /// that reaches the budget is cut to what is left of it.
    pub max_chars: Option<u64>,
    /// Read bytes that are not UTF-8 as U+FFFD (errors="replace") instead of failing.
    pub replace_errors: bool,
    /// How much one read asks of a file.
    pub block_bytes: usize,
    /// The size of the first batch of documents; each next one is twice as large, up to
    /// [`MAX_BATCH_BYTES`](crate::batches::MAX_BATCH_BYTES) (batches.rs says why).
    pub first_batch_bytes: usize,
    /// About how many bytes of a batch one worker cuts into documents.
    pub chunk_bytes: usize,
}

const BLOCK_BYTES: usize = 1 << 20;
const CHUNK_BYTES: usize = 256 << 10;

impl TxtOptions {
    pub fn new(split: TxtSplit, doc_cap: Option<usize>, replace_errors: bool) -> Self {
        TxtOptions {
            split,
            doc_cap,
            max_chars: None,
            replace_errors,
            block_bytes: BLOCK_BYTES,
            first_batch_bytes: FIRST_BATCH_BYTES,
            chunk_bytes: CHUNK_BYTES,
        }
    }
}

/// Count the pieces of every document of `files` (paths, read in this order) into `counter`,
/// adding the number of documents counted to `documents` as batches finish. Stops soon after
/// `cancel` becomes true, with [`Error::Interrupted`].
pub fn count_txt_files(
    files: &[String],
    options: &TxtOptions,
    counter: &mut PieceCounter<'_>,
    cancel: &AtomicBool,
    documents: &AtomicU64,
) -> Result<()> {
    std::thread::scope(|scope| {
        // One batch may wait while one is counted and the next is read.
        let (send, receive) = mpsc::sync_channel::<Result<DocumentBatch>>(1);
        // Counted batches' buffers go back to the reader: a fresh buffer of megabytes costs a
        // page fault per page as the reading fills it.
        let (give_back, given_back) = mpsc::channel();
        scope.spawn(move || {
            let mut reader = TxtReader::new(files, options);
            reader.recycled = Some(given_back);
            reader.cancel = Some(cancel);
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
            documents.fetch_add(texts.len() as u64, Ordering::Relaxed);
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

/// Complete documents end to end: document `i` is `bytes[ends[i - 1]..ends[i]]` (from 0 for the
/// first). The reader either finds the ends itself, or leaves them to the workers and says
/// where each file's bytes begin (`segments`).
#[derive(Debug, Default)]
pub struct DocumentBatch {
    bytes: Vec<u8>,
    ends: Vec<usize>,
    segments: Vec<Segment>,
    /// The last document is cut to this many characters: it reached `max_chars`.
    last_cap: Option<usize>,
}

/// Where the bytes of one file begin in a batch (and go on to the next segment's start).
#[derive(Clone, Copy, Debug)]
struct Segment {
    start: usize,
    file: usize,
    /// The file offset of the byte at `start`.
    offset: u64,
}

impl DocumentBatch {
    /// The documents as text, decoded, cropped to `doc_cap` and without the empty ones, on all
    /// cores; with errors="strict", the error of the first bad byte. `files` are the paths the
    /// reader was given.
    pub fn documents(&self, options: &TxtOptions, files: &[String]) -> Result<Vec<Cow<'_, str>>> {
        // Per part (of documents that start in it): its texts, or where its first bad one starts.
        let parts: Vec<std::result::Result<Vec<Cow<'_, str>>, usize>> = if self.segments.is_empty()
        {
            let last = self.ends.len().wrapping_sub(1);
            (0..self.ends.len())
                .into_par_iter()
                .map(|i| {
                    let start = if i == 0 { 0 } else { self.ends[i - 1] };
                    let last_cap = self.last_cap.filter(|_| i == last);
                    Ok(self
                        .decode((start, self.ends[i]), last_cap, options)?
                        .into_iter()
                        .collect())
                })
                .collect()
        } else {
            self.parts(options)
                .into_par_iter()
                .map(|(segment, from, to)| self.decode_part(segment, (from, to), options))
                .collect()
        };
        let mut documents = Vec::with_capacity(
            parts
                .iter()
                .map(|part| part.as_ref().map_or(0, Vec::len))
                .sum(),
        );
        for part in parts {
            match part {
                Ok(texts) => documents.extend(texts),
                Err(start) => return Err(self.utf8_error_at(start, files)),
            }
        }
        Ok(documents)
    }

    /// The document `bytes[start..end]` as text, cropped to `doc_cap` (and `last_cap`); None if
    /// that leaves nothing; `Err(start)` if it is not UTF-8 and errors="strict".
    fn decode(
        &self,
        (start, end): (usize, usize),
        last_cap: Option<usize>,
        options: &TxtOptions,
    ) -> std::result::Result<Option<Cow<'_, str>>, usize> {
        let bytes = &self.bytes[start..end];
        // Checking is faster than the lossy decoder, which only bad bytes need.
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => Cow::Borrowed(text),
            Err(_) if !options.replace_errors => return Err(start),
            Err(_) => String::from_utf8_lossy(bytes),
        };
        let cap = match (options.doc_cap, last_cap) {
            (Some(cap), Some(last_cap)) => Some(cap.min(last_cap)),
            (cap, last_cap) => cap.or(last_cap),
        };
        let text = match cap {
            Some(cap) => crop(text, cap),
            None => text,
        };
        Ok((!text.is_empty()).then_some(text))
    }

    /// A batch whose reader left the documents to be found: each file's bytes in parts of about
    /// `chunk_bytes`, as (the file's bytes, the part's nominal start and end).
    fn parts(&self, options: &TxtOptions) -> Vec<((usize, usize), usize, usize)> {
        let chunk = options.chunk_bytes.max(1);
        let mut parts = Vec::new();
        for (k, segment) in self.segments.iter().enumerate() {
            let end = self
                .segments
                .get(k + 1)
                .map_or(self.bytes.len(), |next| next.start);
            let mut at = segment.start;
            while at < end {
                parts.push(((segment.start, end), at, (at + chunk).min(end)));
                at += chunk;
            }
        }
        parts
    }

    /// The documents that start in `bytes[from..to]`, a part of the file bytes `segment`,
    /// decoded: found, checked and cropped by one worker in one pass.
    fn decode_part(
        &self,
        segment: (usize, usize),
        (from, to): (usize, usize),
        options: &TxtOptions,
    ) -> std::result::Result<Vec<Cow<'_, str>>, usize> {
        let split = options.split;
        let mut ends = Vec::new();
        // A part that no document starts in (inside a long one) has nothing to do.
        if let Some(start) = first_document_start(&self.bytes, segment, (from, to), split) {
            let end = first_document_start(&self.bytes, segment, (to, segment.1), split)
                .unwrap_or(segment.1);
            ends.push(start);
            document_ends(&self.bytes, (start, end), split, &mut ends);
        }
        let mut texts = Vec::with_capacity(ends.len().saturating_sub(1));
        for pair in ends.windows(2) {
            texts.extend(self.decode((pair[0], pair[1]), None, options)?);
        }
        Ok(texts)
    }

    /// The error of the first bad byte of the document that starts at `start`.
    fn utf8_error_at(&self, start: usize, files: &[String]) -> Error {
        let k = self
            .segments
            .partition_point(|segment| segment.start <= start);
        let Some(segment) = k.checked_sub(1).map(|k| self.segments[k]) else {
            return Error::InvalidArgument("a document that is not UTF-8".into());
        };
        let end = self
            .segments
            .get(k)
            .map_or(self.bytes.len(), |next| next.start);
        let bytes = &self.bytes[start..end];
        match std::str::from_utf8(bytes) {
            Ok(_) => Error::InvalidArgument("a document that is not UTF-8".into()),
            Err(err) => utf8_error(
                &files[segment.file],
                bytes,
                err,
                segment.offset + (start - segment.start) as u64,
            ),
        }
    }
}

/// The first `cap` characters of `text`.
fn crop(text: Cow<'_, str>, cap: usize) -> Cow<'_, str> {
    let Some((at, _)) = text.char_indices().nth(cap) else {
        return text;
    };
    match text {
        Cow::Borrowed(text) => Cow::Borrowed(&text[..at]),
        Cow::Owned(mut text) => {
            text.truncate(at);
            Cow::Owned(text)
        }
    }
}

/// The file being read.
struct OpenFile {
    file: File,
    /// Its index in the list of files.
    index: usize,
    /// The file offset of the reader's first unscanned byte.
    offset: u64,
    /// Nothing more is to be read from it: its end was reached, (txt_split="file" with a
    /// doc_cap) its one document is full, or max_chars is reached.
    done: bool,
}

/// Reads the files in order and cuts them into batches of complete documents.
///
/// `buf` holds, in order: the complete documents of the batch being filled (up to
/// `doc_start`), the lines scanned so far of the document in progress (up to `scan`), and bytes
/// read but not yet scanned. A document never spans two files.
pub struct TxtReader<'a> {
    files: &'a [String],
    options: &'a TxtOptions,
    next_file: usize,
    file: Option<OpenFile>,
    buf: Vec<u8>,
    ends: Vec<usize>,
    doc_start: usize,
    scan: usize,
    /// Whether the last line scanned was blank (paragraph mode).
    after_blank: bool,
    /// Where the lines that the document in progress no longer keeps begin: past this many
    /// bytes a document holds more than `doc_cap` characters, so the rest of it is only scanned
    /// (for its end, and in strict mode for bad bytes) and then dropped, which bounds memory for
    /// a paragraph without end.
    dropped_from: Option<usize>,
    /// Characters of the document in progress, counted line by line when they matter (see
    /// [`TxtReader::scan_line_by_line`]).
    doc_chars: usize,
    /// What is left of max_chars.
    remaining: Option<u64>,
    /// max_chars is reached: nothing more is read.
    finished: bool,
    /// The last document is cut to this many characters.
    last_cap: Option<usize>,
    /// Buffers of batches that have been counted, to be filled again.
    recycled: Option<mpsc::Receiver<Vec<u8>>>,
    /// Stop reading when this becomes true: one document may be a whole file, or a pipe that
    /// never ends.
    cancel: Option<&'a AtomicBool>,
    /// Whether the workers find the documents (see [`TxtReader::cut`]); else this
    /// reader scans every line.
    leave_to_workers: bool,
    /// Where each file's bytes begin in `buf` (when the workers find the documents).
    segments: Vec<Segment>,
    /// Every paragraph start up to here has been looked for (when the workers find the
    /// documents).
    examined: usize,
    /// Every "\n" before here has been seen (when the workers find the documents): a line of a
    /// gigabyte is searched once, not once per block read.
    searched: usize,
}

impl<'a> TxtReader<'a> {
    pub fn new(files: &'a [String], options: &'a TxtOptions) -> Self {
        TxtReader {
            files,
            options,
            next_file: 0,
            file: None,
            buf: Vec::new(),
            ends: Vec::new(),
            doc_start: 0,
            scan: 0,
            after_blank: false,
            dropped_from: None,
            doc_chars: 0,
            remaining: options.max_chars,
            finished: false,
            last_cap: None,
            recycled: None,
            cancel: None,
            // Where Python stops before a file's end (max_chars; "file" with a doc_cap) or a long
            // paragraph must be cropped as it is read, every line counts in order.
            leave_to_workers: options.max_chars.is_none()
                && (options.split == TxtSplit::Line || options.doc_cap.is_none()),
            segments: Vec::new(),
            examined: 0,
            searched: 0,
        }
    }

    /// The next batch of at least `limit` bytes of documents (less at the end of the corpus),
    /// or None when every document has been handed out.
    pub fn next_batch(&mut self, limit: usize) -> Result<Option<DocumentBatch>> {
        while self.doc_start < limit {
            if self
                .cancel
                .is_some_and(|cancel| cancel.load(Ordering::Relaxed))
            {
                return Err(Error::Interrupted);
            }
            if self.file.is_none() {
                if self.next_file == self.files.len() || self.finished {
                    break;
                }
                self.open(self.next_file)?;
                self.next_file += 1;
            }
            self.read_and_scan()?;
        }
        if self.doc_start == 0 {
            return Ok(None);
        }
        Ok(Some(self.take_batch()))
    }

    fn open(&mut self, index: usize) -> Result<()> {
        let name = &self.files[index];
        let file = File::open(name).map_err(|err| Error::io(name, &err))?;
        self.file = Some(OpenFile {
            file,
            index,
            offset: 0,
            done: false,
        });
        self.after_blank = false;
        self.doc_chars = 0;
        if self.leave_to_workers {
            self.segments.push(Segment {
                start: self.buf.len(),
                file: index,
                offset: 0,
            });
            self.examined = self.buf.len();
            self.searched = self.buf.len();
        }
        Ok(())
    }

    /// Read one block of the current file and scan its complete lines; at the file's end, end
    /// its last document.
    fn read_and_scan(&mut self) -> Result<()> {
        let Some(open) = self.file.as_mut() else {
            return Ok(());
        };
        let want = self.options.block_bytes.max(1);
        let got = (&mut open.file)
            .take(want as u64)
            .read_to_end(&mut self.buf)
            .map_err(|err| Error::io(&self.files[open.index], &err))?;
        let at_end = got < want;
        if self.leave_to_workers {
            self.cut(at_end);
            return Ok(());
        }
        self.scan_lines(at_end)?;
        let done = self.file.as_ref().is_none_or(|open| open.done);
        if at_end || done {
            self.end_document(self.buf.len());
            self.file = None;
        }
        Ok(())
    }

    /// Move `doc_start` to the last document start that the bytes read so far show, looking only
    /// at the last lines: the workers find the rest. At a file's end, everything read is whole
    /// documents.
    fn cut(&mut self, at_end: bool) {
        if at_end {
            self.doc_start = self.buf.len();
            self.file = None;
            return;
        }
        if self.options.split == TxtSplit::File {
            return;
        }
        // Only a line that ended in the bytes just read can change anything.
        let from = self.searched.max(self.doc_start);
        self.searched = self.buf.len();
        let Some(last) = memchr::memrchr(b'\n', &self.buf[from..]) else {
            return;
        };
        let complete_end = from + last + 1;
        match self.options.split {
            TxtSplit::Line => self.doc_start = complete_end,
            TxtSplit::Paragraph => {
                let examined = self.examined.max(self.doc_start);
                if let Some(start) =
                    last_paragraph_start(&self.buf, self.doc_start, examined, complete_end)
                {
                    self.doc_start = start;
                }
                self.examined = complete_end - 1;
            }
            TxtSplit::File => {}
        }
    }

    /// Scan the complete lines after `scan` (at the file's end, the last line too): see
    /// [`TxtReader::scan_line_by_line`].
    fn scan_lines(&mut self, at_end: bool) -> Result<()> {
        let end = if at_end {
            self.buf.len()
        } else {
            match memchr::memrchr(b'\n', &self.buf[self.scan..]) {
                Some(i) => self.scan + i + 1,
                None => return Ok(()),
            }
        };
        self.scan_line_by_line(end)
    }

    /// End the document in progress at `at` (if it holds anything), first dropping the lines it
    /// no longer keeps; returns how many bytes were dropped from before `at`.
    fn end_document(&mut self, at: usize) -> usize {
        let removed = match self.dropped_from.take() {
            Some(from) => {
                self.buf.drain(from..at);
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

    /// Lines one by one, each checked (errors="strict") and its characters counted before the
    /// next is looked at. This is how the reader goes where the workers cannot find the
    /// documents on their own: where Python stops reading before a file's end and so never sees
    /// what comes after (txt_split="file" with a doc_cap, where the first line after the
    /// document holds doc_cap characters is read but not kept and nothing after it is read; and
    /// max_chars, where after the document that reaches the budget nothing is read but, in
    /// paragraph mode, the line that showed that document's end); and where a paragraph longer
    /// than its doc_cap must be cropped as it is read, so that memory stays bounded.
    fn scan_line_by_line(&mut self, mut end: usize) -> Result<()> {
        while self.scan < end && !self.finished {
            let mut start = self.scan;
            let mut line_end =
                memchr::memchr(b'\n', &self.buf[start..end]).map_or(end, |i| start + i + 1);
            if !self.options.replace_errors {
                self.check_utf8(start, line_end)?;
            }
            match (self.options.split, self.options.doc_cap) {
                (TxtSplit::Paragraph, _) => {
                    let blank = is_blank(&self.buf[start..line_end]);
                    if self.after_blank && !blank {
                        let removed = self.end_document(start);
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
                    self.buf.truncate(start);
                    if let Some(open) = self.file.as_mut() {
                        open.done = true;
                    }
                    return Ok(());
                }
                _ => {}
            }
            if self.finished {
                break;
            }
            if self.dropped_from.is_none() {
                let line = &self.buf[start..line_end];
                self.doc_chars += match std::str::from_utf8(line) {
                    Ok(text) => text.chars().count(),
                    Err(_) => String::from_utf8_lossy(line).chars().count(),
                };
            }
            if let Some(open) = self.file.as_mut() {
                open.offset += (line_end - start) as u64;
            }
            self.scan = line_end;
            if self.options.split == TxtSplit::Line {
                self.end_document(line_end);
            }
        }
        if self.finished {
            // Past the last document (and in paragraph mode the line that ended it) nothing is
            // read.
            self.buf.truncate(self.doc_start);
            self.scan = self.doc_start;
            if let Some(open) = self.file.as_mut() {
                open.done = true;
            }
            return Ok(());
        }
        if let Some(from) = self.dropped_from {
            self.buf.drain(from..end);
            self.scan = from;
        }
        Ok(())
    }

    /// With errors="strict": fail as Python's reader would at the first byte of
    /// `buf[start..end]` (whole lines from `scan` on) that is not UTF-8.
    fn check_utf8(&self, start: usize, end: usize) -> Result<()> {
        let bytes = &self.buf[start..end];
        let Err(err) = std::str::from_utf8(bytes) else {
            return Ok(());
        };
        let Some(open) = self.file.as_ref() else {
            return Ok(());
        };
        let offset = open.offset + (start - self.scan) as u64;
        Err(utf8_error(&self.files[open.index], bytes, err, offset))
    }

    /// Hand out the complete documents; the document in progress stays.
    fn take_batch(&mut self) -> DocumentBatch {
        let cut = self.doc_start;
        let mut rest = self
            .recycled
            .as_ref()
            .and_then(|recycled| recycled.try_recv().ok())
            .unwrap_or_default();
        rest.clear();
        rest.reserve(self.buf.len() - cut + self.options.block_bytes);
        rest.extend_from_slice(&self.buf[cut..]);
        let mut bytes = std::mem::replace(&mut self.buf, rest);
        bytes.truncate(cut);
        self.scan = self.scan.saturating_sub(cut);
        self.examined = self.examined.saturating_sub(cut);
        self.searched = self.searched.saturating_sub(cut);
        self.dropped_from = self.dropped_from.map(|from| from - cut);
        self.doc_start = 0;
        let segments = std::mem::take(&mut self.segments);
        // The file being read goes on in the next batch, from the cut.
        let reading = self.file.as_ref().map(|open| open.index);
        if let Some(last) = segments.last().filter(|last| Some(last.file) == reading) {
            let from = last.start.max(cut);
            self.segments.push(Segment {
                start: from - cut,
                file: last.file,
                offset: last.offset + (from - last.start) as u64,
            });
        }
        DocumentBatch {
            bytes,
            ends: std::mem::take(&mut self.ends),
            segments: segments
                .into_iter()
                .filter(|segment| segment.start < cut)
                .collect(),
            last_cap: self.last_cap.take(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The documents of one file, read in blocks of `block` bytes and batches of `batch`.
    fn documents(text: &[u8], options: TxtOptions) -> Result<Vec<String>> {
        let dir = std::env::temp_dir().join(format!(
            "bytebpe-txt-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).map_err(|err| Error::io("temp", &err))?;
        let path = dir.join("corpus.txt");
        std::fs::write(&path, text).map_err(|err| Error::io("temp", &err))?;
        let files = [path.to_string_lossy().into_owned()];
        let mut reader = TxtReader::new(&files, &options);
        let mut out = Vec::new();
        while let Some(batch) = reader.next_batch(options.first_batch_bytes)? {
            out.extend(
                batch
                    .documents(&options, &files)?
                    .into_iter()
                    .map(Cow::into_owned),
            );
        }
        std::fs::remove_dir_all(&dir).map_err(|err| Error::io("temp", &err))?;
        Ok(out)
    }

    fn options(split: TxtSplit, doc_cap: Option<usize>, block: usize) -> TxtOptions {
        TxtOptions {
            block_bytes: block,
            first_batch_bytes: block,
            chunk_bytes: block,
            ..TxtOptions::new(split, doc_cap, false)
        }
    }

    #[test]
    fn paragraphs_end_after_their_blank_lines_whatever_the_block_size() {
        let text = b"a\nb\n\n \nc\n\x1c\n\td\n";
        for block in [1, 2, 3, 5, 64] {
            let docs = documents(text, options(TxtSplit::Paragraph, None, block)).unwrap();
            assert_eq!(docs, ["a\nb\n\n \n", "c\n\x1c\n", "\td\n"], "block {block}");
            let lines = documents(text, options(TxtSplit::Line, None, block)).unwrap();
            assert_eq!(lines.len(), 7);
            let whole = documents(text, options(TxtSplit::File, None, block)).unwrap();
            assert_eq!(whole, [std::str::from_utf8(text).unwrap()]);
        }
    }

    #[test]
    fn a_capped_paragraph_keeps_its_first_characters_and_drops_the_rest() {
        let mut text = "é".repeat(50).into_bytes();
        text.extend_from_slice(b"\nxx\nyy\n\nnext\n");
        for block in [1, 7, 4096] {
            let docs = documents(&text, options(TxtSplit::Paragraph, Some(3), block)).unwrap();
            assert_eq!(docs, ["ééé", "nex"], "block {block}");
            let whole = documents(&text, options(TxtSplit::File, Some(60), block)).unwrap();
            assert_eq!(whole, ["é".repeat(50) + "\nxx\nyy\n\nne"], "block {block}");
        }
    }

    #[test]
    fn bad_bytes_are_named_as_python_names_them() {
        let text = b"ok\nfine \xe4\xb8\nrest\n";
        for block in [1, 4, 64] {
            let err = documents(text, options(TxtSplit::Paragraph, None, block)).unwrap_err();
            let message = err.to_string();
            assert!(
                message.ends_with(":2: invalid UTF-8 at byte offset 8 (b'\\xe4\\xb8': invalid continuation byte); pass errors='replace' to read it as U+FFFD"),
                "{message}"
            );
        }
        let err = documents(b"a\n\xff", options(TxtSplit::Line, None, 64)).unwrap_err();
        assert!(err
            .to_string()
            .contains(":2: invalid UTF-8 at byte offset 2 (b'\\xff': invalid start byte)"));
        let err = documents(b"a\n\xf0\x9f\x98", options(TxtSplit::Line, None, 2)).unwrap_err();
        assert!(err
            .to_string()
            .contains("(b'\\xf0\\x9f\\x98': unexpected end of data)"));
    }
}
