//! Spec §7: the bytes of every id, laid out for decoding.
//!
//! Decoding is a lookup and a copy per id, a few bytes each, so what costs is the bookkeeping
//! around them: a hash probe and a pointer to a separate allocation per token, or a call to
//! memcpy for a copy of four bytes, would cost more than the copy itself. Here ids index a dense
//! table of spans into one buffer that holds every token end to end, and a token of up to
//! [`WIDE`] bytes is copied with one fixed-size move of [`WIDE`] bytes whose tail the next token
//! overwrites.

use rustc_hash::FxHashMap;

use crate::error::{Error, Result};

/// Tokens up to this long are copied as a block of exactly this many bytes (most tokens are
/// shorter than eight).
const WIDE: usize = 16;
/// The dense table covers ids up to this many slots beyond twice the number of tokens: enough
/// for any rank table with special tokens after it, while one special token at a far id
/// (2^31, say) costs a hash entry instead of gigabytes of empty slots.
const DENSE_SLACK: usize = 1 << 16;

/// Where an id's bytes sit in [`TokenBytes::bytes`]. `len` is 0 for an id that is not a token
/// (every token has at least one byte, §5.2).
#[derive(Clone, Copy, Debug, Default)]
struct Span {
    start: u32,
    len: u32,
}

/// The bytes of every token and special token, by id.
#[derive(Clone, Debug, Default)]
pub struct TokenBytes {
    /// Every token's bytes end to end, then [`WIDE`] zero bytes, so that a wide copy of any
    /// token stays inside.
    bytes: Vec<u8>,
    /// The span of each id below `dense.len()`.
    dense: Vec<Span>,
    /// The spans of ids beyond the dense table.
    far: FxHashMap<u32, Span>,
}

impl TokenBytes {
    /// The table of `tokens`: ids with their (non-empty) bytes, each id once.
    pub fn new<'a>(tokens: impl IntoIterator<Item = (u32, &'a [u8])>) -> Result<Self> {
        let tokens: Vec<(u32, &[u8])> = tokens.into_iter().collect();
        let dense_limit = 2 * tokens.len() + DENSE_SLACK;
        let dense_len = tokens
            .iter()
            .map(|&(id, _)| id as usize + 1)
            .filter(|&len| len <= dense_limit)
            .max()
            .unwrap_or(0);
        let total: usize = tokens.iter().map(|(_, bytes)| bytes.len()).sum();
        if total + WIDE > u32::MAX as usize {
            return Err(Error::InvalidArgument(format!(
                "the tokens hold {total} bytes in all; at most 4 GiB are supported"
            )));
        }
        let mut table = TokenBytes {
            bytes: Vec::with_capacity(total + WIDE),
            dense: vec![Span::default(); dense_len],
            far: FxHashMap::default(),
        };
        for (id, bytes) in tokens {
            debug_assert!(!bytes.is_empty());
            let span = Span {
                start: table.bytes.len() as u32,
                len: bytes.len() as u32,
            };
            table.bytes.extend_from_slice(bytes);
            match table.dense.get_mut(id as usize) {
                Some(slot) => *slot = span,
                None => {
                    table.far.insert(id, span);
                }
            }
        }
        table.bytes.resize(total + WIDE, 0);
        Ok(table)
    }

    #[inline]
    fn span(&self, id: u32) -> Option<Span> {
        match self.dense.get(id as usize) {
            Some(span) => Some(*span).filter(|span| span.len > 0),
            None => self.far.get(&id).copied(),
        }
    }

    /// The bytes of token `id`, if it is one.
    pub fn get(&self, id: u32) -> Option<&[u8]> {
        self.span(id).map(|span| self.slice(span))
    }

    #[inline]
    fn slice(&self, span: Span) -> &[u8] {
        let start = span.start as usize;
        &self.bytes[start..start + span.len as usize]
    }

    /// Every id with its bytes, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &[u8])> + '_ {
        let dense = self
            .dense
            .iter()
            .enumerate()
            .filter(|(_, span)| span.len > 0)
            .map(|(id, &span)| (id as u32, span));
        let far = self.far.iter().map(|(&id, &span)| (id, span));
        dense.chain(far).map(|(id, span)| (id, self.slice(span)))
    }

    /// The length of the decoding of `ids`, or the first id that is not a token.
    pub fn decoded_len(&self, ids: &[u32]) -> Result<usize> {
        let mut total = 0;
        for (position, &id) in ids.iter().enumerate() {
            match self.span(id) {
                Some(span) => total += span.len as usize,
                None => return Err(Error::UnknownToken { id, position }),
            }
        }
        Ok(total)
    }

    /// Write the bytes of `ids` end to end into `out`, which must be exactly
    /// [`TokenBytes::decoded_len`] long (so every id is known to be a token).
    pub fn write(&self, ids: &[u32], out: &mut [u8]) {
        let mut at = 0;
        for &id in ids {
            // (Every id is a token: decoded_len() accepted them.)
            let Some(span) = self.span(id) else { continue };
            let (start, len) = (span.start as usize, span.len as usize);
            match out.get_mut(at..at + WIDE) {
                // The tail past `len` is overwritten by the tokens that follow, or is past the
                // end of the output and never read (`out` is cut to size by the caller's slice).
                Some(block) if len <= WIDE => {
                    block.copy_from_slice(&self.bytes[start..start + WIDE])
                }
                _ => out[at..at + len].copy_from_slice(&self.bytes[start..start + len]),
            }
            at += len;
        }
        debug_assert_eq!(at, out.len());
    }

    /// The bytes of `ids` end to end (§7).
    pub fn decode(&self, ids: &[u32]) -> Result<Vec<u8>> {
        let mut out = vec![0; self.decoded_len(ids)?];
        self.write(ids, &mut out);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(tokens: &[(u32, &[u8])]) -> TokenBytes {
        TokenBytes::new(tokens.iter().copied()).unwrap()
    }

    #[test]
    fn decodes_short_long_and_far_ids_alike() {
        let long = [b'x'; 40];
        let t = table(&[
            (0, b"a"),
            (1, b"bc"),
            (5, &long),
            (7, b"sixteen bytes!!!"),
            (1 << 31, b"<|special|>"),
        ]);
        let ids = [1, 0, 5, 7, 1 << 31, 0, 7, 1];
        let mut want = Vec::new();
        for &id in &ids {
            want.extend_from_slice(t.get(id).unwrap());
        }
        assert_eq!(t.decode(&ids).unwrap(), want);
        assert_eq!(t.decode(&[]).unwrap(), b"");
        assert_eq!(t.decode(&[7]).unwrap(), b"sixteen bytes!!!");
        assert_eq!(t.get(1 << 31), Some(&b"<|special|>"[..]));
        assert!(t.far.contains_key(&(1 << 31)));
        let mut ids: Vec<u32> = t.iter().map(|(id, _)| id).collect();
        ids.sort_unstable();
        assert_eq!(ids, [0, 1, 5, 7, 1 << 31]);
    }

    #[test]
    fn unknown_ids_are_reported_with_their_position() {
        let t = table(&[(0, b"a"), (3, b"b")]);
        // 1 and 2 are gaps of the dense table, 4 is past it, and far ids are hashed.
        for missing in [1, 2, 4, 1 << 20, u32::MAX] {
            assert_eq!(
                t.decode(&[0, 3, missing]),
                Err(Error::UnknownToken {
                    id: missing,
                    position: 2
                })
            );
            assert_eq!(t.get(missing), None);
        }
    }
}
