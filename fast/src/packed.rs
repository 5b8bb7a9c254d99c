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

/// The packed form of a byte string of eight to fifteen bytes, laid out as [`pack`]'s in a
/// u128 (the bytes, then the length in the top byte), built from two overlapping 8-byte loads.
#[inline]
pub fn pack_medium(bytes: &[u8]) -> Option<u128> {
    let n = bytes.len();
    if !(8..=15).contains(&n) {
        return None;
    }
    let lo = u64::from_le_bytes(bytes[..8].try_into().ok()?);
    let hi = u64::from_le_bytes(bytes[n - 8..].try_into().ok()?);
    Some(u128::from(lo) | (u128::from(hi) << (8 * (n - 8))) | ((n as u128) << 120))
}

/// The byte string inside a [`pack_medium`] key, copied out.
#[inline]
pub fn unpack_medium(packed: &u128) -> ([u8; 16], usize) {
    let array = packed.to_le_bytes();
    (array, usize::from(array[15]))
}

/// The byte string inside a [`pack_medium`] key's little-endian bytes.
#[inline]
pub fn unpacked_medium(array: &[u8; 16]) -> &[u8] {
    &array[..usize::from(array[15])]
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
    fn medium_packing_round_trips_for_eight_to_fifteen_bytes_only() {
        let source: Vec<u8> = (1..=16u32).map(|i| (i * 29) as u8).collect();
        for n in 0..=16 {
            let bytes = &source[..n];
            match pack_medium(bytes) {
                Some(key) => {
                    let (array, len) = unpack_medium(&key);
                    assert_eq!(&array[..len], bytes, "length {n}");
                    assert_eq!(unpacked_medium(&key.to_le_bytes()), bytes, "length {n}");
                }
                None => assert!(!(8..=15).contains(&n), "length {n}"),
            }
        }
        assert_ne!(pack_medium(&[0; 8]), pack_medium(&[0; 9]));
    }

    #[test]
    fn packing_equals_the_bytes_zero_padded_with_the_length_last() {
        let source: Vec<u8> = (1..=8u32).map(|i| (i * 37) as u8).collect();
        for n in 0..=7 {
            let bytes = &source[..n];
            let mut padded = [0u8; 8];
            padded[..n].copy_from_slice(bytes);
            padded[7] = n as u8;
            assert_eq!(pack(bytes), Some(u64::from_le_bytes(padded)), "length {n}");
        }
    }
}
