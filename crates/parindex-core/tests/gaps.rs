//! Points lost and what restores them, on the Sở KH&CN example: the restoring change is
//! computed from the rule, and making that change really earns the points.

use std::path::Path;

use parindex_core::explain::explain_row;
use parindex_core::{load_criteria, Files, FsFiles};
use rust_decimal::Decimal;

mod common;

use common::{dec, example, root, score, score_set_and_unit};

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

/// A set of one field whose rows `1.1`, `1.2`, … have `rules`, each worth 1 point, over a
/// table of inspections with labelled columns and two declared facts.
fn named_numbers(rules: &[&str]) -> parindex_core::Report {
    use parindex_core::MemoryFiles;
    let mut set = format!(
        r#"
[set]
id = "named"
title = "Named"
province = "Nghệ An"
year = 2026
unit_group = "so"
not_arising = "exclude"

[[rating]]
label = "Đạt"
min = 0

[tables.inspections]
title = "Kiểm tra CCHC"
columns = [
  {{ id = "don_vi", type = "text", required = true, labels = ["Đơn vị được kiểm tra"] }},
  {{ id = "so_van_de", type = "integer", required = true }},
  {{ id = "da_xu_ly", type = "integer", required = true, labels = ["Số vấn đề đã xử lý"] }},
]

[facts.ke_hoach]
label = "Số cuộc kiểm tra theo kế hoạch"
type = "integer"

[facts.sang_kien]
label = "Số sáng kiến CCHC được công nhận"
type = "integer"

[[criterion]]
id = "1"
title = "Field"
max = {}
"#,
        rules.len()
    );
    for (i, rule) in rules.iter().enumerate() {
        set.push_str(&format!(
            "\n[[criterion]]\nid = \"1.{}\"\ntitle = \"Row\"\nmax = 1\nmethod = \"self\"\n\
             reads = [\"inspections\", \"facts\"]\nrule = '''\n{rule}\n'''\n",
            i + 1
        ));
    }
    let mut files = MemoryFiles::new();
    files.insert("set/criteria.toml", set);
    files.insert(
        "unit/unit.toml",
        "code = \"U\"\nname = \"Unit\"\ngroup = \"so\"\n",
    );
    files.insert(
        "unit/inspections.csv",
        "don_vi,so_van_de,da_xu_ly\nPhòng A,5,4\nPhòng B,3,3\nPhòng A,2,0\n",
    );
    files.insert("unit/facts.toml", "ke_hoach = 4\nsang_kien = 0\n");
    score_set_and_unit(&files)
}

#[test]
fn what_restores_the_points_names_the_number_to_raise() {
    let report = named_numbers(&[
        // A column's total, through a variable: 7/10.
        "let t = table(\"inspections\"); let done = t.sum(\"da_xu_ly\");\n\
         bands(ratio(done, t.sum(\"so_van_de\")), [[1, 1], [0.5, 0.5]])",
        // Distinct values of a column against a fact: 2/4.
        "bands(ratio(table(\"inspections\").distinct(\"don_vi\"), fact(\"ke_hoach\")), [[1, 1]])",
        // A fact over records: the fact moves the ratio, not the table (3 inspections).
        "bands(ratio(fact(\"ke_hoach\"), table(\"inspections\")), [[2, 1]])",
        // A counted number of records over a fact: 3/4.
        "bands(ratio(table(\"inspections\").count(), fact(\"ke_hoach\")), [[1, 1]])",
        // A fact as a number: 0 of 1.
        "bands(fact(\"sang_kien\"), [[1, 1]])",
        // A column without a label, then arithmetic: a new number, without a name.
        "let t = table(\"inspections\");\n\
         bands(ratio(t.sum(\"so_van_de\") - 1, t.sum(\"so_van_de\")), [[1, 1]])",
        // The same value computed again is a number of the rule's own: no name.
        "let t = table(\"inspections\"); let done = t.sum(\"da_xu_ly\") * 1;\n\
         bands(ratio(done, t.sum(\"so_van_de\")), [[1, 1]])",
    ]);
    let restore = |id: &str| {
        let node = report.node(id).unwrap_or_else(|| panic!("row {id}"));
        (
            node.explanation.clone(),
            node.restore.clone().unwrap_or_default(),
        )
    };
    assert_eq!(
        restore("1.1"),
        (
            "tổng da_xu_ly = 7; tổng so_van_de = 10. Tỷ lệ 7/10 (70,00%) ≥ 50%: 0,5 điểm".into(),
            "tăng tổng số vấn đề đã xử lý (`da_xu_ly`, bảng Kiểm tra CCHC) thêm 3 (lên 10) \
             → tỷ lệ ≥ 100% → +0,5 điểm"
                .into()
        )
    );
    assert_eq!(
        restore("1.2").1,
        "tăng số giá trị khác nhau của đơn vị được kiểm tra (`don_vi`, bảng Kiểm tra CCHC) \
         thêm 2 (lên 4) → tỷ lệ ≥ 100% → +1 điểm"
    );
    assert!(restore("1.2")
        .0
        .starts_with("số giá trị khác nhau của don_vi = 2; ke_hoach = 4."));
    assert_eq!(
        restore("1.3").1,
        "tăng số cuộc kiểm tra theo kế hoạch (`ke_hoach`) thêm 2 (lên 6) → tỷ lệ ≥ 200% \
         → +1 điểm"
    );
    assert_eq!(
        restore("1.4").1,
        "tăng số bản ghi (kiểm tra CCHC) thêm 1 (lên 4) → tỷ lệ ≥ 100% → +1 điểm"
    );
    assert_eq!(
        restore("1.5").1,
        "tăng số sáng kiến CCHC được công nhận (`sang_kien`) thêm 1 (từ 0 lên 1) → +1 điểm"
    );
    assert_eq!(
        restore("1.6").1,
        "tăng tử số thêm 1 (lên 10) → tỷ lệ ≥ 100% → +1 điểm"
    );
    assert_eq!(
        restore("1.7").1,
        "tăng tử số thêm 3 (lên 10) → tỷ lệ ≥ 100% → +1 điểm"
    );
}

#[test]
fn periodic_reports_under_a_rule_of_its_own_say_what_every_period_on_time_earns() {
    let path = Path::new("fixtures/skhcn-2026/reports.csv");
    let reports = |files: &parindex_core::MemoryFiles| {
        String::from_utf8(files.read(path).expect("reports")).expect("UTF-8")
    };
    // 1.2.1: `if p.on_time == 4 { 1 } else if p.sent == 4 { 0.5 } else { 0 }`, 9T late.
    let before = score(&example());
    let row = before.node("1.2.1").expect("1.2.1");
    assert_eq!(row.points, dec("0.5"));
    assert_eq!(
        row.restore.as_deref(),
        Some("Kỳ 9T gửi trễ (hạn 15/09/2026): nếu mọi kỳ đều gửi đúng hạn → +0,5 điểm")
    );
    // The explanation is the first run's: nothing of the supposed one leaks into the row.
    assert!(row
        .explanation
        .contains("9T: gửi 17/09/2026 trễ (hạn 15/09/2026)"));
    assert_eq!(row.evidence.len(), 4);

    // Sent on time, it earns what was said.
    let mut files = example();
    let text = reports(&files).replace("9T,15/09/2026,17/09/2026", "9T,15/09/2026,15/09/2026");
    files.insert(path, text);
    let after = score(&files);
    assert_eq!(after.node("1.2.1").map(|n| n.points), Some(dec("1")));
    assert_eq!(after.node("1.2.1").and_then(|n| n.restore.clone()), None);

    // A period not sent: sent in full and on time.
    let mut files = example();
    let text: String = reports(&files)
        .lines()
        .filter(|l| !l.starts_with("NAM,"))
        .map(|l| format!("{l}\n"))
        .collect();
    files.insert(path, text);
    let unsent = score(&files);
    let row = unsent.node("1.2.1").expect("1.2.1");
    assert_eq!(row.points, dec("0"));
    assert_eq!(
        row.restore.as_deref(),
        Some(
            "Kỳ 9T gửi trễ (hạn 15/09/2026); kỳ NAM chưa gửi: nếu mọi kỳ đều gửi đủ và đúng \
             hạn → +1 điểm"
        )
    );
}

#[test]
fn periods_counted_by_bands_are_named_and_a_rule_periods_cannot_help_gets_no_hint() {
    let path = Path::new("criteria/nghe-an-2026-so/criteria.toml");
    let with_rule = |rule: &str| {
        let mut files = example();
        let set = String::from_utf8(files.read(path).expect("set")).expect("UTF-8");
        let old = "if p.on_time == 4 { 1 } else if p.sent == 4 { 0.5 } else { 0 }";
        assert!(set.contains(old));
        files.insert(path, set.replace(old, rule));
        score(&files).node("1.2.1").expect("1.2.1").clone()
    };
    let banded = with_rule("bands(p.on_time, [[4, 1], [3, 0.5]])");
    assert_eq!(
        banded.restore.as_deref(),
        Some("tăng số kỳ báo cáo gửi đúng hạn thêm 1 (từ 3 lên 4) → +0,5 điểm")
    );
    // Only sending counts, and all four were sent: on time would earn nothing more.
    let sent_only = with_rule("if p.sent == 4 { 0.5 } else { 0 }");
    assert_eq!((sent_only.points, sent_only.lost), (dec("0.5"), dec("0.5")));
    assert_eq!(sent_only.restore, None);
    // Supposing all on time, the rule would ask the table something its own run did not: no
    // hint, whatever the reading (a streamed province gathers its questions in passes).
    let asks_more =
        with_rule("if p.on_time == 4 { bands(table(\"reports\").count(), [[1, 1]]) } else { 0.5 }");
    assert_eq!((asks_more.points, asks_more.restore), (dec("0.5"), None));
    // Asking the same again is allowed: the hint is the rule's own answer.
    let asks_again = with_rule(
        "if p.on_time == 4 { 1 } else { let q = periods(\"reports\", \"ky\", \
         [\"Q1\", \"6T\", \"9T\", \"NAM\"], \"han\", \"ngay_gui\"); q.sent * 0.125 }",
    );
    assert_eq!(
        asks_again.restore.as_deref(),
        Some("Kỳ 9T gửi trễ (hạn 15/09/2026): nếu mọi kỳ đều gửi đúng hạn → +0,5 điểm")
    );
}

#[test]
fn a_qualitative_level_says_which_level_earns_more() {
    // The mini fixture's 3.7: `level(fact("muc_do_hoan_thanh"), #{ xuat_sac: 1, tot: 0.75,
    // hoan_thanh: 0.5 })`, read `tot`.
    let report = mini();
    let row = report.node("3.7").expect("3.7");
    assert_eq!((row.points, row.lost), (dec("0.75"), dec("0.25")));
    assert_eq!(
        row.restore.as_deref(),
        Some("Mức `tot`: nếu đạt mức `xuat_sac` → +0,25 điểm")
    );
    // The nearest level above, not the best; none above the best.
    let hint = |rule: &str| {
        named_numbers(&[rule])
            .node("1.1")
            .expect("1.1")
            .restore
            .clone()
    };
    assert_eq!(
        hint("level(\"kha\", #{ tot: 1, kha: 0.5, kha_hon: 0.75, yeu: 0 })").as_deref(),
        Some("Mức `kha`: nếu đạt mức `kha_hon` → +0,25 điểm")
    );
    assert_eq!(hint("level(\"tot\", #{ tot: 1, kha: 0.5 })"), None);
}

#[test]
fn a_count_of_conditions_names_those_not_met() {
    // The mini fixture's 3.9: `bands(count_true([fact("iso_a"), fact("iso_b"),
    // fact("iso_c")]), [[3, 1], [2, 0.5]])`, iso_c not met.
    let report = mini();
    assert_eq!(
        report.node("3.9").and_then(|n| n.restore.as_deref()),
        Some("tăng số mục đạt (chưa đạt: `iso_c`) thêm 1 (từ 2 lên 3) → +0,5 điểm")
    );
    // An item without a name (computed, or written in the rule): the count alone.
    let report = named_numbers(&["bands(count_true([fact(\"sang_kien\") == 1, true]), [[2, 1]])"]);
    assert_eq!(
        report.node("1.1").and_then(|n| n.restore.as_deref()),
        Some("thêm 1 (từ 1 lên 2) → +1 điểm")
    );
}

/// The mini fixture (`fixtures/mini`), scored from its folder.
fn mini() -> parindex_core::Report {
    let root = root();
    parindex_core::score(
        &FsFiles,
        &root.join("fixtures/mini"),
        &root.join("fixtures/mini/evidence"),
        None,
    )
    .expect("the mini fixture scores")
}
