//! The alphabet of a compiled pattern: the code points cut into classes that no set of the
//! pattern tells apart (so "is this character in that set" becomes "is its class in that set of
//! classes"), and the contexts a position can be in as far as the pattern's assertions about
//! the previous character care.
//!
//! The automata read one symbol per character: its class, `0..classes`. One more symbol,
//! `classes` itself, stands for "no character": the end of the text when reading ahead, the
//! start of the text when looking behind.

use std::collections::HashMap;

use super::super::code_point_table::CodePointTable;
use crate::unicode::{CodepointSet, MAX_SCALAR};

/// Classes are bytes, and one symbol more (the edge of the text) must fit beside them.
pub const MAX_CLASSES: usize = 255;

/// A set of symbols (classes and the edge of the text), as a bit set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SymbolSet([u64; 4]);

impl SymbolSet {
    /// Every symbol below `symbols`.
    pub fn below(symbols: usize) -> Self {
        let mut set = SymbolSet::default();
        for s in 0..symbols {
            set.insert(s);
        }
        set
    }

    #[inline(always)]
    pub fn contains(&self, symbol: usize) -> bool {
        self.0[symbol >> 6] & (1 << (symbol & 63)) != 0
    }

    pub fn insert(&mut self, symbol: usize) {
        self.0[symbol >> 6] |= 1 << (symbol & 63);
    }
}

pub struct Alphabet {
    /// The number of classes; the symbol `classes` is the edge of the text.
    pub classes: usize,
    /// A code point of each class: a set holds a whole class or none of it.
    representatives: Vec<u32>,
    table: CodePointTable,
}

impl Alphabet {
    /// The coarsest classes that every set in `sets` is a union of, or None if there would be
    /// more than [`MAX_CLASSES`].
    pub fn new(sets: &[&CodepointSet]) -> Option<Alphabet> {
        // Cut the code points at every run boundary; each interval between two cuts is inside
        // or outside each set as a whole, and intervals with the same memberships form a class.
        let mut cuts = vec![0u32];
        for set in sets {
            for &(first, last) in set.runs() {
                cuts.push(first);
                if last < MAX_SCALAR {
                    cuts.push(last + 1);
                }
            }
        }
        cuts.sort_unstable();
        cuts.dedup();
        let words = sets.len().div_ceil(64).max(1);
        let mut member = vec![0u64; cuts.len() * words];
        for (j, set) in sets.iter().enumerate() {
            for &(first, last) in set.runs() {
                let mut i = cuts.partition_point(|&cut| cut < first);
                while i < cuts.len() && cuts[i] <= last {
                    member[i * words + j / 64] |= 1 << (j % 64);
                    i += 1;
                }
            }
        }
        let mut class_of_memberships: HashMap<&[u64], u8> = HashMap::new();
        let mut representatives = Vec::new();
        let mut flat = vec![0u8; MAX_SCALAR as usize + 1];
        for (i, &first) in cuts.iter().enumerate() {
            let key = &member[i * words..(i + 1) * words];
            let class = match class_of_memberships.get(key) {
                Some(&class) => class,
                None => {
                    if representatives.len() == MAX_CLASSES {
                        return None;
                    }
                    representatives.push(first);
                    let class = (representatives.len() - 1) as u8;
                    class_of_memberships.insert(key, class);
                    class
                }
            };
            let end = cuts.get(i + 1).map_or(flat.len(), |&next| next as usize);
            flat[first as usize..end].fill(class);
        }
        Some(Alphabet {
            classes: representatives.len(),
            representatives,
            table: CodePointTable::from_flat(&flat),
        })
    }

    /// The classes whose characters are in `set` (which must be one of the sets given to
    /// [`Alphabet::new`], or a union of them, for the answer to be exact).
    pub fn symbols_of(&self, set: &CodepointSet) -> SymbolSet {
        let mut out = SymbolSet::default();
        for (class, &cp) in self.representatives.iter().enumerate() {
            if set.contains(cp) {
                out.insert(class);
            }
        }
        out
    }

    /// The class of code point `cp`.
    pub fn class_of(&self, cp: u32) -> usize {
        usize::from(self.table.get(cp))
    }

    pub fn table(&self) -> &CodePointTable {
        &self.table
    }
}

/// What the previous character can be, as far as the pattern's assertions about it can tell:
/// positions whose previous symbols (a class, or the start of the text) are in the same prefix
/// sets share a context. Patterns without lookbehinds or start anchors have one context.
pub struct Contexts {
    /// The number of contexts.
    pub count: usize,
    /// The context after each symbol: `of[class]`, and `of[classes]` at the start of the text.
    pub of: Vec<u8>,
    /// The sets of previous symbols the assertions test, and for each the contexts in it.
    tests: Vec<(SymbolSet, Vec<bool>)>,
}

impl Contexts {
    /// The contexts that tell apart every set in `behind` (sets of previous symbols), or None if
    /// there are too many sets to tell apart this way.
    pub fn new(symbols: usize, behind: &[SymbolSet]) -> Option<Contexts> {
        if behind.len() > 64 {
            return None;
        }
        let mut signature_context: HashMap<u64, u8> = HashMap::new();
        let mut of = Vec::with_capacity(symbols);
        for symbol in 0..symbols {
            let signature = behind
                .iter()
                .enumerate()
                .filter(|(_, set)| set.contains(symbol))
                .fold(0u64, |acc, (i, _)| acc | 1 << i);
            let next = signature_context.len() as u8;
            of.push(*signature_context.entry(signature).or_insert(next));
        }
        let count = signature_context.len();
        let tests = behind
            .iter()
            .map(|set| {
                let mut holds = vec![false; count];
                for symbol in 0..symbols {
                    if set.contains(symbol) {
                        holds[usize::from(of[symbol])] = true;
                    }
                }
                (*set, holds)
            })
            .collect();
        Some(Contexts { count, of, tests })
    }

    /// True if the previous symbol is in `set` in context `context` (`set` must be one of the
    /// sets given to [`Contexts::new`]).
    pub fn holds(&self, set: &SymbolSet, context: usize) -> bool {
        self.tests
            .iter()
            .find(|(s, _)| s == set)
            .is_some_and(|(_, holds)| holds[context])
    }
}
