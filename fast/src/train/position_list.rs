//! The arena positions where one pair occurs, in increasing order, for the merge loop.
//!
//! Most pairs occur at only a few positions (on 10 MB of prose, 93% of pairs at four or fewer),
//! yet a vector each would cost an allocation, often regrowth, and a free, for each of millions
//! of pairs. Up to four positions therefore live inline, in the 16 bytes a vector's pointer and
//! length would take; a list is no larger than a `Vec<u32>` (24 bytes, the enum's tag hiding
//! in the vector's capacity).

use std::collections::TryReserveError;

/// Marks an unused inline slot; no arena position reaches it (the arena is kept below it).
const UNUSED: u32 = u32::MAX;
const INLINE: usize = 4;

#[derive(Clone, Debug)]
pub enum PositionList {
    /// Up to four positions, then `UNUSED`.
    Inline([u32; INLINE]),
    Heap(Vec<u32>),
}

impl Default for PositionList {
    fn default() -> Self {
        PositionList::Inline([UNUSED; INLINE])
    }
}

/// The number of positions held inline: the used slots come first, so counting the used ones
/// (a comparison of all four at once, without branches) gives the length.
#[inline(always)]
fn inline_len(items: &[u32; INLINE]) -> usize {
    items.iter().filter(|&&p| p != UNUSED).count()
}

impl PositionList {
    /// Append `position` unless it is the last one already (a pair seen twice at one place,
    /// from either side of a merge, is one occurrence). Positions must come in increasing order.
    /// Err, with the list unchanged, if a list that must grow cannot: only the growth path asks.
    #[inline]
    pub fn push_new(&mut self, position: u32) -> Result<(), TryReserveError> {
        debug_assert_ne!(position, UNUSED);
        match self {
            PositionList::Inline(items) => {
                let len = inline_len(items);
                if len > 0 && items[len - 1] == position {
                    return Ok(());
                }
                if len < INLINE {
                    items[len] = position;
                } else {
                    let mut list = Vec::new();
                    list.try_reserve_exact(2 * INLINE)?;
                    list.extend_from_slice(items);
                    list.push(position);
                    *self = PositionList::Heap(list);
                }
            }
            PositionList::Heap(list) => {
                if list.last() != Some(&position) {
                    if list.len() == list.capacity() {
                        // Doubles, as push would, but says so when it cannot.
                        list.try_reserve(1)?;
                    }
                    list.push(position);
                }
            }
        }
        Ok(())
    }

    pub fn as_slice(&self) -> &[u32] {
        match self {
            PositionList::Inline(items) => &items[..inline_len(items)],
            PositionList::Heap(list) => list,
        }
    }

    /// Give back the spare capacity of a list that will not grow again.
    pub fn shrink_to_fit(&mut self) {
        if let PositionList::Heap(list) = self {
            list.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_skips_repeats_and_spills_past_four() {
        assert_eq!(std::mem::size_of::<PositionList>(), 24);
        let mut list = PositionList::default();
        assert!(list.as_slice().is_empty());
        for p in [0, 0, 3, 5, 5, 9, 12, 12, 40] {
            list.push_new(p).unwrap();
            if p == 9 {
                assert!(matches!(list, PositionList::Inline(_)));
            }
        }
        assert!(matches!(list, PositionList::Heap(_)));
        assert_eq!(list.as_slice(), [0, 3, 5, 9, 12, 40]);
    }
}
