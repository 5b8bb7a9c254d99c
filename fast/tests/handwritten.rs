//! The hand-written splitters of the named patterns give exactly the pieces of the regex engine
//! (which the Python tests tie to the reference): on every Unicode scalar value in many contexts,
//! and on random text over an alphabet built to reach every branch. Also: cutting a text at the
//! offsets `safe_cuts` reports changes no piece.

mod common;

use _fast::pattern::{EngineKind, PATTERNS};
use _fast::Splitter;
use common::alphabet::ALPHABET;
use common::rng::XorShift;
use rayon::prelude::*;

const CONTEXTS: &[(&str, &str)] = &[
    ("", ""),
    ("a", ""),
    ("", "a"),
    ("a", "b"),
    (" ", ""),
    ("", " "),
    (" ", " "),
    ("'", ""),
    ("", "'s"),
    ("'", "s"),
    ("1", ""),
    ("", "1"),
    ("\n", ""),
    ("", "\n"),
    (" ", "\n"),
    ("\u{300}", ""),
    ("", "\u{300}"),
    ("A", "b"),
    ("x", "y z"),
    ("  ", "  "),
];

fn pairs() -> Vec<(Splitter, Splitter, &'static str)> {
    PATTERNS
        .iter()
        .map(|(name, _)| {
            let fast = Splitter::with_engine(name, EngineKind::Handwritten).unwrap();
            let regex = Splitter::with_engine(name, EngineKind::Regex).unwrap();
            (fast, regex, *name)
        })
        .collect()
}

fn check(pairs: &[(Splitter, Splitter, &str)], text: &str) {
    for (fast, regex, name) in pairs {
        assert_eq!(
            fast.split(text).unwrap(),
            regex.split(text).unwrap(),
            "{name} on {text:?}"
        );
    }
}

#[test]
fn every_scalar_value_in_context() {
    let pairs = pairs();
    (0..=0x10FFFFu32)
        .into_par_iter()
        .filter_map(char::from_u32)
        .for_each(|c| {
            let mut text = String::with_capacity(16);
            for (before, after) in CONTEXTS {
                text.clear();
                text.push_str(before);
                text.push(c);
                text.push_str(after);
                check(&pairs, &text);
            }
        });
}

fn random_text(rng: &mut XorShift) -> String {
    rng.text(ALPHABET, 39)
}

#[test]
fn random_text_over_a_tricky_alphabet() {
    let pairs = pairs();
    (0..64u64).into_par_iter().for_each(|seed| {
        let mut rng = XorShift::seeded(seed);
        for _ in 0..15_000 {
            check(&pairs, &random_text(&mut rng));
        }
    });
}

#[test]
fn safe_cuts_change_no_piece() {
    let pairs = pairs();
    let mut rng = XorShift(42);
    for _ in 0..20_000 {
        // Lines of random text, so that "\n" followed by a letter occurs often.
        let text: String = (0..(rng.next() % 12))
            .map(|_| {
                random_text(&mut rng) + "\n" + ["x", "Y", " ", "1", "'"][(rng.next() % 5) as usize]
            })
            .collect();
        for (fast, _, name) in &pairs {
            let cuts = fast.safe_cuts(&text, 1);
            let mut pieces = Vec::new();
            let mut start = 0;
            for &cut in cuts.iter().chain(std::iter::once(&text.len())) {
                pieces.extend(fast.split(&text[start..cut]).unwrap());
                start = cut;
            }
            assert_eq!(
                pieces,
                fast.split(&text).unwrap(),
                "{name} cut at {cuts:?} in {text:?}"
            );
        }
    }
}
