//! The criteria set: what is scored, how much each row is worth, and the rule that scores it.
//!
//! [`load_criteria`] reads the TOML described in `docs/criteria-format.md` and checks the
//! whole set, reporting every problem at once.

mod load;
mod validate;

use std::path::PathBuf;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

pub(crate) use load::{did_you_mean, float_to_decimal, line_col, load_all, ExactDecimal};
pub use load::{load_criteria, CRITERIA_FILE};
pub use validate::FACTS;

/// A whole criteria set (*Bộ chỉ số*) for one year and one group of units.
#[derive(Debug, Clone)]
pub struct CriteriaSet {
    /// The main criteria file.
    pub path: PathBuf,
    pub id: String,
    pub title: String,
    pub province: String,
    pub year: i32,
    /// The peer group the set is written for (`so`, `xa`, …).
    pub unit_group: String,
    pub legal_basis: Vec<String>,
    /// The not-arising policy of leaves that do not state one.
    pub default_not_arising: NotArising,
    /// The outgoing-document register read by `issued_by`.
    pub register: Option<Register>,
    /// Rating bands, highest first.
    pub ratings: Vec<RatingBand>,
    /// The evidence tables the set reads, by name.
    pub tables: Vec<TableSpec>,
    /// The facts of `facts.toml` the set declares (`[facts.<name>]`), by name: their
    /// Vietnamese label and type, for a form and for checking the values. Empty when the set
    /// declares none (then any fact is taken as written).
    pub facts: Vec<FactSpec>,
    /// Every node of the tree, in tree order (a parent before its children, siblings in file
    /// order).
    pub criteria: Vec<Criterion>,
    /// The files the set was read from (criteria.toml and rule files), with their SHA-256.
    pub files: Vec<crate::fingerprint::FileDigest>,
}

/// A fact the set declares: what a unit's `facts.toml` is asked for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FactSpec {
    pub name: String,
    /// Vietnamese, as a form shows it.
    pub label: String,
    #[serde(rename = "type")]
    pub kind: FactType,
}

/// The type of a declared fact's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FactType {
    Integer,
    Decimal,
    Bool,
    Text,
}

impl FactType {
    /// What a value of this type is, in Vietnamese, for messages and forms.
    pub fn vi(self) -> &'static str {
        match self {
            FactType::Integer => "số nguyên",
            FactType::Decimal => "số (có thể có phần thập phân)",
            FactType::Bool => "có/không (true/false)",
            FactType::Text => "văn bản",
        }
    }
}

impl CriteriaSet {
    /// The declared fact `name`.
    pub fn fact(&self, name: &str) -> Option<&FactSpec> {
        self.facts.iter().find(|f| f.name == name)
    }

    /// The node with this dotted id.
    pub fn criterion(&self, id: &str) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.id == id)
    }

    /// The table declared under this name.
    pub fn table(&self, name: &str) -> Option<&TableSpec> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// The leaves, in tree order.
    pub fn leaves(&self) -> impl Iterator<Item = (&Criterion, &Leaf)> {
        self.criteria
            .iter()
            .filter_map(|c| c.leaf.as_ref().map(|l| (c, l)))
    }
}

/// The document register `issued_by` looks in: a table and its tags column.
#[derive(Debug, Clone)]
pub struct Register {
    pub table: String,
    pub tags: String,
}

/// `index ≥ min` earns `label`.
#[derive(Debug, Clone)]
pub struct RatingBand {
    pub label: String,
    pub min: Decimal,
}

/// A node of the tree: a field (*lĩnh vực*), criterion (*tiêu chí*) or sub-criterion (*tiêu chí
/// thành phần*).
#[derive(Debug, Clone)]
pub struct Criterion {
    /// Dotted id: `3`, `3.2`, `3.2.1`.
    pub id: String,
    /// Vietnamese title.
    pub title: String,
    /// Maximum points (*điểm tối đa*), exact.
    pub max: Decimal,
    /// 1 for a field, 2 for a criterion, 3 for a sub-criterion.
    pub depth: usize,
    /// Index of the parent in [`CriteriaSet::criteria`].
    pub parent: Option<usize>,
    /// Indices of the children in [`CriteriaSet::criteria`].
    pub children: Vec<usize>,
    /// Present on leaves only: how the row is scored.
    pub leaf: Option<Leaf>,
    /// Where the node is written, for messages.
    pub line: usize,
}

impl Criterion {
    /// The points a rule, the unit or an appraiser may give this row: `[0, max]`, or
    /// `[floor, 0]` for a penalty row. `None` for survey rows (their points come from the
    /// survey) and for groups of rows.
    pub fn bounds(&self) -> Option<(Decimal, Decimal)> {
        let leaf = self.leaf.as_ref()?;
        match leaf.method {
            Method::Survey => None,
            Method::Penalty => Some((leaf.floor.unwrap_or(Decimal::ZERO), Decimal::ZERO)),
            Method::SelfAssessed => Some((Decimal::ZERO, self.max)),
        }
    }
}

/// How a leaf row is scored.
#[derive(Debug, Clone)]
pub struct Leaf {
    pub method: Method,
    pub not_arising: NotArising,
    /// Lowest points of a penalty row (e.g. `-2`).
    pub floor: Option<Decimal>,
    /// The evidence the rule reads: table names, and `facts`.
    pub reads: Vec<String>,
    /// The rule; absent on survey rows.
    pub rule: Option<RuleSource>,
}

/// A rule's text and where it was written.
#[derive(Debug, Clone)]
pub struct RuleSource {
    pub text: String,
    /// The file the text is in (the criteria file for inline rules).
    pub path: PathBuf,
    /// The file line that holds the rule's first line.
    pub first_line: usize,
}

/// Who gives a leaf its points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// *Tự đánh giá*: the rule, from evidence.
    #[serde(rename = "self")]
    SelfAssessed,
    /// *Điều tra xã hội học*: Sở Nội vụ, from survey results.
    Survey,
    /// *Điểm trừ*: the rule; max 0, points between the floor and 0.
    Penalty,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::SelfAssessed => "self",
            Method::Survey => "survey",
            Method::Penalty => "penalty",
        }
    }
}

/// What a row is worth when its subject did not arise (*không phát sinh*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotArising {
    /// The row's max leaves the applicable max.
    Exclude,
    /// The row earns its max.
    Full,
}

/// An evidence table the set reads: one CSV per unit.
#[derive(Debug, Clone)]
pub struct TableSpec {
    pub name: String,
    pub title: String,
    /// File name inside the evidence folder (default `<name>.csv`).
    pub file: String,
    /// The column that names a record in reports (a dossier's number, a document's số ký hiệu).
    pub key: Option<String>,
    /// The column holding a record's subject, shown beside its key.
    pub subject: Option<String>,
    /// The date column that says when a record came to exist: records after the as-of date
    /// are ignored.
    pub dated_by: Option<String>,
    /// Whether records dated before the evaluation year are ignored too.
    pub window: Window,
    pub columns: Vec<ColumnSpec>,
}

impl TableSpec {
    pub fn column(&self, id: &str) -> Option<&ColumnSpec> {
        self.columns.iter().find(|c| c.id == id)
    }

    pub fn column_index(&self, id: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.id == id)
    }
}

/// Which records of a dated table exist for a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Window {
    /// Every record dated on or before the as-of date.
    UntilAsOf,
    /// Records dated from 1 January of the set's year to the as-of date.
    Year,
}

/// A declared column.
#[derive(Debug, Clone)]
pub struct ColumnSpec {
    /// ASCII snake_case id, also accepted as the header.
    pub id: String,
    pub kind: ColumnType,
    /// The header must be present.
    pub required: bool,
    /// Vietnamese headers the column may appear under.
    pub labels: Vec<String>,
    /// For text columns: the only values allowed (empty allowed unless listed otherwise).
    pub values: Vec<String>,
    /// For integer and decimal columns: the smallest value allowed (0 for counts).
    pub min: Option<Decimal>,
    /// For integer and decimal columns: the largest value allowed (100 for a percentage).
    pub max: Option<Decimal>,
}

/// The type a column's cells are parsed as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    Text,
    Date,
    Bool,
    Integer,
    Decimal,
    /// `;`-separated tags.
    Tags,
}

impl ColumnType {
    /// What a cell of this type looks like, for the officer's messages (in Vietnamese).
    pub fn expected(self) -> &'static str {
        match self {
            ColumnType::Text => "văn bản",
            ColumnType::Date => "ngày dạng dd/mm/yyyy hoặc yyyy-mm-dd",
            ColumnType::Bool => "có/không: co/khong, x/để trống, true/false, 1/0",
            ColumnType::Integer => "số nguyên",
            ColumnType::Decimal => "số (dấu `.` hoặc `,` ngăn phần thập phân)",
            ColumnType::Tags => "các nhãn ngăn nhau bởi `;`",
        }
    }
}
