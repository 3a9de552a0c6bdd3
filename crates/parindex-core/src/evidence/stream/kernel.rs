//! The kernel: a record's cells read straight from the text when every cell has its usual
//! spelling, the record tests on one column answered as it goes.

use super::split::PlainRecords;
use crate::bytes::same_text;
use crate::criteria::{ColumnType, TableSpec};
use crate::evidence::cells::{default_value, parse_dmy, parse_text_into, unpadded};
use crate::evidence::read::Layout;
use crate::evidence::Value;
use crate::query::{Atom, CellRef, Cells};

/// How the records of a file are read when every cell has its usual spelling: straight from
/// the text into [`CellRef`]s, no value built, and the record tests on one column (a flag, a
/// choice, a date within bounds) answered as the cell is read. A cell spelled otherwise
/// (spaces around it, a date not `dd/mm/yyyy`, a value matched only once folded, anything
/// wrong) sends its record through [`Layout::read_row`], which reads anything and says what is
/// wrong: on the cells the kernel accepts, both read the same (`tests/streaming.rs`, fuzz
/// target `evidence_stream`).
#[derive(Debug)]
pub(super) struct Kernel<'a> {
    spec: &'a TableSpec,
    /// By declared column, what no record changes: a fixed cell, or `None` for a column typed
    /// into values.
    initial: Vec<Option<CellRef<'static>>>,
    /// By field of the file: how it is read (`None`: unread).
    fields: Vec<Option<FieldRead<'a>>>,
    /// The atoms the kernel answers, a bit each as the [`Matcher`](super::matcher::Matcher) numbers them, and the
    /// results of those on the cells no record changes.
    pub(super) answered: u64,
    fixed: u64,
}

/// A field the kernel reads: its declared column, whether its cell is kept for what reads the
/// record's cells (its unit, the atoms the kernel does not answer), and how it is read.
#[derive(Debug)]
struct FieldRead<'a> {
    col: usize,
    keep: bool,
    read: ColumnRead<'a>,
}

/// How the kernel reads a field, and the atom bits each reading sets.
#[derive(Debug)]
enum ColumnRead<'a> {
    /// Free text.
    Text,
    /// One of the declared values that reads as written (unpadded), with the bits of each;
    /// `empty`: those of an empty cell.
    Choice {
        choices: Vec<(&'a str, u64)>,
        empty: u64,
    },
    /// A date; `dated`: the record's date, never empty. An empty cell sets `empty`, a date
    /// the bit of each range holding it.
    Date {
        dated: bool,
        empty: u64,
        ranges: Vec<DateRange>,
    },
    /// A flag (`x` or empty): the bits of true, and of false.
    Bool { yes: u64, no: u64 },
    /// Numbers, tags: typed into the row's values, as the layout types them, and the atoms
    /// on the column tested on the value; `empty`: their bits for an empty cell, when it reads.
    Typed {
        atoms: Vec<(u64, Atom)>,
        empty: Option<u64>,
    },
}

/// The dates from `lo` to `hi` (both included) set `bit`.
#[derive(Debug, Clone, Copy)]
pub(super) struct DateRange {
    lo: crate::date::Date,
    hi: crate::date::Date,
    pub(super) bit: u64,
}

impl DateRange {
    #[inline]
    pub(super) fn holds(&self, d: crate::date::Date) -> bool {
        self.lo <= d && d <= self.hi
    }
}

/// The atoms on date column `col` (with their bits) that a date range decides: those bits,
/// the bits of an empty cell, and the ranges that set the others.
pub(super) fn date_tests<'a>(
    col: usize,
    atoms: impl Iterator<Item = (u64, &'a Atom)>,
) -> (u64, u64, Vec<DateRange>) {
    let (mut answered, mut empty, mut ranges) = (0, 0, Vec::new());
    let (first, last) = (crate::date::Date::MIN, crate::date::Date::MAX);
    for (bit, atom) in atoms {
        let range = match *atom {
            Atom::Visible { from, to, .. } => Some((from.unwrap_or(first), to)),
            Atom::By(_, d) => Some((first, d)),
            // After the last day of the calendar: no date.
            Atom::After(_, d) => d.succ_opt().map(|d| (d, last)),
            Atom::NoDate(_) | Atom::Empty(_) => None,
            _ => continue,
        };
        answered |= bit;
        let cell = CellRef::Empty;
        if atom.test(&OneCell { col, cell }) {
            empty |= bit;
        }
        if let Some((lo, hi)) = range {
            ranges.push(DateRange { lo, hi, bit });
        }
    }
    (answered, empty, ranges)
}

/// The bits of `atoms` (on column `col` alone) true of `cell`.
fn atom_bits<'a>(
    atoms: impl Iterator<Item = (u64, &'a Atom)>,
    col: usize,
    cell: CellRef<'_>,
) -> u64 {
    atoms
        .filter(|(_, a)| a.test(&OneCell { col, cell }))
        .fold(0, |bits, (bit, _)| bits | bit)
}

/// A record of one cell: what an atom on one column sees of any record with that cell.
pub(super) struct OneCell<'c> {
    pub(super) col: usize,
    pub(super) cell: CellRef<'c>,
}

impl Cells for OneCell<'_> {
    fn cell(&self, col: usize) -> CellRef<'_> {
        if col == self.col {
            self.cell
        } else {
            CellRef::Empty
        }
    }
}

impl<'a> Kernel<'a> {
    /// `atoms`: the needs' ([`atoms_of`](super::matcher::atoms_of)), atom `i` being bit `i` of the results. Those on
    /// one column are answered here as the cell is read: computed once per choice, flag value,
    /// fixed cell or empty typed cell, as a range for dates (those a range decides), tested on
    /// the value of another typed cell; the others are left to the matcher.
    pub(super) fn new(
        spec: &'a TableSpec,
        layout: &Layout,
        atoms: &[Atom],
        unit_col: Option<usize>,
    ) -> Self {
        // The atoms on column `col` alone, with their bits.
        let on = |col: usize| {
            atoms
                .iter()
                .enumerate()
                .filter(move |(_, a)| a.columns() == [Some(col), None])
                .map(|(i, a)| (1u64 << i, a))
        };
        let all = |col: usize| on(col).fold(0, |bits, (bit, _)| bits | bit);
        let results = |col: usize, cell: CellRef<'_>| atom_bits(on(col), col, cell);
        let mut initial = Vec::with_capacity(spec.columns.len());
        let mut fields: Vec<Option<FieldRead<'a>>> = layout.headers.iter().map(|_| None).collect();
        let (mut answered, mut fixed) = (0, 0);
        for (col, c) in spec.columns.iter().enumerate() {
            let field = layout.file_column(col).filter(|_| !layout.is_unread(col));
            let Some(field) = field else {
                // Not in the file (its default), or left unread.
                let absent = layout.file_column(col).is_none();
                let cell = match default_value(c.kind) {
                    Value::Bool(b) if absent => CellRef::Bool(b),
                    _ => CellRef::Empty,
                };
                answered |= all(col);
                fixed |= results(col, cell);
                initial.push(Some(cell));
                continue;
            };
            let read = match c.kind {
                ColumnType::Text if c.values.is_empty() => ColumnRead::Text,
                ColumnType::Text => {
                    answered |= all(col);
                    ColumnRead::Choice {
                        choices: (c.values.iter())
                            .filter(|v| unpadded(v))
                            .map(|v| (v.as_str(), results(col, CellRef::Text(v))))
                            .collect(),
                        empty: results(col, CellRef::Empty),
                    }
                }
                ColumnType::Date => {
                    let (bits, empty, ranges) = date_tests(col, on(col));
                    answered |= bits;
                    ColumnRead::Date {
                        dated: layout.dates_records(col),
                        empty,
                        ranges,
                    }
                }
                ColumnType::Bool => {
                    answered |= all(col);
                    ColumnRead::Bool {
                        yes: results(col, CellRef::Bool(true)),
                        no: results(col, CellRef::Bool(false)),
                    }
                }
                _ => {
                    answered |= all(col);
                    let mut value = Value::Empty;
                    let empty = parse_text_into("", c, &mut value).is_ok();
                    ColumnRead::Typed {
                        atoms: on(col).map(|(bit, a)| (bit, a.clone())).collect(),
                        empty: empty.then(|| results(col, CellRef::of(&value))),
                    }
                }
            };
            initial.push(match read {
                ColumnRead::Typed { .. } => None,
                _ => Some(CellRef::Empty),
            });
            if let Some(slot) = fields.get_mut(field) {
                let keep = true;
                *slot = Some(FieldRead { col, keep, read });
            }
        }
        // The cells read after the kernel: the unit's, and those of the atoms it leaves.
        let mut kept = vec![false; spec.columns.len()];
        let left = atoms
            .iter()
            .enumerate()
            .filter(|(i, _)| answered & (1 << i) == 0);
        for col in [unit_col]
            .into_iter()
            .chain(left.flat_map(|(_, a)| a.columns()))
            .flatten()
        {
            if let Some(k) = kept.get_mut(col) {
                *k = true;
            }
        }
        for field in fields.iter_mut().flatten() {
            field.keep = kept.get(field.col).copied().unwrap_or(true);
        }
        Self {
            spec,
            initial,
            fields,
            answered,
            fixed,
        }
    }

    /// Makes `cells` and `values` a record's: only the columns a record brings are written
    /// then; `cells` keeps the others from the first record on.
    #[inline]
    fn start<'t>(&self, cells: &mut Vec<Option<CellRef<'t>>>, values: &mut Vec<Value>) {
        let n = self.initial.len();
        if cells.len() != n {
            cells.clear();
            cells.extend(self.initial.iter().copied());
        }
        if values.len() != n {
            values.resize(n, Value::Empty);
        }
    }

    /// Reads a record split into `fields` into `cells` (`None`: typed into `values`, by
    /// declared column) and returns the results of the atoms it answers; `None` when a cell
    /// is spelled otherwise.
    pub(super) fn read<'t>(
        &self,
        fields: &[&'t str],
        cells: &mut Vec<Option<CellRef<'t>>>,
        values: &mut Vec<Value>,
    ) -> Option<u64>
    where
        'a: 't,
    {
        self.start(cells, values);
        if fields.len() != self.fields.len() {
            return None;
        }
        let mut bits = self.fixed;
        for (read, &field) in self.fields.iter().zip(fields) {
            if let Some(read) = read {
                let bytes = field.as_bytes();
                if !self.read_cell(read, bytes, || Some(field), cells, values, &mut bits) {
                    return None;
                }
            }
        }
        Some(bits)
    }

    /// [`Kernel::read`] of the next record of `rows`, split as it is read: no fields listed,
    /// a field made text only when it is read as text. On `None` the record may be partly
    /// taken ([`PlainRecords::skip_record`]).
    #[inline]
    pub(super) fn read_plain<'t>(
        &self,
        rows: &mut PlainRecords<'t>,
        cells: &mut Vec<Option<CellRef<'t>>>,
        values: &mut Vec<Value>,
    ) -> Option<u64>
    where
        'a: 't,
    {
        self.start(cells, values);
        let last = self.fields.len().checked_sub(1)?;
        let mut bits = self.fixed;
        let text = rows.text;
        for (f, read) in self.fields.iter().enumerate() {
            let (from, to, ends) = rows.next_field()?;
            if ends != (f == last) {
                return None;
            }
            if let Some(read) = read {
                let bytes = text.as_bytes().get(from..to)?;
                let field = || text.get(from..to);
                if !self.read_cell(read, bytes, field, cells, values, &mut bits) {
                    return None;
                }
            }
        }
        Some(bits)
    }

    /// Reads one field (`bytes`; `text`, the same as text) into `cells` (when kept) or
    /// `values`, adding the atom results it decides to `bits`; `false` when it is spelled
    /// otherwise.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)]
    fn read_cell<'t>(
        &self,
        field: &FieldRead<'a>,
        bytes: &'t [u8],
        text: impl FnOnce() -> Option<&'t str>,
        cells: &mut [Option<CellRef<'t>>],
        values: &mut [Value],
        bits: &mut u64,
    ) -> bool
    where
        'a: 't,
    {
        let col = field.col;
        let cell = match &field.read {
            ColumnRead::Text => match bytes {
                [] => CellRef::Empty,
                _ => match text() {
                    Some(t) if unpadded(t) => CellRef::Text(t),
                    _ => return false,
                },
            },
            ColumnRead::Choice { choices, empty } => {
                if bytes.is_empty() {
                    *bits |= empty;
                    CellRef::Empty
                } else {
                    match choices.iter().find(|(v, _)| same_text(v.as_bytes(), bytes)) {
                        Some(&(v, b)) => {
                            *bits |= b;
                            CellRef::Text(v)
                        }
                        None => return false,
                    }
                }
            }
            ColumnRead::Date {
                dated,
                empty,
                ranges,
            } => {
                if bytes.is_empty() && !dated {
                    *bits |= empty;
                    CellRef::Empty
                } else {
                    let Some(d) = parse_dmy(bytes) else {
                        return false;
                    };
                    for r in ranges {
                        if r.holds(d) {
                            *bits |= r.bit;
                        }
                    }
                    CellRef::Date(d)
                }
            }
            ColumnRead::Bool { yes, no } => match bytes {
                [] => {
                    *bits |= no;
                    CellRef::Bool(false)
                }
                [b'x' | b'X'] => {
                    *bits |= yes;
                    CellRef::Bool(true)
                }
                _ => return false,
            },
            ColumnRead::Typed { atoms, empty } => {
                let (Some(t), Some(spec), Some(value)) =
                    (text(), self.spec.columns.get(col), values.get_mut(col))
                else {
                    return false;
                };
                if parse_text_into(t, spec, value).is_err() {
                    return false;
                }
                *bits |= match empty {
                    Some(empty) if t.is_empty() => *empty,
                    _ => atom_bits(atoms.iter().map(|(b, a)| (*b, a)), col, CellRef::of(value)),
                };
                return true;
            }
        };
        if field.keep {
            if let Some(slot) = cells.get_mut(col) {
                *slot = Some(cell);
            }
        }
        true
    }
}

/// A record the kernel read: its cells, some typed into values.
pub(super) struct KernelRecord<'r, 't> {
    pub(super) cells: &'r [Option<CellRef<'t>>],
    pub(super) values: &'r [Value],
}

impl Cells for KernelRecord<'_, '_> {
    #[inline]
    fn cell(&self, col: usize) -> CellRef<'_> {
        match self.cells.get(col) {
            Some(Some(cell)) => *cell,
            Some(None) => self.values.cell(col),
            None => CellRef::Empty,
        }
    }
}
