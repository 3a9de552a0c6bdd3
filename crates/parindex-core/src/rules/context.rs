//! What a rule sees while it runs: the unit's evidence cut at the as-of date, and a trace of
//! what the helpers read, so that each row can say how its points were reached.
//!
//! Rhai functions are registered once per engine, so the evaluation state they read is set in a
//! thread-local for the duration of one rule run (see [`with_row`]).

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::sync::Arc;

use crate::criteria::{CriteriaSet, TableSpec, Window};
use crate::date::Date;
use crate::evidence::{Evidence, Fact};
use rust_decimal::Decimal;

use crate::evidence::answer_in_memory;
use crate::num::Fraction;
use crate::query::{Answer, Atom, FastMap, Need, Pred};

/// The state shared by every row of one unit's evaluation.
#[derive(Debug)]
pub(crate) struct UnitContext {
    evidence: Evidence,
    pub set: Arc<CriteriaSet>,
    pub as_of: Date,
    /// The spec of each table the unit has evidence for.
    specs: BTreeMap<String, Arc<TableSpec>>,
    /// Answers computed from tables held in memory, by need.
    cache: RefCell<FastMap<Need, Arc<Answer>>>,
    /// Needs the unit's aggregates could not answer (streamed evidence): another pass over the
    /// tables is due.
    pub missing: RefCell<BTreeSet<Need>>,
    /// Whether a missing answer is an error (the last pass) rather than a placeholder.
    strict: bool,
    /// Whether a rule read something of this unit's own (its facts) since the last reset.
    read_own: Cell<bool>,
    /// The operations its rules have made ([`crate::rules::Limits::max_operations_per_unit`]).
    pub operations: Cell<u64>,
}

impl UnitContext {
    /// `strict: false`: a need the unit's aggregates lack is answered by a placeholder and
    /// listed in [`UnitContext::missing`] (a pass finding what rules need).
    pub fn with_mode(set: Arc<CriteriaSet>, evidence: Evidence, as_of: Date, strict: bool) -> Self {
        let specs = set
            .tables
            .iter()
            .filter(|spec| evidence.has_table(&spec.name))
            .map(|spec| (spec.name.clone(), Arc::new(spec.clone())))
            .collect();
        Self {
            evidence,
            set,
            as_of,
            specs,
            cache: RefCell::new(FastMap::default()),
            missing: RefCell::new(BTreeSet::new()),
            strict,
            read_own: Cell::new(false),
            operations: Cell::new(0),
        }
    }

    /// The unit's facts (`None`: no facts file).
    pub fn facts(&self) -> Option<&BTreeMap<String, Fact>> {
        self.read_own.set(true);
        self.evidence.facts()
    }

    /// Whether a rule read anything of the unit's own since the last call: a rule that did
    /// not sees what it would see for any unit with the same tables and aggregates.
    pub fn take_read_own(&self) -> bool {
        self.read_own.replace(false)
    }

    /// The tables the unit has evidence for.
    pub fn tables(&self) -> impl Iterator<Item = &str> {
        self.specs.keys().map(String::as_str)
    }

    /// The records of a present table that exist at the as-of date.
    pub fn visible(&self, name: &str) -> Option<Rows> {
        let spec = self.specs.get(name)?;
        let pred = match spec.dated_by.as_deref().and_then(|c| spec.column_index(c)) {
            None => Pred::All,
            Some(col) => Pred::Atom(Atom::Visible {
                col,
                from: if spec.window == Window::Year {
                    Date::from_ymd_opt(self.set.year, 1, 1)
                } else {
                    None
                },
                to: self.as_of,
            }),
        };
        Some(Rows {
            table: Arc::clone(spec),
            pred: Arc::new(pred),
        })
    }

    /// The answer to `need`, from the unit's aggregates or by scanning its table.
    pub fn answer(&self, need: &Need) -> Result<Arc<Answer>, String> {
        if let Some(aggregates) = self.evidence.aggregates() {
            if let Some(a) = aggregates.get(need) {
                return Ok(Arc::clone(a));
            }
            self.missing.borrow_mut().insert(need.clone());
            return if self.strict {
                Err(format!(
                    "quy tắc hỏi bảng `{}` điều chưa được tổng hợp sau nhiều lượt đọc",
                    need.table()
                ))
            } else {
                Ok(Arc::new(need.placeholder()))
            };
        }
        if let Some(a) = self.cache.borrow().get(need) {
            return Ok(Arc::clone(a));
        }
        let table = self
            .evidence
            .table(need.table())
            .ok_or_else(|| format!("thiếu bảng {}", need.table()))?;
        let answer = Arc::new(answer_in_memory(table, need));
        self.cache
            .borrow_mut()
            .insert(need.clone(), Arc::clone(&answer));
        Ok(answer)
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
    /// A run of the rule supposing every period `periods` asks about sent on time, for what
    /// restores its points ([`Lever::Periods`]): the questions the rule's own run asked, the
    /// only ones it may ask.
    pub supposing: Option<Rc<BTreeSet<Need>>>,
    /// The questions this run asked of the unit's tables (for a supposed run after it).
    pub asked: RefCell<BTreeSet<Need>>,
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
    /// The records of each list of `records`, as a question of its table: to list them all
    /// ([`crate::CompiledCriteria::row_records`]).
    pub record_rows: Vec<Rows>,
    /// How the points could have been higher, as the deciding helper saw it.
    pub lever: Option<Lever>,
    /// Inputs the rule asked about and found missing without ending (`has_table`,
    /// `has_fact`): said on the row whatever helper decides its points.
    pub warnings: Vec<String>,
    /// What the numbers a rule was given are (a fact, a column's total), each with its value:
    /// a value's rhai tag is its index here plus one ([`super::api`]'s `named`).
    pub names: Vec<(Decimal, String)>,
    /// The periods `periods` found late or not sent ("9T gửi trễ (hạn 15/09/2026)"), and
    /// whether one was not sent.
    pub periods_missed: Vec<String>,
    pub periods_unsent: bool,
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
    /// Periodic reports, under a rule of its own (`if p.on_time == 4 { 1 } else …`): the
    /// points the rule gives when every period is sent on time, from a second run supposing so.
    Periods {
        missed: Vec<String>,
        unsent: bool,
        points: Decimal,
    },
    /// A qualitative level (`level(fact("muc"), #{ tot: 1, kha: 0.5 })`): the level read and
    /// every level's points, in the map's (key) order.
    Level {
        current: String,
        levels: Vec<(String, Decimal)>,
    },
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
    /// record more is one unit more), `missing` says what the others are ("trễ hạn"); else
    /// `label` names the numerator, empty when the rule computed it without a name. Labels
    /// are written to stand inside a sentence ("dự thảo VBQPPL", "tổng số vấn đề …").
    Ratio {
        numerator: Decimal,
        denominator: Decimal,
        records: bool,
        label: String,
        missing: String,
    },
    /// A count or amount, and what it is (empty when unnamed), as `Ratio`'s label.
    Number { value: Decimal, label: String },
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

/// Records of one table: a table cut at the as-of date, or a filter of it. Holds no records,
/// only the predicate that selects them (see [`super::query`]).
#[derive(Debug, Clone)]
pub(crate) struct Rows {
    pub(crate) table: Arc<TableSpec>,
    pub(crate) pred: Arc<Pred>,
}

impl Rows {
    /// Records of the same table.
    fn with(&self, pred: Pred) -> Self {
        Self {
            table: Arc::clone(&self.table),
            pred: Arc::new(pred),
        }
    }

    pub(crate) fn and(&self, atom: Atom) -> Self {
        self.with(self.pred.and(atom))
    }

    pub(crate) fn and_not(&self, atom: Atom) -> Self {
        self.with(self.pred.minus(&Pred::Atom(atom)))
    }

    /// The records of `self` that are not in `other` (same table).
    pub(crate) fn minus(&self, other: &Rows) -> Rows {
        self.with(self.pred.minus(&other.pred))
    }

    pub(crate) fn count(&self) -> Need {
        Need::Count {
            table: self.table.name.clone(),
            pred: Arc::clone(&self.pred),
        }
    }

    pub(crate) fn sample(&self) -> Need {
        Need::Sample {
            table: self.table.name.clone(),
            pred: Arc::clone(&self.pred),
        }
    }

    /// How many, and (the first [`crate::explain::RECORDS_LISTED_MAX`]) whole.
    pub(crate) fn records(&self) -> Need {
        Need::Records {
            table: self.table.name.clone(),
            pred: Arc::clone(&self.pred),
        }
    }

    pub(crate) fn sum(&self, col: usize) -> Need {
        Need::Sum {
            table: self.table.name.clone(),
            pred: Arc::clone(&self.pred),
            col,
        }
    }

    pub(crate) fn distinct(&self, col: usize) -> Need {
        Need::Distinct {
            table: self.table.name.clone(),
            pred: Arc::clone(&self.pred),
            col,
        }
    }

    /// The record of these with the earliest date in `col`.
    pub(crate) fn earliest(&self, col: usize) -> Need {
        Need::Earliest {
            table: self.table.name.clone(),
            pred: Arc::clone(&self.pred),
            col,
        }
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
