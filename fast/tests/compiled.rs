//! The compiled splitter gives exactly the pieces of the regex engine (which the Python tests tie
//! to the reference): for the deployed patterns and the named ones, on every Unicode scalar value
//! in contexts and on random text over an alphabet that reaches every branch; and for random
//! patterns of the grammar on random text over small alphabets. Patterns the compiled engine
//! refuses fall back to the regex engine, whole or for the rest of a text.

mod common;

use _fast::pattern::{EngineKind, Search, PATTERNS};
use _fast::Splitter;
use common::alphabet::ALPHABET;
use common::deployed::DEPLOYED;
use common::rng::XorShift;
use rayon::prelude::*;

/// Ten times the library's limit (spec §2.4.5): random patterns nest quantifiers, and the oracle
/// must answer on every text the compiled engine answers on.
const ORACLE_BACKTRACK_LIMIT: usize = 100_000_000;

/// Each named and deployed pattern on the compiled engine and on the regex engine.
fn pairs() -> Vec<(Splitter, Splitter, &'static str)> {
    PATTERNS
        .iter()
        .chain(DEPLOYED)
        .map(|(name, regex)| {
            let compiled = Splitter::with_engine(regex, EngineKind::Compiled)
                .unwrap_or_else(|err| panic!("{name} compiles: {err}"));
            let general = Splitter::with_engine(regex, EngineKind::Regex).unwrap();
            (compiled, general, *name)
        })
        .collect()
}

fn check(compiled: &Splitter, general: &Splitter, name: &str, text: &str) {
    let got = compiled.split(text).unwrap();
    let expected = general.split(text).unwrap();
    if got != expected {
        // Show where the pieces part, not the whole text.
        let at = got
            .iter()
            .zip(&expected)
            .take_while(|(a, b)| a == b)
            .count();
        panic!(
            "{name}: piece {at} differs: compiled {:?}, regex {:?}",
            window(&got, at),
            window(&expected, at)
        );
    }
}

/// The pieces around piece `at`.
fn window<'a>(pieces: &[&'a str], at: usize) -> Vec<&'a str> {
    pieces[at.saturating_sub(3)..(at + 3).min(pieces.len())].to_vec()
}

#[test]
fn deployed_patterns_run_on_the_compiled_engine() {
    for (name, regex) in DEPLOYED {
        let splitter = Splitter::new(regex).unwrap();
        assert_eq!(splitter.engine(), EngineKind::Compiled, "{name}");
    }
    // The named patterns keep their hand-written splitters where those are faster.
    for (name, _) in PATTERNS {
        let expected = if *name == "o200k" {
            EngineKind::Compiled
        } else {
            EngineKind::Handwritten
        };
        assert_eq!(Splitter::new(name).unwrap().engine(), expected, "{name}");
    }
}

const CONTEXTS: &[(&str, &str)] = &[
    ("", ""),
    ("a", "b"),
    (" ", " "),
    ("'", "s"),
    ("1", "\n"),
    ("\u{300}", "\u{300}"),
];

#[test]
fn every_scalar_value_in_context() {
    let pairs = pairs();
    // Many scalars per text (the contexts around each, one after another) keeps the regex
    // engine's per-call cost out of the run time.
    let scalars: Vec<char> = (0..=0x10FFFFu32).filter_map(char::from_u32).collect();
    scalars.par_chunks(2048).for_each(|chunk| {
        for (before, after) in CONTEXTS {
            let mut text = String::with_capacity(chunk.len() * 8);
            for &c in chunk {
                text.push_str(before);
                text.push(c);
                text.push_str(after);
            }
            for (compiled, general, name) in &pairs {
                check(compiled, general, name, &text);
            }
        }
    });
}

#[test]
fn random_text_over_a_tricky_alphabet() {
    let pairs = pairs();
    (0..32u64).into_par_iter().for_each(|seed| {
        let mut rng = XorShift::seeded(seed);
        for _ in 0..3_000 {
            let text = rng.text(ALPHABET, 40);
            for (compiled, general, name) in &pairs {
                check(compiled, general, name, &text);
            }
        }
    });
}

// Random patterns, in the grammar of tests/strategies.py: atoms, quantified, combined into
// sequences, alternations, groups, atomic groups, lookarounds and anchors, with a catch-all last.
const ATOMS: &[&str] = &[
    "a",
    "b",
    " ",
    r"\n",
    ".",
    r"\s",
    r"\S",
    r"\d",
    r"\p{L}",
    r"\P{L}",
    r"\p{Lu}",
    r"\p{N}",
    "[ab]",
    "[^a]",
    r"[\s\p{L}]",
    r"[^\s\p{N}]",
    r"\x{e9}",
    "'",
    r"(?i:a)",
    r"(?i:[sS])",
];
const QUANTIFIERS: &[&str] = &[
    "", "", "", "*", "+", "?", "{1,2}", "{2}", "{0,3}", "*?", "+?", "??", "++", "*+", "?+",
    "{0,2}+", "{1,3}?",
];
const ASSERTIONS: &[&str] = &[
    "(?<=a)",
    "(?<![ab])",
    r"(?<=\s)",
    r"(?<!\S)",
    "^",
    "$",
    r"\A",
    r"\z",
    "(?m:^)",
    "(?m:$)",
];

fn random_node(rng: &mut XorShift, depth: u32) -> String {
    let leaf = |rng: &mut XorShift| format!("{}{}", rng.pick(ATOMS), rng.pick(QUANTIFIERS));
    if depth == 0 {
        return leaf(rng);
    }
    match rng.below(9) {
        0 | 1 => leaf(rng),
        2 => (0..1 + rng.below(3))
            .map(|_| random_node(rng, depth - 1))
            .collect(),
        3 => {
            let branches: Vec<String> = (0..2 + rng.below(2))
                .map(|_| random_node(rng, depth - 1))
                .collect();
            format!("(?:{})", branches.join("|"))
        }
        4 => format!(
            "(?:{}){}",
            random_node(rng, depth - 1),
            rng.pick(QUANTIFIERS)
        ),
        5 => format!("(?>{})", random_node(rng, depth - 1)),
        6 => format!(
            "{}{})",
            rng.pick(&["(?=", "(?!"]),
            random_node(rng, depth - 1)
        ),
        7 => rng.pick(ASSERTIONS).to_string(),
        _ => format!(
            "{}{}",
            random_node(rng, depth - 1),
            random_node(rng, depth - 1)
        ),
    }
}

fn random_pattern(rng: &mut XorShift) -> String {
    let mut branches: Vec<String> = (0..1 + rng.below(3)).map(|_| random_node(rng, 3)).collect();
    if rng.below(4) != 0 {
        branches.push(r"[\s\S]".into());
    }
    branches.join("|")
}

const TEXT_ALPHABETS: &[&[char]] = &[
    &['a', 'b', ' ', '\n'],
    &['a', 'b'],
    &['a', 'B', '1', ' ', '\'', '\r', '\n', '\t'],
    &['a', 'b', '\u{e9}', '\u{65e5}', ' ', 's', 'S', '\u{1F600}'],
];

#[test]
fn random_patterns_on_random_text() {
    let (compiled, refused) = (0..48u64)
        .into_par_iter()
        .map(|seed| {
            let mut rng = XorShift::seeded(1000 + seed);
            let (mut compiled, mut refused) = (0, 0);
            while compiled + refused < 60 {
                let pattern = random_pattern(&mut rng);
                // Patterns outside the grammar (a quantified empty match, say) are errors for
                // both engines; the Python tests check that they are the same errors.
                // The oracle may backtrack for longer than the library's limit lets a search run.
                let Ok(general) =
                    Splitter::regex_with_backtrack_limit(&pattern, ORACLE_BACKTRACK_LIMIT)
                else {
                    continue;
                };
                let splitter = Splitter::new(&pattern).unwrap();
                match Splitter::with_engine(&pattern, EngineKind::Compiled) {
                    Ok(fast) => {
                        compiled += 1;
                        assert_eq!(splitter.engine(), EngineKind::Compiled, "{pattern}");
                        for _ in 0..200 {
                            let alphabet = *rng.pick(TEXT_ALPHABETS);
                            let text = rng.text(alphabet, 24);
                            check(&fast, &general, &pattern, &text);
                        }
                    }
                    Err(_) => {
                        refused += 1;
                        assert_eq!(splitter.engine(), EngineKind::Regex, "{pattern}");
                        assert!(splitter.not_compiled_because().is_some(), "{pattern}");
                        let text = rng.text(TEXT_ALPHABETS[0], 24);
                        check(&splitter, &general, &pattern, &text);
                    }
                }
            }
            (compiled, refused)
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    eprintln!("random patterns: {compiled} compiled, {refused} on the regex engine");
    // The generator reaches the constructs the compiled engine refuses, but most patterns of the
    // grammar compile.
    assert!(
        compiled > 3 * refused,
        "{compiled} compiled, {refused} refused"
    );
}

#[test]
fn hand_picked_patterns() {
    for (pattern, text) in [
        (r"\s+(?!\S)|\s+|\S+", "a   b  "),
        (r"(?:)|a", "ab"),
        (r"b|(?:)", "abc"),
        (r"x*", "\u{e9}"),
        (r"(?<=a)b|.", "abab"),
        (r"^a|a$|(?m:^b)|(?m:b$)|[\s\S]", "ab\nba\nb"),
        (r"(?>a|ab)c|.", "abc ac"),
        (r"a++a|.", "aaa"),
        (r"(?i:'s|'t|'re)|\p{L}+", "IT'S it's It'Re \u{17F}"),
        (r"\p{N}{1,3}+|.", "1234567"),
    ] {
        let compiled = Splitter::with_engine(pattern, EngineKind::Compiled).unwrap();
        let general = Splitter::with_engine(pattern, EngineKind::Regex).unwrap();
        check(&compiled, &general, pattern, text);
    }
}

#[test]
fn constructs_it_cannot_run_fall_back_to_the_regex_engine() {
    for (pattern, text) in [
        (r"a(?=bc)|.", "abc abd a"),
        (r"(?<=ab)c|.", "abc xbc"),
        (r"(?>abc|a)b|.", "abcb ab"),
    ] {
        let splitter = Splitter::new(pattern).unwrap();
        assert_eq!(splitter.engine(), EngineKind::Regex, "{pattern}");
        assert!(splitter.not_compiled_because().is_some(), "{pattern}");
        assert!(Splitter::with_engine(pattern, EngineKind::Compiled).is_err());
        let general = Splitter::with_engine(pattern, EngineKind::Regex).unwrap();
        check(&splitter, &general, pattern, text);
    }
}

/// How many of the pieces of `text` came from a search that may have backtracked.
fn backtracked(splitter: &Splitter, text: &str) -> usize {
    let mut count = 0;
    splitter
        .try_for_each_piece(text, |_, search| {
            count += usize::from(search == Search::Backtracking);
            Ok(())
        })
        .unwrap();
    count
}

#[test]
fn long_failed_attempts_hand_the_rest_to_the_regex_engine() {
    // Each attempt at a start inside the run of `a` reads to its end before failing: past a
    // budget the compiled engine hands the rest of the text to the regex engine.
    let pattern = r"a+b|c";
    let compiled = Splitter::with_engine(pattern, EngineKind::Compiled).unwrap();
    let general = Splitter::with_engine(pattern, EngineKind::Regex).unwrap();
    let failing = "a".repeat(20_000) + "c";
    check(&compiled, &general, pattern, &failing);
    assert!(
        backtracked(&compiled, &failing) > 0,
        "{pattern}: no hand-off"
    );
    // Here every attempt in a run succeeds: nothing to hand off.
    let matching = "cc".to_owned() + &"a".repeat(20_000) + "b c" + &"a".repeat(9000) + "ab";
    check(&compiled, &general, pattern, &matching);
    assert_eq!(backtracked(&compiled, &matching), 0, "{pattern}");
}

#[test]
fn matches_that_read_far_past_their_ends_hand_the_rest_to_the_regex_engine() {
    // Each match is one `a`, but the DFA reads on to the end of the text for a `b` (the greedy
    // group is tried first).
    let pattern = r"a(?:[\s\S]*b)?";
    let compiled = Splitter::with_engine(pattern, EngineKind::Compiled).unwrap();
    let general = Splitter::with_engine(pattern, EngineKind::Regex).unwrap();
    let text = "a".repeat(20_000);
    check(&compiled, &general, pattern, &text);
    assert!(backtracked(&compiled, &text) > 0, "{pattern}: no hand-off");
}

#[test]
fn ordinary_text_stays_on_the_compiled_engine() {
    let text = "Hello, world! It's 2026: ünïcödé, Привет мир, 你好世界, こんにちは 12345\n\n  x "
        .repeat(500);
    for (name, pattern) in DEPLOYED {
        let compiled = Splitter::with_engine(pattern, EngineKind::Compiled).unwrap();
        assert_eq!(backtracked(&compiled, &text), 0, "{name}");
    }
}
