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

impl fmt::Display for Diagnostic {
    /// `path:line:column: message (column "x", value "v", expected e)` then the hint. Every part
    /// is shown with its hidden characters escaped (see [`crate::visible`]): a value is an
    /// attacker's text, and a terminal would obey the escapes in it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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
            details.push(format!("column `{}`", visible(name)));
        }
        if let Some(value) = &self.value {
            details.push(format!("value `{}`", visible(value)));
        }
        if let Some(expected) = &self.expected {
            details.push(format!("expected {}", visible(expected)));
        }
        if !details.is_empty() {
            write!(f, " ({})", details.join(", "))?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {}", visible(hint))?;
        }
        Ok(())
    }
}

/// Every problem found in one stage, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Why a run could not produce a report.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The criteria set is malformed: a key, an id, a sum, a rule.
    #[error("invalid criteria set:\n{0}")]
    Criteria(Diagnostics),
    /// An evidence file holds a value that cannot be read as its column's type.
    #[error("invalid evidence:\n{0}")]
    Evidence(Diagnostics),
    /// A file could not be read.
    #[error("cannot read {}: {source}", visible(&path.display().to_string()))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// All diagnostics this error carries (none for I/O errors).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            Error::Criteria(d) | Error::Evidence(d) => &d.0,
            Error::Io { .. } => &[],
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
