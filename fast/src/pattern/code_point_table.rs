//! A two-level table from code point to a byte: one row of 256 values per block of code points,
//! identical rows shared (most blocks are unassigned or uniform), and the ASCII range on its own
//! so that the common case is one lookup.

use std::collections::HashMap;

use crate::unicode::MAX_SCALAR;

const BLOCK_BITS: u32 = 8;
const BLOCK: usize = 1 << BLOCK_BITS;

pub struct CodePointTable {
    ascii: [u8; 128],
    /// For each block of 256 code points, the index of its row in `rows`.
    block_row: Vec<u16>,
    rows: Vec<[u8; BLOCK]>,
}

impl CodePointTable {
    /// The table of `flat`, which holds a value for every code point from 0 to U+10FFFF.
    pub fn from_flat(flat: &[u8]) -> Self {
        assert_eq!(
            flat.len(),
            MAX_SCALAR as usize + 1,
            "a value per code point"
        );
        let mut ascii = [0u8; 128];
        ascii.copy_from_slice(&flat[..128]);
        let mut rows: Vec<[u8; BLOCK]> = Vec::new();
        let mut seen: HashMap<[u8; BLOCK], u16> = HashMap::new();
        let mut block_row = Vec::with_capacity(flat.len() / BLOCK);
        for chunk in flat.chunks(BLOCK) {
            let mut row = [0u8; BLOCK];
            row.copy_from_slice(chunk);
            // 0x1100 blocks at most, so the row index always fits.
            let index = *seen.entry(row).or_insert_with(|| {
                rows.push(row);
                (rows.len() - 1) as u16
            });
            block_row.push(index);
        }
        CodePointTable {
            ascii,
            block_row,
            rows,
        }
    }

    /// The value of an ASCII byte (the high bit is ignored).
    #[inline(always)]
    pub fn ascii(&self, byte: u8) -> u8 {
        self.ascii[usize::from(byte & 0x7F)]
    }

    /// The value of code point `cp` (at most U+10FFFF).
    #[inline(always)]
    pub fn get(&self, cp: u32) -> u8 {
        if cp < 128 {
            return self.ascii[cp as usize];
        }
        let row = self.block_row[(cp >> BLOCK_BITS) as usize] as usize;
        self.rows[row][(cp as usize) & (BLOCK - 1)]
    }

    /// The same table with every value `v` replaced by `map[v]`.
    pub fn remap(&self, map: &[u8]) -> Self {
        let mut ascii = self.ascii;
        let mut rows = self.rows.clone();
        for v in ascii.iter_mut().chain(rows.iter_mut().flatten()) {
            *v = map[usize::from(*v)];
        }
        CodePointTable {
            ascii,
            block_row: self.block_row.clone(),
            rows,
        }
    }
}
