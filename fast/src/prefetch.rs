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
