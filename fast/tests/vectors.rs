//! Every conformance vector in spec/vectors/ run against the Rust core on its own, without
//! Python: the same checks tests/test_vectors.py makes through the Python module.

use std::fs;
use std::path::PathBuf;

use _fast::{train, Encoder, Splitter};
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

/// The tokens that `merges` make, after the 256 bytes: token 256 + i is merge i's (§5.1).
fn vocabulary(merges: &[_fast::Merge]) -> Vec<Vec<u8>> {
    let mut vocab: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b]).collect();
    for m in merges {
        let token = [
            vocab[m.left as usize].as_slice(),
            vocab[m.right as usize].as_slice(),
        ]
        .concat();
        vocab.push(token);
    }
    vocab
}

/// `[left, right, count]` of each merge.
fn merge_triples(merges: &[_fast::Merge]) -> Vec<Vec<u64>> {
    merges
        .iter()
        .map(|m| vec![u64::from(m.left), u64::from(m.right), m.count])
        .collect()
}

/// A truncate case (§5.5): the first merges of the longer training are the training to the
/// smaller size and the expected ones; the special tokens follow them. Returns the encoder of the
/// truncated rank table.
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
    let want: Vec<Vec<u64>> = expected["merges"]
        .as_array()
        .expect("merges")
        .iter()
        .map(numbers)
        .collect();
    let k = want.len();
    assert_eq!(
        merge_triples(&shorter),
        want,
        "{name}: the shorter training"
    );
    assert_eq!(
        merge_triples(&longer[..k]),
        want,
        "{name}: the first merges"
    );
    let vocab = vocabulary(&shorter);
    let tokens: Vec<Vec<u8>> = strings(&expected["tokens"])
        .iter()
        .map(|t| hex(t))
        .collect();
    assert_eq!(vocab[256..].to_vec(), tokens, "{name}: tokens");
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
                let got = merge_triples(&merges);
                let want: Vec<Vec<u64>> = expected["merges"]
                    .as_array()
                    .expect("merges")
                    .iter()
                    .map(numbers)
                    .collect();
                assert_eq!(got, want, "{name}: merges");
                let vocab = vocabulary(&merges);
                let tokens: Vec<Vec<u8>> = strings(&expected["tokens"])
                    .iter()
                    .map(|t| hex(t))
                    .collect();
                assert_eq!(vocab[256..].to_vec(), tokens, "{name}: tokens");
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
            other => panic!("{name}: unknown kind {other:?}"),
        }
    }
}
