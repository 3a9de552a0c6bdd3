//! Spreadsheets as exports arrive: `.xlsx`, `.xlsm`, `.xls` and `.ods`, read with calamine.

use std::io::{self, BufRead, Cursor, Read};
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
                Diagnostic::new(path, format!("không đọc được tệp bảng tính: {e}"))
                    .expected("tệp .xlsx, .xls hoặc .ods")
                    .hint("mở tệp bằng Excel rồi lưu lại, hoặc xuất bảng ra CSV UTF-8"),
            )
        };
        if let Err(refusal) = inspect_zip(&bytes, &ZIP_LIMITS) {
            return Err(Box::new(refusal.diagnostic(path)));
        }
        // calamine may panic on a malformed file (an overflowing cell reference, …): that is a
        // bad file, not a crash.
        catch_unwind(AssertUnwindSafe(|| {
            open_workbook_auto_from_rs(Cursor::new(bytes))
        }))
        .map_err(|_| fail("tệp bị hỏng".to_owned()))?
        .map(|sheets| Workbook { sheets })
        .map_err(|e| fail(e.to_string()))
    }

    pub fn sheet_names(&self) -> Vec<String> {
        self.sheets.sheet_names()
    }

    /// The sheet's rows; the first non-empty row is the header.
    pub fn grid(&mut self, path: &std::path::Path, sheet: &str) -> Result<Grid, Box<Diagnostic>> {
        let fail = |message: String| {
            let mut d = Diagnostic::new(
                path,
                format!("không đọc được trang tính `{sheet}`: {message}"),
            );
            d.sheet = Some(sheet.to_owned());
            Box::new(d)
        };
        let malformed = || fail("trang tính bị hỏng".to_owned());
        let used =
            catch_unwind(AssertUnwindSafe(|| self.used_range(sheet))).map_err(|_| malformed())?;
        if let Some((rows, columns)) = used {
            if rows.saturating_mul(columns) > MAX_SHEET_CELLS {
                return Err(Box::new(
                    fail(format!(
                        "vùng ô trải trên {rows} dòng × {columns} cột, vượt quá {MAX_SHEET_CELLS} ô đọc được từ một trang tính"
                    ))
                    .hint("một ô nằm xa bên dưới hoặc bên phải bảng làm trang tính rộng ra: xóa các ô thừa đó, hoặc xuất bảng ra CSV"),
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

/// What a zip workbook (`.xlsx`, `.xlsm`, `.ods`) may hold, checked before calamine opens it:
/// calamine inflates parts as it reads them and reserves memory from counts the file declares,
/// so a few megabytes can ask for gigabytes (a zip bomb) and abort the process.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ZipLimits {
    /// Entries in the archive: a real workbook has a few dozen.
    pub entries: usize,
    /// Bytes all entries inflate to together, counted while inflating (the sizes a zip declares
    /// can lie). 1 GiB holds the XML of a sheet of Excel's 1,048,576 rows of a wide table.
    pub inflated: u64,
}

pub(crate) const ZIP_LIMITS: ZipLimits = ZipLimits {
    entries: 10_000,
    inflated: 1 << 30,
};

/// Excel's largest row and column numbers (1-based). calamine keeps positions in `u32`: a row
/// `r="4294967297"` would wrap to row 1, so anything beyond Excel's sheet is refused.
const MAX_ROW: u64 = 1_048_576;
const MAX_COLUMN: u64 = 16_384;

/// Shared strings a workbook may declare beyond those it holds: calamine reserves room for the
/// declared `uniqueCount` before reading one.
const SHARED_STRINGS_SLACK: u64 = 1_024;

/// Why a zip workbook is refused before it is read.
#[derive(Debug)]
enum Refusal {
    Entries(usize),
    Inflated { entry: String },
    Row { entry: String, row: u64 },
    Column { entry: String, column: u64 },
    SharedStrings { declared: u64, held: u64 },
    OdsCells { entry: String, cells: u64 },
}

impl Refusal {
    fn diagnostic(&self, path: &std::path::Path) -> Diagnostic {
        let bomb = "tệp có thể đã bị làm hỏng hoặc cố ý tạo ra để làm cạn bộ nhớ (bom zip)";
        let (message, hint) = match self {
            Refusal::Entries(n) => (
                format!(
                    "tệp bảng tính có {n} phần nén, nhiều hơn giới hạn {} phần: {bomb}",
                    ZIP_LIMITS.entries
                ),
                "mở tệp bằng Excel hoặc LibreOffice và lưu lại, hoặc xuất bảng ra CSV",
            ),
            Refusal::Inflated { entry } => (
                format!(
                    "tệp bảng tính giải nén ra hơn {} (vượt giới hạn ở phần `{entry}`): {bomb}",
                    crate::files::byte_size(ZIP_LIMITS.inflated)
                ),
                "tách bảng thành nhiều tệp nhỏ hơn, hoặc xuất bảng ra CSV (tệp CSV được đọc \
                 từng phần, không giới hạn kích thước)",
            ),
            Refusal::Row { entry, row } => (
                format!(
                    "phần `{entry}` ghi số hàng {row}, vượt quá {MAX_ROW} hàng của một trang tính \
                     Excel"
                ),
                "mở tệp bằng Excel hoặc LibreOffice và lưu lại, hoặc xuất bảng ra CSV",
            ),
            Refusal::Column { entry, column } => (
                format!(
                    "phần `{entry}` ghi số cột {column}, vượt quá {MAX_COLUMN} cột của một trang \
                     tính Excel"
                ),
                "mở tệp bằng Excel hoặc LibreOffice và lưu lại, hoặc xuất bảng ra CSV",
            ),
            Refusal::SharedStrings { declared, held } => (
                format!(
                    "tệp bảng tính khai báo {declared} chuỗi dùng chung nhưng chỉ có {held}: {bomb}"
                ),
                "mở tệp bằng Excel hoặc LibreOffice và lưu lại, hoặc xuất bảng ra CSV",
            ),
            Refusal::OdsCells { entry, cells } => (
                format!(
                    "phần `{entry}` lặp lại ô thành {cells} ô trong một trang, nhiều hơn giới hạn \
                     {MAX_SHEET_CELLS} ô"
                ),
                "xoá các ô thừa ở xa bảng, hoặc xuất bảng ra CSV",
            ),
        };
        Diagnostic::new(path, message).hint(hint)
    }
}

/// Checks a zip workbook against `limits` by inflating every entry once through a counter and
/// scanning its XML tags; `Ok` too for bytes that are not a readable zip, which calamine then
/// reports. Memory stays small: text between tags is skipped, not held.
fn inspect_zip(bytes: &[u8], limits: &ZipLimits) -> Result<(), Refusal> {
    if !bytes.starts_with(b"PK") {
        return Ok(());
    }
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Ok(());
    };
    if archive.len() > limits.entries {
        return Err(Refusal::Entries(archive.len()));
    }
    let mut total: u64 = 0;
    let mut shared = (0u64, 0u64);
    for i in 0..archive.len() {
        // An entry that cannot be opened (unsupported method, password) is calamine's to report.
        let Ok(entry) = archive.by_index(i) else {
            continue;
        };
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        // What the entry declares first, for a quick refusal; then what it really inflates to
        // (the zip reader stops at the declared size, the count does not rely on it).
        if total.saturating_add(entry.size()) > limits.inflated {
            return Err(Refusal::Inflated { entry: name });
        }
        let budget = limits.inflated.saturating_sub(total);
        let mut input = io::BufReader::new(entry.take(budget.saturating_add(1)));
        let mut scan = Scan::new(&name);
        let found = scan.run(&mut input);
        total = total.saturating_add(scan.bytes);
        if total > limits.inflated {
            return Err(Refusal::Inflated { entry: name });
        }
        found?;
        shared.0 = shared.0.max(scan.declared_strings);
        shared.1 += scan.strings;
    }
    let (declared, held) = shared;
    if declared > held.saturating_add(SHARED_STRINGS_SLACK) {
        return Err(Refusal::SharedStrings { declared, held });
    }
    Ok(())
}

/// A streaming scan of one entry's XML tags: the cell positions of an xlsx sheet, the shared
/// string count, and the repeated rows and cells of an ods sheet. A lexical scan that sees every
/// tag calamine's parser would (comments, CDATA and processing instructions are skipped as
/// they are); on bytes that are not XML it finds nothing, and only counts them.
struct Scan<'a> {
    entry: &'a str,
    bytes: u64,
    declared_strings: u64,
    strings: u64,
    ods: OdsSheet,
}

/// The extent of the non-empty cells of the ods sheet being read, with repeats applied.
#[derive(Default)]
struct OdsSheet {
    row: u64,
    row_repeats: u64,
    column: u64,
    row_used: Option<(u64, u64)>,
    rows: Option<(u64, u64)>,
    columns: Option<(u64, u64)>,
}

impl<'a> Scan<'a> {
    fn new(entry: &'a str) -> Self {
        Scan {
            entry,
            bytes: 0,
            declared_strings: 0,
            strings: 0,
            ods: OdsSheet::default(),
        }
    }

    /// Reads `input` to its end (or to a read error, which calamine reports), counting bytes.
    fn run(&mut self, input: &mut impl BufRead) -> Result<(), Refusal> {
        let mut tag = Vec::new();
        loop {
            // Text: skipped up to the next `<`.
            loop {
                let Ok(chunk) = input.fill_buf() else {
                    return Ok(());
                };
                if chunk.is_empty() {
                    return Ok(());
                }
                let len = chunk.len();
                if let Some(at) = memchr::memchr(b'<', chunk) {
                    self.consume(input, at + 1);
                    break;
                }
                self.consume(input, len);
            }
            tag.clear();
            if !self.read_tag(input, &mut tag) {
                return Ok(());
            }
            self.tag(&tag)?;
        }
    }

    fn consume(&mut self, input: &mut impl BufRead, n: usize) {
        input.consume(n);
        self.bytes += n as u64;
    }

    fn next_byte(&mut self, input: &mut impl BufRead) -> Option<u8> {
        let b = *input.fill_buf().ok()?.first()?;
        self.consume(input, 1);
        Some(b)
    }

    /// Skips up to and including `end`; false at the end of the input.
    fn skip_past(&mut self, input: &mut impl BufRead, end: &[u8]) -> bool {
        let mut matched = 0;
        while let Some(b) = self.next_byte(input) {
            if b == end[matched] {
                matched += 1;
                if matched == end.len() {
                    return true;
                }
            } else {
                matched = usize::from(b == end[0]);
            }
        }
        false
    }

    /// The bytes of the tag after `<` up to its `>` (outside quotes), into `tag`; comments,
    /// CDATA, processing instructions and declarations are skipped and leave `tag` empty.
    fn read_tag(&mut self, input: &mut impl BufRead, tag: &mut Vec<u8>) -> bool {
        let mut quote = None;
        while let Some(b) = self.next_byte(input) {
            match (quote, b) {
                (None, b'>') => return true,
                (None, b'"' | b'\'') => quote = Some(b),
                (Some(q), _) if q == b => quote = None,
                _ => {}
            }
            tag.push(b);
            match tag.as_slice() {
                b"!--" => {
                    tag.clear();
                    return self.skip_past(input, b"-->");
                }
                b"![CDATA[" => {
                    tag.clear();
                    return self.skip_past(input, b"]]>");
                }
                b"?" => {
                    tag.clear();
                    return self.skip_past(input, b"?>");
                }
                _ => {}
            }
        }
        false
    }

    /// One tag: its name, whether it closes, and its attributes.
    fn tag(&mut self, tag: &[u8]) -> Result<(), Refusal> {
        let (closing, body) = match tag.strip_prefix(b"/") {
            Some(rest) => (true, rest),
            None => (false, tag),
        };
        let self_closing = body.ends_with(b"/");
        let name_end = body
            .iter()
            .position(|b| b.is_ascii_whitespace() || *b == b'/')
            .unwrap_or(body.len());
        let name = &body[..name_end];
        let local = local_name(name);
        let attrs = Attributes(&body[name_end..]);
        if closing {
            match name {
                b"table:table-row" => self.ods_row_end()?,
                b"table:table" => self.ods = OdsSheet::default(),
                _ => {}
            }
            return Ok(());
        }
        match local {
            b"row" => {
                if let Some(r) = attrs.local(b"r") {
                    self.check_row(digits(r))?;
                }
            }
            b"c" => {
                if let Some(r) = attrs.local(b"r") {
                    let letters = r.iter().take_while(|b| b.is_ascii_alphabetic()).count();
                    let column = r[..letters].iter().fold(0u64, |n, b| {
                        n.saturating_mul(26)
                            .saturating_add(u64::from(b.to_ascii_uppercase() - b'A') + 1)
                    });
                    if column > MAX_COLUMN {
                        return Err(Refusal::Column {
                            entry: self.entry.to_owned(),
                            column,
                        });
                    }
                    self.check_row(digits(&r[letters..]))?;
                }
            }
            b"sst" => {
                let count = attrs.local(b"uniqueCount").map_or(0, digits);
                self.declared_strings = self.declared_strings.max(count);
            }
            b"si" => self.strings += 1,
            _ => {}
        }
        // calamine matches the ods names with their usual prefixes, and so does this.
        match name {
            b"table:table-row" => {
                let repeats = attrs
                    .exact(b"table:number-rows-repeated")
                    .map_or(1, digits)
                    .clamp(1, MAX_ROW);
                self.ods.row_repeats = repeats;
                self.ods.column = 0;
                self.ods.row_used = None;
                if self_closing {
                    self.ods_row_end()?;
                }
            }
            b"table:table-cell" | b"table:covered-table-cell" => {
                let repeats = attrs
                    .exact(b"table:number-columns-repeated")
                    .map_or(1, digits)
                    .clamp(1, MAX_COLUMN);
                // A cell with a value or content counts; an empty element is a blank.
                let used = attrs.exact(b"office:value-type").is_some() || !self_closing;
                let first = self.ods.column;
                self.ods.column = self.ods.column.saturating_add(repeats);
                if used {
                    let last = self.ods.column - 1;
                    let (a, _) = self.ods.row_used.unwrap_or((first, last));
                    self.ods.row_used = Some((a.min(first), last));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn check_row(&self, row: u64) -> Result<(), Refusal> {
        if row > MAX_ROW {
            return Err(Refusal::Row {
                entry: self.entry.to_owned(),
                row,
            });
        }
        Ok(())
    }

    /// The end of an ods row: its cells, repeated, stretch the sheet's extent.
    fn ods_row_end(&mut self) -> Result<(), Refusal> {
        let ods = &mut self.ods;
        let first = ods.row;
        ods.row = ods.row.saturating_add(ods.row_repeats.max(1));
        if let Some((c0, c1)) = ods.row_used.take() {
            let last = ods.row - 1;
            let (r0, _) = ods.rows.unwrap_or((first, last));
            ods.rows = Some((r0, last));
            let (a, b) = ods.columns.unwrap_or((c0, c1));
            ods.columns = Some((a.min(c0), b.max(c1)));
        }
        ods.row_repeats = 1;
        if let (Some((r0, r1)), Some((c0, c1))) = (ods.rows, ods.columns) {
            let cells = (r1 - r0 + 1).saturating_mul(c1 - c0 + 1);
            if cells > MAX_SHEET_CELLS {
                return Err(Refusal::OdsCells {
                    entry: self.entry.to_owned(),
                    cells,
                });
            }
        }
        Ok(())
    }
}

/// The part of an XML name after its namespace prefix.
fn local_name(name: &[u8]) -> &[u8] {
    name.iter()
        .rposition(|b| *b == b':')
        .map_or(name, |i| &name[i + 1..])
}

/// The number written by the leading digits of `bytes`, saturating; 0 without digits.
fn digits(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .fold(0u64, |n, b| {
            n.saturating_mul(10).saturating_add(u64::from(b - b'0'))
        })
}

/// The attributes of a tag, as written: `key = "value"` pairs, values not unescaped (calamine
/// reads positions from the raw value too).
struct Attributes<'a>(&'a [u8]);

impl<'a> Attributes<'a> {
    fn iter(&self) -> impl Iterator<Item = (&'a [u8], &'a [u8])> {
        let mut rest = self.0;
        std::iter::from_fn(move || {
            let trimmed = rest.iter().position(|b| !b.is_ascii_whitespace())?;
            rest = &rest[trimmed..];
            let key_end = rest
                .iter()
                .position(|b| b.is_ascii_whitespace() || *b == b'=')?;
            let key = &rest[..key_end];
            rest = &rest[key_end..];
            let eq = rest.iter().position(|b| !b.is_ascii_whitespace())?;
            if rest[eq] != b'=' {
                return None;
            }
            rest = &rest[eq + 1..];
            let open = rest.iter().position(|b| !b.is_ascii_whitespace())?;
            let quote = rest[open];
            if quote != b'"' && quote != b'\'' {
                return None;
            }
            rest = &rest[open + 1..];
            let close = rest.iter().position(|b| *b == quote)?;
            let value = &rest[..close];
            rest = &rest[close + 1..];
            Some((key, value))
        })
    }

    /// The value of the attribute whose local name is `name`.
    fn local(&self, name: &[u8]) -> Option<&'a [u8]> {
        self.iter()
            .find(|(k, _)| local_name(k) == name)
            .map(|(_, v)| v)
    }

    /// The value of the attribute named exactly `name`.
    fn exact(&self, name: &[u8]) -> Option<&'a [u8]> {
        self.iter().find(|(k, _)| *k == name).map(|(_, v)| v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(xml: &str) -> Result<(), Refusal> {
        Scan::new("xl/worksheets/sheet1.xml").run(&mut xml.as_bytes())
    }

    #[test]
    fn the_tag_scan_sees_rows_however_the_attribute_is_written() {
        for xml in [
            r#"<row r="4294967297">"#,
            "<row r='4294967297'>",
            "<x:row spans=\"1:2\"\n r = \"4294967297\" >",
            r#"<c r="A4294967297"/>"#,
            // Text and CDATA before the row do not hide it.
            r#"<t>a > b "quoted</t><![CDATA[ " ]]><row r="4294967297">"#,
            r#"<!-- " --><row r="4294967297">"#,
        ] {
            assert!(matches!(scan(xml), Err(Refusal::Row { .. })), "{xml}");
        }
        assert!(matches!(
            scan(r#"<c r="XFE1"/>"#),
            Err(Refusal::Column { .. })
        ));
    }

    #[test]
    fn the_tag_scan_passes_what_calamine_reads_fine() {
        for xml in [
            r#"<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
            // A row element inside a comment or CDATA is not a row.
            r#"<!-- <row r="4294967297"> --><![CDATA[<row r="4294967297">]]>"#,
            r#"<t>row r="4294967297"</t>"#,
            "not xml at all \u{0} < > \" '",
        ] {
            assert!(scan(xml).is_ok(), "{xml}");
        }
    }
}
