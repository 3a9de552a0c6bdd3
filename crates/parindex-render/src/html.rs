//! Placeholder being written in this session.

use parindex_core::Report;

use crate::{RenderError, RenderOptions};

pub fn render_html(_report: &Report, _options: &RenderOptions) -> Result<String, RenderError> {
    Err(RenderError::Write("html output is not written yet".to_owned()))
}
