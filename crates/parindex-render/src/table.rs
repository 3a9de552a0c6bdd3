//! The scoring table as every format shows it: one row per node, in the columns of the field
//! (par-index.md §5), with Vietnamese text already composed.

use parindex_core::date::{parse_date, vi_date};
use parindex_core::num::{vi_decimal, vi_percent};
use parindex_core::report::{EvidenceRef, NodeKind, NodeScore, Status};
use parindex_core::Report;
use rust_decimal::Decimal;

use crate::labels;

pub use crate::labels::{
    COLUMNS, FINGERPRINT_TITLE, GAPS_TITLE, GAP_COLUMNS, NO_GAPS, RESTORE_UNKNOWN,
};

/// One line of the scoring table.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRow {
    /// The node's dotted id (`1`, `1.1`, `1.1.1`).
    pub stt: String,
    pub title: String,
    pub kind: NodeKind,
    pub is_leaf: bool,
    pub max: Decimal,
    /// `38/42 (90,48%)`, empty when the row has no ratio.
    pub measure: String,
    /// The points shown; `None` where nothing is scored yet (pending survey) or the row is not
    /// applicable.
    pub points: Option<Decimal>,
    /// Parents: points × 100 / applicable max.
    pub index: Option<Decimal>,
    /// Documents and facts (TLKC), one per line.
    pub evidence: Vec<String>,
    /// The explanation, with the status spelled out where it is not a plain score.
    pub note: String,
    pub status: Status,
    /// Filled after appraisal (thẩm định); empty in a self-assessment.
    pub appraised: Option<Decimal>,
    pub appraisal_note: String,
}

/// The evidence of a node as lines of its TLKC column.
pub fn evidence_lines(node: &NodeScore) -> Vec<String> {
    node.evidence.iter().map(EvidenceRef::vi).collect()
}

/// A leaf awaiting the survey, or not arising and out of the applicable max, has no points
/// of its own to show unless the unit declared some: every output leaves them blank (its
/// status says why), not 0.
pub fn without_points(n: &NodeScore) -> bool {
    n.is_leaf()
        && n.declared.is_none()
        && matches!(n.status, Status::PendingSurvey | Status::NotApplicable)
}

/// The unit's own points of a node, as its self-assessment states them: declared in
/// notes.toml, else computed; none for a leaf [`without_points`].
pub fn unit_points(n: &NodeScore) -> Option<Decimal> {
    (!without_points(n)).then(|| n.declared.as_ref().map_or(n.points, |d| d.points))
}

/// Every node of the report as a table row, in tree order.
pub fn rows(report: &Report) -> Vec<TableRow> {
    report
        .nodes
        .iter()
        .map(|n| {
            let is_leaf = n.is_leaf();
            let points = unit_points(n);
            // A leaf's explanation already says when it is not a plain score.
            let note = if is_leaf { leaf_note(n) } else { String::new() };
            TableRow {
                stt: n.id.clone(),
                title: n.title.clone(),
                kind: n.kind,
                is_leaf,
                max: n.max,
                measure: n.measure.as_ref().map(|m| m.vi()).unwrap_or_default(),
                points,
                index: n.index,
                evidence: evidence_lines(n),
                note,
                status: n.status,
                appraised: report.total.appraised.then_some(n.final_points),
                appraisal_note: appraisal_note(n),
            }
        })
        .collect()
}

/// Each appraisal round of a row: `Vòng 1 (Sở Nội vụ): 0,5 điểm — note`.
pub fn appraisal_note(node: &NodeScore) -> String {
    node.appraisals
        .iter()
        .map(|a| {
            let agency = if a.agency.is_empty() {
                String::new()
            } else {
                format!(" ({})", a.agency)
            };
            let note = if a.note.is_empty() {
                String::new()
            } else {
                format!(" — {}", a.note)
            };
            format!(
                "Vòng {}{agency}: {} điểm{note}",
                a.round,
                vi_decimal(a.points)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The note of a leaf: how the points were reached, then the unit's declared points and its
/// explanation when it gave them.
pub fn leaf_note(n: &NodeScore) -> String {
    let mut note = crate::text::unquoted(&n.explanation).into_owned();
    if let Some(d) = &n.declared {
        note.push_str(&format!(
            "\nĐơn vị đề nghị {} điểm (điểm tính từ minh chứng: {}). Lý do: {}",
            vi_decimal(d.points),
            vi_decimal(n.points),
            d.reason
        ));
    }
    if let Some(g) = &n.giai_trinh {
        note.push_str(&format!("\nGiải trình: {g}"));
    }
    note
}

/// The rows of the giải trình part: without evidence, in error, or with declared points, and
/// any row the unit explained.
pub fn needing_explanation(report: &Report) -> Vec<&NodeScore> {
    report
        .nodes
        .iter()
        .filter(|n| {
            n.is_leaf()
                && (matches!(n.status, Status::NoEvidence | Status::Error)
                    || n.declared.is_some()
                    || n.giai_trinh.is_some())
        })
        .collect()
}

/// The rows' ids, `1.1, 2.3.1`.
pub fn ids(nodes: &[&NodeScore]) -> String {
    nodes
        .iter()
        .map(|n| n.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The unit's explanation of a row, or `None` when it has yet to write one.
pub fn giai_trinh(node: &NodeScore) -> Option<&str> {
    node.giai_trinh.as_deref()
}

/// `80,74%`, or `—` when nothing applies.
pub fn index_text(index: Option<Decimal>) -> String {
    index.map_or_else(
        || labels::NONE.to_owned(),
        |i| format!("{}%", vi_percent(i)),
    )
}

/// The total line's words: `Tổng điểm 55,71/69 điểm áp dụng — Chỉ số 80,74% — Xếp loại Khá`.
pub fn total_text(report: &Report) -> String {
    let t = &report.total;
    format!(
        "Tổng điểm {}/{} điểm áp dụng (tối đa {}) — Chỉ số {} — Xếp loại {}",
        vi_decimal(t.points),
        vi_decimal(t.applicable_max),
        vi_decimal(t.max),
        index_text(t.index),
        t.rating.as_deref().unwrap_or(labels::NONE)
    )
}

/// The self-assessed part's words.
pub fn self_text(report: &Report) -> String {
    let s = &report.total.self_assessed;
    format!(
        "Điểm tự đánh giá {}/{} điểm áp dụng (tối đa {}) — Chỉ số {}",
        vi_decimal(s.points),
        vi_decimal(s.applicable_max),
        vi_decimal(s.max),
        index_text(s.index)
    )
}

/// One row of the points-lost table ([`Report::gaps`]).
#[derive(Debug, Clone, PartialEq)]
pub struct GapRow {
    pub stt: String,
    pub title: String,
    pub max: Decimal,
    /// The self-assessed points.
    pub points: Decimal,
    pub lost: Decimal,
    /// What would restore the points, or [`RESTORE_UNKNOWN`].
    pub restore: String,
}

/// The leaves that lost points, the most first (then in tree order).
pub fn gap_rows(report: &Report) -> Vec<GapRow> {
    report
        .gaps()
        .into_iter()
        .map(|n| GapRow {
            stt: n.id.clone(),
            title: n.title.clone(),
            max: n.max,
            points: n.points,
            lost: n.lost,
            restore: n
                .restore
                .clone()
                .unwrap_or_else(|| RESTORE_UNKNOWN.to_owned()),
        })
        .collect()
}

/// The points lost over all rows.
pub fn gaps_total(report: &Report) -> Decimal {
    report.gaps().iter().map(|n| n.lost).sum()
}

/// `Tổng số điểm bị mất: 13,29`.
pub fn gaps_total_text(report: &Report) -> String {
    format!("Tổng số điểm bị mất: {}", vi_decimal(gaps_total(report)))
}

/// One line of the replay fingerprint: words, and the full SHA-256 they name, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FingerprintLine {
    pub label: String,
    /// 64 lower-case hexadecimal digits.
    pub sha256: Option<String>,
}

impl FingerprintLine {
    /// `label` or `label: sha256`.
    pub fn text(&self) -> String {
        match &self.sha256 {
            Some(h) => format!("{}: {h}", self.label),
            None => self.label.clone(),
        }
    }
}

/// What the report was computed from, line by line: the engine, the as-of date, the criteria
/// set's SHA-256 and one line per evidence file with its SHA-256 (in full: auditors compare
/// them with `parindex verify`).
pub fn fingerprint(report: &Report) -> Vec<FingerprintLine> {
    let f = &report.fingerprint;
    // The fingerprint's own date (ISO), in dd/mm/yyyy; as written should it not parse.
    let as_of = parse_date(&f.as_of).map_or_else(|| f.as_of.clone(), vi_date);
    let mut out = vec![
        FingerprintLine {
            label: f.engine.clone(),
            sha256: None,
        },
        FingerprintLine {
            label: format!("{} {as_of}", labels::AS_OF),
            sha256: None,
        },
        FingerprintLine {
            label: labels::SET.to_owned(),
            sha256: Some(f.criteria.sha256.clone()),
        },
    ];
    out.extend(f.evidence.iter().map(|e| FingerprintLine {
        label: e.name.clone(),
        sha256: Some(e.sha256.clone()),
    }));
    out
}

/// The replay fingerprint as lines of text (see [`fingerprint`]).
pub fn fingerprint_lines(report: &Report) -> Vec<String> {
    fingerprint(report)
        .iter()
        .map(FingerprintLine::text)
        .collect()
}
