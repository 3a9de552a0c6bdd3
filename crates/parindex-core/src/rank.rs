//! The province's ranking: within each peer group, by index, ties broken by the higher
//! appraised self-assessed score, units still equal sharing a rank.

use std::cmp::Ordering;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::num::canonical_decimal;
use crate::report::Report;

/// The ranking of every peer group, groups in name order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Ranking {
    pub schema: &'static str,
    /// The as-of date of the reports ranked (ISO).
    pub as_of: String,
    pub groups: Vec<GroupRanking>,
}

/// One peer group, best first.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct GroupRanking {
    pub group: String,
    pub entries: Vec<RankEntry>,
}

/// One unit's place.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RankEntry {
    /// Competition ranking: units that tie share a rank, and the next rank is skipped.
    pub rank: usize,
    /// Shares its rank with another unit.
    pub tied: bool,
    pub code: String,
    pub name: String,
    /// The self-assessed and penalty rows as the unit scored them.
    #[serde(serialize_with = "dec")]
    pub self_assessed: Decimal,
    /// The same rows after appraisal; `None` when the unit was not appraised.
    #[serde(serialize_with = "opt_dec")]
    pub appraised: Option<Decimal>,
    #[serde(serialize_with = "dec")]
    pub survey: Decimal,
    #[serde(serialize_with = "dec")]
    pub total: Decimal,
    #[serde(serialize_with = "opt_dec")]
    pub index: Option<Decimal>,
    pub rating: Option<String>,
}

fn dec<S: serde::Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&canonical_decimal(*d))
}

fn opt_dec<S: serde::Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&canonical_decimal(*d)),
        None => s.serialize_none(),
    }
}

/// The ranking schema tag.
pub const RANKING_SCHEMA: &str = "parindex.ranking/1";

impl Ranking {
    /// Ranks the units of `reports` within their peer groups.
    pub fn of(reports: &[Report]) -> Self {
        let mut groups: Vec<GroupRanking> = Vec::new();
        let mut names: Vec<&str> = reports.iter().map(|r| r.unit.group.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        for group in names {
            let mut members: Vec<&Report> =
                reports.iter().filter(|r| r.unit.group == group).collect();
            // Best first: the higher index, then the higher appraised self-assessed score; equal
            // units in code order.
            members.sort_by(|a, b| order(a, b).then_with(|| a.unit.code.cmp(&b.unit.code)));
            let mut entries: Vec<RankEntry> = Vec::with_capacity(members.len());
            for (i, r) in members.iter().enumerate() {
                let rank = match i.checked_sub(1).map(|p| members[p]) {
                    Some(prev) if order(prev, r) == Ordering::Equal => entries[i - 1].rank,
                    _ => i + 1,
                };
                let t = &r.total;
                entries.push(RankEntry {
                    rank,
                    tied: false,
                    code: r.unit.code.clone(),
                    name: r.unit.name.clone(),
                    self_assessed: t.self_assessed.assessed_points,
                    appraised: t.appraised.then_some(t.self_assessed.points),
                    survey: t.survey.points,
                    total: t.points,
                    index: t.index,
                    rating: t.rating.clone(),
                });
            }
            for i in 0..entries.len() {
                let rank = entries[i].rank;
                entries[i].tied = entries.iter().filter(|e| e.rank == rank).count() > 1;
            }
            groups.push(GroupRanking {
                group: group.to_owned(),
                entries,
            });
        }
        Ranking {
            schema: RANKING_SCHEMA,
            as_of: reports
                .first()
                .map(|r| r.as_of.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            groups,
        }
    }

    /// The ranking as JSON, ending with a newline.
    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        out.push('\n');
        out
    }
}

/// Better first: a higher index (none is last), then higher appraised self-assessed points.
fn order(a: &Report, b: &Report) -> Ordering {
    let index = |r: &Report| r.total.index;
    match (index(a), index(b)) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
    .then_with(|| {
        b.total
            .self_assessed
            .points
            .cmp(&a.total.self_assessed.points)
    })
}
