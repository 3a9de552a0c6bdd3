//! Spreadsheets as exports arrive: `.xlsx`, `.xlsm`, `.xls` and `.ods`, read with calamine.

use std::io::Cursor;
use std::panic::{catch_unwind, AssertUnwindSafe};

use calamine::{open_workbook_auto_from_rs, Data, DataRef, Reader, Sheets};

use super::cells::Cell;
use crate::date::Date;
use crate::error::Diagnostic;

/// The file extensions read as workbooks.
pub(crate) const WORKBOOK_EXTENSIONS: [&str; 4] = ["xlsx", "xlsm", "xls", "ods"];

/// At most this many cells (the rows × columns of a sheet's used range) are read from one sheet.
/// calamine allocates the whole rectangle between the first and the last cell: one stray cell at
/// XFD1048576 would ask for hundreds of gigabytes and abort the process.
const MAX_SHEET_CELLS: u64 = 20_000_000;

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
        let fail = |e: String| {
            Box::new(
                Diagnostic::new(path, format!("cannot read the workbook: {e}"))
                    .expected("an .xlsx, .xls or .ods file"),
            )
        };
        // calamine may panic on a malformed file (an overflowing cell reference, …): that is a
        // bad file, not a crash.
        catch_unwind(AssertUnwindSafe(|| {
            open_workbook_auto_from_rs(Cursor::new(bytes))
        }))
        .map_err(|_| fail("the file is malformed".to_owned()))?
        .map(|sheets| Workbook { sheets })
        .map_err(|e| fail(e.to_string()))
    }

    pub fn sheet_names(&self) -> Vec<String> {
        self.sheets.sheet_names()
    }

    /// The sheet's rows; the first non-empty row is the header.
    pub fn grid(&mut self, path: &std::path::Path, sheet: &str) -> Result<Grid, Box<Diagnostic>> {
        let fail = |message: String| {
            let mut d = Diagnostic::new(path, format!("cannot read sheet `{sheet}`: {message}"));
            d.sheet = Some(sheet.to_owned());
            Box::new(d)
        };
        let malformed = || fail("the sheet is malformed".to_owned());
        let used =
            catch_unwind(AssertUnwindSafe(|| self.used_range(sheet))).map_err(|_| malformed())?;
        if let Some((rows, columns)) = used {
            if rows.saturating_mul(columns) > MAX_SHEET_CELLS {
                return Err(Box::new(
                    fail(format!(
                        "its cells span {rows} rows × {columns} columns, more than the {MAX_SHEET_CELLS} cells read from one sheet"
                    ))
                    .hint("a cell far below or to the right of the table stretches the sheet: delete the stray cells, or export the table as CSV"),
                ));
            }
        }
        let range = catch_unwind(AssertUnwindSafe(|| self.sheets.worksheet_range(sheet)))
            .map_err(|_| malformed())?
            .map_err(|e| fail(e.to_string()))?;
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

impl Workbook {
    /// The rows and columns between the first and the last non-empty cell of an xlsx or xlsb
    /// sheet, read cell by cell without building the sheet; `None` for other formats, or when the
    /// cells cannot be read (then reading the sheet reports why).
    fn used_range(&mut self, sheet: &str) -> Option<(u64, u64)> {
        let mut bounds: Option<(u32, u32, u32, u32)> = None;
        let mut add = |(r, c): (u32, u32)| {
            let (r0, r1, c0, c1) = bounds.unwrap_or((r, r, c, c));
            bounds = Some((r0.min(r), r1.max(r), c0.min(c), c1.max(c)));
        };
        match &mut self.sheets {
            Sheets::Xlsx(book) => {
                let mut cells = book.worksheet_cells_reader(sheet).ok()?;
                while let Some(cell) = cells.next_cell().ok()? {
                    if !matches!(cell.get_value(), DataRef::Empty) {
                        add(cell.get_position());
                    }
                }
            }
            Sheets::Xlsb(book) => {
                let mut cells = book.worksheet_cells_reader(sheet).ok()?;
                while let Some(cell) = cells.next_cell().ok()? {
                    if !matches!(cell.get_value(), DataRef::Empty) {
                        add(cell.get_position());
                    }
                }
            }
            Sheets::Xls(_) | Sheets::Ods(_) => return None,
        }
        let (r0, r1, c0, c1) = bounds?;
        Some((u64::from(r1 - r0) + 1, u64::from(c1 - c0) + 1))
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
