//! A batch of whole documents as the reader hands it over, and the workers' side: finding the
//! documents where the reader left that to them (each worker its own part: line_rules.rs says
//! why that needs no talking), checking and decoding them, and cropping them to `doc_cap`, on
//! all cores. With errors="strict" the first bad byte in file order is reported as Python's
//! reader reports it.

use std::borrow::Cow;

use rayon::prelude::*;

use super::line_rules::{document_ends, first_document_start};
use super::options::TxtOptions;
use super::utf8_error::utf8_error;
use crate::error::{Error, Result};
use crate::threads::with_threads;

/// Complete documents end to end, as the reader hands them to the workers.
#[derive(Debug)]
pub struct DocumentBatch {
    pub bytes: Vec<u8>,
    pub documents: Documents,
}

/// Where the documents of a batch are: found by the reader, or left to the workers.
#[derive(Debug)]
pub enum Documents {
    /// Document `i` is `bytes[ends[i - 1]..ends[i]]` (from 0 for the first).
    Ends {
        ends: Vec<usize>,
        /// The last document is cut to this many characters: it reached `max_chars`.
        last_cap: Option<usize>,
    },
    /// The workers find the documents, in the bytes of each file in turn.
    Segments(Vec<Segment>),
}

/// Where the bytes of one file begin in a batch (and go on to the next segment's start).
#[derive(Clone, Copy, Debug)]
pub struct Segment {
    pub start: usize,
    pub file: usize,
    /// The file offset of the byte at `start`.
    pub offset: u64,
    /// For a pipe, which cannot be read again to number the line of a bad byte: the lines of
    /// the file before `start`. None for a regular file.
    pub lines: Option<u64>,
}

impl DocumentBatch {
    /// The documents as text, decoded, cropped to `doc_cap` and without the empty ones, on all
    /// cores; with errors="strict", the error of the first bad byte. `files` are the paths the
    /// reader was given.
    pub fn documents(&self, options: &TxtOptions, files: &[String]) -> Result<Vec<Cow<'_, str>>> {
        with_threads(None, || self.documents_on_this_pool(options, files))?
    }

    fn documents_on_this_pool(
        &self,
        options: &TxtOptions,
        files: &[String],
    ) -> Result<Vec<Cow<'_, str>>> {
        // Per part (of documents that start in it): its texts, or where its first bad one starts.
        let parts: Vec<std::result::Result<Vec<Cow<'_, str>>, usize>> = match &self.documents {
            Documents::Ends { ends, last_cap } => {
                let last = ends.len().wrapping_sub(1);
                (0..ends.len())
                    .into_par_iter()
                    .map(|i| {
                        let start = if i == 0 { 0 } else { ends[i - 1] };
                        let last_cap = last_cap.filter(|_| i == last);
                        Ok(self
                            .decode((start, ends[i]), last_cap, options)?
                            .into_iter()
                            .collect())
                    })
                    .collect()
            }
            Documents::Segments(segments) => parts(segments, self.bytes.len(), options)
                .into_par_iter()
                .map(|(segment, from, to)| self.decode_part(segment, (from, to), options))
                .collect(),
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
        let segments = match &self.documents {
            Documents::Segments(segments) => &segments[..],
            Documents::Ends { .. } => &[],
        };
        let k = segments.partition_point(|segment| segment.start <= start);
        let Some(segment) = k.checked_sub(1).map(|k| segments[k]) else {
            return Error::InvalidArgument("a document that is not UTF-8".into());
        };
        let end = segments.get(k).map_or(self.bytes.len(), |next| next.start);
        let bytes = &self.bytes[start..end];
        match std::str::from_utf8(bytes) {
            Ok(_) => Error::InvalidArgument("a document that is not UTF-8".into()),
            Err(err) => utf8_error(
                &files[segment.file],
                bytes,
                err,
                segment.offset + (start - segment.start) as u64,
                segment.lines.map(|lines| {
                    let skipped = &self.bytes[segment.start..start];
                    lines + memchr::memchr_iter(b'\n', skipped).count() as u64
                }),
            ),
        }
    }
}

/// The bytes of a batch whose reader left the documents to be found (`segments`, `len` bytes in
/// all), in parts of about `chunk_bytes` each: (the file's bytes, the part's nominal start and
/// end).
fn parts(
    segments: &[Segment],
    len: usize,
    options: &TxtOptions,
) -> Vec<((usize, usize), usize, usize)> {
    let chunk = options.chunk_bytes.max(1);
    let mut parts = Vec::new();
    for (k, segment) in segments.iter().enumerate() {
        let end = segments.get(k + 1).map_or(len, |next| next.start);
        let mut at = segment.start;
        while at < end {
            parts.push(((segment.start, end), at, (at + chunk).min(end)));
            at += chunk;
        }
    }
    parts
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
