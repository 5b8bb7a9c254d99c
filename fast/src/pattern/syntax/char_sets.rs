//! The parts of a pattern that stand for characters: escapes (`\p{..}`, `\s`, `\x41`, ...) and
//! bracketed classes, each parsed into a set of code points, case-folded under (?i).

use super::cursor::{Cursor, Flags};
use super::tree::{Assertion, Node};
use crate::error::show_str;
use crate::unicode::{category_set, decimal_digits, white_space, CodepointSet, MAX_SCALAR};

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

/// The escape after a backslash (already taken): a set, an assertion or one character.
pub fn escape(cursor: &mut Cursor, flags: &Flags) -> Result<Node, String> {
    let start = cursor.pos - 1;
    if let Some(set) = class_escape(cursor, flags)? {
        return Ok(Node::Set(set));
    }
    match cursor.peek() {
        Some('A') => {
            cursor.pos += 1;
            Ok(Node::Assert(Assertion::TextStart))
        }
        Some('z' | 'Z') => {
            cursor.pos += 1;
            Ok(Node::Assert(Assertion::TextEnd))
        }
        _ => Ok(literal(escaped_char(cursor, start)?, flags)),
    }
}

/// `\p{..} \P{..} \s \S \d \D` as a set (case-folded under (?i)), or None if not one.
fn class_escape(cursor: &mut Cursor, flags: &Flags) -> Result<Option<CodepointSet>, String> {
    let Some(ch) = cursor.peek() else {
        return Ok(None);
    };
    let base = match ch {
        'p' | 'P' => {
            cursor.pos += 1;
            property_set(cursor)?
        }
        's' | 'S' => {
            cursor.pos += 1;
            white_space().clone()
        }
        'd' | 'D' => {
            cursor.pos += 1;
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

fn property_set(cursor: &mut Cursor) -> Result<CodepointSet, String> {
    let start = cursor.pos;
    let name = if cursor.peek() == Some('{') {
        let end = cursor
            .find_from('}', start)
            .ok_or_else(|| cursor.fail("missing '}' after \\p{", start))?;
        cursor.pos = end + 1;
        cursor.text(start + 1, end)
    } else {
        cursor.take()?.to_string()
    };
    category_set(&name).cloned().ok_or_else(|| {
        cursor.fail(
            &format!(
                "unknown Unicode property {}: the spec pins General_Category only \
                 (L, Lu, Ll, Lt, Lm, Lo, LC, M, Mn, Mc, Me, N, Nd, Nl, No, P.., S.., Z.., C.. or their long names)",
                show_str(&name)
            ),
            start,
        )
    })
}

fn escaped_char(cursor: &mut Cursor, start: usize) -> Result<u32, String> {
    let ch = cursor.take()?;
    if let Some(&(_, cp)) = LITERAL_ESCAPES.iter().find(|(c, _)| *c == ch) {
        return Ok(cp);
    }
    if let Some(message) = unsupported_escape(ch) {
        return Err(cursor.fail(message, start));
    }
    if matches!(ch, 'x' | 'u' | 'U') {
        return hex_escape(cursor, ch, start);
    }
    if ch.is_ascii_digit() {
        return Err(cursor.fail(
            "backreferences and octal escapes are not supported in split patterns",
            start,
        ));
    }
    if ch.is_ascii_alphanumeric() {
        return Err(cursor.fail(&format!("unknown escape \\{ch}"), start));
    }
    Ok(u32::from(ch))
}

fn hex_escape(cursor: &mut Cursor, kind: char, start: usize) -> Result<u32, String> {
    let digits = if cursor.peek() == Some('{') {
        match cursor.find_from('}', cursor.pos) {
            Some(end) => {
                let digits = cursor.text(cursor.pos + 1, end);
                cursor.pos = end + 1;
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
        let end = (cursor.pos + width).min(cursor.chars.len());
        let digits = cursor.text(cursor.pos, end);
        cursor.pos += width;
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
        _ => Err(cursor.fail(
            &format!("\\{kind} must name a Unicode scalar value in hex"),
            start,
        )),
    }
}

/// The bracketed class after its '[' (already taken), as a set.
pub fn char_class(cursor: &mut Cursor, flags: &Flags) -> Result<CodepointSet, String> {
    let start = cursor.pos - 1;
    let negated = cursor.peek() == Some('^');
    if negated {
        cursor.pos += 1;
    }
    let mut runs: Vec<(u32, u32)> = Vec::new();
    let mut first = true;
    while first || cursor.peek() != Some(']') {
        if cursor.pos >= cursor.chars.len() {
            return Err(cursor.fail("missing ']'", start));
        }
        if cursor.peek() == Some('[') {
            return Err(cursor.fail(
                "'[' inside a class must be escaped (nested and POSIX classes are not supported)",
                cursor.pos,
            ));
        }
        for op in ["&&", "~~", "--"] {
            if cursor.peek_is(op) {
                return Err(cursor.fail(
                    &format!(
                        "{} inside a class is ambiguous between engines; escape it",
                        show_str(op)
                    ),
                    cursor.pos,
                ));
            }
        }
        first = false;
        let item_start = cursor.pos;
        let lo = if cursor.peek() == Some('\\') {
            cursor.pos += 1;
            if let Some(set) = class_escape(cursor, flags)? {
                runs.extend_from_slice(set.runs());
                continue;
            }
            if matches!(cursor.peek(), Some('A' | 'z' | 'Z')) {
                return Err(cursor.fail("an assertion cannot stand in a class", item_start));
            }
            escaped_char(cursor, item_start)?
        } else {
            u32::from(cursor.take()?)
        };
        let is_range = cursor.peek() == Some('-')
            && !cursor.peek_is("-]")
            && cursor.pos + 1 < cursor.chars.len();
        if is_range {
            cursor.pos += 1;
            let hi_start = cursor.pos;
            let hi = if cursor.peek() == Some('\\') {
                cursor.pos += 1;
                if matches!(cursor.peek(), Some('p' | 'P' | 's' | 'S' | 'd' | 'D')) {
                    return Err(cursor.fail("a class escape cannot end a range", hi_start));
                }
                escaped_char(cursor, hi_start)?
            } else {
                u32::from(cursor.take()?)
            };
            if hi < lo {
                return Err(cursor.fail("a range must not run backwards", item_start));
            }
            runs.push((lo, hi));
        } else {
            runs.push((lo, lo));
        }
    }
    cursor.pos += 1;
    let mut set = CodepointSet::from_runs(runs);
    if flags.case_insensitive {
        set = set.fold_closure();
    }
    Ok(if negated { set.complement() } else { set })
}

/// One character, as a set (case-folded under (?i)).
pub fn literal(cp: u32, flags: &Flags) -> Node {
    let set = CodepointSet::single(cp);
    Node::Set(if flags.case_insensitive {
        set.fold_closure()
    } else {
        set
    })
}
