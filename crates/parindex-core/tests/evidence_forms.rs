//! Evidence as officers really export it: spreadsheets, Vietnamese headers, legacy encodings,
//! and every way such a file can be wrong, each with its message.

use std::path::Path;

use parindex_core::{
    load_criteria, read_evidence, read_evidence_with, CriteriaSet, Error, Evidence, MemoryFiles,
    ReadOptions, TextEncoding, Value,
};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

const CRITERIA: &str = r#"
[set]
id = "forms"
title = "Forms"
province = "Nghệ An"
year = 2026
unit_group = "so"
not_arising = "exclude"
register = { table = "documents", tags = "nhom" }

[[rating]]
label = "Đạt"
min = 0

[tables.documents]
title = "Sổ văn bản đi"
key = "so_ky_hieu"
dated_by = "ngay_ban_hanh"
columns = [
  { id = "so_ky_hieu", type = "text", required = true, labels = ["Số ký hiệu"] },
  { id = "ngay_ban_hanh", type = "date", required = true, labels = ["Ngày ban hành"] },
  { id = "nhom", type = "tags", required = true, labels = ["Nhóm"] },
  { id = "ky_so", type = "bool", labels = ["Ký số"] },
  { id = "so_trang", type = "integer", labels = ["Số trang"] },
  { id = "kinh_phi", type = "decimal", labels = ["Kinh phí"] },
]

[[criterion]]
id = "1"
title = "Lĩnh vực"
max = 1

[[criterion]]
id = "1.1"
title = "Kế hoạch"
max = 1
method = "self"
reads = ["documents"]
rule = 'issued_by("ke-hoach-cchc", date(2026, 1, 31), 1, 0.5)'
"#;

fn set() -> CriteriaSet {
    let mut files = MemoryFiles::new();
    files.insert("c/criteria.toml", CRITERIA);
    load_criteria(&files, Path::new("c")).expect("criteria load")
}

fn unit_files() -> MemoryFiles {
    let mut files = MemoryFiles::new();
    files.insert(
        "u/unit.toml",
        "code = \"U\"\nname = \"Đơn vị\"\ngroup = \"so\"\n",
    );
    files
}

fn read(files: &MemoryFiles) -> Result<Evidence, Error> {
    read_evidence(files, &set(), Path::new("u"))
}

fn messages(result: Result<Evidence, Error>) -> String {
    match result {
        Err(e) => e.to_string(),
        Ok(_) => panic!("expected an error"),
    }
}

/// The documents table as (number, date, tags, signed, pages, money) strings.
fn documents(evidence: &Evidence) -> Vec<Vec<String>> {
    let table = evidence.table("documents").expect("documents read");
    table
        .rows
        .iter()
        .map(|r| r.values.iter().map(Value::display).collect())
        .collect()
}

const UTF8_CSV: &str = "Số ký hiệu,Ngày ban hành,Nhóm,Ký số,Số trang,Kinh phí\n\
15/KH-SKHCN,20/01/2026,ke-hoach-cchc,Có,3,\"1.250.000,5\"\n\
16/SKHCN-VP,2026-02-05,,không,12,\"2,5\"\n";

#[test]
fn utf8_with_and_without_bom_read_alike() {
    let mut a = unit_files();
    a.insert("u/documents.csv", UTF8_CSV);
    let mut b = unit_files();
    b.insert(
        "u/documents.csv",
        [b"\xEF\xBB\xBF".as_slice(), UTF8_CSV.as_bytes()].concat(),
    );
    let (a, b) = (read(&a).expect("reads"), read(&b).expect("reads"));
    assert_eq!(documents(&a), documents(&b));
    assert_eq!(
        documents(&a)[0],
        [
            "15/KH-SKHCN",
            "20/01/2026",
            "ke-hoach-cchc",
            "x",
            "3",
            "1.250.000,5"
        ]
    );
}

#[test]
fn utf16_unicode_text_with_tabs_reads() {
    // Excel's "Unicode text": UTF-16 LE with a BOM, tab-separated, upper-case headers.
    let text = "SỐ KÝ HIỆU\tNGÀY  BAN HÀNH\tNHÓM\n15/KH-SKHCN\t20/01/2026\tke-hoach-cchc\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut files = unit_files();
    files.insert("u/documents.txt", bytes);
    let evidence = read(&files).expect("reads");
    assert_eq!(documents(&evidence)[0][0], "15/KH-SKHCN");
    assert_eq!(evidence.sources()[0].encoding.as_deref(), Some("utf-16le"));
}

/// `Ngày ban hành;Số ký hiệu;Nhóm` in Windows-1258: tone marks as combining characters.
fn windows_1258() -> Vec<u8> {
    let mut bytes = Vec::new();
    bytes.extend_from_slice(b"Nga\xCCy ban ha\xCCnh;S\xF4\xEC ky\xEC hi\xEA\xF2u;Nho\xECm\r\n");
    bytes.extend_from_slice(b"20/01/2026;15/KH-SKHCN;ke-hoach-cchc\r\n");
    bytes
}

#[test]
fn windows_1258_is_detected_and_normalised_to_nfc() {
    let mut files = unit_files();
    files.insert("u/documents.csv", windows_1258());
    let evidence = read(&files).expect("reads");
    assert_eq!(documents(&evidence)[0][0], "15/KH-SKHCN");
    assert_eq!(
        evidence.sources()[0].encoding.as_deref(),
        Some("windows-1258")
    );
    // Forced, it reads the same.
    let forced = ReadOptions {
        encoding: TextEncoding::Windows1258,
        ..ReadOptions::default()
    };
    let evidence = read_evidence_with(&files, &set(), Path::new("u"), &forced).expect("reads");
    assert_eq!(documents(&evidence)[0][1], "20/01/2026");
}

#[test]
fn a_wrong_forced_encoding_names_the_file_and_line() {
    let mut files = unit_files();
    files.insert("u/documents.csv", windows_1258());
    let forced = ReadOptions {
        encoding: TextEncoding::Utf8,
        ..ReadOptions::default()
    };
    let text = messages(read_evidence_with(&files, &set(), Path::new("u"), &forced));
    assert!(
        text.contains("u/documents.csv:1: tệp không phải văn bản utf-8 hợp lệ"),
        "{text}"
    );
    assert!(text.contains("--encoding"), "{text}");
}

fn workbook(sheet: &str, headers: &[&str], extra_row: bool) -> Vec<u8> {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let ws = book.add_worksheet();
    ws.set_name(sheet).expect("sheet name");
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("header");
    }
    ws.write_string(1, 0, "15/KH-SKHCN").expect("cell");
    let d = ExcelDateTime::from_ymd(2026, 1, 20).expect("date");
    ws.write_datetime_with_format(1, 1, &d, &date)
        .expect("cell");
    ws.write_string(1, 2, "ke-hoach-cchc").expect("cell");
    ws.write_boolean(1, 3, true).expect("cell");
    ws.write_number(1, 4, 3.0).expect("cell");
    ws.write_number(1, 5, 1250000.5).expect("cell");
    if extra_row {
        ws.write_string(2, 0, "16/SKHCN-VP").expect("cell");
        // A serial number in a date column, as some exports write it: 46058 = 05/02/2026.
        ws.write_number(2, 1, 46058.0).expect("cell");
        ws.write_string(2, 3, "x").expect("cell");
        ws.write_string(2, 4, "12").expect("cell");
        ws.write_string(2, 5, "2,5").expect("cell");
    }
    book.save_to_buffer().expect("xlsx")
}

const HEADERS: [&str; 6] = [
    "Số ký hiệu",
    "Ngày ban hành",
    "Nhóm",
    "Ký số",
    "Số trang",
    "Kinh phí",
];

#[test]
fn a_workbook_named_after_the_table_reads_dates_and_exact_numbers() {
    let mut files = unit_files();
    files.insert("u/documents.xlsx", workbook("Sheet1", &HEADERS, true));
    let evidence = read(&files).expect("reads");
    let rows = documents(&evidence);
    assert_eq!(
        rows[0],
        [
            "15/KH-SKHCN",
            "20/01/2026",
            "ke-hoach-cchc",
            "x",
            "3",
            "1.250.000,5"
        ]
    );
    assert_eq!(rows[1], ["16/SKHCN-VP", "05/02/2026", "", "x", "12", "2,5"]);
    assert_eq!(evidence.sources()[0].sheet.as_deref(), Some("Sheet1"));
}

#[test]
fn a_workbook_of_several_tables_by_sheet_title() {
    let mut files = unit_files();
    // Not named after a table: its sheet "SỔ VĂN BẢN ĐI" is the documents table by its title.
    files.insert(
        "u/so-lieu-2026.xlsx",
        workbook("SỔ VĂN BẢN ĐI", &HEADERS, false),
    );
    let evidence = read(&files).expect("reads");
    assert_eq!(documents(&evidence).len(), 1);
    assert_eq!(
        evidence.sources()[0].sheet.as_deref(),
        Some("SỔ VĂN BẢN ĐI")
    );
}

#[test]
fn extra_columns_are_ignored_and_recorded() {
    let mut files = unit_files();
    files.insert(
        "u/documents.csv",
        "Số ký hiệu,Ghi chú,Ngày ban hành,Nhóm\n15/KH-SKHCN,bản gốc,20/01/2026,ke-hoach-cchc\n",
    );
    let evidence = read(&files).expect("reads");
    assert_eq!(evidence.sources()[0].ignored_columns, ["Ghi chú"]);
}

#[test]
fn a_missing_required_column_lists_the_headers_found() {
    let mut files = unit_files();
    files.insert(
        "u/documents.xlsx",
        workbook("Sheet1", &["Số ký hiệu", "Ngày ký", "Nhóm"], false),
    );
    let text = messages(read(&files));
    assert!(
        text.contains("u/documents.xlsx[Sheet1]:1: thiếu cột bắt buộc `ngay_ban_hanh`"),
        "{text}"
    );
    assert!(
        text.contains("các tiêu đề đọc được: Số ký hiệu, Ngày ký, Nhóm"),
        "{text}"
    );
}

#[test]
fn every_bad_cell_is_reported_with_its_place() {
    let mut files = unit_files();
    files.insert(
        "u/documents.csv",
        "Số ký hiệu,Ngày ban hành,Nhóm,Số trang\n\
         1/KH,31/02/2026,,3\n\
         2/KH,20/01/2026,,-\n\
         3/KH,,,4\n",
    );
    let text = messages(read(&files));
    assert!(
        text.contains("u/documents.csv:2:2: giá trị không đọc được (cột `Ngày ban hành`, giá trị `31/02/2026`, cần một ngày có trong lịch (đúng dạng dd/mm/yyyy nhưng ngày này không tồn tại))"),
        "{text}"
    );
    assert!(
        text.contains("u/documents.csv:3:4: giá trị không đọc được (cột `Số trang`, giá trị `-`, cần số nguyên)"),
        "{text}"
    );
    assert!(
        text.contains("u/documents.csv:4:2:"),
        "the record without its date: {text}"
    );
}

#[test]
fn a_bad_cell_in_a_workbook_names_the_sheet() {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Văn bản").expect("name");
    for (c, h) in ["Số ký hiệu", "Ngày ban hành", "Nhóm"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).expect("header");
    }
    ws.write_string(1, 0, "1/KH").expect("cell");
    ws.write_string(1, 1, "hôm qua").expect("cell");
    let mut files = unit_files();
    files.insert("u/documents.xlsx", book.save_to_buffer().expect("xlsx"));
    let text = messages(read(&files));
    assert!(
        text.contains("u/documents.xlsx[Văn bản]:2:2: giá trị không đọc được (cột `Ngày ban hành`, giá trị `hôm qua`"),
        "{text}"
    );
}

#[test]
fn bad_cells_are_counted_past_the_limit() {
    let mut csv = String::from("Số ký hiệu,Ngày ban hành,Nhóm\n");
    for i in 0..60 {
        csv.push_str(&format!("{i}/KH,không rõ,\n"));
    }
    let mut files = unit_files();
    files.insert("u/documents.csv", csv);
    let result = read(&files);
    let Err(e) = result else {
        panic!("expected an error")
    };
    assert_eq!(e.diagnostics().len(), 51);
    assert!(
        e.to_string()
            .contains("còn 10 giá trị sai khác không liệt kê"),
        "{e}"
    );
}

#[test]
fn a_ragged_row_names_its_line() {
    let mut files = unit_files();
    files.insert(
        "u/documents.csv",
        "so_ky_hieu,ngay_ban_hanh,nhom\n1/KH,20/01/2026,\n2/KH,21/01/2026\n",
    );
    let text = messages(read(&files));
    assert!(
        text.contains("u/documents.csv:3: dòng có 2 ô trong khi dòng tiêu đề có 3 cột"),
        "{text}"
    );
}

#[test]
fn two_sources_for_one_table_are_refused() {
    let mut files = unit_files();
    files.insert("u/documents.csv", UTF8_CSV);
    files.insert("u/documents.xlsx", workbook("Sheet1", &HEADERS, false));
    let text = messages(read(&files));
    assert!(text.contains("bảng `documents` có 2 nguồn"), "{text}");
}

#[test]
fn composed_and_decomposed_headers_match() {
    let decomposed = "So\u{302}\u{301} ky\u{301} hie\u{302}\u{323}u,Nga\u{300}y ban ha\u{300}nh,Nho\u{301}m\n1/KH,20/01/2026,\n";
    let mut files = unit_files();
    files.insert("u/documents.csv", decomposed);
    assert_eq!(documents(&read(&files).expect("reads"))[0][0], "1/KH");
}

/// The Sở KH&CN example as a CSV folder, as one Excel workbook with Vietnamese headers, and as
/// Windows-1258 CSVs gives the same report; only the input files' digests differ.
#[test]
fn the_example_in_three_forms_scores_identically() {
    use parindex_core::{CompiledCriteria, FsFiles};
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let set = load_criteria(&FsFiles, &root.join("criteria/nghe-an-2026-so")).expect("loads");
    let criteria = CompiledCriteria::compile(set).expect("compiles");
    let as_of = criteria.default_as_of().expect("date");
    let score = |dir: &str| {
        let evidence =
            read_evidence(&FsFiles, criteria.criteria(), &root.join(dir)).expect("evidence reads");
        let mut report = criteria.score(&evidence, as_of);
        let files: Vec<String> = report
            .fingerprint
            .evidence
            .iter()
            .map(|f| f.name.clone())
            .collect();
        report.fingerprint.evidence.clear();
        (report.to_json(), files)
    };
    let (csv, csv_files) = score("fixtures/skhcn-2026");
    let (excel, excel_files) = score("fixtures/skhcn-2026-excel");
    let (legacy, _) = score("fixtures/skhcn-2026-cp1258");
    assert_eq!(csv, excel, "the Excel workbook scores as the CSV folder");
    assert_eq!(csv, legacy, "the Windows-1258 CSVs score as the UTF-8 ones");
    assert!(csv_files.contains(&"dossiers.csv".to_owned()));
    assert!(
        excel_files.contains(&"so-lieu-cchc-2026.xlsx".to_owned()),
        "{excel_files:?}"
    );
}
