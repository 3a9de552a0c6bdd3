//! What a rule asks of a table, as data: a record predicate ([`Pred`]) and the aggregate wanted
//! of the records it keeps ([`Need`]). Helpers never hold records; they ask a unit's context
//! (in `rules`) for the [`Answer`] to a need.
//!
//! Answers come from one of two places that share this module's code, so they cannot disagree:
//! a scan of a table held in memory (one unit), or a streaming pass over a province-wide export
//! that feeds every record once to an [`Accumulator`] per unit and keeps only the aggregates.
//!
//! The layer between what rules ask and what evidence answers: it depends on neither, so that
//! both can depend on it (`tests/module_layers.rs` keeps it so).

mod accumulators;
mod needs;
mod predicates;
mod values;

pub(crate) use accumulators::{record_key, Accumulator, FastMap};
pub(crate) use needs::{Aggregates, Answer, Need};
pub use needs::{DISTINCT_MAX_BYTES, DISTINCT_MAX_VALUES, RECORDS_LISTED_MAX};
pub(crate) use predicates::{add_days, judge, Atom, Class, Pred};
pub use values::{fold_header, Value};
pub(crate) use values::{nfc, CellRef, Cells, Lit};
