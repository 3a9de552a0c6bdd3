//! Record tests: one test of one record ([`Atom`]), deadlines ([`judge`]) and the predicates
//! built of tests ([`Pred`]).

use super::values::{CellRef, Cells, Lit, Value};
use crate::date::Date;

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
