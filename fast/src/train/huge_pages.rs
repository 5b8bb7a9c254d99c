//! Asking Linux to back a large array with huge pages.
//!
//! The merge loop visits the arena's nodes out of order; over hundreds of megabytes of 4 KiB
//! pages nearly every visit also misses the TLB, and the first touch of each page is a page
//! fault. Many distributions run transparent huge pages in "madvise" mode, where only memory
//! that asks for them gets 2 MiB pages. Elsewhere (other systems, or huge pages switched off)
//! this does nothing.

/// Ask for huge pages under the unused capacity of `buffer`; call it before the memory is
/// first written, so that the page faults that follow allocate huge pages.
pub fn advise<T>(buffer: &mut Vec<T>) {
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        const WORTH_IT: usize = 8 << 20;
        let spare = buffer.spare_capacity_mut();
        let bytes = std::mem::size_of_val(spare);
        if bytes < WORTH_IT {
            return;
        }
        let start = spare.as_mut_ptr() as usize;
        let aligned = start.next_multiple_of(PAGE);
        let length = (bytes - (aligned - start)) / PAGE * PAGE;
        // SAFETY: madvise with MADV_HUGEPAGE only changes how the kernel backs the pages; it
        // neither reads nor writes them nor changes their contents or validity. The range lies
        // inside the vector's own allocation (page-aligned inward), which lives for this call.
        unsafe {
            libc::madvise(aligned as *mut libc::c_void, length, libc::MADV_HUGEPAGE);
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = buffer;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advised_buffers_hold_what_is_written() {
        for length in [0usize, 10, 3 << 20] {
            let mut buffer: Vec<u64> = Vec::with_capacity(length);
            advise(&mut buffer);
            buffer.extend(0..length as u64);
            assert!(buffer.iter().enumerate().all(|(i, &x)| x == i as u64));
        }
    }
}
