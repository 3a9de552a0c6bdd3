//! How many threads a run may use. Every pool of the library — reading a province's exports in
//! blocks, scoring its units, writing its document — takes its count from one [`Threads`], so
//! that `--threads` bounds all of them and a test can run every path on one thread.

use std::num::NonZeroUsize;

/// A thread count, at least 1. The default is the machine's cores, read here and nowhere else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Threads(NonZeroUsize);

impl Threads {
    /// One thread: every pool runs on the calling thread alone.
    pub const ONE: Threads = Threads(NonZeroUsize::MIN);

    pub fn new(count: NonZeroUsize) -> Self {
        Threads(count)
    }

    /// As many threads as the machine has cores (1 when that cannot be told).
    pub fn cores() -> Self {
        Threads(std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN))
    }

    /// The count.
    pub fn get(self) -> usize {
        self.0.get()
    }

    /// The count for `items` pieces of work: never more threads than pieces, and at least 1.
    pub(crate) fn for_items(self, items: usize) -> usize {
        self.get().min(items.max(1))
    }
}

impl Default for Threads {
    fn default() -> Self {
        Threads::cores()
    }
}
