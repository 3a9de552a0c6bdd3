//! Plain Vietnamese readings of a rule's literal band tables and deadlines, as `explain`
//! shows them under the rule ("từ 80% trở lên: 2 điểm").

use rust_decimal::Decimal;

use crate::date::vi_date;
use crate::num::vi_decimal;
use crate::rule_text::{self, Kind};

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
pub(crate) fn read_rule(text: &str) -> Vec<String> {
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
