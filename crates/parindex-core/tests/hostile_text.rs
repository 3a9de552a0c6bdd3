//! Hostile text in evidence, as a red team sent it (issue "Hostile input, round two", items 8,
//! 9, 10 and the messages of 13): one bad byte in a UTF-8 file, dates with trailing text,
//! terminal escapes and invisible characters, files an officer wrote by hand. Each is refused
//! with a message that names the place, shows the value safely and says what to do — the same
//! whether the unit is a folder or one of a province's streamed exports.

mod common;

use std::path::{Path, PathBuf};

use common::{example, province, try_score};
use parindex_core::date::parse_date;
use parindex_core::{
    load_criteria, CompiledCriteria, Diagnostic, Error, Files, FsFiles, MemoryFiles, ReadOptions,
    Report,
};

const UNIT: &str = "fixtures/skhcn-2026";

fn read(files: &MemoryFiles, name: &str) -> Vec<u8> {
    files
        .read(&Path::new(UNIT).join(name))
        .expect("a file of the example")
}

fn put(files: &mut MemoryFiles, name: &str, bytes: impl Into<Vec<u8>>) {
    files.insert(Path::new(UNIT).join(name), bytes);
}

/// The evidence problems of a run that must be refused, and their printed form.
fn refused(result: Result<Report, Error>) -> (Vec<Diagnostic>, String) {
    match result {
        Err(e @ Error::Evidence(_)) => (e.diagnostics().to_vec(), e.to_string()),
        Err(other) => panic!("an evidence error, not {other}"),
        Ok(_) => panic!("the evidence must be refused"),
    }
}

/// The example with `documents.csv`'s line `line` (1-based) changed by `edit`.
fn edit_line(files: &mut MemoryFiles, table: &str, line: usize, edit: impl Fn(&str) -> String) {
    let text = String::from_utf8(read(files, table)).expect("utf-8");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[line - 1] = edit(&lines[line - 1]);
    put(files, table, lines.join("\n") + "\n");
}

// --- 8. One bad byte does not turn a UTF-8 file into Windows-1258 -------------------------

#[test]
fn one_bad_byte_in_a_utf8_register_is_an_error_at_its_line_and_offset() {
    let mut files = example();
    let mut bytes = read(&files, "documents.csv");
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    assert!(!text.is_ascii(), "the register holds Vietnamese subjects");
    // A lone 0xC3 at the start of line 4.
    let at = text.match_indices('\n').nth(2).expect("four lines").0 + 1;
    bytes.insert(at, 0xC3);
    put(&mut files, "documents.csv", bytes);
    let (problems, message) = refused(try_score(&files));
    let d = &problems[0];
    assert_eq!(d.path, Path::new(UNIT).join("documents.csv"), "{message}");
    assert_eq!(d.line, Some(4), "{message}");
    assert!(message.contains(&format!("byte thứ {at}")), "{message}");
    assert_eq!(d.value.as_deref(), Some("0xC3"), "{message}");
    assert!(message.contains("--encoding"), "{message}");
}

#[test]
fn the_windows_1258_example_is_still_detected() {
    // The shipped Windows-1258 copy of the example scores as the UTF-8 one does.
    let mut files = example();
    let cp1258 = common::root().join("fixtures/skhcn-2026-cp1258");
    for path in FsFiles.list(&cp1258).expect("listing") {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".csv") {
            put(&mut files, &name, std::fs::read(&path).expect("file"));
        }
    }
    let report = try_score(&files).expect("the Windows-1258 copy scores");
    let utf8 = try_score(&example()).expect("the example scores");
    assert_eq!(report.total.points, utf8.total.points);
}

fn score_exports(files: &MemoryFiles) -> Result<Vec<Report>, Error> {
    let set = load_criteria(files, Path::new("criteria"))?;
    let criteria = CompiledCriteria::compile(set)?;
    let as_of = criteria.default_as_of().expect("a year end");
    criteria.score_province(files, Path::new("exports"), as_of, &ReadOptions::default())
}

#[test]
fn one_bad_byte_in_a_streamed_export_is_the_same_error() {
    let mut files = province();
    let path = PathBuf::from("exports/documents.csv");
    let mut bytes = files.read(&path).expect("documents");
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    assert!(!text.is_ascii());
    let at = text.match_indices('\n').nth(9).expect("lines").0 + 1;
    bytes.insert(at, 0xC3);
    files.insert(path.clone(), bytes);
    let message = match score_exports(&files) {
        Err(e @ Error::Evidence(_)) => e.to_string(),
        Err(other) => panic!("an evidence error, not {other}"),
        Ok(_) => panic!("the export must be refused"),
    };
    assert!(
        message.contains("exports/documents.csv:11:"),
        "line 11 named: {message}"
    );
    assert!(message.contains("--encoding"), "{message}");
}

// --- 9. Only the documented date forms ----------------------------------------------------

#[test]
fn a_date_with_trailing_text_is_refused() {
    for bad in [
        "09/01/2026 - 19/01/2026",
        "21/01/2026 25:61",
        "20/01/2026 rồi",
    ] {
        let mut files = example();
        // documents.csv line 2: so_ky_hieu, ngay_ban_hanh, …
        edit_line(&mut files, "documents.csv", 2, |l| {
            let mut cells: Vec<String> = l.split(',').map(str::to_owned).collect();
            cells[1] = bad.to_owned();
            cells.join(",")
        });
        let (problems, message) = refused(try_score(&files));
        let d = &problems[0];
        assert_eq!(
            (d.line, d.value.as_deref()),
            (Some(2), Some(bad)),
            "{message}"
        );
    }
    // The as-of date of the CLI and of a replayed report use the same reading.
    assert!(parse_date("31/12/2026 garbage").is_none());
    assert!(parse_date("31/12/2026").is_some());
    assert!(parse_date("31/12/2026 23:59:59").is_some());
}

#[test]
fn a_day_that_does_not_exist_is_named_as_such() {
    let mut files = example();
    edit_line(&mut files, "documents.csv", 2, |l| {
        let mut cells: Vec<String> = l.split(',').map(str::to_owned).collect();
        cells[1] = "29/02/2026".to_owned();
        cells.join(",")
    });
    let (problems, message) = refused(try_score(&files));
    let expected = problems[0].expected.clone().unwrap_or_default();
    assert!(expected.contains("không tồn tại"), "{message}");
}

// --- 10. Terminal escapes and invisible characters are shown escaped ----------------------

#[test]
fn a_terminal_escape_in_a_cell_is_escaped_in_the_message() {
    let mut files = example();
    edit_line(&mut files, "documents.csv", 2, |l| {
        let mut cells: Vec<String> = l.split(',').map(str::to_owned).collect();
        cells[1] = "\u{1b}[2J\u{1b}[1;1Hxong".to_owned();
        cells.join(",")
    });
    let (_, message) = refused(try_score(&files));
    assert!(!message.contains('\u{1b}'), "raw ESC in {message:?}");
    assert!(message.contains("<U+001B>[2J"), "{message}");
}

#[test]
fn an_invisible_character_in_a_header_is_shown() {
    let mut files = example();
    edit_line(&mut files, "documents.csv", 1, |l| {
        l.replacen("ngay_ban_hanh", "ngay\u{200B}_ban_hanh", 1)
    });
    let (_, message) = refused(try_score(&files));
    assert!(message.contains("ngay<U+200B>_ban_hanh"), "{message}");
    assert!(!message.contains('\u{200B}'), "{message:?}");
}

// --- 13. Messages an officer can read ----------------------------------------------------

#[test]
fn utf16_without_a_byte_order_mark_suggests_the_encoding() {
    let mut files = example();
    let text = String::from_utf8(read(&files, "reports.csv")).expect("utf-8");
    let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    put(&mut files, "reports.csv", utf16);
    let (problems, message) = refused(try_score(&files));
    assert_eq!(problems[0].path, Path::new(UNIT).join("reports.csv"));
    assert!(message.contains("--encoding utf-16le"), "{message}");
    assert!(!message.contains('\0'), "raw NULs in {message:?}");
}

#[test]
fn an_ascii_utf16_export_without_a_byte_order_mark_suggests_the_encoding_when_streamed() {
    let mut files = province();
    let path = PathBuf::from("exports/dossiers.csv");
    let text = String::from_utf8(files.read(&path).expect("dossiers")).expect("utf-8");
    assert!(
        text.is_ascii(),
        "UTF-16 of ASCII is valid UTF-8: the streamed path"
    );
    files.insert(
        path,
        text.encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect::<Vec<u8>>(),
    );
    let message = match score_exports(&files) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("the export must be refused"),
    };
    assert!(message.contains("--encoding utf-16le"), "{message}");
    assert!(!message.contains('\0'), "raw NULs in {message:?}");
}

#[test]
fn a_toml_syntax_error_in_facts_is_told_in_vietnamese() {
    let mut files = example();
    let facts = String::from_utf8(read(&files, "facts.toml")).expect("utf-8");
    put(
        &mut files,
        "facts.toml",
        format!("{facts}\nso_lieu_quen_dau_bang\n"),
    );
    let (problems, message) = refused(try_score(&files));
    let d = &problems[0];
    assert_eq!(d.path, Path::new(UNIT).join("facts.toml"));
    assert!(d.line.is_some(), "{message}");
    assert!(message.contains("cần dấu `=`"), "{message}");
    assert!(!message.contains("expected `.`"), "{message}");
}

#[test]
fn a_unit_without_code_or_name_is_refused() {
    for (key, blank) in [("code", "code = \"\""), ("name", "name = \"  \"")] {
        let mut files = example();
        let unit = String::from_utf8(read(&files, "unit.toml")).expect("utf-8");
        let lines: Vec<String> = unit
            .lines()
            .map(|l| {
                if l.starts_with(&format!("{key} ")) || l.starts_with(&format!("{key}=")) {
                    blank.to_owned()
                } else {
                    l.to_owned()
                }
            })
            .collect();
        put(&mut files, "unit.toml", lines.join("\n") + "\n");
        let (problems, message) = refused(try_score(&files));
        assert_eq!(problems[0].path, Path::new(UNIT).join("unit.toml"));
        assert!(message.contains(&format!("`{key}`")), "{message}");
    }
}
