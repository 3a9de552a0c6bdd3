//! `explain`: a row's place in the tree, its rule and a plain reading of its bands; with
//! evidence, how it scored and which records decided it.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use crate::criteria::{CriteriaSet, Method, NotArising};
use crate::date::vi_date;
use crate::num::vi_decimal;
use crate::report::{NodeScore, Report};
use crate::rule_text::{self, Kind};
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

/// A token of a rule's text, enough to read literal band tables and deadlines.
#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Num(Decimal),
    Punct(char),
}

/// The rule's tokens as `explain` reads them, from the one reading of a rule's text that
/// `check` uses too ([`rule_text::tokenize`]: comments dropped alike), a unary minus before a
/// number folded into it (`-0.5` is one number here).
fn tokens(text: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut minus = false;
    for t in rule_text::tokenize(text) {
        let token = match t.kind {
            Kind::Ident => Token::Ident(t.text),
            Kind::Str => Token::Str(t.text),
            Kind::Num => match t.text.replace('_', "").parse::<Decimal>() {
                Ok(d) if minus => {
                    out.pop();
                    Token::Num(-d)
                }
                Ok(d) => Token::Num(d),
                Err(_) => Token::Punct('?'),
            },
            Kind::Punct(c) => Token::Punct(c),
            Kind::MapOpen | Kind::Other => Token::Punct('?'),
        };
        // A minus is unary after an opening bracket, a comma or nothing.
        minus = token == Token::Punct('-')
            && matches!(out.last(), None | Some(Token::Punct('[' | '(' | ',')));
        out.push(token);
    }
    out
}

/// Plain readings of the literal band tables and deadlines in a rule.
fn read_rule(text: &str) -> Vec<String> {
    let t = tokens(text);
    let is_ratio = t
        .iter()
        .any(|x| matches!(x, Token::Ident(s) if s == "ratio" || s == "fact_ratio" || s == "prop"));
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        match &t[i] {
            Token::Ident(name) if name == "bands" => {
                if let Some((lines, next)) = read_bands(&t, i + 1, is_ratio) {
                    out.extend(lines);
                    i = next;
                    continue;
                }
            }
            Token::Ident(name) if name == "issued_by" => {
                if let Some(line) = read_issued(&t, i + 1) {
                    out.push(line);
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn show(edge: Decimal, ratio: bool) -> String {
    if ratio {
        let p = (edge * Decimal::ONE_HUNDRED).normalize();
        format!("{}%", vi_decimal(p))
    } else {
        vi_decimal(edge)
    }
}

/// `[[e1, p1], [e2, p2], …]` after `bands(` read as half-open bands.
fn read_bands(t: &[Token], from: usize, ratio: bool) -> Option<(Vec<String>, usize)> {
    let start = (from..t.len())
        .find(|&k| t[k] == Token::Punct('[') && t.get(k + 1) == Some(&Token::Punct('[')))?;
    let mut k = start + 1;
    let mut bands: Vec<(Decimal, Option<Decimal>)> = Vec::new();
    while t.get(k) == Some(&Token::Punct('[')) {
        let Token::Num(edge) = t.get(k + 1)? else {
            return None;
        };
        let points = match t.get(k + 3) {
            Some(Token::Num(p)) => Some(*p),
            _ => None,
        };
        bands.push((*edge, points));
        // Skip to the closing bracket of this band.
        let mut depth = 0;
        while k < t.len() {
            match t[k] {
                Token::Punct('[') | Token::Punct('(') => depth += 1,
                Token::Punct(']') | Token::Punct(')') => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            k += 1;
        }
        k += 1;
        if t.get(k) == Some(&Token::Punct(',')) {
            k += 1;
        }
    }
    let otherwise = match (t.get(k + 1), t.get(k + 2)) {
        (Some(Token::Punct(',')), Some(Token::Num(p))) => *p,
        _ => Decimal::ZERO,
    };
    let mut lines = Vec::new();
    let mut upper: Option<Decimal> = None;
    for (edge, points) in &bands {
        let points = points.map_or_else(
            || "theo tỷ lệ (prop)".to_owned(),
            |p| format!("{} điểm", vi_decimal(p)),
        );
        let range = match upper {
            None if ratio && *edge >= Decimal::ONE => format!("≥ {}", show(*edge, ratio)),
            None => format!("từ {} trở lên", show(*edge, ratio)),
            Some(u) => format!("từ {} đến dưới {}", show(*edge, ratio), show(u, ratio)),
        };
        lines.push(format!("{range}: {points}"));
        upper = Some(*edge);
    }
    if let Some(last) = upper {
        lines.push(format!(
            "dưới {}: {} điểm",
            show(last, ratio),
            vi_decimal(otherwise)
        ));
    }
    if ratio {
        lines.push(
            "tỷ lệ được so sánh chính xác như phân số; khoảng \"từ X đến dưới Y\" là [X, Y)"
                .to_owned(),
        );
    }
    Some((lines, k))
}

/// `issued_by("tag", date(y, m, d), on_time, later)` read as a deadline.
fn read_issued(t: &[Token], from: usize) -> Option<String> {
    let Token::Str(tag) = t.get(from + 1)? else {
        return None;
    };
    let nums: Vec<Decimal> = t[from..]
        .iter()
        .take_while(|x| **x != Token::Punct(';'))
        .filter_map(|x| match x {
            Token::Num(n) => Some(*n),
            _ => None,
        })
        .collect();
    if nums.len() < 5 {
        return None;
    }
    let date = crate::date::Date::from_ymd_opt(
        i32::try_from(nums[0]).ok()?,
        u32::try_from(nums[1]).ok()?,
        u32::try_from(nums[2]).ok()?,
    )?;
    Some(format!(
        "văn bản nhóm `{tag}` ban hành đến {}: {} điểm; ban hành sau hạn: {} điểm; không ban hành: 0 điểm",
        vi_date(date),
        vi_decimal(nums[3]),
        vi_decimal(nums[4])
    ))
}
