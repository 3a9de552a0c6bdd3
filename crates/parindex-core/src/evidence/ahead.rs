//! Tables read before the reading that uses them: a table's text export read while it is
//! still arriving (an upload's body), for what the folder's reading is expected to ask of it,
//! or kept from an earlier reading of the same file; handed to the folder's reading when it
//! comes, so that the export is not read again.
//!
//! A table read ahead is the folder's own first pass over the table — [`stream_csv`] with the
//! plan that pass makes — run earlier, on bytes from a stream instead of the file: the same
//! checks, the same hash, the same aggregates. The folder's reading takes it only when its
//! first pass asks exactly the needs it was read for, in the same way (encoding, strategy);
//! otherwise it reads the file as always. A guess that turns out wrong costs time, never a
//! different score. That the file at the path is the one read ahead is the caller's to keep
//! true ([`ReadAhead::retain`] drops the tables whose files changed).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use super::read::{ReadOptions, Strategy};
use super::stream::{stream_csv, Plan, Streamed, Tally, UnitIndex};
use super::text::TextEncoding;
use crate::criteria::CriteriaSet;
use crate::error::Diagnostic;
use crate::query::Need;

/// What a folder's reading is expected to ask of its tables, and the tables read ahead for it.
/// Made by [`CompiledCriteria::read_ahead`](crate::CompiledCriteria::read_ahead); given to the
/// folder's reading in [`ReadOptions::ahead`], which takes what fits and leaves in it every
/// table its first pass read from a text export (read from the file or taken), so that a later
/// reading of the same files takes them in turn. Shared between threads: one table may be read
/// ahead on each.
#[derive(Debug)]
pub struct ReadAhead {
    set: Arc<CriteriaSet>,
    needs: BTreeSet<Need>,
    read: Mutex<BTreeMap<PathBuf, ReadTable>>,
    /// How many times a reading took a table from it.
    taken: std::sync::atomic::AtomicUsize,
}

/// One table read ahead: for which needs, what it found.
#[derive(Debug)]
struct ReadTable {
    table: String,
    wanted: Vec<Need>,
    strategy: Strategy,
    encoding: TextEncoding,
    tally: Option<Tally>,
    sha256: String,
    problems: Vec<Diagnostic>,
}

impl ReadTable {
    /// What a pass for `plan` read as `options` read it.
    fn of(
        plan: &Plan<'_>,
        options: &ReadOptions<'_>,
        tally: Option<Tally>,
        sha256: String,
        problems: Vec<Diagnostic>,
    ) -> Self {
        Self {
            table: plan.spec.name.clone(),
            wanted: plan.needs.to_vec(),
            strategy: options.strategy(),
            encoding: options.encoding,
            tally,
            sha256,
            problems,
        }
    }

    /// Whether a pass for `plan` reading as `options` read would find what it found.
    fn fits(&self, plan: &Plan<'_>, options: &ReadOptions<'_>) -> bool {
        self.table == plan.spec.name
            && self.wanted == plan.needs
            && self.strategy == options.strategy()
            && self.encoding == options.encoding
    }
}

/// A table read ahead, as the folder's reading takes it.
#[derive(Debug)]
pub(super) struct Taken {
    /// `None`: the table had problems (in `problems`).
    pub(super) tally: Option<Tally>,
    pub(super) sha256: String,
    pub(super) problems: Vec<Diagnostic>,
}

impl ReadAhead {
    pub(crate) fn new(set: Arc<CriteriaSet>, needs: BTreeSet<Need>) -> Self {
        Self {
            set,
            needs,
            read: Mutex::new(BTreeMap::new()),
            taken: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Whether it was made for `set` (by its compiled criteria).
    pub(crate) fn is_of(&self, set: &Arc<CriteriaSet>) -> bool {
        Arc::ptr_eq(&self.set, set)
    }

    /// What the first pass over `table` asks, of everything the folder's reading asks.
    fn wanted(&self, table: &str) -> Vec<Need> {
        self.needs
            .iter()
            .filter(|n| n.table() == table)
            .cloned()
            .collect()
    }

    /// Reads `table`'s text export, the file the folder's reading will find at `path`, from
    /// `reader` (`size`: its expected length, a hint) as that reading's first pass would read
    /// it with `options`. Returns whether it was read: not when the set has no such table, when
    /// `options` read text in a legacy encoding or the export is not UTF-8 text (the folder's
    /// reading reads those whole). Reading ahead twice for one path keeps the later.
    ///
    /// # Errors
    /// The reader's.
    pub fn read(
        &self,
        table: &str,
        path: &Path,
        reader: &mut dyn Read,
        size: u64,
        options: &ReadOptions<'_>,
    ) -> io::Result<bool> {
        let Some(spec) = self.set.table(table) else {
            return Ok(false);
        };
        if !streams(options) {
            return Ok(false);
        }
        let wanted = self.wanted(table);
        let units = UnitIndex::default();
        let plan = Plan {
            spec,
            needs: &wanted,
            units: &units,
            unit_col: None,
        };
        let mut problems = Vec::new();
        let workers = options.threads.get();
        let Streamed::Read { tally, sha256 } =
            stream_csv(reader, size, path, &plan, workers, options, &mut problems)?
        else {
            return Ok(false);
        };
        self.insert(path, ReadTable::of(&plan, options, tally, sha256, problems));
        Ok(true)
    }

    /// The table read ahead from `path` for `plan`, taken (a second pass reads the file):
    /// only when it was read for exactly the needs `plan` asks, as `options` read.
    pub(super) fn take(
        &self,
        path: &Path,
        plan: &Plan<'_>,
        options: &ReadOptions<'_>,
    ) -> Option<Taken> {
        if plan.unit_col.is_some() || !streams(options) {
            return None;
        }
        let mut read = self.read.lock().unwrap_or_else(PoisonError::into_inner);
        if !read.get(path).is_some_and(|r| r.fits(plan, options)) {
            return None;
        }
        self.taken
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        read.remove(path).map(|r| Taken {
            tally: r.tally,
            sha256: r.sha256,
            problems: r.problems,
        })
    }

    /// Keeps what a first pass read from the text export at `path` for `plan` (for a later
    /// reading of the same file).
    pub(super) fn keep(
        &self,
        path: &Path,
        plan: &Plan<'_>,
        options: &ReadOptions<'_>,
        tally: Option<&Tally>,
        sha256: &str,
        problems: &[Diagnostic],
    ) {
        if plan.unit_col.is_some() {
            return;
        }
        let read = ReadTable::of(
            plan,
            options,
            tally.cloned(),
            sha256.to_owned(),
            problems.to_vec(),
        );
        self.insert(path, read);
    }

    fn insert(&self, path: &Path, read: ReadTable) {
        self.read
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(path.to_path_buf(), read);
    }

    /// Keeps only the tables whose file (its path, the SHA-256 of what was read) `keep`
    /// says is still the one at that path: the others' files changed.
    pub fn retain(&self, mut keep: impl FnMut(&Path, &str) -> bool) {
        self.read
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|path, read| keep(path, &read.sha256));
    }

    /// Takes in the tables `other` read ahead (each keeps the needs it was read for): the
    /// tables of one upload, each read for the folder expected when it arrived.
    pub fn absorb(&self, other: ReadAhead) {
        let theirs = other
            .read
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        self.read
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(theirs);
    }

    /// How many times a reading took one of its tables instead of reading the file.
    pub fn taken(&self) -> usize {
        self.taken.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// How many tables it holds (read ahead, or kept from a reading).
    pub fn waiting(&self) -> usize {
        self.read
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// Whether `options` stream a UTF-8 text export (else it is read whole, never ahead).
fn streams(options: &ReadOptions<'_>) -> bool {
    matches!(options.encoding, TextEncoding::Auto | TextEncoding::Utf8)
        && options.strategy() != Strategy::Whole
}
