//! Spec §4.2-§4.5: the merge loop, with a cost that follows the work each merge really does.
//!
//! The reference recounts every pair after every merge. This loop instead keeps:
//!
//! * every distinct piece as a doubly linked run of symbols in one flat arena, so that a merge at
//!   one position is a constant-time local edit, however long the piece;
//! * a dense id per pair with its current count and the arena positions where it was seen;
//! * a max-heap of (count, pair) refreshed lazily: a popped entry whose count is stale is pushed
//!   back with the current count.
//!
//! Why the lazy heap gives exactly the spec's choice: a merge of (a, b) into c only removes pairs
//! that hold a or b and only creates pairs that hold c, a token that did not exist before. So the
//! count of an existing pair never grows, every heap entry's count is at least the pair's current
//! count, and an entry whose count is current is the true maximum; among equal counts the heap
//! orders by the smaller (left, right), as §4.3 requires.
//!
//! Why the position lists are complete and in order: a pair's occurrences are all recorded when
//! the pair first appears (initially, or during the merge that creates its newer token), in
//! increasing arena order, and no later merge adds occurrences of an existing pair. Walking the
//! list in order and skipping positions that no longer hold the pair applies the merge left to
//! right without overlap, as §4.4 requires.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rustc_hash::FxHashMap;

use crate::error::{Error, Result};
use crate::progress::{Progress, Stage};

/// One learned merge: `left` and `right` become token `256 + i`; `count` is the pair's count
/// when it was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Merge {
    pub left: u32,
    pub right: u32,
    pub count: u64,
}

const NONE: u32 = u32::MAX;
/// How many pieces or symbols the preparation handles between two progress ticks.
const TICK_EVERY: usize = 1 << 16;
/// The symbol left behind at the right half of a merge.
const DEAD: u32 = u32::MAX;

/// Learn up to `vocab_size - 256` merges from distinct pieces and their frequencies (§4).
/// Stops early, without error, when no pair is left or the best count is below `min_frequency`.
pub fn train_from_counts<'a>(
    pieces: impl IntoIterator<Item = (&'a [u8], u64)>,
    vocab_size: u32,
    min_frequency: u64,
    progress: &mut dyn Progress,
) -> Result<Vec<Merge>> {
    if vocab_size < 256 {
        return Err(Error::InvalidArgument(format!(
            "vocab_size must be at least 256, got {vocab_size}"
        )));
    }
    let wanted = (vocab_size - 256) as usize;
    let tick = |progress: &mut dyn Progress| progress.update(Stage::Merging, 0, wanted as u64);
    let mut arena = Arena::build(pieces, &mut || tick(progress))?;
    let mut pairs = Pairs::count(&arena, &mut || tick(progress))?;
    let mut heap: BinaryHeap<Candidate> = (0..pairs.len())
        .filter(|&id| pairs.count[id] > 0)
        .map(|id| pairs.candidate(id as u32))
        .collect();
    let mut merges = Vec::with_capacity(wanted.min(1 << 20));
    progress.update(Stage::Merging, 0, wanted as u64)?;
    while merges.len() < wanted {
        let Some(top) = heap.pop() else { break };
        let current = pairs.count[top.id as usize];
        if current != top.count {
            if current > 0 {
                heap.push(pairs.candidate(top.id));
            }
            continue;
        }
        if current == 0 || current < min_frequency {
            break;
        }
        let new_token = 256 + merges.len() as u32;
        let (left, right) = unpack(top.packed);
        merges.push(Merge {
            left,
            right,
            count: current,
        });
        let first_new_pair = pairs.len();
        let positions = std::mem::take(&mut pairs.positions[top.id as usize]);
        for &position in &positions {
            arena.merge_at(position, left, right, new_token, top.id, &mut pairs);
        }
        debug_assert_eq!(pairs.count[top.id as usize], 0);
        heap.extend(
            (first_new_pair..pairs.len())
                .filter(|&id| pairs.count[id] > 0)
                .map(|id| pairs.candidate(id as u32)),
        );
        progress.update(Stage::Merging, merges.len() as u64, wanted as u64)?;
    }
    if merges.len() < wanted {
        // Stopped early: the last report says so, with the total cut to what was made.
        progress.update(Stage::Merging, merges.len() as u64, merges.len() as u64)?;
    }
    Ok(merges)
}

/// Every distinct piece of two or more bytes as a linked run of symbols.
struct Arena {
    symbol: Vec<u32>,
    prev: Vec<u32>,
    next: Vec<u32>,
    word: Vec<u32>,
    frequency: Vec<u64>,
}

impl Arena {
    /// `tick` is called now and then so that a long build can report progress or be stopped.
    fn build<'a>(
        pieces: impl IntoIterator<Item = (&'a [u8], u64)>,
        tick: &mut dyn FnMut() -> Result<()>,
    ) -> Result<Self> {
        let mut arena = Arena {
            symbol: Vec::new(),
            prev: Vec::new(),
            next: Vec::new(),
            word: Vec::new(),
            frequency: Vec::new(),
        };
        for (n, (piece, frequency)) in pieces.into_iter().enumerate() {
            if n % TICK_EVERY == TICK_EVERY - 1 {
                tick()?;
            }
            // A piece of one byte holds no pair: it can never take part in a merge.
            if piece.len() < 2 || frequency == 0 {
                continue;
            }
            let base = arena.symbol.len();
            if base + piece.len() >= NONE as usize {
                return Err(Error::InvalidArgument(
                    "the corpus has more than 4 GiB of distinct piece bytes".into(),
                ));
            }
            let word = arena.frequency.len() as u32;
            arena.frequency.push(frequency);
            for (k, &byte) in piece.iter().enumerate() {
                let index = (base + k) as u32;
                arena.symbol.push(u32::from(byte));
                arena.prev.push(if k == 0 { NONE } else { index - 1 });
                arena.next.push(if k + 1 == piece.len() {
                    NONE
                } else {
                    index + 1
                });
                arena.word.push(word);
            }
        }
        Ok(arena)
    }

    /// Apply the merge of (left, right) into `new_token` at `position` if the pair is still
    /// there, and move the counts of the neighbouring pairs (§4.4).
    fn merge_at(
        &mut self,
        position: u32,
        left: u32,
        right: u32,
        new_token: u32,
        merged_pair: u32,
        pairs: &mut Pairs,
    ) {
        let i = position as usize;
        if self.symbol[i] != left {
            return;
        }
        let j = self.next[i];
        if j == NONE || self.symbol[j as usize] != right {
            return;
        }
        let frequency = self.frequency[self.word[i] as usize];
        let before = self.prev[i];
        if before != NONE {
            let x = self.symbol[before as usize];
            pairs.remove(x, left, frequency);
            pairs.add(x, new_token, frequency, before);
        }
        let after = self.next[j as usize];
        if after != NONE {
            let y = self.symbol[after as usize];
            pairs.remove(right, y, frequency);
            pairs.add(new_token, y, frequency, position);
            self.prev[after as usize] = position;
        }
        pairs.count[merged_pair as usize] -= frequency;
        self.symbol[i] = new_token;
        self.symbol[j as usize] = DEAD;
        self.next[i] = after;
    }
}

/// Dense pair ids with their counts and the positions where each was seen.
struct Pairs {
    ids: FxHashMap<u64, u32>,
    packed: Vec<u64>,
    count: Vec<u64>,
    positions: Vec<Vec<u32>>,
}

impl Pairs {
    fn count(arena: &Arena, tick: &mut dyn FnMut() -> Result<()>) -> Result<Self> {
        let mut pairs = Pairs {
            ids: FxHashMap::default(),
            packed: Vec::new(),
            count: Vec::new(),
            positions: Vec::new(),
        };
        for (i, &next) in arena.next.iter().enumerate() {
            if i % TICK_EVERY == TICK_EVERY - 1 {
                tick()?;
            }
            if next != NONE {
                let frequency = arena.frequency[arena.word[i] as usize];
                pairs.add(
                    arena.symbol[i],
                    arena.symbol[next as usize],
                    frequency,
                    i as u32,
                );
            }
        }
        Ok(pairs)
    }

    fn len(&self) -> usize {
        self.packed.len()
    }

    fn add(&mut self, left: u32, right: u32, frequency: u64, position: u32) {
        let packed = pack(left, right);
        let next_id = self.packed.len() as u32;
        let id = *self.ids.entry(packed).or_insert(next_id) as usize;
        if id == self.packed.len() {
            self.packed.push(packed);
            self.count.push(0);
            self.positions.push(Vec::new());
        }
        self.count[id] += frequency;
        let list = &mut self.positions[id];
        if list.last() != Some(&position) {
            list.push(position);
        }
    }

    fn remove(&mut self, left: u32, right: u32, frequency: u64) {
        // Every pair removed here was counted when it appeared, so the id exists.
        if let Some(&id) = self.ids.get(&pack(left, right)) {
            self.count[id as usize] -= frequency;
        }
    }

    fn candidate(&self, id: u32) -> Candidate {
        Candidate {
            count: self.count[id as usize],
            packed: self.packed[id as usize],
            id,
        }
    }
}

fn pack(left: u32, right: u32) -> u64 {
    (u64::from(left) << 32) | u64::from(right)
}

fn unpack(packed: u64) -> (u32, u32) {
    ((packed >> 32) as u32, packed as u32)
}

/// A heap entry: the larger count first, then the smaller (left, right) pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Candidate {
    count: u64,
    packed: u64,
    id: u32,
}

impl Ord for Candidate {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Silent;

    fn train(words: &[(&str, u64)], vocab_size: u32) -> Vec<(u32, u32, u64)> {
        train_from_counts(
            words.iter().map(|(w, f)| (w.as_bytes(), *f)),
            vocab_size,
            1,
            &mut Silent,
        )
        .unwrap()
        .into_iter()
        .map(|m| (m.left, m.right, m.count))
        .collect()
    }

    #[test]
    fn overlapping_runs_merge_left_to_right() {
        // "aaaa": (a, a) three times; merged left to right it becomes (aa, aa).
        let a = u32::from(b'a');
        assert_eq!(train(&[("aaaa", 1)], 258), [(a, a, 3), (256, 256, 1)]);
        // "aaaaa": (a, a) four times; after the merge, (aa, aa) once and (aa, a) once: the tie
        // goes to the smaller pair, (256, 97) < (256, 256).
        assert_eq!(train(&[("aaaaa", 1)], 258), [(a, a, 4), (256, a, 1)]);
    }

    #[test]
    fn ties_go_to_the_smallest_pair() {
        assert_eq!(
            train(&[("ab", 1), ("cd", 1)], 258),
            [(97, 98, 1), (99, 100, 1)]
        );
    }

    #[test]
    fn stops_when_no_pair_is_left() {
        assert_eq!(train(&[("ab", 5)], 1000).len(), 1);
        assert!(train(&[], 1000).is_empty());
    }
}
