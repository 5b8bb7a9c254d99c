//! Spec §4.7: extending a vocabulary. The merge loop runs as in training, from words that are
//! pieces encoded by a model rather than bytes, making ids from the model's `n_vocab` on and
//! passing over a pair whose bytes are already a token.

use std::collections::HashSet;

use super::arena::Arena;
use super::merge::{Merge, MergeSink};
use super::merge_loop::{merge_loop, Known, Start};
use crate::error::{Error, Result};
use crate::progress::{Progress, Stage};

/// Learn up to `vocab_size - tokens.len()` merges from `words` (runs of ids, with their
/// frequencies); merge i makes id `tokens.len() + i`. `tokens[id]` holds the bytes of every id
/// below that (empty for an id that is no token: a special token's, or one never used).
pub fn extend_from_words(
    words: impl IntoIterator<Item = (Vec<u32>, u64)>,
    tokens: Vec<Vec<u8>>,
    vocab_size: u32,
    min_frequency: u64,
    max_token_length: Option<u32>,
    progress: &mut dyn Progress,
    learned: Option<&mut dyn MergeSink>,
) -> Result<Vec<Merge>> {
    let first_id = u32::try_from(tokens.len())
        .map_err(|_| Error::InvalidArgument("the vocabulary has more than 2^32 ids".into()))?;
    if vocab_size < first_id {
        return Err(Error::InvalidArgument(format!(
            "vocab_size must be at least n_vocab ({first_id}), got {vocab_size}"
        )));
    }
    let wanted = (vocab_size - first_id) as usize;
    let token_len: Vec<u32> = tokens.iter().map(|token| token.len() as u32).collect();
    let tick = |progress: &mut dyn Progress| progress.update(Stage::Merging, 0, wanted as u64);
    let (arena, pairs) = Arena::build_words(words, &token_len, &mut || tick(progress))?;
    let set: HashSet<Vec<u8>> = tokens.iter().filter(|t| !t.is_empty()).cloned().collect();
    let start = Start {
        first_id,
        token_len,
        known: Some(Known { bytes: tokens, set }),
    };
    merge_loop(
        arena,
        pairs,
        start,
        wanted,
        min_frequency,
        max_token_length,
        progress,
        learned,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::Silent;

    fn bytes_and(extra: &[&[u8]]) -> Vec<Vec<u8>> {
        let mut tokens: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b]).collect();
        tokens.extend(extra.iter().map(|t| t.to_vec()));
        tokens
    }

    #[test]
    fn a_pair_whose_bytes_are_a_token_is_passed_over() {
        // "abc" is token 256; "abcd" is its bytes. After (a, b), (ab, c) would repeat "abc".
        let tokens = bytes_and(&[b"abc"]);
        let words = vec![(vec![97, 98, 99, 100], 5)];
        let merges = extend_from_words(words, tokens, 270, 1, None, &mut Silent, None).unwrap();
        let pairs: Vec<(u32, u32)> = merges.iter().map(|m| (m.left, m.right)).collect();
        assert_eq!(pairs, vec![(97, 98), (99, 100), (257, 258)]);
    }

    #[test]
    fn new_ids_follow_the_vocabulary_and_words_start_as_tokens() {
        // Token 256 is "ab", id 257 a special token's (no bytes); the words hold 256.
        let mut tokens = bytes_and(&[b"ab"]);
        tokens.push(Vec::new());
        let words = vec![(vec![256, 256, 99], 3), (vec![256, 99], 2)];
        let merges = extend_from_words(words, tokens, 260, 1, None, &mut Silent, None).unwrap();
        let got: Vec<(u32, u32, u64)> = merges.iter().map(|m| (m.left, m.right, m.count)).collect();
        assert_eq!(got, vec![(256, 99, 5), (256, 258, 3)]);
    }
}
