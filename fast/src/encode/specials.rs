//! Spec §5.4 and §6.5: special tokens, checked against the rank table, and found in a text.

use memchr::memmem::Finder;

use super::rank_table::TokensByRank;
use crate::error::{show_bytes, show_str, Error, Result};

/// A special token: a string that stands for one id when encoding allows it (§6.5).
struct Special {
    text: Box<str>,
    id: u32,
    finder: Finder<'static>,
}

/// An encoder's special tokens.
pub struct Specials(Vec<Special>);

impl Specials {
    /// The special tokens `specials`, checked against §5.4: non-empty, unique, and with ids that
    /// no rank of the table (`ranked`, each rank's token by rank) uses.
    pub fn new(specials: Vec<(String, u32)>, ranked: &TokensByRank) -> Result<Self> {
        let mut special_list: Vec<Special> = Vec::with_capacity(specials.len());
        for (text, id) in specials {
            if text.is_empty() {
                return Err(Error::InvalidArgument(
                    "a special token must be a non-empty str".into(),
                ));
            }
            if let Some(token) = ranked.get(&id) {
                return Err(Error::InvalidArgument(format!(
                    "special token {} has id {id}, which the rank table gives to {}",
                    show_str(&text),
                    show_bytes(token)
                )));
            }
            if special_list.iter().any(|s| s.id == id) {
                return Err(Error::InvalidArgument(format!(
                    "special token {} has id {id}, which another special token has too",
                    show_str(&text)
                )));
            }
            if special_list.iter().any(|s| *s.text == *text) {
                return Err(Error::InvalidArgument(format!(
                    "special token {} appears twice",
                    show_str(&text)
                )));
            }
            special_list.push(Special {
                finder: Finder::new(text.as_bytes()).into_owned(),
                text: text.into_boxed_str(),
                id,
            });
        }
        Ok(Specials(special_list))
    }

    /// The id of the special token `text`, if it is one.
    pub fn id(&self, text: &str) -> Option<u32> {
        self.0.iter().find(|s| *s.text == *text).map(|s| s.id)
    }

    /// The largest id of a special token (0 if there are none).
    pub fn max_id(&self) -> u32 {
        self.0.iter().map(|s| s.id).max().unwrap_or(0)
    }

    /// Every special token's id and bytes (its UTF-8), for decoding.
    pub fn tokens(&self) -> impl Iterator<Item = (u32, &[u8])> + '_ {
        self.0.iter().map(|s| (s.id, s.text.as_bytes()))
    }

    /// The occurrences in `text` of the special tokens that `allowed` names, in order; None if
    /// it names none of them.
    pub fn find_in<'a>(&'a self, text: &'a str, allowed: &[&str]) -> Option<Occurrences<'a>> {
        let allowed: Vec<&Special> = self
            .0
            .iter()
            .filter(|s| allowed.contains(&&*s.text))
            .collect();
        if allowed.is_empty() {
            return None;
        }
        let bytes = text.as_bytes();
        let next = allowed.iter().map(|s| find_from(bytes, s, 0)).collect();
        Some(Occurrences {
            bytes,
            allowed,
            next,
            pos: 0,
        })
    }
}

/// Where `special` next occurs in `bytes` at or after `from`.
fn find_from(bytes: &[u8], special: &Special, from: usize) -> Option<usize> {
    special.finder.find(&bytes[from..]).map(|at| at + from)
}

/// The occurrences of the allowed special tokens in a text, as (start, end, id): the leftmost
/// occurrence of any comes first, the longest among those that start at the same place, and
/// the next is looked for after its end. Both ends are char boundaries: a match of valid UTF-8
/// in valid UTF-8 is one.
pub struct Occurrences<'a> {
    bytes: &'a [u8],
    allowed: Vec<&'a Special>,
    /// Where each allowed special occurs next, as last looked for.
    next: Vec<Option<usize>>,
    /// The end of the last occurrence handed out.
    pos: usize,
}

impl Iterator for Occurrences<'_> {
    type Item = (usize, usize, u32);

    fn next(&mut self) -> Option<(usize, usize, u32)> {
        let pos = self.pos;
        for (k, special) in self.allowed.iter().enumerate() {
            if self.next[k].is_some_and(|at| at < pos) {
                self.next[k] = find_from(self.bytes, special, pos);
            }
        }
        let (at, _, k) = (0..self.allowed.len())
            .filter_map(|k| {
                self.next[k].map(|at| (at, std::cmp::Reverse(self.allowed[k].text.len()), k))
            })
            .min()?;
        let special = self.allowed[k];
        self.pos = at + special.text.len();
        Some((at, self.pos, special.id))
    }
}
