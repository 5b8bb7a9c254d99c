//! A two-level lookup table from code point to the character classes the named patterns test,
//! built once from the pinned Unicode 16.0.0 sets (so the hand-written splitters follow exactly
//! the same data as the regex path).

use std::sync::OnceLock;

use super::code_point_table::CodePointTable;
use crate::unicode::{category_set, white_space, CodepointSet, MAX_SCALAR};

/// `\p{L}`
pub const LETTER: u8 = 1;
/// `\p{N}`
pub const NUMBER: u8 = 2;
/// `\s` (White_Space)
pub const SPACE: u8 = 4;
/// `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]`, o200k's "upper" class
pub const UPPERISH: u8 = 8;
/// `[\p{Ll}\p{Lm}\p{Lo}\p{M}]`, o200k's "lower" class
pub const LOWERISH: u8 = 16;

pub struct CharClasses {
    table: CodePointTable,
}

impl CharClasses {
    /// The classes of an ASCII byte.
    #[inline(always)]
    pub fn ascii(&self, byte: u8) -> u8 {
        self.table.ascii(byte)
    }

    /// The classes of the character whose code point is `cp`.
    #[inline(always)]
    pub fn of(&self, cp: u32) -> u8 {
        self.table.get(cp)
    }
}

/// The table, built on first use from the pinned sets.
pub fn classes() -> &'static CharClasses {
    static TABLE: OnceLock<CharClasses> = OnceLock::new();
    TABLE.get_or_init(build)
}

fn union(names: &[&str]) -> CodepointSet {
    names.iter().fold(CodepointSet::default(), |acc, name| {
        acc.union(category_set(name).expect("a General_Category value"))
    })
}

fn build() -> CharClasses {
    let sets: [(u8, CodepointSet); 5] = [
        (LETTER, union(&["L"])),
        (NUMBER, union(&["N"])),
        (SPACE, white_space().clone()),
        (UPPERISH, union(&["Lu", "Lt", "Lm", "Lo", "M"])),
        (LOWERISH, union(&["Ll", "Lm", "Lo", "M"])),
    ];
    let mut flat = vec![0u8; (MAX_SCALAR as usize) + 1];
    for (bit, set) in &sets {
        for &(first, last) in set.runs() {
            for cp in first..=last {
                flat[cp as usize] |= bit;
            }
        }
    }
    CharClasses {
        table: CodePointTable::from_flat(&flat),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_agrees_with_the_sets_on_every_scalar_value() {
        let table = classes();
        let letter = category_set("L").unwrap();
        let number = category_set("N").unwrap();
        let lower = union(&["Ll", "Lm", "Lo", "M"]);
        for cp in (0..=MAX_SCALAR).filter(|cp| char::from_u32(*cp).is_some()) {
            let c = table.of(cp);
            assert_eq!(c & LETTER != 0, letter.contains(cp), "{cp:X}");
            assert_eq!(c & NUMBER != 0, number.contains(cp), "{cp:X}");
            assert_eq!(c & SPACE != 0, white_space().contains(cp), "{cp:X}");
            assert_eq!(c & LOWERISH != 0, lower.contains(cp), "{cp:X}");
        }
    }
}
