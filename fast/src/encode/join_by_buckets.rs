//! Merging a very long piece with a bucket of candidate pairs per rank: the scan's choices, in
//! time close to linear, with candidates served in order of position, which follows memory.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rustc_hash::FxHashMap;

use super::rank_table::RankTable;

/// The next-part link of a part that was joined into the one before it.
const GONE: u32 = u32::MAX;

/// The candidate pairs of [`join_by_buckets`], one bucket per rank.
pub trait Buckets {
    /// The bucket of `rank` (empty, without memory, if it has never been used or was taken).
    fn bucket(&mut self, rank: u32) -> &mut Vec<(u32, u32)>;
    /// Take a rank's whole bucket.
    fn take(&mut self, rank: u32) -> Vec<(u32, u32)>;
}

/// Buckets found by index: for pieces much longer than the vocabulary.
pub struct DenseBuckets<'a>(pub &'a mut [Vec<(u32, u32)>]);

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
pub struct SparseBuckets(FxHashMap<u32, Vec<(u32, u32)>>);

impl Buckets for SparseBuckets {
    #[inline]
    fn bucket(&mut self, rank: u32) -> &mut Vec<(u32, u32)> {
        self.0.entry(rank).or_default()
    }

    fn take(&mut self, rank: u32) -> Vec<(u32, u32)> {
        self.0.remove(&rank).unwrap_or_default()
    }
}

/// The scan's choices with a bucket per rank. The smallest rank with a non-empty bucket is
/// served next, its candidates from left to right, which is the order the scan would take
/// them. A join can only create pairs that contain the new part, so their concatenations are
/// longer than the token just made and never of the same rank. If one has a lower rank
/// (possible in a hand-written table, never in a trained one), the scan would take it next:
/// so the rest of the current bucket goes back, and the lower bucket is served first.
/// `links` and `spare` are storage to reuse (see [`JoinScratch`](super::scratch::JoinScratch)).
pub fn join_by_buckets<B: Buckets>(
    table: &RankTable,
    piece: &[u8],
    limit: u64,
    mut buckets: B,
    links: &mut Vec<(u32, u32)>,
    spare: &mut Vec<Vec<(u32, u32)>>,
) -> Vec<usize> {
    /// How many candidates ahead the loop asks the CPU to fetch the links of.
    const PREFETCH_DISTANCE: usize = 8;
    let n = piece.len() as u32;
    link_bytes(links, n);
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
        let rank = table.rank_below(&piece[start as usize..end as usize], limit)?;
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
            if !join_if_current(links, n, start, end) {
                continue;
            }
            let mut lower = false;
            if start > 0 {
                let left = links[start as usize].1;
                lower |= add(&mut buckets, spare, &mut ranks, left, end).is_some_and(|r| r < rank);
            }
            if end < n {
                let after = links[end as usize].0;
                lower |=
                    add(&mut buckets, spare, &mut ranks, start, after).is_some_and(|r| r < rank);
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
    bounds_of(links, n)
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
