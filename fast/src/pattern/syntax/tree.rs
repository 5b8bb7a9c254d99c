//! The tree a split pattern parses into, every Unicode lookup already resolved to a set of code
//! points, and what the parser asks of a part of it.

use crate::unicode::CodepointSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RepeatMode {
    Greedy,
    Lazy,
    Possessive,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupKind {
    Plain,
    Atomic,
    Ahead,
    NotAhead,
    Behind,
    NotBehind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Assertion {
    TextStart,
    TextEnd,
    LineStart,
    LineEnd,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    Set(CodepointSet),
    Seq(Vec<Node>),
    Alt(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
        mode: RepeatMode,
    },
    Group {
        kind: GroupKind,
        node: Box<Node>,
    },
    Assert(Assertion),
}

/// True if `node` can match the empty string (assertions and lookarounds always do).
pub fn nullable(node: &Node) -> bool {
    match node {
        Node::Set(_) => false,
        Node::Seq(items) => items.iter().all(nullable),
        Node::Alt(branches) => branches.iter().any(nullable),
        Node::Repeat { node, min, .. } => *min == 0 || nullable(node),
        Node::Group { kind, node } => match kind {
            GroupKind::Plain | GroupKind::Atomic => nullable(node),
            _ => true,
        },
        Node::Assert(_) => true,
    }
}

/// The number of characters every match of `node` has, or None if it varies.
pub fn fixed_length(node: &Node) -> Option<u32> {
    match node {
        Node::Set(_) => Some(1),
        Node::Assert(_) => Some(0),
        Node::Seq(items) => items
            .iter()
            .try_fold(0u32, |sum, item| Some(sum + fixed_length(item)?)),
        Node::Alt(branches) => {
            let first = fixed_length(&branches[0])?;
            branches[1..]
                .iter()
                .all(|b| fixed_length(b) == Some(first))
                .then_some(first)
        }
        Node::Repeat { node, min, max, .. } => {
            let inner = fixed_length(node)?;
            (Some(*min) == *max).then_some(inner * min)
        }
        Node::Group { kind, node } => match kind {
            GroupKind::Plain | GroupKind::Atomic => fixed_length(node),
            _ => Some(0),
        },
    }
}
