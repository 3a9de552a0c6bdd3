//! The values a record test reads: typed cells ([`Value`]), the literals rules compare them
//! with ([`Lit`]), and a record's cells borrowed from typed values or streamed text
//! ([`CellRef`], [`Cells`]).

use rust_decimal::Decimal;
use unicode_normalization::UnicodeNormalization;

use crate::bytes::same_text;
use crate::date::{parse_date, Date};

/// A typed cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Empty,
    Text(String),
    Date(Date),
    Bool(bool),
    Integer(i64),
    Decimal(Decimal),
    Tags(Vec<String>),
}

impl Value {
    pub fn is_empty(&self) -> bool {
        matches!(self, Value::Empty)
    }

    pub fn as_date(&self) -> Option<Date> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    /// Booleans; an empty cell is false (`x` / empty is a boolean spelling).
    pub fn is_true(&self) -> bool {
        matches!(self, Value::Bool(true))
    }

    pub fn as_decimal(&self) -> Option<Decimal> {
        match self {
            Value::Integer(i) => Some(Decimal::from(*i)),
            Value::Decimal(d) => Some(*d),
            _ => None,
        }
    }

    /// The cell as text, for keys and messages.
    pub fn display(&self) -> String {
        match self {
            Value::Empty => String::new(),
            Value::Text(t) => t.clone(),
            Value::Date(d) => crate::date::vi_date(*d),
            Value::Bool(b) => if *b { "x" } else { "" }.to_owned(),
            Value::Integer(i) => i.to_string(),
            Value::Decimal(d) => crate::num::vi_decimal(*d),
            Value::Tags(t) => t.join(";"),
        }
    }
}

/// Folds a header for matching: NFC→NFD, accents dropped, `đ`→`d`, lower case, `_` as a
/// space, runs of spaces collapsed. "NGÀY TIẾP NHẬN", "Ngay tiep nhan" and `ngay_tiep_nhan`
/// all fold to `ngay tiep nhan`.
pub fn fold_header(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue;
        }
        let c = match c {
            'đ' | 'Đ' => 'd',
            '_' => ' ',
            c => c,
        };
        out.extend(c.to_lowercase());
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A value a rule compares cells with (`where_eq`, `where_in`), taken from rhai once.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Lit {
    /// A string, and the date it spells when it spells one (a date cell matches it).
    Str(String, Option<Date>),
    Num(Decimal),
    Bool(bool),
    Date(Date),
    /// `()`: matches an empty cell.
    Unit,
    /// Anything else: matches no cell.
    Other,
}

/// `s` in NFC, as every text of the evidence is read: a rule's literal typed in NFD (or built
/// from pieces at run time) then matches the cell it spells.
pub(crate) fn nfc(s: &str) -> String {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    if is_nfc_quick(s.chars()) == IsNormalized::Yes {
        s.to_owned()
    } else {
        s.nfc().collect()
    }
}

impl Lit {
    pub(crate) fn text(s: &str) -> Self {
        let s = nfc(s);
        let date = parse_date(&s);
        Lit::Str(s, date)
    }

    /// Whether cell `v` equals this literal, by the cell's type.
    pub(super) fn matches(&self, v: CellRef<'_>) -> bool {
        match (v, self) {
            (CellRef::Text(t), Lit::Str(w, _)) => same_text(w.as_bytes(), t.as_bytes()),
            (CellRef::Value(v @ (Value::Integer(_) | Value::Decimal(_))), Lit::Num(w)) => {
                v.as_decimal() == Some(*w)
            }
            (CellRef::Bool(b), Lit::Bool(w)) => b == *w,
            (CellRef::Date(d), Lit::Date(w)) => d == *w,
            (CellRef::Date(d), Lit::Str(_, w)) => Some(d) == *w,
            (CellRef::Value(Value::Tags(t)), Lit::Str(w, _)) => t.iter().any(|x| x == w),
            (CellRef::Empty, Lit::Unit) => true,
            _ => false,
        }
    }
}

/// A cell as a record test reads it, borrowed from typed values or from a streamed record's
/// text: both are tested by the same code ([`Atom::test`]).
#[derive(Debug, Clone, Copy)]
pub(crate) enum CellRef<'a> {
    Empty,
    Text(&'a str),
    Date(Date),
    Bool(bool),
    /// Any other value (numbers, tags).
    Value(&'a Value),
}

impl<'a> CellRef<'a> {
    pub(crate) fn of(value: &'a Value) -> Self {
        match value {
            Value::Empty => CellRef::Empty,
            Value::Text(t) => CellRef::Text(t),
            Value::Date(d) => CellRef::Date(*d),
            Value::Bool(b) => CellRef::Bool(*b),
            other => CellRef::Value(other),
        }
    }

    pub(super) fn as_date(self) -> Option<Date> {
        match self {
            CellRef::Date(d) => Some(d),
            _ => None,
        }
    }

    /// The cell as text, as [`Value::display`] shows it.
    pub(crate) fn display(self) -> String {
        match self {
            CellRef::Empty => Value::Empty.display(),
            CellRef::Text(t) => t.to_owned(),
            CellRef::Date(d) => Value::Date(d).display(),
            CellRef::Bool(b) => Value::Bool(b).display(),
            CellRef::Value(v) => v.display(),
        }
    }
}

/// A record's cells by declared column.
pub(crate) trait Cells {
    fn cell(&self, col: usize) -> CellRef<'_>;
}

impl Cells for [Value] {
    #[inline]
    fn cell(&self, col: usize) -> CellRef<'_> {
        self.get(col).map_or(CellRef::Empty, CellRef::of)
    }
}
