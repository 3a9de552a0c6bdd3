//! A whole province in one run: either one folder per unit, or province-wide exports whose rows
//! carry the unit code `ma_don_vi`; survey results for the province in one `survey.csv`.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;

use super::read::{
    appraisal_entries, appraisal_spec, locate, read_evidence_with, read_table, survey_results,
    survey_spec, ReadOptions, Recording, UNIT_FILE,
};
use super::{fold_header, Evidence, Fact, FactValue, Table, Unit, Value};
use crate::criteria::{ColumnSpec, ColumnType, CriteriaSet, TableSpec, Window};
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::files::Files;
use crate::fingerprint::FileDigest;
use crate::num::parse_decimal;

/// The column that says which unit a row of a province-wide export belongs to.
pub const UNIT_COLUMN: &str = "ma_don_vi";
/// The list of units of a province-wide export.
pub const UNITS_FILE: &str = "units.csv";

/// Whether `dir` holds a province (several units) rather than one unit's evidence.
pub fn is_province(files: &dyn Files, dir: &Path) -> bool {
    let has = |name: &str| files.read(&dir.join(name)).is_ok();
    if has(UNIT_FILE) {
        return false;
    }
    has(UNITS_FILE)
        || files
            .dirs(dir)
            .map(|d| d.iter().any(|sub| files.read(&sub.join(UNIT_FILE)).is_ok()))
            .unwrap_or(false)
}

/// Reads every unit of a province folder, in unit-code order.
///
/// With a `units.csv`, the tables are province-wide exports split by `ma_don_vi` (a unit with no
/// rows in an export has an empty table); otherwise each sub-folder holding a `unit.toml` is a
/// unit. A `survey.csv` beside them (`ma_don_vi`, `ma_tieu_chi`, `ty_le`) fills the survey rows.
/// Every problem of every unit is reported at once.
pub fn read_province(
    files: &dyn Files,
    set: &CriteriaSet,
    dir: &Path,
    options: &ReadOptions<'_>,
) -> Result<Vec<Evidence>> {
    let mut units = if files.read(&dir.join(UNITS_FILE)).is_ok() {
        read_exports(files, set, dir, options)?
    } else {
        read_folders(files, set, dir, options)?
    };
    units.sort_by(|a, b| a.unit().code.cmp(&b.unit().code));
    let mut problems = Vec::new();
    for pair in units.windows(2) {
        if pair[0].unit().code == pair[1].unit().code {
            problems.push(Diagnostic::new(
                dir,
                format!("unit code `{}` appears twice", pair[0].unit().code),
            ));
        }
    }
    if problems.is_empty() {
        Ok(units)
    } else {
        Err(Error::Evidence(Diagnostics(problems)))
    }
}

/// One folder per unit, and perhaps a province-wide `survey.csv`.
fn read_folders(
    files: &dyn Files,
    set: &CriteriaSet,
    dir: &Path,
    options: &ReadOptions<'_>,
) -> Result<Vec<Evidence>> {
    let folders = files.dirs(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut problems = Vec::new();
    let mut units = Vec::new();
    for folder in folders {
        if files.read(&folder.join(UNIT_FILE)).is_err() {
            continue;
        }
        match read_evidence_with(files, set, &folder, options) {
            Ok(e) => units.push(e),
            Err(Error::Evidence(d)) => problems.extend(d.0),
            Err(other) => return Err(other),
        }
    }
    if units.is_empty() && problems.is_empty() {
        problems.push(
            Diagnostic::new(dir, "no unit found")
                .hint("a province folder holds one folder per unit (each with unit.toml), or units.csv with province-wide exports"),
        );
    }
    // The province's survey results, split by unit.
    let shared = read_shared(files, set, dir, options, &mut problems)?;
    let codes: Vec<String> = units.iter().map(|u| u.unit().code.clone()).collect();
    check_codes(&shared.seen, &codes, &mut problems);
    let units = units
        .into_iter()
        .map(|e| {
            let code = e.unit().code.clone();
            let mut e = e;
            if let Some(survey) = shared.survey.as_ref() {
                if e.survey().is_some() && survey.contains_key(&code) {
                    problems.push(Diagnostic::new(
                        dir,
                        format!("unit `{code}` has survey results both in its folder and in the province's survey.csv"),
                    ));
                } else if e.survey().is_none() {
                    e = e.with_survey(Some(survey.get(&code).cloned().unwrap_or_default()));
                }
            }
            if let Some(appraisal) = shared.appraisal.as_ref().and_then(|a| a.get(&code)) {
                if e.appraisal().is_some() {
                    problems.push(Diagnostic::new(
                        dir,
                        format!("unit `{code}` has appraisal results both in its folder and in the province's appraisal.csv"),
                    ));
                } else {
                    e = e.with_appraisal(Some(appraisal.clone()));
                }
            }
            if shared.digests.is_empty() {
                return e;
            }
            let mut digests = e.files().to_vec();
            digests.extend(shared.digests.iter().cloned());
            digests.sort();
            e.with_digests(digests)
        })
        .collect();
    if problems.is_empty() {
        Ok(units)
    } else {
        Err(Error::Evidence(Diagnostics(problems)))
    }
}

/// What the province folder holds for all units: survey results (and, for exports, appraisal).
struct Shared {
    survey: Option<BTreeMap<String, BTreeMap<String, Decimal>>>,
    appraisal: Option<BTreeMap<String, Vec<super::Appraisal>>>,
    /// The province-level files read, named `../<file>` as seen from a unit.
    digests: Vec<FileDigest>,
    /// Where each unit code was seen, for unknown-code messages.
    seen: Vec<(String, PathBuf, u64)>,
}

/// A table spec with the unit column, so that province-wide exports can be split.
fn with_unit_column(spec: &TableSpec) -> TableSpec {
    let mut spec = spec.clone();
    match spec.columns.iter_mut().find(|c| c.id == UNIT_COLUMN) {
        Some(c) => c.required = true,
        None => spec.columns.push(ColumnSpec {
            id: UNIT_COLUMN.to_owned(),
            kind: ColumnType::Text,
            required: true,
            labels: vec!["Mã đơn vị".to_owned()],
            values: Vec::new(),
            min: None,
        }),
    }
    spec
}

/// Splits a province-wide table by unit code, keeping file order within each unit. The
/// records are moved, not copied.
fn split(table: Table) -> BTreeMap<String, Table> {
    let col = table.spec.column_index(UNIT_COLUMN).unwrap_or(0);
    let mut out: BTreeMap<String, Table> = BTreeMap::new();
    for record in table.rows {
        let part = match &record.values[col] {
            Value::Text(code) => out.get_mut(code.as_str()),
            _ => None,
        };
        if let Some(part) = part {
            part.rows.push(record);
            continue;
        }
        out.entry(record.values[col].display())
            .or_insert_with(|| Table {
                spec: table.spec.clone(),
                rows: Vec::new(),
            })
            .rows
            .push(record);
    }
    out
}

/// Every (unit code, line) of a split table, in file order (lines increase down a file).
fn seen_in(parts: &BTreeMap<String, Table>) -> Vec<(String, u64)> {
    let mut seen: Vec<(String, u64)> = parts
        .iter()
        .flat_map(|(code, t)| t.rows.iter().map(move |r| (code.clone(), r.line)))
        .collect();
    seen.sort_by_key(|(_, line)| *line);
    seen
}

/// The (unit code, line) of the rows of a split table whose code is not a unit of `codes`, in
/// file order: what [`check_codes`] reports, without listing every row of every unit.
fn unknown_in(parts: &BTreeMap<String, Table>, codes: &BTreeSet<&str>) -> Vec<(String, u64)> {
    let mut seen: Vec<(String, u64)> = parts
        .iter()
        .filter(|(code, _)| !codes.contains(code.as_str()))
        .flat_map(|(code, t)| t.rows.iter().map(move |r| (code.clone(), r.line)))
        .collect();
    seen.sort_by_key(|(_, line)| *line);
    seen
}

fn read_shared(
    files: &dyn Files,
    set: &CriteriaSet,
    dir: &Path,
    options: &ReadOptions<'_>,
    problems: &mut Vec<Diagnostic>,
) -> Result<Shared> {
    let recording = Recording {
        inner: files,
        dir,
        seen: RefCell::new(BTreeMap::new()),
    };
    let survey = with_unit_column(&survey_spec());
    let appraisal = with_unit_column(&appraisal_spec());
    let specs = [&survey, &appraisal];
    let mut workbooks = BTreeMap::new();
    let origins = locate(&recording, dir, &specs, &mut workbooks, problems)?;
    let mut shared = Shared {
        survey: None,
        appraisal: None,
        digests: Vec::new(),
        seen: Vec::new(),
    };
    for spec in specs {
        let Some(origin) = origins.get(&spec.name) else {
            continue;
        };
        let Some((table, source)) =
            read_table(&recording, origin, spec, &mut workbooks, options, problems)?
        else {
            continue;
        };
        let parts = split(table);
        let seen = seen_in(&parts);
        shared
            .seen
            .extend(seen.into_iter().map(|(c, l)| (c, source.path.clone(), l)));
        if spec.name == survey.name {
            shared.survey = Some(
                parts
                    .into_iter()
                    .map(|(code, t)| (code, survey_results(t, &source.path, set, problems)))
                    .collect(),
            );
        } else {
            shared.appraisal = Some(
                parts
                    .into_iter()
                    .map(|(code, t)| (code, appraisal_entries(t, &source.path, set, problems)))
                    .collect(),
            );
        }
    }
    shared.digests = recording
        .seen
        .into_inner()
        .into_values()
        .map(|d| FileDigest {
            name: format!("../{}", d.name),
            sha256: d.sha256,
        })
        .collect();
    Ok(shared)
}

/// Every unit code used in a province-wide file must be a unit of the province.
fn check_codes(seen: &[(String, PathBuf, u64)], codes: &[String], problems: &mut Vec<Diagnostic>) {
    for (code, path, line) in seen {
        if !codes.contains(code) {
            problems.push(
                Diagnostic::new(path, format!("unknown unit `{code}`"))
                    .line(usize::try_from(*line).unwrap_or(usize::MAX))
                    .column_name(UNIT_COLUMN)
                    .value(code)
                    .expected(format!("one of {}", codes.join(", "))),
            );
        }
    }
}

/// Province-wide exports: `units.csv`, tables and `facts.csv` carrying `ma_don_vi`.
fn read_exports(
    files: &dyn Files,
    set: &CriteriaSet,
    dir: &Path,
    options: &ReadOptions<'_>,
) -> Result<Vec<Evidence>> {
    let mut problems = Vec::new();
    let recording = Recording {
        inner: files,
        dir,
        seen: RefCell::new(BTreeMap::new()),
    };
    let units_spec = units_spec();
    let facts_spec = facts_spec();
    let specs: Vec<TableSpec> = set
        .tables
        .iter()
        .map(with_unit_column)
        .chain([units_spec.clone(), facts_spec.clone()])
        .collect();
    let spec_refs: Vec<&TableSpec> = specs.iter().collect();
    let mut workbooks = BTreeMap::new();
    let origins = locate(&recording, dir, &spec_refs, &mut workbooks, &mut problems)?;
    let mut units: Vec<Unit> = Vec::new();
    let mut tables: Vec<(String, BTreeMap<String, Table>, Table)> = Vec::new();
    let mut facts: Option<BTreeMap<String, BTreeMap<String, Fact>>> = None;
    // Each split export (by its path), in reading order, for the unit-code check.
    // `None`: a table, whose parts are the next of `tables`; `Some`: the facts' parts.
    let mut split_sources: Vec<(PathBuf, Option<BTreeMap<String, Table>>)> = Vec::new();
    for spec in &specs {
        let Some(origin) = origins.get(&spec.name) else {
            continue;
        };
        let Some((table, source)) = read_table(
            &recording,
            origin,
            spec,
            &mut workbooks,
            options,
            &mut problems,
        )?
        else {
            continue;
        };
        if spec.name == units_spec.name {
            units = table
                .rows
                .iter()
                .map(|r| Unit {
                    code: r.values[0].display(),
                    name: r.values[1].display(),
                    group: r.values[2].display(),
                })
                .collect();
            continue;
        }
        let empty = Table {
            spec: table.spec.clone(),
            rows: Vec::new(),
        };
        let parts = split(table);
        if spec.name == facts_spec.name {
            facts = Some(
                parts
                    .iter()
                    .map(|(code, t)| (code.clone(), facts_of(t, &source.path, &mut problems)))
                    .collect(),
            );
            split_sources.push((source.path.clone(), Some(parts)));
        } else {
            split_sources.push((source.path.clone(), None));
            tables.push((spec.name.clone(), parts, empty));
        }
    }
    let shared = read_shared(files, set, dir, options, &mut problems)?;
    let codes: Vec<String> = units.iter().map(|u| u.code.clone()).collect();
    let known: BTreeSet<&str> = codes.iter().map(String::as_str).collect();
    let mut seen: Vec<(String, PathBuf, u64)> = Vec::new();
    let mut table_parts = tables.iter().map(|(_, parts, _)| parts);
    for (path, parts) in &split_sources {
        // Tables were pushed in the same order as their sources; facts keep their own parts.
        let Some(parts) = parts.as_ref().or_else(|| table_parts.next()) else {
            continue;
        };
        seen.extend(
            unknown_in(parts, &known)
                .into_iter()
                .map(|(c, l)| (c, path.clone(), l)),
        );
    }
    seen.extend(shared.seen.iter().cloned());
    check_codes(&seen, &codes, &mut problems);
    let mut digests: Vec<FileDigest> = recording.seen.into_inner().into_values().collect();
    digests.extend(shared.digests.iter().map(|d| FileDigest {
        name: d.name.trim_start_matches("../").to_owned(),
        sha256: d.sha256.clone(),
    }));
    digests.sort();
    digests.dedup();
    let evidence = units
        .into_iter()
        .map(|unit| {
            let code = unit.code.clone();
            // Moved out, not cloned: each unit's records are taken once (a code listed twice
            // in units.csv is an error reported by `read_province`).
            let unit_tables: Vec<Table> = tables
                .iter_mut()
                .map(|(_, parts, empty)| parts.remove(&code).unwrap_or_else(|| empty.clone()))
                .collect();
            let unit_facts = facts
                .as_ref()
                .map(|f| f.get(&code).cloned().unwrap_or_default());
            let survey = shared
                .survey
                .as_ref()
                .map(|s| s.get(&code).cloned().unwrap_or_default());
            // A unit without rows in the appraisal file was not appraised, as in a unit folder
            // without appraisal.csv.
            let appraisal = shared
                .appraisal
                .as_ref()
                .and_then(|a| a.get(&code).cloned());
            Evidence::new(dir, unit, unit_tables, unit_facts, survey)
                .with_digests(digests.clone())
                .with_appraisal(appraisal)
        })
        .collect();
    if problems.is_empty() {
        Ok(evidence)
    } else {
        Err(Error::Evidence(Diagnostics(problems)))
    }
}

fn builtin(
    name: &str,
    title: &str,
    file: &str,
    columns: &[(&str, ColumnType, bool, &[&str])],
) -> TableSpec {
    TableSpec {
        name: name.to_owned(),
        title: title.to_owned(),
        file: file.to_owned(),
        key: None,
        subject: None,
        dated_by: None,
        window: Window::UntilAsOf,
        columns: columns
            .iter()
            .map(|(id, kind, required, labels)| ColumnSpec {
                id: (*id).to_owned(),
                kind: *kind,
                required: *required,
                labels: labels.iter().map(|l| (*l).to_owned()).collect(),
                values: Vec::new(),
                min: None,
            })
            .collect(),
    }
}

/// `units.csv`: code, name and peer group of each unit.
fn units_spec() -> TableSpec {
    builtin(
        "units",
        "Danh sách đơn vị",
        UNITS_FILE,
        &[
            (UNIT_COLUMN, ColumnType::Text, true, &["Mã đơn vị"]),
            ("ten_don_vi", ColumnType::Text, true, &["Tên đơn vị"]),
            ("nhom", ColumnType::Text, true, &["Nhóm", "Nhóm đơn vị"]),
        ],
    )
}

/// `facts.csv`: one fact of one unit per row.
fn facts_spec() -> TableSpec {
    builtin(
        "facts",
        "Số liệu",
        "facts.csv",
        &[
            (UNIT_COLUMN, ColumnType::Text, true, &["Mã đơn vị"]),
            ("ten", ColumnType::Text, true, &["Tên số liệu", "Tên"]),
            ("gia_tri", ColumnType::Text, true, &["Giá trị"]),
            (
                "nguon",
                ColumnType::Text,
                false,
                &["Nguồn", "Tài liệu kiểm chứng"],
            ),
        ],
    )
}

/// A unit's facts from its rows of `facts.csv`: `true`/`false` (and the other boolean
/// spellings), integers, decimals, else text.
fn facts_of(table: &Table, path: &Path, problems: &mut Vec<Diagnostic>) -> BTreeMap<String, Fact> {
    let mut out = BTreeMap::new();
    for r in &table.rows {
        let name = r.values[1].display();
        let text = r.values[2].display();
        let value = match fold_header(&text).as_str() {
            "true" | "co" | "x" => FactValue::Bool(true),
            "false" | "khong" => FactValue::Bool(false),
            _ => match parse_decimal(&text) {
                Some(d) if d.fract().is_zero() && !text.contains(['.', ',']) => {
                    i64::try_from(d).map_or(FactValue::Decimal(d), FactValue::Integer)
                }
                Some(d) => FactValue::Decimal(d),
                None => FactValue::Text(text),
            },
        };
        let source = match &r.values[3] {
            Value::Empty => None,
            v => Some(v.display()),
        };
        if out.insert(name.clone(), Fact { value, source }).is_some() {
            problems.push(
                Diagnostic::new(
                    path,
                    format!(
                        "fact `{name}` is given twice for unit `{}`",
                        r.values[0].display()
                    ),
                )
                .line(usize::try_from(r.line).unwrap_or(usize::MAX)),
            );
        }
    }
    out
}
