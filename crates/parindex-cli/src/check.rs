//! `parindex check <criteria>`: every problem of a criteria set, each shown on its source line
//! with a caret and a hint, then a count.
//!
//! The problems come from [`parindex_core::check_criteria`]; this module only renders them,
//! through `codespan-reporting`, with no colours and no wrapping, so that the output is the
//! same on every terminal and in snapshots. Everything is said in Vietnamese, codespan's own
//! `error` header included (see [`vi_header`]).

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config};
use parindex_core::{check_criteria, Diagnostic, Files, FsFiles};

/// Checks the criteria set at `criteria` (a folder holding `criteria.toml`, or the file), prints
/// every problem and the count on standard output, and returns the number of problems: the
/// exit status is 0 when it is 0, else 1. Fails only when standard output cannot be written.
pub fn run(criteria: &Path) -> Result<usize, String> {
    let (text, count) = render(&FsFiles, criteria);
    crate::output::to_stdout(|out| out.write_all(text.as_bytes()))
        .map_err(|e| format!("không ghi được ra đầu ra chuẩn (stdout): {e}"))?;
    Ok(count)
}

/// The report of [`run`] as text, and the number of problems.
pub fn render(files: &dyn Files, criteria: &Path) -> (String, usize) {
    let problems = check_criteria(files, criteria);
    let config = Config::default();
    let mut sources: SimpleFiles<String, String> = SimpleFiles::new();
    let mut ids: HashMap<PathBuf, Option<usize>> = HashMap::new();
    let mut out = String::new();
    for d in &problems {
        let id = *ids.entry(d.path.clone()).or_insert_with(|| {
            let text = files
                .read(&d.path)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())?;
            Some(sources.add(d.path.display().to_string(), text))
        });
        let source = id.and_then(|id| sources.get(id).ok().map(|f| (id, f.source().as_str())));
        let report = to_report(d, source);
        match term::emit_into_string(&config, &sources, &report) {
            Ok(text) => out.push_str(&vi_header(&text)),
            // The file changed under us: the one-line form still says everything.
            Err(_) => {
                out.push_str(&d.to_string());
                out.push_str("\n\n");
            }
        }
    }
    out.push_str(&match problems.len() {
        0 => "không có lỗi nào\n".to_owned(),
        n => format!("{n} lỗi\n"),
    });
    (out, problems.len())
}

/// codespan heads a report with its severity in English (`error: …`), a word it does not let
/// one change: the head of the rendered report is replaced with `lỗi: …`.
fn vi_header(report: &str) -> String {
    match report.strip_prefix("error:") {
        Some(rest) => format!("lỗi:{rest}"),
        None => report.to_owned(),
    }
}

/// One problem as a codespan report: a caret under its place when the file and line are
/// known, then the column, value, what was expected, and the hint, each under its Vietnamese
/// label.
fn to_report(d: &Diagnostic, source: Option<(usize, &str)>) -> Report<usize> {
    let mut notes = Vec::new();
    let span = source.and_then(|(id, text)| Some((id, span_of(text, d.line?, d.column)?)));
    let mut report = Report::error().with_message(&d.message);
    match span {
        Some((id, range)) => report = report.with_labels(vec![Label::primary(id, range)]),
        None => {
            let mut place = d.path.display().to_string();
            if let Some(sheet) = &d.sheet {
                place.push_str(&format!("[{sheet}]"));
            }
            if let Some(line) = d.line {
                place.push_str(&format!(":{line}"));
                if let Some(column) = d.column {
                    place.push_str(&format!(":{column}"));
                }
            }
            notes.push(format!("tại {place}"));
        }
    }
    if let Some(name) = &d.column_name {
        notes.push(format!("cột: `{name}`"));
    }
    if let Some(value) = &d.value {
        notes.push(format!("giá trị: `{value}`"));
    }
    if let Some(expected) = &d.expected {
        notes.push(format!("cần: {expected}"));
    }
    if let Some(hint) = &d.hint {
        notes.push(format!("gợi ý: {hint}"));
    }
    report.with_notes(notes)
}

/// The bytes to underline: the token that starts at `column` (1-based, in characters) of
/// `line`, or the whole line's text when there is no column.
fn span_of(text: &str, line: usize, column: Option<usize>) -> Option<Range<usize>> {
    let mut start = 0;
    let mut content = None;
    let mut lines = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        lines = i + 1;
        if lines == line {
            content = Some(l.trim_end_matches(['\n', '\r']));
            break;
        }
        start += l.len();
    }
    let Some(content) = content else {
        // Just past the last line (an error at the end of the file).
        return (line == lines + 1).then_some(start..start);
    };
    match column {
        None => {
            let lead = content.len() - content.trim_start().len();
            Some(start + lead..start + content.trim_end().len())
        }
        Some(column) => {
            let at = content
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(content.len(), |(i, _)| i);
            let rest = content.get(at..).unwrap_or("");
            Some(start + at..start + at + token_len(rest))
        }
    }
}

/// The length in bytes of the token `rest` starts with: a quoted string, a name, a number, or
/// one character.
fn token_len(rest: &str) -> usize {
    let mut chars = rest.chars();
    let Some(first) = chars.next() else {
        return 0;
    };
    let end_of = |keep: &dyn Fn(char) -> bool, skip: usize| {
        rest.char_indices()
            .skip(skip)
            .find(|&(_, c)| !keep(c))
            .map_or(rest.len(), |(i, _)| i)
    };
    match first {
        '"' | '\'' => {
            let triple: String = [first; 3].iter().collect();
            if rest.starts_with(&triple) {
                return rest[3..].find(&triple).map_or(rest.len(), |i| 3 + i + 3);
            }
            let mut escaped = false;
            for (i, c) in rest.char_indices().skip(1) {
                if escaped {
                    escaped = false;
                } else if c == '\\' && first == '"' {
                    escaped = true;
                } else if c == first {
                    return i + c.len_utf8();
                }
            }
            rest.len()
        }
        c if c.is_ascii_digit() => end_of(&|c| c.is_ascii_digit() || c == '.' || c == '_', 0),
        '-' if chars.next().is_some_and(|c| c.is_ascii_digit()) => {
            end_of(&|c| c.is_ascii_digit() || c == '.' || c == '_', 1)
        }
        c if c.is_alphanumeric() || c == '_' => end_of(&|c| c.is_alphanumeric() || c == '_', 0),
        c => c.len_utf8(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parindex_core::MemoryFiles;

    /// The workspace root: the cases are named by paths relative to it, as a user in that
    /// folder would give them.
    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    fn add_dir(files: &mut MemoryFiles, rel: &Path) {
        let Ok(entries) = std::fs::read_dir(root().join(rel)) else {
            return;
        };
        for entry in entries.flatten() {
            let rel = rel.join(entry.file_name());
            if entry.path().is_dir() {
                add_dir(files, &rel);
            } else if let Ok(bytes) = std::fs::read(entry.path()) {
                files.insert(rel, bytes);
            }
        }
    }

    fn check(case: &str) -> String {
        let path = Path::new("tests/check-cases").join(case);
        let mut files = MemoryFiles::new();
        add_dir(&mut files, &path);
        let (text, count) = render(&files, &path);
        format!("số lỗi: {count}\n{text}")
    }

    #[test]
    fn duplicate_id() {
        insta::assert_snapshot!(check("duplicate-id"));
    }

    #[test]
    fn malformed_id() {
        insta::assert_snapshot!(check("malformed-id"));
    }

    #[test]
    fn parent_sum() {
        insta::assert_snapshot!(check("parent-sum"));
    }

    #[test]
    fn unknown_keys() {
        insta::assert_snapshot!(check("unknown-keys"));
    }

    #[test]
    fn undeclared_table() {
        insta::assert_snapshot!(check("undeclared-table"));
    }

    #[test]
    fn undeclared_column() {
        insta::assert_snapshot!(check("undeclared-column"));
    }

    #[test]
    fn rhai_syntax_inline() {
        insta::assert_snapshot!(check("rhai-syntax-inline"));
    }

    #[test]
    fn rhai_syntax_file() {
        insta::assert_snapshot!(check("rhai-syntax-file"));
    }

    #[test]
    fn bands_overlap() {
        insta::assert_snapshot!(check("bands-overlap"));
    }

    #[test]
    fn points_above_max() {
        insta::assert_snapshot!(check("points-above-max"));
    }

    #[test]
    fn toml_syntax() {
        insta::assert_snapshot!(check("toml-syntax"));
    }

    #[test]
    fn valid() {
        assert_eq!(check("valid"), "số lỗi: 0\nkhông có lỗi nào\n");
    }

    #[test]
    fn missing_folder() {
        let (text, count) = render(&MemoryFiles::new(), Path::new("nowhere/criteria.toml"));
        assert_eq!(count, 1);
        insta::assert_snapshot!(text);
    }

    #[test]
    fn the_reference_set_has_no_problems() {
        let path = Path::new("criteria/nghe-an-2026-so");
        let mut files = MemoryFiles::new();
        add_dir(&mut files, path);
        let (text, count) = render(&files, path);
        assert_eq!(count, 0, "{text}");
    }

    #[test]
    fn carets_cover_the_token() {
        let text = "a = 1\nweight = \"x\" # c\nrule = '''\nbands(-0.5, [])'''\n";
        assert_eq!(span_of(text, 2, Some(1)), Some(6..12));
        assert_eq!(span_of(text, 2, Some(10)), Some(15..18));
        assert_eq!(span_of(text, 3, Some(8)), Some(30..33));
        assert_eq!(span_of(text, 4, Some(7)), Some(40..44));
        assert_eq!(span_of(text, 2, None), Some(6..22));
        assert_eq!(span_of(text, 5, Some(1)), Some(53..53));
        assert_eq!(span_of(text, 9, Some(1)), None);
    }
}
