//! # parindex-core
//!
//! Computes a department's yearly PAR INDEX self-assessment (*Chỉ số cải cách hành chính*)
//! from its evidence, exactly and explainably, so that an auditor replaying the same files gets
//! the same number, row by row.
//!
//! The pipeline, one module per step:
//!
//! 1. **load** — [`load_criteria`] reads a criteria set (TOML, see `docs/criteria-format.md`)
//!    and **validates** it as a whole: ids, parent sums, tables, keys; every problem at once.
//! 2. **compile** — [`CompiledCriteria::compile`] compiles each row's rhai rule once, into a
//!    sandboxed engine with limits.
//! 3. **read** — [`CompiledCriteria::read_unit`] reads a unit's folder: one file (CSV in any
//!    supported encoding, or a workbook sheet) per declared table, `facts.toml`, `unit.toml`,
//!    `notes.toml`, and `survey.csv` after the survey. A unit is a province of one: every
//!    layout — a unit's folder, a province of unit folders, province-wide exports
//!    ([`CompiledCriteria::score_province`]) — is read the same way. The rules are run once on
//!    no data to learn what they ask of each table (its needs: a count, the
//!    first keys, a sum, the earliest record of the records a predicate accepts); every table
//!    is then read once, streamed in parallel blocks when it is UTF-8 text (else read whole:
//!    a workbook, a legacy encoding), checked and aggregated per unit as it is read (records
//!    are dropped), and the rules run again on the aggregates; a rule whose questions depend
//!    on the answers has its tables read again, a few times at most (one place:
//!    `CompiledCriteria::settle`). Memory does not grow with the number of records.
//! 4. **evaluate** — [`CompiledCriteria::score`] runs every rule at an as-of date and adds up
//!    the tree into a [`Report`]; a failing rule marks its row, never the run. A province's
//!    reports are [`province_json`] (`parindex.province/1`), or [`write_province_json`] to write
//!    them without holding the document whole.
//! 5. **report** — [`Report::to_json`] (`parindex.report/1`, see `docs/report-json.md`); its
//!    human forms (Markdown, Excel, Word, HTML, CSV) are `parindex-render`'s. [`replay`]
//!    scores a report's evidence again and names what changed (`parindex verify`).
//!
//! Under read and evaluate, **query**: what rules ask and evidence answers; it imports neither.
//!
//! Files come through the [`Files`] trait and the as-of date is an argument: nothing reads the
//! clock or the environment, so the same inputs give byte-identical reports. The library never
//! prints and never panics on input.
//!
//! ```no_run
//! use std::path::Path;
//! use parindex_core::{load_criteria, CompiledCriteria, FsFiles, ReadOptions};
//!
//! # fn main() -> Result<(), parindex_core::Error> {
//! let set = load_criteria(&FsFiles, Path::new("criteria/nghe-an-2026-so"))?;
//! let criteria = CompiledCriteria::compile(set)?;
//! let as_of = criteria.as_of(None)?;
//! let dir = Path::new("fixtures/skhcn-2026");
//! let evidence = criteria.read_unit(&FsFiles, dir, as_of, &ReadOptions::default())?;
//! let report = criteria.score(&evidence, as_of);
//! println!("{}", report.to_json());
//! # Ok(())
//! # }
//! ```

mod bytes;
mod cases;
mod compare;
mod criteria;
mod date;
mod error;
mod evaluate;
mod evidence;
mod explain;
mod files;
mod fingerprint;
mod gaps;
mod lint;
mod num;
mod query;
mod rank;
mod readings;
mod replay;
mod report;
mod rule_text;
mod rules;
mod threads;
mod visible;

pub use cases::{read_cases, run_cases, Case, CaseFile, CaseResult, CASES_DIR, CASE_MAX_RECORDS};
#[cfg(feature = "oracle")]
pub use cases::{run_cases_with, CaseReading};
pub use compare::{edited_as_of, Comparison, FigureChange, InputChange, RowChange};
pub use criteria::{
    load_criteria, ColumnSpec, ColumnType, CriteriaSet, Criterion, FactSpec, FactType, Leaf,
    Method, NotArising, RatingBand, Register, RuleSource, TableSpec, Window, CRITERIA_FILE, FACTS,
};
pub use date::{parse_date, read_date, vi_date, Date, DateProblem};
pub use error::{Diagnostic, Diagnostics, Error, Lang, Result};
pub use evaluate::CompiledCriteria;
pub use evidence::{
    fold_header, is_province, Appraisal, DeclaredDocument, DeclaredPoints, Evidence, Fact,
    FactValue, Notes, ReadOptions, ReadProgress, Record, RowNote, Source, Table, TextEncoding,
    Unit, Value, NOTES_FILE, TEXT_EXTENSIONS, UNITS_FILE, UNIT_COLUMN, WORKBOOK_EXTENSIONS,
};
#[cfg(feature = "oracle")]
pub use evidence::{read_evidence, read_evidence_with, read_province, Strategy};
pub use explain::{explain_row, LeafExplanation, RowExplanation, RuleExplanation};
pub use files::{too_large, Files, FsFiles, MemoryFiles, MAX_READ_BYTES};
pub use fingerprint::{digest_of, engine_version, sha256_hex, FileDigest, Fingerprint, SetDigest};
pub use lint::check_criteria;
pub use num::{parse_decimal, round_half_up, vi_decimal, vi_percent, Fraction};
pub use rank::{GroupRanking, RankEntry, Ranking, RANKING_SCHEMA};
pub use replay::{replay, Cause, Replay};
pub use report::{
    province_json, write_province_json, AppraisalRound, CriteriaInfo, EvidenceRef, Measure,
    NodeKind, NodeScore, Part, PendingSurvey, Report, Status, SurveyPart, Total, PROVINCE_SCHEMA,
    REPORT_SCHEMA,
};
pub use rule_text::facts_named;
pub use rules::registry::{helper_table, rule_helpers, Aggregate, Arg, Doc, Group, Helper};
pub use rules::{
    DocumentRef, FactRef, Limits, RecordList, DISTINCT_MAX_BYTES, DISTINCT_MAX_VALUES,
};
pub use threads::Threads;
pub use visible::{is_hidden, visible, visible_lines};

/// Loads, compiles and scores in one call: the whole pipeline for one unit.
///
/// `as_of` defaults to 31 December of the set's year.
pub fn score(
    files: &dyn Files,
    criteria: &std::path::Path,
    evidence: &std::path::Path,
    as_of: Option<Date>,
) -> Result<Report> {
    let compiled = CompiledCriteria::compile(load_criteria(files, criteria)?)?;
    let as_of = compiled.as_of(as_of)?;
    compiled.score_unit(files, evidence, as_of, &ReadOptions::default())
}
