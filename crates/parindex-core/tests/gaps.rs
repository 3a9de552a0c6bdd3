//! Points lost and what restores them, on the Sở KH&CN example: the restoring change is
//! computed from the rule, and making that change really earns the points.

use std::path::Path;

use parindex_core::explain::explain_row;
use parindex_core::{load_criteria, Files, FsFiles};
use rust_decimal::Decimal;

mod common;

use common::{dec, example, root, score};

#[test]
fn gaps_are_sorted_by_points_lost_and_add_up() {
    let report = score(&example());
    let gaps = report.gaps();
    assert!(gaps.windows(2).all(|w| w[0].lost >= w[1].lost));
    let lost: Decimal = gaps.iter().map(|n| n.lost).sum();
    // 69 applicable − 55.71 earned.
    assert_eq!(lost, dec("13.29"));
    assert_eq!(gaps[0].id, "2.1.1");
    let late_plan = report.node("7.1").expect("7.1");
    assert_eq!(
        late_plan.restore.as_deref(),
        Some("Ban hành ngày 05/02/2026, hạn 31/01/2026: nếu ban hành đúng hạn → +0,75 điểm")
    );
}

#[test]
fn a_count_of_records_restores_the_band_and_really_does() {
    let before = score(&example());
    // 974 of 1026 due dossiers on time and not rated unsatisfied: 95% needs 974.7, so one more.
    let row = before.node("3.2.4").expect("3.2.4");
    assert_eq!(row.points, dec("0.5"));
    assert_eq!(
        row.restore.as_deref(),
        Some("thêm 1 bản ghi (hồ sơ một cửa) đạt thay vì không đạt → tỷ lệ ≥ 95% → +0,5 điểm")
    );
    // Make that one change: an on-time dossier rated unsatisfied becomes satisfied.
    let mut files = example();
    let path = Path::new("fixtures/skhcn-2026/dossiers.csv");
    let text = String::from_utf8(files.read(path).expect("dossiers")).expect("UTF-8");
    let mut changed = false;
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            // On time (returned by the deadline, both in 2026) and rated unsatisfied.
            let on_time = cells.len() == 12
                && !cells[4].is_empty()
                && parindex_core::date::parse_date(cells[4])
                    <= parindex_core::date::parse_date(cells[3]);
            if !changed && on_time && cells[11] == "khong_hai_long" {
                changed = true;
                line.replacen("khong_hai_long", "hai_long", 1)
            } else {
                line.to_owned()
            }
        })
        .collect();
    assert!(changed, "the fixture has an on-time unsatisfied dossier");
    files.insert(path, lines.join("\n") + "\n");
    let after = score(&files);
    assert_eq!(after.node("3.2.4").map(|n| n.points), Some(dec("1")));
}

#[test]
fn explain_reads_the_bands_of_a_row() {
    let set = load_criteria(&FsFiles, &root().join("criteria/nghe-an-2026-so")).expect("loads");
    let readings = |id: &str| {
        let row = explain_row(&set, id).unwrap_or_else(|| panic!("row {id}"));
        row.leaf
            .and_then(|l| l.rule)
            .map(|r| r.readings)
            .unwrap_or_default()
    };
    let row = explain_row(&set, "3.2.1").expect("row 3.2.1");
    assert_eq!(
        (row.id.as_str(), row.title.as_str()),
        ("3.2.1", "Tỷ lệ hồ sơ giải quyết đúng và trước hạn")
    );
    let text = readings("3.2.1");
    for line in [
        "≥ 100%: 2,5 điểm",
        "từ 95% đến dưới 100%: 1,5 điểm",
        "từ 90% đến dưới 95%: 0,5 điểm",
        "dưới 90%: 0 điểm",
    ] {
        assert!(text.iter().any(|l| l == line), "{line} in:\n{text:?}");
    }
    let text = readings("6.1.1");
    assert!(
        text.iter().any(|l| l.contains("văn bản nhóm `quy-che-chi-tieu-noi-bo` ban hành đến 31/03/2026: 1 điểm; ban hành sau hạn: 0,5 điểm")),
        "{text:?}"
    );
    assert!(explain_row(&set, "9.9").is_none());
}
