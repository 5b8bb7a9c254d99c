//! Short byte strings packed into one u64, for hash tables whose keys are mostly a few bytes
//! long (pieces and tokens): one multiplication to hash, one comparison to match, no allocation.

/// The packed form of a byte string of at most seven bytes: byte i in bits 8i.., the length in
/// the top byte (so it equals `u64::from_le_bytes` of the bytes, zero-padded, with the length
/// last, and is never 0). Built in registers: writing the bytes to memory and reading them back
/// as one word would stall on store forwarding, on every call.
#[inline]
pub fn pack(bytes: &[u8]) -> Option<u64> {
    if bytes.len() > 7 {
        return None;
    }
    let word = bytes
        .iter()
        .rev()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    Some(word | ((bytes.len() as u64) << 56))
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
}
