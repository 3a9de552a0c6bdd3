//! Which needs a record meets: its atom results as bits, computed once per distinct
//! combination.

use super::codes::Recent;
use crate::query::{judge, Atom, Cells, Class, FastMap, Need};

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
pub(super) struct Combo {
    pub(super) bits: u64,
    /// Needs counting records (see [`Group`]).
    pub(super) counts: Vec<u32>,
    /// The other needs (records listed, sums, distinct values, earliest record).
    pub(super) others: Vec<u32>,
}

/// Which needs a record meets, computed once per distinct combination of atom results.
#[derive(Debug)]
pub(super) struct Matcher<'a> {
    needs: &'a [Need],
    atoms: Vec<Atom>,
    tests: Vec<Test>,
    /// [`Matcher::tests`] but the atoms the [`Kernel`](super::kernel::Kernel) answers as it reads a record's cells
    /// ([`Matcher::leave_to_kernel`]); all of them until then.
    rest: Vec<Test>,
    /// Atom results (one bit each) → combination.
    index: FastMap<u64, u32>,
    recent: Recent<u64, u32>,
    pub(super) combos: Vec<Combo>,
}

/// The atoms of the needs' predicates, atom `i` being bit `i` of a record's results; `None`
/// when they are more than a bit set holds.
pub(super) fn atoms_of(needs: &[Need]) -> Option<Vec<Atom>> {
    let mut atoms: Vec<&Atom> = Vec::new();
    for need in needs {
        need.pred().atoms(&mut atoms);
    }
    (atoms.len() <= 64).then(|| atoms.into_iter().cloned().collect())
}

impl<'a> Matcher<'a> {
    /// `None` when the needs hold more atoms than a bit set does ([`atoms_of`]): their
    /// predicates are then tested one by one.
    pub(super) fn new(needs: &'a [Need]) -> Option<Self> {
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
    pub(super) fn leave_to_kernel(&mut self, answered: u64) {
        self.rest = self
            .tests
            .iter()
            .filter(|t| !matches!(t, Test::Atom(_, i) if answered & (1 << i) != 0))
            .cloned()
            .collect();
    }

    /// The atom results of a record: every test, or with `answered` (the results of the atoms
    /// the kernel answered as it read the record) the others.
    pub(super) fn bits<C: Cells + ?Sized>(&self, values: &C, answered: Option<u64>) -> u64 {
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
    pub(super) fn combo_of(&mut self, bits: u64) -> u32 {
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
