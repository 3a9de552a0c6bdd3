//! The Excel annex, read back: sheets, columns, cells, explanations, figures, points lost, the
//! replay fingerprint, print setup and byte-identical output.

use std::io::{Cursor, Read};

use calamine::{Data, Range, Reader, Xlsx};
use parindex_core::num::vi_decimal;
use parindex_core::Report;
use parindex_render::table::{
    fingerprint_lines, gaps_total_text, needing_explanation, COLUMNS, FINGERPRINT_TITLE,
    GAP_COLUMNS, NO_GAPS,
};
use parindex_render::{render_xlsx, RenderOptions};

mod common;

use common::{example as shipped, mini};

fn render(report: &Report) -> Vec<u8> {
    render_xlsx(report, &RenderOptions::default()).expect("the workbook renders")
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes.to_vec())).expect("calamine opens the workbook")
}

fn sheet(bytes: &[u8], name: &str) -> Range<Data> {
    open(bytes)
        .worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"))
}

/// The rows of a sheet as vectors of cells.
fn rows(range: &Range<Data>) -> Vec<Vec<Data>> {
    range.rows().map(<[Data]>::to_vec).collect()
}

fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// The row whose first cell is `stt`.
fn row_of(range: &Range<Data>, stt: &str) -> Vec<Data> {
    let found: Vec<Vec<Data>> = rows(range)
        .into_iter()
        .filter(|r| r.first().map(text).as_deref() == Some(stt))
        .collect();
    assert_eq!(found.len(), 1, "exactly one row {stt}");
    found.into_iter().next().expect("one row")
}

/// The row whose second cell is `title`.
fn row_titled(range: &Range<Data>, title: &str) -> Vec<Data> {
    rows(range)
        .into_iter()
        .find(|r| r.get(1).map(text).as_deref() == Some(title))
        .unwrap_or_else(|| panic!("a row titled {title}"))
}

fn header_index(range: &Range<Data>, first: &str) -> usize {
    rows(range)
        .iter()
        .position(|r| r.first().map(text).as_deref() == Some(first) && r.len() > 1)
        .expect("a header row")
}

/// A float cell, compared to two decimals' worth of precision.
fn assert_number(cell: &Data, expected: f64, what: &str) {
    match cell {
        Data::Float(f) => assert!(
            (f - expected).abs() < 1e-9,
            "{what}: expected {expected}, found {f}"
        ),
        Data::Int(i) => assert_eq!(*i as f64, expected, "{what}"),
        other => panic!("{what}: expected the number {expected}, found {other:?}"),
    }
}

/// The ids in column A below the header row.
fn listed_ids(range: &Range<Data>) -> Vec<String> {
    let all = rows(range);
    let header = header_index(range, "STT");
    all[header + 1..]
        .iter()
        .map(|r| text(&r[0]))
        .filter(|s| !s.is_empty())
        .collect()
}

fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a zip archive");
    let mut file = archive.by_name(name).expect("the entry exists");
    let mut out = String::new();
    file.read_to_string(&mut out).expect("UTF-8 XML");
    out
}

const SHEETS: [&str; 4] = ["Bảng tổng hợp", "Giải trình", "Số liệu", "Điểm bị mất"];

#[test]
fn four_sheets_in_order() {
    let bytes = render(&shipped());
    assert_eq!(
        open(&bytes).sheet_names(),
        SHEETS.map(str::to_owned).to_vec()
    );
}

#[test]
fn title_block_names_year_unit_and_date() {
    let bytes = render(&shipped());
    let range = sheet(&bytes, "Bảng tổng hợp");
    let top: Vec<String> = rows(&range).iter().take(4).map(|r| text(&r[0])).collect();
    assert_eq!(
        top[0],
        "BẢNG TỔNG HỢP KẾT QUẢ TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CCHC NĂM 2026"
    );
    assert_eq!(top[1], "Đơn vị: Sở Khoa học và Công nghệ");
    assert!(top[2].starts_with("Bộ chỉ số: Bộ chỉ số đánh giá kết quả cải cách hành chính"));
    assert_eq!(top[3], "Số liệu tính đến ngày 31/12/2026");
}

#[test]
fn header_row_is_the_nine_columns() {
    let bytes = render(&shipped());
    let range = sheet(&bytes, "Bảng tổng hợp");
    let header = &rows(&range)[header_index(&range, "STT")];
    let names: Vec<String> = header.iter().map(text).collect();
    assert_eq!(names, COLUMNS.map(str::to_owned).to_vec());
}

#[test]
fn one_row_per_node_in_tree_order() {
    let report = shipped();
    let bytes = render(&report);
    let range = sheet(&bytes, "Bảng tổng hợp");
    let ids: Vec<String> = report.nodes.iter().map(|n| n.id.clone()).collect();
    let listed = listed_ids(&range);
    assert_eq!(&listed[..ids.len()], &ids[..]);
    // Then only the two total lines, whose STT is empty.
    assert_eq!(listed.len(), ids.len());
}

#[test]
fn leaf_row_has_numbers_and_measure() {
    let bytes = render(&shipped());
    let range = sheet(&bytes, "Bảng tổng hợp");
    let r = row_of(&range, "1.1.2");
    assert_eq!(text(&r[1]), "Mức độ thực hiện kế hoạch CCHC");
    assert_number(&r[2], 2.0, "max of 1.1.2");
    assert_eq!(text(&r[3]), "38/42 (90,48%)");
    assert_number(&r[4], 1.81, "points of 1.1.2");
    assert!(text(&r[6]).contains("1,81 điểm"), "note: {}", text(&r[6]));
    // Not appraised yet.
    assert_eq!(r[7], Data::Empty);

    let r = row_of(&range, "1.1.1");
    assert!(
        text(&r[5]).contains("2/KH-SKHCN ngày 16/01/2026"),
        "evidence: {}",
        text(&r[5])
    );
    let r = row_of(&range, "1.3");
    assert_number(&r[2], 2.5, "max of 1.3");
}

#[test]
fn field_row_has_subtotal_and_index() {
    let bytes = render(&shipped());
    let range = sheet(&bytes, "Bảng tổng hợp");
    let r = row_of(&range, "1");
    assert_eq!(
        text(&r[1]),
        "Công tác chỉ đạo, điều hành cải cách hành chính"
    );
    assert_number(&r[2], 13.0, "max of field 1");
    assert_number(&r[4], 8.71, "points of field 1");
    assert!(text(&r[6]).contains("87,10%"), "index: {}", text(&r[6]));

    let r = row_of(&range, "7");
    assert_eq!(
        text(&r[1]),
        "Xây dựng và phát triển Chính quyền điện tử, Chính quyền số"
    );
    assert_number(&r[4], 10.25, "points of field 7");
    assert!(text(&r[6]).contains("85,42%"));
}

#[test]
fn pending_survey_row_has_no_points() {
    let bytes = render(&shipped());
    let range = sheet(&bytes, "Bảng tổng hợp");
    let r = row_of(&range, "1.6");
    assert_number(&r[2], 3.0, "max of 1.6");
    assert!(
        matches!(&r[4], Data::Empty) || text(&r[4]) == "—",
        "no points: {:?}",
        r[4]
    );
    assert!(text(&r[6]).contains("Chờ kết quả điều tra xã hội học"));
    // Not applicable rows too.
    let r = row_of(&range, "5.2.2");
    assert!(!matches!(r[4], Data::Float(_) | Data::Int(_)));
    assert!(text(&r[6]).contains("Không phát sinh"));
}

#[test]
fn total_row_has_points_index_and_rating() {
    let bytes = render(&shipped());
    let range = sheet(&bytes, "Bảng tổng hợp");
    let r = row_titled(&range, "Tổng cộng");
    assert_number(&r[2], 100.0, "total max");
    assert_number(&r[4], 56.71, "total points");
    let note = text(&r[6]);
    assert!(note.contains("82,19%"), "{note}");
    assert!(note.contains("Khá"), "{note}");
    assert!(note.contains("56,71/69"), "{note}");
    assert!(
        note.contains("Chờ kết quả điều tra xã hội học: 30 điểm"),
        "{note}"
    );

    let r = row_titled(&range, "Trong đó: phần tự đánh giá");
    assert_number(&r[2], 70.0, "self max");
    assert_number(&r[4], 56.71, "self points");
    assert!(text(&r[6]).contains("Điểm tự đánh giá 56,71/69"));
}

#[test]
fn vietnamese_text_survives() {
    let report = shipped();
    let bytes = render(&report);
    let range = sheet(&bytes, "Bảng tổng hợp");
    for n in &report.nodes {
        let r = row_of(&range, &n.id);
        assert_eq!(text(&r[1]), n.title, "title of {}", n.id);
    }
    let r = row_of(&range, "7.3.1");
    assert_eq!(
        text(&r[1]),
        "Cập nhật CSDL CB, CC, VC \"Đúng - Đủ - Sạch - Sống\""
    );
}

#[test]
fn explanations_list_exactly_the_rows_needing_one() {
    for report in [shipped(), mini()] {
        let bytes = render(&report);
        let range = sheet(&bytes, "Giải trình");
        let header = &rows(&range)[header_index(&range, "STT")];
        let names: Vec<String> = header.iter().map(text).collect();
        assert_eq!(
            names,
            [
                "STT",
                "Lĩnh vực / Tiêu chí / Tiêu chí thành phần",
                "Điểm tối đa",
                "Tình trạng",
                "Lý do",
                "Giải trình của đơn vị"
            ]
        );
        let expected: Vec<String> = needing_explanation(&report)
            .iter()
            .map(|n| n.id.clone())
            .collect();
        let listed: Vec<String> = listed_ids(&range)
            .into_iter()
            .filter(|s| !s.starts_with("Không có"))
            .collect();
        assert_eq!(listed, expected, "unit {}", report.unit.code);
        if expected.is_empty() {
            assert!(listed_ids(&range)[0].starts_with("Không có tiêu chí nào cần giải trình"));
        }
    }
}

#[test]
fn explanations_of_the_mini_fixture() {
    let report = mini();
    let bytes = render(&report);
    let range = sheet(&bytes, "Giải trình");
    assert_eq!(listed_ids(&range), ["2.5", "3.5", "3.6", "3.10", "5.5"]);

    let r = row_of(&range, "2.5");
    assert_eq!(text(&r[3]), "Chưa có tài liệu kiểm chứng");
    assert_eq!(
        text(&r[4]),
        "Chưa có tài liệu kiểm chứng: thiếu bảng feedback"
    );
    assert_eq!(r[5], Data::Empty, "left for the officer");
    let node = report.node("2.5").expect("2.5");
    assert_eq!(text(&r[1]), node.title);
    assert_number(
        &r[2],
        node.max.to_string().parse().expect("a number"),
        "max of 2.5",
    );

    let r = row_of(&range, "3.5");
    assert_eq!(text(&r[3]), "Lỗi khi chấm");
    assert!(text(&r[4]).contains("chia cho 0"), "{}", text(&r[4]));
    let r = row_of(&range, "3.6");
    assert_eq!(text(&r[3]), "Lỗi khi chấm");
    assert!(text(&r[4]).contains("ngoài khoảng cho phép"));
}

#[test]
fn figures_sheet_has_numbers_ratio_and_sources() {
    let report = shipped();
    let bytes = render(&report);
    let range = sheet(&bytes, "Số liệu");
    let header = &rows(&range)[header_index(&range, "STT")];
    let names: Vec<String> = header.iter().map(text).collect();
    assert_eq!(
        names,
        [
            "STT",
            "Lĩnh vực / Tiêu chí / Tiêu chí thành phần",
            "Tử số",
            "Mẫu số",
            "Tỷ lệ",
            "Bản ghi nguồn",
            "Tài liệu kiểm chứng"
        ]
    );

    // Exactly the leaves with a ratio, in tree order.
    let expected: Vec<String> = report
        .nodes
        .iter()
        .filter(|n| n.is_leaf() && n.measure.is_some())
        .map(|n| n.id.clone())
        .collect();
    assert_eq!(listed_ids(&range), expected);

    let r = row_of(&range, "3.2.1");
    assert_eq!(text(&r[1]), "Tỷ lệ hồ sơ giải quyết đúng và trước hạn");
    assert_number(&r[2], 996.0, "numerator");
    assert_number(&r[3], 1026.0, "denominator");
    assert_number(&r[4], 996.0 / 1026.0, "ratio");
    let sources = text(&r[5]);
    assert!(
        sources.starts_with("Hồ sơ một cửa trễ hạn: 30 bản ghi"),
        "{sources}"
    );
    assert!(sources.contains("000.00.29.H40-260102-0001"), "{sources}");
    assert!(sources.contains("và 10 bản ghi khác"), "{sources}");

    let r = row_of(&range, "6.1.3");
    assert_number(&r[2], 29_855_460_000.0, "large numerator");
    assert_number(&r[3], 31_426_800_000.0, "large denominator");

    // 0/0: nothing arose, no ratio.
    let r = row_of(&range, "5.2.2");
    assert_number(&r[2], 0.0, "numerator of 0/0");
    assert_eq!(text(&r[4]), "—");
}

#[test]
fn number_formats_show_the_exact_digits() {
    let bytes = render(&shipped());
    let styles = zip_entry(&bytes, "xl/styles.xml");
    assert!(
        styles.contains(r##"formatCode="#,##0.00""##),
        "two decimals"
    );
    assert!(styles.contains(r##"formatCode="#,##0.0""##), "one decimal");
    assert!(styles.contains(r#"formatCode="0.00%""#), "percentages");
    assert!(
        !styles.contains(r#"formatCode="0.##""#),
        "no trailing separator"
    );
    assert!(styles.contains(r#"name val="Times New Roman""#));
    assert!(
        !styles.contains(r#"name val="Calibri""#),
        "one font for the workbook"
    );
}

#[test]
fn print_setup_and_frozen_header() {
    let bytes = render(&shipped());
    let range = sheet(&bytes, "Bảng tổng hợp");
    // Excel numbers rows from 1: the header row's number.
    let header_row =
        range.start().expect("a used range").0 as usize + header_index(&range, "STT") + 1;
    for n in 1..=SHEETS.len() {
        let xml = zip_entry(&bytes, &format!("xl/worksheets/sheet{n}.xml"));
        assert!(
            xml.contains(&format!(
                r#"<pane ySplit="{header_row}" topLeftCell="A{}" activePane="bottomLeft" state="frozen"/>"#,
                header_row + 1
            )),
            "frozen below the header in sheet{n}"
        );
        assert!(
            xml.contains(r#"orientation="landscape""#),
            "landscape in sheet{n}"
        );
        assert!(xml.contains(r#"paperSize="9""#), "A4 in sheet{n}");
        assert!(
            xml.contains(r#"<pageSetUpPr fitToPage="1"/>"#),
            "fit in sheet{n}"
        );
        assert!(
            xml.contains(r#"fitToHeight="0""#),
            "one page wide in sheet{n}"
        );
        assert!(
            !xml.contains("fitToWidth=\"0\""),
            "one page wide in sheet{n}"
        );
    }
    let workbook = zip_entry(&bytes, "xl/workbook.xml");
    for (i, name) in SHEETS.iter().enumerate() {
        let title = format!(
            r#"<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'{name}'!${header_row}:${header_row}</definedName>"#
        );
        assert!(workbook.contains(&title), "{title} in {workbook}");
    }
}

#[test]
fn creation_time_is_the_as_of_date() {
    let bytes = render(&shipped());
    let core = zip_entry(&bytes, "docProps/core.xml");
    assert!(
        core.contains(
            r#"<dcterms:created xsi:type="dcterms:W3CDTF">2026-12-31T00:00:00Z</dcterms:created>"#
        ),
        "{core}"
    );
}

#[test]
fn same_report_same_bytes() {
    let report = shipped();
    let first = render(&report);
    let second = render(&report);
    assert!(first == second, "two renders differ");
    // And from a fresh scoring of the same files.
    assert!(
        render(&shipped()) == first,
        "a rescored report renders differently"
    );
    let mini_report = mini();
    assert!(render(&mini_report) == render(&mini_report));
}

fn decimal_f64(d: rust_decimal::Decimal) -> f64 {
    d.to_string().parse().expect("a number")
}

#[test]
fn points_lost_sheet_lists_the_gaps_most_first() {
    for report in [shipped(), mini()] {
        let bytes = render(&report);
        let range = sheet(&bytes, "Điểm bị mất");
        let all = rows(&range);
        assert_eq!(
            text(&all[0][0]),
            "ĐIỂM BỊ MẤT VÀ CÁCH KHÔI PHỤC — NĂM 2026",
            "title block"
        );
        assert_eq!(text(&all[1][0]), format!("Đơn vị: {}", report.unit.name));
        let header = header_index(&range, "STT");
        let names: Vec<String> = all[header].iter().map(text).collect();
        assert_eq!(names, GAP_COLUMNS.map(str::to_owned).to_vec());

        // Exactly the rows of Report::gaps(), in its order (the most lost first).
        let gaps = report.gaps();
        assert!(!gaps.is_empty(), "unit {} lost points", report.unit.code);
        let expected: Vec<String> = gaps.iter().map(|n| n.id.clone()).collect();
        assert_eq!(listed_ids(&range), expected, "unit {}", report.unit.code);
        for (r, n) in all[header + 1..].iter().zip(&gaps) {
            assert_eq!(text(&r[0]), n.id);
            assert_eq!(text(&r[1]), n.title, "title of {}", n.id);
            assert_number(&r[2], decimal_f64(n.max), "max");
            assert_number(&r[3], decimal_f64(n.points), "points");
            assert_number(&r[4], decimal_f64(n.lost), "lost");
            let restore = n.restore.as_deref().unwrap_or("Xem giải thích của dòng");
            assert_eq!(
                text(&r[5]),
                parindex_render::unquoted(restore),
                "restore of {}",
                n.id
            );
        }
        // Then the total: its words and the number under the lost points.
        let total = &all[header + 1 + gaps.len()];
        assert_eq!(total[0], Data::Empty);
        let lost: rust_decimal::Decimal = gaps.iter().map(|n| n.lost).sum();
        assert_eq!(
            text(&total[1]),
            format!("Tổng số điểm bị mất: {}", vi_decimal(lost))
        );
        assert_eq!(text(&total[1]), gaps_total_text(&report));
        assert_number(&total[4], decimal_f64(lost), "total lost");
    }
}

#[test]
fn points_lost_of_the_shipped_example() {
    let bytes = render(&shipped());
    let range = sheet(&bytes, "Điểm bị mất");
    let all = rows(&range);
    let first = &all[header_index(&range, "STT") + 1];
    assert_eq!(text(&first[0]), "2.1.1");
    assert_eq!(text(&first[1]), "Tham mưu ban hành VBQPPL đúng kế hoạch");
    assert_number(&first[2], 2.0, "max of 2.1.1");
    assert_number(&first[3], 0.0, "points of 2.1.1");
    assert_number(&first[4], 2.0, "lost by 2.1.1");
    assert!(
        text(&first[5]).ends_with("→ +1 điểm"),
        "{}",
        text(&first[5])
    );
    // A name the library quotes stands alone in the annex: no backtick in any sheet.
    let r = row_of(&range, "6.2.1");
    assert_eq!(
        text(&r[5]),
        "tăng số đơn vị sự nghiệp công lập được giao tự chủ (dvsn_tu_chu) thêm 1 (lên 4) → tỷ lệ \
         ≥ 100% → +1 điểm"
    );
    let mut book = open(&bytes);
    for name in book.sheet_names() {
        let sheet = book.worksheet_range(&name).expect("a sheet");
        assert!(
            sheet.cells().all(|(_, _, c)| !text(c).contains('`')),
            "a backtick in sheet {name}"
        );
    }
    let r = row_of(&range, "1.2.1");
    assert_eq!(
        text(&r[5]),
        "Kỳ 9T gửi trễ (hạn 15/09/2026): nếu mọi kỳ đều gửi đúng hạn → +0,5 điểm"
    );
    assert_number(&r[4], 0.5, "lost by 1.2.1");
    let r = row_titled(&range, "Tổng số điểm bị mất: 13,29");
    assert_number(&r[4], 13.29, "total lost");
    // A row whose rule gives no hint points to its explanation (the mini fixture's 5.3, decided by `points`).
    let range = sheet(&render(&mini()), "Điểm bị mất");
    let r = row_of(&range, "5.3");
    assert_eq!(text(&r[5]), "Xem giải thích của dòng");
    assert_number(&r[4], 1.0, "lost by 5.3");
}

#[test]
fn points_lost_sheet_says_when_nothing_was_lost() {
    let mut report = shipped();
    for n in &mut report.nodes {
        n.lost = rust_decimal::Decimal::ZERO;
    }
    let bytes = render(&report);
    let range = sheet(&bytes, "Điểm bị mất");
    let header = header_index(&range, "STT");
    let all = rows(&range);
    assert_eq!(text(&all[header + 1][0]), NO_GAPS);
    assert_eq!(all.len(), header + 2, "nothing below the message");
}

#[test]
fn fingerprint_lines_sit_below_the_totals() {
    for report in [shipped(), mini()] {
        let bytes = render(&report);
        let range = sheet(&bytes, "Bảng tổng hợp");
        let all = rows(&range);
        let total = all
            .iter()
            .position(|r| r.get(1).map(text).as_deref() == Some("Trong đó: phần tự đánh giá"))
            .expect("the self-assessed line");
        let title = all
            .iter()
            .position(|r| r.get(1).map(text).as_deref() == Some(FINGERPRINT_TITLE))
            .expect("the fingerprint's title");
        assert!(title > total, "the fingerprint follows the totals");
        // Column B, line after line, to the end of the sheet.
        let shown: Vec<String> = all[title + 1..].iter().map(|r| text(&r[1])).collect();
        assert_eq!(shown, fingerprint_lines(&report));
        assert!(
            all[title..].iter().all(|r| r[0] == Data::Empty),
            "STT stays empty"
        );

        let f = &report.fingerprint;
        assert_eq!(shown[0], f.engine);
        assert!(shown[0].starts_with("parindex "), "{}", shown[0]);
        assert_eq!(shown[1], "Số liệu tính đến ngày 31/12/2026");
        assert_eq!(shown[2], format!("Bộ chỉ số: {}", f.criteria.sha256));
        assert_eq!(f.criteria.sha256.len(), 64, "the full digest");
        assert!(!f.evidence.is_empty());
        for e in &f.evidence {
            assert_eq!(e.sha256.len(), 64);
            assert!(
                shown.contains(&format!("{}: {}", e.name, e.sha256)),
                "{} in {shown:?}",
                e.name
            );
        }
        assert_eq!(shown.len(), 3 + f.evidence.len());
    }
    // Small and italic.
    let styles = zip_entry(&render(&shipped()), "xl/styles.xml");
    assert!(styles.contains(r#"<sz val="9"/>"#), "a 9 pt font");
}
