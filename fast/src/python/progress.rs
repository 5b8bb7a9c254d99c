//! Progress reports and Ctrl-C for work that runs with the GIL released.
//!
//! Python runs signal handlers only on the main thread and only when asked, so long Rust work
//! must come back for the GIL now and then: every [`INTERVAL`] it calls `check_signals` (which
//! raises KeyboardInterrupt after Ctrl-C) and the user's callback. Either error stops the work.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use super::args::to_py_err;
use crate::error::{Error, Result};
use crate::progress::{Progress, Stage};

/// How often long work takes the GIL back; well under the one second Ctrl-C may take.
pub const INTERVAL: Duration = Duration::from_millis(100);

/// Run `work` on a thread of its own with the GIL released, while this thread takes the GIL
/// back every [`INTERVAL`] to run signal handlers. If they raise (Ctrl-C), `work` is told to
/// stop through its flag, waited for, and that is raised. For work long enough that a thread
/// costs nothing beside it (a long encode).
pub fn interruptible<R: Send>(
    py: Python<'_>,
    work: impl FnOnce(&AtomicBool) -> Result<R> + Send,
) -> PyResult<R> {
    let cancel = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let (done, finished) = mpsc::channel();
        let cancel = &cancel;
        scope.spawn(move || {
            let _ = done.send(work(cancel));
        });
        wait_for(py, finished, cancel, || {
            Python::attach(|py| py.check_signals())
        })
    })
}

/// Wait with the GIL released for a worker's result on `finished`, calling `check` every
/// [`INTERVAL`]; if it raises, tell the worker to stop through `cancel`, wait for it, and raise
/// that.
fn wait_for<R: Send>(
    py: Python<'_>,
    finished: Receiver<Result<R>>,
    cancel: &AtomicBool,
    mut check: impl FnMut() -> PyResult<()> + Send,
) -> PyResult<R> {
    py.detach(move || loop {
        match finished.recv_timeout(INTERVAL) {
            Ok(result) => return result.map_err(to_py_err),
            Err(RecvTimeoutError::Timeout) => {
                if let Err(err) = check() {
                    cancel.store(true, Ordering::Relaxed);
                    let _ = finished.recv();
                    return Err(err);
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err(PyRuntimeError::new_err(
                    "the worker thread stopped without a result",
                ))
            }
        }
    })
}

pub struct PythonProgress {
    callback: Option<Py<PyAny>>,
    last: Instant,
    error: Option<PyErr>,
}

impl PythonProgress {
    pub fn new(callback: Option<Py<PyAny>>) -> Self {
        PythonProgress {
            callback,
            last: Instant::now(),
            error: None,
        }
    }

    /// Run signal handlers and report, now (the caller holds the GIL).
    pub fn report(&mut self, py: Python<'_>, stage: Stage, done: u64, total: u64) -> PyResult<()> {
        py.check_signals()?;
        if let Some(callback) = &self.callback {
            callback.call1(py, (stage.name(), done, total))?;
        }
        self.last = Instant::now();
        Ok(())
    }

    /// Wait with the GIL released for a worker's result on `finished`, taking the GIL back every
    /// [`INTERVAL`] to run signal handlers and report `(stage, done(), 0)`. If that raises
    /// (Ctrl-C, or the callback itself), tell the worker to stop through `cancel`, wait for it,
    /// and raise that.
    pub fn wait_for_worker(
        &mut self,
        py: Python<'_>,
        stage: Stage,
        finished: Receiver<Result<()>>,
        cancel: &AtomicBool,
        done: impl Fn() -> u64 + Send,
    ) -> PyResult<()> {
        wait_for(py, finished, cancel, move || {
            Python::attach(|py| self.report(py, stage, done(), 0))
        })
    }

    /// The Python error that stopped the work, or else the core's own error.
    pub fn into_py_err(self, err: Error) -> PyErr {
        match (err, self.error) {
            (Error::Interrupted, Some(py_err)) => py_err,
            (err, _) => to_py_err(err),
        }
    }
}

impl Progress for PythonProgress {
    fn update(&mut self, stage: Stage, done: u64, total: u64) -> Result<()> {
        let finished = done == total;
        if self.last.elapsed() < INTERVAL && !finished {
            return Ok(());
        }
        Python::attach(|py| self.report(py, stage, done, total)).map_err(|err| {
            self.error = Some(err);
            Error::Interrupted
        })
    }
}
