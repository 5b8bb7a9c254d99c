//! An atomic group's first match as the automaton runs it: a deterministic path over the
//! states of the group body's DFA (built in lowering.rs), embedded in the pattern's automaton.

use super::alphabet::SymbolSet;

/// An atomic group's first-match path as a deterministic fragment. Its states are those of the
/// body's DFA; state 0 (dead) is never entered.
pub struct Fragment {
    pub(super) symbols: usize,
    /// `next[state * symbols + symbol]`: the state after reading the symbol, 0 for none.
    pub(super) next: Vec<u32>,
    /// `exit[state]`: the next symbols before which the group's match ends here.
    pub(super) exit: Vec<SymbolSet>,
    /// The first state, for each context.
    pub(super) starts: Vec<u32>,
}

impl Fragment {
    pub fn states(&self) -> usize {
        self.exit.len()
    }

    #[inline]
    pub fn step(&self, state: u32, symbol: usize) -> Option<u32> {
        match self.next[state as usize * self.symbols + symbol] {
            0 => None,
            to => Some(to),
        }
    }

    #[inline]
    pub fn exits(&self, state: u32, symbol: usize) -> bool {
        self.exit[state as usize].contains(symbol)
    }
}
