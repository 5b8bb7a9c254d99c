//! Spec §5.4 and §6.5: special tokens, checked against the rank table, and found in a text.

use aho_corasick::{AhoCorasick, MatchKind};
use memchr::memmem::Finder;
use rustc_hash::FxHashMap;

use super::rank_table::TokensByRank;
use crate::error::{show_bytes, show_str, Error, Result};

/// Which special tokens an encode recognises (spec §6.5).
#[derive(Clone, Copy, Debug)]
pub enum Allowed<'a> {
    /// Every special token of the encoder (tiktoken's `allowed_special="all"`, and Hugging
    /// Face's encode, which recognises every added token).
    All,
    /// Those named; names that are no special token are ignored.
    Only(&'a [&'a str]),
}

impl<'a> From<Option<&'a [&'a str]>> for Allowed<'a> {
    /// None for every special token, else those named.
    fn from(names: Option<&'a [&'a str]>) -> Self {
        names.map_or(Allowed::All, Allowed::Only)
    }
}

/// A special token: a string that stands for one id when encoding allows it (§6.5).
pub struct Special {
    text: Box<str>,
    id: u32,
    finder: Finder<'static>,
}

/// An encoder's special tokens, with what finds them fast when a text may hold any of them:
/// one automaton over all of them, built once (a deployed model has hundreds: Llama 3 reserves
/// 256, and looking for each on its own in every short document costs more than encoding it).
pub struct Specials {
    tokens: Vec<Special>,
    /// Each token's index in `tokens`, by its text.
    index: FxHashMap<Box<str>, usize>,
    /// All of `tokens`, leftmost-longest, by their index; None when there are none.
    all: Option<AhoCorasick>,
}

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
        let index = special_list
            .iter()
            .enumerate()
            .map(|(k, s)| (s.text.clone(), k))
            .collect();
        let all = if special_list.is_empty() {
            None
        } else {
            let texts = special_list.iter().map(|s| s.text.as_bytes());
            let built = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(texts)
                .map_err(|err| {
                    Error::InvalidArgument(format!("cannot search for the special tokens: {err}"))
                })?;
            Some(built)
        };
        Ok(Specials {
            tokens: special_list,
            index,
            all,
        })
    }

    /// The id of the special token `text`, if it is one.
    pub fn id(&self, text: &str) -> Option<u32> {
        self.index.get(text).map(|&k| self.tokens[k].id)
    }

    /// The largest id of a special token (0 if there are none).
    pub fn max_id(&self) -> u32 {
        self.tokens.iter().map(|s| s.id).max().unwrap_or(0)
    }

    /// Every special token's id and bytes (its UTF-8), for decoding.
    pub fn tokens(&self) -> impl Iterator<Item = (u32, &[u8])> + '_ {
        self.tokens.iter().map(|s| (s.id, s.text.as_bytes()))
    }

    /// The occurrences in `text` of the special tokens that `allowed` names, in order; None if
    /// it names none of them.
    pub fn find_in<'a>(&'a self, text: &'a str, allowed: Allowed<'_>) -> Option<Occurrences<'a>> {
        let names = match allowed {
            Allowed::All => return self.find_all(text),
            Allowed::Only(names) => names,
        };
        let mut chosen = vec![false; self.tokens.len()];
        for name in names {
            if let Some(&k) = self.index.get(*name) {
                chosen[k] = true;
            }
        }
        let allowed: Vec<&Special> = (self.tokens.iter().zip(&chosen))
            .filter_map(|(special, &keep)| keep.then_some(special))
            .collect();
        if allowed.len() == self.tokens.len() {
            return self.find_all(text);
        }
        if allowed.is_empty() {
            return None;
        }
        let bytes = text.as_bytes();
        let next = allowed.iter().map(|s| find_from(bytes, s, 0)).collect();
        Some(Occurrences::Some(Subset {
            bytes,
            allowed,
            next,
            pos: 0,
        }))
    }

    fn find_all<'a>(&'a self, text: &'a str) -> Option<Occurrences<'a>> {
        let all = self.all.as_ref()?;
        Some(Occurrences::All(all.find_iter(text), &self.tokens))
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
pub enum Occurrences<'a> {
    /// Every special token, by the automaton over all of them (leftmost-longest is that rule).
    All(aho_corasick::FindIter<'a, 'a>, &'a [Special]),
    /// Some of them, each looked for on its own.
    Some(Subset<'a>),
}

impl Iterator for Occurrences<'_> {
    type Item = (usize, usize, u32);

    fn next(&mut self) -> Option<(usize, usize, u32)> {
        match self {
            Occurrences::All(found, tokens) => found
                .next()
                .map(|m| (m.start(), m.end(), tokens[m.pattern().as_usize()].id)),
            Occurrences::Some(subset) => subset.next(),
        }
    }
}

/// The occurrences of some of the special tokens.
pub struct Subset<'a> {
    bytes: &'a [u8],
    allowed: Vec<&'a Special>,
    /// Where each allowed special occurs next, as last looked for.
    next: Vec<Option<usize>>,
    /// The end of the last occurrence handed out.
    pos: usize,
}

impl Subset<'_> {
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
