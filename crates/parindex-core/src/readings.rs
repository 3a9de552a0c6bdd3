//! Plain Vietnamese readings of a rule's literal band tables and deadlines, as `explain`
//! shows them under the rule ("từ 80% trở lên: 2 điểm"). They read the rule as `check` does —
//! its calls ([`rule_text::calls`]), each argument judged by its kind in the helper registry —
//! so a table in a comment, or a number past the call, is never taken for one.

use rust_decimal::Decimal;

use crate::date::{parse_date, vi_date, Date};
use crate::num::vi_decimal;
use crate::rule_text::{self, lit_list, lit_num, lit_str, Call, Kind, Token};
use crate::rules::registry::{self, Arg};

/// Plain readings of the literal band tables and deadlines in a rule.
pub(crate) fn read_rule(text: &str) -> Vec<String> {
    let tokens = rule_text::tokenize(text);
    // Edges are percents when the rule measures a ratio anywhere (`ratio`, `.ratio`, `prop`…).
    let ratio = tokens.iter().any(|t| {
        t.is(Kind::Ident)
            && registry::rule_helpers()
                .iter()
                .any(|h| h.name == t.text && h.measures_ratio())
    });
    let mut out = Vec::new();
    for call in rule_text::calls(&tokens) {
        let Some(form) = registry::forms(&call.name.text).find(|f| f.args.len() == call.args.len())
        else {
            continue;
        };
        let arg = |kind: Arg| {
            form.args
                .iter()
                .position(|k| *k == kind)
                .map(|i| (i, call.args[i]))
        };
        if let Some((i, list)) = arg(Arg::Bands) {
            out.extend(read_bands(list, call.args.get(i + 1).copied(), ratio).unwrap_or_default());
        } else if form.needs == registry::Needs::Register && form.args.contains(&Arg::Points) {
            out.extend(read_issued(&call, form.args));
        }
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

/// `[[e1, p1], [e2, p2], …]` (and what is given below the last edge) read as half-open bands.
fn read_bands(list: &[Token], otherwise: Option<&[Token]>, ratio: bool) -> Option<Vec<String>> {
    let mut bands: Vec<(Decimal, Option<Decimal>)> = Vec::new();
    for band in lit_list(list)? {
        let pair = lit_list(band)?;
        let (edge, _) = lit_num(pair.first()?)?;
        bands.push((edge, pair.get(1).and_then(|p| lit_num(p)).map(|(p, _)| p)));
    }
    let otherwise = otherwise
        .and_then(lit_num)
        .map_or(Decimal::ZERO, |(p, _)| p);
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
    Some(lines)
}

/// A literal deadline: `date(y, m, d)` or a date string.
fn lit_date(arg: &[Token]) -> Option<Date> {
    if let Some(t) = lit_str(arg) {
        return parse_date(&t.text);
    }
    match arg {
        [name, open, y, _, m, _, d, close]
            if name.is_ident("date") && open.is(Kind::Punct('(')) && close.is(Kind::Punct(')')) =>
        {
            let part = |t: &Token| lit_num(std::slice::from_ref(t)).map(|(n, _)| n);
            Date::from_ymd_opt(
                i32::try_from(part(y)?).ok()?,
                u32::try_from(part(m)?).ok()?,
                u32::try_from(part(d)?).ok()?,
            )
        }
        _ => None,
    }
}

/// `issued_by("tag", deadline, on_time, later)` or `issued_by("tag", [[deadline, points], …],
/// later)` read as deadlines.
fn read_issued(call: &Call<'_>, kinds: &[Arg]) -> Option<String> {
    let tag = &lit_str(call.args.first()?)?.text;
    let points = |arg: &[Token]| lit_num(arg).map(|(p, _)| p);
    let mut steps: Vec<(Date, Decimal)> = Vec::new();
    let later = if kinds.contains(&Arg::Steps) {
        for step in lit_list(call.args.get(1)?)? {
            let pair = lit_list(step).filter(|p| p.len() == 2)?;
            steps.push((lit_date(pair[0])?, points(pair[1])?));
        }
        points(call.args.get(2)?)?
    } else {
        steps.push((lit_date(call.args.get(1)?)?, points(call.args.get(2)?)?));
        points(call.args.get(3)?)?
    };
    let by: Vec<String> = steps
        .iter()
        .map(|(date, p)| format!("đến {}: {} điểm", vi_date(*date), vi_decimal(*p)))
        .collect();
    Some(format!(
        "văn bản nhóm `{tag}` ban hành {}; ban hành sau hạn: {} điểm; không ban hành: 0 điểm",
        by.join("; "),
        vi_decimal(later)
    ))
}
