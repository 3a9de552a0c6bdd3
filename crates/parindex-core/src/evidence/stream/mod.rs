//! A province-wide export read once, in parallel blocks, and aggregated per unit as it is read:
//! every record is typed, checked, matched against what the rules need ([`Need`]) and then
//! dropped. Memory holds the aggregates and a few blocks in flight, however long the file.
//!
//! The calling thread reads blocks of whole records, hashes every byte for the fingerprint and
//! queues the blocks for the workers, one thread per core with itself (it reads blocks too
//! while the others have theirs); a worker splits each record (as the `csv` crate would: it
//! reads the odd block itself), reads its cells — straight from the text into borrowed
//! [`CellRef`]s by the [`Kernel`] when every cell has its usual spelling, answering the record
//! tests on one cell as it goes, else typed and checked by the table's [`Layout`], which says
//! what is wrong — counts it in its unit's group for the set of needs its atom results meet,
//! and adds it to the [`Accumulator`]s of the needs that want the record itself (listed keys,
//! sums, the earliest record), typing its values only then. What a worker keeps depends only
//! on file lines, never on which worker saw a block, so the result is the same on any number
//! of cores, and the same as reading the file whole (`tests/streaming.rs`, fuzz target
//! `evidence_stream`).
//!
//! The components, in the order data flows through them:
//! - [`reader`]: the reading loop — reads the file, hashes it, cuts blocks of whole records,
//!   queues them for the workers and merges their parts;
//! - [`worker`]: one block — checked UTF-8, in NFC, sent down the kernel's path, the layout's,
//!   or the `csv` crate's;
//! - [`split`]: records split in place into fields;
//! - [`kernel`]: cells of their usual spelling read straight from the text, the tests on one
//!   column answered as they are read;
//! - [`layout`]: any other record typed and checked by the table's layout, and the blocks the
//!   `csv` crate splits;
//! - [`matcher`]: a record's atom results → the needs it meets;
//! - [`codes`]: unit codes → units;
//! - [`tally`]: the per-unit aggregation — groups, accumulators and problems of each worker,
//!   merged into one [`Tally`].
//!
//! [`Need`]: crate::query::Need
//! [`CellRef`]: crate::query::CellRef
//! [`Kernel`]: kernel::Kernel
//! [`Layout`]: crate::evidence::read::Layout
//! [`Accumulator`]: crate::query::Accumulator

mod codes;
mod kernel;
mod layout;
mod matcher;
mod reader;
mod split;
mod tally;
#[cfg(test)]
mod tests;
mod worker;

pub(crate) use self::{
    codes::UnitIndex,
    reader::{stream_csv, Streamed},
    tally::{tally_table, Plan, Tally},
};
