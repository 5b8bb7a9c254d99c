//! The split-pattern grammar of spec §2.2, parsed into a tree whose Unicode lookups are already
//! resolved to explicit code point sets. The twin of reference/bytebpe/pattern_language.py.
//!
//! * tree.rs: the tree, and what can be asked of a part of it;
//! * parser.rs: the grammar, from alternation down to single atoms;
//! * char_sets.rs: escapes and bracketed classes, the parts that stand for characters;
//! * cursor.rs: where the parser is in the pattern, and which flags hold there.

mod char_sets;
mod cursor;
mod parser;
mod tree;

pub use parser::{parse, MAX_NESTING, MAX_REPEAT};
pub use tree::{fixed_length, nullable, Assertion, GroupKind, Node, RepeatMode};
