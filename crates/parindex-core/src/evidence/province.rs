//! A whole province in one run: either one folder per unit, or province-wide exports whose rows
//! carry the unit code `ma_don_vi`; survey results for the province in one `survey.csv`.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rust_decimal::Decimal;

use super::read::{
    appraisal_entries, appraisal_spec, locate, read_evidence_with, read_table, survey_results,
    survey_spec, unit_problems, Origin, ReadOptions, Recording, UNIT_FILE,
};
use super::stream::{stream_csv, tally_table, Plan, Streamed, Tally, UnitIndex};
use super::text::TextEncoding;
use super::workbook::Workbook;
use super::{fold_header, Evidence, Fact, FactValue, Table, Unit, Value};
use crate::criteria::{ColumnSpec, ColumnType, CriteriaSet, TableSpec, Window};
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::files::Files;
use crate::fingerprint::{relative_name, FileDigest};
use crate::num::parse_decimal;
use crate::query::{Aggregates, FastMap, Need};

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
    let codes: Vec<&str> = units.iter().map(|u| u.unit().code.as_str()).collect();
    let problems = repeated_codes(dir, &codes);
    if problems.is_empty() {
        Ok(units)
    } else {
        Err(Error::Evidence(Diagnostics(problems)))
    }
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
            Diagnostic::new(dir, "không tìm thấy đơn vị nào")
                .hint("thư mục của tỉnh gồm mỗi đơn vị một thư mục (có unit.toml), hoặc units.csv cùng các tệp xuất toàn tỉnh"),
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
fn check_codes(seen: &[(String, PathBuf, u64)], codes: &[String], problems: &mut Vec<Diagnostic>) {
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
                    .map(|(code, t)| (code.clone(), facts_of(t, &source.path, problems)))
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

/// A folder of province-wide exports read as a stream: each unit's evidence holds, instead of
/// records, the aggregates its rules need. Which aggregates those are is learnt by running the
/// rules ([`Need`]s the evidence lacks are listed by the evaluation), so the tables are read
/// again only when a rule asks something new of them (rarely: a rule whose questions depend on
/// the data).
pub(crate) struct StreamedProvince<'a> {
    files: &'a dyn Files,
    dir: PathBuf,
    options: &'a ReadOptions<'a>,
    exports: Exports,
    /// Unit code → index in `exports.units`.
    index: UnitIndex,
    /// Shared with the evidence of the last evaluation; copied only if that is still alive.
    aggregates: Vec<Arc<Aggregates>>,
    /// Whether every table has been read once (checked, hashed).
    read_once: bool,
}

impl std::fmt::Debug for StreamedProvince<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamedProvince")
            .field("dir", &self.dir)
            .field("units", &self.exports.units.len())
            .finish_non_exhaustive()
    }
}

impl<'a> StreamedProvince<'a> {
    /// Reads what the folder holds besides the criteria's tables; `None` when it is not a
    /// folder of exports (no `units.csv`).
    pub(crate) fn open(
        files: &'a dyn Files,
        set: &CriteriaSet,
        dir: &Path,
        options: &'a ReadOptions<'a>,
    ) -> Result<Option<Self>> {
        if files.read(&dir.join(UNITS_FILE)).is_err() {
            return Ok(None);
        }
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
        let index: UnitIndex = exports
            .units
            .iter()
            .enumerate()
            .map(|(i, unit)| (unit.code.clone(), i))
            .collect();
        let present: BTreeSet<String> = exports
            .tables
            .iter()
            .map(|(spec, _)| spec.name.clone())
            .collect();
        let aggregates = exports
            .units
            .iter()
            .map(|_| {
                Arc::new(Aggregates {
                    present: present.clone(),
                    answers: FastMap::default(),
                })
            })
            .collect();
        Ok(Some(Self {
            files,
            dir: dir.to_path_buf(),
            options,
            exports,
            index,
            aggregates,
            read_once: false,
        }))
    }

    /// Each unit's evidence as aggregated so far, in unit-code order.
    pub(crate) fn units(&self) -> Vec<Evidence> {
        let digests = self.exports.digests();
        self.exports
            .units
            .iter()
            .zip(&self.aggregates)
            .map(|(unit, agg)| {
                self.exports
                    .evidence(&self.dir, unit, Vec::new(), &digests)
                    .with_aggregates(Arc::clone(agg))
            })
            .collect()
    }

    /// Reads the tables that `needs` ask of (every table, the first time, so that each file is
    /// checked and hashed) and answers them for every unit.
    pub(crate) fn aggregate(&mut self, needs: &BTreeSet<Need>) -> Result<()> {
        let mut problems = Vec::new();
        let workers = self.options.threads.get();
        let tables = std::mem::take(&mut self.exports.tables);
        let index = std::mem::take(&mut self.index);
        for (spec, origin) in &tables {
            let wanted: Vec<Need> = needs
                .iter()
                .filter(|n| n.table() == spec.name)
                .cloned()
                .collect();
            if wanted.is_empty() && self.read_once {
                continue;
            }
            let plan = Plan {
                spec,
                needs: &wanted,
                units: &index,
                unit_col: spec.column_index(UNIT_COLUMN).unwrap_or(0),
            };
            let tally = self.tally(origin, &plan, workers, &mut problems)?;
            let Some(tally) = tally else { continue };
            if !self.read_once {
                self.exports.unknown.extend(
                    tally
                        .unknown
                        .iter()
                        .map(|(c, l)| (c.clone(), origin.path().to_path_buf(), *l)),
                );
            }
            for (agg, accs) in self.aggregates.iter_mut().zip(tally.acc) {
                let answers = &mut Arc::make_mut(agg).answers;
                for (need, acc) in wanted.iter().zip(accs) {
                    answers.insert(need.clone(), Arc::new(acc.finish()));
                }
            }
        }
        self.exports.tables = tables;
        self.index = index;
        if !self.read_once {
            self.read_once = true;
            self.exports.check_codes(&mut problems);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Evidence(Diagnostics(problems)))
        }
    }

    /// One pass over one table: streamed when it is UTF-8 text, else read whole.
    fn tally(
        &mut self,
        origin: &Origin,
        plan: &Plan<'_>,
        workers: usize,
        problems: &mut Vec<Diagnostic>,
    ) -> Result<Option<Tally>> {
        let io_error = |path: &Path, source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        if let (Origin::Text(path), TextEncoding::Auto | TextEncoding::Utf8) =
            (origin, self.options.encoding)
        {
            let (mut reader, size) = self.files.open(path).map_err(|e| io_error(path, e))?;
            let streamed = stream_csv(
                &mut reader,
                size,
                path,
                plan,
                workers,
                self.options.progress,
                problems,
            )
            .map_err(|e| io_error(path, e))?;
            if let Streamed::Read { tally, sha256 } = streamed {
                let name = relative_name(&self.dir, path);
                self.exports
                    .digests
                    .insert(name.clone(), FileDigest { name, sha256 });
                return Ok(tally);
            }
        }
        let recording = Recording {
            inner: self.files,
            dir: &self.dir,
            seen: RefCell::new(BTreeMap::new()),
        };
        let read = read_table(
            &recording,
            origin,
            plan.spec,
            &mut self.exports.workbooks,
            self.options,
            problems,
        )?;
        self.exports.digests.extend(recording.seen.into_inner());
        Ok(read.map(|(table, _)| tally_table(plan, &table)))
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
                        "số liệu `{name}` được ghi hai lần cho đơn vị `{}`",
                        r.values[0].display()
                    ),
                )
                .line(usize::try_from(r.line).unwrap_or(usize::MAX)),
            );
        }
    }
    out
}
