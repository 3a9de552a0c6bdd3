//! What a rule sees while it runs: the unit's evidence cut at the as-of date, and a trace of
//! what the helpers read, so that each row can say how its points were reached.
//!
//! Rhai functions are registered once per engine, so the evaluation state they read is set in a
//! thread-local for the duration of one rule run (see [`with_row`]).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

use crate::criteria::{CriteriaSet, Window};
use crate::date::Date;
use crate::evidence::{Evidence, Table};
use rust_decimal::Decimal;

use crate::num::Fraction;

/// The state shared by every row of one unit's evaluation.
#[derive(Debug)]
pub(crate) struct UnitContext {
    pub evidence: Evidence,
    pub set: Arc<CriteriaSet>,
    pub as_of: Date,
    /// The records of each present table that exist at the as-of date.
    pub visible: BTreeMap<String, Rows>,
}

impl UnitContext {
    pub fn new(set: Arc<CriteriaSet>, evidence: Evidence, as_of: Date) -> Self {
        let year_start = Date::from_ymd_opt(set.year, 1, 1);
        let mut visible = BTreeMap::new();
        for spec in &set.tables {
            let Some(table) = evidence.table(&spec.name) else {
                continue;
            };
            let date_col = spec.dated_by.as_deref().and_then(|c| spec.column_index(c));
            let idx: Vec<u32> = table
                .rows
                .iter()
                .enumerate()
                .filter(
                    |(_, r)| match date_col.and_then(|c| r.values[c].as_date()) {
                        None => true,
                        Some(d) => {
                            d <= as_of
                                && (spec.window != Window::Year
                                    || year_start.is_none_or(|s| d >= s))
                        }
                    },
                )
                .filter_map(|(i, _)| u32::try_from(i).ok())
                .collect();
            visible.insert(
                spec.name.clone(),
                Rows {
                    table: Arc::clone(table),
                    idx: idx.into(),
                },
            );
        }
        Self {
            evidence,
            set,
            as_of,
            visible,
        }
    }
}

/// The state of one row's rule run.
#[derive(Debug)]
pub(crate) struct RowContext {
    pub unit: Rc<UnitContext>,
    /// The row id, for messages.
    pub row: String,
    /// The evidence the row declared it reads.
    pub reads: Vec<String>,
    pub trace: RefCell<Trace>,
}

/// What the helpers read and decided, in order.
#[derive(Debug, Default, Clone)]
pub(crate) struct Trace {
    /// Explanation fragments, in Vietnamese.
    pub notes: Vec<String>,
    /// The ratio the points were decided on.
    pub measure: Option<Fraction>,
    /// Documents relied on: number, date, subject.
    pub documents: Vec<DocumentRef>,
    /// Facts read.
    pub facts: Vec<FactRef>,
    /// Records that decided the points (e.g. the late dossiers).
    pub records: Vec<RecordList>,
    /// How the points could have been higher, as the deciding helper saw it.
    pub lever: Option<Lever>,
}

/// What moves a row's points, recorded by the helper that decided them, so that the report can
/// say what would restore the points lost.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Lever {
    /// Bands on a ratio or a count: `(edge, points)` highest first, then the points below.
    Bands {
        measure: LeverMeasure,
        bands: Vec<(Decimal, Decimal)>,
        otherwise: Decimal,
    },
    /// Proportional points above a floor.
    Prop {
        measure: LeverMeasure,
        max: Decimal,
        floor: Decimal,
    },
    /// A document due by a deadline.
    Issued {
        tag: String,
        date: Option<Date>,
        steps: Vec<(Date, Decimal)>,
        later: Decimal,
    },
    /// Met or not.
    Binary { points: Decimal },
    /// A deduction per case.
    Deduct {
        start: Decimal,
        per: Decimal,
        cases: Decimal,
        floor: Decimal,
    },
}

/// The measure a lever moves.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LeverMeasure {
    /// `numerator / denominator`; `records` when both count records of `label`'s table (one
    /// record more is one unit more), `missing` says what the others are ("trễ hạn").
    Ratio {
        numerator: Decimal,
        denominator: Decimal,
        records: bool,
        label: String,
        missing: String,
    },
    /// A count or amount.
    Number(Decimal),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRef {
    pub number: String,
    pub date: Option<Date>,
    pub subject: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactRef {
    pub name: String,
    pub value: String,
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RecordList {
    pub table: String,
    /// The table's title, in Vietnamese.
    pub title: String,
    /// What the records are, in Vietnamese ("hồ sơ trễ hạn").
    pub what: String,
    pub total: usize,
    /// Keys (or file lines) of the first records.
    pub keys: Vec<String>,
}

/// Records of one table, in file order: a table cut at the as-of date, or a filter of it.
#[derive(Debug, Clone)]
pub(crate) struct Rows {
    pub(crate) table: Arc<Table>,
    pub(crate) idx: Arc<[u32]>,
}

impl Rows {
    pub(crate) fn with(&self, idx: Vec<u32>) -> Self {
        Self {
            table: Arc::clone(&self.table),
            idx: idx.into(),
        }
    }

    pub fn len(&self) -> usize {
        self.idx.len()
    }

    pub fn is_empty(&self) -> bool {
        self.idx.is_empty()
    }

    /// The key of each record (its key column, or `dòng N` when the table has none).
    pub(crate) fn keys(&self, limit: usize) -> Vec<String> {
        let key = self
            .table
            .spec
            .key
            .as_deref()
            .and_then(|k| self.table.spec.column_index(k));
        self.idx
            .iter()
            .take(limit)
            .filter_map(|&i| self.table.rows.get(i as usize))
            .map(|r| match key {
                Some(k) if !r.values[k].is_empty() => r.values[k].display(),
                _ => format!("dòng {}", r.line),
            })
            .collect()
    }

    /// The records of `self` that are not in `other` (both sorted, same table).
    pub(crate) fn minus(&self, other: &Rows) -> Rows {
        let mut out = Vec::new();
        let mut j = 0;
        for &i in self.idx.iter() {
            while j < other.idx.len() && other.idx[j] < i {
                j += 1;
            }
            if j >= other.idx.len() || other.idx[j] != i {
                out.push(i);
            }
        }
        self.with(out)
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Rc<RowContext>>> = const { RefCell::new(None) };
}

/// Runs `f` with `row` as the current rule context.
pub(crate) fn with_row<T>(row: Rc<RowContext>, f: impl FnOnce() -> T) -> T {
    struct Reset(Option<Rc<RowContext>>);
    impl Drop for Reset {
        fn drop(&mut self) {
            let previous = self.0.take();
            CURRENT.with(|c| *c.borrow_mut() = previous);
        }
    }
    let previous = CURRENT.with(|c| c.borrow_mut().replace(row));
    let _reset = Reset(previous);
    f()
}

/// The current rule context, if a rule is running on this thread.
pub(crate) fn current() -> Option<Rc<RowContext>> {
    CURRENT.with(|c| c.borrow().clone())
}
