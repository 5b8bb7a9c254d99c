//! `count_txt` and `train_txt`: a `bytebpe.Corpus` of .txt files read, counted and trained on
//! entirely in Rust (fast/src/txt/), with the GIL released and Ctrl-C still heard.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;

use pyo3::prelude::*;

use super::args;
use super::counts::PyCounts;
use super::learned::{train_counts, Learned};
use super::progress::PythonProgress;
use crate::count::{PieceCounter, PieceCounts};
use crate::pattern::Splitter;
use crate::progress::Stage;
use crate::txt::{count_txt_files, TxtOptions, TxtSplit};

/// The piece counts of the documents of `files` (spec §4.1.1), read as `bytebpe.corpus` reads
/// .txt files. `block_bytes`, `first_batch_bytes` and `chunk_bytes` set the reader's read, batch
/// and per-worker sizes (tests make them tiny to put every boundary at an edge).
#[pyfunction]
#[pyo3(signature = (files, *, pattern, txt_split, doc_cap, max_chars, errors, progress = None, block_bytes = None, first_batch_bytes = None, chunk_bytes = None))]
#[allow(clippy::too_many_arguments)]
pub fn count_txt(
    py: Python<'_>,
    files: Vec<String>,
    pattern: &Bound<'_, PyAny>,
    txt_split: &str,
    doc_cap: Option<usize>,
    max_chars: Option<u64>,
    errors: &str,
    progress: Option<Py<PyAny>>,
    block_bytes: Option<usize>,
    first_batch_bytes: Option<usize>,
    chunk_bytes: Option<usize>,
) -> PyResult<PyCounts> {
    let mut options = options(txt_split, doc_cap, max_chars, errors)?;
    if let Some(bytes) = block_bytes {
        options.block_bytes = bytes.max(1);
    }
    if let Some(bytes) = first_batch_bytes {
        options.first_batch_bytes = bytes.max(1);
    }
    if let Some(bytes) = chunk_bytes {
        options.chunk_bytes = bytes.max(1);
    }
    let splitter = Splitter::cached(&args::pattern(pattern)?).map_err(args::to_py_err)?;
    let mut observer = PythonProgress::new(progress.filter(|p| !p.is_none(py)));
    let table = count_files(py, &files, &options, &splitter, &mut observer)?;
    Ok(PyCounts { table })
}

/// [`count_txt`], then the merge loop (spec §4): the merges as `(left, right, count)` and the
/// rank table of their tokens (§5.1), as `train` returns them.
#[pyfunction]
#[pyo3(signature = (files, vocab_size, *, pattern, txt_split, doc_cap, max_chars, errors, min_frequency, max_token_length = None, progress = None))]
#[allow(clippy::too_many_arguments)]
pub fn train_txt(
    py: Python<'_>,
    files: Vec<String>,
    vocab_size: &Bound<'_, PyAny>,
    pattern: &Bound<'_, PyAny>,
    txt_split: &str,
    doc_cap: Option<usize>,
    max_chars: Option<u64>,
    errors: &str,
    min_frequency: &Bound<'_, PyAny>,
    max_token_length: Option<&Bound<'_, PyAny>>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Learned> {
    let settings = args::MergeSettings::from_args(vocab_size, min_frequency, max_token_length)?;
    let options = options(txt_split, doc_cap, max_chars, errors)?;
    let splitter = Splitter::cached(&args::pattern(pattern)?).map_err(args::to_py_err)?;
    let mut observer = PythonProgress::new(progress.filter(|p| !p.is_none(py)));
    let counts = count_files(py, &files, &options, &splitter, &mut observer)?;
    train_counts(py, observer, counts, settings)
}

pub(super) fn options(
    txt_split: &str,
    doc_cap: Option<usize>,
    max_chars: Option<u64>,
    errors: &str,
) -> PyResult<TxtOptions> {
    let split = TxtSplit::from_name(txt_split).map_err(args::to_py_err)?;
    for (name, value) in [
        ("doc_cap", doc_cap.map(|cap| cap as u64)),
        ("max_chars", max_chars),
    ] {
        if value == Some(0) {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "{name} must be a positive int or None, not 0"
            )));
        }
    }
    let replace_errors = match errors {
        "strict" => false,
        "replace" => true,
        _ => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "errors must be one of 'strict', 'replace', not {errors:?}"
            )))
        }
    };
    Ok(TxtOptions {
        max_chars,
        ..TxtOptions::new(split, doc_cap, replace_errors)
    })
}

/// Count on a worker while this thread waits with the GIL released, waking every `INTERVAL` (progress.rs)
/// to run signal handlers and report the bytes read so far; then report what was counted.
fn count_files(
    py: Python<'_>,
    files: &[String],
    options: &TxtOptions,
    splitter: &Splitter,
    observer: &mut PythonProgress,
) -> PyResult<PieceCounts> {
    let cancel = AtomicBool::new(false);
    let read = AtomicU64::new(0);
    let mut counter = PieceCounter::new(splitter);
    std::thread::scope(|scope| {
        let (done, finished) = mpsc::channel();
        let (cancel, read, counter) = (&cancel, &read, &mut counter);
        scope.spawn(move || {
            let _ = done.send(count_txt_files(files, options, counter, cancel, read));
        });
        let bytes = || read.load(Ordering::Relaxed);
        observer.wait_for_worker(py, Stage::Counting, finished, cancel, bytes)
    })?;
    observer.report(py, Stage::Counting, read.load(Ordering::Relaxed), 0)?;
    let documents = counter.texts_seen();
    let counts = counter.into_counts();
    observer.report(py, Stage::Counted, documents, counts.len() as u64)?;
    Ok(counts)
}
