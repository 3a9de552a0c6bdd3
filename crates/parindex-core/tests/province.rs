//! A whole province in one run, in both layouts (a folder per unit, or province-wide exports
//! carrying ma_don_vi), ranked within peer groups and checked against the hand-computed
//! ranking in fixtures/province-2026/expected-ranking.csv.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use parindex_core::evidence::{is_province, Threads};
use parindex_core::rank::{RankEntry, Ranking};
use parindex_core::report::write_province_json;
use parindex_core::{load_criteria, CompiledCriteria, FsFiles, ReadOptions, Report};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/province-2026")
}

fn score(layout: &str) -> Vec<Report> {
    let set = load_criteria(&FsFiles, &fixture().join("criteria")).expect("loads");
    let criteria = CompiledCriteria::compile(set).expect("compiles");
    let dir = fixture().join(layout);
    assert!(is_province(&FsFiles, &dir), "{layout} is a province");
    let as_of = criteria.default_as_of().expect("date");
    (criteria.score_province(&FsFiles, &dir, as_of, &ReadOptions::default()))
        .expect("the province reads")
}

fn row(e: &RankEntry, group: &str) -> Vec<String> {
    let d = |x: rust_decimal::Decimal| x.normalize().to_string();
    vec![
        group.to_owned(),
        e.rank.to_string(),
        e.code.clone(),
        d(e.self_assessed),
        // A unit not appraised has the same figure after appraisal.
        d(e.appraised.unwrap_or(e.self_assessed)),
        d(e.survey),
        d(e.total),
        e.index.map(d).unwrap_or_default(),
        e.rating.clone().unwrap_or_default(),
    ]
}

fn expected() -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(fixture().join("expected-ranking.csv")).expect("csv");
    reader
        .records()
        .map(|r| r.expect("row").iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn both_layouts_give_the_hand_computed_ranking() {
    for layout in ["by-unit", "exports"] {
        let reports = score(layout);
        assert_eq!(reports.len(), 22, "{layout}");
        let ranking = Ranking::of(&reports);
        let got: Vec<Vec<String>> = ranking
            .groups
            .iter()
            .flat_map(|g| g.entries.iter().map(|e| row(e, &g.group)))
            .collect();
        assert_eq!(got, expected(), "{layout}");
    }
}

#[test]
fn ties_are_broken_by_the_appraised_self_score_then_shared() {
    let ranking = Ranking::of(&score("by-unit"));
    let so = ranking
        .groups
        .iter()
        .find(|g| g.group == "so")
        .expect("group so");
    let rank: BTreeMap<&str, (usize, bool)> = so
        .entries
        .iter()
        .map(|e| (e.code.as_str(), (e.rank, e.tied)))
        .collect();
    // Equal index 85: SYT (self 9) before SCT (self 8).
    assert_eq!(rank["SYT"], (5, false));
    assert_eq!(rank["SCT"], (6, false));
    // Equal index 82.5: SXD (self 10) before SGDDT, appraised down to 9.
    assert_eq!(rank["SXD"], (8, false));
    assert_eq!(rank["SGDDT"], (9, false));
    // Equal in everything: the same rank, and the next rank skipped.
    assert_eq!(rank["SDL"], (11, true));
    assert_eq!(rank["SLDTBXH"], (11, true));
    assert_eq!(rank["STTTT"], (13, false));
}

#[test]
fn both_layouts_score_every_unit_alike() {
    let strip = |mut r: Report| {
        r.fingerprint.evidence.clear();
        r.to_json()
    };
    let a: Vec<String> = score("by-unit").into_iter().map(strip).collect();
    let b: Vec<String> = score("exports").into_iter().map(strip).collect();
    assert_eq!(a.len(), b.len());
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        // Not assert_eq: a whole report in a failure message drowns the difference.
        assert!(x == y, "unit {i} scores differently in the two layouts");
    }
}

/// Every pool takes its count from `ReadOptions::threads`: one thread and several give the
/// same reports, byte for byte, in both layouts (and the same province document).
#[test]
fn one_thread_and_several_give_the_same_reports() {
    let set = load_criteria(&FsFiles, &fixture().join("criteria")).expect("loads");
    let criteria = CompiledCriteria::compile(set).expect("compiles");
    let as_of = criteria.default_as_of().expect("date");
    for layout in ["by-unit", "exports"] {
        let documents: Vec<String> = [1, 3, 8]
            .into_iter()
            .map(|n| {
                let threads = Threads::new(std::num::NonZeroUsize::new(n).expect("n > 0"));
                let options = ReadOptions {
                    threads,
                    ..ReadOptions::default()
                };
                let reports = criteria
                    .score_province(&FsFiles, &fixture().join(layout), as_of, &options)
                    .expect("the province scores");
                let mut out = Vec::new();
                write_province_json(&reports, &mut out, threads).expect("written");
                String::from_utf8(out).expect("utf-8")
            })
            .collect();
        assert!(
            documents[0] == documents[1],
            "{layout}: 1 and 3 threads differ"
        );
        assert!(
            documents[0] == documents[2],
            "{layout}: 1 and 8 threads differ"
        );
    }
}
