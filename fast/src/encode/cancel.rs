//! What an encode asks, between pieces, to know whether it should stop.

use std::sync::atomic::{AtomicBool, Ordering};

/// Asked before every piece of an encode; `true` stops it with `Error::Interrupted`.
pub trait Cancel {
    fn cancelled(&self) -> bool;
}

/// A flag that another thread sets (a batch's waiter, on Ctrl-C).
impl Cancel for AtomicBool {
    #[inline]
    fn cancelled(&self) -> bool {
        self.load(Ordering::Relaxed)
    }
}
