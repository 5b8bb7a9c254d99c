//! The parsed pattern as an automaton whose choices are ordered (the first alternative, the
//! greedy "once more" before "stop"), over the classes of the alphabet, with assertions on
//! the characters on either side of a position, and with every atomic group already replaced by
//! the single path that backtracking would commit to (fragment.rs, built by lowering.rs).
//!
//! Quantifiers are unrolled: `X{2,4}` is two copies of X and then two optional copies, nested.
//! A possessive quantifier is the atomic group of its greedy form.

use std::cell::Cell;

use super::alphabet::{Alphabet, Contexts, SymbolSet};
use super::fragment::Fragment;
use crate::pattern::syntax::{Assertion, GroupKind, Node, RepeatMode};
use crate::unicode::CodepointSet;

pub type StateId = u32;

/// The largest automaton worth building: past this a pattern stays with the general engine.
const MAX_STATES: usize = 200_000;

pub enum State {
    /// Read one character whose class is in `set`.
    Char {
        set: SymbolSet,
        next: StateId,
    },
    /// Try each target in order.
    Split(Vec<StateId>),
    /// Go on only if the condition `pred` holds here.
    Assert {
        pred: u32,
        next: StateId,
    },
    /// Go on to the target for the context of this position.
    ByContext(Vec<StateId>),
    /// State `state` of an atomic group's fragment, whose states start at `base`; it leaves
    /// for `exit` where the group's match ends.
    Inner {
        fragment: u32,
        state: u32,
        base: StateId,
        exit: StateId,
    },
    Match,
}

/// A condition on a position: for each context (what the previous character was), the next
/// symbols for which it holds.
pub type Condition = Vec<SymbolSet>;

pub struct Nfa {
    pub states: Vec<State>,
    pub conditions: Vec<Condition>,
    pub fragments: Vec<Fragment>,
    pub start: StateId,
}

/// What every automaton of one pattern shares: its alphabet, its contexts, and the work it may
/// still spend being compiled.
pub struct Env<'a> {
    pub alphabet: &'a Alphabet,
    pub contexts: &'a Contexts,
    pub budget: Cell<u64>,
}

impl Env<'_> {
    /// The number of symbols: the classes and the edge of the text.
    pub fn symbols(&self) -> usize {
        self.alphabet.classes + 1
    }

    /// The symbol for "no character" (the end of the text ahead, its start behind).
    pub fn edge(&self) -> usize {
        self.alphabet.classes
    }

    /// Take `steps` from the budget; an error once it is spent.
    pub fn spend(&self, steps: u64) -> Result<(), String> {
        let left = self.budget.get();
        if left < steps {
            return Err("the pattern's automaton takes too long to build".into());
        }
        self.budget.set(left - steps);
        Ok(())
    }
}

/// The previous symbols that an assertion about the previous character accepts, for the nodes
/// that make one (lookbehinds and start anchors); None for other nodes.
pub fn behind_set(alphabet: &Alphabet, node: &Node) -> Option<Result<SymbolSet, String>> {
    let start = alphabet.classes;
    let mut set = SymbolSet::default();
    match node {
        Node::Assert(Assertion::TextStart) => set.insert(start),
        Node::Assert(Assertion::LineStart) => {
            set.insert(start);
            set.insert(alphabet.class_of(0x0A));
        }
        Node::Group {
            kind: GroupKind::Behind | GroupKind::NotBehind,
            node,
        } => {
            return Some(match one_character(node) {
                Some(Some(chars)) => Ok(alphabet.symbols_of(&chars)),
                // An empty lookbehind: true everywhere, the start of the text included.
                Some(None) => Ok(SymbolSet::below(start + 1)),
                None => Err("a lookbehind longer than one character".into()),
            });
        }
        _ => return None,
    }
    Some(Ok(set))
}

/// The characters a lookbehind body matches if it is one character from a set (`Some(Some)`)
/// or the empty string (`Some(None)`); None for anything else.
fn one_character(node: &Node) -> Option<Option<CodepointSet>> {
    match node {
        Node::Set(set) => Some(Some(set.clone())),
        Node::Seq(items) if items.is_empty() => Some(None),
        Node::Seq(items) if items.len() == 1 => one_character(&items[0]),
        Node::Group {
            kind: GroupKind::Plain | GroupKind::Atomic,
            node,
        } => one_character(node),
        Node::Repeat {
            node,
            min: 1,
            max: Some(1),
            ..
        } => one_character(node),
        Node::Alt(branches) => {
            let mut union = CodepointSet::default();
            for branch in branches {
                union = union.union(&one_character(branch)??);
            }
            Some(Some(union))
        }
        _ => None,
    }
}

/// What turns the constructs an ordered automaton cannot run as they stand into ones it can
/// (lowering.rs, which builds automata of its own with this builder: hence a trait).
pub trait Lowering {
    /// The first-match path of `(?>body)`.
    fn atomic(&self, env: &Env, body: &Node) -> Result<Fragment, String>;
    /// The condition `(?=body)`, or `(?!body)` if `negate`, puts on a position.
    fn lookahead(&self, env: &Env, body: &Node, negate: bool) -> Result<Condition, String>;
}

pub struct Builder<'e, 'a> {
    env: &'e Env<'a>,
    lowering: &'e dyn Lowering,
    nfa: Nfa,
}

impl<'e, 'a> Builder<'e, 'a> {
    /// The automaton of `node` followed by a match.
    pub fn automaton(
        env: &'e Env<'a>,
        lowering: &'e dyn Lowering,
        node: &Node,
    ) -> Result<Nfa, String> {
        let mut builder = Builder {
            env,
            lowering,
            nfa: Nfa {
                states: vec![State::Match],
                conditions: Vec::new(),
                fragments: Vec::new(),
                start: 0,
            },
        };
        builder.nfa.start = builder.compile(node, 0)?;
        Ok(builder.nfa)
    }

    fn push(&mut self, state: State) -> Result<StateId, String> {
        if self.nfa.states.len() >= MAX_STATES {
            return Err("the pattern's automaton has too many states".into());
        }
        self.nfa.states.push(state);
        Ok((self.nfa.states.len() - 1) as StateId)
    }

    fn condition(&mut self, condition: Condition, next: StateId) -> Result<StateId, String> {
        self.nfa.conditions.push(condition);
        let pred = (self.nfa.conditions.len() - 1) as u32;
        self.push(State::Assert { pred, next })
    }

    /// The states that match `node` and then go on to `next`; the first of them.
    fn compile(&mut self, node: &Node, next: StateId) -> Result<StateId, String> {
        let env = self.env;
        match node {
            Node::Set(set) => self.push(State::Char {
                set: env.alphabet.symbols_of(set),
                next,
            }),
            Node::Seq(items) => items
                .iter()
                .rev()
                .try_fold(next, |cont, item| self.compile(item, cont)),
            Node::Alt(branches) => {
                let targets = branches
                    .iter()
                    .map(|branch| self.compile(branch, next))
                    .collect::<Result<Vec<_>, _>>()?;
                self.push(State::Split(targets))
            }
            Node::Repeat {
                node: body,
                min,
                max,
                mode,
            } => {
                if *mode == RepeatMode::Possessive {
                    let greedy = Node::Repeat {
                        node: body.clone(),
                        min: *min,
                        max: *max,
                        mode: RepeatMode::Greedy,
                    };
                    return self.atomic(&greedy, next);
                }
                self.repeat(body, *min, *max, *mode == RepeatMode::Lazy, next)
            }
            Node::Group { kind, node: body } => match kind {
                GroupKind::Plain => self.compile(body, next),
                GroupKind::Atomic => self.atomic(body, next),
                GroupKind::Ahead | GroupKind::NotAhead => {
                    let negate = *kind == GroupKind::NotAhead;
                    let condition = self.lowering.lookahead(env, body, negate)?;
                    self.condition(condition, next)
                }
                GroupKind::Behind | GroupKind::NotBehind => {
                    let set = behind_set(env.alphabet, node)
                        .unwrap_or_else(|| Ok(SymbolSet::default()))?;
                    let negate = *kind == GroupKind::NotBehind;
                    self.behind(&set, negate, next)
                }
            },
            Node::Assert(assertion) => match assertion {
                Assertion::TextStart | Assertion::LineStart => {
                    let set = behind_set(env.alphabet, node)
                        .unwrap_or_else(|| Ok(SymbolSet::default()))?;
                    self.behind(&set, false, next)
                }
                Assertion::TextEnd | Assertion::LineEnd => {
                    let mut ahead = SymbolSet::default();
                    ahead.insert(env.edge());
                    if *assertion == Assertion::LineEnd {
                        ahead.insert(env.alphabet.class_of(0x0A));
                    }
                    self.condition(vec![ahead; env.contexts.count], next)
                }
            },
        }
    }

    /// An assertion that the previous symbol is in `set` (or, negated, is not).
    fn behind(&mut self, set: &SymbolSet, negate: bool, next: StateId) -> Result<StateId, String> {
        let contexts = self.env.contexts;
        let all = SymbolSet::below(self.env.symbols());
        let condition = (0..contexts.count)
            .map(|context| {
                if contexts.holds(set, context) != negate {
                    all
                } else {
                    SymbolSet::default()
                }
            })
            .collect();
        self.condition(condition, next)
    }

    /// `body{min,max}`, greedy or lazy: `min` copies, then either a loop or `max - min`
    /// nested optional copies, each of which may stop and go to `next`.
    fn repeat(
        &mut self,
        body: &Node,
        min: u32,
        max: Option<u32>,
        lazy: bool,
        next: StateId,
    ) -> Result<StateId, String> {
        let order = |again: StateId, stop: StateId| {
            if lazy {
                vec![stop, again]
            } else {
                vec![again, stop]
            }
        };
        let mut cont = next;
        match max {
            None => {
                let looped = self.push(State::Split(Vec::new()))?;
                let again = self.compile(body, looped)?;
                self.nfa.states[looped as usize] = State::Split(order(again, next));
                cont = looped;
            }
            Some(max) => {
                for _ in min..max {
                    let again = self.compile(body, cont)?;
                    cont = self.push(State::Split(order(again, next)))?;
                }
            }
        }
        for _ in 0..min {
            cont = self.compile(body, cont)?;
        }
        Ok(cont)
    }

    /// `(?>body)` then `next`: the fragment of the body's first match, embedded here.
    fn atomic(&mut self, body: &Node, next: StateId) -> Result<StateId, String> {
        let fragment = self.lowering.atomic(self.env, body)?;
        let base = self.nfa.states.len() as StateId;
        let index = self.nfa.fragments.len() as u32;
        for state in 0..fragment.states() {
            self.push(State::Inner {
                fragment: index,
                state: state as u32,
                base,
                exit: next,
            })?;
        }
        let starts = fragment.starts.iter().map(|&s| base + s).collect();
        self.nfa.fragments.push(fragment);
        self.push(State::ByContext(starts))
    }
}
