//! Comparing two reports row by row: what `verify` says after a replay, and what `diff` shows
//! between a self-assessment and its appraisal, or between two years.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde::Serialize;

use crate::fingerprint::FileDigest;
use crate::num::canonical_decimal;
use crate::report::{NodeScore, Report, Status};

/// Everything that differs between two reports.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Comparison {
    /// Inputs that differ, by the reports' fingerprints.
    pub inputs: Vec<InputChange>,
    /// Rows whose (final) points or status differ, in the tree order of the second report.
    pub rows: Vec<RowChange>,
    /// Totals that differ.
    pub totals: Vec<FigureChange>,
}

/// One input that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct InputChange {
    /// `engine`, `as_of`, `criteria/<file>` or `evidence/<file>`.
    pub name: String,
    /// `changed`, `added` or `removed`.
    pub change: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// One row that differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct RowChange {
    pub id: String,
    pub title: String,
    #[serde(serialize_with = "opt_dec")]
    pub old_points: Option<Decimal>,
    #[serde(serialize_with = "opt_dec")]
    pub new_points: Option<Decimal>,
    pub old_status: Option<Status>,
    pub new_status: Option<Status>,
    /// The points the unit declared (notes.toml) differ: (old, new), `None` for none.
    pub declared: Option<(Option<String>, Option<String>)>,
}

/// One total that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FigureChange {
    pub figure: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

fn opt_dec<S: serde::Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&canonical_decimal(*d)),
        None => s.serialize_none(),
    }
}

impl Comparison {
    /// Compares `old` with `new`: inputs, rows (points and status) and totals.
    pub fn of(old: &Report, new: &Report) -> Self {
        let (a, b) = (&old.fingerprint, &new.fingerprint);
        let mut inputs = Vec::new();
        let mut scalar = |name: &str, x: &str, y: &str| {
            if x != y {
                inputs.push(InputChange {
                    name: name.to_owned(),
                    change: "changed",
                    old: Some(x.to_owned()),
                    new: Some(y.to_owned()),
                });
            }
        };
        scalar("engine", &a.engine, &b.engine);
        scalar("as_of", &a.as_of, &b.as_of);
        files(
            &mut inputs,
            "criteria",
            &a.criteria.files,
            &b.criteria.files,
        );
        files(&mut inputs, "evidence", &a.evidence, &b.evidence);

        let old_rows: BTreeMap<&str, &NodeScore> =
            old.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
        let new_ids: BTreeSet<&str> = new.nodes.iter().map(|n| n.id.as_str()).collect();
        let mut rows = Vec::new();
        for n in &new.nodes {
            let o = old_rows.get(n.id.as_str());
            let declared = |x: &NodeScore| x.declared.as_ref().map(|d| canonical_decimal(d.points));
            let declared_change = o
                .filter(|o| {
                    declared(o) != declared(n)
                        || o.declared.as_ref().map(|d| &d.reason)
                            != n.declared.as_ref().map(|d| &d.reason)
                })
                .map(|o| (declared(o), declared(n)));
            let changed = declared_change.is_some()
                || o.is_none_or(|o| o.final_points != n.final_points || o.status != n.status);
            if changed {
                rows.push(RowChange {
                    id: n.id.clone(),
                    title: n.title.clone(),
                    old_points: o.map(|o| o.final_points),
                    new_points: Some(n.final_points),
                    old_status: o.map(|o| o.status),
                    new_status: Some(n.status),
                    declared: declared_change,
                });
            }
        }
        for o in old
            .nodes
            .iter()
            .filter(|o| !new_ids.contains(&o.id.as_str()))
        {
            rows.push(RowChange {
                id: o.id.clone(),
                title: o.title.clone(),
                old_points: Some(o.final_points),
                new_points: None,
                old_status: Some(o.status),
                new_status: None,
                declared: None,
            });
        }

        let mut totals = Vec::new();
        let (t, u) = (&old.total, &new.total);
        let d = |x: Decimal| Some(canonical_decimal(x));
        let od = |x: Option<Decimal>| x.map(canonical_decimal);
        for (figure, x, y) in [
            ("total.max", d(t.max), d(u.max)),
            (
                "total.applicable_max",
                d(t.applicable_max),
                d(u.applicable_max),
            ),
            ("total.points", d(t.points), d(u.points)),
            ("total.index", od(t.index), od(u.index)),
            ("total.rating", t.rating.clone(), u.rating.clone()),
            (
                "self.applicable_max",
                d(t.self_assessed.applicable_max),
                d(u.self_assessed.applicable_max),
            ),
            (
                "self.points",
                d(t.self_assessed.points),
                d(u.self_assessed.points),
            ),
            (
                "self.index",
                od(t.self_assessed.index),
                od(u.self_assessed.index),
            ),
        ] {
            if x != y {
                totals.push(FigureChange {
                    figure,
                    old: x,
                    new: y,
                });
            }
        }
        Comparison {
            inputs,
            rows,
            totals,
        }
    }

    /// No input, row or total differs.
    pub fn is_empty(&self) -> bool {
        self.inputs.is_empty() && self.rows.is_empty() && self.totals.is_empty()
    }

    /// No row and no total differs: whatever input differs changed no score.
    pub fn scores_agree(&self) -> bool {
        self.rows.is_empty() && self.totals.is_empty()
    }

    /// The comparison as JSON (decimals as strings), ending with a newline.
    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        out.push('\n');
        out
    }
}

/// The as-of date a report's fingerprint records, when it is not the date the report states:
/// both are written from one date, so one of them was edited after the report was made.
pub fn edited_as_of(report: &Report) -> Option<&str> {
    let stated = report.as_of.format("%Y-%m-%d").to_string();
    (report.fingerprint.as_of != stated).then_some(report.fingerprint.as_of.as_str())
}

fn files(out: &mut Vec<InputChange>, prefix: &str, old: &[FileDigest], new: &[FileDigest]) {
    let a: BTreeMap<&str, &str> = old
        .iter()
        .map(|f| (f.name.as_str(), f.sha256.as_str()))
        .collect();
    let b: BTreeMap<&str, &str> = new
        .iter()
        .map(|f| (f.name.as_str(), f.sha256.as_str()))
        .collect();
    for (name, x) in &a {
        match b.get(name) {
            Some(y) if y == x => {}
            Some(y) => out.push(InputChange {
                name: format!("{prefix}/{name}"),
                change: "changed",
                old: Some((*x).to_owned()),
                new: Some((*y).to_owned()),
            }),
            None => out.push(InputChange {
                name: format!("{prefix}/{name}"),
                change: "removed",
                old: Some((*x).to_owned()),
                new: None,
            }),
        }
    }
    for (name, y) in &b {
        if !a.contains_key(name) {
            out.push(InputChange {
                name: format!("{prefix}/{name}"),
                change: "added",
                old: None,
                new: Some((*y).to_owned()),
            });
        }
    }
}
