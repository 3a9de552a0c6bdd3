//! Text from evidence and from the officer, made safe for the file it is written into. Every
//! renderer sends its text through here, so that a hostile evidence folder is handled once:
//!
//! - **Formulas** (OWASP's *CSV injection*): a spreadsheet reads a cell that starts with `=`,
//!   `+`, `-`, `@`, tab or CR as a formula, and a document number such as
//!   `=HYPERLINK("http://evil.example", …)` would become a live link. [`csv_cell`] puts a single
//!   quote `'` before such a CSV text cell; the Excel annex writes such text as a string cell
//!   with Excel's own quote prefix ([`starts_like_formula`]), so that it stays text even when the
//!   officer edits the cell. Numbers the report computes (points, maxima, indices) are written as
//!   numbers and never pass through here: `-1` for a penalty stays the number -1.
//! - **Characters XML refuses** (and HTML calls parse errors): [`printable`] replaces them, for
//!   the Word, Excel and HTML forms alike.

use std::borrow::Cow;

/// A text of the library's as (code, piece): what it quotes in backticks (a fact's name
/// `` `dvsn_tu_chu` ``, a table, a document group) is code. An unpaired backtick stays text.
pub fn code_spans(text: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some((before, after)) = rest.split_once('`') {
        let Some((code, tail)) = after.split_once('`') else {
            break;
        };
        if !before.is_empty() {
            out.push((false, before));
        }
        out.push((true, code));
        rest = tail;
    }
    if !rest.is_empty() {
        out.push((false, rest));
    }
    out
}

/// A text of the library's as a document the unit sends writes it (the Word report, the Excel
/// annex, the HTML page, the CSV table): its quoted names without their backticks, which are
/// for the pages and the terminal (`tăng … (dvsn_tu_chu) thêm 1`). Only the library's own
/// texts come here: the officer's words are written as she wrote them.
pub fn unquoted(text: &str) -> Cow<'_, str> {
    let spans = code_spans(text);
    if !spans.iter().any(|(code, _)| *code) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(spans.into_iter().map(|(_, piece)| piece).collect())
}

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

/// `text` without the characters that make a docx or xlsx unreadable (XML 1.0 refuses them) or
/// that HTML calls parse errors:
///
/// - CR LF and a lone CR become LF, the one line break every renderer lays out;
/// - vertical tab (U+000B, Excel's `_x000B_` and Word's manual line break) and form feed
///   (U+000C, a page break) become LF too: they broke a line where they came from;
/// - every other control character but tab and LF (U+0000–U+001F, U+007F–U+009F) and every
///   noncharacter (U+FFFE, U+FFFF and the like) becomes U+FFFD �, so that the officer sees that
///   something stood there and can look for it in the evidence.
pub(crate) fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_care) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                // CR LF is one line break.
                chars.next_if_eq(&'\n');
                out.push('\n');
            }
            '\u{b}' | '\u{c}' => out.push('\n'),
            c if needs_care(c) => out.push(char::REPLACEMENT_CHARACTER),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Whether [`printable`] changes `c`.
fn needs_care(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n') || is_noncharacter(c)
}

/// U+FDD0–U+FDEF and the last two code points of every plane.
fn is_noncharacter(c: char) -> bool {
    let c = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&c) || c & 0xFFFE == 0xFFFE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_keeps_tab_and_line_feed_and_breaks_lines_at_cr_vt_ff() {
        assert_eq!(printable("a\tb\nc"), "a\tb\nc");
        assert_eq!(printable("a\r\nb\rc\u{b}d\u{c}e"), "a\nb\nc\nd\ne");
        assert_eq!(printable("a\u{0}b\u{1f}c\u{7f}d\u{85}e"), "a�b�c�d�e");
        assert_eq!(printable("\u{fffe}\u{ffff}\u{fdd0}\u{1fffe}"), "����");
        assert_eq!(printable("Sở KH&CN — ✓ 𝔸"), "Sở KH&CN — ✓ 𝔸");
    }

    #[test]
    fn csv_cell_quotes_what_starts_like_a_formula() {
        for s in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(csv_cell(s), format!("'{s}"));
        }
        for s in ["", "1", "a=1", " =1", "'=1", "Kế hoạch"] {
            assert_eq!(csv_cell(s), s);
        }
    }

    #[test]
    fn a_document_writes_a_quoted_name_without_its_backticks() {
        assert_eq!(
            unquoted("tăng số đơn vị (`dvsn_tu_chu`) thêm 1; nhóm `ke-hoach`"),
            "tăng số đơn vị (dvsn_tu_chu) thêm 1; nhóm ke-hoach"
        );
        // Nothing quoted: the text itself; a backtick left open stays.
        assert!(matches!(unquoted("Tỷ lệ 7/8"), Cow::Borrowed(_)));
        assert_eq!(unquoted("a ` b"), "a ` b");
        assert_eq!(unquoted("`a` ` b"), "a ` b");
    }
}
