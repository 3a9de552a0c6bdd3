//! Hostile evidence text in the reports (issue 18, items 1 and 7): a formula planted in a
//! document number must reach a spreadsheet as text, and control characters must never make a
//! docx, xlsx or HTML file that its reader refuses.

use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use parindex_core::report::EvidenceRef;
use parindex_core::{Files, Report};
use parindex_render::{render_csv, render_docx, render_html, render_xlsx, RenderOptions};
use rust_decimal::Decimal;

mod common;

use common::{example_files, score_files as score, EVIDENCE};

/// The attack of the issue: a document number that LibreOffice opened as a link.
const ATTACK: &str = r#"=HYPERLINK("http://evil.example", "Xem văn bản")&T(""#;

/// The first characters that make a spreadsheet read a cell as a formula (OWASP).
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Every character XML 1.0 refuses, in one string.
fn forbidden() -> String {
    let mut s: String = ('\u{0}'..='\u{8}').collect();
    s.push('\u{b}');
    s.push('\u{c}');
    s.extend('\u{e}'..='\u{1f}');
    s.push('\u{fffe}');
    s.push('\u{ffff}');
    s
}

fn is_forbidden(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// The example with the document number of `documents.csv`'s CCHC plan replaced by `number`.
fn with_document_number(number: &str) -> Report {
    let mut files = example_files();
    let path = Path::new(EVIDENCE).join("documents.csv");
    let csv = String::from_utf8(files.read(&path).expect("documents.csv")).expect("UTF-8");
    // The unit's CCHC plan, which several rows cite.
    let plan = "\n2/KH-SKHCN,";
    assert!(csv.contains(plan), "the fixture's CCHC plan");
    let quoted = format!("\n\"{}\",", number.replace('"', "\"\""));
    files.insert(&path, csv.replacen(plan, &quoted, 1));
    score(&files)
}

/// A report whose officer- and evidence-written text all starts like a formula.
fn hostile_everywhere() -> Report {
    let mut report = with_document_number(ATTACK);
    report.unit.name = "@SUM(1+1)*cmd|' /C calc'!A0".to_owned();
    for (i, n) in report.nodes.iter_mut().enumerate() {
        if !n.is_leaf() {
            continue;
        }
        let start = TRIGGERS[i % TRIGGERS.len()];
        n.explanation = format!("{start}1+2 giải thích");
        n.giai_trinh = Some(format!("{start}cmd|' /C calc'!A0"));
        n.restore = Some(format!("{start}HYPERLINK(\"http://evil.example\")"));
        n.evidence.insert(
            0,
            EvidenceRef::Fact {
                name: format!("{start}so_lieu"),
                value: "1".to_owned(),
                source: None,
            },
        );
        for r in &mut n.records {
            r.title = format!("{start}2+3");
        }
    }
    report
}

// ---------------------------------------------------------------------------------------------
// Item 1: formula injection.
// ---------------------------------------------------------------------------------------------

fn csv_records(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    let text = text.strip_prefix('\u{feff}').expect("a byte-order mark");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("a CSV record").iter().map(str::to_owned).collect())
        .collect()
}

/// A row's deciding records in full as CSV: the file's line, then the table's cells; a
/// dossier code planted as a formula reaches the spreadsheet as text.
#[test]
fn csv_of_a_rows_records_keeps_a_planted_formula_as_text() {
    let mut files = example_files();
    let path = Path::new(EVIDENCE).join("dossiers.csv");
    let text = String::from_utf8(files.read(&path).expect("dossiers")).expect("UTF-8");
    // The first dossier is late: it is one of 3.2.4's records.
    let text = text.replacen(
        "000.00.29.H40-260102-0001",
        "\"=HYPERLINK(\"\"http://evil.example\"\")\"",
        1,
    );
    files.insert(path, text);
    let set = parindex_core::load_criteria(&files, Path::new(common::CRITERIA)).expect("criteria");
    let criteria = parindex_core::CompiledCriteria::compile(set).expect("compiles");
    let as_of = criteria.as_of(None).expect("a year end");
    let lists = criteria
        .row_records(
            &files,
            Path::new(EVIDENCE),
            "3.2.4",
            as_of,
            &parindex_core::ReadOptions::default(),
        )
        .expect("reads")
        .expect("a rule row");
    let records =
        csv_records(&parindex_render::render_records_csv(&lists[0]).expect("CSV renders"));
    assert_eq!(records.len(), 53, "a header and 52 records");
    assert_eq!(
        records[0][..3],
        ["Dòng trong tệp", "Mã hồ sơ", "Mã thủ tục"]
    );
    assert_eq!(
        records[1][..2],
        ["2", "'=HYPERLINK(\"http://evil.example\")"]
    );
    assert!(records.iter().all(|r| r.len() == records[0].len()));
}

/// The columns of the CSV that hold numbers (Điểm tối đa, Điểm tự đánh giá, Điểm thẩm định).
const NUMBER_COLUMNS: [usize; 3] = [2, 4, 7];

#[test]
fn csv_document_number_formula_reaches_the_tlkc_cell_as_text() {
    let report = with_document_number(ATTACK);
    let records = csv_records(&render_csv(&report).expect("CSV renders"));
    let tlkc: Vec<&String> = records
        .iter()
        .filter_map(|r| r.get(5))
        .filter(|c| c.contains("HYPERLINK"))
        .collect();
    assert!(!tlkc.is_empty(), "the planted document reaches a TLKC cell");
    for cell in tlkc {
        assert!(
            cell.starts_with(&format!("'{ATTACK}")),
            "the TLKC cell is neutralised by a leading quote: {cell:?}"
        );
    }
}

#[test]
fn csv_text_cells_never_start_like_a_formula_and_numbers_stay_numbers() {
    let mut report = hostile_everywhere();
    // A penalty row's points are negative: written as the number -1, not as text.
    let leaf = report
        .nodes
        .iter_mut()
        .find(|n| n.is_leaf())
        .expect("a leaf");
    leaf.points = Decimal::NEGATIVE_ONE;
    leaf.declared = None;
    leaf.status = parindex_core::report::Status::Scored;
    let records = csv_records(&render_csv(&report).expect("CSV renders"));
    let mut negatives = 0;
    for (line, record) in records.iter().enumerate().skip(1) {
        for (col, cell) in record.iter().enumerate() {
            if NUMBER_COLUMNS.contains(&col) {
                if !cell.is_empty() {
                    let value: Decimal = cell
                        .parse()
                        .unwrap_or_else(|e| panic!("line {line} column {col}: {cell:?}: {e}"));
                    negatives += usize::from(value.is_sign_negative());
                }
                continue;
            }
            assert!(
                !cell.starts_with(TRIGGERS),
                "line {line} column {col} starts like a formula: {cell:?}"
            );
        }
    }
    assert!(negatives > 0, "the penalty stays the number -1");
    let quoted = records
        .iter()
        .flatten()
        .filter(|c| c.starts_with('\'') && c[1..].starts_with(TRIGGERS))
        .count();
    assert!(quoted > 100, "hostile cells are kept, quoted ({quoted})");
}

fn unzip_entry(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a zip archive");
    let mut file = archive.by_name(name).expect(name);
    let mut text = String::new();
    file.read_to_string(&mut text).expect("UTF-8 XML");
    text
}

fn zip_names(bytes: &[u8]) -> Vec<String> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).expect("a zip archive");
    archive
        .file_names()
        .map(|n| n.expect("an entry name").into_owned())
        .collect()
}

/// The `<xf …>` elements of `<cellXfs>`, in index order.
fn cell_xfs(styles: &str) -> Vec<&str> {
    let start = styles.find("<cellXfs").expect("cellXfs");
    let end = styles[start..].find("</cellXfs>").expect("end of cellXfs") + start;
    styles[start..end]
        .match_indices("<xf ")
        .map(|(i, _)| {
            let rest = &styles[start + i..end];
            let close = rest.find('>').expect("end of xf");
            &rest[..close]
        })
        .collect()
}

/// The style index of every string cell of a sheet, with the shared string it holds.
fn string_cells<'a>(sheet: &'a str, strings: &[String]) -> Vec<(usize, &'a str, String)> {
    sheet
        .match_indices("<c r=\"")
        .filter_map(|(i, _)| {
            let rest = &sheet[i..];
            let head = &rest[..rest.find('>')?];
            if !head.contains("t=\"s\"") {
                return None;
            }
            let style = head
                .split("s=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let v = rest.find("<v>")? + 3;
            let index: usize = rest[v..v + rest[v..].find("</v>")?].parse().ok()?;
            Some((style, head, strings.get(index)?.clone()))
        })
        .collect()
}

/// The shared strings, unescaped the way a reader does (enough for these tests).
fn shared_strings(xml: &str) -> Vec<String> {
    xml.split("<si>")
        .skip(1)
        .map(|si| {
            let si = &si[..si.find("</si>").unwrap_or(si.len())];
            si.split("<t")
                .skip(1)
                .map(|t| {
                    let body = &t[t.find('>').map_or(0, |i| i + 1)..];
                    body[..body.find("</t>").unwrap_or(body.len())]
                        .replace("&lt;", "<")
                        .replace("&gt;", ">")
                        .replace("&quot;", "\"")
                        .replace("&amp;", "&")
                })
                .collect::<String>()
        })
        .collect()
}

#[test]
fn xlsx_document_number_formula_is_a_string_cell_shown_as_text() {
    let report = with_document_number(ATTACK);
    let bytes = render_xlsx(&report, &RenderOptions::default()).expect("the workbook renders");

    // calamine reads the planted number back as a string cell, unchanged.
    let mut book = Xlsx::new(Cursor::new(bytes.clone())).expect("calamine opens the workbook");
    let range = book.worksheet_range("Bảng tổng hợp").expect("the table");
    let hits: Vec<&Data> = range
        .rows()
        .filter_map(|r| r.get(5))
        .filter(|c| matches!(c, Data::String(s) if s.contains("HYPERLINK")))
        .collect();
    assert!(!hits.is_empty(), "the planted document reaches a TLKC cell");
    for cell in &hits {
        let Data::String(s) = cell else {
            panic!("not a string cell: {cell:?}")
        };
        assert!(s.starts_with(ATTACK), "the text as written: {s:?}");
    }

    // No sheet holds a formula, and every text cell that starts like one carries Excel's
    // quote prefix, so that editing the cell keeps it text.
    let styles = unzip_entry(&bytes, "xl/styles.xml");
    let xfs = cell_xfs(&styles);
    let strings = shared_strings(&unzip_entry(&bytes, "xl/sharedStrings.xml"));
    let mut checked = 0;
    for name in zip_names(&bytes) {
        if !name.starts_with("xl/worksheets/sheet") {
            continue;
        }
        let sheet = unzip_entry(&bytes, &name);
        assert!(
            !sheet.contains("<f>") && !sheet.contains("<f "),
            "{name}: a formula"
        );
        assert!(!sheet.contains("<hyperlink"), "{name}: a hyperlink");
        for (style, head, text) in string_cells(&sheet, &strings) {
            if text.starts_with(TRIGGERS) {
                let xf = xfs.get(style).copied().unwrap_or("");
                assert!(
                    xf.contains("quotePrefix=\"1\""),
                    "{name} {head}: {text:?} has no quote prefix ({xf})"
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= hits.len(), "the planted cells were checked");
}

#[test]
fn xlsx_hostile_text_everywhere_is_quoted_and_kept() {
    let report = hostile_everywhere();
    let bytes = render_xlsx(&report, &RenderOptions::default()).expect("the workbook renders");
    let xfs_xml = unzip_entry(&bytes, "xl/styles.xml");
    let xfs = cell_xfs(&xfs_xml);
    let strings = shared_strings(&unzip_entry(&bytes, "xl/sharedStrings.xml"));
    let mut quoted = 0;
    for name in zip_names(&bytes) {
        if !name.starts_with("xl/worksheets/sheet") {
            continue;
        }
        let sheet = unzip_entry(&bytes, &name);
        for (style, head, text) in string_cells(&sheet, &strings) {
            if text.starts_with(TRIGGERS) {
                let xf = xfs.get(style).copied().unwrap_or("");
                assert!(
                    xf.contains("quotePrefix=\"1\""),
                    "{name} {head}: {text:?} has no quote prefix"
                );
                quoted += 1;
            }
        }
    }
    assert!(quoted > 100, "hostile cells are kept as text ({quoted})");
}

// ---------------------------------------------------------------------------------------------
// Item 7: characters XML refuses.
// ---------------------------------------------------------------------------------------------

/// A marker to find the hostile text by, around every forbidden character.
const MARK: &str = "Ký tự lạ";

/// A report whose officer- and evidence-written text carries every forbidden character, with
/// Excel's `_x000B_` line break as calamine decodes it, and CR line ends.
fn with_control_characters() -> (Report, RenderOptions) {
    let bad = format!("{MARK}[{}]\r\ndòng hai\rdòng ba", forbidden());
    let mut report = with_document_number(&format!("{MARK}\u{b}2/KH-SKHCN"));
    report.unit.name = format!("Sở{}KH&CN", forbidden());
    report.criteria.title = format!("Bộ chỉ số {bad}");
    for n in &mut report.nodes {
        n.title = format!("{} {bad}", n.title);
        if !n.is_leaf() {
            continue;
        }
        n.explanation = bad.clone();
        n.giai_trinh = Some(bad.clone());
        n.restore = Some(bad.clone());
        n.error = Some(bad.clone());
        n.evidence.push(EvidenceRef::Document {
            reference: format!("{MARK}\u{0}/KH ngày 01/01/2026"),
            number: "1/KH".to_owned(),
            date: None,
            subject: Some(bad.clone()),
        });
        for r in &mut n.records {
            r.title = bad.clone();
            r.keys.push(bad.clone());
        }
    }
    for e in &mut report.fingerprint.evidence {
        e.name = format!("{}{}", e.name, forbidden());
    }
    let options = RenderOptions {
        proposals: Some(format!("{bad}\n\nđoạn hai {bad}")),
    };
    (report, options)
}

/// The forbidden characters of `text`, raw or as character references (`&#11;`, `&#xB;`).
fn forbidden_in(text: &str) -> Vec<String> {
    let mut found: Vec<String> = text
        .chars()
        .filter(|c| is_forbidden(*c))
        .map(|c| format!("U+{:04X}", u32::from(c)))
        .collect();
    for (i, _) in text.match_indices("&#") {
        let rest = &text[i + 2..];
        let Some(end) = rest.find(';') else { continue };
        let code = &rest[..end];
        let value = match code.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => code.parse().ok(),
        };
        if let Some(c) = value.and_then(char::from_u32) {
            if is_forbidden(c) {
                found.push(format!("&#{code};"));
            }
        }
    }
    found
}

#[test]
fn docx_has_no_character_xml_refuses() {
    let (report, options) = with_control_characters();
    let bytes = render_docx(&report, &options).expect("the docx renders");
    let mut xml_entries = 0;
    for name in zip_names(&bytes) {
        if !name.ends_with(".xml") && !name.ends_with(".rels") {
            continue;
        }
        let xml = unzip_entry(&bytes, &name);
        let bad = forbidden_in(&xml);
        assert!(
            bad.is_empty(),
            "{name} holds {} such, first {:?}",
            bad.len(),
            &bad[..bad.len().min(5)]
        );
        xml_entries += 1;
    }
    assert!(xml_entries > 3, "the docx's parts were read");
    let document = unzip_entry(&bytes, "word/document.xml");
    assert!(document.contains(MARK), "the hostile text is kept, cleaned");
    assert!(
        document.contains('\u{fffd}'),
        "what was removed shows as U+FFFD"
    );
    assert!(!document.contains('\r'), "CR line ends are line feeds");
}

#[test]
fn xlsx_has_no_character_xml_refuses() {
    let (report, options) = with_control_characters();
    let bytes = render_xlsx(&report, &options).expect("the workbook renders");
    for name in zip_names(&bytes) {
        let xml = unzip_entry(&bytes, &name);
        let bad = forbidden_in(&xml);
        assert!(
            bad.is_empty(),
            "{name} holds {} such, first {:?}",
            bad.len(),
            &bad[..bad.len().min(5)]
        );
    }
    // Read back as Excel reads it: `_x000B_` and the like are decoded, so none may be written.
    let mut book = Xlsx::new(Cursor::new(bytes)).expect("calamine opens the workbook");
    let mut marked = 0;
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).expect("a sheet");
        for cell in range.used_cells() {
            if let (row, col, Data::String(s)) = cell {
                let bad: Vec<char> = s.chars().filter(|c| is_forbidden(*c)).collect();
                assert!(bad.is_empty(), "{name} ({row}, {col}) holds {bad:?}: {s:?}");
                assert!(!s.contains('\r'), "{name} ({row}, {col}): a CR: {s:?}");
                marked += usize::from(s.contains(MARK));
            }
        }
    }
    assert!(
        marked > 10,
        "the hostile text is kept, cleaned ({marked} cells)"
    );
}

#[test]
fn html_has_no_character_html_refuses() {
    let (report, options) = with_control_characters();
    let html = render_html(&report, &options).expect("the page renders");
    let bad = forbidden_in(&html);
    assert!(
        bad.is_empty(),
        "the page holds {} such, first {:?}",
        bad.len(),
        &bad[..bad.len().min(5)]
    );
    assert!(!html.contains('\r'), "CR line ends are line feeds");
    assert!(html.contains(MARK), "the hostile text is kept, cleaned");
    assert!(
        html.contains('\u{fffd}'),
        "what was removed shows as U+FFFD"
    );
}

/// The issue's path for U+000B: an evidence workbook whose cell holds Excel's `_x000B_` line
/// break, which calamine decodes, reaching the Word report.
#[test]
fn excel_line_break_from_an_evidence_workbook_reaches_no_docx_part() {
    let mut files = example_files();
    let path = Path::new(EVIDENCE).join("documents.csv");
    let csv = files.remove(&path).expect("documents.csv");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_slice());
    let mut planted = 0;
    for (row, record) in (0u32..).zip(reader.records()) {
        let record = record.expect("a CSV record");
        for (col, cell) in (0u16..).zip(record.iter()) {
            // Written as Excel writes a manual line break: `_x000B_` in the sheet's XML.
            let cell = if cell.starts_with("Kế hoạch cải cách hành chính") {
                planted += 1;
                cell.replacen(' ', "\u{b}", 1)
            } else {
                cell.to_owned()
            };
            sheet.write_string(row, col, cell).expect("a cell");
        }
    }
    assert!(planted > 0, "the CCHC plan's subject");
    let workbook = book.save_to_buffer().expect("a workbook");
    assert!(
        String::from_utf8_lossy(&workbook).contains("_x000B_")
            || zip_names(&workbook)
                .iter()
                .any(|n| { unzip_entry(&workbook, n).contains("_x000B_") }),
        "the workbook spells the break as Excel does"
    );
    files.insert(Path::new(EVIDENCE).join("documents.xlsx"), workbook);
    let report = score(&files);
    assert!(
        report
            .nodes
            .iter()
            .flat_map(|n| n.evidence.iter().map(EvidenceRef::vi))
            .any(|line| line.contains('\u{b}')),
        "calamine decodes _x000B_ into the evidence"
    );
    let bytes = render_docx(&report, &RenderOptions::default()).expect("the docx renders");
    for name in zip_names(&bytes) {
        let bad = forbidden_in(&unzip_entry(&bytes, &name));
        assert!(bad.is_empty(), "{name} holds {bad:?}");
    }
    let document = unzip_entry(&bytes, "word/document.xml");
    // A line break of the cell, not two words glued together.
    assert!(!document.contains("Kếhoạch"), "the words are not glued");
    let at = document
        .find("(Kế</w:t>")
        .expect("the subject's first word");
    let rest = &document[at..];
    let next = rest
        .find("hoạch cải cách")
        .expect("the subject's next words");
    assert!(rest[..next].contains("<w:br "), "a line break between them");
}

#[test]
fn ranking_sheet_names_and_codes_stay_text_without_forbidden_characters() {
    // Two units of one peer group, ranked by the library as `parindex rank` ranks them.
    let unit = |code: &str, name: &str| {
        let mut report = common::example();
        report.unit.code = code.to_owned();
        report.unit.name = name.to_owned();
        report.unit.group = format!("so{}", forbidden());
        report
    };
    let ranking = parindex_core::rank::Ranking::of(&[
        unit("-01", ATTACK),
        unit("02", &format!("Sở{}Tư pháp", forbidden())),
    ]);
    let bytes = parindex_render::render_ranking_xlsx(&ranking).expect("the ranking renders");
    let mut book = Xlsx::new(Cursor::new(bytes.clone())).expect("calamine opens the workbook");
    let mut texts = Vec::new();
    for name in book.sheet_names() {
        assert!(!name.chars().any(is_forbidden), "sheet name {name:?}");
        let range = book.worksheet_range(&name).expect("a sheet");
        for (_, _, cell) in range.used_cells() {
            if let Data::String(s) = cell {
                assert!(!s.chars().any(is_forbidden), "{s:?}");
                texts.push(s.clone());
            }
        }
    }
    assert!(
        texts.iter().any(|t| t == ATTACK),
        "the name, as a string cell"
    );
    assert!(
        texts.iter().any(|t| t == "-01"),
        "the code, as a string cell"
    );
    let styles = unzip_entry(&bytes, "xl/styles.xml");
    let xfs = cell_xfs(&styles);
    let strings = shared_strings(&unzip_entry(&bytes, "xl/sharedStrings.xml"));
    let sheet = unzip_entry(&bytes, "xl/worksheets/sheet1.xml");
    let quoted: Vec<String> = string_cells(&sheet, &strings)
        .into_iter()
        .filter(|(style, _, _)| {
            xfs.get(*style)
                .is_some_and(|xf| xf.contains("quotePrefix=\"1\""))
        })
        .map(|(_, _, text)| text)
        .collect();
    // Row by row, the code (column B) before the name (column C).
    assert_eq!(quoted, ["-01".to_owned(), ATTACK.to_owned()]);
}

/// The report's own line feeds (a leaf note's declared points and giải trình) are Word line
/// breaks: docx-rs drops a `\n` in a run's text, which glued `0 điểm` to `Giải trình:`.
#[test]
fn docx_line_feeds_are_line_breaks_not_glued_words() {
    let report = common::example();
    let bytes = render_docx(&report, &RenderOptions::default()).expect("the docx renders");
    let document = unzip_entry(&bytes, "word/document.xml");
    for glued in ["điểmGiải trình:", "điểmĐơn vị đề nghị", ")Giải trình:"] {
        assert!(!document.contains(glued), "glued: {glued}");
    }
    assert!(
        document.contains("<w:br w:type=\"textWrapping\""),
        "line breaks"
    );
}

// ---------------------------------------------------------------------------------------------
// Markdown: officer- and evidence-written text is shown, never rendered as HTML or a link.
// ---------------------------------------------------------------------------------------------

/// Texts that a Markdown viewer would render as markup if written raw.
const MARKUP: [&str; 7] = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "[Xem văn bản](javascript:alert(1))",
    "![ảnh](http://evil.example/x.png)",
    "<http://evil.example>",
    "\\<b>in đậm</b>",
    "dòng một\n# Tiêu đề chèn\n<div>khối</div>",
];

/// What a CommonMark viewer makes of `markdown`: whether any HTML, link or image comes out,
/// or a heading other than the report's own.
fn markup_in(markdown: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    Parser::new_ext(markdown, Options::ENABLE_TABLES)
        .filter_map(|event| match event {
            Event::Html(h) | Event::InlineHtml(h) => Some(format!("HTML {h}")),
            Event::Start(Tag::Link { dest_url, .. }) => Some(format!("link {dest_url}")),
            Event::Start(Tag::Image { dest_url, .. }) => Some(format!("image {dest_url}")),
            Event::Text(t) if t.contains("Tiêu đề chèn") && !t.contains("dòng một") => {
                Some(format!("a block of its own: {t}"))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn markdown_shows_planted_markup_as_text() {
    use pulldown_cmark::{Event, Options, Parser};
    let plain = score(&example_files());
    for attack in MARKUP {
        let mut report = with_document_number(attack);
        report.unit.name = attack.to_owned();
        report.unit.group = attack.to_owned();
        for n in report.nodes.iter_mut() {
            n.title = attack.to_owned();
            if n.is_leaf() {
                n.giai_trinh = Some(attack.to_owned());
                n.explanation = attack.to_owned();
                n.restore = Some(attack.to_owned());
            }
        }
        // A row's points differ, so that the comparison shows the row and both names.
        let leaf = report
            .nodes
            .iter_mut()
            .find(|n| n.is_leaf())
            .expect("a row");
        leaf.final_points += Decimal::ONE;
        let leaf = &leaf.clone();
        let comparison = parindex_core::compare::Comparison::of(&plain, &report);
        let reports = [report.clone()];
        let markdowns = [
            parindex_render::report_markdown(&report),
            parindex_render::province_markdown(&reports),
            parindex_render::ranking_markdown(&parindex_core::rank::Ranking::of(&reports)),
            parindex_render::explain_score_markdown(leaf, &report),
            parindex_render::comparison_markdown(&comparison, attack, attack),
        ];
        for markdown in markdowns {
            assert_eq!(
                markup_in(&markdown),
                Vec::<String>::new(),
                "{attack}: {markdown}"
            );
            // The text is still there to read, as written (its line breaks as spaces).
            let shown: String = Parser::new_ext(&markdown, Options::ENABLE_TABLES)
                .filter_map(|e| match e {
                    Event::Text(t) => Some(t.into_string()),
                    _ => None,
                })
                .collect();
            assert!(
                shown.contains(&attack.replace('\n', " ")),
                "{attack}: {shown}"
            );
        }
    }
}
