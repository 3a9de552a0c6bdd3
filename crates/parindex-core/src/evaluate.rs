//! Scoring: run every row's rule on a unit's evidence, check its points against the row's
//! bounds, apply not-arising policies and survey results, and add up the tree.

use std::collections::BTreeSet;
use std::path::Path;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::criteria::{CriteriaSet, Method, NotArising};
use crate::date::Date;
use crate::error::{Diagnostic, Diagnostics, Error, Result};
use crate::evidence::{scan_province, Appraisal, Evidence, ReadAhead, ReadOptions, Scan};
use crate::explain::RecordTable;
use crate::files::Files;
use crate::fingerprint::{digest_of, engine_version, Fingerprint, SetDigest};
use crate::gaps;
use crate::num::{round_half_up, vi_decimal, vi_percent};
use crate::query::Need;
use crate::report::{
    AppraisalRound, CriteriaInfo, EvidenceRef, Measure, NodeKind, NodeScore, Part, Report, Status,
    SurveyPart, Total, REPORT_SCHEMA,
};
use crate::rules::{
    compile_rules, run_rule, CompiledRules, Limits, RuleResult, Trace, UnitContext,
};
use crate::threads::Threads;

/// What an evaluation is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// The report: a question the evidence cannot answer is an error on its row.
    Final,
    /// A report, unless rules asked what the evidence cannot answer yet (placeholders).
    Provisional,
}

/// How many times at most a province's tables are read: once for what the rules ask on no
/// data, again for what they ask on the answers (a rule whose questions depend on the data).
const STREAM_ROUNDS: usize = 4;

/// A unit folder's scan always holds its one unit; were it not so, this says so.
fn no_unit(dir: &Path) -> crate::error::Error {
    crate::error::Error::Evidence(crate::error::Diagnostics(vec![
        crate::error::Diagnostic::new(dir, "không đọc được đơn vị của thư mục"),
    ]))
}

/// A criteria set whose rules are compiled: build once, score many units.
#[derive(Debug)]
pub struct CompiledCriteria {
    set: Arc<CriteriaSet>,
    rules: CompiledRules,
}

impl CompiledCriteria {
    /// Compiles every rule of a validated set under the default [`Limits`].
    pub fn compile(set: CriteriaSet) -> Result<Self> {
        Self::compile_with_limits(set, Limits::default())
    }

    /// Compiles every rule of a validated set under `limits`.
    pub fn compile_with_limits(set: CriteriaSet, limits: Limits) -> Result<Self> {
        let rules = compile_rules(&set, limits)?;
        Ok(Self {
            set: Arc::new(set),
            rules,
        })
    }

    pub fn criteria(&self) -> &CriteriaSet {
        &self.set
    }

    /// The limits its rules run under.
    pub fn limits(&self) -> Limits {
        self.rules.limits
    }

    /// 31 December of the set's year: the as-of date when none is given.
    pub fn default_as_of(&self) -> Option<Date> {
        Date::from_ymd_opt(self.set.year, 12, 31)
    }

    /// The as-of date of a run: `given`, else [`Self::default_as_of`]. Every caller that lets
    /// the date default (the CLI, the web app, [`crate::score`], the cases) settles it here.
    ///
    /// # Errors
    /// [`Error::Criteria`] when no date is given and the set's year has no 31 December.
    pub fn as_of(&self, given: Option<Date>) -> Result<Date> {
        given.or_else(|| self.default_as_of()).ok_or_else(|| {
            Error::Criteria(Diagnostics(vec![Diagnostic::new(
                &self.set.path,
                format!("năm {} không có ngày 31/12", self.set.year),
            )]))
        })
    }

    /// Scores one unit at the as-of date. Never fails: a rule that errors marks its row.
    pub fn score(&self, evidence: &Evidence, as_of: Date) -> Report {
        self.score_with(evidence, as_of, Pass::Final).0
    }

    /// Reads a unit's own folder for scoring at `as_of`: each table read once (streamed when it
    /// is UTF-8 text), checked, and aggregated for what the rules ask at that date — a province
    /// of one. The evidence answers [`CompiledCriteria::score`] at `as_of`; at another date a
    /// rule may ask what was not aggregated, an error on its row. Every problem of every file
    /// is reported at once.
    pub fn read_unit(
        &self,
        files: &dyn Files,
        dir: &Path,
        as_of: Date,
        options: &ReadOptions<'_>,
    ) -> Result<Evidence> {
        Ok(self.read_and_score(files, dir, as_of, options)?.0)
    }

    /// Reads and scores a unit's own folder ([`CompiledCriteria::read_unit`]).
    pub fn score_unit(
        &self,
        files: &dyn Files,
        dir: &Path,
        as_of: Date,
        options: &ReadOptions<'_>,
    ) -> Result<Report> {
        Ok(self.read_and_score(files, dir, as_of, options)?.1)
    }

    /// A unit's folder read ([`CompiledCriteria::read_unit`]) and its report at `as_of`, from
    /// the one reading and scoring that reading it takes: for a caller that wants both (where
    /// each table came from, and the score) without scoring twice.
    pub fn read_and_score(
        &self,
        files: &dyn Files,
        dir: &Path,
        as_of: Date,
        options: &ReadOptions<'_>,
    ) -> Result<(Evidence, Report)> {
        let options = &self.own_tables(options);
        let mut scan = Scan::unit(files, &self.set, dir, options)?;
        let report = self.settle(&mut scan, as_of, options.threads)?.pop();
        match (scan.units().pop(), report) {
            (Some(evidence), Some(report)) => Ok((evidence, report)),
            _ => Err(no_unit(dir)),
        }
    }

    /// What reading the unit folder `dir` at `as_of` will first ask of each table, learnt from
    /// the folder as it stands (its identity, facts and which tables it has, as
    /// [`Self::read_unit`] learns it), to read tables ahead with ([`ReadAhead::read`]) while
    /// they arrive. Give it to that reading as [`ReadOptions::ahead`]: a table read ahead is
    /// taken only when the reading asks of it exactly what it was read for, so a folder that
    /// changed meanwhile (a fact, a table more) is still read right.
    ///
    /// # Errors
    /// `dir` is not a folder, or a file of it cannot be read.
    pub fn read_ahead(
        &self,
        files: &dyn Files,
        dir: &Path,
        as_of: Date,
        options: &ReadOptions<'_>,
    ) -> Result<ReadAhead> {
        let scan = Scan::unit(files, &self.set, dir, options)?;
        let needs = self.discover(&scan.units(), as_of, options.threads);
        Ok(ReadAhead::new(Arc::clone(&self.set), needs))
    }

    /// `options` without their tables read ahead when another set made them: their
    /// questions and columns are that set's.
    fn own_tables<'a>(&self, options: &ReadOptions<'a>) -> ReadOptions<'a> {
        ReadOptions {
            ahead: options.ahead.filter(|a| a.is_of(&self.set)),
            ..*options
        }
    }

    /// Every record of each list of the row `row`'s deciding records (the late dossiers, the
    /// documents not signed…), cells and all, from the unit folder `dir` at `as_of`: the report
    /// keeps only how many and the first keys. The row's rule runs as it does in
    /// [`Self::score_unit`] (the same readings of the same tables); its lists' records are then
    /// read in one more pass over their tables, at most [`RECORDS_LISTED_MAX`] a list.
    /// `None` when the set has no row `row` scored by a rule.
    ///
    /// [`RECORDS_LISTED_MAX`]: crate::explain::RECORDS_LISTED_MAX
    ///
    /// # Errors
    /// As [`Self::score_unit`]: the folder cannot be read, or a file of it is wrong.
    pub fn row_records(
        &self,
        files: &dyn Files,
        dir: &Path,
        row: &str,
        as_of: Date,
        options: &ReadOptions<'_>,
    ) -> Result<Option<Vec<RecordTable>>> {
        let set = &self.set;
        let Some(index) = set.criteria.iter().position(|c| {
            c.id == row
                && c.leaf
                    .as_ref()
                    .is_some_and(|l| matches!(l.method, Method::SelfAssessed | Method::Penalty))
        }) else {
            return Ok(None);
        };
        let options = &self.own_tables(options);
        let mut scan = Scan::unit(files, set, dir, options)?;
        // The rounds a scoring makes (so that the tables are read for the same questions,
        // and a reading kept from the scoring fits), this one row's rule run in each.
        let trace = self
            .rounds(&mut scan, as_of, options.threads, |units, pass| {
                units
                    .iter()
                    .map(|evidence| {
                        let unit = Rc::new(UnitContext::with_mode(
                            Arc::clone(set),
                            evidence.clone(),
                            as_of,
                            pass == Pass::Final,
                        ));
                        let trace = run_rule(&self.rules, set, &unit, index).1;
                        (trace, unit.missing.take())
                    })
                    .collect()
            })?
            .pop()
            .ok_or_else(|| no_unit(dir))?;
        let wanted: BTreeSet<Need> = trace.record_rows.iter().map(|r| r.records()).collect();
        scan.aggregate(&wanted)?;
        let evidence = scan.units().pop().ok_or_else(|| no_unit(dir))?;
        let mut out = Vec::new();
        for (list, rows) in trace.records.into_iter().zip(&trace.record_rows) {
            let first = match evidence.aggregates().and_then(|a| a.get(&rows.records())) {
                Some(answer) => match &**answer {
                    crate::query::Answer::Records { first, .. } => first.clone(),
                    _ => Vec::new(),
                },
                None => Vec::new(),
            };
            out.push(RecordTable {
                columns: rows
                    .table
                    .columns
                    .iter()
                    .map(|c| {
                        let label = c.labels.first().unwrap_or(&c.id);
                        (c.id.clone(), label.clone())
                    })
                    .collect(),
                records: first
                    .into_iter()
                    .map(|(line, cells)| (line, cells.iter().map(|v| v.display()).collect()))
                    .collect(),
                list,
            });
        }
        Ok(Some(out))
    }

    /// An empty [`ReadAhead`]: given to a reading as [`ReadOptions::ahead`], it keeps the
    /// tables that reading read, for a later reading of the same files.
    pub fn keeping(&self) -> ReadAhead {
        ReadAhead::new(Arc::clone(&self.set), BTreeSet::new())
    }

    /// Scores a whole province folder — province-wide exports (`units.csv`) or a folder per
    /// unit — reading each table once and aggregating it per unit as it is read, so memory
    /// does not grow with the number of records. Reports are in unit-code order.
    pub fn score_province(
        &self,
        files: &dyn Files,
        dir: &Path,
        as_of: Date,
        options: &ReadOptions<'_>,
    ) -> Result<Vec<Report>> {
        let options = &self.own_tables(options);
        let mut scan = scan_province(files, &self.set, dir, options)?;
        self.settle(&mut scan, as_of, options.threads)
    }

    /// The one place where what the rules ask meets what the tables answer, for every layout:
    /// the rules run first on no data (every answer a placeholder) to say what they need of
    /// the tables; every table is read once for that (and checked, and hashed); the rules run
    /// again on the aggregates. A rule whose questions depend on the answers may ask more: the
    /// tables it asks of are read again for those, [`STREAM_ROUNDS`] readings at most, after
    /// which a question still unanswered is an error on its row. The reports of the last
    /// round, in unit-code order.
    fn settle(&self, scan: &mut Scan<'_>, as_of: Date, threads: Threads) -> Result<Vec<Report>> {
        self.rounds(scan, as_of, threads, |units, pass| {
            self.score_all_with(units, as_of, pass, threads)
        })
    }

    /// The rounds of [`Self::settle`], with `run` for what runs on the units in each (a
    /// scoring, or one row's rule): it returns one result per unit and what that unit's rules
    /// asked that the aggregates lack. The results of the last round, in unit-code order.
    fn rounds<T>(
        &self,
        scan: &mut Scan<'_>,
        as_of: Date,
        threads: Threads,
        mut run: impl FnMut(&[Evidence], Pass) -> Vec<(T, BTreeSet<Need>)>,
    ) -> Result<Vec<T>> {
        let mut needs = self.discover(&scan.units(), as_of, threads);
        scan.aggregate(&needs)?;
        for round in 1..STREAM_ROUNDS {
            let pass = if round + 1 == STREAM_ROUNDS {
                Pass::Final
            } else {
                Pass::Provisional
            };
            let results = run(&scan.units(), pass);
            let missing: BTreeSet<Need> = results
                .iter()
                .flat_map(|(_, missing)| missing.iter().cloned())
                .filter(|n| !needs.contains(n))
                .collect();
            if missing.is_empty() || pass == Pass::Final {
                return Ok(results.into_iter().map(|(result, _)| result).collect());
            }
            scan.aggregate(&missing)?;
            needs.extend(missing);
        }
        Ok(Vec::new())
    }

    /// What the rules ask of the tables, learnt by running those that read a table on no data
    /// (every answer a placeholder). A rule that read nothing of its unit's own (no fact) on
    /// the first unit asks the same of every unit with the same tables: it runs once.
    fn discover(&self, units: &[Evidence], as_of: Date, threads: Threads) -> BTreeSet<Need> {
        let set = &self.set;
        let asking: Vec<usize> = (0..set.criteria.len())
            .filter(|&i| {
                set.criteria[i].leaf.as_ref().is_some_and(|leaf| {
                    matches!(leaf.method, Method::SelfAssessed | Method::Penalty)
                        && leaf.reads.iter().any(|r| set.table(r).is_some())
                })
            })
            .collect();
        // One unit's questions; `first` (tables, rules that read the unit's own) spares the
        // rules that did not, when the unit's tables are the same.
        let ask = |evidence: &Evidence, first: Option<&(Vec<String>, Vec<usize>)>| {
            let unit = Rc::new(UnitContext::with_mode(
                Arc::clone(set),
                evidence.clone(),
                as_of,
                false,
            ));
            let tables: Vec<String> = unit.tables().map(str::to_owned).collect();
            let only = first.filter(|(t, _)| *t == tables).map(|(_, own)| own);
            let mut own = Vec::new();
            for &i in only.unwrap_or(&asking) {
                let _ = run_rule(&self.rules, set, &unit, i);
                if unit.take_read_own() {
                    own.push(i);
                }
            }
            (unit.missing.take(), (tables, own))
        };
        let Some((head, rest)) = units.split_first() else {
            return BTreeSet::new();
        };
        let (mut needs, first) = ask(head, None);
        for mut asked in map_on_cores(rest, threads, |evidence| ask(evidence, Some(&first)).0) {
            needs.append(&mut asked);
        }
        needs
    }

    /// Scores one unit; unless `pass` is final, what its rules need that the evidence's
    /// aggregates lack is answered by placeholders and returned.
    fn score_with(&self, evidence: &Evidence, as_of: Date, pass: Pass) -> (Report, BTreeSet<Need>) {
        let unit = Rc::new(UnitContext::with_mode(
            Arc::clone(&self.set),
            evidence.clone(),
            as_of,
            pass == Pass::Final,
        ));
        let set = &self.set;
        let mut nodes: Vec<NodeScore> = set
            .criteria
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let kind = match c.depth {
                    1 => NodeKind::Field,
                    2 => NodeKind::Criterion,
                    _ => NodeKind::SubCriterion,
                };
                let mut node = NodeScore {
                    id: c.id.clone(),
                    title: c.title.clone(),
                    kind,
                    parent: c.parent.map(|p| set.criteria[p].id.clone()),
                    method: c.leaf.as_ref().map(|l| l.method),
                    not_arising_policy: c.leaf.as_ref().map(|l| l.not_arising),
                    max: c.max,
                    applicable_max: Decimal::ZERO,
                    points: Decimal::ZERO,
                    final_points: Decimal::ZERO,
                    appraisals: Vec::new(),
                    index: None,
                    status: Status::Scored,
                    not_arising: false,
                    measure: None,
                    evidence: Vec::new(),
                    records: Vec::new(),
                    explanation: String::new(),
                    error: None,
                    lost: Decimal::ZERO,
                    restore: None,
                    declared: None,
                    giai_trinh: None,
                    needs_explanation: false,
                };
                if let Some(leaf) = &c.leaf {
                    match leaf.method {
                        Method::Survey => self.score_survey(&mut node, evidence),
                        Method::SelfAssessed | Method::Penalty => {
                            let (result, trace) = run_rule(&self.rules, set, &unit, i);
                            let lever = trace.lever.clone();
                            let why = match &result {
                                RuleResult::NoEvidence(why) => Some(why.clone()),
                                _ => None,
                            };
                            // Rule rows always have bounds; a survey row never reaches here.
                            let bounds = c.bounds().unwrap_or((Decimal::ZERO, c.max));
                            apply(&mut node, bounds, leaf.not_arising, result, trace);
                            node.lost = gaps::lost(&node);
                            node.restore = gaps::restore(&node, why.as_deref(), lever.as_ref());
                        }
                    }
                }
                node
            })
            .collect();
        overlay_notes(&mut nodes, evidence);
        overlay_appraisal(&mut nodes, evidence.appraisal());
        add_up(set, &mut nodes);
        let total = totals(set, &nodes, evidence.appraisal().is_some());
        let fingerprint = Fingerprint {
            engine: engine_version(),
            as_of: as_of.format("%Y-%m-%d").to_string(),
            criteria: SetDigest {
                sha256: digest_of(&set.files),
                files: set.files.clone(),
            },
            evidence: evidence.files().to_vec(),
        };
        let missing = unit.missing.take();
        let report = Report {
            schema: REPORT_SCHEMA.to_owned(),
            criteria: CriteriaInfo {
                id: set.id.clone(),
                title: set.title.clone(),
                province: set.province.clone(),
                year: set.year,
            },
            unit: evidence.unit().clone(),
            as_of,
            total,
            nodes,
            proposals: evidence.notes().and_then(|n| n.proposals.clone()),
            fingerprint,
        };
        (report, missing)
    }

    /// Scores many units at the same as-of date, on every core, in the order given.
    pub fn score_all(&self, units: &[Evidence], as_of: Date) -> Vec<Report> {
        self.score_all_on(units, as_of, Threads::default())
    }

    /// [`CompiledCriteria::score_all`] on `threads` threads.
    pub fn score_all_on(&self, units: &[Evidence], as_of: Date, threads: Threads) -> Vec<Report> {
        self.score_all_with(units, as_of, Pass::Final, threads)
            .into_iter()
            .map(|(report, _)| report)
            .collect()
    }

    fn score_all_with(
        &self,
        units: &[Evidence],
        as_of: Date,
        pass: Pass,
        threads: Threads,
    ) -> Vec<(Report, BTreeSet<Need>)> {
        map_on_cores(units, threads, |u| self.score_with(u, as_of, pass))
    }

    /// A survey row's points come from Sở Nội vụ's results. A row the results do not list has
    /// not been surveyed yet: pending, as before any survey file (never `no_evidence`).
    fn score_survey(&self, node: &mut NodeScore, evidence: &Evidence) {
        let Some(rate) = evidence.survey().and_then(|survey| survey.get(&node.id)) else {
            node.status = Status::PendingSurvey;
            node.explanation = match evidence.survey() {
                None => "Chờ kết quả điều tra xã hội học của Sở Nội vụ",
                Some(_) => {
                    "Chờ kết quả điều tra xã hội học của Sở Nội vụ (survey.csv chưa có tiêu chí này)"
                }
            }
            .to_owned();
            return;
        };
        node.points = round_half_up(*rate / Decimal::ONE_HUNDRED * node.max, 2);
        node.applicable_max = node.max;
        node.explanation = format!(
            "Tỷ lệ hài lòng {}% × {} = {} điểm",
            vi_decimal(*rate),
            vi_decimal(node.max),
            vi_decimal(node.points)
        );
    }
}

/// Turns a rule's result into the row's status and points, refusing points out of bounds.
fn apply(
    node: &mut NodeScore,
    (low, high): (Decimal, Decimal),
    policy: NotArising,
    result: RuleResult,
    trace: Trace,
) {
    node.applicable_max = node.max;
    node.measure = trace.measure.map(Measure::from);
    node.evidence = trace
        .documents
        .into_iter()
        .map(EvidenceRef::from)
        .chain(trace.facts.into_iter().map(EvidenceRef::from))
        .collect();
    node.records = trace.records;
    let notes = trace.notes.join("; ");
    decide(node, (low, high), policy, result, &notes);
    if !trace.warnings.is_empty() {
        node.explanation = format!(
            "{} (Lưu ý: {}.)",
            node.explanation,
            trace.warnings.join("; ")
        );
    }
}

/// The row's status, points and explanation from its rule's result.
fn decide(
    node: &mut NodeScore,
    (low, high): (Decimal, Decimal),
    policy: NotArising,
    result: RuleResult,
    notes: &str,
) {
    match result {
        RuleResult::Points {
            points,
            explanation,
        } => {
            if points < low || points > high {
                let message = format!(
                    "quy tắc cho {} điểm, ngoài khoảng cho phép [{}; {}]",
                    vi_decimal(points),
                    vi_decimal(low),
                    vi_decimal(high)
                );
                node.status = Status::Error;
                node.explanation = format!("Lỗi: {message}");
                node.error = Some(message);
                return;
            }
            node.points = points;
            node.explanation = match explanation {
                Some(e) => e,
                None if notes.is_empty() => format!("Kết quả: {} điểm", vi_decimal(points)),
                None => format!("{notes}. Kết quả: {} điểm", vi_decimal(points)),
            };
        }
        RuleResult::NotArising(why) => {
            node.not_arising = true;
            match policy {
                NotArising::Exclude => {
                    node.status = Status::NotApplicable;
                    node.applicable_max = Decimal::ZERO;
                    node.explanation = format!(
                        "Không phát sinh{}: không tính vào điểm tối đa áp dụng",
                        paren(&why)
                    );
                }
                NotArising::Full => {
                    node.points = node.max;
                    node.explanation = format!(
                        "Không phát sinh{}: được điểm tối đa {}",
                        paren(&why),
                        vi_decimal(node.max)
                    );
                }
            }
        }
        RuleResult::NoEvidence(why) => {
            node.status = Status::NoEvidence;
            node.explanation = format!("{}: {why}", Status::NoEvidence.vi());
        }
        RuleResult::Error(message) => {
            node.status = Status::Error;
            node.explanation = format!("Lỗi: {message}");
            node.error = Some(message);
        }
    }
}

/// ` (why)`, or nothing when there is no reason to give.
fn paren(why: &str) -> String {
    if why.is_empty() {
        String::new()
    } else {
        format!(" ({why})")
    }
}

/// The officer's notes on each leaf: explanation, added documents, declared points. A row
/// without evidence, in error or with declared points needs an explanation until it has one.
fn overlay_notes(nodes: &mut [NodeScore], evidence: &Evidence) {
    let rows = evidence.notes().map(|n| &n.rows);
    for node in nodes.iter_mut().filter(|n| n.is_leaf()) {
        if let Some(note) = rows.and_then(|r| r.get(&node.id)) {
            node.giai_trinh = note.explanation.clone();
            node.evidence
                .extend(note.documents.iter().map(EvidenceRef::from));
            node.declared = note.declared.clone();
            if node.declared.is_some() && node.status == Status::NotApplicable {
                // The unit says the row applies after all.
                node.applicable_max = node.max;
            }
        }
        let unusual =
            matches!(node.status, Status::NoEvidence | Status::Error) || node.declared.is_some();
        node.needs_explanation =
            node.method != Some(Method::Survey) && unusual && node.giai_trinh.is_none();
    }
}

/// The points the unit gives a leaf: declared, else computed.
fn assessed(node: &NodeScore) -> Decimal {
    node.declared.as_ref().map_or(node.points, |d| d.points)
}

/// Sets each leaf's final points: the last appraisal round's, else the unit's (declared or
/// computed). An appraised row that the self-assessment left out as not arising is counted in
/// the applicable max again.
fn overlay_appraisal(nodes: &mut [NodeScore], appraisal: Option<&[Appraisal]>) {
    for node in nodes.iter_mut().filter(|n| n.is_leaf()) {
        node.final_points = assessed(node);
        let rounds: Vec<AppraisalRound> = appraisal
            .unwrap_or_default()
            .iter()
            .filter(|a| a.row == node.id)
            .map(|a| AppraisalRound {
                round: a.round,
                points: a.points,
                note: a.note.clone(),
                agency: a.agency.clone(),
            })
            .collect();
        if let Some(last) = rounds.iter().max_by_key(|r| r.round) {
            node.final_points = last.points;
            if node.status == Status::NotApplicable {
                node.applicable_max = node.max;
            }
        }
        node.appraisals = rounds;
    }
}

/// Fills parents: applicable max and points are sums over the leaves beneath.
fn add_up(set: &CriteriaSet, nodes: &mut [NodeScore]) {
    // Children come after their parent, so a reverse pass sees every child first.
    for i in (0..nodes.len()).rev() {
        let children = &set.criteria[i].children;
        if children.is_empty() {
            continue;
        }
        let (mut applicable, mut points, mut finals) =
            (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
        let (mut all_pending, mut any_applicable) = (true, false);
        for &k in children {
            applicable += nodes[k].applicable_max;
            points += nodes[k].points;
            finals += nodes[k].final_points;
            all_pending &= nodes[k].status == Status::PendingSurvey;
            // A row the unit or an appraiser brought back counts though its status stays.
            any_applicable |= !nodes[k].applicable_max.is_zero()
                || (nodes[k].status != Status::NotApplicable
                    && nodes[k].status != Status::PendingSurvey);
        }
        let node = &mut nodes[i];
        node.applicable_max = applicable;
        node.points = points;
        node.final_points = finals;
        node.index = index(finals, applicable);
        node.status = if any_applicable {
            Status::Scored
        } else if all_pending {
            Status::PendingSurvey
        } else {
            Status::NotApplicable
        };
        node.explanation = match node.index {
            Some(ix) => format!(
                "{}/{} điểm áp dụng ({}%)",
                vi_decimal(finals),
                vi_decimal(applicable),
                vi_percent(ix)
            ),
            None => "Không có tiêu chí áp dụng".to_owned(),
        };
    }
}

/// `points × 100 / applicable`, rounded half up to 2 decimals; `None` when nothing applies.
fn index(points: Decimal, applicable: Decimal) -> Option<Decimal> {
    if applicable.is_zero() {
        return None;
    }
    let x = points
        .checked_mul(Decimal::ONE_HUNDRED)?
        .checked_div(applicable)?;
    Some(round_half_up(x, 2))
}

fn totals(set: &CriteriaSet, nodes: &[NodeScore], appraised: bool) -> Total {
    let (mut self_max, mut self_applicable, mut self_points, mut self_assessed) =
        (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    let (mut all_max, mut all_applicable, mut survey_points, mut survey_max) =
        (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for node in nodes.iter().filter(|n| n.method.is_some()) {
        all_max += node.max;
        all_applicable += node.applicable_max;
        match node.method {
            Some(Method::Survey) => {
                survey_max += node.max;
                survey_points += node.final_points;
            }
            _ => {
                self_max += node.max;
                self_applicable += node.applicable_max;
                self_points += node.final_points;
                self_assessed += assessed(node);
            }
        }
    }
    // Penalties reduce the total, which never goes below 0.
    let self_points = self_points.max(Decimal::ZERO);
    let self_assessed = self_assessed.max(Decimal::ZERO);
    let points = self_points + survey_points;
    let total_index = index(points, all_applicable);
    Total {
        max: all_max,
        applicable_max: all_applicable,
        points,
        index: total_index,
        rating: total_index.and_then(|ix| {
            set.ratings
                .iter()
                .find(|r| ix >= r.min)
                .map(|r| r.label.clone())
        }),
        appraised,
        survey: SurveyPart {
            max: survey_max,
            points: survey_points,
        },
        self_assessed: Part {
            max: self_max,
            applicable_max: self_applicable,
            points: self_points,
            index: index(self_points, self_applicable),
            assessed_points: self_assessed,
        },
    }
}

/// `f` of every item, in order, on `threads` threads (the calling thread's too): the items are
/// handed out one at a time, so that a thread whose items cost less takes more (units differ).
fn map_on_cores<T: Sync, R: Send>(
    items: &[T],
    threads: Threads,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let workers = threads.for_items(items.len());
    if workers <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let take = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return done;
            };
            done.push((i, f(item)));
        }
    };
    let mut results: Vec<Option<R>> = items.iter().map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (1..workers).map(|_| scope.spawn(take)).collect();
        let mine = take();
        let theirs = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        for (i, r) in mine.into_iter().chain(theirs) {
            if let Some(slot) = results.get_mut(i) {
                *slot = Some(r);
            }
        }
    });
    results.into_iter().flatten().collect()
}
