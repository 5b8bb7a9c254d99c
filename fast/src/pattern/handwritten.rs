//! Hand-written splitters for the named patterns (spec §2.1): the same pieces as the regex,
//! found by code written for each pattern instead of by a backtracking engine.
//!
//! Each function below finds the piece that starts at `pos` by trying the pattern's branches in
//! order, exactly as leftmost-first backtracking would, with the comments naming the branch.
//! Two facts make this simple: every named pattern matches every character (so pieces are
//! contiguous and the next one starts where the last ended), and none of them has a lookbehind or
//! an anchor other than `$`. The tests check these splitters against the regex path on every
//! Unicode scalar value in many contexts and on random text; the classes come from the same
//! pinned Unicode table (classes.rs).

use std::sync::OnceLock;

use super::ascii_run::ascii_letters_end;
use super::classes::{classes, CharClasses, LETTER, LOWERISH, NUMBER, SPACE, UPPERISH};
use super::{named, utf8};
use crate::unicode::case_orbits;

/// Which named pattern, with the knobs that tell the GPT-4 family apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Named {
    /// gpt4 (3 digits), nanochat (2 digits), cl100k (3 digits and the `\s++$` branch).
    Gpt4 {
        max_digits: usize,
        end_of_text: bool,
    },
    Gpt2,
    O200k,
}

impl Named {
    /// The hand-written splitter for a regex, if it is one of the named patterns.
    pub fn for_regex(regex: &str) -> Option<Named> {
        Some(match regex {
            named::GPT4 => Named::Gpt4 {
                max_digits: 3,
                end_of_text: false,
            },
            named::NANOCHAT => Named::Gpt4 {
                max_digits: 2,
                end_of_text: false,
            },
            named::CL100K => Named::Gpt4 {
                max_digits: 3,
                end_of_text: true,
            },
            named::GPT2 => Named::Gpt2,
            named::O200K => Named::O200k,
            _ => return None,
        })
    }

    /// Whether the compiled DFA encodes faster with this pattern than this splitter does
    /// (o200k's: 8% on English, code and multilingual text, docs/performance.md), so that
    /// `Splitter::new` runs the DFA; this splitter stays the tests' independent reading.
    pub fn dfa_is_faster(self) -> bool {
        matches!(self, Named::O200k)
    }

    /// Call `on_piece` for every piece of `text`, in order.
    #[inline]
    pub fn for_each_piece<'t, E>(
        self,
        text: &'t str,
        mut on_piece: impl FnMut(&'t str) -> Result<(), E>,
    ) -> Result<(), E> {
        let cursor = Cursor::new(text);
        let mut pos = 0;
        while pos < text.len() {
            let end = match self {
                Named::Gpt4 {
                    max_digits,
                    end_of_text,
                } => gpt4_piece(&cursor, pos, max_digits, end_of_text),
                Named::Gpt2 => gpt2_piece(&cursor, pos),
                Named::O200k => o200k_piece(&cursor, pos),
            };
            on_piece(&text[pos..end])?;
            pos = end;
        }
        Ok(())
    }
}

/// True if byte offset `at` of `bytes` is a boundary where every named pattern starts a fresh
/// piece, so that splitting `bytes[..at]` and `bytes[at..]` on their own gives the pieces of the
/// whole: right after a "\n" that follows a character that is not white space, and right before
/// an ASCII letter. (The piece that holds the "\n" ends there under every branch of every named
/// pattern, `$` included, and nothing before it can reach across; the letter starts a piece.)
pub fn is_safe_cut(bytes: &[u8], at: usize) -> bool {
    at >= 2
        && at < bytes.len()
        && bytes[at - 1] == b'\n'
        && bytes[at].is_ascii_alphabetic()
        && bytes[at - 2] < 0x80
        && !matches!(bytes[at - 2], b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ')
}

struct Cursor<'t> {
    bytes: &'t [u8],
    classes: &'static CharClasses,
}

impl<'t> Cursor<'t> {
    fn new(text: &'t str) -> Self {
        Cursor {
            bytes: text.as_bytes(),
            classes: classes(),
        }
    }

    #[inline]
    fn len(&self) -> usize {
        self.bytes.len()
    }

    /// The code point at byte `i` (a char boundary before the end) and the offset after it.
    #[inline(always)]
    fn char_at(&self, i: usize) -> (u32, usize) {
        utf8::decode(self.bytes, i)
    }

    /// Code point, classes, and the offset after the character at byte `i`.
    #[inline(always)]
    fn at(&self, i: usize) -> (u32, u8, usize) {
        let (cp, next) = self.char_at(i);
        (cp, self.classes.of(cp), next)
    }

    #[inline(always)]
    fn class(&self, i: usize) -> u8 {
        if i >= self.len() {
            return 0;
        }
        let b0 = self.bytes[i];
        if b0 < 0x80 {
            return self.classes.of(u32::from(b0));
        }
        self.classes.of(self.char_at(i).0)
    }

    /// The end of the run of characters, from `i`, whose classes meet `mask`.
    #[inline]
    fn run(&self, mut i: usize, mask: u8) -> usize {
        while i < self.len() {
            let byte = self.bytes[i];
            if byte < 0x80 {
                // Most text is ASCII: one table lookup per byte, no decoding.
                if self.classes.ascii(byte) & mask == 0 {
                    break;
                }
                i += 1;
                continue;
            }
            let (_, class, next) = self.at(i);
            if class & mask == 0 {
                break;
            }
            i = next;
        }
        i
    }

    /// [`Cursor::run`] for `\p{L}`, with the ASCII letters eight at a time (ascii_run.rs): most
    /// pieces are short ASCII words. Where the ASCII run stops at a non-ASCII character (which
    /// may be a letter), the general loop takes over.
    #[inline]
    fn run_letters(&self, i: usize) -> usize {
        let end = ascii_letters_end(self.bytes, i);
        if end < self.len() && self.bytes[end] >= 0x80 {
            return self.run(end, LETTER);
        }
        end
    }

    /// Like [`Cursor::run`], but at most `max` characters.
    #[inline]
    fn run_at_most(&self, mut i: usize, mask: u8, max: usize) -> usize {
        for _ in 0..max {
            if i >= self.len() {
                break;
            }
            let (_, class, next) = self.at(i);
            if class & mask == 0 {
                break;
            }
            i = next;
        }
        i
    }

    /// The end of the run of `[^\s\p{L}\p{N}]` characters from `i`.
    #[inline]
    fn run_other(&self, mut i: usize) -> usize {
        while i < self.len() {
            let byte = self.bytes[i];
            if byte < 0x80 {
                if self.classes.ascii(byte) & (LETTER | NUMBER | SPACE) != 0 {
                    break;
                }
                i += 1;
                continue;
            }
            let (_, class, next) = self.at(i);
            if class & (LETTER | NUMBER | SPACE) != 0 {
                break;
            }
            i = next;
        }
        i
    }

    /// The end of the run of ASCII bytes in `set` from `i`.
    #[inline]
    fn run_bytes(&self, mut i: usize, set: &[u8]) -> usize {
        while i < self.len() && set.contains(&self.bytes[i]) {
            i += 1;
        }
        i
    }

    /// The start of the character that ends at byte `i`.
    #[inline]
    fn prev_start(&self, i: usize) -> usize {
        utf8::prev_start(self.bytes, i)
    }

    /// The white-space branches shared by every named pattern, for the run starting at `pos`:
    /// `\s++$` (only when `end_of_text`), `\s*[\r\n]` (when `through_newline`), `\s+(?!\S)`,
    /// and finally one white-space character.
    #[inline]
    fn whitespace(&self, pos: usize, end_of_text: bool, through_newline: bool) -> usize {
        let end = self.run(pos, SPACE);
        if end_of_text && end == self.len() {
            return end; // \s++$
        }
        if through_newline {
            // \s*[\r\n] (and o200k's \s*[\r\n]+): through the last \r or \n of the run.
            if let Some(last) = self.bytes[pos..end]
                .iter()
                .rposition(|&b| b == b'\r' || b == b'\n')
            {
                return pos + last + 1;
            }
        }
        if end == self.len() {
            return end; // \s+(?!\S) at the end of the text
        }
        let last = self.prev_start(end);
        if last > pos {
            return last; // \s+(?!\S): the run but its last character
        }
        end // \s+ or \s: a single white-space character followed by a non-space
    }
}

/// The letters that `'(?i:[sdmt]|ll|ve|re)` and o200k's suffix name, with every code point that
/// folds to each (spec §2.3: for `s` that includes U+017F).
struct Folds {
    letters: [(u8, Vec<u32>); 8],
}

fn folds() -> &'static Folds {
    static FOLDS: OnceLock<Folds> = OnceLock::new();
    FOLDS.get_or_init(|| {
        let orbit = |letter: u8| -> (u8, Vec<u32>) {
            let cp = u32::from(letter);
            let members = case_orbits()
                .iter()
                .find(|orbit| orbit.contains(&cp))
                .map_or_else(|| vec![cp], |orbit| orbit.to_vec());
            (letter, members)
        };
        Folds {
            letters: [
                orbit(b's'),
                orbit(b'd'),
                orbit(b'm'),
                orbit(b't'),
                orbit(b'l'),
                orbit(b'v'),
                orbit(b'e'),
                orbit(b'r'),
            ],
        }
    })
}

impl Cursor<'_> {
    /// If the character at `i` is `letter` (case-insensitively when `fold`), the offset after it.
    #[inline]
    fn letter(&self, i: usize, letter: u8, fold: bool) -> Option<usize> {
        if i >= self.len() {
            return None;
        }
        let (cp, next) = self.char_at(i);
        let hit = if fold {
            folds()
                .letters
                .iter()
                .find(|(l, _)| *l == letter)
                .is_some_and(|(_, members)| members.contains(&cp))
        } else {
            cp == u32::from(letter)
        };
        hit.then_some(next)
    }

    /// After an apostrophe at `i - 1`: one of the alternatives, tried in order; the end offset.
    fn suffix(&self, i: usize, alternatives: &[&[u8]], fold: bool) -> Option<usize> {
        alternatives.iter().find_map(|alt| {
            alt.iter()
                .try_fold(i, |at, &letter| self.letter(at, letter, fold))
        })
    }

    /// `'(?:[sdmt]|ll|ve|re)` at `pos` (case-insensitive when `fold`), the end offset if it matches.
    #[inline]
    fn contraction(&self, pos: usize, fold: bool) -> Option<usize> {
        if self.bytes[pos] != b'\'' {
            return None;
        }
        self.suffix(
            pos + 1,
            &[b"s", b"d", b"m", b"t", b"ll", b"ve", b"re"],
            fold,
        )
    }
}

/// gpt4, nanochat and cl100k:
/// `'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]++[\r\n]*`
/// `|(\s++$)|\s*[\r\n]|\s+(?!\S)|\s+`
fn gpt4_piece(t: &Cursor<'_>, pos: usize, max_digits: usize, end_of_text: bool) -> usize {
    if let Some(end) = t.contraction(pos, true) {
        return end;
    }
    let (cp, class, next) = t.at(pos);
    // [^\r\n\p{L}\p{N}]?+\p{L}+ : the possessive prefix is taken whenever it can be.
    if class & LETTER != 0 {
        return t.run_letters(next);
    }
    let prefixable = class & NUMBER == 0 && cp != 0x0A && cp != 0x0D;
    if prefixable && t.class(next) & LETTER != 0 {
        return t.run_letters(next);
    }
    // \p{N}{1,3}
    if class & NUMBER != 0 {
        return t.run_at_most(next, NUMBER, max_digits - 1);
    }
    // ` ?[^\s\p{L}\p{N}]++[\r\n]*`
    if let Some(start) = other_after_optional_space(t, pos, cp, class, next) {
        return t.run_bytes(t.run_other(start), b"\r\n");
    }
    t.whitespace(pos, end_of_text, true)
}

/// Where ` ?[^\s\p{L}\p{N}]` puts its first "other" character, if it matches at `pos`.
#[inline]
fn other_after_optional_space(
    t: &Cursor<'_>,
    pos: usize,
    cp: u32,
    class: u8,
    next: usize,
) -> Option<usize> {
    let other = |class: u8| class & (LETTER | NUMBER | SPACE) == 0;
    if cp == 0x20 && next < t.len() && other(t.class(next)) {
        Some(next)
    } else if other(class) {
        Some(pos)
    } else {
        None
    }
}

/// gpt2: `'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s`
fn gpt2_piece(t: &Cursor<'_>, pos: usize) -> usize {
    if let Some(end) = t.contraction(pos, false) {
        return end;
    }
    let (cp, class, next) = t.at(pos);
    let after_space = if cp == 0x20 && next < t.len() {
        t.class(next)
    } else {
        0
    };
    for mask in [LETTER, NUMBER] {
        if class & mask != 0 {
            return t.run(next, mask);
        }
        if after_space & mask != 0 {
            return t.run(next, mask);
        }
    }
    if let Some(start) = other_after_optional_space(t, pos, cp, class, next) {
        return t.run_other(start);
    }
    t.whitespace(pos, true, false)
}

/// o200k:
/// `[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?`
/// `|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?`
/// `|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`
fn o200k_piece(t: &Cursor<'_>, pos: usize) -> usize {
    let (cp, class, next) = t.at(pos);
    // The optional prefix is greedy, not possessive: with it first, then without it.
    let prefixable = class & (LETTER | NUMBER) == 0 && cp != 0x0A && cp != 0x0D;
    let starts: &[usize] = if prefixable { &[next, pos] } else { &[pos] };
    for word in [
        upper_then_lower_plus as fn(&Cursor<'_>, usize) -> Option<usize>,
        upper_plus_then_lower,
    ] {
        for &start in starts {
            if let Some(end) = word(t, start) {
                return o200k_suffix(t, end);
            }
        }
    }
    if class & NUMBER != 0 {
        return t.run_at_most(next, NUMBER, 2);
    }
    // ` ?[^\s\p{L}\p{N}]+[\r\n/]*`
    if let Some(start) = other_after_optional_space(t, pos, cp, class, next) {
        return t.run_bytes(t.run_other(start), b"\r\n/");
    }
    t.whitespace(pos, false, true)
}

/// `[U]*[L]+` from `start` (U and L being o200k's two classes, which share Lm, Lo and M): the
/// greedy U-run gives characters back one at a time until one of L can follow.
fn upper_then_lower_plus(t: &Cursor<'_>, start: usize) -> Option<usize> {
    if start >= t.len() {
        return None;
    }
    let upper_end = t.run(start, UPPERISH);
    if t.class(upper_end) & LOWERISH != 0 {
        return Some(t.run(upper_end, LOWERISH));
    }
    let mut at = upper_end;
    while at > start {
        at = t.prev_start(at);
        if t.class(at) & LOWERISH != 0 {
            return Some(t.run(at, LOWERISH));
        }
    }
    None
}

/// `[U]+[L]*` from `start`.
fn upper_plus_then_lower(t: &Cursor<'_>, start: usize) -> Option<usize> {
    if start >= t.len() || t.class(start) & UPPERISH == 0 {
        return None;
    }
    Some(t.run(t.run(start, UPPERISH), LOWERISH))
}

/// `(?i:'s|'t|'re|'ve|'m|'ll|'d)?` after a word ending at `end`.
fn o200k_suffix(t: &Cursor<'_>, end: usize) -> usize {
    if end < t.len() && t.bytes[end] == b'\'' {
        if let Some(after) = t.suffix(
            end + 1,
            &[b"s", b"t", b"re", b"ve", b"m", b"ll", b"d"],
            true,
        ) {
            return after;
        }
    }
    end
}
