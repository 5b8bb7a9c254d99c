//! Progress reports and Ctrl-C for work that runs with the GIL released.
//!
//! Python runs signal handlers only on the main thread and only when asked, so long Rust work
//! must come back for the GIL now and then: every [`INTERVAL`] it calls `check_signals` (which
//! raises KeyboardInterrupt after Ctrl-C) and the user's callback. Either error stops the work.

use std::time::{Duration, Instant};

use pyo3::prelude::*;

use super::args::to_py_err;
use crate::error::{Error, Result};
use crate::progress::{Progress, Stage};

/// How often long work takes the GIL back; well under the one second Ctrl-C may take.
pub const INTERVAL: Duration = Duration::from_millis(100);

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
