//! A worker's reading of one block: checked UTF-8 and in NFC, its records split in place and
//! read by the kernel, or by the layout, or the block handed to the `csv` crate.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use unicode_normalization::UnicodeNormalization;

use super::kernel::Kernel;
use super::layout::{mid_file, read_fields, read_quoted_block, records, Row};
use super::reader::{Block, RecordEnds};
use super::split::{split_quoted, split_record, PlainRecords};
use super::tally::{At, Part};
use crate::criteria::TableSpec;
use crate::evidence::read::{csv_diagnostic, Fields, Layout, Strategy};
use crate::evidence::text::is_nfc;
use crate::evidence::Value;
use crate::query::CellRef;

/// Reads one block: checked UTF-8 (every block, even after a broken row: a file that is not
/// UTF-8 throughout is read whole, by its detected encoding, like any other), then its
/// records, unless a row before broke the table.
pub(super) fn take_block(
    part: &mut Part<'_>,
    reading: &Reading<'_>,
    not_utf8: &AtomicBool,
    block: &Block,
) {
    if not_utf8.load(Ordering::Relaxed) {
        return;
    }
    match simdutf8::basic::from_utf8(&block.bytes) {
        Err(_) => not_utf8.store(true, Ordering::Relaxed),
        Ok(text) if part.broken.is_none() => read_block(part, reading, block, text),
        Ok(_) => {}
    }
}

/// Types and aggregates the records of one block, `text` (its bytes, checked UTF-8).
fn read_block(part: &mut Part<'_>, reading: &Reading<'_>, block: &Block, text: &str) {
    let Reading {
        layout,
        path,
        delimiter,
        strategy,
        ..
    } = *reading;
    // In NFC as a whole, before splitting, as a file read whole is: normalising can make a
    // delimiter (U+037E is `;`).
    let normalized: String;
    let text = if is_nfc(text) {
        text
    } else {
        normalized = text.nfc().collect();
        &normalized
    };
    let bytes = text.as_bytes();
    let odd = memchr::memchr2(b'"', b'\r', bytes).map(|_| RecordEnds::of(bytes, delimiter));
    let quotes = odd.is_some() && memchr::memchr(b'"', bytes).is_some();
    let odd_block = odd.is_some_and(|e| e.quoted_break || e.lone_cr);
    if strategy == Strategy::Csv || !delimiter.is_ascii() || odd_block {
        return read_quoted_block(part, layout, path, delimiter, bytes, block);
    }
    // No line break inside quotes: a record is a line, a field what lies between delimiters
    // (or between quotes).
    let mut scratch = Scratch::new(part.plan.spec);
    let mut fields: Vec<&str> = Vec::with_capacity(layout.headers.len());
    let mut line = block.line;
    if !quotes {
        // Read by the kernel as they are split; split into fields for the layout (a record
        // the kernel refuses) or for the needs that want the record's values.
        let kernel = reading.kernel_for(part);
        let mut rows = PlainRecords::new(text, delimiter);
        // Past the last line feed: nothing, or a blank line.
        while rows.record_start() < text.len() {
            let start = rows.record_start();
            let (at, here) = (line, (block.seq, start as u64));
            line += 1;
            if let Some(kernel) = kernel {
                let (cells, values) = (&mut scratch.cells, &mut scratch.values);
                if let Some(answered) = kernel.read_plain(&mut rows, cells, values) {
                    if let Some(pending) = part.count_read(&scratch, answered, at) {
                        split_record(text, start, rows.record_start(), delimiter, &mut fields);
                        part.add_read(layout, &fields, &mut scratch.values, pending, at);
                    }
                    continue;
                }
                rows.skip_record();
                split_record(text, start, rows.record_start(), delimiter, &mut fields);
            } else {
                rows.next_record(&mut fields);
            }
            let blank = matches!(fields[..], [""]);
            if !blank && !read_by_layout(part, reading, &fields, (at, here), &mut scratch) {
                return;
            }
        }
        return;
    }
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()).chain([text.len()]) {
        let raw = &text[start..end];
        let row = raw.strip_suffix('\r').unwrap_or(raw);
        let (at, here) = (line, (block.seq, start as u64));
        (start, line) = (end + 1, line + 1);
        if row.is_empty() {
            continue;
        }
        let read = if split_quoted(row, delimiter, &mut fields) {
            read_split(part, reading, &fields, (at, here), &mut scratch)
        } else {
            // Escaped quotes, text after a closing quote: the `csv` crate's reading.
            let (row, _) = mid_file(row.as_bytes());
            let mut rdr = records(&row, delimiter);
            let mut record = csv::StringRecord::new();
            match rdr.read_record(&mut record) {
                Ok(_) => {
                    let row = Row::new(&record, at, here);
                    read_fields(part, layout, path, row, record.len(), &mut scratch)
                }
                Err(e) => {
                    part.broken(here, csv_diagnostic(path, &e, at));
                    false
                }
            }
        };
        if !read {
            return;
        }
    }
}

/// What a worker reads a file's blocks with.
#[derive(Debug, Clone, Copy)]
pub(super) struct Reading<'a> {
    pub(super) layout: &'a Layout,
    pub(super) kernel: &'a Kernel<'a>,
    pub(super) path: &'a Path,
    pub(super) delimiter: u8,
    pub(super) strategy: Strategy,
}

impl<'a> Reading<'a> {
    /// The kernel, when it may read records: it answers the needs' tests, so without a
    /// matcher (every need tests typed values) or when the layout must read every record, it
    /// does not.
    fn kernel_for(&self, part: &Part<'_>) -> Option<&'a Kernel<'a>> {
        (part.matcher.is_some() && self.strategy != Strategy::Layout).then_some(self.kernel)
    }
}

/// [`read_fields`] for a record split in place: read by the kernel when its cells have their
/// usual spellings, else by the layout. `(line, at)` is where the record starts.
fn read_split<'r: 't, 't>(
    part: &mut Part<'_>,
    reading: &Reading<'r>,
    fields: &[&'t str],
    (line, at): (u64, At),
    scratch: &mut Scratch<'t>,
) -> bool {
    // Without a matcher every need tests typed values. The kernel refuses a record of
    // another length than the header's; the layout says what is wrong with it.
    let answered = (reading.kernel_for(part))
        .map(|kernel| kernel.read(fields, &mut scratch.cells, &mut scratch.values));
    if let Some(answered) = answered.flatten() {
        if let Some(pending) = part.count_read(scratch, answered, line) {
            part.add_read(reading.layout, fields, &mut scratch.values, pending, line);
        }
        return true;
    }
    read_by_layout(part, reading, fields, (line, at), scratch)
}

/// [`read_fields`] of a record split in place, by the layout.
fn read_by_layout<'t>(
    part: &mut Part<'_>,
    reading: &Reading<'_>,
    fields: &[&'t str],
    (line, at): (u64, At),
    scratch: &mut Scratch<'t>,
) -> bool {
    let cells = Fields(fields);
    let row = Row::new(&cells, line, at);
    read_fields(
        part,
        reading.layout,
        reading.path,
        row,
        fields.len(),
        scratch,
    )
}

/// A worker's row of values and cells, overwritten record after record (the cells borrow
/// the block's text), and the bad cells of one.
pub(super) struct Scratch<'t> {
    pub(super) values: Vec<Value>,
    pub(super) cells: Vec<Option<CellRef<'t>>>,
    pub(super) bad: Vec<(usize, crate::evidence::read::BadCell)>,
}

impl Scratch<'_> {
    pub(super) fn new(spec: &TableSpec) -> Self {
        Self {
            values: Vec::with_capacity(spec.columns.len()),
            cells: Vec::with_capacity(spec.columns.len()),
            bad: Vec::new(),
        }
    }
}
