//! How long-running work reports how far it got, and how it learns that it must stop.

use crate::error::Result;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Splitting texts and counting pieces; `done` counts texts, `total` is 0 (unknown).
    Counting,
    /// The merge loop; `done` counts merges, `total` is the number asked for.
    Merging,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Counting => "counting",
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
