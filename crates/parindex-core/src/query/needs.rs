//! What a rule asks of a table ([`Need`]), the answer it gets ([`Answer`]) and a unit's
//! answers as a streaming pass left them ([`Aggregates`]).

use std::collections::BTreeSet;
use std::sync::Arc;

use rust_decimal::Decimal;

use super::accumulators::{Accumulator, FastMap};
use super::predicates::Pred;
use super::values::Value;
use crate::date::Date;

/// How many record keys a row lists as the records that decided it.
pub(crate) const RECORDS_SHOWN: usize = 20;

/// The most records, cells and all, a list of a row's deciding records gives in full
/// ([`crate::CompiledCriteria::row_records`]); beyond it they are counted, not kept, so the
/// memory a listing holds is bounded whatever the table's size.
pub const RECORDS_LISTED_MAX: usize = 100_000;

/// The most distinct values `distinct()` counts for one question of one unit; beyond it the row
/// fails. With [`DISTINCT_MAX_BYTES`] it bounds the memory a question holds, streamed or not.
pub const DISTINCT_MAX_VALUES: usize = 10_000;

/// The most bytes of (folded) text the distinct values of one question may hold.
pub const DISTINCT_MAX_BYTES: usize = 1 << 20;
/// What a rule wants to know of a table's records that pass `pred`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Need {
    /// How many.
    Count { table: String, pred: Arc<Pred> },
    /// How many, and the first [`RECORDS_SHOWN`] (line, key) in file order.
    Sample { table: String, pred: Arc<Pred> },
    /// How many, and the first [`RECORDS_LISTED_MAX`] records (line, cells) in file order.
    Records { table: String, pred: Arc<Pred> },
    /// The sum of a numeric column (`None`: out of range).
    Sum {
        table: String,
        pred: Arc<Pred>,
        col: usize,
    },
    /// How many distinct non-empty values a column holds (compared folded).
    Distinct {
        table: String,
        pred: Arc<Pred>,
        col: usize,
    },
    /// The record with the earliest date in `col` (the first in file order on a tie).
    Earliest {
        table: String,
        pred: Arc<Pred>,
        col: usize,
    },
}

impl Need {
    pub(crate) fn table(&self) -> &str {
        match self {
            Need::Count { table, .. }
            | Need::Sample { table, .. }
            | Need::Records { table, .. }
            | Need::Sum { table, .. }
            | Need::Distinct { table, .. }
            | Need::Earliest { table, .. } => table,
        }
    }

    pub(crate) fn pred(&self) -> &Pred {
        match self {
            Need::Count { pred, .. }
            | Need::Sample { pred, .. }
            | Need::Records { pred, .. }
            | Need::Sum { pred, .. }
            | Need::Distinct { pred, .. }
            | Need::Earliest { pred, .. } => pred,
        }
    }

    /// Marks in `read` the columns answering this need reads; `key_col` names a record
    /// listed. The earliest record and listed records are kept whole: they read every column.
    pub(crate) fn mark_columns(&self, key_col: Option<usize>, read: &mut [bool]) {
        let mut mark = |c: usize| {
            if let Some(r) = read.get_mut(c) {
                *r = true;
            }
        };
        let mut atoms = Vec::new();
        self.pred().atoms(&mut atoms);
        for c in atoms.iter().flat_map(|a| a.columns()).flatten() {
            mark(c);
        }
        match self {
            Need::Count { .. } => {}
            Need::Sample { .. } => key_col.into_iter().for_each(mark),
            Need::Sum { col, .. } | Need::Distinct { col, .. } => mark(*col),
            Need::Earliest { .. } | Need::Records { .. } => read.fill(true),
        }
    }

    /// The answer given before the records have been read (while finding what rules need):
    /// that of no records.
    pub(crate) fn placeholder(&self) -> Answer {
        Accumulator::new(self).finish()
    }
}

/// The answer to a [`Need`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Answer {
    Count(u64),
    Sample {
        count: u64,
        /// (file line, key or `dòng N`), in file order.
        first: Vec<(u64, String)>,
    },
    Records {
        count: u64,
        /// (file line, cells), in file order.
        first: Vec<(u64, Vec<Value>)>,
    },
    Sum(Option<Decimal>),
    /// `None`: more than [`DISTINCT_MAX_VALUES`] values (or [`DISTINCT_MAX_BYTES`] of them).
    Distinct(Option<u64>),
    /// The date, file line and cells of the record.
    Earliest(Option<(Date, u64, Vec<Value>)>),
}

/// A unit's evidence as a streaming pass left it: which tables it has, and the answers to what
/// its rules need of them. No records.
#[derive(Debug, Clone, Default)]
pub(crate) struct Aggregates {
    pub present: BTreeSet<String>,
    pub answers: FastMap<Need, Arc<Answer>>,
}

impl Aggregates {
    pub(crate) fn get(&self, need: &Need) -> Option<&Arc<Answer>> {
        self.answers.get(need)
    }
}
