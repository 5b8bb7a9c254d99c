//! The Python objects of a trained tokenizer, built while the merge loop runs.
//!
//! The merge loop keeps one core busy and leaves the others idle. Turning its merges into Python
//! objects afterwards (a tuple per merge; a bytes object and a dict entry per token) would add
//! about ten milliseconds to a training that may itself take well under a tenth of a second.
//! Instead a second thread builds them from the merges the loop passes on as it goes
//! ([`MergeSink::learned`]), taking the GIL for one batch at a time, so that when the loop ends
//! only its last batch is left to convert.

use std::sync::mpsc::{self, Receiver, Sender};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList};

use super::args::MergeSettings;
use super::progress::PythonProgress;
use crate::count::PieceCounts;
use crate::error::Result;
use crate::progress::Progress;
use crate::train::{train_from_piece_counts, Merge, MergeSink};

/// The merges as a list of `(left, right, count)` and the rank table `{token bytes: id}` of
/// spec §5.1, for the 256 bytes and every merge.
pub type Learned = (Py<PyList>, Py<PyDict>);

/// The merge loop on `counts` (spec §4.2-§4.6) with `settings`, through [`train_and_convert`].
pub fn train_counts(
    py: Python<'_>,
    observer: PythonProgress,
    counts: PieceCounts,
    settings: MergeSettings,
) -> PyResult<Learned> {
    train_and_convert(py, observer, |progress, learned| {
        train_from_piece_counts(
            counts,
            settings.vocab_size,
            settings.min_frequency,
            settings.max_token_length,
            progress,
            Some(learned),
        )
    })
}

/// Run `merge_loop` on this thread with the GIL released, while another thread builds the
/// [`Learned`] objects of the merges it hands to its sink. The loop reports progress to
/// `observer` as usual.
pub fn train_and_convert(
    py: Python<'_>,
    mut observer: PythonProgress,
    merge_loop: impl FnOnce(&mut dyn Progress, &mut dyn MergeSink) -> Result<Vec<Merge>> + Send,
) -> PyResult<Learned> {
    let (result, built) = py.detach(|| {
        std::thread::scope(|scope| {
            let (mut sender, receiver) = mpsc::channel();
            let builder = scope.spawn(move || convert(receiver));
            let result = merge_loop(&mut observer, &mut sender);
            // Closing the channel tells the builder that no more merges will come.
            drop(sender);
            (result, builder.join())
        })
    });
    match result {
        Err(err) => Err(observer.into_py_err(err)),
        Ok(_) => built
            .map_err(|_| PyRuntimeError::new_err("the thread building the vocabulary panicked"))?,
    }
}

/// The merge loop's sink: each batch of merges goes to the builder thread.
impl MergeSink for Sender<Vec<Merge>> {
    fn learned(&mut self, merges: &[Merge]) {
        // A builder that stopped (it failed, and says so when joined) needs nothing more.
        if !merges.is_empty() {
            let _ = self.send(merges.to_vec());
        }
    }
}

/// Build the [`Learned`] objects from batches of merges until the channel closes.
fn convert(batches: Receiver<Vec<Merge>>) -> PyResult<Learned> {
    let (merges, ranks) = Python::attach(|py| -> PyResult<Learned> {
        let ranks = PyDict::new(py);
        for byte in 0..=u8::MAX {
            ranks.set_item(PyBytes::new(py, &[byte]), byte)?;
        }
        Ok((PyList::empty(py).unbind(), ranks.unbind()))
    })?;
    let mut tokens = TokenBytes::default();
    // Waits for the next batch without the GIL: this thread holds it only to convert.
    while let Ok(batch) = batches.recv() {
        Python::attach(|py| -> PyResult<()> {
            let (merges, ranks) = (merges.bind(py), ranks.bind(py));
            for merge in batch {
                let (id, token) = tokens.push_merge(merge.left, merge.right)?;
                ranks.set_item(PyBytes::new(py, token), id)?;
                merges.append((merge.left, merge.right, merge.count))?;
            }
            Ok(())
        })?;
    }
    Ok((merges, ranks))
}

/// The bytes of tokens 256, 257, ... end to end (those of 0..=255 are the bytes themselves).
#[derive(Default)]
struct TokenBytes {
    bytes: Vec<u8>,
    /// Where each token's bytes end in `bytes`.
    ends: Vec<usize>,
}

impl TokenBytes {
    fn range(&self, id: u32) -> Option<std::ops::Range<usize>> {
        let k = (id as usize).checked_sub(256)?;
        let end = *self.ends.get(k)?;
        let start = if k == 0 { 0 } else { self.ends[k - 1] };
        Some(start..end)
    }

    /// Add the token made by merging `left` and `right` (§5.1); returns its id and bytes.
    fn push_merge(&mut self, left: u32, right: u32) -> PyResult<(u32, &[u8])> {
        let start = self.bytes.len();
        for side in [left, right] {
            if let Ok(byte) = u8::try_from(side) {
                self.bytes.push(byte);
            } else {
                let range = self.range(side).ok_or_else(|| {
                    PyRuntimeError::new_err(format!("merge of unknown token {side}"))
                })?;
                self.bytes.extend_from_within(range);
            }
        }
        self.ends.push(self.bytes.len());
        Ok(((255 + self.ends.len()) as u32, &self.bytes[start..]))
    }
}
