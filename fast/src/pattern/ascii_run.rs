//! Runs of ASCII letters found eight bytes at a time. Most pieces of most text are short ASCII
//! words, and a loop over single bytes mispredicts its exit once per word; a word's end found
//! in one 64-bit step does not.

const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The end of the run of ASCII letters (`[A-Za-z]`) that starts at byte `i` of `bytes`.
#[inline]
pub fn ascii_letters_end(bytes: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = bytes.get(i..).and_then(|rest| rest.first_chunk::<8>()) {
        let others = !ascii_letters(u64::from_le_bytes(*chunk)) & HIGH_BITS;
        if others != 0 {
            return i + (others.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
        i += 1;
    }
    i
}

/// The high bit of each byte of `word` set where that byte is an ASCII letter, `[A-Za-z]` (the
/// ASCII part of `\p{L}`), and clear elsewhere. Each byte is brought below 0x80 first, so that the
/// additions below never carry into the next byte.
#[inline(always)]
fn ascii_letters(word: u64) -> u64 {
    const LOW_BITS: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const EACH: u64 = 0x0101_0101_0101_0101;
    let lower = (word | (0x20 * EACH)) & LOW_BITS; // 'A'..='Z' onto 'a'..='z'
    let from_a = lower + (0x80 - u64::from(b'a')) * EACH; // high bit: lower >= 'a'
    let past_z = lower + (0x80 - u64::from(b'z') - 1) * EACH; // high bit: lower > 'z'
    from_a & !past_z & !word & HIGH_BITS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_letters_marks_exactly_the_ascii_letters_in_every_lane() {
        for lane in 0..8 {
            for byte in 0..=255u8 {
                // The byte under test in one lane, neighbours that would carry or borrow into it.
                let mut bytes = [0xFFu8; 8];
                bytes[lane] = byte;
                let marks = ascii_letters(u64::from_le_bytes(bytes)).to_le_bytes();
                for (k, mark) in marks.iter().enumerate() {
                    let expected = bytes[k].is_ascii_alphabetic();
                    assert_eq!(*mark == 0x80, expected, "byte {:#x} lane {k}", bytes[k]);
                    assert!(*mark == 0 || *mark == 0x80);
                }
                bytes = [b'a'; 8];
                bytes[lane] = byte;
                let marks = ascii_letters(u64::from_le_bytes(bytes)).to_le_bytes();
                assert_eq!(marks[lane] == 0x80, byte.is_ascii_alphabetic(), "{byte:#x}");
            }
        }
    }

    #[test]
    fn the_run_ends_at_the_first_byte_that_is_not_an_ascii_letter() {
        let text = "abcdefghijKLMNOPQRstu-vwxyz é";
        for start in 0..text.len() {
            let bytes = text.as_bytes();
            let expected = (start..bytes.len())
                .find(|&i| !bytes[i].is_ascii_alphabetic())
                .unwrap_or(bytes.len());
            assert_eq!(ascii_letters_end(bytes, start), expected, "{start}");
        }
    }
}
