//! Tests of the encoder as a whole: every way of merging gives the scan's parts, the cache of
//! merged pieces gives what merging gives, and tables and special tokens are checked.

use super::encoder::{Encoder, JOIN_HEAP_MAX};
use super::merged_cache::{MERGED, MERGED_CACHE_SIZE};
use super::rank_table::{byte_ranks, NO_LIMIT};
use super::scan_slots::HEAP_THRESHOLD;
use super::specials::Allowed;
use crate::error::Error;
use std::sync::atomic::AtomicBool;

#[test]
fn lowest_rank_wins_even_across_merge_paths() {
    // bc=256, ab=257, abc=258: "xabc" becomes x, abc because a+bc is ranked.
    let mut ranks = byte_ranks();
    ranks.extend([
        (b"bc".to_vec(), 256),
        (b"ab".to_vec(), 257),
        (b"abc".to_vec(), 258),
    ]);
    let encoder = Encoder::new(ranks, r"[^\n]+").unwrap();
    assert_eq!(encoder.encode_ordinary("xabc").unwrap(), [120, 258]);
    // abc's bytes joined below rank 258 end as a, bc: its merge is (a, bc).
    assert_eq!(encoder.merges(), [(98, 99), (97, 98), (97, 256)]);
}

/// The parts (start, rank) that [`Encoder::merge_long`] gives.
fn long_parts(encoder: &Encoder, piece: &[u8], limit: u64) -> Vec<(usize, u32)> {
    let mut parts = Vec::new();
    encoder.merge_long(piece, limit, |start, rank| parts.push((start, rank)));
    parts
}

/// Hold every way of merging a long piece to the scan, on each side of every threshold: the
/// scan below [`HEAP_THRESHOLD`], the heap below [`JOIN_HEAP_MAX`], and beyond it buckets
/// found by index (with the table as given, which is small) or by hash (with one token of a
/// far rank added, so that the pieces are short beside the vocabulary).
fn assert_every_path_agrees(
    ranks: Vec<(Vec<u8>, u32)>,
    mut piece_of_len: impl FnMut(usize) -> Vec<u8>,
    limits: [u64; 2],
) {
    const LONGEST: usize = JOIN_HEAP_MAX + 800;
    let small = Encoder::new(ranks.clone(), "gpt4").unwrap();
    let mut with_far = ranks;
    with_far.push((b"zzzzzzzz".to_vec(), 100_000));
    let wide = Encoder::new(with_far, "gpt4").unwrap();
    assert!(JOIN_HEAP_MAX as u64 >= 8 * (u64::from(small.max_rank) + 1));
    assert!((LONGEST as u64) < 8 * (u64::from(wide.max_rank) + 1));
    let lengths = (1..200).chain([
        HEAP_THRESHOLD - 1,
        HEAP_THRESHOLD,
        600,
        3000,
        JOIN_HEAP_MAX - 1,
        JOIN_HEAP_MAX,
        LONGEST,
    ]);
    for len in lengths {
        let piece = piece_of_len(len);
        for encoder in [&small, &wide] {
            for limit in limits {
                assert_eq!(
                    encoder.merge_by_scan(&piece, limit),
                    long_parts(encoder, &piece, limit),
                    "{:?}",
                    String::from_utf8_lossy(&piece)
                );
            }
        }
    }
}

#[test]
fn heap_buckets_and_scan_agree_on_long_pieces() {
    let mut ranks = byte_ranks();
    ranks.extend([
        (b"aa".to_vec(), 256),
        (b"ab".to_vec(), 257),
        (b"aab".to_vec(), 258),
        (b"aaaa".to_vec(), 259),
    ]);
    let piece_of_len = |len| {
        (0..len)
            .map(|i| if i % 7 == 3 { b'b' } else { b'a' })
            .collect()
    };
    assert_every_path_agrees(ranks, piece_of_len, [NO_LIMIT, 258]);
}

#[test]
fn heap_buckets_and_scan_agree_when_a_join_makes_a_lower_rank() {
    // Hand-written ranks where joining creates a pair of lower rank than the one just
    // joined (a trained table never does this): xy=256 then zxy=257... and yz=300 first.
    let mut ranks = byte_ranks();
    ranks.extend([
        (b"ab".to_vec(), 300),
        (b"cab".to_vec(), 256),
        (b"abd".to_vec(), 257),
        (b"cabd".to_vec(), 258),
        (b"dc".to_vec(), 400),
        (b"bd".to_vec(), 500),
    ]);
    let mut rng = 12345u64;
    let piece_of_len = |len| {
        (0..len)
            .map(|_| {
                rng ^= rng << 13;
                rng ^= rng >> 7;
                rng ^= rng << 17;
                b"abcd"[(rng % 4) as usize]
            })
            .collect()
    };
    assert_every_path_agrees(ranks, piece_of_len, [NO_LIMIT, 301]);
}

/// An encoder where " a" followed by letters is never a token, and `count` such words, all
/// different.
fn encoder_and_distinct_words(count: usize) -> (Encoder, Vec<String>) {
    let mut ranks = byte_ranks();
    ranks.extend([(b"ab".to_vec(), 256), (b" a".to_vec(), 257)]);
    let encoder = Encoder::new(ranks, "gpt4").unwrap();
    let word = |mut i: usize| {
        let mut w = String::from(" a");
        while i > 0 {
            w.push(char::from(b"abcdefgh"[i % 8]));
            i /= 8;
        }
        w
    };
    (encoder, (0..count).map(word).collect())
}

/// The ids of `words` merged one by one with the scan, without the cache.
fn merged_by_scan(encoder: &Encoder, words: &[String]) -> Vec<u32> {
    let mut expected = Vec::new();
    for w in words {
        let parts = encoder.merge_by_scan(w.as_bytes(), NO_LIMIT);
        expected.extend(parts.into_iter().map(|(_, rank)| rank));
    }
    expected
}

fn merged_cache_resting() -> u32 {
    MERGED.with(|cache| cache.borrow().resting())
}

#[test]
fn the_merged_piece_cache_gives_what_merging_gives_across_restarts() {
    // More distinct non-token pieces than the cache holds, encoded twice: the first pass
    // fills the cache and starts it afresh, the second is served partly from it.
    let (encoder, words) = encoder_and_distinct_words(MERGED_CACHE_SIZE + 5000);
    let expected = merged_by_scan(&encoder, &words);
    let text = words.concat();
    assert_eq!(encoder.encode_ordinary(&text).unwrap(), expected);
    assert_eq!(encoder.encode_ordinary(&text).unwrap(), expected);
}

#[test]
fn the_merged_piece_cache_rests_only_when_pieces_do_not_recur() {
    // Every word once: the cache fills without a hit, so it rests, and the pieces that
    // bypass it are merged all the same.
    let (encoder, words) = encoder_and_distinct_words(MERGED_CACHE_SIZE + 5000);
    let text = words.concat();
    assert_eq!(
        encoder.encode_ordinary(&text).unwrap(),
        merged_by_scan(&encoder, &words)
    );
    assert!(merged_cache_resting() > 0);
    assert_eq!(
        encoder.encode_ordinary(&text).unwrap(),
        merged_by_scan(&encoder, &words)
    );
    // Every word twice in a row: half the lookups find their piece, so it keeps working
    // (a new encoder starts with a cache that is not resting).
    let (encoder, words) = encoder_and_distinct_words(MERGED_CACHE_SIZE + 5000);
    let twice: Vec<String> = words.iter().flat_map(|w| [w.clone(), w.clone()]).collect();
    assert_eq!(
        encoder.encode_ordinary(&twice.concat()).unwrap(),
        merged_by_scan(&encoder, &twice)
    );
    assert_eq!(merged_cache_resting(), 0);
}

#[test]
fn bad_tables_are_errors() {
    assert!(Encoder::new(byte_ranks().into_iter().skip(1), "gpt4").is_err());
    let mut duplicate = byte_ranks();
    duplicate.push((b"ab".to_vec(), 3));
    assert!(Encoder::new(duplicate, "gpt4").is_err());
}

#[test]
fn specials_are_found_leftmost_then_longest() {
    let specials = vec![
        ("<|a|>".to_string(), 300),
        ("<|a|><|b|>".to_string(), 301),
        ("<|b|>".to_string(), 302),
    ];
    let encoder = Encoder::with_specials(byte_ranks(), specials, "gpt4").unwrap();
    let all = ["<|a|>", "<|a|><|b|>", "<|b|>"];
    assert_eq!(
        encoder.encode("x<|a|><|b|>y<|b|>", &all).unwrap(),
        [120, 301, 121, 302]
    );
    assert_eq!(
        encoder.encode("<|a|><|b|>", &["<|a|>", "<|b|>"]).unwrap(),
        [300, 302]
    );
    assert_eq!(encoder.encode("<|a|>", &[]).unwrap().len(), 5);
    assert_eq!(encoder.decode_bytes(&[301, 104]).unwrap(), b"<|a|><|b|>h");
    // Every token allowed goes through the one search over all of them, by the same rule.
    let every = encoder
        .encode_cancellable("x<|a|><|b|>y<|b|>", Allowed::All, &AtomicBool::new(false))
        .unwrap();
    assert_eq!(every, [120, 301, 121, 302]);
}

#[test]
fn specials_must_not_collide_with_ranks() {
    let clash = vec![("<|x|>".to_string(), 65)];
    assert!(Encoder::with_specials(byte_ranks(), clash, "gpt4").is_err());
    let twice = vec![("<|x|>".to_string(), 300), ("<|x|>".to_string(), 301)];
    assert!(Encoder::with_specials(byte_ranks(), twice, "gpt4").is_err());
}

#[test]
fn decode_rejects_unknown_ids() {
    let encoder = Encoder::new(byte_ranks(), "gpt4").unwrap();
    assert_eq!(encoder.decode_bytes(&[104, 105]).unwrap(), b"hi");
    assert_eq!(
        encoder.decode_bytes(&[104, 999]),
        Err(Error::UnknownToken {
            id: 999,
            position: 1
        })
    );
}
