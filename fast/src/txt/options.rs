//! What `bytebpe.corpus.read_documents` takes for .txt files, and the sizes the core reads in.

use crate::batches::FIRST_BATCH_BYTES;
use crate::error::{Error, Result};

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

/// How much one read asks of a file, unless the options say otherwise.
const BLOCK_BYTES: usize = 1 << 20;
/// About how many bytes of a batch one worker cuts into documents, unless the options say
/// otherwise.
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

    /// Whether the workers can find the documents of a batch on their own, so that the reading
    /// thread only cuts batches at document starts (block_cutter.rs). Where Python stops reading
    /// before a file's end (max_chars; "file" with a doc_cap) or a long paragraph must be cropped
    /// as it is read, every line counts in order instead (line_cutter.rs).
    pub fn workers_find_documents(&self) -> bool {
        self.max_chars.is_none() && (self.split == TxtSplit::Line || self.doc_cap.is_none())
    }
}
