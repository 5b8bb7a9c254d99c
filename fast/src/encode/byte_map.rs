//! A hash map keyed by byte strings, for the tokens too long to pack into a u64 (packed.rs) and
//! for the encoder's cache of merged pieces: most keys are 8 to 16 bytes (" information",
//! "_initialize"), and encoding looks one up for nearly every piece of that length. A general
//! hasher walks such a key behind length branches and a general comparison calls memcmp; here
//! both read the first and the last eight bytes (two loads that overlap below 16 bytes).

use hashbrown::hash_table::{Entry, HashTable};

use crate::packed::pack;

/// Byte strings to values; `K` is the key's owner (`Box<[u8]>`).
#[derive(Clone, Debug)]
pub struct ByteMap<K, V> {
    table: HashTable<(K, V)>,
}

impl<K, V> Default for ByteMap<K, V> {
    fn default() -> Self {
        ByteMap {
            table: HashTable::new(),
        }
    }
}

impl<K: AsRef<[u8]>, V> ByteMap<K, V> {
    pub fn len(&self) -> usize {
        self.table.len()
    }

    #[inline]
    pub fn get(&self, key: &[u8]) -> Option<&V> {
        self.table
            .find(hash_bytes(key), |(k, _)| same_bytes(k.as_ref(), key))
            .map(|(_, v)| v)
    }

    /// Set the value of `key`, returning the one it replaces.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        let hash = hash_bytes(key.as_ref());
        let entry = self.table.entry(
            hash,
            |(k, _)| same_bytes(k.as_ref(), key.as_ref()),
            |(k, _)| hash_bytes(k.as_ref()),
        );
        match entry {
            Entry::Occupied(mut occupied) => {
                Some(std::mem::replace(&mut occupied.get_mut().1, value))
            }
            Entry::Vacant(vacant) => {
                vacant.insert((key, value));
                None
            }
        }
    }
}

#[inline]
fn word_at(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

/// Multiply to 128 bits and fold the halves: every input bit reaches both the low bits (the
/// table's bucket index) and the high ones (its tag byte).
#[inline]
fn mix(a: u64, b: u64) -> u64 {
    let product = u128::from(a) * u128::from(b);
    (product as u64) ^ ((product >> 64) as u64)
}

const SEED: u64 = 0x9E37_79B9_7F4A_7C15;
const FACTOR: u64 = 0xD6E8_FEB8_6659_FD93;

/// The hash of a byte string: its length and every byte (each eight-byte word once; the last
/// word overlaps the one before it when the length is not a multiple of eight).
#[inline]
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    let mut hash = mix(SEED ^ n as u64, FACTOR);
    if let Some(packed) = pack(bytes) {
        return mix(hash ^ packed, FACTOR);
    }
    let mut at = 0;
    while at + 8 < n {
        hash = mix(hash ^ word_at(bytes, at), FACTOR);
        at += 8;
    }
    mix(hash ^ word_at(bytes, n - 8), FACTOR)
}

/// `a == b`, in two word comparisons when both are 8 to 16 bytes long.
#[inline]
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if (8..=16).contains(&n) {
        word_at(a, 0) == word_at(b, 0) && word_at(a, n - 8) == word_at(b, n - 8)
    } else {
        a == b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_are_same_and_unequal_ones_are_not() {
        let base: Vec<u8> = (0..40).collect();
        for n in 0..40 {
            let a = &base[..n];
            let copy = a.to_vec();
            assert!(same_bytes(a, &copy));
            assert_eq!(hash_bytes(a), hash_bytes(&copy));
            for flip in 0..n {
                let mut b = a.to_vec();
                b[flip] ^= 1;
                assert!(!same_bytes(a, &b), "length {n}, byte {flip}");
            }
            if n > 0 {
                assert!(!same_bytes(a, &base[..n - 1]));
            }
        }
    }

    #[test]
    fn a_map_finds_what_it_holds_and_nothing_else() {
        let keys: Vec<Vec<u8>> = (0..2000u32)
            .map(|i| format!("{}{i}", "x".repeat((i % 23) as usize)).into_bytes())
            .collect();
        let mut map: ByteMap<Box<[u8]>, u32> = ByteMap::default();
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(map.insert(key.clone().into_boxed_slice(), i as u32), None);
        }
        for (i, key) in keys.iter().enumerate() {
            assert_eq!(map.get(key), Some(&(i as u32)));
        }
        assert_eq!(map.len(), keys.len());
        assert_eq!(map.get(b"not a key"), None);
        assert_eq!(map.insert(keys[5].clone().into(), 0), Some(5));
        assert_eq!(map.get(&keys[5]), Some(&0));
    }
}
