//! One learned merge, and the sink the merge loop hands its merges to as it learns them.

/// One learned merge: `left` and `right` become token `256 + i`; `count` is the pair's count
/// when it was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Merge {
    pub left: u32,
    pub right: u32,
    pub count: u64,
}

/// Receives the merges while the loop goes on, so that a caller can start on them before the
/// loop ends (the Python module builds its objects on another thread).
pub trait MergeSink {
    /// The merges learned since the last call, in order; called about as often as the loop
    /// reports progress, and once more at the end.
    fn learned(&mut self, merges: &[Merge]);
}
