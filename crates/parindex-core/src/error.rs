//! Typed errors. The library reports; the binary decides how to print and which exit code.

use std::fmt;
use std::path::PathBuf;

use crate::visible::visible;

/// A parser's message (toml's, serde_json's, or serde's own: a missing field, a wrong type) in
/// Vietnamese, line by line ("invalid string", then "expected …"); `format` names the
/// format in what is not known ("nội dung TOML không hợp lệ (…)"). The officer writes these
/// files by hand, and the parser's own words (`expected `.`, `=``) tell her nothing.
pub fn vi_parser_message(format: &str, message: &str) -> String {
    let quoted = |s: &str| -> Vec<String> {
        s.split('`')
            .skip(1)
            .step_by(2)
            .map(|q| format!("`{q}`"))
            .collect()
    };
    let kind = |s: &str| -> String {
        let s = s.trim().trim_start_matches("a ").trim_start_matches("an ");
        let word = s.split_whitespace().next().unwrap_or(s);
        // A struct's name is the program's (`RawSet`), not the file's: a table is all it says.
        if word == "struct" {
            return "bảng".to_owned();
        }
        let vi = match word {
            "integer" | "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" => {
                "số nguyên"
            }
            "float" | "f64" => "số thập phân",
            "string" | "str" => "chuỗi trong dấu ngoặc kép",
            "boolean" | "bool" => "giá trị true/false",
            "table" | "map" | "struct" => "bảng",
            "array" | "sequence" => "danh sách",
            "datetime" | "date-time" => "ngày giờ",
            _ => return s.to_owned(),
        };
        match s.split_once(' ') {
            Some((_, value)) => format!("{vi} {value}"),
            None => vi.to_owned(),
        }
    };
    let line = |l: &str| -> String {
        let q = quoted(l);
        let first = q.first().cloned().unwrap_or_default();
        if l == "expected `.`, `=`" {
            "sau tên khóa cần dấu `=` và một giá trị (ví dụ `ten = \"giá trị\"`)".to_owned()
        } else if let Some(rest) = l.strip_prefix("duplicate key ") {
            match rest.split_once(" in table ") {
                Some(_) => format!(
                    "khóa {first} được ghi hai lần trong bảng {}",
                    q.get(1).cloned().unwrap_or_default()
                ),
                None => format!("khóa {first} được ghi hai lần"),
            }
        } else if let Some(rest) = l.strip_prefix("invalid type: ") {
            match rest.split_once(", expected ") {
                Some((got, want)) => {
                    format!("kiểu giá trị sai: có {}, cần {}", kind(got), kind(want))
                }
                None => format!("kiểu giá trị sai: {rest}"),
            }
        } else if let Some(rest) = l.strip_prefix("invalid value: ") {
            match rest.split_once(", expected ") {
                Some((got, want)) => {
                    format!("giá trị không hợp lệ: có {}, cần {}", kind(got), kind(want))
                }
                None => format!("giá trị không hợp lệ: {rest}"),
            }
        } else if l.starts_with("missing field ") {
            format!("thiếu khóa {first}")
        } else if l.starts_with("unknown field ") || l.starts_with("unknown variant ") {
            let what = if l.starts_with("unknown field ") {
                ["khóa", "các khóa"]
            } else {
                ["giá trị", "các giá trị"]
            };
            let known = q.get(1..).unwrap_or_default();
            if known.is_empty() {
                format!("{} {first} không dùng được ở đây", what[0])
            } else {
                format!(
                    "{} {first} không dùng được ở đây; {} hợp lệ: {}",
                    what[0],
                    what[1],
                    known.join(", ")
                )
            }
        } else if l.starts_with("expected newline") {
            "sau một giá trị chỉ được xuống dòng hoặc ghi chú `#`".to_owned()
        } else if let Some(rest) = l.strip_prefix("expected ").filter(|r| r.contains('`')) {
            format!("cần {}", quoted(rest).join(" hoặc "))
        } else {
            match l {
                "invalid basic string" | "invalid literal string" | "invalid string" => {
                    "chuỗi không hợp lệ (thiếu dấu ngoặc kép?)".to_owned()
                }
                "invalid table header" => "tên bảng `[…]` không hợp lệ".to_owned(),
                "invalid array" => "danh sách `[…]` không hợp lệ".to_owned(),
                "invalid inline table" => "bảng `{…}` không hợp lệ".to_owned(),
                "invalid key" | "invalid unquoted key" => "tên khóa không hợp lệ".to_owned(),
                "invalid escape sequence" => "ký tự `\\` trong chuỗi không hợp lệ".to_owned(),
                "invalid date-time" => "ngày giờ không hợp lệ".to_owned(),
                "value is out of range" => "giá trị ngoài khoảng cho phép".to_owned(),
                "invalid number" | "invalid integer" | "invalid floating-point number" => {
                    "số không hợp lệ".to_owned()
                }
                // serde_json's own.
                "expected value" => "cần một giá trị".to_owned(),
                "expected ident" => "cần true, false hoặc null".to_owned(),
                "key must be a string" => "tên khóa phải nằm trong dấu ngoặc kép".to_owned(),
                "trailing comma" => "dấu `,` thừa trước dấu đóng".to_owned(),
                "trailing characters" => "còn nội dung sau khi đã hết".to_owned(),
                "recursion limit exceeded" => "lồng nhau quá sâu".to_owned(),
                "number out of range" => "số ngoài khoảng cho phép".to_owned(),
                l if l.starts_with("EOF while parsing") => {
                    "nội dung hết giữa chừng (thiếu dấu đóng?)".to_owned()
                }
                l if l.starts_with("control character") => "chuỗi có ký tự điều khiển".to_owned(),
                // parindex's own message (a deserializer's `custom`), in Vietnamese already.
                own if said_in_vietnamese(own) => own.to_owned(),
                other => format!("nội dung {format} không hợp lệ ({})", visible(other)),
            }
        }
    };
    message.lines().map(line).collect::<Vec<_>>().join("; ")
}

/// Whether a message is in Vietnamese: a letter outside ASCII where it is not quoting a value
/// (`…`, "…"). The parsers' English quotes a value in backticks or double quotes.
fn said_in_vietnamese(message: &str) -> bool {
    let mut quote = None;
    for c in message.chars() {
        match (quote, c) {
            (None, '`' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, c) if c.is_alphabetic() && !c.is_ascii() => return true,
            _ => {}
        }
    }
    false
}

/// A serde_json error in Vietnamese ([`vi_parser_message`]), with its line and column.
pub fn vi_json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let message = match text.rsplit_once(" at line ") {
        Some((m, _)) if e.line() > 0 => m,
        _ => text.as_str(),
    };
    let said = vi_parser_message("JSON", message);
    if e.line() > 0 {
        format!("{said} (dòng {}, cột {})", e.line(), e.column())
    } else {
        said
    }
}

/// One problem found in an input file, with where it is and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file the problem is in.
    pub path: PathBuf,
    /// The sheet, for workbooks.
    pub sheet: Option<String>,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column (or the column's header, in `column_name`), when known.
    pub column: Option<usize>,
    /// The table column the value sits under, for evidence files.
    pub column_name: Option<String>,
    /// What is wrong.
    pub message: String,
    /// The offending value, as written.
    pub value: Option<String>,
    /// What would have been accepted.
    pub expected: Option<String>,
    /// How to fix it, when there is something useful to say.
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            sheet: None,
            line: None,
            column: None,
            column_name: None,
            message: message.into(),
            value: None,
            expected: None,
            hint: None,
        }
    }

    pub fn sheet(mut self, sheet: Option<&str>) -> Self {
        self.sheet = sheet.map(str::to_owned);
        self
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    pub fn line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    pub fn column_name(mut self, name: impl Into<String>) -> Self {
        self.column_name = Some(name.into());
        self
    }

    pub fn value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl Diagnostic {
    /// `path:line:column: message (cột `x`, giá trị `v`, cần e)` then the hint (`gợi ý`):
    /// framed in Vietnamese as every message parindex writes is, for the officer, the set's
    /// author and a developer's log alike. Every part is shown with its hidden characters
    /// escaped (see [`crate::visible`]): a value is an attacker's text, and a terminal would
    /// obey the escapes in it.
    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", visible(&self.path.display().to_string()))?;
        if let Some(sheet) = &self.sheet {
            write!(f, "[{}]", visible(sheet))?;
        }
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        write!(f, ": {}", visible(&self.message))?;
        let mut details = Vec::new();
        if let Some(name) = &self.column_name {
            details.push(format!("cột `{}`", visible(name)));
        }
        if let Some(v) = &self.value {
            details.push(format!("giá trị `{}`", visible(v)));
        }
        if let Some(e) = &self.expected {
            details.push(format!("cần {}", visible(e)));
        }
        if !details.is_empty() {
            write!(f, " ({})", details.join(", "))?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\n  gợi ý: {}", visible(h))?;
        }
        Ok(())
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f)
    }
}

/// Every problem found in one stage, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

/// Every problem, one a line.
impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            d.write(f)?;
        }
        Ok(())
    }
}

/// Why a run could not produce a report.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The criteria set is malformed: a key, an id, a sum, a rule. Told in Vietnamese, as
    /// everything: its author reads it.
    #[error("bộ tiêu chí không hợp lệ:\n{0}")]
    Criteria(Diagnostics),
    /// An evidence file holds a value that cannot be read as its column's type. Told in
    /// Vietnamese: the officer reads it.
    #[error("minh chứng không hợp lệ:\n{0}")]
    Evidence(Diagnostics),
    /// A file could not be read.
    #[error("{}", unreadable(&path.display().to_string(), source))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// The message, with the file an I/O error is about named `name` instead of by its path
    /// (a server names a file by its place in the folder it was sent, not by where it holds
    /// it); any other error's message as it is.
    pub fn message_naming(&self, name: &str) -> String {
        match self {
            Error::Io { source, .. } => unreadable(name, source),
            other => other.to_string(),
        }
    }

    /// All diagnostics this error carries (none for I/O errors).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Criteria(d) | Error::Evidence(d) => &d.0,
            Error::Io { .. } => &[],
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The message of a file that could not be read, named `name`.
fn unreadable(name: &str, source: &std::io::Error) -> String {
    format!("không đọc được {}: {}", visible(name), io_reason(source))
}

/// Why a file could not be read, in Vietnamese for the usual reasons (the system's own words,
/// in English, otherwise).
pub(crate) fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let own = e.get_ref().map(ToString::to_string);
    match (e.kind(), own) {
        // A message written by parindex itself (a refused FIFO, a missing evidence folder).
        (_, Some(own)) => visible(&own).into_owned(),
        (K::NotFound, None) => "không tìm thấy tệp hoặc thư mục".to_owned(),
        (K::PermissionDenied, None) => "không có quyền đọc".to_owned(),
        (K::IsADirectory, None) => "đây là một thư mục, không phải tệp".to_owned(),
        (_, None) => visible(&e.to_string()).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::vi_parser_message;

    fn toml(message: &str) -> String {
        vi_parser_message("TOML", message)
    }

    #[test]
    fn serde_messages_of_a_criteria_file_are_told_in_vietnamese() {
        assert_eq!(
            toml("unknown field `version`, expected one of `set`, `rating`, `tables`"),
            "khóa `version` không dùng được ở đây; các khóa hợp lệ: `set`, `rating`, `tables`"
        );
        assert_eq!(
            toml("unknown field `dated`, expected `table` or `tags`"),
            "khóa `dated` không dùng được ở đây; các khóa hợp lệ: `table`, `tags`"
        );
        assert_eq!(
            toml("unknown field `x`, there are no fields"),
            "khóa `x` không dùng được ở đây"
        );
        assert_eq!(
            toml("unknown variant `selff`, expected one of `self`, `survey`, `penalty`"),
            "giá trị `selff` không dùng được ở đây; các giá trị hợp lệ: `self`, `survey`, `penalty`"
        );
        assert_eq!(toml("missing field `max`"), "thiếu khóa `max`");
        assert_eq!(
            toml("invalid type: string \"2026\", expected i32"),
            "kiểu giá trị sai: có chuỗi trong dấu ngoặc kép \"2026\", cần số nguyên"
        );
        assert_eq!(
            toml("invalid type: integer `1`, expected struct RawSet"),
            "kiểu giá trị sai: có số nguyên `1`, cần bảng"
        );
        assert_eq!(
            toml("invalid type: sequence, expected a map"),
            "kiểu giá trị sai: có danh sách, cần bảng"
        );
        assert_eq!(
            toml("invalid value: string \"năm\", expected một số thập phân, ví dụ 2.5"),
            "giá trị không hợp lệ: có chuỗi trong dấu ngoặc kép \"năm\", cần một số thập phân, ví dụ 2.5"
        );
        assert_eq!(
            toml("duplicate key `year` in table `set`"),
            "khóa `year` được ghi hai lần trong bảng `set`"
        );
        assert_eq!(
            toml("invalid table header\nexpected `.`, `]`"),
            "tên bảng `[…]` không hợp lệ; cần `.` hoặc `]`"
        );
    }

    #[test]
    fn a_message_of_parindex_is_kept_and_an_unknown_one_is_framed() {
        // A deserializer's own message, in Vietnamese already: as it is.
        let own = "`0.1` không phải số thập phân chính xác; hãy viết số trong dấu ngoặc kép";
        assert_eq!(toml(own), own);
        // An English one not worded here: framed, its words kept for whoever can read them.
        assert_eq!(
            toml("unexpected thing \"ở\""),
            "nội dung TOML không hợp lệ (unexpected thing \"ở\")"
        );
    }
}
