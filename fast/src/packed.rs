//! Short byte strings packed into one u64, for hash tables whose keys are mostly a few bytes
//! long (pieces and tokens): one multiplication to hash, one comparison to match, no allocation.

/// The packed form of a byte string of at most seven bytes: byte i in bits 8i.., the length in
/// the top byte (so it equals `u64::from_le_bytes` of the bytes, zero-padded, with the length
/// last, and is never 0). Built in registers from two loads that overlap when the length is not
/// a power of two: a byte loop costs a mispredicted branch per piece (lengths vary from piece to
/// piece), and writing the bytes to memory to read them back as one word stalls on store
/// forwarding.
#[inline]
pub fn pack(bytes: &[u8]) -> Option<u64> {
    let n = bytes.len();
    let word = match n {
        0 => 0,
        1 => u64::from(bytes[0]),
        2..=3 => {
            let lo = u16::from_le_bytes([bytes[0], bytes[1]]);
            let hi = u16::from_le_bytes([bytes[n - 2], bytes[n - 1]]);
            // The bytes both halves hold sit at the same bits in each, so OR keeps them.
            u64::from(lo) | (u64::from(hi) << (8 * (n - 2)))
        }
        4..=7 => {
            let lo = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
            let hi = u32::from_le_bytes([bytes[n - 4], bytes[n - 3], bytes[n - 2], bytes[n - 1]]);
            u64::from(lo) | (u64::from(hi) << (8 * (n - 4)))
        }
        _ => return None,
    };
    Some(word | ((n as u64) << 56))
}

/// The bytes of a packed string, as an array whose last byte is the length.
#[inline]
pub fn unpack(packed: u64) -> [u8; 8] {
    packed.to_le_bytes()
}

/// The byte string inside [`unpack`]'s array.
#[inline]
pub fn unpacked(array: &[u8; 8]) -> &[u8] {
    &array[..usize::from(array[7])]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_round_trips_and_keeps_lengths_apart() {
        for bytes in [
            &b""[..],
            b"\x00",
            b"\x00\x00",
            b"a",
            b"abcdefg",
            b"\xff\xff\xff",
        ] {
            let packed = pack(bytes).unwrap();
            assert_eq!(unpacked(&unpack(packed)), bytes);
        }
        assert_ne!(pack(b"\x00"), pack(b"\x00\x00"));
        assert_eq!(pack(b"abcdefgh"), None);
    }

    #[test]
    fn packing_equals_the_bytes_zero_padded_with_the_length_last() {
        let source: Vec<u8> = (1..=8).map(|i| i * 37).collect();
        for n in 0..=7 {
            let bytes = &source[..n];
            let mut padded = [0u8; 8];
            padded[..n].copy_from_slice(bytes);
            padded[7] = n as u8;
            assert_eq!(pack(bytes), Some(u64::from_le_bytes(padded)), "length {n}");
        }
    }
}
