//! The encoder (spec §5-§7): a rank table, special tokens and a split pattern, built once and
//! checked, and for a merge-list model its merge list (§6.8); encoding a text piece by piece, each
//! piece merged by the rule of its model and the method that suits its length; the merges a
//! table implies; decoding.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

use rayon::prelude::*;

use super::cancel::Cancel;
use super::join_by_buckets::{join_by_buckets, DenseBuckets, SparseBuckets};
use super::join_by_heap::join_by_heap;
use super::join_by_merge_priority::{join_by_merge_priority_heap, join_by_merge_priority_scan};
use super::join_by_scan::join_by_scan;
use super::merge_list::MergeList;
use super::merged_cache::{Cached, MERGED, MERGED_CACHE_MAX_PIECE};
use super::rank_table::{RankTable, NO_LIMIT};
use super::scan_slots::{scanned_parts, ShortScan, HEAP_THRESHOLD};
use super::scratch::{JoinScratch, JOIN_SCRATCH, KEPT_SCRATCH_BYTES};
use super::specials::{Allowed, Specials};
use super::token_bytes::TokenBytes;
use crate::error::{Error, Result};
use crate::pattern::{EngineKind, Splitter};
use crate::threads::{with_threads, SHARED_WORK_BYTES};

/// Pieces shorter than this (and at least [`HEAP_THRESHOLD`] long) keep their candidate pairs in
/// a heap; longer ones in buckets, one per rank.
pub const JOIN_HEAP_MAX: usize = 8192;

/// The cancel flag of work that nobody can cancel.
static NOT_CANCELLED: AtomicBool = AtomicBool::new(false);

/// The id buffer of a text of `bytes` bytes, sized for about three bytes a token: a
/// MemoryError, not an abort, when that cannot be had (a text of hundreds of megabytes).
fn id_buffer(bytes: usize) -> Result<Vec<u32>> {
    let mut ids = Vec::new();
    grow_ids(&mut ids, bytes / 3)?;
    Ok(ids)
}

/// Room for `more` ids in `ids` at least, doubling as a push would, or a MemoryError.
fn grow_ids(ids: &mut Vec<u32>, more: usize) -> Result<()> {
    let wanted = more.max(ids.len());
    ids.try_reserve(wanted).map_err(|_| {
        let mib = ids.len().saturating_add(wanted).saturating_mul(4) >> 20;
        Error::out_of_memory(&format!("{mib} MiB for the ids of an encoded text"))
    })
}

/// Encodes and decodes with a rank table (token bytes -> id), special tokens and a split pattern.
pub struct Encoder {
    /// Tells encoders apart in the thread-local cache of merged pieces.
    identity: u64,
    ranks: RankTable,
    /// The bytes of every id, special tokens' included, for decoding.
    pub(super) tokens: TokenBytes,
    /// The largest rank, kept because long pieces size their buckets by it.
    pub(super) max_rank: u32,
    pub(super) specials: Specials,
    pub(super) splitter: Arc<Splitter>,
    /// The merge list of a merge-list model (§6.8), whose pieces are joined by §6.9.
    merge_list: Option<MergeList>,
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
        Self::with_merge_list(ranks, specials, pattern, None, false)
    }

    /// Build the encoder of a merge-list model (§6.8-§6.11) when `merges` is given (pairs of
    /// ranks, in priority order, checked against §6.8); without, of a rank table as
    /// [`Encoder::with_specials`] does, and `ignore_merges` is unused.
    pub fn with_merge_list(
        ranks: impl IntoIterator<Item = (Vec<u8>, u32)>,
        specials: Vec<(String, u32)>,
        pattern: &str,
        merges: Option<Vec<(u32, u32)>>,
        ignore_merges: bool,
    ) -> Result<Self> {
        let splitter = Splitter::cached(pattern)?;
        let (ranks, tokens) = RankTable::from_ranks(ranks)?;
        let specials = Specials::new(specials, &tokens)?;
        let merge_list = merges
            .map(|merges| MergeList::new(merges, ignore_merges, &ranks, &tokens))
            .transpose()?;
        static NEXT_IDENTITY: AtomicU64 = AtomicU64::new(1);
        let max_rank = tokens.keys().copied().max().unwrap_or(0);
        let rank_tokens = tokens.iter().map(|(&id, token)| (id, &token[..]));
        let tokens = TokenBytes::new(rank_tokens.chain(specials.tokens()))?;
        Ok(Encoder {
            identity: NEXT_IDENTITY.fetch_add(1, Ordering::Relaxed),
            ranks,
            tokens,
            max_rank,
            specials,
            splitter,
            merge_list,
        })
    }

    /// The id of the special token `text`, if it is one.
    pub fn special_id(&self, text: &str) -> Option<u32> {
        self.specials.id(text)
    }

    /// §6.5: encode `text`, turning every occurrence of an allowed special token into its id:
    /// the leftmost occurrence of any allowed special comes first, the longest among those that
    /// start at the same place; the text between them is encoded by §6.4.
    pub fn encode(&self, text: &str, allowed: &[&str]) -> Result<Vec<u32>> {
        self.encode_cancellable(text, Allowed::Only(allowed), &NOT_CANCELLED)
    }

    /// [`Encoder::encode`] that stops with [`Error::Interrupted`] soon after `cancel` becomes
    /// true: it looks at the flag before every piece, so a long text is never the whole wait.
    pub fn encode_cancellable<C: Cancel + ?Sized>(
        &self,
        text: &str,
        allowed: Allowed<'_>,
        cancel: &C,
    ) -> Result<Vec<u32>> {
        let Some(occurrences) = self.specials.find_in(text, allowed) else {
            return self.encode_ordinary_cancellable(text, cancel);
        };
        let mut ids = id_buffer(text.len())?;
        let mut pos = 0;
        for (start, end, id) in occurrences {
            self.encode_ordinary_into(&text[pos..start], &mut ids, cancel)?;
            if ids.len() == ids.capacity() {
                grow_ids(&mut ids, 1)?;
            }
            ids.push(id);
            pos = end;
        }
        self.encode_ordinary_into(&text[pos..], &mut ids, cancel)?;
        Ok(ids)
    }

    /// [`Encoder::encode_cancellable`] for many texts, on all cores (or on the pool of
    /// [`with_threads`]).
    pub fn encode_batch<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
        allowed: Allowed<'_>,
        cancel: &AtomicBool,
    ) -> Result<Vec<Vec<u32>>> {
        each_text(texts, |text| self.encode_cancellable(text, allowed, cancel))
    }

    pub fn pattern(&self) -> &str {
        self.splitter.source()
    }

    /// True when the pattern runs on a hand-written splitter, whose time per piece is bounded by
    /// the piece. A backtracking search may take most of a second on a short text, and the
    /// compiled DFA hands a text on which failed attempts read too much to fancy-regex, whose
    /// searches then backtrack.
    pub fn splits_in_linear_time(&self) -> bool {
        self.splitter.engine() == EngineKind::Handwritten
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
        self.max_rank.max(self.specials.max_id())
    }

    pub fn len(&self) -> usize {
        self.ranks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranks.len() == 0
    }

    /// §6.4: split `text`, then encode each piece on its own.
    pub fn encode_ordinary(&self, text: &str) -> Result<Vec<u32>> {
        self.encode_ordinary_cancellable(text, &NOT_CANCELLED)
    }

    /// [`Encoder::encode_ordinary`] that stops as [`Encoder::encode_cancellable`] does.
    pub fn encode_ordinary_cancellable<C: Cancel + ?Sized>(
        &self,
        text: &str,
        cancel: &C,
    ) -> Result<Vec<u32>> {
        let mut ids = id_buffer(text.len())?;
        self.encode_ordinary_into(text, &mut ids, cancel)?;
        Ok(ids)
    }

    fn encode_ordinary_into<C: Cancel + ?Sized>(
        &self,
        text: &str,
        ids: &mut Vec<u32>,
        cancel: &C,
    ) -> Result<()> {
        let mut scan = ShortScan::new();
        // A search of a backtracking pattern may take most of a second (pattern/splitter.rs):
        // cancel is asked before each one (a load from a shared cache line, for a flag).
        self.splitter.try_for_each_piece(text, |piece, search| {
            if cancel.cancelled(search) {
                return Err(Error::Interrupted);
            }
            // A piece gives at most one id per byte: with that much room, no push below grows
            // the buffer, so growing fails here, as a MemoryError, or not at all.
            if ids.capacity() - ids.len() < piece.len() {
                grow_ids(ids, piece.len())?;
            }
            self.encode_piece(piece.as_bytes(), &mut scan, ids);
            Ok(())
        })
    }

    /// [`Encoder::encode_ordinary_cancellable`] for many texts, on all cores (or on the pool of
    /// [`with_threads`]).
    pub fn encode_ordinary_batch<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
        cancel: &AtomicBool,
    ) -> Result<Vec<Vec<u32>>> {
        each_text(texts, |text| self.encode_ordinary_cancellable(text, cancel))
    }

    /// §6.1: a piece that is a token is that token; otherwise merge up from single bytes,
    /// always joining the adjacent pair with the lowest-ranked concatenation, leftmost on ties.
    /// For a merge-list model, §6.10: the whole piece only with `ignore_merges`, and joins by §6.9.
    pub(super) fn encode_piece(&self, piece: &[u8], scan: &mut ShortScan, out: &mut Vec<u32>) {
        let whole = self.merge_list.as_ref().is_none_or(|m| m.ignore_merges);
        if let Some(rank) = self.ranks.get(piece).filter(|_| whole) {
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
        if let Some(merges) = &self.merge_list {
            self.join_by_merges(merges, piece, scan, out);
        } else if n < HEAP_THRESHOLD {
            join_by_scan(&self.ranks, piece, NO_LIMIT, scan.slots(n));
            out.extend(scan.parts(n).map(|(_, rank)| rank));
        } else {
            self.merge_long(piece, NO_LIMIT, |_, rank| out.push(rank));
        }
        if cached == Cached::Missing {
            MERGED.with(|cache| cache.borrow_mut().put(piece, &out[start..]));
        }
    }

    /// §6.9: the ranks of the parts of `piece` joined by the merge list, appended to `out`: by
    /// a scan of every pair for short pieces, by a heap of candidates (in the memory the rank
    /// engines keep on the thread) for long ones.
    fn join_by_merges(
        &self,
        merges: &MergeList,
        piece: &[u8],
        scan: &mut ShortScan,
        out: &mut Vec<u32>,
    ) {
        let n = piece.len();
        if n < HEAP_THRESHOLD {
            join_by_merge_priority_scan(merges, &self.ranks, piece, scan.slots(n));
            out.extend(scan.parts(n).map(|(_, rank)| rank));
            return;
        }
        JOIN_SCRATCH.with(|cell| {
            let mut scratch = std::mem::take(&mut *cell.borrow_mut());
            let JoinScratch {
                scan, candidates, ..
            } = &mut scratch;
            join_by_merge_priority_heap(merges, &self.ranks, piece, scan.slots(n), candidates);
            out.extend(scanned_parts(&scan.next, &scan.part_rank, n).map(|(_, rank)| rank));
            scratch.keep_within(KEPT_SCRATCH_BYTES);
            *cell.borrow_mut() = scratch;
        })
    }

    /// §5.3: the merges the rank table implies, in rank order. A token of two or more bytes has
    /// a merge when its bytes, joined using only lower-ranked tokens, end as exactly two tokens.
    /// For a merge-list model, its merge list in priority order, each pair once (§6.8).
    pub fn merges(&self) -> Vec<(u32, u32)> {
        if let Some(merges) = &self.merge_list {
            return merges.ordered();
        }
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
            join_by_scan(&self.ranks, piece, limit, scan.slots(n));
            scan.parts(n).map(|(start, _)| start).chain([n]).collect()
        } else {
            let mut bounds = Vec::new();
            self.merge_long(piece, limit, |start, _| bounds.push(start));
            bounds.push(n);
            bounds
        }
    }

    /// The parts (start, rank) after merging by rescanning all adjacent pairs for each merge,
    /// at any length: the oracle the tests hold the heap and the buckets to.
    #[cfg(test)]
    pub(super) fn merge_by_scan(&self, piece: &[u8], limit: u64) -> Vec<(usize, u32)> {
        let n = piece.len();
        let mut vecs = super::scan_slots::ScanVecs::default();
        join_by_scan(&self.ranks, piece, limit, vecs.slots(n));
        scanned_parts(&vecs.next, &vecs.part_rank, n).collect()
    }

    /// The parts that [`join_by_scan`] would give a long piece, each given to `emit` as
    /// (start, rank) in order, in time close to linear: by a heap of candidate pairs up to
    /// [`JOIN_HEAP_MAX`] bytes, and by a bucket of candidates per rank beyond. Both keep their
    /// memory on the thread from piece to piece (see [`JoinScratch`]).
    pub(super) fn merge_long(&self, piece: &[u8], limit: u64, mut emit: impl FnMut(usize, u32)) {
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
            // follows memory, and that wins once a piece's slots outgrow the first cache levels,
            // at about JOIN_HEAP_MAX bytes. A piece much longer than the vocabulary pays for a
            // bucket per rank up front and finds them by index.
            if n < JOIN_HEAP_MAX {
                join_by_heap(&self.ranks, piece, limit, scan.slots(n), candidates);
                for (start, rank) in scanned_parts(&scan.next, &scan.part_rank, n) {
                    emit(start, rank);
                }
            } else {
                let bounds = if n as u64 >= 8 * (u64::from(self.max_rank) + 1) {
                    dense.iter_mut().for_each(Vec::clear);
                    dense.resize_with(self.max_rank as usize + 1, Vec::new);
                    join_by_buckets(&self.ranks, piece, limit, DenseBuckets(dense), links, spare)
                } else {
                    let buckets = SparseBuckets::default();
                    join_by_buckets(&self.ranks, piece, limit, buckets, links, spare)
                };
                for part in bounds.windows(2) {
                    emit(part[0], self.ranks.of_part(&piece[part[0]..part[1]]));
                }
            }
            scratch.keep_within(KEPT_SCRATCH_BYTES);
            *cell.borrow_mut() = scratch;
        })
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

/// `encode` of each text, in order: on all cores (or the pool of [`with_threads`]), or on this
/// thread for a batch too small to share (see [`SHARED_WORK_BYTES`]).
fn each_text<S: AsRef<str> + Sync>(
    texts: &[S],
    encode: impl Fn(&str) -> Result<Vec<u32>> + Sync + Send,
) -> Result<Vec<Vec<u32>>> {
    if texts.iter().map(|text| text.as_ref().len()).sum::<usize>() < SHARED_WORK_BYTES {
        return texts.iter().map(|text| encode(text.as_ref())).collect();
    }
    with_threads(None, || {
        texts.par_iter().map(|text| encode(text.as_ref())).collect()
    })?
}
