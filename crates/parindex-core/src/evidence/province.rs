//! A whole province in one run: either one folder per unit, or province-wide exports whose rows
//! carry the unit code `ma_don_vi`; survey results for the province in one `survey.csv`.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;

#[cfg(feature = "oracle")]
use super::read::read_evidence_with;
use super::read::{
    appraisal_entries, appraisal_spec, check_declared_facts, locate, read_table, survey_results,
    survey_spec, unit_problems, FactPlaces, Origin, ReadOptions, Recording, UNIT_FILE,
};
use super::scan::{open_folder, CodeCheck, Input, Member, Scan};
use super::workbook::Workbook;
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

/// Reads every unit of a province folder, in unit-code order, every table whole into records:
/// the naive reading the streamed one is checked against (a test oracle, behind the `oracle`
/// feature; scoring reads through `CompiledCriteria::score_province`).
///
/// With a `units.csv`, the tables are province-wide exports split by `ma_don_vi` (a unit with no
/// rows in an export has an empty table); otherwise each sub-folder holding a `unit.toml` is a
/// unit. A `survey.csv` beside them (`ma_don_vi`, `ma_tieu_chi`, `ty_le`) fills the survey rows.
/// Every problem of every unit is reported at once.
#[cfg(feature = "oracle")]
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
    let codes: Vec<&str> = units.iter().map(|u| u.unit().code.as_str()).collect();
    let problems = repeated_codes(dir, &codes);
    if problems.is_empty() {
        Ok(units)
    } else {
        Err(Error::Evidence(Diagnostics(problems)))
    }
}

/// A province folder in which no unit was found.
fn no_units(dir: &Path) -> Diagnostic {
    Diagnostic::new(dir, "không tìm thấy đơn vị nào").hint(
        "thư mục của tỉnh gồm mỗi đơn vị một thư mục (có unit.toml), hoặc units.csv cùng các tệp xuất toàn tỉnh",
    )
}

/// A problem for each unit code listed twice in `codes` (sorted).
fn repeated_codes(dir: &Path, codes: &[&str]) -> Vec<Diagnostic> {
    codes
        .windows(2)
        .filter(|pair| pair[0] == pair[1])
        .map(|pair| Diagnostic::new(dir, format!("mã đơn vị `{}` được ghi hai lần", pair[0])))
        .collect()
}

/// One folder per unit, and perhaps a province-wide `survey.csv`.
#[cfg(feature = "oracle")]
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
        problems.push(no_units(dir));
    }
    // The province's survey results, split by unit.
    let shared = read_shared(files, set, dir, options, &mut problems)?;
    let codes: Vec<String> = units.iter().map(|u| u.unit().code.clone()).collect();
    check_codes(&shared.seen, &codes, &mut problems);
    let units = units
        .into_iter()
        .map(|e| {
            let e = with_shared(e, &shared, dir, &mut problems);
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
            max: None,
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
pub(super) fn check_codes(
    seen: &[(String, PathBuf, u64)],
    codes: &[String],
    problems: &mut Vec<Diagnostic>,
) {
    for (code, path, line) in seen {
        if !codes.contains(code) {
            problems.push(
                Diagnostic::new(
                    path,
                    format!("không có đơn vị `{code}` trong danh sách đơn vị"),
                )
                .line(usize::try_from(*line).unwrap_or(usize::MAX))
                .column_name(UNIT_COLUMN)
                .value(code)
                .expected(format!("một trong các mã {}", codes.join(", "))),
            );
        }
    }
}

/// What a folder of province-wide exports holds besides the criteria's tables, and where those
/// tables are: read first, whether the tables are then read whole or streamed.
struct Exports {
    units: Vec<Unit>,
    facts: Option<BTreeMap<String, BTreeMap<String, Fact>>>,
    shared: Shared,
    /// Each criteria table that has an export: its spec with the unit column, and its origin.
    tables: Vec<(TableSpec, Origin)>,
    workbooks: BTreeMap<PathBuf, Workbook>,
    /// Every file read so far, by name.
    digests: BTreeMap<String, FileDigest>,
    /// (code, file, line) of rows whose unit code is not a unit of `units.csv`.
    unknown: Vec<(String, PathBuf, u64)>,
}

impl Exports {
    fn read(
        files: &dyn Files,
        set: &CriteriaSet,
        dir: &Path,
        options: &ReadOptions<'_>,
        problems: &mut Vec<Diagnostic>,
    ) -> Result<Self> {
        let recording = Recording {
            inner: files,
            dir,
            seen: RefCell::new(BTreeMap::new()),
        };
        let units_spec = units_spec();
        let facts_spec = facts_spec();
        let tables: Vec<TableSpec> = set.tables.iter().map(with_unit_column).collect();
        let specs: Vec<&TableSpec> = tables.iter().chain([&units_spec, &facts_spec]).collect();
        let mut workbooks = BTreeMap::new();
        let mut origins = locate(&recording, dir, &specs, &mut workbooks, problems)?;
        // A table of the folder, when it has one and it reads.
        let mut read = |spec: &TableSpec, problems: &mut Vec<Diagnostic>| match origins
            .get(&spec.name)
        {
            Some(origin) => read_table(&recording, origin, spec, &mut workbooks, options, problems),
            None => Ok(None),
        };
        let mut units: Vec<Unit> = Vec::new();
        if let Some((table, source)) = read(&units_spec, problems)? {
            for r in &table.rows {
                let unit = Unit {
                    code: r.values[0].display(),
                    name: r.values[1].display(),
                    group: r.values[2].display(),
                };
                let line = usize::try_from(r.line).unwrap_or(usize::MAX);
                let at = |m: String| Diagnostic::new(&source.path, m).line(line);
                problems.extend(unit_problems(&unit, &at));
                units.push(unit);
            }
        }
        let known: BTreeSet<&str> = units.iter().map(|u| u.code.as_str()).collect();
        let mut unknown = Vec::new();
        let mut facts = None;
        if let Some((table, source)) = read(&facts_spec, problems)? {
            let parts = split(table);
            unknown.extend(
                unknown_in(&parts, &known)
                    .into_iter()
                    .map(|(c, l)| (c, source.path.clone(), l)),
            );
            facts = Some(
                parts
                    .iter()
                    .map(|(code, t)| {
                        let (facts, places) = facts_of(t, &source.path, problems);
                        check_declared_facts(set, &facts, &places, &source.path, problems);
                        (code.clone(), facts)
                    })
                    .collect(),
            );
        }
        let shared = read_shared(files, set, dir, options, problems)?;
        let tables = tables
            .into_iter()
            .filter_map(|spec| origins.remove(&spec.name).map(|o| (spec, o)))
            .collect();
        Ok(Self {
            units,
            facts,
            shared,
            tables,
            workbooks,
            digests: recording.seen.into_inner(),
            unknown,
        })
    }

    /// Every file read, sorted: this folder's and the province-level ones.
    fn digests(&self) -> Vec<FileDigest> {
        let mut digests: Vec<FileDigest> = self.digests.values().cloned().collect();
        digests.extend(self.shared.digests.iter().map(|d| FileDigest {
            name: d.name.trim_start_matches("../").to_owned(),
            sha256: d.sha256.clone(),
        }));
        digests.sort();
        digests.dedup();
        digests
    }

    /// The problems of unit codes: codes seen that are not units (rows of exports, facts,
    /// survey, appraisal).
    #[cfg(feature = "oracle")]
    fn check_codes(&self, problems: &mut Vec<Diagnostic>) {
        let codes: Vec<String> = self.units.iter().map(|u| u.code.clone()).collect();
        let mut seen = self.unknown.clone();
        seen.extend(self.shared.seen.iter().cloned());
        check_codes(&seen, &codes, problems);
    }

    /// One unit's evidence with these tables.
    fn evidence(
        &self,
        dir: &Path,
        unit: &Unit,
        tables: Vec<Table>,
        digests: &[FileDigest],
    ) -> Evidence {
        let code = &unit.code;
        let facts = self
            .facts
            .as_ref()
            .map(|f| f.get(code).cloned().unwrap_or_default());
        let survey = self
            .shared
            .survey
            .as_ref()
            .map(|s| s.get(code).cloned().unwrap_or_default());
        // A unit without rows in the appraisal file was not appraised, as in a unit folder
        // without appraisal.csv.
        let appraisal = self
            .shared
            .appraisal
            .as_ref()
            .and_then(|a| a.get(code).cloned());
        Evidence::new(dir, unit.clone(), tables, facts, survey)
            .with_digests(digests.to_vec())
            .with_appraisal(appraisal)
    }
}

/// Province-wide exports: `units.csv`, tables and `facts.csv` carrying `ma_don_vi`, read whole.
#[cfg(feature = "oracle")]
fn read_exports(
    files: &dyn Files,
    set: &CriteriaSet,
    dir: &Path,
    options: &ReadOptions<'_>,
) -> Result<Vec<Evidence>> {
    let mut problems = Vec::new();
    let mut exports = Exports::read(files, set, dir, options, &mut problems)?;
    let recording = Recording {
        inner: files,
        dir,
        seen: RefCell::new(BTreeMap::new()),
    };
    let known: BTreeSet<String> = exports.units.iter().map(|u| u.code.clone()).collect();
    let known: BTreeSet<&str> = known.iter().map(String::as_str).collect();
    let mut tables: Vec<(BTreeMap<String, Table>, Table)> = Vec::new();
    for (spec, origin) in &exports.tables {
        let read = read_table(
            &recording,
            origin,
            spec,
            &mut exports.workbooks,
            options,
            &mut problems,
        )?;
        let Some((table, source)) = read else {
            continue;
        };
        let empty = Table {
            spec: table.spec.clone(),
            rows: Vec::new(),
        };
        let parts = split(table);
        exports.unknown.extend(
            unknown_in(&parts, &known)
                .into_iter()
                .map(|(c, l)| (c, source.path.clone(), l)),
        );
        tables.push((parts, empty));
    }
    exports.digests.extend(recording.seen.into_inner());
    exports.check_codes(&mut problems);
    if !problems.is_empty() {
        return Err(Error::Evidence(Diagnostics(problems)));
    }
    let digests = exports.digests();
    Ok(exports
        .units
        .iter()
        .map(|unit| {
            // Moved out, not cloned: each unit's records are taken once (a code listed twice
            // in units.csv is an error reported by `read_province`).
            let unit_tables: Vec<Table> = tables
                .iter_mut()
                .map(|(parts, empty)| parts.remove(&unit.code).unwrap_or_else(|| empty.clone()))
                .collect();
            exports.evidence(dir, unit, unit_tables, &digests)
        })
        .collect())
}

/// A province folder opened for a [`Scan`]: province-wide exports (`units.csv`) or a folder
/// per unit, with the province's survey and appraisal.
pub(crate) fn scan_province<'a>(
    files: &'a dyn Files,
    set: &CriteriaSet,
    dir: &Path,
    options: &'a ReadOptions<'a>,
) -> Result<Scan<'a>> {
    if files.read(&dir.join(UNITS_FILE)).is_ok() {
        scan_exports(files, set, dir, options)
    } else {
        scan_folders(files, set, dir, options)
    }
}

/// Province-wide exports: what the folder holds besides the criteria's tables is read now
/// (its problems end the reading here); the tables are read by the scan, by unit column.
fn scan_exports<'a>(
    files: &'a dyn Files,
    set: &CriteriaSet,
    dir: &Path,
    options: &'a ReadOptions<'a>,
) -> Result<Scan<'a>> {
    let mut problems = Vec::new();
    let mut exports = Exports::read(files, set, dir, options, &mut problems)?;
    if !problems.is_empty() {
        return Err(Error::Evidence(Diagnostics(problems)));
    }
    exports.units.sort_by(|a, b| a.code.cmp(&b.code));
    let codes: Vec<&str> = exports.units.iter().map(|u| u.code.as_str()).collect();
    let problems = repeated_codes(dir, &codes);
    if !problems.is_empty() {
        return Err(Error::Evidence(Diagnostics(problems)));
    }
    let members = exports
        .units
        .iter()
        .enumerate()
        .map(|(order, unit)| Member {
            evidence: exports.evidence(dir, unit, Vec::new(), &[]),
            digests: BTreeMap::new(),
            sources: Vec::new(),
            extra_sources: Vec::new(),
            before: Vec::new(),
            tables: Vec::new(),
            after: Vec::new(),
            order,
        })
        .collect();
    let inputs = std::mem::take(&mut exports.tables)
        .into_iter()
        .map(|(spec, origin)| Input {
            spec,
            origin,
            member: None,
        })
        .collect();
    let mut scan = Scan::new(files, options, dir, members, inputs, "");
    scan.index = (exports.units.iter().enumerate())
        .map(|(i, unit)| (unit.code.clone(), i))
        .collect();
    scan.shared = exports
        .digests()
        .into_iter()
        .map(|d| (d.name.clone(), d))
        .collect();
    let mut unknown = std::mem::take(&mut exports.unknown);
    unknown.extend(exports.shared.seen.iter().cloned());
    scan.codes = Some(CodeCheck {
        codes: exports.units.iter().map(|u| u.code.clone()).collect(),
        unknown,
    });
    scan.workbooks = std::mem::take(&mut exports.workbooks);
    Ok(scan)
}

/// One folder per unit (each a province of one, its tables its own), and perhaps a
/// province-wide `survey.csv` and `appraisal.csv`.
fn scan_folders<'a>(
    files: &'a dyn Files,
    set: &CriteriaSet,
    dir: &Path,
    options: &'a ReadOptions<'a>,
) -> Result<Scan<'a>> {
    let folders = files.dirs(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut opened = Vec::new();
    for folder in folders {
        if files.read(&folder.join(UNIT_FILE)).is_err() {
            continue;
        }
        let mut unit = open_folder(files, set, &folder, options)?;
        unit.member.order = opened.len();
        opened.push(unit);
    }
    let mut after = Vec::new();
    if opened.is_empty() {
        after.push(no_units(dir));
    }
    let shared = read_shared(files, set, dir, options, &mut after)?;
    let codes: Vec<String> = (opened.iter())
        .map(|f| f.member.evidence.unit().code.clone())
        .collect();
    check_codes(&shared.seen, &codes, &mut after);
    opened.sort_by(|a, b| {
        a.member
            .evidence
            .unit()
            .code
            .cmp(&b.member.evidence.unit().code)
    });
    let mut members = Vec::new();
    let mut inputs = Vec::new();
    let mut workbooks = BTreeMap::new();
    for (i, folder) in opened.into_iter().enumerate() {
        let mut member = folder.member;
        member.evidence = with_shared(member.evidence, &shared, dir, &mut after);
        members.push(member);
        inputs.extend(folder.tables.into_iter().map(|(spec, origin)| Input {
            spec,
            origin,
            member: Some(i),
        }));
        workbooks.extend(folder.workbooks);
    }
    let codes: Vec<&str> = (members.iter())
        .map(|m| m.evidence.unit().code.as_str())
        .collect();
    let late = repeated_codes(dir, &codes);
    let mut scan = Scan::new(files, options, dir, members, inputs, "../");
    scan.shared = (shared.digests.iter())
        .map(|d| {
            let name = d.name.trim_start_matches("../").to_owned();
            (
                name.clone(),
                FileDigest {
                    name,
                    sha256: d.sha256.clone(),
                },
            )
        })
        .collect();
    scan.after = after;
    scan.late = late;
    scan.workbooks = workbooks;
    Ok(scan)
}

/// A unit's evidence with the province's survey results and appraisal for it: a unit that has
/// its own as well is a problem.
fn with_shared(
    mut e: Evidence,
    shared: &Shared,
    dir: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Evidence {
    let code = e.unit().code.clone();
    if let Some(survey) = shared.survey.as_ref() {
        if e.survey().is_some() && survey.contains_key(&code) {
            problems.push(Diagnostic::new(
                dir,
                format!("đơn vị `{code}` có kết quả điều tra cả trong thư mục của đơn vị và trong survey.csv của tỉnh"),
            ));
        } else if e.survey().is_none() {
            e = e.with_survey(Some(survey.get(&code).cloned().unwrap_or_default()));
        }
    }
    if let Some(appraisal) = shared.appraisal.as_ref().and_then(|a| a.get(&code)) {
        if e.appraisal().is_some() {
            problems.push(Diagnostic::new(
                dir,
                format!("đơn vị `{code}` có kết quả thẩm định cả trong thư mục của đơn vị và trong appraisal.csv của tỉnh"),
            ));
        } else {
            e = e.with_appraisal(Some(appraisal.clone()));
        }
    }
    e
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
                max: None,
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
/// spellings), integers, decimals, else text; and the line each is on.
fn facts_of(
    table: &Table,
    path: &Path,
    problems: &mut Vec<Diagnostic>,
) -> (BTreeMap<String, Fact>, FactPlaces) {
    let (mut out, mut places) = (BTreeMap::new(), FactPlaces::new());
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
        // The value checked is the one kept: the last, as for the place.
        let line = usize::try_from(r.line).unwrap_or(usize::MAX);
        places.insert(name.clone(), (line, None));
        if out.insert(name.clone(), Fact { value, source }).is_some() {
            problems.push(
                Diagnostic::new(
                    path,
                    format!(
                        "số liệu `{name}` được ghi hai lần cho đơn vị `{}`",
                        r.values[0].display()
                    ),
                )
                .line(line),
            );
        }
    }
    (out, places)
}
