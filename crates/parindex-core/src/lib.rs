//! # parindex-core
//!
//! Computes a department's yearly PAR INDEX self-assessment (*Chỉ số cải cách hành chính*)
//! from its evidence, exactly and explainably, so that an auditor replaying the same files gets
//! the same number, row by row.
//!
//! ## The pipeline
//!
//! One public module per step, in the order a score is made:
//!
//! 1. [`criteria`] — **load and validate** a criteria set (TOML, see
//!    `docs/criteria-format.md`): [`load_criteria`] reads it and checks it as a whole (ids,
//!    parent sums, tables, keys; every problem at once, each with its file, line and column);
//!    [`check_criteria`] adds what `parindex check` says of its rules.
//! 2. [`rules`] — **compile**: each row's rhai rule is compiled once into a sandboxed engine
//!    with [`Limits`](rules::Limits); the helpers a rule may call are one registry
//!    ([`rules::rule_helpers`]) that the engine, `check`, `explain` and the format's docs share.
//!    [`CompiledCriteria::compile`] is this step.
//! 3. [`evidence`] — **read** a unit's folder: one file (CSV in any supported encoding, or a
//!    workbook sheet) per declared table, `facts.toml`, `unit.toml`, `notes.toml`, and
//!    `survey.csv` after the survey ([`CompiledCriteria::read_unit`]). A unit is a province
//!    of one: every layout — a unit's folder, a province of unit folders, province-wide
//!    exports ([`CompiledCriteria::score_province`]) — is read the same way. The rules are
//!    run once on no data to learn what they ask of each table (a count, the first keys, a
//!    sum, the earliest record of the records a predicate accepts); every table is then read
//!    once, streamed in parallel blocks when it is UTF-8 text, checked and aggregated per unit
//!    as it is read (records are dropped), and the rules run again on the aggregates. Memory
//!    does not grow with the number of records.
//! 4. [`evaluate`] — **score**: [`CompiledCriteria::score`] runs every rule at an as-of date
//!    and adds up the tree; a failing rule marks its row, never the run.
//! 5. [`report`] — **the result**: a [`Report`], its stable JSON ([`Report::to_json`],
//!    `parindex.report/1`, see `docs/report-json.md`) and a province's
//!    ([`report::province_json`]). Its human forms (Markdown, Excel, Word, HTML, CSV) are
//!    `parindex-render`'s.
//! 6. [`replay`](mod@replay) — **verify**: [`replay()`](fn@replay) scores a report's evidence again at its as-of date,
//!    compares row by row ([`compare`]) and names what changed.
//!
//! Beside the pipeline: [`check`] (what `parindex check` says of a set), [`explain`] (what a row is and how it is scored), [`rank`] (a
//! province's peer groups), [`cases`] (tests that live beside a criteria set), and the
//! vocabulary the steps share — [`files`] (the injected environment), [`date`], [`num`]
//! (exact decimals), [`fingerprint`], [`error`], [`visible`] (text safe to show).
//!
//! Files come through the [`Files`] trait and the as-of date is an argument: nothing reads the
//! clock or the environment, so the same inputs give byte-identical reports. The library never
//! prints and never panics on input.
//!
//! The root re-exports what an embedder needs for the whole job; the rest is at its step's
//! path.
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

pub mod criteria;
pub mod evaluate;
pub mod evidence;
pub mod replay;
pub mod report;
pub mod rules;

pub mod cases;
pub mod check;
pub mod compare;
pub mod date;
pub mod error;
pub mod explain;
pub mod files;
pub mod fingerprint;
pub mod num;
pub mod rank;
pub mod visible;

mod bytes;
mod gaps;
mod query;
mod readings;
mod rule_text;
mod threads;

pub use crate::check::check_criteria;
pub use crate::criteria::load_criteria;
pub use crate::date::Date;
pub use crate::error::{Diagnostic, Diagnostics, Error, Result};
pub use crate::evaluate::CompiledCriteria;
pub use crate::evidence::{Evidence, ReadOptions};
pub use crate::files::{Files, FsFiles, MemoryFiles};
pub use crate::replay::{replay, Replay};
pub use crate::report::Report;

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
