//! One cell, read by its column's declared type: the same rules for CSV text and for
//! spreadsheet cells.

use rust_decimal::Decimal;
use std::str::FromStr;

use super::{fold_header, Value};
use crate::criteria::{ColumnSpec, ColumnType};
use crate::date::{read_date, vi_date, DateProblem};
use crate::num::parse_decimal;

/// A raw cell before typing.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Text(String),
    /// A spreadsheet number, by its shortest decimal form.
    Number(String),
    Date(crate::date::Date),
    Bool(bool),
}

impl Cell {
    /// The cell as text, for headers and messages.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) | Cell::Number(t) => t.clone(),
            Cell::Date(d) => vi_date(*d),
            Cell::Bool(b) => b.to_string(),
        }
    }
}

/// The value of an empty cell: false for booleans (`x` / empty), else empty.
pub(crate) fn default_value(kind: ColumnType) -> Value {
    match kind {
        ColumnType::Bool => Value::Bool(false),
        _ => Value::Empty,
    }
}

/// Reads one cell by its column's type and, for numbers, its bounds; `Err` holds what was
/// expected.
pub(crate) fn parse_cell(cell: &Cell, column: &ColumnSpec) -> Result<Value, String> {
    within_bounds(parse_typed(cell, column)?, column)
}

/// Refuses a number outside its column's declared bounds (a negative count, a percentage
/// above 100).
fn within_bounds(value: Value, column: &ColumnSpec) -> Result<Value, String> {
    let Some(v) = value.as_decimal() else {
        return Ok(value);
    };
    let vi = crate::num::vi_decimal;
    let expected = match (column.min, column.max) {
        (Some(min), Some(max)) if v < min || v > max => {
            format!("{} từ {} đến {}", column.kind.expected(), vi(min), vi(max))
        }
        (Some(min), None) if v < min => {
            format!("{} không nhỏ hơn {}", column.kind.expected(), vi(min))
        }
        (None, Some(max)) if v > max => {
            format!("{} không lớn hơn {}", column.kind.expected(), vi(max))
        }
        _ => return Ok(value),
    };
    Err(expected)
}

/// Reads text by the column's type and bounds (see [`parse_text_typed`]).
pub(crate) fn parse_text(cell: &str, column: &ColumnSpec) -> Result<Value, String> {
    within_bounds(parse_text_typed(cell, column)?, column)
}

/// [`parse_text`] into `slot`, without allocating for the usual spellings: a text cell is
/// copied into the string the slot already holds (a streamed export reuses one row of values),
/// `dd/mm/yyyy` dates and `x`/empty booleans are read directly. Anything else goes through
/// [`parse_text`], so the result is always the same.
pub(crate) fn parse_text_into(
    cell: &str,
    column: &ColumnSpec,
    slot: &mut Value,
) -> Result<(), String> {
    let t = if unpadded(cell) { cell } else { cell.trim() };
    match column.kind {
        ColumnType::Text => {
            let value = if t.is_empty() || column.values.is_empty() {
                t
            } else if let Some(v) = column.values.iter().find(|v| v.as_str() == t) {
                v.as_str()
            } else {
                *slot = parse_text(cell, column)?;
                return Ok(());
            };
            if value.is_empty() {
                *slot = Value::Empty;
            } else if let Value::Text(s) = slot {
                s.clear();
                s.push_str(value);
            } else {
                *slot = Value::Text(value.to_owned());
            }
            Ok(())
        }
        ColumnType::Date if t.is_empty() => {
            *slot = Value::Empty;
            Ok(())
        }
        ColumnType::Date => match parse_dmy(t.as_bytes()) {
            Some(d) => {
                *slot = Value::Date(d);
                Ok(())
            }
            None => parse_text(cell, column).map(|v| *slot = v),
        },
        ColumnType::Bool => match t {
            "" => {
                *slot = Value::Bool(false);
                Ok(())
            }
            "x" | "X" => {
                *slot = Value::Bool(true);
                Ok(())
            }
            _ => parse_text(cell, column).map(|v| *slot = v),
        },
        ColumnType::Tags if t.is_empty() => {
            *slot = Value::Empty;
            Ok(())
        }
        ColumnType::Tags => {
            // The slot's strings are reused, tag by tag.
            if !matches!(slot, Value::Tags(_)) {
                *slot = Value::Tags(Vec::new());
            }
            if let Value::Tags(tags) = slot {
                let mut n = 0;
                for tag in t.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                    match tags.get_mut(n) {
                        Some(s) => {
                            s.clear();
                            s.push_str(tag);
                        }
                        None => tags.push(tag.to_owned()),
                    }
                    n += 1;
                }
                tags.truncate(n);
            }
            Ok(())
        }
        _ => parse_text(cell, column).map(|v| *slot = v),
    }
}

/// Whether a cell has no space around it (its first and last characters are not whitespace as
/// [`str::trim`] sees it, vertical tab and no-break space included): then trimming cannot
/// change it, and it reads as written.
#[inline]
pub(crate) fn unpadded(cell: &str) -> bool {
    let plain = |c: &u8| c.is_ascii() && !char::from(*c).is_whitespace();
    let b = cell.as_bytes();
    (b.first().is_none_or(plain) && b.last().is_none_or(plain)) || unpadded_chars(cell)
}

/// [`unpadded`] of a cell with a letter with a diacritic at either end ("QĐ", "định kỳ"):
/// the characters themselves.
#[cold]
fn unpadded_chars(cell: &str) -> bool {
    let edge = |c: Option<char>| c.is_none_or(|c| !c.is_whitespace());
    edge(cell.chars().next()) && edge(cell.chars().next_back())
}

fn parse_typed(cell: &Cell, column: &ColumnSpec) -> Result<Value, String> {
    let expected = || column.kind.expected().to_owned();
    match cell {
        Cell::Empty => Ok(default_value(column.kind)),
        Cell::Text(t) => parse_text_typed(t, column),
        Cell::Number(n) => match column.kind {
            ColumnType::Date => n
                .parse::<f64>()
                .ok()
                .and_then(super::workbook::excel_serial_date)
                .map(Value::Date)
                .ok_or_else(expected),
            ColumnType::Integer => Decimal::from_str(n)
                .ok()
                .filter(|d| d.fract().is_zero())
                .and_then(|d| i64::try_from(d).ok())
                .map(Value::Integer)
                .ok_or_else(expected),
            ColumnType::Decimal => {
                let digits = n.bytes().filter(u8::is_ascii_digit).count();
                Decimal::from_str(n)
                    .ok()
                    .filter(|_| digits <= 15)
                    .map(Value::Decimal)
                    .ok_or_else(|| {
                        "số có tối đa 15 chữ số (hoặc ghi số dưới dạng văn bản)".to_owned()
                    })
            }
            ColumnType::Bool => match n.as_str() {
                "1" => Ok(Value::Bool(true)),
                "0" => Ok(Value::Bool(false)),
                _ => Err(expected()),
            },
            ColumnType::Text | ColumnType::Tags => parse_text_typed(n, column),
        },
        Cell::Date(d) => match column.kind {
            ColumnType::Date => Ok(Value::Date(*d)),
            ColumnType::Text | ColumnType::Tags => parse_text_typed(&vi_date(*d), column),
            _ => Err(expected()),
        },
        Cell::Bool(b) => match column.kind {
            ColumnType::Bool => Ok(Value::Bool(*b)),
            ColumnType::Text | ColumnType::Tags => parse_text_typed(&b.to_string(), column),
            _ => Err(expected()),
        },
    }
}

/// Reads text by the column's type: dates `d/m/yyyy`, ISO or portal timestamps; decimals with
/// `.` or `,` and thousands separators; the boolean spellings; surrounding spaces ignored.
fn parse_text_typed(cell: &str, column: &ColumnSpec) -> Result<Value, String> {
    let t = cell.trim();
    if t.is_empty() {
        return Ok(default_value(column.kind));
    }
    let expected = || column.kind.expected().to_owned();
    match column.kind {
        ColumnType::Text => {
            if column.values.is_empty() {
                Ok(Value::Text(t.to_owned()))
            } else if let Some(v) = column.values.iter().find(|v| v.as_str() == t) {
                // Spelled exactly as declared: no folding needed.
                Ok(Value::Text(v.clone()))
            } else {
                let folded = fold_header(t);
                column
                    .values
                    .iter()
                    .find(|v| fold_header(v) == folded)
                    .map(|v| Value::Text(v.clone()))
                    .ok_or_else(|| format!("một trong các giá trị {}", column.values.join(", ")))
            }
        }
        ColumnType::Date => match parse_dmy(t.as_bytes()) {
            Some(d) => Ok(Value::Date(d)),
            None => read_date(t)
                .map(Value::Date)
                .map_err(|problem| match problem {
                    DateProblem::Form => expected(),
                    DateProblem::NoSuchDay => problem.expected().to_owned(),
                }),
        },
        ColumnType::Bool => parse_bool(t).map(Value::Bool).ok_or_else(expected),
        ColumnType::Integer => parse_decimal(t)
            .filter(|d| d.fract().is_zero())
            .and_then(|d| i64::try_from(d).ok())
            .map(Value::Integer)
            .ok_or_else(expected),
        ColumnType::Decimal => parse_decimal(t).map(Value::Decimal).ok_or_else(expected),
        ColumnType::Tags => Ok(Value::Tags(
            t.split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        )),
    }
}

/// `dd/mm/yyyy` exactly (ten ASCII characters), the usual spelling of every export, read
/// without allocating; anything else is left to [`parse_date`], which reads it the same way.
pub(crate) fn parse_dmy(b: &[u8]) -> Option<crate::date::Date> {
    if b.len() != 10 || b[2] != b'/' || b[5] != b'/' {
        return None;
    }
    // The ten bytes as one word, the last two folded onto the slashes (a constant): a key for
    // the memo, never 0. Read as words: bytes stored one by one then read as a word stall.
    let head = b.first_chunk::<8>().map_or(0, |w| u64::from_le_bytes(*w));
    let key = head ^ (u64::from(b[8]) << 16) ^ (u64::from(b[9]) << 40);
    let slot = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize;
    if let Some(d) = DMY_MEMO.with(|memo| {
        let (k, d) = memo[slot].get();
        (k == key).then_some(d)
    }) {
        return Some(d);
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(num(6..10)?).ok()?;
    let date = crate::date::Date::from_ymd_opt(year, num(3..5)?, num(0..2)?)?;
    DMY_MEMO.with(|memo| memo[slot].set((key, date)));
    Some(date)
}

thread_local! {
    /// The last dates [`parse_dmy`] read, by their digits: an export's dates repeat (a few
    /// hundred days over millions of records), and the calendar arithmetic of a new one costs
    /// more than finding an old one. A memo of a pure function: results cannot differ.
    static DMY_MEMO: [std::cell::Cell<(u64, crate::date::Date)>; 64] =
        const { [const { std::cell::Cell::new((0, crate::date::Date::MIN)) }; 64] };
}

/// The boolean spellings of the reference set: `co`/`khong`, `x`/empty, `true`/`false`,
/// `1`/`0` (accents and case ignored).
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    // The usual spellings, without folding (which allocates).
    match text {
        "x" | "X" | "1" | "true" | "co" | "yes" => return Some(true),
        "0" | "false" | "khong" | "no" => return Some(false),
        _ => {}
    }
    match fold_header(text).as_str() {
        "co" | "x" | "true" | "1" | "dung" | "yes" => Some(true),
        "khong" | "false" | "0" | "sai" | "no" => Some(false),
        _ => None,
    }
}

/// In a date or a number that cannot be read, the first character that looks like one such
/// values are written with but is not (a letter O for a zero, a full-width digit, a space that
/// does not show), named with its place: the officer sees `02/01/2O26` as a good date. Only
/// in a value otherwise of digits and separators: a word (`hôm qua`) is no misprint.
pub(crate) fn look_alike(text: &str) -> Option<String> {
    let hidden = |c: char| c != ' ' && (c.is_whitespace() || crate::visible::is_hidden(c));
    let odd = |c: char| meant(c).is_some() || (c.is_numeric() && !c.is_ascii_digit()) || hidden(c);
    let numeric = text.chars().any(|c| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || "/-.,: +".contains(c) || odd(c));
    if !numeric {
        return None;
    }
    let (c, at) = text.chars().zip(1..).find(|&(c, _)| odd(c))?;
    let code = u32::from(c);
    // Named in words too: in many fonts `O` and `0` are one shape.
    let unicode = if c.is_ascii() {
        String::new()
    } else {
        format!(" (U+{code:04X})")
    };
    Some(match meant(c) {
        Some(m) if c.is_alphabetic() => {
            format!("ký tự thứ {at} là chữ cái `{c}`{unicode}, không phải chữ số `{m}`")
        }
        Some(m) => format!("ký tự thứ {at} là `{c}`{unicode}, không phải `{m}`"),
        None if hidden(c) => {
            format!("ký tự thứ {at} là khoảng trắng đặc biệt hoặc ký tự ẩn (U+{code:04X})")
        }
        None => format!("ký tự thứ {at} là chữ số khác (U+{code:04X}), không phải chữ số 0–9"),
    })
}

/// The character a date or a number means where it holds `c`, a look-alike of it.
fn meant(c: char) -> Option<char> {
    match c {
        'O' | 'o' | 'Ο' | 'ο' | 'О' | 'о' => Some('0'),
        'l' | 'I' | '|' => Some('1'),
        '０'..='９' => char::from_u32(u32::from(c) - 0xFF10 + u32::from('0')),
        '／' => Some('/'),
        '．' => Some('.'),
        '，' => Some(','),
        '‐' | '‑' | '‒' | '–' | '—' | '−' | '－' => Some('-'),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_look_alike_in_a_date_or_number_is_named_with_its_place() {
        assert_eq!(
            look_alike("02/01/2O26").as_deref(),
            Some("ký tự thứ 8 là chữ cái `O`, không phải chữ số `0`")
        );
        assert_eq!(
            look_alike("l5").as_deref(),
            Some("ký tự thứ 1 là chữ cái `l`, không phải chữ số `1`")
        );
        assert_eq!(
            look_alike("2О26").as_deref(),
            Some("ký tự thứ 2 là chữ cái `О` (U+041E), không phải chữ số `0`"),
            "a Cyrillic O"
        );
        assert_eq!(
            look_alike("1|2").as_deref(),
            Some("ký tự thứ 2 là `|`, không phải `1`")
        );
        assert_eq!(
            look_alike("０２/01/2026").as_deref(),
            Some("ký tự thứ 1 là `０` (U+FF10), không phải `0`")
        );
        assert_eq!(
            look_alike("02/01\u{a0}/2026").as_deref(),
            Some("ký tự thứ 6 là khoảng trắng đặc biệt hoặc ký tự ẩn (U+00A0)")
        );
        assert_eq!(
            look_alike("1\u{200b}2").as_deref(),
            Some("ký tự thứ 2 là khoảng trắng đặc biệt hoặc ký tự ẩn (U+200B)")
        );
        assert_eq!(
            look_alike("٣").as_deref(),
            None,
            "no ASCII digit: nothing says it was meant as a number"
        );
        assert_eq!(
            look_alike("1٣").as_deref(),
            Some("ký tự thứ 2 là chữ số khác (U+0663), không phải chữ số 0–9")
        );
        // Words, and values wrong otherwise, are left to the message as it is.
        for text in ["hôm qua", "todo 2026", "31/02/2026", "12,5,6", "", "O"] {
            assert_eq!(look_alike(text), None, "{text}");
        }
    }

    #[test]
    fn an_unpadded_cell_is_what_trimming_leaves() {
        let cells = [
            "",
            "a",
            " a",
            "a ",
            "\ta",
            "a\r",
            "\u{b}a",
            "a\u{b}",
            "\u{c}a",
            "\u{1f}a",
            "QĐ",
            "Đ",
            "định kỳ",
            "\u{a0}QĐ",
            "QĐ\u{a0}",
            "\u{3000}x",
            "x\u{2028}",
            "\u{85}",
            "ế\u{200b}",
            "\u{feff}x",
        ];
        for cell in cells {
            assert_eq!(unpadded(cell), cell.trim() == cell, "{cell:?}");
        }
    }

    fn column(kind: ColumnType) -> ColumnSpec {
        ColumnSpec {
            id: "c".to_owned(),
            kind,
            required: false,
            labels: Vec::new(),
            values: Vec::new(),
            min: None,
            max: None,
        }
    }

    #[test]
    fn reads_boolean_spellings() {
        for t in ["co", "Có", "x", "X", "true", "1"] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for t in ["khong", "Không", "false", "0"] {
            assert_eq!(parse_bool(t), Some(false), "{t}");
        }
        assert_eq!(parse_bool("maybe"), None);
    }

    #[test]
    fn reads_spreadsheet_cells() {
        let date = column(ColumnType::Date);
        // 46023 is 01/01/2026 in Excel's 1900 date system.
        assert_eq!(
            parse_cell(&Cell::Number("46023".into()), &date),
            Ok(Value::Date(
                chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default()
            ))
        );
        let integer = column(ColumnType::Integer);
        assert_eq!(
            parse_cell(&Cell::Number("4".into()), &integer),
            Ok(Value::Integer(4))
        );
        assert!(parse_cell(&Cell::Number("4.5".into()), &integer).is_err());
        let money = column(ColumnType::Decimal);
        assert_eq!(
            parse_cell(&Cell::Text(" 1.250.000 ".into()), &money),
            Ok(Value::Decimal(Decimal::from(1_250_000)))
        );
        let text = column(ColumnType::Text);
        assert_eq!(
            parse_cell(&Cell::Number("15".into()), &text),
            Ok(Value::Text("15".into()))
        );
    }
}
