//! The helpers a rule may call, in one list: what the engine registers (a test holds the
//! engine's functions to it, name and arity), what `check` knows of each argument, what
//! `explain` reads in a rule, and the helper tables of `docs/criteria-format.md` §7.5 (a test
//! fails when the document and this list differ).

/// What a helper's argument is, as far as a literal written there can be judged without
/// running the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Arg {
    /// Rows: a table or a filtered table (the receiver of `rows.where_true(col)`).
    Rows,
    /// Rows, or a declared table's name.
    RowsOrTable,
    /// A declared table's name, which the row must read.
    Table,
    /// A column id of the call's table (or of the tables the row reads).
    Column,
    /// A fact's name; the row must read `facts`.
    Fact,
    /// A value compared with cells: text, a number, a bool, a date or `()`.
    Value,
    /// An array of such values.
    Values,
    /// A date value, or a date string (`"31/03/2026"`).
    Date,
    /// A date value only (`add_days`).
    DateValue,
    /// An integer.
    Integer,
    /// An integer or a decimal.
    Number,
    /// Rows (counted) or a number: a part of a ratio.
    Amount,
    /// A decimal only (`round2`).
    Decimal,
    /// Points: a number the row's range bounds (`check` tests literals).
    Points,
    /// Points, or a points outcome (`prop(…)`, `points(…)`) whose explanation is kept.
    PointsOrOutcome,
    /// A bool.
    Bool,
    /// Text: a tag, a reason.
    Text,
    /// A measure: a ratio, a number or a bool.
    Measure,
    /// A ratio.
    Ratio,
    /// A band table `[[edge, points], …]`.
    Bands,
    /// Deadline steps `[[date, points], …]`.
    Steps,
    /// Points by level `#{ key: points, … }`.
    Levels,
    /// An array of text (the periods of `periods`).
    Texts,
    /// An array of any values.
    Items,
}

impl Arg {
    /// What a literal must be to fit here, in `check`'s words; `None` when any literal may
    /// (a value compared with cells).
    pub(crate) fn expects(self) -> Option<Literal> {
        Some(match self {
            Arg::Value => return None,
            Arg::Rows | Arg::Ratio => Literal::Nothing,
            Arg::RowsOrTable | Arg::Table | Arg::Column | Arg::Fact | Arg::Text => Literal::Str,
            Arg::Date => Literal::StrOrDate,
            Arg::DateValue => Literal::Nothing,
            Arg::Integer => Literal::Integer,
            Arg::Number | Arg::Amount | Arg::Points | Arg::PointsOrOutcome => Literal::Number,
            Arg::Measure => Literal::NumberOrBool,
            Arg::Decimal => Literal::Decimal,
            Arg::Bool => Literal::Bool,
            Arg::Bands | Arg::Steps | Arg::Texts | Arg::Values | Arg::Items => Literal::Array,
            Arg::Levels => Literal::Map,
        })
    }

    /// The argument in the words of `check`'s messages.
    pub(crate) fn vi(self) -> &'static str {
        match self {
            Arg::Rows => "các bản ghi (một bảng hoặc một bảng đã lọc)",
            Arg::RowsOrTable => "các bản ghi hoặc tên một bảng",
            Arg::Table => "tên một bảng (chuỗi)",
            Arg::Column => "mã một cột (chuỗi)",
            Arg::Fact => "tên một số liệu (chuỗi)",
            Arg::Value => "một giá trị",
            Arg::Values => "một mảng giá trị",
            Arg::Date => "một ngày (date(…) hoặc chuỗi ngày)",
            Arg::DateValue => "một giá trị ngày (date(…))",
            Arg::Integer => "một số nguyên",
            Arg::Number => "một số",
            Arg::Amount => "các bản ghi hoặc một số",
            Arg::Decimal => "một số thập phân",
            Arg::Points | Arg::PointsOrOutcome => "số điểm (một số)",
            Arg::Bool => "một giá trị true/false",
            Arg::Text => "một chuỗi",
            Arg::Measure => "một số đo (tỷ lệ, số hoặc true/false)",
            Arg::Ratio => "một tỷ lệ",
            Arg::Bands => "một danh sách mức [[ngưỡng, điểm], …]",
            Arg::Steps => "các mốc hạn [[ngày, điểm], …]",
            Arg::Levels => "một bảng điểm theo mức #{ mức: điểm }",
            Arg::Texts => "một mảng chuỗi",
            Arg::Items => "một mảng",
        }
    }
}

/// What literal an argument takes (see [`Arg::expects`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Literal {
    Str,
    StrOrDate,
    Integer,
    Number,
    NumberOrBool,
    Decimal,
    Bool,
    Array,
    Map,
    /// No literal at all (rows, a ratio, a date value): only an expression.
    Nothing,
}

/// What a helper asks of the evidence when it runs: the question the engine answers over a
/// whole table (a rule never loops over records).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Aggregate {
    /// Nothing of the evidence: dates, numbers, outcomes.
    None,
    /// A description of records (a table, a filter): asks nothing until counted.
    Describes,
    /// How many records.
    Count,
    /// The sum of a column.
    Sum,
    /// How many distinct values a column holds.
    Distinct,
    /// The earliest record by date (a register document, a period's report).
    Earliest,
    /// Counts of the records in each deadline class.
    Deadlines,
    /// A fact of `facts.toml`.
    Fact,
}

/// What a form of a helper needs besides its arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Needs {
    Nothing,
    /// `"facts"` in the row's `reads`.
    Facts,
    /// The set's register, read by the row.
    Register,
}

/// The helper tables of the criteria format (§7.5), each a block of the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Group {
    Dates,
    Tables,
    Deadlines,
    DeadlineProperties,
    Periods,
    PeriodProperties,
    Facts,
    Ratios,
    Points,
}

impl Group {
    pub const ALL: [Group; 9] = [
        Group::Dates,
        Group::Tables,
        Group::Deadlines,
        Group::DeadlineProperties,
        Group::Periods,
        Group::PeriodProperties,
        Group::Facts,
        Group::Ratios,
        Group::Points,
    ];

    /// The block's name in the document's `<!-- helpers: NAME -->` marker.
    pub fn name(self) -> &'static str {
        match self {
            Group::Dates => "dates",
            Group::Tables => "tables",
            Group::Deadlines => "deadlines",
            Group::DeadlineProperties => "deadline-properties",
            Group::Periods => "periods",
            Group::PeriodProperties => "period-properties",
            Group::Facts => "facts",
            Group::Ratios => "ratios",
            Group::Points => "points",
        }
    }
}

/// One form of a helper: its name and arguments (the receiver of a method call first).
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Helper {
    pub name: &'static str,
    /// Read as a property (`d.late`) rather than called.
    pub property: bool,
    pub args: &'static [Arg],
    pub aggregates: Aggregate,
    pub(crate) needs: Needs,
    /// Its plain Vietnamese reading, for an officer who does not read rules.
    pub vi: &'static str,
    /// Its line in the document's helper table; `None` for a form the line before it names
    /// too (`rows.count` beside `count(rows)`).
    pub doc: Option<Doc>,
}

/// A helper's line in the criteria format's helper table.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct Doc {
    pub group: Group,
    /// As written in the table, Markdown (`` `rows.where_true(col)` ``).
    pub signature: &'static str,
    pub returns: &'static str,
    pub meaning: &'static str,
    /// A rule fragment, without backticks; empty for none.
    pub example: &'static str,
}

impl Helper {
    /// Whether the form reads a ratio as its measure (explain shows its edges as percents).
    pub(crate) fn measures_ratio(&self) -> bool {
        self.args.contains(&Arg::Ratio) || matches!(self.name, "ratio" | "fact_ratio")
    }
}

const fn call(
    name: &'static str,
    args: &'static [Arg],
    aggregates: Aggregate,
    vi: &'static str,
    doc: Option<Doc>,
) -> Helper {
    Helper {
        name,
        property: false,
        args,
        aggregates,
        needs: Needs::Nothing,
        vi,
        doc,
    }
}

const fn needing(mut h: Helper, needs: Needs) -> Helper {
    h.needs = needs;
    h
}

const fn property(
    name: &'static str,
    on: Arg,
    aggregates: Aggregate,
    vi: &'static str,
    doc: Option<Doc>,
) -> Helper {
    Helper {
        name,
        property: true,
        args: match on {
            Arg::Rows => &[Arg::Rows],
            Arg::Ratio => &[Arg::Ratio],
            _ => &[Arg::Items],
        },
        aggregates,
        needs: Needs::Nothing,
        vi,
        doc,
    }
}

const fn doc(
    group: Group,
    signature: &'static str,
    returns: &'static str,
    meaning: &'static str,
    example: &'static str,
) -> Option<Doc> {
    Some(Doc {
        group,
        signature,
        returns,
        meaning,
        example,
    })
}

use Aggregate as Ag;
use Arg as A;
use Group as G;

/// Deadline judgements and periodic reports are read as properties of these values; the
/// registry names the value by its rhai type.
const DEADLINES: Arg = Arg::Items;
const PERIODS: Arg = Arg::Items;

/// Every helper a rule may call, in the document's order.
#[rustfmt::skip]
pub static HELPERS: &[Helper] = &[
    // --- Dates ---------------------------------------------------------------------------
    call("date", &[A::Integer, A::Integer, A::Integer], Ag::None,
        "ngày theo năm, tháng, ngày",
        doc(G::Dates, "`date(y, m, d)`", "date", "a calendar date. An invalid date fails the row", "date(2026, 1, 31)")),
    call("date", &[A::Text], Ag::None,
        "ngày viết dạng dd/mm/yyyy",
        doc(G::Dates, "`date(text)`", "date", "parses `dd/mm/yyyy`, `d/m/yyyy`, `yyyy-mm-dd`", "date(\"31/03/2026\")")),
    call("as_of", &[], Ag::None,
        "ngày chốt số liệu",
        doc(G::Dates, "`as_of()`", "date", "the as-of date of this run", "where_by(\"ngay_tra_ket_qua\", as_of())")),
    call("year", &[], Ag::None,
        "năm đánh giá",
        doc(G::Dates, "`year()`", "integer", "`[set].year`", "date(year(), 3, 31)")),
    call("add_days", &[A::DateValue, A::Integer], Ag::None,
        "ngày cộng thêm một số ngày",
        doc(G::Dates, "`add_days(d, n)`", "date", "the date value `d` plus `n` days (`n` an integer, may be negative). `d` must be a date value, not a string. A result outside the calendar (years −262 144 to 262 143) fails the row (\"ngày vượt giới hạn\")", "add_days(date(2026, 1, 31), 30)")),
    call("==", &[A::DateValue, A::DateValue], Ag::None,
        "so sánh hai ngày",
        doc(G::Dates, "`==`, `!=`, `<`, `<=`, `>`, `>=`", "bool", "between **two dates**", "issued_on(\"x\") <= date(2026, 3, 31)")),
    // --- Tables and filters --------------------------------------------------------------
    call("table", &[A::Table], Ag::Describes,
        "các bản ghi của bảng",
        doc(G::Tables, "`table(name)`", "rows", "the visible records of a declared table. The name must be in `reads`. A missing file gives no evidence", "table(\"dossiers\")")),
    call("has_table", &[A::Table], Ag::None,
        "có tệp của bảng hay không",
        doc(G::Tables, "`has_table(name)`", "bool", "whether the table's file is there (perhaps with a header only). The name must be in `reads`. Never no evidence by itself: for a table read only to decide not-arising (§7.3). A missing file is said at the end of the row's explanation (\"Lưu ý: …\")", "if has_table(\"legal_drafts\") && table(\"legal_drafts\").count() == 0 { not_arising() } else { … }")),
    call("count", &[A::Rows], Ag::Count,
        "đếm số bản ghi",
        doc(G::Tables, "`rows.count`, `rows.count()`, `count(rows)`", "integer", "the number of records", "table(\"inspections\").count")),
    property("count", A::Rows, Ag::Count, "đếm số bản ghi", None),
    call("where_true", &[A::Rows, A::Column], Ag::Describes,
        "các bản ghi có cột đúng/sai là đúng",
        doc(G::Tables, "`rows.where_true(col)`", "rows", "`bool` cell is true", "fee.where_true(\"thanh_toan_truc_tuyen\")")),
    call("where_false", &[A::Rows, A::Column], Ag::Describes,
        "các bản ghi có cột đúng/sai không phải là đúng",
        doc(G::Tables, "`rows.where_false(col)`", "rows", "`bool` cell is not true (empty counts as false)", "table(\"documents\").where_false(\"mat\")")),
    call("where_eq", &[A::Rows, A::Column, A::Value], Ag::Describes,
        "các bản ghi có ô bằng giá trị",
        doc(G::Tables, "`rows.where_eq(col, v)`", "rows", "the cell equals `v`. Text: exactly (use the spelling in `values`). Numbers: numerically. Bools: as bools. Dates: `v` a date or date string. Tags: the cell contains `v`. An empty cell matches only `()`", "where_eq(\"ky\", \"DOT_XUAT\")")),
    call("where_ne", &[A::Rows, A::Column, A::Value], Ag::Describes,
        "các bản ghi có ô khác giá trị",
        doc(G::Tables, "`rows.where_ne(col, v)`", "rows", "the records `where_eq` would drop (empty cells included)", "d.on_time.where_ne(\"danh_gia\", \"khong_hai_long\")")),
    call("where_in", &[A::Rows, A::Column, A::Values], Ag::Describes,
        "các bản ghi có ô bằng một trong các giá trị",
        doc(G::Tables, "`rows.where_in(col, [v, …])`", "rows", "the cell equals any of the values (as `where_eq`)", "where_in(\"kenh\", [\"truc_tuyen\", \"buu_chinh\"])")),
    call("where_tag", &[A::Rows, A::Column, A::Text], Ag::Describes,
        "các bản ghi có nhãn",
        doc(G::Tables, "`rows.where_tag(col, tag)`", "rows", "a `tags` cell contains `tag` (exactly)", "where_tag(\"nhom\", \"ke-hoach-cchc\")")),
    call("where_empty", &[A::Rows, A::Column], Ag::Describes,
        "các bản ghi để trống ô",
        doc(G::Tables, "`rows.where_empty(col)`", "rows", "empty cells, and `false` bools", "where_empty(\"ngay_tra_ket_qua\")")),
    call("where_filled", &[A::Rows, A::Column], Ag::Describes,
        "các bản ghi đã điền ô",
        doc(G::Tables, "`rows.where_filled(col)`", "rows", "the opposite of `where_empty`", "where_filled(\"so_ky_hieu\")")),
    call("where_by", &[A::Rows, A::Column, A::Date], Ag::Describes,
        "các bản ghi có ngày đến hết ngày đã cho",
        doc(G::Tables, "`rows.where_by(col, date)`", "rows", "a `date` cell ≤ `date` (empty cells dropped)", "where_by(\"ngay_tra_ket_qua\", as_of())")),
    call("where_after", &[A::Rows, A::Column, A::Date], Ag::Describes,
        "các bản ghi có ngày sau ngày đã cho",
        doc(G::Tables, "`rows.where_after(col, date)`", "rows", "a `date` cell > `date` (empty cells dropped)", "where_after(\"ngay_ban_hanh\", \"30/06/2026\")")),
    call("sum", &[A::Rows, A::Column], Ag::Sum,
        "tổng của cột số",
        doc(G::Tables, "`rows.sum(col)`", "decimal", "the sum of an `integer` / `decimal` column. Empty cells are skipped", "t.sum(\"so_van_de\")")),
    call("distinct", &[A::Rows, A::Column], Ag::Distinct,
        "số giá trị khác nhau của cột",
        doc(G::Tables, "`rows.distinct(col)`", "integer", "the number of distinct non-empty values, compared ignoring case, accents and spacing. Bounded (memory stays bounded on a streamed province): more than 10 000 distinct values, or more than 1 MiB of them, fails the row with a message naming the table and column", "table(\"inspections\").distinct(\"don_vi\")")),
    // --- Deadlines -----------------------------------------------------------------------
    call("on_time", &[A::RowsOrTable, A::Column, A::Column], Ag::Deadlines,
        "xét đúng hạn từng việc theo hạn và ngày hoàn thành",
        doc(G::Deadlines, "`on_time(rows_or_name, due_col, done_col)`", "a deadline judgement", "", "")),
    call("on_time", &[A::RowsOrTable, A::Column, A::Column, A::Integer], Ag::Deadlines,
        "xét đúng hạn từng việc, hạn cộng thêm một số ngày",
        doc(G::Deadlines, "`on_time(rows_or_name, due_col, done_col, days)`", "the same, with `days` (an integer) added to every deadline", "", "")),
    property("on_time", DEADLINES, Ag::Count, "các việc đúng hạn",
        doc(G::DeadlineProperties, "`.on_time`", "rows", "the on-time items", "")),
    property("late", DEADLINES, Ag::Count, "các việc trễ hạn",
        doc(G::DeadlineProperties, "`.late`", "rows", "the late items", "")),
    property("due", DEADLINES, Ag::Count, "các việc đã đến hạn (đúng hạn và trễ hạn)",
        doc(G::DeadlineProperties, "`.due`", "rows", "on time + late (the *due set*), in file order", "")),
    property("pending", DEADLINES, Ag::Count, "các việc chưa đến hạn",
        doc(G::DeadlineProperties, "`.pending`", "rows", "the items not yet due", "")),
    property("ratio", DEADLINES, Ag::Count, "tỷ lệ đúng hạn trên số việc đã đến hạn",
        doc(G::DeadlineProperties, "`.ratio`", "ratio", "`on_time / due`. Once compared, it lists the late items in the report as *trễ hạn*", "")),
    // --- Periodic reports ----------------------------------------------------------------
    call("periods", &[A::RowsOrTable, A::Column, A::Texts, A::Column, A::Column], Ag::Earliest,
        "báo cáo định kỳ: kỳ nào đã gửi, gửi đúng hạn",
        doc(G::Periods, "`periods(rows_or_name, kind_col, [kinds…], due_col, sent_col)`", "periodic reports", "`kind_col` a `text` column, `due_col` and `sent_col` `date` columns", "periods(\"reports\", \"ky\", [\"Q1\", \"6T\", \"9T\", \"NAM\"], \"han\", \"ngay_gui\")")),
    property("sent", PERIODS, Ag::Earliest, "số kỳ đã gửi",
        doc(G::PeriodProperties, "`.sent`", "integer", "the number of kinds sent", "")),
    property("on_time", PERIODS, Ag::Earliest, "số kỳ gửi đúng hạn",
        doc(G::PeriodProperties, "`.on_time`", "integer", "the number of kinds sent on time", "")),
    property("total", PERIODS, Ag::None, "số kỳ phải gửi",
        doc(G::PeriodProperties, "`.total`", "integer", "the number of kinds listed", "")),
    // --- Facts ---------------------------------------------------------------------------
    needing(call("fact", &[A::Fact], Ag::Fact,
        "số liệu do đơn vị kê khai",
        doc(G::Facts, "`fact(name)`", "integer, decimal, bool or text", "a fact of `facts.toml`. Needs `\"facts\"` in `reads`. A missing file or fact gives no evidence. The fact (with its source) goes into the row's evidence", "fact(\"so_vi_pham\")")), Needs::Facts),
    needing(call("has_fact", &[A::Fact], Ag::Fact,
        "đơn vị có kê khai số liệu hay không",
        doc(G::Facts, "`has_fact(name)`", "bool", "whether the fact exists: false when it is not in `facts.toml` or there is no `facts.toml`, never no evidence by itself. A fact that is there goes into the row's evidence; a missing one is said at the end of the row's explanation (\"Lưu ý: …\"). For a fact read only to decide not-arising (§7.3)", "if has_fact(\"dvsn_tong\") && fact(\"dvsn_tong\") == 0 { not_arising() } else { … }")), Needs::Facts),
    needing(call("fact_ratio", &[A::Fact, A::Fact], Ag::Fact,
        "tỷ lệ giữa hai số liệu kê khai",
        doc(G::Facts, "`fact_ratio(a, b)`", "ratio", "`fact(a) / fact(b)`. Both facts must be numbers", "fact_ratio(\"tt_hoan_thanh\", \"tt_ke_hoach\")")), Needs::Facts),
    // --- Ratios --------------------------------------------------------------------------
    call("ratio", &[A::Amount, A::Amount], Ag::Count,
        "tỷ lệ chính xác (phân số) giữa hai số lượng",
        doc(G::Ratios, "`ratio(a, b)`", "ratio", "the exact fraction `a / b`. Each of `a` and `b` is *rows* (counted) or a number. Two *rows* must come from the same table, and then, once compared, the records of `b` missing from `a` are listed in the report as *không đạt*", "ratio(docs.where_true(\"ky_so\"), docs)")),
    property("numerator", A::Ratio, Ag::None, "tử số",
        doc(G::Ratios, "`r.numerator`, `r.denominator`", "decimal", "the two parts", "r.denominator == 0")),
    property("denominator", A::Ratio, Ag::None, "mẫu số", None),
    call("is_empty", &[A::Ratio], Ag::None,
        "mẫu số bằng 0 hay không",
        doc(G::Ratios, "`r.is_empty()`", "bool", "whether the denominator is 0. Testing this does not trigger not-arising", "if r.is_empty() { … }")),
    call("==", &[A::Ratio, A::Number], Ag::None,
        "so sánh chính xác tỷ lệ với một số, như phân số",
        doc(G::Ratios, "`r >= x`, `>`, `<=`, `<`, `==`, `!=` (`x` a number, on either side)", "bool", "compared **exactly as a fraction**: `n/d ≥ x` is `n ≥ x × d`. A denominator of 0 ends the rule as not arising. The comparison makes `r` the row's measure", "if r >= 0.95 { 1 } else { 0 }")),
    // --- Points --------------------------------------------------------------------------
    call("bands", &[A::Measure, A::Bands], Ag::None,
        "chấm theo mức: mức cao nhất đạt được quyết định điểm",
        doc(G::Points, "`bands(m, [[edge, pts], …])`", "outcome", "the points of the first band whose edge `m` reaches (`m ≥ edge`), else 0", "bands(r, [[1, 2.5], [0.95, 1.5], [0.9, 0.5]])")),
    call("bands", &[A::Measure, A::Bands, A::PointsOrOutcome], Ag::None,
        "chấm theo mức, dưới mức thấp nhất được số điểm đã cho",
        doc(G::Points, "`bands(m, [[edge, pts], …], otherwise)`", "outcome", "the same, with `otherwise` below the last edge", "bands(r, [[0.5, 1]], 0.25)")),
    call("prop", &[A::Ratio, A::Points, A::Number], Ag::None,
        "điểm theo tỷ lệ: tỷ lệ × điểm tối đa, khi đạt ngưỡng",
        doc(G::Points, "`prop(r, max, floor)`", "outcome", "`round_half_up(r × max, 2)` if `r ≥ floor`, else 0. `r` must be a ratio, and 0/0 means not arising. **Not capped**: for `r > 1` the result exceeds `max`", "prop(fact_ratio(\"a\", \"b\"), 1, 0.9)")),
    needing(call("issued_by", &[A::Text, A::Date, A::Points, A::Points], Ag::Earliest,
        "chấm theo ngày ban hành văn bản so với hạn",
        doc(G::Points, "`issued_by(tag, deadline, pts, later)`", "outcome", "the earliest register document tagged `tag` decides: `pts` if it is dated ≤ `deadline`, `later` if after, **0 if there is none**. `deadline` is a *date*", "issued_by(\"ke-hoach-cchc\", date(2026, 1, 31), 1, 0.5)")), Needs::Register),
    needing(call("issued_by", &[A::Text, A::Steps, A::Points], Ag::Earliest,
        "chấm theo ngày ban hành văn bản so với các mốc hạn",
        doc(G::Points, "`issued_by(tag, [[deadline, pts], …], later)`", "outcome", "the first step, in the order listed, whose deadline the document meets (so list them by increasing deadline). `later` if after all of them, 0 if none", "issued_by(\"danh-gia-xep-loai\", [[date(2026, 12, 31), 2], [date(2027, 1, 31), 1]], 0)")), Needs::Register),
    needing(call("issued_on", &[A::Text], Ag::Earliest,
        "ngày ban hành văn bản sớm nhất của nhóm",
        doc(G::Points, "`issued_on(tag)`", "date or `()`", "the date of the earliest register document tagged `tag`, or `()` if none. The document goes into the evidence", "let d = issued_on(\"phan-cap\"); if d == () { 0 } else if d <= date(2026, 6, 30) { 1 } else { 0.5 }")), Needs::Register),
    call("deduct", &[A::Points, A::Number, A::Number, A::Points], Ag::None,
        "điểm trừ theo số trường hợp, không thấp hơn mức sàn",
        doc(G::Points, "`deduct(start, per, n, floor)`", "outcome", "`max(start − per × n, floor)`", "deduct(2, 0.5, fact(\"so_vi_pham\"), 0)")),
    call("binary", &[A::Bool, A::Points], Ag::None,
        "đạt thì được điểm, không đạt 0 điểm",
        doc(G::Points, "`binary(met, pts)`", "outcome", "`pts` if `met` (a bool) is true, else 0", "binary(fact(\"so_cap_pho_vuot\") == 0, 1)")),
    call("capped", &[A::Number, A::Number], Ag::None,
        "giá trị, không vượt mức trần",
        doc(G::Points, "`capped(x, cap)`", "decimal", "`min(x, cap)`. Notes the cap when it applies", "capped(fact(\"so_ung_dung\") * 0.5, 1)")),
    call("count_true", &[A::Items], Ag::None,
        "số điều kiện đạt",
        doc(G::Points, "`count_true([…])`", "integer", "how many items are exactly `true`", "count_true([fact(\"iso_a\"), fact(\"iso_b\"), fact(\"iso_c\")])")),
    call("level", &[A::Value, A::Levels], Ag::None,
        "điểm theo mức xếp loại",
        doc(G::Points, "`level(v, #{…})`", "the map's value", "looks `v` up in the map, as text. A value missing from the map fails the row", "level(fact(\"muc_do\"), #{ xuat_sac: 1, tot: 0.75, hoan_thanh: 0.5 })")),
    call("round2", &[A::Decimal], Ag::None,
        "làm tròn 2 chữ số thập phân",
        doc(G::Points, "`round2(x)`", "decimal", "half up to 2 decimals. Takes a **decimal** only: `round2(3)` fails, so write `3` or `round2(3.0)`", "round2(fact(\"a\") / 3.0)")),
    call("points", &[A::Points, A::Text], Ag::None,
        "số điểm kèm lời giải thích",
        doc(G::Points, "`points(p, why)`", "outcome", "`p` points with your own explanation", "points(0.5, \"Đạt một phần\")")),
    call("not_arising", &[], Ag::None,
        "không phát sinh",
        doc(G::Points, "`not_arising()`, `not_arising(why)`", "outcome", "the subject did not arise, so the policy applies", "not_arising(\"không có đơn vị sự nghiệp\")")),
    call("not_arising", &[A::Text], Ag::None, "không phát sinh, kèm lý do", None),
    call("no_evidence", &[A::Text], Ag::None,
        "chưa có tài liệu kiểm chứng",
        doc(G::Points, "`no_evidence(why)`", "outcome", "the evidence is missing, so the row gets `no_evidence`", "no_evidence(\"chưa có báo cáo\")")),
];

/// The forms of helper `name` that are called (not properties).
pub(crate) fn forms(name: &str) -> impl Iterator<Item = &'static Helper> + '_ {
    HELPERS
        .iter()
        .filter(move |h| h.name == name && !h.property)
}

/// Every helper (called, or read as a property), in the document's order.
pub fn rule_helpers() -> &'static [Helper] {
    HELPERS
}

/// The document's helper table for `group`, as Markdown (its header and one line per form).
pub fn helper_table(group: Group) -> String {
    let lines = HELPERS
        .iter()
        .filter_map(|h| h.doc.filter(|d| d.group == group));
    let mut out = String::new();
    let example = |d: &Doc| {
        if d.example.is_empty() {
            String::new()
        } else {
            format!(" `{}` |", d.example)
        }
    };
    match group {
        G::Deadlines => out.push_str("| signature | returns |\n|---|---|\n"),
        G::DeadlineProperties | G::PeriodProperties => {
            out.push_str("| property | type | meaning |\n|---|---|---|\n")
        }
        _ => out.push_str("| signature | returns | meaning | example |\n|---|---|---|---|\n"),
    }
    for d in lines {
        match group {
            G::Deadlines => out.push_str(&format!("| {} | {} |\n", d.signature, d.returns)),
            G::DeadlineProperties | G::PeriodProperties => out.push_str(&format!(
                "| {} | {} | {} |\n",
                d.signature, d.returns, d.meaning
            )),
            _ => out.push_str(&format!(
                "| {} | {} | {} |{}\n",
                d.signature,
                d.returns,
                d.meaning,
                example(&d)
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;
    use crate::rules::{sandboxed_engine, Limits};

    /// The engine's own functions (operators and `to_string` aside) are exactly the
    /// registry's forms, by name and arity: a helper registered but not listed, or listed but
    /// not registered, fails here.
    #[test]
    fn the_engine_registers_exactly_the_registry() {
        let engine = sandboxed_engine(Limits::default());
        let registered: BTreeSet<(String, usize)> = engine
            .gen_fn_signatures(false)
            .iter()
            .filter_map(|s| {
                let (name, rest) = s.split_once('(')?;
                let params = rest.split_once(')')?.0;
                let arity = if params.trim().is_empty() {
                    0
                } else {
                    params.split(", _:").count()
                };
                Some((name.to_owned(), arity))
            })
            .filter(|(name, _)| name.starts_with(|c: char| c.is_ascii_alphabetic()))
            .filter(|(name, _)| name != "to_string")
            .collect();
        let listed: BTreeSet<(String, usize)> = HELPERS
            .iter()
            .map(|h| {
                let name = if h.property {
                    format!("get${}", h.name)
                } else {
                    h.name.to_owned()
                };
                (name, h.args.len())
            })
            .filter(|(name, _)| name.starts_with(|c: char| c.is_ascii_alphabetic()))
            .collect();
        let missing: Vec<_> = listed.difference(&registered).collect();
        let unlisted: Vec<_> = registered.difference(&listed).collect();
        assert!(
            missing.is_empty() && unlisted.is_empty(),
            "listed, not registered: {missing:?}; registered, not listed: {unlisted:?}"
        );
    }

    /// The helper tables of docs/criteria-format.md are the registry's. `PARINDEX_BLESS_DOCS=1`
    /// rewrites them.
    #[test]
    fn the_criteria_format_shows_the_registry() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/criteria-format.md");
        let text = std::fs::read_to_string(&path).expect("docs/criteria-format.md");
        let mut out = text.clone();
        for group in Group::ALL {
            let open = format!("<!-- helpers: {} -->\n", group.name());
            let close = "<!-- /helpers -->";
            let start = out
                .find(&open)
                .unwrap_or_else(|| panic!("no marker {open}"))
                + open.len();
            let end = start + out[start..].find(close).expect("closing marker");
            out.replace_range(start..end, &helper_table(group));
        }
        if out != text {
            if std::env::var_os("PARINDEX_BLESS_DOCS").is_some() {
                std::fs::write(&path, &out).expect("write the document");
            } else {
                panic!(
                    "docs/criteria-format.md's helper tables differ from the registry \
                     (rules/registry.rs); run PARINDEX_BLESS_DOCS=1 cargo test -p parindex-core \
                     the_criteria_format_shows_the_registry"
                );
            }
        }
    }
}
