//! Needs answered record by record ([`Accumulator`]), and the map the streaming pass keeps
//! them in ([`FastMap`]).

use std::collections::BTreeSet;

use rust_decimal::Decimal;

use super::needs::{
    Answer, Need, DISTINCT_MAX_BYTES, DISTINCT_MAX_VALUES, RECORDS_LISTED_MAX, RECORDS_SHOWN,
};
use super::values::{fold_header, Value};
use crate::bytes::le_word;
use crate::date::Date;

/// A need being answered, record by record, in file order (or in file-ordered chunks merged
/// with [`Accumulator::merge`]).
#[derive(Debug, Clone)]
pub(crate) enum Accumulator {
    Count(u64),
    Sample {
        count: u64,
        first: Vec<(u64, String)>,
    },
    Records {
        count: u64,
        first: Vec<(u64, Vec<Value>)>,
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
    /// Whether adding a record needs its cells: not for a count, nor for a sample or a listing
    /// whose first records are all kept (see [`Accumulator::add_counted`]).
    pub(crate) fn needs_record(&self) -> bool {
        match self {
            Accumulator::Count(_) => false,
            Accumulator::Sample { first, .. } => first.len() < RECORDS_SHOWN,
            Accumulator::Records { first, .. } => first.len() < RECORDS_LISTED_MAX,
            _ => true,
        }
    }

    /// Adds a record [`Accumulator::needs_record`] says is only counted.
    pub(crate) fn add_counted(&mut self) {
        if let Accumulator::Count(count)
        | Accumulator::Sample { count, .. }
        | Accumulator::Records { count, .. } = self
        {
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
            Need::Records { .. } => Accumulator::Records {
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
            (Accumulator::Records { count, first }, _) => {
                *count += 1;
                if first.len() < RECORDS_LISTED_MAX {
                    first.push((line, values.to_vec()));
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
            (
                Accumulator::Records { count, first },
                Accumulator::Records {
                    count: c2,
                    first: f2,
                },
            ) => {
                *count += c2;
                first.extend(f2);
                first.sort_by_key(|(line, _)| *line);
                first.truncate(RECORDS_LISTED_MAX);
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
            Accumulator::Records { count, first } => Answer::Records { count, first },
            Accumulator::Sum(s) => Answer::Sum(s),
            Accumulator::Distinct(set) => Answer::Distinct(set.count()),
            Accumulator::Earliest(e) => Answer::Earliest(e),
        }
    }
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
