//! Tests that live beside a criteria set (`cases/*.cases`): small evidence described in one
//! line, the as-of date, and the expected outcome of one row. `parindex test` runs them.
//!
//! ```text
//! # row | as-of (dd/mm/yyyy, or - for 31/12) | evidence | expected
//! 3.2.1 | - | rows dossiers 19; rows dossiers 1 ngay_tra_ket_qua=11/06/2026 | scored 1.5
//! defaults | dossiers | ma_ho_so=HS-{n}; ngay_tiep_nhan=01/06/2026; han_xu_ly=10/06/2026; …
//! ```
//!
//! Evidence items, separated by `;`: `rows TABLE N [col=value …]` (N records; columns not given
//! take the table's `defaults`; `{i}` is the record's number in the item, `{n}` in the table;
//! `col=` leaves the cell empty; `+` in a value stands for the `;` between tags),
//! `empty TABLE` (a header and no records), `fact NAME=VALUE`, `facts` (an empty
//! `facts.toml`), `survey ROW=RATE` (a line of `survey.csv`, the rate written as Sở Nội vụ
//! wrote it) and `survey` (a `survey.csv` of a header only). Tables not mentioned have no file
//! and without `fact`/`facts` there is no `facts.toml`: that is how a case says "no evidence".
//! The expected outcome is `scored POINTS`, `not_applicable`, `no_evidence`,
//! `pending_survey`, `error` (the row's rule failed) or `evidence_error` (the evidence is
//! refused before scoring, as `parindex score` would refuse it).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;

use crate::criteria::CriteriaSet;
use crate::date::{parse_date, Date};
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::evaluate::CompiledCriteria;
use crate::evidence::ReadOptions;
use crate::files::{Files, MemoryFiles};
use crate::num::vi_count;
use crate::report::Status;

/// The folder of cases inside a criteria folder.
pub const CASES_DIR: &str = "cases";

/// The most records one case may describe, over all its `rows` items: a case is a small
/// example, and its records are built in memory before anything is read.
pub const CASE_MAX_RECORDS: usize = 100_000;

/// What a case that cannot be run gives (its evidence or row is wrong): never an expected
/// outcome, so the case fails.
pub const INVALID_CASE: &str = "ca không hợp lệ";

/// One case: a row, its evidence, and what it must score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// The cases file and line, for messages.
    pub file: PathBuf,
    pub line: usize,
    pub row: String,
    pub as_of: Option<Date>,
    pub evidence: String,
    /// `scored 1.5`, `not_applicable`, `no_evidence`, `pending_survey`, `error` or
    /// `evidence_error`.
    pub expected: String,
}

/// What a case gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseResult {
    pub case: Case,
    /// In the form of `Case::expected`.
    pub got: String,
    /// The row's explanation, to see why.
    pub explanation: String,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        normalise(&self.case.expected) == self.got
    }
}

/// `scored 1.50` and `scored 1.5` are the same expectation.
fn normalise(expected: &str) -> String {
    match expected.split_once(' ') {
        Some(("scored", p)) => match p.trim().parse::<Decimal>() {
            Ok(d) => format!("scored {}", d.normalize()),
            Err(_) => expected.to_owned(),
        },
        _ => expected.trim().to_owned(),
    }
}

/// All cases of a criteria folder, with the tables' default records.
#[derive(Debug, Clone, Default)]
pub struct CaseFile {
    pub cases: Vec<Case>,
    /// Per table: column → default value.
    pub defaults: BTreeMap<String, Vec<(String, String)>>,
}

/// Reads every `cases/*.cases` file of the criteria folder `dir`, in file-name order.
pub fn read_cases(files: &dyn Files, dir: &Path) -> Result<CaseFile> {
    let cases_dir = dir.join(CASES_DIR);
    let mut paths: Vec<PathBuf> = files
        .list(&cases_dir)
        .unwrap_or_default()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "cases"))
        .collect();
    paths.sort();
    let mut out = CaseFile::default();
    let mut problems = Vec::new();
    for path in paths {
        let bytes = files.read(&path).map_err(|source| Error::Io {
            path: path.clone(),
            source,
        })?;
        let text = String::from_utf8_lossy(&bytes);
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split(" #").next().unwrap_or("").trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let parts: Vec<&str> = line.split('|').map(str::trim).collect();
            let at = |m: String| Diagnostic::new(&path, m).line(i + 1).value(raw.trim());
            match parts.as_slice() {
                ["defaults", table, assignments] => {
                    let mut cols = Vec::new();
                    for a in assignments
                        .split(';')
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                    {
                        match a.split_once('=') {
                            Some((k, v)) => cols.push((k.trim().to_owned(), v.trim().to_owned())),
                            None => problems.push(at(format!("`{a}` không có dạng `cột=giá trị`"))),
                        }
                    }
                    out.defaults.insert((*table).to_owned(), cols);
                }
                [row, as_of, evidence, expected] => {
                    let as_of = match *as_of {
                        "-" => None,
                        d => match parse_date(d) {
                            Some(d) => Some(d),
                            None => {
                                problems.push(
                                    at(format!("`{d}` không phải ngày"))
                                        .expected("dd/mm/yyyy hoặc -"),
                                );
                                continue;
                            }
                        },
                    };
                    out.cases.push(Case {
                        file: path.clone(),
                        line: i + 1,
                        row: (*row).to_owned(),
                        as_of,
                        evidence: (*evidence).to_owned(),
                        expected: (*expected).to_owned(),
                    });
                }
                _ => problems.push(
                    at("mỗi ca kiểm thử có bốn phần ngăn nhau bởi `|`".to_owned())
                        .expected("mã dòng | ngày tính đến (hoặc -) | minh chứng | kết quả cần có"),
                ),
            }
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(Error::Criteria(Diagnostics(problems)))
    }
}

/// Runs every case against the compiled set.
pub fn run_cases(criteria: &CompiledCriteria, file: &CaseFile) -> Vec<CaseResult> {
    run_cases_read(criteria, file, &ReadOptions::default(), &as_written)
}

/// A case's file as written: the [`Rewrite`] that changes nothing.
fn as_written(path: &Path, bytes: Vec<u8>) -> (PathBuf, Vec<u8>) {
    (path.to_path_buf(), bytes)
}

/// How a case's evidence is written and read: the strategy tester (`tests/strategies.rs`)
/// reads every case in every way, against the same expectations (`oracle` feature).
#[cfg(feature = "oracle")]
#[derive(Default)]
pub struct CaseReading<'a> {
    pub options: ReadOptions<'a>,
    /// Rewrites each evidence file (its path and content) before it is read: another
    /// encoding, a workbook. `None`: as written.
    pub rewrite: Option<Rewrite<'a>>,
}

#[cfg(feature = "oracle")]
impl std::fmt::Debug for CaseReading<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaseReading")
            .field("options", &self.options)
            .field("rewrite", &self.rewrite.is_some())
            .finish()
    }
}

/// [`run_cases`], each case's evidence written and read as `reading` says.
#[cfg(feature = "oracle")]
pub fn run_cases_with(
    criteria: &CompiledCriteria,
    file: &CaseFile,
    reading: &CaseReading<'_>,
) -> Vec<CaseResult> {
    let rewrite = reading.rewrite.unwrap_or(&as_written);
    run_cases_read(criteria, file, &reading.options, rewrite)
}

/// Rewrites a case's file (its path and content) on its way into the case's folder.
pub type Rewrite<'a> = &'a dyn Fn(&Path, Vec<u8>) -> (PathBuf, Vec<u8>);

/// Operations the rules may make over a whole run of a set's cases
/// ([`crate::rules::Limits::max_operations_per_unit`] shared out among the cases): each case is
/// a unit of its own, and a set's cases are as many as its files hold, so without a bound of
/// their own a few thousand cases over a rule that spins would run for hours.
pub const CASES_MAX_OPERATIONS: u64 = 5_000_000;

fn run_cases_read(
    criteria: &CompiledCriteria,
    file: &CaseFile,
    options: &ReadOptions<'_>,
    rewrite: Rewrite<'_>,
) -> Vec<CaseResult> {
    // Each case's share of the run's budget, when less than a unit's own: the same set compiled
    // under it. It depends only on the set and its cases, so every run says the same.
    let limits = criteria.limits();
    let share = CASES_MAX_OPERATIONS / (file.cases.len().max(1) as u64);
    let shared = (share < limits.max_operations_per_unit)
        .then(|| {
            let limits = crate::rules::Limits {
                max_operations_per_unit: share,
                ..limits
            };
            CompiledCriteria::compile_with_limits(criteria.criteria().clone(), limits).ok()
        })
        .flatten();
    let criteria = shared.as_ref().unwrap_or(criteria);
    file.cases
        .iter()
        .map(|case| {
            let (got, explanation) = match run_case(criteria, file, case, options, rewrite) {
                Ok(x) => x,
                Err(e) => (INVALID_CASE.to_owned(), e),
            };
            CaseResult {
                case: case.clone(),
                got,
                explanation,
            }
        })
        .collect()
}

fn run_case(
    criteria: &CompiledCriteria,
    file: &CaseFile,
    case: &Case,
    options: &ReadOptions<'_>,
    rewrite: Rewrite<'_>,
) -> std::result::Result<(String, String), String> {
    let set = criteria.criteria();
    if set
        .criterion(&case.row)
        .and_then(|c| c.leaf.as_ref())
        .is_none()
    {
        return Err(format!(
            "`{}` không phải một dòng được chấm của bộ tiêu chí",
            case.row
        ));
    }
    let files = evidence_files(set, file, &case.evidence, rewrite)?;
    let as_of = criteria.as_of(case.as_of).map_err(|e| e.to_string())?;
    let report = match criteria.score_unit(&files, Path::new("unit"), as_of, options) {
        Ok(report) => report,
        Err(Error::Evidence(problems)) => {
            return Ok(("evidence_error".to_owned(), problems.to_string()))
        }
        Err(other) => return Err(other.to_string()),
    };
    let node = report
        .node(&case.row)
        .ok_or_else(|| format!("báo cáo không có dòng `{}`", case.row))?;
    let got = match node.status {
        Status::Scored => format!("scored {}", node.points.normalize()),
        other => other.as_str().to_owned(),
    };
    Ok((got, node.explanation.clone()))
}

/// Builds the case's evidence folder (`unit/`) in memory.
fn evidence_files(
    set: &CriteriaSet,
    file: &CaseFile,
    evidence: &str,
    rewrite: Rewrite<'_>,
) -> std::result::Result<MemoryFiles, String> {
    let dir = Path::new("unit");
    let mut written = MemoryFiles::new();
    let mut files = Written {
        files: &mut written,
        rewrite,
    };
    files.insert(
        dir.join("unit.toml"),
        "code = \"T\"\nname = \"Đơn vị\"\ngroup = \"so\"\n",
    );
    let mut tables: BTreeMap<String, Vec<BTreeMap<String, String>>> = BTreeMap::new();
    let mut facts: Option<String> = None;
    let mut survey: Option<String> = None;
    // The records of every `rows` item are counted before one is built: the count is the case
    // author's to write, and 50 000 000 records would not fit in memory.
    let total = evidence
        .split(';')
        .filter_map(
            |item| match item.split_whitespace().collect::<Vec<_>>().as_slice() {
                ["rows", _, n, ..] => n.parse::<usize>().ok(),
                _ => None,
            },
        )
        .fold(0usize, usize::saturating_add);
    if total > CASE_MAX_RECORDS {
        return Err(format!(
            "một ca kiểm thử mô tả tối đa {} bản ghi (`rows`), ca này mô tả {}: hãy giảm số \
             bản ghi",
            vi_count(CASE_MAX_RECORDS),
            vi_count(total)
        ));
    }
    for item in evidence.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let words: Vec<&str> = item.split_whitespace().collect();
        match words.as_slice() {
            ["rows", table, n, assignments @ ..] => {
                let n: usize = n
                    .parse()
                    .map_err(|_| format!("số bản ghi trong `{item}` không phải số nguyên"))?;
                let records = tables.entry((*table).to_owned()).or_default();
                for i in 1..=n {
                    let number = (records.len() + 1).to_string();
                    let mut record: BTreeMap<String, String> = file
                        .defaults
                        .get(*table)
                        .map(|d| {
                            d.iter()
                                .map(|(k, v)| (k.clone(), v.replace("{n}", &number)))
                                .collect()
                        })
                        .unwrap_or_default();
                    for a in assignments {
                        let (k, v) = a
                            .split_once('=')
                            .ok_or_else(|| format!("`{a}` không có dạng `cột=giá trị`"))?;
                        let v = v.replace("{i}", &i.to_string()).replace("{n}", &number);
                        record.insert(k.to_owned(), v.replace('+', ";"));
                    }
                    records.push(record);
                }
            }
            ["empty", table] => {
                tables.entry((*table).to_owned()).or_default();
            }
            ["facts"] => {
                facts.get_or_insert_with(String::new);
            }
            ["survey"] => {
                survey.get_or_insert_with(String::new);
            }
            ["survey", assignment] => {
                let (row, rate) = assignment
                    .split_once('=')
                    .ok_or_else(|| format!("`{item}` không có dạng `survey DÒNG=TỶ_LỆ`"))?;
                let mut line = csv::Writer::from_writer(Vec::new());
                line.write_record([row, rate]).map_err(|e| e.to_string())?;
                let line = line.into_inner().map_err(|e| e.to_string())?;
                survey
                    .get_or_insert_with(String::new)
                    .push_str(&String::from_utf8_lossy(&line));
            }
            ["fact", assignment] => {
                let (k, v) = assignment
                    .split_once('=')
                    .ok_or_else(|| format!("`{item}` không có dạng `fact TÊN=GIÁ_TRỊ`"))?;
                let value = if v == "true" || v == "false" || v.parse::<i64>().is_ok() {
                    v.to_owned()
                } else {
                    format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
                };
                let _ = writeln!(facts.get_or_insert_with(String::new), "{k} = {value}");
            }
            _ => {
                return Err(format!(
                    "không hiểu mục minh chứng `{item}` (cần `rows`, `empty`, `fact`, `facts` \
                     hoặc `survey`)"
                ))
            }
        }
    }
    for (name, records) in tables {
        let spec = set
            .table(&name)
            .ok_or_else(|| format!("bảng `{name}` chưa được khai báo trong bộ tiêu chí"))?;
        let mut out = csv::Writer::from_writer(Vec::new());
        let header: Vec<&str> = spec.columns.iter().map(|c| c.id.as_str()).collect();
        out.write_record(&header).map_err(|e| e.to_string())?;
        for r in &records {
            if let Some(k) = r.keys().find(|k| spec.column(k).is_none()) {
                return Err(format!("bảng `{name}` không có cột `{k}`"));
            }
            let cells: Vec<&str> = header
                .iter()
                .map(|h| r.get(*h).map_or("", String::as_str))
                .collect();
            out.write_record(&cells).map_err(|e| e.to_string())?;
        }
        let bytes = out.into_inner().map_err(|e| e.to_string())?;
        files.insert(dir.join(&spec.file), bytes);
    }
    if let Some(facts) = facts {
        files.insert(dir.join("facts.toml"), facts);
    }
    if let Some(survey) = survey {
        files.insert(
            dir.join(crate::evidence::SURVEY_FILE),
            format!("ma_tieu_chi,ty_le\n{survey}"),
        );
    }
    Ok(written)
}

/// A case's files as they are written: each rewritten on its way in.
struct Written<'a, 'r> {
    files: &'a mut MemoryFiles,
    rewrite: Rewrite<'r>,
}

impl Written<'_, '_> {
    fn insert(&mut self, path: PathBuf, content: impl Into<Vec<u8>>) {
        let (path, content) = (self.rewrite)(&path, content.into());
        self.files.insert(path, content);
    }
}
