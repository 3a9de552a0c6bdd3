//! A province-wide export read once, in parallel blocks, and aggregated per unit as it is read:
//! every record is typed, checked, matched against what the rules need ([`Need`]) and then
//! dropped. Memory holds the aggregates and a few blocks in flight, however long the file.
//!
//! The calling thread reads blocks of whole records, hashes every byte for the fingerprint and
//! queues the blocks for the workers, one thread per core with itself (it reads blocks too
//! while the others have theirs); a worker splits each record (as the `csv` crate would: it
//! reads the odd block itself), reads its cells — straight from the text into borrowed
//! [`CellRef`]s by the [`Kernel`] when every cell has its usual spelling, answering the record
//! tests on one cell as it goes, else typed and checked by the table's [`Layout`], which says
//! what is wrong — counts it in its unit's group for the set of needs its atom results meet,
//! and adds it to the [`Accumulator`]s of the needs that want the record itself (listed keys,
//! sums, the earliest record), typing its values only then. What a worker keeps depends only
//! on file lines, never on which worker saw a block, so the result is the same on any number
//! of cores, and the same as reading the file whole (`tests/streaming.rs`, fuzz target
//! `evidence_stream`).

use std::io::{self, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use super::cells::{default_value, parse_dmy, parse_text_into, unpadded};
use super::read::{
    csv_diagnostic, more_bad_values, Fields, Layout, Lines, ReadProgress, RowCells,
    MAX_PROBLEMS_PER_FILE,
};
use super::text::{is_nfc, sniff_delimiter};
use super::{Table, Value};
use crate::bytes::{le_word, same_text};
use crate::criteria::ColumnType;
use crate::criteria::TableSpec;
use crate::error::Diagnostic;
use crate::query::{judge, Accumulator, Atom, CellRef, Cells, Class, FastMap, Need};

/// Bytes read at a time; a block holds the whole records among them.
const BLOCK: usize = 1 << 20;

/// Unit code → unit index.
pub(crate) type UnitIndex = FastMap<String, usize>;

/// What to compute over one table: for each unit, the answer to each need.
#[derive(Debug)]
pub(crate) struct Plan<'a> {
    /// The table as read (with the unit column).
    pub spec: &'a TableSpec,
    pub needs: &'a [Need],
    /// Unit code → unit index.
    pub units: &'a UnitIndex,
    /// The column holding the unit code.
    pub unit_col: usize,
}

impl Plan<'_> {
    fn key_col(&self) -> Option<usize> {
        self.spec
            .key
            .as_deref()
            .and_then(|k| self.spec.column_index(k))
    }

    /// Which declared columns the pass reads: the unit's, and those the needs read.
    fn columns_read(&self) -> Vec<bool> {
        let mut read = vec![false; self.spec.columns.len()];
        if let Some(r) = read.get_mut(self.unit_col) {
            *r = true;
        }
        let key_col = self.key_col();
        for need in self.needs {
            need.mark_columns(key_col, &mut read);
        }
        read
    }
}

/// The aggregates of one pass over a table.
#[derive(Debug)]
pub(crate) struct Tally {
    /// `[unit][need]`.
    pub acc: Vec<Vec<Accumulator>>,
    /// Rows whose unit code is not a unit of the province: (code, line), in file order.
    pub unknown: Vec<(String, u64)>,
}

/// One test of a record, setting bits of its combination of atom results. The four deadline
/// classes of one (deadline, completion) pair are judged at once.
#[derive(Debug, Clone)]
enum Test {
    Atom(Atom, u32),
    Deadline {
        due: usize,
        done: usize,
        days: i64,
        as_of: crate::date::Date,
        /// Bits set for on time, late, due and pending.
        bits: [u64; 4],
    },
}

/// The needs met by one combination of atom results.
#[derive(Debug)]
struct Combo {
    bits: u64,
    /// Needs counting records (see [`Group`]).
    counts: Vec<u32>,
    /// The other needs (records listed, sums, distinct values, earliest record).
    others: Vec<u32>,
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

/// Which needs a record meets, computed once per distinct combination of atom results.
#[derive(Debug)]
struct Matcher<'a> {
    needs: &'a [Need],
    atoms: Vec<Atom>,
    tests: Vec<Test>,
    /// [`Matcher::tests`] but the atoms the [`Kernel`] answers as it reads a record's cells
    /// ([`Matcher::leave_to_kernel`]); all of them until then.
    rest: Vec<Test>,
    /// Atom results (one bit each) → combination.
    index: FastMap<u64, u32>,
    recent: Recent<u64, u32>,
    combos: Vec<Combo>,
}

/// The atoms of the needs' predicates, atom `i` being bit `i` of a record's results; `None`
/// when they are more than a bit set holds.
fn atoms_of(needs: &[Need]) -> Option<Vec<Atom>> {
    let mut atoms: Vec<&Atom> = Vec::new();
    for need in needs {
        need.pred().atoms(&mut atoms);
    }
    (atoms.len() <= 64).then(|| atoms.into_iter().cloned().collect())
}

impl<'a> Matcher<'a> {
    /// `None` when the needs hold more atoms than a bit set does ([`atoms_of`]): their
    /// predicates are then tested one by one.
    fn new(needs: &'a [Need]) -> Option<Self> {
        let atoms = atoms_of(needs)?;
        let mut tests: Vec<Test> = Vec::new();
        for (i, atom) in atoms.iter().enumerate() {
            let bit = 1u64 << i;
            let Atom::Deadline {
                due,
                done,
                days,
                as_of,
                class,
            } = *atom
            else {
                tests.push(Test::Atom(atom.clone(), i as u32));
                continue;
            };
            let slot = class as usize;
            let same = tests.iter_mut().find_map(|t| match t {
                Test::Deadline {
                    due: d,
                    done: n,
                    days: k,
                    as_of: a,
                    bits,
                } if (*d, *n, *k, *a) == (due, done, days, as_of) => Some(bits),
                _ => None,
            });
            match same {
                Some(bits) => bits[slot] |= bit,
                None => {
                    let mut bits = [0; 4];
                    bits[slot] = bit;
                    tests.push(Test::Deadline {
                        due,
                        done,
                        days,
                        as_of,
                        bits,
                    });
                }
            }
        }
        Some(Self {
            needs,
            atoms,
            rest: tests.clone(),
            tests,
            index: FastMap::default(),
            recent: Recent::new(),
            combos: Vec::new(),
        })
    }

    /// Leaves the atoms of `answered` (a bit each) to the kernel: the tests of a record it
    /// read are the others.
    fn leave_to_kernel(&mut self, answered: u64) {
        self.rest = self
            .tests
            .iter()
            .filter(|t| !matches!(t, Test::Atom(_, i) if answered & (1 << i) != 0))
            .cloned()
            .collect();
    }

    /// The atom results of a record: every test, or with `answered` (the results of the atoms
    /// the kernel answered as it read the record) the others.
    fn bits<C: Cells + ?Sized>(&self, values: &C, answered: Option<u64>) -> u64 {
        let (mut bits, tests) = match answered {
            Some(answered) => (answered, &self.rest),
            None => (0u64, &self.tests),
        };
        for test in tests {
            match test {
                Test::Atom(atom, i) => {
                    if atom.test(values) {
                        bits |= 1 << i;
                    }
                }
                Test::Deadline {
                    due,
                    done,
                    days,
                    as_of,
                    bits: b,
                } => match judge(values, *due, *done, *days, *as_of) {
                    Some(Class::OnTime) => bits |= b[0] | b[2],
                    Some(Class::Late) => bits |= b[1] | b[2],
                    Some(Class::Pending) => bits |= b[3],
                    Some(Class::Due) | None => {}
                },
            }
        }
        bits
    }

    /// The combination of `bits`, added when first seen.
    #[inline]
    fn combo_of(&mut self, bits: u64) -> u32 {
        if let Some(id) = self.recent.get(bits, bits) {
            return id;
        }
        let id = self.combo_of_new(bits);
        self.recent.put(bits, bits, id);
        id
    }

    fn combo_of_new(&mut self, bits: u64) -> u32 {
        if let Some(&id) = self.index.get(&bits) {
            return id;
        }
        let atoms = &self.atoms;
        let index = |a: &Atom| atoms.iter().position(|x| x == a).unwrap_or(0);
        let (mut counts, mut others) = (Vec::new(), Vec::new());
        for (i, need) in self.needs.iter().enumerate() {
            if need.pred().test_bits(&index, bits) {
                match need {
                    Need::Count { .. } => counts.push(i as u32),
                    _ => others.push(i as u32),
                }
            }
        }
        // Results that meet the same needs are one group: fewer groups, fewer counters to
        // keep in cache.
        let same = self
            .combos
            .iter()
            .position(|c| c.counts == counts && c.others == others);
        let id = match same {
            Some(id) => id as u32,
            None => {
                self.combos.push(Combo {
                    bits,
                    counts,
                    others,
                });
                (self.combos.len() - 1) as u32
            }
        };
        self.index.insert(bits, id);
        id
    }
}

/// The last lookups of a small map, one per slot of a hash: records repeat a few keys, and a
/// slot costs a multiply and a compare where the map costs a probe and a string compare.
#[derive(Debug)]
struct Recent<K, V> {
    slots: Vec<Option<(K, V)>>,
}

impl<K: Copy + Eq, V: Copy> Recent<K, V> {
    /// Slots, as bits of a hash.
    const BITS: u32 = 8;

    fn new() -> Self {
        Self {
            slots: vec![None; 1 << Self::BITS],
        }
    }

    #[inline]
    fn get(&self, hash: u64, key: K) -> Option<V> {
        match self.slots.get(slot_of(hash, Self::BITS)) {
            Some(Some((k, v))) if *k == key => Some(*v),
            _ => None,
        }
    }

    fn put(&mut self, hash: u64, key: K, value: V) {
        if let Some(slot) = self.slots.get_mut(slot_of(hash, Self::BITS)) {
            *slot = Some((key, value));
        }
    }
}

/// The slot of `hash` in a table of `2^bits` slots: the top bits of a Fibonacci hash, which
/// every input bit reaches.
#[inline]
fn slot_of(hash: u64, bits: u32) -> usize {
    (hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
}

/// The unit codes of at most eight bytes ([`short_key`]s) → units, in an open-addressed table
/// built once: a lookup is a multiply, a load and a compare or two, in a table small enough to
/// stay in cache (a map costs a probe and a string compare per record).
#[derive(Debug)]
struct ShortCodes {
    /// (word, length, unit); an empty slot has length `u32::MAX`. A quarter full at most.
    slots: Vec<(u64, u32, u32)>,
    /// Slots, as bits of a hash.
    bits: u32,
}

impl ShortCodes {
    const EMPTY: (u64, u32, u32) = (0, u32::MAX, 0);

    fn new(units: &UnitIndex) -> Self {
        let size = units.len().saturating_mul(4).next_power_of_two().max(16);
        let mut table = Self {
            slots: vec![Self::EMPTY; size],
            bits: size.trailing_zeros(),
        };
        for (code, &unit) in units {
            let (Some((word, len)), Ok(unit)) = (short_key(code), u32::try_from(unit)) else {
                continue;
            };
            let mut at = slot_of(word, table.bits);
            while table.slots[at].1 != u32::MAX {
                at = (at + 1) & (size - 1);
            }
            table.slots[at] = (word, len as u32, unit);
        }
        table
    }

    /// The unit of a short code; `None` when it is not one of the province's.
    #[inline]
    fn get(&self, (word, len): (u64, usize)) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut at = slot_of(word, self.bits);
        loop {
            let &(w, l, unit) = self.slots.get(at & mask)?;
            if l == u32::MAX {
                return None;
            }
            if w == word && l as usize == len {
                return Some(unit as usize);
            }
            at += 1;
        }
    }
}

/// A short code (at most eight bytes) as one word, with its length.
fn short_key(code: &str) -> Option<(u64, usize)> {
    let b = code.as_bytes();
    (b.len() <= 8).then(|| (le_word(b), b.len()))
}

/// A record counted, waiting for its values: its unit and combination (`None`: no matcher,
/// every need is tested).
#[derive(Debug, Clone, Copy)]
struct Pending {
    unit: usize,
    combo: Option<usize>,
}

/// One worker's share of a pass: its aggregates and the problems it met.
#[derive(Debug)]
struct Part<'a> {
    plan: &'a Plan<'a>,
    key_col: Option<usize>,
    matcher: Option<Matcher<'a>>,
    /// The province's short unit codes → units.
    short_codes: ShortCodes,
    groups: Groups,
    /// `[unit][need]`: the needs that are not counts (all needs, without a matcher).
    acc: Vec<Vec<Accumulator>>,
    unknown: Vec<(String, u64)>,
    /// Bad cells, the first [`MAX_PROBLEMS_PER_FILE`] in file order, and how many in all.
    bad: Vec<(At, Diagnostic)>,
    bad_count: usize,
    /// The first row that is not a record of the table (wrong number of fields, bad text).
    broken: Option<(At, Diagnostic)>,
}

/// Where a record starts: its block, and its byte in the block. Orders records where lines do
/// not (a lone `\r` ends a record within a line).
type At = (u64, u64);

impl<'a> Part<'a> {
    fn new(plan: &'a Plan<'a>) -> Self {
        Self {
            plan,
            key_col: plan.key_col(),
            short_codes: ShortCodes::new(plan.units),
            matcher: Matcher::new(plan.needs),
            groups: Groups::new(plan.units.len()),
            acc: (0..plan.units.len())
                .map(|_| plan.needs.iter().map(Accumulator::new).collect())
                .collect(),
            unknown: Vec::new(),
            bad: Vec::new(),
            bad_count: 0,
            broken: None,
        }
    }

    /// Adds one well-typed record.
    fn feed(&mut self, values: &[Value], line: u64) {
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
        let code = cells.cell(self.plan.unit_col);
        let unit = match code {
            CellRef::Text(code) => self.unit_of(code),
            _ => None,
        };
        let Some(unit) = unit else {
            self.unknown.push((code.display(), line));
            return None;
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
    fn count_read(&mut self, scratch: &Scratch<'_>, answered: u64, line: u64) -> Option<Pending> {
        let record = KernelRecord {
            cells: &scratch.cells,
            values: &scratch.values,
        };
        self.count(&record, Some(answered), line)
    }

    /// [`Part::add_record`] of a record the kernel read, its values typed from its `fields`
    /// by the layout, which reads the cells the kernel read alike, without error.
    fn add_read(
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

    fn bad_cell(&mut self, at: At, d: Diagnostic) {
        self.bad_count += 1;
        if self.bad.len() < MAX_PROBLEMS_PER_FILE {
            self.bad.push((at, d));
        }
    }

    fn broken(&mut self, at: At, d: Diagnostic) {
        if self.broken.as_ref().is_none_or(|(first, _)| at < *first) {
            self.broken = Some((at, d));
        }
    }

    fn merge(&mut self, other: Part<'a>) {
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
        Tally { acc, unknown }
    }

    /// The tally, or `None` with the problems pushed when the table cannot be used.
    fn finish(self, path: &Path, problems: &mut Vec<Diagnostic>) -> Option<Tally> {
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

/// What [`stream_csv`] found.
#[derive(Debug)]
pub(crate) enum Streamed {
    /// The aggregates (`None`: the table had problems, pushed), and the file's SHA-256.
    Read {
        tally: Option<Tally>,
        sha256: String,
    },
    /// Not UTF-8 text: read it whole, by its encoding, instead.
    NotUtf8,
}

/// Reads `reader` until `buf` holds at least `want` bytes or the input ends, hashing what it
/// reads; returns whether the input ended. One large read at a time: `read_to_end` would
/// spare the zeroing but starts with small reads, which cost more.
fn fill(
    reader: &mut dyn Read,
    buf: &mut Vec<u8>,
    want: usize,
    hasher: &mut Sha256,
) -> io::Result<bool> {
    while buf.len() < want {
        let start = buf.len();
        buf.resize(want.max(start + 64 * 1024), 0);
        let n = loop {
            match reader.read(&mut buf[start..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    buf.truncate(start);
                    return Err(e);
                }
            }
        };
        buf.truncate(start + n);
        hasher.update(&buf[start..]);
        if n == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Where records end in some text, as the `csv` crate reads it: a quote opens a quoted field
/// only at the start of a field (elsewhere it is text), `""` inside quotes is a quote, and `\r`
/// as well as `\n` ends a record outside quotes.
#[derive(Debug, Default, Clone, Copy)]
struct RecordEnds {
    /// Just after the first record's line break(s).
    first: Option<usize>,
    /// Just after the last `\n` outside quotes: a record boundary.
    last: Option<usize>,
    /// A line break inside a quoted field.
    quoted_break: bool,
    /// A `\r` not followed by `\n` outside quotes (a record end splitting at `\n` would miss).
    lone_cr: bool,
}

impl RecordEnds {
    /// Scans `bytes`, which starts at a record's start.
    fn of(bytes: &[u8], delimiter: u8) -> Self {
        let mut ends = Self::default();
        let (mut quoted, mut escaped) = (false, None);
        for i in memchr::memchr3_iter(b'"', b'\n', b'\r', bytes) {
            if escaped == Some(i) {
                continue;
            }
            match (quoted, bytes[i]) {
                (true, b'"') if bytes.get(i + 1) == Some(&b'"') => escaped = Some(i + 1),
                (true, b'"') => quoted = false,
                (true, _) => ends.quoted_break = true,
                (false, b'"') => {
                    let before = i.checked_sub(1).map(|j| bytes[j]);
                    quoted = before.is_none_or(|b| b == delimiter || b == b'\n' || b == b'\r');
                }
                (false, b'\n') => {
                    ends.first.get_or_insert(i + 1);
                    ends.last = Some(i + 1);
                }
                (false, _) => {
                    if bytes.get(i + 1) != Some(&b'\n') {
                        ends.lone_cr = true;
                        ends.first.get_or_insert(i + 1);
                    }
                }
            }
        }
        ends
    }
}

/// Reads on, doubling what `buf` holds, until `find` finds its place in it; at the end of the
/// input, `buf.len()`.
fn read_until(
    reader: &mut dyn Read,
    buf: &mut Vec<u8>,
    ended: &mut bool,
    hasher: &mut Sha256,
    find: &dyn Fn(&[u8]) -> Option<usize>,
) -> io::Result<usize> {
    loop {
        if let Some(at) = find(buf) {
            return Ok(at);
        }
        if *ended {
            return Ok(buf.len());
        }
        let want = buf.len() * 2;
        *ended = fill(reader, buf, want, hasher)?;
    }
}

/// The end of the last whole record in `bytes` (just after a line break outside quotes),
/// or `None` when no record ends there. `bytes` starts at a record's start.
fn last_record_end(bytes: &[u8], delimiter: u8) -> Option<usize> {
    if memchr::memchr(b'"', bytes).is_none() {
        return memchr::memrchr(b'\n', bytes).map(|i| i + 1);
    }
    RecordEnds::of(bytes, delimiter).last
}

/// Whole records of the file, the line the first one starts on, and the block's number.
#[derive(Debug)]
struct Block {
    line: u64,
    seq: u64,
    bytes: Vec<u8>,
}

/// Streams a UTF-8 delimited export through `plan` on `workers` threads.
pub(crate) fn stream_csv(
    reader: &mut dyn Read,
    size: u64,
    path: &Path,
    plan: &Plan<'_>,
    workers: usize,
    progress: Option<&dyn ReadProgress>,
    problems: &mut Vec<Diagnostic>,
) -> io::Result<Streamed> {
    let mut hasher = Sha256::new();
    // A small file (most tables but dossiers) in one read of its size, not a whole block:
    // fresh memory costs its pages' zeroing. The size is a hint; reading goes on past it.
    let first = usize::try_from(size).map_or(BLOCK, |s| s.saturating_add(1).min(BLOCK));
    let mut buf = Vec::with_capacity(first + 64 * 1024);
    let mut ended = fill(reader, &mut buf, first, &mut hasher)?;
    if buf.starts_with(&[0xFF, 0xFE]) || buf.starts_with(&[0xFE, 0xFF]) {
        return Ok(Streamed::NotUtf8);
    }
    let bom = if buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    // The delimiter, from the first line (as reading whole sniffs it); then the header row,
    // the first record, read whole.
    let mut until = |buf: &mut Vec<u8>, find: &dyn Fn(&[u8]) -> Option<usize>| {
        read_until(reader, buf, &mut ended, &mut hasher, find)
    };
    let first_line_end = until(&mut buf, &|b| {
        memchr::memchr(b'\n', &b[bom..]).map(|e| bom + e)
    })?;
    let Ok(first_line) = std::str::from_utf8(&buf[bom..first_line_end]) else {
        return Ok(Streamed::NotUtf8);
    };
    let delimiter = sniff_delimiter(&first_line.nfc().collect::<String>());
    // Blank lines before the header are skipped, as the `csv` crate skips them.
    let head = until(&mut buf, &|b| {
        let blank = b[bom..]
            .iter()
            .take_while(|c| matches!(c, b'\r' | b'\n'))
            .count();
        (bom + blank < b.len()).then_some(bom + blank)
    })?;
    let header_end = until(&mut buf, &|b| {
        RecordEnds::of(&b[head..], delimiter)
            .first
            .map(|e| head + e)
    })?;
    // From the file's start (after its byte-order mark), blank lines included: the `csv`
    // crate would take a byte-order mark opening the header itself for a second one.
    let Ok(header_text) = std::str::from_utf8(&buf[bom..header_end]) else {
        return Ok(Streamed::NotUtf8);
    };
    let header_text: String = header_text.nfc().collect();
    let headers: Vec<String> = {
        let mut rdr = records(header_text.as_bytes(), delimiter);
        let mut record = csv::StringRecord::new();
        match rdr.read_record(&mut record) {
            Ok(true) => record.iter().map(str::to_owned).collect(),
            Ok(false) => Vec::new(),
            Err(e) => {
                let refused = vec![csv_diagnostic(path, &e, 1)];
                return finish_unread(reader, buf, bom, hasher, refused, problems);
            }
        }
    };
    let mut refused = Vec::new();
    let Some(layout) = Layout::of(path, None, &headers, plan.spec, &mut refused) else {
        return finish_unread(reader, buf, bom, hasher, refused, problems);
    };
    let layout = layout.read_only(plan.spec, &plan.columns_read());
    let atoms = atoms_of(plan.needs).unwrap_or_default();
    let kernel = Kernel::new(plan.spec, &layout, &atoms, plan.unit_col);
    if let Some(p) = progress {
        p.start(path, None, size);
    }
    let first_line = 1 + memchr::memchr_iter(b'\n', &buf[..header_end]).count() as u64;
    let mut rest = buf.split_off(header_end);
    drop(buf);

    let not_utf8 = AtomicBool::new(false);
    let reading = Reading {
        layout: &layout,
        kernel: &kernel,
        path,
        delimiter,
    };
    // The calling thread reads (the reader need not be `Send`) and works too, one thread per
    // core in all: a third thread would take a share of the cores from the reader, which
    // then starves the workers. A file read whole already is one block: no helper to start.
    let helpers = if ended { 0 } else { workers.max(1) - 1 };
    let (blocks_tx, blocks_rx) = mpsc::sync_channel::<Block>(helpers * 2 + 2);
    let blocks_rx = Mutex::new(blocks_rx);
    let queued = AtomicUsize::new(0);
    let (spare_tx, spare_rx) = mpsc::channel::<Vec<u8>>();
    let new_part = || {
        let mut part = Part::new(plan);
        if let Some(matcher) = part.matcher.as_mut() {
            matcher.leave_to_kernel(kernel.answered);
        }
        part
    };
    // Reads one block; its buffer goes back to the reader, which may have stopped listening.
    let work = |part: &mut Part<'_>, block: Block| {
        queued.fetch_sub(1, Ordering::Relaxed);
        take_block(part, &reading, &not_utf8, &block);
        let _ = spare_tx.send(block.bytes);
    };
    // Reads the queued blocks until the queue is closed and empty.
    let drain = |part: &mut Part<'_>| loop {
        let block = match blocks_rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => break,
        };
        let Ok(block) = block else { break };
        work(part, block);
    };
    let result = std::thread::scope(|scope| -> io::Result<Vec<Part<'_>>> {
        let handles: Vec<_> = (0..helpers)
            .map(|_| {
                let drain = &drain;
                scope.spawn(move || {
                    let mut part = new_part();
                    drain(&mut part);
                    part
                })
            })
            .collect();
        let mut mine = new_part();
        let mut line = first_line;
        let mut read = header_end as u64;
        // Blocks queued, blocks being read, the one being filled, the next.
        let max_buffers = workers.max(1) * 3 + 2;
        let mut buffers = 1;
        let mut seq = 0;
        let mut sent = |bytes: Vec<u8>, line: u64, mine: &mut Part<'_>| {
            seq += 1;
            queued.fetch_add(1, Ordering::Relaxed);
            if blocks_tx.send(Block { line, seq, bytes }).is_err() {
                return false;
            }
            // While every helper has a block waiting and one more is queued, this thread
            // reads one too.
            while queued.load(Ordering::Relaxed) > helpers + 1 {
                let block = match blocks_rx.try_lock() {
                    Ok(rx) => rx.try_recv(),
                    Err(_) => break,
                };
                let Ok(block) = block else { break };
                work(mine, block);
            }
            true
        };
        let outcome = (|| -> io::Result<()> {
            loop {
                if !ended && rest.len() < BLOCK {
                    let before = rest.len();
                    ended = fill(reader, &mut rest, BLOCK, &mut hasher)?;
                    read += (rest.len() - before) as u64;
                    if let Some(p) = progress {
                        p.advance(read);
                    }
                }
                if not_utf8.load(Ordering::Relaxed) {
                    return Ok(());
                }
                if ended {
                    if !rest.is_empty() {
                        sent(std::mem::take(&mut rest), line, &mut mine);
                    }
                    return Ok(());
                }
                match last_record_end(&rest, delimiter) {
                    Some(end) => {
                        // A spare buffer, else a new one while there are few; else wait for
                        // a worker to give one back: memory stays bounded whatever the size.
                        let mut next = match spare_rx.try_recv() {
                            Ok(spare) => spare,
                            Err(_) if buffers < max_buffers => {
                                buffers += 1;
                                Vec::new()
                            }
                            Err(_) => match spare_rx.recv() {
                                Ok(spare) => spare,
                                Err(_) => return Ok(()),
                            },
                        };
                        next.clear();
                        next.extend_from_slice(&rest[end..]);
                        rest.truncate(end);
                        let lines = memchr::memchr_iter(b'\n', &rest).count() as u64;
                        let block = std::mem::replace(&mut rest, next);
                        if !sent(block, line, &mut mine) {
                            return Ok(());
                        }
                        line += lines;
                    }
                    // A record longer than a block: read on.
                    None => {
                        let want = rest.len() * 2;
                        ended = fill(reader, &mut rest, want, &mut hasher)?;
                    }
                }
            }
        })();
        drop(blocks_tx);
        // Then works like the helpers until the blocks run out.
        drain(&mut mine);
        let mut parts: Vec<Part<'_>> = handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect();
        parts.push(mine);
        outcome.map(|()| parts)
    });
    if let Some(p) = progress {
        p.finish();
    }
    let parts = result?;
    if not_utf8.load(Ordering::Relaxed) {
        return Ok(Streamed::NotUtf8);
    }
    let mut parts = parts.into_iter();
    let Some(mut whole) = parts.next() else {
        return Ok(Streamed::Read {
            tally: None,
            sha256: hex(hasher),
        });
    };
    for part in parts {
        whole.merge(part);
    }
    Ok(Streamed::Read {
        tally: whole.finish(path, problems),
        sha256: hex(hasher),
    })
}

/// The rest of a file whose header was refused: hashed (the fingerprint names every file) and
/// checked to be UTF-8 — else the file is read whole by its detected encoding, whose headers
/// may read differently — but not typed. `refused` says why, once the file is known UTF-8.
fn finish_unread(
    reader: &mut dyn Read,
    mut buf: Vec<u8>,
    bom: usize,
    mut hasher: Sha256,
    refused: Vec<Diagnostic>,
    problems: &mut Vec<Diagnostic>,
) -> io::Result<Streamed> {
    // Bytes of a character cut by the end of the previous read.
    let mut from = bom;
    loop {
        let ended = match std::str::from_utf8(&buf[from..]) {
            Ok(_) => {
                buf.clear();
                fill(reader, &mut buf, BLOCK, &mut hasher)?
            }
            Err(e) if e.error_len().is_none() => {
                let cut = buf.split_off(from + e.valid_up_to());
                buf = cut;
                let ended = fill(reader, &mut buf, BLOCK, &mut hasher)?;
                if ended && std::str::from_utf8(&buf).is_err() {
                    return Ok(Streamed::NotUtf8);
                }
                ended
            }
            Err(_) => return Ok(Streamed::NotUtf8),
        };
        from = 0;
        if ended {
            if std::str::from_utf8(&buf).is_err() {
                return Ok(Streamed::NotUtf8);
            }
            problems.extend(refused);
            return Ok(Streamed::Read {
                tally: None,
                sha256: hex(hasher),
            });
        }
    }
}

fn hex(hasher: Sha256) -> String {
    crate::fingerprint::hex(&hasher.finalize())
}

/// Reads one block: checked UTF-8 (every block, even after a broken row: a file that is not
/// UTF-8 throughout is read whole, by its detected encoding, like any other), then its
/// records, unless a row before broke the table.
fn take_block(part: &mut Part<'_>, reading: &Reading<'_>, not_utf8: &AtomicBool, block: &Block) {
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
    if !delimiter.is_ascii() || odd.is_some_and(|e| e.quoted_break || e.lone_cr) {
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
        let kernel = part.matcher.is_some().then_some(reading.kernel);
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
struct Reading<'a> {
    layout: &'a Layout,
    kernel: &'a Kernel<'a>,
    path: &'a Path,
    delimiter: u8,
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
    let answered = part.matcher.is_some().then(|| {
        reading
            .kernel
            .read(fields, &mut scratch.cells, &mut scratch.values)
    });
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

/// How the records of a file are read when every cell has its usual spelling: straight from
/// the text into [`CellRef`]s, no value built, and the record tests on one column (a flag, a
/// choice, a date within bounds) answered as the cell is read. A cell spelled otherwise
/// (spaces around it, a date not `dd/mm/yyyy`, a value matched only once folded, anything
/// wrong) sends its record through [`Layout::read_row`], which reads anything and says what is
/// wrong: on the cells the kernel accepts, both read the same (`tests/streaming.rs`, fuzz
/// target `evidence_stream`).
#[derive(Debug)]
struct Kernel<'a> {
    spec: &'a TableSpec,
    /// By declared column, what no record changes: a fixed cell, or `None` for a column typed
    /// into values.
    initial: Vec<Option<CellRef<'static>>>,
    /// By field of the file: how it is read (`None`: unread).
    fields: Vec<Option<FieldRead<'a>>>,
    /// The atoms the kernel answers, a bit each as the [`Matcher`] numbers them, and the
    /// results of those on the cells no record changes.
    answered: u64,
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
struct DateRange {
    lo: crate::date::Date,
    hi: crate::date::Date,
    bit: u64,
}

impl DateRange {
    #[inline]
    fn holds(&self, d: crate::date::Date) -> bool {
        self.lo <= d && d <= self.hi
    }
}

/// The atoms on date column `col` (with their bits) that a date range decides: those bits,
/// the bits of an empty cell, and the ranges that set the others.
fn date_tests<'a>(
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
struct OneCell<'c> {
    col: usize,
    cell: CellRef<'c>,
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
    /// `atoms`: the needs' ([`atoms_of`]), atom `i` being bit `i` of the results. Those on
    /// one column are answered here as the cell is read: computed once per choice, flag value,
    /// fixed cell or empty typed cell, as a range for dates (those a range decides), tested on
    /// the value of another typed cell; the others are left to the matcher.
    fn new(spec: &'a TableSpec, layout: &Layout, atoms: &[Atom], unit_col: usize) -> Self {
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
        for col in [Some(unit_col)]
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
    fn read<'t>(
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
    fn read_plain<'t>(
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
struct KernelRecord<'r, 't> {
    cells: &'r [Option<CellRef<'t>>],
    values: &'r [Value],
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

/// A worker's row of values and cells, overwritten record after record (the cells borrow
/// the block's text), and the bad cells of one.
struct Scratch<'t> {
    values: Vec<Value>,
    cells: Vec<Option<CellRef<'t>>>,
    bad: Vec<(usize, String)>,
}

impl Scratch<'_> {
    fn new(spec: &TableSpec) -> Self {
        Self {
            values: Vec::with_capacity(spec.columns.len()),
            cells: Vec::with_capacity(spec.columns.len()),
            bad: Vec::new(),
        }
    }
}

/// [`read_record`] for a record of `len` fields; `false` (the record is broken) when the header
/// has another number.
fn read_fields<R: RowCells>(
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

/// The records of a block without quotes, a line each, split 64 bytes at a time: each chunk
/// is compared with the delimiter and the line feed at once (vectorised), giving a bit per
/// stop; fields average a few bytes, too short for a vectorised search per field.
struct PlainRecords<'t> {
    text: &'t str,
    delimiter: u8,
    /// Where the next chunk starts.
    next: usize,
    /// Where the current chunk starts, and its stops not yet taken (a bit per byte).
    chunk: usize,
    stops: u64,
    /// Where the next field starts; past the end when there is none.
    from: usize,
    /// Whether the last field taken did not end its record.
    mid_record: bool,
}

/// Bytes in a chunk: one bit each in a word of stops.
const CHUNK: usize = 64;

/// A bit for each byte of `chunk` that is `delimiter` or a line feed.
#[inline]
fn stops_of(chunk: &[u8; CHUNK], delimiter: u8) -> u64 {
    // A byte per byte, 1 at a stop (compares the compiler vectorises); then each eight bytes'
    // low bits gathered into one byte by a multiply (no carry: each bit of the top byte has
    // one term).
    let mut hits = [0u8; CHUNK];
    for (hit, &b) in hits.iter_mut().zip(chunk) {
        *hit = u8::from((b == delimiter) | (b == b'\n'));
    }
    let mut stops = 0;
    for (k, eight) in hits.chunks_exact(8).enumerate() {
        let word = u64::from_le_bytes(eight.try_into().unwrap_or_default());
        stops |= (word.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * k);
    }
    stops
}

impl<'t> PlainRecords<'t> {
    fn new(text: &'t str, delimiter: u8) -> Self {
        Self {
            text,
            delimiter,
            next: 0,
            chunk: 0,
            stops: 0,
            from: 0,
            mid_record: false,
        }
    }

    /// The next delimiter or line feed, `None` at the end of the text.
    #[inline(always)]
    fn next_stop(&mut self) -> Option<usize> {
        while self.stops == 0 {
            let rest = self
                .text
                .as_bytes()
                .get(self.next..)
                .filter(|r| !r.is_empty())?;
            self.stops = match rest.first_chunk::<CHUNK>() {
                Some(chunk) => stops_of(chunk, self.delimiter),
                None => {
                    let mut chunk = [0; CHUNK];
                    chunk[..rest.len()].copy_from_slice(rest);
                    stops_of(&chunk, self.delimiter) & ((1 << rest.len()) - 1)
                }
            };
            self.chunk = self.next;
            self.next += CHUNK;
        }
        let at = self.chunk + self.stops.trailing_zeros() as usize;
        self.stops &= self.stops - 1;
        Some(at)
    }

    /// Where the next record starts: past the end of the text when there is none.
    fn record_start(&self) -> usize {
        self.from
    }

    /// The next field of the record being split: where it starts and ends (without the `\r`
    /// of a CRLF line end), and whether it ends the record; `None` after the last record.
    #[inline(always)]
    fn next_field(&mut self) -> Option<(usize, usize, bool)> {
        let (from, len) = (self.from, self.text.len());
        if from > len {
            return None;
        }
        let end = match self.next_stop() {
            Some(at) if self.text.as_bytes().get(at) != Some(&b'\n') => {
                self.from = at + 1;
                self.mid_record = true;
                return Some((from, at, false));
            }
            Some(at) => at,
            None => len,
        };
        self.from = end + 1;
        self.mid_record = false;
        let cr = end > from && self.text.as_bytes().get(end - 1) == Some(&b'\r');
        Some((from, end - usize::from(cr), true))
    }

    /// Skips what is left of the record being split.
    fn skip_record(&mut self) {
        while self.mid_record && self.next_field().is_some() {}
    }

    /// Splits the next record into `fields` (without the `\r` of a CRLF line end) and returns
    /// where it starts; `None` after the last. A blank line is one empty field.
    fn next_record(&mut self, fields: &mut Vec<&'t str>) -> Option<usize> {
        let start = self.from;
        fields.clear();
        loop {
            let (from, to, ends) = self.next_field()?;
            fields.push(&self.text[from..to]);
            if ends {
                return Some(start);
            }
        }
    }
}

/// The fields of the record of `text` from `start` to `next` (where the next one starts), split
/// as [`PlainRecords`] splits them.
fn split_record<'t>(
    text: &'t str,
    start: usize,
    next: usize,
    delimiter: u8,
    fields: &mut Vec<&'t str>,
) {
    // Without its line feed, if it has one.
    let line = text.get(start..next.saturating_sub(1).min(text.len()));
    PlainRecords::new(line.unwrap_or_default(), delimiter).next_record(fields);
}

/// `bytes`, from the middle of a file, as the `csv` crate must read them: a byte-order mark
/// opening them is text there, but the crate drops one that opens its input; so a blank line,
/// which it skips, goes first. Also how many bytes (and lines) were put before.
fn mid_file(bytes: &[u8]) -> (std::borrow::Cow<'_, [u8]>, u64) {
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
fn records(bytes: &[u8], delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes)
}

/// Splits a row into `fields`: plain fields, and quoted fields holding no quote (`"a, b"` is
/// `a, b`). `false` for anything else (an escaped quote, text after a closing quote, a quote
/// inside a plain field), which the `csv` crate reads instead.
fn split_quoted<'a>(row: &'a str, delimiter: u8, fields: &mut Vec<&'a str>) -> bool {
    fields.clear();
    let b = row.as_bytes();
    let mut i = 0;
    loop {
        let end = if b.get(i) == Some(&b'"') {
            let Some(close) = memchr::memchr(b'"', &b[i + 1..]) else {
                return false;
            };
            let close = i + 1 + close;
            fields.push(&row[i + 1..close]);
            close + 1
        } else {
            // Up to the next delimiter; a quote before it is text the `csv` crate reads.
            let stop = match memchr::memchr2(delimiter, b'"', &b[i..]) {
                Some(p) if b[i + p] == b'"' => return false,
                Some(p) => i + p,
                None => b.len(),
            };
            fields.push(&row[i..stop]);
            stop
        };
        match b.get(end) {
            None => return true,
            Some(&d) if d == delimiter => i = end + 1,
            Some(_) => return false,
        }
    }
}

/// One record's cells and where it starts.
#[derive(Debug, Clone, Copy)]
struct Row<'r, R> {
    cells: &'r R,
    line: u64,
    at: At,
}

impl<'r, R: RowCells> Row<'r, R> {
    fn new(cells: &'r R, line: u64, at: At) -> Self {
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
    layout.read_row(part.plan.spec, row.cells, values, |col, expected| {
        bad.push((col, expected));
    });
    if bad.is_empty() {
        part.feed(values, row.line);
    } else {
        for (col, expected) in bad.drain(..) {
            let d = layout.bad_cell(path, None, row.line, row.cells, col, expected);
            part.bad_cell(row.at, d);
        }
    }
}

fn wrong_length(path: &Path, line: u64, len: usize, layout: &Layout) -> Diagnostic {
    super::read::ragged_row(path, line, len, layout.headers.len())
}

/// [`read_block`] for a block with a quoted line break or a lone `\r`: the `csv` crate splits it. `bytes` is
/// UTF-8 in NFC; its first record starts on line `line`.
fn read_quoted_block(
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

#[cfg(test)]
mod tests;
