//! A unit's evidence for one year: what its tables answer to the rules, its facts, identity
//! and (after appraisal) survey results. Read by a scan (see [`CompiledCriteria::read_unit`](crate::CompiledCriteria::read_unit)
//! and `score_province`); shared cheaply between threads.

mod ahead;
mod cells;
mod notes;
mod province;
mod read;
mod scan;
mod stream;
mod text;
mod workbook;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Serialize;

pub use ahead::ReadAhead;
pub use notes::{DeclaredDocument, DeclaredPoints, Notes, RowNote, NOTES_FILE};
#[cfg(feature = "oracle")]
pub use province::read_province;
pub(crate) use province::scan_province;
pub use province::{is_province, UNITS_FILE, UNIT_COLUMN};
#[cfg(feature = "oracle")]
pub use read::Strategy;
pub use read::{
    csv_diagnostic, parse_unit, ReadOptions, ReadProgress, APPRAISAL_FILE, FACTS_FILE, SURVEY_FILE,
    TEXT_EXTENSIONS, UNIT_FILE,
};
#[cfg(feature = "oracle")]
pub use read::{read_evidence, read_evidence_with};
pub(crate) use scan::Scan;
use stream::{tally_table, Plan, UnitIndex};
pub use text::TextEncoding;
pub use workbook::WORKBOOK_EXTENSIONS;

use crate::criteria::TableSpec;
use crate::fingerprint::FileDigest;
// The typed cell and header folding live in the query layer, below evidence and rules both;
// evidence names them too, where the public API has always had them.
use crate::query::Aggregates;
pub use crate::query::{fold_header, Value};
pub use crate::threads::Threads;

/// Everything known about one unit. Cloning is cheap.
#[derive(Debug, Clone)]
pub struct Evidence {
    inner: Arc<EvidenceData>,
}

#[derive(Debug, Clone)]
struct EvidenceData {
    dir: PathBuf,
    unit: Unit,
    tables: BTreeMap<String, Arc<Table>>,
    facts: Option<BTreeMap<String, Fact>>,
    survey: Option<BTreeMap<String, Decimal>>,
    sources: Vec<Source>,
    digests: Vec<FileDigest>,
    appraisal: Option<Vec<Appraisal>>,
    notes: Option<Notes>,
    /// Streamed evidence: aggregates instead of tables.
    aggregates: Option<Arc<Aggregates>>,
}

/// Tables given in memory, by name.
fn by_name(tables: Vec<Table>) -> BTreeMap<String, Arc<Table>> {
    (tables.into_iter())
        .map(|t| (t.spec.name.clone(), Arc::new(t)))
        .collect()
}

/// One appraised row in one round (*thẩm định*, `appraisal.csv`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct Appraisal {
    /// 1 or 2.
    pub round: u8,
    /// The row id.
    pub row: String,
    #[serde(with = "crate::num::decimal_string")]
    pub points: Decimal,
    pub note: String,
    /// The appraising agency (Sở Tư pháp, Sở Tài chính, …).
    pub agency: String,
}

/// Where a table was read from, for `--verbose` and for replay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Source {
    pub table: String,
    pub path: PathBuf,
    /// The sheet, for workbooks.
    pub sheet: Option<String>,
    /// The text encoding, for text files.
    pub encoding: Option<String>,
    /// Records read.
    pub records: usize,
    /// Headers that matched no declared column.
    pub ignored_columns: Vec<String>,
}

impl Evidence {
    /// Builds evidence from parts, for tools that gather it themselves.
    pub fn new(
        dir: impl Into<PathBuf>,
        unit: Unit,
        tables: Vec<Table>,
        facts: Option<BTreeMap<String, Fact>>,
        survey: Option<BTreeMap<String, Decimal>>,
    ) -> Self {
        Self {
            inner: Arc::new(EvidenceData {
                dir: dir.into(),
                unit,
                tables: by_name(tables),
                facts,
                survey,
                sources: Vec::new(),
                digests: Vec::new(),
                appraisal: None,
                notes: None,
                aggregates: None,
            }),
        }
    }

    /// The same evidence, recording where each table came from and every file read.
    pub fn with_sources(self, sources: Vec<Source>, digests: Vec<FileDigest>) -> Self {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        inner.sources = sources;
        inner.digests = digests;
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The same evidence with appraisal results (`None`: not appraised).
    pub fn with_appraisal(self, appraisal: Option<Vec<Appraisal>>) -> Self {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        inner.appraisal = appraisal;
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The same evidence with these survey results (`None`: before the survey).
    pub fn with_survey(self, survey: Option<BTreeMap<String, Decimal>>) -> Self {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        inner.survey = survey;
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The same evidence with this list of files read.
    pub fn with_digests(self, digests: Vec<FileDigest>) -> Self {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        inner.digests = digests;
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The same evidence with the officer's notes (`None`: no notes.toml).
    pub fn with_notes(self, notes: Option<Notes>) -> Self {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        inner.notes = notes;
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The same evidence with these tables held in memory.
    #[cfg(feature = "oracle")]
    pub(crate) fn with_tables(self, tables: Vec<Table>) -> Self {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        inner.tables = by_name(tables);
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The same evidence with its tables replaced by what a streaming pass aggregated.
    pub(crate) fn with_aggregates(self, aggregates: Arc<Aggregates>) -> Self {
        let mut inner = Arc::unwrap_or_clone(self.inner);
        inner.tables.clear();
        inner.aggregates = Some(aggregates);
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The aggregates of streamed evidence, or `None` when its tables are held in memory.
    pub(crate) fn aggregates(&self) -> Option<&Aggregates> {
        self.inner.aggregates.as_deref()
    }

    /// Whether the unit has evidence for table `name` (its file exists, perhaps empty).
    pub fn has_table(&self, name: &str) -> bool {
        match &self.inner.aggregates {
            Some(a) => a.present.contains(name),
            None => self.inner.tables.contains_key(name),
        }
    }

    /// The officer's notes, when the folder has a notes.toml.
    pub fn notes(&self) -> Option<&Notes> {
        self.inner.notes.as_ref()
    }

    /// The appraisal, by round then row, or `None` before appraisal.
    pub fn appraisal(&self) -> Option<&[Appraisal]> {
        self.inner.appraisal.as_deref()
    }

    /// Every file read, by name in the unit's folder, sorted, with its SHA-256.
    pub fn files(&self) -> &[FileDigest] {
        &self.inner.digests
    }

    /// Where each table was read from, in the set's table order.
    pub fn sources(&self) -> &[Source] {
        &self.inner.sources
    }

    /// The folder the evidence was read from.
    pub fn dir(&self) -> &std::path::Path {
        &self.inner.dir
    }

    pub fn unit(&self) -> &Unit {
        &self.inner.unit
    }

    /// A table given in memory ([`Evidence::new`]), answered by the same per-record tally as
    /// a table read from a file; `None` for a table not given, and for evidence read from
    /// files, whose tables are aggregated as they are read, never held. Not public: what a
    /// unit has is asked through [`Evidence::has_table`] and the report.
    pub(crate) fn table(&self, name: &str) -> Option<&Arc<Table>> {
        self.inner.tables.get(name)
    }

    /// The facts, or `None` when `facts.toml` is missing.
    pub fn facts(&self) -> Option<&BTreeMap<String, Fact>> {
        self.inner.facts.as_ref()
    }

    /// Survey results by row id (percentages), or `None` before the survey.
    pub fn survey(&self) -> Option<&BTreeMap<String, Decimal>> {
        self.inner.survey.as_ref()
    }
}

/// The unit being scored (`unit.toml`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct Unit {
    pub code: String,
    pub name: String,
    /// Peer group for ranking (`so`, …).
    pub group: String,
}

/// One evidence table as read: typed cells in the declared column order.
#[derive(Debug, Clone)]
pub struct Table {
    pub spec: TableSpec,
    pub rows: Vec<Record>,
}

/// One row of a table.
#[derive(Debug, Clone)]
pub struct Record {
    /// The line of the file it was read from.
    pub line: u64,
    /// One value per declared column; `Empty` for absent optional columns and empty cells.
    pub values: Vec<Value>,
}

/// A one-off fact (`facts.toml`) and the document that supports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub value: FactValue,
    /// The supporting document, e.g. `15/KH-SKHCN ngày 20/01/2026`.
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactValue {
    Integer(i64),
    Decimal(Decimal),
    Bool(bool),
    Text(String),
}

impl FactValue {
    pub fn display(&self) -> String {
        match self {
            FactValue::Integer(i) => i.to_string(),
            FactValue::Decimal(d) => crate::num::vi_decimal(*d),
            FactValue::Bool(true) => "có".to_owned(),
            FactValue::Bool(false) => "không".to_owned(),
            FactValue::Text(t) => t.clone(),
        }
    }
}

/// Answers `need` from a table given in memory ([`Evidence::new`]): the same per-record work
/// as a table read from a file (the whole-table tally of a workbook sheet), for one need.
/// The scored row `id` that an officer's file names (its notes, an appraisal): a problem, at
/// `at`, when the set has no such row or it is a group (`group`: what the message says after
/// "`id` là nhóm tiêu chí").
pub(crate) fn scored_row<'s>(
    set: &'s crate::criteria::CriteriaSet,
    id: &str,
    group: &str,
    at: &dyn Fn(String) -> crate::error::Diagnostic,
) -> Result<&'s crate::criteria::Criterion, Box<crate::error::Diagnostic>> {
    let Some(criterion) = set.criterion(id) else {
        return Err(Box::new(
            at(format!("không có tiêu chí `{id}` trong bộ tiêu chí"))
                .value(id)
                .expected("mã một tiêu chí của bộ tiêu chí"),
        ));
    };
    if criterion.leaf.is_none() {
        return Err(Box::new(
            at(format!("`{id}` là nhóm tiêu chí{group}")).value(id),
        ));
    }
    Ok(criterion)
}

pub(crate) fn answer_in_memory(table: &Table, need: &crate::query::Need) -> crate::query::Answer {
    let units = UnitIndex::default();
    let plan = Plan {
        spec: &table.spec,
        needs: std::slice::from_ref(need),
        units: &units,
        unit_col: None,
    };
    let tally = tally_table(&plan, table);
    match tally.acc.into_iter().next().and_then(|mut a| a.pop()) {
        Some(acc) => acc.finish(),
        None => crate::query::Accumulator::new(need).finish(),
    }
}
