//! `explain`: what a row is — its place in the tree, its maximum, how it is scored, what it
//! reads, its rule and a plain reading of its bands and deadlines — as a model; the Markdown
//! `parindex explain` prints is `parindex-render`'s.

use rust_decimal::Decimal;

use crate::criteria::{CriteriaSet, Method, NotArising};
pub use crate::query::RECORDS_LISTED_MAX;
use crate::readings::read_rule;
use crate::rules::RecordList;

/// One of a row's lists of deciding records (the report's [`RecordList`]: how many, the first
/// keys) with every record it counts, cells and all, in file order: what the officer opens to
/// find the late dossiers. From [`crate::CompiledCriteria::row_records`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RecordTable {
    /// The list as the row's report has it.
    pub list: RecordList,
    /// The table's columns: (id, Vietnamese label; the id when it has none).
    pub columns: Vec<(String, String)>,
    /// (line in the file, cells as the report shows values: `dd/mm/yyyy`, decimal comma,
    /// `x` for yes), the first [`RECORDS_LISTED_MAX`] of `list.total`.
    pub records: Vec<(u64, Vec<String>)>,
}

impl RecordTable {
    /// How many records the list counts that `records` does not hold (past the bound).
    pub fn left_out(&self) -> usize {
        self.list.total.saturating_sub(self.records.len())
    }
}

/// A row of a criteria set, explained without evidence.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RowExplanation {
    pub id: String,
    pub title: String,
    /// The rows above it, the nearest first: (id, title).
    pub path: Vec<(String, String)>,
    pub max: Decimal,
    /// A parent's children: (id, max); empty for a leaf.
    pub children: Vec<(String, Decimal)>,
    /// How a leaf is scored; `None` for a parent.
    pub leaf: Option<LeafExplanation>,
}

/// How a leaf is scored.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct LeafExplanation {
    pub method: Method,
    /// A penalty's floor (a negative number).
    pub floor: Option<Decimal>,
    pub not_arising: NotArising,
    /// The tables it reads: (name, title when the set declares the table).
    pub reads: Vec<(String, Option<String>)>,
    pub rule: Option<RuleExplanation>,
}

/// A leaf's rule: where it is, its text, and plain readings of its literal band tables and
/// deadlines (`từ 95% đến dưới 100%: 1,5 điểm`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RuleExplanation {
    /// The name of the file holding it.
    pub file: String,
    /// The file line of its first line.
    pub first_line: usize,
    pub text: String,
    pub readings: Vec<String>,
}

/// The row `id` of the set, explained without evidence; `None` when there is no such node.
pub fn explain_row(set: &CriteriaSet, id: &str) -> Option<RowExplanation> {
    let c = set.criterion(id)?;
    let mut path = Vec::new();
    let mut parent = c.parent;
    while let Some(p) = parent {
        let n = &set.criteria[p];
        path.push((n.id.clone(), n.title.clone()));
        parent = n.parent;
    }
    let children = c
        .children
        .iter()
        .map(|&k| (set.criteria[k].id.clone(), set.criteria[k].max))
        .collect();
    let leaf = c.leaf.as_ref().map(|leaf| LeafExplanation {
        method: leaf.method,
        floor: leaf.floor,
        not_arising: leaf.not_arising,
        reads: leaf
            .reads
            .iter()
            .map(|r| (r.clone(), set.table(r).map(|t| t.title.clone())))
            .collect(),
        rule: leaf.rule.as_ref().map(|rule| RuleExplanation {
            file: rule
                .path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            first_line: rule.first_line,
            text: rule.text.clone(),
            readings: read_rule(&rule.text),
        }),
    });
    Some(RowExplanation {
        id: c.id.clone(),
        title: c.title.clone(),
        path,
        max: c.max,
        children,
        leaf,
    })
}
