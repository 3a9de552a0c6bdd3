//! The scoring table as CSV, for anyone else: UTF-8 with a byte-order mark (so that Excel
//! shows the Vietnamese), numbers with `.` so that any tool reads them. Every text cell goes
//! through [`csv_cell`]: one that starts like a formula (`=`, `+`, `-`, `@`, tab, CR) gets a
//! leading `'`, so that a spreadsheet shows it as text; number cells are written as numbers.

use std::borrow::Cow;

use parindex_core::explain::RecordTable;
use parindex_core::Report;

use crate::table::{rows, COLUMNS};
use crate::text::csv_cell;
use crate::RenderError;

/// The table's columns, then one line per node and a total line.
pub fn render_csv(report: &Report) -> Result<Vec<u8>, RenderError> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    write(&mut out, COLUMNS.map(csv_cell))?;
    let num = |d: rust_decimal::Decimal| d.normalize().to_string();
    for row in rows(report) {
        let evidence = row.evidence.join("\n");
        write(
            &mut out,
            [
                csv_cell(&row.stt),
                csv_cell(&row.title),
                num(row.max).into(),
                csv_cell(&row.measure),
                row.points.map(num).unwrap_or_default().into(),
                csv_cell(&evidence),
                csv_cell(&row.note),
                row.appraised.map(num).unwrap_or_default().into(),
                csv_cell(&row.appraisal_note),
            ],
        )?;
    }
    let t = &report.total;
    let total = crate::table::total_text(report);
    write(
        &mut out,
        [
            "".into(),
            csv_cell(crate::labels::TOTAL),
            num(t.max).into(),
            "".into(),
            num(t.points).into(),
            "".into(),
            csv_cell(&total),
            "".into(),
            "".into(),
        ],
    )?;
    out.into_inner()
        .map_err(|e| RenderError::Write(e.error().to_string()))
}

/// A row's deciding records in full ([`RecordTable`]) as CSV for a spreadsheet: UTF-8 with a
/// byte-order mark, a line of the table's column labels after `Dòng trong tệp`, then one line
/// per record (its line in the file, its cells as the report shows values), every text cell
/// through [`csv_cell`].
pub fn render_records_csv(table: &RecordTable) -> Result<Vec<u8>, RenderError> {
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let header = std::iter::once(csv_cell("Dòng trong tệp"))
        .chain(table.columns.iter().map(|(_, label)| csv_cell(label)));
    out.write_record(header.map(|c| c.into_owned()))?;
    for (line, cells) in &table.records {
        let record =
            std::iter::once(line.to_string()).chain(cells.iter().map(|c| csv_cell(c).into_owned()));
        out.write_record(record)?;
    }
    out.into_inner()
        .map_err(|e| RenderError::Write(e.error().to_string()))
}

/// A table of text as CSV (without a byte-order mark): every cell through [`csv_cell`], quoted
/// where the format needs it; every line the same number of cells.
pub fn render_text_csv<R, C>(rows: R) -> Result<Vec<u8>, RenderError>
where
    R: IntoIterator,
    R::Item: IntoIterator<Item = C>,
    C: AsRef<str>,
{
    let mut out = csv::Writer::from_writer(Vec::new());
    for row in rows {
        let cells: Vec<String> = row
            .into_iter()
            .map(|c| csv_cell(c.as_ref()).into_owned())
            .collect();
        out.write_record(&cells)?;
    }
    out.into_inner()
        .map_err(|e| RenderError::Write(e.error().to_string()))
}

/// One line: the number cells as computed, the text cells through [`csv_cell`].
fn write(out: &mut csv::Writer<Vec<u8>>, record: [Cow<'_, str>; 9]) -> Result<(), RenderError> {
    out.write_record(record.iter().map(|c| c.as_bytes()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::render_text_csv;

    #[test]
    fn a_text_table_is_quoted_where_needed_and_formulas_stay_text() {
        let csv = render_text_csv([["a", "b,c", "=1+1"], ["x \"y\"", "dòng 1\ndòng 2", "-1"]])
            .expect("written");
        assert_eq!(
            String::from_utf8(csv).expect("utf-8"),
            "a,\"b,c\",'=1+1\n\"x \"\"y\"\"\",\"dòng 1\ndòng 2\",'-1\n"
        );
    }
}
