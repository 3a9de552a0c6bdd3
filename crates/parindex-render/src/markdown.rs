//! Markdown for a person at a terminal: a unit's report, its points lost, a province's units,
//! the ranking, a comparison of two reports, and `explain`. The report's table is the table
//! model every format reads ([`table::rows`], [`table::gap_rows`]); every text goes out through
//! [`visible_lines`], so that a control or invisible character of the evidence is shown as
//! `<U+…>`, never written raw to the terminal, and every text of the inputs through [`plain`],
//! so that a Markdown viewer (the ranking is downloaded as a `.md` file) never renders it as
//! HTML or a link.

use std::fmt::Write as _;

use parindex_core::compare::Comparison;
use parindex_core::criteria::{Method, NotArising};
use parindex_core::date::vi_date;
use parindex_core::explain::RowExplanation;
use parindex_core::num::{vi_decimal, vi_percent};
use parindex_core::rank::Ranking;
use parindex_core::report::{EvidenceRef, NodeKind, NodeScore, Status};
use parindex_core::visible::visible_lines;
use parindex_core::Report;
use rust_decimal::Decimal;

use crate::labels::{self, NONE};
use crate::table;

/// Records named per row in the Markdown table (the JSON report carries more).
const RECORDS_SHOWN: usize = 5;

/// The scoring table as Markdown, with the totals, what still waits and the points lost.
pub fn report_markdown(report: &Report) -> String {
    let mut out = String::new();
    let t = &report.total;
    let _ = writeln!(
        out,
        "# Kết quả tự đánh giá, chấm điểm Chỉ số CCHC năm {}\n",
        report.criteria.year
    );
    let _ = writeln!(
        out,
        "- {}: {} ({})",
        labels::UNIT,
        plain(&report.unit.name),
        plain(&report.unit.code)
    );
    let _ = writeln!(
        out,
        "- {}: {} ({})",
        labels::SET,
        plain(&report.criteria.title),
        plain(&report.criteria.id)
    );
    let _ = writeln!(out, "- {}: {}\n", labels::AS_OF, vi_date(report.as_of));
    // After appraisal, a column of final points follows the self-assessed ones.
    let appraised = t.appraised;
    let _ = write!(
        out,
        "| {} | {} | {} | {} | {} |",
        labels::STT,
        labels::ROW,
        labels::MAX,
        labels::MEASURE,
        labels::SELF_POINTS
    );
    if appraised {
        let _ = write!(out, " {} |", labels::APPRAISED);
    }
    let _ = write!(out, " {} |\n|---|---|---:|---|---:|", labels::NOTE);
    out.push_str(if appraised { "---:|" } else { "" });
    out.push_str("---|\n");
    let final_cell = |p: Option<Decimal>| match p {
        Some(p) => format!(" {} |", vi_decimal(p)),
        None => String::new(),
    };
    for (n, row) in report.nodes.iter().zip(table::rows(report)) {
        let (stt, title, max) = (&row.stt, cell(&row.title), vi_decimal(row.max));
        if row.is_leaf {
            let points = match (row.points, &n.declared) {
                (Some(p), Some(_)) => format!("{} (đề nghị)", vi_decimal(p)),
                (Some(p), None) => vi_decimal(p),
                (None, _) => NONE.to_owned(),
            };
            let (appraised, note) = (final_cell(row.appraised), cell(&node_note(n)));
            let _ = writeln!(
                out,
                "| {stt} | {title} | {max} | {} | {points} |{appraised} {note} |",
                cell(&row.measure)
            );
        } else {
            let index = row
                .index
                .map(|i| format!(" ({}%)", vi_percent(i)))
                .unwrap_or_default();
            let (open, close) = if row.kind == NodeKind::Field {
                ("**", "**")
            } else {
                ("", "")
            };
            // The index is on the final points: it follows them.
            let (own, last) = if appraised {
                (
                    String::new(),
                    format!(
                        "{}{index} |",
                        final_cell(row.appraised).trim_end_matches(" |")
                    ),
                )
            } else {
                (index, String::new())
            };
            let points = vi_decimal(n.points);
            let _ = writeln!(
                out,
                "| {open}{stt}{close} | {open}{title}{close} | {open}{max}{close} | | {open}{points}{close}{own} |{last} |",
            );
        }
    }
    let index = table::index_text(t.index);
    let rating = plain(t.rating.as_deref().unwrap_or(NONE));
    let _ = writeln!(
        out,
        "| | **{}** | **{}** | | **{}** |{} Chỉ số {index}, xếp loại {rating} |",
        labels::TOTAL,
        vi_decimal(t.max),
        vi_decimal(if appraised {
            t.self_assessed.assessed_points + t.survey.points
        } else {
            t.points
        }),
        if appraised {
            format!(" **{}** |", vi_decimal(t.points))
        } else {
            String::new()
        }
    );
    let s = &t.self_assessed;
    let _ = writeln!(
        out,
        "\n- {}: {} / {} điểm áp dụng (tối đa {}), chỉ số {}",
        labels::SELF_POINTS,
        vi_decimal(s.points),
        vi_decimal(s.applicable_max),
        vi_decimal(s.max),
        table::index_text(s.index)
    );
    let _ = writeln!(
        out,
        "- {}: {} / {} điểm áp dụng (tối đa {}), chỉ số {index}, xếp loại {rating}",
        labels::TOTAL_POINTS,
        vi_decimal(t.points),
        vi_decimal(t.applicable_max),
        vi_decimal(t.max)
    );
    if let Some(pending) = report.pending_survey() {
        let _ = writeln!(
            out,
            "- {}: {}",
            Status::PendingSurvey.vi(),
            pending.describe()
        );
    }
    let attention: Vec<&NodeScore> = report
        .nodes
        .iter()
        .filter(|n| n.needs_explanation)
        .collect();
    if !attention.is_empty() {
        let _ = writeln!(
            out,
            "- {}: {} dòng ({})",
            labels::NEEDS_EXPLANATION,
            attention.len(),
            plain(&table::ids(&attention))
        );
    }
    out.push('\n');
    out.push_str(&gaps_markdown(report));
    visible_lines(&out).into_owned()
}

/// The points lost, row by row with what would restore them, the most first; then the total.
pub fn gaps_markdown(report: &Report) -> String {
    let rows = table::gap_rows(report);
    let mut out = format!("## {}\n\n", labels::GAPS_TITLE);
    if rows.is_empty() {
        out.push_str(labels::NO_GAPS);
        out.push('\n');
        return out;
    }
    let _ = writeln!(
        out,
        "| {} | Tiêu chí | {} | Điểm | Mất | {} |\n|---|---|---:|---:|---:|---|",
        labels::STT,
        labels::MAX,
        labels::RESTORE
    );
    for r in &rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            r.stt,
            cell(&r.title),
            vi_decimal(r.max),
            vi_decimal(r.points),
            vi_decimal(r.lost),
            cell(&r.restore)
        );
    }
    let _ = writeln!(out, "\n{}", table::gaps_total_text(report));
    visible_lines(&out).into_owned()
}

/// A province's reports as a summary, one line per unit.
pub fn province_markdown(reports: &[Report]) -> String {
    let mut out = String::from("# Kết quả tự đánh giá, chấm điểm Chỉ số CCHC của các đơn vị\n\n");
    let _ = writeln!(
        out,
        "| Mã | {} | {} | {} | {} | {} | Điểm áp dụng | {} | {} | {} |",
        labels::UNIT,
        labels::GROUP,
        labels::SELF_SHORT,
        labels::SURVEY_SHORT,
        labels::TOTAL_POINTS,
        labels::INDEX,
        labels::RATING,
        labels::NEEDS_EXPLANATION
    );
    out.push_str("|---|---|---|---:|---:|---:|---:|---:|---|---:|\n");
    for r in reports {
        let t = &r.total;
        let attention = r
            .nodes
            .iter()
            .filter(|n| n.is_leaf() && matches!(n.status, Status::NoEvidence | Status::Error))
            .count();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {attention} |",
            cell(&r.unit.code),
            cell(&r.unit.name),
            cell(&r.unit.group),
            vi_decimal(t.self_assessed.points),
            vi_decimal(t.survey.points),
            vi_decimal(t.points),
            vi_decimal(t.applicable_max),
            table::index_text(t.index),
            cell(t.rating.as_deref().unwrap_or(NONE)),
        );
    }
    visible_lines(&out).into_owned()
}

/// The ranking, a table per peer group.
pub fn ranking_markdown(ranking: &Ranking) -> String {
    let mut out = format!("# {}\n", labels::RANKING_TITLE);
    for g in &ranking.groups {
        let _ = writeln!(out, "\n## {} {}\n", labels::GROUP, plain(&g.group));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            labels::RANK,
            labels::UNIT,
            labels::SELF_SHORT,
            labels::APPRAISED_SHORT,
            labels::SURVEY_SHORT,
            labels::TOTAL_POINTS,
            labels::INDEX,
            labels::RATING
        );
        out.push_str("|---:|---|---:|---:|---:|---:|---:|---|\n");
        for e in &g.entries {
            let _ = writeln!(
                out,
                "| {} | {} ({}) | {} | {} | {} | {} | {} | {} |",
                labels::rank(e.rank, e.tied),
                cell(&e.name),
                cell(&e.code),
                vi_decimal(e.self_assessed),
                e.appraised.map_or_else(|| NONE.to_owned(), vi_decimal),
                vi_decimal(e.survey),
                vi_decimal(e.total),
                table::index_text(e.index),
                cell(e.rating.as_deref().unwrap_or(NONE)),
            );
        }
    }
    visible_lines(&out).into_owned()
}

/// A comparison of two reports, with `a` and `b` naming them.
pub fn comparison_markdown(comparison: &Comparison, a: &str, b: &str) -> String {
    let (a, b) = (&cell(a), &cell(b));
    let mut out = String::new();
    if comparison.is_empty() {
        let _ = writeln!(out, "Không có khác biệt giữa {a} và {b}.");
        return out;
    }
    if !comparison.inputs.is_empty() {
        let _ = writeln!(out, "## Dữ liệu đầu vào khác nhau\n");
        out.push_str("| Tệp | Thay đổi | Cũ | Mới |\n|---|---|---|---|\n");
        for i in &comparison.inputs {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(labels::input_name(&i.name)),
                labels::input_change(i.change),
                cell(&short(i.old.as_deref())),
                cell(&short(i.new.as_deref()))
            );
        }
        out.push('\n');
    }
    if !comparison.rows.is_empty() {
        let _ = writeln!(out, "## Các dòng có điểm khác nhau\n");
        let _ = writeln!(
            out,
            "| {} | Tiêu chí | {a} | {b} | Chênh lệch |",
            labels::STT
        );
        out.push_str("|---|---|---:|---:|---:|\n");
        for r in &comparison.rows {
            let show = |p: Option<Decimal>, s: Option<Status>| match (p, s) {
                (Some(p), Some(Status::Scored)) => vi_decimal(p),
                (Some(p), Some(s)) => format!("{} ({})", vi_decimal(p), s.vi()),
                _ => NONE.to_owned(),
            };
            let delta = match (r.old_points, r.new_points) {
                (Some(x), Some(y)) if x != y => {
                    let d = y - x;
                    if d.is_sign_positive() {
                        format!("+{}", vi_decimal(d))
                    } else {
                        vi_decimal(d)
                    }
                }
                _ => String::new(),
            };
            let delta = match &r.declared {
                Some((old, new)) => format!(
                    "{delta} (điểm đơn vị đề nghị: {} → {})",
                    cell(old.as_deref().unwrap_or(NONE)),
                    cell(new.as_deref().unwrap_or(NONE))
                ),
                None => delta,
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {delta} |",
                r.id,
                cell(&r.title),
                show(r.old_points, r.old_status),
                show(r.new_points, r.new_status)
            );
        }
        out.push('\n');
    }
    if !comparison.totals.is_empty() {
        let _ = writeln!(out, "## Tổng hợp\n");
        let _ = writeln!(out, "| Chỉ tiêu | {a} | {b} |\n|---|---:|---:|");
        for t in &comparison.totals {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                labels::figure(t.figure),
                labels::figure_value(t.old.as_deref()),
                labels::figure_value(t.new.as_deref())
            );
        }
    }
    visible_lines(&out).into_owned()
}

/// A row explained without evidence, in the parts a page lays out and `explain_markdown`
/// writes: the same words for the CLI and the app. Text is as the set holds it; each writer
/// escapes it its own way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExplainParts {
    /// `1.3.3 Xử lý vấn đề phát hiện qua kiểm tra`.
    pub heading: String,
    /// (label, value), in order: `Thuộc`, `Điểm tối đa`, `Phương pháp`, …; `Gồm` for a parent.
    pub lines: Vec<(&'static str, String)>,
    /// A leaf's rule.
    pub rule: Option<RuleParts>,
}

/// A leaf's rule, as [`ExplainParts`] holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleParts {
    /// Where it is: `criteria.toml:249`.
    pub place: String,
    /// Its text, without the blank lines around it.
    pub code: String,
    /// Plain readings of its bands and deadlines (`từ 80% đến dưới 100%: 0,5 điểm`).
    pub readings: Vec<String>,
}

/// `explain` of a row without evidence: its place in the tree, how it is scored, its rule and
/// a reading of its bands.
pub fn explain_parts(row: &RowExplanation) -> ExplainParts {
    let mut lines = Vec::new();
    if !row.path.is_empty() {
        let path: Vec<String> = row
            .path
            .iter()
            .map(|(id, title)| format!("{id} {title}"))
            .collect();
        lines.push(("Thuộc", path.join(" › ")));
    }
    lines.push((labels::MAX, vi_decimal(row.max)));
    let heading = format!("{} {}", row.id, row.title);
    let Some(leaf) = &row.leaf else {
        let children: Vec<String> = row
            .children
            .iter()
            .map(|(id, max)| format!("{id} ({} điểm)", vi_decimal(*max)))
            .collect();
        lines.push(("Gồm", children.join(", ")));
        return ExplainParts {
            heading,
            lines,
            rule: None,
        };
    };
    let method = match leaf.method {
        Method::SelfAssessed => "tự đánh giá, chấm theo quy tắc từ tài liệu kiểm chứng",
        Method::Survey => "điều tra xã hội học: điểm = tỷ lệ hài lòng × điểm tối đa",
        Method::Penalty => "điểm trừ",
    };
    lines.push(("Phương pháp", method.to_owned()));
    if let Some(floor) = leaf.floor {
        lines.push(("Trừ tối đa", vi_decimal(-floor)));
    }
    if leaf.method != Method::Survey {
        let policy = match leaf.not_arising {
            NotArising::Exclude => "loại khỏi điểm tối đa áp dụng",
            NotArising::Full => "được điểm tối đa",
        };
        lines.push(("Khi không phát sinh", policy.to_owned()));
        let reads: Vec<String> = leaf
            .reads
            .iter()
            .map(|(name, title)| match title {
                Some(t) => format!("{name} ({t})"),
                None => name.clone(),
            })
            .collect();
        lines.push(("Số liệu đọc", reads.join(", ")));
    }
    let rule = leaf.rule.as_ref().map(|rule| RuleParts {
        place: format!("{}:{}", rule.file, rule.first_line),
        code: rule.text.trim_matches('\n').to_owned(),
        readings: rule.readings.clone(),
    });
    ExplainParts {
        heading,
        lines,
        rule,
    }
}

/// [`explain_parts`] as the CLI prints it.
pub fn explain_markdown(row: &RowExplanation) -> String {
    let parts = explain_parts(row);
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", plain(&parts.heading));
    for (label, value) in &parts.lines {
        let _ = writeln!(out, "{label}: {}", plain(value));
    }
    if let Some(rule) = &parts.rule {
        let _ = writeln!(out, "\nQuy tắc ({}):\n", plain(&rule.place));
        for line in rule.code.lines() {
            let _ = writeln!(out, "    {line}");
        }
        if !rule.readings.is_empty() {
            let _ = writeln!(out, "\nCách đọc:\n");
            for line in &rule.readings {
                let _ = writeln!(out, "- {}", plain(line));
            }
        }
    }
    visible_lines(&out).into_owned()
}

/// `explain` with evidence: how the row scored in `report`.
pub fn explain_score_markdown(node: &NodeScore, report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n## Kết quả của {} (số liệu đến ngày {})\n",
        plain(&report.unit.name),
        vi_date(report.as_of)
    );
    let status = node.status.vi().to_lowercase();
    let _ = writeln!(
        out,
        "Điểm: {}/{} ({status})",
        vi_decimal(node.points),
        vi_decimal(node.max)
    );
    if let Some(m) = &node.measure {
        let _ = writeln!(out, "Số liệu: {}", plain(&m.vi()));
    }
    let _ = writeln!(out, "Giải thích: {}", plain(&node.explanation));
    for r in &node.records {
        let (title, what, total) = (plain(&r.title), plain(&r.what), r.total);
        let (keys, more) = (plain(&r.keys.join(", ")), more(total, r.keys.len()));
        let _ = writeln!(
            out,
            "Bản ghi quyết định điểm — {title} {what} ({total}): {keys}{more}"
        );
    }
    for e in &node.evidence {
        let _ = writeln!(out, "{}: {}", labels::EVIDENCE, plain(&e.vi()));
    }
    if let Some(restore) = &node.restore {
        let _ = writeln!(out, "Cách khôi phục điểm: {}", plain(restore));
    }
    visible_lines(&out).into_owned()
}

/// ` và 3 bản ghi khác` when `total` records are `shown` fewer, else nothing.
fn more(total: usize, shown: usize) -> String {
    if total > shown {
        format!(" và {} bản ghi khác", total - shown)
    } else {
        String::new()
    }
}

/// The note column of a leaf: its explanation, the unit's declared points and words, the
/// documents it added and the records that decided the points.
fn node_note(n: &NodeScore) -> String {
    let mut note = n.explanation.clone();
    if let Some(d) = &n.declared {
        let _ = write!(
            note,
            " — Đơn vị đề nghị {} điểm (điểm tính từ minh chứng: {}): {}",
            vi_decimal(d.points),
            vi_decimal(n.points),
            d.reason
        );
    }
    if let Some(g) = &n.giai_trinh {
        let _ = write!(note, " — Giải trình: {g}");
    }
    for e in n
        .evidence
        .iter()
        .filter(|e| matches!(e, EvidenceRef::Declared { .. }))
    {
        let _ = write!(note, " — TLKC bổ sung: {}", e.vi());
    }
    for r in &n.records {
        let shown = &r.keys[..r.keys.len().min(RECORDS_SHOWN)];
        let _ = write!(
            note,
            " — {} {}: {}{}",
            r.title,
            r.what,
            shown.join(", "),
            more(r.total, shown.len())
        );
    }
    note
}

/// A text of the inputs (a name, a title, the officer's words, a record's key) as Markdown
/// that says it and nothing more: a viewer that renders the file shows it as it is, never as
/// HTML (`<img onerror=…>`, `<https://…>`) or a link (`[…](javascript:…)`), and its line breaks
/// cannot start a heading or a block of their own. Only what would make markup is escaped (a
/// `<` before a letter, `/`, `!` or `?`; a `]` before `(` or `[`; a backslash before
/// punctuation), so that the file still reads plainly at a terminal: `< 100%`, `[0; 1]`.
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied().unwrap_or(' ');
        let markup = match c {
            '<' => next.is_ascii_alphabetic() || matches!(next, '/' | '!' | '?'),
            ']' => matches!(next, '(' | '['),
            '\\' => next.is_ascii_punctuation(),
            _ => false,
        };
        match c {
            '\n' | '\r' => out.push(' '),
            _ if markup => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// [`plain`] in a table cell: its pipes escaped too.
fn cell(text: &str) -> String {
    plain(text).replace('|', "\\|")
}

/// A digest shortened for a table cell.
fn short(text: Option<&str>) -> String {
    match text {
        Some(t) if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) => t[..12].to_owned(),
        Some(t) => t.to_owned(),
        None => NONE.to_owned(),
    }
}
