//! # parindex-render
//!
//! Renders a [`parindex_core::Report`] ([`render`], in any [`Format`]) into the formats the
//! field uses (par-index.md §5): the
//! Excel annex ([`render_xlsx`]), the three-part Word report ([`render_docx`]), a
//! self-contained printable HTML page ([`render_html`]) and a CSV of the table
//! ([`render_csv`]), and Markdown for a terminal ([`markdown`]: a report, its points lost, a
//! province, a ranking, a comparison, `explain`). Every renderer reads the same table model
//! ([`table`]) and the same Vietnamese words ([`labels`]) and returns bytes;
//! nothing reads the clock, so the same report gives the same file. Text from the evidence and
//! the officer reaches every file through one module (`text`): a cell that starts like a
//! formula stays text in CSV and Excel, and characters XML refuses never reach a file.

mod csv;
mod docx;
mod html;
pub mod labels;
pub mod markdown;
mod ranking;
pub mod table;
mod text;
mod xlsx;

pub use crate::csv::{render_csv, render_records_csv, render_text_csv};
pub use crate::docx::render_docx;
pub use crate::html::render_html;
pub use crate::markdown::{
    comparison_markdown, explain_markdown, explain_parts, explain_score_markdown, gaps_markdown,
    province_markdown, ranking_markdown, report_markdown, ExplainParts, RuleParts,
};
pub use crate::ranking::render_ranking_xlsx;
pub use crate::text::{code_spans, unquoted};
pub use crate::xlsx::render_xlsx;

/// The forms of a unit's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// The stable report, `parindex.report/1` ([`parindex_core::Report::to_json`]).
    Json,
    /// The scoring table for a terminal ([`report_markdown`]).
    Markdown,
    /// One self-contained printable page ([`render_html`]).
    Html,
    /// The Excel annex ([`render_xlsx`]).
    Xlsx,
    /// The three-part Word report ([`render_docx`]).
    Docx,
    /// The scoring table for any other tool ([`render_csv`]).
    Csv,
}

impl Format {
    /// Every format, in the order they are offered.
    pub const ALL: [Format; 6] = [
        Format::Xlsx,
        Format::Docx,
        Format::Html,
        Format::Json,
        Format::Csv,
        Format::Markdown,
    ];

    /// Its short name, which is also its file extension: `json`, `md`, `html`, `xlsx`,
    /// `docx`, `csv`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Xlsx => "xlsx",
            Format::Docx => "docx",
            Format::Csv => "csv",
        }
    }

    /// The format of this short name ([`Format::name`]).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The format a file name's extension asks for, whatever its case (`.htm` is HTML).
    pub fn from_path(path: &std::path::Path) -> Option<Self> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "htm" => Some(Format::Html),
            other => Self::from_name(other),
        }
    }

    /// Binary: never written to a terminal.
    pub fn is_binary(self) -> bool {
        matches!(self, Format::Xlsx | Format::Docx)
    }

    /// Its media type, for a download.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Csv => "text/csv; charset=utf-8",
        }
    }
}

/// The report in `format`, as bytes: what `parindex score` writes and the web app downloads.
///
/// # Errors
/// When the file cannot be built ([`RenderError`]).
pub fn render(
    report: &parindex_core::Report,
    format: Format,
    options: &RenderOptions,
) -> Result<Vec<u8>, RenderError> {
    Ok(match format {
        Format::Json => report.to_json().into_bytes(),
        Format::Markdown => report_markdown(report).into_bytes(),
        Format::Html => render_html(report, options)?.into_bytes(),
        Format::Xlsx => render_xlsx(report, options)?,
        Format::Docx => render_docx(report, options)?,
        Format::Csv => render_csv(report)?,
    })
}

/// What the officer adds to the rendered report beyond the score.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// Part 3 of the report: *khó khăn, vướng mắc và kiến nghị*, as the officer wrote it
    /// (paragraphs separated by blank lines).
    pub proposals: Option<String>,
}

/// Why a file could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("cannot write the file: {0}")]
    Write(String),
}

impl From<::csv::Error> for RenderError {
    fn from(e: ::csv::Error) -> Self {
        RenderError::Write(e.to_string())
    }
}
