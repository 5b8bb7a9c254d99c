//! Time the two phases of training on a corpus file, without Python in the way:
//!     cargo run --release --example train_phases -- CORPUS [VOCAB_SIZE] [PATTERN]

use std::time::Instant;

use _fast::{train_from_counts, PieceCounter, Silent, Splitter};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: train_phases CORPUS [VOCAB_SIZE] [PATTERN]");
    let vocab_size: u32 = args
        .next()
        .map_or(32768, |v| v.parse().expect("vocab size"));
    let pattern = args.next().unwrap_or_else(|| "gpt4".into());
    let text = std::fs::read_to_string(&path).expect("a UTF-8 corpus");
    let documents: Vec<&str> = text
        .split_inclusive('\n')
        .collect::<Vec<_>>()
        .chunks(1000)
        .map(|lines| {
            let start = lines[0].as_ptr() as usize - text.as_ptr() as usize;
            let end = lines[lines.len() - 1].as_ptr() as usize - text.as_ptr() as usize
                + lines[lines.len() - 1].len();
            &text[start..end]
        })
        .collect();

    let start = Instant::now();
    let splitter = Splitter::new(&pattern).expect("pattern");
    let mut counter = PieceCounter::new(&splitter);
    counter.add_batch(&documents).expect("count");
    let counts = counter.into_counts();
    let counted = start.elapsed();
    let total_bytes: usize = counts.keys().map(|k| k.len()).sum();
    let start = Instant::now();
    let merges = train_from_counts(
        counts.iter().map(|(p, &c)| (&p[..], c)),
        vocab_size,
        1,
        &mut Silent,
    )
    .expect("train");
    let merged = start.elapsed();
    println!(
        "{} MB, {} documents: count {:.3} s ({} distinct pieces, {} bytes), merge {:.3} s ({} merges)",
        text.len() / 1_000_000, documents.len(), counted.as_secs_f64(), counts.len(), total_bytes, merged.as_secs_f64(), merges.len()
    );
}
