//! Checks a loaded criteria set as a whole, before anything is compiled or scored.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::{ColumnType, CriteriaSet, Method};
use crate::error::Diagnostic;
use crate::num::vi_decimal;

/// No node may be worth more than this: it keeps every sum of points exact and bounded.
const MAX_POINTS: Decimal = Decimal::from_parts(10_000, 0, 0, false, 0);

/// The name under which rules read `facts.toml`.
pub const FACTS: &str = "facts";

/// A 1-based line and column.
pub(super) type Place = (usize, usize);

/// Where the parts of a set that carry no line of their own are written, so that their problems
/// point at a line too. A part missing here is reported without a line.
#[derive(Debug, Default)]
pub(super) struct Locations {
    pub tables: HashMap<String, TablePlaces>,
    pub register_table: Option<Place>,
    pub register_tags: Option<Place>,
    /// The `min` of each `[[rating]]`, in order.
    pub ratings: Vec<Option<Place>>,
}

/// Where a table's name, keys and columns (their `id`) are written.
#[derive(Debug, Default)]
pub(super) struct TablePlaces {
    pub name: Option<Place>,
    pub key: Option<Place>,
    pub subject: Option<Place>,
    pub dated_by: Option<Place>,
    pub columns: Vec<Option<Place>>,
}

/// `d` at `place`, when known.
fn placed(d: Diagnostic, place: Option<Place>) -> Diagnostic {
    match place {
        Some((line, column)) => d.at(line, column),
        None => d,
    }
}

/// Every problem in the set, in file order of the nodes.
pub(super) fn validate(set: &CriteriaSet, places: &Locations) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let at = |line: usize, message: String| Diagnostic::new(&set.path, message).line(line);

    if set.ratings.is_empty() {
        problems.push(
            Diagnostic::new(&set.path, "the set has no rating bands")
                .hint("add [[rating]] entries with label and min, highest first"),
        );
    }
    for (i, pair) in set.ratings.windows(2).enumerate() {
        if pair[1].min >= pair[0].min {
            let place = places.ratings.get(i + 1).copied().flatten();
            problems.push(placed(
                Diagnostic::new(
                    &set.path,
                    format!(
                        "rating `{}` (min {}) must come after a band with a higher min than `{}` (min {})",
                        pair[1].label, pair[1].min, pair[0].label, pair[0].min
                    ),
                )
                .hint("list [[rating]] bands from the highest min to the lowest"),
                place,
            ));
        }
    }

    let no_places = TablePlaces::default();
    for table in &set.tables {
        let tp = places.tables.get(&table.name).unwrap_or(&no_places);
        let mut ids = std::collections::BTreeSet::new();
        for (i, c) in table.columns.iter().enumerate() {
            if !ids.insert(c.id.as_str()) {
                problems.push(placed(
                    Diagnostic::new(
                        &set.path,
                        format!("table `{}` declares column `{}` twice", table.name, c.id),
                    ),
                    tp.columns.get(i).copied().flatten(),
                ));
            }
        }
        for (key, column, place) in [
            ("key", &table.key, tp.key),
            ("subject", &table.subject, tp.subject),
            ("dated_by", &table.dated_by, tp.dated_by),
        ] {
            if let Some(column) = column {
                if table.column(column).is_none() {
                    problems.push(placed(
                        Diagnostic::new(
                            &set.path,
                            format!(
                                "table `{}`: {key} `{column}` is not a declared column",
                                table.name
                            ),
                        ),
                        place,
                    ));
                }
            }
        }
        if let Some(dated_by) = &table.dated_by {
            if let Some(c) = table.column(dated_by) {
                if c.kind != ColumnType::Date || !c.required {
                    problems.push(placed(
                        Diagnostic::new(
                            &set.path,
                            format!(
                                "table `{}`: dated_by column `{dated_by}` must be a required date column",
                                table.name
                            ),
                        ),
                        tp.dated_by,
                    ));
                }
            }
        }
        if [FACTS, "survey", "appraisal", "units"].contains(&table.name.as_str()) {
            problems.push(placed(
                Diagnostic::new(
                    &set.path,
                    format!(
                        "`{}` is reserved (facts.toml, survey.csv, appraisal.csv, units.csv) and cannot name a table",
                        table.name
                    ),
                ),
                tp.name,
            ));
        }
    }
    if let Some(register) = &set.register {
        match set.table(&register.table) {
            None => problems.push(placed(
                Diagnostic::new(
                    &set.path,
                    format!(
                        "register table `{}` is not declared under [tables]",
                        register.table
                    ),
                ),
                places.register_table,
            )),
            Some(t) => {
                match t.column(&register.tags) {
                    Some(c) if c.kind == ColumnType::Tags => {}
                    _ => problems.push(placed(
                        Diagnostic::new(
                            &set.path,
                            format!(
                                "register tags column `{}` must be a tags column of table `{}`",
                                register.tags, register.table
                            ),
                        ),
                        places.register_tags,
                    )),
                }
                if t.dated_by.is_none() {
                    problems.push(placed(
                        Diagnostic::new(
                            &set.path,
                            format!("register table `{}` needs `dated_by`", register.table),
                        ),
                        places.register_table,
                    ));
                }
            }
        }
    }

    if set.criteria.is_empty() {
        problems.push(
            Diagnostic::new(&set.path, "the set has no criteria").hint("add [[criterion]] entries"),
        );
    }
    for c in &set.criteria {
        if c.depth > 3 {
            problems.push(at(
                c.line,
                format!(
                    "criterion `{}` is deeper than field / criterion / sub-criterion",
                    c.id
                ),
            ));
        }
        if c.max.is_sign_negative() {
            problems.push(at(
                c.line,
                format!("criterion `{}` has a negative max", c.id),
            ));
        }
        if c.max > MAX_POINTS {
            problems.push(
                at(
                    c.line,
                    format!("criterion `{}` has a max above {MAX_POINTS}", c.id),
                )
                .value(vi_decimal(c.max))
                .hint("a PAR INDEX set totals 100 points"),
            );
        }
        if let Some(floor) = c.leaf.as_ref().and_then(|l| l.floor) {
            if floor < -MAX_POINTS {
                problems.push(at(
                    c.line,
                    format!("penalty floor of `{}` is below -{MAX_POINTS}", c.id),
                ));
            }
        }
        match (&c.leaf, c.children.is_empty()) {
            (Some(_), false) => problems.push(
                at(
                    c.line,
                    format!(
                        "criterion `{}` has children, so it cannot have a method",
                        c.id
                    ),
                )
                .hint("move method, rule and reads to its children"),
            ),
            (None, true) => problems.push(
                at(c.line, format!("leaf `{}` has no method", c.id))
                    .expected("method = \"self\", \"survey\" or \"penalty\""),
            ),
            (None, false) => {
                let sum = c.children.iter().try_fold(Decimal::ZERO, |acc, &i| {
                    acc.checked_add(set.criteria[i].max)
                });
                let Some(sum) = sum else {
                    continue; // Too large: each child is reported above.
                };
                if sum != c.max {
                    let parts: Vec<String> = c
                        .children
                        .iter()
                        .map(|&i| {
                            let k = &set.criteria[i];
                            format!("{} = {}", k.id, vi_decimal(k.max))
                        })
                        .collect();
                    problems.push(
                        at(
                            c.line,
                            format!(
                                "max of `{}` is {}, but its children add up to {} ({})",
                                c.id,
                                vi_decimal(c.max),
                                vi_decimal(sum),
                                parts.join(", ")
                            ),
                        )
                        .hint("a parent's max must equal the sum of its children's max"),
                    );
                }
            }
            (Some(leaf), true) => {
                match leaf.method {
                    Method::Penalty => {
                        if !c.max.is_zero() {
                            problems.push(at(
                                c.line,
                                format!("penalty row `{}` must have max = 0", c.id),
                            ));
                        }
                        match leaf.floor {
                            Some(f) if f.is_sign_negative() && !f.is_zero() => {}
                            _ => problems.push(
                                at(
                                    c.line,
                                    format!("penalty row `{}` needs a negative `floor`", c.id),
                                )
                                .hint("e.g. floor = -2 for \"tối đa trừ 2 điểm\""),
                            ),
                        }
                    }
                    Method::SelfAssessed | Method::Survey => {
                        if leaf.floor.is_some() {
                            problems.push(at(
                                c.line,
                                format!("only penalty rows take `floor` (row `{}`)", c.id),
                            ));
                        }
                    }
                }
                match (leaf.method, &leaf.rule) {
                    (Method::Survey, Some(_)) => problems.push(
                        at(c.line, format!("survey row `{}` cannot have a rule", c.id))
                            .hint("survey rows are filled by Sở Nội vụ from survey.csv"),
                    ),
                    (Method::SelfAssessed | Method::Penalty, None) => problems.push(at(
                        c.line,
                        format!("row `{}` needs a `rule` or a `rule_file`", c.id),
                    )),
                    _ => {}
                }
                if leaf.method != Method::Survey && leaf.reads.is_empty() {
                    problems.push(
                        at(
                            c.line,
                            format!("row `{}` must say which evidence it `reads`", c.id),
                        )
                        .hint("e.g. reads = [\"documents\"] or reads = [\"facts\"]"),
                    );
                }
                for name in &leaf.reads {
                    if name != FACTS && set.table(name).is_none() {
                        problems.push(
                            at(
                                c.line,
                                format!(
                                    "row `{}` reads `{name}`, which is not a declared table",
                                    c.id
                                ),
                            )
                            .hint("declare it under [tables] or read `facts`"),
                        );
                    }
                }
            }
        }
    }
    problems
}
