//! Rules are untrusted: whatever a rule does, it ends on its own row, within limits, and the
//! other rows are scored.

use std::path::Path;
use std::time::Instant;

use parindex_core::report::Status;
use parindex_core::{load_criteria, CompiledCriteria, Error, MemoryFiles, ReadOptions};

mod common;

const HEAD: &str = r#"
[set]
id = "sandbox"
title = "Sandbox"
province = "Nghệ An"
year = 2026
unit_group = "so"
not_arising = "exclude"

[[rating]]
label = "Đạt"
min = 0

[tables.items]
title = "Items"
columns = [{ id = "n", type = "integer", required = true }]

[[criterion]]
id = "1"
title = "Field"
max = 2

[[criterion]]
id = "1.1"
title = "A good row"
max = 1
method = "self"
reads = ["items"]
rule = 'bands(table("items").count(), [[1, 1]])'

[[criterion]]
id = "1.2"
title = "The rule under test"
max = 1
method = "self"
reads = ["items"]
"#;

fn files(rule: &str) -> MemoryFiles {
    let mut files = MemoryFiles::new();
    files.insert(
        "set/criteria.toml",
        format!("{HEAD}rule = '''\n{rule}\n'''\n"),
    );
    files.insert(
        "unit/unit.toml",
        "code = \"U\"\nname = \"Unit\"\ngroup = \"so\"\n",
    );
    files.insert("unit/items.csv", "n\n1\n2\n");
    files
}

/// Scores the rule; returns (status of 1.1, status of 1.2, explanation of 1.2).
fn run(rule: &str) -> (Status, Status, String) {
    let files = files(rule);
    let set = load_criteria(&files, Path::new("set")).expect("loads");
    let criteria = CompiledCriteria::compile(set).expect("compiles");
    let as_of = criteria.default_as_of().expect("date");
    let report = criteria
        .score_unit(&files, Path::new("unit"), as_of, &ReadOptions::default())
        .expect("reads");
    let a = report.node("1.1").expect("1.1");
    let b = report.node("1.2").expect("1.2");
    (a.status, b.status, b.explanation.clone())
}

fn assert_row_error(rule: &str, needle: &str) {
    let started = Instant::now();
    let (good, bad, why) = run(rule);
    // Generous bound for a debug build on a loaded machine; the limits are what end the rule.
    assert!(
        started.elapsed().as_secs() < 10,
        "{rule} took {:?}",
        started.elapsed()
    );
    assert_eq!(good, Status::Scored, "the other row is scored");
    assert_eq!(bad, Status::Error, "{rule}: {why}");
    assert!(
        why.contains(needle),
        "{rule}: `{why}` should mention `{needle}`"
    );
}

#[test]
fn an_endless_loop_hits_the_operations_limit() {
    assert_row_error("loop { }", "quá nhiều phép tính");
}

#[test]
fn deep_recursion_hits_the_call_limit() {
    assert_row_error("fn f(x) { f(x + 1) }\nf(0)", "");
}

#[test]
fn huge_strings_and_arrays_hit_the_size_limits() {
    assert_row_error("let s = \"x\"; loop { s += s; }", "");
    assert_row_error("let a = [1]; loop { a += a; }", "");
}

#[test]
fn print_and_debug_do_not_exist() {
    assert_row_error("print(\"hello\"); 1", "print");
    assert_row_error("debug(\"hello\"); 1", "debug");
}

#[test]
fn unknown_functions_are_row_errors() {
    assert_row_error("timestamp(); 1", "timestamp");
    assert_row_error("sleep(10); 1", "sleep");
}

#[test]
fn reading_an_undeclared_table_is_a_row_error() {
    assert_row_error("table(\"secrets\").count()", "reads");
}

#[test]
fn points_out_of_bounds_are_a_row_error_not_a_clamp() {
    assert_row_error("2", "[0; 1]");
    assert_row_error("-0.25", "[0; 1]");
}

#[test]
fn a_rule_returning_something_else_is_a_row_error() {
    assert_row_error("\"một điểm\"", "");
}

#[test]
fn import_and_undefined_variables_are_load_errors() {
    for rule in ["import \"os\" as os;\n1", "x + 1"] {
        let files = files(rule);
        let set = load_criteria(&files, Path::new("set")).expect("loads");
        match CompiledCriteria::compile(set) {
            Err(Error::Criteria(d)) => {
                let text = d.to_string();
                assert!(text.contains("dòng `1.2`"), "{text}");
                // The rule's first line is the line after `rule = '''`.
                let line = HEAD.matches('\n').count() + 2;
                assert!(text.contains(&format!("criteria.toml:{line}:")), "{text}");
            }
            other => panic!("{rule}: expected a load error, got {other:?}"),
        }
    }
}

#[test]
fn a_rule_cannot_catch_the_engines_signals() {
    // try/catch would swallow "no evidence" and "not arising": it is not part of the language
    // of rules.
    let files = files("try { fact(\"x\") } catch { 1 }");
    let set = load_criteria(&files, Path::new("set")).expect("loads");
    assert!(matches!(
        CompiledCriteria::compile(set),
        Err(Error::Criteria(_))
    ));
}

/// A set of many rows, each spinning to its own limit: the unit's budget of operations ends
/// them all from the tenth (the default's 1,000,000 over 100,000 a rule), the rest without running,
/// so that a scoring cannot hold a core for minutes; the rows before it are scored, and the
/// same rows end in the same way on every run.
#[test]
fn the_rules_of_one_unit_share_a_budget_of_operations() {
    let limits = parindex_core::rules::Limits::default();
    let full =
        usize::try_from(limits.max_operations_per_unit / limits.max_operations).expect("a count");
    assert_eq!(full, 10);
    let spinning = 2000;
    let mut text = HEAD.replace("max = 2\n", &format!("max = {}\n", spinning + 2));
    text.push_str("rule = 'bands(table(\"items\").count(), [[1, 1]])'\n");
    for k in 0..spinning {
        text.push_str(&format!(
            "\n[[criterion]]\nid = \"1.{}\"\ntitle = \"Spins\"\nmax = 1\nmethod = \"self\"\nreads = [\"items\"]\nrule = 'let n = 0; loop {{ n += 1; }}'\n",
            k + 3
        ));
    }
    let mut files = files("1");
    files.insert("set/criteria.toml", text);
    let set = load_criteria(&files, Path::new("set")).expect("loads");
    let criteria = CompiledCriteria::compile(set).expect("compiles");
    let as_of = criteria.default_as_of().expect("date");
    let score = || {
        criteria
            .score_unit(&files, Path::new("unit"), as_of, &ReadOptions::default())
            .expect("reads")
    };
    let report = score();
    for id in ["1.1", "1.2"] {
        assert_eq!(
            report.node(id).expect("a row").status,
            Status::Scored,
            "{id}"
        );
    }
    let why = |k: usize| {
        let node = report
            .node(&format!("1.{}", k + 3))
            .expect("a spinning row");
        assert_eq!(node.status, Status::Error);
        node.explanation.clone()
    };
    // The good rows spent a few operations: the tenth ends on the unit's budget.
    for k in 0..full - 1 {
        assert!(
            why(k).contains("quá nhiều phép tính (giới hạn 100000)"),
            "{}",
            why(k)
        );
    }
    for k in full - 1..spinning {
        assert!(
            why(k).contains("đã chạy hết giới hạn 1000000 phép tính cho một đơn vị"),
            "1.{}: {}",
            k + 3,
            why(k)
        );
    }
    assert_eq!(
        score().to_json(),
        report.to_json(),
        "the same rows, every run"
    );
}

/// The run of a periods rule that supposes every period on time (for what restores its
/// points) spends none of the unit's budget: a rule whose supposed branch spins leaves the
/// rows after it the budget they would have had, and itself no hint.
#[test]
fn a_supposed_run_spends_none_of_the_units_budget() {
    let spinning = 12;
    let mut text = String::from(
        r#"
[set]
id = "supposed"
title = "Supposed"
province = "Nghệ An"
year = 2026
unit_group = "so"
not_arising = "exclude"

[[rating]]
label = "Đạt"
min = 0

[tables.reports]
title = "Báo cáo"
columns = [
  { id = "ky", type = "text", required = true },
  { id = "han", type = "date", required = true },
  { id = "ngay_gui", type = "date", required = true },
]
"#,
    );
    text.push_str(&format!(
        "\n[[criterion]]\nid = \"1\"\ntitle = \"Field\"\nmax = {}\n",
        spinning + 1
    ));
    text.push_str(
        "\n[[criterion]]\nid = \"1.1\"\ntitle = \"Periods\"\nmax = 1\nmethod = \"self\"\n\
         reads = [\"reports\"]\nrule = '''\nlet p = periods(\"reports\", \"ky\", [\"Q1\", \"6T\"], \
         \"han\", \"ngay_gui\");\nif p.on_time == 2 { let n = 0; loop { n += 1; } } else { 0.5 }\n'''\n",
    );
    for k in 0..spinning {
        text.push_str(&format!(
            "\n[[criterion]]\nid = \"1.{}\"\ntitle = \"Spins\"\nmax = 1\nmethod = \"self\"\n\
             reads = [\"reports\"]\nrule = 'let n = 0; loop {{ n += 1; }}'\n",
            k + 2
        ));
    }
    let mut files = MemoryFiles::new();
    files.insert("set/criteria.toml", text);
    files.insert(
        "unit/unit.toml",
        "code = \"U\"\nname = \"Unit\"\ngroup = \"so\"\n",
    );
    // 6T late: the rule gives 0.5; supposing both on time, it spins.
    files.insert(
        "unit/reports.csv",
        "ky,han,ngay_gui\nQ1,31/03/2026,30/03/2026\n6T,30/06/2026,02/07/2026\n",
    );
    let report = common::score_set_and_unit(&files);
    let periods = report.node("1.1").expect("1.1");
    assert_eq!(
        (periods.status, periods.restore.as_deref()),
        (Status::Scored, None)
    );
    let limits = parindex_core::rules::Limits::default();
    let full =
        usize::try_from(limits.max_operations_per_unit / limits.max_operations).expect("a count");
    // As in a set without the supposed run: the periods row spent a few operations, so the
    // tenth spinning row ends on the unit's budget, not the ninth.
    let own_limit = (0..spinning)
        .filter(|k| {
            let node = report
                .node(&format!("1.{}", k + 2))
                .expect("a spinning row");
            node.explanation
                .contains("quá nhiều phép tính (giới hạn 100000)")
        })
        .count();
    assert_eq!(own_limit, full - 1);
}
