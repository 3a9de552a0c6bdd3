//! Issue 18, the rules' part: what a red team broke through rule helpers. Every helper on
//! extreme values fails as a row error and never panics (item 5); a rule's strings match evidence
//! whatever their Unicode normalisation (item 11); `distinct` and the cases' `rows` are bounded
//! (item 12); rhai's own errors reach the officer in Vietnamese (item 13); an overflowing ratio
//! is an error, not "not arising".

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

use parindex_core::cases::{run_cases, Case, CaseFile};
use parindex_core::report::Status;
use parindex_core::{load_criteria, CompiledCriteria, MemoryFiles, ReadOptions, Report};
use proptest::prelude::*;

const HEAD: &str = r#"
[set]
id = "hostile"
title = "Hostile"
province = "Nghệ An"
year = 2026
unit_group = "so"
not_arising = "exclude"
register = { table = "documents", tags = "nhom" }

[[rating]]
label = "Đạt"
min = 0

[tables.documents]
title = "Sổ văn bản đi"
key = "so_ky_hieu"
dated_by = "ngay_ban_hanh"
columns = [
  { id = "so_ky_hieu", type = "text", required = true },
  { id = "ngay_ban_hanh", type = "date", required = true },
  { id = "nhom", type = "tags" },
  { id = "don_vi", type = "text" },
  { id = "so_trang", type = "integer" },
  { id = "kinh_phi", type = "decimal" },
  { id = "han", type = "date" },
  { id = "ngay_xong", type = "date" },
]
"#;

const DOCUMENTS: &str = "so_ky_hieu,ngay_ban_hanh,nhom,don_vi,so_trang,kinh_phi,han,ngay_xong\n\
1/KH,20/01/2026,kế-hoạch-cchc,Phòng A,9223372036854775807,79228162514264337593543950335,31/12/9999,01/01/2026\n\
2/KH,21/01/2026,khác,Phòng B,-9223372036854775808,79228162514264337593543950335,01/01/0001,\n\
3/QD,22/01/2026,,Phòng B,1,0.0000000000000000000000000001,,\n";

const FACTS: &str = "so_ngay_gia_han = 200000000000\nlon = 9223372036854775807\n\
nho = -9223372036854775808\nkhong = 0\nmot = 1\nthap_phan_lon = \"79228162514264337593543950335\"\n\
thap_phan_nho = \"0.0000000000000000000000000001\"\n";

/// A set whose rows `1.1`, `1.2`, … have the given rules, each worth 1 point.
fn set_text(rules: &[String]) -> String {
    let mut text = format!(
        "{HEAD}\n[[criterion]]\nid = \"1\"\ntitle = \"Field\"\nmax = {}\n",
        rules.len()
    );
    for (i, rule) in rules.iter().enumerate() {
        text.push_str(&format!(
            "\n[[criterion]]\nid = \"1.{}\"\ntitle = \"Row\"\nmax = 1\nmethod = \"self\"\n\
             reads = [\"documents\", \"facts\"]\nrule = '''\n{rule}\n'''\n",
            i + 1
        ));
    }
    text
}

fn files_with(rules: &[String], documents: &str) -> MemoryFiles {
    let mut files = MemoryFiles::new();
    files.insert("set/criteria.toml", set_text(rules));
    files.insert(
        "unit/unit.toml",
        "code = \"U\"\nname = \"Unit\"\ngroup = \"so\"\n",
    );
    files.insert("unit/documents.csv", documents);
    files.insert("unit/facts.toml", FACTS);
    files
}

fn score_files(files: &MemoryFiles) -> Report {
    let set = load_criteria(files, Path::new("set")).expect("loads");
    let criteria = CompiledCriteria::compile(set).expect("compiles");
    let as_of = criteria.default_as_of().expect("a year end");
    (criteria.score_unit(files, Path::new("unit"), as_of, &ReadOptions::default())).expect("reads")
}

fn score(rules: &[String]) -> Report {
    score_files(&files_with(rules, DOCUMENTS))
}

/// (status, explanation) of the one rule.
fn run(rule: &str) -> (Status, String) {
    let report = score(&[rule.to_owned()]);
    let node = report.node("1.1").expect("row 1.1");
    (node.status, node.explanation.clone())
}

fn assert_row_error(rule: &str, needle: &str) -> String {
    let (status, why) = run(rule);
    assert_eq!(status, Status::Error, "{rule}: {why}");
    assert!(
        why.contains(needle),
        "{rule}: `{why}` should say `{needle}`"
    );
    why
}

// Item 5: a panic in `add_days`.

#[test]
fn add_days_far_beyond_the_calendar_is_a_row_error_not_a_panic() {
    let why = assert_row_error(
        "if add_days(date(2026, 1, 31), fact(\"so_ngay_gia_han\")) > date(2026, 1, 1) { 1 } else { 0 }",
        "ngày vượt giới hạn",
    );
    assert!(why.contains("criteria.toml:"), "{why}");
    for n in [
        "9223372036854775807",
        "(-9223372036854775807 - 1)",
        "106751991167301",
    ] {
        assert_row_error(
            &format!("if add_days(date(2026, 1, 31), {n}) > date(2026, 1, 1) {{ 1 }} else {{ 0 }}"),
            "ngày vượt giới hạn",
        );
    }
}

// Item 5: every helper, extreme values.

/// Integers and decimals at the edges, as rhai expressions.
const EXTREMES: [&str; 16] = [
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
    "-0.0000000000000000000000000001",
    "79228162514264337593543950335.0",
    "-79228162514264337593543950335.0",
    "7.9228162514264337593543950335",
    "fact(\"lon\")",
    "fact(\"thap_phan_lon\")",
];

const DATES: [&str; 5] = [
    "date(2026, 1, 31)",
    "date(262143, 12, 31)",
    "date(-262144, 1, 1)",
    "date(\"31/12/9999\")",
    "as_of()",
];

/// Every helper and operator a rule can reach, `A`, `B`, `C` numbers and `D` a date.
const TEMPLATES: [&str; 45] = [
    "if add_days(D, A) > D { 1 } else { 0 }",
    "if date(A, 1, 1) > D { 1 } else { 0 }",
    "if date(2026, A, B) > D { 1 } else { 0 }",
    "if D == add_days(D, A) { 1 } else { 0 }",
    "if ratio(A, B) >= C { 1 } else { 0 }",
    "if ratio(A, B) < C { 1 } else { 0 }",
    "if C == ratio(A, B) { 1 } else { 0 }",
    "bands(ratio(A, B), [[C, 1], [0.5, 0.5]])",
    "bands(A, [[B, 1], [C, 0.5]])",
    "bands(A, [[B, 1]], C)",
    "prop(ratio(A, B), 1, C)",
    "prop(ratio(A, B), C, 0)",
    "bands(ratio(A, B), [[1, prop(ratio(A, B), 1, C)]])",
    "capped(A, B)",
    "deduct(A, B, C, -1)",
    "deduct(0, A, B, C)",
    "level(A, #{ \"1\": 1, \"0\": 0 })",
    "round2(A * 1.0)",
    "A + B",
    "A - B",
    "A * B",
    "A / B",
    "A % B",
    "-A",
    "A ** 2",
    "A ** B",
    "if A < B { 1 } else { 0 }",
    "if A == B { 1 } else { 0 }",
    "binary(A > B, 1)",
    "points(A, \"x\")",
    "count_true([A > 0, B > 0])",
    "table(\"documents\").where_eq(\"so_trang\", A).count",
    "table(\"documents\").where_in(\"kinh_phi\", [A, B]).count",
    "table(\"documents\").where_by(\"han\", D).count",
    "table(\"documents\").where_after(\"ngay_xong\", D).count",
    "bands(table(\"documents\").sum(\"so_trang\"), [[A, 1]])",
    "bands(table(\"documents\").sum(\"kinh_phi\"), [[A, 1]])",
    "bands(on_time(table(\"documents\").where_filled(\"han\"), \"han\", \"ngay_xong\", A).ratio, [[B, 1]])",
    "issued_by(\"kế-hoạch-cchc\", D, A, B)",
    "issued_by(\"kế-hoạch-cchc\", [[D, A], [D, B]], C)",
    "if issued_on(\"kế-hoạch-cchc\") <= D { A } else { B }",
    "bands(fact_ratio(\"lon\", \"nho\"), [[A, 1]])",
    "bands(fact_ratio(\"thap_phan_lon\", \"thap_phan_nho\"), [[A, 1]])",
    "let r = ratio(A, B); if r.numerator > r.denominator && !r.is_empty() { 1 } else { 0 }",
    "bands(table(\"documents\").distinct(\"don_vi\") * A, [[B, 1]])",
];

fn instantiate(template: &str, a: &str, b: &str, c: &str, d: &str) -> String {
    template
        .replace('A', &format!("({a})"))
        .replace('B', &format!("({b})"))
        .replace('C', &format!("({c})"))
        .replace('D', d)
}

/// The rules of `rules` that panic when scored (each is scored alone once a batch panics).
fn panicking(rules: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    for batch in rules.chunks(200) {
        if catch_unwind(AssertUnwindSafe(|| score(batch))).is_ok() {
            continue;
        }
        for rule in batch {
            let one = std::slice::from_ref(rule);
            if catch_unwind(AssertUnwindSafe(|| score(one))).is_err() {
                found.push(rule.clone());
            }
        }
    }
    found
}

#[test]
fn every_helper_on_extreme_values_ends_its_row_without_a_panic() {
    let mut rules = Vec::new();
    for template in TEMPLATES {
        let uses = |v: char| template.contains(v);
        let dates: &[&str] = if uses('D') { &DATES } else { &DATES[..1] };
        for (i, a) in EXTREMES.iter().enumerate() {
            for (j, b) in EXTREMES.iter().enumerate() {
                if !uses('B') && j > 0 {
                    continue;
                }
                // C runs over the extremes on the diagonal only: three full axes are 4 096 rules.
                for c in [EXTREMES[(i + j) % EXTREMES.len()], "0.95"] {
                    if !uses('C') && c == "0.95" {
                        continue;
                    }
                    for d in dates {
                        rules.push(instantiate(template, a, b, c, d));
                    }
                }
            }
        }
    }
    // The quiet hook keeps a caught panic's message out of the test output but for its count.
    let found = panicking(&rules);
    assert!(
        found.is_empty(),
        "{} of {} rules panicked, e.g.:\n{}",
        found.len(),
        rules.len(),
        found
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// A decimal from any mantissa that fits its 96 bits and any scale.
fn decimal() -> impl Strategy<Value = String> {
    (any::<i64>(), any::<u32>(), 0u32..=28).prop_map(|(hi, lo, scale)| {
        let mantissa = (i128::from(hi) << 32 | i128::from(lo)) >> 32;
        let d = rust_decimal::Decimal::try_from_i128_with_scale(mantissa, scale)
            .unwrap_or(rust_decimal::Decimal::MAX);
        // rhai reads `1` as an integer and `1.0` as a decimal.
        let text = d.to_string();
        if text.contains('.') {
            format!("({text})")
        } else {
            format!("({text}.0)")
        }
    })
}

fn int() -> impl Strategy<Value = String> {
    any::<i64>().prop_map(|i| {
        if i == i64::MIN {
            "(-9223372036854775807 - 1)".to_owned()
        } else {
            format!("({i})")
        }
    })
}

fn number() -> impl Strategy<Value = String> {
    prop_oneof![
        int(),
        decimal(),
        prop::sample::select(EXTREMES.to_vec()).prop_map(str::to_owned)
    ]
}

fn day() -> impl Strategy<Value = String> {
    (-262_144i64..=262_143, 1i64..=12, 1i64..=31)
        .prop_map(|(y, m, d)| format!("date({y}, {m}, {})", d.min(28)))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn every_helper_on_arbitrary_numbers_ends_its_row_without_a_panic(
        a in number(), b in number(), c in number(), d in day()
    ) {
        let rules: Vec<String> =
            TEMPLATES.iter().map(|t| instantiate(t, &a, &b, &c, &d)).collect();
        let report = catch_unwind(AssertUnwindSafe(|| score(&rules)));
        prop_assert!(report.is_ok(), "a helper panicked on A = {a}, B = {b}, C = {c}, D = {d}");
    }
}

// The ratio overflow.

#[test]
fn a_ratio_too_large_to_compare_is_a_row_error_not_not_arising() {
    let big = "let d = 1000000000000000000.0 * 10000000000.0;";
    assert_row_error(
        &format!("{big}\nbands(ratio(d, d), [[10, 1], [0.5, 0.5]])"),
        "vượt giới hạn",
    );
    assert_row_error(
        &format!("{big}\nif ratio(d, d) >= 10 {{ 1 }} else {{ 0 }}"),
        "vượt giới hạn",
    );
    assert_row_error(&format!("{big}\nprop(ratio(1, d), 1, 10)"), "vượt giới hạn");
    assert_row_error(
        "bands(fact_ratio(\"thap_phan_lon\", \"thap_phan_lon\"), [[2, 1], [0.5, 0.5]])",
        "vượt giới hạn",
    );
    // A zero denominator is still "not arising".
    let (status, _) = run("bands(ratio(0, 0), [[1, 1]])");
    assert_eq!(status, Status::NotApplicable);
}

// Item 11: a rule's strings against evidence, whatever their normalisation.

/// `kế-hoạch-cchc` decomposed: e, combining circumflex, combining acute; o, combining hook.
const NFD_TAG: &str = "ke\u{302}\u{301}-hoa\u{323}ch-cchc";
const NFC_TAG: &str = "kế-hoạch-cchc";

#[test]
fn a_tag_written_in_nfd_in_a_rule_matches_nfc_evidence() {
    assert_ne!(NFD_TAG, NFC_TAG);
    for rule in [
        format!("bands(table(\"documents\").where_tag(\"nhom\", \"{NFD_TAG}\").count, [[1, 1]])"),
        format!("bands(table(\"documents\").where_eq(\"nhom\", \"{NFD_TAG}\").count, [[1, 1]])"),
        format!("bands(table(\"documents\").where_in(\"nhom\", [\"{NFD_TAG}\"]).count, [[1, 1]])"),
        format!("issued_by(\"{NFD_TAG}\", date(2026, 1, 31), 1, 0.5)"),
        // Built at run time from pieces: the decomposed accents arrive apart from their letter.
        "issued_by(\"ke\" + \"\u{302}\u{301}-hoa\u{323}ch-cchc\", date(2026, 1, 31), 1, 0.5)"
            .to_owned(),
        "bands(table(\"documents\").where_eq(\"don_vi\", \"Pho\u{300}ng A\").count, [[1, 1]])"
            .to_owned(),
    ] {
        let (status, why) = run(&rule);
        assert_eq!(status, Status::Scored, "{rule}: {why}");
        let report = score(std::slice::from_ref(&rule));
        let node = report.node("1.1").expect("1.1");
        assert_eq!(node.points, common::dec("1"), "{rule}: {why}");
    }
}

#[test]
fn a_tag_in_nfc_in_a_rule_matches_nfd_evidence() {
    let documents = DOCUMENTS.replace(NFC_TAG, NFD_TAG);
    assert!(documents.contains(NFD_TAG));
    let rule = format!("issued_by(\"{NFC_TAG}\", date(2026, 1, 31), 1, 0.5)");
    let report = score_files(&files_with(std::slice::from_ref(&rule), &documents));
    let node = report.node("1.1").expect("1.1");
    assert_eq!(node.status, Status::Scored, "{}", node.explanation);
    assert_eq!(node.points, common::dec("1"), "{}", node.explanation);
}

// Item 12: memory that grows.

#[test]
fn distinct_beyond_its_bound_is_a_row_error_naming_the_table_and_column() {
    let mut documents =
        String::from("so_ky_hieu,ngay_ban_hanh,nhom,don_vi,so_trang,kinh_phi,han,ngay_xong\n");
    for i in 0..=parindex_core::rules::DISTINCT_MAX_VALUES {
        documents.push_str(&format!("{i}/QD,20/01/2026,,Phòng {i},,,,\n"));
    }
    let rule = "bands(table(\"documents\").distinct(\"don_vi\"), [[1, 1]])".to_owned();
    let report = score_files(&files_with(std::slice::from_ref(&rule), &documents));
    let node = report.node("1.1").expect("1.1");
    assert_eq!(node.status, Status::Error, "{}", node.explanation);
    for needle in ["documents", "don_vi", "10.000"] {
        assert!(node.explanation.contains(needle), "{}", node.explanation);
    }
    // At the bound itself, it counts.
    let at_bound: String = documents
        .lines()
        .take(parindex_core::rules::DISTINCT_MAX_VALUES + 1)
        .collect::<Vec<_>>()
        .join("\n");
    let report = score_files(&files_with(std::slice::from_ref(&rule), &at_bound));
    assert_eq!(report.node("1.1").expect("1.1").status, Status::Scored);
}

#[test]
fn distinct_is_bounded_the_same_when_a_province_is_streamed() {
    // Unit U1 has one value past the bound, U2 three: streamed (in parallel blocks whose
    // accumulators merge) and read whole, U1's row fails and U2's counts.
    let rule = "bands(table(\"documents\").distinct(\"don_vi\"), [[3, 1]])".to_owned();
    let mut files = MemoryFiles::new();
    files.insert("set/criteria.toml", set_text(std::slice::from_ref(&rule)));
    files.insert(
        "p/units.csv",
        "ma_don_vi,ten_don_vi,nhom\nU1,Đơn vị 1,so\nU2,Đơn vị 2,so\n",
    );
    let mut documents = String::from("ma_don_vi,so_ky_hieu,ngay_ban_hanh,don_vi\n");
    for i in 0..=parindex_core::rules::DISTINCT_MAX_VALUES {
        documents.push_str(&format!("U1,{i}/QD,20/01/2026,Phòng {i}\n"));
        if i < 3 {
            documents.push_str(&format!("U2,{i}/QD,20/01/2026,Phòng {i}\n"));
        }
    }
    files.insert("p/documents.csv", documents);
    files.insert("p/facts.toml", "");
    let set = load_criteria(&files, Path::new("set")).expect("loads");
    let criteria = CompiledCriteria::compile(set).expect("compiles");
    let as_of = criteria.default_as_of().expect("a year end");
    let options = parindex_core::ReadOptions::default();
    let streamed = criteria
        .score_province(&files, Path::new("p"), as_of, &options)
        .expect("streams");
    let whole = parindex_core::evidence::read_province(
        &files,
        criteria.criteria(),
        Path::new("p"),
        &options,
    )
    .map(|units| criteria.score_all(&units, as_of))
    .expect("reads whole");
    assert_eq!(streamed.len(), 2);
    for (a, b) in streamed.iter().zip(&whole) {
        assert_eq!(a.to_json(), b.to_json(), "streamed = read whole");
    }
    let row = |i: usize| streamed[i].node("1.1").expect("1.1");
    assert_eq!(row(0).status, Status::Error, "{}", row(0).explanation);
    assert!(
        row(0).explanation.contains("`don_vi`"),
        "{}",
        row(0).explanation
    );
    assert_eq!(row(1).status, Status::Scored, "{}", row(1).explanation);
}

#[test]
fn a_case_with_too_many_rows_is_refused_before_it_is_built() {
    let files = common::example();
    let set = load_criteria(&files, Path::new("criteria/nghe-an-2026-so")).expect("loads");
    let criteria = CompiledCriteria::compile(set).expect("compiles");
    let case = |evidence: &str| Case {
        file: "x.cases".into(),
        line: 1,
        row: "3.2.1".to_owned(),
        as_of: None,
        evidence: evidence.to_owned(),
        expected: "error".to_owned(),
    };
    let max = parindex_core::cases::CASE_MAX_RECORDS;
    let file = CaseFile {
        cases: vec![
            case(&format!("rows dossiers {}", max + 1)),
            case(&format!("rows dossiers {max}; rows dossiers 1")),
            case("rows dossiers 50000000"),
            case("rows dossiers 18446744073709551615"),
        ],
        defaults: Default::default(),
    };
    let started = std::time::Instant::now();
    for result in run_cases(&criteria, &file) {
        assert_eq!(result.got, "ca không hợp lệ", "{}", result.case.evidence);
        assert!(
            result.explanation.contains("100.000"),
            "{}: {}",
            result.case.evidence,
            result.explanation
        );
    }
    assert!(started.elapsed().as_secs() < 10, "{:?}", started.elapsed());
}

// Item 13: rhai's own errors, in Vietnamese, at the rule's line.

#[test]
fn rhai_errors_reach_the_officer_in_vietnamese() {
    for (rule, needle) in [
        ("loop { }", "quá nhiều phép tính"),
        ("fn f(x) { f(x + 1) }\nf(0)", "lồng nhau quá sâu"),
        ("print(\"x\"); 1", "không có hàm `print`"),
        ("1 / 0", "chia cho 0"),
        ("let x = 9223372036854775807; x + 1", "vượt giới hạn"),
        ("let a = [1]; a[5]", "ngoài"),
        ("let s = \"x\"; loop { s += s; }", "quá lớn"),
        ("let m = #{}; m.x.y", ""),
    ] {
        let why = assert_row_error(rule, needle);
        for english in [
            "Too many",
            "Stack overflow",
            "Function not found",
            "Division by zero",
            "overflow",
            "line ",
            "position",
            "not found",
            "Array index",
        ] {
            assert!(!why.contains(english), "{rule}: `{why}` has `{english}`");
        }
        assert!(
            why.contains("criteria.toml:"),
            "{rule}: `{why}` names no line"
        );
    }
}

#[test]
fn an_undefined_variable_is_named_in_vietnamese_at_load() {
    let files = files_with(&["root + 1".to_owned()], DOCUMENTS);
    let set = load_criteria(&files, Path::new("set")).expect("loads");
    let text = CompiledCriteria::compile(set)
        .map(|_| ())
        .expect_err("an undefined variable does not compile")
        .to_string();
    assert!(text.contains("`root`"), "{text}");
    assert!(!text.contains("Undefined variable"), "{text}");
    assert!(text.contains("chưa được khai báo"), "{text}");
}

/// A set's cases share one budget of operations (`CASES_MAX_OPERATIONS`): thousands of cases
/// over a rule that spins end each on its share, not on a unit's whole budget, so that running
/// them cannot take hours; the same on every run.
#[test]
fn a_sets_cases_share_one_budget_of_operations() {
    let files = files_with(&["let n = 0; loop { n += 1; }".to_owned()], "so_ky_hieu\n");
    let set = load_criteria(&files, Path::new("set")).expect("loads");
    let criteria = CompiledCriteria::compile(set).expect("compiles");
    let count = 1000;
    let file = CaseFile {
        cases: (0..count)
            .map(|i| Case {
                file: "spin.cases".into(),
                line: i + 1,
                row: "1.1".to_owned(),
                as_of: None,
                evidence: "facts".to_owned(),
                expected: "error".to_owned(),
            })
            .collect(),
        defaults: Default::default(),
    };
    let share = parindex_core::cases::CASES_MAX_OPERATIONS / count as u64;
    assert!(share < criteria.limits().max_operations);
    let results = run_cases(&criteria, &file);
    assert_eq!(results.len(), count);
    for r in &results {
        assert_eq!(r.got, "error", "{}", r.explanation);
        assert!(
            r.explanation
                .contains(&format!("đã chạy hết giới hạn {share} phép tính")),
            "{}",
            r.explanation
        );
    }
    assert_eq!(run_cases(&criteria, &file), results, "the same every run");
    // A few cases keep a unit's own budget: the rule ends on its own limit.
    let few = CaseFile {
        cases: file.cases[..3].to_vec(),
        defaults: Default::default(),
    };
    for r in run_cases(&criteria, &few) {
        assert!(
            r.explanation.contains("quá nhiều phép tính"),
            "{}",
            r.explanation
        );
    }
}
