//! Single-thread encoding throughput of the Rust core alone (no Python lists), best of several
//! runs, with a vocabulary trained on the same corpus:
//!     cargo run --release --example encode_speed -- CORPUS [VOCAB_SIZE] [PATTERN] [REPEATS]

use std::time::Instant;

use _fast::{train, Encoder};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: encode_speed CORPUS [VOCAB_SIZE] [PATTERN] [REPEATS]");
    let vocab_size: u32 = args
        .next()
        .map_or(32768, |v| v.parse().expect("vocab size"));
    let pattern = args.next().unwrap_or_else(|| "gpt4".into());
    let repeats: usize = args.next().map_or(5, |v| v.parse().expect("repeats"));
    let text = std::fs::read_to_string(&path).expect("a UTF-8 corpus");
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let merges = train(&lines, vocab_size, &pattern, 1, None).expect("train");
    let mut vocab: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b]).collect();
    for m in &merges {
        let token = [
            vocab[m.left as usize].clone(),
            vocab[m.right as usize].clone(),
        ]
        .concat();
        vocab.push(token);
    }
    let encoder = Encoder::new(
        vocab.into_iter().enumerate().map(|(i, t)| (t, i as u32)),
        &pattern,
    )
    .expect("encoder");
    let mut best = f64::MAX;
    let mut tokens = 0;
    for _ in 0..repeats {
        let started = Instant::now();
        tokens = encoder.encode_ordinary(&text).expect("encode").len();
        best = best.min(started.elapsed().as_secs_f64());
    }
    println!(
        "{:.0} MB/s ({tokens} tokens, {:.2} bytes per token), one thread",
        text.len() as f64 / 1e6 / best,
        text.len() as f64 / tokens as f64
    );
}
