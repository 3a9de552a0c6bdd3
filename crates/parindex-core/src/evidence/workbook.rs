//! Spreadsheets as exports arrive: `.xlsx`, `.xlsm`, `.xls` and `.ods`, read with calamine.

use std::io::{self, BufRead, Cursor, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};

use calamine::{open_workbook_auto_from_rs, Data, DataRef, Reader, Sheets};

use super::cells::Cell;
use crate::date::Date;
use crate::error::Diagnostic;

/// The file extensions read as workbooks.
pub const WORKBOOK_EXTENSIONS: [&str; 4] = ["xlsx", "xlsm", "xls", "ods"];

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
        let mut bytes = bytes;
        if let Err(refusal) =
            inspect_zip(&bytes, &ZIP_LIMITS).and_then(|()| inspect_xls(&mut bytes))
        {
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
    /// Two entries of one name: the zip reader keeps the later, another program may read the
    /// earlier, so the workbook scored would not be the one opened in Excel.
    DuplicateNames,
    Inflated {
        entry: String,
    },
    Row {
        entry: String,
        row: u64,
    },
    Column {
        entry: String,
        column: u64,
    },
    SharedStrings {
        declared: u64,
        held: u64,
    },
    OdsCells {
        entry: String,
        cells: u64,
    },
    Xls(XlsRefusal),
}

/// Why a legacy `.xls` is refused before calamine reads it.
#[derive(Debug)]
enum XlsRefusal {
    /// The container is not one calamine would read the same way: what is wrong.
    Malformed(&'static str),
    /// A sector chain comes back to a sector it went through: which chain.
    Loop(&'static str),
    Stream,
    Records,
    Dimensions {
        sheet: String,
        rows: u64,
        columns: u64,
    },
    /// DIMENSIONS declares far more than the sheet's cells, blank ones included, occupy.
    Unbacked {
        sheet: String,
        declared: (u64, u64),
        held: (u64, u64),
    },
    Cells {
        sheet: String,
        rows: u64,
        columns: u64,
    },
    TotalCells(u64),
    SharedStrings {
        declared: u64,
        bound: u64,
    },
    Text(u64),
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
            Refusal::DuplicateNames => (
                "tệp bảng tính có hai phần nén cùng tên: phần mềm này và Excel có thể đọc hai \
                 nội dung khác nhau; tệp có thể đã bị sửa bằng tay"
                    .to_owned(),
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
            Refusal::Xls(xls) => return xls.diagnostic(path),
        };
        Diagnostic::new(path, message).hint(hint)
    }
}

impl XlsRefusal {
    fn diagnostic(&self, path: &std::path::Path) -> Diagnostic {
        let bomb = "tệp có thể đã bị làm hỏng hoặc cố ý tạo ra để làm cạn bộ nhớ";
        let message = match self {
            XlsRefusal::Malformed(what) => format!("tệp .xls bị hỏng: {what}"),
            XlsRefusal::Loop(what) => format!(
                "tệp .xls bị hỏng: chuỗi sector của {what} quay lại một sector đã đọc (lặp \
                 vòng): {bomb}"
            ),
            XlsRefusal::Stream => format!(
                "luồng Workbook của tệp .xls lớn hơn giới hạn {}",
                crate::files::byte_size(XLS_LIMITS.stream)
            ),
            XlsRefusal::Records => format!(
                "tệp .xls có hơn {} bản ghi, nhiều hơn giới hạn đọc được",
                XLS_LIMITS.records
            ),
            XlsRefusal::Dimensions {
                sheet,
                rows,
                columns,
            } => format!(
                "trang tính `{sheet}` khai báo vùng ô {rows} hàng × {columns} cột, vượt quá \
                 trang tính .xls ({XLS_MAX_ROWS} hàng × {XLS_MAX_COLUMNS} cột): {bomb}"
            ),
            XlsRefusal::Unbacked {
                sheet,
                declared,
                held,
            } => format!(
                "trang tính `{sheet}` khai báo vùng ô {} hàng × {} cột nhưng các ô của nó chỉ \
                 trải trên {} hàng × {} cột: {bomb}",
                declared.0, declared.1, held.0, held.1
            ),
            XlsRefusal::Cells {
                sheet,
                rows,
                columns,
            } => format!(
                "các ô của trang tính `{sheet}` trải trên {rows} hàng × {columns} cột, vượt quá \
                 {MAX_SHEET_CELLS} ô đọc được từ một trang tính"
            ),
            XlsRefusal::TotalCells(cells) => format!(
                "các trang tính của tệp .xls trải trên {cells} ô, vượt quá {MAX_SHEET_CELLS} ô \
                 đọc được từ một tệp .xls (mọi trang tính được đọc cùng lúc)"
            ),
            XlsRefusal::SharedStrings { declared, bound } => format!(
                "tệp .xls khai báo {declared} chuỗi dùng chung, nhiều hơn {bound} chuỗi luồng \
                 Workbook có thể chứa: {bomb}"
            ),
            XlsRefusal::Text(chars) => format!(
                "các ô chữ của tệp .xls cần giữ hơn {} ký tự (đã đếm đến {chars}: độ dài mỗi ô \
                 chữ khai báo, cộng một bản sao chuỗi dùng chung cho mỗi ô dùng nó): {bomb}",
                XLS_LIMITS.text
            ),
        };
        Diagnostic::new(path, message)
            .hint("mở tệp bằng Excel rồi lưu lại dạng .xlsx, hoặc xuất bảng ra CSV")
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
    if archive.has_duplicate_names() {
        return Err(Refusal::DuplicateNames);
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

/// What a legacy `.xls` (BIFF records in a Compound File Binary container) may hold, checked
/// before calamine opens it: calamine reads every sheet at open time and reserves memory from
/// sizes the file declares (a sheet's DIMENSIONS, a string's length, a sector chain's length),
/// so a few hundred bytes can ask for terabytes and abort the process.
#[derive(Debug, Clone, Copy)]
pub(crate) struct XlsLimits {
    /// Bytes of the Workbook stream, which calamine copies out of the container whole.
    pub stream: u64,
    /// BIFF records walked, the globals and every sheet's (a sheet is walked from its offset,
    /// and many sheets may point at one offset).
    pub records: u64,
    /// Characters calamine sets aside for text cells: the length each LABEL declares, and the
    /// shared string each LABELSST copies.
    pub text: u64,
}

pub(crate) const XLS_LIMITS: XlsLimits = XlsLimits {
    stream: 1 << 30,
    records: 40_000_000,
    text: 1 << 26,
};

/// Cells a sheet's DIMENSIONS may declare beyond those its records occupy (calamine reserves
/// them, 40 bytes each): writers that round the used range up stay well within it.
const XLS_DIMENSIONS_SLACK: u64 = 1 << 20;

/// A BIFF8 sheet's rows and columns: what an `.xls` can hold, whatever Excel wrote it.
const XLS_MAX_ROWS: u64 = 65_536;
const XLS_MAX_COLUMNS: u64 = 256;

const CFB_MAGIC: [u8; 8] = *b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;

/// Checks an `.xls` (detected by content, as calamine does) against [`XLS_LIMITS`]; `Ok` for
/// other bytes and for a container calamine itself refuses. The container is read the way
/// calamine's reader reads it (the first directory entry named `Workbook`, else `Book`, names
/// decoded alike), so that what is checked is what calamine reads; anything that reader would
/// read differently, or forever, is refused as malformed.
///
/// It also blanks the token length of every FORMULA record: calamine turns each formula's
/// tokens into text the engine never reads (only the cell's cached value), and that text can
/// grow a hundred times the record (sheet names repeated) in quadratic time (characters
/// inserted at the front). The cached values stay as they are.
fn inspect_xls(bytes: &mut [u8]) -> Result<(), Refusal> {
    if !bytes.starts_with(&CFB_MAGIC) {
        return Ok(());
    }
    let Some((stream, map)) = workbook_stream(bytes).map_err(Refusal::Xls)? else {
        return Ok(());
    };
    let mut formulas = Vec::new();
    inspect_biff(&stream, &XLS_LIMITS, &mut formulas).map_err(Refusal::Xls)?;
    for at in formulas.into_iter().flat_map(|at| [at, at + 1]) {
        let byte = map
            .offsets
            .get(at / map.chunk)
            .and_then(|base| bytes.get_mut(base + at % map.chunk));
        if let Some(byte) = byte {
            *byte = 0;
        }
    }
    Ok(())
}

/// Where each piece of a stream lies in the file: piece `i` (of `chunk` bytes) at `offsets[i]`.
struct StreamMap {
    chunk: usize,
    offsets: Vec<usize>,
}

/// The sectors of a Compound File, as calamine's reader numbers them.
struct Container<'a> {
    file: &'a [u8],
    /// The header takes one sector: 512 bytes, or 4096 with 4096-byte sectors.
    size: usize,
    /// Sectors wholly inside the file.
    count: usize,
    fats: Vec<u32>,
    /// Which structure each sector belongs to (0: none yet). A sector met twice, in one chain (a
    /// loop) or in two (shared), is refused: so no chain is longer than the file, and each byte
    /// of the Workbook stream is in one place of the file, that holds nothing else.
    owner: Vec<u8>,
}

const DIFAT_SECTOR: u8 = 1;
const FAT_SECTOR: u8 = 2;

impl Container<'_> {
    /// The offset of a sector in the file, once it is claimed for structure `tag`.
    fn claim(&mut self, id: u32, tag: u8, what: &'static str) -> Result<usize, XlsRefusal> {
        let slot = self
            .owner
            .get_mut(id as usize)
            .ok_or(XlsRefusal::Malformed("một sector nằm ngoài tệp"))?;
        match *slot {
            0 => *slot = tag,
            // The FAT may be listed twice (zeros in the header's unused entries).
            FAT_SECTOR if tag == FAT_SECTOR => (),
            t if t == tag => return Err(XlsRefusal::Loop(what)),
            _ => {
                return Err(XlsRefusal::Malformed(
                    "hai phần của tệp dùng chung một sector",
                ))
            }
        }
        Ok((id as usize + 1) * self.size)
    }

    /// The bytes of a chain, `len` at most, and where its sectors are. calamine stops at `len`
    /// or at the chain's end and never checks for a loop: a loop is refused here.
    fn chain(
        &mut self,
        start: u32,
        len: usize,
        what: &'static str,
        tag: u8,
    ) -> Result<(Vec<u8>, Vec<usize>), XlsRefusal> {
        let mut out = Vec::new();
        let mut offsets = Vec::new();
        let mut id = start;
        while id != ENDOFCHAIN {
            let at = self.claim(id, tag, what)?;
            offsets.push(at);
            let sector = &self.file[at..at + self.size];
            let take = sector.len().min(len - out.len());
            out.extend_from_slice(&sector[..take]);
            if out.len() >= len {
                break;
            }
            if out.len() as u64 > XLS_LIMITS.stream {
                return Err(XlsRefusal::Stream);
            }
            id = *self.fats.get(id as usize).ok_or(XlsRefusal::Malformed(
                "bảng FAT không có sector của một chuỗi",
            ))?;
        }
        Ok((out, offsets))
    }
}

/// The Workbook (or Book) stream calamine would read; `None` when calamine refuses the file
/// before reading one.
fn workbook_stream(file: &[u8]) -> Result<Option<(Vec<u8>, StreamMap)>, XlsRefusal> {
    let u16_at = |at: usize| {
        file.get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    let u32_at = |b: &[u8], at: usize| {
        b.get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    if file.len() < 512 {
        return Ok(None);
    }
    let size = match u16_at(30) {
        Some(0x0009) => 512,
        Some(0x000C) if file.len() >= 4096 => 4096,
        _ => return Ok(None),
    };
    if u16_at(32) != Some(0x0006) {
        return Ok(None);
    }
    let version = u16_at(26);
    let header = &file[..512];
    let word = |at: usize| u32_at(header, at).unwrap_or(ENDOFCHAIN);
    let mut container = Container {
        file,
        size,
        count: (file.len() - size) / size,
        fats: Vec::new(),
        owner: vec![0; (file.len() - size) / size],
    };
    // The DIFAT: 109 entries in the header, then a chain of sectors whose last entry links on.
    let mut difat: Vec<u32> = header[76..512]
        .chunks_exact(4)
        .filter_map(|b| u32_at(b, 0))
        .collect();
    let mut id = word(68);
    while id < RESERVED_SECTORS {
        let at = container.claim(id, DIFAT_SECTOR, "bảng DIFAT")?;
        let sector = &file[at..at + size];
        difat.extend(sector.chunks_exact(4).filter_map(|b| u32_at(b, 0)));
        id = difat
            .pop()
            .ok_or(XlsRefusal::Malformed("bảng DIFAT trống"))?;
    }
    // A FAT sector named again and again would make the FAT many times the file: beyond the
    // header's 109 entries (which some writers fill with zeros), one entry per sector at most.
    let fat_sectors: Vec<u32> = difat.into_iter().filter(|id| *id < DIFSECT).collect();
    if fat_sectors.len() > container.count + 109 {
        return Err(XlsRefusal::Malformed(
            "bảng FAT kể nhiều sector hơn số sector của tệp",
        ));
    }
    let mut fats = Vec::with_capacity(fat_sectors.len() * size / 4);
    for id in fat_sectors {
        let at = container.claim(id, FAT_SECTOR, "bảng FAT")?;
        let sector = &file[at..at + size];
        fats.extend(sector.chunks_exact(4).filter_map(|b| u32_at(b, 0)));
    }
    container.fats = fats;
    let (directory, _) = container.chain(word(48), usize::MAX, "thư mục", 3)?;
    let entries: Vec<(String, u32, usize)> = directory
        .chunks_exact(128)
        .map(|e| {
            // Decoded as calamine decodes it (encoding_rs sniffs a byte order mark): a name that
            // reads `Workbook` there reads `Workbook` here.
            let mut name = encoding_rs::UTF_16LE.decode(&e[..64]).0.into_owned();
            if let Some(end) = name.bytes().position(|b| b == 0) {
                name.truncate(end);
            }
            let start = u32_at(e, 116).unwrap_or(ENDOFCHAIN);
            let len = if size == 512 {
                u64::from(u32_at(e, 120).unwrap_or(0))
            } else {
                e.get(120..128)
                    .and_then(|b| <[u8; 8]>::try_from(b).ok())
                    .map_or(0, u64::from_le_bytes)
            };
            (name, start, usize::try_from(len).unwrap_or(usize::MAX))
        })
        .collect();
    let Some(root) = entries.first() else {
        return Ok(None);
    };
    if version != Some(3) && root.1 == ENDOFCHAIN {
        return Ok(None);
    }
    // calamine loads the mini stream and the mini FAT whenever the header has a mini FAT,
    // whatever stream is read next: their chains are checked here alike.
    let mini_fat_len = word(64) as usize;
    let (mini, mini_fat) = if mini_fat_len > 0 {
        let mini = container.chain(root.1, root.2, "mini stream", 4)?;
        let mini_fat: Vec<u32> = container
            .chain(
                word(60),
                mini_fat_len.saturating_mul(size),
                "bảng mini FAT",
                5,
            )?
            .0
            .chunks_exact(4)
            .filter_map(|b| u32_at(b, 0))
            .collect();
        (mini, mini_fat)
    } else {
        ((Vec::new(), Vec::new()), Vec::new())
    };
    let (mini, mini_offsets) = mini;
    let named = |name: &str| {
        entries
            .iter()
            .find(|e| e.0.as_bytes().eq_ignore_ascii_case(name.as_bytes()))
    };
    let Some(&(_, start, len)) = named("Workbook").or_else(|| named("Book")) else {
        return Ok(None);
    };
    if len >= 4096 {
        let (stream, offsets) = container.chain(start, len, "luồng Workbook", 6)?;
        return Ok(Some((
            stream,
            StreamMap {
                chunk: size,
                offsets,
            },
        )));
    }
    // A small stream lives in the mini stream, 64-byte sectors inside the root entry's chain.
    let mut out = Vec::new();
    let mut offsets = Vec::new();
    let mut seen = vec![false; mini.len() / 64];
    let mut id = start;
    if len == 0 && start == ENDOFCHAIN {
        return Ok(Some((out, StreamMap { chunk: 64, offsets })));
    }
    while id != ENDOFCHAIN {
        // Beyond the mini stream (or with none) calamine reads from wherever its reader stands:
        // what it would read cannot be checked, so it is refused.
        let at = id as usize * 64;
        let sector = mini.get(at..at + 64).ok_or(XlsRefusal::Malformed(
            "một sector nhỏ nằm ngoài mini stream",
        ))?;
        if std::mem::replace(&mut seen[id as usize], true) {
            return Err(XlsRefusal::Loop("luồng Workbook"));
        }
        let base = mini_offsets.get(at / size).ok_or(XlsRefusal::Malformed(
            "một sector nhỏ nằm ngoài mini stream",
        ))?;
        offsets.push(base + at % size);
        out.extend_from_slice(&sector[..64.min(len - out.len())]);
        if out.len() >= len {
            break;
        }
        id = *mini_fat.get(id as usize).ok_or(XlsRefusal::Malformed(
            "bảng mini FAT không có sector của luồng",
        ))?;
    }
    Ok(Some((out, StreamMap { chunk: 64, offsets })))
}

/// One BIFF record as calamine's record iterator yields it: the CONTINUE records that follow
/// are joined to it.
struct Record<'a> {
    typ: u16,
    /// Where `data` starts in the stream.
    offset: usize,
    data: &'a [u8],
    cont: std::collections::VecDeque<&'a [u8]>,
}

/// calamine's record iterator, quirks kept: `None` at the end, `Some(None)` where calamine
/// stops with an error.
struct Records<'a> {
    stream: &'a [u8],
    /// Where `stream` starts in the whole stream.
    at: usize,
}

fn le16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at.checked_add(2)?)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at.checked_add(4)?)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

impl<'a> Iterator for Records<'a> {
    type Item = Option<Record<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.stream.is_empty() {
            return None;
        }
        let (Some(typ), Some(len)) = (le16(self.stream, 0), le16(self.stream, 2)) else {
            return Some(None);
        };
        let Some((record, next)) = self.stream.split_at_checked(usize::from(len) + 4) else {
            return Some(None);
        };
        let offset = self.at + 4;
        self.stream = next;
        self.at += record.len();
        let mut cont = std::collections::VecDeque::new();
        while self.stream.len() > 4 && le16(self.stream, 0) == Some(0x003C) {
            let len = le16(self.stream, 2).map_or(0, usize::from);
            let Some((part, next)) = self.stream.split_at_checked(len + 4) else {
                return Some(None);
            };
            cont.push_back(&part[4..]);
            self.stream = next;
            self.at += part.len();
        }
        Some(Some(Record {
            typ,
            offset,
            data: &record[4..],
            cont,
        }))
    }
}

impl Record<'_> {
    fn continue_record(&mut self) -> bool {
        match self.cont.pop_front() {
            Some(next) => {
                self.data = next;
                true
            }
            None => false,
        }
    }

    /// calamine's `skip`: `None` where it fails.
    fn skip(&mut self, mut len: usize) -> Option<()> {
        while len > 0 {
            if self.data.is_empty() && !self.continue_record() {
                return None;
            }
            let l = len.min(self.data.len());
            self.data = &self.data[l..];
            len -= l;
        }
        Some(())
    }
}

/// The characters of each string of an SST record, read as calamine reads them; `None` where
/// calamine fails.
fn sst_lengths(r: &mut Record<'_>) -> Option<Vec<u64>> {
    r.data = r.data.get(8..)?;
    let mut lengths = Vec::new();
    while !r.data.is_empty() || r.continue_record() {
        if r.data.is_empty() {
            lengths.push(0);
            continue;
        }
        let cch = le16(r.data, 0)?;
        let flags = *r.data.get(2)?;
        r.data = &r.data[3..];
        let mut high_byte = flags & 0x1 != 0;
        let mut runs = 0;
        if flags & 0x8 != 0 {
            runs = usize::from(le16(r.data, 0)?);
            r.data = &r.data[2..];
        }
        let mut ext = 0;
        if flags & 0x4 != 0 {
            // calamine reads an i32 and casts it: a negative size is a huge skip, which fails.
            ext = le32(r.data, 0)? as i32 as usize;
            r.data = &r.data[4..];
        }
        let mut left = usize::from(cch);
        while left > 0 {
            let (chars, used) = if high_byte {
                let l = (r.data.len() / 2).min(left);
                (l, 2 * l)
            } else {
                let l = r.data.len().min(left);
                (l, l)
            };
            r.data = &r.data[used..];
            left -= chars;
            if left > 0 {
                if !r.continue_record() {
                    return None;
                }
                high_byte = r.data.first()? & 0x1 != 0;
                r.data = &r.data[1..];
            }
        }
        r.skip(runs * 4)?;
        r.skip(ext)?;
        lengths.push(u64::from(cch));
    }
    Some(lengths)
}

/// The bounding box of the cells of one sheet, as calamine's `Range::from_sparse` builds it.
#[derive(Default)]
struct Extent(Option<(u32, u32, u32, u32)>);

impl Extent {
    fn add(&mut self, (r, c): (u32, u32)) {
        let (r0, r1, c0, c1) = self.0.unwrap_or((r, r, c, c));
        self.0 = Some((r0.min(r), r1.max(r), c0.min(c), c1.max(c)));
    }

    fn size(&self) -> (u64, u64) {
        self.0.map_or((0, 0), |(r0, r1, c0, c1)| {
            (u64::from(r1 - r0) + 1, u64::from(c1 - c0) + 1)
        })
    }
}

/// Walks the BIFF records of a Workbook stream as calamine's `parse_workbook` does (the
/// globals, then each sheet from its BOUNDSHEET offset, embedded substreams skipped) and checks
/// what calamine would allocate: the cells each DIMENSIONS reserves, the rectangle each sheet's
/// cells span, the text cells' declared lengths, the SST's declared count. It stops where
/// calamine stops with an error: nothing past that point is read.
///
/// `formulas` gets the offset of each FORMULA record's token length, for [`inspect_xls`] to
/// blank. Blanking bytes must not change what another walk reads, so the walks (the globals,
/// each sheet's) must not overlap: a sheet offset inside another walk is refused.
fn inspect_biff(
    stream: &[u8],
    limits: &XlsLimits,
    formulas: &mut Vec<usize>,
) -> Result<(), XlsRefusal> {
    let mut walks = Vec::new();
    walk_biff(stream, limits, formulas, &mut walks)?;
    walks.sort_unstable();
    if walks.windows(2).any(|w| w[0].1 > w[1].0) {
        return Err(XlsRefusal::Malformed(
            "hai trang tính (hoặc một trang tính và phần đầu tệp) chồng lên nhau",
        ));
    }
    Ok(())
}

/// The walk of [`inspect_biff`]; `walks` gets the range of the stream each walk reads (to the
/// stream's end where calamine would stop with an error).
fn walk_biff(
    stream: &[u8],
    limits: &XlsLimits,
    patch: &mut Vec<usize>,
    walks: &mut Vec<(usize, usize)>,
) -> Result<(), XlsRefusal> {
    let mut records = 0u64;
    let mut count = || {
        records += 1;
        if records > limits.records {
            Err(XlsRefusal::Records)
        } else {
            Ok(())
        }
    };
    let mut text = 0u64;
    let mut add_text = |chars: u64| {
        text = text.saturating_add(chars);
        if text > limits.text {
            Err(XlsRefusal::Text(text))
        } else {
            Ok(())
        }
    };
    let mut sheets = Vec::new();
    let mut strings: Vec<u64> = Vec::new();
    walks.push((0, stream.len()));
    let mut globals = Records { stream, at: 0 };
    for record in globals.by_ref() {
        count()?;
        let Some(mut r) = record else {
            return Ok(());
        };
        match r.typ {
            0x002F if le16(r.data, 0) != Some(0) => return Ok(()),
            0x0085 => {
                let Some(pos) = le32(r.data, 0) else {
                    return Ok(());
                };
                let name = r.data.get(8..).unwrap_or_default();
                sheets.push((pos as usize, String::from_utf8_lossy(name).into_owned()));
            }
            0x00FC => {
                let Some(declared) = le32(r.data, 4) else {
                    return Ok(());
                };
                // A string takes 3 bytes at least (length and flags): more than the stream can
                // hold is a lie, whoever trusts it.
                let bound = stream.len() as u64 / 3;
                if u64::from(declared) > bound {
                    return Err(XlsRefusal::SharedStrings {
                        declared: declared.into(),
                        bound,
                    });
                }
                let Some(lengths) = sst_lengths(&mut r) else {
                    return Ok(());
                };
                strings = lengths;
            }
            // LBL (a defined name): calamine keeps its name and its formula prefixed with a
            // sheet name (255 characters at most).
            0x0018 => add_text(u64::from(r.data.get(3).copied().unwrap_or(0)) + 300)?,
            0x0809 if r.data.len() < 2 => return Ok(()),
            0x000A => break,
            _ => (),
        }
    }
    if let Some(walk) = walks.last_mut() {
        walk.1 = globals.at;
    }
    let mut total = 0u64;
    for (pos, sheet) in sheets {
        let Some(at) = stream.get(pos..) else {
            return Ok(());
        };
        walks.push((pos, stream.len()));
        let mut cells = Extent::default();
        let mut formulas = Extent::default();
        let mut formula_at = (0u32, 0u32);
        // What DIMENSIONS declares, and the cells calamine skips (blank ones, ROW records'
        // column spans) that a writer counts in it.
        let mut declared = (0u64, 0u64);
        let mut blanks = Extent::default();
        let mut seen_bof = false;
        let mut depth = 0usize;
        let mut records = Records {
            stream: at,
            at: pos,
        };
        for record in records.by_ref() {
            count()?;
            let Some(r) = record else {
                return Ok(());
            };
            let d = r.data;
            if depth > 0 {
                match r.typ {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => (),
                }
                continue;
            }
            let position = |min_len: usize| {
                (d.len() >= min_len)
                    .then(|| Some((u32::from(le16(d, 0)?), u32::from(le16(d, 2)?))))
                    .flatten()
            };
            match r.typ {
                0x0809 if seen_bof => depth += 1,
                0x0809 => seen_bof = true,
                0x0200 => {
                    let Some((rows, columns)) = dimensions(d) else {
                        return Ok(());
                    };
                    if rows > XLS_MAX_ROWS
                        || columns > XLS_MAX_COLUMNS
                        || rows.saturating_mul(columns) > MAX_SHEET_CELLS
                    {
                        return Err(XlsRefusal::Dimensions {
                            sheet,
                            rows,
                            columns,
                        });
                    }
                    if rows * columns > declared.0 * declared.1 {
                        declared = (rows, columns);
                    }
                }
                // BLANK, MULBLANK, ROW: not cells to calamine, but within the used range.
                0x0201 | 0x00BE | 0x0208 => {
                    if let (Some(row), Some(first)) = (le16(d, 0), le16(d, 2)) {
                        let last = match r.typ {
                            0x0201 => Some(first),
                            0x00BE => le16(d, d.len() - 2),
                            _ => le16(d, 4).map(|end| end.saturating_sub(1).max(first)),
                        };
                        blanks.add((u32::from(row), u32::from(first)));
                        if let Some(last) = last {
                            blanks.add((u32::from(row), u32::from(last)));
                        }
                    }
                }
                0x0203 | 0x0205 | 0x027E => {
                    let min_len = match r.typ {
                        0x0203 => 14,
                        0x0205 => 8,
                        _ => 10,
                    };
                    let Some(p) = position(min_len) else {
                        return Ok(());
                    };
                    cells.add(p);
                }
                // LABEL and RSTRING: calamine reserves the declared length before decoding.
                0x0204 | 0x00D6 => {
                    let Some(p) = position(6) else {
                        return Ok(());
                    };
                    cells.add(p);
                    add_text(le16(d, 6).map_or(0, u64::from))?;
                }
                // A formula's string value, at the formula's cell.
                0x0207 => {
                    cells.add(formula_at);
                    add_text(le16(d, 0).map_or(0, u64::from))?;
                }
                // LABELSST: a copy of the shared string, for each cell that names it.
                0x00FD => {
                    let (Some(p), Some(i)) = (position(10), le32(d, 6)) else {
                        return Ok(());
                    };
                    if let Some(&chars) = strings.get(i as usize) {
                        cells.add(p);
                        add_text(chars)?;
                    }
                }
                0x00BD => {
                    let (Some(row), Some(first)) = (le16(d, 0), le16(d, 2)) else {
                        return Ok(());
                    };
                    let last = le16(d, d.len() - 2).unwrap_or(0);
                    let n = usize::from(last.wrapping_sub(first).wrapping_add(1));
                    if d.len() != 6 + 6 * n {
                        return Ok(());
                    }
                    if n > 0 {
                        let first = u32::from(first);
                        cells.add((u32::from(row), first));
                        cells.add((u32::from(row), first + n as u32 - 1));
                    }
                }
                0x0006 => {
                    let Some(p) = position(20) else {
                        return Ok(());
                    };
                    formula_at = p;
                    cells.add(p);
                    formulas.add(p);
                    if d.len() >= 22 {
                        patch.push(r.offset + 20);
                    }
                }
                0x000A => break,
                _ => (),
            }
        }
        if let Some(walk) = walks.last_mut() {
            walk.1 = records.at;
        }
        let mut held = Extent::default();
        for extent in [&cells, &formulas, &blanks] {
            if let Some((r0, r1, c0, c1)) = extent.0 {
                held.add((r0, c0));
                held.add((r1, c1));
            }
        }
        let held = held.size();
        if declared.0 * declared.1 > held.0.saturating_mul(held.1).max(XLS_DIMENSIONS_SLACK) {
            return Err(XlsRefusal::Unbacked {
                sheet,
                declared,
                held,
            });
        }
        for extent in [&cells, &formulas] {
            let (rows, columns) = extent.size();
            let n = rows.saturating_mul(columns);
            if n > MAX_SHEET_CELLS {
                return Err(XlsRefusal::Cells {
                    sheet,
                    rows,
                    columns,
                });
            }
            total = total.saturating_add(n);
        }
        if total > MAX_SHEET_CELLS {
            return Err(XlsRefusal::TotalCells(total));
        }
    }
    Ok(())
}

/// The rows and columns calamine reserves for a DIMENSIONS record (its `parse_dimensions`,
/// then `end - start + 1` in `u32`, which wraps in a release build); `None` where it fails.
fn dimensions(d: &[u8]) -> Option<(u64, u64)> {
    let (rf, rl, mut cf, cl) = match d.len() {
        10 => (
            u32::from(le16(d, 0)?),
            u32::from(le16(d, 2)?),
            u32::from(le16(d, 4)?),
            u32::from(le16(d, 6)?),
        ),
        14 | 16 => (
            le32(d, 0)?,
            le32(d, 4)?,
            u32::from(le16(d, 8)?),
            u32::from(le16(d, 10)?),
        ),
        _ => return None,
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    let ((r0, c0), (r1, c1)) = if rl >= 1 && cl >= 1 {
        ((rf, cf), (rl - 1, cl - 1))
    } else {
        ((rf, cf), (rf, cf))
    };
    let span = |a: u32, b: u32| u64::from(b.wrapping_sub(a).wrapping_add(1));
    Some((span(r0, r1), span(c0, c1)))
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

    fn biff(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
        out.extend(typ.to_le_bytes());
        out.extend(u16::try_from(data.len()).expect("short").to_le_bytes());
        out.extend(data);
    }

    #[test]
    fn dimensions_are_sized_as_calamine_sizes_them() {
        let d = |rf: u32, rl: u32, cf: u16, cl: u16| {
            let mut v = Vec::new();
            v.extend(rf.to_le_bytes());
            v.extend(rl.to_le_bytes());
            v.extend(cf.to_le_bytes());
            v.extend(cl.to_le_bytes());
            v.extend([0, 0]);
            dimensions(&v)
        };
        assert_eq!(d(0, 2, 0, 3), Some((2, 3)));
        // An empty sheet: one cell.
        assert_eq!(d(0, 0, 0, 0), Some((1, 1)));
        // A first row past the last: `end - start + 1` wraps in u32, as in calamine's release
        // build.
        assert_eq!(d(6, 5, 0, 1), Some((u64::from(u32::MAX), 1)));
        // A first column past 255 is read as 0.
        assert_eq!(d(0, 2, 300, 3), Some((2, 3)));
        // The BIFF5 layout, 16-bit fields.
        assert_eq!(dimensions(&[0, 0, 2, 0, 0, 0, 3, 0, 0, 0]), Some((2, 3)));
        assert_eq!(dimensions(&[0; 12]), None);
    }

    #[test]
    fn the_record_bound_counts_the_globals_and_every_sheet_walk() {
        let mut stream = Vec::new();
        biff(&mut stream, 0x0809, &[0, 6, 5, 0]);
        biff(&mut stream, 0x0085, &[25, 0, 0, 0, 0, 0, 1, 0, b'a']);
        biff(&mut stream, 0x000A, &[]);
        assert_eq!(stream.len(), 25);
        biff(&mut stream, 0x0809, &[0, 6, 16, 0]);
        biff(&mut stream, 0x000A, &[]);
        let limits = |records| XlsLimits {
            records,
            ..XLS_LIMITS
        };
        let mut formulas = Vec::new();
        assert!(inspect_biff(&stream, &limits(5), &mut formulas).is_ok());
        assert!(matches!(
            inspect_biff(&stream, &limits(4), &mut formulas),
            Err(XlsRefusal::Records)
        ));
    }

    #[test]
    fn a_sheet_inside_another_walk_is_refused() {
        // The BOUNDSHEET points into the globals: blanking a formula there could change what
        // the other walk reads.
        let mut stream = Vec::new();
        biff(&mut stream, 0x0809, &[0, 6, 5, 0]);
        biff(&mut stream, 0x0085, &[0, 0, 0, 0, 0, 0, 1, 0, b'a']);
        biff(&mut stream, 0x000A, &[]);
        let mut formulas = Vec::new();
        assert!(matches!(
            inspect_biff(&stream, &XLS_LIMITS, &mut formulas),
            Err(XlsRefusal::Malformed(_))
        ));
    }
}
