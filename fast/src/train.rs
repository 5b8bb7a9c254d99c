//! Spec §4.2-§4.5: the merge loop, with a cost that follows the work each merge really does.
//!
//! The reference recounts every pair after every merge. This loop instead keeps:
//!
//! * every distinct piece as a run of symbols in one flat arena, a node per byte, each token at
//!   the node of its first byte with a link back to the token before it (the token after it
//!   starts its length further on), so that a merge at one position is a constant-time local
//!   edit, however long the piece;
//! * a dense id per pair with its current count and the arena positions where it was seen;
//! * a queue of (count, pair) refreshed lazily (pair_queue.rs): an entry whose count has fallen
//!   since it was queued is queued again under its current count when it comes up.
//!
//! Why the lazy queue gives exactly the spec's choice: a merge of (a, b) into c only removes pairs
//! that hold a or b and only creates pairs that hold c, a token that did not exist before. So the
//! count of an existing pair never grows, every entry's count is at least the pair's current
//! count, and an entry whose count is current is the true maximum; among equal counts the queue
//! orders by the smaller (left, right), as §4.3 requires.
//!
//! Why the position lists are complete and in order: a pair's occurrences are all recorded when
//! the pair first appears (initially, or during the merge that creates its newer token), in
//! increasing arena order, and no later merge adds occurrences of an existing pair. Walking the
//! list in order and skipping positions that no longer hold the pair applies the merge left to
//! right without overlap, as §4.4 requires.

use crate::count::PieceCounts;
use crate::error::{Error, Result};
use crate::pair_queue::{PairCounts, PairQueue};
use crate::position_list::PositionList;
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
/// How many pieces ahead of the one being written into the arena the build asks for its bytes.
const PREFETCH_PIECES: usize = 16;
/// How many pieces or symbols the preparation handles between two progress ticks.
const TICK_EVERY: usize = 1 << 16;
/// How many merges pass between two calls to the progress observer (each of which reads the
/// clock): a merge can take well under a microsecond.
const PROGRESS_EVERY: usize = 64;
/// The symbol left behind at the right half of a merge.
const DEAD: u32 = u32::MAX;

/// [`train_from_counts`] that consumes the table of piece counts, so that the table's memory is
/// given back while the merge loop's own structures are built: at scale the two are the largest
/// things training holds, and they need never be held together.
pub fn train_from_piece_counts(
    counts: PieceCounts,
    vocab_size: u32,
    min_frequency: u64,
    progress: &mut dyn Progress,
) -> Result<Vec<Merge>> {
    let total = counts.total_bytes();
    train_with_capacity(counts.drain(), total, vocab_size, min_frequency, progress)
}

/// [`train_from_piece_counts`] that leaves the table to its owner (a table held by Python,
/// which may train more than once from it).
pub fn train_from_piece_counts_ref(
    counts: &PieceCounts,
    vocab_size: u32,
    min_frequency: u64,
    progress: &mut dyn Progress,
) -> Result<Vec<Merge>> {
    let total = counts.total_bytes();
    train_with_capacity(counts.iter(), total, vocab_size, min_frequency, progress)
}

/// Learn up to `vocab_size - 256` merges from distinct pieces and their frequencies (§4).
/// Stops early, without error, when no pair is left or the best count is below `min_frequency`.
pub fn train_from_counts<P: AsRef<[u8]>>(
    pieces: impl IntoIterator<Item = (P, u64)>,
    vocab_size: u32,
    min_frequency: u64,
    progress: &mut dyn Progress,
) -> Result<Vec<Merge>> {
    train_with_capacity(pieces, 0, vocab_size, min_frequency, progress)
}

/// `capacity`: the total length of the pieces, if known, to size the arena exactly.
fn train_with_capacity<P: AsRef<[u8]>>(
    pieces: impl IntoIterator<Item = (P, u64)>,
    capacity: usize,
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
    let (mut arena, mut pairs) =
        Arena::build(pieces, capacity, 256 + wanted, &mut || tick(progress))?;
    let mut queue = PairQueue::new();
    for id in 0..pairs.len() as u32 {
        queue.push(id, &pairs);
    }
    let mut merges = Vec::with_capacity(wanted.min(1 << 20));
    // The length in bytes of every token so far: a token's next neighbour starts that many
    // nodes after it.
    let mut token_len: Vec<u32> = vec![1; 256];
    // How many merges the observer has been given.
    let mut passed_on = 0;
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
        let current = top.count;
        if current < min_frequency {
            break;
        }
        let new_token = 256 + merges.len() as u32;
        let (left, right) = unpack(top.packed);
        let lengths = (token_len[left as usize], token_len[right as usize]);
        token_len.push(lengths.0 + lengths.1);
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
        debug_assert_eq!(pairs.count[top.id as usize], 0);
        for id in first_new_pair..pairs.len() {
            queue.push(id as u32, &pairs);
        }
        if merges.len() % PROGRESS_EVERY == 0 || merges.len() == wanted {
            progress.learned(&merges[passed_on..]);
            passed_on = merges.len();
            progress.update(Stage::Merging, merges.len() as u64, wanted as u64)?;
        }
    }
    progress.learned(&merges[passed_on..]);
    if merges.len() < wanted {
        // Stopped early: the last report says so, with the total cut to what was made.
        progress.update(Stage::Merging, merges.len() as u64, merges.len() as u64)?;
    }
    Ok(merges)
}

/// One symbol of a piece in the arena. The fields sit together because a merge reads all of
/// them for a node and its neighbours, which are usually the next nodes in memory.
///
/// A symbol's nodes are its bytes: the node where a token starts holds it, the nodes of its
/// other bytes are DEAD. So the next token starts the token's length further on, and needs no
/// link; a piece ends where a node without a previous one (the next piece's first) or the arena's
/// end comes next. Four fields make 16 bytes, four nodes to a cache line.
#[derive(Clone, Copy)]
struct Node {
    symbol: u32,
    /// Where the previous token of the piece starts (NONE at a piece's first node).
    prev: u32,
    /// The id of the pair that starts here (NONE at a piece's last node), so that a merge can
    /// take a neighbouring pair's count down without looking the pair up.
    pair: u32,
    word: u32,
}

/// Every distinct piece of two or more bytes as a linked run of nodes in one flat vector.
struct Arena {
    nodes: Vec<Node>,
    frequency: Vec<u64>,
}

impl Arena {
    /// The arena of `pieces`, and their pairs counted with their positions (§4.2), in one pass:
    /// each node's pair is found while the node is written. `symbols` is the number of token
    /// ids the merge loop may make. `tick` is called now and then so that a long build can
    /// report progress or be stopped.
    fn build<P: AsRef<[u8]>>(
        pieces: impl IntoIterator<Item = (P, u64)>,
        capacity: usize,
        symbols: usize,
        tick: &mut dyn FnMut() -> Result<()>,
    ) -> Result<(Self, Pairs)> {
        let mut arena = Arena {
            nodes: Vec::with_capacity(capacity),
            frequency: Vec::new(),
        };
        crate::huge_pages::advise(&mut arena.nodes);
        let mut pairs = Pairs::new(symbols);
        // Pairs of two bytes are found in a table rather than by hash.
        let mut byte_pairs = vec![NONE; 256 * 256];
        // The pieces come in a hash table's order and the long ones each in a box of its own:
        // without asking for their bytes ahead, nearly every piece waits for memory.
        let pieces = crate::prefetch::ahead(pieces.into_iter(), PREFETCH_PIECES, |(piece, _)| {
            crate::prefetch::bytes(piece.as_ref())
        });
        for (n, (piece, frequency)) in pieces.enumerate() {
            if n % TICK_EVERY == TICK_EVERY - 1 {
                tick()?;
            }
            let piece = piece.as_ref();
            // A piece of one byte holds no pair: it can never take part in a merge.
            if piece.len() < 2 || frequency == 0 {
                continue;
            }
            let base = arena.nodes.len();
            if base + piece.len() >= NONE as usize {
                return Err(Error::InvalidArgument(
                    "the corpus has more than 4 GiB of distinct piece bytes".into(),
                ));
            }
            let word = arena.frequency.len() as u32;
            arena.frequency.push(frequency);
            for (k, &byte) in piece.iter().enumerate() {
                let index = (base + k) as u32;
                let pair = match piece.get(k + 1) {
                    Some(&after) => {
                        let slot = &mut byte_pairs[usize::from(byte) * 256 + usize::from(after)];
                        if *slot == NONE {
                            *slot = pairs.create(u32::from(byte), u32::from(after));
                        }
                        pairs.add(*slot, frequency, index);
                        *slot
                    }
                    None => NONE,
                };
                arena.nodes.push(Node {
                    symbol: u32::from(byte),
                    prev: if k == 0 { NONE } else { index - 1 },
                    pair,
                    word,
                });
            }
        }
        // The lists only shrink from here (new occurrences go to new pairs): drop the slack.
        for list in &mut pairs.positions {
            list.shrink_to_fit();
        }
        Ok((arena, pairs))
    }

    /// Ask the CPU to start loading the nodes of a merge at `position` of tokens of `lengths`
    /// bytes: its own, its right token's and the one after that. A merge visits nodes
    /// scattered over a large arena, so without this nearly every visit waits for memory.
    /// (Past a piece's end these are the next piece's nodes: a wasted hint, never a wrong one.)
    #[inline]
    fn prefetch_nodes(&self, position: u32, lengths: (u32, u32)) {
        let i = position as usize;
        let j = i + lengths.0 as usize;
        crate::prefetch::slot(&self.nodes, i);
        crate::prefetch::slot(&self.nodes, j);
        crate::prefetch::slot(&self.nodes, j + lengths.1 as usize);
    }

    /// Ask for the node before node `position` and its piece's frequency, once the node itself
    /// is (or soon will be) in cache: both are found only through it.
    #[inline]
    fn prefetch_neighbours(&self, position: u32) {
        if let Some(node) = self.nodes.get(position as usize) {
            crate::prefetch::slot(&self.nodes, node.prev as usize);
            crate::prefetch::slot(&self.frequency, node.word as usize);
        }
    }

    /// Ask for the counts of the pairs that start at the node before `position` and at its
    /// right token (`left_len` bytes on): the merge takes both down, and pair ids are spread
    /// over the whole table.
    #[inline]
    fn prefetch_counts(&self, position: u32, left_len: u32, pairs: &Pairs) {
        let i = position as usize;
        if let Some(node) = self.nodes.get(i) {
            if let Some(before) = self.nodes.get(node.prev as usize) {
                crate::prefetch::slot(&pairs.count, before.pair as usize);
            }
        }
        if let Some(right) = self.nodes.get(i + left_len as usize) {
            crate::prefetch::slot(&pairs.count, right.pair as usize);
        }
    }

    /// Where the token after the one starting at node `i` starts, given that token's length;
    /// None at the end of its piece.
    #[inline]
    fn next_start(&self, i: usize, len: u32) -> Option<usize> {
        let next = i + len as usize;
        self.nodes
            .get(next)
            .filter(|node| node.prev != NONE)
            .map(|_| next)
    }

    /// Apply the merge of (left, right), tokens of `lengths` bytes, into `new_token` at
    /// `position` if the pair is still there, and move the counts of the neighbouring pairs
    /// (§4.4).
    fn merge_at(
        &mut self,
        position: u32,
        (left, right): (u32, u32),
        lengths: (u32, u32),
        new_token: u32,
        merged_pair: u32,
        pairs: &mut Pairs,
    ) {
        let i = position as usize;
        let node = self.nodes[i];
        // A node whose symbol is still `left` still starts that token, so its length says
        // where its neighbour starts.
        if node.symbol != left {
            return;
        }
        let Some(j) = self.next_start(i, lengths.0) else {
            return;
        };
        let right_node = self.nodes[j];
        if right_node.symbol != right {
            return;
        }
        let frequency = self.frequency[node.word as usize];
        if node.prev != NONE {
            let b = node.prev as usize;
            let before = self.nodes[b];
            pairs.count[before.pair as usize] -= frequency; // (x, left) is gone
            let id = pairs.with_new_on_right(before.symbol, new_token);
            pairs.add(id, frequency, node.prev);
            self.nodes[b].pair = id;
        }
        let mut pair = NONE;
        if let Some(after) = self.next_start(j, lengths.1) {
            pairs.count[right_node.pair as usize] -= frequency; // (right, y) is gone
            pair = pairs.with_new_on_left(new_token, self.nodes[after].symbol);
            pairs.add(pair, frequency, position);
            self.nodes[after].prev = position;
        }
        pairs.count[merged_pair as usize] -= frequency;
        self.nodes[j].symbol = DEAD;
        let merged = &mut self.nodes[i];
        merged.symbol = new_token;
        merged.pair = pair;
    }
}

/// Dense pair ids with their counts and the positions where each was seen.
///
/// Pairs are only ever created in two ways: from two bytes, while the arena is built (a 256 x 256
/// table finds them), and during the merge that makes a token, as (x, token) or (token, y)
/// (per-symbol slots stamped with that merge find them). So no pair is ever looked up by hash.
struct Pairs {
    packed: Vec<u64>,
    count: Vec<u64>,
    positions: Vec<PositionList>,
    /// Slots for the pairs of the current merge's token, valid where the stamp matches.
    stamp: u32,
    with_x: Vec<(u32, u32)>,
    with_y: Vec<(u32, u32)>,
}

impl Pairs {
    fn new(symbols: usize) -> Self {
        Pairs {
            packed: Vec::new(),
            count: Vec::new(),
            positions: Vec::new(),
            stamp: 0,
            with_x: vec![(0, NONE); symbols],
            with_y: vec![(0, NONE); symbols],
        }
    }

    fn len(&self) -> usize {
        self.packed.len()
    }

    /// Start a merge: the slots of the previous one become stale.
    fn begin_merge(&mut self) {
        self.stamp += 1;
    }

    fn create(&mut self, left: u32, right: u32) -> u32 {
        self.packed.push(pack(left, right));
        self.count.push(0);
        self.positions.push(PositionList::default());
        (self.packed.len() - 1) as u32
    }

    /// The id of (x, token), `token` being the current merge's new token.
    fn with_new_on_right(&mut self, x: u32, token: u32) -> u32 {
        let (stamp, id) = self.with_x[x as usize];
        if stamp == self.stamp {
            return id;
        }
        // (token, token) may be reached from either side: both sides share one slot.
        let id = if x == token {
            self.with_new_on_left(token, token)
        } else {
            self.create(x, token)
        };
        self.with_x[x as usize] = (self.stamp, id);
        id
    }

    /// The id of (token, y), `token` being the current merge's new token.
    fn with_new_on_left(&mut self, token: u32, y: u32) -> u32 {
        let (stamp, id) = self.with_y[y as usize];
        if stamp == self.stamp {
            return id;
        }
        let id = self.create(token, y);
        self.with_y[y as usize] = (self.stamp, id);
        id
    }

    fn add(&mut self, id: u32, frequency: u64, position: u32) {
        self.count[id as usize] += frequency;
        self.positions[id as usize].push_new(position);
    }
}

impl PairCounts for Pairs {
    #[inline]
    fn count(&self, id: u32) -> u64 {
        self.count[id as usize]
    }

    #[inline]
    fn packed(&self, id: u32) -> u64 {
        self.packed[id as usize]
    }
}

fn pack(left: u32, right: u32) -> u64 {
    (u64::from(left) << 32) | u64::from(right)
}

fn unpack(packed: u64) -> (u32, u32) {
    ((packed >> 32) as u32, packed as u32)
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

    impl Progress for Recorder {
        fn update(&mut self, _stage: Stage, _done: u64, _total: u64) -> Result<()> {
            Ok(())
        }

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
            let merges =
                train_from_counts([(text.as_slice(), 1u64)], vocab_size, 1, &mut recorder).unwrap();
            assert!(merges.len() > PROGRESS_EVERY);
            assert_eq!(recorder.0, merges);
        }
    }

    #[test]
    fn stops_when_no_pair_is_left() {
        assert_eq!(train(&[("ab", 5)], 1000).len(), 1);
        assert!(train(&[], 1000).is_empty());
    }
}
