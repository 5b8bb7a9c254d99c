//! How long-running work reports how far it got, and how it learns that it must stop.

use crate::error::Result;

/// What a report is about; `bytebpe.progress` documents the same stages for Python.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Splitting texts and counting pieces; `done` counts the bytes read so far, `total` is 0
    /// (the core does not know how much is coming; Python adds a corpus's size).
    Counting,
    /// Reported once, when counting ends: `done` is the number of documents (texts) counted,
    /// `total` the number of distinct pieces they held.
    Counted,
    /// The merge loop; `done` counts merges, `total` is the number asked for.
    Merging,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Counting => "counting",
            Stage::Counted => "counted",
            Stage::Merging => "merging",
        }
    }
}

/// Receives progress. Called often (every merge): implementations limit their own rate.
/// Returning an error stops the work, which then returns that error.
pub trait Progress {
    fn update(&mut self, stage: Stage, done: u64, total: u64) -> Result<()>;
}

/// Progress that nobody watches.
pub struct Silent;

impl Progress for Silent {
    fn update(&mut self, _stage: Stage, _done: u64, _total: u64) -> Result<()> {
        Ok(())
    }
}
