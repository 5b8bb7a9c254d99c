//! The words that extending a vocabulary starts from (spec §4.7 item 2): each piece encoded by
//! the model (§6.1, or §6.10 for a merge-list model), on all cores, and the bytes of every id.

use rayon::prelude::*;

use super::encoder::Encoder;
use super::scan_slots::ShortScan;

impl Encoder {
    /// The encoding of each piece's bytes, with its frequency, in the order given.
    pub fn piece_words<P: AsRef<[u8]> + Sync>(&self, pieces: &[(P, u64)]) -> Vec<(Vec<u32>, u64)> {
        pieces
            .par_iter()
            .map_init(ShortScan::new, |scan, (piece, frequency)| {
                let mut ids = Vec::new();
                self.encode_piece(piece.as_ref(), scan, &mut ids);
                (ids, *frequency)
            })
            .collect()
    }

    /// The bytes of every id below `max_id() + 1` that is a token of the rank table; empty for a
    /// special token's id and for an id nothing uses.
    pub fn rank_token_bytes(&self) -> Vec<Vec<u8>> {
        (0..=self.max_id())
            .map(|id| match self.token_bytes(id) {
                Some(token) if self.rank(token) == Some(id) => token.to_vec(),
                _ => Vec::new(),
            })
            .collect()
    }
}
