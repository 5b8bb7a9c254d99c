//! Split patterns (spec §2): the named ones, the grammar, and the compiled splitter.

mod ascii_run;
mod classes;
mod code_point_table;
mod compiled;
mod handwritten;
pub mod named;
mod render;
mod splitter;
pub mod syntax;
mod utf8;

pub use named::{resolve, DEFAULT_PATTERN, PATTERNS};
pub use render::render;
pub use splitter::{EngineKind, Search, Splitter};
