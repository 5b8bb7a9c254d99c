//! Single-thread throughput of splitting alone and of splitting and counting, best of several
//! runs:  cargo run --release --example split_speed -- CORPUS [PATTERN] [REPEATS]

use std::time::Instant;

use _fast::{PieceCounter, Splitter};

fn best<T>(repeats: usize, mut run: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::MAX;
    let mut out = None;
    for _ in 0..repeats {
        let started = Instant::now();
        out = Some(run());
        best = best.min(started.elapsed().as_secs_f64());
    }
    (best, out.expect("at least one run"))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: split_speed CORPUS [PATTERN] [REPEATS]");
    let pattern = args.next().unwrap_or_else(|| "gpt4".into());
    let repeats: usize = args.next().map_or(5, |v| v.parse().expect("repeats"));
    let text = std::fs::read_to_string(&path).expect("a UTF-8 corpus");
    let mb = text.len() as f64 / 1e6;
    let splitter = Splitter::new(&pattern).expect("pattern");
    let (split, pieces) = best(repeats, || {
        let mut n = 0u64;
        splitter.for_each_piece(&text, |_| n += 1).expect("split");
        n
    });
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let (count, distinct) = best(repeats, || {
        pool.install(|| {
            let mut counter = PieceCounter::new(&splitter);
            counter.add_batch(&[text.as_str()]).expect("count");
            counter.into_counts().len()
        })
    });
    println!(
        "{pattern}: split {:.0} MB/s ({pieces} pieces), split+count {:.0} MB/s ({distinct} distinct), one thread",
        mb / split,
        mb / count
    );
}
