//! The split-pattern grammar of spec §2.2: alternation, sequence, quantifiers, groups and
//! flags, down to the characters (char_sets.rs).

use super::char_sets::{char_class, escape, literal};
use super::cursor::{Cursor, Flags};
use super::tree::{fixed_length, nullable, Assertion, GroupKind, Node, RepeatMode};
use crate::error::show_str;
use crate::unicode::CodepointSet;

pub const MAX_REPEAT: u32 = 1000;
pub const MAX_NESTING: usize = 60;

/// Parse a split pattern (the regex itself, not a name).
pub fn parse(pattern: &str) -> Result<Node, String> {
    let mut parser = Parser {
        cursor: Cursor::new(pattern),
        depth: 0,
    };
    let node = parser.alternation(&mut Flags::default())?;
    let cursor = &parser.cursor;
    if cursor.pos < cursor.chars.len() {
        return Err(cursor.fail("unbalanced ')'", cursor.pos));
    }
    Ok(node)
}

/// A pattern being parsed, and how deep in groups the parser is.
struct Parser<'p> {
    cursor: Cursor<'p>,
    depth: usize,
}

impl Parser<'_> {
    fn alternation(&mut self, flags: &mut Flags) -> Result<Node, String> {
        // Flags set by (?i) inside a group hold until the group closes, across '|' too.
        let mut branches = vec![self.concat(flags)?];
        while self.cursor.peek() == Some('|') {
            self.cursor.pos += 1;
            branches.push(self.concat(flags)?);
        }
        Ok(if branches.len() == 1 {
            branches.pop().unwrap_or(Node::Seq(Vec::new()))
        } else {
            Node::Alt(branches)
        })
    }

    fn concat(&mut self, flags: &mut Flags) -> Result<Node, String> {
        let mut items = Vec::new();
        while let Some(ch) = self.cursor.peek() {
            if ch == '|' || ch == ')' {
                break;
            }
            if let Some(atom) = self.atom(flags)? {
                items.push(self.quantified(atom)?);
            }
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Node::Seq(Vec::new()))
        } else {
            Node::Seq(items)
        })
    }

    fn atom(&mut self, flags: &mut Flags) -> Result<Option<Node>, String> {
        let start = self.cursor.pos;
        let ch = self.cursor.take()?;
        Ok(Some(match ch {
            '(' => return self.group(flags),
            '[' => Node::Set(char_class(&mut self.cursor, flags)?),
            '\\' => escape(&mut self.cursor, flags)?,
            '.' => Node::Set(if flags.dot_all {
                CodepointSet::all()
            } else {
                CodepointSet::single(0x0A).complement()
            }),
            '^' => Node::Assert(if flags.multi_line {
                Assertion::LineStart
            } else {
                Assertion::TextStart
            }),
            '$' => Node::Assert(if flags.multi_line {
                Assertion::LineEnd
            } else {
                Assertion::TextEnd
            }),
            '*' | '+' | '?' | '{' => {
                return Err(self
                    .cursor
                    .fail(&format!("nothing to repeat before '{ch}'"), start))
            }
            _ => literal(u32::from(ch), flags),
        }))
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, String> {
        let start = self.cursor.pos;
        let Some((min, max)) = self.quantifier()? else {
            return Ok(atom);
        };
        if nullable(&atom) {
            return Err(self.cursor.fail(
                "the target of a quantifier must not match the empty string (engines disagree on empty iterations)",
                start,
            ));
        }
        let mode = match self.cursor.peek() {
            Some('?') => {
                self.cursor.pos += 1;
                RepeatMode::Lazy
            }
            Some('+') => {
                self.cursor.pos += 1;
                RepeatMode::Possessive
            }
            _ => RepeatMode::Greedy,
        };
        if matches!(self.cursor.peek(), Some('*' | '+' | '?' | '{')) {
            return Err(self.cursor.fail("multiple repeat", self.cursor.pos));
        }
        Ok(Node::Repeat {
            node: Box::new(atom),
            min,
            max,
            mode,
        })
    }

    fn quantifier(&mut self) -> Result<Option<(u32, Option<u32>)>, String> {
        let simple = match self.cursor.peek() {
            Some('*') => Some((0, None)),
            Some('+') => Some((1, None)),
            Some('?') => Some((0, Some(1))),
            Some('{') => None,
            _ => return Ok(None),
        };
        if simple.is_some() {
            self.cursor.pos += 1;
            return Ok(simple);
        }
        let start = self.cursor.pos;
        let bad = || {
            self.cursor.fail(
                "'{' must open a repetition {n}, {n,}, {n,m} or {,m}; write \\{ for a literal brace",
                start,
            )
        };
        let end = self.cursor.find_from('}', start).ok_or_else(bad)?;
        let body = self.cursor.text(start + 1, end);
        let (low, comma, high) = match body.split_once(',') {
            Some((low, high)) => (low, true, high),
            None => (body.as_str(), false, ""),
        };
        let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if (low.is_empty() && !comma) || !digits(low) || !digits(high) {
            return Err(bad());
        }
        let number = |s: &str| -> Result<u32, String> {
            s.parse::<u64>()
                .ok()
                .filter(|&n| n <= u64::from(MAX_REPEAT))
                .map(|n| n as u32)
                .ok_or_else(|| {
                    self.cursor.fail(
                        &format!("repetition bounds above {MAX_REPEAT} are not supported"),
                        start,
                    )
                })
        };
        let low_n = if low.is_empty() { 0 } else { number(low)? };
        let high_n = match (comma, high.is_empty()) {
            (false, _) => Some(low_n),
            (true, true) => None,
            (true, false) => Some(number(high)?),
        };
        if high_n.is_some_and(|h| h < low_n) {
            return Err(self.cursor.fail("repetition {n,m} needs n <= m", start));
        }
        self.cursor.pos = end + 1;
        Ok(Some((low_n, high_n)))
    }

    fn group(&mut self, flags: &mut Flags) -> Result<Option<Node>, String> {
        let start = self.cursor.pos - 1;
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self
                .cursor
                .fail(&format!("groups nest deeper than {MAX_NESTING}"), start));
        }
        let mut kind = GroupKind::Plain;
        if self.cursor.peek() == Some('?') {
            self.cursor.pos += 1;
            const OPENERS: &[(&str, GroupKind)] = &[
                (":", GroupKind::Plain),
                (">", GroupKind::Atomic),
                ("=", GroupKind::Ahead),
                ("!", GroupKind::NotAhead),
                ("<=", GroupKind::Behind),
                ("<!", GroupKind::NotBehind),
            ];
            if let Some(&(prefix, k)) = OPENERS.iter().find(|(p, _)| self.cursor.peek_is(p)) {
                self.cursor.pos += prefix.chars().count();
                kind = k;
            } else if matches!(self.cursor.peek(), Some('P' | '<')) {
                self.group_name(start)?;
            } else {
                let mut inner = *flags;
                self.flag_change(&mut inner)?;
                if self.cursor.take()? == ')' {
                    // (?i) changes the flags of the rest of the enclosing group.
                    *flags = inner;
                    self.depth -= 1;
                    return Ok(None);
                }
                return self.close_group(GroupKind::Plain, inner, start).map(Some);
            }
        }
        self.close_group(kind, *flags, start).map(Some)
    }

    fn group_name(&mut self, start: usize) -> Result<(), String> {
        if self.cursor.peek() == Some('P') {
            self.cursor.pos += 1;
            if self.cursor.peek() != Some('<') {
                return Err(self.cursor.fail(
                    "backreferences and recursion are not supported in split patterns",
                    start,
                ));
            }
        }
        self.cursor.pos += 1;
        let end = self.cursor.find_from('>', self.cursor.pos);
        let name = end
            .map(|e| self.cursor.text(self.cursor.pos, e))
            .unwrap_or_default();
        let mut chars = name.chars();
        let valid = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        match end {
            Some(end) if valid => {
                self.cursor.pos = end + 1;
                Ok(())
            }
            _ => Err(self
                .cursor
                .fail("a group name must be an ASCII identifier", self.cursor.pos)),
        }
    }

    fn flag_change(&mut self, flags: &mut Flags) -> Result<(), String> {
        let mut on = true;
        while !matches!(self.cursor.peek(), Some(':' | ')')) {
            let ch = self.cursor.take()?;
            match ch {
                '-' if on => on = false,
                'i' => flags.case_insensitive = on,
                'm' => flags.multi_line = on,
                's' => flags.dot_all = on,
                _ => {
                    return Err(self.cursor.fail(
                        &format!(
                            "unknown flag {} (supported: i, m, s)",
                            show_str(&ch.to_string())
                        ),
                        self.cursor.pos - 1,
                    ))
                }
            }
        }
        Ok(())
    }

    fn close_group(&mut self, kind: GroupKind, flags: Flags, start: usize) -> Result<Node, String> {
        let mut flags = flags;
        let body = self.alternation(&mut flags)?;
        if self.cursor.peek() != Some(')') {
            return Err(self.cursor.fail("missing ')'", start));
        }
        self.cursor.pos += 1;
        self.depth -= 1;
        if matches!(kind, GroupKind::Behind | GroupKind::NotBehind) && fixed_length(&body).is_none()
        {
            return Err(self.cursor.fail(
                "a lookbehind must match a fixed number of characters",
                start,
            ));
        }
        Ok(Node::Group {
            kind,
            node: Box::new(body),
        })
    }
}
