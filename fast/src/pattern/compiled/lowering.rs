//! The two constructs that a priority-ordered automaton cannot run as they stand, each turned
//! into something it can, exactly, or refused:
//!
//! * An atomic group `(?>X)` (and so every possessive quantifier) commits to X's first match.
//!   X's own leftmost-first DFA finds that match: it is the last match the DFA reports before
//!   it dies. The group becomes that DFA, embedded as a deterministic fragment (one path), that
//!   leaves the fragment at a reported match only when no later one can come, and goes on past
//!   it only when a later one is certain. Both must be known from the next character alone
//!   (after the match's last character, reading one more either leads to a DFA state that can
//!   never report a match, or to one that reports one whatever comes next); a group where it
//!   is not stays with the general engine. `S*+`, `S{m,n}+`, `(?>a|ab)` and every atomic group
//!   of the deployed patterns are of the first kind.
//! * A lookahead `(?=X)` or `(?!X)` holds where X has some match, or none. Where that is decided
//!   by the next character alone (X reports a match before it, or cannot match after it, or
//!   matches whatever follows it) the lookahead becomes a condition on the next symbol, like
//!   `$`; `(?!\S)` is one. Other lookaheads stay with the general engine.

use super::alphabet::SymbolSet;
use super::determinize::{determinize, Dfa, MATCH};
use super::fragment::Fragment;
use super::nfa::{Builder, Condition, Env, Lowering};
use crate::pattern::syntax::Node;

/// What a DFA can still do from each state.
struct Facts<'d> {
    dfa: &'d Dfa,
    /// Some path from the state reports a match.
    can_match: Vec<bool>,
    /// The state reports a match on its next step, whatever the symbol.
    certain: Vec<bool>,
}

impl<'d> Facts<'d> {
    fn of(dfa: &'d Dfa) -> Self {
        let states = dfa.states();
        let symbols = dfa.symbols;
        let reports = |q: usize, y: usize| dfa.step(q as u32, y) & MATCH != 0;
        let certain = (0..states)
            .map(|q| (0..symbols).all(|y| reports(q, y)))
            .collect();
        // Backwards from the states that report a match, along the transitions reversed.
        let mut preds: Vec<Vec<u32>> = vec![Vec::new(); states];
        for q in 0..states {
            for y in 0..symbols {
                let to = (dfa.step(q as u32, y) & !MATCH) as usize;
                preds[to].push(q as u32);
            }
        }
        let mut can_match: Vec<bool> = (0..states)
            .map(|q| (0..symbols).any(|y| reports(q, y)))
            .collect();
        let mut work: Vec<u32> = (0..states as u32)
            .filter(|&q| can_match[q as usize])
            .collect();
        while let Some(q) = work.pop() {
            for &p in &preds[q as usize] {
                if !can_match[p as usize] {
                    can_match[p as usize] = true;
                    work.push(p);
                }
            }
        }
        can_match[0] = false;
        Facts {
            dfa,
            can_match,
            certain,
        }
    }

    /// Where the step of `state` on `symbol` leads, if that state can still report a match.
    fn live_target(&self, state: u32, symbol: usize) -> Option<u32> {
        let to = self.dfa.step(state, symbol) & !MATCH;
        self.can_match[to as usize].then_some(to)
    }

    fn reports(&self, state: u32, symbol: usize) -> bool {
        self.dfa.step(state, symbol) & MATCH != 0
    }
}

/// The DFA of `body` followed by a match.
fn body_dfa(env: &Env, body: &Node) -> Result<Dfa, String> {
    determinize(&Builder::automaton(env, &Lowered, body)?, env)
}

/// The constructions of this file, for the automaton builder.
pub struct Lowered;

impl Lowering for Lowered {
    fn atomic(&self, env: &Env, body: &Node) -> Result<Fragment, String> {
        atomic_fragment(env, body)
    }

    fn lookahead(&self, env: &Env, body: &Node, negate: bool) -> Result<Condition, String> {
        lookahead(env, body, negate)
    }
}

/// The fragment of `(?>body)`, or an error if its exits are not decided by one character.
fn atomic_fragment(env: &Env, body: &Node) -> Result<Fragment, String> {
    let dfa = body_dfa(env, body)?;
    let facts = Facts::of(&dfa);
    let symbols = dfa.symbols;
    let edge = env.edge();
    let mut next = vec![0u32; dfa.states() * symbols];
    let mut exit = vec![SymbolSet::default(); dfa.states()];
    for state in 1..dfa.states() as u32 {
        for symbol in 0..symbols {
            let reports = facts.reports(state, symbol);
            let live = if symbol == edge {
                None
            } else {
                facts.live_target(state, symbol)
            };
            match (reports, live) {
                (false, None) => {}
                (false, Some(to)) => next[state as usize * symbols + symbol] = to,
                (true, None) => exit[state as usize].insert(symbol),
                (true, Some(to)) if facts.certain[to as usize] => {
                    next[state as usize * symbols + symbol] = to
                }
                (true, Some(_)) => {
                    return Err(
                        "an atomic group or possessive quantifier whose match is not decided by the next character"
                            .into(),
                    )
                }
            }
        }
    }
    Ok(Fragment {
        symbols,
        next,
        exit,
        starts: dfa.starts.clone(),
    })
}

/// The condition `(?=body)` (or, negated, `(?!body)`) puts on a position, or an error if the
/// next character does not decide it.
fn lookahead(env: &Env, body: &Node, negate: bool) -> Result<Condition, String> {
    let dfa = body_dfa(env, body)?;
    let facts = Facts::of(&dfa);
    let symbols = dfa.symbols;
    let edge = env.edge();
    dfa.starts
        .iter()
        .map(|&start| {
            let mut holds = SymbolSet::default();
            for symbol in 0..symbols {
                let matches = if facts.reports(start, symbol) {
                    true
                } else if symbol == edge {
                    false
                } else {
                    match facts.live_target(start, symbol) {
                        None => false,
                        Some(to) if facts.certain[to as usize] => true,
                        Some(_) => {
                            return Err(
                                "a lookahead that the next character does not decide".to_owned()
                            )
                        }
                    }
                };
                if matches != negate {
                    holds.insert(symbol);
                }
            }
            Ok(holds)
        })
        .collect()
}
