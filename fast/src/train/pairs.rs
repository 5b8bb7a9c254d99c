//! Spec §4.2: the pairs of adjacent tokens, each under a dense id with its current count and the
//! arena positions where it occurs.

use super::pair_queue::PairCounts;
use super::position_list::PositionList;

/// No pair (at a piece's last node) and no node (before a piece's first): no pair id and no
/// arena position reaches it, the arena being kept below it.
pub const NONE: u32 = u32::MAX;

/// Dense pair ids with their counts and the positions where each was seen.
///
/// Pairs are only ever created in two ways: from two bytes, while the arena is built (a 256 x 256
/// table finds them), and during the merge that makes a token, as (x, token) or (token, y)
/// (per-symbol slots stamped with that merge find them). So no pair is ever looked up by hash.
pub struct Pairs {
    packed: Vec<u64>,
    pub count: Vec<u64>,
    pub positions: Vec<PositionList>,
    /// Slots for the pairs of the current merge's token, valid where the stamp matches.
    stamp: u32,
    with_x: Vec<(u32, u32)>,
    with_y: Vec<(u32, u32)>,
}

impl Pairs {
    /// No pairs yet, and slots for the 256 byte tokens.
    pub fn for_bytes() -> Self {
        Pairs {
            packed: Vec::new(),
            count: Vec::new(),
            positions: Vec::new(),
            stamp: 0,
            with_x: vec![(0, NONE); 256],
            with_y: vec![(0, NONE); 256],
        }
    }

    /// No pairs yet, and slots for `symbols` token ids (§4.7: a model's vocabulary); MemoryError
    /// rather than an abort if they cannot be had.
    pub fn for_symbols(symbols: usize) -> crate::error::Result<Self> {
        let mut pairs = Self::for_bytes();
        let extra = symbols.saturating_sub(256);
        let fail =
            |_| crate::error::Error::out_of_memory(&format!("the pair slots of {symbols} ids"));
        pairs.with_x.try_reserve_exact(extra).map_err(fail)?;
        pairs.with_y.try_reserve_exact(extra).map_err(fail)?;
        pairs.with_x.resize(symbols.max(256), (0, NONE));
        pairs.with_y.resize(symbols.max(256), (0, NONE));
        Ok(pairs)
    }

    /// Slots for the next token id. They grow with the merges made, not with the `vocab_size`
    /// asked for: a corpus too small for it must not pay for the ids it never reaches.
    pub fn add_symbol(&mut self) {
        self.with_x.push((0, NONE));
        self.with_y.push((0, NONE));
    }

    pub fn len(&self) -> usize {
        self.packed.len()
    }

    /// Start a merge: the slots of the previous one become stale.
    pub fn begin_merge(&mut self) {
        self.stamp += 1;
    }

    pub fn create(&mut self, left: u32, right: u32) -> u32 {
        self.packed.push(pack(left, right));
        self.count.push(0);
        self.positions.push(PositionList::default());
        (self.packed.len() - 1) as u32
    }

    /// The id of (x, token), `token` being the current merge's new token.
    pub fn with_new_on_right(&mut self, x: u32, token: u32) -> u32 {
        let (stamp, id) = self.with_x[x as usize];
        if stamp == self.stamp {
            return id;
        }
        // (token, token) may be reached from either side: both sides share one slot.
        let id = if x == token {
            self.with_new_on_left(token, token)
        } else {
            self.create(x, token)
        };
        self.with_x[x as usize] = (self.stamp, id);
        id
    }

    /// The id of (token, y), `token` being the current merge's new token.
    pub fn with_new_on_left(&mut self, token: u32, y: u32) -> u32 {
        let (stamp, id) = self.with_y[y as usize];
        if stamp == self.stamp {
            return id;
        }
        let id = self.create(token, y);
        self.with_y[y as usize] = (self.stamp, id);
        id
    }

    pub fn add(&mut self, id: u32, frequency: u64, position: u32) {
        self.count[id as usize] += frequency;
        self.positions[id as usize].push_new(position);
    }
}

impl PairCounts for Pairs {
    #[inline]
    fn count(&self, id: u32) -> u64 {
        self.count[id as usize]
    }

    #[inline]
    fn packed(&self, id: u32) -> u64 {
        self.packed[id as usize]
    }
}

fn pack(left: u32, right: u32) -> u64 {
    (u64::from(left) << 32) | u64::from(right)
}

/// The (left, right) of a packed pair.
pub fn unpack(packed: u64) -> (u32, u32) {
    ((packed >> 32) as u32, packed as u32)
}
