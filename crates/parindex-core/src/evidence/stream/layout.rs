//! Records typed and checked by the table's layout (what the kernel refuses), and blocks the
//! `csv` crate splits (quoted line breaks, a lone `\r`).

use std::path::Path;

use super::reader::Block;
use super::tally::{At, Part};
use super::worker::Scratch;
use crate::error::Diagnostic;
use crate::evidence::read::{csv_diagnostic, Layout, Lines, RowCells};

/// [`read_record`] for a record of `len` fields; `false` (the record is broken) when the header
/// has another number.
pub(super) fn read_fields<R: RowCells>(
    part: &mut Part<'_>,
    layout: &Layout,
    path: &Path,
    row: Row<'_, R>,
    len: usize,
    scratch: &mut Scratch,
) -> bool {
    if len != layout.headers.len() {
        part.broken(row.at, wrong_length(path, row.line, len, layout));
        return false;
    }
    read_record(part, layout, path, row, scratch);
    true
}

/// `bytes`, from the middle of a file, as the `csv` crate must read them: a byte-order mark
/// opening them is text there, but the crate drops one that opens its input; so a blank line,
/// which it skips, goes first. Also how many bytes (and lines) were put before.
pub(super) fn mid_file(bytes: &[u8]) -> (std::borrow::Cow<'_, [u8]>, u64) {
    if !bytes.starts_with(b"\xEF\xBB\xBF") {
        return (std::borrow::Cow::Borrowed(bytes), 0);
    }
    let mut owned = Vec::with_capacity(bytes.len() + 1);
    owned.push(b'\n');
    owned.extend_from_slice(bytes);
    (std::borrow::Cow::Owned(owned), 1)
}

/// The records of delimited text with no header row; rows may differ in length (checked by
/// the caller, which knows the header).
pub(super) fn records(bytes: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes)
}

/// One record's cells and where it starts.
#[derive(Debug, Clone, Copy)]
pub(super) struct Row<'r, R> {
    cells: &'r R,
    line: u64,
    at: At,
}

impl<'r, R: RowCells> Row<'r, R> {
    pub(super) fn new(cells: &'r R, line: u64, at: At) -> Self {
        Self { cells, line, at }
    }
}

/// Types one record and aggregates it, or reports its bad cells.
fn read_record<R: RowCells>(
    part: &mut Part<'_>,
    layout: &Layout,
    path: &Path,
    row: Row<'_, R>,
    scratch: &mut Scratch,
) {
    let Scratch { values, bad, .. } = scratch;
    bad.clear();
    layout.read_row(part.plan.spec, row.cells, values, |col, why| {
        bad.push((col, why));
    });
    if bad.is_empty() {
        part.feed(values, row.line);
    } else {
        for (col, why) in bad.drain(..) {
            let d = layout.bad_cell(path, None, row.line, row.cells, col, why);
            part.bad_cell(row.at, d);
        }
    }
}

fn wrong_length(path: &Path, line: u64, len: usize, layout: &Layout) -> Diagnostic {
    crate::evidence::read::ragged_row(path, line, len, layout.headers.len())
}

/// [`read_block`](super::worker) for a block with a quoted line break or a lone `\r`: the `csv` crate splits it. `bytes` is
/// UTF-8 in NFC; its first record starts on line `line`.
pub(super) fn read_quoted_block(
    part: &mut Part<'_>,
    layout: &Layout,
    path: &Path,
    delimiter: u8,
    bytes: &[u8],
    block: &Block,
) {
    let (bytes, shift) = mid_file(bytes);
    let mut rdr = records(&bytes, delimiter);
    let mut record = csv::StringRecord::new();
    let mut scratch = Scratch::new(part.plan.spec);
    let mut lines = Lines::new(&bytes, block.line.saturating_sub(shift));
    let here = |p: Option<&csv::Position>| {
        let byte = p.map_or(0, csv::Position::byte);
        (block.seq, byte.saturating_sub(shift))
    };
    loop {
        match rdr.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => {
                let line = lines.of(e.position());
                part.broken(here(e.position()), csv_diagnostic(path, &e, line));
                return;
            }
        }
        let line = lines.of(record.position());
        let row = Row::new(&record, line, here(record.position()));
        if !read_fields(part, layout, path, row, record.len(), &mut scratch) {
            return;
        }
    }
}
