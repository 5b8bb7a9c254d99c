//! Spec §5-§7: rank tables, encoding by tiktoken's rule, and decoding.

use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use hashbrown::HashTable;
use memchr::memmem::Finder;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::byte_map::{hash_bytes, same_bytes, ByteMap};
use crate::error::{show_str, Error, Result};
use crate::packed::pack;
use crate::pattern::Splitter;
use crate::token_bytes::TokenBytes;

/// Pieces at least this long are merged with a heap; shorter ones with a linear scan, which is
/// faster when there are only a few parts.
const HEAP_THRESHOLD: usize = 64;
/// Pieces shorter than this (and at least [`HEAP_THRESHOLD`] long) keep their candidate pairs in
/// a heap; longer ones in buckets, one per rank.
const JOIN_HEAP_MAX: usize = 8192;
/// A pair rank that no token has: the pair is not a token (or is the last part).
const NO_RANK: u32 = u32::MAX;
/// A rank limit above every rank: no restriction.
const NO_LIMIT: u64 = u64::MAX;
/// The next-part link of a part that was joined into the one before it.
const GONE: u32 = u32::MAX;

/// Encodes and decodes with a rank table (token bytes -> id), special tokens and a split pattern.
pub struct Encoder {
    /// Tells encoders apart in the thread-local cache of merged pieces.
    identity: u64,
    ranks: RankTable,
    /// The bytes of every id, special tokens' included, for decoding.
    tokens: TokenBytes,
    /// The largest rank, kept because long pieces size their buckets by it.
    max_rank: u32,
    specials: Vec<Special>,
    splitter: Arc<Splitter>,
}

/// Token bytes to rank. Most lookups (whole pieces, and pairs of parts while merging) are of a
/// few bytes: tokens of up to seven bytes are keyed by their packed form (packed.rs), which
/// hashes and compares in a few instructions, longer ones by their bytes. (u128 keys for up to
/// fifteen bytes measured no faster, and a small cache of recent pieces in front was slower.)
/// Tokens of one and two bytes are also in dense tables: merging a piece starts by looking up
/// every pair of adjacent bytes, and on text where pieces are rarely tokens (base64, hashes)
/// those lookups were a fifth of encoding.
struct RankTable {
    short: FxHashMap<u64, u32>,
    long: ByteMap<Box<[u8]>, u32>,
    /// The rank of each token of one byte, then of each of two bytes (256 * first + second),
    /// or [`NOT_DENSE`].
    dense: Box<[u32]>,
    /// Whether a token of one or two bytes has the rank NOT_DENSE itself, and so is only in
    /// the hash table.
    dense_incomplete: bool,
}

/// Marks a byte or byte pair that is not a token in [`RankTable::dense`].
const NOT_DENSE: u32 = u32::MAX;
/// The slots of the tokens of one byte, before those of two.
const SINGLE_BYTES: usize = 256;

impl Default for RankTable {
    fn default() -> Self {
        RankTable {
            short: FxHashMap::default(),
            long: ByteMap::default(),
            dense: vec![NOT_DENSE; SINGLE_BYTES + 256 * 256].into_boxed_slice(),
            dense_incomplete: false,
        }
    }
}

/// Where a token of one or two bytes sits in [`RankTable::dense`].
#[inline]
fn dense_index(token: &[u8]) -> Option<usize> {
    match *token {
        [byte] => Some(usize::from(byte)),
        [first, second] => Some(SINGLE_BYTES + usize::from(first) * 256 + usize::from(second)),
        _ => None,
    }
}

impl RankTable {
    #[inline]
    fn get(&self, token: &[u8]) -> Option<u32> {
        if let Some(index) = dense_index(token) {
            let rank = self.dense[index];
            if rank != NOT_DENSE || !self.dense_incomplete {
                return Some(rank).filter(|&rank| rank != NOT_DENSE);
            }
        }
        match pack(token) {
            Some(key) => self.short.get(&key).copied(),
            None => self.long.get(token).copied(),
        }
    }

    /// Add a token; false if it was there already.
    fn insert(&mut self, token: &[u8], rank: u32) -> bool {
        let added = match pack(token) {
            Some(key) => self.short.insert(key, rank).is_none(),
            None => self.long.insert(token.into(), rank).is_none(),
        };
        if let Some(index) = dense_index(token) {
            self.dense[index] = rank;
            self.dense_incomplete |= rank == NOT_DENSE;
        }
        added
    }

    fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    /// The rank of a single byte, which every table has (§5.2): merging starts from them.
    #[inline]
    fn of_byte(&self, byte: u8) -> u32 {
        match self.dense[usize::from(byte)] {
            NOT_DENSE => self.of_part(std::slice::from_ref(&byte)),
            rank => rank,
        }
    }

    /// The rank of a part that merging produced: always a token, by construction (a single
    /// byte, all of which the table holds, or a join that was looked up before it was made).
    #[inline]
    fn of_part(&self, part: &[u8]) -> u32 {
        self.get(part)
            .expect("every part of a merged piece is a token")
    }
}

/// How many merged pieces each thread remembers, and the longest piece it remembers.
const MERGED_CACHE_SIZE: usize = 1 << 16;
const MERGED_CACHE_MAX_PIECE: usize = 64;
/// When fewer than one lookup in this many found its piece while the cache filled up, it is
/// not worth what it costs (a lookup and a copy per piece): text where pieces hardly recur
/// (base64, hashes, random identifiers). Pieces then bypass it for [`MERGED_CACHE_REST`]
/// pieces, after which it fills up again to see if the text has changed.
const MERGED_CACHE_MIN_HIT_RATE: u64 = 4;
const MERGED_CACHE_REST: u32 = 1 << 19;

thread_local! {
    static MERGED: RefCell<MergedCache> = RefCell::new(MergedCache::default());
}

/// The encodings of pieces that needed merging, per thread (no locks in parallel batches), for
/// one encoder at a time. When full it starts afresh: cheaper than tracking recency, and the
/// frequent pieces come straight back. Pieces and ids sit end to end in two vectors that keep
/// their memory when the cache starts afresh: on text where nearly every piece is new (base64,
/// hashes) the cache is all misses, and two allocations per piece, freed 65536 at a time, cost
/// a fifth of encoding.
#[derive(Default)]
struct MergedCache {
    identity: u64,
    entries: HashTable<Remembered>,
    bytes: Vec<u8>,
    ids: Vec<u32>,
    /// Lookups and hits since the cache was last empty (u64: a cache whose pieces keep
    /// recurring never fills up, and a long job may look up billions of pieces).
    lookups: u64,
    hits: u64,
    /// How many more pieces bypass the cache.
    resting: u32,
}

/// What [`MergedCache::extend`] did with a piece.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cached {
    /// Its encoding was remembered and is now in the output.
    Found,
    /// It was not remembered: merge it, then [`MergedCache::put`] it.
    Missing,
    /// The cache is resting (or the piece is too long): merge it, and do not remember it.
    Bypassed,
}

/// Where one remembered piece's bytes and ids sit in [`MergedCache`]'s vectors.
#[derive(Clone, Copy)]
struct Remembered {
    bytes_at: u32,
    bytes_len: u32,
    ids_at: u32,
    ids_len: u32,
}

impl Remembered {
    fn bytes(self, bytes: &[u8]) -> &[u8] {
        &bytes[self.bytes_at as usize..(self.bytes_at + self.bytes_len) as usize]
    }

    fn ids(self, ids: &[u32]) -> &[u32] {
        &ids[self.ids_at as usize..(self.ids_at + self.ids_len) as usize]
    }
}

impl MergedCache {
    /// Append the remembered encoding of `piece` (for encoder `identity`) to `out`, if there is
    /// one.
    fn extend(&mut self, identity: u64, piece: &[u8], out: &mut Vec<u32>) -> Cached {
        if self.identity != identity {
            self.clear();
            self.resting = 0;
            self.identity = identity;
            return Cached::Missing;
        }
        if self.resting > 0 {
            self.resting -= 1;
            return Cached::Bypassed;
        }
        self.lookups += 1;
        let bytes = &self.bytes;
        let found = self
            .entries
            .find(hash_bytes(piece), |e| same_bytes(e.bytes(bytes), piece));
        match found {
            Some(e) => {
                out.extend_from_slice(e.ids(&self.ids));
                self.hits += 1;
                Cached::Found
            }
            None => Cached::Missing,
        }
    }

    fn put(&mut self, piece: &[u8], ids: &[u32]) {
        if self.entries.len() >= MERGED_CACHE_SIZE {
            if self.hits < self.lookups / MERGED_CACHE_MIN_HIT_RATE {
                self.resting = MERGED_CACHE_REST;
            }
            self.clear();
            if self.resting > 0 {
                return;
            }
        }
        let entry = Remembered {
            bytes_at: self.bytes.len() as u32,
            bytes_len: piece.len() as u32,
            ids_at: self.ids.len() as u32,
            ids_len: ids.len() as u32,
        };
        self.bytes.extend_from_slice(piece);
        self.ids.extend_from_slice(ids);
        let bytes = &self.bytes;
        self.entries
            .insert_unique(hash_bytes(piece), entry, |e| hash_bytes(e.bytes(bytes)));
    }

    fn clear(&mut self) {
        self.entries.clear();
        self.bytes.clear();
        self.ids.clear();
        self.lookups = 0;
        self.hits = 0;
    }
}

/// A special token: a string that stands for one id when encoding allows it (§6.5).
struct Special {
    text: Box<str>,
    id: u32,
    finder: Finder<'static>,
}

impl Encoder {
    /// Build an encoder without special tokens; see [`Encoder::with_specials`].
    pub fn new(ranks: impl IntoIterator<Item = (Vec<u8>, u32)>, pattern: &str) -> Result<Self> {
        Self::with_specials(ranks, Vec::new(), pattern)
    }

    /// Build an encoder. The table must satisfy §5.2 (non-empty tokens, unique tokens and ranks,
    /// all 256 single bytes present); special tokens §5.4 (non-empty, unique, and with ids that
    /// no rank uses).
    pub fn with_specials(
        ranks: impl IntoIterator<Item = (Vec<u8>, u32)>,
        specials: Vec<(String, u32)>,
        pattern: &str,
    ) -> Result<Self> {
        let splitter = Splitter::cached(pattern)?;
        let mut by_bytes = RankTable::default();
        let mut tokens: FxHashMap<u32, Box<[u8]>> = FxHashMap::default();
        for (token, rank) in ranks {
            if token.is_empty() {
                return Err(Error::InvalidArgument(
                    "mergeable_ranks holds the empty byte string; tokens must be non-empty".into(),
                ));
            }
            if let Some(other) = tokens.get(&rank) {
                return Err(Error::InvalidArgument(format!(
                    "rank {rank} is given to two tokens, {} and {}; ranks must be unique",
                    show_bytes(other),
                    show_bytes(&token)
                )));
            }
            let token: Box<[u8]> = token.into_boxed_slice();
            if !by_bytes.insert(&token, rank) {
                return Err(Error::InvalidArgument(format!(
                    "token {} appears twice; tokens must be unique",
                    show_bytes(&token)
                )));
            }
            tokens.insert(rank, token);
        }
        let missing: Vec<u8> = (0..=255u8)
            .filter(|b| by_bytes.get(&[*b]).is_none())
            .collect();
        if let Some(first) = missing.first() {
            return Err(Error::InvalidArgument(format!(
                "mergeable_ranks lacks {} single-byte token(s), e.g. {}; all 256 bytes must have a rank",
                missing.len(),
                show_bytes(&[*first])
            )));
        }
        let mut special_list: Vec<Special> = Vec::with_capacity(specials.len());
        for (text, id) in specials {
            if text.is_empty() {
                return Err(Error::InvalidArgument(
                    "a special token must be a non-empty str".into(),
                ));
            }
            if let Some(token) = tokens.get(&id) {
                return Err(Error::InvalidArgument(format!(
                    "special token {} has id {id}, which the rank table gives to {}",
                    show_str(&text),
                    show_bytes(token)
                )));
            }
            if special_list.iter().any(|s| s.id == id) {
                return Err(Error::InvalidArgument(format!(
                    "special token {} has id {id}, which another special token has too",
                    show_str(&text)
                )));
            }
            if special_list.iter().any(|s| *s.text == *text) {
                return Err(Error::InvalidArgument(format!(
                    "special token {} appears twice",
                    show_str(&text)
                )));
            }
            special_list.push(Special {
                finder: Finder::new(text.as_bytes()).into_owned(),
                text: text.into_boxed_str(),
                id,
            });
        }
        static NEXT_IDENTITY: AtomicU64 = AtomicU64::new(1);
        let max_rank = tokens.keys().copied().max().unwrap_or(0);
        let rank_tokens = tokens.iter().map(|(&id, token)| (id, &token[..]));
        let special_tokens = special_list.iter().map(|s| (s.id, s.text.as_bytes()));
        let tokens = TokenBytes::new(rank_tokens.chain(special_tokens))?;
        Ok(Encoder {
            identity: NEXT_IDENTITY.fetch_add(1, Ordering::Relaxed),
            ranks: by_bytes,
            tokens,
            max_rank,
            specials: special_list,
            splitter,
        })
    }

    /// The id of the special token `text`, if it is one.
    pub fn special_id(&self, text: &str) -> Option<u32> {
        self.specials
            .iter()
            .find(|s| *s.text == *text)
            .map(|s| s.id)
    }

    /// §6.5: encode `text`, turning every occurrence of an allowed special token into its id:
    /// the leftmost occurrence of any allowed special comes first, the longest among those that
    /// start at the same place; the text between them is encoded by §6.4.
    pub fn encode(&self, text: &str, allowed: &[&str]) -> Result<Vec<u32>> {
        let allowed: Vec<&Special> = self
            .specials
            .iter()
            .filter(|s| allowed.contains(&&*s.text))
            .collect();
        if allowed.is_empty() {
            return self.encode_ordinary(text);
        }
        let bytes = text.as_bytes();
        let find_from = |special: &Special, from: usize| {
            special.finder.find(&bytes[from..]).map(|at| at + from)
        };
        let mut next: Vec<Option<usize>> = allowed.iter().map(|s| find_from(s, 0)).collect();
        let mut ids = Vec::with_capacity(text.len() / 3);
        let mut pos = 0;
        loop {
            for (k, special) in allowed.iter().enumerate() {
                if next[k].is_some_and(|at| at < pos) {
                    next[k] = find_from(special, pos);
                }
            }
            let best = (0..allowed.len())
                .filter_map(|k| next[k].map(|at| (at, std::cmp::Reverse(allowed[k].text.len()), k)))
                .min();
            let Some((at, _, k)) = best else {
                // Both ends are char boundaries: a match of valid UTF-8 in valid UTF-8 is one.
                self.encode_ordinary_into(&text[pos..], &mut ids)?;
                return Ok(ids);
            };
            self.encode_ordinary_into(&text[pos..at], &mut ids)?;
            ids.push(allowed[k].id);
            pos = at + allowed[k].text.len();
        }
    }

    /// [`Encoder::encode`] for many texts, on all cores.
    pub fn encode_batch<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
        allowed: &[&str],
    ) -> Result<Vec<Vec<u32>>> {
        texts
            .par_iter()
            .map(|text| self.encode(text.as_ref(), allowed))
            .collect()
    }

    pub fn pattern(&self) -> &str {
        self.splitter.source()
    }

    pub fn rank(&self, token: &[u8]) -> Option<u32> {
        self.ranks.get(token)
    }

    /// The bytes of `id`, a token or a special token.
    pub fn token_bytes(&self, id: u32) -> Option<&[u8]> {
        self.tokens.get(id)
    }

    /// The largest id, special tokens included.
    pub fn max_id(&self) -> u32 {
        let specials = self.specials.iter().map(|s| s.id).max().unwrap_or(0);
        self.max_rank.max(specials)
    }

    pub fn len(&self) -> usize {
        self.ranks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranks.len() == 0
    }

    /// §6.4: split `text`, then encode each piece on its own.
    pub fn encode_ordinary(&self, text: &str) -> Result<Vec<u32>> {
        let mut ids = Vec::with_capacity(text.len() / 3);
        self.encode_ordinary_into(text, &mut ids)?;
        Ok(ids)
    }

    fn encode_ordinary_into(&self, text: &str, ids: &mut Vec<u32>) -> Result<()> {
        let mut scan = ShortScan::new();
        self.splitter.for_each_piece(text, |piece| {
            self.encode_piece(piece.as_bytes(), &mut scan, ids)
        })
    }

    /// [`Encoder::encode_ordinary`] for many texts, on all cores.
    pub fn encode_ordinary_batch<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
    ) -> Result<Vec<Vec<u32>>> {
        texts
            .par_iter()
            .map(|text| self.encode_ordinary(text.as_ref()))
            .collect()
    }

    /// §6.1: a piece that is a token is that token; otherwise merge up from single bytes,
    /// always joining the adjacent pair with the lowest-ranked concatenation, leftmost on ties.
    fn encode_piece(&self, piece: &[u8], scan: &mut ShortScan, out: &mut Vec<u32>) {
        if let Some(rank) = self.ranks.get(piece) {
            out.push(rank);
            return;
        }
        // Pieces that are not tokens (identifiers in code, rare words) recur: remember them.
        let cached = if piece.len() <= MERGED_CACHE_MAX_PIECE {
            MERGED.with(|cache| cache.borrow_mut().extend(self.identity, piece, out))
        } else {
            Cached::Bypassed
        };
        if cached == Cached::Found {
            return;
        }
        let start = out.len();
        let n = piece.len();
        if n < HEAP_THRESHOLD {
            self.scan(piece, NO_LIMIT, scan.slots(n));
            out.extend(scan.parts(n).map(|(_, rank)| rank));
        } else {
            self.merge_long(piece, NO_LIMIT, |_, rank| out.push(rank));
        }
        if cached == Cached::Missing {
            MERGED.with(|cache| cache.borrow_mut().put(piece, &out[start..]));
        }
    }

    /// §5.3: the merges the rank table implies, in rank order. A token of two or more bytes has
    /// a merge when its bytes, joined using only lower-ranked tokens, end as exactly two tokens.
    pub fn merges(&self) -> Vec<(u32, u32)> {
        // (A special token is not in the rank table, or is there under another id.)
        let mut by_rank: Vec<(u32, &[u8])> = self
            .tokens
            .iter()
            .filter(|&(id, token)| token.len() >= 2 && self.ranks.get(token) == Some(id))
            .collect();
        by_rank.sort_unstable();
        by_rank
            .into_iter()
            .filter_map(
                |(rank, token)| match self.byte_pair_merge(token, u64::from(rank))[..] {
                    [0, middle, end] => Some((
                        self.ranks.of_part(&token[..middle]),
                        self.ranks.of_part(&token[middle..end]),
                    )),
                    _ => None,
                },
            )
            .collect()
    }

    /// §6.2: part boundaries after joining, again and again, the adjacent pair whose
    /// concatenation has the lowest rank below `limit` (leftmost on ties).
    fn byte_pair_merge(&self, piece: &[u8], limit: u64) -> Vec<usize> {
        let n = piece.len();
        if n < HEAP_THRESHOLD {
            let mut scan = ShortScan::new();
            self.scan(piece, limit, scan.slots(n));
            scan.parts(n).map(|(start, _)| start).chain([n]).collect()
        } else {
            let mut bounds = Vec::new();
            self.merge_long(piece, limit, |start, _| bounds.push(start));
            bounds.push(n);
            bounds
        }
    }

    fn rank_below(&self, token: &[u8], limit: u64) -> Option<u32> {
        self.rank(token).filter(|&r| u64::from(r) < limit)
    }

    /// The parts (start, rank) after merging by rescanning all adjacent pairs for each merge,
    /// at any length: the oracle the tests hold the heap and the buckets to.
    #[cfg(test)]
    fn merge_by_scan(&self, piece: &[u8], limit: u64) -> Vec<(usize, u32)> {
        let n = piece.len();
        let mut vecs = ScanVecs::default();
        self.scan(piece, limit, vecs.slots(n));
        scanned_parts(&vecs.next, &vecs.part_rank, n).collect()
    }

    /// The scan itself, over caller-provided slots. Each part is named by the offset of its
    /// first byte and linked to the next, so a join moves nothing: it only relinks.
    fn scan(&self, piece: &[u8], limit: u64, mut slots: ScanSlots) {
        let joining = Joining {
            encoder: self,
            piece,
            limit,
        };
        joining.start(&mut slots);
        loop {
            // The lowest pair rank, leftmost on ties (NO_RANK is above every real rank). Parts
            // that were joined into the one before them hold NO_RANK too, so every slot can be
            // compared in order without following links, and without a branch that the ranks
            // of random text would mispredict.
            let (mut best, mut rank) = (0, NO_RANK);
            for (at, &candidate) in slots.pair_rank.iter().enumerate() {
                let lower = candidate < rank;
                best = std::hint::select_unpredictable(lower, at, best);
                rank = std::hint::select_unpredictable(lower, candidate, rank);
            }
            if rank == NO_RANK {
                return;
            }
            joining.join(&mut slots, best, rank);
        }
    }

    /// The same parts as [`Encoder::merge_by_scan`] for long pieces, each given to `emit` as
    /// (start, rank) in order, in time close to linear: by a heap of candidate pairs up to
    /// [`JOIN_HEAP_MAX`] bytes, and by a bucket of candidates per rank beyond. Both keep their
    /// memory on the thread from piece to piece (see [`JoinScratch`]).
    fn merge_long(&self, piece: &[u8], limit: u64, mut emit: impl FnMut(usize, u32)) {
        let n = piece.len();
        JOIN_SCRATCH.with(|cell| {
            let mut scratch = std::mem::take(&mut *cell.borrow_mut());
            let JoinScratch {
                scan,
                links,
                candidates,
                dense,
                spare,
            } = &mut scratch;
            // A heap costs a few steps per candidate, and buckets a hash per candidate and a
            // table per piece; but a bucket's candidates are served in order of position, which
            // follows memory, and that wins once a piece's slots outgrow the first cache levels
            // (measured on CJK text, against a heap up to 512 bytes: one up to 8192 was a fifth
            // faster on pieces of about 1 KB and a tenth on 3 KB, but on 10 KB the heap was a
            // twentieth slower than the buckets). A piece much longer than the vocabulary pays
            // for a bucket per rank up front and finds them by index.
            if n < JOIN_HEAP_MAX {
                self.join_by_heap(piece, limit, scan.slots(n), candidates);
                for (start, rank) in scanned_parts(&scan.next, &scan.part_rank, n) {
                    emit(start, rank);
                }
            } else {
                let bounds = if n as u64 >= 8 * (u64::from(self.max_rank) + 1) {
                    dense.iter_mut().for_each(Vec::clear);
                    dense.resize_with(self.max_rank as usize + 1, Vec::new);
                    self.join_by_buckets(piece, limit, DenseBuckets(dense), links, spare)
                } else {
                    self.join_by_buckets(piece, limit, SparseBuckets::default(), links, spare)
                };
                for part in bounds.windows(2) {
                    emit(part[0], self.ranks.of_part(&piece[part[0]..part[1]]));
                }
            }
            scratch.keep_within(KEPT_SCRATCH_BYTES);
            *cell.borrow_mut() = scratch;
        })
    }

    /// Parts are linked by their start offsets: `links[start]` is (next start, previous start),
    /// side by side because a join reads and writes both; `links[n]` is the end sentinel, and a
    /// part that was joined into the one before it has next = GONE.
    fn link_bytes(links: &mut Vec<(u32, u32)>, n: u32) {
        links.clear();
        links.extend((0..=n).map(|i| (i + 1, i.wrapping_sub(1))));
    }

    /// Join the parts of `piece` whose links say the pair from `start` to `end` is still there
    /// (stale unless the two parts are still adjacent: a part that is gone has next = GONE,
    /// above n); false if it is not.
    #[inline]
    fn join_if_current(links: &mut [(u32, u32)], n: u32, start: u32, end: u32) -> bool {
        let middle = links[start as usize].0;
        if middle >= n || links[middle as usize].0 != end {
            return false;
        }
        links[middle as usize].0 = GONE;
        links[start as usize].0 = end;
        links[end as usize].1 = start;
        true
    }

    /// The part boundaries that the links describe, from the first part to the end.
    fn bounds_of(links: &[(u32, u32)], n: u32) -> Vec<usize> {
        let mut bounds = Vec::new();
        let mut at = 0;
        while at < n {
            bounds.push(at as usize);
            at = links[at as usize].0;
        }
        bounds.push(n as usize);
        bounds
    }

    /// The scan's choices with a min-heap of candidate pairs, over the scan's own slots: each
    /// candidate is a pair's rank and its start, packed into one u64 that orders by rank, then
    /// leftmost, which is the scan's choice as long as stale candidates are skipped (a pair is
    /// current while its start still holds that pair rank; a part joined into the one before
    /// holds NO_RANK). Each join adds the (at most two) pairs it changes; one of a lower rank
    /// than the join itself (possible in a hand-written table) simply comes out next.
    /// `candidates` is storage to reuse.
    fn join_by_heap(
        &self,
        piece: &[u8],
        limit: u64,
        mut slots: ScanSlots,
        candidates: &mut Vec<Reverse<u64>>,
    ) {
        let joining = Joining {
            encoder: self,
            piece,
            limit,
        };
        joining.start(&mut slots);
        let key = |rank: u32, start: usize| Reverse((u64::from(rank) << 32) | start as u64);
        candidates.clear();
        candidates.extend(
            slots
                .pair_rank
                .iter()
                .enumerate()
                .filter(|&(_, &rank)| rank != NO_RANK)
                .map(|(start, &rank)| key(rank, start)),
        );
        // Heapify all the first candidates at once (linear), in the memory kept from before.
        let mut heap = BinaryHeap::from(std::mem::take(candidates));
        while let Some(Reverse(packed)) = heap.pop() {
            let (rank, best) = ((packed >> 32) as u32, packed as u32 as usize);
            if slots.pair_rank[best] != rank {
                continue;
            }
            let before = joining.join(&mut slots, best, rank);
            if slots.pair_rank[best] != NO_RANK {
                heap.push(key(slots.pair_rank[best], best));
            }
            if let Some(before) = before.filter(|&before| slots.pair_rank[before] != NO_RANK) {
                heap.push(key(slots.pair_rank[before], before));
            }
        }
        *candidates = heap.into_vec();
    }

    /// The scan's choices with a bucket per rank. The smallest rank with a non-empty bucket is
    /// served next, its candidates from left to right, which is the order the scan would take
    /// them. A join can only create pairs that contain the new part, so their concatenations are
    /// longer than the token just made and never of the same rank. If one has a lower rank
    /// (possible in a hand-written table, never in a trained one), the scan would take it next:
    /// so the rest of the current bucket goes back, and the lower bucket is served first.
    /// `links` and `spare` are storage to reuse (see [`JoinScratch`]).
    fn join_by_buckets<B: Buckets>(
        &self,
        piece: &[u8],
        limit: u64,
        mut buckets: B,
        links: &mut Vec<(u32, u32)>,
        spare: &mut Vec<Vec<(u32, u32)>>,
    ) -> Vec<usize> {
        /// How many candidates ahead the loop asks the CPU to fetch the links of.
        const PREFETCH_DISTANCE: usize = 8;
        let n = piece.len() as u32;
        Self::link_bytes(links, n);
        let mut ranks: BinaryHeap<Reverse<u32>> = BinaryHeap::new();
        // Add a candidate to its rank's bucket, in a vector kept from an earlier bucket if the
        // bucket has none; true if the bucket was empty (so the rank must be queued).
        let push = |buckets: &mut B, spare: &mut Vec<_>, rank: u32, candidate: (u32, u32)| {
            let bucket = buckets.bucket(rank);
            if bucket.capacity() == 0 {
                if let Some(kept) = spare.pop() {
                    *bucket = kept;
                }
            }
            bucket.push(candidate);
            bucket.len() == 1
        };
        let add = |buckets: &mut B,
                   spare: &mut Vec<_>,
                   ranks: &mut BinaryHeap<Reverse<u32>>,
                   start: u32,
                   end: u32| {
            let rank = self.rank_below(&piece[start as usize..end as usize], limit)?;
            if push(buckets, spare, rank, (start, end)) {
                ranks.push(Reverse(rank));
            }
            Some(rank)
        };
        for start in 0..n.saturating_sub(1) {
            add(&mut buckets, spare, &mut ranks, start, start + 2);
        }
        while let Some(Reverse(rank)) = ranks.pop() {
            let mut bucket = buckets.take(rank);
            if bucket.is_empty() {
                continue;
            }
            bucket.sort_unstable();
            let mut k = 0;
            while k < bucket.len() {
                if let Some(&(ahead, _)) = bucket.get(k + PREFETCH_DISTANCE) {
                    // A long piece's links are far larger than the cache and a bucket's
                    // candidates are spread over all of them.
                    crate::prefetch::slot(links, ahead as usize);
                }
                let (start, end) = bucket[k];
                k += 1;
                if !Self::join_if_current(links, n, start, end) {
                    continue;
                }
                let mut lower = false;
                if start > 0 {
                    let left = links[start as usize].1;
                    lower |=
                        add(&mut buckets, spare, &mut ranks, left, end).is_some_and(|r| r < rank);
                }
                if end < n {
                    let after = links[end as usize].0;
                    lower |= add(&mut buckets, spare, &mut ranks, start, after)
                        .is_some_and(|r| r < rank);
                }
                if lower && k < bucket.len() {
                    // Serve the lower rank first; what is left of this bucket waits its turn.
                    for &candidate in &bucket[k..] {
                        if push(&mut buckets, spare, rank, candidate) {
                            ranks.push(Reverse(rank));
                        }
                    }
                    break;
                }
            }
            bucket.clear();
            spare.push(bucket);
        }
        Self::bounds_of(links, n)
    }

    /// §7: the concatenation of the tokens' bytes (a special token's bytes are its UTF-8).
    pub fn decode_bytes(&self, ids: &[u32]) -> Result<Vec<u8>> {
        self.tokens.decode(ids)
    }

    /// The length of [`Encoder::decode_bytes`] of `ids`, or the first id that is not a token.
    pub fn decoded_len(&self, ids: &[u32]) -> Result<usize> {
        self.tokens.decoded_len(ids)
    }

    /// [`Encoder::decode_bytes`] into `out`, which must be [`Encoder::decoded_len`] long.
    pub fn decode_into(&self, ids: &[u32], out: &mut [u8]) {
        self.tokens.write(ids, out);
    }
}

/// The state of [`Encoder::scan`] and [`Encoder::join_by_heap`]: for the part starting at each
/// offset, the starts of the next part (the piece's length after the last) and of the one
/// before, the rank of it joined with the next (NO_RANK once it is joined into the one before),
/// and its own rank. `next` and `previous` have a slot for the end too.
struct ScanSlots<'a> {
    next: &'a mut [u32],
    previous: &'a mut [u32],
    pair_rank: &'a mut [u32],
    part_rank: &'a mut [u32],
}

/// A piece being joined with the ranks below `limit`: the steps the scan and the heap share.
struct Joining<'a> {
    encoder: &'a Encoder,
    piece: &'a [u8],
    limit: u64,
}

impl Joining<'_> {
    /// The rank of the part at `at` joined with the one after it: NO_RANK if `at` is the last
    /// part or the two are not a token below the limit.
    #[inline]
    fn joined_rank(&self, next: &[u32], at: usize) -> u32 {
        let after = next[at] as usize;
        if after >= self.piece.len() {
            return NO_RANK;
        }
        self.encoder
            .rank_below(&self.piece[at..next[after] as usize], self.limit)
            .unwrap_or(NO_RANK)
    }

    /// Every byte a part of its own, linked to its neighbours, with its rank and its pair's.
    fn start(&self, slots: &mut ScanSlots) {
        // (The first part's `previous` is never read.)
        for (at, (next, previous)) in slots
            .next
            .iter_mut()
            .zip(slots.previous.iter_mut())
            .enumerate()
        {
            *next = at as u32 + 1;
            *previous = (at as u32).wrapping_sub(1);
        }
        let n = self.piece.len();
        for at in 0..n {
            slots.part_rank[at] = self.encoder.ranks.of_byte(self.piece[at]);
            slots.pair_rank[at] = match self.piece.get(at..at + 2) {
                Some(pair) => self.encoder.rank_below(pair, self.limit).unwrap_or(NO_RANK),
                None => NO_RANK,
            };
        }
    }

    /// Join the part at `best` with the next one, their pair being of `rank`. The joined part
    /// takes that rank as its own, and the pairs it now starts and ends are ranked afresh; the
    /// part before it, if there is one, is returned, since its pair changed.
    #[inline]
    fn join(&self, slots: &mut ScanSlots, best: usize, rank: u32) -> Option<usize> {
        let gone = slots.next[best] as usize;
        let after = slots.next[gone];
        slots.next[best] = after;
        slots.previous[after as usize] = best as u32;
        slots.pair_rank[gone] = NO_RANK;
        slots.part_rank[best] = rank;
        slots.pair_rank[best] = self.joined_rank(slots.next, best);
        (best > 0).then(|| {
            let before = slots.previous[best] as usize;
            slots.pair_rank[before] = self.joined_rank(slots.next, before);
            before
        })
    }
}

/// Slots for scanning a piece shorter than [`HEAP_THRESHOLD`], on the stack.
struct ShortScan {
    next: [u32; HEAP_THRESHOLD + 1],
    previous: [u32; HEAP_THRESHOLD + 1],
    pair_rank: [u32; HEAP_THRESHOLD],
    part_rank: [u32; HEAP_THRESHOLD],
}

impl ShortScan {
    fn new() -> Self {
        ShortScan {
            next: [0; HEAP_THRESHOLD + 1],
            previous: [0; HEAP_THRESHOLD + 1],
            pair_rank: [0; HEAP_THRESHOLD],
            part_rank: [0; HEAP_THRESHOLD],
        }
    }

    /// The slots for a piece of `n` bytes.
    fn slots(&mut self, n: usize) -> ScanSlots<'_> {
        ScanSlots {
            next: &mut self.next[..=n],
            previous: &mut self.previous[..=n],
            pair_rank: &mut self.pair_rank[..n],
            part_rank: &mut self.part_rank[..n],
        }
    }

    /// After the scan of a piece of `n` bytes: each part's start and rank, in order.
    fn parts(&self, n: usize) -> impl Iterator<Item = (usize, u32)> + '_ {
        scanned_parts(&self.next, &self.part_rank, n)
    }
}

/// Slots for a piece of any length, kept from piece to piece (the heap's, in [`JoinScratch`]).
#[derive(Default)]
struct ScanVecs {
    next: Vec<u32>,
    previous: Vec<u32>,
    pair_rank: Vec<u32>,
    part_rank: Vec<u32>,
}

impl ScanVecs {
    /// The slots for a piece of `n` bytes.
    fn slots(&mut self, n: usize) -> ScanSlots<'_> {
        self.next.resize(n + 1, 0);
        self.previous.resize(n + 1, 0);
        self.pair_rank.resize(n, 0);
        self.part_rank.resize(n, 0);
        ScanSlots {
            next: &mut self.next,
            previous: &mut self.previous,
            pair_rank: &mut self.pair_rank,
            part_rank: &mut self.part_rank,
        }
    }
}

/// After [`Encoder::scan`] of a piece of `n` bytes: each part's start and rank, in order,
/// following the `next` links from the first part.
fn scanned_parts<'a>(
    next: &'a [u32],
    part_rank: &'a [u32],
    n: usize,
) -> impl Iterator<Item = (usize, u32)> + 'a {
    let mut at = 0;
    std::iter::from_fn(move || {
        (at < n).then(|| {
            let part = (at, part_rank[at]);
            at = next[at] as usize;
            part
        })
    })
}

/// The candidate pairs of [`Encoder::join_by_buckets`], one bucket per rank.
trait Buckets {
    /// The bucket of `rank` (empty, without memory, if it has never been used or was taken).
    fn bucket(&mut self, rank: u32) -> &mut Vec<(u32, u32)>;
    /// Take a rank's whole bucket.
    fn take(&mut self, rank: u32) -> Vec<(u32, u32)>;
}

/// Buckets found by index: for pieces much longer than the vocabulary.
struct DenseBuckets<'a>(&'a mut [Vec<(u32, u32)>]);

impl Buckets for DenseBuckets<'_> {
    #[inline]
    fn bucket(&mut self, rank: u32) -> &mut Vec<(u32, u32)> {
        &mut self.0[rank as usize]
    }

    fn take(&mut self, rank: u32) -> Vec<(u32, u32)> {
        std::mem::take(&mut self.0[rank as usize])
    }
}

/// Buckets found by hash.
#[derive(Default)]
struct SparseBuckets(FxHashMap<u32, Vec<(u32, u32)>>);

impl Buckets for SparseBuckets {
    #[inline]
    fn bucket(&mut self, rank: u32) -> &mut Vec<(u32, u32)> {
        self.0.entry(rank).or_default()
    }

    fn take(&mut self, rank: u32) -> Vec<(u32, u32)> {
        self.0.remove(&rank).unwrap_or_default()
    }
}

/// How much memory [`JoinScratch`] keeps on a thread after a piece, at most, in bytes.
const KEPT_SCRATCH_BYTES: usize = 64 << 20;

thread_local! {
    static JOIN_SCRATCH: RefCell<JoinScratch> = RefCell::new(JoinScratch::default());
}

/// Memory that joining long pieces keeps on each thread from one piece to the next. A piece of
/// a million bytes needs links and buckets of candidates of tens of megabytes, and memory fresh
/// from the system costs a page fault per 4 KiB: on "aaaa..." that was a third of encoding.
#[derive(Default)]
struct JoinScratch {
    /// The heap's slots: for pieces shorter than [`JOIN_HEAP_MAX`], so 128 KiB at most.
    scan: ScanVecs,
    /// The links between parts, for buckets.
    links: Vec<(u32, u32)>,
    /// The heap of candidate pairs, empty between pieces.
    candidates: Vec<Reverse<u64>>,
    /// A bucket per rank, all empty between pieces.
    dense: Vec<Vec<(u32, u32)>>,
    /// Buckets already served, emptied, kept for their memory.
    spare: Vec<Vec<(u32, u32)>>,
}

impl JoinScratch {
    /// Give back what would make this hold more than `limit` bytes, so that one huge piece does
    /// not leave its memory behind for the life of the thread.
    fn keep_within(&mut self, limit: usize) {
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

/// Bytes as Python writes them (`repr`), for error messages.
pub fn show_bytes(bytes: &[u8]) -> String {
    // Python quotes with ' unless the bytes hold a ' and no ".
    let quote = if bytes.contains(&b'\'') && !bytes.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::from("b");
    out.push(char::from(quote));
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if b == quote => {
                out.push('\\');
                out.push(char::from(b));
            }
            0x20..=0x7E => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push(char::from(quote));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn byte_ranks() -> Vec<(Vec<u8>, u32)> {
        (0..=255u8).map(|b| (vec![b], u32::from(b))).collect()
    }

    #[test]
    fn lowest_rank_wins_even_across_merge_paths() {
        // bc=256, ab=257, abc=258: "xabc" becomes x, abc because a+bc is ranked.
        let mut ranks = byte_ranks();
        ranks.extend([
            (b"bc".to_vec(), 256),
            (b"ab".to_vec(), 257),
            (b"abc".to_vec(), 258),
        ]);
        let encoder = Encoder::new(ranks, r"[^\n]+").unwrap();
        assert_eq!(encoder.encode_ordinary("xabc").unwrap(), [120, 258]);
        // abc's bytes joined below rank 258 end as a, bc: its merge is (a, bc).
        assert_eq!(encoder.merges(), [(98, 99), (97, 98), (97, 256)]);
    }

    /// The parts (start, rank) that [`Encoder::merge_long`] gives.
    fn long_parts(encoder: &Encoder, piece: &[u8], limit: u64) -> Vec<(usize, u32)> {
        let mut parts = Vec::new();
        encoder.merge_long(piece, limit, |start, rank| parts.push((start, rank)));
        parts
    }

    /// Hold every way of merging a long piece to the scan, on each side of every threshold: the
    /// scan below [`HEAP_THRESHOLD`], the heap below [`JOIN_HEAP_MAX`], and beyond it buckets
    /// found by index (with the table as given, which is small) or by hash (with one token of a
    /// far rank added, so that the pieces are short beside the vocabulary).
    fn assert_every_path_agrees(
        ranks: Vec<(Vec<u8>, u32)>,
        mut piece_of_len: impl FnMut(usize) -> Vec<u8>,
        limits: [u64; 2],
    ) {
        const LONGEST: usize = JOIN_HEAP_MAX + 800;
        let small = Encoder::new(ranks.clone(), "gpt4").unwrap();
        let mut with_far = ranks;
        with_far.push((b"zzzzzzzz".to_vec(), 100_000));
        let wide = Encoder::new(with_far, "gpt4").unwrap();
        assert!(JOIN_HEAP_MAX as u64 >= 8 * (u64::from(small.max_rank) + 1));
        assert!((LONGEST as u64) < 8 * (u64::from(wide.max_rank) + 1));
        let lengths = (1..200).chain([
            HEAP_THRESHOLD - 1,
            HEAP_THRESHOLD,
            600,
            3000,
            JOIN_HEAP_MAX - 1,
            JOIN_HEAP_MAX,
            LONGEST,
        ]);
        for len in lengths {
            let piece = piece_of_len(len);
            for encoder in [&small, &wide] {
                for limit in limits {
                    assert_eq!(
                        encoder.merge_by_scan(&piece, limit),
                        long_parts(encoder, &piece, limit),
                        "{:?}",
                        String::from_utf8_lossy(&piece)
                    );
                }
            }
        }
    }

    #[test]
    fn heap_buckets_and_scan_agree_on_long_pieces() {
        let mut ranks = byte_ranks();
        ranks.extend([
            (b"aa".to_vec(), 256),
            (b"ab".to_vec(), 257),
            (b"aab".to_vec(), 258),
            (b"aaaa".to_vec(), 259),
        ]);
        let piece_of_len = |len| {
            (0..len)
                .map(|i| if i % 7 == 3 { b'b' } else { b'a' })
                .collect()
        };
        assert_every_path_agrees(ranks, piece_of_len, [NO_LIMIT, 258]);
    }

    #[test]
    fn heap_buckets_and_scan_agree_when_a_join_makes_a_lower_rank() {
        // Hand-written ranks where joining creates a pair of lower rank than the one just
        // joined (a trained table never does this): xy=256 then zxy=257... and yz=300 first.
        let mut ranks = byte_ranks();
        ranks.extend([
            (b"ab".to_vec(), 300),
            (b"cab".to_vec(), 256),
            (b"abd".to_vec(), 257),
            (b"cabd".to_vec(), 258),
            (b"dc".to_vec(), 400),
            (b"bd".to_vec(), 500),
        ]);
        let mut rng = 12345u64;
        let piece_of_len = |len| {
            (0..len)
                .map(|_| {
                    rng ^= rng << 13;
                    rng ^= rng >> 7;
                    rng ^= rng << 17;
                    b"abcd"[(rng % 4) as usize]
                })
                .collect()
        };
        assert_every_path_agrees(ranks, piece_of_len, [NO_LIMIT, 301]);
    }

    /// An encoder where " a" followed by letters is never a token, and `count` such words, all
    /// different.
    fn encoder_and_distinct_words(count: usize) -> (Encoder, Vec<String>) {
        let mut ranks = byte_ranks();
        ranks.extend([(b"ab".to_vec(), 256), (b" a".to_vec(), 257)]);
        let encoder = Encoder::new(ranks, "gpt4").unwrap();
        let word = |mut i: usize| {
            let mut w = String::from(" a");
            while i > 0 {
                w.push(char::from(b"abcdefgh"[i % 8]));
                i /= 8;
            }
            w
        };
        (encoder, (0..count).map(word).collect())
    }

    /// The ids of `words` merged one by one with the scan, without the cache.
    fn merged_by_scan(encoder: &Encoder, words: &[String]) -> Vec<u32> {
        let mut expected = Vec::new();
        for w in words {
            let parts = encoder.merge_by_scan(w.as_bytes(), NO_LIMIT);
            expected.extend(parts.into_iter().map(|(_, rank)| rank));
        }
        expected
    }

    fn merged_cache_resting() -> u32 {
        MERGED.with(|cache| cache.borrow().resting)
    }

    #[test]
    fn the_merged_piece_cache_gives_what_merging_gives_across_restarts() {
        // More distinct non-token pieces than the cache holds, encoded twice: the first pass
        // fills the cache and starts it afresh, the second is served partly from it.
        let (encoder, words) = encoder_and_distinct_words(MERGED_CACHE_SIZE + 5000);
        let expected = merged_by_scan(&encoder, &words);
        let text = words.concat();
        assert_eq!(encoder.encode_ordinary(&text).unwrap(), expected);
        assert_eq!(encoder.encode_ordinary(&text).unwrap(), expected);
    }

    #[test]
    fn the_merged_piece_cache_rests_only_when_pieces_do_not_recur() {
        // Every word once: the cache fills without a hit, so it rests, and the pieces that
        // bypass it are merged all the same.
        let (encoder, words) = encoder_and_distinct_words(MERGED_CACHE_SIZE + 5000);
        let text = words.concat();
        assert_eq!(
            encoder.encode_ordinary(&text).unwrap(),
            merged_by_scan(&encoder, &words)
        );
        assert!(merged_cache_resting() > 0);
        assert_eq!(
            encoder.encode_ordinary(&text).unwrap(),
            merged_by_scan(&encoder, &words)
        );
        // Every word twice in a row: half the lookups find their piece, so it keeps working
        // (a new encoder starts with a cache that is not resting).
        let (encoder, words) = encoder_and_distinct_words(MERGED_CACHE_SIZE + 5000);
        let twice: Vec<String> = words.iter().flat_map(|w| [w.clone(), w.clone()]).collect();
        assert_eq!(
            encoder.encode_ordinary(&twice.concat()).unwrap(),
            merged_by_scan(&encoder, &twice)
        );
        assert_eq!(merged_cache_resting(), 0);
    }

    #[test]
    fn rank_table_finds_short_tokens_densely_and_every_rank_even_the_largest() {
        for largest in [300, u32::MAX] {
            let mut table = RankTable::default();
            for (token, rank) in byte_ranks() {
                assert!(table.insert(&token, rank));
            }
            assert!(table.insert(b"ab", largest));
            assert!(table.insert(b"abc", 301));
            assert!(!table.insert(b"ab", largest));
            assert_eq!(table.dense_incomplete, largest == NOT_DENSE);
            assert_eq!(table.get(b"a"), Some(97));
            assert_eq!(table.get(b"ab"), Some(largest));
            assert_eq!(table.get(b"abc"), Some(301));
            assert_eq!(table.get(b"ba"), None);
            assert_eq!(table.get(b"abcd"), None);
            assert_eq!(table.get(b""), None);
        }
    }

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

    #[test]
    fn bad_tables_are_errors() {
        assert!(Encoder::new(byte_ranks().into_iter().skip(1), "gpt4").is_err());
        let mut duplicate = byte_ranks();
        duplicate.push((b"ab".to_vec(), 3));
        assert!(Encoder::new(duplicate, "gpt4").is_err());
    }

    #[test]
    fn specials_are_found_leftmost_then_longest() {
        let specials = vec![
            ("<|a|>".to_string(), 300),
            ("<|a|><|b|>".to_string(), 301),
            ("<|b|>".to_string(), 302),
        ];
        let encoder = Encoder::with_specials(byte_ranks(), specials, "gpt4").unwrap();
        let all = ["<|a|>", "<|a|><|b|>", "<|b|>"];
        assert_eq!(
            encoder.encode("x<|a|><|b|>y<|b|>", &all).unwrap(),
            [120, 301, 121, 302]
        );
        assert_eq!(
            encoder.encode("<|a|><|b|>", &["<|a|>", "<|b|>"]).unwrap(),
            [300, 302]
        );
        assert_eq!(encoder.encode("<|a|>", &[]).unwrap().len(), 5);
        assert_eq!(encoder.decode_bytes(&[301, 104]).unwrap(), b"<|a|><|b|>h");
    }

    #[test]
    fn specials_must_not_collide_with_ranks() {
        let clash = vec![("<|x|>".to_string(), 65)];
        assert!(Encoder::with_specials(byte_ranks(), clash, "gpt4").is_err());
        let twice = vec![("<|x|>".to_string(), 300), ("<|x|>".to_string(), 301)];
        assert!(Encoder::with_specials(byte_ranks(), twice, "gpt4").is_err());
    }

    #[test]
    fn decode_rejects_unknown_ids() {
        let encoder = Encoder::new(byte_ranks(), "gpt4").unwrap();
        assert_eq!(encoder.decode_bytes(&[104, 105]).unwrap(), b"hi");
        assert_eq!(
            encoder.decode_bytes(&[104, 999]),
            Err(Error::UnknownToken {
                id: 999,
                position: 1
            })
        );
    }
}
