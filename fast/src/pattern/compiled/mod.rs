//! Any split pattern compiled into a DFA that gives exactly the pieces of backtracking
//! (leftmost-first) matching, or a reason why this pattern stays with the general engine.
//!
//! * alphabet.rs: the characters cut into the classes the pattern's sets tell apart, and the
//!   contexts its lookbehinds and start anchors tell apart;
//! * nfa.rs: the parsed tree as an automaton with ordered choices and position assertions;
//! * lowering.rs: atomic groups, possessive quantifiers and lookaheads, made into things such
//!   an automaton runs exactly (where one character of lookahead decides them);
//! * fragment.rs: an atomic group's first match as such a thing, a deterministic path;
//! * determinize.rs: the leftmost-first subset construction, and why it agrees with
//!   backtracking;
//! * matcher.rs: the tables at run time and the piece loop of spec §2.4.
//!
//! What stays with the general engine: lookbehinds longer than one character, atomic groups and
//! lookaheads that one character of lookahead does not decide (`(?>abc|a)`, `(?=ab)`), and
//! patterns whose automata would be too large (more than 255 classes, or many thousands of
//! states). The equivalence tests (fast/tests/compiled.rs) compare this engine with the general
//! one; the Python differential tests, whose custom and random patterns reach it through
//! `_fast.split`, compare it with the reference.

mod alphabet;
mod determinize;
mod fragment;
mod lowering;
mod matcher;
mod nfa;

use std::cell::Cell;

use crate::pattern::syntax::{Assertion, Node};
use crate::unicode::CodepointSet;
use alphabet::{Alphabet, Contexts};
use lowering::Lowered;
pub use matcher::Matcher;
use nfa::{behind_set, Builder, Env};

/// Steps of automaton construction a pattern may take before it stays with the general engine
/// (a deployed pattern takes a few thousand).
const BUDGET: u64 = 20_000_000;

/// The DFA matcher of a parsed pattern, or why there is none.
pub fn compile(tree: &Node) -> Result<Matcher, String> {
    let mut sets: Vec<&CodepointSet> = Vec::new();
    let mut line_anchors = false;
    walk(tree, &mut |node| match node {
        Node::Set(set) => sets.push(set),
        Node::Assert(Assertion::LineStart | Assertion::LineEnd) => line_anchors = true,
        _ => {}
    });
    let newline = CodepointSet::single(0x0A);
    if line_anchors {
        sets.push(&newline);
    }
    let alphabet = Alphabet::new(&sets).ok_or("more than 255 classes of characters")?;
    let mut behind = Vec::new();
    let mut refused = None;
    walk(tree, &mut |node| match behind_set(&alphabet, node) {
        Some(Ok(set)) if !behind.contains(&set) => behind.push(set),
        Some(Err(reason)) => refused = Some(reason),
        _ => {}
    });
    if let Some(reason) = refused {
        return Err(reason);
    }
    let contexts =
        Contexts::new(alphabet.classes + 1, &behind).ok_or("more than 64 distinct lookbehinds")?;
    let env = Env {
        alphabet: &alphabet,
        contexts: &contexts,
        budget: Cell::new(BUDGET),
    };
    let nfa = Builder::automaton(&env, &Lowered, tree)?;
    let dfa = determinize::determinize(&nfa, &env)?;
    Ok(Matcher::new(&alphabet, &contexts, &dfa))
}

/// Call `visit` on every node of `tree`, parents first.
fn walk<'n>(node: &'n Node, visit: &mut impl FnMut(&'n Node)) {
    visit(node);
    match node {
        Node::Seq(items) | Node::Alt(items) => {
            for item in items {
                walk(item, visit);
            }
        }
        Node::Repeat { node, .. } | Node::Group { node, .. } => walk(node, visit),
        Node::Set(_) | Node::Assert(_) => {}
    }
}
