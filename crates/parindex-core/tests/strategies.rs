//! The strategy tester (ripgrep's `SearcherTester` is the model): every way a table can be
//! read — the kernel, the layout reader, the `csv` crate's splitting, a table read whole and
//! tallied, a workbook, a legacy encoding — at one thread and at several, run against the same
//! expectations: the band-edge cases of the reference set (`criteria/…/cases`, each with its
//! expected outcome), and the shipped fixtures with their hand-computed scores
//! (`expected.csv`, `expected-totals.csv`, `expected-ranking.csv`). A reading that differs from
//! the expectation fails with its name, not only when it differs from another reading.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use parindex_core::cases::{read_cases, run_cases_with, CaseReading};
use parindex_core::evidence::Strategy;
use parindex_core::{
    load_criteria, CompiledCriteria, Files, FsFiles, MemoryFiles, ReadOptions, Report,
};
use rust_decimal::Decimal;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// How a table's file is rewritten before it is read.
type Rewrite = fn(&Path, Vec<u8>) -> (PathBuf, Vec<u8>);

/// One way of reading the tables.
#[derive(Clone, Copy)]
struct Reading {
    name: &'static str,
    strategy: Strategy,
    /// Applied to the files of the set's tables (`None`: UTF-8 CSV as written).
    rewrite: Option<Rewrite>,
}

const READINGS: [Reading; 6] = [
    Reading {
        name: "kernel",
        strategy: Strategy::Auto,
        rewrite: None,
    },
    Reading {
        name: "layout",
        strategy: Strategy::Layout,
        rewrite: None,
    },
    Reading {
        name: "csv crate",
        strategy: Strategy::Csv,
        rewrite: None,
    },
    Reading {
        name: "whole-table tally",
        strategy: Strategy::Whole,
        rewrite: None,
    },
    Reading {
        name: "workbook",
        strategy: Strategy::Auto,
        rewrite: Some(as_workbook),
    },
    Reading {
        name: "legacy encoding (UTF-16)",
        strategy: Strategy::Auto,
        rewrite: Some(as_utf16),
    },
];

/// One thread, and more threads than this machine's cores (blocks shared out).
const THREADS: [usize; 2] = [1, 3];

/// Every reading at every thread count.
fn readings() -> impl Iterator<Item = (Reading, usize)> {
    READINGS
        .into_iter()
        .flat_map(|r| THREADS.into_iter().map(move |t| (r, t)))
}

fn options(reading: Reading, threads: usize) -> ReadOptions<'static> {
    ReadOptions::by_strategy(reading.strategy, threads)
}

/// A CSV file as UTF-16LE with its byte-order mark: read whole by its encoding.
fn as_utf16(path: &Path, bytes: Vec<u8>) -> (PathBuf, Vec<u8>) {
    let text = String::from_utf8(bytes).expect("the file is UTF-8");
    let mut out = vec![0xFF, 0xFE];
    out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    (path.to_path_buf(), out)
}

/// A CSV file as a workbook of one sheet named after it, every cell as text: read by the
/// workbook reader and tallied whole.
fn as_workbook(path: &Path, bytes: Vec<u8>) -> (PathBuf, Vec<u8>) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let stem = path.file_stem().expect("a name").to_string_lossy();
    sheet.set_name(stem.as_ref()).expect("a sheet name");
    for (r, record) in reader.records().enumerate() {
        let record = record.expect("a CSV record");
        for (c, cell) in record.iter().enumerate() {
            if !cell.is_empty() {
                let (r, c) = (
                    u32::try_from(r).expect("row"),
                    u16::try_from(c).expect("col"),
                );
                sheet.write_string(r, c, cell).expect("a cell");
            }
        }
    }
    let out = book.save_to_buffer().expect("the workbook");
    (path.with_extension("xlsx"), out)
}

/// `files` with the files of the set's tables rewritten as `reading` says.
fn rewritten(
    files: &MemoryFiles,
    paths: &[PathBuf],
    tables: &[String],
    reading: Reading,
) -> MemoryFiles {
    let mut out = MemoryFiles::new();
    for path in paths {
        let bytes = files.read(path).expect("the file");
        let name = path.file_name().expect("a name").to_string_lossy();
        match reading.rewrite {
            Some(rewrite) if tables.iter().any(|t| *t == name) => {
                let (path, bytes) = rewrite(path, bytes);
                out.insert(path, bytes);
            }
            _ => {
                out.insert(path.clone(), bytes);
            }
        }
    }
    out
}

/// Every file under `dir`, in memory under its path.
fn load(dir: &Path) -> (MemoryFiles, Vec<PathBuf>) {
    fn walk(files: &mut MemoryFiles, paths: &mut Vec<PathBuf>, dir: &Path) {
        for path in FsFiles.list(dir).expect("listing") {
            files.insert(path.clone(), std::fs::read(&path).expect("file"));
            paths.push(path);
        }
        for sub in FsFiles.dirs(dir).expect("folders") {
            walk(files, paths, &sub);
        }
    }
    let (mut files, mut paths) = (MemoryFiles::new(), Vec::new());
    walk(&mut files, &mut paths, dir);
    (files, paths)
}

fn compiled(dir: &str) -> CompiledCriteria {
    let set = load_criteria(&FsFiles, &root().join(dir)).expect("the set loads");
    CompiledCriteria::compile(set).expect("the set compiles")
}

fn table_files(criteria: &CompiledCriteria) -> Vec<String> {
    let set = criteria.criteria();
    set.tables.iter().map(|t| t.file.clone()).collect()
}

fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).expect("expected file");
    reader.deserialize().map(|r| r.expect("row")).collect()
}

fn opt(d: Option<Decimal>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn dec(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

/// How `report` differs from a fixture's `expected.csv` and `expected-totals.csv`.
fn unit_differences(report: &Report, fixture: &Path) -> Vec<String> {
    let mut wrong = Vec::new();
    for row in read_csv(&fixture.join("expected.csv")) {
        match report.node(&row["id"]) {
            Some(node)
                if node.status.as_str() == row["status"] && node.points == dec(&row["points"]) => {}
            Some(node) => wrong.push(format!(
                "{}: expected {} {}, got {} {} ({})",
                row["id"],
                row["status"],
                row["points"],
                node.status.as_str(),
                node.points,
                node.explanation
            )),
            None => wrong.push(format!("{}: no such row", row["id"])),
        }
    }
    let totals = read_csv(&fixture.join("expected-totals.csv"));
    let total = |name: &str| {
        totals
            .iter()
            .find(|r| r["figure"] == name)
            .map(|r| &r["value"])
    };
    for (name, got) in [
        ("total.points", report.total.points.to_string()),
        ("total.index", opt(report.total.index)),
        (
            "total.rating",
            report.total.rating.clone().unwrap_or_default(),
        ),
    ] {
        let Some(want) = total(name) else { continue };
        let same = match (want.parse::<Decimal>(), got.parse::<Decimal>()) {
            (Ok(a), Ok(b)) => a == b,
            _ => *want == got,
        };
        if !same {
            wrong.push(format!("{name}: expected {want}, got {got}"));
        }
    }
    wrong
}

/// The report without what depends on the files' bytes (their names and hashes): what every
/// reading of the same records must give alike.
fn scores_of(report: &Report) -> serde_json::Value {
    let mut json: serde_json::Value = serde_json::from_str(&report.to_json()).expect("JSON");
    if let Some(object) = json.as_object_mut() {
        object.remove("fingerprint");
    }
    json
}

#[test]
fn every_case_of_the_reference_set_holds_in_every_reading() {
    let criteria = compiled("criteria/nghe-an-2026-so");
    let cases = read_cases(&FsFiles, &root().join("criteria/nghe-an-2026-so")).expect("cases");
    assert!(cases.cases.len() >= 455, "the band-edge cases are there");
    let tables = table_files(&criteria);
    let mut failures = Vec::new();
    for (reading, threads) in readings() {
        let rewrite = |path: &Path, bytes: Vec<u8>| {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
            match (reading.rewrite, name) {
                (Some(rewrite), Some(name)) if tables.contains(&name) => rewrite(path, bytes),
                _ => (path.to_path_buf(), bytes),
            }
        };
        let case_reading = CaseReading {
            options: options(reading, threads),
            rewrite: Some(&rewrite),
        };
        for result in run_cases_with(&criteria, &cases, &case_reading) {
            if !result.passed() {
                failures.push(format!(
                    "{} at {threads} thread(s): {}:{} row {}: expected {}, got {} ({})",
                    reading.name,
                    result.case.file.display(),
                    result.case.line,
                    result.case.row,
                    result.case.expected,
                    result.got,
                    result.explanation
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}

#[test]
fn the_department_scores_its_hand_computed_figures_in_every_reading() {
    let criteria = compiled("criteria/nghe-an-2026-so");
    let fixture = root().join("fixtures/skhcn-2026");
    let (files, paths) = load(&fixture);
    let tables = table_files(&criteria);
    let as_of = criteria.default_as_of().expect("31/12");
    let mut first: Option<serde_json::Value> = None;
    for (reading, threads) in readings() {
        let files = rewritten(&files, &paths, &tables, reading);
        let report = criteria
            .score_unit(&files, &fixture, as_of, &options(reading, threads))
            .unwrap_or_else(|e| panic!("{} at {threads}: {e}", reading.name));
        let wrong = unit_differences(&report, &fixture);
        assert!(
            wrong.is_empty(),
            "{} at {threads} thread(s):\n{}",
            reading.name,
            wrong.join("\n")
        );
        // Explanations, measures and deciding records too, not only the figures.
        let scores = scores_of(&report);
        match &first {
            None => first = Some(scores),
            Some(kernel) => assert!(
                *kernel == scores,
                "{} at {threads} thread(s) explains the rows otherwise than the kernel",
                reading.name
            ),
        }
    }
}

#[test]
fn the_province_ranks_as_computed_by_hand_in_every_layout_and_reading() {
    let criteria = compiled("fixtures/province-2026/criteria");
    let province = root().join("fixtures/province-2026");
    let expected = read_csv(&province.join("expected-ranking.csv"));
    let tables = table_files(&criteria);
    let as_of = criteria.default_as_of().expect("31/12");
    for layout in ["by-unit", "exports"] {
        let dir = province.join(layout);
        let (files, paths) = load(&dir);
        let mut first: Option<Vec<serde_json::Value>> = None;
        for (reading, threads) in readings() {
            let files = rewritten(&files, &paths, &tables, reading);
            let reports = criteria
                .score_province(&files, &dir, as_of, &options(reading, threads))
                .unwrap_or_else(|e| panic!("{layout}, {} at {threads}: {e}", reading.name));
            let mut wrong = Vec::new();
            for row in &expected {
                let got = reports.iter().find(|r| r.unit.code == row["code"]);
                match got {
                    Some(r) if r.total.index == Some(dec(&row["index"])) => {}
                    Some(r) => wrong.push(format!(
                        "{}: index {} expected {}",
                        row["code"],
                        opt(r.total.index),
                        row["index"]
                    )),
                    None => wrong.push(format!("{}: not scored", row["code"])),
                }
            }
            assert!(
                wrong.is_empty(),
                "{layout}, {} at {threads} thread(s):\n{}",
                reading.name,
                wrong.join("\n")
            );
            let scores: Vec<serde_json::Value> = reports.iter().map(scores_of).collect();
            match &first {
                None => first = Some(scores),
                Some(kernel) => assert!(
                    *kernel == scores,
                    "{layout}, {} at {threads} thread(s) explains the rows otherwise",
                    reading.name
                ),
            }
        }
    }
}

/// A row's deciding records listed in full (`row_records`), in every reading: 3.2.4 of the
/// department (satisfaction with the one-stop shop) counts as not met every dossier due by the
/// as-of date that was late or rated `khong_hai_long` — 52, of which the report keeps 20 keys.
/// The lines listed are exactly those this test finds in the file by that reading of the rule,
/// and every reading lists the same records, cells and all.
#[test]
fn every_reading_lists_a_rows_deciding_records_in_full() {
    let criteria = compiled("criteria/nghe-an-2026-so");
    let fixture = root().join("fixtures/skhcn-2026");
    let (files, paths) = load(&fixture);
    let tables = table_files(&criteria);
    let as_of = criteria.default_as_of().expect("31/12");
    // The rule, read by hand: received in 2026, due (returned, or pending past its deadline),
    // and late or unsatisfied.
    let date = |s: &str| parindex_core::date::parse_date(s);
    let expected: Vec<u64> = read_csv(&fixture.join("dossiers.csv"))
        .iter()
        .zip(2u64..)
        .filter(|(r, _)| {
            let (received, due) = (date(&r["ngay_tiep_nhan"]), date(&r["han_xu_ly"]));
            let returned = date(&r["ngay_tra_ket_qua"]);
            let Some((received, due)) = received.zip(due) else {
                return false;
            };
            if received > as_of || returned.is_none() && due >= as_of {
                return false;
            }
            returned.is_none_or(|d| d > due) || r["danh_gia"] == "khong_hai_long"
        })
        .map(|(_, line)| line)
        .collect();
    assert_eq!(expected.len(), 52);
    let mut first = None;
    for (reading, threads) in readings() {
        let files = rewritten(&files, &paths, &tables, reading);
        let options = options(reading, threads);
        let report = criteria
            .score_unit(&files, &fixture, as_of, &options)
            .expect("scores");
        let lists = criteria
            .row_records(&files, &fixture, "3.2.4", as_of, &options)
            .unwrap_or_else(|e| panic!("{} at {threads}: {e}", reading.name))
            .expect("a rule row");
        let [list] = lists.as_slice() else {
            panic!("{} at {threads}: {} lists", reading.name, lists.len());
        };
        assert_eq!(
            list.list,
            report.node("3.2.4").expect("3.2.4").records[0],
            "{}: the list is the report's",
            reading.name
        );
        let lines: Vec<u64> = list.records.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, expected, "{} at {threads} thread(s)", reading.name);
        assert_eq!(list.left_out(), 0);
        assert_eq!(
            list.columns[0],
            ("ma_ho_so".to_owned(), "Mã hồ sơ".to_owned())
        );
        let keys: Vec<&str> = list.records.iter().map(|(_, c)| c[0].as_str()).collect();
        assert_eq!(
            keys[..20],
            list.list
                .keys
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
        );
        match &first {
            None => first = Some(list.records.clone()),
            Some(kernel) => assert_eq!(kernel, &list.records, "{} at {threads}", reading.name),
        }
    }
    // A row that decides on no records lists none; a row that is none, or no rule's, is None.
    let empty = criteria
        .row_records(&FsFiles, &fixture, "1.1.1", as_of, &ReadOptions::default())
        .expect("reads");
    assert_eq!(empty.map(|l| l.len()), Some(0));
    for row in ["9.9", "1.6", "1"] {
        let none = criteria
            .row_records(&FsFiles, &fixture, row, as_of, &ReadOptions::default())
            .expect("reads");
        assert!(none.is_none(), "{row}");
    }
}

#[test]
fn every_reading_names_a_look_alike_in_a_bad_date() {
    let criteria = compiled("criteria/nghe-an-2026-so");
    let fixture = root().join("fixtures/skhcn-2026");
    let (mut files, paths) = load(&fixture);
    // Line 4's reception date with a letter O for its year's zero: `02/01/2O26`.
    let dossiers = fixture.join("dossiers.csv");
    let text = String::from_utf8(files.read(&dossiers).expect("dossiers")).expect("UTF-8");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[3] = lines[3].replacen(",02/01/2026,", ",02/01/2O26,", 1);
    assert!(lines[3].contains("2O26"), "{}", lines[3]);
    files.insert(dossiers, (lines.join("\n") + "\n").into_bytes());
    let tables = table_files(&criteria);
    let as_of = criteria.default_as_of().expect("31/12");
    for (reading, threads) in readings() {
        let files = rewritten(&files, &paths, &tables, reading);
        let error = criteria
            .score_unit(&files, &fixture, as_of, &options(reading, threads))
            .map(|_| ())
            .expect_err("a bad date is refused")
            .to_string();
        assert!(
            error.contains(
                ":4:3: giá trị không đọc được: ký tự thứ 8 là chữ cái `O`, không phải chữ số `0`"
            ) && error.contains("giá trị `02/01/2O26`"),
            "{} at {threads}: {error}",
            reading.name
        );
    }
}
