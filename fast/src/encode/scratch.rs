//! The memory that joining long pieces keeps on each thread from one piece to the next, and how
//! much of it is kept.

use std::cell::RefCell;
use std::cmp::Reverse;

use super::scan_slots::ScanVecs;

/// How much memory [`JoinScratch`] keeps on a thread after a piece, at most, in bytes.
pub const KEPT_SCRATCH_BYTES: usize = 64 << 20;

thread_local! {
    pub static JOIN_SCRATCH: RefCell<JoinScratch> = RefCell::new(JoinScratch::default());
}

/// Memory that joining long pieces keeps on each thread from one piece to the next. A piece of
/// a million bytes needs links and buckets of candidates of tens of megabytes, and memory fresh
/// from the system costs a page fault per 4 KiB, which on a long run of one byte ("aaaa...")
/// would be much of the work.
#[derive(Default)]
pub struct JoinScratch {
    /// The heap's slots: for pieces shorter than
    /// [`JOIN_HEAP_MAX`](super::encoder::JOIN_HEAP_MAX), so 128 KiB at most.
    pub scan: ScanVecs,
    /// The links between parts, for buckets.
    pub links: Vec<(u32, u32)>,
    /// The heap of candidate pairs, empty between pieces.
    pub candidates: Vec<Reverse<u64>>,
    /// A bucket per rank, all empty between pieces.
    pub dense: Vec<Vec<(u32, u32)>>,
    /// Buckets already served, emptied, kept for their memory.
    pub spare: Vec<Vec<(u32, u32)>>,
}

impl JoinScratch {
    /// Give back what would make this hold more than `limit` bytes, so that one huge piece does
    /// not leave its memory behind for the life of the thread.
    pub fn keep_within(&mut self, limit: usize) {
        fn bytes<T>(vector: &Vec<T>) -> usize {
            vector.capacity() * std::mem::size_of::<T>()
        }
        if bytes(&self.links) > limit {
            self.links = Vec::new();
        }
        if bytes(&self.links) + bytes(&self.candidates) > limit {
            self.candidates = Vec::new();
        }
        let mut kept = bytes(&self.links) + bytes(&self.candidates);
        if kept + bytes(&self.dense) > limit {
            self.dense = Vec::new();
        }
        kept += bytes(&self.dense);
        self.spare.retain(|bucket| {
            kept += bytes(bucket);
            kept <= limit
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_scratch_keeps_no_more_than_its_limit() {
        let mut scratch = JoinScratch {
            scan: ScanVecs::default(),
            links: Vec::with_capacity(1000),
            candidates: Vec::with_capacity(100),
            dense: vec![Vec::new(); 10],
            spare: (0..10).map(|_| Vec::with_capacity(100)).collect(),
        };
        // 8,000 bytes of links, 800 of candidates, 240 of dense buckets, 800 per spare bucket.
        scratch.keep_within(8000 + 800 + 240 + 2 * 800 + 1);
        assert_eq!(scratch.links.capacity(), 1000);
        assert_eq!(scratch.candidates.capacity(), 100);
        assert_eq!(scratch.dense.len(), 10);
        assert_eq!(scratch.spare.len(), 2);
        scratch.keep_within(7999);
        assert_eq!(scratch.links.capacity(), 0);
        assert_eq!(scratch.candidates.capacity(), 100);
        assert_eq!(scratch.spare.len(), 2);
        scratch.keep_within(100);
        assert_eq!(scratch.candidates.capacity(), 0);
        assert!(scratch.dense.is_empty() && scratch.spare.is_empty());
    }
}
