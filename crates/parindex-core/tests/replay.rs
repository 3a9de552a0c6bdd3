//! Auditors replay a score: the same inputs give byte-identical JSON, a changed file is named,
//! row order in evidence files does not matter, and two reports compare row by row.

use std::path::Path;

use parindex_core::compare::Comparison;
use parindex_core::{load_criteria, CompiledCriteria, Files, FsFiles, ReadOptions, Report};

mod common;

use common::{example, root, score};

#[test]
fn scoring_twice_gives_byte_identical_json_that_reads_back() {
    let a = score(&example()).to_json();
    let b = score(&example()).to_json();
    assert_eq!(a, b);
    let back = Report::from_json(&a).expect("reads back");
    assert_eq!(back.to_json(), a, "reading and writing back loses nothing");
    // From disk, the same bytes as from memory: names in the fingerprint are relative.
    let set = load_criteria(&FsFiles, &root().join("criteria/nghe-an-2026-so")).expect("loads");
    let criteria = CompiledCriteria::compile(set).expect("compiles");
    let as_of = criteria.default_as_of().expect("date");
    let dir = root().join("fixtures/skhcn-2026");
    let c = criteria
        .score_unit(&FsFiles, &dir, as_of, &ReadOptions::default())
        .expect("reads")
        .to_json();
    assert_eq!(a, c);
}

#[test]
fn the_fingerprint_names_every_input() {
    let report = score(&example());
    let f = &report.fingerprint;
    assert!(f.engine.starts_with("parindex "));
    assert_eq!(f.as_of, "2026-12-31");
    let names: Vec<&str> = f.evidence.iter().map(|d| d.name.as_str()).collect();
    for name in ["documents.csv", "dossiers.csv", "facts.toml", "unit.toml"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    assert_eq!(f.criteria.files[0].name, "criteria.toml");
    assert_eq!(f.criteria.sha256.len(), 64);
}

#[test]
fn a_changed_evidence_file_is_named_with_the_rows_it_moved() {
    let before = score(&example());
    let mut files = example();
    let path = Path::new("fixtures/skhcn-2026/documents.csv");
    let text = String::from_utf8(files.read(path).expect("documents")).expect("UTF-8");
    // The CCHC plan issued on 02/02 instead of 16/01: later than 31/01.
    files.insert(
        path,
        text.replace("2/KH-SKHCN,16/01/2026", "2/KH-SKHCN,02/02/2026"),
    );
    let after = score(&files);
    let c = Comparison::of(&before, &after);
    assert_eq!(c.inputs.len(), 1, "{:?}", c.inputs);
    assert_eq!(c.inputs[0].name, "evidence/documents.csv");
    assert_eq!(c.inputs[0].change, "changed");
    let row = c
        .rows
        .iter()
        .find(|r| r.id == "1.1.1")
        .expect("row 1.1.1 moved");
    assert_eq!(row.old_points.map(|p| p.to_string()), Some("1".to_owned()));
    assert_eq!(
        row.new_points.map(|p| p.to_string()),
        Some("0.5".to_owned())
    );
    let ids: Vec<&str> = c.rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["1", "1.1", "1.1.1"]);
}

#[test]
fn shuffled_rows_give_the_same_points() {
    let before = score(&example());
    let mut files = example();
    for path in FsFiles
        .list(&root().join("fixtures/skhcn-2026"))
        .expect("listing")
    {
        if path.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        let name = Path::new("fixtures/skhcn-2026").join(path.file_name().expect("name"));
        let text = String::from_utf8(files.read(&name).expect("file")).expect("UTF-8");
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header = reader.headers().expect("header").clone();
        let mut rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
        // A fixed permutation: reverse, then rotate by a third.
        rows.reverse();
        let k = rows.len() / 3;
        rows.rotate_left(k);
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(&header).expect("header");
        for r in &rows {
            out.write_record(r).expect("row");
        }
        files.insert(name, out.into_inner().expect("bytes"));
    }
    let after = score(&files);
    let c = Comparison::of(&before, &after);
    assert!(c.rows.is_empty() && c.totals.is_empty(), "{c:?}");
    // The inputs did change, and the fingerprint says so.
    assert!(!c.inputs.is_empty());
}

#[test]
fn a_changed_override_is_named() {
    let before = score(&example());
    let mut files = example();
    let path = Path::new("fixtures/skhcn-2026/notes.toml");
    let text = String::from_utf8(files.read(path).expect("notes")).expect("UTF-8");
    files.insert(path, text.replace("diem_de_nghi = 1", "diem_de_nghi = 2"));
    let after = score(&files);
    let c = Comparison::of(&before, &after);
    assert!(c
        .inputs
        .iter()
        .any(|i| i.name == "evidence/notes.toml" && i.change == "changed"));
    let row = c
        .rows
        .iter()
        .find(|r| r.id == "5.3")
        .expect("row 5.3 named");
    assert_eq!(
        row.declared,
        Some((Some("1".to_owned()), Some("2".to_owned())))
    );
}

/// A text that is no report is told why in Vietnamese, with its line and column: what an
/// auditor sees from `parindex verify` and the web app's verify page.
#[test]
fn a_text_that_is_no_report_is_told_why_in_vietnamese() {
    for (text, said) in [
        ("{}", "thiếu khóa `schema` (dòng 1, cột 2)"),
        (
            "[",
            "nội dung hết giữa chừng (thiếu dấu đóng?) (dòng 1, cột 1)",
        ),
        (
            "{\"schema\": 1}",
            "kiểu giá trị sai: có số nguyên `1`, cần chuỗi trong dấu ngoặc kép (dòng 1, cột 12)",
        ),
        (
            "{x}",
            "tên khóa phải nằm trong dấu ngoặc kép (dòng 1, cột 2)",
        ),
        ("{\"schema\": }", "cần một giá trị (dòng 1, cột 12)"),
        ("{\"schema\" 1}", "cần `:` (dòng 1, cột 11)"),
        ("trux", "cần true, false hoặc null (dòng 1, cột 4)"),
    ] {
        assert_eq!(
            Report::from_json(text).err().as_deref(),
            Some(said),
            "{text}"
        );
    }
    let json = score(&example()).to_json();
    let other = json.replacen("parindex.report/1", "parindex.report/9", 1);
    assert_eq!(
        Report::from_json(&other).err().as_deref(),
        Some("schema `parindex.report/9` không phải parindex.report/1")
    );
}
