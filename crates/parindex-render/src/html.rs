//! The report as one self-contained HTML page (par-index.md §5): inline CSS, no script, no
//! network, no external file.
//!
//! On screen a reader opens a field, then a criterion, then a row (nested `<details>`) to see
//! the measure, the documents and facts, the records that decided the points and the
//! explanation. The three parts sent to Sở Nội vụ follow: the scoring table, the *giải trình*
//! and the *khó khăn, vướng mắc và kiến nghị*, with the points lost and how to restore them
//! after the *giải trình*. In print (A4 landscape) the interactive tree is hidden and the table
//! repeats its header on every page. The page ends, on screen and in print, with the replay
//! fingerprint (`<footer class="fingerprint">`) that `parindex verify` checks.
//!
//! The page is the askama template `templates/report.html`, checked at compile time, with its
//! stylesheet `templates/report.css` included at build time; this module only gathers what it
//! shows. Every value the template writes is escaped ([`Escape`], the template's escaper set in
//! `askama.toml`), and nothing reads the clock, so the same report gives the same page.

use std::borrow::Cow;
use std::fmt;

use askama::Template;
use parindex_core::criteria::{Method, NotArising};
use parindex_core::date::vi_date;
use parindex_core::num::vi_decimal;
use parindex_core::report::{EvidenceRef, NodeKind, NodeScore, Status};
use parindex_core::rules::RecordList;
use parindex_core::Report;
use rust_decimal::Decimal;

use crate::labels::{self, NONE};
use crate::table::{self, FingerprintLine, GapRow, TableRow};
use crate::text::{self, unquoted};
use crate::{RenderError, RenderOptions};

/// The stylesheet, in the page's `<style>`.
const CSS: &str = include_str!("../templates/report.css");

/// The whole report as one HTML document.
pub fn render_html(report: &Report, options: &RenderOptions) -> Result<String, RenderError> {
    let rows = table::rows(report);
    Page::of(report, &rows, options)
        .render()
        .map_err(|e| RenderError::Write(e.to_string()))
}

/// The escaper of the report's template: the characters HTML calls parse errors are replaced
/// first ([`text::printable`]), then `&`, `<`, `>`, `"` and `'` are written as entities, so that
/// any text may stand in an element or a quoted attribute.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Escape;

impl askama::filters::Escaper for Escape {
    fn write_escaped_str<W: fmt::Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        for c in text::printable(string).chars() {
            match c {
                '&' => dest.write_str("&amp;")?,
                '<' => dest.write_str("&lt;")?,
                '>' => dest.write_str("&gt;")?,
                '"' => dest.write_str("&quot;")?,
                '\'' => dest.write_str("&#39;")?,
                other => dest.write_char(other)?,
            }
        }
        Ok(())
    }
}

/// Everything the page shows, in the order it shows it.
#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    css: &'static str,
    title: &'static str,
    year: i32,
    unit: &'a str,
    code: &'a str,
    set: &'a str,
    set_id: &'a str,
    province: &'a str,
    as_of: String,
    index: String,
    rating: &'a str,
    points: String,
    max: String,
    applicable_max: String,
    self_text: String,
    total_text: String,
    pending_label: &'static str,
    pending: Option<String>,
    attention: Vec<&'a NodeScore>,
    attention_ids: String,
    tree: Vec<TreeItem<'a>>,
    rows: Vec<ScoreRow<'a>>,
    explanations: Vec<ExplainRow<'a>>,
    gaps: Vec<GapView>,
    gaps_total: String,
    proposals: Vec<Vec<String>>,
    fingerprint: Vec<FingerprintLine>,
}

/// One step of the on-screen tree: a node opened (and, for a leaf, closed), or the close of a
/// parent whose children have been written.
struct TreeItem<'a> {
    open: Option<TreeNode<'a>>,
}

/// A node of the tree as its `<details>` shows it.
struct TreeNode<'a> {
    id: &'a str,
    title: &'a str,
    role: &'static str,
    kind: &'static str,
    level: usize,
    status: &'static str,
    /// The status, for a leaf that is not plainly scored.
    badge: Option<&'static str>,
    max: String,
    points: String,
    leaf: bool,
    index: String,
    /// A field's index bar width (percent).
    bar: Option<Decimal>,
    explanation: Cow<'a, str>,
    body: Option<LeafBody<'a>>,
}

/// What a leaf rests on.
struct LeafBody<'a> {
    status: &'static str,
    method: Option<&'static str>,
    not_arising: Option<&'static str>,
    measure: Option<MeasureView>,
    explanation: Cow<'a, str>,
    /// (tag, line) per document or fact.
    evidence: Vec<(&'static str, String)>,
    records: &'a [RecordList],
    error: Option<Cow<'a, str>>,
}

struct MeasureView {
    text: String,
    numerator: String,
    denominator: String,
    percent: Option<String>,
}

/// A line of the scoring table.
struct ScoreRow<'a> {
    stt: &'a str,
    title: &'a str,
    kind: &'static str,
    role: &'static str,
    status: &'static str,
    max: String,
    measure: &'a str,
    points: String,
    /// Parents: their index.
    index: Option<String>,
    evidence: &'a [String],
    note: &'a str,
    /// `title what: N bản ghi`, one per record list.
    records: Vec<String>,
    appraised: String,
    appraisal_note: &'a str,
}

/// A row of part II.
struct ExplainRow<'a> {
    id: &'a str,
    title: &'a str,
    max: String,
    status: &'static str,
    explanation: Cow<'a, str>,
    /// The rule's error, when the explanation does not already say it.
    error: Option<Cow<'a, str>>,
    /// The unit's declared points and reason.
    declared: Option<(String, &'a str)>,
    points: String,
    giai_trinh: &'a str,
}

/// A row of the points-lost table.
struct GapView {
    stt: String,
    title: String,
    max: String,
    points: String,
    lost: String,
    restore: String,
}

impl<'a> Page<'a> {
    fn of(report: &'a Report, rows: &'a [TableRow], options: &RenderOptions) -> Self {
        let t = &report.total;
        let attention = table::needing_explanation(report);
        Page {
            css: CSS,
            title: labels::REPORT_TITLE,
            year: report.criteria.year,
            unit: &report.unit.name,
            code: &report.unit.code,
            set: &report.criteria.title,
            set_id: &report.criteria.id,
            province: &report.criteria.province,
            as_of: vi_date(report.as_of),
            index: table::index_text(t.index),
            rating: t.rating.as_deref().unwrap_or(NONE),
            points: vi_decimal(t.points),
            max: vi_decimal(t.max),
            applicable_max: vi_decimal(t.applicable_max),
            self_text: table::self_text(report),
            total_text: table::total_text(report),
            pending_label: Status::PendingSurvey.vi(),
            pending: report.pending_survey().map(|p| p.describe()),
            attention_ids: table::ids(&attention),
            attention,
            tree: tree(report, rows),
            rows: report
                .nodes
                .iter()
                .zip(rows)
                .map(|(n, r)| ScoreRow::of(n, r))
                .collect(),
            explanations: table::needing_explanation(report)
                .into_iter()
                .map(ExplainRow::of)
                .collect(),
            gaps: table::gap_rows(report)
                .into_iter()
                .map(GapView::of)
                .collect(),
            gaps_total: table::gaps_total_text(report),
            proposals: options
                .proposals
                .as_deref()
                .map(paragraphs)
                .unwrap_or_default(),
            fingerprint: table::fingerprint(report),
        }
    }
}

/// The tree in the order its `<details>` open and close: each top-level node, then (for a
/// parent) its children and its close.
fn tree<'a>(report: &'a Report, rows: &[TableRow]) -> Vec<TreeItem<'a>> {
    let mut out = Vec::new();
    for (i, n) in report.nodes.iter().enumerate() {
        if n.parent.is_none() {
            walk(&mut out, report, rows, i, 1);
        }
    }
    out
}

fn walk<'a>(
    out: &mut Vec<TreeItem<'a>>,
    report: &'a Report,
    rows: &[TableRow],
    i: usize,
    level: usize,
) {
    let (Some(n), Some(row)) = (report.nodes.get(i), rows.get(i)) else {
        return;
    };
    out.push(TreeItem {
        open: Some(TreeNode::of(n, row, level)),
    });
    if !n.is_leaf() {
        for (j, child) in report.nodes.iter().enumerate() {
            if child.parent.as_deref() == Some(n.id.as_str()) {
                walk(out, report, rows, j, level + 1);
            }
        }
        out.push(TreeItem { open: None });
    }
}

impl<'a> TreeNode<'a> {
    fn of(n: &'a NodeScore, row: &TableRow, level: usize) -> Self {
        let leaf = n.is_leaf();
        TreeNode {
            id: &n.id,
            title: &n.title,
            role: role(leaf),
            kind: kind_class(n.kind),
            level,
            status: n.status.as_str(),
            badge: (leaf && n.status != Status::Scored).then(|| n.status.vi()),
            max: vi_decimal(n.max),
            points: points_text(row.points),
            leaf,
            index: table::index_text(n.index),
            bar: n
                .index
                .filter(|_| !leaf && n.kind == NodeKind::Field)
                .map(|i| {
                    i.clamp(Decimal::ZERO, Decimal::ONE_HUNDRED)
                        .round_dp(2)
                        .normalize()
                }),
            explanation: unquoted(&n.explanation),
            body: leaf.then(|| LeafBody::of(n)),
        }
    }
}

impl<'a> LeafBody<'a> {
    fn of(n: &'a NodeScore) -> Self {
        LeafBody {
            status: n.status.vi(),
            method: n.method.map(method_vi),
            not_arising: n.not_arising.then_some(match n.not_arising_policy {
                Some(NotArising::Full) => "không phát sinh, tính đủ điểm tối đa",
                Some(NotArising::Exclude) => "không phát sinh, không tính vào điểm áp dụng",
                None => "không phát sinh",
            }),
            measure: n.measure.as_ref().map(|m| MeasureView {
                text: m.vi(),
                numerator: vi_decimal(m.numerator),
                denominator: vi_decimal(m.denominator),
                percent: m.percent.map(|p| table::index_text(Some(p))),
            }),
            explanation: unquoted(&n.explanation),
            evidence: n
                .evidence
                .iter()
                .map(|e| {
                    let tag = match e {
                        EvidenceRef::Document { .. } => "Văn bản",
                        EvidenceRef::Declared { .. } => "Văn bản bổ sung",
                        EvidenceRef::Fact { .. } => "Số liệu",
                    };
                    (tag, e.vi())
                })
                .collect(),
            records: &n.records,
            error: n.error.as_deref().map(unquoted),
        }
    }
}

impl<'a> ScoreRow<'a> {
    fn of(n: &'a NodeScore, row: &'a TableRow) -> Self {
        ScoreRow {
            stt: &row.stt,
            title: &row.title,
            kind: kind_class(row.kind),
            role: role(row.is_leaf),
            status: row.status.as_str(),
            max: vi_decimal(row.max),
            measure: &row.measure,
            points: points_text(row.points),
            index: (!row.is_leaf).then(|| table::index_text(row.index)),
            evidence: &row.evidence,
            note: &row.note,
            records: n
                .records
                .iter()
                .map(|r| format!("{} {}: {} bản ghi", r.title, r.what, r.total))
                .collect(),
            appraised: row.appraised.map(vi_decimal).unwrap_or_default(),
            appraisal_note: &row.appraisal_note,
        }
    }
}

impl<'a> ExplainRow<'a> {
    fn of(n: &'a NodeScore) -> Self {
        ExplainRow {
            id: &n.id,
            title: &n.title,
            max: vi_decimal(n.max),
            status: n.status.vi(),
            explanation: unquoted(&n.explanation),
            error: n
                .error
                .as_deref()
                .filter(|e| !n.explanation.contains(e))
                .map(unquoted),
            declared: n
                .declared
                .as_ref()
                .map(|d| (vi_decimal(d.points), d.reason.as_str())),
            points: vi_decimal(n.points),
            giai_trinh: table::giai_trinh(n).unwrap_or("……"),
        }
    }
}

impl GapView {
    fn of(r: GapRow) -> Self {
        GapView {
            max: vi_decimal(r.max),
            points: vi_decimal(r.points),
            lost: vi_decimal(r.lost),
            stt: r.stt,
            title: r.title,
            restore: unquoted(&r.restore).into_owned(),
        }
    }
}

fn role(leaf: bool) -> &'static str {
    if leaf {
        "leaf"
    } else {
        "parent"
    }
}

fn kind_class(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Field => "field",
        NodeKind::Criterion => "criterion",
        NodeKind::SubCriterion => "sub",
    }
}

fn points_text(points: Option<Decimal>) -> String {
    points.map_or_else(|| NONE.to_owned(), vi_decimal)
}

fn method_vi(method: Method) -> &'static str {
    match method {
        Method::SelfAssessed => "Tự đánh giá",
        Method::Survey => "Điều tra xã hội học",
        Method::Penalty => "Điểm trừ",
    }
}

/// Part III as the officer wrote it: paragraphs split on blank lines, each line trimmed.
fn paragraphs(text: &str) -> Vec<Vec<String>> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line.to_owned());
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}
