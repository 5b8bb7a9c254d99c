//! Spec §4.2-§4.5: the merge loop, with a cost that follows the work each merge really does.
//!
//! The reference recounts every pair after every merge. This loop instead keeps:
//!
//! * every distinct piece as a run of symbols in one flat arena (arena.rs), a node per byte, each token at
//!   the node of its first byte with a link back to the token before it (the token after it
//!   starts its length further on), so that a merge at one position is a constant-time local
//!   edit, however long the piece;
//! * a dense id per pair with its current count and the arena positions where it was seen
//!   (pairs.rs, position_list.rs);
//! * a queue of (count, pair) refreshed lazily (pair_queue.rs): an entry whose count has fallen
//!   since it was queued is queued again under its current count when it comes up.
//!
//! Why the lazy queue gives exactly the spec's choice: a merge of (a, b) into c only removes pairs
//! that hold a or b and only creates pairs that hold c, a token that did not exist before. So the
//! count of an existing pair never grows, every entry's count is at least the pair's current
//! count, and an entry whose count is current is the true maximum; among equal counts the queue
//! orders by the smaller (left, right), as §4.3 requires.
//!
//! Why a limit on token length (§4.3.1) needs nothing more than leaving pairs out of the queue: a
//! token's length never changes, so a pair that would make too long a token is too long for good.
//! It is counted like any other (its neighbours' merges take its count down) but never queued,
//! so it is never selected; without a limit the queue sees every pair, as before.
//!
//! Why the position lists are complete and in order: a pair's occurrences are all recorded when
//! the pair first appears (initially, or during the merge that creates its newer token), in
//! increasing arena order, and no later merge adds occurrences of an existing pair. Walking the
//! list in order and skipping positions that no longer hold the pair applies the merge left to
//! right without overlap, as §4.4 requires.

use super::arena::Arena;
use super::merge::{Merge, MergeSink};
use super::pair_queue::{PairCounts, PairQueue};
use super::pairs::{unpack, Pairs};
use crate::count::PieceCounts;
use crate::error::{room_for_one, Error, Result};
use crate::progress::{Progress, Stage};

/// A merge at one position reads four nodes (the token before, the two tokens of the pair, the
/// token after), its piece's frequency and the counts of the two neighbouring pairs: once tokens
/// are longer than a few bytes, each of those is a cache line of its own. So the loop asks the
/// CPU for them in three waves, each needing what the one before brought in: this many
/// positions ahead, the nodes it can find from the position and the tokens' lengths;
const PREFETCH_NODES: usize = 24;
/// then, those having arrived, the node before and the frequency;
const PREFETCH_NEIGHBOURS: usize = 14;
/// and last the counts of the pairs that the nodes around the merge start.
const PREFETCH_COUNTS: usize = 7;
/// How many merges pass between two calls to the progress observer (each of which reads the
/// clock): a merge can take well under a microsecond.
const PROGRESS_EVERY: usize = 64;

/// [`train_from_counts`] that consumes the table of piece counts, so that the table's memory is
/// given back while the merge loop's own structures are built: at scale the two are the largest
/// things training holds, and they need never be held together.
pub fn train_from_piece_counts(
    counts: PieceCounts,
    vocab_size: u32,
    min_frequency: u64,
    max_token_length: Option<u32>,
    progress: &mut dyn Progress,
    learned: Option<&mut dyn MergeSink>,
) -> Result<Vec<Merge>> {
    let total = counts.total_bytes();
    train_with_capacity(
        counts.drain(),
        total,
        vocab_size,
        min_frequency,
        max_token_length,
        progress,
        learned,
    )
}

/// [`train_from_piece_counts`] that leaves the table to its owner (a table held by Python,
/// which may train more than once from it).
pub fn train_from_piece_counts_ref(
    counts: &PieceCounts,
    vocab_size: u32,
    min_frequency: u64,
    max_token_length: Option<u32>,
    progress: &mut dyn Progress,
    learned: Option<&mut dyn MergeSink>,
) -> Result<Vec<Merge>> {
    let total = counts.total_bytes();
    train_with_capacity(
        counts.iter(),
        total,
        vocab_size,
        min_frequency,
        max_token_length,
        progress,
        learned,
    )
}

/// Learn up to `vocab_size - 256` merges from distinct pieces and their frequencies (§4).
/// Stops early, without error, when no pair is left or the best count is below `min_frequency`.
/// No merge makes a token longer than `max_token_length` bytes, if given (§4.3.1).
/// `progress` hears how far the loop got (and may stop it); `learned`, if given, receives the
/// merges as they are learned.
pub fn train_from_counts<P: AsRef<[u8]>>(
    pieces: impl IntoIterator<Item = (P, u64)>,
    vocab_size: u32,
    min_frequency: u64,
    max_token_length: Option<u32>,
    progress: &mut dyn Progress,
    learned: Option<&mut dyn MergeSink>,
) -> Result<Vec<Merge>> {
    train_with_capacity(
        pieces,
        0,
        vocab_size,
        min_frequency,
        max_token_length,
        progress,
        learned,
    )
}

/// `capacity`: the total length of the pieces, if known, to size the arena exactly.
fn train_with_capacity<P: AsRef<[u8]>>(
    pieces: impl IntoIterator<Item = (P, u64)>,
    capacity: usize,
    vocab_size: u32,
    min_frequency: u64,
    max_token_length: Option<u32>,
    progress: &mut dyn Progress,
    learned: Option<&mut dyn MergeSink>,
) -> Result<Vec<Merge>> {
    if vocab_size < 256 {
        return Err(Error::InvalidArgument(format!(
            "vocab_size must be at least 256, got {vocab_size}"
        )));
    }
    let wanted = (vocab_size - 256) as usize;
    let tick = |progress: &mut dyn Progress| progress.update(Stage::Merging, 0, wanted as u64);
    let (arena, pairs) = Arena::build(pieces, capacity, &mut || tick(progress))?;
    let start = Start {
        first_id: 256,
        token_len: vec![1; 256],
        known: None,
    };
    merge_loop(
        arena,
        pairs,
        start,
        wanted,
        min_frequency,
        max_token_length,
        progress,
        learned,
    )
}

/// Where a merge loop starts: the id of its first new token, the length in bytes of every token
/// before it, and, when extending a vocabulary (§4.7), the tokens' bytes, whose repeats it
/// passes over.
pub(super) struct Start {
    pub first_id: u32,
    pub token_len: Vec<u32>,
    pub known: Option<Known>,
}

/// §4.7 item 3: the bytes of every token so far, by id and as a set.
pub(super) struct Known {
    pub bytes: Vec<Vec<u8>>,
    pub set: std::collections::HashSet<Vec<u8>>,
}

impl Known {
    fn joined(&self, left: u32, right: u32) -> Vec<u8> {
        [
            &self.bytes[left as usize][..],
            &self.bytes[right as usize][..],
        ]
        .concat()
    }
}

/// §4.2-§4.5 on a built arena: up to `wanted` merges, the first making token `start.first_id`.
#[allow(clippy::too_many_arguments)]
pub(super) fn merge_loop(
    mut arena: Arena,
    mut pairs: Pairs,
    start: Start,
    wanted: usize,
    min_frequency: u64,
    max_token_length: Option<u32>,
    progress: &mut dyn Progress,
    mut learned: Option<&mut dyn MergeSink>,
) -> Result<Vec<Merge>> {
    let Start {
        first_id,
        mut token_len,
        mut known,
    } = start;
    pairs.check()?;
    let mut queue = PairQueue::new();
    // Sized by what the corpus can give, not by vocab_size (which may be far beyond it).
    let mut merges = Vec::new();
    let first = wanted.min(arena.node_count()).min(1 << 20);
    merges
        .try_reserve_exact(first)
        .map_err(|_| Error::out_of_memory(&format!("room for {first} merges")))?;
    // `token_len`: the length in bytes of every token so far: a token's next neighbour starts
    // that many nodes after it.
    queue_pairs(
        &mut queue,
        0..pairs.len(),
        &pairs,
        &token_len,
        max_token_length,
    );
    // How many merges the sink has been given.
    let mut passed_on = 0;
    let mut pass_on = |merges: &[Merge]| {
        if let Some(sink) = learned.as_mut() {
            sink.learned(merges);
        }
    };
    progress.update(Stage::Merging, 0, wanted as u64)?;
    while merges.len() < wanted {
        let Some(top) = queue.pop(&pairs) else { break };
        // The next merges start from their pairs' counts and positions, found by id anywhere in
        // two large tables: ask for them now, while this merge works.
        for (k, next) in queue.likely_next().enumerate() {
            let next = next as usize;
            crate::prefetch::slot(&pairs.positions, next);
            crate::prefetch::slot(&pairs.count, next);
            if k == 0 {
                // Asked for during the last merge, so its list's address is at hand.
                if let Some(list) = pairs.positions.get(next) {
                    crate::prefetch::slot(list.as_slice(), 0);
                }
            }
        }
        let (left, right) = unpack(top.packed);
        // §4.7: a pair whose bytes are a token already is passed over for good (tokens are
        // only ever added); nothing re-queues it, as its entry left the queue just now.
        if let Some(known) = known.as_mut() {
            let joined = known.joined(left, right);
            if known.set.contains(&joined) {
                continue;
            }
            known.set.insert(joined.clone());
            known.bytes.push(joined);
        }
        let current = top.count;
        if current < min_frequency {
            break;
        }
        let new_token = first_id + merges.len() as u32;
        pairs.add_symbol()?;
        let lengths = (token_len[left as usize], token_len[right as usize]);
        room_for_one(&mut token_len, "the lengths of tokens")?;
        token_len.push(lengths.0 + lengths.1);
        room_for_one(&mut merges, "the merges")?;
        merges.push(Merge {
            left,
            right,
            count: current,
        });
        let first_new_pair = pairs.len();
        pairs.begin_merge();
        let taken = std::mem::take(&mut pairs.positions[top.id as usize]);
        let positions = taken.as_slice();
        // The first nodes all at once (most lists are short); then each wave a fixed distance
        // ahead of the merge.
        for &ahead in positions.iter().take(PREFETCH_NODES) {
            arena.prefetch_nodes(ahead, lengths);
        }
        for (k, &position) in positions.iter().enumerate() {
            if let Some(&ahead) = positions.get(k + PREFETCH_NODES) {
                arena.prefetch_nodes(ahead, lengths);
            }
            if let Some(&ahead) = positions.get(k + PREFETCH_NEIGHBOURS) {
                arena.prefetch_neighbours(ahead);
            }
            if let Some(&ahead) = positions.get(k + PREFETCH_COUNTS) {
                arena.prefetch_counts(ahead, lengths.0, &pairs);
            }
            arena.merge_at(
                position,
                (left, right),
                lengths,
                new_token,
                top.id,
                &mut pairs,
            );
        }
        // A table or list that could not grow left this merge's counts wrong: stop here.
        pairs.check()?;
        debug_assert_eq!(pairs.count[top.id as usize], 0);
        queue_pairs(
            &mut queue,
            first_new_pair..pairs.len(),
            &pairs,
            &token_len,
            max_token_length,
        );
        if merges.len() % PROGRESS_EVERY == 0 || merges.len() == wanted {
            pass_on(&merges[passed_on..]);
            passed_on = merges.len();
            progress.update(Stage::Merging, merges.len() as u64, wanted as u64)?;
        }
    }
    pass_on(&merges[passed_on..]);
    if merges.len() < wanted {
        // Stopped early: the last report says so, with the total cut to what was made.
        progress.update(Stage::Merging, merges.len() as u64, merges.len() as u64)?;
    }
    Ok(merges)
}

/// Queue the pairs `ids`, but not one whose token would be longer than `max_token_length`
/// bytes (§4.3.1): such a pair is never to be selected.
fn queue_pairs(
    queue: &mut PairQueue,
    ids: std::ops::Range<usize>,
    pairs: &Pairs,
    token_len: &[u32],
    max_token_length: Option<u32>,
) {
    let Some(limit) = max_token_length else {
        for id in ids {
            queue.push(id as u32, pairs);
        }
        return;
    };
    for id in ids {
        let (left, right) = unpack(pairs.packed(id as u32));
        let length = u64::from(token_len[left as usize]) + u64::from(token_len[right as usize]);
        if length <= u64::from(limit) {
            queue.push(id as u32, pairs);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Silent;

    fn train(words: &[(&str, u64)], vocab_size: u32) -> Vec<(u32, u32, u64)> {
        train_limited(words, vocab_size, None)
    }

    fn train_limited(
        words: &[(&str, u64)],
        vocab_size: u32,
        max_token_length: Option<u32>,
    ) -> Vec<(u32, u32, u64)> {
        train_from_counts(
            words.iter().map(|(w, f)| (w.as_bytes(), *f)),
            vocab_size,
            1,
            max_token_length,
            &mut Silent,
            None,
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
    fn pieces_side_by_side_in_the_arena_never_pair_across() {
        // "ab" and "ba" sit next to each other in the arena; once (a, b) is merged, the token
        // after it is the end of its piece, not the "b" that starts the next one.
        assert_eq!(
            train(&[("ab", 1), ("ba", 1)], 259),
            [(97, 98, 1), (98, 97, 1)]
        );
        assert_eq!(
            train(&[("aba", 2), ("ab", 1)], 300),
            [(97, 98, 3), (256, 97, 2)]
        );
    }

    #[test]
    fn ties_go_to_the_smallest_pair() {
        assert_eq!(
            train(&[("ab", 1), ("cd", 1)], 258),
            [(97, 98, 1), (99, 100, 1)]
        );
    }

    /// Keeps what the merge loop passes on.
    #[derive(Default)]
    struct Recorder(Vec<Merge>);

    impl MergeSink for Recorder {
        fn learned(&mut self, merges: &[Merge]) {
            self.0.extend_from_slice(merges);
        }
    }

    #[test]
    fn every_merge_is_passed_on_once_in_order() {
        let mut state = 0x2545_f491_u32;
        let text: Vec<u8> = (0..5000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                b'a' + (state % 4) as u8
            })
            .collect();
        // 200 merges (not a multiple of the batch of 64), and a run that stops early.
        for vocab_size in [456, 100_000] {
            let mut recorder = Recorder::default();
            let merges = train_from_counts(
                [(text.as_slice(), 1u64)],
                vocab_size,
                1,
                None,
                &mut Silent,
                Some(&mut recorder),
            )
            .unwrap();
            assert!(merges.len() > PROGRESS_EVERY);
            assert_eq!(recorder.0, merges);
        }
    }

    #[test]
    fn a_pair_too_long_is_passed_over_for_the_next_one_within_the_limit() {
        let (a, b) = (u32::from(b'a'), u32::from(b'b'));
        // Unlimited: aa, aaaa, then ab. Limited to 3 bytes, aaaa would be 4: after aa, ab and
        // (aa, a) tie at 1 and ab is the smaller pair; (aa, aa), five times, is never taken.
        assert_eq!(
            train(&[("aaaa", 5), ("ab", 1)], 259),
            [(a, a, 15), (256, 256, 5), (a, b, 1)]
        );
        assert_eq!(
            train_limited(&[("aaaa", 5), ("aaa", 1), ("ab", 1)], 259, Some(3)),
            [(a, a, 17), (a, b, 1), (256, a, 1)]
        );
        // No pair fits in one byte: no merge at all.
        assert!(train_limited(&[("aaaa", 5)], 300, Some(1)).is_empty());
    }

    #[test]
    fn stops_when_no_pair_is_left() {
        assert_eq!(train(&[("ab", 5)], 1000).len(), 1);
        assert!(train(&[], 1000).is_empty());
    }
}
