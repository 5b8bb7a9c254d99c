//! The merged-piece cache: each thread remembers the ids of the pieces it had to merge, since
//! pieces that are not tokens (identifiers in code, rare words) recur.

use std::cell::RefCell;

use hashbrown::HashTable;

use super::byte_map::{hash_bytes, same_bytes};

/// How many merged pieces each thread remembers, and the longest piece it remembers.
pub const MERGED_CACHE_SIZE: usize = 1 << 16;
pub const MERGED_CACHE_MAX_PIECE: usize = 64;
/// When fewer than one lookup in this many found its piece while the cache filled up, it is
/// not worth what it costs (a lookup and a copy per piece): text where pieces hardly recur
/// (base64, hashes, random identifiers). Pieces then bypass it for [`MERGED_CACHE_REST`]
/// pieces, after which it fills up again to see if the text has changed.
const MERGED_CACHE_MIN_HIT_RATE: u64 = 4;
const MERGED_CACHE_REST: u32 = 1 << 19;

thread_local! {
    pub static MERGED: RefCell<MergedCache> = RefCell::new(MergedCache::default());
}

/// The encodings of pieces that needed merging, per thread (no locks in parallel batches), for
/// one encoder at a time. When full it starts afresh: cheaper than tracking recency, and the
/// frequent pieces come straight back. Pieces and ids sit end to end in two vectors that keep
/// their memory when the cache starts afresh: on text where nearly every piece is new (base64,
/// hashes) the cache is all misses, and two allocations per piece, freed 65536 at a time, would
/// be much of the work.
#[derive(Default)]
pub struct MergedCache {
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
pub enum Cached {
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
    pub fn extend(&mut self, identity: u64, piece: &[u8], out: &mut Vec<u32>) -> Cached {
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

    pub fn put(&mut self, piece: &[u8], ids: &[u32]) {
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

    /// How many more pieces bypass the cache.
    #[cfg(test)]
    pub fn resting(&self) -> u32 {
        self.resting
    }
}
