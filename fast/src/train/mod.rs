//! Training's merge loop (spec §4.2-§4.6) and what it is built on.
//!
//! * merge_loop.rs: the loop, and why its choices are exactly the spec's;
//! * extend.rs: the loop from words that a model encoded, extending its vocabulary (§4.7);
//! * merge.rs: a learned merge, and the sink that hears of each as it is learned;
//! * arena.rs: every distinct piece as a run of symbols, where merges are applied in place;
//! * pairs.rs, position_list.rs: each pair's count and the positions where it occurs;
//! * pair_queue.rs: which pair comes next;
//! * huge_pages.rs: asking Linux for huge pages under the arena.

mod arena;
mod extend;
mod huge_pages;
mod merge;
mod merge_loop;
mod pair_queue;
mod pairs;
mod position_list;

pub use extend::extend_from_words;
pub use merge::{Merge, MergeSink};
pub use merge_loop::{train_from_counts, train_from_piece_counts, train_from_piece_counts_ref};
