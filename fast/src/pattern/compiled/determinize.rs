//! The subset construction for leftmost-first matching (as RE2 and regex-automata build their
//! DFAs): a DFA state is the ordered list of automaton states that are still alive at a
//! position, highest priority first, together with the position's context.
//!
//! A step from such a state reads the next symbol y. It first follows, in priority order, every
//! move that reads nothing (alternatives, loop exits, and assertions, which can be decided now
//! because both the previous character (the context) and the next one (y) are known). Each
//! state that reads a character in y's class puts its successor on the new list, in the order
//! met, the first occurrence kept. Reaching the match state means a match ends at this
//! position: every state after it in the order has lower priority and could only matter if
//! everything before it failed, so the step drops them. The match is reported on the step (a
//! match ending just before y), which is why every state has a step on the end of the text.
//!
//! Running the DFA from a position and keeping the position of the last reported match until
//! the DFA dies gives the match that backtracking finds: this is the classic equivalence of a
//! priority-ordered NFA simulation with backtracking, which holds here because no quantified
//! body can match the empty string (spec §2.2 rule 6), an automaton state's future depends on
//! nothing but the position, and the atomic groups are single paths already.

use std::collections::HashMap;

use super::nfa::{Env, Nfa, State, StateId};

/// Set on a transition when a match ends just before the symbol it reads.
pub const MATCH: u32 = 1 << 31;

/// The largest DFA worth building: past this a pattern stays with the general engine.
const MAX_DFA_STATES: usize = 20_000;
const MAX_TABLE: usize = 1 << 22;

pub struct Dfa {
    /// Symbols per state: the classes, then the end of the text.
    pub symbols: usize,
    /// `trans[state * symbols + symbol]`: the next state, with [`MATCH`] if a match ends before
    /// the symbol. State 0 is dead; every step on the end of the text goes there.
    pub trans: Vec<u32>,
    /// The state to start in, for each context.
    pub starts: Vec<u32>,
    /// The context of each state (what its position's previous character was).
    pub context: Vec<u8>,
}

impl Dfa {
    pub fn states(&self) -> usize {
        self.context.len()
    }

    /// The raw transition of `state` on `symbol` (target and [`MATCH`] flag).
    #[inline]
    pub fn step(&self, state: u32, symbol: usize) -> u32 {
        self.trans[state as usize * self.symbols + symbol]
    }
}

/// The DFA of `nfa`, or an error if it would be too large.
pub fn determinize(nfa: &Nfa, env: &Env) -> Result<Dfa, String> {
    let symbols = env.symbols();
    let edge = env.edge();
    let mut closure = Closure::new(nfa.states.len());
    let mut index: HashMap<(Vec<StateId>, u8), u32> = HashMap::new();
    let mut kernels: Vec<(Vec<StateId>, u8)> = vec![(Vec::new(), 0)];
    let mut intern = |kernel: Vec<StateId>, context: u8, kernels: &mut Vec<(Vec<StateId>, u8)>| {
        if kernel.is_empty() {
            return 0;
        }
        let key = (kernel, context);
        if let Some(&id) = index.get(&key) {
            return id;
        }
        let id = kernels.len() as u32;
        index.insert(key.clone(), id);
        kernels.push(key);
        id
    };
    let starts = (0..env.contexts.count)
        .map(|context| intern(vec![nfa.start], context as u8, &mut kernels))
        .collect();
    let mut trans = vec![0u32; symbols];
    let mut state = 1;
    while state < kernels.len() {
        if kernels.len() > MAX_DFA_STATES || kernels.len() * symbols > MAX_TABLE {
            return Err("the pattern's DFA has too many states".into());
        }
        let context = kernels[state].1;
        for symbol in 0..symbols {
            let (next, matched) = closure.step(nfa, env, &kernels[state].0, context, symbol)?;
            let target = if symbol == edge {
                0
            } else {
                intern(next, env.contexts.of[symbol], &mut kernels)
            };
            trans.push(target | if matched { MATCH } else { 0 });
        }
        state += 1;
    }
    Ok(Dfa {
        symbols,
        trans,
        starts,
        context: kernels.iter().map(|(_, context)| *context).collect(),
    })
}

/// Scratch space for one step: the depth-first walk of the moves that read nothing.
struct Closure {
    visited: Vec<u32>,
    queued: Vec<u32>,
    generation: u32,
    stack: Vec<StateId>,
}

impl Closure {
    fn new(states: usize) -> Self {
        Closure {
            visited: vec![0; states],
            queued: vec![0; states],
            generation: 0,
            stack: Vec::new(),
        }
    }

    /// From the states `kernel` (in priority order) in `context`, read `symbol`: the states
    /// after it in priority order, and whether a match ends before it.
    fn step(
        &mut self,
        nfa: &Nfa,
        env: &Env,
        kernel: &[StateId],
        context: u8,
        symbol: usize,
    ) -> Result<(Vec<StateId>, bool), String> {
        self.generation += 1;
        let generation = self.generation;
        let context = usize::from(context);
        let reads = symbol < env.edge();
        let mut next = Vec::new();
        let mut visits = 0u64;
        let add = |state: StateId, queued: &mut Vec<u32>, next: &mut Vec<StateId>| {
            if queued[state as usize] != generation {
                queued[state as usize] = generation;
                next.push(state);
            }
        };
        for &root in kernel {
            self.stack.push(root);
            // A walk with an explicit stack, children pushed in reverse, marked when taken:
            // the same order as a recursive depth-first walk.
            while let Some(id) = self.stack.pop() {
                if self.visited[id as usize] == generation {
                    continue;
                }
                self.visited[id as usize] = generation;
                visits += 1;
                match &nfa.states[id as usize] {
                    State::Char { set, next: to } => {
                        if reads && set.contains(symbol) {
                            add(*to, &mut self.queued, &mut next);
                        }
                    }
                    State::Split(targets) => self.stack.extend(targets.iter().rev()),
                    State::Assert { pred, next: to } => {
                        if nfa.conditions[*pred as usize][context].contains(symbol) {
                            self.stack.push(*to);
                        }
                    }
                    State::ByContext(targets) => self.stack.push(targets[context]),
                    State::Inner {
                        fragment,
                        state,
                        base,
                        exit,
                    } => {
                        let fragment = &nfa.fragments[*fragment as usize];
                        if reads {
                            if let Some(to) = fragment.step(*state, symbol) {
                                add(base + to, &mut self.queued, &mut next);
                            }
                        }
                        if fragment.exits(*state, symbol) {
                            self.stack.push(*exit);
                        }
                    }
                    State::Match => {
                        self.stack.clear();
                        env.spend(visits)?;
                        return Ok((next, true));
                    }
                }
            }
        }
        env.spend(visits)?;
        Ok((next, false))
    }
}
