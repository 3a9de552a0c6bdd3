//! `parindex check`: every problem of a criteria set that can be seen without evidence.
//!
//! [`check_criteria`] runs the loader (every unknown key, the whole-set checks), compiles every
//! rule (syntax errors), then reads each rule's text for what it plainly does wrong: a table or
//! column that the row cannot read, band lists out of order, literal points outside the row's
//! range. The rule checks work on tokens (strings, numbers, names, brackets), so comments and
//! the inside of strings never fool them; what is not written as a literal is not judged.
//!
//! Bands cannot have *gaps*: a measure below an edge falls to the next band, and below the
//! last edge to the `otherwise` value (0 by default), so every value has points. What can be
//! wrong is the order: an edge not lower than the one before it (an overlap, which fails the
//! row when the scan reaches it) or a lower band that earns more than a higher one.
//!
//! Not part of `criteria`: it compiles the rules, so it sits above the engine, and nothing
//! below imports it.

pub use crate::rule_text::facts_named;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;

use crate::criteria::{
    did_you_mean, load_all, CriteriaSet, Criterion, Leaf, Method, RuleSource, TableSpec,
    CRITERIA_FILE, FACTS,
};
use crate::error::{Diagnostic, Error};
use crate::evaluate::CompiledCriteria;
use crate::files::Files;
use crate::rule_text::{
    calls, lit_list, lit_map, lit_num, lit_str, literal, tokenize, Call, Kind, Token, Written,
};
use crate::rules::registry::{self, Arg, Helper, Literal, Needs};
use crate::rules::{sandboxed_engine, Limits};

/// Every problem of the criteria set at `path` (a folder holding `criteria.toml`, or the file),
/// each with its file, line and column where known: unknown keys (all of them), the first TOML
/// type error, the whole-set checks of the loader, rhai syntax errors (at their line inside
/// the TOML or `.rhai` file) and the static rule checks. Sorted by file, then line.
///
/// Empty when the set is fine. A TOML syntax error is the only problem reported then, since
/// nothing else can be read.
pub fn check_criteria(files: &dyn Files, path: &Path) -> Vec<Diagnostic> {
    let loaded = match load_all(files, path) {
        Ok(loaded) => loaded,
        Err(Error::Io { path, source }) => {
            let message = if source.kind() == std::io::ErrorKind::NotFound {
                "không có tệp bộ tiêu chí ở đây".to_owned()
            } else {
                format!(
                    "không đọc được tệp bộ tiêu chí: {}",
                    crate::error::io_reason(&source)
                )
            };
            return vec![Diagnostic::new(&path, message).hint(format!(
                "hãy chỉ đến thư mục có {CRITERIA_FILE}, hoặc chính tệp bộ tiêu chí"
            ))];
        }
        Err(e) => return e.diagnostics().to_vec(),
    };
    let mut problems = loaded.problems;
    if let Some(set) = &loaded.set {
        if let Err(e) = CompiledCriteria::compile(set.clone()) {
            problems.extend(
                e.diagnostics()
                    .iter()
                    .map(|d| in_file_columns(d.clone(), set, &loaded.rule_columns)),
            );
        }
        problems.extend(lint(set, &loaded.rule_columns));
    }
    let main = loaded.path;
    problems.sort_by_key(|d| sort_key(d, &main));
    problems
}

fn sort_key(d: &Diagnostic, main: &Path) -> (bool, PathBuf, usize, usize) {
    (
        d.path != main,
        d.path.clone(),
        d.line.unwrap_or(0),
        d.column.unwrap_or(0),
    )
}

/// A compile error's column counted in the file: on the first line of a rule written after
/// `rule = '`, the rule's own column is shifted by where the rule starts.
fn in_file_columns(
    mut d: Diagnostic,
    set: &CriteriaSet,
    rule_columns: &HashMap<String, usize>,
) -> Diagnostic {
    let (Some(line), Some(column)) = (d.line, d.column) else {
        return d;
    };
    for (c, leaf) in set.leaves() {
        let Some(rule) = &leaf.rule else {
            continue;
        };
        if rule.path != d.path || rule.first_line != line {
            continue;
        }
        if let Some(start) = rule_columns.get(&c.id) {
            d.column = Some((start + column).saturating_sub(1));
        }
        break;
    }
    d
}

/// The static checks of every rule that compiles (a rule that does not is reported by the
/// compile step).
pub(crate) fn lint(set: &CriteriaSet, rule_columns: &HashMap<String, usize>) -> Vec<Diagnostic> {
    let engine = sandboxed_engine(Limits::default());
    let known = known_functions(&engine);
    let mut out = Vec::new();
    for (c, leaf) in set.leaves() {
        let Some(rule) = &leaf.rule else {
            continue;
        };
        if engine.compile(&rule.text).is_err() {
            continue;
        }
        let column = if rule.path == set.path {
            rule_columns.get(&c.id).copied().unwrap_or(1)
        } else {
            1
        };
        let tokens = tokenize(&rule.text);
        let mut row = RowLint {
            set,
            c,
            leaf,
            rule,
            column,
            out: &mut out,
            reported: HashSet::new(),
            named: Vec::new(),
            known: &known,
        };
        row.run(&tokens);
    }
    out
}

// --- The checks of one row -------------------------------------------------------------------

struct RowLint<'a> {
    set: &'a CriteriaSet,
    c: &'a Criterion,
    leaf: &'a Leaf,
    rule: &'a RuleSource,
    /// The file column of the rule's first character on its first line.
    column: usize,
    out: &'a mut Vec<Diagnostic>,
    /// Problems reported once per row (a missing `facts`, a missing register).
    reported: HashSet<&'static str>,
    /// The tables the rule names (`table("x")`, `on_time("x", …)`): a column of one of them
    /// is not reported again when the table is the problem.
    named: Vec<String>,
    /// The functions a rule may call besides the helpers: rhai's own.
    known: &'a HashSet<String>,
}

impl RowLint<'_> {
    fn run(&mut self, tokens: &[Token]) {
        if let Some((value, t)) = lit_num(strip_semicolons(tokens)) {
            self.points(t, value, "quy tắc cho");
        }
        let calls = calls(tokens);
        self.named = calls
            .iter()
            .filter(|c| {
                registry::forms(&c.name.text)
                    .any(|f| matches!(f.args.first(), Some(Arg::Table | Arg::RowsOrTable)))
            })
            .filter_map(|c| c.args.first().and_then(|a| lit_str(a)))
            .map(|t| t.text.clone())
            .collect();
        for call in &calls {
            self.call(call);
        }
    }

    fn call(&mut self, call: &Call<'_>) {
        let name = call.name;
        let forms: Vec<&Helper> = registry::forms(&name.text).collect();
        if forms.is_empty() {
            if !self.known.contains(name.text.as_str()) {
                self.unknown(name);
            }
            return;
        }
        let Some(form) = forms.iter().find(|f| f.args.len() == call.args.len()) else {
            self.arity(call, &forms);
            return;
        };
        match form.needs {
            Needs::Facts => self.facts(name),
            Needs::Register => self.register(name),
            Needs::Nothing => {}
        }
        let args = || form.args.iter().copied().zip(call.args.iter().copied());
        let table = args()
            .find(|(kind, _)| matches!(kind, Arg::Table | Arg::RowsOrTable))
            .and_then(|(_, arg)| lit_str(arg))
            .map(|t| t.text.clone());
        let mut after_bands = false;
        for (i, (kind, arg)) in args().enumerate() {
            let follows_bands = std::mem::replace(&mut after_bands, kind == Arg::Bands);
            if !self.literal_fits(call, i, kind, arg) {
                continue;
            }
            match kind {
                Arg::Table | Arg::RowsOrTable => {
                    if let Some(t) = lit_str(arg) {
                        self.table(t);
                    }
                }
                Arg::Column => {
                    if let Some(c) = lit_str(arg) {
                        self.column(c, table.as_deref());
                    }
                }
                Arg::Fact => {
                    if let Some(f) = lit_str(arg) {
                        self.declared_fact(f);
                    }
                }
                // The value after a band table is what the bands give below the last edge.
                Arg::Points | Arg::PointsOrOutcome if !follows_bands => {
                    self.points_arg(arg, &points_what(&name.text, i));
                }
                Arg::Bands => self.bands(arg, call.args.get(i + 1).copied()),
                Arg::Steps => {
                    for step in lit_list(arg).unwrap_or_default() {
                        if let Some(pair) = lit_list(step).filter(|p| p.len() == 2) {
                            self.points_arg(pair[1], &points_what(&name.text, i));
                        }
                    }
                }
                Arg::Levels => {
                    for (key, value) in lit_map(arg).unwrap_or_default() {
                        if let Some((p, t)) = lit_num(value) {
                            self.points(t, p, &format!("mức `{}` cho", key.text));
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// A call of a function that is neither a helper, nor rhai's own, nor the rule's: the row
    /// fails when the rule runs.
    fn unknown(&mut self, t: &Token) {
        let names: Vec<&str> = registry::rule_helpers().iter().map(|h| h.name).collect();
        let listed = "các hàm dùng được có trong docs/criteria-format.md §7.5";
        let d = self
            .at(
                t,
                format!(
                    "quy tắc của dòng `{}` gọi hàm không có: `{}`",
                    self.id(),
                    t.text
                ),
            )
            .hint(match did_you_mean(&t.text, &names) {
                Some(guess) => format!("có phải ý bạn là `{guess}`? {listed}"),
                None => format!(
                    "{listed}; khi quy tắc chạy, dòng sẽ lỗi với \"không có hàm `{}`\"",
                    t.text
                ),
            });
        self.out.push(d);
    }

    /// A helper called with a number of arguments none of its forms takes.
    fn arity(&mut self, call: &Call<'_>, forms: &[&Helper]) {
        let n = call.args.len();
        let mut counts: Vec<usize> = forms.iter().map(|f| f.args.len()).collect();
        counts.sort_unstable();
        counts.dedup();
        let takes = counts
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" hoặc ");
        let d = self
            .at(
                call.name,
                format!(
                    "quy tắc của dòng `{}` gọi {}(…) với {n} đối số, nhưng {} nhận {takes} đối số",
                    self.id(),
                    call.name.text,
                    call.name.text,
                ),
            )
            .hint(signatures(forms));
        self.out.push(d);
    }

    /// Whether a literal argument is of the kind the helper takes there (what is not a literal
    /// is not judged); a mismatch is reported, since the row fails when the rule runs.
    fn literal_fits(&mut self, call: &Call<'_>, i: usize, kind: Arg, arg: &[Token]) -> bool {
        let Some(expected) = kind.expects() else {
            return true;
        };
        let Some((written, t)) = literal(arg) else {
            return true;
        };
        let fits = match expected {
            Literal::Str | Literal::StrOrDate => written == Written::Str,
            Literal::Integer => written == Written::Integer,
            Literal::Decimal => written == Written::Decimal,
            Literal::Number => matches!(written, Written::Integer | Written::Decimal),
            Literal::NumberOrBool => {
                matches!(written, Written::Integer | Written::Decimal | Written::Bool)
            }
            Literal::Bool => written == Written::Bool,
            Literal::Array => written == Written::Array,
            Literal::Map => written == Written::Map,
            Literal::Nothing => false,
        };
        if !fits {
            let forms: Vec<&Helper> = registry::forms(&call.name.text).collect();
            let d = self
                .at(
                    t,
                    format!(
                        "quy tắc của dòng `{}` truyền {} làm đối số {} của {}(…), trong khi đối số này cần {}",
                        self.id(),
                        written.vi(),
                        ordinal(i),
                        call.name.text,
                        kind.vi()
                    ),
                )
                .hint(signatures(&forms));
            self.out.push(d);
        }
        fits
    }

    /// A diagnostic at a token of the rule, placed in its file.
    fn at(&self, t: &Token, message: String) -> Diagnostic {
        let line = self.rule.first_line + t.line - 1;
        let column = if t.line == 1 {
            self.column + t.col - 1
        } else {
            t.col
        };
        Diagnostic::new(&self.rule.path, message).at(line, column)
    }

    fn id(&self) -> &str {
        &self.c.id
    }

    fn reads(&self, name: &str) -> bool {
        self.leaf.reads.iter().any(|r| r == name)
    }

    /// `table("x")`, `on_time("x", …)`, `periods("x", …)`: `x` must be declared and read.
    fn table(&mut self, t: &Token) {
        let name = t.text.as_str();
        if self.reads(name) {
            return; // An undeclared table in `reads` is reported on the row itself.
        }
        let declared = name != FACTS && self.set.table(name).is_some();
        let d = if declared {
            self.at(
                t,
                format!(
                    "quy tắc của dòng `{}` đọc bảng `{name}` nhưng `reads` của dòng không có bảng này",
                    self.id()
                ),
            )
            .hint(format!(
                "thêm \"{name}\" vào `reads = [{}]` của dòng; nếu không, dòng sẽ lỗi khi quy tắc chạy",
                quoted(&self.leaf.reads)
            ))
        } else {
            let tables: Vec<&str> = self.set.tables.iter().map(|t| t.name.as_str()).collect();
            let listed = format!("các bảng đã khai báo: {}", tables.join(", "));
            self.at(
                t,
                format!(
                    "quy tắc của dòng `{}` đọc bảng `{name}` chưa được khai báo trong `[tables]`",
                    self.id()
                ),
            )
            .hint(match did_you_mean(name, &tables) {
                Some(guess) => format!("có phải ý bạn là `{guess}`? {listed}"),
                None => listed,
            })
        };
        self.out.push(d);
    }

    /// A column named in a filter or helper must exist in a table the row reads (in `table`
    /// when the helper names it).
    fn column(&mut self, t: &Token, table: Option<&str>) {
        if self
            .leaf
            .reads
            .iter()
            .any(|r| r != FACTS && self.set.table(r).is_none())
        {
            return; // The row's reads are wrong already; that is reported on the row.
        }
        let named = table.and_then(|name| self.set.table(name));
        let tables: Vec<&TableSpec> = match named {
            Some(t) => vec![t],
            None => {
                let mut tables: Vec<&TableSpec> = Vec::new();
                for name in self.leaf.reads.iter().chain(&self.named) {
                    if let Some(t) = self.set.table(name) {
                        if !tables.iter().any(|seen| seen.name == t.name) {
                            tables.push(t);
                        }
                    }
                }
                tables
            }
        };
        let name = t.text.as_str();
        if tables.iter().any(|spec| spec.column(name).is_some()) {
            return;
        }
        let names: Vec<&str> = tables.iter().map(|spec| spec.name.as_str()).collect();
        let message = match names.as_slice() {
            [] => format!(
                "quy tắc của dòng `{}` dùng cột `{name}` nhưng dòng không đọc bảng nào",
                self.id()
            ),
            [one] => format!(
                "quy tắc của dòng `{}` dùng cột `{name}` mà bảng `{one}` không khai báo",
                self.id()
            ),
            many => format!(
                "quy tắc của dòng `{}` dùng cột `{name}` mà không bảng nào dòng đọc khai báo ({})",
                self.id(),
                many.join(", ")
            ),
        };
        let columns: Vec<&str> = tables
            .iter()
            .flat_map(|spec| spec.columns.iter().map(|c| c.id.as_str()))
            .collect();
        let hint = match (did_you_mean(name, &columns), names.as_slice()) {
            (Some(guess), _) => format!("có phải ý bạn là `{guess}`?"),
            (None, []) => "thêm bảng có cột này vào `reads` của dòng".to_owned(),
            (None, _) => format!(
                "khai báo cột trong `[tables.{}]` hoặc sửa tên cột; nếu không, dòng sẽ lỗi khi quy tắc chạy",
                names.join("]` / `[tables.")
            ),
        };
        let d = self.at(t, message).hint(hint);
        self.out.push(d);
    }

    /// `fact(…)` and its kin need `facts` in `reads`.
    fn facts(&mut self, t: &Token) {
        if self.reads(FACTS) || !self.reported.insert("facts") {
            return;
        }
        let d = self
            .at(
                t,
                format!(
                    "quy tắc của dòng `{}` gọi {}(…) nhưng dòng không đọc `facts`",
                    self.id(),
                    t.text
                ),
            )
            .hint(format!(
                "thêm \"facts\" vào `reads = [{}]` của dòng",
                quoted(&self.leaf.reads)
            ));
        self.out.push(d);
    }

    /// A set that declares its facts (`[facts.<name>]`) declares every fact its rules name.
    fn declared_fact(&mut self, t: &Token) {
        let set = self.set;
        if set.facts.is_empty() || set.fact(&t.text).is_some() {
            return;
        }
        let names: Vec<&str> = set.facts.iter().map(|f| f.name.as_str()).collect();
        let mut d = self.at(
            t,
            format!(
                "quy tắc của dòng `{}` dùng số liệu `{}` chưa được khai báo trong `[facts]`",
                self.id(),
                t.text
            ),
        );
        d = match crate::criteria::did_you_mean(&t.text, &names) {
            Some(close) => d.hint(format!("có phải ý bạn là `{close}`?")),
            None => d.hint(format!(
                "khai báo số liệu này: `[facts.{}]` với `label = \"…\"`, `type = \"integer\"`",
                t.text
            )),
        };
        self.out.push(d);
    }

    /// `issued_by` / `issued_on` read the register table: the set needs one and the row must
    /// read it.
    fn register(&mut self, t: &Token) {
        let d = match &self.set.register {
            None => self
                .at(
                    t,
                    format!(
                        "quy tắc của dòng `{}` gọi {}(…) nhưng bộ tiêu chí chưa khai báo sổ văn bản (`register`)",
                        self.id(),
                        t.text
                    ),
                )
                .hint("thêm `register = { table = \"…\", tags = \"…\" }` vào `[set]`"),
            Some(register) if !self.reads(&register.table) => self
                .at(
                    t,
                    format!(
                        "quy tắc của dòng `{}` gọi {}(…), hàm đọc bảng sổ văn bản `{}`, nhưng dòng không đọc bảng này",
                        self.id(),
                        t.text,
                        register.table
                    ),
                )
                .hint(format!(
                    "thêm \"{}\" vào `reads = [{}]` của dòng",
                    register.table,
                    quoted(&self.leaf.reads)
                )),
            Some(_) => return,
        };
        if self.reported.insert("register") {
            self.out.push(d);
        }
    }

    /// `bands(m, [[edge, points], …], otherwise)` written as literals.
    fn bands(&mut self, list: &[Token], otherwise: Option<&[Token]>) {
        let Some(bands) = lit_list(list) else {
            return;
        };
        let penalty = self.is_penalty();
        let mut previous: Option<(Decimal, Option<Decimal>)> = None;
        for band in bands {
            let Some(pair) = lit_list(band).filter(|p| p.len() == 2) else {
                previous = None;
                continue;
            };
            let edge = lit_num(pair[0]);
            let points = lit_num(pair[1]);
            let mut ordered = true;
            if let (Some((e, et)), Some((before, _))) = (edge, previous) {
                if e >= before {
                    ordered = false;
                    let message = if e == before {
                        format!("các mức chồng nhau: ngưỡng {e} được ghi hai lần")
                    } else {
                        format!(
                            "các mức chồng nhau: ngưỡng {e} không thấp hơn ngưỡng trước nó ({before})"
                        )
                    };
                    let d = self.at(et, message).hint(format!(
                        "xếp các mức theo ngưỡng từ cao xuống thấp; số đo dưới {before} sẽ tới \
                         mức này và dòng lỗi với \"các mức phải xếp theo ngưỡng giảm dần\""
                    ));
                    self.out.push(d);
                }
            }
            if let (Some((e, _)), Some((p, pt)), Some((before, Some(earned)))) =
                (edge, points, previous)
            {
                if ordered && !penalty && p > earned {
                    let d = self
                        .at(
                            pt,
                            format!(
                                "mức thấp hơn lại được nhiều điểm hơn: mức ≥ {e} cho {}, mức ≥ {before} cho {}",
                                points_text(p),
                                points_text(earned)
                            ),
                        )
                        .hint(
                            "mức đầu tiên số đo đạt tới quyết định điểm, nên ngưỡng cao hơn phải \
                             được ít nhất bằng ngưỡng thấp hơn; nếu ở đây số đo càng cao càng kém, \
                             hãy đếm các trường hợp tốt, hoặc dùng deduct(…)",
                        );
                    self.out.push(d);
                }
            }
            if let (Some((e, _)), Some((p, pt))) = (edge, points) {
                self.points(pt, p, &format!("mức ≥ {e} cho"));
            }
            previous = edge.map(|(e, _)| (e, points.map(|(p, _)| p)));
        }
        if let Some((p, pt)) = otherwise.and_then(lit_num) {
            if let Some((before, Some(earned))) = previous {
                if !penalty && p > earned {
                    let d = self
                        .at(
                            pt,
                            format!(
                                "mức thấp hơn lại được nhiều điểm hơn: dưới {before} quy tắc cho {}, mức ≥ {before} cho {}",
                                points_text(p),
                                points_text(earned)
                            ),
                        )
                        .hint("giá trị sau danh sách mức là số điểm khi số đo dưới mọi ngưỡng");
                    self.out.push(d);
                }
            }
            self.points(pt, p, "dưới ngưỡng cuối, bands cho");
        }
    }

    fn is_penalty(&self) -> bool {
        self.leaf.method == Method::Penalty
    }

    fn points_arg(&mut self, arg: &[Token], what: &str) {
        if let Some((value, t)) = lit_num(arg) {
            self.points(t, value, what);
        }
    }

    /// Literal points must lie in the row's range: `[0; max]`, or `[floor; 0]` for a penalty
    /// row.
    fn points(&mut self, t: &Token, value: Decimal, what: &str) {
        let id = self.id().to_owned();
        let (range, message) = if self.is_penalty() {
            let range = match self.leaf.floor {
                Some(floor) => format!("[{floor}; 0]"),
                None => "[floor; 0]".to_owned(),
            };
            let message = if value > Decimal::ZERO {
                Some(format!(
                    "{what} {}, nhưng dòng điểm trừ `{id}` được nhiều nhất 0 điểm",
                    points_text(value)
                ))
            } else {
                match self.leaf.floor {
                    Some(floor) if value < floor => Some(format!(
                        "{what} {}, thấp hơn mức sàn {floor} của dòng điểm trừ `{id}`",
                        points_text(value)
                    )),
                    _ => None,
                }
            };
            (range, message)
        } else {
            let max = self.c.max;
            let message = if value > max {
                Some(format!(
                    "{what} {}, vượt điểm tối đa {max} của dòng `{id}`",
                    points_text(value)
                ))
            } else if value < Decimal::ZERO {
                Some(format!(
                    "{what} {}, dưới 0 (dòng `{id}` không phải dòng điểm trừ)",
                    points_text(value)
                ))
            } else {
                None
            };
            (format!("[0; {max}]"), message)
        };
        if let Some(message) = message {
            let d = self.at(t, message).hint(format!(
                "khi chạy, quy tắc cho điểm ngoài khoảng {range} làm dòng bị lỗi (`error`)"
            ));
            self.out.push(d);
        }
    }
}

/// Every function name the engine knows (helpers, and rhai's packages: `len`, `abs`, `max`, …),
/// with the functions rhai itself provides to every script.
fn known_functions(engine: &rhai::Engine) -> HashSet<String> {
    const RHAI_OWN: [&str; 8] = [
        "type_of",
        "Fn",
        "call",
        "curry",
        "is_def_fn",
        "is_def_var",
        "is_shared",
        "this",
    ];
    engine
        .gen_fn_signatures(true)
        .iter()
        .filter_map(|s| s.split_once('(').map(|(name, _)| name.to_owned()))
        .chain(RHAI_OWN.map(str::to_owned))
        .collect()
}

/// How the points messages name where a literal gives points.
fn points_what(helper: &str, arg: usize) -> String {
    match (helper, arg) {
        ("points", _) => "points(…) cho".to_owned(),
        ("prop", _) => "prop cho tối đa".to_owned(),
        ("deduct", 0) => "deduct bắt đầu từ".to_owned(),
        ("deduct", _) => "deduct trừ xuống tới".to_owned(),
        (name, _) => format!("{name} cho"),
    }
}

/// A helper's forms as the document writes them.
fn signatures(forms: &[&Helper]) -> String {
    let written: Vec<&str> = forms
        .iter()
        .filter_map(|f| f.doc.map(|d| d.signature))
        .collect();
    format!("{}; xem docs/criteria-format.md §7.5", written.join(" · "))
}

/// `thứ nhất`, `thứ 2`, … (the 0-based argument `i`).
fn ordinal(i: usize) -> String {
    match i + 1 {
        1 => "thứ nhất".to_owned(),
        n => format!("thứ {n}"),
    }
}

/// `1 điểm`, `0.5 điểm`: the number as the rule writes it.
fn points_text(value: Decimal) -> String {
    format!("{value} điểm")
}

/// The tokens without trailing `;`.
fn strip_semicolons(tokens: &[Token]) -> &[Token] {
    let mut end = tokens.len();
    while end > 0 && tokens[end - 1].is(Kind::Punct(';')) {
        end -= 1;
    }
    &tokens[..end]
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::FsFiles;

    #[test]
    fn calls_see_method_receivers_and_skip_own_functions() {
        let tokens =
            tokenize("fn sum(a) { a } t.where_true(\"x\"); sum(1); on_time(\"d\", \"a\", \"b\")");
        let calls = calls(&tokens);
        let names: Vec<(&str, usize)> = calls
            .iter()
            .map(|c| (c.name.text.as_str(), c.args.len()))
            .collect();
        assert_eq!(names, vec![("where_true", 2), ("on_time", 3)]);
        assert!(lit_str(calls[0].args[0]).is_none());
        assert_eq!(
            lit_str(calls[0].args[1]).map(|t| t.text.as_str()),
            Some("x")
        );
    }

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
    }

    #[test]
    fn the_reference_set_and_the_mini_fixture_have_no_problems() {
        for set in ["criteria/nghe-an-2026-so", "fixtures/mini"] {
            let problems = check_criteria(&FsFiles, &root().join(set));
            let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
            assert!(problems.is_empty(), "{set}:\n{}", text.join("\n"));
        }
    }
}
