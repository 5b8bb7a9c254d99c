//! Split patterns (spec §2): the named ones, the grammar, and the compiled splitter.

mod classes;
mod handwritten;
pub mod named;
mod render;
mod splitter;
pub mod syntax;

pub use named::{resolve, DEFAULT_PATTERN, PATTERNS};
pub use render::render;
pub use splitter::Splitter;
