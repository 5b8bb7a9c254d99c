//! Encoding with offsets (spec §6.12): the ids of §6.5, each with its token's byte span in the
//! text's UTF-8 and its character span. The splitter hands out pieces as slices of the text, so
//! a piece's place is where its slice starts, and its tokens follow one another by their lengths;
//! character spans come from one forward pass over the bytes, counting the characters' first bytes.

use std::sync::atomic::{AtomicBool, Ordering};

use super::encoder::Encoder;
use super::scan_slots::ShortScan;
use super::specials::Allowed;
use crate::error::{Error, Result};

/// A span `[start, end)`: of bytes in the text's UTF-8, or of characters.
pub type Span = (usize, usize);

/// The ids of an encoding and where each token is in the text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Offsets {
    pub ids: Vec<u32>,
    /// Each token's span of bytes in the text's UTF-8.
    pub bytes: Vec<Span>,
    /// Each token's span of characters: from the character holding its first byte to the one
    /// holding its last.
    pub chars: Vec<Span>,
}

impl Encoder {
    /// §6.12: [`Encoder::encode`] with each token's byte and character span; stops with
    /// [`Error::Interrupted`] soon after `cancel` becomes true.
    pub fn encode_with_offsets(
        &self,
        text: &str,
        allowed: Allowed<'_>,
        cancel: &AtomicBool,
    ) -> Result<Offsets> {
        let mut out = Offsets::default();
        let mut pos = 0;
        if let Some(occurrences) = self.specials.find_in(text, allowed) {
            for (start, end, id) in occurrences {
                self.stretch_with_offsets(text, pos, start, &mut out, cancel)?;
                out.ids.push(id);
                out.bytes.push((start, end));
                pos = end;
            }
        }
        self.stretch_with_offsets(text, pos, text.len(), &mut out, cancel)?;
        out.chars = char_spans(text.as_bytes(), &out.bytes);
        Ok(out)
    }

    /// §6.4 on `text[from..to]` (split as a text of its own, §6.5), appending ids and byte spans.
    fn stretch_with_offsets(
        &self,
        text: &str,
        from: usize,
        to: usize,
        out: &mut Offsets,
        cancel: &AtomicBool,
    ) -> Result<()> {
        let stretch = &text[from..to];
        let base = stretch.as_ptr() as usize;
        let mut scan = ShortScan::new();
        self.splitter.try_for_each_piece(stretch, |piece, _| {
            if cancel.load(Ordering::Relaxed) {
                return Err(Error::Interrupted);
            }
            // A piece is a slice of the stretch: its offset is the distance between the starts.
            let mut at = from + (piece.as_ptr() as usize - base);
            let first = out.ids.len();
            self.encode_piece(piece.as_bytes(), &mut scan, &mut out.ids);
            for &id in &out.ids[first..] {
                let len = self.tokens.get(id).map_or(0, <[u8]>::len);
                out.bytes.push((at, at + len));
                at += len;
            }
            Ok(())
        })
    }
}

/// The character span of each byte span of `text` (in order, never overlapping, never empty):
/// the index of the character holding the first byte, and one more than that of the one
/// holding the last. A character's index is the number of first bytes (not 10xxxxxx) before it.
fn char_spans(text: &[u8], spans: &[Span]) -> Vec<Span> {
    let mut pos = 0;
    let mut chars = 0;
    let mut chars_before = |to: usize| {
        chars += text[pos..to].iter().filter(|&&b| b & 0xC0 != 0x80).count();
        pos = to;
        chars
    };
    spans
        .iter()
        .map(|&(start, end)| {
            // The first byte's character is the last one starting at or before it.
            let first = chars_before(start + 1) - 1;
            (first, chars_before(end))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_character_split_between_tokens_is_in_both_spans() {
        // "é" is C3 A9; with byte tokens only, "aé" is three tokens.
        let ranks = (0..=255u8).map(|b| (vec![b], u32::from(b)));
        let encoder = Encoder::new(ranks, "gpt2").unwrap();
        let out = encoder
            .encode_with_offsets("aé", Allowed::Only(&[]), &AtomicBool::new(false))
            .unwrap();
        assert_eq!(out.ids, vec![0x61, 0xC3, 0xA9]);
        assert_eq!(out.bytes, vec![(0, 1), (1, 2), (2, 3)]);
        assert_eq!(out.chars, vec![(0, 1), (1, 2), (1, 2)]);
    }

    #[test]
    fn special_tokens_and_dropped_text_have_their_places() {
        let ranks = (0..=255u8).map(|b| (vec![b], u32::from(b)));
        let specials = vec![("<s>".to_string(), 300)];
        let encoder = Encoder::with_specials(ranks, specials, r"\p{L}+").unwrap();
        let out = encoder
            .encode_with_offsets("1é<s>b", Allowed::Only(&["<s>"]), &AtomicBool::new(false))
            .unwrap();
        assert_eq!(out.ids, vec![0xC3, 0xA9, 300, 0x62]);
        assert_eq!(out.bytes, vec![(1, 2), (2, 3), (3, 6), (6, 7)]);
        assert_eq!(out.chars, vec![(1, 2), (1, 2), (2, 5), (5, 6)]);
    }
}
