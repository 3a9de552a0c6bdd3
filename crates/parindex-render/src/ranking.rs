//! The province's ranking as an Excel sheet per peer group.

use chrono::Datelike;
use parindex_core::rank::{RankEntry, Ranking};
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, XlsxError,
};

use crate::labels;
use crate::xlsx::write_text;
use crate::RenderError;

const HEADERS: [&str; 9] = [
    labels::RANK,
    "Mã đơn vị",
    labels::UNIT,
    labels::SELF_SHORT,
    labels::APPRAISED_SHORT,
    labels::SURVEY_SHORT,
    labels::TOTAL_POINTS,
    "Chỉ số (%)",
    labels::RATING,
];

/// One sheet per peer group, best first; numbers as numbers.
pub fn render_ranking_xlsx(ranking: &Ranking) -> Result<Vec<u8>, RenderError> {
    build(ranking).map_err(|e| RenderError::Write(e.to_string()))
}

fn number(d: Decimal) -> f64 {
    // Points and indices have at most 2 decimals: their shortest f64 shows them exactly.
    d.normalize().to_string().parse().unwrap_or(0.0)
}

fn build(ranking: &Ranking) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    // Never the clock: the file's creation time is the ranking's as-of date.
    let date = parindex_core::date::parse_date(&ranking.as_of).unwrap_or_default();
    let created = ExcelDateTime::from_ymd(
        u16::try_from(date.year()).unwrap_or(2000),
        u8::try_from(date.month()).unwrap_or(1),
        u8::try_from(date.day()).unwrap_or(1),
    )?;
    book.set_properties(
        &DocProperties::new()
            .set_title(labels::RANKING_TITLE)
            .set_creation_datetime(&created),
    );
    let font = |f: Format| f.set_font_name("Times New Roman").set_font_size(12);
    let header = font(Format::new())
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    let text = font(Format::new()).set_border(FormatBorder::Thin);
    let points = font(Format::new())
        .set_border(FormatBorder::Thin)
        .set_num_format("0.00");
    let title = font(Format::new()).set_bold().set_font_size(14);
    for group in &ranking.groups {
        let sheet = book.add_worksheet();
        // Sheet names are at most 31 characters.
        let name: String = crate::text::printable(&format!("{} {}", labels::GROUP, group.group))
            .chars()
            .take(31)
            .collect();
        sheet.set_name(name)?;
        write_text(
            sheet,
            0,
            0,
            &format!("XẾP HẠNG CHỈ SỐ CCHC — NHÓM {}", group.group.to_uppercase()),
            &title,
        )?;
        for (c, h) in HEADERS.iter().enumerate() {
            sheet.write_string_with_format(2, c as u16, *h, &header)?;
        }
        for (i, e) in group.entries.iter().enumerate() {
            write_entry(sheet, 3 + i as u32, e, &text, &points)?;
        }
        sheet.set_column_width(0, 8)?;
        sheet.set_column_width(1, 12)?;
        sheet.set_column_width(2, 40)?;
        for c in 3..=7 {
            sheet.set_column_width(c, 13)?;
        }
        sheet.set_column_width(8, 12)?;
        sheet.set_freeze_panes(3, 0)?;
        sheet.set_landscape();
        sheet.set_paper_size(9);
    }
    if ranking.groups.is_empty() {
        book.add_worksheet().set_name("Xếp hạng")?;
    }
    book.save_to_buffer()
}

fn write_entry(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    e: &RankEntry,
    text: &Format,
    points: &Format,
) -> Result<(), XlsxError> {
    write_text(sheet, row, 0, &labels::rank(e.rank, e.tied), text)?;
    // Codes and names come from the province's files: written as the annex writes text.
    write_text(sheet, row, 1, &e.code, text)?;
    write_text(sheet, row, 2, &e.name, text)?;
    sheet.write_number_with_format(row, 3, number(e.self_assessed), points)?;
    match e.appraised {
        Some(a) => sheet.write_number_with_format(row, 4, number(a), points)?,
        None => sheet.write_string_with_format(row, 4, labels::NONE, text)?,
    };
    sheet.write_number_with_format(row, 5, number(e.survey), points)?;
    sheet.write_number_with_format(row, 6, number(e.total), points)?;
    match e.index {
        Some(i) => sheet.write_number_with_format(row, 7, number(i), points)?,
        None => sheet.write_string_with_format(row, 7, labels::NONE, text)?,
    };
    write_text(
        sheet,
        row,
        8,
        e.rating.as_deref().unwrap_or(labels::NONE),
        text,
    )?;
    Ok(())
}
