//! Reading a unit's evidence folder: CSV tables by their declared columns, `facts.toml`,
//! `unit.toml` and `survey.csv`.

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;
use unicode_normalization::UnicodeNormalization;

use super::{Evidence, Fact, FactValue, Record, Table, Unit, Value};
use crate::criteria::{ColumnSpec, ColumnType, CriteriaSet, Method, TableSpec, Window};
use crate::date::parse_date;
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::files::Files;
use crate::num::parse_decimal;

pub const FACTS_FILE: &str = "facts.toml";
pub const UNIT_FILE: &str = "unit.toml";
pub const SURVEY_FILE: &str = "survey.csv";

/// At most this many bad cells are reported per file.
const MAX_PROBLEMS_PER_FILE: usize = 50;

/// Reads the evidence folder `dir` for the tables `set` declares.
///
/// A missing table or `facts.toml` is not an error (the rows that read it have no evidence);
/// a bad value is, and every bad value of every file is reported at once.
pub fn read_evidence(files: &dyn Files, set: &CriteriaSet, dir: &Path) -> Result<Evidence> {
    if !files.is_dir(dir) {
        return Err(Error::Io {
            path: dir.to_path_buf(),
            source: io::Error::new(io::ErrorKind::NotFound, "evidence folder not found"),
        });
    }
    let mut problems = Vec::new();
    let unit = read_unit(files, &dir.join(UNIT_FILE), &mut problems)?;
    let mut tables = Vec::new();
    for spec in &set.tables {
        let path = dir.join(&spec.file);
        if let Some(bytes) = read_optional(files, &path)? {
            if let Some(table) = read_table(&path, &bytes, spec, &mut problems) {
                tables.push(table);
            }
        }
    }
    let facts_path = dir.join(FACTS_FILE);
    let facts =
        read_optional(files, &facts_path)?.map(|b| read_facts(&facts_path, &b, &mut problems));
    let survey_path = dir.join(SURVEY_FILE);
    let survey = read_optional(files, &survey_path)?
        .map(|b| read_survey(&survey_path, &b, set, &mut problems));
    if problems.is_empty() {
        Ok(Evidence::new(dir, unit, tables, facts, survey))
    } else {
        Err(Error::Evidence(Diagnostics(problems)))
    }
}

fn read_optional(files: &dyn Files, path: &Path) -> Result<Option<Vec<u8>>> {
    match files.read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(source) => Err(Error::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// UTF-8 text without its byte-order mark, normalised to NFC so that composed and decomposed
/// Vietnamese compare equal.
fn decode(path: &Path, bytes: &[u8], problems: &mut Vec<Diagnostic>) -> Option<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(text.nfc().collect()),
        Err(e) => {
            let valid = &bytes[..e.valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            problems.push(
                Diagnostic::new(path, "the file is not valid UTF-8 text")
                    .line(line)
                    .hint("save the export as CSV UTF-8"),
            );
            None
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

fn read_unit(files: &dyn Files, path: &Path, problems: &mut Vec<Diagnostic>) -> Result<Unit> {
    let placeholder = Unit {
        code: String::new(),
        name: String::new(),
        group: String::new(),
    };
    let Some(bytes) = read_optional(files, path)? else {
        problems.push(
            Diagnostic::new(path, "the evidence folder has no unit.toml")
                .hint("write code, name and group of the unit being scored"),
        );
        return Ok(placeholder);
    };
    let Some(text) = decode(path, &bytes, problems) else {
        return Ok(placeholder);
    };
    match toml::from_str::<RawUnit>(&text) {
        Ok(u) => Ok(Unit {
            code: u.code,
            name: u.name,
            group: u.group,
        }),
        Err(e) => {
            problems.push(toml_diagnostic(path, &text, &e));
            Ok(placeholder)
        }
    }
}

pub(crate) fn toml_diagnostic(path: &Path, text: &str, e: &toml::de::Error) -> Diagnostic {
    let mut d = Diagnostic::new(path, e.message().trim_end().to_owned());
    if let Some(span) = e.span() {
        let (line, column) = crate::criteria::line_col(text, span.start);
        d = d.at(line, column);
    }
    d
}

/// Folds a header for matching: NFC→NFD, accents dropped, `đ`→`d`, lower case, `_` as a
/// space, runs of spaces collapsed. "NGÀY TIẾP NHẬN", "Ngay tiep nhan" and `ngay_tiep_nhan`
/// all fold to `ngay tiep nhan`.
pub fn fold_header(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            '_' => ' ',
            c => c,
        };
        out.extend(c.to_lowercase());
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn read_table(
    path: &Path,
    bytes: &[u8],
    spec: &TableSpec,
    problems: &mut Vec<Diagnostic>,
) -> Option<Table> {
    let text = decode(path, bytes, problems)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            problems.push(csv_diagnostic(path, &e));
            return None;
        }
    };
    if headers.iter().all(|h| h.trim().is_empty()) {
        problems.push(
            Diagnostic::new(path, "the file has no header row")
                .line(1)
                .expected(format!("the columns of table `{}`", spec.name)),
        );
        return None;
    }
    // Declared column index → file column index.
    let mut positions: Vec<Option<usize>> = vec![None; spec.columns.len()];
    let mut ok = true;
    for (file_col, header) in headers.iter().enumerate() {
        let folded = fold_header(header);
        let Some(col) = spec.columns.iter().position(|c| matches_column(c, &folded)) else {
            continue; // Extra columns are ignored.
        };
        if let Some(first) = positions[col] {
            problems.push(
                Diagnostic::new(
                    path,
                    format!(
                        "columns {} (`{}`) and {} (`{header}`) both name column `{}`",
                        first + 1,
                        &headers[first],
                        file_col + 1,
                        spec.columns[col].id
                    ),
                )
                .at(1, file_col + 1),
            );
            ok = false;
        } else {
            positions[col] = Some(file_col);
        }
    }
    for (col, spec_col) in spec.columns.iter().enumerate() {
        if spec_col.required && positions[col].is_none() {
            let found: Vec<&str> = headers.iter().collect();
            let mut names = vec![format!("`{}`", spec_col.id)];
            names.extend(spec_col.labels.iter().map(|l| format!("`{l}`")));
            problems.push(
                Diagnostic::new(
                    path,
                    format!("required column `{}` is missing", spec_col.id),
                )
                .line(1)
                .expected(format!("a header {}", names.join(" or ")))
                .hint(format!("headers found: {}", found.join(", "))),
            );
            ok = false;
        }
    }
    if !ok {
        return None;
    }

    let mut rows = Vec::new();
    let mut bad = 0usize;
    for result in reader.records() {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                problems.push(csv_diagnostic(path, &e));
                return None;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        let mut values = Vec::with_capacity(spec.columns.len());
        for (col, spec_col) in spec.columns.iter().enumerate() {
            let Some(file_col) = positions[col] else {
                values.push(default_value(spec_col.kind));
                continue;
            };
            let cell = record.get(file_col).unwrap_or("");
            match parse_cell(cell, spec_col) {
                Ok(v) => {
                    if v.is_empty() && spec.dated_by.as_deref() == Some(spec_col.id.as_str()) {
                        bad += 1;
                        if bad <= MAX_PROBLEMS_PER_FILE {
                            problems.push(
                                Diagnostic::new(path, "a record without its date")
                                    .at(usize::try_from(line).unwrap_or(usize::MAX), file_col + 1)
                                    .column_name(&headers[file_col])
                                    .value(cell)
                                    .expected(ColumnType::Date.expected()),
                            );
                        }
                    }
                    values.push(v);
                }
                Err(expected) => {
                    bad += 1;
                    if bad <= MAX_PROBLEMS_PER_FILE {
                        problems.push(
                            Diagnostic::new(path, "a value that cannot be read")
                                .at(usize::try_from(line).unwrap_or(usize::MAX), file_col + 1)
                                .column_name(&headers[file_col])
                                .value(cell)
                                .expected(expected),
                        );
                    }
                    values.push(Value::Empty);
                }
            }
        }
        rows.push(Record { line, values });
    }
    if bad > MAX_PROBLEMS_PER_FILE {
        problems.push(Diagnostic::new(
            path,
            format!("{} more bad values not shown", bad - MAX_PROBLEMS_PER_FILE),
        ));
    }
    (bad == 0).then(|| Table {
        spec: spec.clone(),
        rows,
    })
}

fn matches_column(column: &ColumnSpec, folded: &str) -> bool {
    fold_header(&column.id) == folded || column.labels.iter().any(|l| fold_header(l) == folded)
}

fn default_value(kind: ColumnType) -> Value {
    match kind {
        ColumnType::Bool => Value::Bool(false),
        _ => Value::Empty,
    }
}

fn csv_diagnostic(path: &Path, e: &csv::Error) -> Diagnostic {
    let line = e
        .position()
        .map(|p| usize::try_from(p.line()).unwrap_or(usize::MAX));
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("a row with {len} fields where the header has {expected_len}"),
        _ => format!("cannot read the CSV: {e}"),
    };
    let mut d = Diagnostic::new(path, message);
    d.line = line;
    d
}

/// Parses one cell by its declared type; `Err` holds what was expected.
fn parse_cell(cell: &str, column: &ColumnSpec) -> std::result::Result<Value, String> {
    let t = cell.trim();
    if t.is_empty() {
        return Ok(default_value(column.kind));
    }
    let expected = || column.kind.expected().to_owned();
    match column.kind {
        ColumnType::Text => {
            if column.values.is_empty() {
                Ok(Value::Text(t.to_owned()))
            } else {
                let folded = fold_header(t);
                column
                    .values
                    .iter()
                    .find(|v| fold_header(v) == folded)
                    .map(|v| Value::Text(v.clone()))
                    .ok_or_else(|| format!("one of {}", column.values.join(", ")))
            }
        }
        ColumnType::Date => parse_date(t).map(Value::Date).ok_or_else(expected),
        ColumnType::Bool => parse_bool(t).map(Value::Bool).ok_or_else(expected),
        ColumnType::Integer => {
            let no_groups: String = t.chars().filter(|c| *c != '.' && *c != ' ').collect();
            no_groups
                .parse::<i64>()
                .ok()
                .filter(|_| {
                    !t.contains('.') || parse_decimal(t).is_some_and(|d| d.fract().is_zero())
                })
                .map(Value::Integer)
                .ok_or_else(expected)
        }
        ColumnType::Decimal => parse_decimal(t).map(Value::Decimal).ok_or_else(expected),
        ColumnType::Tags => Ok(Value::Tags(
            t.split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        )),
    }
}

/// The boolean spellings of the reference set: `co`/`khong`, `x`/empty, `true`/`false`,
/// `1`/`0` (accents and case ignored).
fn parse_bool(text: &str) -> Option<bool> {
    match fold_header(text).as_str() {
        "co" | "x" | "true" | "1" | "dung" | "yes" => Some(true),
        "khong" | "false" | "0" | "sai" | "no" => Some(false),
        _ => None,
    }
}

fn read_facts(path: &Path, bytes: &[u8], problems: &mut Vec<Diagnostic>) -> BTreeMap<String, Fact> {
    let mut facts = BTreeMap::new();
    let Some(text) = decode(path, bytes, problems) else {
        return facts;
    };
    let raw: BTreeMap<String, Spanned<toml::Value>> = match toml::from_str(&text) {
        Ok(raw) => raw,
        Err(e) => {
            problems.push(toml_diagnostic(path, &text, &e));
            return facts;
        }
    };
    for (name, spanned) in raw {
        let (line, column) = crate::criteria::line_col(&text, spanned.span().start);
        let at = |message: String| Diagnostic::new(path, message).at(line, column);
        let (value, source) = match spanned.into_inner() {
            toml::Value::Table(mut t) => {
                let value = t.remove("value");
                let source = t.remove("source");
                if let Some(key) = t.keys().next() {
                    problems.push(
                        at(format!("fact `{name}` has an unknown key `{key}`"))
                            .expected("`value` and optionally `source`"),
                    );
                    continue;
                }
                let source = match source {
                    None => None,
                    Some(toml::Value::String(s)) => Some(s),
                    Some(other) => {
                        problems.push(
                            at(format!("the source of fact `{name}` is not text"))
                                .value(other.to_string())
                                .expected(
                                    "a document reference such as \"15/KH-SKHCN ngày 20/01/2026\"",
                                ),
                        );
                        continue;
                    }
                };
                let Some(value) = value else {
                    problems.push(at(format!("fact `{name}` has no `value`")));
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
                        at(format!("fact `{name}` is not an exact decimal"))
                            .value(f.to_string())
                            .expected("a decimal with at most 15 digits, or a string such as \"1250000.50\""),
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
                    at(format!("fact `{name}` has a value of an unsupported kind"))
                        .value(other.to_string())
                        .expected("an integer, a decimal, a boolean or text"),
                );
                continue;
            }
        };
        facts.insert(name, Fact { value, source });
    }
    facts
}

/// The survey table is fixed by Sở Nội vụ: row id and satisfaction rate in percent.
fn survey_spec() -> TableSpec {
    let column = |id: &str, kind, labels: &[&str]| ColumnSpec {
        id: id.to_owned(),
        kind,
        required: true,
        labels: labels.iter().map(|s| (*s).to_owned()).collect(),
        values: Vec::new(),
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
            column("ty_le", ColumnType::Decimal, &["Tỷ lệ hài lòng", "Tỷ lệ"]),
        ],
    }
}

fn read_survey(
    path: &Path,
    bytes: &[u8],
    set: &CriteriaSet,
    problems: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Decimal> {
    let mut out = BTreeMap::new();
    let Some(table) = read_table(path, bytes, &survey_spec(), problems) else {
        return out;
    };
    for record in table.rows {
        let line = usize::try_from(record.line).unwrap_or(usize::MAX);
        let id = record.values[0].display();
        let at = |message: String| Diagnostic::new(path, message).line(line);
        match set.criterion(&id).and_then(|c| c.leaf.as_ref()) {
            Some(leaf) if leaf.method == Method::Survey => {}
            Some(_) => {
                problems.push(at(format!("row `{id}` is not a survey row")).value(&id));
                continue;
            }
            None => {
                problems.push(
                    at(format!("unknown row `{id}`"))
                        .value(&id)
                        .expected("the id of a survey row of the criteria set"),
                );
                continue;
            }
        }
        let Some(rate) = record.values[1].as_decimal() else {
            problems
                .push(at(format!("row `{id}` has no rate")).expected("a percentage from 0 to 100"));
            continue;
        };
        if rate < Decimal::ZERO || rate > Decimal::ONE_HUNDRED {
            problems.push(
                at(format!("the rate of row `{id}` is out of range"))
                    .value(crate::num::vi_decimal(rate))
                    .expected("a percentage from 0 to 100"),
            );
            continue;
        }
        if out.insert(id.clone(), rate).is_some() {
            problems.push(at(format!("row `{id}` appears twice")));
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

    #[test]
    fn reads_boolean_spellings() {
        for t in ["co", "Có", "x", "X", "true", "1"] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for t in ["khong", "Không", "false", "0"] {
            assert_eq!(parse_bool(t), Some(false), "{t}");
        }
        assert_eq!(parse_bool("maybe"), None);
    }
}
