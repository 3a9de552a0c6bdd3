//! The per-unit aggregation: what a pass computes ([`Plan`]), each worker's share of it
//! ([`Part`]: groups, accumulators, problems), merged into a [`Tally`].

use std::path::Path;

use super::codes::{short_key, ShortCodes, UnitIndex};
use super::kernel::KernelRecord;
use super::matcher::Matcher;
use super::worker::Scratch;
use crate::criteria::TableSpec;
use crate::error::Diagnostic;
use crate::evidence::read::{more_bad_values, Fields, Layout, MAX_PROBLEMS_PER_FILE};
use crate::evidence::{Table, Value};
use crate::query::{Accumulator, CellRef, Cells, Need};

/// What to compute over one table: for each unit, the answer to each need.
#[derive(Debug)]
pub(crate) struct Plan<'a> {
    /// The table as read (with the unit column).
    pub spec: &'a TableSpec,
    pub needs: &'a [Need],
    /// Unit code → unit index.
    pub units: &'a UnitIndex,
    /// The column holding the unit code; `None`: every record is the one unit's (a unit's own
    /// folder — a province of one).
    pub unit_col: Option<usize>,
}

impl Plan<'_> {
    fn key_col(&self) -> Option<usize> {
        self.spec
            .key
            .as_deref()
            .and_then(|k| self.spec.column_index(k))
    }

    /// Which declared columns the pass reads: the unit's, and those the needs read.
    pub(super) fn columns_read(&self) -> Vec<bool> {
        let mut read = vec![false; self.spec.columns.len()];
        if let Some(r) = self.unit_col.and_then(|col| read.get_mut(col)) {
            *r = true;
        }
        let key_col = self.key_col();
        for need in self.needs {
            need.mark_columns(key_col, &mut read);
        }
        read
    }

    /// How many units the pass aggregates for.
    fn unit_count(&self) -> usize {
        match self.unit_col {
            Some(_) => self.units.len(),
            None => 1,
        }
    }
}

/// The aggregates of one pass over a table.
#[derive(Debug, Clone)]
pub(crate) struct Tally {
    /// `[unit][need]`.
    pub acc: Vec<Vec<Accumulator>>,
    /// Rows whose unit code is not a unit of the province: (code, line), in file order.
    pub unknown: Vec<(String, u64)>,
    /// Records read, of every unit.
    pub records: u64,
    /// Headers that matched no declared column (set by the reader that saw them).
    pub ignored: Vec<String>,
    /// The encoding of a text file, the sheet of a workbook: what the source says it read.
    pub encoding: String,
    pub sheet: Option<String>,
}

impl Tally {
    /// The same tally, saying what it was read from.
    pub(crate) fn read_as(mut self, encoding: &str, sheet: Option<String>) -> Self {
        self.encoding = encoding.to_owned();
        self.sheet = sheet;
        self
    }
}

/// How many records of each unit have each combination of atom results, in one array
/// (`[combination][unit]`: a record costs one increment at a place computed from two numbers).
/// A need counting records adds up the groups whose combination meets it, so a record costs
/// one count, not one per need.
#[derive(Debug)]
struct Groups {
    units: usize,
    counts: Vec<u64>,
}

impl Groups {
    fn new(units: usize) -> Self {
        Self {
            units,
            counts: Vec::new(),
        }
    }

    #[inline]
    fn add(&mut self, combo: usize, unit: usize, n: u64) {
        let at = combo * self.units + unit;
        if at >= self.counts.len() {
            self.counts.resize((combo + 1) * self.units, 0);
        }
        self.counts[at] += n;
    }

    /// The units' counts of each combination seen, by combination.
    fn by_combo(&self) -> impl Iterator<Item = &[u64]> {
        self.counts.chunks(self.units.max(1))
    }
}

/// A record counted, waiting for its values: its unit and combination (`None`: no matcher,
/// every need is tested).
#[derive(Debug, Clone, Copy)]
pub(super) struct Pending {
    unit: usize,
    combo: Option<usize>,
}

/// One worker's share of a pass: its aggregates and the problems it met.
#[derive(Debug)]
pub(super) struct Part<'a> {
    pub(super) plan: &'a Plan<'a>,
    key_col: Option<usize>,
    pub(super) matcher: Option<Matcher<'a>>,
    /// The province's short unit codes → units.
    short_codes: ShortCodes,
    groups: Groups,
    /// `[unit][need]`: the needs that are not counts (all needs, without a matcher).
    acc: Vec<Vec<Accumulator>>,
    unknown: Vec<(String, u64)>,
    records: u64,
    /// Bad cells, the first [`MAX_PROBLEMS_PER_FILE`] in file order, and how many in all.
    bad: Vec<(At, Diagnostic)>,
    bad_count: usize,
    /// The first row that is not a record of the table (wrong number of fields, bad text).
    pub(super) broken: Option<(At, Diagnostic)>,
}

/// Where a record starts: its block, and its byte in the block. Orders records where lines do
/// not (a lone `\r` ends a record within a line).
pub(super) type At = (u64, u64);

impl<'a> Part<'a> {
    pub(super) fn new(plan: &'a Plan<'a>) -> Self {
        Self {
            plan,
            key_col: plan.key_col(),
            short_codes: ShortCodes::new(plan.units),
            matcher: Matcher::new(plan.needs),
            groups: Groups::new(plan.unit_count()),
            acc: (0..plan.unit_count())
                .map(|_| plan.needs.iter().map(Accumulator::new).collect())
                .collect(),
            unknown: Vec::new(),
            records: 0,
            bad: Vec::new(),
            bad_count: 0,
            broken: None,
        }
    }

    /// Adds one well-typed record.
    pub(super) fn feed(&mut self, values: &[Value], line: u64) {
        if let Some(pending) = self.count(values, None, line) {
            self.add_record(pending, values, line);
        }
    }

    /// The unit of a unit code.
    #[inline]
    fn unit_of(&mut self, code: &str) -> Option<usize> {
        match short_key(code) {
            // Every short code of the province is in the table.
            Some(key) => self.short_codes.get(key),
            None => self.plan.units.get(code).copied(),
        }
    }

    /// Counts a well-typed record in its unit's group; `Some` when needs other than counts
    /// want the record itself: then [`Part::add_record`] with its values.
    /// `answered`: the atom results the kernel answered, when it read the record.
    fn count<C: Cells + ?Sized>(
        &mut self,
        cells: &C,
        answered: Option<u64>,
        line: u64,
    ) -> Option<Pending> {
        self.records += 1;
        let unit = match self.plan.unit_col {
            None => 0,
            Some(col) => {
                let code = cells.cell(col);
                let unit = match code {
                    CellRef::Text(code) => self.unit_of(code),
                    _ => None,
                };
                let Some(unit) = unit else {
                    self.unknown.push((code.display(), line));
                    return None;
                };
                unit
            }
        };
        let Some(matcher) = self.matcher.as_mut() else {
            return Some(Pending { unit, combo: None });
        };
        let id = matcher.combo_of(matcher.bits(cells, answered)) as usize;
        self.groups.add(id, unit, 1);
        let others = &matcher.combos[id].others;
        let acc = &mut self.acc[unit];
        if others.iter().any(|&i| acc[i as usize].needs_record()) {
            return Some(Pending {
                unit,
                combo: Some(id),
            });
        }
        for &i in others {
            acc[i as usize].add_counted();
        }
        None
    }

    /// [`Part::count`] of the record the kernel read into `scratch`, `answered` its atom
    /// results.
    #[inline]
    pub(super) fn count_read(
        &mut self,
        scratch: &Scratch<'_>,
        answered: u64,
        line: u64,
    ) -> Option<Pending> {
        let record = KernelRecord {
            cells: &scratch.cells,
            values: &scratch.values,
        };
        self.count(&record, Some(answered), line)
    }

    /// [`Part::add_record`] of a record the kernel read, its values typed from its `fields`
    /// by the layout, which reads the cells the kernel read alike, without error.
    pub(super) fn add_read(
        &mut self,
        layout: &Layout,
        fields: &[&str],
        values: &mut Vec<Value>,
        pending: Pending,
        line: u64,
    ) {
        layout.read_row(self.plan.spec, &Fields(fields), values, |_, _| {});
        self.add_record(pending, values, line);
    }

    /// Adds a record counted by [`Part::count`] to the needs that want it.
    fn add_record(&mut self, pending: Pending, values: &[Value], line: u64) {
        let needs = self.plan.needs;
        let acc = &mut self.acc[pending.unit];
        match (pending.combo, &self.matcher) {
            (Some(id), Some(matcher)) => {
                for &i in &matcher.combos[id].others {
                    let i = i as usize;
                    acc[i].add(&needs[i], self.key_col, values, line);
                }
            }
            _ => {
                for (need, a) in needs.iter().zip(acc.iter_mut()) {
                    if need.pred().test(values) {
                        a.add(need, self.key_col, values, line);
                    }
                }
            }
        }
    }

    pub(super) fn bad_cell(&mut self, at: At, d: Diagnostic) {
        self.bad_count += 1;
        if self.bad.len() < MAX_PROBLEMS_PER_FILE {
            self.bad.push((at, d));
        }
    }

    pub(super) fn broken(&mut self, at: At, d: Diagnostic) {
        if self.broken.as_ref().is_none_or(|(first, _)| at < *first) {
            self.broken = Some((at, d));
        }
    }

    pub(super) fn merge(&mut self, other: Part<'a>) {
        for (mine, theirs) in self.acc.iter_mut().zip(other.acc) {
            for (a, b) in mine.iter_mut().zip(theirs) {
                a.merge(b);
            }
        }
        if let (Some(matcher), Some(theirs)) = (self.matcher.as_mut(), other.matcher.as_ref()) {
            for (id, counts) in other.groups.by_combo().enumerate() {
                let to = matcher.combo_of(theirs.combos[id].bits) as usize;
                for (unit, &n) in counts.iter().enumerate().filter(|(_, &n)| n > 0) {
                    self.groups.add(to, unit, n);
                }
            }
        }
        self.unknown.extend(other.unknown);
        self.records += other.records;
        self.bad.extend(other.bad);
        self.bad.sort_by_key(|(at, _)| *at);
        self.bad.truncate(MAX_PROBLEMS_PER_FILE);
        self.bad_count += other.bad_count;
        if let Some((at, d)) = other.broken {
            self.broken(at, d);
        }
    }

    /// The aggregates: each count is the sum of the groups that meet it.
    fn tally(self) -> Tally {
        let mut acc = self.acc;
        if let Some(matcher) = &self.matcher {
            for (combo, counts) in matcher.combos.iter().zip(self.groups.by_combo()) {
                for (unit, &count) in acc.iter_mut().zip(counts) {
                    for &i in &combo.counts {
                        unit[i as usize].merge(Accumulator::Count(count));
                    }
                }
            }
        }
        // By line, then code: the order reading whole reports them in.
        let mut unknown = self.unknown;
        unknown.sort_by(|(a, la), (b, lb)| (la, a).cmp(&(lb, b)));
        Tally {
            acc,
            unknown,
            records: self.records,
            ignored: Vec::new(),
            encoding: String::new(),
            sheet: None,
        }
    }

    /// The tally, or `None` with the problems pushed when the table cannot be used.
    pub(super) fn finish(self, path: &Path, problems: &mut Vec<Diagnostic>) -> Option<Tally> {
        if let Some((first, d)) = self.broken {
            problems.extend(
                self.bad
                    .into_iter()
                    .filter(|(at, _)| *at < first)
                    .map(|(_, d)| d),
            );
            problems.push(d);
            return None;
        }
        let ok = self.bad_count == 0;
        let bad_count = self.bad_count;
        problems.extend(self.bad.iter().map(|(_, d)| d.clone()));
        problems.extend(more_bad_values(path, None, bad_count));
        ok.then(|| {
            Part {
                bad: Vec::new(),
                ..self
            }
            .tally()
        })
    }
}

/// Aggregates a table already held in memory (a workbook sheet, a legacy encoding): the same
/// per-record work as a streamed export, on one thread.
pub(crate) fn tally_table(plan: &Plan<'_>, table: &Table) -> Tally {
    let mut part = Part::new(plan);
    for record in &table.rows {
        part.feed(&record.values, record.line);
    }
    part.tally()
}
