//! The Word report sent to Sở Nội vụ (par-index.md §5), laid out as a Vietnamese administrative
//! document: the heading (issuing body, national motto, number and date left blank for the
//! officer), the title, then the three parts — I. the scoring table, II. the explanations,
//! III. difficulties and proposals — and the signature block. After the signature, on a page of
//! its own, the appendix of the points lost and how to restore them ([`table::gap_rows`]), and
//! last, in 9 pt, the replay fingerprint ([`table::fingerprint`]) that `parindex verify` checks.
//!
//! Times New Roman throughout, A4; the table sits in its own landscape section. The same report
//! gives the same bytes: paragraph ids are numbered here, the document's dates are the as-of
//! date, and the archive's entries carry the zip format's fixed default time (docx-rs writes
//! them with `zip` built without a clock).

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BorderType, Docx, LineSpacing, LineSpacingType, PageMargin, PageOrientationType,
    PageSize, Paragraph, ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Run, RunFonts,
    Section, Shading, SpecialIndentType, Table, TableCell, TableLayoutType, TableRow, VAlignType,
    WidthType,
};
use parindex_core::date::vi_date;
use parindex_core::num::{vi_decimal, vi_percent};
use parindex_core::report::{NodeKind, NodeScore};
use parindex_core::Report;

use crate::labels::{self, COLUMNS, FINGERPRINT_TITLE, GAP_COLUMNS, NO_GAPS};
use crate::table;
use crate::text::{self, unquoted};
use crate::{RenderError, RenderOptions};

const FONT: &str = "Times New Roman";

/// Font sizes, in half-points.
const BODY: usize = 28;
const HEADING: usize = 26;
const MOTTO: usize = 24;
const CELL: usize = 20;
const SMALL: usize = 22;
/// The fingerprint's 9 pt.
const TINY: usize = 18;

/// The hashes of the fingerprint, in a typewriter face so that digits line up.
const MONO: &str = "Courier New";

/// A4, in twentieths of a point.
const A4_SHORT: u32 = 11906;
const A4_LONG: u32 = 16838;

/// Portrait margins as the administrative format asks (top/bottom 20 mm, left 30 mm, right
/// 15 mm) and the width left for text.
const PORTRAIT_TEXT: usize = 11906 - 1701 - 851;
/// Landscape margins of 15 mm all round and the width left for the table.
const LANDSCAPE_TEXT: usize = 16838 - 851 - 851;

/// Widths of the scoring table's columns, in the order of [`COLUMNS`]; they add up to
/// [`LANDSCAPE_TEXT`].
const COLUMN_WIDTHS: [usize; 9] = [760, 3300, 760, 1500, 1300, 2800, 2896, 900, 920];

/// Widths of the appendix's columns, in the order of [`GAP_COLUMNS`]; they add up to
/// [`PORTRAIT_TEXT`].
const GAP_WIDTHS: [usize; 6] = [760, 2900, 860, 1000, 860, 2974];

/// The appendix's heading.
const GAPS_HEADING: &str = "PHỤ LỤC: ĐIỂM BỊ MẤT VÀ CÁCH KHÔI PHỤC";

/// Where the officer writes by hand.
const BLANK: &str = "……";

/// The Word report: heading, title, the three parts of §5 and the signature block.
pub fn render_docx(report: &Report, options: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    let mut b = Builder::default();
    let fonts = RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .east_asia(FONT)
        .cs(FONT);
    // Core properties carry the as-of date: never the clock.
    let stamp = format!("{}T00:00:00Z", report.as_of.format("%Y-%m-%d"));

    let mut front = Section::new()
        .page_size(PageSize::new().size(A4_SHORT, A4_LONG))
        .page_margin(portrait_margin())
        .add_table(b.heading_table(report));
    for p in b.title_and_intro(report) {
        front = front.add_paragraph(p);
    }

    let part_one = Section::new()
        .page_size(PageSize::new().size(A4_LONG, A4_SHORT))
        .page_orient(PageOrientationType::Landscape)
        .page_margin(landscape_margin())
        .add_paragraph(b.part_heading(&labels::PART_ONE.to_uppercase()))
        .add_table(b.scoring_table(report))
        .add_paragraph(b.para(
            "Ghi chú: điểm của lĩnh vực, tiêu chí có tiêu chí con ghi kèm chỉ số (%) trên điểm \
             tối đa áp dụng; “—”: chưa chấm (chờ kết quả điều tra xã hội học) hoặc không phát sinh.",
            Look::body().size(CELL).italic(),
        ));

    let mut docx = Docx::new()
        .default_fonts(fonts)
        .default_size(BODY)
        .default_line_spacing(
            LineSpacing::new()
                .before(0)
                .after(0)
                .line(240)
                .line_rule(LineSpacingType::Auto),
        )
        .page_size(A4_SHORT, A4_LONG)
        .page_margin(portrait_margin())
        .created_at(&stamp)
        .updated_at(&stamp)
        .add_section(front)
        .add_section(part_one);
    for p in b.explanations(report) {
        docx = docx.add_paragraph(p);
    }
    for p in b.proposals(options) {
        docx = docx.add_paragraph(p);
    }
    docx = docx.add_paragraph(b.empty()).add_table(b.signature_table());
    let (heading, gaps) = b.gaps(report);
    docx = docx.add_paragraph(heading);
    if let Some(t) = gaps {
        docx = docx.add_table(t);
    }
    for p in b.gaps_total(report) {
        docx = docx.add_paragraph(p);
    }
    for p in b.fingerprint(report) {
        docx = docx.add_paragraph(p);
    }

    let mut out = Cursor::new(Vec::new());
    docx.build()
        .pack(&mut out)
        .map_err(|e| RenderError::Write(e.to_string()))?;
    Ok(out.into_inner())
}

fn portrait_margin() -> PageMargin {
    PageMargin::new()
        .top(1134)
        .bottom(1134)
        .left(1701)
        .right(851)
        .header(720)
        .footer(720)
        .gutter(0)
}

fn landscape_margin() -> PageMargin {
    PageMargin::new()
        .top(851)
        .bottom(851)
        .left(851)
        .right(851)
        .header(567)
        .footer(567)
        .gutter(0)
}

/// How a paragraph looks.
#[derive(Clone, Copy)]
struct Look {
    size: usize,
    bold: bool,
    italic: bool,
    align: AlignmentType,
    before: u32,
    after: u32,
    first_line: i32,
}

impl Look {
    /// Body text: justified, first line indented, 6 pt after.
    fn body() -> Self {
        Look {
            size: BODY,
            bold: false,
            italic: false,
            align: AlignmentType::Both,
            before: 0,
            after: 120,
            first_line: 0,
        }
    }

    fn centered(size: usize) -> Self {
        Look {
            size,
            align: AlignmentType::Center,
            after: 0,
            ..Look::body()
        }
    }

    fn cell(align: AlignmentType) -> Self {
        Look {
            size: CELL,
            align,
            before: 30,
            after: 30,
            ..Look::body()
        }
    }

    fn size(self, size: usize) -> Self {
        Look { size, ..self }
    }

    fn bold(self) -> Self {
        Look { bold: true, ..self }
    }

    fn bold_if(self, yes: bool) -> Self {
        Look { bold: yes, ..self }
    }

    fn italic(self) -> Self {
        Look {
            italic: true,
            ..self
        }
    }

    fn indent(self) -> Self {
        Look {
            first_line: 567,
            ..self
        }
    }

    fn space(self, before: u32, after: u32) -> Self {
        Look {
            before,
            after,
            ..self
        }
    }
}

/// Builds paragraphs with ids numbered from a fixed start, so that the document does not depend
/// on docx-rs's per-thread id counter.
#[derive(Default)]
struct Builder {
    next_id: u32,
}

impl Builder {
    fn paragraph(&mut self) -> Paragraph {
        self.next_id += 1;
        // Kept clear of the low ids docx-rs gives section-break paragraphs while building.
        Paragraph::new().id(format!("{:08X}", 0x1000_0000 + self.next_id))
    }

    fn styled(&mut self, look: Look) -> Paragraph {
        let mut p = self
            .paragraph()
            .align(look.align)
            .size(look.size)
            .line_spacing(
                LineSpacing::new()
                    .before(look.before)
                    .after(look.after)
                    .line(240)
                    .line_rule(LineSpacingType::Auto),
            );
        if look.first_line != 0 {
            p = p.indent(
                None,
                Some(SpecialIndentType::FirstLine(look.first_line)),
                None,
                None,
            );
        }
        p
    }

    /// One paragraph of text in one look.
    fn para(&mut self, text: &str, look: Look) -> Paragraph {
        self.styled(look).add_run(run(text, look))
    }

    fn empty(&mut self) -> Paragraph {
        self.styled(Look::body().space(0, 0))
    }

    /// A short rule under a heading line, `width` twips long, centred in `span` twips.
    fn rule(&mut self, span: usize, width: usize) -> Paragraph {
        let side = i32::try_from(span.saturating_sub(width) / 2).unwrap_or(0);
        let mut p = self
            .paragraph()
            .size(4)
            .line_spacing(
                LineSpacing::new()
                    .before(0)
                    .after(0)
                    .line(60)
                    .line_rule(LineSpacingType::Exact),
            )
            .indent(Some(side), None, Some(side), None);
        p.property = p.property.set_borders(
            ParagraphBorders::with_empty().set(
                ParagraphBorder::new(ParagraphBorderPosition::Bottom)
                    .val(BorderType::Single)
                    .size(6)
                    .space(1)
                    .color("000000"),
            ),
        );
        p
    }

    fn part_heading(&mut self, text: &str) -> Paragraph {
        self.para(text, Look::body().bold().space(120, 120))
            .keep_next(true)
    }

    /// The issuing body on the left, the national motto on the right; the number and the date
    /// are left for the officer.
    fn heading_table(&mut self, report: &Report) -> Table {
        // A little wider than the text, 5 mm into each margin, so that the motto keeps to a line.
        const LEFT: usize = 4100;
        const RIGHT: usize = PORTRAIT_TEXT + 2 * 284 - LEFT;
        let c = Look::centered(HEADING);
        let authority = format!("UBND TỈNH {}", report.criteria.province.to_uppercase());
        let body = report.unit.name.to_uppercase();
        let number = format!("Số: {BLANK}/BC-{}", report.unit.code);
        let place = format!(
            "{}, ngày {BLANK} tháng {BLANK} năm {}",
            report.criteria.province,
            report.as_of.format("%Y")
        );
        let top = TableRow::new(vec![
            borderless_cell(LEFT)
                .add_paragraph(self.para(&authority, c.size(MOTTO)))
                .add_paragraph(self.para(&body, c.size(MOTTO).bold()))
                .add_paragraph(self.rule(LEFT, 1300)),
            borderless_cell(RIGHT)
                .add_paragraph(self.para(&labels::NATION.to_uppercase(), c.size(MOTTO).bold()))
                .add_paragraph(self.para(labels::MOTTO, c.bold()))
                .add_paragraph(self.rule(RIGHT, 3200)),
        ]);
        let bottom = TableRow::new(vec![
            borderless_cell(LEFT).add_paragraph(self.para(&number, c.space(120, 0))),
            borderless_cell(RIGHT).add_paragraph(self.para(&place, c.italic().space(120, 0))),
        ]);
        borderless_table(vec![top, bottom], &[LEFT, RIGHT]).indent(-284)
    }

    /// The title, the addressee and the summary of the result.
    fn title_and_intro(&mut self, report: &Report) -> Vec<Paragraph> {
        let mut out = vec![
            self.para("BÁO CÁO", Look::centered(BODY).bold().space(360, 0)),
            self.para(
                &format!("{} {}", labels::REPORT_TITLE, report.criteria.year),
                Look::centered(BODY).bold(),
            ),
            self.rule(PORTRAIT_TEXT, 1800),
            self.para(
                &format!("Kính gửi: Sở Nội vụ tỉnh {}", report.criteria.province),
                Look::centered(BODY).space(240, 240),
            ),
            self.para(
                &format!(
                    "Căn cứ {}, {} đã tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm {} \
                     của đơn vị với số liệu tính đến ngày {}. Kết quả như sau:",
                    report.criteria.title,
                    report.unit.name,
                    report.criteria.year,
                    vi_date(report.as_of)
                ),
                Look::body().indent(),
            ),
            self.para(
                &format!("- {}.", table::self_text(report)),
                Look::body().indent(),
            ),
            self.para(
                &format!("- {}.", table::total_text(report)),
                Look::body().indent(),
            ),
        ];
        if let Some(pending) = report.pending_survey() {
            out.push(self.para(
                &format!(
                    "- Các tiêu chí đánh giá qua điều tra xã hội học ({}) chờ kết quả của \
                     Sở Nội vụ.",
                    pending.describe()
                ),
                Look::body().indent(),
            ));
        }
        let explain = table::needing_explanation(report).len();
        if explain > 0 {
            out.push(self.para(
                &format!("- Số tiêu chí cần giải trình: {explain} (chi tiết tại mục II)."),
                Look::body().indent(),
            ));
        }
        out.push(self.para(
            "Chi tiết kết quả tự đánh giá, chấm điểm tại mục I; giải trình tại mục II; khó khăn, \
             vướng mắc và kiến nghị tại mục III của Báo cáo này.",
            Look::body().indent(),
        ));
        out
    }

    /// A table's header row: the titles, bold and centred on grey, at their widths.
    fn header(&mut self, titles: &[&str], widths: &[usize]) -> TableRow {
        TableRow::new(
            titles
                .iter()
                .zip(widths)
                .map(|(title, &width)| {
                    grid_cell(width)
                        .shading(Shading::new().fill("D9D9D9"))
                        .vertical_align(VAlignType::Center)
                        .add_paragraph(self.para(title, Look::cell(AlignmentType::Center).bold()))
                })
                .collect(),
        )
        .cant_split()
    }

    /// Part I: the columns of the field, one row per node, then the total.
    fn scoring_table(&mut self, report: &Report) -> Table {
        let mut rows = vec![self.header(&COLUMNS, &COLUMN_WIDTHS)];
        for row in table::rows(report) {
            let bold = row.kind == NodeKind::Field;
            let points = if row.is_leaf {
                row.points
                    .map_or_else(|| labels::NONE.to_owned(), vi_decimal)
            } else {
                let points = row
                    .points
                    .map_or_else(|| labels::NONE.to_owned(), vi_decimal);
                match row.index {
                    Some(i) => format!("{points} ({}%)", vi_percent(i)),
                    None => points,
                }
            };
            let cells = vec![
                self.text_cell(0, &row.stt, AlignmentType::Center, bold),
                self.text_cell(1, &row.title, AlignmentType::Left, bold),
                self.text_cell(2, &vi_decimal(row.max), AlignmentType::Center, bold),
                self.text_cell(3, &row.measure, AlignmentType::Center, false),
                self.text_cell(4, &points, AlignmentType::Center, bold),
                self.lines_cell(5, &row.evidence),
                self.text_cell(6, &row.note, AlignmentType::Left, false),
                self.text_cell(
                    7,
                    &row.appraised.map(vi_decimal).unwrap_or_default(),
                    AlignmentType::Center,
                    false,
                ),
                self.text_cell(8, &row.appraisal_note, AlignmentType::Left, false),
            ];
            rows.push(TableRow::new(cells));
        }
        let t = &report.total;
        let total_points = match t.index {
            Some(i) => format!("{} ({}%)", vi_decimal(t.points), vi_percent(i)),
            None => vi_decimal(t.points),
        };
        rows.push(
            TableRow::new(vec![
                self.text_cell(0, "", AlignmentType::Center, true),
                self.text_cell(1, labels::TOTAL, AlignmentType::Left, true),
                self.text_cell(2, &vi_decimal(t.max), AlignmentType::Center, true),
                self.text_cell(3, "", AlignmentType::Center, false),
                self.text_cell(4, &total_points, AlignmentType::Center, true),
                self.text_cell(5, "", AlignmentType::Left, false),
                self.text_cell(6, &table::total_text(report), AlignmentType::Left, true),
                self.text_cell(7, "", AlignmentType::Center, false),
                self.text_cell(8, "", AlignmentType::Left, false),
            ])
            .cant_split(),
        );
        Table::new(rows)
            .set_grid(COLUMN_WIDTHS.to_vec())
            .layout(TableLayoutType::Fixed)
            .width(LANDSCAPE_TEXT, WidthType::Dxa)
    }

    fn text_cell(
        &mut self,
        column: usize,
        text: &str,
        align: AlignmentType,
        bold: bool,
    ) -> TableCell {
        let width = COLUMN_WIDTHS.get(column).copied().unwrap_or(1000);
        grid_cell(width).add_paragraph(self.para(text, Look::cell(align).bold_if(bold)))
    }

    fn lines_cell(&mut self, column: usize, lines: &[String]) -> TableCell {
        let width = COLUMN_WIDTHS.get(column).copied().unwrap_or(1000);
        let mut cell = grid_cell(width);
        if lines.is_empty() {
            return cell.add_paragraph(self.para("", Look::cell(AlignmentType::Left)));
        }
        for line in lines {
            cell = cell.add_paragraph(self.para(line, Look::cell(AlignmentType::Left)));
        }
        cell
    }

    /// Part II: every row without evidence or in error, with a place for the unit's words.
    fn explanations(&mut self, report: &Report) -> Vec<Paragraph> {
        let mut out = vec![self.part_heading(&labels::PART_TWO.to_uppercase())];
        let nodes = table::needing_explanation(report);
        if nodes.is_empty() {
            out.push(self.para(
                "Tất cả các tiêu chí, tiêu chí thành phần tự đánh giá đều có tài liệu kiểm chứng; \
                 đơn vị không có nội dung cần giải trình.",
                Look::body().indent(),
            ));
            return out;
        }
        out.push(self.para(
            "Các tiêu chí, tiêu chí thành phần chưa có tài liệu kiểm chứng hoặc chưa chấm được \
             điểm, đơn vị giải trình như sau:",
            Look::body().indent(),
        ));
        for (i, node) in nodes.iter().enumerate() {
            out.push(
                self.para(
                    &format!(
                        "{}. {} {}: {}",
                        i + 1,
                        labels::kind(node.kind),
                        node.id,
                        node.title
                    ),
                    Look::body().indent().bold().space(60, 60),
                )
                .keep_next(true),
            );
            out.push(self.para(
                &format!(
                    "- {}: {} (điểm tối đa {}, điểm tự đánh giá {}).",
                    labels::STATUS,
                    node.status.vi(),
                    vi_decimal(node.max),
                    vi_decimal(node.points)
                ),
                Look::body().indent(),
            ));
            out.push(self.para(&format!("- Lý do: {}", reason(node)), Look::body().indent()));
            if let Some(d) = &node.declared {
                out.push(self.para(
                    &format!(
                        "- Điểm đơn vị đề nghị: {} (điểm tính từ minh chứng {}). Lý do: {}",
                        vi_decimal(d.points),
                        vi_decimal(node.points),
                        d.reason
                    ),
                    Look::body().indent(),
                ));
            }
            out.push(self.para(
                &format!(
                    "- {}: {}",
                    labels::UNIT_EXPLANATION,
                    table::giai_trinh(node).unwrap_or(BLANK)
                ),
                Look::body().indent(),
            ));
        }
        out
    }

    /// Part III: the officer's text, a paragraph per block separated by blank lines.
    fn proposals(&mut self, options: &RenderOptions) -> Vec<Paragraph> {
        let mut out = vec![self.part_heading(&labels::PART_THREE.to_uppercase())];
        let blocks = options
            .proposals
            .as_deref()
            .map(paragraphs)
            .unwrap_or_default();
        if blocks.is_empty() {
            out.push(self.para(BLANK, Look::body().indent()));
            return out;
        }
        for lines in blocks {
            let look = Look::body().indent();
            let mut p = self.styled(look);
            for (i, line) in lines.iter().enumerate() {
                let mut r = run(line, look);
                if i > 0 {
                    r = Run::new()
                        .size(look.size)
                        .add_break(docx_rs::BreakType::TextWrapping)
                        .add_text(text::printable(line));
                }
                p = p.add_run(r);
            }
            out.push(p);
        }
        out
    }

    /// The appendix after the signature, on a new page: its heading, and the table of the rows
    /// that lost points (none when no row did).
    fn gaps(&mut self, report: &Report) -> (Paragraph, Option<Table>) {
        let heading = self
            .para(GAPS_HEADING, Look::centered(BODY).bold().space(0, 240))
            .page_break_before(true)
            .keep_next(true);
        let rows = table::gap_rows(report);
        if rows.is_empty() {
            return (heading, None);
        }
        let mut out = vec![self.header(&GAP_COLUMNS, &GAP_WIDTHS)];
        for r in rows {
            let cells = [
                (r.stt, AlignmentType::Center),
                (r.title, AlignmentType::Left),
                (vi_decimal(r.max), AlignmentType::Center),
                (vi_decimal(r.points), AlignmentType::Center),
                (vi_decimal(r.lost), AlignmentType::Center),
                (unquoted(&r.restore).into_owned(), AlignmentType::Left),
            ]
            .into_iter()
            .zip(GAP_WIDTHS)
            .map(|((text, align), width)| {
                grid_cell(width).add_paragraph(self.para(&text, Look::cell(align)))
            })
            .collect();
            out.push(TableRow::new(cells).cant_split());
        }
        let table = Table::new(out)
            .set_grid(GAP_WIDTHS.to_vec())
            .layout(TableLayoutType::Fixed)
            .width(GAP_WIDTHS.iter().sum(), WidthType::Dxa);
        (heading, Some(table))
    }

    /// The appendix's last line: the points lost in all, or that none were.
    fn gaps_total(&mut self, report: &Report) -> Vec<Paragraph> {
        if table::gap_rows(report).is_empty() {
            return vec![self.para(NO_GAPS, Look::body().indent())];
        }
        vec![self.para(
            &table::gaps_total_text(report),
            Look::body().bold().space(120, 120),
        )]
    }

    /// The replay fingerprint in 9 pt, the hashes in a typewriter face, kept on one page.
    fn fingerprint(&mut self, report: &Report) -> Vec<Paragraph> {
        let look = Look {
            size: TINY,
            align: AlignmentType::Left,
            after: 0,
            ..Look::body()
        };
        let lines = table::fingerprint(report);
        let mut out = vec![self
            .para(FINGERPRINT_TITLE, look.bold().italic().space(360, 60))
            .keep_next(true)];
        let count = lines.len();
        for (i, line) in lines.into_iter().enumerate() {
            let mut p = self.styled(look).keep_next(i + 1 < count);
            match line.sha256 {
                Some(h) => {
                    p = p
                        .add_run(run(&format!("{}: ", line.label), look))
                        .add_run(run(&h, look).fonts(mono()));
                }
                None => p = p.add_run(run(&line.label, look)),
            }
            out.push(p);
        }
        out
    }

    /// Who receives a copy on the left, the head of the unit on the right.
    fn signature_table(&mut self) -> Table {
        const LEFT: usize = 4300;
        const RIGHT: usize = PORTRAIT_TEXT - LEFT;
        let left = Look {
            align: AlignmentType::Left,
            after: 0,
            ..Look::body()
        };
        let mut right = borderless_cell(RIGHT)
            .add_paragraph(self.para("GIÁM ĐỐC", Look::centered(BODY).bold()));
        for _ in 0..5 {
            right = right.add_paragraph(self.para("", Look::centered(BODY)));
        }
        let row = TableRow::new(vec![
            borderless_cell(LEFT)
                .add_paragraph(self.para(labels::RECIPIENTS, left.size(MOTTO).bold().italic()))
                .add_paragraph(self.para("- Như trên;", left.size(SMALL)))
                .add_paragraph(self.para(labels::FILED, left.size(SMALL))),
            right,
        ])
        .cant_split();
        borderless_table(vec![row], &[LEFT, RIGHT])
    }
}

/// A run of text, without the characters XML refuses ([`text::printable`]); a line feed is a
/// line break (docx-rs's `add_text` drops it, which glued `0 điểm` to `Giải trình:`). Every text
/// of the document goes through here or through the line runs of part III.
fn run(text: &str, look: Look) -> Run {
    let mut r = Run::new().size(look.size);
    for (i, line) in text::printable(text).split('\n').enumerate() {
        if i > 0 {
            r = r.add_break(docx_rs::BreakType::TextWrapping);
        }
        r = r.add_text(line);
    }
    if look.bold {
        r = r.bold();
    }
    if look.italic {
        r = r.italic();
    }
    r
}

fn mono() -> RunFonts {
    RunFonts::new()
        .ascii(MONO)
        .hi_ansi(MONO)
        .east_asia(MONO)
        .cs(MONO)
}

fn grid_cell(width: usize) -> TableCell {
    TableCell::new().width(width, WidthType::Dxa)
}

fn borderless_cell(width: usize) -> TableCell {
    grid_cell(width).clear_all_border()
}

fn borderless_table(rows: Vec<TableRow>, widths: &[usize]) -> Table {
    Table::without_borders(rows)
        .set_grid(widths.to_vec())
        .layout(TableLayoutType::Fixed)
        .width(widths.iter().sum(), WidthType::Dxa)
}

/// The engine's reason for a row needing an explanation.
fn reason(node: &NodeScore) -> String {
    let text = if !node.explanation.trim().is_empty() {
        &node.explanation
    } else {
        node.error.as_deref().unwrap_or(BLANK)
    };
    unquoted(text).into_owned()
}

/// The officer's text as paragraphs (separated by blank lines), each a list of its lines.
fn paragraphs(text: &str) -> Vec<Vec<&str>> {
    let mut out: Vec<Vec<&str>> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}
