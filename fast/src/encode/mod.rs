//! Encoding and decoding with a rank table (spec §5-§7).
//!
//! * encoder.rs: the [`Encoder`], which checks its table, splits a text, looks each piece up and
//!   merges those that are not tokens, picking the method by the piece's length;
//! * join_by_scan.rs, join_by_heap.rs, join_by_buckets.rs: the three ways of merging a piece,
//!   one choice for one (the scan for short pieces, a heap for long, a bucket per rank for very
//!   long), over the slots of scan_slots.rs;
//! * join_by_merge_priority.rs: merging by a merge list's priorities (§6.9, Hugging Face's
//!   rule), by a scan or a heap over the same slots; merge_list.rs: the list, checked (§6.8);
//! * rank_table.rs: token bytes to rank; specials.rs: special tokens and finding them;
//! * merged_cache.rs: each thread's cache of merged pieces; scratch.rs: the memory that merging
//!   long pieces keeps from piece to piece;
//! * token_bytes.rs: the bytes of every id, for decoding; byte_map.rs: the map for long keys;
//! * cancel.rs: what an encode asks between pieces to know whether to stop.
//! * offsets.rs: encoding with each token's byte and character span in the text (§6.12);
//! * words.rs: pieces encoded into the words that extending a vocabulary starts from (§4.7).

mod byte_map;
mod cancel;
mod encoder;
mod join_by_buckets;
mod join_by_heap;
mod join_by_merge_priority;
mod join_by_scan;
mod merge_list;
mod merged_cache;
mod offsets;
mod rank_table;
mod scan_slots;
mod scratch;
mod specials;
#[cfg(test)]
mod tests;
mod token_bytes;
mod words;

pub use cancel::Cancel;
pub use encoder::Encoder;
pub use offsets::{Offsets, Span};
pub use specials::Allowed;
