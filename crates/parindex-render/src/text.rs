//! Text from evidence and from the officer, made safe for the file it is written into. Every
//! spreadsheet form sends its text through here, so that a hostile evidence folder is handled
//! once.
//!
//! - **Formulas** (OWASP's *CSV injection*): a spreadsheet reads a cell that starts with `=`,
//!   `+`, `-`, `@`, tab or CR as a formula, and a document number such as
//!   `=HYPERLINK("http://evil.example", …)` would become a live link. [`csv_cell`] puts a single
//!   quote `'` before such a CSV text cell; the Excel annex writes such text as a string cell
//!   with Excel's own quote prefix ([`starts_like_formula`]), so that it stays text even when the
//!   officer edits the cell. Numbers the report computes (points, maxima, indices) are written as
//!   numbers and never pass through here: `-1` for a penalty stays the number -1.

use std::borrow::Cow;

/// What a spreadsheet reads as the start of a formula (OWASP).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a spreadsheet would read a cell holding `text` as a formula.
pub(crate) fn starts_like_formula(text: &str) -> bool {
    text.starts_with(FORMULA_STARTS)
}

/// A CSV text cell: `text`, with a single quote before it when it starts like a formula, so
/// that a spreadsheet opening the file shows the text instead of computing it.
pub(crate) fn csv_cell(text: &str) -> Cow<'_, str> {
    if starts_like_formula(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cell_quotes_what_starts_like_a_formula() {
        for s in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(csv_cell(s), format!("'{s}"));
        }
        for s in ["", "1", "a=1", " =1", "'=1", "Kế hoạch"] {
            assert_eq!(csv_cell(s), s);
        }
    }
}
