//! The functions rule authors call (documented in `docs/criteria-format.md`).
//!
//! Aggregations run here, natively, over whole tables: a rule never loops over records.

use std::cmp::Ordering;
use std::rc::Rc;
use std::sync::Arc;

use rhai::{Array, Dynamic, Engine, EvalAltResult, ImmutableString, Map, Position, INT};
use rust_decimal::Decimal;

use super::context::{
    current, DocumentRef, FactRef, Lever, LeverMeasure, RecordList, RowContext, Rows,
};
use super::scoring::{self, Band, Issued, Measured, Prop, Refusal};
use crate::criteria::{ColumnType, FACTS};
use crate::date::{parse_date, vi_date, Date};
use crate::evidence::{FactValue, Value};
use crate::num::{round_half_up, vi_count, vi_decimal, vi_percent, Fraction};
use crate::query::{
    add_days, nfc, record_key, Answer, Atom, Class, Lit, Need, Pred, DISTINCT_MAX_BYTES,
    DISTINCT_MAX_VALUES,
};

type Res<T> = Result<T, Box<EvalAltResult>>;

/// A rule's result when it is not a plain number.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    /// Points, with how they were reached.
    Points {
        points: Decimal,
        explanation: String,
    },
    /// The subject did not arise: the row's not-arising policy applies.
    NotArising(String),
    /// The evidence the row needs is missing.
    NoEvidence(String),
}

/// Raised from deep inside a rule to end it with a status rather than an error.
#[derive(Debug, Clone)]
pub(crate) enum Signal {
    NoEvidence(String),
    NotArising(String),
}

fn signal(s: Signal) -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorRuntime(
        Dynamic::from(s),
        Position::NONE,
    ))
}

fn fail(message: impl Into<String>) -> Box<EvalAltResult> {
    Box::new(EvalAltResult::ErrorRuntime(
        Dynamic::from(message.into()),
        Position::NONE,
    ))
}

fn ctx() -> Res<Rc<RowContext>> {
    current().ok_or_else(|| fail("không có quy tắc nào đang chạy"))
}

/// `explanation`, after what the rule read so far ("so_vi_pham = 1; …"), for helpers whose
/// own words do not name their inputs.
fn with_notes(explanation: String) -> String {
    let notes = current()
        .map(|c| c.trace.borrow().notes.join("; "))
        .unwrap_or_default();
    if notes.is_empty() {
        explanation
    } else {
        format!("{notes}. {explanation}")
    }
}

/// Records how the deciding helper's points could move.
fn lever(l: Lever) {
    if let Some(c) = current() {
        c.trace.borrow_mut().lever = Some(l);
    }
}

/// At most this many names per row: past it a rule's numbers go unnamed rather than the list
/// growing with a loop.
const NAMES_MAX: usize = 64;

/// `value`, carrying what it is (`name`, written to stand inside a sentence), so that what
/// would restore the points names the number to raise ("tăng tổng số vấn đề đã xử lý …")
/// rather than "tử số". The name rides on the value's rhai tag, its index in the row's
/// [`super::context::Trace::names`] plus one: arithmetic makes a new, untagged value, so a
/// name never outlives the very number it names. Rules cannot set a tag (the property is not
/// in their engine); [`name_of`] still reads a name back only for the value it was given.
fn named(mut value: Dynamic, name: String) -> Dynamic {
    let (Some(c), Some(v)) = (current(), tagged_value(&value)) else {
        return value;
    };
    let mut trace = c.trace.borrow_mut();
    let i = match trace.names.iter().position(|(x, n)| *x == v && *n == name) {
        Some(i) => i,
        None if trace.names.len() < NAMES_MAX => {
            trace.names.push((v, name));
            trace.names.len() - 1
        }
        None => return value,
    };
    if let Ok(tag) = i16::try_from(i + 1) {
        value.set_tag(tag.into());
    }
    value
}

/// What [`named`] said `d` is.
fn name_of(d: &Dynamic) -> Option<String> {
    let i = usize::try_from(d.tag()).ok()?.checked_sub(1)?;
    let v = tagged_value(d)?;
    let c = current()?;
    let trace = c.trace.borrow();
    let (x, name) = trace.names.get(i)?;
    (*x == v).then(|| name.clone())
}

/// The value a name is kept with: a number, or a yes/no as 1/0.
fn tagged_value(d: &Dynamic) -> Option<Decimal> {
    match d.as_bool() {
        Ok(b) => Some(if b { Decimal::ONE } else { Decimal::ZERO }),
        Err(_) => to_decimal(d),
    }
}

/// A column as a sentence names it: `số vấn đề đã xử lý (\`so_van_de_da_xu_ly\`, bảng Kiểm
/// tra CCHC)`, its first label lowered; `cột \`x\` (bảng …)` without one.
fn column_named(rows: &Rows, col: usize) -> String {
    let table = &rows.table;
    let Some(spec) = table.columns.get(col) else {
        return format!("bảng {}", table.title);
    };
    match spec.labels.first().filter(|l| !l.trim().is_empty()) {
        Some(label) => format!(
            "{} (`{}`, bảng {})",
            first_lower(label),
            spec.id,
            table.title
        ),
        None => format!("cột `{}` (bảng {})", spec.id, table.title),
    }
}

/// A label inside a sentence: its first letter lowered, unless it starts an acronym (`CSDL`,
/// `TTHC`) or a name in backticks.
pub(crate) fn first_lower(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if !text.chars().nth(1).is_some_and(char::is_uppercase) => {
            c.to_lowercase().chain(chars).collect()
        }
        _ => text.to_owned(),
    }
}

fn note(text: String) {
    if let Some(c) = current() {
        c.trace.borrow_mut().notes.push(text);
    }
}

/// [`note`], once: a total read twice is said once.
fn noted(text: String) {
    if let Some(c) = current() {
        let mut trace = c.trace.borrow_mut();
        if !trace.notes.contains(&text) {
            trace.notes.push(text);
        }
    }
}

/// A missing input the rule went on without, said on the row (once).
fn warn(text: String) {
    if let Some(c) = current() {
        let mut trace = c.trace.borrow_mut();
        if !trace.warnings.contains(&text) {
            trace.warnings.push(text);
        }
    }
}

/// An exact ratio as rules see it, with the records behind it when it counts records.
#[derive(Debug, Clone)]
pub(crate) struct Ratio {
    pub(crate) fraction: Fraction,
    numerator: Option<Rows>,
    denominator: Option<Rows>,
    /// What a record of the denominator missing from the numerator is ("trễ hạn").
    missing: &'static str,
    /// What is counted: a table's title when both count records, else what the numerator is
    /// ([`named`]; empty when unnamed), inside a sentence.
    label: String,
    /// Whether its explanation starts with what the rule read ([`with_notes`]): a ratio of
    /// numbers a rule computed (totals, counts) says them; a ratio of records or facts names
    /// them elsewhere (its records, its documents).
    says_inputs: bool,
}

impl Ratio {
    /// The ratio as a lever measure.
    fn lever(&self) -> LeverMeasure {
        LeverMeasure::Ratio {
            numerator: self.fraction.numerator,
            denominator: self.fraction.denominator,
            records: self.numerator.is_some() && self.denominator.is_some(),
            label: self.label.clone(),
            missing: self.missing.to_owned(),
        }
    }

    fn describe(&self) -> String {
        format!("tỷ lệ {}", self.fraction)
    }

    /// Records the ratio as the row's measure, and the records missing from its numerator.
    fn record(&self) -> Res<()> {
        let Some(c) = current() else { return Ok(()) };
        c.trace.borrow_mut().measure = Some(self.fraction);
        if let (Some(num), Some(den)) = (&self.numerator, &self.denominator) {
            let missing = den.minus(num);
            let (total, first) = sample(&missing)?;
            if total > 0 {
                let list = RecordList {
                    table: den.table.name.clone(),
                    title: den.table.title.clone(),
                    what: self.missing.to_owned(),
                    total: usize::try_from(total).unwrap_or(usize::MAX),
                    keys: first.into_iter().map(|(_, key)| key).collect(),
                };
                let mut trace = c.trace.borrow_mut();
                if !trace.records.contains(&list) {
                    trace.records.push(list);
                    trace.record_rows.push(missing);
                }
            }
        }
        Ok(())
    }

    /// The ratio against `edge`; a 0/0 ratio did not arise, and one too large to compare
    /// exactly is a row error (never taken for 0/0).
    fn compare(&self, edge: Decimal) -> Res<Ordering> {
        self.record()?;
        if self.fraction.is_empty() {
            return Err(signal(Signal::NotArising(self.describe())));
        }
        self.fraction.cmp_edge(edge).ok_or_else(|| {
            refused(Refusal::Incomparable {
                ratio: self.fraction,
                edge,
            })
        })
    }
}

/// How many records `rows` holds, and the first ones (line, key) in file order.
fn sample(rows: &Rows) -> Res<(u64, Vec<(u64, String)>)> {
    match &*ask(&rows.sample())? {
        Answer::Sample { count, first } => Ok((*count, first.clone())),
        _ => Err(fail("câu trả lời không khớp câu hỏi")),
    }
}

fn count(rows: &Rows) -> Res<u64> {
    match &*ask(&rows.count())? {
        Answer::Count(count) => Ok(*count),
        _ => Err(fail("câu trả lời không khớp câu hỏi")),
    }
}

/// The record of `rows` with the earliest date in `col`: (date, line, cells).
fn earliest(rows: &Rows, col: usize) -> Res<Option<(Date, u64, Vec<Value>)>> {
    match &*ask(&rows.earliest(col))? {
        Answer::Earliest(e) => Ok(e.clone()),
        _ => Err(fail("câu trả lời không khớp câu hỏi")),
    }
}

fn count_int(rows: &Rows) -> Res<INT> {
    INT::try_from(count(rows)?).map_err(|_| fail("số bản ghi vượt giới hạn"))
}

/// `rows.count()` as rules see it: named ([`named`]).
fn counted(rows: &Rows) -> Res<Dynamic> {
    Ok(named(Dynamic::from(count_int(rows)?), records_named(rows)))
}

/// What counting `rows` counts: `số bản ghi (hồ sơ một cửa)`, `… đạt điều kiện` when the
/// rule narrowed them.
fn records_named(rows: &Rows) -> String {
    let title = first_lower(&rows.table.title);
    if matches!(*rows.pred, Pred::All) {
        format!("số bản ghi ({title})")
    } else {
        format!("số bản ghi ({title}) đạt điều kiện")
    }
}

/// The unit's answer to `need`.
fn ask(need: &Need) -> Res<Arc<Answer>> {
    let c = ctx()?;
    match &c.supposing {
        // A supposed run asks nothing the rule's own run did not: every reading of the tables
        // (read whole, or streamed, whose questions are gathered in passes) then answers it
        // alike.
        Some(asked) if !asked.contains(need) => {
            return Err(fail("quy tắc hỏi điều khác khi giả định mọi kỳ đúng hạn"));
        }
        Some(_) => {}
        None => {
            c.asked.borrow_mut().insert(need.clone());
        }
    }
    c.unit.answer(need).map_err(fail)
}

/// The items of a table judged against their deadlines at the as-of date.
#[derive(Debug, Clone)]
pub(crate) struct Deadlines {
    on_time: Rows,
    late: Rows,
    due: Rows,
    pending: Rows,
}

/// Periodic reports: which periods were sent, and on time.
#[derive(Debug, Clone)]
pub(crate) struct Periods {
    sent: INT,
    on_time: INT,
    total: INT,
}

fn to_decimal(d: &Dynamic) -> Option<Decimal> {
    if let Some(i) = d.clone().try_cast::<INT>() {
        return Some(Decimal::from(i));
    }
    d.clone().try_cast::<Decimal>()
}

fn number(d: &Dynamic, what: &str) -> Res<Decimal> {
    to_decimal(d).ok_or_else(|| {
        fail(format!(
            "{what} phải là một số, nhận được {}",
            d.type_name()
        ))
    })
}

fn date_arg(d: &Dynamic) -> Res<Date> {
    if let Some(date) = d.clone().try_cast::<Date>() {
        return Ok(date);
    }
    if let Some(s) = d.clone().try_cast::<ImmutableString>() {
        return parse_date(&s).ok_or_else(|| fail(format!("`{s}` không phải ngày dd/mm/yyyy")));
    }
    Err(fail(format!("cần một ngày, nhận được {}", d.type_name())))
}

/// Registers every helper on `engine`.
pub(crate) fn register(engine: &mut Engine) {
    engine
        .register_type_with_name::<Rows>("Rows")
        .register_type_with_name::<Ratio>("Ratio")
        .register_type_with_name::<Deadlines>("Deadlines")
        .register_type_with_name::<Periods>("Periods")
        .register_type_with_name::<Outcome>("Outcome")
        .register_type_with_name::<Date>("Date");
    register_dates(engine);
    register_tables(engine);
    register_facts(engine);
    register_ratios(engine);
    register_points(engine);
}

fn register_dates(engine: &mut Engine) {
    engine
        .register_fn("date", |y: INT, m: INT, d: INT| -> Res<Date> {
            let (y, m, d) = (i32::try_from(y), u32::try_from(m), u32::try_from(d));
            match (y, m, d) {
                (Ok(y), Ok(m), Ok(d)) => Date::from_ymd_opt(y, m, d),
                _ => None,
            }
            .ok_or_else(|| fail("ngày không hợp lệ"))
        })
        .register_fn("date", |s: ImmutableString| date_arg(&Dynamic::from(s)))
        .register_fn("as_of", || -> Res<Date> { Ok(ctx()?.unit.as_of) })
        .register_fn("year", || -> Res<INT> {
            Ok(INT::from(ctx()?.unit.set.year))
        })
        .register_fn("add_days", |d: Date, n: INT| -> Res<Date> {
            // Not `Duration::days`, which panics past ±2^63 ms.
            add_days(d, n).ok_or_else(|| {
                fail(format!(
                    "ngày vượt giới hạn: {} cộng {n} ngày ra ngoài lịch",
                    vi_date(d)
                ))
            })
        })
        .register_fn("to_string", |d: &mut Date| vi_date(*d))
        .register_fn("==", |a: Date, b: Date| a == b)
        .register_fn("!=", |a: Date, b: Date| a != b)
        .register_fn("<", |a: Date, b: Date| a < b)
        .register_fn("<=", |a: Date, b: Date| a <= b)
        .register_fn(">", |a: Date, b: Date| a > b)
        .register_fn(">=", |a: Date, b: Date| a >= b);
}

/// The visible records of a declared table the row reads.
/// The current row, after checking that it may read table `name` and that the set declares it.
fn reading_table(name: &str) -> Res<Rc<RowContext>> {
    let c = ctx()?;
    if !c.reads.iter().any(|r| r == name) {
        return Err(fail(format!(
            "dòng {} đọc bảng `{name}` nhưng không khai báo trong `reads`",
            c.row
        )));
    }
    if c.unit.set.table(name).is_none() {
        return Err(fail(format!(
            "bảng `{name}` không được khai báo trong bộ tiêu chí"
        )));
    }
    Ok(c)
}

fn table(name: &str) -> Res<Rows> {
    reading_table(name)?
        .unit
        .visible(name)
        .ok_or_else(|| signal(Signal::NoEvidence(format!("thiếu bảng {name}"))))
}

/// Whether the table's file is there (perhaps with no records). Never a signal: a rule asks it
/// about a table it reads only to decide not-arising (the reference set's 2.1.2), and goes on
/// with the rest of its rule when the file is missing. A missing file is said on the row (see [`warn`]).
fn has_table(name: &str) -> Res<bool> {
    let present = reading_table(name)?.unit.visible(name).is_some();
    if !present {
        warn(format!("chưa có bảng {name}"));
    }
    Ok(present)
}

/// A rows argument: a `Rows` value or a table name.
fn rows_arg(d: Dynamic) -> Res<Rows> {
    if let Some(s) = d.clone().try_cast::<ImmutableString>() {
        return table(&s);
    }
    d.try_cast::<Rows>()
        .ok_or_else(|| fail("cần một bảng (tên bảng hoặc kết quả của table(...))"))
}

fn column(rows: &Rows, name: &str, kinds: &[ColumnType]) -> Res<usize> {
    let spec = &rows.table;
    let i = spec
        .column_index(name)
        .ok_or_else(|| fail(format!("bảng `{}` không có cột `{name}`", spec.name)))?;
    let kind = spec.columns[i].kind;
    if !kinds.is_empty() && !kinds.contains(&kind) {
        return Err(fail(format!(
            "cột `{name}` của bảng `{}` có kiểu {kind:?}, không dùng được ở đây",
            spec.name
        )));
    }
    Ok(i)
}

/// A value a rule compares cells with, as a [`Lit`].
fn lit(d: &Dynamic) -> Lit {
    if let Some(s) = d.clone().try_cast::<ImmutableString>() {
        return Lit::text(&s);
    }
    if let Some(n) = to_decimal(d) {
        return Lit::Num(n);
    }
    if let Some(b) = d.clone().try_cast::<bool>() {
        return Lit::Bool(b);
    }
    if let Some(date) = d.clone().try_cast::<Date>() {
        return Lit::Date(date);
    }
    if d.is_unit() {
        return Lit::Unit;
    }
    Lit::Other
}

fn register_tables(engine: &mut Engine) {
    use ColumnType as T;
    engine
        .register_fn("table", |name: ImmutableString| table(&name))
        .register_fn("has_table", |name: ImmutableString| has_table(&name))
        .register_fn("count", |r: &mut Rows| counted(r))
        .register_get("count", |r: &mut Rows| counted(r))
        .register_fn(
            "where_true",
            |r: &mut Rows, c: ImmutableString| -> Res<Rows> {
                let i = column(r, &c, &[T::Bool])?;
                Ok(r.and(Atom::True(i)))
            },
        )
        .register_fn(
            "where_false",
            |r: &mut Rows, c: ImmutableString| -> Res<Rows> {
                let i = column(r, &c, &[T::Bool])?;
                Ok(r.and_not(Atom::True(i)))
            },
        )
        .register_fn(
            "where_eq",
            |r: &mut Rows, c: ImmutableString, v: Dynamic| -> Res<Rows> {
                let i = column(r, &c, &[])?;
                Ok(r.and(Atom::Eq(i, lit(&v))))
            },
        )
        .register_fn(
            "where_ne",
            |r: &mut Rows, c: ImmutableString, v: Dynamic| -> Res<Rows> {
                let i = column(r, &c, &[])?;
                Ok(r.and_not(Atom::Eq(i, lit(&v))))
            },
        )
        .register_fn(
            "where_in",
            |r: &mut Rows, c: ImmutableString, vs: Array| -> Res<Rows> {
                let i = column(r, &c, &[])?;
                Ok(r.and(Atom::In(i, vs.iter().map(lit).collect())))
            },
        )
        .register_fn(
            "where_tag",
            |r: &mut Rows, c: ImmutableString, tag: ImmutableString| -> Res<Rows> {
                let i = column(r, &c, &[T::Tags])?;
                Ok(r.and(Atom::Tag(i, nfc(&tag))))
            },
        )
        .register_fn(
            "where_empty",
            |r: &mut Rows, c: ImmutableString| -> Res<Rows> {
                let i = column(r, &c, &[])?;
                Ok(r.and(Atom::Empty(i)))
            },
        )
        .register_fn(
            "where_filled",
            |r: &mut Rows, c: ImmutableString| -> Res<Rows> {
                let i = column(r, &c, &[])?;
                Ok(r.and_not(Atom::Empty(i)))
            },
        )
        .register_fn(
            "where_by",
            |r: &mut Rows, c: ImmutableString, d: Dynamic| -> Res<Rows> {
                let i = column(r, &c, &[T::Date])?;
                Ok(r.and(Atom::By(i, date_arg(&d)?)))
            },
        )
        .register_fn(
            "where_after",
            |r: &mut Rows, c: ImmutableString, d: Dynamic| -> Res<Rows> {
                let i = column(r, &c, &[T::Date])?;
                Ok(r.and(Atom::After(i, date_arg(&d)?)))
            },
        )
        .register_fn("sum", |r: &mut Rows, c: ImmutableString| -> Res<Dynamic> {
            let col = column(r, &c, &[T::Integer, T::Decimal])?;
            match *ask(&r.sum(col))? {
                Answer::Sum(Some(total)) => {
                    noted(format!("tổng {c} = {}", vi_decimal(total)));
                    Ok(named(
                        Dynamic::from(total),
                        format!("tổng {}", column_named(r, col)),
                    ))
                }
                _ => Err(fail("tổng vượt giới hạn")),
            }
        })
        .register_fn(
            "distinct",
            |r: &mut Rows, c: ImmutableString| -> Res<Dynamic> {
                let col = column(r, &c, &[])?;
                match *ask(&r.distinct(col))? {
                    Answer::Distinct(Some(n)) => {
                        noted(format!(
                            "số giá trị khác nhau của {c} = {}",
                            vi_count(usize::try_from(n).unwrap_or(usize::MAX))
                        ));
                        let n = INT::try_from(n).map_err(|_| fail("số giá trị vượt giới hạn"))?;
                        Ok(named(
                            Dynamic::from(n),
                            format!("số giá trị khác nhau của {}", column_named(r, col)),
                        ))
                    }
                    Answer::Distinct(None) => Err(fail(format!(
                        "bảng `{}` cột `{c}` có quá nhiều giá trị khác nhau: distinct() đếm tới \
                     {} giá trị (tổng cộng {} MB)",
                        r.table.name,
                        vi_count(DISTINCT_MAX_VALUES),
                        DISTINCT_MAX_BYTES >> 20
                    ))),
                    _ => Err(fail("câu trả lời không khớp câu hỏi")),
                }
            },
        )
        .register_fn(
            "on_time",
            |r: Dynamic, due: ImmutableString, done: ImmutableString| {
                deadlines(rows_arg(r)?, &due, &done, 0)
            },
        )
        .register_fn(
            "on_time",
            |r: Dynamic, due: ImmutableString, done: ImmutableString, days: INT| {
                deadlines(rows_arg(r)?, &due, &done, days)
            },
        )
        .register_get("on_time", |d: &mut Deadlines| d.on_time.clone())
        .register_get("late", |d: &mut Deadlines| d.late.clone())
        .register_get("due", |d: &mut Deadlines| d.due.clone())
        .register_get("pending", |d: &mut Deadlines| d.pending.clone())
        .register_get("ratio", |d: &mut Deadlines| -> Res<Ratio> {
            Ok(Ratio {
                fraction: Fraction::new(
                    Decimal::from(count(&d.on_time)?),
                    Decimal::from(count(&d.due)?),
                ),
                numerator: Some(d.on_time.clone()),
                denominator: Some(d.due.clone()),
                missing: "trễ hạn",
                label: first_lower(&d.due.table.title),
                says_inputs: false,
            })
        })
        .register_fn(
            "periods",
            |r: Dynamic,
             kind: ImmutableString,
             kinds: Array,
             due: ImmutableString,
             sent: ImmutableString| {
                periods(rows_arg(r)?, &kind, &kinds, &due, &sent)
            },
        )
        .register_get("sent", |p: &mut Periods| {
            named(Dynamic::from(p.sent), "số kỳ báo cáo đã gửi".to_owned())
        })
        .register_get("on_time", |p: &mut Periods| {
            named(
                Dynamic::from(p.on_time),
                "số kỳ báo cáo gửi đúng hạn".to_owned(),
            )
        })
        .register_get("total", |p: &mut Periods| p.total);
}

/// Judges each item at the as-of date A: on time (completed by its deadline), late (completed
/// after it, or not completed and the deadline before A), or not yet due. A completion after A
/// counts as no completion yet. `days` is added to every deadline.
fn deadlines(rows: Rows, due: &str, done: &str, days: INT) -> Res<Deadlines> {
    let c = ctx()?;
    let as_of = c.unit.as_of;
    let due_col = column(&rows, due, &[ColumnType::Date])?;
    let done_col = column(&rows, done, &[ColumnType::Date])?;
    // Every item needs a deadline within the calendar.
    if let Some((line, _)) = sample(&rows.and(Atom::NoDate(due_col)))?.1.first() {
        return Err(fail(format!(
            "bảng `{}` dòng {line}: thiếu `{due}`",
            rows.table.name
        )));
    }
    if days != 0 && count(&rows.and(Atom::DateOverflow(due_col, days)))? > 0 {
        return Err(fail("ngày vượt giới hạn"));
    }
    let class = |class| {
        rows.and(Atom::Deadline {
            due: due_col,
            done: done_col,
            days,
            as_of,
            class,
        })
    };
    let result = Deadlines {
        on_time: class(Class::OnTime),
        late: class(Class::Late),
        due: class(Class::Due),
        pending: class(Class::Pending),
    };
    let (on_time, due_n) = (count(&result.on_time)?, count(&result.due)?);
    let (late, pending) = (count(&result.late)?, count(&result.pending)?);
    note(format!(
        "{}: đúng hạn {on_time}/{due_n}, trễ hạn {late}, chưa đến hạn {pending}",
        rows.table.title,
    ));
    Ok(result)
}

/// For each period kind, the earliest row sent by the as-of date decides: sent, and on time
/// when sent by its deadline.
fn periods(rows: Rows, kind: &str, kinds: &Array, due: &str, sent: &str) -> Res<Periods> {
    let c = ctx()?;
    let kind_col = column(&rows, kind, &[ColumnType::Text])?;
    let due_col = column(&rows, due, &[ColumnType::Date])?;
    let sent_col = column(&rows, sent, &[ColumnType::Date])?;
    let key_col = rows
        .table
        .key
        .as_deref()
        .and_then(|k| rows.table.column_index(k));
    let (mut n_sent, mut n_on_time) = (0, 0);
    let (mut parts, mut missed, mut unsent) = (Vec::new(), Vec::new(), false);
    for k in kinds {
        let k = k
            .clone()
            .into_immutable_string()
            .map_err(|_| fail("kỳ báo cáo phải là chuỗi"))?;
        let of_kind = rows
            .and(Atom::Eq(kind_col, Lit::text(&k)))
            .and(Atom::By(sent_col, c.unit.as_of));
        match earliest(&of_kind, sent_col)? {
            None => {
                parts.push(format!("{k}: chưa gửi"));
                missed.push(format!("{k} chưa gửi"));
                unsent = true;
            }
            Some((s, _, values)) => {
                n_sent += 1;
                let number = key_col.and_then(|i| values.get(i)).map(Value::display);
                if let Some(number) = number.filter(|n| !n.is_empty()) {
                    c.trace.borrow_mut().documents.push(DocumentRef {
                        number,
                        date: Some(s),
                        subject: Some(format!("Báo cáo kỳ {k}")),
                    });
                }
                let due = values.get(due_col).and_then(Value::as_date);
                if due.is_some_and(|d| s <= d) {
                    n_on_time += 1;
                    parts.push(format!("{k}: gửi {} đúng hạn", vi_date(s)));
                } else {
                    let due = due.map_or_else(
                        || "không rõ hạn".to_owned(),
                        |d| format!("hạn {}", vi_date(d)),
                    );
                    parts.push(format!("{k}: gửi {} trễ ({due})", vi_date(s)));
                    missed.push(format!("{k} gửi trễ ({due})"));
                }
            }
        }
    }
    note(format!("Báo cáo định kỳ — {}", parts.join("; ")));
    let total = kinds.len() as INT;
    if c.supposing.is_some() {
        // The same questions asked, the answer supposed: every period sent on time.
        (n_sent, n_on_time) = (total, total);
    }
    let mut trace = c.trace.borrow_mut();
    for m in missed {
        // Asked twice, a period is said once.
        if !trace.periods_missed.contains(&m) {
            trace.periods_missed.push(m);
        }
    }
    trace.periods_unsent |= unsent;
    Ok(Periods {
        sent: n_sent,
        on_time: n_on_time,
        total,
    })
}

/// The current row, after checking that it may read the facts.
fn reading_facts() -> Res<Rc<RowContext>> {
    let c = ctx()?;
    if !c.reads.iter().any(|r| r == FACTS) {
        return Err(fail(format!(
            "dòng {} đọc facts nhưng không khai báo `facts` trong `reads`",
            c.row
        )));
    }
    Ok(c)
}

/// A fact as the officer's texts name it inside a sentence: its label where the set declares
/// one ([`first_lower`]), with its name as facts.toml writes it (`số đơn vị … tự chủ
/// (\`dvsn_tu_chu\`)`).
fn fact_named(name: &str) -> String {
    let label = current().and_then(|c| c.unit.set.fact(name).map(|f| f.label.clone()));
    match label {
        Some(label) if !label.trim().is_empty() => format!("{} (`{name}`)", first_lower(&label)),
        _ => format!("`{name}`"),
    }
}

fn fact(name: &str) -> Res<Dynamic> {
    let c = reading_facts()?;
    let facts = c
        .unit
        .facts()
        .ok_or_else(|| signal(Signal::NoEvidence("thiếu tệp facts.toml".to_owned())))?;
    let f = facts
        .get(name)
        .ok_or_else(|| signal(Signal::NoEvidence(format!("thiếu số liệu `{name}`"))))?;
    let reference = FactRef {
        name: name.to_owned(),
        value: f.value.display(),
        source: f.source.clone(),
    };
    let mut trace = c.trace.borrow_mut();
    if !trace.facts.contains(&reference) {
        trace.notes.push(format!("{name} = {}", reference.value));
        trace.facts.push(reference);
    }
    drop(trace);
    Ok(match &f.value {
        FactValue::Integer(i) => named(Dynamic::from(*i), fact_named(name)),
        FactValue::Decimal(d) => named(Dynamic::from(*d), fact_named(name)),
        FactValue::Bool(b) => named(Dynamic::from(*b), fact_named(name)),
        FactValue::Text(t) => Dynamic::from(t.clone()),
    })
}

/// Whether the fact is there. Never a signal: a missing `facts.toml` is a missing fact, so that a
/// rule can ask about an input it reads only to decide not-arising (the reference set's 6.2.2)
/// and go on with the rest of its rule. A missing fact is said on the row (see [`warn`]).
fn has_fact(name: &str) -> Res<bool> {
    let c = reading_facts()?;
    match c.unit.facts() {
        Some(facts) if facts.contains_key(name) => {
            let _value = fact(name)?;
            Ok(true)
        }
        Some(_) => {
            warn(format!("chưa có số liệu `{name}`"));
            Ok(false)
        }
        None => {
            warn(format!("chưa có tệp facts.toml (số liệu `{name}`)"));
            Ok(false)
        }
    }
}

fn register_facts(engine: &mut Engine) {
    engine
        .register_fn("fact", |name: ImmutableString| fact(&name))
        .register_fn("has_fact", |name: ImmutableString| has_fact(&name))
        .register_fn(
            "fact_ratio",
            |a: ImmutableString, b: ImmutableString| -> Res<Ratio> {
                let n = number(&fact(&a)?, &a)?;
                let d = number(&fact(&b)?, &b)?;
                note(format!("{a}/{b} = {}", Fraction::new(n, d)));
                Ok(Ratio {
                    fraction: Fraction::new(n, d),
                    numerator: None,
                    denominator: None,
                    missing: "",
                    label: fact_named(&a),
                    says_inputs: false,
                })
            },
        );
}

fn ratio_part(d: Dynamic) -> Res<(Decimal, Option<Rows>)> {
    if let Some(r) = d.clone().try_cast::<Rows>() {
        return Ok((Decimal::from(count(&r)?), Some(r)));
    }
    Ok((number(&d, "tử số và mẫu số")?, None))
}

fn register_ratios(engine: &mut Engine) {
    engine
        .register_fn("ratio", |a: Dynamic, b: Dynamic| -> Res<Ratio> {
            let numerator_name = name_of(&a);
            let (n, num_rows) = ratio_part(a)?;
            let (d, den_rows) = ratio_part(b)?;
            let label = match (&num_rows, &den_rows) {
                (Some(a), Some(b)) => {
                    if a.table.name != b.table.name {
                        return Err(fail("tử số và mẫu số phải cùng một bảng"));
                    }
                    first_lower(&b.table.title)
                }
                // The numerator moves the ratio: name it, never the denominator's table.
                (Some(a), None) => records_named(a),
                (None, _) => numerator_name.unwrap_or_default(),
            };
            Ok(Ratio {
                fraction: Fraction::new(n, d),
                label,
                says_inputs: num_rows.is_none() || den_rows.is_none(),
                numerator: num_rows,
                denominator: den_rows,
                missing: "không đạt",
            })
        })
        .register_get("numerator", |r: &mut Ratio| r.fraction.numerator)
        .register_get("denominator", |r: &mut Ratio| r.fraction.denominator)
        .register_fn("is_empty", |r: &mut Ratio| r.fraction.is_empty())
        .register_fn("to_string", |r: &mut Ratio| r.fraction.to_string());
    macro_rules! compare {
        ($op:literal, $test:expr) => {
            engine
                .register_fn($op, |r: Ratio, e: INT| -> Res<bool> {
                    Ok($test(r.compare(Decimal::from(e))?))
                })
                .register_fn($op, |r: Ratio, e: Decimal| -> Res<bool> {
                    Ok($test(r.compare(e)?))
                })
                .register_fn($op, |e: INT, r: Ratio| -> Res<bool> {
                    Ok($test(r.compare(Decimal::from(e))?.reverse()))
                })
                .register_fn($op, |e: Decimal, r: Ratio| -> Res<bool> {
                    Ok($test(r.compare(e)?.reverse()))
                });
        };
    }
    compare!(">=", |o: Ordering| o.is_ge());
    compare!(">", |o: Ordering| o.is_gt());
    compare!("<=", |o: Ordering| o.is_le());
    compare!("<", |o: Ordering| o.is_lt());
    compare!("==", |o: Ordering| o.is_eq());
    compare!("!=", |o: Ordering| o.is_ne());
}

/// A measure as `bands` and `prop` read it.
enum Measure {
    Ratio(Ratio),
    /// A number, and what it is ([`named`]; empty when unnamed).
    Number(Decimal, String),
}

fn measure(d: Dynamic) -> Res<Measure> {
    if let Some(r) = d.clone().try_cast::<Ratio>() {
        return Ok(Measure::Ratio(r));
    }
    if let Some(b) = d.clone().try_cast::<bool>() {
        let value = if b { Decimal::ONE } else { Decimal::ZERO };
        return Ok(Measure::Number(value, String::new()));
    }
    let name = name_of(&d).unwrap_or_default();
    Ok(Measure::Number(number(&d, "đại lượng")?, name))
}

fn outcome_points(d: &Dynamic) -> Res<(Decimal, Option<String>)> {
    if let Some(o) = d.clone().try_cast::<Outcome>() {
        return match o {
            Outcome::Points {
                points,
                explanation,
            } => Ok((points, Some(explanation))),
            _ => Err(fail(
                "một mức điểm không thể là không phát sinh hay thiếu minh chứng",
            )),
        };
    }
    Ok((number(d, "điểm")?, None))
}

/// `0.95` as `95%`; a value too large to scale is shown as it is.
fn percent_text(x: Decimal) -> String {
    match x.checked_mul(Decimal::ONE_HUNDRED) {
        Some(p) => format!("{}%", vi_decimal(p)),
        None => vi_decimal(x),
    }
}

fn edge_text(edge: Decimal, is_ratio: bool) -> String {
    if is_ratio {
        percent_text(edge)
    } else {
        vi_decimal(edge)
    }
}

/// The first band whose lower edge the measure reaches; bands run from the highest edge down,
/// so `[[1, 2], [0.8, 1]]` reads "100%: 2; [80%, 100%): 1; below 80%: otherwise"
/// ([`scoring::band`]).
fn bands(m: Dynamic, list: Array, otherwise: Dynamic) -> Res<Outcome> {
    let m = measure(m)?;
    let says_inputs = match &m {
        Measure::Ratio(r) => r.says_inputs,
        Measure::Number(..) => true,
    };
    let (what, is_ratio) = match &m {
        Measure::Ratio(r) => {
            if r.fraction.is_empty() {
                r.record()?;
                return Ok(Outcome::NotArising(r.describe()));
            }
            (format!("Tỷ lệ {}", r.fraction), true)
        }
        Measure::Number(n, _) => (format!("Số lượng {}", vi_decimal(*n)), false),
    };
    let mut table = Vec::with_capacity(list.len());
    for band in &list {
        let pair = band
            .clone()
            .try_cast::<Array>()
            .filter(|p| p.len() == 2)
            .ok_or_else(|| fail("mỗi mức phải có dạng [ngưỡng, điểm]"))?;
        table.push((number(&pair[0], "ngưỡng")?, outcome_points(&pair[1])?));
    }
    let below = outcome_points(&otherwise)?;
    lever(Lever::Bands {
        measure: match &m {
            Measure::Ratio(r) => r.lever(),
            Measure::Number(n, label) => LeverMeasure::Number {
                value: *n,
                label: label.clone(),
            },
        },
        bands: table
            .iter()
            .map(|(edge, (points, _))| (*edge, *points))
            .collect(),
        otherwise: below.0,
    });
    let measured = match &m {
        Measure::Ratio(r) => {
            r.record()?;
            Measured::Ratio(r.fraction)
        }
        Measure::Number(n, _) => Measured::Number(*n),
    };
    let edges: Vec<Decimal> = table.iter().map(|(edge, _)| *edge).collect();
    let (points, explanation) = match scoring::band(measured, &edges).map_err(refused)? {
        Band::Reached(i) => {
            let (edge, (points, inner)) = &table[i];
            let text = inner.clone().unwrap_or_else(|| {
                format!(
                    "{what} ≥ {}: {} điểm",
                    edge_text(*edge, is_ratio),
                    vi_decimal(*points)
                )
            });
            (*points, text)
        }
        Band::Below | Band::NotArising => {
            let (points, inner) = below;
            let text = inner.unwrap_or_else(|| match edges.last() {
                Some(edge) => format!(
                    "{what} < {}: {} điểm",
                    edge_text(*edge, is_ratio),
                    vi_decimal(points)
                ),
                None => format!("{what}: {} điểm", vi_decimal(points)),
            });
            (points, text)
        }
    };
    Ok(Outcome::Points {
        points,
        explanation: if says_inputs {
            with_notes(explanation)
        } else {
            explanation
        },
    })
}

/// A scoring pattern's refusal as the row's error.
fn refused(refusal: Refusal) -> Box<EvalAltResult> {
    fail(match refusal {
        Refusal::Unordered => "các mức phải xếp theo ngưỡng giảm dần".to_owned(),
        Refusal::Incomparable { ratio, edge } => format!(
            "tỷ lệ {ratio} không so được với ngưỡng {}: số vượt giới hạn",
            vi_decimal(edge)
        ),
        Refusal::Overflow => "phép tính vượt giới hạn".to_owned(),
    })
}

/// `round_half_up(r × max, 2)` when `r ≥ floor`, else 0.
fn prop(r: Dynamic, max: Dynamic, floor: Dynamic) -> Res<Outcome> {
    let Some(r) = r.try_cast::<Ratio>() else {
        return Err(fail("prop cần một tỷ lệ (ratio, fact_ratio hoặc .ratio)"));
    };
    let max = number(&max, "điểm tối đa")?;
    let floor = number(&floor, "ngưỡng")?;
    lever(Lever::Prop {
        measure: r.lever(),
        max,
        floor,
    });
    r.record()?;
    let said = |explanation: String| {
        if r.says_inputs {
            with_notes(explanation)
        } else {
            explanation
        }
    };
    match scoring::prop(r.fraction, max, floor).map_err(refused)? {
        Prop::NotArising => Ok(Outcome::NotArising(r.describe())),
        Prop::BelowFloor => Ok(Outcome::Points {
            points: Decimal::ZERO,
            explanation: said(format!(
                "Tỷ lệ {} < {}: 0 điểm",
                r.fraction,
                percent_text(floor)
            )),
        }),
        Prop::Points(points) => Ok(Outcome::Points {
            points,
            explanation: said(format!(
                "Tỷ lệ {} ≥ {}: {} × {} = {} điểm",
                r.fraction,
                percent_text(floor),
                vi_percent(r.fraction.percent().unwrap_or_default()) + "%",
                vi_decimal(max),
                vi_decimal(points)
            )),
        }),
    }
}

/// The earliest register document carrying `tag`, dated from the window's start to A.
fn issued(tag: &str) -> Res<Option<(Date, DocumentRef)>> {
    let c = ctx()?;
    let set = &c.unit.set;
    let register = set
        .register
        .as_ref()
        .ok_or_else(|| fail("bộ tiêu chí chưa khai báo [set.register] cho issued_by"))?;
    let rows = table(&register.table)?;
    let spec = Arc::clone(&rows.table);
    let tags = column(&rows, &register.tags, &[ColumnType::Tags])?;
    let date_col = spec
        .dated_by
        .as_deref()
        .and_then(|d| spec.column_index(d))
        .ok_or_else(|| fail("bảng sổ văn bản cần `dated_by`"))?;
    let key = spec.key.as_deref().and_then(|k| spec.column_index(k));
    let subject = spec.subject.as_deref().and_then(|k| spec.column_index(k));
    let found = earliest(&rows.and(Atom::Tag(tags, nfc(tag))), date_col)?;
    Ok(found.map(|(d, line, values)| {
        let number = match key {
            Some(k) => values.get(k).map(Value::display).unwrap_or_default(),
            None => record_key(None, &values, line),
        };
        let subject = subject
            .and_then(|s| values.get(s))
            .map(Value::display)
            .filter(|s| !s.is_empty());
        (
            d,
            DocumentRef {
                number,
                date: Some(d),
                subject,
            },
        )
    }))
}

/// Points by the date a tagged document was issued: the first step whose deadline it meets,
/// else `later` (when issued after every deadline); 0 when none was issued.
fn issued_by(tag: &str, steps: Vec<(Date, Decimal)>, later: Decimal) -> Res<Outcome> {
    let found = issued(tag)?;
    lever(Lever::Issued {
        tag: tag.to_owned(),
        date: found.as_ref().map(|(d, _)| *d),
        steps: steps.clone(),
        later,
    });
    let issued = scoring::issued(found.as_ref().map(|(d, _)| *d), &steps);
    let Some((date, doc)) = found else {
        note(format!("Không có văn bản nhóm `{tag}`"));
        return Ok(Outcome::Points {
            points: Decimal::ZERO,
            explanation: format!("Không có văn bản ban hành (nhóm `{tag}`): 0 điểm"),
        });
    };
    let c = ctx()?;
    c.trace.borrow_mut().documents.push(doc.clone());
    let what = match &doc.subject {
        Some(subject) => format!("Ban hành {} ngày {} ({subject})", doc.number, vi_date(date)),
        None => format!("Ban hành {} ngày {}", doc.number, vi_date(date)),
    };
    let points = issued.points(&steps, later);
    let explanation = match issued {
        Issued::ByStep(i) => format!(
            "{what}, trong hạn {}: {} điểm",
            vi_date(steps[i].0),
            vi_decimal(points)
        ),
        Issued::Late | Issued::None => {
            let last = steps.last().map(|(d, _)| vi_date(*d)).unwrap_or_default();
            format!("{what}, sau hạn {last}: {} điểm", vi_decimal(points))
        }
    };
    Ok(Outcome::Points {
        points,
        explanation,
    })
}

fn register_points(engine: &mut Engine) {
    engine
        .register_fn("bands", |m: Dynamic, list: Array| {
            bands(m, list, Dynamic::from(0 as INT))
        })
        .register_fn("bands", bands)
        .register_fn("prop", prop)
        .register_fn(
            "issued_by",
            |tag: ImmutableString, deadline: Dynamic, points: Dynamic, later: Dynamic| {
                let step = (date_arg(&deadline)?, number(&points, "điểm")?);
                issued_by(&tag, vec![step], number(&later, "điểm")?)
            },
        )
        .register_fn(
            "issued_by",
            |tag: ImmutableString, steps: Array, later: Dynamic| {
                let mut parsed = Vec::with_capacity(steps.len());
                for s in steps {
                    let pair = s
                        .try_cast::<Array>()
                        .filter(|p| p.len() == 2)
                        .ok_or_else(|| fail("mỗi mốc phải có dạng [ngày, điểm]"))?;
                    parsed.push((date_arg(&pair[0])?, number(&pair[1], "điểm")?));
                }
                issued_by(&tag, parsed, number(&later, "điểm")?)
            },
        )
        .register_fn("issued_on", |tag: ImmutableString| -> Res<Dynamic> {
            Ok(match issued(&tag)? {
                None => {
                    note(format!("Không có văn bản nhóm `{tag}`"));
                    Dynamic::UNIT
                }
                Some((d, doc)) => {
                    note(format!(
                        "Văn bản nhóm `{tag}`: {} ngày {}",
                        doc.number,
                        vi_date(d)
                    ));
                    if let Some(c) = current() {
                        c.trace.borrow_mut().documents.push(doc);
                    }
                    Dynamic::from(d)
                }
            })
        })
        .register_fn(
            "deduct",
            |start: Dynamic, per: Dynamic, n: Dynamic, floor: Dynamic| -> Res<Outcome> {
                let (start, per, n, floor) = (
                    number(&start, "điểm gốc")?,
                    number(&per, "mức trừ")?,
                    number(&n, "số trường hợp")?,
                    number(&floor, "mức sàn")?,
                );
                let (points, deducted) = scoring::deduct(start, per, n, floor).map_err(refused)?;
                lever(Lever::Deduct {
                    start,
                    per,
                    cases: n,
                    floor,
                });
                Ok(Outcome::Points {
                    points,
                    explanation: with_notes(format!(
                        "{} trường hợp × {} = trừ {} từ {}, không thấp hơn {}: {} điểm",
                        vi_decimal(n),
                        vi_decimal(per),
                        vi_decimal(deducted),
                        vi_decimal(start),
                        vi_decimal(floor),
                        vi_decimal(points)
                    )),
                })
            },
        )
        .register_fn("binary", |met: Dynamic, points: Dynamic| -> Res<Outcome> {
            let met = met
                .as_bool()
                .map_err(|t| fail(format!("binary cần giá trị đúng/sai, nhận được {t}")))?;
            let points = number(&points, "điểm")?;
            lever(Lever::Binary { points });
            let explanation = if met {
                format!("Đạt: {} điểm", vi_decimal(points))
            } else {
                "Không đạt: 0 điểm".to_owned()
            };
            Ok(Outcome::Points {
                points: scoring::binary(met, points),
                explanation: with_notes(explanation),
            })
        })
        .register_fn("capped", |x: Dynamic, cap: Dynamic| -> Res<Decimal> {
            let (x, cap) = (number(&x, "giá trị")?, number(&cap, "mức trần")?);
            let (value, applied) = scoring::capped(x, cap);
            if applied {
                note(format!(
                    "{} vượt mức trần {}, tính {}",
                    vi_decimal(x),
                    vi_decimal(cap),
                    vi_decimal(cap)
                ));
            }
            Ok(value)
        })
        .register_fn("count_true", |items: Array| -> Dynamic {
            let n = items.iter().filter(|d| d.as_bool() == Ok(true)).count() as INT;
            // Named with the items not met, when each of them has a name (a fact).
            let unmet: Option<Vec<String>> = items
                .iter()
                .filter(|d| d.as_bool() != Ok(true))
                .map(name_of)
                .collect();
            match unmet {
                Some(unmet) if !unmet.is_empty() => named(
                    Dynamic::from(n),
                    format!("số mục đạt (chưa đạt: {})", unmet.join("; ")),
                ),
                _ => Dynamic::from(n),
            }
        })
        .register_fn("level", |value: Dynamic, levels: Map| -> Res<Dynamic> {
            let key = value.to_string();
            let points = levels
                .get(key.as_str())
                .cloned()
                .ok_or_else(|| fail(format!("mức `{key}` không có trong bảng mức")))?;
            note(format!("mức `{key}`"));
            // Every level's points, when each is a number (or `points(…)`): what a higher
            // level would earn.
            let table: Option<Vec<(String, Decimal)>> = levels
                .iter()
                .map(|(k, v)| outcome_points(v).ok().map(|(p, _)| (k.to_string(), p)))
                .collect();
            if let Some(levels) = table {
                lever(Lever::Level {
                    current: key.clone(),
                    levels,
                });
            }
            Ok(points)
        })
        .register_fn("round2", |x: Decimal| round_half_up(x, 2))
        .register_fn("not_arising", || Outcome::NotArising(String::new()))
        .register_fn("not_arising", |why: ImmutableString| {
            Outcome::NotArising(why.to_string())
        })
        .register_fn("no_evidence", |why: ImmutableString| {
            Outcome::NoEvidence(why.to_string())
        })
        .register_fn(
            "points",
            |p: Dynamic, why: ImmutableString| -> Res<Outcome> {
                Ok(Outcome::Points {
                    points: number(&p, "điểm")?,
                    explanation: why.to_string(),
                })
            },
        );
}

#[cfg(test)]
mod tests {
    use super::first_lower;

    #[test]
    fn a_label_is_lowered_at_its_start_but_not_an_acronym() {
        assert_eq!(
            first_lower("Số người đã tinh giản"),
            "số người đã tinh giản"
        );
        assert_eq!(first_lower("Ý kiến"), "ý kiến");
        assert_eq!(first_lower("CSDL cán bộ"), "CSDL cán bộ");
        assert_eq!(first_lower("`dvsn_tu_chu`"), "`dvsn_tu_chu`");
        assert_eq!(first_lower(""), "");
    }
}
