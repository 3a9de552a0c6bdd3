//! Sở KH&CN Nghệ An 2026 scored with the shipped reference set must match the score computed
//! by hand from its evidence (`fixtures/skhcn-2026/expected.csv`, derivations in EXPECTED.md).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use parindex_core::{load_criteria, CompiledCriteria, FsFiles, ReadOptions, Report};
use rust_decimal::Decimal;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn score() -> Report {
    let set = load_criteria(&FsFiles, &root().join("criteria/nghe-an-2026-so")).expect("loads");
    let criteria = CompiledCriteria::compile(set).expect("compiles");
    let as_of = criteria.default_as_of().expect("31/12/2026");
    let dir = root().join("fixtures/skhcn-2026");
    (criteria.score_unit(&FsFiles, &dir, as_of, &ReadOptions::default())).expect("evidence reads")
}

fn read_csv(path: &str) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(root().join(path)).expect("expected file");
    reader.deserialize().map(|r| r.expect("row")).collect()
}

fn dec(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

#[test]
fn every_row_matches_the_hand_computed_score() {
    let report = score();
    let expected = read_csv("fixtures/skhcn-2026/expected.csv");
    assert_eq!(expected.len(), 64, "the reference set has 64 rows");
    let leaves: Vec<&str> = report
        .nodes
        .iter()
        .filter(|n| n.is_leaf())
        .map(|n| n.id.as_str())
        .collect();
    let ids: Vec<&str> = expected.iter().map(|r| r["id"].as_str()).collect();
    assert_eq!(leaves, ids, "rows in the same order");
    let mut wrong = Vec::new();
    for row in &expected {
        let node = report.node(&row["id"]).expect("row");
        if node.status.as_str() != row["status"] || node.points != dec(&row["points"]) {
            wrong.push(format!(
                "{}: expected {} {}, got {} {} ({})",
                row["id"],
                row["status"],
                row["points"],
                node.status.as_str(),
                node.points,
                node.explanation
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn totals_match_the_hand_computed_totals() {
    let report = score();
    let t = &report.total;
    let s = &t.self_assessed;
    let opt = |d: Option<Decimal>| d.map(|d| d.normalize().to_string()).unwrap_or_default();
    for row in read_csv("fixtures/skhcn-2026/expected-totals.csv") {
        let got = match row["figure"].as_str() {
            "self.max" => s.max.normalize().to_string(),
            "self.applicable_max" => s.applicable_max.normalize().to_string(),
            "self.points" => s.points.normalize().to_string(),
            "self.index" => opt(s.index),
            "total.max" => t.max.normalize().to_string(),
            "total.applicable_max" => t.applicable_max.normalize().to_string(),
            "total.points" => t.points.normalize().to_string(),
            "total.index" => opt(t.index),
            "total.rating" => t.rating.clone().unwrap_or_default(),
            other => panic!("unknown figure {other}"),
        };
        let want = match dec_or_text(&row["value"]) {
            Ok(d) => d.normalize().to_string(),
            Err(text) => text,
        };
        assert_eq!(got, want, "{}", row["figure"]);
    }
}

fn dec_or_text(s: &str) -> Result<Decimal, String> {
    s.parse::<Decimal>().map_err(|_| s.to_owned())
}

#[test]
fn the_reference_set_is_70_self_and_30_survey() {
    let report = score();
    assert_eq!(report.total.max, dec("100"));
    assert_eq!(report.total.self_assessed.max, dec("70"));
    let fields: Vec<(&str, Decimal)> = report
        .nodes
        .iter()
        .filter(|n| n.parent.is_none())
        .map(|n| (n.id.as_str(), n.max))
        .collect();
    let want: Vec<(&str, Decimal)> = [
        ("1", "13"),
        ("2", "10"),
        ("3", "24"),
        ("4", "9"),
        ("5", "15"),
        ("6", "12"),
        ("7", "17"),
    ]
    .iter()
    .map(|(id, m)| (*id, dec(m)))
    .collect();
    assert_eq!(fields, want);
}
