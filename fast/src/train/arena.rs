//! The distinct pieces as runs of symbols in one flat arena, where the merge loop applies each
//! merge in place (§4.4): a merge at one position is a constant-time local edit, however long
//! the piece.

use super::pairs::{Pairs, NONE};
use crate::error::{room_for_one, Error, Result};

/// How many pieces ahead of the one being written into the arena the build asks for its bytes.
const PREFETCH_PIECES: usize = 16;
/// How many pieces the build handles between two progress ticks.
const TICK_EVERY: usize = 1 << 16;
/// The symbol left behind at the right half of a merge.
const DEAD: u32 = u32::MAX;

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
pub struct Arena {
    nodes: Vec<Node>,
    frequency: Vec<u64>,
}

impl Arena {
    /// The arena of `pieces`, and their pairs counted with their positions (§4.2), in one pass:
    /// each node's pair is found while the node is written. `capacity` is the total length of
    /// the pieces if known (0 if not): MemoryError, not an abort, if that much cannot be had.
    /// `tick` is called now and then so that a long build can report progress or be stopped.
    pub fn build<P: AsRef<[u8]>>(
        pieces: impl IntoIterator<Item = (P, u64)>,
        capacity: usize,
        tick: &mut dyn FnMut() -> Result<()>,
    ) -> Result<(Self, Pairs)> {
        let mut arena = Arena {
            nodes: Vec::new(),
            frequency: Vec::new(),
        };
        arena.nodes.try_reserve_exact(capacity).map_err(|_| {
            Error::out_of_memory(&format!(
                "{} MiB for the training arena",
                (capacity * std::mem::size_of::<Node>()) >> 20
            ))
        })?;
        super::huge_pages::advise(&mut arena.nodes);
        let mut pairs = Pairs::for_bytes();
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
            arena.room_for(piece.len())?;
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

    /// The arena of words that are already runs of tokens (§4.7: pieces encoded by a model),
    /// with their frequencies, and their pairs counted with their positions (§4.2). `token_len`
    /// is the length in bytes of every id the words hold; `symbols` the number of ids, for the
    /// pairs' slots.
    pub fn build_words(
        words: impl IntoIterator<Item = (Vec<u32>, u64)>,
        token_len: &[u32],
        tick: &mut dyn FnMut() -> Result<()>,
    ) -> Result<(Self, Pairs)> {
        let mut arena = Arena {
            nodes: Vec::new(),
            frequency: Vec::new(),
        };
        let mut pairs = Pairs::for_symbols(token_len.len())?;
        let mut known: std::collections::HashMap<(u32, u32), u32> =
            std::collections::HashMap::new();
        for (n, (word_ids, frequency)) in words.into_iter().enumerate() {
            if n % TICK_EVERY == TICK_EVERY - 1 {
                tick()?;
            }
            if word_ids.len() < 2 || frequency == 0 {
                continue;
            }
            let bytes: usize = word_ids
                .iter()
                .map(|&id| token_len[id as usize] as usize)
                .sum();
            let base = arena.nodes.len();
            if base + bytes >= NONE as usize {
                return Err(Error::InvalidArgument(
                    "the corpus has more than 4 GiB of distinct piece bytes".into(),
                ));
            }
            arena.room_for(bytes)?;
            let word = arena.frequency.len() as u32;
            arena.frequency.push(frequency);
            let mut previous = NONE;
            for (k, &id) in word_ids.iter().enumerate() {
                let index = arena.nodes.len() as u32;
                let pair = match word_ids.get(k + 1) {
                    Some(&after) => {
                        let slot = *known
                            .entry((id, after))
                            .or_insert_with(|| pairs.create(id, after));
                        pairs.add(slot, frequency, index);
                        slot
                    }
                    None => NONE,
                };
                arena.nodes.push(Node {
                    symbol: id,
                    prev: previous,
                    pair,
                    word,
                });
                // The token's other bytes: never a token's start, never read as one.
                for _ in 1..token_len[id as usize] {
                    arena.nodes.push(Node {
                        symbol: DEAD,
                        prev: index,
                        pair: NONE,
                        word,
                    });
                }
                previous = index;
            }
        }
        for list in &mut pairs.positions {
            list.shrink_to_fit();
        }
        Ok((arena, pairs))
    }

    /// Room for one more piece of `len` bytes (when the total was not known ahead), growing as
    /// pushes would, or a MemoryError: checked once a piece, not once a node.
    fn room_for(&mut self, len: usize) -> Result<()> {
        if self.nodes.capacity() - self.nodes.len() < len {
            let more = len.max(self.nodes.len());
            self.nodes.try_reserve(more).map_err(|_| {
                let bytes = (self.nodes.len() + more) * std::mem::size_of::<Node>();
                Error::out_of_memory_for(bytes, "the training arena")
            })?;
        }
        room_for_one(&mut self.frequency, "the frequencies of pieces")
    }

    /// The number of nodes: every merge removes at least one, so no more merges can be made.
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// Ask the CPU to start loading the nodes of a merge at `position` of tokens of `lengths`
    /// bytes: its own, its right token's and the one after that. A merge visits nodes
    /// scattered over a large arena, so without this nearly every visit waits for memory.
    /// (Past a piece's end these are the next piece's nodes: a wasted hint, never a wrong one.)
    #[inline]
    pub fn prefetch_nodes(&self, position: u32, lengths: (u32, u32)) {
        let i = position as usize;
        let j = i + lengths.0 as usize;
        crate::prefetch::slot(&self.nodes, i);
        crate::prefetch::slot(&self.nodes, j);
        crate::prefetch::slot(&self.nodes, j + lengths.1 as usize);
    }

    /// Ask for the node before node `position` and its piece's frequency, once the node itself
    /// is (or soon will be) in cache: both are found only through it.
    #[inline]
    pub fn prefetch_neighbours(&self, position: u32) {
        if let Some(node) = self.nodes.get(position as usize) {
            crate::prefetch::slot(&self.nodes, node.prev as usize);
            crate::prefetch::slot(&self.frequency, node.word as usize);
        }
    }

    /// Ask for the counts of the pairs that start at the node before `position` and at its
    /// right token (`left_len` bytes on): the merge takes both down, and pair ids are spread
    /// over the whole table.
    #[inline]
    pub fn prefetch_counts(&self, position: u32, left_len: u32, pairs: &Pairs) {
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
    pub fn merge_at(
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
