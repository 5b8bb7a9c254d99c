//! Decoding the UTF-8 of a `str` one character at a time, for the splitters' inner loops.

/// The code point that starts at byte `i` of `bytes` and the offset after it. `bytes` must be
/// valid UTF-8 (the bytes of a `str`) and `i` a character boundary before its end.
#[inline(always)]
pub fn decode(bytes: &[u8], i: usize) -> (u32, usize) {
    let b0 = bytes[i];
    if b0 < 0x80 {
        (u32::from(b0), i + 1)
    } else if b0 < 0xE0 {
        (
            (u32::from(b0 & 0x1F) << 6) | u32::from(bytes[i + 1] & 0x3F),
            i + 2,
        )
    } else if b0 < 0xF0 {
        (
            (u32::from(b0 & 0x0F) << 12)
                | (u32::from(bytes[i + 1] & 0x3F) << 6)
                | u32::from(bytes[i + 2] & 0x3F),
            i + 3,
        )
    } else {
        (
            (u32::from(b0 & 0x07) << 18)
                | (u32::from(bytes[i + 1] & 0x3F) << 12)
                | (u32::from(bytes[i + 2] & 0x3F) << 6)
                | u32::from(bytes[i + 3] & 0x3F),
            i + 4,
        )
    }
}

/// The start of the character that ends at byte `i` (a character boundary after the start).
#[inline]
pub fn prev_start(bytes: &[u8], mut i: usize) -> usize {
    i -= 1;
    while bytes[i] & 0xC0 == 0x80 {
        i -= 1;
    }
    i
}

/// The length in bytes of the character whose first byte is `b0`.
#[inline(always)]
pub fn char_len(b0: u8) -> usize {
    match b0 {
        0..=0x7F => 1,
        0x80..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}
