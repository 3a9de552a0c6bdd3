//! Typed errors. The library reports; the binary decides how to print and which exit code.

use std::fmt;
use std::path::PathBuf;

use crate::visible::visible;

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

/// The language of a diagnostic's frame (`column`, `value`, `expected`, `hint`): evidence
/// problems reach the officer and are told in Vietnamese, criteria problems reach the set's
/// author and keep the developers' English of their messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Vi,
}

impl Lang {
    fn words(self) -> [&'static str; 4] {
        match self {
            Lang::En => ["column", "value", "expected", "hint"],
            Lang::Vi => ["cột", "giá trị", "cần", "gợi ý"],
        }
    }
}

impl Diagnostic {
    /// `path:line:column: message (column "x", value "v", expected e)` then the hint, in
    /// `lang`. Every part is shown with its hidden characters escaped (see
    /// [`crate::visible`]): a value is an attacker's text, and a terminal would obey the
    /// escapes in it.
    pub fn display(&self, lang: Lang) -> impl fmt::Display + '_ {
        Framed(std::slice::from_ref(self), lang)
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, lang: Lang) -> fmt::Result {
        let [column, value, expected, hint] = lang.words();
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
            details.push(format!("{column} `{}`", visible(name)));
        }
        if let Some(v) = &self.value {
            details.push(format!("{value} `{}`", visible(v)));
        }
        if let Some(e) = &self.expected {
            details.push(format!("{expected} {}", visible(e)));
        }
        if !details.is_empty() {
            write!(f, " ({})", details.join(", "))?;
        }
        if let Some(h) = &self.hint {
            write!(f, "\n  {hint}: {}", visible(h))?;
        }
        Ok(())
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, Lang::En)
    }
}

/// Diagnostics shown one a line, in a language.
struct Framed<'a>(&'a [Diagnostic], Lang);

impl fmt::Display for Framed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            d.write(f, self.1)?;
        }
        Ok(())
    }
}

/// Every problem found in one stage, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Every problem, one a line, in `lang`.
    pub fn display(&self, lang: Lang) -> impl fmt::Display + '_ {
        Framed(&self.0, lang)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        Framed(&self.0, Lang::En).fmt(f)
    }
}

/// Why a run could not produce a report.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The criteria set is malformed: a key, an id, a sum, a rule.
    #[error("invalid criteria set:\n{0}")]
    Criteria(Diagnostics),
    /// An evidence file holds a value that cannot be read as its column's type. Told in
    /// Vietnamese: the officer reads it.
    #[error("minh chứng không hợp lệ:\n{}", .0.display(Lang::Vi))]
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
fn io_reason(e: &std::io::Error) -> String {
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
