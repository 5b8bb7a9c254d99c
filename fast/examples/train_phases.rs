//! Time the two phases of training on a corpus file, without Python in the way, taking the
//! fastest of several repetitions (the minimum is what the code costs; the rest is other load):
//!     cargo run --release --example train_phases -- CORPUS [VOCAB_SIZE] [PATTERN] [REPEATS]

use std::time::Instant;

use _fast::train::train_from_piece_counts_ref;
use _fast::{PieceCounter, Silent, Splitter};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: train_phases CORPUS [VOCAB_SIZE] [PATTERN] [REPEATS]");
    let vocab_size: u32 = args
        .next()
        .map_or(32768, |v| v.parse().expect("vocab size"));
    let pattern = args.next().unwrap_or_else(|| "gpt4".into());
    let repeats: usize = args.next().map_or(3, |v| v.parse().expect("repeats"));
    let text = std::fs::read_to_string(&path).expect("a UTF-8 corpus");
    // Documents of about 64 KB, cut after a newline, as bench/ feeds them.
    let mut documents = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let from = (start + 65536).min(text.len());
        let end = text.as_bytes()[from..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(text.len(), |i| from + i + 1);
        documents.push(&text[start..end]);
        start = end;
    }
    let splitter = Splitter::new(&pattern).expect("pattern");
    let mut best_count = f64::MAX;
    let mut counts = None;
    for _ in 0..repeats {
        let started = Instant::now();
        let mut counter = PieceCounter::new(&splitter);
        counter.add_batch(&documents).expect("count");
        counts = Some(counter.into_counts());
        best_count = best_count.min(started.elapsed().as_secs_f64());
    }
    let counts = counts.expect("at least one repeat");
    let mut best_merge = f64::MAX;
    let mut merges = Vec::new();
    for _ in 0..repeats {
        let started = Instant::now();
        // As Python trains from a table of counts it holds: the arena sized from the table.
        merges = train_from_piece_counts_ref(&counts, vocab_size, 1, None, &mut Silent, None)
            .expect("train");
        best_merge = best_merge.min(started.elapsed().as_secs_f64());
    }
    let piece_bytes: usize = counts.iter().map(|(k, _)| k.as_ref().len()).sum();
    println!(
        "{:.0} MB in {} documents: count {best_count:.3} s ({} distinct pieces, {piece_bytes} bytes), merge {best_merge:.3} s ({} merges), best of {repeats}",
        text.len() as f64 / 1e6,
        documents.len(),
        counts.len(),
        merges.len()
    );
}
