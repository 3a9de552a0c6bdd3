//! The scoring table as CSV, for anyone else: UTF-8 with a byte-order mark (so that Excel
//! shows the Vietnamese), numbers with `.` so that any tool reads them.

use parindex_core::Report;

use crate::table::{rows, COLUMNS};
use crate::RenderError;

/// The table's columns, then one line per node and a total line.
pub fn render_csv(report: &Report) -> Result<Vec<u8>, RenderError> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    out.write_record(COLUMNS)?;
    let num = |d: rust_decimal::Decimal| d.normalize().to_string();
    for row in rows(report) {
        out.write_record([
            row.stt.as_str(),
            row.title.as_str(),
            &num(row.max),
            row.measure.as_str(),
            &row.points.map(num).unwrap_or_default(),
            &row.evidence.join("\n"),
            row.note.as_str(),
            &row.appraised.map(num).unwrap_or_default(),
            row.appraisal_note.as_str(),
        ])?;
    }
    let t = &report.total;
    out.write_record([
        "",
        "Tổng cộng",
        &num(t.max),
        "",
        &num(t.points),
        "",
        &crate::table::total_text(report),
        "",
        "",
    ])?;
    out.into_inner()
        .map_err(|e| RenderError::Write(e.error().to_string()))
}
