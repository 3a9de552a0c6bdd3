//! Every layout of evidence read one way: a unit's own folder (a province of one), a province
//! of unit folders, province-wide exports. What each unit holds besides its tables (identity,
//! facts, notes, survey, appraisal) is read when the [`Scan`] opens; each table is then read
//! once, as a stream when it is UTF-8 text (else whole: a workbook, a legacy encoding), and
//! aggregated per unit as it is read, for the [`Need`]s the rules ask (learnt by running them,
//! see `CompiledCriteria::settle`). Memory holds the aggregates and a few blocks in flight,
//! however many records the tables have.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::read::Strategy;
use super::read::{
    appraisal_entries, appraisal_spec, check_declared_facts, decode, locate, read_facts,
    read_optional, read_table, read_unit, survey_results, survey_spec, Origin, ReadOptions,
    Recording, FACTS_FILE, UNIT_FILE,
};
use super::stream::{stream_csv, tally_table, Plan, Streamed, Tally, UnitIndex};
use super::text::TextEncoding;
use super::workbook::Workbook;
use super::{Evidence, Source, Table};
use crate::criteria::{CriteriaSet, TableSpec};
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::files::Files;
use crate::fingerprint::{relative_name, FileDigest};
use crate::query::{Aggregates, FastMap, Need};

/// One unit of a scan: what its folder (or the province's files) says of it, and what reading
/// its tables found.
#[derive(Debug)]
pub(super) struct Member {
    /// Its evidence without aggregates, files or sources.
    pub(super) evidence: Evidence,
    /// The files of its own folder read, by name in that folder.
    pub(super) digests: BTreeMap<String, FileDigest>,
    /// Where each of its tables was read from, in the set's order, then survey and appraisal.
    pub(super) sources: Vec<Source>,
    pub(super) extra_sources: Vec<Source>,
    /// Problems of its folder, in the order reading it reports them: found before its tables
    /// (identity, where tables are), in its tables, after them (facts, notes, survey, appraisal).
    pub(super) before: Vec<Diagnostic>,
    pub(super) tables: Vec<Diagnostic>,
    pub(super) after: Vec<Diagnostic>,
    /// Its place in the folder listing: the order its problems are reported in.
    pub(super) order: usize,
}

/// One table to read: from one unit's folder (`member`), or a province-wide export whose unit
/// column says whose each record is.
#[derive(Debug)]
pub(super) struct Input {
    pub(super) spec: TableSpec,
    pub(super) origin: Origin,
    /// `None`: by the unit column of `spec`.
    pub(super) member: Option<usize>,
}

/// A unit folder opened: the unit, its tables' origins, and the workbooks already open.
pub(super) struct Folder {
    pub(super) member: Member,
    pub(super) tables: Vec<(TableSpec, Origin)>,
    pub(super) workbooks: BTreeMap<PathBuf, Workbook>,
}

/// Reads what a unit's folder holds besides the set's tables, and finds where those are.
/// Problems are kept on the member, not returned: every problem of the folder, tables
/// included, is reported at once. `Err` only for a file that cannot be read at all.
pub(super) fn open_folder(
    files: &dyn Files,
    set: &CriteriaSet,
    dir: &Path,
    options: &ReadOptions<'_>,
) -> Result<Folder> {
    if !files.is_dir(dir) {
        return Err(Error::Io {
            path: dir.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "không tìm thấy thư mục minh chứng",
            ),
        });
    }
    let recording = Recording {
        inner: files,
        dir,
        seen: RefCell::new(BTreeMap::new()),
    };
    let rec: &dyn Files = &recording;
    let mut before = Vec::new();
    let unit = read_unit(rec, &dir.join(UNIT_FILE), &mut before)?;
    let survey = survey_spec();
    let appraisal = appraisal_spec();
    let specs: Vec<&TableSpec> = set.tables.iter().chain([&survey, &appraisal]).collect();
    let mut workbooks = BTreeMap::new();
    let mut origins = locate(rec, dir, &specs, &mut workbooks, &mut before)?;
    let tables: Vec<(TableSpec, Origin)> = set
        .tables
        .iter()
        .filter_map(|spec| origins.remove(&spec.name).map(|o| (spec.clone(), o)))
        .collect();
    // Survey and appraisal results are a few rows, read whole; their problems come after the
    // tables', as when every file is read in the set's order.
    let mut after = Vec::new();
    let mut extra_sources = Vec::new();
    let mut read_small = |spec: &TableSpec, after: &mut Vec<Diagnostic>| {
        let Some(origin) = origins.get(&spec.name) else {
            return Ok(None);
        };
        let read = read_table(rec, origin, spec, &mut workbooks, options, after)?;
        Ok::<_, Error>(read.map(|(table, source)| {
            let path = source.path.clone();
            extra_sources.push(source);
            (table, path)
        }))
    };
    let survey_table = read_small(&survey, &mut after)?;
    let appraisal_table = read_small(&appraisal, &mut after)?;
    let facts_path = dir.join(FACTS_FILE);
    let facts = read_optional(rec, &facts_path)?.map(|b| {
        let (facts, places) = read_facts(&facts_path, &b, &mut after);
        check_declared_facts(set, &facts, &places, &facts_path, &mut after);
        facts
    });
    let notes_path = dir.join(super::notes::NOTES_FILE);
    let notes = match read_optional(rec, &notes_path)? {
        Some(bytes) => decode(&notes_path, &bytes, &mut after)
            .map(|text| super::notes::read_notes(&notes_path, &text, set, &mut after)),
        None => None,
    };
    let survey = survey_table.map(|(t, path)| survey_results(t, &path, set, &mut after));
    let appraisal = appraisal_table.map(|(t, path)| appraisal_entries(t, &path, set, &mut after));
    let evidence = Evidence::new(dir, unit, Vec::new(), facts, survey)
        .with_appraisal(appraisal)
        .with_notes(notes);
    Ok(Folder {
        member: Member {
            evidence,
            digests: recording.seen.into_inner(),
            sources: Vec::new(),
            extra_sources,
            before,
            tables: Vec::new(),
            after,
            order: 0,
        },
        tables,
        workbooks,
    })
}

/// The units of a folder and the tables to read for them, aggregated as they are read.
pub(crate) struct Scan<'a> {
    files: &'a dyn Files,
    options: &'a ReadOptions<'a>,
    /// The folder the scan opened (a unit's, or the province's).
    dir: PathBuf,
    /// In unit-code order.
    pub(super) members: Vec<Member>,
    pub(super) inputs: Vec<Input>,
    pub(super) workbooks: BTreeMap<PathBuf, Workbook>,
    /// Unit code → member, for the inputs read by unit column.
    pub(super) index: UnitIndex,
    /// Shared with the evidence of the last evaluation; copied only if that is still alive.
    aggregates: Vec<Arc<Aggregates>>,
    /// Whether every table has been read once (checked, hashed).
    read_once: bool,
    /// Files read for every unit (province-wide exports, the province's survey), by name in
    /// `dir`; a member names them with `shared_prefix` before.
    pub(super) shared: BTreeMap<String, FileDigest>,
    pub(super) shared_prefix: &'static str,
    /// Problems of the province's own files, reported after the units'.
    pub(super) after: Vec<Diagnostic>,
    /// Problems reported only when there is no other (a unit code given to two folders).
    pub(super) late: Vec<Diagnostic>,
    /// Exports: the units' codes, and where codes that are none of them were seen.
    pub(super) codes: Option<CodeCheck>,
}

/// The unit codes of province-wide files, checked once every table has been read once.
#[derive(Debug)]
pub(super) struct CodeCheck {
    pub(super) codes: Vec<String>,
    /// (code, file, line) of rows whose code is not one of `codes`.
    pub(super) unknown: Vec<(String, PathBuf, u64)>,
}

impl std::fmt::Debug for Scan<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scan")
            .field("dir", &self.dir)
            .field("units", &self.members.len())
            .field("tables", &self.inputs.len())
            .finish_non_exhaustive()
    }
}

impl<'a> Scan<'a> {
    /// A scan of `members` (in unit-code order) and `inputs`; `shared_prefix` is how a member
    /// names the files read for all (`""` when the members' folder is the scan's).
    pub(super) fn new(
        files: &'a dyn Files,
        options: &'a ReadOptions<'a>,
        dir: &Path,
        members: Vec<Member>,
        inputs: Vec<Input>,
        shared_prefix: &'static str,
    ) -> Self {
        let aggregates = (0..members.len())
            .map(|i| {
                let present: BTreeSet<String> = inputs
                    .iter()
                    .filter(|input| input.member.is_none_or(|m| m == i))
                    .map(|input| input.spec.name.clone())
                    .collect();
                Arc::new(Aggregates {
                    present,
                    answers: FastMap::default(),
                })
            })
            .collect();
        Self {
            files,
            options,
            dir: dir.to_path_buf(),
            members,
            inputs,
            workbooks: BTreeMap::new(),
            index: UnitIndex::default(),
            aggregates,
            read_once: false,
            shared: BTreeMap::new(),
            shared_prefix,
            after: Vec::new(),
            late: Vec::new(),
            codes: None,
        }
    }

    /// A unit's own folder: a province of one.
    pub(crate) fn unit(
        files: &'a dyn Files,
        set: &CriteriaSet,
        dir: &Path,
        options: &'a ReadOptions<'a>,
    ) -> Result<Self> {
        let folder = open_folder(files, set, dir, options)?;
        let inputs = folder
            .tables
            .into_iter()
            .map(|(spec, origin)| Input {
                spec,
                origin,
                member: Some(0),
            })
            .collect();
        let mut scan = Self::new(files, options, dir, vec![folder.member], inputs, "");
        scan.workbooks = folder.workbooks;
        Ok(scan)
    }

    /// Each unit's evidence as aggregated so far, in unit-code order.
    pub(crate) fn units(&self) -> Vec<Evidence> {
        self.members
            .iter()
            .zip(&self.aggregates)
            .map(|(member, agg)| {
                let mut digests: Vec<FileDigest> = member.digests.values().cloned().collect();
                digests.extend(self.shared.values().map(|d| FileDigest {
                    name: format!("{}{}", self.shared_prefix, d.name),
                    sha256: d.sha256.clone(),
                }));
                digests.sort();
                digests.dedup();
                let mut sources = member.sources.clone();
                sources.extend(member.extra_sources.iter().cloned());
                member
                    .evidence
                    .clone()
                    .with_sources(sources, digests)
                    .with_aggregates(Arc::clone(agg))
            })
            .collect()
    }

    /// Reads the tables that `needs` ask of (every table, the first time, so that each file is
    /// checked and hashed) and answers them for every unit. The first time, every problem of
    /// every file is reported at once.
    pub(crate) fn aggregate(&mut self, needs: &BTreeSet<Need>) -> Result<()> {
        let workers = self.options.threads.get();
        let inputs = std::mem::take(&mut self.inputs);
        let index = std::mem::take(&mut self.index);
        let mut province_problems = Vec::new();
        let outcome = (|| -> Result<()> {
            for input in &inputs {
                let wanted: Vec<Need> = needs
                    .iter()
                    .filter(|n| n.table() == input.spec.name)
                    .cloned()
                    .collect();
                if wanted.is_empty() && self.read_once {
                    continue;
                }
                let plan = Plan {
                    spec: &input.spec,
                    needs: &wanted,
                    units: &index,
                    unit_col: match input.member {
                        Some(_) => None,
                        None => input.spec.column_index(super::UNIT_COLUMN),
                    },
                };
                let mut problems = Vec::new();
                let tally = self.tally(input, &plan, workers, &mut problems)?;
                match input.member {
                    Some(m) => self.members[m].tables.append(&mut problems),
                    None => province_problems.append(&mut problems),
                }
                let Some(tally) = tally else { continue };
                if !self.read_once {
                    self.record_source(input, &tally);
                    if let Some(check) = self.codes.as_mut() {
                        let path = input.origin.path();
                        check.unknown.extend(
                            (tally.unknown.iter())
                                .map(|(c, l)| (c.clone(), path.to_path_buf(), *l)),
                        );
                    }
                }
                let targets: Vec<usize> = match input.member {
                    Some(m) => vec![m],
                    None => (0..self.members.len()).collect(),
                };
                for (target, accs) in targets.into_iter().zip(tally.acc) {
                    let answers = &mut Arc::make_mut(&mut self.aggregates[target]).answers;
                    for (need, acc) in wanted.iter().zip(accs) {
                        answers.insert(need.clone(), Arc::new(acc.finish()));
                    }
                }
            }
            Ok(())
        })();
        self.inputs = inputs;
        self.index = index;
        outcome?;
        if self.read_once {
            return Ok(());
        }
        self.read_once = true;
        let mut problems = Vec::new();
        let mut order: Vec<&mut Member> = self.members.iter_mut().collect();
        order.sort_by_key(|m| m.order);
        for member in order {
            problems.append(&mut member.before);
            problems.append(&mut member.tables);
            problems.append(&mut member.after);
        }
        problems.append(&mut province_problems);
        problems.append(&mut self.after);
        if let Some(check) = &self.codes {
            super::province::check_codes(&check.unknown, &check.codes, &mut problems);
        }
        if problems.is_empty() {
            problems.append(&mut self.late);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Error::Evidence(Diagnostics(problems)))
        }
    }

    /// Where a table read for the first time came from, on its unit (one unit's table).
    fn record_source(&mut self, input: &Input, tally: &Tally) {
        let Some(m) = input.member else { return };
        let (sheet, encoding) = match &input.origin {
            Origin::Text(_) => (None, Some(tally.encoding.to_owned())),
            Origin::Workbook(_) | Origin::Sheet(..) => (tally.sheet.clone(), None),
        };
        self.members[m].sources.push(Source {
            table: input.spec.name.clone(),
            path: input.origin.path().to_path_buf(),
            sheet,
            encoding,
            records: usize::try_from(tally.records).unwrap_or(usize::MAX),
            ignored_columns: tally.ignored.clone(),
        });
    }

    /// The digests a file read for `input` goes to: its unit's folder's, or the province's.
    fn digests_of(&mut self, input: &Input) -> (&Path, &mut BTreeMap<String, FileDigest>) {
        match input.member {
            Some(m) => {
                let member = &mut self.members[m];
                (member.evidence.dir(), &mut member.digests)
            }
            None => (&self.dir, &mut self.shared),
        }
    }

    /// One pass over one table: streamed when it is UTF-8 text, else read whole and tallied.
    fn tally(
        &mut self,
        input: &Input,
        plan: &Plan<'_>,
        workers: usize,
        problems: &mut Vec<Diagnostic>,
    ) -> Result<Option<Tally>> {
        let io_error = |path: &Path, source| Error::Io {
            path: path.to_path_buf(),
            source,
        };
        let files = self.files;
        let whole = self.options.strategy() == Strategy::Whole;
        if let (Origin::Text(path), TextEncoding::Auto | TextEncoding::Utf8, false) =
            (&input.origin, self.options.encoding, whole)
        {
            // Read ahead while it arrived (an upload), for what this pass asks: taken.
            let taken = self
                .options
                .ahead
                .and_then(|a| a.take(path, plan, self.options));
            let problems_before = problems.len();
            let streamed = match taken {
                Some(ahead) => {
                    problems.extend(ahead.problems);
                    Streamed::Read {
                        tally: ahead.tally,
                        sha256: ahead.sha256,
                    }
                }
                None => {
                    let (mut reader, size) = files.open(path).map_err(|e| io_error(path, e))?;
                    stream_csv(
                        &mut reader,
                        size,
                        path,
                        plan,
                        workers,
                        self.options,
                        problems,
                    )
                    .map_err(|e| io_error(path, e))?
                }
            };
            if let Streamed::Read { tally, sha256 } = streamed {
                // The first pass's tables stay for a later reading of the same files.
                if let (Some(ahead), false) = (self.options.ahead, self.read_once) {
                    let found = &problems[problems_before..];
                    ahead.keep(path, plan, self.options, tally.as_ref(), &sha256, found);
                }
                let (dir, digests) = self.digests_of(input);
                let name = relative_name(dir, path);
                digests.insert(name.clone(), FileDigest { name, sha256 });
                return Ok(tally.map(|t| t.read_as(TextEncoding::Utf8.name(), None)));
            }
        }
        let dir = match input.member {
            Some(m) => self.members[m].evidence.dir().to_path_buf(),
            None => self.dir.clone(),
        };
        let recording = Recording {
            inner: files,
            dir: &dir,
            seen: RefCell::new(BTreeMap::new()),
        };
        let read = read_table(
            &recording,
            &input.origin,
            plan.spec,
            &mut self.workbooks,
            self.options,
            problems,
        )?;
        let (_, digests) = self.digests_of(input);
        digests.extend(recording.seen.into_inner());
        Ok(read.map(|(table, source)| tally_whole(plan, &table, &source)))
    }
}

/// The tally of a table read whole, and where it came from.
fn tally_whole(plan: &Plan<'_>, table: &Table, source: &Source) -> Tally {
    let mut tally = tally_table(plan, table);
    tally.ignored = source.ignored_columns.clone();
    tally.read_as(
        source.encoding.as_deref().unwrap_or_default(),
        source.sheet.clone(),
    )
}
