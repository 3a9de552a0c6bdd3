//! Reading a unit's evidence folder: each declared table from a CSV/text export or a
//! spreadsheet, `facts.toml`, `unit.toml` and `survey.csv`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

use super::cells::{default_value, look_alike, parse_cell, parse_text, parse_text_into, Cell};
use super::text::{decode_text, sniff_delimiter, DecodeError, TextEncoding};
use super::workbook::{Workbook, WORKBOOK_EXTENSIONS};
use super::{fold_header, Appraisal, Fact, FactValue, Record, Source, Table, Unit, Value};
use crate::criteria::{ColumnSpec, ColumnType, CriteriaSet, FactType, Method, TableSpec, Window};
use crate::error::{Diagnostic, Error, Result};
use crate::files::Files;
use crate::fingerprint::{relative_name, FileDigest};
use crate::num::parse_decimal;
#[cfg(feature = "oracle")]
use crate::{error::Diagnostics, evidence::Evidence};

pub const FACTS_FILE: &str = "facts.toml";
pub const UNIT_FILE: &str = "unit.toml";
pub const SURVEY_FILE: &str = "survey.csv";
pub const APPRAISAL_FILE: &str = "appraisal.csv";

/// File extensions read as delimited text.
pub const TEXT_EXTENSIONS: [&str; 3] = ["csv", "txt", "tsv"];

/// At most this many bad cells are reported per file.
pub(super) const MAX_PROBLEMS_PER_FILE: usize = 50;

/// At most this many characters of a value are repeated in a message.
const MAX_SHOWN_CHARS: usize = 200;

/// `text` for a message: cut after [`MAX_SHOWN_CHARS`] characters, so that a bad multi-megabyte
/// cell or header line does not come back whole in the error.
fn shown(text: &str) -> String {
    match text.char_indices().nth(MAX_SHOWN_CHARS) {
        None => text.to_owned(),
        Some((end, _)) => format!("{}… ({} ký tự)", &text[..end], text.chars().count()),
    }
}

/// How evidence files are read.
#[derive(Default)]
pub struct ReadOptions<'a> {
    /// The encoding of text exports; detected by default.
    pub encoding: TextEncoding,
    /// Told how far reading has got, for a progress bar.
    pub progress: Option<&'a dyn ReadProgress>,
    /// The threads every pool of the run may use (reading, scoring, writing); the cores by
    /// default.
    pub threads: crate::threads::Threads,
    /// Tables read ahead for this reading ([`CompiledCriteria::read_ahead`](crate::CompiledCriteria::read_ahead)):
    /// each is taken instead of reading its file when it was read for what this reading asks.
    pub ahead: Option<&'a super::ReadAhead>,
    /// How tables are read (the strategy tester forces each in turn; `oracle` feature).
    #[cfg(feature = "oracle")]
    pub strategy: Strategy,
}

/// How a streamed table's records are read. Every strategy gives the same aggregates and the
/// same problems; the reading picks the fastest that applies, and the strategy tester
/// (`tests/strategies.rs`) forces each one on every case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Strategy {
    /// The kernel where the cells have their usual spellings, else the layout; the `csv`
    /// crate for blocks with line breaks inside quotes.
    #[default]
    Auto,
    /// Every record typed by the layout (the kernel refuses them all).
    Layout,
    /// Every block split by the `csv` crate.
    Csv,
    /// Every table read whole, then tallied (as a workbook or a legacy encoding is).
    Whole,
}

#[cfg(feature = "oracle")]
impl ReadOptions<'static> {
    /// The default options, reading by `strategy` on `threads` threads (at least one): how the
    /// strategy tester, the streaming tests and the fuzz harness force each reading.
    pub fn by_strategy(strategy: Strategy, threads: usize) -> Self {
        let threads = std::num::NonZeroUsize::new(threads).unwrap_or(std::num::NonZeroUsize::MIN);
        Self {
            strategy,
            threads: crate::threads::Threads::new(threads),
            ..Self::default()
        }
    }
}

impl ReadOptions<'_> {
    /// The strategy in force: always [`Strategy::Auto`] outside the strategy tester.
    pub(crate) fn strategy(&self) -> Strategy {
        #[cfg(feature = "oracle")]
        return self.strategy;
        #[cfg(not(feature = "oracle"))]
        Strategy::Auto
    }
}

impl std::fmt::Debug for ReadOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadOptions")
            .field("encoding", &self.encoding)
            .field("progress", &self.progress.is_some())
            .field("threads", &self.threads)
            .field("ahead", &self.ahead.map(super::ReadAhead::waiting))
            .field("strategy", &self.strategy())
            .finish()
    }
}

/// Receives the progress of reading each evidence file (the library itself never prints).
pub trait ReadProgress {
    /// A file (or sheet) starts; `total` is its size in bytes or rows.
    fn start(&self, path: &Path, sheet: Option<&str>, total: u64);
    /// `done` of `total` have been read.
    fn advance(&self, done: u64);
    /// The file is read.
    fn finish(&self);
}

/// Where a table is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Origin {
    /// A delimited text file.
    Text(PathBuf),
    /// A workbook named after the table: the sheet named after it, else the first.
    Workbook(PathBuf),
    /// A sheet named after the table in a workbook holding several tables.
    Sheet(PathBuf, String),
}

impl Origin {
    /// The file.
    pub(super) fn path(&self) -> &Path {
        match self {
            Origin::Text(p) | Origin::Workbook(p) | Origin::Sheet(p, _) => p,
        }
    }

    fn describe(&self) -> String {
        match self {
            Origin::Text(p) | Origin::Workbook(p) => p.display().to_string(),
            Origin::Sheet(p, s) => format!("{}[{s}]", p.display()),
        }
    }
}

/// Reads the evidence folder `dir` for the tables `set` declares, every table whole into
/// records: the naive reading the streamed one is checked against (a test oracle, behind the
/// `oracle` feature; scoring reads through `CompiledCriteria::read_unit`).
///
/// A missing table or `facts.toml` is not an error (the rows that read it have no evidence);
/// a bad value is, and every bad value of every file is reported at once.
#[cfg(feature = "oracle")]
pub fn read_evidence(files: &dyn Files, set: &CriteriaSet, dir: &Path) -> Result<Evidence> {
    read_evidence_with(files, set, dir, &ReadOptions::default())
}

/// [`read_evidence`] with options: a forced text encoding, a progress receiver.
#[cfg(feature = "oracle")]
pub fn read_evidence_with(
    files: &dyn Files,
    set: &CriteriaSet,
    dir: &Path,
    options: &ReadOptions<'_>,
) -> Result<Evidence> {
    let mut folder = super::scan::open_folder(files, set, dir, options)?;
    let recording = Recording {
        inner: files,
        dir,
        seen: RefCell::new(BTreeMap::new()),
    };
    let member = &mut folder.member;
    let mut tables = Vec::new();
    for (spec, origin) in &folder.tables {
        let read = read_table(
            &recording,
            origin,
            spec,
            &mut folder.workbooks,
            options,
            &mut member.tables,
        )?;
        if let Some((table, source)) = read {
            tables.push(table);
            member.sources.push(source);
        }
    }
    let mut problems = std::mem::take(&mut member.before);
    problems.append(&mut member.tables);
    problems.append(&mut member.after);
    if !problems.is_empty() {
        return Err(Error::Evidence(Diagnostics(problems)));
    }
    member.digests.extend(recording.seen.into_inner());
    let mut sources = std::mem::take(&mut member.sources);
    sources.append(&mut member.extra_sources);
    let digests = std::mem::take(&mut member.digests).into_values().collect();
    Ok(folder
        .member
        .evidence
        .with_tables(tables)
        .with_sources(sources, digests))
}

/// The files of a run, with a digest of every file read, for the report's fingerprint.
pub(super) struct Recording<'a> {
    pub inner: &'a dyn Files,
    pub dir: &'a Path,
    pub seen: RefCell<BTreeMap<String, FileDigest>>,
}

impl Files for Recording<'_> {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let bytes = self.inner.read(path)?;
        let name = relative_name(self.dir, path);
        self.seen
            .borrow_mut()
            .insert(name.clone(), FileDigest::of(name, &bytes));
        Ok(bytes)
    }

    fn is_dir(&self, path: &Path) -> bool {
        self.inner.is_dir(path)
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        self.inner.list(dir)
    }

    fn dirs(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        self.inner.dirs(dir)
    }
}

pub(super) fn read_optional(files: &dyn Files, path: &Path) -> Result<Option<Vec<u8>>> {
    match files.read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

pub(super) fn read_required(files: &dyn Files, path: &Path) -> Result<Vec<u8>> {
    files.read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

fn stem(path: &Path) -> String {
    fold_header(
        &path
            .file_stem()
            .map(|s| s.to_string_lossy())
            .unwrap_or_default(),
    )
}

/// Finds where each table comes from: a file named after it (`documents.csv`,
/// `documents.xlsx`, …), or a sheet named after it (or after its title) in any other workbook
/// of the folder. Two sources for one table is an error.
pub(super) fn locate(
    files: &dyn Files,
    dir: &Path,
    specs: &[&TableSpec],
    workbooks: &mut BTreeMap<PathBuf, Workbook>,
    problems: &mut Vec<Diagnostic>,
) -> Result<BTreeMap<String, Origin>> {
    let listing = files.list(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut found: BTreeMap<String, Vec<Origin>> = BTreeMap::new();
    let table_of_stem = |s: &str| {
        specs
            .iter()
            .find(|t| stem(Path::new(&t.file)) == s)
            .map(|t| t.name.clone())
    };
    for path in &listing {
        let ext = extension(path);
        let is_text = TEXT_EXTENSIONS.contains(&ext.as_str());
        let is_book = WORKBOOK_EXTENSIONS.contains(&ext.as_str());
        if !is_text && !is_book {
            continue;
        }
        if let Some(table) = table_of_stem(&stem(path)) {
            let origin = if is_text {
                Origin::Text(path.clone())
            } else {
                Origin::Workbook(path.clone())
            };
            found.entry(table).or_default().push(origin);
            continue;
        }
        if !is_book {
            continue;
        }
        // A workbook not named after a table: its sheets may be.
        let book = match Workbook::open(path, read_required(files, path)?) {
            Ok(book) => book,
            Err(d) => {
                problems.push(*d);
                continue;
            }
        };
        for sheet in book.sheet_names() {
            let folded = fold_header(&sheet);
            let table = specs
                .iter()
                .find(|t| fold_header(&t.name) == folded || fold_header(&t.title) == folded);
            if let Some(t) = table {
                found
                    .entry(t.name.clone())
                    .or_default()
                    .push(Origin::Sheet(path.clone(), sheet.clone()));
            }
        }
        workbooks.insert(path.clone(), book);
    }
    let mut origins = BTreeMap::new();
    for (table, list) in found {
        if list.len() > 1 {
            let places: Vec<String> = list.iter().map(Origin::describe).collect();
            problems.push(
                Diagnostic::new(
                    dir,
                    format!(
                        "bảng `{table}` có {} nguồn: {}",
                        list.len(),
                        places.join(", ")
                    ),
                )
                .hint("mỗi bảng chỉ để một tệp hoặc một trang tính"),
            );
            continue;
        }
        if let Some(origin) = list.into_iter().next() {
            origins.insert(table, origin);
        }
    }
    Ok(origins)
}

/// Reads one table from its origin, by its declared columns.
pub(super) fn read_table(
    files: &dyn Files,
    origin: &Origin,
    spec: &TableSpec,
    workbooks: &mut BTreeMap<PathBuf, Workbook>,
    options: &ReadOptions<'_>,
    problems: &mut Vec<Diagnostic>,
) -> Result<Option<(Table, Source)>> {
    match origin {
        Origin::Text(path) => {
            let bytes = read_required(files, path)?;
            let (text, encoding) = match decode_text(&bytes, options.encoding) {
                Ok(decoded) => decoded,
                Err(e) => {
                    problems.push(undecodable(path, &bytes, options.encoding, &e));
                    return Ok(None);
                }
            };
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(true)
                .flexible(false)
                .delimiter(sniff_delimiter(&text))
                .from_reader(text.as_bytes());
            let mut lines = Lines::new(text.as_bytes(), 1);
            let headers: Vec<String> = match reader.headers() {
                Ok(h) => h.iter().map(str::to_owned).collect(),
                Err(e) => {
                    let line = lines.of(e.position());
                    problems.push(csv_diagnostic(path, &e, line));
                    return Ok(None);
                }
            };
            let total = text.len() as u64;
            if let Some(p) = options.progress {
                p.start(path, None, total);
            }
            let rows = reader.into_records().map(|r| match r {
                Ok(record) => {
                    let line = lines.of(record.position());
                    if let Some(p) = options.progress {
                        if line % 4096 == 0 {
                            p.advance(record.position().map_or(0, csv::Position::byte));
                        }
                    }
                    Ok((line, record))
                }
                Err(e) => {
                    let line = lines.of(e.position());
                    Err(Box::new(csv_diagnostic(path, &e, line)))
                }
            });
            let built = build_table(path, None, &headers, rows, spec, problems);
            if let Some(p) = options.progress {
                p.finish();
            }
            let encoding = Some(encoding.name().to_owned());
            Ok(built.map(|(table, ignored)| sourced(spec, path, None, encoding, table, ignored)))
        }
        Origin::Workbook(path) | Origin::Sheet(path, _) => {
            if !workbooks.contains_key(path) {
                match Workbook::open(path, read_required(files, path)?) {
                    Ok(book) => {
                        workbooks.insert(path.clone(), book);
                    }
                    Err(d) => {
                        problems.push(*d);
                        return Ok(None);
                    }
                }
            }
            let Some(book) = workbooks.get_mut(path) else {
                return Ok(None);
            };
            let names = book.sheet_names();
            let sheet = match origin {
                Origin::Sheet(_, s) => Some(s.clone()),
                _ => names
                    .iter()
                    .find(|s| fold_header(s) == fold_header(&spec.name))
                    .or_else(|| names.first())
                    .cloned(),
            };
            let Some(sheet) = sheet else {
                problems.push(Diagnostic::new(
                    path,
                    "tệp bảng tính không có trang tính nào",
                ));
                return Ok(None);
            };
            let grid = match book.grid(path, &sheet) {
                Ok(g) => g,
                Err(d) => {
                    problems.push(*d);
                    return Ok(None);
                }
            };
            if let Some(p) = options.progress {
                p.start(path, Some(&sheet), grid.rows.len() as u64);
            }
            let rows = grid.rows.into_iter().map(Ok);
            let built = build_table(path, Some(&sheet), &grid.headers, rows, spec, problems);
            if let Some(p) = options.progress {
                p.finish();
            }
            let sheet = Some(sheet.clone());
            Ok(built.map(|(table, ignored)| sourced(spec, path, sheet, None, table, ignored)))
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnit {
    code: String,
    name: String,
    group: String,
}

pub(super) fn read_unit(
    files: &dyn Files,
    path: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Result<Unit> {
    let placeholder = Unit {
        code: String::new(),
        name: String::new(),
        group: String::new(),
    };
    let Some(bytes) = read_optional(files, path)? else {
        problems.push(
            Diagnostic::new(path, "thư mục minh chứng không có tệp unit.toml")
                .hint("tạo unit.toml ghi code, name và group của đơn vị được chấm điểm"),
        );
        return Ok(placeholder);
    };
    match parse_unit(path, &bytes) {
        Ok(unit) => Ok(unit),
        Err(mut found) => {
            problems.append(&mut found);
            Ok(placeholder)
        }
    }
}

/// A `unit.toml`'s bytes read as the folder's reading reads them (the file named `path` in the
/// problems): the unit, or every problem, in Vietnamese — for a caller given the file alone
/// (an upload).
pub fn parse_unit(path: &Path, bytes: &[u8]) -> std::result::Result<Unit, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let Some(text) = decode(path, bytes, &mut problems) else {
        return Err(problems);
    };
    match toml::from_str::<RawUnit>(&text) {
        Ok(u) => {
            let unit = Unit {
                code: u.code,
                name: u.name,
                group: u.group,
            };
            problems.extend(unit_problems(&unit, &|m| Diagnostic::new(path, m)));
            if problems.is_empty() {
                Ok(unit)
            } else {
                Err(problems)
            }
        }
        Err(e) => Err(vec![toml_diagnostic(path, &text, &e)]),
    }
}

/// A TOML error of an evidence file (facts, unit, notes), in Vietnamese: the officer writes
/// these files by hand, and the parser's own words (`expected `.`, `=``) tell her nothing.
/// A unit is named in every report and ranked by its code: none of its code, name and group
/// may be blank or hold characters that do not show. `at` places a message (`unit.toml`, or a
/// line of `units.csv`).
pub(super) fn unit_problems(unit: &Unit, at: &dyn Fn(String) -> Diagnostic) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (key, value) in [
        ("code", &unit.code),
        ("name", &unit.name),
        ("group", &unit.group),
    ] {
        if value.trim().is_empty() {
            out.push(
                at(format!("`{key}` của đơn vị để trống"))
                    .expected("mã, tên và nhóm của đơn vị, ví dụ code = \"SKHCN\""),
            );
        } else if value.chars().any(crate::visible::is_hidden) {
            out.push(
                at(format!(
                    "`{key}` của đơn vị có ký tự điều khiển hoặc ký tự ẩn"
                ))
                .value(value.clone()),
            );
        }
    }
    out
}

pub(crate) fn toml_diagnostic(path: &Path, text: &str, e: &toml::de::Error) -> Diagnostic {
    let mut d = Diagnostic::new(
        path,
        crate::error::vi_parser_message("TOML", e.message().trim_end()),
    );
    if let Some(span) = e.span() {
        let (line, column) = crate::criteria::line_col(text, span.start);
        d = d.at(line, column);
    }
    d
}

/// The cells of one data row, as a [`Layout`] reads them.
pub(super) trait RowCells {
    /// The cell of file column `i` read by `column`'s type (`Err`: what was expected).
    fn parse(&self, i: usize, column: &ColumnSpec) -> std::result::Result<Value, String>;
    /// The cell of file column `i` as text, for messages.
    fn text(&self, i: usize) -> String;
    /// [`RowCells::parse`] into `slot`, reusing what it holds where it can.
    fn parse_into(
        &self,
        i: usize,
        column: &ColumnSpec,
        slot: &mut Value,
    ) -> std::result::Result<(), String> {
        *slot = self.parse(i, column)?;
        Ok(())
    }
}

/// A spreadsheet row.
impl RowCells for Vec<Cell> {
    fn parse(&self, i: usize, column: &ColumnSpec) -> std::result::Result<Value, String> {
        parse_cell(self.get(i).unwrap_or(&Cell::Empty), column)
    }

    fn text(&self, i: usize) -> String {
        self.get(i).map(Cell::text).unwrap_or_default()
    }
}

/// A row of delimited text: its fields, read in place (no string per cell).
pub(super) trait TextFields {
    fn field(&self, i: usize) -> Option<&str>;
}

impl TextFields for csv::StringRecord {
    fn field(&self, i: usize) -> Option<&str> {
        self.get(i)
    }
}

/// A row of delimited text split in place (an export without quotes).
pub(super) struct Fields<'a, 'b>(pub &'b [&'a str]);

impl TextFields for Fields<'_, '_> {
    fn field(&self, i: usize) -> Option<&str> {
        self.0.get(i).copied()
    }
}

impl<T: TextFields> RowCells for T {
    fn parse(&self, i: usize, column: &ColumnSpec) -> std::result::Result<Value, String> {
        parse_field(self.field(i), column)
    }

    fn text(&self, i: usize) -> String {
        self.field(i).unwrap_or_default().to_owned()
    }

    fn parse_into(
        &self,
        i: usize,
        column: &ColumnSpec,
        slot: &mut Value,
    ) -> std::result::Result<(), String> {
        parse_field_into(self.field(i), column, slot)
    }
}

/// A text field (`None`: the row is short of it) read by its column's type.
fn parse_field(text: Option<&str>, column: &ColumnSpec) -> std::result::Result<Value, String> {
    match text {
        Some(text) => parse_text(text, column),
        None => Ok(default_value(column.kind)),
    }
}

/// [`parse_field`] into `slot`.
fn parse_field_into(
    text: Option<&str>,
    column: &ColumnSpec,
    slot: &mut Value,
) -> std::result::Result<(), String> {
    match text {
        Some(text) => parse_text_into(text, column, slot),
        None => {
            *slot = default_value(column.kind);
            Ok(())
        }
    }
}

/// Where a table's declared columns stand in a file, from its header row.
#[derive(Debug, Clone)]
pub(super) struct Layout {
    /// Declared column index → file column index.
    positions: Vec<Option<usize>>,
    /// Headers that matched no declared column.
    pub ignored: Vec<String>,
    pub headers: Vec<String>,
    /// The declared column that dates a record (never empty).
    date_col: Option<usize>,
    /// Declared columns left unread (see [`Layout::read_only`]).
    unread: Vec<bool>,
}

impl Layout {
    /// Matches `headers` to `spec`'s columns; `None` (with problems pushed) when a required
    /// column is missing, two headers name one column, or there is no header row.
    pub(super) fn of(
        path: &Path,
        sheet: Option<&str>,
        headers: &[String],
        spec: &TableSpec,
        problems: &mut Vec<Diagnostic>,
    ) -> Option<Self> {
        let at = |message: String| Diagnostic::new(path, message).sheet(sheet);
        // UTF-16 text without a byte-order mark reads as UTF-8 letters between NULs.
        if sheet.is_none() && headers.iter().any(|h| h.contains('\0')) {
            let joined: Vec<u8> = headers.join(",").into_bytes();
            let encoding = super::text::utf16_without_bom(&joined).unwrap_or(TextEncoding::Utf16Le);
            problems.push(utf16_problem(path, encoding));
            return None;
        }
        if headers.iter().all(|h| h.trim().is_empty()) {
            problems.push(
                at("tệp không có dòng tiêu đề".to_owned())
                    .line(1)
                    .expected(format!("các cột của bảng `{}`", spec.name)),
            );
            return None;
        }
        let mut positions: Vec<Option<usize>> = vec![None; spec.columns.len()];
        let mut ignored = Vec::new();
        let mut ok = true;
        for (file_col, header) in headers.iter().enumerate() {
            let folded = fold_header(header);
            let Some(col) = spec.columns.iter().position(|c| matches_column(c, &folded)) else {
                if !header.trim().is_empty() {
                    ignored.push(header.clone());
                }
                continue;
            };
            if let Some(first) = positions[col] {
                problems.push(
                    at(format!(
                        "cột {} (`{}`) và cột {} (`{}`) cùng là cột `{}`",
                        first + 1,
                        shown(&headers[first]),
                        file_col + 1,
                        shown(header),
                        spec.columns[col].id
                    ))
                    .at(1, file_col + 1),
                );
                ok = false;
            } else {
                positions[col] = Some(file_col);
            }
        }
        for (col, spec_col) in spec.columns.iter().enumerate() {
            if spec_col.required && positions[col].is_none() {
                let mut names = vec![format!("`{}`", spec_col.id)];
                names.extend(spec_col.labels.iter().map(|l| format!("`{l}`")));
                problems.push(
                    at(format!("thiếu cột bắt buộc `{}`", spec_col.id))
                        .line(1)
                        .expected(format!("một tiêu đề cột {}", names.join(" hoặc ")))
                        .hint(format!(
                            "các tiêu đề đọc được: {}",
                            shown(&headers.join(", "))
                        )),
                );
                ok = false;
            }
        }
        ok.then(|| Self {
            positions,
            ignored,
            headers: headers.to_vec(),
            date_col: spec.dated_by.as_deref().and_then(|c| spec.column_index(c)),
            unread: Vec::new(),
        })
    }

    /// Leaves unread the declared columns that `read` marks false and that hold free text (no
    /// list of values): such a cell cannot be wrong, so a streamed pass that needs none of
    /// them checks the same cells as reading the file whole, without copying them.
    pub(super) fn read_only(mut self, spec: &TableSpec, read: &[bool]) -> Self {
        self.unread = spec
            .columns
            .iter()
            .enumerate()
            .map(|(col, c)| {
                !read.get(col).copied().unwrap_or(true)
                    && c.kind == ColumnType::Text
                    && c.values.is_empty()
            })
            .collect();
        self
    }

    /// The file column of declared column `col`.
    pub(super) fn file_column(&self, col: usize) -> Option<usize> {
        self.positions.get(col).copied().flatten()
    }

    /// Whether declared column `col` dates a record (it cannot be empty).
    pub(super) fn dates_records(&self, col: usize) -> bool {
        self.date_col == Some(col)
    }

    /// Whether declared column `col` is left unread (see [`Layout::read_only`]).
    pub(super) fn is_unread(&self, col: usize) -> bool {
        self.unread.get(col) == Some(&true)
    }

    /// Reads one row into `values`, one value per declared column (the previous row's values
    /// are overwritten in place); calls `bad(file column, why)` for each cell that cannot be
    /// read (its value is `Empty`).
    pub(super) fn read_row<R: RowCells>(
        &self,
        spec: &TableSpec,
        cells: &R,
        values: &mut Vec<Value>,
        mut bad: impl FnMut(usize, BadCell),
    ) {
        values.resize(spec.columns.len(), Value::Empty);
        for ((col, spec_col), slot) in spec.columns.iter().enumerate().zip(values.iter_mut()) {
            if self.is_unread(col) {
                continue;
            }
            let Some(file_col) = self.positions[col] else {
                *slot = default_value(spec_col.kind);
                continue;
            };
            let parsed = cells.parse_into(file_col, spec_col, slot).and_then(|()| {
                if slot.is_empty() && self.date_col == Some(col) {
                    Err(format!(
                        "{} (ngày của bản ghi, không được để trống)",
                        ColumnType::Date.expected()
                    ))
                } else {
                    Ok(())
                }
            });
            if let Err(expected) = parsed {
                let look_alike = matches!(
                    spec_col.kind,
                    ColumnType::Date | ColumnType::Integer | ColumnType::Decimal
                )
                .then(|| look_alike(&cells.text(file_col)))
                .flatten();
                bad(
                    file_col,
                    BadCell {
                        expected,
                        look_alike,
                    },
                );
                *slot = Value::Empty;
            }
        }
    }

    /// The message for a cell that cannot be read.
    pub(super) fn bad_cell<R: RowCells>(
        &self,
        path: &Path,
        sheet: Option<&str>,
        line: u64,
        cells: &R,
        file_col: usize,
        why: BadCell,
    ) -> Diagnostic {
        let message = match why.look_alike {
            Some(look_alike) => format!("giá trị không đọc được: {look_alike}"),
            None => "giá trị không đọc được".to_owned(),
        };
        Diagnostic::new(path, message)
            .sheet(sheet)
            .at(usize::try_from(line).unwrap_or(usize::MAX), file_col + 1)
            .column_name(&self.headers[file_col])
            .value(shown(&cells.text(file_col)))
            .expected(why.expected)
    }
}

/// Why a cell cannot be read: what its column expects, and the character in it that looks
/// like what is expected but is not, if any ([`look_alike`]).
#[derive(Debug)]
pub(super) struct BadCell {
    expected: String,
    look_alike: Option<String>,
}

/// The closing message when more cells were bad than are listed.
pub(super) fn more_bad_values(path: &Path, sheet: Option<&str>, bad: usize) -> Option<Diagnostic> {
    (bad > MAX_PROBLEMS_PER_FILE).then(|| {
        Diagnostic::new(
            path,
            format!(
                "còn {} giá trị sai khác không liệt kê",
                bad - MAX_PROBLEMS_PER_FILE
            ),
        )
        .sheet(sheet)
    })
}

/// A table read, with where it came from.
fn sourced(
    spec: &TableSpec,
    path: &Path,
    sheet: Option<String>,
    encoding: Option<String>,
    table: Table,
    ignored_columns: Vec<String>,
) -> (Table, Source) {
    let source = Source {
        table: spec.name.clone(),
        path: path.to_path_buf(),
        sheet,
        encoding,
        records: table.rows.len(),
        ignored_columns,
    };
    (table, source)
}

/// Builds a table from a header row and data rows: headers matched to the declared columns,
/// every cell read by its column's type. Returns the table and the headers it ignored.
fn build_table<R: RowCells>(
    path: &Path,
    sheet: Option<&str>,
    headers: &[String],
    rows: impl Iterator<Item = std::result::Result<(u64, R), Box<Diagnostic>>>,
    spec: &TableSpec,
    problems: &mut Vec<Diagnostic>,
) -> Option<(Table, Vec<String>)> {
    let layout = Layout::of(path, sheet, headers, spec, problems)?;
    let mut records = Vec::new();
    let mut bad = 0usize;
    for row in rows {
        let (line, cells) = match row {
            Ok(row) => row,
            Err(d) => {
                problems.push((*d).sheet(sheet));
                return None;
            }
        };
        let mut values = Vec::with_capacity(spec.columns.len());
        layout.read_row(spec, &cells, &mut values, |file_col, why| {
            bad += 1;
            if bad <= MAX_PROBLEMS_PER_FILE {
                problems.push(layout.bad_cell(path, sheet, line, &cells, file_col, why));
            }
        });
        records.push(Record { line, values });
    }
    problems.extend(more_bad_values(path, sheet, bad));
    (bad == 0).then(|| {
        let table = Table {
            spec: spec.clone(),
            rows: records,
        };
        (table, layout.ignored)
    })
}

fn matches_column(column: &ColumnSpec, folded: &str) -> bool {
    fold_header(&column.id) == folded || column.labels.iter().any(|l| fold_header(l) == folded)
}

/// The line of the file each record starts on, as an editor numbers lines.
///
/// The `csv` crate's own line count is not that: it does not count blank lines, and in a file
/// with CRLF line ends (every export from Windows) it is one short. Its byte position is exact
/// but may stand before the line breaks that precede the record; those are skipped.
#[derive(Debug)]
pub(super) struct Lines<'a> {
    text: &'a [u8],
    /// A byte offset, and the line it is on.
    at: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    /// Lines of `text`, whose first byte is on line `first`.
    pub(super) fn new(text: &'a [u8], first: u64) -> Self {
        Self {
            text,
            at: 0,
            line: first,
        }
    }

    /// The line of the record the `csv` crate places at `position` (positions only grow).
    pub(super) fn of(&mut self, position: Option<&csv::Position>) -> u64 {
        let Some(byte) = position.and_then(|p| usize::try_from(p.byte()).ok()) else {
            return self.line;
        };
        let mut start = byte.clamp(self.at, self.text.len());
        while matches!(self.text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let skipped = &self.text[self.at..start.min(self.text.len())];
        self.line += memchr::memchr_iter(b'\n', skipped).count() as u64;
        self.at = start;
        self.line
    }
}

/// The csv crate's reason, in Vietnamese where it is one an export can give.
fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => "có byte không phải UTF-8".to_owned(),
        csv::ErrorKind::Io(io) => crate::error::io_reason(io),
        _ => format!(
            "nội dung CSV không hợp lệ ({})",
            crate::visible::visible(&e.to_string())
        ),
    }
}

/// A csv crate error of the file `path` at `line`, in Vietnamese: a row of another length than
/// the header's, bytes not UTF-8. Public for a caller reading a CSV of its own (a campaign's
/// list of units), so that it says what the evidence's reading says.
pub fn csv_diagnostic(path: &Path, e: &csv::Error, line: u64) -> Diagnostic {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => ragged_row(
            path,
            line,
            usize::try_from(*len).unwrap_or(usize::MAX),
            usize::try_from(*expected_len).unwrap_or(usize::MAX),
        ),
        _ => {
            let mut d = Diagnostic::new(path, format!("không đọc được tệp CSV: {}", csv_reason(e)));
            d.line = usize::try_from(line).ok();
            d
        }
    }
}

/// A row whose number of fields is not the header's, however the file was read.
pub(super) fn ragged_row(path: &Path, line: u64, len: usize, header_len: usize) -> Diagnostic {
    let mut d = Diagnostic::new(
        path,
        format!("dòng có {len} ô trong khi dòng tiêu đề có {header_len} cột"),
    );
    d.line = usize::try_from(line).ok();
    d
}

/// A TOML file's text: UTF-8 (a byte-order mark is dropped), normalised to NFC.
pub(super) fn decode(path: &Path, bytes: &[u8], problems: &mut Vec<Diagnostic>) -> Option<String> {
    match decode_text(bytes, TextEncoding::Utf8) {
        Ok((text, _)) => Some(text),
        Err(e) => {
            problems.push(
                undecodable(path, bytes, TextEncoding::Utf8, &e).hint("lưu tệp ở dạng UTF-8"),
            );
            None
        }
    }
}

/// The problem of a text export in UTF-16 without a byte-order mark (its headers read with NUL
/// characters between the letters).
pub(super) fn utf16_problem(path: &Path, encoding: TextEncoding) -> Diagnostic {
    Diagnostic::new(
        path,
        "tệp có vẻ là văn bản UTF-16 không có dấu thứ tự byte (BOM): mỗi chữ cách nhau một byte 0",
    )
    .line(1)
    .hint(format!(
        "ghi rõ bảng mã bằng --encoding {encoding}, hoặc xuất lại tệp ở dạng CSV UTF-8"
    ))
}

/// The problem of a file whose bytes are not text in the encoding used (`wanted`, or the one
/// detected): the line, the byte offset and the byte itself, and what to do.
fn undecodable(path: &Path, bytes: &[u8], wanted: TextEncoding, e: &DecodeError) -> Diagnostic {
    let (message, line, offset, hint) = match *e {
        DecodeError::Invalid {
            encoding: TextEncoding::Utf8,
            line,
            offset,
        } if wanted == TextEncoding::Auto => (
            format!("tệp là văn bản UTF-8 nhưng có byte không hợp lệ (byte thứ {offset} của tệp)"),
            line,
            offset,
            "sửa byte này hoặc xuất lại tệp ở dạng CSV UTF-8; nếu cả tệp dùng bảng mã khác, \
             ghi rõ bằng --encoding (ví dụ --encoding windows-1258)",
        ),
        DecodeError::Invalid {
            encoding,
            line,
            offset,
        } => (
            format!("tệp không phải văn bản {encoding} hợp lệ (byte thứ {offset} của tệp)"),
            line,
            offset,
            "xuất lại tệp ở dạng CSV UTF-8, hoặc ghi đúng bảng mã của tệp bằng --encoding",
        ),
        DecodeError::Utf16(encoding) => {
            return utf16_problem(path, encoding);
        }
        DecodeError::Unknown { line, offset } => (
            format!(
                "không nhận ra bảng mã của tệp: không phải UTF-8, cũng không phải tiếng Việt \
                 Windows-1258 (byte thứ {offset} của tệp)"
            ),
            line,
            offset,
            "xuất lại tệp ở dạng CSV UTF-8, hoặc ghi rõ bảng mã bằng --encoding \
             (utf-8, utf-16le, utf-16be, windows-1258)",
        ),
    };
    let mut d = Diagnostic::new(path, message).line(line).hint(hint);
    if let Some(b) = bytes.get(offset) {
        d = d.value(format!("0x{b:02X}"));
    }
    d
}

/// Where each fact is written in its file: line, and column when known.
pub(super) type FactPlaces = BTreeMap<String, (usize, Option<usize>)>;

/// The facts whose value is not of the type the set declares for them (`[facts.<name>]`): a
/// problem each, naming the fact, where it is written, its value and what was expected (and
/// a look-alike in a number written as text, `"5O"`). Undeclared facts are taken as written
/// (`check` reports a rule naming one).
pub(super) fn check_declared_facts(
    set: &CriteriaSet,
    facts: &BTreeMap<String, Fact>,
    places: &FactPlaces,
    path: &Path,
    problems: &mut Vec<Diagnostic>,
) {
    for (name, fact) in facts {
        let Some(spec) = set.fact(name) else { continue };
        let fits = matches!(
            (spec.kind, &fact.value),
            (FactType::Integer, FactValue::Integer(_))
                | (
                    FactType::Decimal,
                    FactValue::Integer(_) | FactValue::Decimal(_)
                )
                | (FactType::Bool, FactValue::Bool(_))
                | (FactType::Text, _)
        );
        if !fits {
            let mut message = format!("số liệu `{name}` ({}) không đúng kiểu", spec.label);
            if let (FactType::Integer | FactType::Decimal, FactValue::Text(text)) =
                (spec.kind, &fact.value)
            {
                if let Some(look_alike) = look_alike(text) {
                    message = format!("{message}: {look_alike}");
                }
            }
            let mut d = Diagnostic::new(path, message)
                .value(fact.value.display())
                .expected(spec.kind.vi());
            match places.get(name) {
                Some(&(line, Some(column))) => d = d.at(line, column),
                Some(&(line, None)) => d = d.line(line),
                None => {}
            }
            problems.push(d);
        }
    }
}

/// The facts of a facts.toml, and where each is written.
pub(super) fn read_facts(
    path: &Path,
    bytes: &[u8],
    problems: &mut Vec<Diagnostic>,
) -> (BTreeMap<String, Fact>, FactPlaces) {
    let (mut facts, mut places) = (BTreeMap::new(), FactPlaces::new());
    let Some(text) = decode(path, bytes, problems) else {
        return (facts, places);
    };
    let raw: BTreeMap<String, Spanned<toml::Value>> = match toml::from_str(&text) {
        Ok(raw) => raw,
        Err(e) => {
            problems.push(toml_diagnostic(path, &text, &e));
            return (facts, places);
        }
    };
    for (name, spanned) in raw {
        let span = spanned.span();
        let (line, column) = crate::criteria::line_col(&text, span.start);
        let at = |message: String| Diagnostic::new(path, message).at(line, column);
        // A fact's value is told at its `value = …` line when it is a table of its own.
        let value_at = text
            .get(span.clone())
            .and_then(value_key)
            .map_or((line, column), |offset| {
                crate::criteria::line_col(&text, span.start + offset)
            });
        let (value, source) = match spanned.into_inner() {
            toml::Value::Table(mut t) => {
                let value = t.remove("value");
                let source = t.remove("source");
                if let Some(key) = t.keys().next() {
                    problems.push(
                        at(format!("số liệu `{name}` có khóa lạ `{key}`"))
                            .expected("`value` và, nếu có, `source`"),
                    );
                    continue;
                }
                let source = match source {
                    None => None,
                    Some(toml::Value::String(s)) => Some(s),
                    Some(other) => {
                        problems.push(
                            at(format!("nguồn (`source`) của số liệu `{name}` không phải văn bản"))
                                .value(other.to_string())
                                .expected(
                                    "số, ký hiệu và ngày của văn bản, ví dụ \"15/KH-SKHCN ngày 20/01/2026\"",
                                ),
                        );
                        continue;
                    }
                };
                let Some(value) = value else {
                    problems.push(at(format!("số liệu `{name}` thiếu `value`")));
                    continue;
                };
                (value, source)
            }
            value => (value, None),
        };
        let value = match value {
            toml::Value::Integer(i) => FactValue::Integer(i),
            toml::Value::Boolean(b) => FactValue::Bool(b),
            toml::Value::Float(f) => match crate::criteria::float_to_decimal(f) {
                Some(d) => FactValue::Decimal(d),
                None => {
                    problems.push(
                        at(format!("số liệu `{name}` không phải số thập phân chính xác"))
                            .value(f.to_string())
                            .expected("số có tối đa 15 chữ số, hoặc viết trong dấu ngoặc kép như \"1250000.50\""),
                    );
                    continue;
                }
            },
            toml::Value::String(s) => match parse_decimal(&s) {
                Some(d) if d.fract().is_zero() && !s.contains(['.', ',']) => {
                    i64::try_from(d).map_or(FactValue::Decimal(d), FactValue::Integer)
                }
                Some(d) => FactValue::Decimal(d),
                None => FactValue::Text(s),
            },
            other => {
                problems.push(
                    at(format!("số liệu `{name}` có giá trị không dùng được"))
                        .value(other.to_string())
                        .expected("số nguyên, số thập phân, true/false hoặc văn bản"),
                );
                continue;
            }
        };
        places.insert(name.clone(), (value_at.0, Some(value_at.1)));
        facts.insert(name, Fact { value, source });
    }
    (facts, places)
}

/// Where the value of a `value = …` line of a fact's table starts in `body` (the table's
/// text, from its header on), if it has one.
fn value_key(body: &str) -> Option<usize> {
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("value") {
            let after = rest.trim_start();
            if let Some(value) = after.strip_prefix('=') {
                let value = value.trim_start();
                return Some(offset + line.len() - value.len());
            }
        }
        offset += line.len();
    }
    None
}

/// The survey table is fixed by Sở Nội vụ: row id and satisfaction rate in percent, from 0 to
/// 100 (a rate outside is an evidence error at its cell, like any bad value).
pub(super) fn survey_spec() -> TableSpec {
    let column = |id: &str, kind, labels: &[&str]| ColumnSpec {
        id: id.to_owned(),
        kind,
        required: true,
        labels: labels.iter().map(|s| (*s).to_owned()).collect(),
        values: Vec::new(),
        min: None,
        max: None,
    };
    let rate = ColumnSpec {
        min: Some(Decimal::ZERO),
        max: Some(Decimal::ONE_HUNDRED),
        ..column("ty_le", ColumnType::Decimal, &["Tỷ lệ hài lòng", "Tỷ lệ"])
    };
    TableSpec {
        name: "survey".to_owned(),
        title: "Kết quả điều tra xã hội học".to_owned(),
        file: SURVEY_FILE.to_owned(),
        key: Some("ma_tieu_chi".to_owned()),
        subject: None,
        dated_by: None,
        window: Window::UntilAsOf,
        columns: vec![
            column("ma_tieu_chi", ColumnType::Text, &["Mã tiêu chí"]),
            rate,
        ],
    }
}

/// The appraisal file, filled by the appraising agencies: round, row, points, note, agency.
pub(super) fn appraisal_spec() -> TableSpec {
    let column = |id: &str, kind, required, labels: &[&str]| ColumnSpec {
        id: id.to_owned(),
        kind,
        required,
        labels: labels.iter().map(|s| (*s).to_owned()).collect(),
        values: Vec::new(),
        min: None,
        max: None,
    };
    TableSpec {
        name: "appraisal".to_owned(),
        title: "Kết quả thẩm định".to_owned(),
        file: APPRAISAL_FILE.to_owned(),
        key: Some("ma_tieu_chi".to_owned()),
        subject: None,
        dated_by: None,
        window: Window::UntilAsOf,
        columns: vec![
            column(
                "vong",
                ColumnType::Integer,
                true,
                &["Vòng", "Vòng thẩm định"],
            ),
            column("ma_tieu_chi", ColumnType::Text, true, &["Mã tiêu chí"]),
            column(
                "diem",
                ColumnType::Decimal,
                true,
                &["Điểm", "Điểm thẩm định"],
            ),
            column(
                "ghi_chu",
                ColumnType::Text,
                false,
                &["Ghi chú", "Ghi chú thẩm định"],
            ),
            column(
                "co_quan",
                ColumnType::Text,
                false,
                &["Cơ quan thẩm định", "Cơ quan"],
            ),
        ],
    }
}

/// Appraisal entries, checked against the set: a self-assessed or penalty row, round 1 or 2,
/// points within the row's bounds, each (round, row) once.
pub(super) fn appraisal_entries(
    table: Table,
    path: &Path,
    set: &CriteriaSet,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Appraisal> {
    let mut out: Vec<Appraisal> = Vec::new();
    for record in table.rows {
        let line = usize::try_from(record.line).unwrap_or(usize::MAX);
        let at = |message: String| Diagnostic::new(path, message).line(line);
        let v = &record.values;
        let id = v[1].display();
        let round = match v[0] {
            Value::Integer(r @ 1..=2) => r as u8,
            _ => {
                problems.push(
                    at(format!("dòng `{id}`: vòng thẩm định phải là 1 hoặc 2"))
                        .value(v[0].display()),
                );
                continue;
            }
        };
        let Some(points) = v[2].as_decimal() else {
            problems.push(at(format!("dòng `{id}` chưa có điểm thẩm định")).expected("một số"));
            continue;
        };
        let criterion = match super::scored_row(set, &id, ", không phải tiêu chí được chấm", &at)
        {
            Ok(criterion) => criterion,
            Err(problem) => {
                problems.push(*problem);
                continue;
            }
        };
        let Some((low, high)) = criterion.bounds() else {
            problems.push(
                at(format!(
                    "tiêu chí `{id}` chấm qua điều tra xã hội học, không được thẩm định"
                ))
                .hint("điểm các tiêu chí điều tra xã hội học lấy từ survey.csv"),
            );
            continue;
        };
        if points < low || points > high {
            problems.push(
                at(format!(
                    "tiêu chí `{id}`: điểm thẩm định ngoài khoảng điểm của tiêu chí"
                ))
                .value(crate::num::vi_decimal(points))
                .expected(format!(
                    "từ {} đến {}",
                    crate::num::vi_decimal(low),
                    crate::num::vi_decimal(high)
                )),
            );
            continue;
        }
        if out.iter().any(|a| a.round == round && a.row == id) {
            problems.push(at(format!(
                "tiêu chí `{id}` được thẩm định hai lần trong vòng {round}"
            )));
            continue;
        }
        out.push(Appraisal {
            round,
            row: id,
            points,
            note: v[3].display(),
            agency: v[4].display(),
        });
    }
    out.sort_by(|a, b| (a.round, &a.row).cmp(&(b.round, &b.row)));
    out
}

/// Survey rates by row id; every row must be a survey row of the set, once, with a rate (the
/// reader already refused a rate outside 0–100).
pub(super) fn survey_results(
    table: Table,
    path: &Path,
    set: &CriteriaSet,
    problems: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Decimal> {
    let mut out = BTreeMap::new();
    for record in table.rows {
        let line = usize::try_from(record.line).unwrap_or(usize::MAX);
        let id = record.values[0].display();
        let at = |message: String| Diagnostic::new(path, message).line(line);
        match set.criterion(&id).and_then(|c| c.leaf.as_ref()) {
            Some(leaf) if leaf.method == Method::Survey => {}
            Some(_) => {
                problems.push(
                    at(format!(
                        "tiêu chí `{id}` không chấm qua điều tra xã hội học"
                    ))
                    .value(&id),
                );
                continue;
            }
            None => {
                problems.push(
                    at(format!("không có tiêu chí `{id}` trong bộ tiêu chí"))
                        .value(&id)
                        .expected("mã một tiêu chí điều tra xã hội học của bộ tiêu chí"),
                );
                continue;
            }
        }
        let Some(rate) = record.values[1].as_decimal() else {
            problems.push(
                at(format!("tiêu chí `{id}` chưa có tỷ lệ"))
                    .column_name("ty_le")
                    .value("")
                    .expected("tỷ lệ phần trăm từ 0 đến 100"),
            );
            continue;
        };
        if out.insert(id.clone(), rate).is_some() {
            problems.push(at(format!("tiêu chí `{id}` được ghi hai lần")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese_headers() {
        assert_eq!(fold_header("NGÀY TIẾP NHẬN"), "ngay tiep nhan");
        assert_eq!(fold_header("  Ngày   tiếp nhận "), "ngay tiep nhan");
        assert_eq!(fold_header("ngay_tiep_nhan"), "ngay tiep nhan");
        assert_eq!(fold_header("Đơn vị"), "don vi");
        // Decomposed input folds the same as composed.
        assert_eq!(fold_header("Nga\u{300}y"), "ngay");
    }
}
