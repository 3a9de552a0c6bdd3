//! What the app keeps in memory per workspace (its last score, the tables its last reading
//! read), bounded: a province's server holds hundreds of workspaces and must not hold every
//! one's forever. [`Recent`] keeps at most so many, forgetting the one used least recently;
//! a workspace forgotten is read from its files again when next asked, to the same score.

use std::collections::HashMap;
use std::hash::Hash;

/// A map of at most `capacity` entries that forgets the least recently used one.
#[derive(Debug)]
pub struct Recent<K, V> {
    entries: HashMap<K, (u64, V)>,
    capacity: usize,
    /// Ticks at each use: the entry with the smallest was used least recently.
    clock: u64,
}

impl<K: Eq + Hash + Clone, V> Recent<K, V> {
    /// At most `capacity` entries (0: none kept).
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: HashMap::new(),
            capacity,
            clock: 0,
        }
    }

    fn tick(&mut self) -> u64 {
        self.clock += 1;
        self.clock
    }

    /// The entry of `key`, now the most recently used.
    pub fn get(&mut self, key: &K) -> Option<&V> {
        let now = self.tick();
        let (used, value) = self.entries.get_mut(key)?;
        *used = now;
        Some(value)
    }

    /// The entry of `key`, taken out.
    pub fn remove(&mut self, key: &K) -> Option<V> {
        self.entries.remove(key).map(|(_, v)| v)
    }

    /// Keeps `value` for `key` as the most recently used, forgetting the least recently used
    /// entry when full.
    pub fn insert(&mut self, key: K, value: V) {
        if self.capacity == 0 {
            return;
        }
        let now = self.tick();
        if !self.entries.contains_key(&key) && self.entries.len() >= self.capacity {
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, (used, _))| *used)
                .map(|(k, _)| k.clone());
            if let Some(oldest) = oldest {
                self.entries.remove(&oldest);
            }
        }
        self.entries.insert(key, (now, value));
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::Recent;

    #[test]
    fn forgets_the_least_recently_used_entry_when_full() {
        let mut r = Recent::new(2);
        r.insert(1, "a");
        r.insert(2, "b");
        // 1 used after 2: 2 is forgotten for 3.
        assert_eq!(r.get(&1), Some(&"a"));
        r.insert(3, "c");
        assert_eq!(r.len(), 2);
        assert_eq!(r.get(&2), None);
        assert_eq!(r.get(&1), Some(&"a"));
        assert_eq!(r.get(&3), Some(&"c"));
        // Replacing an entry forgets nothing else.
        r.insert(3, "d");
        assert_eq!(r.len(), 2);
        assert_eq!(r.get(&1), Some(&"a"));
        assert_eq!(r.remove(&3), Some("d"));
        assert_eq!(r.len(), 1);
    }

    #[test]
    fn never_holds_more_than_its_capacity() {
        let mut r = Recent::new(5);
        for i in 0..1000 {
            r.insert(i, i);
            assert!(r.len() <= 5);
            // The newest is always there.
            assert_eq!(r.get(&i), Some(&i));
        }
        assert_eq!(r.len(), 5);
        for i in 995..1000 {
            assert_eq!(r.get(&i), Some(&i));
        }
        let mut none = Recent::new(0);
        none.insert(1, 1);
        assert!(none.is_empty());
    }
}
