//! What the integration tests and the examples share.

pub mod deployed;
