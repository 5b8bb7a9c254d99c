//! Asking the CPU to load memory ahead of use, for loops that visit a large array out of order.

/// Hint the CPU to bring `slice[index]` into cache (nothing if the index is out of range).
#[inline]
pub fn slot<T>(slice: &[T], index: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(slot) = slice.get(index) {
        // SAFETY: _mm_prefetch only hints the cache; it reads nothing and cannot fault, and the
        // pointer comes from a reference into the slice, so it is valid anyway.
        unsafe {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            _mm_prefetch::<_MM_HINT_T0>((slot as *const T).cast::<i8>());
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (slice, index);
}

/// Hint the CPU to bring the first and the last byte of `bytes` into cache.
#[inline]
pub fn bytes(bytes: &[u8]) {
    slot(bytes, 0);
    slot(bytes, bytes.len().wrapping_sub(1));
}

/// The items of `items` in order, each one shown to `hint` `distance` items before it is
/// yielded: for a loop over items that point into memory it has not touched yet (pieces held
/// in boxes of their own, in the order of a hash table), so that `hint` can ask for that memory
/// while the loop works on the items before.
pub fn ahead<I: Iterator, F: FnMut(&I::Item)>(items: I, distance: usize, hint: F) -> Ahead<I, F> {
    Ahead {
        items,
        // The item being yielded and the `distance` after it.
        window: std::collections::VecDeque::with_capacity(distance + 1),
        distance,
        hint,
    }
}

pub struct Ahead<I: Iterator, F> {
    items: I,
    window: std::collections::VecDeque<I::Item>,
    distance: usize,
    hint: F,
}

impl<I: Iterator, F: FnMut(&I::Item)> Iterator for Ahead<I, F> {
    type Item = I::Item;

    #[inline]
    fn next(&mut self) -> Option<I::Item> {
        while self.window.len() <= self.distance {
            let Some(item) = self.items.next() else { break };
            (self.hint)(&item);
            self.window.push_back(item);
        }
        self.window.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    #[test]
    fn ahead_yields_every_item_in_order_each_hinted_distance_items_before() {
        for distance in [0usize, 1, 3, 10] {
            let hinted = RefCell::new(Vec::new());
            for (k, item) in
                super::ahead(0..5usize, distance, |&item| hinted.borrow_mut().push(item))
                    .enumerate()
            {
                assert_eq!(item, k);
                // Every item up to `distance` past this one has been shown, and none further.
                assert_eq!(
                    *hinted.borrow(),
                    (0..(k + distance + 1).min(5)).collect::<Vec<_>>()
                );
            }
            assert_eq!(hinted.borrow().len(), 5);
        }
    }
}
