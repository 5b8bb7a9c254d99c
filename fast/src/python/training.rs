//! `train`: pull texts from any Python iterable in bounded batches, count each batch on all
//! cores with the GIL released, then run the merge loop with the GIL released.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::PyIterator;

use super::args;
use super::learned::{train_counts, Learned};
use super::progress::PythonProgress;
use crate::batches::{BatchSizes, FIRST_BATCH_BYTES};
use crate::count::{PieceCounter, PieceCounts};
use crate::pattern::Splitter;
use crate::progress::Stage;

/// The most texts one batch holds, however short they are (its bytes: batches.rs).
const BATCH_TEXTS: usize = 1 << 16;

/// Learn merges from an iterable of texts (spec §4); returns the merges as `(left, right, count)`
/// and the rank table of their tokens (§5.1). `progress(stage, done, total)` is called about ten
/// times a second.
#[pyfunction]
#[pyo3(signature = (texts, vocab_size, *, pattern, min_frequency, max_token_length = None, progress = None))]
pub fn train(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    vocab_size: &Bound<'_, PyAny>,
    pattern: &Bound<'_, PyAny>,
    min_frequency: &Bound<'_, PyAny>,
    max_token_length: Option<&Bound<'_, PyAny>>,
    progress: Option<Py<PyAny>>,
) -> PyResult<Learned> {
    let settings = args::MergeSettings::from_args(vocab_size, min_frequency, max_token_length)?;
    let splitter = Splitter::cached(&args::pattern(pattern)?).map_err(args::to_py_err)?;
    let mut observer = PythonProgress::new(progress.filter(|p| !p.is_none(py)));
    let counts = count_texts(py, texts, &splitter, &mut observer)?;
    train_counts(py, observer, counts, settings)
}

/// The piece counts of an iterable of texts, pulled in bounded batches (spec §4.1).
pub fn count_texts(
    py: Python<'_>,
    texts: &Bound<'_, PyAny>,
    splitter: &Splitter,
    observer: &mut PythonProgress,
) -> PyResult<PieceCounts> {
    let iter = args::texts_iter(texts)?;
    let mut counter = PieceCounter::new(splitter);
    // Batches of about these many bytes (batches.rs says why they grow).
    let mut sizes = BatchSizes::starting_at(FIRST_BATCH_BYTES);
    let mut batch = next_batch(&iter, 0, sizes.next_size())?;
    let mut bytes = 0;
    while !batch.is_empty() {
        let batch_bytes = batch.iter().map(|text| text.len() as u64).sum::<u64>();
        let counted = (bytes, bytes + batch_bytes);
        batch = count_batch(
            py,
            &mut counter,
            &batch,
            observer,
            &iter,
            sizes.next_size(),
            counted,
        )?;
        bytes += batch_bytes;
    }
    let documents = counter.texts_seen();
    let counts = counter.into_counts();
    observer.report(py, Stage::Counted, documents, counts.len() as u64)?;
    Ok(counts)
}

/// Pull the next batch of texts, of about `limit` bytes; `seen` counts the texts pulled before.
fn next_batch(iter: &Bound<'_, PyIterator>, seen: u64, limit: usize) -> PyResult<Vec<PyBackedStr>> {
    let mut batch = Vec::new();
    let mut bytes = 0;
    for item in iter.clone() {
        let text = args::text(&item?, &format!("texts[{}]", seen + batch.len() as u64))?;
        bytes += text.len();
        batch.push(text);
        if bytes >= limit || batch.len() >= BATCH_TEXTS {
            break;
        }
    }
    Ok(batch)
}

/// Count one batch on worker threads while this thread, holding the GIL, pulls the next batch
/// (of about `next_limit` bytes) from the iterable, so that reading and counting overlap; then
/// wait for the workers with the GIL released, waking every `INTERVAL` (progress.rs) to run signal handlers
/// and report progress: the bytes counted before this batch, `bytes.0`, then after it, `bytes.1`.
/// If anything raises (Ctrl-C, a bad text, the iterable itself), the workers are told to stop,
/// and they do before their next piece; the running table keeps
/// only whole batches.
fn count_batch(
    py: Python<'_>,
    counter: &mut PieceCounter<'_>,
    batch: &[PyBackedStr],
    observer: &mut PythonProgress,
    iter: &Bound<'_, PyIterator>,
    next_limit: usize,
    bytes: (u64, u64),
) -> PyResult<Vec<PyBackedStr>> {
    let cancel = AtomicBool::new(false);
    let counted = counter.texts_seen() + batch.len() as u64;
    std::thread::scope(|scope| {
        let (done, finished) = mpsc::channel();
        let cancel = &cancel;
        scope.spawn(move || {
            let _ = done.send(counter.add_batch_cancellable(batch, cancel));
        });
        let next = match next_batch(iter, counted, next_limit) {
            Ok(next) => next,
            Err(err) => {
                cancel.store(true, Ordering::Relaxed);
                py.detach(move || {
                    let _ = finished.recv();
                });
                return Err(err);
            }
        };
        observer.wait_for_worker(py, Stage::Counting, finished, cancel, || bytes.0)?;
        observer.report(py, Stage::Counting, bytes.1, 0)?;
        Ok(next)
    })
}
