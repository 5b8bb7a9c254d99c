//! What an encode asks, between pieces, to know whether it should stop.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::pattern::Search;

/// Asked before every piece of an encode, told what the search that found the piece may have
/// cost; `true` stops the encode with `Error::Interrupted`.
pub trait Cancel {
    fn cancelled(&self, search: Search) -> bool;
}

/// A flag that another thread sets (a batch's waiter, on Ctrl-C).
impl Cancel for AtomicBool {
    #[inline]
    fn cancelled(&self, _: Search) -> bool {
        self.load(Ordering::Relaxed)
    }
}
