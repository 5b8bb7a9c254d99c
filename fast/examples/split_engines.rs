//! Single-thread split throughput of each engine that can run each pattern (the hand-written
//! splitters, the compiled DFA, fancy-regex), pieces checked equal, and the time to build each.
//! The engines take turns, one run each per round, and each reports its best round (on a shared
//! machine the best is the closest to the unloaded figure, and turns expose all engines to the
//! same load):
//!   cargo run --release --example split_engines -- CORPUS [ROUNDS] [PATTERN...]
//! A pattern is a name (the named patterns, and the deployed ones of
//! fast/tests/common/deployed.rs) or a regex; with none, every named and deployed pattern.
//! ENGINE=compiled (or handwritten, regex) runs one engine only; fancy-regex runs one round.

use std::time::Instant;

use _fast::pattern::{EngineKind, PATTERNS};
use _fast::Splitter;

#[path = "../tests/common/deployed.rs"]
mod deployed;

/// Seconds to split `text`, and a digest of the pieces.
fn run(splitter: &Splitter, text: &str) -> (f64, u64) {
    let started = Instant::now();
    let mut digest = 0u64;
    splitter
        .for_each_piece(text, |piece| {
            digest = digest
                .wrapping_mul(0x100_0000_01B3)
                .wrapping_add(piece.as_ptr() as u64 + piece.len() as u64)
        })
        .expect("split");
    (started.elapsed().as_secs_f64(), digest)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .expect("usage: split_engines CORPUS [ROUNDS] [PATTERN...]");
    let rounds: usize = args.next().map_or(5, |v| v.parse().expect("rounds"));
    let known: Vec<(String, String)> = PATTERNS
        .iter()
        .chain(deployed::DEPLOYED)
        .map(|(name, regex)| (name.to_string(), regex.to_string()))
        .collect();
    let mut patterns: Vec<(String, String)> = args
        .map(|p| {
            known
                .iter()
                .find(|(name, _)| *name == p)
                .cloned()
                .unwrap_or((p.clone(), p))
        })
        .collect();
    if patterns.is_empty() {
        patterns = known;
    }
    let only = std::env::var("ENGINE").ok().filter(|e| !e.is_empty());
    let text = std::fs::read_to_string(&path).expect("a UTF-8 corpus");
    let mb = text.len() as f64 / 1e6;
    for (name, regex) in &patterns {
        let mut build_ms = Vec::new();
        let engines: Vec<(EngineKind, Splitter)> = [
            EngineKind::Handwritten,
            EngineKind::Compiled,
            EngineKind::Regex,
        ]
        .into_iter()
        .filter(|kind| only.as_deref().is_none_or(|only| only == kind.name()))
        .filter_map(|kind| {
            let started = Instant::now();
            let splitter = Splitter::with_engine(regex, kind).ok()?;
            build_ms.push(started.elapsed().as_secs_f64() * 1e3);
            Some((kind, splitter))
        })
        .collect();
        let mut best = vec![f64::MAX; engines.len()];
        let mut digests = vec![None; engines.len()];
        for round in 0..rounds {
            for (i, (kind, splitter)) in engines.iter().enumerate() {
                if *kind == EngineKind::Regex && round > 0 {
                    continue;
                }
                let (seconds, digest) = run(splitter, &text);
                best[i] = best[i].min(seconds);
                assert_eq!(*digests[i].get_or_insert(digest), digest);
            }
        }
        let mut line = format!("{name:>18}:");
        for (i, (kind, _)) in engines.iter().enumerate() {
            assert_eq!(digests[i], digests[0], "{name}: {} differs", kind.name());
            line += &format!(
                " {} {:.0} MB/s (built in {:.0} ms)",
                kind.name(),
                mb / best[i],
                build_ms[i]
            );
        }
        println!("{line}");
    }
}
