//! What the integration tests and the examples share.

// Each test crate that includes this module uses only part of it.
#![allow(dead_code)]

pub mod alphabet;
pub mod deployed;
pub mod rng;
