//! Where the parser is in a split pattern, and which flags hold there.

use crate::error::show_str;

/// The flags (?i), (?m) and (?s), as they stand at a point of the pattern.
#[derive(Clone, Copy, Debug, Default)]
pub struct Flags {
    pub case_insensitive: bool,
    pub multi_line: bool,
    pub dot_all: bool,
}

/// The pattern as characters, and the position of the next one to read.
pub struct Cursor<'p> {
    pattern: &'p str,
    pub chars: Vec<char>,
    pub pos: usize,
}

impl<'p> Cursor<'p> {
    pub fn new(pattern: &'p str) -> Self {
        Cursor {
            pattern,
            chars: pattern.chars().collect(),
            pos: 0,
        }
    }

    /// The error `message` at position `at`, naming the pattern.
    pub fn fail(&self, message: &str, at: usize) -> String {
        format!(
            "invalid split pattern: {message} at position {at} in {}",
            show_str(self.pattern)
        )
    }

    pub fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    pub fn peek_is(&self, s: &str) -> bool {
        (self.pos..)
            .zip(s.chars())
            .all(|(i, c)| self.chars.get(i) == Some(&c))
    }

    pub fn take(&mut self) -> Result<char, String> {
        let ch = self
            .peek()
            .ok_or_else(|| self.fail("unexpected end of pattern", self.pos))?;
        self.pos += 1;
        Ok(ch)
    }

    pub fn find_from(&self, target: char, from: usize) -> Option<usize> {
        self.chars[from.min(self.chars.len())..]
            .iter()
            .position(|&c| c == target)
            .map(|i| i + from)
    }

    pub fn text(&self, from: usize, to: usize) -> String {
        self.chars[from..to].iter().collect()
    }
}
