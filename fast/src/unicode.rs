//! Code point sets built from the pinned Unicode 16.0.0 table (spec §2.3).
//!
//! The regex engine never sees `\p{..}` or `\s`: the pattern compiler resolves them to explicit
//! sets from these tables, so the engine's own Unicode version cannot change a split.

use std::sync::OnceLock;

use crate::unicode_data::{CASE_ORBITS, GENERAL_CATEGORY, WHITE_SPACE};

pub use crate::unicode_data::UNICODE_VERSION;

pub const MAX_SCALAR: u32 = 0x10FFFF;
const SURROGATE_FIRST: u32 = 0xD800;
const SURROGATE_LAST: u32 = 0xDFFF;

/// The two-letter Unicode General_Category values.
#[allow(clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GeneralCategory {
    Lu,
    Ll,
    Lt,
    Lm,
    Lo,
    Mn,
    Mc,
    Me,
    Nd,
    Nl,
    No,
    Pc,
    Pd,
    Ps,
    Pe,
    Pi,
    Pf,
    Po,
    Sm,
    Sc,
    Sk,
    So,
    Zs,
    Zl,
    Zp,
    Cc,
    Cf,
    Cs,
    Co,
}

impl GeneralCategory {
    fn short_name(self) -> &'static str {
        use GeneralCategory::*;
        match self {
            Lu => "Lu",
            Ll => "Ll",
            Lt => "Lt",
            Lm => "Lm",
            Lo => "Lo",
            Mn => "Mn",
            Mc => "Mc",
            Me => "Me",
            Nd => "Nd",
            Nl => "Nl",
            No => "No",
            Pc => "Pc",
            Pd => "Pd",
            Ps => "Ps",
            Pe => "Pe",
            Pi => "Pi",
            Pf => "Pf",
            Po => "Po",
            Sm => "Sm",
            Sc => "Sc",
            Sk => "Sk",
            So => "So",
            Zs => "Zs",
            Zl => "Zl",
            Zp => "Zp",
            Cc => "Cc",
            Cf => "Cf",
            Cs => "Cs",
            Co => "Co",
        }
    }
}

/// A set of Unicode scalar values: sorted, disjoint, non-adjacent `(first, last)` runs.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct CodepointSet {
    runs: Vec<(u32, u32)>,
}

impl CodepointSet {
    /// Sort and merge `runs`, dropping the surrogates (never part of a text we accept).
    pub fn from_runs(mut runs: Vec<(u32, u32)>) -> Self {
        runs.sort_unstable();
        let mut out: Vec<(u32, u32)> = Vec::with_capacity(runs.len());
        for (first, last) in runs {
            let last = last.min(MAX_SCALAR);
            let pieces = [
                (first, last.min(SURROGATE_FIRST - 1)),
                (first.max(SURROGATE_LAST + 1), last),
            ];
            for (lo, hi) in pieces {
                if lo > hi {
                    continue;
                }
                match out.last_mut() {
                    Some(prev) if lo <= prev.1.saturating_add(1) => prev.1 = prev.1.max(hi),
                    _ => out.push((lo, hi)),
                }
            }
        }
        CodepointSet { runs: out }
    }

    pub fn single(cp: u32) -> Self {
        Self::from_runs(vec![(cp, cp)])
    }

    pub fn all() -> Self {
        Self::from_runs(vec![(0, MAX_SCALAR)])
    }

    pub fn runs(&self) -> &[(u32, u32)] {
        &self.runs
    }

    pub fn contains(&self, cp: u32) -> bool {
        let i = self.runs.partition_point(|&(first, _)| first <= cp);
        i > 0 && self.runs[i - 1].1 >= cp
    }

    pub fn union(&self, other: &CodepointSet) -> CodepointSet {
        let mut runs = self.runs.clone();
        runs.extend_from_slice(&other.runs);
        Self::from_runs(runs)
    }

    pub fn complement(&self) -> CodepointSet {
        let mut gaps = Vec::with_capacity(self.runs.len() + 1);
        let mut next_free = 0u32;
        for &(first, last) in &self.runs {
            if first > next_free {
                gaps.push((next_free, first - 1));
            }
            next_free = last + 1;
        }
        if next_free <= MAX_SCALAR {
            gaps.push((next_free, MAX_SCALAR));
        }
        Self::from_runs(gaps)
    }

    /// Add every code point that simple case folding makes equal to a member (spec §2.3).
    pub fn fold_closure(&self) -> CodepointSet {
        let extra: Vec<(u32, u32)> = CASE_ORBITS
            .iter()
            .filter(|orbit| orbit.iter().any(|&cp| self.contains(cp)))
            .flat_map(|orbit| orbit.iter().map(|&cp| (cp, cp)))
            .collect();
        if extra.is_empty() {
            return self.clone();
        }
        let mut runs = self.runs.clone();
        runs.extend(extra);
        Self::from_runs(runs)
    }
}

/// The set for a General_Category name (short or long, as in PropertyValueAliases.txt), or for
/// a one-letter group such as `L`, or `LC`.
pub fn category_set(name: &str) -> Option<&'static CodepointSet> {
    let short = long_to_short(name).unwrap_or(name);
    category_sets()
        .iter()
        .find(|(n, _)| *n == short)
        .map(|(_, set)| set)
}

/// The sets of code points that simple case folding makes equal (orbits of two or more).
pub fn case_orbits() -> &'static [&'static [u32]] {
    CASE_ORBITS
}

pub fn white_space() -> &'static CodepointSet {
    static SET: OnceLock<CodepointSet> = OnceLock::new();
    SET.get_or_init(|| CodepointSet::from_runs(WHITE_SPACE.to_vec()))
}

pub fn decimal_digits() -> &'static CodepointSet {
    category_set("Nd").expect("Nd is a General_Category value")
}

fn category_sets() -> &'static Vec<(&'static str, CodepointSet)> {
    static SETS: OnceLock<Vec<(&'static str, CodepointSet)>> = OnceLock::new();
    SETS.get_or_init(|| {
        let mut by_name: Vec<(&'static str, Vec<(u32, u32)>)> = Vec::new();
        for &(first, last, category) in GENERAL_CATEGORY {
            let name = category.short_name();
            match by_name.iter_mut().find(|(n, _)| *n == name) {
                Some((_, runs)) => runs.push((first, last)),
                None => by_name.push((name, vec![(first, last)])),
            }
        }
        let assigned: Vec<(u32, u32)> = GENERAL_CATEGORY.iter().map(|&(a, b, _)| (a, b)).collect();
        let mut sets: Vec<(&'static str, CodepointSet)> = by_name
            .into_iter()
            .map(|(name, runs)| (name, CodepointSet::from_runs(runs)))
            .collect();
        sets.push(("Cn", CodepointSet::from_runs(assigned).complement()));
        for group in ["L", "M", "N", "P", "S", "Z", "C"] {
            let runs = sets
                .iter()
                .filter(|(name, _)| name.len() == 2 && name.starts_with(group))
                .flat_map(|(_, set)| set.runs().iter().copied())
                .collect();
            sets.push((group, CodepointSet::from_runs(runs)));
        }
        let cased = sets
            .iter()
            .filter(|(name, _)| matches!(*name, "Lu" | "Ll" | "Lt"))
            .flat_map(|(_, set)| set.runs().iter().copied())
            .collect();
        sets.push(("LC", CodepointSet::from_runs(cased)));
        sets
    })
}

fn long_to_short(name: &str) -> Option<&'static str> {
    const ALIASES: &[(&str, &str)] = &[
        ("Letter", "L"),
        ("Cased_Letter", "LC"),
        ("Uppercase_Letter", "Lu"),
        ("Lowercase_Letter", "Ll"),
        ("Titlecase_Letter", "Lt"),
        ("Modifier_Letter", "Lm"),
        ("Other_Letter", "Lo"),
        ("Mark", "M"),
        ("Nonspacing_Mark", "Mn"),
        ("Spacing_Mark", "Mc"),
        ("Enclosing_Mark", "Me"),
        ("Number", "N"),
        ("Decimal_Number", "Nd"),
        ("Letter_Number", "Nl"),
        ("Other_Number", "No"),
        ("Punctuation", "P"),
        ("Connector_Punctuation", "Pc"),
        ("Dash_Punctuation", "Pd"),
        ("Open_Punctuation", "Ps"),
        ("Close_Punctuation", "Pe"),
        ("Initial_Punctuation", "Pi"),
        ("Final_Punctuation", "Pf"),
        ("Other_Punctuation", "Po"),
        ("Symbol", "S"),
        ("Math_Symbol", "Sm"),
        ("Currency_Symbol", "Sc"),
        ("Modifier_Symbol", "Sk"),
        ("Other_Symbol", "So"),
        ("Separator", "Z"),
        ("Space_Separator", "Zs"),
        ("Line_Separator", "Zl"),
        ("Paragraph_Separator", "Zp"),
        ("Other", "C"),
        ("Control", "Cc"),
        ("Format", "Cf"),
        ("Surrogate", "Cs"),
        ("Private_Use", "Co"),
        ("Unassigned", "Cn"),
    ];
    ALIASES
        .iter()
        .find(|(long, _)| *long == name)
        .map(|(_, short)| *short)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complement_round_trips_and_skips_surrogates() {
        let set = CodepointSet::from_runs(vec![(0x41, 0x5A), (0xD000, 0xE000)]);
        assert!(!set.contains(0xD800));
        assert_eq!(set.complement().complement(), set);
        assert!(!set.complement().contains(0xDC00));
    }

    #[test]
    fn fold_closure_adds_kelvin_and_long_s() {
        let set = CodepointSet::from_runs(vec![(u32::from('k'), u32::from('k')), (0x73, 0x73)]);
        let folded = set.fold_closure();
        for cp in ['k', 'K', '\u{212A}', 's', 'S', '\u{17F}'] {
            assert!(folded.contains(u32::from(cp)), "{cp:?}");
        }
    }

    #[test]
    fn letter_group_is_the_union_of_its_categories() {
        let l = category_set("L").unwrap();
        for name in ["Lu", "Ll", "Lt", "Lm", "Lo"] {
            for &(a, b) in category_set(name).unwrap().runs() {
                assert!(l.contains(a) && l.contains(b));
            }
        }
        assert_eq!(category_set("Letter"), category_set("L"));
        assert!(category_set("Greek").is_none());
    }
}
