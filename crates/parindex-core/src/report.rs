//! The report: a purpose-built model of a unit's score and its stable JSON form
//! (`parindex.report/1`, see `docs/report-json.md`). Its human forms (Markdown, Excel, Word,
//! HTML, CSV) are `parindex-render`'s.

use std::io::Write as _;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::criteria::{Method, NotArising};
use crate::date::{vi_date, Date};
use crate::evidence::{DeclaredDocument, DeclaredPoints, Unit};
use crate::fingerprint::Fingerprint;
use crate::num::{canonical_decimal, vi_decimal, Fraction};
use crate::rules::{DocumentRef, FactRef, RecordList};

/// The schema tag of the JSON report.
pub const REPORT_SCHEMA: &str = "parindex.report/1";

/// A unit's scored self-assessment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    pub schema: String,
    pub criteria: CriteriaInfo,
    pub unit: Unit,
    #[serde(serialize_with = "iso_date", deserialize_with = "de_date")]
    pub as_of: Date,
    pub total: Total,
    /// Every node of the tree, in tree order.
    pub nodes: Vec<NodeScore>,
    /// Part 3 of the report (*khó khăn, vướng mắc và kiến nghị*), from notes.toml.
    pub proposals: Option<String>,
    /// What the report was computed from, for replay.
    pub fingerprint: Fingerprint,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CriteriaInfo {
    pub id: String,
    pub title: String,
    pub province: String,
    pub year: i32,
}

/// All leaves (`total`), and the self-assessed and penalty leaves alone (`self`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Total {
    #[serde(serialize_with = "dec", deserialize_with = "de_dec")]
    pub max: Decimal,
    #[serde(serialize_with = "dec", deserialize_with = "de_dec")]
    pub applicable_max: Decimal,
    #[serde(serialize_with = "dec", deserialize_with = "de_dec")]
    pub points: Decimal,
    #[serde(serialize_with = "opt_dec", deserialize_with = "de_opt_dec")]
    pub index: Option<Decimal>,
    pub rating: Option<String>,
    /// Whether appraisal results were overlaid: then every figure is on the final points.
    pub appraised: bool,
    /// The self-assessed and penalty leaves.
    #[serde(rename = "self")]
    pub self_assessed: Part,
    /// The survey leaves.
    pub survey: SurveyPart,
}

/// The survey leaves: their max (pending or not) and the points they earned.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SurveyPart {
    #[serde(serialize_with = "dec", deserialize_with = "de_dec")]
    pub max: Decimal,
    #[serde(serialize_with = "dec", deserialize_with = "de_dec")]
    pub points: Decimal,
}

/// One appraisal round of a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppraisalRound {
    pub round: u8,
    #[serde(serialize_with = "dec", deserialize_with = "de_dec")]
    pub points: Decimal,
    pub note: String,
    pub agency: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Part {
    #[serde(serialize_with = "dec", deserialize_with = "de_dec")]
    pub max: Decimal,
    #[serde(serialize_with = "dec", deserialize_with = "de_dec")]
    pub applicable_max: Decimal,
    #[serde(serialize_with = "dec", deserialize_with = "de_dec")]
    pub points: Decimal,
    #[serde(serialize_with = "opt_dec", deserialize_with = "de_opt_dec")]
    pub index: Option<Decimal>,
    /// The points the unit gave itself, before appraisal (equal to `points` without one).
    #[serde(serialize_with = "dec", deserialize_with = "de_dec")]
    pub assessed_points: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Field,
    Criterion,
    SubCriterion,
}

/// A row's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Points were computed (including a not-arising row awarded its max).
    Scored,
    /// Not arising under the `exclude` policy: out of the applicable max.
    NotApplicable,
    /// The evidence it reads is missing: 0 points, needs a giải trình.
    NoEvidence,
    /// A survey row before the survey results: counts nowhere yet.
    PendingSurvey,
    /// The rule failed or gave points out of bounds: 0 points.
    Error,
}

impl Status {
    /// The status in the report's Vietnamese words, the one spelling every output uses (the
    /// explanation of a row without evidence starts with it too).
    pub fn vi(self) -> &'static str {
        match self {
            Status::Scored => "Đã chấm",
            Status::NotApplicable => "Không phát sinh",
            Status::NoEvidence => "Chưa có tài liệu kiểm chứng",
            Status::PendingSurvey => "Chờ kết quả điều tra xã hội học",
            Status::Error => "Lỗi khi chấm",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Scored => "scored",
            Status::NotApplicable => "not_applicable",
            Status::NoEvidence => "no_evidence",
            Status::PendingSurvey => "pending_survey",
            Status::Error => "error",
        }
    }
}

/// The survey rows still pending, and the points they are worth.
#[derive(Debug, Clone)]
pub struct PendingSurvey<'a> {
    /// The sum of their maxima.
    pub max: Decimal,
    /// In tree order.
    pub rows: Vec<&'a NodeScore>,
}

impl PendingSurvey<'_> {
    /// `"24 điểm (3.5, 3.6, 4.4)"`.
    pub fn describe(&self) -> String {
        let ids: Vec<&str> = self.rows.iter().map(|n| n.id.as_str()).collect();
        format!("{} điểm ({})", vi_decimal(self.max), ids.join(", "))
    }
}

/// One node of the tree with its points and how they were reached.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NodeScore {
    pub id: String,
    pub title: String,
    pub kind: NodeKind,
    pub parent: Option<String>,
    /// Leaves only.
    pub method: Option<Method>,
    /// Leaves only.
    pub not_arising_policy: Option<NotArising>,
    #[serde(serialize_with = "dec", deserialize_with = "de_dec")]
    pub max: Decimal,
    #[serde(serialize_with = "dec", deserialize_with = "de_dec")]
    pub applicable_max: Decimal,
    /// The self-assessed points (a survey row's points from the survey).
    #[serde(serialize_with = "dec", deserialize_with = "de_dec")]
    pub points: Decimal,
    /// After appraisal: the last round's points, else `points`. Totals use these.
    #[serde(serialize_with = "dec", deserialize_with = "de_dec")]
    pub final_points: Decimal,
    /// Appraisal rounds of this row, in order (leaves only).
    pub appraisals: Vec<AppraisalRound>,
    /// Parents only: final points × 100 / applicable max.
    #[serde(serialize_with = "opt_dec", deserialize_with = "de_opt_dec")]
    pub index: Option<Decimal>,
    pub status: Status,
    /// The row's subject did not arise (its policy decided the points).
    pub not_arising: bool,
    pub measure: Option<Measure>,
    /// Documents and facts the points rest on.
    pub evidence: Vec<EvidenceRef>,
    /// Records that decided the points (late dossiers, …).
    pub records: Vec<RecordList>,
    /// One line, in Vietnamese.
    pub explanation: String,
    pub error: Option<String>,
    /// Leaves: the points below the max (or taken by a penalty) in the self-assessment.
    #[serde(serialize_with = "dec", deserialize_with = "de_dec")]
    pub lost: Decimal,
    /// Leaves that lost points: what would restore them, computed from the rule.
    pub restore: Option<String>,
    /// Points the unit declares instead of the computed `points`, with the reason
    /// (`notes.toml`); totals use them.
    pub declared: Option<DeclaredPoints>,
    /// The unit's written explanation (*giải trình*).
    pub giai_trinh: Option<String>,
    /// Leaves without evidence, in error or with declared points, and no explanation yet.
    pub needs_explanation: bool,
}

impl NodeScore {
    pub fn is_leaf(&self) -> bool {
        self.method.is_some()
    }
}

/// The ratio behind a row's points.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Measure {
    #[serde(serialize_with = "dec", deserialize_with = "de_dec")]
    pub numerator: Decimal,
    #[serde(serialize_with = "dec", deserialize_with = "de_dec")]
    pub denominator: Decimal,
    /// Rounded for display only; bands compare the exact fraction.
    #[serde(serialize_with = "opt_dec", deserialize_with = "de_opt_dec")]
    pub percent: Option<Decimal>,
}

impl From<Fraction> for Measure {
    fn from(f: Fraction) -> Self {
        Self {
            numerator: f.numerator,
            denominator: f.denominator,
            percent: f.percent(),
        }
    }
}

impl Measure {
    /// `45/50 (90,00%)`.
    pub fn vi(&self) -> String {
        Fraction::new(self.numerator, self.denominator).to_string()
    }
}

/// A piece of evidence (*tài liệu kiểm chứng*).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EvidenceRef {
    Document {
        /// `15/KH-SKHCN ngày 20/01/2026`.
        reference: String,
        number: String,
        #[serde(serialize_with = "opt_iso_date", deserialize_with = "de_opt_date")]
        date: Option<Date>,
        subject: Option<String>,
    },
    Fact {
        name: String,
        value: String,
        source: Option<String>,
    },
    /// A document the unit added in notes.toml, not found in the evidence files.
    Declared {
        reference: String,
        number: String,
        #[serde(serialize_with = "opt_iso_date", deserialize_with = "de_opt_date")]
        date: Option<Date>,
        subject: Option<String>,
    },
}

impl EvidenceRef {
    /// The line shown in a report's TLKC column.
    pub fn vi(&self) -> String {
        match self {
            EvidenceRef::Document {
                reference, subject, ..
            } => match subject {
                Some(s) => format!("{reference} ({s})"),
                None => reference.clone(),
            },
            EvidenceRef::Declared {
                reference, subject, ..
            } => match subject {
                Some(s) => format!("{reference} ({s}) — đơn vị bổ sung"),
                None => format!("{reference} — đơn vị bổ sung"),
            },
            EvidenceRef::Fact {
                name,
                value,
                source,
            } => match source {
                Some(s) => format!("{name} = {value} ({s})"),
                None => format!("{name} = {value}"),
            },
        }
    }
}

impl From<DocumentRef> for EvidenceRef {
    fn from(d: DocumentRef) -> Self {
        let reference = match d.date {
            Some(date) => format!("{} ngày {}", d.number, vi_date(date)),
            None => d.number.clone(),
        };
        EvidenceRef::Document {
            reference,
            number: d.number,
            date: d.date,
            subject: d.subject,
        }
    }
}

impl From<&DeclaredDocument> for EvidenceRef {
    fn from(d: &DeclaredDocument) -> Self {
        let reference = match d.date {
            Some(date) => format!("{} ngày {}", d.number, vi_date(date)),
            None => d.number.clone(),
        };
        EvidenceRef::Declared {
            reference,
            number: d.number.clone(),
            date: d.date,
            subject: d.subject.clone(),
        }
    }
}

impl From<FactRef> for EvidenceRef {
    fn from(f: FactRef) -> Self {
        EvidenceRef::Fact {
            name: f.name,
            value: f.value,
            source: f.source,
        }
    }
}

fn dec<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&canonical_decimal(*d))
}

fn opt_dec<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&canonical_decimal(*d)),
        None => s.serialize_none(),
    }
}

fn de_dec<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    let text = String::deserialize(d)?;
    text.parse::<Decimal>()
        .map_err(|_| serde::de::Error::custom(format!("`{text}` is not a decimal")))
}

fn de_opt_dec<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(text) => text
            .parse::<Decimal>()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("`{text}` is not a decimal"))),
    }
}

fn de_date<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
    let text = String::deserialize(d)?;
    crate::date::parse_date(&text)
        .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a date")))
}

fn de_opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    match Option::<String>::deserialize(d)? {
        None => Ok(None),
        Some(text) => crate::date::parse_date(&text)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a date"))),
    }
}

fn iso_date<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&d.format("%Y-%m-%d").to_string())
}

fn opt_iso_date<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => iso_date(d, s),
        None => s.serialize_none(),
    }
}

impl Report {
    /// Reads a JSON report back (`parindex.report/1`), for replay and comparison.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let report: Report = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if report.schema != REPORT_SCHEMA {
            return Err(format!("schema `{}` is not {REPORT_SCHEMA}", report.schema));
        }
        Ok(report)
    }

    /// The survey rows still waiting for Sở Nội vụ's results (no survey file, or a file that
    /// does not list them), or `None` when none is.
    pub fn pending_survey(&self) -> Option<PendingSurvey<'_>> {
        let rows: Vec<&NodeScore> = self
            .nodes
            .iter()
            .filter(|n| n.is_leaf() && n.status == Status::PendingSurvey)
            .collect();
        (!rows.is_empty()).then(|| PendingSurvey {
            max: rows.iter().map(|n| n.max).sum(),
            rows,
        })
    }

    /// The leaves that lost points, the most first (then in tree order): where the officer's
    /// effort pays most.
    pub fn gaps(&self) -> Vec<&NodeScore> {
        let mut rows: Vec<&NodeScore> = self
            .nodes
            .iter()
            .filter(|n| n.is_leaf() && !n.lost.is_zero())
            .collect();
        rows.sort_by_key(|n| std::cmp::Reverse(n.lost));
        rows
    }

    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&NodeScore> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// The JSON report, pretty-printed, ending with a newline. Byte-identical for the same
    /// inputs.
    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).unwrap_or_else(|e| {
            // Serialising plain strings and maps cannot fail; keep the library panic-free anyway.
            format!("{{\"error\": \"{e}\"}}")
        });
        out.push('\n');
        out
    }
}

/// The schema tag of a province's JSON (one report per unit).
pub const PROVINCE_SCHEMA: &str = "parindex.province/1";

/// A province's reports as one JSON document, `{"schema": "parindex.province/1", "units": […]}`.
///
/// Byte for byte what serialising the whole document gives; the units are serialised on every
/// core and indented into it (pretty JSON escapes line breaks inside strings, so every line
/// break is between tokens). [`write_province_json`] writes the same without holding it whole.
pub fn province_json(reports: &[Report]) -> String {
    let mut whole = Vec::new();
    // Writing to a vector cannot fail.
    let _ = write_province_json(reports, &mut whole, crate::threads::Threads::default());
    // serde_json writes UTF-8.
    String::from_utf8(whole).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Writes [`province_json`] to `out`: the first run of units as this thread serialises it,
/// the others from the segments the other cores serialised them into meanwhile.
///
/// # Errors
/// Those of `out`.
pub fn write_province_json(
    reports: &[Report],
    out: &mut dyn std::io::Write,
    threads: crate::threads::Threads,
) -> std::io::Result<()> {
    let workers = threads.for_items(reports.len());
    let chunk = reports.len().div_ceil(workers).max(1);
    let mut runs = reports.chunks(chunk);
    let first = runs.next().unwrap_or_default();
    write!(
        out,
        "{{\n  \"schema\": {},\n  \"units\": [",
        serde_json::to_string(PROVINCE_SCHEMA).unwrap_or_default()
    )?;
    std::thread::scope(|scope| {
        let others: Vec<_> = runs
            .map(|run| {
                scope.spawn(move || {
                    let mut segments = Segments::default();
                    // Writing to segments cannot fail.
                    let _ = serialise_units(&mut segments, run, false);
                    segments.into_vec()
                })
            })
            .collect();
        let mut direct = std::io::BufWriter::with_capacity(Segments::SIZE, &mut *out);
        serialise_units(&mut direct, first, true)?;
        direct.flush()?;
        drop(direct);
        for run in others {
            for segment in run.join().unwrap_or_else(|e| std::panic::resume_unwind(e)) {
                out.write_all(&segment)?;
            }
        }
        Ok::<_, std::io::Error>(())
    })?;
    out.write_all(if reports.is_empty() {
        b"]\n}\n"
    } else {
        b"\n  ]\n}\n"
    })
}

/// A run of units of the province document, indented to their place; the first unit of the
/// document (`first`) has no comma before it.
fn serialise_units<W: std::io::Write>(
    out: &mut W,
    run: &[Report],
    first: bool,
) -> std::io::Result<()> {
    for (i, r) in run.iter().enumerate() {
        out.write_all(if first && i == 0 {
            b"\n    "
        } else {
            b",\n    "
        })?;
        let mut ser = serde_json::Serializer::with_formatter(&mut *out, Indented::at(2));
        if let Err(e) = r.serialize(&mut ser) {
            if let Some(kind) = e.io_error_kind() {
                return Err(std::io::Error::new(kind, e));
            }
            write!(out, "{{\"error\": \"{e}\"}}")?;
        }
    }
    Ok(())
}

/// Bytes written in segments of about a MiB: one growing buffer would copy what it holds each
/// time it grows, into fresh pages (the province document is tens of MiB).
#[derive(Debug, Default)]
struct Segments {
    full: Vec<Vec<u8>>,
    current: Vec<u8>,
}

impl Segments {
    const SIZE: usize = 1 << 20;

    /// Called for every token: the room left is checked, nothing else.
    #[inline]
    fn push(&mut self, bytes: &[u8]) {
        if self.current.capacity() - self.current.len() < bytes.len() {
            self.next(bytes.len());
        }
        self.current.extend_from_slice(bytes);
    }

    #[cold]
    fn next(&mut self, at_least: usize) {
        let next = Vec::with_capacity(Self::SIZE.max(at_least));
        let full = std::mem::replace(&mut self.current, next);
        if !full.is_empty() {
            self.full.push(full);
        }
    }

    fn into_vec(mut self) -> Vec<Vec<u8>> {
        if !self.current.is_empty() {
            self.full.push(self.current);
        }
        self.full
    }
}

impl std::io::Write for Segments {
    #[inline]
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.push(buf);
        Ok(buf.len())
    }

    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.push(buf);
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `serde_json`'s pretty layout (two spaces a level) starting `base` levels deep, each line
/// break and its indentation written at once: the province document holds millions of lines.
#[derive(Debug)]
struct Indented {
    level: usize,
    has_value: bool,
}

impl Indented {
    fn at(base: usize) -> Self {
        Self {
            level: base,
            has_value: false,
        }
    }

    /// A line break (after a comma when `comma`) and the indentation of the current level.
    fn line<W: ?Sized + std::io::Write>(&self, w: &mut W, comma: bool) -> std::io::Result<()> {
        const SPACES: &[u8; 130] = &[b' '; 130];
        if comma {
            w.write_all(b",")?;
        }
        w.write_all(b"\n")?;
        let mut n = self.level * 2;
        while n > 0 {
            let k = n.min(SPACES.len());
            w.write_all(&SPACES[..k])?;
            n -= k;
        }
        Ok(())
    }

    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, b: &[u8]) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b)
    }

    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, b: &[u8]) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.line(w, false)?;
        }
        w.write_all(b)
    }
}

impl serde_json::ser::Formatter for Indented {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.line(w, !first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.line(w, !first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}
