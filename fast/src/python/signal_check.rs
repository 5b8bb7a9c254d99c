//! Ctrl-C for one encode that runs on the calling thread: no helper thread to start (which costs
//! more than encoding a short text), the signal handlers run between pieces instead.

use std::cell::{Cell, RefCell};
use std::time::Instant;

use pyo3::prelude::*;

use super::args::to_py_err;
use super::progress::INTERVAL;
use crate::encode::Cancel;
use crate::error::{Error, Result};
use crate::pattern::Search;

/// Pieces between two looks at the clock while each search's time is bounded by what it reads
/// (a look costs about a third of a short piece's encoding; 64 pieces take microseconds). After
/// a search that may have backtracked, the clock is read at once.
const PIECES_PER_LOOK: u32 = 64;

/// Asked before every piece; every [`INTERVAL`] it takes the GIL back (a no-op when it is held)
/// and runs the signal handlers, which raise KeyboardInterrupt after Ctrl-C. Python runs them
/// only on its main thread, the thread that called: so this works where a call from the main
/// thread needs it to.
pub struct SignalCheck {
    countdown: Cell<u32>,
    last: Cell<Instant>,
    error: RefCell<Option<PyErr>>,
}

impl SignalCheck {
    pub fn new() -> Self {
        SignalCheck {
            countdown: Cell::new(PIECES_PER_LOOK),
            last: Cell::new(Instant::now()),
            error: RefCell::new(None),
        }
    }

    /// The work's result, with the Python error that stopped it in place of `Interrupted`.
    pub fn result<T>(self, result: Result<T>) -> PyResult<T> {
        match (result, self.error.into_inner()) {
            (Err(Error::Interrupted), Some(err)) => Err(err),
            (result, _) => result.map_err(to_py_err),
        }
    }
}

impl Cancel for SignalCheck {
    #[inline]
    fn cancelled(&self, search: Search) -> bool {
        let left = self.countdown.get();
        if left > 1 && search == Search::Bounded {
            self.countdown.set(left - 1);
            return false;
        }
        self.countdown.set(PIECES_PER_LOOK);
        if self.last.get().elapsed() < INTERVAL {
            return false;
        }
        self.last.set(Instant::now());
        match Python::attach(|py| py.check_signals()) {
            Ok(()) => false,
            Err(err) => {
                *self.error.borrow_mut() = Some(err);
                true
            }
        }
    }
}
