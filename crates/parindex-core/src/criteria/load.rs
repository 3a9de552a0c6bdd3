//! Reading a criteria set from TOML (see `docs/criteria-format.md`).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use toml::Spanned;

use super::validate::validate;
use super::{
    ColumnSpec, ColumnType, CriteriaSet, Criterion, Leaf, Method, NotArising, RatingBand, Register,
    RuleSource, TableSpec, Window,
};
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::files::Files;
use crate::fingerprint::{relative_name, FileDigest};
use crate::num::parse_decimal;

/// The file a criteria folder is read from.
pub const CRITERIA_FILE: &str = "criteria.toml";

/// Loads and validates a criteria set from a folder (holding `criteria.toml`) or a file.
///
/// Every problem is reported at once, each with its file and line.
pub fn load_criteria(files: &dyn Files, path: &Path) -> Result<CriteriaSet> {
    let path = if files.is_dir(path) {
        path.join(CRITERIA_FILE)
    } else {
        path.to_path_buf()
    };
    let bytes = files.read(&path).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let (line, column) = line_col(&String::from_utf8_lossy(e.as_bytes()), offset);
        Error::Criteria(Diagnostics(vec![Diagnostic::new(
            &path,
            "the criteria file is not valid UTF-8",
        )
        .at(line, column)]))
    })?;
    let source = Source {
        path: &path,
        text: &text,
    };
    let raw: RawFile = toml::from_str(&text).map_err(|e| {
        let mut d = Diagnostic::new(&path, e.message().trim_end().to_owned());
        if let Some(span) = e.span() {
            let (line, column) = line_col(&text, span.start);
            d = d.at(line, column);
        }
        if e.message().starts_with("unknown field") {
            d = d.hint("the criteria format does not know this key; see docs/criteria-format.md");
        }
        Error::Criteria(Diagnostics(vec![d]))
    })?;
    let mut problems = Vec::new();
    let mut set = build(files, &source, raw, &mut problems);
    set.files = digests(&set, &path, &text);
    problems.extend(validate(&set));
    if problems.is_empty() {
        Ok(set)
    } else {
        Err(Error::Criteria(Diagnostics(problems)))
    }
}

/// The criteria file and each rule file once, by name relative to the criteria folder.
fn digests(set: &CriteriaSet, path: &Path, text: &str) -> Vec<FileDigest> {
    let base = path.parent().unwrap_or(Path::new(""));
    let mut out = vec![FileDigest::of(relative_name(base, path), text.as_bytes())];
    for (_, leaf) in set.leaves() {
        if let Some(rule) = leaf.rule.as_ref().filter(|r| r.path != path) {
            let digest = FileDigest::of(relative_name(base, &rule.path), rule.text.as_bytes());
            if !out.contains(&digest) {
                out.push(digest);
            }
        }
    }
    out.sort();
    out
}

struct Source<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Source<'_> {
    fn line(&self, span: Range<usize>) -> usize {
        line_col(self.text, span.start).0
    }

    fn diagnostic(&self, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        let (line, column) = line_col(self.text, span.start);
        Diagnostic::new(self.path, message).at(line, column)
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

fn build(
    files: &dyn Files,
    source: &Source<'_>,
    raw: RawFile,
    problems: &mut Vec<Diagnostic>,
) -> CriteriaSet {
    let tables = raw
        .tables
        .into_iter()
        .map(|(name, t)| TableSpec {
            file: t.file.unwrap_or_else(|| format!("{name}.csv")),
            name,
            title: t.title,
            key: t.key,
            subject: t.subject,
            dated_by: t.dated_by,
            window: t.window.unwrap_or(Window::UntilAsOf),
            columns: t
                .columns
                .into_iter()
                .map(|c| ColumnSpec {
                    id: c.id,
                    kind: c.kind,
                    required: c.required,
                    labels: c.labels,
                    values: c.values,
                })
                .collect(),
        })
        .collect();
    let default_not_arising = raw.set.not_arising;
    let base_dir = source.path.parent().unwrap_or(Path::new(""));

    // Nodes as written, then arranged into tree order.
    let mut written = Vec::with_capacity(raw.criterion.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for rc in raw.criterion {
        let id_span = rc.id.span();
        let id = rc.id.into_inner();
        if let Some(first) = seen.get(&id) {
            problems.push(
                source
                    .diagnostic(id_span, format!("duplicate criterion id `{id}`"))
                    .hint(format!("first defined on line {first}")),
            );
            continue;
        }
        let line = source.line(id_span.clone());
        seen.insert(id.clone(), line);
        if rc.method.is_none()
            && (rc.rule.is_some()
                || rc.rule_file.is_some()
                || rc.reads.is_some()
                || rc.not_arising.is_some()
                || rc.floor.is_some())
        {
            problems.push(
                source
                    .diagnostic(id_span.clone(), format!("criterion `{id}` has scoring keys but no `method`"))
                    .hint("a leaf needs `method = \"self\"`, `\"survey\"` or `\"penalty\"`; a parent takes only id, title and max"),
            );
        }
        let rule = rule_source(
            files,
            source,
            base_dir,
            &id,
            rc.rule,
            rc.rule_file,
            problems,
        );
        let leaf = rc.method.map(|method| Leaf {
            method,
            not_arising: rc.not_arising.unwrap_or(default_not_arising),
            floor: rc.floor.map(|f| f.0),
            reads: rc.reads.map(Spanned::into_inner).unwrap_or_default(),
            rule,
        });
        written.push(Criterion {
            id,
            title: rc.title,
            max: rc.max.into_inner().0,
            depth: 0,
            parent: None,
            children: Vec::new(),
            leaf,
            line,
        });
    }
    let criteria = arrange(source, written, problems);

    CriteriaSet {
        path: source.path.to_path_buf(),
        id: raw.set.id,
        title: raw.set.title,
        province: raw.set.province,
        year: raw.set.year,
        unit_group: raw.set.unit_group,
        legal_basis: raw.set.legal_basis,
        default_not_arising,
        register: raw.set.register.map(|r| Register {
            table: r.table,
            tags: r.tags,
        }),
        ratings: raw
            .rating
            .into_iter()
            .map(|r| RatingBand {
                label: r.label,
                min: r.min.0,
            })
            .collect(),
        tables,
        criteria,
        files: Vec::new(),
    }
}

/// Reads the rule of a row: inline, or from a `.rhai` file beside the criteria file.
fn rule_source(
    files: &dyn Files,
    source: &Source<'_>,
    base_dir: &Path,
    id: &str,
    inline: Option<Spanned<String>>,
    file: Option<Spanned<String>>,
    problems: &mut Vec<Diagnostic>,
) -> Option<RuleSource> {
    match (inline, file) {
        (Some(inline), Some(file)) => {
            problems.push(
                source
                    .diagnostic(
                        file.span(),
                        format!("criterion `{id}` has both `rule` and `rule_file`"),
                    )
                    .hint("keep one of them"),
            );
            drop(inline);
            None
        }
        (Some(inline), None) => {
            let span = inline.span();
            let (line, _) = line_col(source.text, span.start);
            let raw = source.text.get(span.clone()).unwrap_or("");
            // A multi-line string's first newline is not part of its value.
            let first_line = if (raw.starts_with("'''") || raw.starts_with("\"\"\""))
                && raw[3..].starts_with(['\n', '\r'])
            {
                line + 1
            } else {
                line
            };
            Some(RuleSource {
                text: inline.into_inner(),
                path: source.path.to_path_buf(),
                first_line,
            })
        }
        (None, Some(file)) => {
            let span = file.span();
            let rel = file.into_inner();
            let path = base_dir.join(&rel);
            if path == source.path {
                problems.push(source.diagnostic(
                    span,
                    format!("criterion `{id}`: rule_file `{rel}` is the criteria file itself"),
                ));
                return None;
            }
            match files.read(&path).map(String::from_utf8) {
                Ok(Ok(text)) => Some(RuleSource {
                    text,
                    path,
                    first_line: 1,
                }),
                Ok(Err(_)) => {
                    problems.push(source.diagnostic(
                        span,
                        format!("criterion `{id}`: rule file `{rel}` is not valid UTF-8"),
                    ));
                    None
                }
                Err(e) => {
                    problems.push(source.diagnostic(
                        span,
                        format!(
                            "criterion `{id}`: cannot read rule file `{}`: {e}",
                            path.display()
                        ),
                    ));
                    None
                }
            }
        }
        (None, None) => None,
    }
}

/// Links parents and children by their dotted ids and returns the nodes in tree order.
fn arrange(
    source: &Source<'_>,
    written: Vec<Criterion>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<Criterion> {
    let index: HashMap<String, usize> = written
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.clone(), i))
        .collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); written.len()];
    let mut roots = Vec::new();
    for (i, c) in written.iter().enumerate() {
        if !valid_id(&c.id) {
            problems.push(
                Diagnostic::new(source.path, format!("malformed criterion id `{}`", c.id))
                    .line(c.line)
                    .expected("dotted positive numbers such as `3`, `3.2` or `3.2.1`"),
            );
            continue;
        }
        match c.id.rsplit_once('.') {
            None => roots.push(i),
            Some((parent, _)) => match index.get(parent) {
                Some(&p) => children[p].push(i),
                None => problems.push(
                    Diagnostic::new(
                        source.path,
                        format!("criterion `{}` has no parent `{parent}`", c.id),
                    )
                    .line(c.line)
                    .hint(format!("add a [[criterion]] with id = \"{parent}\"")),
                ),
            },
        }
    }
    // Depth-first, siblings in file order.
    let mut order = Vec::with_capacity(written.len());
    let mut stack: Vec<(usize, usize)> = roots.iter().rev().map(|&r| (r, 1)).collect();
    let mut depth = vec![0; written.len()];
    while let Some((i, d)) = stack.pop() {
        depth[i] = d;
        order.push(i);
        for &c in children[i].iter().rev() {
            stack.push((c, d + 1));
        }
    }
    let mut new_index = vec![usize::MAX; written.len()];
    for (new, &old) in order.iter().enumerate() {
        new_index[old] = new;
    }
    let mut slots: Vec<Option<Criterion>> = written.into_iter().map(Some).collect();
    let mut out = Vec::with_capacity(order.len());
    for &old in &order {
        let Some(mut c) = slots[old].take() else {
            continue;
        };
        c.depth = depth[old];
        c.children = children[old].iter().map(|&k| new_index[k]).collect();
        c.parent =
            c.id.rsplit_once('.')
                .and_then(|(p, _)| index.get(p))
                .map(|&p| new_index[p]);
        out.push(c);
    }
    out
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('.').all(|part| {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) && !part.starts_with('0')
        })
}

// --- The TOML as written -------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    set: RawSet,
    #[serde(default)]
    rating: Vec<RawRating>,
    #[serde(default)]
    tables: BTreeMap<String, RawTable>,
    #[serde(default)]
    criterion: Vec<RawCriterion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSet {
    id: String,
    title: String,
    province: String,
    year: i32,
    unit_group: String,
    #[serde(default)]
    legal_basis: Vec<String>,
    not_arising: NotArising,
    register: Option<RawRegister>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegister {
    table: String,
    tags: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRating {
    label: String,
    min: ExactDecimal,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    title: String,
    file: Option<String>,
    key: Option<String>,
    subject: Option<String>,
    dated_by: Option<String>,
    window: Option<Window>,
    columns: Vec<RawColumn>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumn {
    id: String,
    #[serde(rename = "type")]
    kind: ColumnType,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    labels: Vec<String>,
    #[serde(default)]
    values: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    id: Spanned<String>,
    title: String,
    max: Spanned<ExactDecimal>,
    method: Option<Method>,
    not_arising: Option<NotArising>,
    floor: Option<ExactDecimal>,
    reads: Option<Spanned<Vec<String>>>,
    rule: Option<Spanned<String>>,
    rule_file: Option<Spanned<String>>,
}

/// A decimal written as a TOML integer, a TOML float (read by its shortest decimal form, which
/// is exact for up to 15 significant digits) or a string (`"2.5"`, `"2,5"`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ExactDecimal(pub Decimal);

impl<'de> Deserialize<'de> for ExactDecimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ExactDecimal;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a decimal number such as 2.5 or \"2.5\"")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Self::Value, E> {
                Ok(ExactDecimal(Decimal::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Self::Value, E> {
                Ok(ExactDecimal(Decimal::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Self::Value, E> {
                float_to_decimal(v).map(ExactDecimal).ok_or_else(|| {
                    E::custom(format!(
                        "`{v}` is not an exact decimal; write it as a string"
                    ))
                })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
                parse_decimal(v)
                    .map(ExactDecimal)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A TOML float by its shortest round-trip decimal form; `None` past 15 significant digits,
/// where that form may not be what the author wrote.
pub(crate) fn float_to_decimal(v: f64) -> Option<Decimal> {
    if !v.is_finite() {
        return None;
    }
    let text = format!("{v}");
    let digits = text.bytes().filter(u8::is_ascii_digit).count();
    if digits > 15 {
        return None;
    }
    Decimal::from_str(&text).ok()
}
