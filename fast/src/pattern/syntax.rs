//! The split-pattern grammar of spec §2.2, parsed into a tree whose Unicode lookups are already
//! resolved to explicit code point sets. The twin of reference/bytebpe/pattern_language.py.

use crate::error::show_str;
use crate::unicode::{category_set, decimal_digits, white_space, CodepointSet, MAX_SCALAR};

pub const MAX_REPEAT: u32 = 1000;
pub const MAX_NESTING: usize = 100;

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

#[derive(Clone, Copy, Debug, Default)]
struct Flags {
    case_insensitive: bool,
    multi_line: bool,
    dot_all: bool,
}

/// Parse a split pattern (the regex itself, not a name).
pub fn parse(pattern: &str) -> Result<Node, String> {
    let mut parser = Parser {
        pattern,
        chars: pattern.chars().collect(),
        pos: 0,
        depth: 0,
    };
    let node = parser.alternation(&mut Flags::default())?;
    if parser.pos < parser.chars.len() {
        return Err(parser.fail("unbalanced ')'", parser.pos));
    }
    Ok(node)
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

struct Parser<'p> {
    pattern: &'p str,
    chars: Vec<char>,
    pos: usize,
    depth: usize,
}

const LITERAL_ESCAPES: &[(char, u32)] = &[
    ('t', 0x09),
    ('n', 0x0A),
    ('v', 0x0B),
    ('f', 0x0C),
    ('r', 0x0D),
    ('a', 0x07),
];

fn unsupported_escape(ch: char) -> Option<&'static str> {
    Some(match ch {
        'w' => {
            r"\w depends on Unicode word tables the spec does not pin; write a class such as [\p{L}\p{N}_]"
        }
        'W' => {
            r"\W depends on Unicode word tables the spec does not pin; write a class such as [^\p{L}\p{N}_]"
        }
        'b' => {
            r"\b depends on Unicode word tables the spec does not pin; use lookarounds over explicit classes"
        }
        'B' => {
            r"\B depends on Unicode word tables the spec does not pin; use lookarounds over explicit classes"
        }
        'k' => "backreferences are not supported in split patterns",
        _ => return None,
    })
}

impl Parser<'_> {
    fn fail(&self, message: &str, at: usize) -> String {
        format!(
            "invalid split pattern: {message} at position {at} in {}",
            show_str(self.pattern)
        )
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_is(&self, s: &str) -> bool {
        (self.pos..)
            .zip(s.chars())
            .all(|(i, c)| self.chars.get(i) == Some(&c))
    }

    fn take(&mut self) -> Result<char, String> {
        let ch = self
            .peek()
            .ok_or_else(|| self.fail("unexpected end of pattern", self.pos))?;
        self.pos += 1;
        Ok(ch)
    }

    fn find_from(&self, target: char, from: usize) -> Option<usize> {
        self.chars[from.min(self.chars.len())..]
            .iter()
            .position(|&c| c == target)
            .map(|i| i + from)
    }

    fn text(&self, from: usize, to: usize) -> String {
        self.chars[from..to].iter().collect()
    }

    fn alternation(&mut self, flags: &mut Flags) -> Result<Node, String> {
        // Flags set by (?i) inside a group hold until the group closes, across '|' too.
        let mut branches = vec![self.concat(flags)?];
        while self.peek() == Some('|') {
            self.pos += 1;
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
        while let Some(ch) = self.peek() {
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
        let start = self.pos;
        let ch = self.take()?;
        Ok(Some(match ch {
            '(' => return self.group(flags),
            '[' => Node::Set(self.char_class(flags)?),
            '\\' => self.escape(flags)?,
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
                return Err(self.fail(&format!("nothing to repeat before '{ch}'"), start))
            }
            _ => literal(u32::from(ch), flags),
        }))
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, String> {
        let start = self.pos;
        let Some((min, max)) = self.quantifier()? else {
            return Ok(atom);
        };
        if nullable(&atom) {
            return Err(self.fail(
                "the target of a quantifier must not match the empty string (engines disagree on empty iterations)",
                start,
            ));
        }
        let mode = match self.peek() {
            Some('?') => {
                self.pos += 1;
                RepeatMode::Lazy
            }
            Some('+') => {
                self.pos += 1;
                RepeatMode::Possessive
            }
            _ => RepeatMode::Greedy,
        };
        if matches!(self.peek(), Some('*' | '+' | '?' | '{')) {
            return Err(self.fail("multiple repeat", self.pos));
        }
        Ok(Node::Repeat {
            node: Box::new(atom),
            min,
            max,
            mode,
        })
    }

    fn quantifier(&mut self) -> Result<Option<(u32, Option<u32>)>, String> {
        let simple = match self.peek() {
            Some('*') => Some((0, None)),
            Some('+') => Some((1, None)),
            Some('?') => Some((0, Some(1))),
            Some('{') => None,
            _ => return Ok(None),
        };
        if simple.is_some() {
            self.pos += 1;
            return Ok(simple);
        }
        let start = self.pos;
        let bad = || {
            self.fail(
                "'{' must open a repetition {n}, {n,}, {n,m} or {,m}; write \\{ for a literal brace",
                start,
            )
        };
        let end = self.find_from('}', start).ok_or_else(bad)?;
        let body = self.text(start + 1, end);
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
                    self.fail(
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
            return Err(self.fail("repetition {n,m} needs n <= m", start));
        }
        self.pos = end + 1;
        Ok(Some((low_n, high_n)))
    }

    fn group(&mut self, flags: &mut Flags) -> Result<Option<Node>, String> {
        let start = self.pos - 1;
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.fail(&format!("groups nest deeper than {MAX_NESTING}"), start));
        }
        let mut kind = GroupKind::Plain;
        if self.peek() == Some('?') {
            self.pos += 1;
            const OPENERS: &[(&str, GroupKind)] = &[
                (":", GroupKind::Plain),
                (">", GroupKind::Atomic),
                ("=", GroupKind::Ahead),
                ("!", GroupKind::NotAhead),
                ("<=", GroupKind::Behind),
                ("<!", GroupKind::NotBehind),
            ];
            if let Some(&(prefix, k)) = OPENERS.iter().find(|(p, _)| self.peek_is(p)) {
                self.pos += prefix.chars().count();
                kind = k;
            } else if matches!(self.peek(), Some('P' | '<')) {
                self.group_name(start)?;
            } else {
                let mut inner = *flags;
                self.flag_change(&mut inner)?;
                if self.take()? == ')' {
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
        if self.peek() == Some('P') {
            self.pos += 1;
            if self.peek() != Some('<') {
                return Err(self.fail(
                    "backreferences and recursion are not supported in split patterns",
                    start,
                ));
            }
        }
        self.pos += 1;
        let end = self.find_from('>', self.pos);
        let name = end.map(|e| self.text(self.pos, e)).unwrap_or_default();
        let mut chars = name.chars();
        let valid = chars
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
        match end {
            Some(end) if valid => {
                self.pos = end + 1;
                Ok(())
            }
            _ => Err(self.fail("a group name must be an ASCII identifier", self.pos)),
        }
    }

    fn flag_change(&mut self, flags: &mut Flags) -> Result<(), String> {
        let mut on = true;
        while !matches!(self.peek(), Some(':' | ')')) {
            let ch = self.take()?;
            match ch {
                '-' if on => on = false,
                'i' => flags.case_insensitive = on,
                'm' => flags.multi_line = on,
                's' => flags.dot_all = on,
                _ => {
                    return Err(self.fail(
                        &format!(
                            "unknown flag {} (supported: i, m, s)",
                            show_str(&ch.to_string())
                        ),
                        self.pos - 1,
                    ))
                }
            }
        }
        Ok(())
    }

    fn close_group(&mut self, kind: GroupKind, flags: Flags, start: usize) -> Result<Node, String> {
        let mut flags = flags;
        let body = self.alternation(&mut flags)?;
        if self.peek() != Some(')') {
            return Err(self.fail("missing ')'", start));
        }
        self.pos += 1;
        self.depth -= 1;
        if matches!(kind, GroupKind::Behind | GroupKind::NotBehind) && fixed_length(&body).is_none()
        {
            return Err(self.fail(
                "a lookbehind must match a fixed number of characters",
                start,
            ));
        }
        Ok(Node::Group {
            kind,
            node: Box::new(body),
        })
    }

    fn escape(&mut self, flags: &Flags) -> Result<Node, String> {
        let start = self.pos - 1;
        if let Some(set) = self.class_escape(flags)? {
            return Ok(Node::Set(set));
        }
        match self.peek() {
            Some('A') => {
                self.pos += 1;
                Ok(Node::Assert(Assertion::TextStart))
            }
            Some('z' | 'Z') => {
                self.pos += 1;
                Ok(Node::Assert(Assertion::TextEnd))
            }
            _ => Ok(literal(self.escaped_char(start)?, flags)),
        }
    }

    /// `\p{..} \P{..} \s \S \d \D` as a set (case-folded under (?i)), or None if not one.
    fn class_escape(&mut self, flags: &Flags) -> Result<Option<CodepointSet>, String> {
        let Some(ch) = self.peek() else {
            return Ok(None);
        };
        let base = match ch {
            'p' | 'P' => {
                self.pos += 1;
                self.property_set()?
            }
            's' | 'S' => {
                self.pos += 1;
                white_space().clone()
            }
            'd' | 'D' => {
                self.pos += 1;
                decimal_digits().clone()
            }
            _ => return Ok(None),
        };
        let base = if flags.case_insensitive {
            base.fold_closure()
        } else {
            base
        };
        Ok(Some(if ch.is_uppercase() {
            base.complement()
        } else {
            base
        }))
    }

    fn property_set(&mut self) -> Result<CodepointSet, String> {
        let start = self.pos;
        let name = if self.peek() == Some('{') {
            let end = self
                .find_from('}', start)
                .ok_or_else(|| self.fail("missing '}' after \\p{", start))?;
            self.pos = end + 1;
            self.text(start + 1, end)
        } else {
            self.take()?.to_string()
        };
        category_set(&name).cloned().ok_or_else(|| {
            self.fail(
                &format!(
                    "unknown Unicode property {}: the spec pins General_Category only \
                     (L, Lu, Ll, Lt, Lm, Lo, LC, M, Mn, Mc, Me, N, Nd, Nl, No, P.., S.., Z.., C.. or their long names)",
                    show_str(&name)
                ),
                start,
            )
        })
    }

    fn escaped_char(&mut self, start: usize) -> Result<u32, String> {
        let ch = self.take()?;
        if let Some(&(_, cp)) = LITERAL_ESCAPES.iter().find(|(c, _)| *c == ch) {
            return Ok(cp);
        }
        if let Some(message) = unsupported_escape(ch) {
            return Err(self.fail(message, start));
        }
        if matches!(ch, 'x' | 'u' | 'U') {
            return self.hex_escape(ch, start);
        }
        if ch.is_ascii_digit() {
            return Err(self.fail(
                "backreferences and octal escapes are not supported in split patterns",
                start,
            ));
        }
        if ch.is_ascii_alphanumeric() {
            return Err(self.fail(&format!("unknown escape \\{ch}"), start));
        }
        Ok(u32::from(ch))
    }

    fn hex_escape(&mut self, kind: char, start: usize) -> Result<u32, String> {
        let digits = if self.peek() == Some('{') {
            match self.find_from('}', self.pos) {
                Some(end) => {
                    let digits = self.text(self.pos + 1, end);
                    self.pos = end + 1;
                    digits
                }
                None => String::new(),
            }
        } else {
            let width = match kind {
                'x' => 2,
                'u' => 4,
                _ => 8,
            };
            let end = (self.pos + width).min(self.chars.len());
            let digits = self.text(self.pos, end);
            self.pos += width;
            if digits.chars().count() == width {
                digits
            } else {
                String::new()
            }
        };
        let cp = if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_hexdigit()) {
            u32::from_str_radix(&digits, 16).ok()
        } else {
            None
        };
        match cp {
            Some(cp) if cp <= MAX_SCALAR && !(0xD800..=0xDFFF).contains(&cp) => Ok(cp),
            _ => Err(self.fail(
                &format!("\\{kind} must name a Unicode scalar value in hex"),
                start,
            )),
        }
    }

    fn char_class(&mut self, flags: &Flags) -> Result<CodepointSet, String> {
        let start = self.pos - 1;
        let negated = self.peek() == Some('^');
        if negated {
            self.pos += 1;
        }
        let mut runs: Vec<(u32, u32)> = Vec::new();
        let mut first = true;
        while first || self.peek() != Some(']') {
            if self.pos >= self.chars.len() {
                return Err(self.fail("missing ']'", start));
            }
            if self.peek() == Some('[') {
                return Err(self.fail(
                    "'[' inside a class must be escaped (nested and POSIX classes are not supported)",
                    self.pos,
                ));
            }
            for op in ["&&", "~~", "--"] {
                if self.peek_is(op) {
                    return Err(self.fail(
                        &format!(
                            "{} inside a class is ambiguous between engines; escape it",
                            show_str(op)
                        ),
                        self.pos,
                    ));
                }
            }
            first = false;
            let item_start = self.pos;
            let lo = if self.peek() == Some('\\') {
                self.pos += 1;
                if let Some(set) = self.class_escape(flags)? {
                    runs.extend_from_slice(set.runs());
                    continue;
                }
                if matches!(self.peek(), Some('A' | 'z' | 'Z')) {
                    return Err(self.fail("an assertion cannot stand in a class", item_start));
                }
                self.escaped_char(item_start)?
            } else {
                u32::from(self.take()?)
            };
            let is_range =
                self.peek() == Some('-') && !self.peek_is("-]") && self.pos + 1 < self.chars.len();
            if is_range {
                self.pos += 1;
                let hi_start = self.pos;
                let hi = if self.peek() == Some('\\') {
                    self.pos += 1;
                    if matches!(self.peek(), Some('p' | 'P' | 's' | 'S' | 'd' | 'D')) {
                        return Err(self.fail("a class escape cannot end a range", hi_start));
                    }
                    self.escaped_char(hi_start)?
                } else {
                    u32::from(self.take()?)
                };
                if hi < lo {
                    return Err(self.fail("a range must not run backwards", item_start));
                }
                runs.push((lo, hi));
            } else {
                runs.push((lo, lo));
            }
        }
        self.pos += 1;
        let mut set = CodepointSet::from_runs(runs);
        if flags.case_insensitive {
            set = set.fold_closure();
        }
        Ok(if negated { set.complement() } else { set })
    }
}

fn literal(cp: u32, flags: &Flags) -> Node {
    let set = CodepointSet::single(cp);
    Node::Set(if flags.case_insensitive {
        set.fold_closure()
    } else {
        set
    })
}
