//! Unit codes → units: the province's index, the short codes' table, and a cache of the
//! last lookups.

use crate::bytes::le_word;
use crate::query::FastMap;

/// Unit code → unit index.
pub(crate) type UnitIndex = FastMap<String, usize>;

/// The last lookups of a small map, one per slot of a hash: records repeat a few keys, and a
/// slot costs a multiply and a compare where the map costs a probe and a string compare.
#[derive(Debug)]
pub(super) struct Recent<K, V> {
    slots: Vec<Option<(K, V)>>,
}

impl<K: Copy + Eq, V: Copy> Recent<K, V> {
    /// Slots, as bits of a hash.
    const BITS: u32 = 8;

    pub(super) fn new() -> Self {
        Self {
            slots: vec![None; 1 << Self::BITS],
        }
    }

    #[inline]
    pub(super) fn get(&self, hash: u64, key: K) -> Option<V> {
        match self.slots.get(slot_of(hash, Self::BITS)) {
            Some(Some((k, v))) if *k == key => Some(*v),
            _ => None,
        }
    }

    pub(super) fn put(&mut self, hash: u64, key: K, value: V) {
        if let Some(slot) = self.slots.get_mut(slot_of(hash, Self::BITS)) {
            *slot = Some((key, value));
        }
    }
}

/// The slot of `hash` in a table of `2^bits` slots: the top bits of a Fibonacci hash, which
/// every input bit reaches.
#[inline]
fn slot_of(hash: u64, bits: u32) -> usize {
    (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
}

/// The unit codes of at most eight bytes ([`short_key`]s) → units, in an open-addressed table
/// built once: a lookup is a multiply, a load and a compare or two, in a table small enough to
/// stay in cache (a map costs a probe and a string compare per record).
#[derive(Debug)]
pub(super) struct ShortCodes {
    /// (word, length, unit); an empty slot has length `u32::MAX`. A quarter full at most.
    slots: Vec<(u64, u32, u32)>,
    /// Slots, as bits of a hash.
    bits: u32,
}

impl ShortCodes {
    const EMPTY: (u64, u32, u32) = (0, u32::MAX, 0);

    pub(super) fn new(units: &UnitIndex) -> Self {
        let size = units.len().saturating_mul(4).next_power_of_two().max(16);
        let mut table = Self {
            slots: vec![Self::EMPTY; size],
            bits: size.trailing_zeros(),
        };
        for (code, &unit) in units {
            let (Some((word, len)), Ok(unit)) = (short_key(code), u32::try_from(unit)) else {
                continue;
            };
            let mut at = slot_of(word, table.bits);
            while table.slots[at].1 != u32::MAX {
                at = (at + 1) & (size - 1);
            }
            table.slots[at] = (word, len as u32, unit);
        }
        table
    }

    /// The unit of a short code; `None` when it is not one of the province's.
    #[inline]
    pub(super) fn get(&self, (word, len): (u64, usize)) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut at = slot_of(word, self.bits);
        loop {
            let &(w, l, unit) = self.slots.get(at & mask)?;
            if l == u32::MAX {
                return None;
            }
            if w == word && l as usize == len {
                return Some(unit as usize);
            }
            at += 1;
        }
    }
}

/// A short code (at most eight bytes) as one word, with its length.
pub(super) fn short_key(code: &str) -> Option<(u64, usize)> {
    let b = code.as_bytes();
    (b.len() <= 8).then(|| (le_word(b), b.len()))
}
