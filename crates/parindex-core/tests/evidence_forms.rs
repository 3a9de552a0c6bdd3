//! Evidence as officers really export it: spreadsheets, Vietnamese headers, legacy encodings,
//! and every way such a file can be wrong, each with its message.

use std::path::Path;

use parindex_core::evidence::TextEncoding;
use parindex_core::report::Status;
use parindex_core::{load_criteria, CompiledCriteria, Error, Evidence, MemoryFiles, ReadOptions};
use rust_decimal::Decimal;
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

fn compile(text: &str) -> CompiledCriteria {
    let mut files = MemoryFiles::new();
    files.insert("c/criteria.toml", text);
    let set = load_criteria(&files, Path::new("c")).expect("criteria load");
    CompiledCriteria::compile(set).expect("criteria compile")
}

fn unit_files() -> MemoryFiles {
    let mut files = MemoryFiles::new();
    files.insert(
        "u/unit.toml",
        "code = \"U\"\nname = \"Đơn vị\"\ngroup = \"so\"\n",
    );
    files
}

/// Reads `u/` with the set as the product does, for scoring at its year end.
fn read_with(files: &MemoryFiles, options: &ReadOptions<'_>) -> Result<Evidence, Error> {
    let criteria = compile(CRITERIA);
    let as_of = criteria.default_as_of().expect("a year end");
    criteria.read_unit(files, Path::new("u"), as_of, options)
}

fn read(files: &MemoryFiles) -> Result<Evidence, Error> {
    read_with(files, &ReadOptions::default())
}

fn messages(result: Result<Evidence, Error>) -> String {
    match result {
        Err(e) => e.to_string(),
        Ok(_) => panic!("expected an error"),
    }
}

/// The records read of `documents`, as the evidence's sources count them.
fn records(evidence: &Evidence) -> usize {
    let source = evidence.sources().iter().find(|s| s.table == "documents");
    source.map(|s| s.records).expect("documents read")
}

/// What the rules see of `documents` in `u/`, read and scored as the product does: each of
/// `questions` (an expression on `table("documents")`: a count, a sum) is the rule of one row of
/// a probe set with the same table, whose measure (the answer over 1) gives the answer. Read
/// evidence holds no records to look at, only what such questions ask of them.
fn answers(files: &MemoryFiles, options: &ReadOptions<'_>, questions: &[String]) -> Vec<Decimal> {
    let tables = &CRITERIA[..CRITERIA.find("[[criterion]]").expect("criteria")];
    let mut text = format!(
        "{tables}[[criterion]]\nid = \"1\"\ntitle = \"Probe\"\nmax = {}\n",
        questions.len()
    );
    for (i, q) in questions.iter().enumerate() {
        text.push_str(&format!(
            "\n[[criterion]]\nid = \"1.{}\"\ntitle = \"Q\"\nmax = 1\nmethod = \"self\"\n\
             reads = [\"documents\"]\nrule = '''\nbands(ratio({q}, 1), [[0, 0]])\n'''\n",
            i + 1
        ));
    }
    let criteria = compile(&text);
    let as_of = criteria.default_as_of().expect("a year end");
    let report = (criteria.score_unit(files, Path::new("u"), as_of, options)).expect("reads");
    (1..=questions.len())
        .map(|i| {
            let row = report.node(&format!("1.{i}")).expect("probe row");
            assert_eq!(row.status, Status::Scored, "{}", row.explanation);
            row.measure
                .as_ref()
                .expect("the answer is the measure")
                .numerator
        })
        .collect()
}

/// The question "how many records have these cells": (number, date, tags, signed, pages,
/// money) as a cell displays (`x` a true bool, `1.250.000,5` a decimal, "" an empty cell); cells
/// not given are not asked about.
fn with_cells(cells: &[&str]) -> String {
    let mut q = String::from("table(\"documents\")");
    for (column, cell) in [
        "so_ky_hieu",
        "ngay_ban_hanh",
        "nhom",
        "ky_so",
        "so_trang",
        "kinh_phi",
    ]
    .iter()
    .zip(cells)
    {
        q.push_str(&match (*column, *cell) {
            (_, "") => format!(".where_empty(\"{column}\")"),
            ("nhom", tags) => tags
                .split(';')
                .map(|t| format!(".where_tag(\"nhom\", \"{t}\")"))
                .collect(),
            ("ky_so", "x") => ".where_true(\"ky_so\")".to_owned(),
            ("so_trang", n) => format!(".where_eq(\"so_trang\", {n})"),
            ("kinh_phi", d) => format!(
                ".where_eq(\"kinh_phi\", {})",
                d.replace('.', "").replace(',', ".")
            ),
            (column, text) => format!(".where_eq(\"{column}\", \"{text}\")"),
        });
    }
    q.push_str(".count");
    q
}

/// How many records of `documents` in `u/` have each row of `cells` (see [`with_cells`]).
fn matching(files: &MemoryFiles, cells: &[&[&str]]) -> Vec<Decimal> {
    let questions: Vec<String> = cells.iter().map(|c| with_cells(c)).collect();
    answers(files, &ReadOptions::default(), &questions)
}

/// Questions on every column of `documents`: records read alike answer them alike.
fn summary() -> Vec<String> {
    [
        "count",
        "distinct(\"so_ky_hieu\")",
        "where_filled(\"ngay_ban_hanh\").count",
        "where_by(\"ngay_ban_hanh\", date(2026, 1, 31)).count",
        "distinct(\"nhom\")",
        "where_true(\"ky_so\").count",
        "sum(\"so_trang\")",
        "sum(\"kinh_phi\")",
    ]
    .iter()
    .map(|q| format!("table(\"documents\").{q}"))
    .collect()
}

/// The answers of one question that one record matches.
fn one() -> Vec<Decimal> {
    vec![Decimal::ONE]
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
    assert_eq!(
        records(&read(&a).expect("reads")),
        records(&read(&b).expect("reads"))
    );
    let options = ReadOptions::default();
    assert_eq!(
        answers(&a, &options, &summary()),
        answers(&b, &options, &summary())
    );
    assert_eq!(
        matching(
            &a,
            &[&[
                "15/KH-SKHCN",
                "20/01/2026",
                "ke-hoach-cchc",
                "x",
                "3",
                "1.250.000,5"
            ]]
        ),
        one()
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
    assert_eq!(records(&evidence), 1);
    assert_eq!(matching(&files, &[&["15/KH-SKHCN"]]), one());
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
    assert_eq!(records(&evidence), 1);
    assert_eq!(matching(&files, &[&["15/KH-SKHCN"]]), one());
    assert_eq!(
        evidence.sources()[0].encoding.as_deref(),
        Some("windows-1258")
    );
    // Forced, it reads the same.
    let forced = ReadOptions {
        encoding: TextEncoding::Windows1258,
        ..ReadOptions::default()
    };
    let evidence = read_with(&files, &forced).expect("reads");
    assert_eq!(records(&evidence), 1);
    let question = [with_cells(&["15/KH-SKHCN", "20/01/2026"])];
    assert_eq!(answers(&files, &forced, &question), one());
}

#[test]
fn a_wrong_forced_encoding_names_the_file_and_line() {
    let mut files = unit_files();
    files.insert("u/documents.csv", windows_1258());
    let forced = ReadOptions {
        encoding: TextEncoding::Utf8,
        ..ReadOptions::default()
    };
    let text = messages(read_with(&files, &forced));
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
    assert_eq!(records(&evidence), 2);
    let rows: [&[&str]; 2] = [
        &[
            "15/KH-SKHCN",
            "20/01/2026",
            "ke-hoach-cchc",
            "x",
            "3",
            "1.250.000,5",
        ],
        &["16/SKHCN-VP", "05/02/2026", "", "x", "12", "2,5"],
    ];
    assert_eq!(matching(&files, &rows), [Decimal::ONE, Decimal::ONE]);
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
    assert_eq!(records(&evidence), 1);
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
    assert_eq!(records(&read(&files).expect("reads")), 1);
    assert_eq!(matching(&files, &[&["1/KH"]]), one());
}

/// The Sở KH&CN example as a CSV folder, as one Excel workbook with Vietnamese headers (and
/// that workbook saved as Excel 97-2003 `.xls` and as OpenDocument `.ods`), and as Windows-1258
/// CSVs gives the same report; only the input files' digests differ.
#[test]
fn the_example_in_five_forms_scores_identically() {
    use parindex_core::FsFiles;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let set = load_criteria(&FsFiles, &root.join("criteria/nghe-an-2026-so")).expect("loads");
    let criteria = CompiledCriteria::compile(set).expect("compiles");
    let as_of = criteria.default_as_of().expect("date");
    let score = |dir: &str| {
        let options = ReadOptions::default();
        let mut report = (criteria.score_unit(&FsFiles, &root.join(dir), as_of, &options))
            .expect("evidence reads");
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
    let (xls, xls_files) = score("fixtures/skhcn-2026-xls");
    let (ods, ods_files) = score("fixtures/skhcn-2026-ods");
    assert_eq!(csv, excel, "the Excel workbook scores as the CSV folder");
    assert_eq!(csv, xls, "the .xls workbook scores as the CSV folder");
    assert_eq!(csv, ods, "the .ods workbook scores as the CSV folder");
    assert!(
        xls_files.contains(&"so-lieu-cchc-2026.xls".to_owned()),
        "{xls_files:?}"
    );
    assert!(
        ods_files.contains(&"so-lieu-cchc-2026.ods".to_owned()),
        "{ods_files:?}"
    );
    assert_eq!(csv, legacy, "the Windows-1258 CSVs score as the UTF-8 ones");
    assert!(csv_files.contains(&"dossiers.csv".to_owned()));
    assert!(
        excel_files.contains(&"so-lieu-cchc-2026.xlsx".to_owned()),
        "{excel_files:?}"
    );
}
