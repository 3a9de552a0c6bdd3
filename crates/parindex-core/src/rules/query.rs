//! What a rule asks of a table, as data: a record predicate ([`Pred`]) and the aggregate wanted
//! of the records it keeps ([`Need`]). Helpers never hold records; they ask a unit's
//! [`UnitContext`](super::UnitContext) for the [`Answer`] to a need.
//!
//! Answers come from one of two places that share this module's code, so they cannot disagree:
//! a scan of a table held in memory (one unit), or a streaming pass over a province-wide export
//! that feeds every record once to an [`Accumulator`] per unit and keeps only the aggregates.

use std::collections::BTreeSet;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::date::{parse_date, Date};
use crate::evidence::{fold_header, Value};

/// How many record keys a row lists as the records that decided it.
pub(crate) const RECORDS_SHOWN: usize = 20;

/// The most distinct values `distinct()` counts for one question of one unit; beyond it the row
/// fails. With [`DISTINCT_MAX_BYTES`] it bounds the memory a question holds, streamed or not.
pub const DISTINCT_MAX_VALUES: usize = 10_000;

/// The most bytes of (folded) text the distinct values of one question may hold.
pub const DISTINCT_MAX_BYTES: usize = 1 << 20;

/// A value a rule compares cells with (`where_eq`, `where_in`), taken from rhai once.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Lit {
    /// A string, and the date it spells when it spells one (a date cell matches it).
    Str(String, Option<Date>),
    Num(Decimal),
    Bool(bool),
    Date(Date),
    /// `()`: matches an empty cell.
    Unit,
    /// Anything else: matches no cell.
    Other,
}

/// `s` in NFC, as every text of the evidence is read: a rule's literal typed in NFD (or built
/// from pieces at run time) then matches the cell it spells.
pub(crate) fn nfc(s: &str) -> String {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    if is_nfc_quick(s.chars()) == IsNormalized::Yes {
        s.to_owned()
    } else {
        s.nfc().collect()
    }
}

impl Lit {
    pub(crate) fn text(s: &str) -> Self {
        let s = nfc(s);
        let date = parse_date(&s);
        Lit::Str(s, date)
    }

    /// Whether cell `v` equals this literal, by the cell's type.
    fn matches(&self, v: CellRef<'_>) -> bool {
        match (v, self) {
            (CellRef::Text(t), Lit::Str(w, _)) => same_text(w.as_bytes(), t.as_bytes()),
            (CellRef::Value(v @ (Value::Integer(_) | Value::Decimal(_))), Lit::Num(w)) => {
                v.as_decimal() == Some(*w)
            }
            (CellRef::Bool(b), Lit::Bool(w)) => b == *w,
            (CellRef::Date(d), Lit::Date(w)) => d == *w,
            (CellRef::Date(d), Lit::Str(_, w)) => Some(d) == *w,
            (CellRef::Value(Value::Tags(t)), Lit::Str(w, _)) => t.iter().any(|x| x == w),
            (CellRef::Empty, Lit::Unit) => true,
            _ => false,
        }
    }
}

/// A cell as a record test reads it, borrowed from typed values or from a streamed record's
/// text: both are tested by the same code ([`Atom::test`]).
#[derive(Debug, Clone, Copy)]
pub(crate) enum CellRef<'a> {
    Empty,
    Text(&'a str),
    Date(Date),
    Bool(bool),
    /// Any other value (numbers, tags).
    Value(&'a Value),
}

impl<'a> CellRef<'a> {
    pub(crate) fn of(value: &'a Value) -> Self {
        match value {
            Value::Empty => CellRef::Empty,
            Value::Text(t) => CellRef::Text(t),
            Value::Date(d) => CellRef::Date(*d),
            Value::Bool(b) => CellRef::Bool(*b),
            other => CellRef::Value(other),
        }
    }

    fn as_date(self) -> Option<Date> {
        match self {
            CellRef::Date(d) => Some(d),
            _ => None,
        }
    }

    /// The cell as text, as [`Value::display`] shows it.
    pub(crate) fn display(self) -> String {
        match self {
            CellRef::Empty => Value::Empty.display(),
            CellRef::Text(t) => t.to_owned(),
            CellRef::Date(d) => Value::Date(d).display(),
            CellRef::Bool(b) => Value::Bool(b).display(),
            CellRef::Value(v) => v.display(),
        }
    }
}

/// A record's cells by declared column.
pub(crate) trait Cells {
    fn cell(&self, col: usize) -> CellRef<'_>;
}

impl Cells for [Value] {
    #[inline]
    fn cell(&self, col: usize) -> CellRef<'_> {
        self.get(col).map_or(CellRef::Empty, CellRef::of)
    }
}

/// Where an item stands against its deadline at the as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Class {
    /// Completed by its deadline.
    OnTime,
    /// Completed after it, or not completed and the deadline passed before the as-of date.
    Late,
    /// On time or late.
    Due,
    /// Not completed, deadline not yet passed.
    Pending,
}

/// One test of one record. Columns are indices into the table's declared columns.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Atom {
    /// The record exists at the as-of date: its dating column within `[from, to]`.
    Visible {
        col: usize,
        from: Option<Date>,
        to: Date,
    },
    True(usize),
    Eq(usize, Lit),
    In(usize, Vec<Lit>),
    Tag(usize, String),
    /// Empty, or a false boolean.
    Empty(usize),
    /// A date on or before the given one.
    By(usize, Date),
    /// A date after the given one.
    After(usize, Date),
    /// Judged against `due + days` at `as_of` (see [`Class`]); false when the deadline is
    /// missing or out of range.
    Deadline {
        due: usize,
        done: usize,
        days: i64,
        as_of: Date,
        class: Class,
    },
    /// The deadline column is empty.
    NoDate(usize),
    /// `due + days` is out of the calendar.
    DateOverflow(usize, i64),
}

impl Atom {
    /// The columns the test reads.
    pub(crate) fn columns(&self) -> [Option<usize>; 2] {
        match *self {
            Atom::Visible { col, .. } => [Some(col), None],
            Atom::True(c)
            | Atom::Eq(c, _)
            | Atom::In(c, _)
            | Atom::Tag(c, _)
            | Atom::Empty(c)
            | Atom::By(c, _)
            | Atom::After(c, _)
            | Atom::NoDate(c)
            | Atom::DateOverflow(c, _) => [Some(c), None],
            Atom::Deadline { due, done, .. } => [Some(due), Some(done)],
        }
    }

    #[inline]
    pub(crate) fn test<C: Cells + ?Sized>(&self, cells: &C) -> bool {
        match self {
            Atom::Visible { col, from, to } => match cells.cell(*col).as_date() {
                None => true,
                Some(d) => d <= *to && from.is_none_or(|f| d >= f),
            },
            Atom::True(c) => matches!(cells.cell(*c), CellRef::Bool(true)),
            Atom::Eq(c, lit) => lit.matches(cells.cell(*c)),
            Atom::In(c, lits) => lits.iter().any(|l| l.matches(cells.cell(*c))),
            Atom::Tag(c, tag) => matches!(
                cells.cell(*c),
                CellRef::Value(Value::Tags(t)) if t.iter().any(|x| x == tag)
            ),
            Atom::Empty(c) => matches!(cells.cell(*c), CellRef::Empty | CellRef::Bool(false)),
            Atom::By(c, d) => cells.cell(*c).as_date().is_some_and(|x| x <= *d),
            Atom::After(c, d) => cells.cell(*c).as_date().is_some_and(|x| x > *d),
            Atom::Deadline {
                due,
                done,
                days,
                as_of,
                class,
            } => judge(cells, *due, *done, *days, *as_of).is_some_and(|judged| {
                judged == *class
                    || (*class == Class::Due && matches!(judged, Class::OnTime | Class::Late))
            }),
            Atom::NoDate(c) => cells.cell(*c).as_date().is_none(),
            Atom::DateOverflow(c, days) => cells
                .cell(*c)
                .as_date()
                .is_some_and(|d| add_days(d, *days).is_none()),
        }
    }
}

/// Where a record stands against its deadline (`due + days`) at `as_of`: on time, late or
/// pending; `None` when the deadline is missing or out of the calendar.
pub(crate) fn judge<C: Cells + ?Sized>(
    cells: &C,
    due: usize,
    done: usize,
    days: i64,
    as_of: Date,
) -> Option<Class> {
    let deadline = cells.cell(due).as_date().and_then(|d| add_days(d, days))?;
    Some(match cells.cell(done).as_date().filter(|d| *d <= as_of) {
        Some(d) if d <= deadline => Class::OnTime,
        Some(_) => Class::Late,
        None if deadline < as_of => Class::Late,
        None => Class::Pending,
    })
}

pub(crate) fn add_days(d: Date, days: i64) -> Option<Date> {
    if days == 0 {
        return Some(d);
    }
    d.checked_add_signed(chrono::TimeDelta::try_days(days)?)
}

/// A record predicate: the records of a table a rule has narrowed down to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Pred {
    All,
    Atom(Atom),
    Not(Box<Pred>),
    And(Vec<Pred>),
}

impl Pred {
    /// These records, narrowed by `atom`.
    pub(crate) fn and(&self, atom: Atom) -> Pred {
        match self {
            Pred::All => Pred::Atom(atom),
            Pred::And(parts) => {
                let mut parts = parts.clone();
                parts.push(Pred::Atom(atom));
                Pred::And(parts)
            }
            other => Pred::And(vec![other.clone(), Pred::Atom(atom)]),
        }
    }

    /// These records, less those of `other`.
    pub(crate) fn minus(&self, other: &Pred) -> Pred {
        Pred::And(vec![self.clone(), Pred::Not(Box::new(other.clone()))])
    }

    pub(crate) fn test<C: Cells + ?Sized>(&self, values: &C) -> bool {
        match self {
            Pred::All => true,
            Pred::Atom(a) => a.test(values),
            Pred::Not(p) => !p.test(values),
            Pred::And(parts) => parts.iter().all(|p| p.test(values)),
        }
    }

    /// Every atom, once each, in first-seen order.
    pub(crate) fn atoms<'a>(&'a self, out: &mut Vec<&'a Atom>) {
        match self {
            Pred::All => {}
            Pred::Atom(a) => {
                if !out.contains(&a) {
                    out.push(a);
                }
            }
            Pred::Not(p) => p.atoms(out),
            Pred::And(parts) => parts.iter().for_each(|p| p.atoms(out)),
        }
    }

    /// The predicate over precomputed atom results: `bit(i)` is atom `index(atom)`.
    pub(crate) fn test_bits(&self, index: &impl Fn(&Atom) -> usize, bits: u64) -> bool {
        match self {
            Pred::All => true,
            Pred::Atom(a) => bits >> index(a) & 1 == 1,
            Pred::Not(p) => !p.test_bits(index, bits),
            Pred::And(parts) => parts.iter().all(|p| p.test_bits(index, bits)),
        }
    }
}

/// What a rule wants to know of a table's records that pass `pred`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Need {
    /// How many.
    Count { table: String, pred: Arc<Pred> },
    /// How many, and the first [`RECORDS_SHOWN`] (line, key) in file order.
    Sample { table: String, pred: Arc<Pred> },
    /// The sum of a numeric column (`None`: out of range).
    Sum {
        table: String,
        pred: Arc<Pred>,
        col: usize,
    },
    /// How many distinct non-empty values a column holds (compared folded).
    Distinct {
        table: String,
        pred: Arc<Pred>,
        col: usize,
    },
    /// The record with the earliest date in `col` (the first in file order on a tie).
    Earliest {
        table: String,
        pred: Arc<Pred>,
        col: usize,
    },
}

impl Need {
    pub(crate) fn table(&self) -> &str {
        match self {
            Need::Count { table, .. }
            | Need::Sample { table, .. }
            | Need::Sum { table, .. }
            | Need::Distinct { table, .. }
            | Need::Earliest { table, .. } => table,
        }
    }

    pub(crate) fn pred(&self) -> &Pred {
        match self {
            Need::Count { pred, .. }
            | Need::Sample { pred, .. }
            | Need::Sum { pred, .. }
            | Need::Distinct { pred, .. }
            | Need::Earliest { pred, .. } => pred,
        }
    }

    /// Marks in `read` the columns answering this need reads; `key_col` names a record
    /// listed. The earliest record is kept whole: it reads every column.
    pub(crate) fn mark_columns(&self, key_col: Option<usize>, read: &mut [bool]) {
        let mut mark = |c: usize| {
            if let Some(r) = read.get_mut(c) {
                *r = true;
            }
        };
        let mut atoms = Vec::new();
        self.pred().atoms(&mut atoms);
        for c in atoms.iter().flat_map(|a| a.columns()).flatten() {
            mark(c);
        }
        match self {
            Need::Count { .. } => {}
            Need::Sample { .. } => key_col.into_iter().for_each(mark),
            Need::Sum { col, .. } | Need::Distinct { col, .. } => mark(*col),
            Need::Earliest { .. } => read.fill(true),
        }
    }

    /// The answer given before the records have been read (while finding what rules need):
    /// that of no records.
    pub(crate) fn placeholder(&self) -> Answer {
        Accumulator::new(self).finish()
    }
}

/// The answer to a [`Need`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Answer {
    Count(u64),
    Sample {
        count: u64,
        /// (file line, key or `dòng N`), in file order.
        first: Vec<(u64, String)>,
    },
    Sum(Option<Decimal>),
    /// `None`: more than [`DISTINCT_MAX_VALUES`] values (or [`DISTINCT_MAX_BYTES`] of them).
    Distinct(Option<u64>),
    /// The date, file line and cells of the record.
    Earliest(Option<(Date, u64, Vec<Value>)>),
}

/// A need being answered, record by record, in file order (or in file-ordered chunks merged
/// with [`Accumulator::merge`]).
#[derive(Debug, Clone)]
pub(crate) enum Accumulator {
    Count(u64),
    Sample {
        count: u64,
        first: Vec<(u64, String)>,
    },
    Sum(Option<Decimal>),
    Distinct(Distinct),
    Earliest(Option<(Date, u64, Vec<Value>)>),
}

/// The distinct values seen so far, bounded: past the bounds only the fact that they were
/// passed is kept, so memory stays within [`DISTINCT_MAX_VALUES`] values of at most
/// [`DISTINCT_MAX_BYTES`] bytes in all, whatever the table's size.
#[derive(Debug, Clone, Default)]
pub(crate) struct Distinct {
    values: BTreeSet<String>,
    bytes: usize,
    over: bool,
}

impl Distinct {
    fn insert(&mut self, value: String) {
        if self.over || self.values.contains(&value) {
            return;
        }
        self.bytes += value.len();
        if self.values.len() >= DISTINCT_MAX_VALUES || self.bytes > DISTINCT_MAX_BYTES {
            self.over = true;
            self.values = BTreeSet::new();
            return;
        }
        self.values.insert(value);
    }

    fn merge(&mut self, other: Distinct) {
        if other.over {
            self.over = true;
            self.values = BTreeSet::new();
        }
        for v in other.values {
            self.insert(v);
        }
    }

    fn count(&self) -> Option<u64> {
        (!self.over).then_some(self.values.len() as u64)
    }
}

/// The key a record is listed by: its key column, or `dòng N`.
pub(crate) fn record_key(key_col: Option<usize>, values: &[Value], line: u64) -> String {
    match key_col.and_then(|k| values.get(k)) {
        Some(v) if !v.is_empty() => v.display(),
        _ => format!("dòng {line}"),
    }
}

impl Accumulator {
    /// Whether adding a record needs its cells: not for a count, nor for a sample whose first
    /// records are all listed (see [`Accumulator::add_counted`]).
    pub(crate) fn needs_record(&self) -> bool {
        match self {
            Accumulator::Count(_) => false,
            Accumulator::Sample { first, .. } => first.len() < RECORDS_SHOWN,
            _ => true,
        }
    }

    /// Adds a record [`Accumulator::needs_record`] says is only counted.
    pub(crate) fn add_counted(&mut self) {
        if let Accumulator::Count(count) | Accumulator::Sample { count, .. } = self {
            *count += 1;
        }
    }

    pub(crate) fn new(need: &Need) -> Self {
        match need {
            Need::Count { .. } => Accumulator::Count(0),
            Need::Sample { .. } => Accumulator::Sample {
                count: 0,
                first: Vec::new(),
            },
            Need::Sum { .. } => Accumulator::Sum(Some(Decimal::ZERO)),
            Need::Distinct { .. } => Accumulator::Distinct(Distinct::default()),
            Need::Earliest { .. } => Accumulator::Earliest(None),
        }
    }

    /// Adds one record that passed the need's predicate.
    pub(crate) fn add(&mut self, need: &Need, key_col: Option<usize>, values: &[Value], line: u64) {
        match (self, need) {
            (Accumulator::Count(count), _) => *count += 1,
            (Accumulator::Sample { count, first }, _) => {
                *count += 1;
                if first.len() < RECORDS_SHOWN {
                    first.push((line, record_key(key_col, values, line)));
                }
            }
            (Accumulator::Sum(sum), Need::Sum { col, .. }) => {
                if let (Some(s), Some(v)) = (*sum, values.get(*col).and_then(Value::as_decimal)) {
                    *sum = s.checked_add(v);
                }
            }
            (Accumulator::Distinct(set), Need::Distinct { col, .. }) => {
                if let Some(v) = values.get(*col).filter(|v| !v.is_empty()) {
                    set.insert(fold_header(&v.display()));
                }
            }
            (Accumulator::Earliest(best), Need::Earliest { col, .. }) => {
                if let Some(d) = values.get(*col).and_then(Value::as_date) {
                    if best.as_ref().is_none_or(|(b, l, _)| (d, line) < (*b, *l)) {
                        *best = Some((d, line, values.to_vec()));
                    }
                }
            }
            _ => {}
        }
    }

    /// Folds in the accumulator of another part of the same table (any order: the result
    /// depends only on file lines, not on which part came first).
    pub(crate) fn merge(&mut self, other: Accumulator) {
        match (self, other) {
            (Accumulator::Count(a), Accumulator::Count(b)) => *a += b,
            (
                Accumulator::Sample { count, first },
                Accumulator::Sample {
                    count: c2,
                    first: f2,
                },
            ) => {
                *count += c2;
                first.extend(f2);
                first.sort_by_key(|(line, _)| *line);
                first.truncate(RECORDS_SHOWN);
            }
            (Accumulator::Sum(a), Accumulator::Sum(b)) => {
                *a = match (*a, b) {
                    (Some(x), Some(y)) => x.checked_add(y),
                    _ => None,
                };
            }
            (Accumulator::Distinct(a), Accumulator::Distinct(b)) => a.merge(b),
            (Accumulator::Earliest(a), Accumulator::Earliest(Some(b)))
                if a.as_ref().is_none_or(|(d, l, _)| (b.0, b.1) < (*d, *l)) =>
            {
                *a = Some(b);
            }
            _ => {}
        }
    }

    pub(crate) fn finish(self) -> Answer {
        match self {
            Accumulator::Count(count) => Answer::Count(count),
            Accumulator::Sample { count, first } => Answer::Sample { count, first },
            Accumulator::Sum(s) => Answer::Sum(s),
            Accumulator::Distinct(set) => Answer::Distinct(set.count()),
            Accumulator::Earliest(e) => Answer::Earliest(e),
        }
    }
}

/// Answers `need` by scanning a table held in memory.
pub(crate) fn answer_in_memory(table: &crate::evidence::Table, need: &Need) -> Answer {
    let spec = &table.spec;
    let key_col = spec.key.as_deref().and_then(|k| spec.column_index(k));
    let pred = need.pred();
    let mut acc = Accumulator::new(need);
    for record in &table.rows {
        if pred.test(record.values.as_slice()) {
            acc.add(need, key_col, &record.values, record.line);
        }
    }
    acc.finish()
}

/// Up to eight bytes as one little-endian word (missing high bytes zero): eight are loaded at
/// once; fewer as two overlapping loads of their first and last four (or two) bytes, the last
/// shifted to their place (never stored bytewise then loaded as a word).
#[inline]
pub(crate) fn le_word(bytes: &[u8]) -> u64 {
    if let Some(w) = bytes.first_chunk::<8>() {
        return u64::from_le_bytes(*w);
    }
    let n = bytes.len();
    if let (Some(lo), Some(hi)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        let (lo, hi) = (u32::from_le_bytes(*lo), u32::from_le_bytes(*hi));
        return u64::from(lo) | (u64::from(hi) << (8 * (n - 4)));
    }
    if let (Some(lo), Some(hi)) = (bytes.first_chunk::<2>(), bytes.last_chunk::<2>()) {
        let (lo, hi) = (u16::from_le_bytes(*lo), u16::from_le_bytes(*hi));
        return u64::from(lo) | (u64::from(hi) << (8 * (n - 2)));
    }
    bytes.first().map_or(0, |&b| u64::from(b))
}

/// `a == b` for the short texts of records (codes, choices): up to 16 bytes compared as two
/// words, not through `memcmp`.
#[inline]
pub(crate) fn same_text(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n <= 8 {
        return le_word(a) == le_word(b);
    }
    if n <= 16 {
        // The first eight bytes and the last eight, overlapping below sixteen.
        return le_word(&a[..8]) == le_word(&b[..8])
            && le_word(&a[n - 8..]) == le_word(&b[n - 8..]);
    }
    a == b
}

/// A fast hash for keys looked up once per record (atom results, unit codes): not resistant
/// to chosen keys, which costs at most speed, never correctness.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct MixHasher(u64);

impl std::hash::Hasher for MixHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // A word at a time: keys are short codes, hashed once per record.
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.write_u64(le_word(w));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            self.write_u64(le_word(rest) ^ ((rest.len() as u64) << 56));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (n ^ self.0.rotate_left(29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }

    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_i32(&mut self, n: i32) {
        self.write_u64(u64::from(n as u32));
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn write_isize(&mut self, n: isize) {
        self.write_u64(n as u64);
    }
}

/// A hash map on [`MixHasher`]: looked up, never iterated (iteration order would not be
/// deterministic).
pub(crate) type FastMap<K, V> =
    std::collections::HashMap<K, V, std::hash::BuildHasherDefault<MixHasher>>;

/// A unit's evidence as a streaming pass left it: which tables it has, and the answers to what
/// its rules need of them. No records.
#[derive(Debug, Clone, Default)]
pub(crate) struct Aggregates {
    pub present: BTreeSet<String>,
    pub answers: FastMap<Need, Arc<Answer>>,
}

impl Aggregates {
    pub(crate) fn get(&self, need: &Need) -> Option<&Arc<Answer>> {
        self.answers.get(need)
    }
}

#[cfg(test)]
mod tests {
    use super::{le_word, same_text};

    #[test]
    fn le_word_is_the_bytes_little_endian() {
        let bytes: Vec<u8> = (0..12u8)
            .map(|i| i.wrapping_mul(37).wrapping_add(0xA1))
            .collect();
        for n in 0..=bytes.len() {
            let b = &bytes[..n];
            let expected = b
                .iter()
                .take(8)
                .rev()
                .fold(0u64, |acc, &x| (acc << 8) | u64::from(x));
            assert_eq!(le_word(b), expected, "{n} bytes");
        }
    }

    #[test]
    fn same_text_is_equality() {
        for n in 0..40usize {
            let a: Vec<u8> = (0..n).map(|i| b'a' + (i % 26) as u8).collect();
            assert!(same_text(&a, &a.clone()), "{n}");
            assert!(!same_text(&a, &a[..n.saturating_sub(1)]) || n == 0);
            for at in 0..n {
                let mut b = a.clone();
                b[at] ^= 0x20;
                assert!(!same_text(&a, &b), "{n} bytes, differing at {at}");
            }
        }
    }
}
