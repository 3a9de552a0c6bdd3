//! Reading a criteria set from TOML (see `docs/criteria-format.md`).
//!
//! Every place comes from the TOML parser's own spans: `toml::Spanned` fields of the `Raw*`
//! structs for values, the parsed document (`toml_edit`) for keys. The unknown keys are the
//! keys serde ignores while reading the `Raw*` structs (`serde_ignored`).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use serde_aux::serde_introspection::serde_introspect;
use toml::Spanned;
use toml_edit::ImDocument;

use super::validate::{validate, Locations, TablePlaces};
use super::{
    ColumnSpec, ColumnType, CriteriaSet, Criterion, FactSpec, FactType, Leaf, Method, NotArising,
    RatingBand, Register, RuleSource, TableSpec, Window,
};
use crate::error::{vi_parser_message, Diagnostic, Diagnostics, Error, Result};
use crate::files::Files;
use crate::fingerprint::{relative_name, FileDigest};
use crate::num::parse_decimal;

/// The file a criteria folder is read from.
pub const CRITERIA_FILE: &str = "criteria.toml";

/// Loads and validates a criteria set from a folder (holding `criteria.toml`) or a file.
///
/// Every problem is reported at once, each with its file and line.
pub fn load_criteria(files: &dyn Files, path: &Path) -> Result<CriteriaSet> {
    let loaded = load_all(files, path)?;
    match loaded.set {
        Some(set) if loaded.problems.is_empty() => Ok(set),
        _ => Err(Error::Criteria(Diagnostics(loaded.problems))),
    }
}

/// What [`load_all`] read: the set when the TOML could be read into one (even with problems),
/// and every problem found.
#[derive(Debug)]
pub(crate) struct Loaded {
    /// The criteria file actually read (`DIR/criteria.toml` for a folder).
    pub path: PathBuf,
    /// `None` when the TOML itself could not be read (syntax, types, missing keys).
    pub set: Option<CriteriaSet>,
    /// Every problem: unknown keys, the first type error, then the whole-set checks.
    pub problems: Vec<Diagnostic>,
    /// For each inline rule, by row id: the file column (1-based, in characters) of the rule's
    /// first character on [`RuleSource::first_line`]. Rule files start at column 1.
    pub rule_columns: HashMap<String, usize>,
}

/// Reads a criteria set and collects every problem instead of stopping at the first: all the
/// unknown keys, then (when the TOML reads into a set) everything [`validate`] finds.
///
/// Fails only when the criteria file cannot be read at all.
pub(crate) fn load_all(files: &dyn Files, path: &Path) -> Result<Loaded> {
    let path = if files.is_dir(path) {
        path.join(CRITERIA_FILE)
    } else {
        path.to_path_buf()
    };
    let bytes = files.read(&path).map_err(|source| Error::Io {
        path: path.clone(),
        source,
    })?;
    let mut loaded = Loaded {
        path: path.clone(),
        set: None,
        problems: Vec::new(),
        rule_columns: HashMap::new(),
    };
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let (line, column) = line_col(&String::from_utf8_lossy(e.as_bytes()), offset);
            loaded.problems.push(
                Diagnostic::new(&path, "tệp bộ tiêu chí có byte không phải UTF-8")
                    .at(line, column)
                    .hint("lưu tệp ở dạng UTF-8"),
            );
            return Ok(loaded);
        }
    };
    let source = Source {
        path: &path,
        text: &text,
    };
    // The document with the parser's spans first: a syntax error is the only problem that can
    // be reported then.
    let doc = match ImDocument::parse(text.as_str()) {
        Ok(doc) => doc,
        Err(e) => {
            loaded.problems.push(toml_error(&source, &e.into()).hint(
                "tệp viết sai cú pháp TOML nên chưa kiểm tra được phần còn lại; hãy sửa lỗi này trước",
            ));
            return Ok(loaded);
        }
    };
    // Every key the `Raw*` structs do not read is reported, not only the first, and with the
    // first type error (see `RawFile`).
    let mut problems = Vec::new();
    let read = serde_ignored::deserialize(toml_edit::de::Deserializer::from(doc.clone()), |path| {
        problems.extend(unknown_key(&source, &doc, &steps(&path)));
    });
    let raw: RawFile = match read {
        Ok(raw) => raw,
        Err(e) => {
            problems.push(toml_error(&source, &e));
            sort_by_position(&mut problems);
            loaded.problems = problems;
            return Ok(loaded);
        }
    };
    sort_by_position(&mut problems);
    let locations = locations(&source, &doc, &raw);
    let mut set = build(files, &source, raw, &mut problems, &mut loaded.rule_columns);
    set.files = digests(&set, &path, &text);
    problems.extend(validate(&set, &locations));
    loaded.set = Some(set);
    loaded.problems = problems;
    Ok(loaded)
}

/// A TOML error (syntax, type, missing key) at its place, in Vietnamese.
fn toml_error(source: &Source<'_>, e: &toml_edit::de::Error) -> Diagnostic {
    let message = vi_parser_message("TOML", e.message().trim_end());
    let mut d = Diagnostic::new(source.path, message);
    if let Some(span) = e.span() {
        let (line, column) = line_col(source.text, span.start);
        d = d.at(line, column);
    }
    d
}

fn sort_by_position(problems: &mut [Diagnostic]) {
    problems.sort_by_key(|d| (d.line.unwrap_or(0), d.column.unwrap_or(0)));
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
    fn diagnostic(&self, span: Range<usize>, message: impl Into<String>) -> Diagnostic {
        let (line, column) = line_col(self.text, span.start);
        Diagnostic::new(self.path, message).at(line, column)
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    // Counted a vector at a time: every criterion asks where its id and rule are.
    let line = memchr::memchr_iter(b'\n', before.as_bytes()).count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

fn build(
    files: &dyn Files,
    source: &Source<'_>,
    raw: RawFile,
    problems: &mut Vec<Diagnostic>,
    rule_columns: &mut HashMap<String, usize>,
) -> CriteriaSet {
    let tables = raw
        .tables
        .into_iter()
        .map(|(name, t)| TableSpec {
            file: t.file.unwrap_or_else(|| format!("{name}.csv")),
            name,
            title: t.title,
            key: t.key.map(Spanned::into_inner),
            subject: t.subject.map(Spanned::into_inner),
            dated_by: t.dated_by.map(Spanned::into_inner),
            window: t.window.unwrap_or(Window::UntilAsOf),
            columns: t
                .columns
                .0
                .into_iter()
                .map(|c| ColumnSpec {
                    id: c.id.into_inner(),
                    kind: c.kind,
                    required: c.required,
                    labels: c.labels,
                    values: c.values,
                    min: c.min.map(|m| m.0),
                    max: c.max.map(|m| m.0),
                })
                .collect(),
        })
        .collect();
    let facts = raw
        .facts
        .into_iter()
        .map(|(name, f)| {
            if f.label.trim().is_empty() {
                problems.push(
                    Diagnostic::new(source.path, format!("số liệu `{name}` có `label` để trống"))
                        .hint("`label` là tên tiếng Việt của số liệu mà biểu mẫu hiển thị"),
                );
            }
            FactSpec {
                name,
                label: f.label,
                kind: f.kind,
            }
        })
        .collect();
    let default_not_arising = raw.set.not_arising;
    let base_dir = source.path.parent().unwrap_or(Path::new(""));

    // Nodes as written, then arranged into tree order.
    let mut written = Vec::with_capacity(raw.criterion.len());
    // The column of each written id's value, for the messages about ids.
    let mut id_columns = Vec::with_capacity(raw.criterion.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for rc in raw.criterion {
        let id_span = rc.id.span();
        let id = rc.id.into_inner();
        if let Some(first) = seen.get(&id) {
            problems.push(
                source
                    .diagnostic(id_span, format!("mã tiêu chí `{id}` bị trùng"))
                    .hint(format!("mã này đã được dùng ở dòng {first} của tệp")),
            );
            continue;
        }
        let (line, id_column) = line_col(source.text, id_span.start);
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
                    .diagnostic(
                        id_span.clone(),
                        format!("tiêu chí `{id}` có khóa chấm điểm nhưng thiếu `method`"),
                    )
                    .hint(
                        "tiêu chí được chấm cần `method = \"self\"`, `\"survey\"` hoặc \
                         `\"penalty\"`; tiêu chí cha chỉ có `id`, `title` và `max`",
                    ),
            );
        }
        if let Some(inline) = &rc.rule {
            rule_columns.insert(id.clone(), inline_start(source, inline.span()).1);
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
        id_columns.push(id_column);
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
    let criteria = arrange(source, written, &id_columns, problems);

    CriteriaSet {
        path: source.path.to_path_buf(),
        id: raw.set.id,
        title: raw.set.title,
        province: raw.set.province,
        year: raw.set.year,
        unit_group: raw.set.unit_group,
        legal_basis: raw.set.legal_basis,
        default_not_arising,
        facts,
        register: raw.set.register.map(|r| Register {
            table: r.table.into_inner(),
            tags: r.tags.into_inner(),
        }),
        ratings: raw
            .rating
            .into_iter()
            .map(|r| RatingBand {
                label: r.label,
                min: r.min.into_inner().0,
            })
            .collect(),
        tables,
        criteria,
        files: Vec::new(),
    }
}

/// The file line and column of an inline rule's first character, from the span of its TOML
/// string.
fn inline_start(source: &Source<'_>, span: Range<usize>) -> (usize, usize) {
    let (line, _) = line_col(source.text, span.start);
    let raw = source.text.get(span.clone()).unwrap_or("");
    // A multi-line string's first newline is not part of its value.
    let multi_line = raw.starts_with("'''") || raw.starts_with("\"\"\"");
    if multi_line && raw[3..].starts_with(['\n', '\r']) {
        return (line + 1, 1);
    }
    let quotes = if multi_line { 3 } else { 1 };
    (line, line_col(source.text, span.start + quotes).1)
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
                        format!("tiêu chí `{id}` có cả `rule` lẫn `rule_file`"),
                    )
                    .hint("chỉ giữ một trong hai"),
            );
            drop(inline);
            None
        }
        (Some(inline), None) => {
            let (first_line, _) = inline_start(source, inline.span());
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
                    format!("tiêu chí `{id}`: `rule_file` `{rel}` chính là tệp bộ tiêu chí"),
                ));
                return None;
            }
            if let Err(why) = rule_file_inside(files, base_dir, &rel) {
                problems.push(
                    source
                        .diagnostic(span, format!("tiêu chí `{id}`: tệp quy tắc `{rel}` {why}"))
                        .hint(
                            "đặt tệp quy tắc (tệp thật, không phải liên kết) trong thư mục bộ \
                             tiêu chí và ghi đường dẫn tương đối, ví dụ `rules/ky-so.rhai`",
                        ),
                );
                return None;
            }
            match files
                .read_at_most(&path, MAX_RULE_BYTES)
                .map(String::from_utf8)
            {
                Ok(Ok(text)) => Some(RuleSource {
                    text,
                    path,
                    first_line: 1,
                }),
                Ok(Err(_)) => {
                    problems.push(source.diagnostic(
                        span,
                        format!("tiêu chí `{id}`: tệp quy tắc `{rel}` có byte không phải UTF-8"),
                    ));
                    None
                }
                Err(e) => {
                    problems.push(source.diagnostic(
                        span,
                        format!(
                            "tiêu chí `{id}`: không đọc được tệp quy tắc `{}`: {}",
                            path.display(),
                            crate::error::io_reason(&e)
                        ),
                    ));
                    None
                }
            }
        }
        (None, None) => None,
    }
}

/// At most this many bytes are read from one rule file: the longest rule of the reference sets
/// is a few KiB, and a bound keeps `/dev/zero`-like files from filling memory.
pub(crate) const MAX_RULE_BYTES: u64 = 1 << 20;

/// Why the rule file `rel` is not a file inside the criteria folder `base_dir`, if it is not:
/// an absolute path, a `..`, or a symbolic link on the way (a link is refused even when it
/// points inside, as every link below a folder parindex reads is). A file that does not exist
/// passes, and reading it then says so.
fn rule_file_inside(files: &dyn Files, base_dir: &Path, rel: &str) -> Result<(), String> {
    use std::path::Component;
    let mut parts = PathBuf::new();
    for part in Path::new(rel).components() {
        match part {
            Component::Normal(p) => parts.push(p),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => {
                return Err("nằm ngoài thư mục bộ tiêu chí".to_owned());
            }
        }
    }
    if parts.as_os_str().is_empty() {
        return Err("không chỉ đến một tệp".to_owned());
    }
    let base = if base_dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        base_dir
    };
    let (Ok(root), Ok(resolved)) = (files.resolve(base), files.resolve(&base.join(&parts))) else {
        return Ok(());
    };
    if resolved == root.join(&parts) {
        Ok(())
    } else if resolved.starts_with(&root) {
        Err("đi qua một liên kết tượng trưng (symlink), điều parindex không chấp nhận".to_owned())
    } else {
        // The target is not named: it is a path of the server, not of the set.
        Err("là liên kết tượng trưng (symlink) trỏ ra ngoài thư mục bộ tiêu chí".to_owned())
    }
}

/// Links parents and children by their dotted ids and returns the nodes in tree order.
fn arrange(
    source: &Source<'_>,
    written: Vec<Criterion>,
    id_columns: &[usize],
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
        let id_column = id_columns.get(i).copied().unwrap_or(1);
        if !valid_id(&c.id) {
            problems.push(
                Diagnostic::new(source.path, format!("mã tiêu chí `{}` viết sai", c.id))
                    .at(c.line, id_column)
                    .expected(
                        "các số nguyên dương ngăn nhau bởi dấu chấm, ví dụ `3`, `3.2` hoặc `3.2.1`",
                    ),
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
                        format!("tiêu chí `{}` không có tiêu chí cha `{parent}`", c.id),
                    )
                    .at(c.line, id_column)
                    .hint(format!("thêm một `[[criterion]]` có `id = \"{parent}\"`")),
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

struct RawFile {
    set: RawSet,
    rating: Vec<RawRating>,
    tables: BTreeMap<String, RawTable>,
    facts: BTreeMap<String, RawFact>,
    criterion: Vec<RawCriterion>,
}

/// Read as serde would derive it (`rating`, `tables`, `facts` and `criterion` may be left
/// out), except that a part that fails does not stop the others from being read, so that the
/// unknown keys of every part are reported with the first error. Inside one table serde stops
/// at the first error: a key written after a wrong value in the same table is reported once
/// the value is fixed.
impl<'de> Deserialize<'de> for RawFile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawFile;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("struct RawFile")
            }
            fn visit_map<A: de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let (mut set, mut rating, mut tables, mut facts, mut criterion) =
                    Default::default();
                let mut first = None;
                while let Some(key) = map.next_key::<String>()? {
                    let read = match key.as_str() {
                        "set" => map.next_value().map(|v| set = Some(v)),
                        "rating" => map.next_value().map(|v: Every<_>| rating = v.0),
                        "tables" => map.next_value().map(|v: EveryMap<_>| tables = v.0),
                        "facts" => map.next_value().map(|v: EveryMap<_>| facts = v.0),
                        "criterion" => map.next_value().map(|v: Every<_>| criterion = v.0),
                        _ => map.next_value::<de::IgnoredAny>().map(drop),
                    };
                    if let Err(e) = read {
                        first.get_or_insert(e);
                    }
                }
                if let Some(e) = first {
                    return Err(e);
                }
                Ok(RawFile {
                    set: set.ok_or_else(|| de::Error::missing_field("set"))?,
                    rating,
                    tables,
                    facts,
                    criterion,
                })
            }
        }
        const FIELDS: &[&str] = &["set", "rating", "tables", "facts", "criterion"];
        deserializer.deserialize_struct("RawFile", FIELDS, V)
    }
}

/// A list whose every entry is read even when one fails (the TOML deserializer moves on to the
/// next), so that the unknown keys of all of them are reported; the first error is the result.
struct Every<T>(Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Every<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Every<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let (mut items, mut first) = (Vec::new(), None);
                loop {
                    match seq.next_element() {
                        Ok(Some(item)) => items.push(item),
                        Ok(None) => break,
                        Err(e) => {
                            first.get_or_insert(e);
                        }
                    }
                }
                first.map_or(Ok(Every(items)), Err)
            }
        }
        deserializer.deserialize_seq(V(std::marker::PhantomData))
    }
}

/// [`Every`] for a table of named entries (`[tables.*]`, `[facts.*]`).
struct EveryMap<T>(BTreeMap<String, T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for EveryMap<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = EveryMap<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let (mut entries, mut first) = (BTreeMap::new(), None);
                while let Some(key) = map.next_key::<String>()? {
                    match map.next_value() {
                        Ok(entry) => {
                            entries.insert(key, entry);
                        }
                        Err(e) => {
                            first.get_or_insert(e);
                        }
                    }
                }
                first.map_or(Ok(EveryMap(entries)), Err)
            }
        }
        deserializer.deserialize_map(V(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
struct RawFact {
    label: String,
    #[serde(rename = "type")]
    kind: FactType,
}

#[derive(Deserialize)]
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
struct RawRegister {
    table: Spanned<String>,
    tags: Spanned<String>,
}

#[derive(Deserialize)]
struct RawRating {
    label: String,
    min: Spanned<ExactDecimal>,
}

#[derive(Deserialize)]
struct RawTable {
    title: String,
    file: Option<String>,
    key: Option<Spanned<String>>,
    subject: Option<Spanned<String>>,
    dated_by: Option<Spanned<String>>,
    window: Option<Window>,
    columns: Every<RawColumn>,
}

#[derive(Deserialize)]
struct RawColumn {
    id: Spanned<String>,
    #[serde(rename = "type")]
    kind: ColumnType,
    #[serde(default)]
    required: bool,
    #[serde(default)]
    labels: Vec<String>,
    #[serde(default)]
    values: Vec<String>,
    min: Option<ExactDecimal>,
    max: Option<ExactDecimal>,
}

#[derive(Deserialize)]
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
                f.write_str("một số thập phân, ví dụ 2.5 hoặc \"2.5\"")
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
                        "`{v}` không phải số thập phân chính xác; hãy viết số trong dấu ngoặc kép"
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

// --- Unknown keys and places ----------------------------------------------------------------

/// A step of a path into the document: a key, or an index into an array.
enum Step {
    Key(String),
    Index(usize),
}

/// The steps of a path `serde_ignored` names.
fn steps(path: &serde_ignored::Path<'_>) -> Vec<Step> {
    use serde_ignored::Path;
    let mut out = match path {
        Path::Root => return Vec::new(),
        Path::Seq { parent, .. }
        | Path::Map { parent, .. }
        | Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => steps(parent),
    };
    match path {
        Path::Seq { index, .. } => out.push(Step::Index(*index)),
        Path::Map { key, .. } => out.push(Step::Key(key.clone())),
        _ => {}
    }
    out
}

/// The keys the table at `path` is read with: the fields of its `Raw*` struct, as serde names
/// them.
fn known_keys(path: &[Step]) -> &'static [&'static str] {
    let keys: Vec<Option<&str>> = path
        .iter()
        .map(|step| match step {
            Step::Key(key) => Some(key.as_str()),
            Step::Index(_) => None,
        })
        .collect();
    match keys.as_slice() {
        [] => serde_introspect::<RawFile>(),
        [Some("set")] => serde_introspect::<RawSet>(),
        [Some("set"), Some("register")] => serde_introspect::<RawRegister>(),
        [Some("rating"), None] => serde_introspect::<RawRating>(),
        [Some("tables"), Some(_)] => serde_introspect::<RawTable>(),
        [Some("tables"), Some(_), Some("columns"), None] => serde_introspect::<RawColumn>(),
        [Some("facts"), Some(_)] => serde_introspect::<RawFact>(),
        [Some("criterion"), None] => serde_introspect::<RawCriterion>(),
        _ => &[],
    }
}

/// Where the key `name` of the table at `path` is written.
fn key_span(doc: &ImDocument<&str>, path: &[Step], name: &str) -> Option<Range<usize>> {
    let mut item = doc.as_item();
    for step in path {
        item = match step {
            Step::Key(key) => item.get(key.as_str())?,
            Step::Index(index) => item.get(*index)?,
        };
    }
    item.as_table_like()?.get_key_value(name)?.0.span()
}

/// The key at the end of `path`, which serde ignored: serde's `unknown field `x`, expected one
/// of …` in Vietnamese ([`vi_parser_message`]), at the key, with a guess.
fn unknown_key(source: &Source<'_>, doc: &ImDocument<&str>, path: &[Step]) -> Option<Diagnostic> {
    let (Step::Key(name), table) = path.split_last()? else {
        return None;
    };
    let known = known_keys(table);
    let message = vi_parser_message(
        "TOML",
        &<de::value::Error as de::Error>::unknown_field(name, known).to_string(),
    );
    let hint = match did_you_mean(name, known) {
        Some(k) => format!(
            "có phải ý bạn là `{k}`? các khóa dùng được ở đây có trong docs/criteria-format.md"
        ),
        None => "định dạng bộ tiêu chí không có khóa này; xem docs/criteria-format.md".to_owned(),
    };
    let d = match key_span(doc, table, name) {
        Some(span) => source.diagnostic(span, message),
        None => Diagnostic::new(source.path, message),
    };
    Some(d.hint(hint))
}

/// The closest of `known` to `word`: at most one edit per three characters (at least one),
/// counting a swap of two neighbours as one edit.
pub(crate) fn did_you_mean<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    let allowed = (word.chars().count() / 3).max(1);
    known
        .iter()
        .map(|k| (edit_distance(word, k), *k))
        .filter(|&(d, _)| d <= allowed)
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

/// Optimal-string-alignment distance (insertions, deletions, substitutions and swaps of two
/// neighbours), by characters, ignoring case.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// Where the tables, the register and the ratings are written, for the whole-set checks.
fn locations(source: &Source<'_>, doc: &ImDocument<&str>, raw: &RawFile) -> Locations {
    let place = |span: Range<usize>| Some(line_col(source.text, span.start));
    let value = |v: &Option<Spanned<String>>| v.as_ref().and_then(|v| place(v.span()));
    let names = doc.get("tables").and_then(toml_edit::Item::as_table_like);
    Locations {
        tables: raw
            .tables
            .iter()
            .map(|(name, t)| {
                let places = TablePlaces {
                    name: names
                        .and_then(|t| t.get_key_value(name)?.0.span())
                        .and_then(place),
                    key: value(&t.key),
                    subject: value(&t.subject),
                    dated_by: value(&t.dated_by),
                    columns: t.columns.0.iter().map(|c| place(c.id.span())).collect(),
                };
                (name.clone(), places)
            })
            .collect(),
        register_table: raw
            .set
            .register
            .as_ref()
            .and_then(|r| place(r.table.span())),
        register_tags: raw.set.register.as_ref().and_then(|r| place(r.tags.span())),
        ratings: raw.rating.iter().map(|r| place(r.min.span())).collect(),
    }
}
