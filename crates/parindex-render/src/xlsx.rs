//! Placeholder being written in this session.

use parindex_core::Report;

use crate::{RenderError, RenderOptions};

pub fn render_xlsx(_report: &Report, _options: &RenderOptions) -> Result<Vec<u8>, RenderError> {
    Err(RenderError::Write("xlsx output is not written yet".to_owned()))
}
