//! Spreadsheets as exports arrive: `.xlsx`, `.xlsm`, `.xls` and `.ods`, read with calamine.

use std::io::Cursor;

use calamine::{open_workbook_auto_from_rs, Data, Reader, Sheets};

use super::cells::Cell;
use crate::date::Date;
use crate::error::Diagnostic;

/// The file extensions read as workbooks.
pub(crate) const WORKBOOK_EXTENSIONS: [&str; 4] = ["xlsx", "xlsm", "xls", "ods"];

/// An open workbook.
pub(crate) struct Workbook {
    sheets: Sheets<Cursor<Vec<u8>>>,
}

/// One sheet: its header row and data rows, with their row numbers in the sheet.
pub(crate) struct Grid {
    pub headers: Vec<String>,
    pub rows: Vec<(u64, Vec<Cell>)>,
}

impl Workbook {
    pub fn open(path: &std::path::Path, bytes: Vec<u8>) -> Result<Self, Box<Diagnostic>> {
        open_workbook_auto_from_rs(Cursor::new(bytes))
            .map(|sheets| Workbook { sheets })
            .map_err(|e| {
                Box::new(
                    Diagnostic::new(path, format!("cannot read the workbook: {e}"))
                        .expected("an .xlsx, .xls or .ods file"),
                )
            })
    }

    pub fn sheet_names(&self) -> Vec<String> {
        self.sheets.sheet_names()
    }

    /// The sheet's rows; the first non-empty row is the header.
    pub fn grid(&mut self, path: &std::path::Path, sheet: &str) -> Result<Grid, Box<Diagnostic>> {
        let range = self.sheets.worksheet_range(sheet).map_err(|e| {
            let mut d = Diagnostic::new(path, format!("cannot read sheet `{sheet}`: {e}"));
            d.sheet = Some(sheet.to_owned());
            Box::new(d)
        })?;
        let (first_row, _) = range.start().unwrap_or((0, 0));
        let mut rows = range
            .rows()
            .enumerate()
            .map(|(i, r)| (u64::from(first_row) + i as u64 + 1, r));
        let mut headers = Vec::new();
        for (_, row) in rows.by_ref() {
            if row.iter().any(|c| !matches!(c, Data::Empty)) {
                headers = row.iter().map(|c| cell(c).text()).collect();
                break;
            }
        }
        let rows = rows
            .filter(|(_, r)| r.iter().any(|c| !matches!(c, Data::Empty)))
            .map(|(line, r)| (line, r.iter().map(cell).collect()))
            .collect();
        Ok(Grid { headers, rows })
    }
}

/// A spreadsheet cell as the table reader sees it: text, a number (by its shortest decimal
/// form, exact for up to 15 digits), a date, or a boolean.
fn cell(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(i.to_string()),
        Data::Float(f) => Cell::Number(format!("{f}")),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => dt
            .as_datetime()
            .map(|d| Cell::Date(d.date()))
            .unwrap_or_else(|| Cell::Number(format!("{}", dt.as_f64()))),
        Data::DateTimeIso(s) => crate::date::parse_date(s)
            .map(Cell::Date)
            .unwrap_or_else(|| Cell::Text(s.clone())),
        Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}

/// An Excel serial day number (1900 date system) as a date.
pub(crate) fn excel_serial_date(serial: f64) -> Option<Date> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64;
    Date::from_ymd_opt(1899, 12, 30)?.checked_add_signed(chrono::Duration::days(days))
}
