//! The sizes of the batches in which texts are counted, one rule whether they come from a Python
//! iterable or from .txt files that the core reads itself.
//!
//! Nothing is counted until the first batch is in, and pulling megabytes of text (from a Python
//! iterable, or from a file) takes milliseconds in which every core waits: so the first batch is
//! small and each next one twice as large. The largest bounds the memory held for texts (a few
//! batches: one being counted, the next being read or waiting) whatever the corpus size, and is
//! counted in well under a second.

/// The size of the first batch, in bytes of text.
pub const FIRST_BATCH_BYTES: usize = 256 << 10;
/// The size of the largest batch, in bytes of text.
pub const MAX_BATCH_BYTES: usize = 8 << 20;

/// The sizes of successive batches: the first, then each twice the one before, up to
/// [`MAX_BATCH_BYTES`] (or up to the first, if that is larger).
pub struct BatchSizes {
    next: usize,
    largest: usize,
}

impl BatchSizes {
    pub fn starting_at(first: usize) -> Self {
        BatchSizes {
            next: first,
            largest: MAX_BATCH_BYTES.max(first),
        }
    }

    /// The size of the next batch, in bytes.
    pub fn next_size(&mut self) -> usize {
        let size = self.next;
        self.next = size.saturating_mul(2).min(self.largest);
        size
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_double_from_the_first_up_to_the_largest() {
        let mut sizes = BatchSizes::starting_at(FIRST_BATCH_BYTES);
        let first: Vec<usize> = (0..7).map(|_| sizes.next_size()).collect();
        assert_eq!(
            first[..6],
            [256, 512, 1024, 2048, 4096, 8192].map(|k| k << 10)
        );
        assert_eq!(first[6], MAX_BATCH_BYTES);
        let mut large = BatchSizes::starting_at(3 * MAX_BATCH_BYTES);
        assert_eq!(
            [large.next_size(), large.next_size()],
            [3 * MAX_BATCH_BYTES; 2]
        );
        let mut huge = BatchSizes::starting_at(usize::MAX - 1);
        assert_eq!(huge.next_size(), usize::MAX - 1);
        assert_eq!(huge.next_size(), usize::MAX - 1);
    }
}
