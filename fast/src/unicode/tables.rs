//! The sets of the pinned table that split patterns name: each General_Category value and group,
//! White_Space, and the orbits of simple case folding.

use std::sync::OnceLock;

use super::category::long_to_short;
use super::codepoint_set::CodepointSet;
use super::unicode_data::{CASE_ORBITS, GENERAL_CATEGORY, WHITE_SPACE};

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

#[cfg(test)]
mod tests {
    use super::*;

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
