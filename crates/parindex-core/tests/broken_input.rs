//! Broken and hostile input files get clear errors, never panics: each test names the error kind
//! and checks that the message points at the file, line and value. The inputs the fuzzers found
//! (`fuzz/regressions/<target>/`) and their seeds (`fuzz/seeds/<target>/`) are replayed here
//! through the fuzz entry points of `fuzz/harness.rs`.

use std::path::{Path, PathBuf};

use parindex_core::criteria::CriteriaSet;
use parindex_core::evidence::TextEncoding;
use parindex_core::report::{EvidenceRef, Status};
use parindex_core::{
    load_criteria, CompiledCriteria, Diagnostic, Error, Evidence, Files, FsFiles, MemoryFiles,
    ReadOptions, Report,
};
use rust_decimal::Decimal;

#[path = "../../../fuzz/harness.rs"]
mod harness;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

// --- Fuzz regressions --------------------------------------------------------------------------

/// Every file under `fuzz/regressions/<target>/` and `fuzz/seeds/<target>/`, by target.
fn fuzz_inputs() -> Vec<(&'static str, PathBuf)> {
    let mut out = Vec::new();
    for target in harness::TARGETS {
        for kind in ["regressions", "seeds"] {
            let dir = root().join("fuzz").join(kind).join(target);
            let Ok(files) = FsFiles.list(&dir) else {
                continue;
            };
            out.extend(files.into_iter().map(|f| (target, f)));
        }
    }
    out
}

#[test]
fn fuzz_regressions_and_seeds_replay_without_panics() {
    let inputs = fuzz_inputs();
    assert!(
        inputs.iter().any(|(t, _)| *t == "rule_eval"),
        "the fuzz seeds are found"
    );
    let mut failed = Vec::new();
    for (target, path) in &inputs {
        let bytes = std::fs::read(path).expect("fuzz input");
        let result = std::panic::catch_unwind(|| harness::run(target, &bytes));
        match result {
            Ok(true) => {}
            Ok(false) => failed.push(format!("{}: unknown target {target}", path.display())),
            Err(_) => failed.push(format!("{}: panicked", path.display())),
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn the_fuzz_harness_scores_its_fixed_unit_without_errors() {
    // The evidence and rule targets only reach the scoring when the fixed set and unit read: a
    // mistake in them would leave the fuzzers testing error paths alone.
    let mut files = MemoryFiles::new();
    files.insert("set/criteria.toml", harness::FIXED_SET);
    files.insert("set/rule.rhai", harness::RULE);
    files.insert("u/unit.toml", harness::UNIT);
    files.insert("u/documents.csv", harness::DOCUMENTS_CSV);
    files.insert("u/facts.toml", harness::FACTS_TOML);
    files.insert("u/survey.csv", harness::SURVEY_CSV);
    let set = load_criteria(&files, Path::new("set")).expect("the fixed set loads");
    let criteria = CompiledCriteria::compile(set).expect("the fixed set compiles");
    let as_of = criteria.default_as_of().expect("date");
    let report = criteria
        .score_unit(&files, Path::new("u"), as_of, &ReadOptions::default())
        .expect("the unit reads");
    harness::check_report(criteria.criteria(), &report);
    for node in report.nodes.iter().filter(|n| n.is_leaf()) {
        assert!(
            matches!(node.status, Status::Scored | Status::NotApplicable),
            "{}: {:?} {}",
            node.id,
            node.status,
            node.explanation
        );
    }
}

// --- Helpers -----------------------------------------------------------------------------------

/// The fuzz harness's small set: a documents table of every column type, facts, a penalty row.
fn small() -> CompiledCriteria {
    let mut files = MemoryFiles::new();
    files.insert("set/criteria.toml", harness::FIXED_SET);
    files.insert("set/rule.rhai", harness::RULE);
    let set = load_criteria(&files, Path::new("set")).expect("the small set loads");
    CompiledCriteria::compile(set).expect("the small set compiles")
}

fn unit_with(name: &str, bytes: impl Into<Vec<u8>>) -> MemoryFiles {
    let mut files = MemoryFiles::new();
    files.insert("u/unit.toml", harness::UNIT);
    files.insert(format!("u/{name}"), bytes);
    files
}

/// Reads `u/` with the small set as the product does, for scoring at the set's year end.
fn read_small_with(files: &MemoryFiles, options: &ReadOptions<'_>) -> Result<Evidence, Error> {
    let criteria = small();
    let as_of = criteria.default_as_of().expect("a year end");
    criteria.read_unit(files, Path::new("u"), as_of, options)
}

fn read_small(files: &MemoryFiles) -> Result<Evidence, Error> {
    read_small_with(files, &ReadOptions::default())
}

/// Reads and scores `u/` with the small set at the set's year end.
fn score_small(files: &MemoryFiles) -> Result<Report, Error> {
    let criteria = small();
    let as_of = criteria.default_as_of().expect("a year end");
    criteria.score_unit(files, Path::new("u"), as_of, &ReadOptions::default())
}

/// The diagnostics of an evidence error; panics on anything else.
fn evidence_error(result: Result<Evidence, Error>) -> (Vec<Diagnostic>, String) {
    match result {
        Err(e @ Error::Evidence(_)) => (e.diagnostics().to_vec(), e.to_string()),
        Err(other) => panic!("expected Error::Evidence, got {other:?}"),
        Ok(_) => panic!("expected Error::Evidence, got evidence"),
    }
}

/// The diagnostics of a criteria error; panics on anything else.
fn criteria_error<T: std::fmt::Debug>(result: Result<T, Error>) -> (Vec<Diagnostic>, String) {
    match result {
        Err(e @ Error::Criteria(_)) => (e.diagnostics().to_vec(), e.to_string()),
        Err(other) => panic!("expected Error::Criteria, got {other:?}"),
        Ok(v) => panic!("expected Error::Criteria, got {v:?}"),
    }
}

/// Deterministic bytes that are neither text nor any known format.
fn garbage(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed;
    (0..len)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 56) as u8
        })
        .collect()
}

const HEADER: &str = "so_ky_hieu,ngay_ban_hanh,nhom,so_trang";

// --- Evidence files ----------------------------------------------------------------------------

#[test]
fn a_multi_megabyte_single_line_reads_and_a_bad_one_is_reported_briefly() {
    // The reader has no line-length limit beyond memory: a file is read whole, decoded, then
    // parsed (a 1 GB line needs a few GB). A few MB stand in for the 1 GB line here.
    let long = "A".repeat(4 << 20);
    let files = unit_with(
        "documents.csv",
        format!("{HEADER}\n{long},20/01/2026,ke-hoach,3\n"),
    );
    let report = score_small(&files).expect("a long text cell reads");
    // The record's number is the whole long text: the CCHC plan of row 1.1 is that record.
    let numbers: Vec<&str> = report
        .node("1.1")
        .expect("row 1.1")
        .evidence
        .iter()
        .filter_map(|e| match e {
            EvidenceRef::Document { number, .. } => Some(number.as_str()),
            _ => None,
        })
        .collect();
    let lengths: Vec<usize> = numbers.iter().map(|n| n.len()).collect();
    assert!(numbers == [long.as_str()], "numbers of {lengths:?} bytes");

    // The same line in a date column is one bad value, and the message does not repeat it whole.
    let files = unit_with(
        "documents.csv",
        format!("{HEADER}\n15/KH-U,{long},ke-hoach,3\n"),
    );
    let (diagnostics, text) = evidence_error(read_small(&files));
    let d = &diagnostics[0];
    assert_eq!(d.path, Path::new("u/documents.csv"));
    assert_eq!((d.line, d.column), (Some(2), Some(2)));
    assert_eq!(d.column_name.as_deref(), Some("ngay_ban_hanh"));
    assert!(d.value.as_deref().is_some_and(|v| v.starts_with("AAAA")));
    assert!(text.len() < 2_000, "a {} byte message", text.len());

    // A file that is one 4 MB line without a line break: a header and no required column.
    let files = unit_with("documents.csv", long);
    let (diagnostics, text) = evidence_error(read_small(&files));
    assert!(
        diagnostics
            .iter()
            .all(|d| d.path == Path::new("u/documents.csv")
                && d.line == Some(1)
                && d.message.contains("thiếu cột bắt buộc")),
        "{text:.500}"
    );
    assert!(text.len() < 4_000, "a {} byte message", text.len());
}

#[test]
fn binary_garbage_as_csv_is_an_evidence_error_naming_the_file() {
    let files = unit_with("documents.csv", garbage(64 << 10, 7));
    let (diagnostics, text) = evidence_error(read_small(&files));
    assert!(!diagnostics.is_empty());
    for d in &diagnostics {
        assert_eq!(d.path, Path::new("u/documents.csv"), "{text:.500}");
        assert!(d.line.is_some(), "{text:.500}");
    }
    assert!(text.len() < 20_000, "a {} byte message", text.len());

    // Forced to UTF-8, the first invalid byte's line is named.
    let forced = ReadOptions {
        encoding: TextEncoding::Utf8,
        ..ReadOptions::default()
    };
    let mut bytes = format!("{HEADER}\n15/KH-U,20/01/2026,ke-hoach,3\n").into_bytes();
    bytes.extend(garbage(100, 3));
    let files = unit_with("documents.csv", bytes);
    let (diagnostics, _) = evidence_error(read_small_with(&files, &forced));
    assert_eq!(diagnostics[0].path, Path::new("u/documents.csv"));
    assert_eq!(diagnostics[0].line, Some(3));
    assert!(diagnostics[0]
        .message
        .contains("không phải văn bản utf-8 hợp lệ"));
}

#[test]
fn binary_garbage_as_a_workbook_is_an_evidence_error_naming_the_file() {
    for (name, bytes) in [
        ("documents.xlsx", garbage(10_000, 11)),
        // A ZIP signature followed by garbage.
        (
            "documents.xlsx",
            [b"PK\x03\x04".as_slice(), &garbage(5_000, 5)].concat(),
        ),
        // An OLE (xls) signature followed by garbage.
        (
            "documents.xls",
            [
                b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".as_slice(),
                &garbage(5_000, 9),
            ]
            .concat(),
        ),
        ("documents.ods", Vec::new()),
    ] {
        let files = unit_with(name, bytes);
        let (diagnostics, text) = evidence_error(read_small(&files));
        let d = &diagnostics[0];
        assert_eq!(d.path, Path::new("u").join(name), "{text}");
        assert!(d.message.contains("không đọc được tệp bảng tính"), "{text}");
        assert_eq!(d.expected.as_deref(), Some("tệp .xlsx, .xls hoặc .ods"));
    }
}

#[test]
fn a_truncated_workbook_is_an_evidence_error() {
    let whole = std::fs::read(root().join("fuzz/seeds/evidence_xlsx/fixed-deflated.xlsx"))
        .expect("xlsx seed");
    read_small(&unit_with("documents.xlsx", whole.clone())).expect("the whole workbook reads");
    for len in [whole.len() / 2, whole.len() - 30, 100] {
        let files = unit_with("documents.xlsx", whole[..len].to_vec());
        let (diagnostics, text) = evidence_error(read_small(&files));
        assert_eq!(diagnostics[0].path, Path::new("u/documents.xlsx"), "{text}");
    }
}

#[test]
fn a_stray_cell_far_from_the_table_is_an_error_not_an_abort() {
    // calamine builds the whole rectangle from A1 to the last cell: XFD1048576 is 17 billion
    // cells, an allocation that aborts the process. The reader measures the sheet first.
    let files = unit_with(
        "documents.xlsx",
        std::fs::read(root().join("fuzz/regressions/evidence_xlsx/stray-cell-at-xfd1048576.xlsx"))
            .expect("regression input"),
    );
    let (diagnostics, text) = evidence_error(read_small(&files));
    let d = &diagnostics[0];
    assert_eq!(d.path, Path::new("u/documents.xlsx"));
    assert_eq!(d.sheet.as_deref(), Some("documents"));
    assert!(d.message.contains("1048576 dòng × 16384 cột"), "{text}");
    assert!(d
        .hint
        .as_deref()
        .is_some_and(|h| h.contains("xóa các ô thừa")));
}

#[test]
fn a_cell_reference_that_overflows_is_an_error_not_a_panic() {
    // `A6294967296` overflows calamine's row number: a panic under overflow checks (debug
    // builds), a wrapped number otherwise. The reader refuses a row or column beyond Excel's
    // sheet before calamine reads it (issue 18).
    for name in ["row-6294967296.xlsx", "cell-reference-overflow.xlsx"] {
        let bytes = std::fs::read(root().join("fuzz/regressions/evidence_xlsx").join(name))
            .expect("regression input");
        let (diagnostics, text) = evidence_error(read_small(&unit_with("documents.xlsx", bytes)));
        assert_eq!(diagnostics[0].path, Path::new("u/documents.xlsx"), "{text}");
        assert!(diagnostics[0].message.contains("vượt quá"), "{text}");
    }
}

#[test]
fn ragged_rows_name_the_line_and_the_field_counts() {
    let files = unit_with(
        "documents.csv",
        format!("{HEADER}\n15/KH-U,20/01/2026,ke-hoach,3\n16/KH-U,21/01/2026\n"),
    );
    let (diagnostics, text) = evidence_error(read_small(&files));
    let d = &diagnostics[0];
    assert_eq!(d.path, Path::new("u/documents.csv"));
    assert_eq!(d.line, Some(3), "{text}");
    assert!(
        d.message
            .contains("dòng có 2 ô trong khi dòng tiêu đề có 4 cột"),
        "{text}"
    );

    let files = unit_with(
        "documents.csv",
        format!("{HEADER}\n15/KH-U,20/01/2026,ke-hoach,3,extra,more\n"),
    );
    let (diagnostics, text) = evidence_error(read_small(&files));
    assert_eq!(diagnostics[0].line, Some(2), "{text}");
    assert!(
        diagnostics[0]
            .message
            .contains("dòng có 6 ô trong khi dòng tiêu đề có 4 cột"),
        "{text}"
    );
}

#[test]
fn the_31st_of_february_is_a_bad_date_with_its_place() {
    let files = unit_with(
        "documents.csv",
        format!("{HEADER}\n15/KH-U,20/01/2026,ke-hoach,3\n16/KH-U,31/02/2026,ke-hoach,1\n"),
    );
    let (diagnostics, text) = evidence_error(read_small(&files));
    assert_eq!(diagnostics.len(), 1, "{text}");
    let d = &diagnostics[0];
    assert_eq!(d.path, Path::new("u/documents.csv"));
    assert_eq!((d.line, d.column), (Some(3), Some(2)));
    assert_eq!(d.column_name.as_deref(), Some("ngay_ban_hanh"));
    assert_eq!(d.value.as_deref(), Some("31/02/2026"));
    assert!(d
        .expected
        .as_deref()
        .is_some_and(|e| e.contains("dd/mm/yyyy")));
    assert!(
        text.contains("u/documents.csv:3:2") && text.contains("31/02/2026"),
        "{text}"
    );
}

#[test]
fn a_count_too_large_for_an_integer_is_a_bad_value() {
    let files = unit_with(
        "documents.csv",
        format!("{HEADER}\n15/KH-U,20/01/2026,ke-hoach,99999999999999999999\n"),
    );
    let (diagnostics, text) = evidence_error(read_small(&files));
    let d = &diagnostics[0];
    assert_eq!((d.line, d.column), (Some(2), Some(4)), "{text}");
    assert_eq!(d.value.as_deref(), Some("99999999999999999999"));
    assert_eq!(d.expected.as_deref(), Some("số nguyên"));
}

#[test]
fn garbage_as_facts_toml_is_an_evidence_error_naming_the_file() {
    for bytes in [
        garbage(2_000, 13),
        b"tuyen_truyen_hoan_thanh = \n".to_vec(),
        b"[a]\nvalue = 1\n[a]\nvalue = 2\n".to_vec(),
        b"x = 1e400\n".to_vec(),
    ] {
        let files = unit_with("facts.toml", bytes);
        let (diagnostics, text) = evidence_error(read_small(&files));
        assert_eq!(diagnostics[0].path, Path::new("u/facts.toml"), "{text}");
        assert!(diagnostics[0].line.is_some(), "{text}");
    }
}

// --- The reference set: counts and ratios the rules read -----------------------------------------

/// The reference set with `fixtures/skhcn-2026` in memory, `edit` applied to the evidence.
fn reference_with(edit: impl FnOnce(&mut MemoryFiles)) -> Result<Report, Error> {
    let mut files = MemoryFiles::new();
    let criteria = root().join("criteria/nghe-an-2026-so/criteria.toml");
    files.insert(
        "set/criteria.toml",
        std::fs::read(criteria).expect("criteria"),
    );
    let dir = root().join("fixtures/skhcn-2026");
    for path in FsFiles.list(&dir).expect("fixture") {
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        if !name.starts_with("expected") {
            files.insert(format!("u/{name}"), std::fs::read(&path).expect("file"));
        }
    }
    edit(&mut files);
    let set = load_criteria(&files, Path::new("set"))?;
    let criteria = CompiledCriteria::compile(set)?;
    let as_of = criteria.default_as_of().expect("date");
    criteria.score_unit(&files, Path::new("u"), as_of, &ReadOptions::default())
}

fn replace_in(files: &mut MemoryFiles, path: &str, from: &str, to: &str) {
    let text = String::from_utf8(files.read(Path::new(path)).expect("file")).expect("utf-8");
    assert!(text.contains(from), "{path} holds `{from}`");
    files.insert(path, text.replacen(from, to, 1));
}

const INSPECTIONS: &str = "don_vi,ngay,so_ky_hieu,so_van_de,so_van_de_da_xu_ly\n";

#[test]
fn a_negative_count_is_an_evidence_error() {
    let result = reference_with(|files| {
        files.insert(
            "u/inspections.csv",
            format!("{INSPECTIONS}Trung tâm A,15/06/2026,1/KT,-1,-5\n"),
        );
    });
    match result {
        Err(e @ Error::Evidence(_)) => {
            let d = &e.diagnostics()[0];
            assert_eq!(d.path, Path::new("u/inspections.csv"));
            assert_eq!(d.line, Some(2));
            assert_eq!(d.value.as_deref(), Some("-1"));
        }
        other => panic!("expected an evidence error, got {other:?}"),
    }
}

#[test]
fn a_numerator_above_its_denominator_in_facts_is_the_100_percent_band() {
    // 12 of 10 planned items done. The reference says a ratio's "100%" band is r ≥ 1, so row
    // 1.4.2 earns its max, and the report shows the fraction as written (12/10, 120%) for the
    // appraiser to see.
    let report = reference_with(|files| {
        replace_in(
            files,
            "u/facts.toml",
            "[tuyen_truyen_hoan_thanh]\nvalue = 9\n",
            "[tuyen_truyen_hoan_thanh]\nvalue = 12\n",
        );
    })
    .expect("scores");
    let row = report.node("1.4.2").expect("1.4.2");
    assert_eq!(row.status, Status::Scored);
    assert_eq!(row.points, row.max, "{}", row.explanation);
    let measure = row
        .measure
        .as_ref()
        .expect("the ratio is the row's measure");
    assert_eq!(
        (measure.numerator, measure.denominator),
        (Decimal::from(12), Decimal::from(10))
    );
    assert!(row.explanation.contains("12/10"), "{}", row.explanation);
}

// --- Criteria files ------------------------------------------------------------------------------

const SET_HEAD: &str = "[set]\nid = \"s\"\ntitle = \"S\"\nprovince = \"Nghệ An\"\nyear = 2026\n\
unit_group = \"so\"\nnot_arising = \"exclude\"\n\n[[rating]]\nlabel = \"Đạt\"\nmin = 0\n\n\
[tables.items]\ntitle = \"Items\"\ncolumns = [{ id = \"n\", type = \"integer\", required = true }]\n\n\
[[criterion]]\nid = \"1\"\ntitle = \"Field\"\nmax = 1\n\n\
[[criterion]]\nid = \"1.1\"\ntitle = \"Row\"\nmax = 1\nmethod = \"self\"\nreads = [\"items\"]\n";

fn load_text(text: impl Into<Vec<u8>>) -> Result<CriteriaSet, Error> {
    let mut files = MemoryFiles::new();
    files.insert("set/criteria.toml", text);
    files.insert("set/rule.rhai", "1");
    load_criteria(&files, Path::new("set"))
}

#[test]
fn an_empty_criteria_file_is_a_criteria_error_naming_the_file() {
    for text in ["", "\n\n", "# only a comment\n", "\u{feff}"] {
        let (diagnostics, message) = criteria_error(load_text(text));
        assert!(!diagnostics.is_empty());
        assert_eq!(
            diagnostics[0].path,
            Path::new("set/criteria.toml"),
            "{message}"
        );
        assert!(message.contains("set"), "{message}");
    }
}

#[test]
fn a_criteria_file_that_is_its_own_rule_file_is_refused() {
    for name in ["criteria.toml", "./criteria.toml"] {
        let text = format!("{SET_HEAD}rule_file = \"{name}\"\n");
        let (diagnostics, message) = criteria_error(load_text(text.as_str()));
        let line = text.lines().count();
        let d = diagnostics
            .iter()
            .find(|d| d.message.contains("chính là tệp bộ tiêu chí"))
            .unwrap_or_else(|| panic!("{message}"));
        assert_eq!(d.path, Path::new("set/criteria.toml"));
        assert_eq!(d.line, Some(line), "{message}");
        assert!(d.message.contains(name), "{message}");
    }
    // Reached by another path, it is read as a rule, which does not compile: an error, no loop
    // (rule files include nothing).
    let text = format!("{SET_HEAD}rule_file = \"../set/criteria.toml\"\n");
    let compiled = load_text(text).and_then(CompiledCriteria::compile);
    let (diagnostics, message) = criteria_error(compiled);
    assert!(
        diagnostics
            .iter()
            .any(|d| d.path.ends_with("criteria.toml") && d.line.is_some()),
        "{message}"
    );
}

#[test]
fn a_byte_order_mark_in_criteria_toml_is_accepted() {
    let text = format!("{SET_HEAD}rule_file = \"rule.rhai\"\n");
    let plain = load_text(text.as_str()).expect("loads without a BOM");
    let with_bom = load_text(format!("\u{feff}{text}")).expect("loads with a BOM");
    assert_eq!(plain.id, with_bom.id);
    assert_eq!(plain.criteria.len(), with_bom.criteria.len());
    // A problem further down is still reported on its own line: field 1's max (1) is not its
    // row's (2).
    let broken = text.replace("max = 1\nmethod", "max = 2\nmethod");
    let field_line = broken[..broken.find("id = \"1\"\n").expect("field 1")]
        .lines()
        .count()
        + 1;
    let (diagnostics, message) = criteria_error(load_text(format!("\u{feff}{broken}")));
    assert!(
        diagnostics.iter().any(|d| d.line == Some(field_line)),
        "line {field_line}: {message}"
    );
}

#[test]
fn binary_garbage_as_criteria_toml_names_the_place_of_the_first_bad_byte() {
    let mut bytes = b"[set]\nid = \"s\"\n".to_vec();
    bytes.extend(garbage(1_000, 17));
    let (diagnostics, message) = criteria_error(load_text(bytes));
    assert_eq!(diagnostics[0].path, Path::new("set/criteria.toml"));
    assert!(diagnostics[0].line.is_some_and(|l| l >= 3), "{message}");
}

/// A diagnostic's line, column, message and hint.
type Place<'a> = (Option<usize>, Option<usize>, &'a str, Option<&'a str>);

/// The place of each diagnostic, in order.
fn places(diagnostics: &[Diagnostic]) -> Vec<Place<'_>> {
    diagnostics
        .iter()
        .map(|d| (d.line, d.column, d.message.as_str(), d.hint.as_deref()))
        .collect()
}

const UNKNOWN_HINT: &str = "định dạng bộ tiêu chí không có khóa này; xem docs/criteria-format.md";

#[test]
fn unknown_keys_and_a_wrong_type_are_reported_at_their_key_and_value() {
    // A wrong type in [set] comes first in the file; the unknown keys of the parts after it (a
    // column, a [[criterion]] entry, a [facts.x] table, a top-level table) are reported with
    // it, each at its key: columns in characters, not bytes.
    let text = SET_HEAD
        .replace("year = 2026", "year = \"2026\"")
        .replace(
            "{ id = \"n\", type = \"integer\", required = true }",
            "{ id = \"n\", labels = [\"Số lượng\"], type = \"integer\", requried = true }",
        )
        + "titel = \"Dòng\"\n\n[facts.so_luong]\nlabel = \"Số lượng\"\ntype = \"integer\"\n  unit = \"cái\"\n\n[meta]\n";
    let (diagnostics, message) = criteria_error(load_text(text));
    assert_eq!(
        places(&diagnostics),
        [
            (
                Some(5),
                Some(8),
                "kiểu giá trị sai: có chuỗi trong dấu ngoặc kép \"2026\", cần số nguyên",
                None,
            ),
            (
                Some(15),
                Some(65),
                "khóa `requried` không dùng được ở đây; các khóa hợp lệ: `id`, `type`, `required`, `labels`, `values`, `min`, `max`",
                Some("có phải ý bạn là `required`? các khóa dùng được ở đây có trong docs/criteria-format.md"),
            ),
            (
                Some(28),
                Some(1),
                "khóa `titel` không dùng được ở đây; các khóa hợp lệ: `id`, `title`, `max`, `method`, `not_arising`, `floor`, `reads`, `rule`, `rule_file`",
                Some("có phải ý bạn là `title`? các khóa dùng được ở đây có trong docs/criteria-format.md"),
            ),
            (
                Some(33),
                Some(3),
                "khóa `unit` không dùng được ở đây; các khóa hợp lệ: `label`, `type`",
                Some(UNKNOWN_HINT),
            ),
            (
                Some(35),
                Some(2),
                "khóa `meta` không dùng được ở đây; các khóa hợp lệ: `set`, `rating`, `tables`, `facts`, `criterion`",
                Some(UNKNOWN_HINT),
            ),
        ],
        "{message}"
    );
}

#[test]
fn a_wrong_value_leaves_the_unknown_keys_of_the_other_entries_reported() {
    // The first wrong value (in the order the file is read: [tables.*] before [[criterion]]
    // here, as `tables` is written first) with the unknown keys of the other criteria, tables
    // and facts, written before it or after.
    let more = "\n[[criterion]]\nid = \"1.2\"\ntitle = \"Row 2\"\nmax = 0\nmethd = \"self\"\n\n\
                [facts.n]\nlabel = \"N\"\ntype = \"integer\"\nlable = \"N\"\n";
    let in_a_criterion = SET_HEAD.replace("max = 1\nmethod", "max = \"một\"\nmethod") + more;
    let in_a_table = SET_HEAD.replace(
        "[tables.items]\ntitle = \"Items\"",
        "[tables.items]\ntitle = 1",
    ) + more
        + "\n[tables.other]\ntitel = \"Other\"\n";
    let methd = (
        Some(33),
        Some(1),
        "khóa `methd` không dùng được ở đây; các khóa hợp lệ: `id`, `title`, `max`, `method`, `not_arising`, `floor`, `reads`, `rule`, `rule_file`",
        Some("có phải ý bạn là `method`? các khóa dùng được ở đây có trong docs/criteria-format.md"),
    );
    let lable = (
        Some(38),
        Some(1),
        "khóa `lable` không dùng được ở đây; các khóa hợp lệ: `label`, `type`",
        Some("có phải ý bạn là `label`? các khóa dùng được ở đây có trong docs/criteria-format.md"),
    );
    let (diagnostics, message) = criteria_error(load_text(in_a_criterion));
    assert_eq!(
        places(&diagnostics),
        [
            (
                Some(25),
                Some(7),
                "giá trị không hợp lệ: có chuỗi trong dấu ngoặc kép \"một\", cần một số thập phân, ví dụ 2.5 hoặc \"2.5\"",
                None,
            ),
            methd,
            lable,
        ],
        "{message}"
    );
    let (diagnostics, message) = criteria_error(load_text(in_a_table));
    assert_eq!(
        places(&diagnostics),
        [
            (
                Some(14),
                Some(9),
                "kiểu giá trị sai: có số nguyên `1`, cần chuỗi trong dấu ngoặc kép",
                None,
            ),
            methd,
            lable,
            (
                Some(41),
                Some(1),
                "khóa `titel` không dùng được ở đây; các khóa hợp lệ: `title`, `file`, `key`, `subject`, `dated_by`, `window`, `columns`",
                Some("có phải ý bạn là `title`? các khóa dùng được ở đây có trong docs/criteria-format.md"),
            ),
        ],
        "{message}"
    );
}

#[test]
fn a_duplicate_key_is_a_syntax_error_reported_alone_at_the_second_key() {
    let text =
        SET_HEAD.replace("title = \"S\"\n", "title = \"S\"\n  title = \"T\"\n") + "weight = 1\n";
    let (diagnostics, message) = criteria_error(load_text(text));
    assert_eq!(
        places(&diagnostics),
        [(
            Some(4),
            Some(3),
            "khóa `title` được ghi hai lần trong bảng `set`",
            Some("tệp viết sai cú pháp TOML nên chưa kiểm tra được phần còn lại; hãy sửa lỗi này trước"),
        )],
        "{message}"
    );
}

#[test]
fn the_whole_set_checks_point_at_the_values_they_name() {
    // A table written with dotted keys and an array of tables, a register table, a reserved
    // table name and ratings out of order: each problem at its value or key.
    let text = SET_HEAD
        .replace(
            "not_arising = \"exclude\"\n",
            "not_arising = \"exclude\"\n[set.register]\ntable = \"items\"\n    tags = \"n\"\n",
        )
        .replace(
            "[tables.items]\ntitle = \"Items\"\ncolumns = [{ id = \"n\", type = \"integer\", required = true }]\n",
            "[tables]\nitems.title = \"Items\"\nitems.key =   \"k\"\nitems.subject = \"Số\"\n\n\
             [[tables.items.columns]]\nid = \"n\"\ntype = \"integer\"\n\n\
             [[tables.items.columns]]\n id = \"n\"\ntype = \"text\"\n\n\
             [tables . \"units\"]\ntitle = \"Đơn vị\"\ncolumns = [{ id = \"u\", type = \"text\" }]\n",
        )
        + "rule = '1'\n\n[[rating]]\nlabel = \"Tốt\"\nmin =  90\n";
    let (diagnostics, message) = criteria_error(load_text(text));
    assert_eq!(
        places(&diagnostics),
        [
            (
                Some(48),
                Some(8),
                "mức xếp loại `Tốt` (`min` 90) đứng sau mức `Đạt` (`min` 0) nên phải có `min` thấp hơn",
                Some("xếp các mục `[[rating]]` theo `min` từ cao xuống thấp"),
            ),
            (Some(26), Some(7), "bảng `items` khai báo cột `n` hai lần", None),
            (Some(18), Some(15), "bảng `items`: cột `k` (ở `key`) chưa được khai báo", None),
            (Some(19), Some(17), "bảng `items`: cột `Số` (ở `subject`) chưa được khai báo", None),
            (
                Some(29),
                Some(11),
                "`units` là tên dành riêng (facts.toml, survey.csv, appraisal.csv, units.csv), không đặt được cho một bảng",
                None,
            ),
            (
                Some(10),
                Some(12),
                "cột nhãn của sổ văn bản (`register.tags`) `n` phải là một cột `tags` của bảng `items`",
                None,
            ),
            (
                Some(9),
                Some(9),
                "bảng sổ văn bản (`register`) `items` cần có `dated_by`",
                None,
            ),
        ],
        "{message}"
    );
}

#[test]
fn a_file_missing_from_files_in_memory_is_told_in_vietnamese_and_named_as_asked() {
    let err = load_criteria(&MemoryFiles::new(), Path::new("bo/criteria.toml"))
        .expect_err("nothing to load");
    assert!(matches!(err, Error::Io { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "không đọc được bo/criteria.toml: không tìm thấy tệp hoặc thư mục"
    );
    assert_eq!(
        err.message_naming("criteria.toml"),
        "không đọc được criteria.toml: không tìm thấy tệp hoặc thư mục"
    );
    // Another error's message is its own.
    let files = unit_with(
        "documents.csv",
        format!("{HEADER}\n16/KH-U,31/02/2026,ke-hoach,1\n"),
    );
    let other = read_small(&files).expect_err("a bad date");
    assert_eq!(other.message_naming("x"), other.to_string());
}
