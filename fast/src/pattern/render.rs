//! Render a parsed split pattern as a fancy-regex pattern with no Unicode-dependent construct
//! left: every class is a list of explicit code point runs, so the engine's tables never matter.

use std::fmt::Write;

use super::syntax::{Assertion, GroupKind, Node, RepeatMode};
use crate::unicode::CodepointSet;

pub fn render(node: &Node) -> String {
    let mut out = String::new();
    render_into(node, &mut out);
    out
}

fn render_into(node: &Node, out: &mut String) {
    match node {
        Node::Set(set) => render_set(set, out),
        Node::Seq(items) => {
            for item in items {
                if matches!(item, Node::Alt(_)) {
                    out.push_str("(?:");
                    render_into(item, out);
                    out.push(')');
                } else {
                    render_into(item, out);
                }
            }
        }
        Node::Alt(branches) => {
            for (i, branch) in branches.iter().enumerate() {
                if i > 0 {
                    out.push('|');
                }
                render_into(branch, out);
            }
        }
        Node::Group { kind, node } => {
            out.push_str(match kind {
                GroupKind::Plain => "(?:",
                GroupKind::Atomic => "(?>",
                GroupKind::Ahead => "(?=",
                GroupKind::NotAhead => "(?!",
                GroupKind::Behind => "(?<=",
                GroupKind::NotBehind => "(?<!",
            });
            render_into(node, out);
            out.push(')');
        }
        // Line anchors as lookarounds, so that no engine's multi-line rules come into play.
        Node::Assert(assertion) => out.push_str(match assertion {
            Assertion::TextStart => r"\A",
            Assertion::TextEnd => r"\z",
            Assertion::LineStart => r"(?<![^\n])",
            Assertion::LineEnd => r"(?![^\n])",
        }),
        Node::Repeat {
            node,
            min,
            max,
            mode,
        } => {
            let atomic = matches!(**node, Node::Set(_) | Node::Group { .. });
            if !atomic {
                out.push_str("(?:");
            }
            render_into(node, out);
            if !atomic {
                out.push(')');
            }
            match (*min, *max) {
                (0, None) => out.push('*'),
                (1, None) => out.push('+'),
                (0, Some(1)) => out.push('?'),
                (low, Some(high)) if low == high => {
                    let _ = write!(out, "{{{low}}}");
                }
                (low, None) => {
                    let _ = write!(out, "{{{low},}}");
                }
                (low, Some(high)) => {
                    let _ = write!(out, "{{{low},{high}}}");
                }
            }
            match mode {
                RepeatMode::Greedy => {}
                RepeatMode::Lazy => out.push('?'),
                RepeatMode::Possessive => out.push('+'),
            }
        }
    }
}

fn push_char(cp: u32, out: &mut String) {
    match char::from_u32(cp) {
        Some(c) if c.is_ascii_alphanumeric() => out.push(c),
        _ => {
            let _ = write!(out, "\\x{{{cp:X}}}");
        }
    }
}

fn render_set(set: &CodepointSet, out: &mut String) {
    match set.runs() {
        [] => out.push_str(r"[^\x{0}-\x{10FFFF}]"),
        [(lo, hi)] if lo == hi => push_char(*lo, out),
        runs => {
            out.push('[');
            for &(lo, hi) in runs {
                push_char(lo, out);
                if hi > lo {
                    out.push('-');
                    push_char(hi, out);
                }
            }
            out.push(']');
        }
    }
}
