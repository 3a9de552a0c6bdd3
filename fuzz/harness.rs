//! The fuzz entry points, shared by the `cargo fuzz` targets (`fuzz/fuzz_targets/*.rs`) and by
//! the regression replay in `crates/parindex-core/tests/broken_input.rs`, so that a crashing
//! input kept under `fuzz/regressions/<target>/` is replayed through exactly the code that found
//! it.
//!
//! Every entry point takes arbitrary bytes and may only return: errors are fine, panics and hangs
//! are not. After a successful score each checks the report's invariants (a row's points within
//! its bounds, parents the sums of their children, the index in [0, 100]) and panics when one is
//! broken, so the fuzzer treats a wrong report like a crash.

// Each fuzz target and the replay test use only part of it.
#![allow(dead_code)]

use std::path::Path;

use parindex_core::criteria::{CriteriaSet, Method};
use parindex_core::evidence::{read_province, Strategy};
use parindex_core::report::Status;
use parindex_core::{load_criteria, CompiledCriteria, Date, MemoryFiles, ReadOptions, Report};
use rust_decimal::Decimal;

/// libfuzzer-sys aborts in its panic hook, before any unwinding, so a panic that the library
/// catches itself (calamine's, turned into a diagnostic) would count as a crash. This hook only
/// prints the panic: one that escapes the library still aborts, as libfuzzer-sys checks the
/// unwind. The fuzz targets call it first; the replay test keeps the default hook.
#[allow(clippy::print_stderr)]
pub fn quiet_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|info| eprintln!("panic: {info}"))));
}

/// The targets, by the name of their folder under `fuzz/regressions/`.
pub const TARGETS: [&str; 8] = [
    "criteria_loader",
    "evidence_csv",
    "evidence_facts",
    "evidence_stream",
    "evidence_xlsx",
    "rule_eval",
    "workbook",
    "rule_helpers",
];

/// Runs the named target on `data`; `false` for an unknown target.
pub fn run(target: &str, data: &[u8]) -> bool {
    match target {
        "criteria_loader" => criteria_loader(data),
        "evidence_csv" => evidence_csv(data),
        "evidence_facts" => evidence_facts(data),
        "evidence_stream" => evidence_stream(data),
        "evidence_xlsx" => evidence_xlsx(data),
        "rule_eval" => rule_eval(data),
        "workbook" => workbook(data),
        "rule_helpers" => rule_helpers(data),
        _ => return false,
    }
    true
}

/// A small set reading one table of every column type, facts, a penalty and a survey row.
pub const FIXED_SET: &str = r#"
[set]
id = "fuzz"
title = "Fuzz"
province = "Nghệ An"
year = 2026
unit_group = "so"
not_arising = "exclude"
register = { table = "documents", tags = "nhom" }

[[rating]]
label = "Tốt"
min = 90

[[rating]]
label = "Yếu"
min = 0

[tables.documents]
title = "Sổ văn bản đi"
key = "so_ky_hieu"
subject = "trich_yeu"
dated_by = "ngay_ban_hanh"
window = "year"
columns = [
  { id = "so_ky_hieu", type = "text", required = true, labels = ["Số ký hiệu"] },
  { id = "ngay_ban_hanh", type = "date", required = true, labels = ["Ngày ban hành"] },
  { id = "trich_yeu", type = "text", labels = ["Trích yếu"] },
  { id = "nhom", type = "tags", required = true, labels = ["Nhóm"] },
  { id = "ky_so", type = "bool", labels = ["Ký số"] },
  { id = "so_trang", type = "integer", labels = ["Số trang"] },
  { id = "kinh_phi", type = "decimal", labels = ["Kinh phí"] },
  { id = "han", type = "date", labels = ["Hạn"] },
  { id = "ngay_xong", type = "date", labels = ["Ngày xong"] },
  { id = "loai", type = "text", values = ["QD", "KH", "BC"], labels = ["Loại"] },
]

[[criterion]]
id = "1"
title = "Văn bản"
max = 6

[[criterion]]
id = "1.1"
title = "Kế hoạch"
max = 1
method = "self"
reads = ["documents"]
rule = 'issued_by("ke-hoach", date(2026, 1, 31), 1, 0.5)'

[[criterion]]
id = "1.2"
title = "Ký số"
max = 1
method = "self"
reads = ["documents"]
rule = '''
let r = ratio(table("documents").where_true("ky_so"), table("documents"));
bands(r, [[1, 1], [0.8, prop(r, 1, 0.8)]])
'''

[[criterion]]
id = "1.3"
title = "Đúng hạn"
max = 1
method = "self"
not_arising = "full"
reads = ["documents"]
rule = '''
let d = on_time(table("documents").where_filled("han"), "han", "ngay_xong");
bands(d.ratio, [[1, 1], [0.5, 0.5]])
'''

[[criterion]]
id = "1.4"
title = "Số trang"
max = 1
method = "self"
reads = ["documents"]
rule = 'bands(table("documents").sum("so_trang"), [[10, 1], [1, 0.5]])'

[[criterion]]
id = "1.5"
title = "Kinh phí"
max = 1
method = "self"
reads = ["documents", "facts"]
rule_file = "rule.rhai"

[[criterion]]
id = "1.6"
title = "Khảo sát"
max = 1
method = "survey"

[[criterion]]
id = "2"
title = "Số liệu"
max = 3

[[criterion]]
id = "2.1"
title = "Tuyên truyền"
max = 1
method = "self"
reads = ["facts"]
rule = '''
let r = fact_ratio("tuyen_truyen_hoan_thanh", "tuyen_truyen_ke_hoach");
bands(r, [[1, 1], [0.9, prop(r, 1, 0.9)]])
'''

[[criterion]]
id = "2.2"
title = "Biên chế"
max = 1
method = "self"
reads = ["facts"]
rule = 'binary(fact("bien_che_su_dung") <= fact("bien_che_giao"), 1)'

[[criterion]]
id = "2.3"
title = "Mức độ"
max = 1
method = "self"
reads = ["facts"]
rule = '''
if has_fact("muc_do") { level(fact("muc_do"), #{ tot: 1, kha: 0.5 }) } else { count_true([fact("iso_a"), fact("iso_b")]) / 2 }
'''

[[criterion]]
id = "2.4"
title = "Vi phạm"
max = 0
method = "penalty"
floor = -2
reads = ["facts"]
rule = 'deduct(0, 0.5, fact("so_vi_pham"), -2)'
"#;

pub const UNIT: &str = "code = \"U\"\nname = \"Đơn vị\"\ngroup = \"so\"\n";

pub const DOCUMENTS_CSV: &str =
    "Số ký hiệu,Ngày ban hành,Trích yếu,Nhóm,Ký số,Số trang,Kinh phí,Hạn,Ngày xong,Loại\n\
15/KH-U,20/01/2026,Kế hoạch CCHC,ke-hoach,x,3,\"1.250.000,5\",31/01/2026,25/01/2026,KH\n\
16/QD-U,2026-02-05,Quyết định,,không,12,\"2,5\",01/02/2026,,QD\n\
17/BC-U,10/01/2027,Báo cáo,ke-hoach,có,,,,,BC\n";

pub const FACTS_TOML: &str = "tuyen_truyen_hoan_thanh = 9\ntuyen_truyen_ke_hoach = 10\n\
bien_che_su_dung = 40\nbien_che_giao = \"42\"\niso_a = true\niso_b = false\n\
[so_vi_pham]\nvalue = 1\nsource = \"12/BC-U ngày 01/12/2026\"\n";

/// The rule of row 1.5, read from `rule.rhai`: the input of [`rule_eval`].
pub const RULE: &str = r#"let t = table("documents");
bands(ratio(t.where_eq("loai", "QD"), t.distinct("loai") + t.count), [[0.5, 1]], capped(t.sum("kinh_phi"), 0.5))
"#;

pub const SURVEY_CSV: &str = "ma_tieu_chi,ty_le\n1.6,87.5\n";

fn as_of() -> Date {
    Date::from_ymd_opt(2026, 12, 31).unwrap_or_default()
}

/// The fixed set with its own rule, loaded and compiled once.
fn fixed() -> &'static CompiledCriteria {
    static FIXED: std::sync::OnceLock<Option<CompiledCriteria>> = std::sync::OnceLock::new();
    match FIXED.get_or_init(|| fixed_set(RULE)) {
        Some(c) => c,
        None => panic!("the fixed fuzz set must load and compile"),
    }
}

/// The fixed set with `rule` as the rule of row 1.5, loaded and compiled.
fn fixed_set(rule: &str) -> Option<CompiledCriteria> {
    let mut files = MemoryFiles::new();
    files.insert("set/criteria.toml", FIXED_SET);
    files.insert("set/rule.rhai", rule);
    let set = load_criteria(&files, Path::new("set")).ok()?;
    CompiledCriteria::compile(set).ok()
}

/// The fixed evidence folder `u/`, every file of it present.
fn fixed_unit() -> MemoryFiles {
    let mut files = MemoryFiles::new();
    files.insert("u/unit.toml", UNIT);
    files.insert("u/documents.csv", DOCUMENTS_CSV);
    files.insert("u/facts.toml", FACTS_TOML);
    files.insert("u/survey.csv", SURVEY_CSV);
    files
}

/// Reads and scores `u/` with the fixed set as the product does (`score_unit`) and, when it
/// reads, checks the report.
fn read_and_score(criteria: &CompiledCriteria, files: &MemoryFiles) {
    score_and_check(criteria, files, as_of());
}

/// Every reading strategy, and the threads it reads with (one and several, in turn): the
/// strategy tester's matrix (`tests/strategies.rs`), cut to one run per strategy here.
const STRATEGIES: [(Strategy, usize); 4] = [
    (Strategy::Auto, 3),
    (Strategy::Layout, 1),
    (Strategy::Csv, 3),
    (Strategy::Whole, 1),
];

/// A result as text: every report's JSON, or the error as it is printed.
fn outcome<T>(
    r: &parindex_core::Result<T>,
    json: impl Fn(&T) -> Vec<String>,
) -> Result<Vec<String>, String> {
    r.as_ref().map(json).map_err(|e| e.to_string())
}

/// Scores `u/` at `as_of` through `score_unit`; a report is checked and rendered. Every
/// reading strategy must give the same report, or the same error.
fn score_and_check(criteria: &CompiledCriteria, files: &MemoryFiles, as_of: Date) {
    let options = ReadOptions::default();
    let result = criteria.score_unit(files, Path::new("u"), as_of, &options);
    let first = outcome(&result, |r| vec![r.to_json()]);
    for (strategy, threads) in STRATEGIES {
        let other = criteria.score_unit(
            files,
            Path::new("u"),
            as_of,
            &ReadOptions::by_strategy(strategy, threads),
        );
        let other = outcome(&other, |r| vec![r.to_json()]);
        if other != first {
            panic!("{strategy:?} at {threads} thread(s) differs:\n{first:?}\n{other:?}");
        }
    }
    if let Ok(report) = result {
        check_report(criteria.criteria(), &report);
        let _ = report.to_json();
    }
}

/// Panics when the report breaks an invariant.
pub fn check_report(set: &CriteriaSet, report: &Report) {
    assert_eq!(
        report.nodes.len(),
        set.criteria.len(),
        "one node per criterion"
    );
    for (node, c) in report.nodes.iter().zip(&set.criteria) {
        assert_eq!(node.id, c.id, "nodes in tree order");
        match c.leaf.as_ref().map(|l| (l.method, l.floor)) {
            Some((method, floor)) => {
                let (low, high) = match method {
                    Method::Penalty => (floor.unwrap_or(Decimal::ZERO), Decimal::ZERO),
                    Method::SelfAssessed | Method::Survey => (Decimal::ZERO, node.max),
                };
                for points in [node.points, node.final_points] {
                    assert!(
                        points >= low && points <= high,
                        "row {} scored {points} outside [{low}, {high}]",
                        node.id,
                    );
                }
            }
            None => {
                let sum = c.children.iter().map(|&k| report.nodes[k].points).sum();
                let max: Decimal = c.children.iter().map(|&k| report.nodes[k].max).sum();
                let applicable = c
                    .children
                    .iter()
                    .map(|&k| report.nodes[k].applicable_max)
                    .sum();
                assert_eq!(node.points, sum, "{}: points are the children's sum", c.id);
                assert_eq!(node.max, max, "{}: max is the children's sum", c.id);
                assert_eq!(node.applicable_max, applicable, "{}: applicable max", c.id);
            }
        }
        if node.status == Status::NotApplicable && c.leaf.is_some() {
            assert!(node.applicable_max.is_zero(), "{}: not applicable", c.id);
        }
    }
    if let Some(index) = report.total.index {
        assert!(
            index >= Decimal::ZERO && index <= Decimal::ONE_HUNDRED,
            "index {index} outside [0, 100]"
        );
    }
    assert!(report.total.points >= Decimal::ZERO, "total points below 0");
    assert!(
        report.total.points <= report.total.applicable_max || report.total.index.is_none(),
        "total points above the applicable max"
    );
}

/// Arbitrary bytes as `criteria.toml`; when the set loads and compiles, it is scored on a unit
/// with no tables at all (and with a rule file beside it that the bytes may name).
pub fn criteria_loader(data: &[u8]) {
    let mut files = MemoryFiles::new();
    files.insert("set/criteria.toml", data);
    files.insert("set/rule.rhai", "bands(1, [[1, 0]])");
    files.insert("u/unit.toml", UNIT);
    let Ok(set) = load_criteria(&files, Path::new("set")) else {
        return;
    };
    let Ok(criteria) = CompiledCriteria::compile(set) else {
        return;
    };
    // The loader accepts any year, even one without a 31 December in the calendar.
    let Some(as_of) = criteria.default_as_of() else {
        return;
    };
    score_and_check(&criteria, &files, as_of);
}

fn with_file(name: &str, data: &[u8]) {
    let criteria = fixed();
    let mut files = fixed_unit();
    files.remove("u/documents.csv");
    files.insert(name, data);
    read_and_score(criteria, &files);
}

/// Arbitrary bytes as `documents.csv`.
pub fn evidence_csv(data: &[u8]) {
    with_file("u/documents.csv", data);
}

/// Arbitrary bytes as `facts.toml` (the documents table present).
pub fn evidence_facts(data: &[u8]) {
    let criteria = fixed();
    let mut files = fixed_unit();
    files.insert("u/facts.toml", data);
    read_and_score(criteria, &files);
}

/// The units of the province of [`evidence_stream`].
pub const UNITS_CSV: &str = "ma_don_vi,ten_don_vi,nhom\nU1,Đơn vị 1,so\nU2,Đơn vị 2,so\n";

/// Arbitrary bytes as the province-wide `documents.csv` of units U1 and U2: scoring the province
/// streamed must give the very reports, or the very error, that reading the export whole gives.
pub fn evidence_stream(data: &[u8]) {
    let criteria = fixed();
    let mut files = MemoryFiles::new();
    files.insert("p/units.csv", UNITS_CSV);
    files.insert("p/documents.csv", data);
    let (dir, options) = (Path::new("p"), ReadOptions::default());
    let text = |r: parindex_core::Result<Vec<Report>>| {
        r.map(|reports| reports.iter().map(Report::to_json).collect::<Vec<_>>())
            .map_err(|e| e.to_string())
    };
    let whole = text(
        read_province(&files, criteria.criteria(), dir, &options)
            .map(|units| criteria.score_all(&units, as_of())),
    );
    let streamed = text(criteria.score_province(&files, dir, as_of(), &options));
    if whole != streamed {
        panic!("streamed differs from read whole:\n{whole:?}\n{streamed:?}");
    }
    for (strategy, threads) in STRATEGIES {
        let options = ReadOptions::by_strategy(strategy, threads);
        let other = text(criteria.score_province(&files, dir, as_of(), &options));
        if other != whole {
            panic!("{strategy:?} at {threads} thread(s) differs from read whole:\n{whole:?}\n{other:?}");
        }
    }
}

/// Arbitrary bytes as `documents.xlsx` (calamine detects xlsx, xls, xlsb and ods by content).
pub fn evidence_xlsx(data: &[u8]) {
    with_file("u/documents.xlsx", data);
}

/// Arbitrary bytes as a workbook, by the first byte: `documents.xlsx` (named after the table),
/// `bao-cao.xlsx` (any other name: its sheets are searched for the tables), `documents.ods` or
/// `documents.xls` (calamine goes by content, the name only says what the input is meant to be);
/// the rest of the bytes are the file. Run under a memory limit (`-rss_limit_mb=512`): the
/// reader's bounds (inflated size, entries, rows, shared strings, cells, an `.xls`'s declared
/// sizes and sector chains) must keep any input within it, so an out-of-memory is a crash like a
/// panic.
pub fn workbook(data: &[u8]) {
    let Some((&which, bytes)) = data.split_first() else {
        return;
    };
    let name = [
        "u/documents.xlsx",
        "u/bao-cao.xlsx",
        "u/documents.ods",
        "u/documents.xls",
    ][usize::from(which % 4)];
    let criteria = fixed();
    let mut files = MemoryFiles::new();
    files.insert("u/unit.toml", UNIT);
    files.insert(name, bytes);
    read_and_score(criteria, &files);
}

/// Arbitrary UTF-8 as the rule of row 1.5 of the fixed set (its `rule.rhai`), scored on the
/// fixed evidence. A rule that does not compile is fine; one that panics or hangs is not.
pub fn rule_eval(data: &[u8]) {
    let Ok(rule) = std::str::from_utf8(data) else {
        return;
    };
    let mut files = MemoryFiles::new();
    files.insert("set/criteria.toml", FIXED_SET);
    files.insert("set/rule.rhai", rule);
    let set = match load_criteria(&files, Path::new("set")) {
        Ok(set) => set,
        Err(e) => panic!("the fixed set loads whatever its rule file says: {e}"),
    };
    let Ok(criteria) = CompiledCriteria::compile(set) else {
        return;
    };
    read_and_score(&criteria, &fixed_unit());
}

/// Every helper a rule can call, with `A`, `B`, `C` numbers and `D` a date (see
/// [`rule_helpers`]), on the fixed set's columns and facts.
pub const HELPER_TEMPLATES: [&str; 40] = [
    "if add_days(D, A) > D { 1 } else { 0 }",
    "if date(A, B, C) > D { 1 } else { 0 }",
    "if ratio(A, B) >= C { 1 } else { 0 }",
    "if C < ratio(A, B) { 1 } else { 0 }",
    "bands(ratio(A, B), [[C, 1], [0.5, 0.5]])",
    "bands(A, [[B, 1], [C, 0.5]])",
    "bands(A, [[B, C]], C)",
    "prop(ratio(A, B), 1, C)",
    "prop(ratio(A, B), C, 0)",
    "bands(ratio(A, B), [[1, prop(ratio(A, B), 1, C)]])",
    "capped(A, B)",
    "deduct(A, B, C, -1)",
    "deduct(0, A, B, C)",
    "level(A, #{ \"1\": 1, \"0\": 0 })",
    "round2(A * 1.0)",
    "A + B - C",
    "A * B / C",
    "A % B",
    "-A",
    "A ** B",
    "if A < B || A == C { 1 } else { 0 }",
    "binary(A > B, C)",
    "points(A, \"x\")",
    "count_true([A > 0, B > C])",
    "table(\"documents\").where_eq(\"so_trang\", A).count",
    "table(\"documents\").where_in(\"kinh_phi\", [A, B, C]).count",
    "table(\"documents\").where_by(\"han\", D).where_after(\"ngay_xong\", D).count",
    "bands(table(\"documents\").sum(\"so_trang\"), [[A, 1]], B)",
    "bands(table(\"documents\").sum(\"kinh_phi\") * A, [[B, 1]])",
    "bands(on_time(table(\"documents\").where_filled(\"han\"), \"han\", \"ngay_xong\", A).ratio, [[B, 1]])",
    "issued_by(\"ke-hoach\", D, A, B)",
    "issued_by(\"ke-hoach\", [[D, A], [add_days(D, C), B]], C)",
    "if issued_on(\"ke-hoach\") <= D { A } else { B }",
    "bands(fact_ratio(\"tuyen_truyen_hoan_thanh\", \"tuyen_truyen_ke_hoach\"), [[A, B]], C)",
    "let r = ratio(A, B); if r.numerator > r.denominator && !r.is_empty() { C } else { 0 }",
    "bands(table(\"documents\").distinct(\"loai\") * A, [[B, 1]])",
    "bands(ratio(table(\"documents\").where_true(\"ky_so\"), table(\"documents\")), [[A, B]], C)",
    "let r = ratio(A, B); r.to_string(); add_days(D, A).to_string(); 0",
    "if date(D.to_string()) == D { A } else { B }",
    "bands(A / B, [[C, 1]])",
];

/// Integers and decimals at the edges, as rhai expressions: what the fuzzer's bytes pick from
/// besides raw values.
pub const EXTREME_NUMBERS: [&str; 14] = [
    "0",
    "1",
    "-1",
    "9223372036854775807",
    "(-9223372036854775807 - 1)",
    "9007199254740992",
    "-9007199254740992",
    "200000000000",
    "0.0",
    "0.0000000000000000000000000001",
    "79228162514264337593543950335.0",
    "-79228162514264337593543950335.0",
    "7.9228162514264337593543950335",
    "fact(\"so_vi_pham\")",
];

/// Reads the fuzzer's bytes as numbers and dates, little by little; zeros once they run out.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0; N];
        let n = N.min(self.0.len());
        out[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        out
    }

    fn byte(&mut self) -> u8 {
        self.take::<1>()[0]
    }

    /// A number as a rhai expression: an extreme value, an integer or a decimal.
    fn number(&mut self) -> String {
        let kind = self.byte();
        match kind % 3 {
            0 => EXTREME_NUMBERS[usize::from(kind / 3) % EXTREME_NUMBERS.len()].to_owned(),
            1 => match i64::from_le_bytes(self.take()) {
                i64::MIN => "(-9223372036854775807 - 1)".to_owned(),
                i => format!("({i})"),
            },
            _ => {
                // 96 bits of mantissa, a scale up to 28: any decimal.
                let mantissa = i128::from_le_bytes(self.take()) >> 32;
                let scale = u32::from(self.byte() % 29);
                let d = Decimal::try_from_i128_with_scale(mantissa, scale).unwrap_or(Decimal::MAX);
                let text = d.to_string();
                if text.contains('.') {
                    format!("({text})")
                } else {
                    format!("({text}.0)")
                }
            }
        }
    }

    /// A date as a rhai expression, anywhere in chrono's calendar (or just outside it).
    fn date(&mut self) -> String {
        let kind = self.byte();
        match kind % 4 {
            0 => "as_of()".to_owned(),
            1 => "date(262143, 12, 31)".to_owned(),
            2 => "date(-262144, 1, 1)".to_owned(),
            _ => {
                let y = i32::from_le_bytes(self.take()) % 262_145;
                let (m, d) = (self.byte() % 13, self.byte() % 32);
                format!("date({y}, {m}, {d})")
            }
        }
    }
}

/// Arbitrary bytes as one helper call on extreme values: the first byte picks one of
/// [`HELPER_TEMPLATES`], the rest its numbers and date. Scored as the rule of row 1.5 on the
/// fixed evidence. A row error is fine; a panic (an overflow in a date or decimal helper, say)
/// is not.
pub fn rule_helpers(data: &[u8]) {
    let mut bytes = Bytes(data);
    let template = HELPER_TEMPLATES[usize::from(bytes.byte()) % HELPER_TEMPLATES.len()];
    let (a, b, c, d) = (bytes.number(), bytes.number(), bytes.number(), bytes.date());
    let rule = template
        .replace('A', &a)
        .replace('B', &b)
        .replace('C', &c)
        .replace('D', &d);
    let Some(criteria) = fixed_set(&rule) else {
        return;
    };
    read_and_score(&criteria, &fixed_unit());
}
