//! A compiled split pattern and the piece iteration of spec §2.4.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use fancy_regex::{Regex, RegexBuilder};

use super::compiled::{self, Matcher};
use super::handwritten::{is_safe_cut, Named};
use super::{named, render, syntax};
use crate::error::{show_str, Error, Result};

/// Generous engine limits: the expanded Unicode classes make large programs, and a pattern the
/// reference accepts must not fail here for size.
const DELEGATE_SIZE_LIMIT: usize = 1 << 30;
/// The backtracking steps one search may take (spec §2.4.5). One search cannot be interrupted,
/// and Ctrl-C is looked at between searches: ten million steps are well under a second.
pub const BACKTRACK_LIMIT: usize = 10_000_000;

pub struct Splitter {
    source: String,
    engine: Engine,
}

/// Which engine a splitter runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EngineKind {
    /// A named pattern's hand-written splitter (handwritten.rs).
    Handwritten,
    /// The pattern compiled into a DFA (compiled/).
    Compiled,
    /// The rendered regex, run by fancy-regex.
    Regex,
}

impl EngineKind {
    pub fn name(self) -> &'static str {
        match self {
            EngineKind::Handwritten => "handwritten",
            EngineKind::Compiled => "compiled",
            EngineKind::Regex => "regex",
        }
    }
}

/// What the search that found a piece may have cost: time bounded by what it read (a
/// hand-written splitter, the compiled DFA), or backtracking of up to [`BACKTRACK_LIMIT`] steps
/// (fancy-regex). An interruptible walk looks at the clock less often after bounded searches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Search {
    Bounded,
    Backtracking,
}

enum Engine {
    Named(Named),
    /// The DFA, and fancy-regex built on first need: for the rest of a text on which failed
    /// match attempts have read too much (matcher.rs).
    Compiled(Box<Matcher>, OnceLock<std::result::Result<Regex, String>>),
    /// fancy-regex (which hands everything without lookarounds or possessive parts to the regex
    /// crate's automata), with the reason the pattern could not be compiled.
    Regex(Regex, String),
}

impl Splitter {
    /// Compile `pattern`, a name from the named patterns or a regex of spec §2.2: a named
    /// pattern (or a regex equal to one) gets its hand-written splitter unless the DFA is
    /// faster with it, any other pattern the compiled DFA, and a pattern the DFA cannot run
    /// exactly the general regex engine.
    pub fn new(pattern: &str) -> Result<Self> {
        let source = named::resolve(pattern);
        let engine = match Named::for_regex(source) {
            Some(named) if !named.dfa_is_faster() => Engine::Named(named),
            _ => {
                let tree = syntax::parse(source).map_err(Error::InvalidPattern)?;
                match compiled::compile(&tree) {
                    Ok(matcher) => Engine::Compiled(Box::new(matcher), OnceLock::new()),
                    Err(reason) => Engine::Regex(regex_for(&tree, BACKTRACK_LIMIT)?, reason),
                }
            }
        };
        Ok(Splitter {
            source: source.to_owned(),
            engine,
        })
    }

    /// Compile `pattern` for the engine `kind` (the tests compare the engines with one another);
    /// `Error::InvalidArgument` if that engine cannot run it.
    pub fn with_engine(pattern: &str, kind: EngineKind) -> Result<Self> {
        let source = named::resolve(pattern);
        let unavailable = |why: String| {
            Error::InvalidArgument(format!(
                "the {} engine cannot run {}: {why}",
                kind.name(),
                show_str(source)
            ))
        };
        let engine = match kind {
            EngineKind::Handwritten => Engine::Named(
                Named::for_regex(source)
                    .ok_or_else(|| unavailable("not a named pattern".into()))?,
            ),
            EngineKind::Compiled => {
                let tree = syntax::parse(source).map_err(Error::InvalidPattern)?;
                let matcher = compiled::compile(&tree).map_err(unavailable)?;
                Engine::Compiled(Box::new(matcher), OnceLock::new())
            }
            EngineKind::Regex => return Self::regex_with_backtrack_limit(source, BACKTRACK_LIMIT),
        };
        Ok(Splitter {
            source: source.to_owned(),
            engine,
        })
    }

    /// The regex engine with a backtracking limit of `limit` steps per search: the tests' oracle,
    /// which may search for longer than a user waiting on Ctrl-C can (spec §2.4.5).
    pub fn regex_with_backtrack_limit(pattern: &str, limit: usize) -> Result<Self> {
        let source = named::resolve(pattern);
        let tree = syntax::parse(source).map_err(Error::InvalidPattern)?;
        Ok(Splitter {
            source: source.to_owned(),
            engine: Engine::Regex(regex_for(&tree, limit)?, String::new()),
        })
    }

    /// The engine this splitter runs.
    pub fn engine(&self) -> EngineKind {
        match self.engine {
            Engine::Named(_) => EngineKind::Handwritten,
            Engine::Compiled(..) => EngineKind::Compiled,
            Engine::Regex(..) => EngineKind::Regex,
        }
    }

    /// Why the pattern could not be compiled into a DFA, for a splitter on the regex engine.
    pub fn not_compiled_because(&self) -> Option<&str> {
        match &self.engine {
            Engine::Regex(_, reason) if !reason.is_empty() => Some(reason),
            _ => None,
        }
    }

    /// Byte offsets at which `text` can be cut so that splitting the parts on their own gives the
    /// pieces of the whole, about `chunk` bytes apart; empty when this pattern has no such
    /// boundaries (a custom pattern may look anywhere).
    pub fn safe_cuts(&self, text: &str, chunk: usize) -> Vec<usize> {
        // A named pattern's, whichever engine runs it.
        if Named::for_regex(&self.source).is_none() {
            return Vec::new();
        }
        let bytes = text.as_bytes();
        let mut cuts = Vec::new();
        let mut target = chunk;
        while target < bytes.len() {
            match (target..bytes.len()).find(|&at| is_safe_cut(bytes, at)) {
                Some(at) => {
                    cuts.push(at);
                    target = at + chunk;
                }
                None => break,
            }
        }
        cuts
    }

    /// A shared compiled splitter for `pattern`, compiled once per process.
    pub fn cached(pattern: &str) -> Result<Arc<Splitter>> {
        static CACHE: OnceLock<Mutex<HashMap<String, Arc<Splitter>>>> = OnceLock::new();
        const CAPACITY: usize = 64;
        let cache = CACHE.get_or_init(Default::default);
        if let Some(found) = lock(cache).get(pattern) {
            return Ok(found.clone());
        }
        let compiled = Arc::new(Splitter::new(pattern)?);
        let mut map = lock(cache);
        if map.len() >= CAPACITY {
            map.clear();
        }
        map.insert(pattern.to_owned(), compiled.clone());
        Ok(compiled)
    }

    /// The regex this splitter was compiled from (a name resolved to its regex).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Call `on_piece` for every piece of `text`, in order (spec §2.4): search for the leftmost
    /// match at or after `pos`; a non-empty match is a piece and the search resumes at its end;
    /// an empty match is skipped and the search resumes one character after it.
    pub fn for_each_piece<'t>(
        &self,
        text: &'t str,
        mut on_piece: impl FnMut(&'t str),
    ) -> Result<()> {
        self.try_for_each_piece(text, |piece, _| {
            on_piece(piece);
            Ok(())
        })
    }

    /// [`Splitter::for_each_piece`] with a callback that may stop the walk by returning an
    /// error, and is told what each piece's search may have cost.
    pub fn try_for_each_piece<'t>(
        &self,
        text: &'t str,
        on_piece: impl FnMut(&'t str, Search) -> Result<()>,
    ) -> Result<()> {
        let mut on_piece = on_piece;
        match &self.engine {
            Engine::Named(named) => {
                named.for_each_piece(text, |piece| on_piece(piece, Search::Bounded))
            }
            Engine::Regex(regex, _) => regex_pieces(regex, text, 0, on_piece),
            Engine::Compiled(matcher, regex) => {
                match matcher.pieces(text, &mut |piece| on_piece(piece, Search::Bounded))? {
                    None => Ok(()),
                    Some(from) => {
                        let regex = regex
                            .get_or_init(|| {
                                syntax::parse(&self.source).and_then(|tree| {
                                    regex_for(&tree, BACKTRACK_LIMIT).map_err(|err| err.to_string())
                                })
                            })
                            .as_ref()
                            .map_err(|err| Error::Matching(err.clone()))?;
                        regex_pieces(regex, text, from, on_piece)
                    }
                }
            }
        }
    }

    /// The pieces of `text` as a vector.
    pub fn split<'t>(&self, text: &'t str) -> Result<Vec<&'t str>> {
        let mut pieces = Vec::new();
        self.for_each_piece(text, |piece| pieces.push(piece))?;
        Ok(pieces)
    }
}

/// fancy-regex's program for a parsed pattern.
fn regex_for(tree: &syntax::Node, backtrack_limit: usize) -> Result<Regex> {
    RegexBuilder::new(&render(tree))
        .delegate_size_limit(DELEGATE_SIZE_LIMIT)
        .delegate_dfa_size_limit(DELEGATE_SIZE_LIMIT)
        .backtrack_limit(backtrack_limit)
        .build()
        .map_err(|err| Error::InvalidPattern(format!("invalid split pattern: {err}")))
}

/// The loop of spec §2.4 over the regex engine's matches, from byte `pos` of `text`.
fn regex_pieces<'t>(
    regex: &Regex,
    text: &'t str,
    mut pos: usize,
    mut on_piece: impl FnMut(&'t str, Search) -> Result<()>,
) -> Result<()> {
    while pos <= text.len() {
        let found = regex
            .find_from_pos(text, pos)
            .map_err(|err| Error::Matching(format!("splitting a text failed: {err}")))?;
        let Some(found) = found else { break };
        if found.end() > found.start() {
            on_piece(found.as_str(), Search::Backtracking)?;
            pos = found.end();
        } else {
            pos = found.start()
                + text[found.start()..]
                    .chars()
                    .next()
                    .map_or(1, char::len_utf8);
        }
    }
    Ok(())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic while holding this lock cannot leave the map inconsistent: recover it.
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(pattern: &str, text: &str) -> Vec<String> {
        let splitter = Splitter::new(pattern).unwrap();
        splitter
            .split(text)
            .unwrap()
            .into_iter()
            .map(String::from)
            .collect()
    }

    #[test]
    fn gpt4_splits_words_numbers_and_spaces() {
        assert_eq!(
            pieces("gpt4", "Hello world's 12345  \n"),
            ["Hello", " world", "'s", " ", "123", "45", "  \n"]
        );
    }

    #[test]
    fn an_empty_match_skips_one_character() {
        // As in Rust's engines: after the empty match at 0, the search resumes at 1.
        assert_eq!(pieces("(?:)|a", "ab"), Vec::<String>::new());
        assert_eq!(pieces("b|(?:)", "abc"), ["b"]);
        assert_eq!(pieces("x*", "é"), Vec::<String>::new());
    }

    #[test]
    fn unicode_classes_follow_the_pinned_table() {
        // U+A7CB was assigned (as Lu) in Unicode 16.0; U+10D4A was assigned in 16.0 too.
        assert_eq!(pieces(r"\p{Lu}", "\u{A7CB}"), ["\u{A7CB}"]);
        // U+0C5C is unassigned in 16.0 (a letter since 17.0): not a letter here.
        assert!(pieces(r"\p{L}", "\u{C5C}").is_empty());
        assert_eq!(pieces("gpt4", "a\u{C5C}b"), ["a", "\u{C5C}b"]);
    }

    #[test]
    fn invalid_patterns_are_errors_not_panics() {
        for bad in ["(", "[a", r"\w", "a{2,1}", r"\p{Greek}", "(?<=a+)b", "*"] {
            assert!(
                matches!(Splitter::new(bad), Err(Error::InvalidPattern(_))),
                "{bad}"
            );
        }
    }
}
