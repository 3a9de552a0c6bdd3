//! # parindex-render
//!
//! Renders a [`parindex_core::Report`] into the formats the field uses (par-index.md §5): the
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

pub use crate::csv::render_csv;
pub use crate::docx::render_docx;
pub use crate::html::render_html;
pub use crate::markdown::{
    comparison_markdown, explain_markdown, explain_score_markdown, gaps_markdown,
    province_markdown, ranking_markdown, report_markdown,
};
pub use crate::ranking::render_ranking_xlsx;
pub use crate::xlsx::render_xlsx;

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
