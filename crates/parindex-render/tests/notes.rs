//! The officer's notes reach the Excel annex: declared points in the table, the explanation in
//! the "Giải trình" sheet, the added document in the TLKC column.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use parindex_core::FsFiles;
use parindex_render::{render_xlsx, RenderOptions};

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        _ => String::new(),
    }
}

#[test]
fn the_annex_shows_declared_points_explanations_and_added_documents() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let report = parindex_core::score(
        &FsFiles,
        &root.join("criteria/nghe-an-2026-so"),
        &root.join("fixtures/skhcn-2026"),
        None,
    )
    .expect("scores");
    let bytes = render_xlsx(&report, &RenderOptions::default()).expect("renders");
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("opens");

    let table = book.worksheet_range("Bảng tổng hợp").expect("table sheet");
    let row = table
        .rows()
        .find(|r| text(&r[0]) == "5.3")
        .expect("row 5.3");
    assert_eq!(row[4], Data::Float(1.0), "the declared points");
    assert!(
        text(&row[6]).contains("Đơn vị đề nghị 1 điểm (điểm tính từ minh chứng: 0)"),
        "{}",
        text(&row[6])
    );
    assert!(
        text(&row[5]).contains("2/QĐ-SKHCN ngày 12/01/2027"),
        "{}",
        text(&row[5])
    );

    let explain = book
        .worksheet_range("Giải trình")
        .expect("explanation sheet");
    let row = explain
        .rows()
        .find(|r| text(&r[0]) == "2.1.1")
        .expect("row 2.1.1 in Giải trình");
    assert!(
        text(&row[5]).starts_with("Hai dự thảo Nghị quyết được UBND tỉnh cho lùi thời hạn trình")
    );
}
