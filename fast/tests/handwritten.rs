//! The hand-written splitters of the named patterns give exactly the pieces of the regex engine
//! (which the Python tests tie to the reference): on every Unicode scalar value in many contexts,
//! and on random text over an alphabet built to reach every branch. Also: cutting a text at the
//! offsets `safe_cuts` reports changes no piece.

use _fast::pattern::{EngineKind, PATTERNS};
use _fast::Splitter;
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
            let fast = Splitter::new(name).unwrap();
            assert_eq!(fast.engine(), EngineKind::Handwritten, "{name}");
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

/// Characters that reach every branch and class boundary of the named patterns.
const ALPHABET: &[char] = &[
    'a',
    'b',
    'z',
    'A',
    'B',
    's',
    'S',
    'd',
    'D',
    'm',
    't',
    'T',
    'l',
    'L',
    'v',
    'V',
    'e',
    'E',
    'r',
    'R',
    'k',
    'K',
    '\u{17F}',
    '\u{212A}',
    '0',
    '7',
    '9',
    ' ',
    ' ',
    ' ',
    '\t',
    '\n',
    '\n',
    '\r',
    '\u{B}',
    '\u{C}',
    '\u{85}',
    '\u{A0}',
    '\u{2028}',
    '\u{3000}',
    '\'',
    '\'',
    '/',
    '.',
    ',',
    ';',
    '!',
    '?',
    '-',
    '"',
    '\u{301}',
    '\u{300}',
    '\u{2B0}',
    '\u{5D0}',
    '\u{4E00}',
    '\u{1C5}',
    '\u{3A9}',
    '\u{3C9}',
    '\u{2160}',
    '\u{B2}',
    '\u{660}',
    '\u{1F600}',
    '\u{C5C}',
    '\u{E000}',
    '\u{10FFFF}',
    '\u{200D}',
];

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn random_text(rng: &mut XorShift) -> String {
    let len = (rng.next() % 40) as usize;
    (0..len)
        .map(|_| ALPHABET[(rng.next() % ALPHABET.len() as u64) as usize])
        .collect()
}

#[test]
fn random_text_over_a_tricky_alphabet() {
    let pairs = pairs();
    (0..64u64).into_par_iter().for_each(|seed| {
        let mut rng =
            XorShift(0x9E37_79B9_7F4A_7C15 ^ (seed + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
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
