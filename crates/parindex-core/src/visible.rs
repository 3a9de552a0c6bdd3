//! Text as a person can safely see it: evidence comes from strangers, and a control character
//! echoed raw on a terminal (an ANSI escape) can erase or fake what the officer reads, while an
//! invisible one (a byte-order mark, a zero-width space in a header) hides why a value is
//! refused. Every message and every Markdown output goes through here.

use std::borrow::Cow;

/// Whether `c` would not show as itself: a control character (C0, DEL, C1), a format
/// character that takes no room (zero-width spaces and joiners, bidirectional controls, the
/// byte-order mark, the soft hyphen), a line or paragraph separator, or a noncharacter.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{AD}'
                | '\u{34F}'
                | '\u{61C}'
                | '\u{115F}'..='\u{1160}'
                | '\u{17B4}'..='\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFFB}'
                | '\u{FFFE}'..='\u{FFFF}'
        )
}

/// `text` with every hidden character (see [`is_hidden`]) written as `<U+XXXX>`: for one
/// value or one line of a message.
pub fn visible(text: &str) -> Cow<'_, str> {
    escape(text, |_| false)
}

/// [`visible`] for a whole document of lines (Markdown): line breaks stay.
pub fn visible_lines(text: &str) -> Cow<'_, str> {
    escape(text, |c| c == '\n')
}

fn escape(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(|c| is_hidden(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_hidden(c) && !keep(c) {
            out.push_str(&format!("<U+{:04X}>", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_would_obey_or_hide() {
        assert_eq!(visible("Sở KH&CN"), "Sở KH&CN");
        assert_eq!(visible("a\u{1b}[2Jb"), "a<U+001B>[2Jb");
        assert_eq!(visible("ngay\u{200B}_ban_hanh"), "ngay<U+200B>_ban_hanh");
        assert_eq!(visible("\u{FEFF}ma"), "<U+FEFF>ma");
        assert_eq!(visible("a\nb\tc\rd"), "a<U+000A>b<U+0009>c<U+000D>d");
        assert_eq!(visible("\u{9b}31m"), "<U+009B>31m");
        assert_eq!(visible("x\u{202E}gnp.exe"), "x<U+202E>gnp.exe");
        assert_eq!(
            visible_lines("| a |\n| b\u{7} |\n"),
            "| a |\n| b<U+0007> |\n"
        );
    }
}
