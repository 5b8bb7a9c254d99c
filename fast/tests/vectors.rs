//! Every conformance vector in spec/vectors/ run against the Rust core on its own, without
//! Python: the same checks tests/test_vectors.py makes through the Python module.

use std::fs;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

use _fast::{extend_from_words, train, Allowed, Encoder, Merge, Silent, Splitter};
use serde_json::Value;

fn vectors() -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/vectors");
    let mut out: Vec<(String, Value)> = fs::read_dir(&dir)
        .expect("spec/vectors exists")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let text = fs::read_to_string(&path).expect("vector is readable");
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, serde_json::from_str(&text).expect("vector is JSON"))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(out.len() >= 20, "expected the vectors in {}", dir.display());
    out
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_str().expect("string").to_owned())
        .collect()
}

fn numbers(value: &Value) -> Vec<u64> {
    value
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_u64().expect("number"))
        .collect()
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

/// The rank table of a `ranks` or `merges` case.
fn rank_table(input: &Value) -> Vec<(Vec<u8>, u32)> {
    input["ranks"]
        .as_array()
        .expect("ranks")
        .iter()
        .map(|pair| {
            (
                hex(pair[0].as_str().expect("token")),
                pair[1].as_u64().expect("rank") as u32,
            )
        })
        .collect()
}

/// The special tokens of an `offsets` or `extend` case.
fn special_tokens(input: &Value) -> Vec<(String, u32)> {
    input["special_tokens"]
        .as_array()
        .expect("special_tokens")
        .iter()
        .map(|s| {
            (
                s[0].as_str().unwrap().to_owned(),
                s[1].as_u64().unwrap() as u32,
            )
        })
        .collect()
}

/// Check the learned merges against a case's `(left, right, count)` triples and the bytes of
/// the tokens they make after `vocab` (§5.1, §4.7); return `vocab` grown by them.
fn check_merges(
    name: &str,
    merges: &[Merge],
    expected: &Value,
    mut vocab: Vec<Vec<u8>>,
) -> Vec<Vec<u8>> {
    let got: Vec<Vec<u64>> = merges
        .iter()
        .map(|m| vec![u64::from(m.left), u64::from(m.right), m.count])
        .collect();
    let want: Vec<Vec<u64>> = expected["merges"]
        .as_array()
        .expect("merges")
        .iter()
        .map(numbers)
        .collect();
    assert_eq!(got, want, "{name}: merges");
    let first = vocab.len();
    for m in merges {
        let token = [
            vocab[m.left as usize].clone(),
            vocab[m.right as usize].clone(),
        ]
        .concat();
        vocab.push(token);
    }
    let tokens: Vec<Vec<u8>> = strings(&expected["tokens"])
        .iter()
        .map(|t| hex(t))
        .collect();
    assert_eq!(vocab[first..].to_vec(), tokens, "{name}: tokens");
    vocab
}

fn check_encoding(name: &str, encoder: &Encoder, samples: &[String], expected: &Value) {
    let pieces = &expected["pieces"];
    let splitter = Splitter::new(encoder.pattern()).expect("pattern compiles");
    for (i, sample) in samples.iter().enumerate() {
        let got: Vec<&str> = splitter.split(sample).expect("split");
        assert_eq!(got, strings(&pieces[i]), "{name}: pieces of sample {i}");
        let ids = encoder.encode_ordinary(sample).expect("encode");
        let want: Vec<u32> = numbers(&expected["ids"][i])
            .into_iter()
            .map(|n| n as u32)
            .collect();
        assert_eq!(ids, want, "{name}: ids of sample {i}");
        let decoded = encoder.decode_bytes(&ids).expect("decode");
        assert_eq!(
            decoded,
            got.concat().into_bytes(),
            "{name}: decode of sample {i}"
        );
    }
}

/// A truncate case (§5.5): the training to the smaller size gives the expected merges and tokens,
/// and they are the first merges of the longer training; the special tokens follow them. Returns
/// the encoder of the truncated rank table.
fn truncated_encoder(name: &str, input: &Value, expected: &Value) -> Encoder {
    let texts = strings(&input["texts"]);
    let pattern = input["pattern"].as_str().expect("pattern");
    let min_frequency = input["min_frequency"].as_u64().expect("min_frequency");
    let n_special = input["special_tokens"]
        .as_array()
        .expect("special_tokens")
        .len() as u32;
    let size = |key: &str| input[key].as_u64().expect(key) as u32 - n_special;
    let longer = train(&texts, size("vocab_size"), pattern, min_frequency, None).expect("train");
    let shorter = train(&texts, size("truncate_to"), pattern, min_frequency, None).expect("train");
    let bytes: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b]).collect();
    let vocab = check_merges(name, &shorter, expected, bytes);
    let k = shorter.len();
    assert_eq!(longer[..k], shorter[..], "{name}: the first merges");
    for (j, special) in strings(&input["special_tokens"]).iter().enumerate() {
        let id = expected["special_tokens"][special]
            .as_u64()
            .expect("special id");
        assert_eq!(id, (256 + k + j) as u64, "{name}: the id of {special}");
    }
    let ranks = vocab.into_iter().enumerate().map(|(i, t)| (t, i as u32));
    Encoder::new(ranks, pattern).expect("encoder")
}

#[test]
fn every_vector_passes_on_the_rust_core() {
    for (name, case) in vectors() {
        let input = &case["input"];
        let expected = &case["expected"];
        let pattern = input["pattern"].as_str().expect("pattern");
        let probes = strings(&input["probes"]);
        match case["kind"].as_str() {
            Some("train") => {
                let texts = strings(&input["texts"]);
                let vocab_size = input["vocab_size"].as_u64().expect("vocab_size") as u32;
                let min_frequency = input["min_frequency"].as_u64().expect("min_frequency");
                // Absent from the vectors that do not limit it (§4.3.1).
                let max_token_length = input["max_token_length"].as_u64().map(|n| n as u32);
                let merges = train(&texts, vocab_size, pattern, min_frequency, max_token_length)
                    .expect("train");
                let bytes: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b]).collect();
                let vocab = check_merges(&name, &merges, expected, bytes);
                let ranks = vocab.into_iter().enumerate().map(|(i, t)| (t, i as u32));
                let encoder = Encoder::new(ranks, pattern).expect("encoder");
                let samples: Vec<String> = texts.into_iter().chain(probes).collect();
                check_encoding(&name, &encoder, &samples, expected);
            }
            Some("ranks") => {
                let encoder = Encoder::new(rank_table(input), pattern).expect("encoder");
                let want: Vec<(u32, u32)> = expected["merges"]
                    .as_array()
                    .expect("merges")
                    .iter()
                    .map(|m| (m[0].as_u64().unwrap() as u32, m[1].as_u64().unwrap() as u32))
                    .collect();
                assert_eq!(encoder.merges(), want, "{name}: merges");
                check_encoding(&name, &encoder, &probes, expected);
            }
            Some("merges") => {
                let merges: Vec<(u32, u32)> = input["merges"]
                    .as_array()
                    .expect("merges")
                    .iter()
                    .map(|m| (m[0].as_u64().unwrap() as u32, m[1].as_u64().unwrap() as u32))
                    .collect();
                let ignore_merges = input["ignore_merges"].as_bool().expect("ignore_merges");
                let encoder = Encoder::with_merge_list(
                    rank_table(input),
                    Vec::new(),
                    pattern,
                    Some(merges.clone()),
                    ignore_merges,
                )
                .expect("encoder");
                let mut once = Vec::new();
                for (position, pair) in merges.iter().enumerate() {
                    if !merges[position + 1..].contains(pair) {
                        once.push(*pair);
                    }
                }
                assert_eq!(encoder.merges(), once, "{name}: merges");
                check_encoding(&name, &encoder, &probes, expected);
            }
            Some("truncate") => {
                let encoder = truncated_encoder(&name, input, expected);
                let samples: Vec<String> =
                    strings(&input["texts"]).into_iter().chain(probes).collect();
                check_encoding(&name, &encoder, &samples, expected);
            }
            Some("extend") => {
                let specials = special_tokens(input);
                let model =
                    Encoder::with_specials(rank_table(input), specials, pattern).expect("encoder");
                let texts = strings(&input["texts"]);
                let splitter = Splitter::new(pattern).expect("pattern compiles");
                let mut counts: std::collections::BTreeMap<Vec<u8>, u64> = Default::default();
                for text in &texts {
                    for piece in splitter.split(text).expect("split") {
                        *counts.entry(piece.as_bytes().to_vec()).or_default() += 1;
                    }
                }
                let pieces: Vec<(Vec<u8>, u64)> = counts.into_iter().collect();
                let tokens = model.rank_token_bytes();
                let vocab_size = input["vocab_size"].as_u64().expect("vocab_size") as u32;
                let merges = extend_from_words(
                    model.piece_words(&pieces),
                    tokens.clone(),
                    vocab_size,
                    1,
                    None,
                    &mut Silent,
                    None,
                )
                .expect("extend");
                let vocab = check_merges(&name, &merges, expected, tokens);
                let ranks = vocab
                    .into_iter()
                    .enumerate()
                    .filter(|(_, t)| !t.is_empty())
                    .map(|(i, t)| (t, i as u32));
                let encoder = Encoder::new(ranks, pattern).expect("encoder");
                let samples: Vec<String> = texts.into_iter().chain(probes).collect();
                for (i, sample) in samples.iter().enumerate() {
                    let ids = encoder.encode_ordinary(sample).expect("encode");
                    let want: Vec<u32> = numbers(&expected["ids"][i])
                        .into_iter()
                        .map(|n| n as u32)
                        .collect();
                    assert_eq!(ids, want, "{name}: ids of sample {i}");
                }
            }
            Some("offsets") => {
                let specials = special_tokens(input);
                let allowed: Vec<&str> = specials.iter().map(|(text, _)| text.as_str()).collect();
                let encoder = Encoder::with_specials(rank_table(input), specials.clone(), pattern)
                    .expect("encoder");
                let spans = |value: &Value| -> Vec<(usize, usize)> {
                    value
                        .as_array()
                        .expect("spans")
                        .iter()
                        .map(|s| {
                            (
                                s[0].as_u64().unwrap() as usize,
                                s[1].as_u64().unwrap() as usize,
                            )
                        })
                        .collect()
                };
                for (i, probe) in probes.iter().enumerate() {
                    let got = encoder
                        .encode_with_offsets(
                            probe,
                            Allowed::Only(&allowed),
                            &AtomicBool::new(false),
                        )
                        .expect("encode");
                    let ids: Vec<u32> = numbers(&expected["ids"][i])
                        .into_iter()
                        .map(|n| n as u32)
                        .collect();
                    assert_eq!(got.ids, ids, "{name}: ids of probe {i}");
                    assert_eq!(
                        got.bytes,
                        spans(&expected["byte_offsets"][i]),
                        "{name}: byte offsets of probe {i}"
                    );
                    assert_eq!(
                        got.chars,
                        spans(&expected["offsets"][i]),
                        "{name}: offsets of probe {i}"
                    );
                }
            }
            other => panic!("{name}: unknown kind {other:?}"),
        }
    }
}
