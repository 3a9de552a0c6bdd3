//! The report: a purpose-built model of a unit's score. Its stable JSON form
//! (`parindex.report/1`, see `docs/report-json.md`) is in `report/json.rs`; its human forms
//! (Markdown, Excel, Word, HTML, CSV) are `parindex-render`'s.

mod json;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::criteria::{Method, NotArising};
use crate::date::{vi_date, Date};
use crate::evidence::{DeclaredDocument, DeclaredPoints, Unit};
use crate::fingerprint::Fingerprint;
use crate::num::{vi_decimal, Fraction};
use crate::rules::{DocumentRef, FactRef, RecordList};

use self::json::{de_date, de_dec, de_opt_date, de_opt_dec, dec, iso_date, opt_dec, opt_iso_date};
pub use self::json::{province_json, write_province_json, PROVINCE_SCHEMA, REPORT_SCHEMA};

/// A unit's scored self-assessment.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
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
#[non_exhaustive]
pub struct CriteriaInfo {
    pub id: String,
    pub title: String,
    pub province: String,
    pub year: i32,
}

/// All leaves (`total`), and the self-assessed and penalty leaves alone (`self`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
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
#[non_exhaustive]
pub struct SurveyPart {
    #[serde(serialize_with = "dec", deserialize_with = "de_dec")]
    pub max: Decimal,
    #[serde(serialize_with = "dec", deserialize_with = "de_dec")]
    pub points: Decimal,
}

/// One appraisal round of a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AppraisalRound {
    pub round: u8,
    #[serde(serialize_with = "dec", deserialize_with = "de_dec")]
    pub points: Decimal,
    pub note: String,
    pub agency: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
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

/// A node's level in the tree.
///
/// The JSON contract's structs are `#[non_exhaustive]` (they may grow fields); its enums are
/// not: every renderer words each variant, so a new one must fail to compile where it is not
/// worded, and comes with a new schema version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    Field,
    Criterion,
    SubCriterion,
}

/// A row's outcome (exhaustive, as [`NodeKind`] says why).
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
#[non_exhaustive]
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
#[non_exhaustive]
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

/// A piece of evidence (*tài liệu kiểm chứng*); exhaustive, as [`NodeKind`] says why.
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

impl Report {
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
}
