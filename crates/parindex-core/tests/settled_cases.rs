//! The three cases that the reference set's rules left open, as `reference-criteria-2026.md`
//! settles them ("Three cases that the rules above leave open, settled here"):
//!
//! 1. an input read only to decide N/A (2.1.2's `legal_drafts`, 6.2.2's `dvsn_tong`), when
//!    missing, leaves the row to the rest of its rule;
//! 2. a survey row that `survey.csv` does not list is `pending_survey`, as without the file, in
//!    a unit folder, a province of folders and province exports, and so in the ranking;
//! 3. a survey `ty_le` outside 0–100 or not a number is an evidence error at its cell.
//!
//! Each figure below is computed by hand from the fixtures, not by the engine.

mod common;

use std::path::{Path, PathBuf};

use common::{dec, example, province, score, try_score};
use parindex_core::rank::Ranking;
use parindex_core::report::{NodeScore, Status};
use parindex_core::{
    load_criteria, CompiledCriteria, Error, Files, MemoryFiles, ReadOptions, Report,
};

const UNIT: &str = "fixtures/skhcn-2026";

fn node<'a>(report: &'a Report, id: &str) -> &'a NodeScore {
    report.node(id).unwrap_or_else(|| panic!("row {id}"))
}

/// `facts.toml` of the example without the fact `name` (a `[name]` table of value and source).
fn without_fact(files: &mut MemoryFiles, name: &str) {
    let path = Path::new(UNIT).join("facts.toml");
    let text = String::from_utf8(files.read(&path).expect("facts")).expect("utf-8");
    let header = format!("[{name}]");
    let mut out = Vec::new();
    let mut skipping = false;
    for line in text.lines() {
        if line.starts_with('[') {
            skipping = line == header;
        }
        if !skipping {
            out.push(line);
        }
    }
    assert!(text.contains(&header), "the example has {name}");
    files.insert(path, out.join("\n") + "\n");
}

// --- 1. An input read only to decide N/A -------------------------------------------------

#[test]
fn without_legal_drafts_2_1_2_is_scored_by_its_fact() {
    let mut files = example();
    assert!(files
        .remove(Path::new(UNIT).join("legal_drafts.csv"))
        .is_some());
    let report = score(&files);
    let row = node(&report, "2.1.2");
    // du_thao_dung_quy_trinh = true in the example: 1 point of 1.
    assert_eq!(row.status, Status::Scored, "{}", row.explanation);
    assert_eq!(row.points, dec("1"));
    assert_eq!(row.applicable_max, dec("1"));
    assert!(!row.not_arising);
    // The report warns that the input deciding N/A is missing.
    assert!(
        row.explanation.contains("Lưu ý: chưa có bảng legal_drafts"),
        "{}",
        row.explanation
    );
    // 2.1.1 reads the drafts for its ratio: there the missing table is still no evidence.
    assert_eq!(node(&report, "2.1.1").status, Status::NoEvidence);
}

#[test]
fn without_legal_drafts_and_a_false_fact_2_1_2_scores_0() {
    let mut files = example();
    files.remove(Path::new(UNIT).join("legal_drafts.csv"));
    let path = Path::new(UNIT).join("facts.toml");
    let text = String::from_utf8(files.read(&path).expect("facts")).expect("utf-8");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let at = lines
        .iter()
        .position(|l| l == "[du_thao_dung_quy_trinh]")
        .expect("the fact");
    assert_eq!(lines[at + 1], "value = true");
    lines[at + 1] = "value = false".to_owned();
    files.insert(path, lines.join("\n") + "\n");
    let row = node(&score(&files), "2.1.2").clone();
    assert_eq!((row.status, row.points), (Status::Scored, dec("0")));
}

#[test]
fn an_empty_legal_drafts_still_makes_2_1_2_not_arising() {
    let mut files = example();
    let path = Path::new(UNIT).join("legal_drafts.csv");
    let text = String::from_utf8(files.read(&path).expect("drafts")).expect("utf-8");
    let header = text.lines().next().expect("a header");
    files.insert(path, format!("{header}\n"));
    let report = score(&files);
    let row = node(&report, "2.1.2");
    assert_eq!(row.status, Status::NotApplicable, "{}", row.explanation);
    assert_eq!(row.applicable_max, dec("0"));
}

#[test]
fn without_dvsn_tong_6_2_2_is_scored_by_its_document() {
    let mut files = example();
    without_fact(&mut files, "dvsn_tong");
    let report = score(&files);
    // 43/BC-SKHCN of 20/11/2026 carries `danh-gia-tu-chu`, by 31/12/2026: 1 point.
    let row = node(&report, "6.2.2");
    assert_eq!(row.status, Status::Scored, "{}", row.explanation);
    assert_eq!(row.points, dec("1"));
    assert!(
        row.explanation.contains("43/BC-SKHCN"),
        "{}",
        row.explanation
    );
    // The report warns that the input deciding N/A is missing.
    assert!(
        row.explanation
            .contains("Lưu ý: chưa có số liệu `dvsn_tong`"),
        "{}",
        row.explanation
    );
    // 6.2.1 needs dvsn_tong as its denominator: no evidence.
    assert_eq!(node(&report, "6.2.1").status, Status::NoEvidence);
}

#[test]
fn without_facts_toml_6_2_2_is_still_scored_by_its_document() {
    let mut files = example();
    assert!(files.remove(Path::new(UNIT).join("facts.toml")).is_some());
    let report = score(&files);
    let row = node(&report, "6.2.2");
    assert_eq!((row.status, row.points), (Status::Scored, dec("1")));
    // 2.1.2 has its drafts but not its fact: no evidence, as before.
    assert_eq!(node(&report, "2.1.2").status, Status::NoEvidence);
}

#[test]
fn dvsn_tong_of_0_still_makes_6_2_2_not_arising() {
    let mut files = example();
    let path = Path::new(UNIT).join("facts.toml");
    let text = String::from_utf8(files.read(&path).expect("facts")).expect("utf-8");
    assert!(text.contains("[dvsn_tong]\nvalue = 4\n"));
    files.insert(
        path,
        text.replace("[dvsn_tong]\nvalue = 4\n", "[dvsn_tong]\nvalue = 0\n"),
    );
    let row = node(&score(&files), "6.2.2").clone();
    assert_eq!(row.status, Status::NotApplicable, "{}", row.explanation);
}

// --- 2. A survey row that survey.csv does not list ---------------------------------------

const SURVEY_ROWS: [(&str, &str); 8] = [
    ("1.6", "3"),
    ("2.4", "3"),
    ("3.5", "6"),
    ("3.6", "3"),
    ("4.4", "3"),
    ("5.7", "4"),
    ("6.4", "3"),
    ("7.6", "5"),
];

#[test]
fn a_unit_survey_that_omits_rows_leaves_them_pending() {
    let mut files = example();
    // Two of the eight survey rows have results.
    files.insert(
        Path::new(UNIT).join("survey.csv"),
        "ma_tieu_chi,ty_le\n1.6,80\n3.5,84.25\n",
    );
    let report = score(&files);
    for (id, max) in SURVEY_ROWS {
        let row = node(&report, id);
        match id {
            // 80% × 3 = 2.4; 84.25% × 6 = 5.055 → 5.06.
            "1.6" => assert_eq!((row.status, row.points), (Status::Scored, dec("2.4"))),
            "3.5" => assert_eq!((row.status, row.points), (Status::Scored, dec("5.06"))),
            _ => {
                assert_eq!(
                    row.status,
                    Status::PendingSurvey,
                    "{id}: {}",
                    row.explanation
                );
                assert_eq!(row.points, dec("0"), "{id}");
                assert_eq!(
                    row.applicable_max,
                    dec("0"),
                    "{id}: out of the applicable max"
                );
                assert!(
                    !row.needs_explanation,
                    "{id}: nothing for the unit to explain"
                );
            }
        }
        assert_eq!(row.max, dec(max), "{id}");
    }
    // Without a survey the example's total applicable max is 69 (the 70 self points, 1.2.2
    // excluded); the two listed rows add 3 + 6.
    let plain = score(&example());
    assert_eq!(plain.total.applicable_max, dec("69"));
    assert_eq!(report.total.applicable_max, dec("78"));
    assert_eq!(report.total.points, plain.total.points + dec("7.46"));
    // The report lists the rows still pending: 30 − 9 = 21 points.
    let pending = report.pending_survey().expect("rows pending");
    assert_eq!(pending.max, dec("21"));
    assert_eq!(pending.describe(), "21 điểm (2.4, 3.6, 4.4, 5.7, 6.4, 7.6)");
}

#[test]
fn a_survey_of_a_header_only_is_no_survey_yet() {
    let mut files = example();
    files.insert(Path::new(UNIT).join("survey.csv"), "ma_tieu_chi,ty_le\n");
    let report = score(&files);
    let plain = score(&example());
    for (id, _) in SURVEY_ROWS {
        assert_eq!(node(&report, id).status, Status::PendingSurvey, "{id}");
    }
    assert_eq!(report.total.applicable_max, plain.total.applicable_max);
    assert_eq!(report.total.index, plain.total.index);
}

/// Drops the survey line of `unit` and `row` from a province survey file.
fn drop_survey_line(files: &mut MemoryFiles, path: &str, unit: &str, row: &str) {
    let text = String::from_utf8(files.read(Path::new(path)).expect("survey")).expect("utf-8");
    let prefix = format!("{unit},{row},");
    let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with(&prefix)).collect();
    assert_eq!(
        kept.len() + 1,
        text.lines().count(),
        "{path} lists {unit} {row}"
    );
    files.insert(PathBuf::from(path), kept.join("\n") + "\n");
}

fn score_province(files: &MemoryFiles, layout: &str) -> Result<Vec<Report>, Error> {
    let set = load_criteria(files, Path::new("criteria"))?;
    let criteria = CompiledCriteria::compile(set)?;
    let as_of = criteria.default_as_of().expect("a year end");
    criteria.score_province(files, Path::new(layout), as_of, &ReadOptions::default())
}

/// SKHCN's row 3.2 (max 4) left out of the province's survey file: pending, so SKHCN is
/// scored out of 16, and the ranking of group `so` moves.
///
/// By hand (fixtures/province-2026/EXPECTED.md): SKHCN self 9, survey 3.1 78.75% × 6 = 4.725 →
/// 4.73, 3.2 pending; total 13.73 of 20 − 4 = 16 applicable: 85.8125 → **85.81** Khá. That is
/// above SYT and SCT (both 85) and below STC (90): SKHCN moves from 7th to 5th, SYT to 6th,
/// SCT to 7th; every other rank stays.
#[test]
fn a_unit_left_out_of_the_province_survey_is_pending_in_both_layouts_and_in_the_ranking() {
    for (layout, survey) in [
        ("by-unit", "by-unit/survey.csv"),
        ("exports", "exports/survey.csv"),
    ] {
        let mut files = province();
        drop_survey_line(&mut files, survey, "SKHCN", "3.2");
        let reports = score_province(&files, layout).expect("the province scores");
        let skhcn = reports
            .iter()
            .find(|r| r.unit.code == "SKHCN")
            .expect("SKHCN");
        let row = node(skhcn, "3.2");
        assert_eq!(
            row.status,
            Status::PendingSurvey,
            "{layout}: {}",
            row.explanation
        );
        assert_eq!(row.applicable_max, dec("0"), "{layout}");
        assert_eq!(node(skhcn, "3.1").points, dec("4.73"), "{layout}");
        assert_eq!(skhcn.total.applicable_max, dec("16"), "{layout}");
        assert_eq!(skhcn.total.points, dec("13.73"), "{layout}");
        assert_eq!(skhcn.total.index, Some(dec("85.81")), "{layout}");
        assert_eq!(skhcn.total.rating.as_deref(), Some("Khá"), "{layout}");

        let ranking = Ranking::of(&reports);
        let so = ranking
            .groups
            .iter()
            .find(|g| g.group == "so")
            .expect("group so");
        let order: Vec<(usize, &str)> = so
            .entries
            .iter()
            .map(|e| (e.rank, e.code.as_str()))
            .collect();
        assert_eq!(
            order,
            [
                (1, "SNV"),
                (2, "STP"),
                (3, "SNGV"),
                (4, "STC"),
                (5, "SKHCN"),
                (6, "SYT"),
                (7, "SCT"),
                (8, "SXD"),
                (9, "SGDDT"),
                (10, "SDTTG"),
                (11, "SDL"),
                (11, "SLDTBXH"),
                (13, "STTTT"),
                (14, "SVHTT"),
                (15, "SNNMT"),
                (16, "SGTVT"),
            ],
            "{layout}"
        );
        let entry = so
            .entries
            .iter()
            .find(|e| e.code == "SKHCN")
            .expect("SKHCN");
        assert_eq!(entry.survey, dec("4.73"), "{layout}");
        assert_eq!(entry.index, Some(dec("85.81")), "{layout}");
    }
}

/// A unit that the province's survey file does not list at all: every survey row pending.
#[test]
fn a_unit_missing_from_the_province_survey_has_every_survey_row_pending() {
    for (layout, survey) in [
        ("by-unit", "by-unit/survey.csv"),
        ("exports", "exports/survey.csv"),
    ] {
        let mut files = province();
        drop_survey_line(&mut files, survey, "SNV", "3.1");
        drop_survey_line(&mut files, survey, "SNV", "3.2");
        let reports = score_province(&files, layout).expect("the province scores");
        let snv = reports.iter().find(|r| r.unit.code == "SNV").expect("SNV");
        for id in ["3.1", "3.2"] {
            assert_eq!(node(snv, id).status, Status::PendingSurvey, "{layout} {id}");
        }
        // Self 10 of 10 applicable: 100.
        assert_eq!(snv.total.applicable_max, dec("10"), "{layout}");
        assert_eq!(snv.total.index, Some(dec("100")), "{layout}");
    }
}

// --- 3. A survey rate outside 0–100 or not a number ----------------------------------------

fn survey_error(files: &dyn Files) -> String {
    match try_score(files) {
        Err(Error::Evidence(problems)) => problems.to_string(),
        Err(other) => panic!("an evidence error, not {other}"),
        Ok(_) => panic!("the survey must be refused"),
    }
}

#[test]
fn a_unit_survey_rate_out_of_range_or_not_a_number_is_refused_at_its_cell() {
    for (rate, shown) in [
        ("100.01", "100.01"),
        ("-0.5", "-0.5"),
        ("\"-0,01\"", "-0,01"),
        ("101", "101"),
        ("abc", "abc"),
        ("80%", "80%"),
    ] {
        let mut files = example();
        files.insert(
            Path::new(UNIT).join("survey.csv"),
            format!("ma_tieu_chi,ty_le\n1.6,80\n2.4,{rate}\n"),
        );
        let message = survey_error(&files);
        // File, line 3, column 2, the value as written.
        assert!(
            message.contains("survey.csv:3:2:"),
            "{rate}: the place, in {message}"
        );
        assert!(
            message.contains("`ty_le`"),
            "{rate}: the column, in {message}"
        );
        assert!(
            message.contains(&format!("giá trị `{shown}`")),
            "{rate}: the value, in {message}"
        );
    }
    // The edges are inside.
    for rate in ["0", "100", "100.00"] {
        let mut files = example();
        files.insert(
            Path::new(UNIT).join("survey.csv"),
            format!("ma_tieu_chi,ty_le\n1.6,{rate}\n"),
        );
        assert!(try_score(&files).is_ok(), "{rate} is a rate");
    }
}

#[test]
fn a_province_survey_rate_out_of_range_is_refused_in_both_layouts() {
    for (layout, survey) in [
        ("by-unit", "by-unit/survey.csv"),
        ("exports", "exports/survey.csv"),
    ] {
        let mut files = province();
        let text =
            String::from_utf8(files.read(Path::new(survey)).expect("survey")).expect("utf-8");
        let (line, old) = text
            .lines()
            .enumerate()
            .find(|(_, l)| l.starts_with("SKHCN,3.2,"))
            .expect("SKHCN 3.2");
        files.insert(PathBuf::from(survey), text.replace(old, "SKHCN,3.2,100.5"));
        match score_province(&files, layout) {
            Err(Error::Evidence(problems)) => {
                let message = problems.to_string();
                assert!(
                    message.contains(&format!("survey.csv:{}:3:", line + 1)),
                    "{layout}: {message}"
                );
                assert!(message.contains("giá trị `100.5`"), "{layout}: {message}");
            }
            Err(other) => panic!("{layout}: an evidence error, not {other}"),
            Ok(_) => panic!("{layout}: the survey must be refused"),
        }
    }
}
