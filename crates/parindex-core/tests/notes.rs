//! The officer's own words (notes.toml): explanations, added documents and declared points,
//! visible in the report, used by the totals, and refused when invalid.

use std::path::Path;

use parindex_core::report::Status;
use parindex_core::Files;

mod common;

use common::{dec, example, try_score as score};

#[test]
fn declared_points_explanations_and_documents_show_and_count() {
    let report = score(&example()).expect("scores");
    let row = report.node("5.3").expect("5.3");
    assert_eq!(row.points, dec("0"), "the computed points stay");
    let declared = row.declared.as_ref().expect("declared points");
    assert_eq!(declared.points, dec("1"));
    assert!(declared.reason.contains("31/01/2027"));
    assert_eq!(row.final_points, dec("1"), "totals use the declared points");
    assert!(row
        .giai_trinh
        .as_deref()
        .is_some_and(|g| g.contains("12/01/2027")));
    assert!(!row.needs_explanation, "explained");
    assert_eq!(report.total.self_assessed.points, dec("56.71"));
    assert_eq!(report.total.self_assessed.assessed_points, dec("56.71"));
    assert_eq!(report.total.index, Some(dec("82.19")));

    let row = report.node("2.1.1").expect("2.1.1");
    assert_eq!(row.status, Status::Scored);
    assert!(row.giai_trinh.is_some());
    let json = report.to_json();
    assert!(
        json.contains("\"kind\": \"declared\""),
        "the added document is in the JSON"
    );
    assert!(json.contains("\"reference\": \"4521/UBND-TH ngày 10/06/2026\""));
    assert!(
        json.contains("\"declared\": {\n        \"points\": \"1\","),
        "declared points in the JSON"
    );
    assert!(report
        .proposals
        .as_deref()
        .is_some_and(|p| p.contains("an toàn bức xạ")));
}

#[test]
fn rows_without_evidence_need_an_explanation_until_given() {
    let mut files = example();
    files.remove("fixtures/skhcn-2026/feedback.csv");
    let report = score(&files).expect("scores");
    let row = report.node("3.4.1").expect("3.4.1");
    assert_eq!(row.status, Status::NoEvidence);
    assert!(row.needs_explanation);
    let notes = String::from_utf8(files.read(Path::new("fixtures/skhcn-2026/notes.toml")).expect("notes"))
        .expect("UTF-8")
        + "\n[tieu_chi.\"3.4.1\"]\ngiai_trinh = \"Sổ theo dõi PAKN bản giấy, đính kèm bản chụp.\"\n";
    files.insert("fixtures/skhcn-2026/notes.toml", notes);
    let report = score(&files).expect("scores");
    assert!(!report.node("3.4.1").expect("3.4.1").needs_explanation);
}

/// A row's table made only by its documents' array of tables (`[[tieu_chi."3.2.4".tai_lieu]]`,
/// no `[tieu_chi."3.2.4"]` above it) is valid TOML, and read as any other: the web app writes
/// it for a row given an attachment and nothing else.
#[test]
fn a_row_of_documents_only_is_read() {
    let mut files = example();
    let notes = String::from_utf8(files.read(Path::new("fixtures/skhcn-2026/notes.toml")).expect("notes"))
        .expect("UTF-8")
        + "\n[[tieu_chi.\"3.2.4\".tai_lieu]]\nso_ky_hieu = \"12/BC-SKHCN\"\nngay = \"05/12/2026\"\n";
    files.insert("fixtures/skhcn-2026/notes.toml", notes);
    let report = score(&files).expect("scores");
    let json = report.to_json();
    assert!(json.contains("12/BC-SKHCN ngày 05/12/2026"), "{json}");
    assert_eq!(report.total.index, Some(dec("82.19")));
    // And a date it cannot read is said at the row's id, on the header's line.
    let text =
        refused("[[tieu_chi.\"3.2.4\".tai_lieu]]\nso_ky_hieu = \"1\"\nngay = \"32/13/2026\"\n");
    assert!(
        text.contains("notes.toml:1:12: tiêu chí `3.2.4`: không đọc được ngày của văn bản `1`"),
        "{text}"
    );
}

fn refused(notes: &str) -> String {
    let mut files = example();
    files.insert("fixtures/skhcn-2026/notes.toml", notes);
    match score(&files) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("expected {notes} to be refused"),
    }
}

#[test]
fn invalid_declared_points_are_refused_naming_the_row() {
    let text = refused("[tieu_chi.\"5.3\"]\ndiem_de_nghi = 3\nly_do = \"x\"\n");
    // At the row's id in its table's header.
    assert!(text.contains("notes.toml:1:11: tiêu chí `5.3`: điểm đề nghị ngoài khoảng điểm của tiêu chí (giá trị `3`, cần từ 0 đến 2)"), "{text}");
    let text = refused("[tieu_chi.\"1.6\"]\ndiem_de_nghi = 3\nly_do = \"x\"\n");
    assert!(
        text.contains("tiêu chí `1.6` chấm qua điều tra xã hội học"),
        "{text}"
    );
    let text = refused("[tieu_chi.\"5.3\"]\ndiem_de_nghi = 1\n");
    assert!(
        text.contains("tiêu chí `5.3`: có điểm đề nghị nhưng chưa có lý do"),
        "{text}"
    );
    let text = refused("[tieu_chi.\"5.6\"]\ndiem_de_nghi = -3\nly_do = \"x\"\n");
    assert!(text.contains("cần từ -2 đến 0"), "{text}");
    let text = refused("[tieu_chi.\"9.9\"]\ngiai_trinh = \"x\"\n");
    assert!(
        text.contains("không có tiêu chí `9.9` trong bộ tiêu chí"),
        "{text}"
    );
    let text = refused("[tieu_chi.\"5.3\"]\ndiem = 1\n");
    assert!(text.contains("khóa `diem` không dùng được ở đây"), "{text}");
}
