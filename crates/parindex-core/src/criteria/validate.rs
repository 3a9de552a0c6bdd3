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
            Diagnostic::new(&set.path, "bộ tiêu chí chưa có mức xếp loại nào")
                .hint("thêm các mục `[[rating]]` có `label` và `min`, mức cao nhất trước"),
        );
    }
    for (i, pair) in set.ratings.windows(2).enumerate() {
        if pair[1].min >= pair[0].min {
            let place = places.ratings.get(i + 1).copied().flatten();
            problems.push(placed(
                Diagnostic::new(
                    &set.path,
                    format!(
                        "mức xếp loại `{}` (`min` {}) đứng sau mức `{}` (`min` {}) nên phải có `min` thấp hơn",
                        pair[1].label,
                        vi_decimal(pair[1].min),
                        pair[0].label,
                        vi_decimal(pair[0].min)
                    ),
                )
                .hint("xếp các mục `[[rating]]` theo `min` từ cao xuống thấp"),
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
                        format!("bảng `{}` khai báo cột `{}` hai lần", table.name, c.id),
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
                                "bảng `{}`: cột `{column}` (ở `{key}`) chưa được khai báo",
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
                                "bảng `{}`: cột `{dated_by}` (ở `dated_by`) phải là cột ngày (`type = \"date\"`) bắt buộc (`required = true`)",
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
                        "`{}` là tên dành riêng (facts.toml, survey.csv, appraisal.csv, units.csv), không đặt được cho một bảng",
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
                        "bảng sổ văn bản (`register`) `{}` chưa được khai báo trong `[tables]`",
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
                                "cột nhãn của sổ văn bản (`register.tags`) `{}` phải là một cột `tags` của bảng `{}`",
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
                            format!(
                                "bảng sổ văn bản (`register`) `{}` cần có `dated_by`",
                                register.table
                            ),
                        ),
                        places.register_table,
                    ));
                }
            }
        }
    }

    if set.criteria.is_empty() {
        problems.push(
            Diagnostic::new(&set.path, "bộ tiêu chí chưa có tiêu chí nào")
                .hint("thêm các mục `[[criterion]]`"),
        );
    }
    for c in &set.criteria {
        if c.depth > 3 {
            problems.push(at(
                c.line,
                format!(
                    "tiêu chí `{}` lồng sâu quá ba cấp (lĩnh vực / tiêu chí / tiêu chí thành phần)",
                    c.id
                ),
            ));
        }
        if c.max.is_sign_negative() {
            problems.push(at(
                c.line,
                format!("tiêu chí `{}` có điểm tối đa (`max`) âm", c.id),
            ));
        }
        if c.max > MAX_POINTS {
            problems.push(
                at(
                    c.line,
                    format!(
                        "tiêu chí `{}` có điểm tối đa (`max`) trên {}",
                        c.id,
                        vi_decimal(MAX_POINTS)
                    ),
                )
                .value(vi_decimal(c.max))
                .hint("một bộ chỉ số PAR INDEX có tổng 100 điểm"),
            );
        }
        if let Some(floor) = c.leaf.as_ref().and_then(|l| l.floor) {
            if floor < -MAX_POINTS {
                problems.push(at(
                    c.line,
                    format!(
                        "mức sàn (`floor`) của `{}` thấp hơn -{}",
                        c.id,
                        vi_decimal(MAX_POINTS)
                    ),
                ));
            }
        }
        match (&c.leaf, c.children.is_empty()) {
            (Some(_), false) => problems.push(
                at(
                    c.line,
                    format!(
                        "tiêu chí `{}` có tiêu chí con nên không được có `method`",
                        c.id
                    ),
                )
                .hint("chuyển `method`, `rule` và `reads` xuống các tiêu chí con"),
            ),
            (None, true) => problems.push(
                at(
                    c.line,
                    format!(
                        "tiêu chí `{}` không có tiêu chí con nên phải có `method`",
                        c.id
                    ),
                )
                .expected("`method = \"self\"`, `\"survey\"` hoặc `\"penalty\"`"),
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
                                "điểm tối đa của `{}` là {}, nhưng tổng điểm tối đa các tiêu chí con là {} ({})",
                                c.id,
                                vi_decimal(c.max),
                                vi_decimal(sum),
                                parts.join(", ")
                            ),
                        )
                        .hint("`max` của tiêu chí cha phải bằng tổng `max` của các tiêu chí con"),
                    );
                }
            }
            (Some(leaf), true) => {
                match leaf.method {
                    Method::Penalty => {
                        if !c.max.is_zero() {
                            problems.push(at(
                                c.line,
                                format!("dòng điểm trừ `{}` phải có `max = 0`", c.id),
                            ));
                        }
                        match leaf.floor {
                            Some(f) if f.is_sign_negative() && !f.is_zero() => {}
                            _ => problems.push(
                                at(
                                    c.line,
                                    format!("dòng điểm trừ `{}` cần một mức sàn `floor` âm", c.id),
                                )
                                .hint("ví dụ `floor = -2` cho \"tối đa trừ 2 điểm\""),
                            ),
                        }
                    }
                    Method::SelfAssessed | Method::Survey => {
                        if leaf.floor.is_some() {
                            problems.push(at(
                                c.line,
                                format!("chỉ dòng điểm trừ mới có `floor` (dòng `{}`)", c.id),
                            ));
                        }
                    }
                }
                match (leaf.method, &leaf.rule) {
                    (Method::Survey, Some(_)) => problems.push(
                        at(
                            c.line,
                            format!("dòng điều tra xã hội học `{}` không được có quy tắc", c.id),
                        )
                        .hint(
                            "điểm các dòng điều tra xã hội học do Sở Nội vụ cho, lấy từ survey.csv",
                        ),
                    ),
                    (Method::SelfAssessed | Method::Penalty, None) => problems.push(at(
                        c.line,
                        format!("dòng `{}` cần `rule` hoặc `rule_file`", c.id),
                    )),
                    _ => {}
                }
                if leaf.method != Method::Survey && leaf.reads.is_empty() {
                    problems.push(
                        at(
                            c.line,
                            format!(
                                "dòng `{}` phải ghi các minh chứng nó đọc trong `reads`",
                                c.id
                            ),
                        )
                        .hint("ví dụ `reads = [\"documents\"]` hoặc `reads = [\"facts\"]`"),
                    );
                }
                for name in &leaf.reads {
                    if name != FACTS && set.table(name).is_none() {
                        problems.push(
                            at(
                                c.line,
                                format!(
                                    "dòng `{}` đọc `{name}`, không phải một bảng đã khai báo",
                                    c.id
                                ),
                            )
                            .hint("khai báo bảng này trong `[tables]`, hoặc đọc `facts`"),
                        );
                    }
                }
            }
        }
    }
    problems
}
