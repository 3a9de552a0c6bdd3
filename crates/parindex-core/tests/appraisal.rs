//! Appraisal (thẩm định) overlays the self-assessment: each round's points and notes per row,
//! the last round wins, and totals and the index are computed on the final points.

use std::path::{Path, PathBuf};

use parindex_core::compare::Comparison;
use parindex_core::report::Status;
use parindex_core::{
    load_criteria, CompiledCriteria, Error, Files, FsFiles, MemoryFiles, ReadOptions, Report,
};
use rust_decimal::Decimal;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn mini() -> MemoryFiles {
    let mut files = MemoryFiles::new();
    for dir in [
        "fixtures/mini",
        "fixtures/mini/rules",
        "fixtures/mini/evidence",
    ] {
        for path in FsFiles.list(&root().join(dir)).expect("listing") {
            let name = Path::new(dir).join(path.file_name().expect("name"));
            files.insert(name, std::fs::read(&path).expect("file"));
        }
    }
    files
}

fn score(files: &dyn Files) -> Result<Report, Error> {
    let set = load_criteria(files, Path::new("fixtures/mini"))?;
    let criteria = CompiledCriteria::compile(set)?;
    let as_of = criteria.default_as_of().expect("date");
    let dir = Path::new("fixtures/mini/evidence");
    criteria.score_unit(files, dir, as_of, &ReadOptions::default())
}

fn dec(s: &str) -> Decimal {
    s.parse().expect("decimal")
}

const APPRAISAL: &str = "vong,ma_tieu_chi,diem,ghi_chu,co_quan\n\
1,1.1,0.5,Kế hoạch chưa đúng mẫu,Sở Nội vụ\n\
2,1.1,1,Đã giải trình: đúng mẫu,Sở Nội vụ\n\
1,1.2,0,Không có kế hoạch tuyên truyền riêng,Sở Nội vụ\n\
1,2.6,1,Có 1 dự thảo trong kế hoạch,Sở Tư pháp\n";

#[test]
fn two_rounds_overlay_and_the_last_round_wins() {
    let before = score(&mini()).expect("scores");
    let mut files = mini();
    files.insert("fixtures/mini/evidence/appraisal.csv", APPRAISAL);
    let after = score(&files).expect("scores");

    let row = after.node("1.1").expect("1.1");
    assert_eq!(row.points, dec("1"), "the self-assessed points stay");
    assert_eq!(row.appraisals.len(), 2);
    assert_eq!(row.appraisals[0].points, dec("0.5"));
    assert_eq!(row.appraisals[0].agency, "Sở Nội vụ");
    assert_eq!(row.appraisals[1].note, "Đã giải trình: đúng mẫu");
    assert_eq!(row.final_points, dec("1"), "round 2 wins");

    let row = after.node("1.2").expect("1.2");
    assert_eq!((row.points, row.final_points), (dec("0.25"), dec("0")));

    // A row the unit left out as not arising, appraised at 1, counts again.
    let row = after.node("2.6").expect("2.6");
    assert_eq!(row.status, Status::NotApplicable);
    assert_eq!((row.final_points, row.applicable_max), (dec("1"), dec("1")));

    // Totals on the final points: 11.19 − 0.25 + 1 = 11.94 of 29 + 1 = 30 → 39.8.
    let t = &after.total;
    assert!(t.appraised);
    assert_eq!(t.points, dec("11.94"));
    assert_eq!(t.applicable_max, dec("30"));
    assert_eq!(t.index, Some(dec("39.8")));
    assert_eq!(t.self_assessed.assessed_points, dec("11.19"));
    assert_eq!(after.node("1").map(|n| n.final_points), Some(dec("2.44")));
    assert!(!before.total.appraised);

    // The diff of self-assessment and appraisal names the moved rows.
    let c = Comparison::of(&before, &after);
    let ids: Vec<&str> = c.rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["1", "1.2", "2", "2.6"]);
    assert!(c
        .inputs
        .iter()
        .any(|i| i.name == "evidence/appraisal.csv" && i.change == "added"));
}

fn refused(line: &str) -> String {
    let mut files = mini();
    files.insert(
        "fixtures/mini/evidence/appraisal.csv",
        format!("vong,ma_tieu_chi,diem,ghi_chu,co_quan\n{line}\n"),
    );
    match score(&files) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("{line}: expected an error"),
    }
}

#[test]
fn invalid_appraisals_are_refused_with_the_row_named() {
    let text = refused("1,1.1,2,,Sở Nội vụ");
    assert!(text.contains("appraisal.csv:2: tiêu chí `1.1`: điểm thẩm định ngoài khoảng điểm của tiêu chí (giá trị `2`, cần từ 0 đến 1)"), "{text}");
    let text = refused("1,9.9,1,,");
    assert!(
        text.contains("appraisal.csv:2: không có tiêu chí `9.9` trong bộ tiêu chí"),
        "{text}"
    );
    let text = refused("1,4.1,1,,");
    assert!(
        text.contains("tiêu chí `4.1` chấm qua điều tra xã hội học"),
        "{text}"
    );
    let text = refused("3,1.1,1,,");
    assert!(
        text.contains("dòng `1.1`: vòng thẩm định phải là 1 hoặc 2"),
        "{text}"
    );
    let text = refused("1,3.1.2,-3,,");
    assert!(text.contains("cần từ -2 đến 0"), "{text}");
    let text = refused("1,1.1,1,,\n1,1.1,0.5,,");
    assert!(
        text.contains("tiêu chí `1.1` được thẩm định hai lần trong vòng 1"),
        "{text}"
    );
    let text = refused("1,3,1,,");
    assert!(
        text.contains("`3` là nhóm tiêu chí, không phải tiêu chí được chấm"),
        "{text}"
    );
}
