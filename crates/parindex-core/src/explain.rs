//! `explain`: a row's place in the tree, its rule and a plain reading of its bands; with
//! evidence, how it scored and which records decided it.

use std::fmt::Write as _;

use crate::criteria::{CriteriaSet, Method, NotArising};
use crate::date::vi_date;
use crate::num::vi_decimal;
use crate::readings::read_rule;
use crate::report::{NodeScore, Report};
use crate::visible::visible_lines;

/// The row `id` of the set, explained without evidence; `None` when there is no such node.
pub fn explain_row(set: &CriteriaSet, id: &str) -> Option<String> {
    let c = set.criterion(id)?;
    let mut out = String::new();
    let _ = writeln!(out, "# {} {}\n", c.id, c.title);
    let mut path = Vec::new();
    let mut parent = c.parent;
    while let Some(p) = parent {
        let n = &set.criteria[p];
        path.push(format!("{} {}", n.id, n.title));
        parent = n.parent;
    }
    if !path.is_empty() {
        let _ = writeln!(out, "Thuộc: {}", path.join(" › "));
    }
    let _ = writeln!(out, "Điểm tối đa: {}", vi_decimal(c.max));
    let Some(leaf) = &c.leaf else {
        let children: Vec<String> = c
            .children
            .iter()
            .map(|&k| {
                format!(
                    "{} ({} điểm)",
                    set.criteria[k].id,
                    vi_decimal(set.criteria[k].max)
                )
            })
            .collect();
        let _ = writeln!(out, "Gồm: {}", children.join(", "));
        return Some(visible_lines(&out).into_owned());
    };
    let method = match leaf.method {
        Method::SelfAssessed => "tự đánh giá, chấm theo quy tắc từ tài liệu kiểm chứng",
        Method::Survey => "điều tra xã hội học: điểm = tỷ lệ hài lòng × điểm tối đa",
        Method::Penalty => "điểm trừ",
    };
    let _ = writeln!(out, "Phương pháp: {method}");
    if let Some(floor) = leaf.floor {
        let _ = writeln!(out, "Trừ tối đa: {}", vi_decimal(-floor));
    }
    if leaf.method != Method::Survey {
        let policy = match leaf.not_arising {
            NotArising::Exclude => "loại khỏi điểm tối đa áp dụng",
            NotArising::Full => "được điểm tối đa",
        };
        let _ = writeln!(out, "Khi không phát sinh: {policy}");
        let reads: Vec<String> = leaf
            .reads
            .iter()
            .map(|r| match set.table(r) {
                Some(t) => format!("{r} ({})", t.title),
                None => r.clone(),
            })
            .collect();
        let _ = writeln!(out, "Số liệu đọc: {}", reads.join(", "));
    }
    if let Some(rule) = &leaf.rule {
        let _ = writeln!(
            out,
            "\nQuy tắc ({}:{}):\n",
            rule.path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            rule.first_line
        );
        for line in rule.text.trim_matches('\n').lines() {
            let _ = writeln!(out, "    {line}");
        }
        let reading = read_rule(&rule.text);
        if !reading.is_empty() {
            let _ = writeln!(out, "\nCách đọc:\n");
            for line in reading {
                let _ = writeln!(out, "- {line}");
            }
        }
    }
    Some(visible_lines(&out).into_owned())
}

/// How the row scored in `report`.
pub fn explain_score(node: &NodeScore, report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n## Kết quả của {} (số liệu đến ngày {})\n",
        report.unit.name,
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
        let _ = writeln!(out, "Số liệu: {}", m.vi());
    }
    let _ = writeln!(out, "Giải thích: {}", node.explanation);
    for r in &node.records {
        let more = if r.total > r.keys.len() {
            format!(" và {} bản ghi khác", r.total - r.keys.len())
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "Bản ghi quyết định điểm — {} {} ({}): {}{more}",
            r.title,
            r.what,
            r.total,
            r.keys.join(", ")
        );
    }
    for e in &node.evidence {
        let _ = writeln!(out, "Tài liệu kiểm chứng: {}", e.vi());
    }
    if let Some(restore) = &node.restore {
        let _ = writeln!(out, "Cách khôi phục điểm: {restore}");
    }
    visible_lines(&out).into_owned()
}
