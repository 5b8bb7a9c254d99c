//! A batch encoded on a pool while the calling thread turns the texts already encoded into
//! Python lists. Making the lists needs the GIL, so one thread does it; done after the whole
//! batch it left the pool idle for a quarter of a call on two cores, and for most of it on many.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, RecvTimeoutError};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::PyList;

use super::args;
use super::id_list::new_list;
use super::progress::INTERVAL;
use crate::error::Result;
use crate::threads::in_pool_scope;

/// Texts are handed to the pool in runs of at least this many bytes (a fraction of a
/// millisecond of encoding): small enough that the first lists can be made early and the last
/// run is short, large enough that handing a run over costs nothing next to encoding it.
const RUN_BYTES: usize = 64 * 1024;

/// The ids of a finished run, or why it stopped.
type Done = (usize, Result<Vec<Vec<u32>>>);

/// The list of the lists of ids of `texts`, each encoded by `encode` on the pool of `threads`
/// and made a list by `list`.
/// This thread waits with the GIL released, runs the signal handlers every [`INTERVAL`] (so
/// Ctrl-C lands), and makes the lists of each run as soon as the runs before it are done. On
/// an error or a raised signal the pool is told to stop, and the first error is raised.
pub fn encode_streamed<'py>(
    py: Python<'py>,
    texts: &[PyBackedStr],
    threads: Option<usize>,
    encode: impl Fn(&str, &AtomicBool) -> Result<Vec<u32>> + Sync,
    list: impl Fn(&[u32]) -> PyResult<Bound<'py, PyList>>,
) -> PyResult<Bound<'py, PyList>> {
    let runs = runs(texts);
    let cancel = AtomicBool::new(false);
    let (done, mut finished) = channel::<Done>();
    let lists = in_pool_scope(threads, |scope| {
        for (index, run) in runs.iter().enumerate() {
            let (done, encode, cancel) = (done.clone(), &encode, &cancel);
            scope.spawn(move |_| {
                let ids = texts[run.clone()]
                    .iter()
                    .map(|text| encode(text, cancel))
                    .collect();
                // The receiver is gone only once this thread has stopped listening: then
                // nobody wants the ids.
                let _ = done.send((index, ids));
            });
        }
        drop(done);
        let mut lists = Vec::with_capacity(texts.len());
        let mut ready: Vec<Option<Vec<Vec<u32>>>> = runs.iter().map(|_| None).collect();
        let (mut next, mut received) = (0, 0);
        let mut failure: Option<PyErr> = None;
        loop {
            while failure.is_none() && next < ready.len() {
                let Some(batch) = ready[next].take() else {
                    break;
                };
                for ids in &batch {
                    match list(ids) {
                        Ok(list) => lists.push(list),
                        Err(err) => {
                            failure = Some(err);
                            cancel.store(true, Ordering::Relaxed);
                            break;
                        }
                    }
                }
                next += 1;
            }
            if received == runs.len() {
                break;
            }
            let waiting = &mut finished;
            match py.detach(move || waiting.recv_timeout(INTERVAL)) {
                Ok((index, Ok(batch))) => {
                    received += 1;
                    ready[index] = Some(batch);
                }
                Ok((_, Err(err))) => {
                    received += 1;
                    cancel.store(true, Ordering::Relaxed);
                    // After a failure the others stop as interrupted: the first one is the cause.
                    failure.get_or_insert_with(|| args::to_py_err(err));
                }
                Err(RecvTimeoutError::Timeout) => {
                    if let Err(err) = py.check_signals() {
                        cancel.store(true, Ordering::Relaxed);
                        failure.get_or_insert(err);
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    cancel.store(true, Ordering::Relaxed);
                    failure.get_or_insert_with(|| {
                        PyRuntimeError::new_err("a thread of the pool stopped without its ids")
                    });
                    break;
                }
            }
        }
        match failure {
            Some(err) => Err(err),
            None => Ok(lists),
        }
    })
    .map_err(args::to_py_err)??;
    new_list(py, lists.into_iter().map(Bound::into_any))
}

/// `texts` cut into consecutive runs of at least [`RUN_BYTES`] bytes (the last may be shorter).
fn runs(texts: &[PyBackedStr]) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (index, text) in texts.iter().enumerate() {
        bytes += text.len();
        if bytes >= RUN_BYTES {
            runs.push(start..index + 1);
            (start, bytes) = (index + 1, 0);
        }
    }
    if start < texts.len() {
        runs.push(start..texts.len());
    }
    runs
}
