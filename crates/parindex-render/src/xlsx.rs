//! The Excel annex (par-index.md §5): the workbook sent to Sở Nội vụ with the Word report.
//!
//! Four sheets, all in Times New Roman, A4 landscape, one page wide, the header row frozen on
//! screen and repeated on every printed page:
//!
//! 1. **Bảng tổng hợp** — the scoring table ([`table::rows`], the nine [`COLUMNS`]): field rows
//!    bold and shaded with their subtotal and field index, criterion rows with their number,
//!    title and points in bold, sub-criteria plain; then the total line (points, index, rating)
//!    and the self-assessed line; below them, small and italic, the replay fingerprint
//!    ([`table::fingerprint`]: engine, as-of date, SHA-256 of the criteria set and of each
//!    evidence file), which `parindex verify` checks.
//! 2. **Giải trình** — every row that needs a written explanation
//!    ([`table::needing_explanation`]), with an empty column for the officer's words.
//! 3. **Số liệu** — every leaf with a ratio: numerator, denominator and ratio as numbers, the
//!    records behind them and the documents.
//! 4. **Điểm bị mất** — the leaves that lost points, the most first ([`table::gap_rows`]), with
//!    what would restore them, and the total lost.
//!
//! Numbers are real numbers (so that an appraiser can add them up). The exact [`Decimal`] is
//! converted through its decimal string, which gives the nearest `f64`; points carry at most two
//! decimals, so what Excel shows is the exact value. Each number gets a format with exactly as
//! many decimals as the value has (`#,##0`, `#,##0.0`, `#,##0.00`, …), never a trailing
//! separator (`0.##` would show `2.` for 2). The `.` and `,` of a number format are placeholders
//! that Excel localises: in a vi-VN Excel 2.5 shows as `2,5` and 31426800000 as `31.426.800.000`.
//!
//! Text is written as string cells only (no formula, no hyperlink), through [`write_text`]:
//! cleaned of what XML refuses ([`text::printable`]), and marked with Excel's quote prefix when it
//! starts like a formula (`=`, `+`, `-`, `@`, tab, CR), so that it stays text even when the
//! officer edits the cell ([`text::starts_like_formula`]).
//!
//! Row heights are set from an estimate of the wrapped lines (Times New Roman widths, rounded
//! up): Excel fits unset rows itself, but LibreOffice does not, and the annex must read in both.
//! After editing a cell in Excel, *AutoFit Row Height* refits the row.
//!
//! Determinism: the document's creation time is the report's as-of date at 00:00 UTC, never the
//! clock, and rust_xlsxwriter writes fixed zip timestamps, so the same report gives the same
//! bytes.

use std::collections::BTreeMap;

use parindex_core::date::vi_date;
use parindex_core::report::{NodeKind, NodeScore, Status};
use parindex_core::rules::RecordList;
use parindex_core::Report;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use crate::labels;
use crate::table::{
    self, index_text, needing_explanation, self_text, total_text, TableRow, COLUMNS,
    FINGERPRINT_TITLE, GAP_COLUMNS, NO_GAPS,
};
use crate::text::{self, unquoted};
use crate::{RenderError, RenderOptions};

/// The sheet names, in order.
const SHEET_TABLE: &str = "Bảng tổng hợp";
const SHEET_EXPLAIN: &str = "Giải trình";
const SHEET_DATA: &str = "Số liệu";
const SHEET_GAPS: &str = "Điểm bị mất";

const FONT: &str = "Times New Roman";
const FONT_SIZE: f64 = 12.0;
/// Excel's default row height (px) and column width (px) for Times New Roman 12.
const DEFAULT_ROW_PX: u32 = 21;
const DEFAULT_COL_PX: u32 = 72;
/// Points per wrapped line of Times New Roman 12 (its line is about 13.8 points).
const LINE_PT: f64 = 15.0;
/// An indent level, in characters.
const INDENT_CHARS: f64 = 1.5;

/// Rows 0–3 hold the title block, row 4 is blank, row 5 holds the column headers.
const HEADER_ROW: u32 = 5;
const FIRST_DATA_ROW: u32 = HEADER_ROW + 1;

/// Excel refuses longer cell text.
const MAX_CELL_CHARS: usize = 32_767;

/// Paper size 9 is A4 in Excel's list.
const PAPER_A4: u8 = 9;

const FILL_HEADER: u32 = 0xD9D9D9;
const FILL_FIELD: u32 = 0xDDEBF7;
const FILL_TOTAL: u32 = 0xFFF2CC;

/// The fingerprint's type size, and its lines' height (points).
const FINGERPRINT_FONT_SIZE: f64 = 9.0;
const FINGERPRINT_LINE_PT: f64 = 12.75;

impl From<XlsxError> for RenderError {
    fn from(e: XlsxError) -> Self {
        RenderError::Write(e.to_string())
    }
}

/// The Excel annex of the report. The options carry nothing the annex shows (part 3 of the
/// report belongs to the Word and HTML forms).
pub fn render_xlsx(report: &Report, _options: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    let mut workbook = Workbook::new();
    workbook.set_default_format(&base(), DEFAULT_ROW_PX, DEFAULT_COL_PX)?;
    workbook.set_properties(&properties(report)?);

    write_table(workbook.add_worksheet(), report)?;
    write_explanations(workbook.add_worksheet(), report)?;
    write_data(workbook.add_worksheet(), report)?;
    write_gaps(workbook.add_worksheet(), report)?;

    Ok(workbook.save_to_buffer()?)
}

/// Title, subject and a creation time taken from the report (the as-of date at 00:00).
fn properties(report: &Report) -> Result<DocProperties, RenderError> {
    let part = |fmt: &str| -> Result<u16, RenderError> {
        let text = report.as_of.format(fmt).to_string();
        text.parse::<u16>()
            .map_err(|e| RenderError::Write(format!("as-of date {text}: {e}")))
    };
    let small = |n: u16| u8::try_from(n).map_err(|e| RenderError::Write(e.to_string()));
    let created = ExcelDateTime::from_ymd(part("%Y")?, small(part("%m")?)?, small(part("%d")?)?)?;
    Ok(DocProperties::new()
        .set_title(table_title(report))
        .set_subject(text::printable(&format!(
            "Phụ lục kết quả tự đánh giá, chấm điểm Chỉ số CCHC — {}",
            report.criteria.title
        )))
        .set_author(text::printable(&report.unit.name))
        .set_company(text::printable(&report.unit.name))
        .set_keywords("PAR INDEX, Chỉ số CCHC, tự đánh giá")
        .set_creation_datetime(&created))
}

fn table_title(report: &Report) -> String {
    format!(
        "BẢNG TỔNG HỢP KẾT QUẢ TỰ ĐÁNH GIÁ, CHẤM ĐIỂM CHỈ SỐ CCHC NĂM {}",
        report.criteria.year
    )
}

// ---------------------------------------------------------------------------------------------
// Sheet 1: the scoring table.
// ---------------------------------------------------------------------------------------------

/// Column widths (characters) of the scoring table, one per [`COLUMNS`] entry.
const TABLE_WIDTHS: [f64; 9] = [7.0, 44.0, 8.5, 15.0, 9.5, 34.0, 48.0, 9.5, 16.0];

fn write_table(ws: &mut Worksheet, report: &Report) -> Result<(), RenderError> {
    ws.set_name(SHEET_TABLE)?;
    let mut g = Grid::new(ws, &TABLE_WIDTHS)?;
    g.title_block(report, &table_title(report))?;
    g.header_row(&COLUMNS)?;

    let rows = table::rows(report);
    for (row, r) in (FIRST_DATA_ROW..).zip(&rows) {
        write_node_row(&mut g, row, r)?;
    }
    let after = FIRST_DATA_ROW.saturating_add(u32::try_from(rows.len()).unwrap_or(u32::MAX));
    write_total_rows(&mut g, after, report)?;
    // The two total lines, a blank line, then the fingerprint.
    write_fingerprint(&mut g, after.saturating_add(3), report)?;
    g.finish()
}

/// The replay fingerprint, small and italic, one line per row from column B across the sheet
/// (column A, the STT, lists only the tree). The lines are part of the used range, so they print
/// with the table on its last page.
fn write_fingerprint(g: &mut Grid<'_>, row: u32, report: &Report) -> Result<(), RenderError> {
    let last = g.last_col();
    let line = base()
        .set_font_size(FINGERPRINT_FONT_SIZE)
        .set_italic()
        .set_align(FormatAlign::Left)
        .set_align(FormatAlign::VerticalCenter);
    let title = line.clone().set_bold();
    let lines = table::fingerprint_lines(report);
    let texts = std::iter::once((FINGERPRINT_TITLE.to_owned(), &title))
        .chain(lines.into_iter().map(|text| (text, &line)));
    for (r, (text, format)) in (row..).zip(texts) {
        merge_text(g.ws, r, 1, last, &text, format)?;
        g.ws.set_row_height(r, FINGERPRINT_LINE_PT)?;
    }
    Ok(())
}

/// How much a row stands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    /// Lĩnh vực: bold, shaded.
    Field,
    /// Tiêu chí: its number, title, max and points in bold.
    Criterion,
    /// Tiêu chí thành phần: plain.
    Plain,
    /// The total lines: bold, shaded.
    Total,
}

impl Level {
    fn of(kind: NodeKind) -> Self {
        match kind {
            NodeKind::Field => Level::Field,
            NodeKind::Criterion => Level::Criterion,
            NodeKind::SubCriterion => Level::Plain,
        }
    }

    /// The row's identity and score cells (STT, title, max, points).
    fn key(self, f: Format) -> Style {
        match self {
            Level::Field => Style::bold(f.set_background_color(Color::RGB(FILL_FIELD))),
            Level::Total => Style::bold(f.set_background_color(Color::RGB(FILL_TOTAL))),
            Level::Criterion => Style::bold(f),
            Level::Plain => Style::from(f),
        }
    }

    /// The row's detail cells (measure, evidence, notes).
    fn detail(self, f: Format) -> Style {
        match self {
            Level::Field => Style::bold(f.set_background_color(Color::RGB(FILL_FIELD))),
            Level::Total => Style::bold(f.set_background_color(Color::RGB(FILL_TOTAL))),
            Level::Criterion | Level::Plain => Style::from(f),
        }
    }
}

fn write_node_row(g: &mut Grid<'_>, row: u32, r: &TableRow) -> Result<(), RenderError> {
    let level = Level::of(r.kind);
    let indent: u8 = match r.kind {
        NodeKind::Field => 0,
        NodeKind::Criterion => 1,
        NodeKind::SubCriterion => 2,
    };
    g.text(row, 0, &r.stt, level.key(centered()))?;
    g.text(row, 1, &r.title, level.key(wrapped()).indent(indent))?;
    g.decimal(row, 2, r.max, level.key(number()))?;
    g.text(row, 3, &r.measure, level.detail(centered()))?;
    match r.points {
        Some(p) => g.decimal(row, 4, p, level.key(number()))?,
        // Pending survey, not applicable: no points; the note says why.
        None => g.text(row, 4, labels::NONE, level.key(centered()))?,
    }
    g.text(row, 5, &r.evidence.join("\n"), level.detail(wrapped()))?;
    let note = if r.is_leaf {
        r.note.clone()
    } else {
        // Parents carry their subtotal in the points column and their index here.
        let what = if r.kind == NodeKind::Field {
            "Chỉ số lĩnh vực"
        } else {
            "Chỉ số tiêu chí"
        };
        format!("{what}: {}", index_text(r.index))
    };
    g.text(row, 6, &note, level.detail(wrapped()))?;
    match r.appraised {
        Some(p) => g.decimal(row, 7, p, level.key(number()))?,
        None => g.text(row, 7, "", level.key(number()))?,
    }
    g.text(row, 8, &r.appraisal_note, level.detail(wrapped()))
}

/// The total line (all leaves, with the index and the rating) and the self-assessed line.
fn write_total_rows(g: &mut Grid<'_>, row: u32, report: &Report) -> Result<(), RenderError> {
    let t = &report.total;
    let mut note = total_text(report);
    if let Some(pending) = report.pending_survey() {
        note.push_str(&format!(
            "\n{}: {}",
            Status::PendingSurvey.vi(),
            pending.describe()
        ));
    }
    total_line(g, row, labels::TOTAL, t.max, t.points, &note)?;
    let s = &t.self_assessed;
    total_line(
        g,
        row + 1,
        "Trong đó: phần tự đánh giá",
        s.max,
        s.points,
        &self_text(report),
    )
}

fn total_line(
    g: &mut Grid<'_>,
    row: u32,
    label: &str,
    max: Decimal,
    points: Decimal,
    note: &str,
) -> Result<(), RenderError> {
    let level = Level::Total;
    g.text(row, 0, "", level.key(centered()))?;
    g.text(row, 1, label, level.key(wrapped()))?;
    g.decimal(row, 2, max, level.key(number()))?;
    g.text(row, 3, "", level.detail(centered()))?;
    g.decimal(row, 4, points, level.key(number()))?;
    g.text(row, 5, "", level.detail(wrapped()))?;
    g.text(row, 6, note, level.detail(wrapped()))?;
    g.text(row, 7, "", level.key(number()))?;
    g.text(row, 8, "", level.detail(wrapped()))
}

// ---------------------------------------------------------------------------------------------
// Sheet 2: explanations.
// ---------------------------------------------------------------------------------------------

const EXPLAIN_COLUMNS: [&str; 6] = [
    labels::STT,
    labels::ROW,
    labels::MAX,
    labels::STATUS,
    "Lý do",
    labels::UNIT_EXPLANATION,
];
const EXPLAIN_WIDTHS: [f64; 6] = [8.0, 48.0, 9.0, 24.0, 50.0, 60.0];
/// Room left in each row for the officer's explanation.
const EXPLAIN_MIN_LINES: usize = 3;

fn write_explanations(ws: &mut Worksheet, report: &Report) -> Result<(), RenderError> {
    ws.set_name(SHEET_EXPLAIN)?;
    let mut g = Grid::new(ws, &EXPLAIN_WIDTHS)?;
    let title = format!(
        "GIẢI TRÌNH CÁC TIÊU CHÍ CHƯA CÓ TÀI LIỆU KIỂM CHỨNG HOẶC CHƯA CHẤM ĐƯỢC — NĂM {}",
        report.criteria.year
    );
    g.title_block(report, &title)?;
    g.header_row(&EXPLAIN_COLUMNS)?;

    let rows = needing_explanation(report);
    if rows.is_empty() {
        g.message(
            FIRST_DATA_ROW,
            "Không có tiêu chí nào cần giải trình: mọi tiêu chí tự đánh giá đều có tài liệu kiểm chứng.",
        )?;
        return g.finish();
    }
    for (row, n) in (FIRST_DATA_ROW..).zip(rows) {
        g.text(row, 0, &n.id, centered())?;
        g.text(row, 1, &n.title, wrapped())?;
        g.decimal(row, 2, n.max, number())?;
        g.text(row, 3, n.status.vi(), wrapped())?;
        g.text(row, 4, &reason(n), wrapped())?;
        // The officer's words, or room for them.
        g.text(row, 5, crate::table::giai_trinh(n).unwrap_or(""), wrapped())?;
        g.at_least(row, EXPLAIN_MIN_LINES);
    }
    g.finish()
}

/// The row's explanation, with the rule's error when the explanation does not already say it.
fn reason(n: &NodeScore) -> String {
    let text = match &n.error {
        Some(e) if !n.explanation.contains(e.as_str()) => format!("{}\n{e}", n.explanation),
        _ => n.explanation.clone(),
    };
    unquoted(&text).into_owned()
}

// ---------------------------------------------------------------------------------------------
// Sheet 3: the declared figures.
// ---------------------------------------------------------------------------------------------

const DATA_COLUMNS: [&str; 7] = [
    labels::STT,
    labels::ROW,
    "Tử số",
    "Mẫu số",
    "Tỷ lệ",
    "Bản ghi nguồn",
    labels::EVIDENCE,
];
const DATA_WIDTHS: [f64; 7] = [8.0, 44.0, 16.0, 16.0, 10.0, 64.0, 44.0];

fn write_data(ws: &mut Worksheet, report: &Report) -> Result<(), RenderError> {
    ws.set_name(SHEET_DATA)?;
    let mut g = Grid::new(ws, &DATA_WIDTHS)?;
    let title = format!(
        "SỐ LIỆU KÊ KHAI (TỬ SỐ / MẪU SỐ) VÀ NGUỒN SỐ LIỆU — NĂM {}",
        report.criteria.year
    );
    g.title_block(report, &title)?;
    g.header_row(&DATA_COLUMNS)?;

    // Leaves with a ratio, and (should a rule name records without a ratio) leaves with records.
    let leaves: Vec<&NodeScore> = report
        .nodes
        .iter()
        .filter(|n| n.is_leaf() && (n.measure.is_some() || !n.records.is_empty()))
        .collect();
    if leaves.is_empty() {
        g.message(FIRST_DATA_ROW, "Không có tiêu chí nào tính theo tỷ lệ.")?;
        return g.finish();
    }
    let percent = number().set_num_format("0.00%");
    for (row, n) in (FIRST_DATA_ROW..).zip(leaves) {
        g.text(row, 0, &n.id, centered())?;
        g.text(row, 1, &n.title, wrapped())?;
        match &n.measure {
            Some(m) => {
                g.decimal(row, 2, m.numerator, number())?;
                g.decimal(row, 3, m.denominator, number())?;
                match m.numerator.checked_div(m.denominator) {
                    Some(ratio) => {
                        g.ws.write_number_with_format(row, 4, to_f64(ratio)?, &percent)?;
                    }
                    // 0/0: nothing arose.
                    None => g.text(row, 4, labels::NONE, centered())?,
                }
            }
            None => {
                for col in 2..=4 {
                    g.text(row, col, "", number())?;
                }
            }
        }
        let records: Vec<String> = n.records.iter().map(records_text).collect();
        g.text(row, 5, &records.join("\n"), wrapped())?;
        g.text(row, 6, &table::evidence_lines(n).join("\n"), wrapped())?;
    }
    g.finish()
}

// ---------------------------------------------------------------------------------------------
// Sheet 4: the points lost.
// ---------------------------------------------------------------------------------------------

const GAP_WIDTHS: [f64; 6] = [8.0, 48.0, 9.0, 11.0, 9.0, 70.0];

fn write_gaps(ws: &mut Worksheet, report: &Report) -> Result<(), RenderError> {
    ws.set_name(SHEET_GAPS)?;
    let mut g = Grid::new(ws, &GAP_WIDTHS)?;
    let title = format!(
        "ĐIỂM BỊ MẤT VÀ CÁCH KHÔI PHỤC — NĂM {}",
        report.criteria.year
    );
    g.title_block(report, &title)?;
    g.header_row(&GAP_COLUMNS)?;

    let rows = table::gap_rows(report);
    if rows.is_empty() {
        g.message(FIRST_DATA_ROW, NO_GAPS)?;
        return g.finish();
    }
    for (row, r) in (FIRST_DATA_ROW..).zip(&rows) {
        g.text(row, 0, &r.stt, centered())?;
        g.text(row, 1, &r.title, wrapped())?;
        g.decimal(row, 2, r.max, number())?;
        g.decimal(row, 3, r.points, number())?;
        g.decimal(row, 4, r.lost, number())?;
        g.text(row, 5, &unquoted(&r.restore), wrapped())?;
    }
    // The total: its words in the title column, the number under the lost points.
    let row = FIRST_DATA_ROW.saturating_add(u32::try_from(rows.len()).unwrap_or(u32::MAX));
    let level = Level::Total;
    g.text(row, 0, "", level.key(centered()))?;
    g.text(
        row,
        1,
        &table::gaps_total_text(report),
        level.key(wrapped()),
    )?;
    g.text(row, 2, "", level.key(number()))?;
    g.text(row, 3, "", level.key(number()))?;
    g.decimal(row, 4, table::gaps_total(report), level.key(number()))?;
    g.text(row, 5, "", level.detail(wrapped()))?;
    g.finish()
}

/// `Hồ sơ một cửa trễ hạn: 30 bản ghi (bảng dossiers): k1, k2, … và 10 bản ghi khác`.
fn records_text(r: &RecordList) -> String {
    let mut out = format!(
        "{} {}: {} bản ghi (bảng {})",
        r.title, r.what, r.total, r.table
    );
    if !r.keys.is_empty() {
        out.push_str(": ");
        out.push_str(&r.keys.join(", "));
    }
    if r.total > r.keys.len() {
        out.push_str(&format!(" và {} bản ghi khác", r.total - r.keys.len()));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Shared layout.
// ---------------------------------------------------------------------------------------------

/// A sheet being written: its column widths, and the wrapped lines each row needs.
struct Grid<'a> {
    ws: &'a mut Worksheet,
    widths: &'static [f64],
    lines: BTreeMap<u32, usize>,
}

impl<'a> Grid<'a> {
    /// Widths, A4 landscape, one page wide, header frozen and repeated, page numbers.
    fn new(ws: &'a mut Worksheet, widths: &'static [f64]) -> Result<Self, RenderError> {
        for (col, w) in (0u16..).zip(widths.iter()) {
            ws.set_column_width(col, *w)?;
        }
        ws.set_freeze_panes(FIRST_DATA_ROW, 0)?;
        ws.set_landscape();
        ws.set_paper_size(PAPER_A4);
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;
        ws.set_print_center_horizontally(true);
        ws.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
        ws.set_footer("&C&\"Times New Roman,Regular\"&10Trang &P/&N");
        Ok(Self {
            ws,
            widths,
            lines: BTreeMap::new(),
        })
    }

    fn last_col(&self) -> u16 {
        u16::try_from(self.widths.len().saturating_sub(1)).unwrap_or(0)
    }

    /// Rows 0–3: the title, the unit, the criteria set and the as-of date, across the sheet.
    fn title_block(&mut self, report: &Report, title: &str) -> Result<(), RenderError> {
        let last = self.last_col();
        let title_fmt = base()
            .set_bold()
            .set_font_size(14)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter);
        let line = base()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter);
        let ws = &mut *self.ws;
        merge_text(ws, 0, 0, last, title, &title_fmt)?;
        ws.set_row_height(0, 24)?;
        let unit = format!("Đơn vị: {}", report.unit.name);
        merge_text(ws, 1, 0, last, &unit, &line.clone().set_bold())?;
        let set = format!("{}: {}", labels::SET, report.criteria.title);
        merge_text(ws, 2, 0, last, &set, &line.clone().set_italic())?;
        let as_of = format!("{} {}", labels::AS_OF, vi_date(report.as_of));
        merge_text(ws, 3, 0, last, &as_of, &line.set_italic())?;
        Ok(())
    }

    fn header_row(&mut self, columns: &[&str]) -> Result<(), RenderError> {
        let f = bordered()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color(Color::RGB(FILL_HEADER));
        for (col, name) in (0u16..).zip(columns.iter()) {
            self.text(HEADER_ROW, col, name, Style::bold(f.clone()))?;
        }
        Ok(())
    }

    /// One italic line across the table, where it has no rows.
    fn message(&mut self, row: u32, text: &str) -> Result<(), RenderError> {
        let last = self.last_col();
        merge_text(self.ws, row, 0, last, text, &wrapped().set_italic())
    }

    /// Text (wrapped by its format where the column is narrow), or a bordered empty cell.
    fn text(
        &mut self,
        row: u32,
        col: u16,
        text: &str,
        style: impl Into<Style>,
    ) -> Result<(), RenderError> {
        let style = style.into();
        if text.is_empty() {
            self.ws.write_blank(row, col, &style.format)?;
            return Ok(());
        }
        let text = write_text(self.ws, row, col, text, &style.format)?;
        let width = self.widths.get(usize::from(col)).copied().unwrap_or(8.43)
            - INDENT_CHARS * f64::from(style.indent);
        self.at_least(row, wrapped_lines(&text, width, style.bold));
        Ok(())
    }

    /// A number cell showing exactly the decimal's digits.
    fn decimal(
        &mut self,
        row: u32,
        col: u16,
        value: Decimal,
        style: impl Into<Style>,
    ) -> Result<(), RenderError> {
        let value = value.normalize();
        let f = style.into().format.set_num_format(decimal_format(value));
        self.ws
            .write_number_with_format(row, col, to_f64(value)?, &f)?;
        Ok(())
    }

    fn at_least(&mut self, row: u32, lines: usize) {
        let entry = self.lines.entry(row).or_insert(1);
        *entry = (*entry).max(lines);
    }

    /// Sets the height of every row that needs more than one line.
    fn finish(self) -> Result<(), RenderError> {
        for (row, lines) in self.lines {
            if lines > 1 {
                let n = u32::try_from(lines).unwrap_or(u32::MAX).min(400);
                let height = f64::from(n) * LINE_PT;
                // Excel's limit is 409 points.
                self.ws.set_row_height(row, height.min(409.0))?;
            }
        }
        Ok(())
    }
}

/// A cell's format, with what the row-height estimate needs to know of it.
struct Style {
    format: Format,
    bold: bool,
    indent: u8,
}

impl Style {
    fn bold(format: Format) -> Self {
        Self {
            format: format.set_bold(),
            bold: true,
            indent: 0,
        }
    }

    fn indent(self, indent: u8) -> Self {
        Self {
            format: self.format.set_indent(indent),
            indent,
            ..self
        }
    }
}

impl From<Format> for Style {
    fn from(format: Format) -> Self {
        Self {
            format,
            bold: false,
            indent: 0,
        }
    }
}

/// The workbook's font.
fn base() -> Format {
    Format::new().set_font_name(FONT).set_font_size(FONT_SIZE)
}

fn bordered() -> Format {
    base()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Top)
}

fn wrapped() -> Format {
    bordered().set_text_wrap()
}

fn centered() -> Format {
    bordered().set_text_wrap().set_align(FormatAlign::Center)
}

/// Numbers are centred, as in the field's tables (and so that a right-aligned score never
/// reads as one with the document number beside it).
fn number() -> Format {
    bordered().set_align(FormatAlign::Center)
}

/// `#,##0` for whole numbers, else `#,##0.` and one `0` per decimal of the value.
fn decimal_format(value: Decimal) -> String {
    let scale = value.normalize().scale() as usize;
    if scale == 0 {
        "#,##0".to_owned()
    } else {
        format!("#,##0.{}", "0".repeat(scale.min(10)))
    }
}

/// The nearest `f64`, through the decimal's string (exact for what Excel shows).
fn to_f64(value: Decimal) -> Result<f64, RenderError> {
    let text = value.normalize().to_string();
    text.parse::<f64>()
        .map_err(|e| RenderError::Write(format!("number {text}: {e}")))
}

/// Writes `text` as a string cell (see [`cell_text`]), with Excel's quote prefix where it starts
/// like a formula; returns the text as written.
pub(crate) fn write_text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    format: &Format,
) -> Result<String, XlsxError> {
    let text = cell_text(text);
    ws.write_string_with_format(row, col, &text, &text_format(&text, format))?;
    Ok(text)
}

/// [`write_text`] across the merged columns `first..=last` of a row.
fn merge_text(
    ws: &mut Worksheet,
    row: u32,
    first: u16,
    last: u16,
    text: &str,
    format: &Format,
) -> Result<(), RenderError> {
    let text = cell_text(text);
    ws.merge_range(row, first, row, last, &text, &text_format(&text, format))?;
    Ok(())
}

/// `format`, with Excel's quote prefix when `text` starts like a formula: the cell is already a
/// string, and the prefix keeps it one when the officer edits it (OWASP's advice for
/// spreadsheets).
fn text_format(text: &str, format: &Format) -> Format {
    if text::starts_like_formula(text) {
        format.clone().set_quote_prefix()
    } else {
        format.clone()
    }
}

/// Text as a cell holds it: without the characters XML refuses ([`text::printable`]), cut to
/// Excel's limit.
fn cell_text(text: &str) -> String {
    let text = text::printable(text);
    if text.chars().count() <= MAX_CELL_CHARS {
        text.into_owned()
    } else {
        let mut cut: String = text.chars().take(MAX_CELL_CHARS - 1).collect();
        cut.push('…');
        cut
    }
}

/// The lines `text` takes in a wrapped cell `width` characters wide (Excel's character is the
/// width of a digit): greedy word wrap over Times New Roman advance widths.
fn wrapped_lines(text: &str, width: f64, bold: bool) -> usize {
    // Bold type is a little wider; keep a margin so that the estimate errs on the tall side.
    let factor = if bold { 1.08 } else { 1.02 };
    let room = (width - 0.5).max(1.0);
    let measure = |s: &str| s.chars().map(char_width).sum::<f64>() * factor;
    let space = char_width(' ') * factor;
    text.split('\n')
        .map(|paragraph| {
            let mut lines = 1;
            let mut used = 0.0_f64;
            for word in paragraph.split(' ') {
                let w = measure(word);
                let gap = if used > 0.0 { space } else { 0.0 };
                if used + gap + w <= room {
                    used += gap + w;
                } else if w <= room {
                    lines += 1;
                    used = w;
                } else {
                    // A word wider than the cell is broken where it overflows.
                    if used > 0.0 {
                        lines += 1;
                    }
                    let mut rest = w;
                    while rest > room {
                        lines += 1;
                        rest -= room;
                    }
                    used = rest;
                }
            }
            lines
        })
        .sum()
}

/// A character's advance in Times New Roman, in digit widths (a digit is half an em).
fn char_width(c: char) -> f64 {
    let (base, horn) = base_letter(c);
    let thousandths = match base {
        ' ' | ',' | '.' => 250.0,
        'i' | 'j' | 'l' | 't' | '/' | '\\' | ':' | ';' | '|' => 278.0,
        'f' | 'r' | '(' | ')' | '[' | ']' | '-' | '!' | '\'' | 'I' => 333.0,
        's' | 'J' => 389.0,
        '"' => 408.0,
        'a' | 'c' | 'e' | 'z' | '?' => 444.0,
        'F' | 'P' | 'S' => 556.0,
        '+' | '<' | '=' | '>' | '×' | '≥' | '≤' => 564.0,
        'E' | 'L' | 'T' | 'Z' => 611.0,
        'B' | 'C' | 'R' => 667.0,
        'w' => 722.0,
        'm' | '&' => 778.0,
        '%' => 833.0,
        'M' => 889.0,
        'W' | '@' => 944.0,
        '—' | '…' => 1000.0,
        c if c.is_ascii_digit() || c.is_ascii_lowercase() || c == '_' || c == '*' => 500.0,
        c if c.is_ascii_uppercase() => 722.0,
        _ => 722.0,
    };
    // ơ, ư and their capitals carry a horn past the letter.
    let horn = if horn { 60.0 } else { 0.0 };
    (thousandths + horn) / 500.0
}

/// The unaccented letter of a Vietnamese letter (the same advance in Times New Roman), and
/// whether it has a horn.
fn base_letter(c: char) -> (char, bool) {
    if c.is_ascii() {
        return (c, false);
    }
    const GROUPS: [(char, bool, &str); 18] = [
        ('a', false, "àáảãạăằắẳẵặâầấẩẫậ"),
        ('A', false, "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ"),
        ('e', false, "èéẻẽẹêềếểễệ"),
        ('E', false, "ÈÉẺẼẸÊỀẾỂỄỆ"),
        ('i', false, "ìíỉĩị"),
        ('I', false, "ÌÍỈĨỊ"),
        ('o', false, "òóỏõọôồốổỗộ"),
        ('O', false, "ÒÓỎÕỌÔỒỐỔỖỘ"),
        ('o', true, "ơờớởỡợ"),
        ('O', true, "ƠỜỚỞỠỢ"),
        ('u', false, "ùúủũụ"),
        ('U', false, "ÙÚỦŨỤ"),
        ('u', true, "ưừứửữự"),
        ('U', true, "ƯỪỨỬỮỰ"),
        ('y', false, "ỳýỷỹỵ"),
        ('Y', false, "ỲÝỶỸỴ"),
        ('d', false, "đ"),
        ('D', false, "Đ"),
    ];
    GROUPS
        .iter()
        .find(|(_, _, letters)| letters.contains(c))
        .map_or((c, false), |(base, horn, _)| (*base, *horn))
}
