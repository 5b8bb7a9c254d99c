//! Spec §4.3: which pair the merge loop takes next — the largest count, the smallest
//! (left, right) among equal counts — chosen lazily, with the rare pairs kept out of the heap.
//!
//! Counts of existing pairs only ever go down (merge_loop.rs says why), so a queue may hold a pair
//! under a count that has since fallen (a stale entry) as long as it finds out before answering.
//!
//! Most pairs are rare: on 10 MB of prose the last of 32,512 merges has a count of 4, and on
//! 100 MB of C of 64, while most pairs ever created have a count below that and are never
//! chosen. In a heap every one of them costs a push and deepens every pop. So the queue has a
//! *level*: pairs counted at or above it wait in a max-heap, pairs below it in one list per
//! count, as bare ids. When the heap runs dry, the level steps down one count and that count's
//! list is sorted out: pairs still at that count go into the heap, the others to the list of
//! their current count. Every pair outside the heap has a count below the level and every
//! current heap entry one at or above it, so a current heap top is the largest count of all,
//! and all the pairs that tie with it are in the heap to be ordered by (left, right).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Counts below this are kept in per-count lists rather than in the heap.
const LISTED_COUNTS: u64 = 1 << 12;

/// A pair as the queue hands it out: its count, its packed (left, right) and its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub count: u64,
    pub packed: u64,
    pub id: u32,
}

impl Ord for Candidate {
    /// The larger count first, then the smaller (left, right).
    fn cmp(&self, other: &Self) -> Ordering {
        self.count
            .cmp(&other.count)
            .then_with(|| other.packed.cmp(&self.packed))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// What the queue needs to know about a pair now: its current count and its packed form.
pub trait PairCounts {
    fn count(&self, id: u32) -> u64;
    fn packed(&self, id: u32) -> u64;
}

pub struct PairQueue {
    heap: BinaryHeap<Candidate>,
    /// `listed[c]`: ids of pairs that had count `c` (below `level`) when they were put there.
    listed: Vec<Vec<u32>>,
    level: u64,
}

impl PairQueue {
    pub fn new() -> Self {
        PairQueue {
            heap: BinaryHeap::new(),
            listed: vec![Vec::new(); LISTED_COUNTS as usize],
            level: LISTED_COUNTS,
        }
    }

    /// Queue pair `id`, now counted `count` (nothing if 0: the pair is gone).
    #[inline]
    pub fn push(&mut self, id: u32, pairs: &impl PairCounts) {
        let count = pairs.count(id);
        if count >= self.level {
            self.heap.push(Candidate {
                count,
                packed: pairs.packed(id),
                id,
            });
        } else if count > 0 {
            self.listed[count as usize].push(id);
        }
    }

    /// The pairs that the next two pops will most likely return, the next first (one may be
    /// stale, or a pair queued before then may come first): the top of the heap and its two
    /// children, one of which is the top once the top is taken. For asking memory for them ahead.
    #[inline]
    pub fn likely_next(&self) -> impl Iterator<Item = u32> + '_ {
        self.heap
            .as_slice()
            .iter()
            .take(3)
            .map(|candidate| candidate.id)
    }

    /// Take the pair with the largest current count, the smallest (left, right) on ties; None
    /// when no pair has a count above 0.
    pub fn pop(&mut self, pairs: &impl PairCounts) -> Option<Candidate> {
        loop {
            while let Some(top) = self.heap.pop() {
                if pairs.count(top.id) == top.count {
                    return Some(top);
                }
                self.push(top.id, pairs);
            }
            if !self.step_down(pairs) {
                return None;
            }
        }
    }

    /// Lower the level to the next count that still has pairs and move them into the heap;
    /// false if there is none.
    fn step_down(&mut self, pairs: &impl PairCounts) -> bool {
        while self.level > 1 {
            self.level -= 1;
            for id in std::mem::take(&mut self.listed[self.level as usize]) {
                self.push(id, pairs);
            }
            if !self.heap.is_empty() {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Table(Vec<(u64, u64)>);

    impl PairCounts for Table {
        fn count(&self, id: u32) -> u64 {
            self.0[id as usize].0
        }
        fn packed(&self, id: u32) -> u64 {
            self.0[id as usize].1
        }
    }

    #[test]
    fn pops_by_count_then_pair_across_the_level_and_sees_counts_fall() {
        // Counts on both sides of the level, ties at both, and pairs whose counts fall while
        // they wait (into the lists, and to 0).
        let mut table = Table(vec![
            (5, 30),
            (LISTED_COUNTS + 7, 10),
            (5, 20),
            (LISTED_COUNTS + 7, 5),
            (3, 1),
            (9, 2),
            (2, 3),
        ]);
        let mut queue = PairQueue::new();
        for id in 0..table.0.len() as u32 {
            queue.push(id, &table);
        }
        let mut popped = vec![];
        let first = queue.pop(&table).unwrap();
        popped.push(first.id);
        table.0[first.id as usize].0 = 0;
        // A heap pair falls below the level, a listed one falls to 0, one falls within the lists.
        table.0[1].0 = 4;
        table.0[5].0 = 0;
        table.0[4].0 = 1;
        while let Some(c) = queue.pop(&table) {
            assert_eq!(c.count, table.0[c.id as usize].0);
            popped.push(c.id);
            table.0[c.id as usize].0 = 0;
        }
        assert_eq!(popped, [3, 2, 0, 1, 6, 4]);
    }
}
