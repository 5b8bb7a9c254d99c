//! The compiled DFA at run time: a table from code point to class, a transition table with
//! state numbers premultiplied by the row length, and the piece loop of spec §2.4 over them.

use super::super::ascii_run::ascii_letters_end;
use super::super::code_point_table::CodePointTable;
use super::super::utf8;
use super::alphabet::{Alphabet, Contexts};
use super::determinize::{Dfa, MATCH};
use std::collections::HashMap;

/// No match.
const NONE: usize = usize::MAX;
/// Set on a transition into a state that every ASCII letter leaves unchanged (a loop such as
/// `\p{L}+`'s): the letters that follow are skipped eight at a time.
const LETTER_LOOP: u32 = 1 << 30;
/// With [`LETTER_LOOP`]: the loop reports a match before each letter.
const LOOP_MATCHES: u32 = 1 << 29;
/// The target state of a transition, without the flags.
const TARGET: u32 = LOOP_MATCHES - 1;

/// Symbols 0 to 127 are the ASCII characters themselves (no class lookup on the common path);
/// the classes of the other characters come after them, and the end of the text last.
const ASCII: usize = 128;

pub struct Matcher {
    /// Code point to class (for code points past ASCII), classes that every state treats alike
    /// merged into one.
    table: CodePointTable,
    /// Symbols per state: ASCII, the classes, then the end of the text (also the row length).
    stride: usize,
    /// `trans[state + symbol]`, with `state` a multiple of `stride`: the next state (0 is dead),
    /// with [`MATCH`] set if a match ends before the symbol.
    trans: Box<[u32]>,
    /// The start state for each context.
    starts: Box<[u32]>,
    /// The context after each symbol; the last entry (the end of the text's symbol) is the
    /// context at the start of the text.
    context_of: Box<[u8]>,
}

impl Matcher {
    pub fn new(alphabet: &Alphabet, contexts: &Contexts, dfa: &Dfa) -> Self {
        let states = dfa.states();
        let classes = alphabet.classes;
        // Classes whose columns (and contexts) are the same in every state are one class here.
        let mut merged: HashMap<(Vec<u32>, u8), u8> = HashMap::new();
        let mut new_class = Vec::with_capacity(classes);
        let mut symbols: Vec<usize> = (0..ASCII as u32).map(|b| alphabet.class_of(b)).collect();
        for class in 0..classes {
            let column: Vec<u32> = (0..states as u32).map(|q| dfa.step(q, class)).collect();
            let key = (column, contexts.of[class]);
            let next = merged.len() as u8;
            let id = *merged.entry(key).or_insert_with(|| {
                symbols.push(class);
                next
            });
            new_class.push(id);
        }
        symbols.push(classes);
        new_class.resize(256, 0);
        let stride = symbols.len();
        let mut trans = Vec::with_capacity(states * stride);
        for q in 0..states as u32 {
            for &old in &symbols {
                let t = dfa.step(q, old);
                trans.push(((t & !MATCH) * stride as u32) | (t & MATCH));
            }
        }
        mark_letter_loops(&mut trans, stride);
        Matcher {
            table: alphabet.table().remap(&new_class),
            stride,
            trans: trans.into_boxed_slice(),
            starts: dfa.starts.iter().map(|&s| s * stride as u32).collect(),
            context_of: symbols.iter().map(|&old| contexts.of[old]).collect(),
        }
    }

    /// The symbol of the character at byte `i`, and the offset after it.
    #[inline(always)]
    fn symbol_at(&self, bytes: &[u8], i: usize) -> (usize, usize) {
        let byte = bytes[i];
        if byte < 0x80 {
            (usize::from(byte), i + 1)
        } else {
            let (cp, next) = utf8::decode(bytes, i);
            (ASCII + usize::from(self.table.get(cp)), next)
        }
    }

    /// The state to start a match in at byte `at`.
    #[inline(always)]
    fn start(&self, bytes: &[u8], at: usize) -> u32 {
        if self.starts.len() == 1 {
            return self.starts[0];
        }
        let symbol = if at == 0 {
            self.stride - 1
        } else {
            self.symbol_at(bytes, utf8::prev_start(bytes, at)).0
        };
        self.starts[usize::from(self.context_of[symbol])]
    }

    /// The end of the match that starts at byte `at` ([`NONE`] if there is none), and the
    /// offset where the DFA stopped reading.
    #[inline(always)]
    fn anchored(&self, bytes: &[u8], at: usize) -> (usize, usize) {
        let trans = &*self.trans;
        let mut state = self.start(bytes, at);
        let mut last = NONE;
        let mut i = at;
        while i < bytes.len() {
            let (symbol, next) = self.symbol_at(bytes, i);
            let t = trans[state as usize + symbol];
            if t & MATCH != 0 {
                last = i;
            }
            state = t & TARGET;
            if state == 0 {
                return (last, i);
            }
            i = next;
            if t & LETTER_LOOP != 0 {
                let end = ascii_letters_end(bytes, i);
                if t & LOOP_MATCHES != 0 && end > i {
                    last = end - 1;
                }
                i = end;
            }
        }
        if trans[state as usize + self.stride - 1] & MATCH != 0 {
            last = i;
        }
        (last, i)
    }

    /// Call `on_piece` for the pieces of `text` (spec §2.4). If failed match attempts, or
    /// matches reading past their ends, have read much more than the text (a pattern such as
    /// `a+b|c` on a long run of `a`, where each attempt reads to the end of the run), it stops
    /// and returns the offset from which the general engine must go on searching, so that the
    /// time stays linear here.
    pub fn pieces<'t, E>(
        &self,
        text: &'t str,
        on_piece: &mut impl FnMut(&'t str) -> Result<(), E>,
    ) -> Result<Option<usize>, E> {
        let bytes = text.as_bytes();
        let len = bytes.len();
        let mut allowance = len.saturating_mul(4).saturating_add(4096);
        let mut pos = 0;
        while pos <= len {
            // The leftmost match at or after `pos`: the first start where one begins.
            let mut start = pos;
            let end = loop {
                let (end, stopped) = self.anchored(bytes, start);
                if end != NONE {
                    // What a match read past its end counts as failed reading: with it, no
                    // search here reads more than the piece and the allowance.
                    let past = stopped.saturating_sub(end);
                    if past > allowance {
                        return Ok(Some(start));
                    }
                    allowance -= past;
                    break end;
                }
                if start == len {
                    return Ok(None);
                }
                let next = start + utf8::char_len(bytes[start]);
                let read = stopped.max(next) - start;
                if read > allowance {
                    return Ok(Some(next));
                }
                allowance -= read;
                start = next;
            };
            if end > start {
                on_piece(&text[start..end])?;
                pos = end;
            } else if start == len {
                break;
            } else {
                pos = start + utf8::char_len(bytes[start]);
            }
        }
        Ok(None)
    }
}

/// Flag every transition into a state that each ASCII letter leaves as it is, all with a match
/// or all without ([`LETTER_LOOP`], [`LOOP_MATCHES`]).
fn mark_letter_loops(trans: &mut [u32], stride: usize) {
    let letters: Vec<usize> = (b'A'..=b'Z').chain(b'a'..=b'z').map(usize::from).collect();
    let flags: Vec<Option<u32>> = (0..trans.len() / stride)
        .map(|q| {
            let state = (q * stride) as u32;
            let steps: Vec<u32> = letters.iter().map(|&b| trans[q * stride + b]).collect();
            let loops = state != 0 && steps.iter().all(|&t| t & !MATCH == state);
            let matches = steps.iter().all(|&t| t & MATCH != 0);
            let none = steps.iter().all(|&t| t & MATCH == 0);
            (loops && (matches || none))
                .then_some(LETTER_LOOP | if matches { LOOP_MATCHES } else { 0 })
        })
        .collect();
    for t in trans.iter_mut() {
        if let Some(flag) = flags[((*t & !MATCH) as usize) / stride] {
            *t |= flag;
        }
    }
}
