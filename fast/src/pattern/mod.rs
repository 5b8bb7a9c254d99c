//! Split patterns (spec §2): the named ones, the grammar, and the compiled splitter.

pub mod named;
mod render;
mod splitter;
pub mod syntax;

pub use named::{resolve, DEFAULT_PATTERN, PATTERNS};
pub use render::render;
pub use splitter::Splitter;
