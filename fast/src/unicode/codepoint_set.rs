//! Sets of Unicode scalar values as sorted runs, with the operations the pattern compiler needs.

use super::unicode_data::CASE_ORBITS;

pub const MAX_SCALAR: u32 = 0x10FFFF;
const SURROGATE_FIRST: u32 = 0xD800;
const SURROGATE_LAST: u32 = 0xDFFF;

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
}
