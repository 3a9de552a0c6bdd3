//! The mini fixture exercises every helper, both not-arising policies, a penalty row, a survey
//! row, rule errors, and a missing versus an empty table. Every row's points are asserted here
//! from the hand computation in the comments; snapshots hold the rendered outputs.

use std::path::{Path, PathBuf};

use parindex_core::report::Status;
use parindex_core::{
    load_criteria, CompiledCriteria, Date, Files, FsFiles, MemoryFiles, ReadOptions, Report,
};
use rust_decimal::Decimal;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// Loads a fixture folder into memory, keyed by paths relative to `fixtures/`.
fn memory(dirs: &[&str]) -> MemoryFiles {
    let mut files = MemoryFiles::new();
    for dir in dirs {
        add_dir(&mut files, &fixtures(), Path::new(dir));
    }
    files
}

fn add_dir(files: &mut MemoryFiles, root: &Path, rel: &Path) {
    let Ok(entries) = std::fs::read_dir(root.join(rel)) else {
        return;
    };
    for entry in entries.flatten() {
        let rel = rel.join(entry.file_name());
        if entry.path().is_dir() {
            add_dir(files, root, &rel);
        } else if let Ok(bytes) = std::fs::read(entry.path()) {
            files.insert(rel, bytes);
        }
    }
}

fn date(y: i32, m: u32, d: u32) -> Date {
    Date::from_ymd_opt(y, m, d).expect("valid date")
}

fn score(files: &dyn Files, as_of: Date) -> Report {
    let set = load_criteria(files, Path::new("mini")).expect("mini criteria load");
    let criteria = CompiledCriteria::compile(set).expect("mini criteria compile");
    let dir = Path::new("mini/evidence");
    (criteria.score_unit(files, dir, as_of, &ReadOptions::default())).expect("mini evidence reads")
}

fn dec(s: &str) -> Decimal {
    s.parse().expect("decimal literal")
}

/// (row, status, points) as computed by hand from `fixtures/mini/evidence`.
const EXPECTED: &[(&str, Status, &str)] = &[
    // Issued 15/01, deadline 31/01: on time.
    ("1.1", Status::Scored, "1"),
    // Issued 05/04, deadline 31/03: later.
    ("1.2", Status::Scored, "0.25"),
    // The only document is dated 10/01/2027, after the as-of date: none.
    ("1.3", Status::Scored, "0"),
    // All four periods sent, 9T late.
    ("1.4", Status::Scored, "0.5"),
    // 17/18 = 94.44% ≥ 90%: 17/18 × 1 = 0.944… → 0.94.
    ("1.5", Status::Scored, "0.94"),
    // 22 dossiers in 2026 (D23 is 2027): 19 on time, D20 late, D21 pending past due, D22 not
    // yet due → 19/21 = 90.48% in [90%, 95%).
    ("2.1", Status::Scored, "0.5"),
    // Late D20 (apologised) and D21 (not): 1/2 < 100%.
    ("2.2", Status::Scored, "0"),
    // On time and not rated khong_hai_long: 18 (D05 is) over the due set 21 = 85.71%.
    ("2.3", Status::Scored, "0"),
    // With a fee: D01–D10; paid online: D01–D04 → 40% in [30%, 50%).
    ("2.4", Status::Scored, "0.5"),
    // feedback.csv is missing: no evidence, even though the row's policy is `full`.
    ("2.5", Status::NoEvidence, "0"),
    // legal_drafts.csv has a header and no rows: not arising, policy exclude.
    ("2.6", Status::NotApplicable, "0"),
    // 31/03 is exactly 30 days after 01/03: on time; 2/2.
    ("2.7", Status::Scored, "1"),
    ("3.1.1", Status::Scored, "1.5"),
    // 3 cases × −1 = −3, floored at −2.
    ("3.1.2", Status::Scored, "-2"),
    // Distinct units A, B, C (D is inspected in 2027): 3 → 0.75.
    ("3.2", Status::Scored, "0.75"),
    // 3 × 0.5 = 1.5 capped at 1.
    ("3.3", Status::Scored, "1"),
    // 9 fixed of 10 found = 90% in [80%, 100%).
    ("3.4", Status::Scored, "0.5"),
    // Division by zero at run time.
    ("3.5", Status::Error, "0"),
    // The rule returns 3 on a row worth 1.
    ("3.6", Status::Error, "0"),
    ("3.7", Status::Scored, "0.75"),
    // dvsn_tong = 0: the rule says not arising, policy exclude.
    ("3.8", Status::NotApplicable, "0"),
    // Two of three ISO facts true.
    ("3.9", Status::Scored, "0.5"),
    // The fact is not in facts.toml.
    ("3.10", Status::NoEvidence, "0"),
    // Non-classified documents of 2026: 10, signed 9 → exactly 90%, on the band edge.
    ("3.11", Status::Scored, "0.5"),
    ("4.1", Status::PendingSurvey, "0"),
    // 15/01/2026 is within 30 days of 01/01/2026.
    ("5.1", Status::Scored, "1"),
    ("5.2", Status::Scored, "1"),
    // The ad-hoc report was sent on 02/05/2026.
    ("5.3", Status::Scored, "0"),
    // All four periodic reports carry a number.
    ("5.4", Status::Scored, "1"),
    // D16–D19, D21 and D22 have no rating: more than 3.
    ("5.5", Status::NoEvidence, "0"),
];

#[test]
fn every_row_scores_as_computed_by_hand() {
    let report = score(&memory(&["mini"]), date(2026, 12, 31));
    for (id, status, points) in EXPECTED {
        let node = report
            .node(id)
            .unwrap_or_else(|| panic!("row {id} missing"));
        assert_eq!(node.status, *status, "status of {id}: {}", node.explanation);
        assert_eq!(
            node.points,
            dec(points),
            "points of {id}: {}",
            node.explanation
        );
    }
    let leaves = report.nodes.iter().filter(|n| n.is_leaf()).count();
    assert_eq!(leaves, EXPECTED.len());
}

#[test]
fn totals_follow_the_reference_rules() {
    let report = score(&memory(&["mini"]), date(2026, 12, 31));
    let field = |id: &str| report.node(id).expect("field");
    // Field 1: 1 + 0.25 + 0 + 0.5 + 0.94 = 2.69 of 5.5.
    assert_eq!(field("1").points, dec("2.69"));
    assert_eq!(field("1").index, Some(dec("48.91")));
    // Field 2: 0.5 + 0.5 + 1 = 2 of 8.5 − 1 (2.6 excluded) = 7.5.
    assert_eq!(field("2").applicable_max, dec("7.5"));
    assert_eq!(field("2").index, Some(dec("26.67")));
    // Field 3: 1.5 − 2 + 0.75 + 1 + 0.5 + 0.75 + 0.5 + 0.5 = 3.5 of 12 − 1 (3.8 excluded).
    assert_eq!(field("3").points, dec("3.5"));
    assert_eq!(field("3").applicable_max, dec("11"));

    // Field 5: 1 + 1 + 0 + 1 + 0 = 3 of 5.
    assert_eq!(field("5").points, dec("3"));
    assert_eq!(field("5").index, Some(dec("60")));

    let t = &report.total;
    assert_eq!(t.max, dec("34"));
    // The survey row is pending: out of the applicable max and the points.
    assert_eq!(t.applicable_max, dec("29"));
    assert_eq!(t.points, dec("11.19"));
    // 11.19 × 100 / 29 = 38.586…, rounded half up.
    assert_eq!(t.index, Some(dec("38.59")));
    assert_eq!(t.rating.as_deref(), Some("Yếu"));
    assert_eq!(t.self_assessed.max, dec("31"));
    assert_eq!(t.self_assessed.applicable_max, dec("29"));
    assert_eq!(t.self_assessed.points, dec("11.19"));
    assert_eq!(t.self_assessed.index, Some(dec("38.59")));
}

#[test]
fn survey_results_fill_survey_rows() {
    let mut files = memory(&["mini"]);
    files.insert(
        "mini/evidence/survey.csv",
        "ma_tieu_chi,ty_le\n4.1,\"87,5\"\n",
    );
    let report = score(&files, date(2026, 12, 31));
    let row = report.node("4.1").expect("survey row");
    // 87.5% × 3 = 2.625 → 2.63.
    assert_eq!((row.status, row.points), (Status::Scored, dec("2.63")));
    assert_eq!(report.total.applicable_max, dec("32"));
    assert_eq!(report.total.points, dec("13.82"));
    // 1382 / 32 = 43.1875
    assert_eq!(report.total.index, Some(dec("43.19")));
    // The self-assessed part does not move.
    assert_eq!(report.total.self_assessed.index, Some(dec("38.59")));
}

#[test]
fn the_as_of_date_decides_what_exists() {
    let report = score(&memory(&["mini"]), date(2027, 1, 31));
    // The assessment decision of 10/01/2027 now exists and meets the second deadline.
    assert_eq!(report.node("1.3").map(|n| n.points), Some(dec("1")));
    // Inspection of unit D (05/01/2027) now counts: four distinct units.
    assert_eq!(report.node("3.2").map(|n| n.points), Some(dec("1")));
}

#[test]
fn penalties_never_take_the_total_below_zero() {
    let mut files = memory(&["mini"]);
    // Only the penalty row and a zero row left scoring: −2 floored to 0 in the total.
    files.insert(
        "mini/evidence/facts.toml",
        "so_vu_sach_nhieu = 2\nso_vi_pham = 4\n",
    );
    files.remove("mini/evidence/documents.csv");
    files.remove("mini/evidence/dossiers.csv");
    files.remove("mini/evidence/reports.csv");
    files.remove("mini/evidence/inspections.csv");
    files.remove("mini/evidence/changes.csv");
    let report = score(&files, date(2026, 12, 31));
    assert_eq!(report.node("3.1.2").map(|n| n.points), Some(dec("-2")));
    assert_eq!(report.node("3.1.1").map(|n| n.points), Some(dec("0")));
    assert_eq!(report.total.self_assessed.points, Decimal::ZERO);
    assert_eq!(report.total.points, Decimal::ZERO);
    assert_eq!(
        report.node("1.1").map(|n| n.status),
        Some(Status::NoEvidence)
    );
}

#[test]
fn the_same_inputs_give_byte_identical_json() {
    let a = score(&memory(&["mini"]), date(2026, 12, 31)).to_json();
    let b = score(&memory(&["mini"]), date(2026, 12, 31)).to_json();
    assert_eq!(a, b);
    // And from the real file system too.
    let set = load_criteria(&FsFiles, &fixtures().join("mini")).expect("loads");
    let criteria = CompiledCriteria::compile(set).expect("compiles");
    let dir = fixtures().join("mini/evidence");
    let c = criteria
        .score_unit(&FsFiles, &dir, date(2026, 12, 31), &ReadOptions::default())
        .expect("reads");
    assert_eq!(c.total.points, dec("11.19"));
}

#[test]
fn json_report_snapshot() {
    let report = score(&memory(&["mini"]), date(2026, 12, 31));
    insta::assert_snapshot!("mini_json", report.to_json());
}
