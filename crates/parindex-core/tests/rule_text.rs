//! Everything that looks inside a rule without running it reads the same text: a band table in
//! a comment is not a band table for `check`, for `explain`, nor for the row's score and its
//! points lost (issue "One rules front end": the comment case).

use std::path::{Path, PathBuf};

use parindex_core::check::facts_named;
use parindex_core::explain::explain_row;
use parindex_core::{
    check_criteria, load_criteria, CompiledCriteria, Files, FsFiles, MemoryFiles, ReadOptions,
    Report,
};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `fixtures/mini` in memory, row 2.1's rule preceded by `comment`.
fn mini(comment: &str) -> MemoryFiles {
    let mut files = MemoryFiles::new();
    let dir = root().join("fixtures/mini");
    for sub in ["", "rules", "evidence"] {
        let Ok(listing) = FsFiles.list(&dir.join(sub)) else {
            continue;
        };
        for path in listing {
            let name = Path::new("mini")
                .join(sub)
                .join(path.file_name().expect("a name"));
            files.insert(name, std::fs::read(&path).expect("the file"));
        }
    }
    let toml = String::from_utf8(files.read(Path::new("mini/criteria.toml")).expect("toml"))
        .expect("UTF-8");
    let rule = "rule = '''\nbands(on_time(";
    assert!(
        toml.contains(rule),
        "row 2.1's rule is where the test expects it"
    );
    let commented = toml.replacen(rule, &format!("rule = '''\n{comment}\nbands(on_time("), 1);
    files.insert("mini/criteria.toml", commented);
    files
}

fn score(files: &MemoryFiles) -> Report {
    let set = load_criteria(files, Path::new("mini")).expect("the set loads");
    let criteria = CompiledCriteria::compile(set).expect("it compiles");
    let as_of = criteria.default_as_of().expect("31/12");
    let dir = Path::new("mini/evidence");
    (criteria.score_unit(files, dir, as_of, &ReadOptions::default())).expect("it scores")
}

/// Row 2.1's rule as `explain` quotes it, then its readings, a line each.
fn explained(files: &MemoryFiles) -> String {
    let set = load_criteria(files, Path::new("mini")).expect("the set loads");
    let row = explain_row(&set, "2.1").expect("row 2.1");
    let rule = row.leaf.and_then(|l| l.rule).expect("a rule");
    format!("{}\n{}", rule.text, rule.readings.join("\n"))
}

#[test]
fn a_band_table_in_a_comment_is_not_read_by_check_explain_or_the_score() {
    let plain = mini("");
    for comment in [
        "/* old: bands(x, [[0.5, 2.5]]) */",
        "// old: bands(x, [[0.5, 2.5]])",
        "/* /* nested */ bands(x, [[0.5, 2.5]]) */",
    ] {
        let files = mini(comment);
        let problems = check_criteria(&files, Path::new("mini"));
        assert!(problems.is_empty(), "{comment}: {problems:?}");
        let text = explained(&files);
        assert!(
            !text.contains("50%"),
            "{comment}: explain read the comment:\n{text}"
        );
        assert!(
            text.contains("≥ 100%: 2,5 điểm"),
            "{comment}: the real bands:\n{text}"
        );
        // The explanation is the uncommented rule's, but for the rule text it quotes.
        let without = |t: &str| {
            t.lines()
                .filter(|l| !l.contains(comment) && !l.trim().is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        assert_eq!(without(&text), without(&explained(&plain)), "{comment}");
        let (a, b) = (score(&files), score(&plain));
        let row = |r: &Report| {
            let n = r.node("2.1").expect("row 2.1");
            (n.points, n.explanation.clone(), n.lost, n.restore.clone())
        };
        assert_eq!(row(&a), row(&b), "{comment}");
    }
}

#[test]
fn check_reads_a_band_table_outside_a_comment() {
    // The same text uncommented is code: its band is checked (2.5 points at 50% after 2.5 at
    // 100% is out of order for `check`), so the test above would fail if comments were read.
    let files = mini("let old = bands(0, [[0.5, 3.5]]);");
    let problems = check_criteria(&files, Path::new("mini"));
    assert!(!problems.is_empty(), "3.5 points exceed the row's 2.5");
    assert!(explained(&files).contains("50%"));
}

#[test]
fn the_facts_a_set_names_are_read_from_code_only() {
    let plain = mini("");
    let set = load_criteria(&plain, Path::new("mini")).expect("the set loads");
    let named = facts_named(&set);
    assert!(!named.is_empty(), "the mini set's rules read facts");
    let files = mini("// fact(\"cu\") /* has_fact(\"cu2\") */");
    let set = load_criteria(&files, Path::new("mini")).expect("the set loads");
    assert_eq!(
        facts_named(&set),
        named,
        "a fact named in a comment is not asked for"
    );
    let files = mini("let extra = has_fact(\"moi\");");
    let set = load_criteria(&files, Path::new("mini")).expect("the set loads");
    assert!(facts_named(&set).contains(&"moi".to_owned()));
}

/// The problems `check` reports for row 2.1's rule preceded by `line`, as `line:col message`.
fn checked(line: &str) -> Vec<String> {
    let files = mini(line);
    check_criteria(&files, Path::new("mini"))
        .iter()
        .map(|d| {
            format!(
                "{}:{} {}",
                d.line.unwrap_or(0),
                d.column.unwrap_or(0),
                d.message
            )
        })
        .collect()
}

#[test]
fn check_knows_the_helpers_from_the_registry_the_engine_uses() {
    // Every helper the engine registers is a helper `check` accepts: a call of each form, with
    // arguments that are not literals, raises no unknown function ("gọi hàm không có") and no
    // argument problem ("đối số").
    for helper in parindex_core::rules::rule_helpers() {
        if helper.property || !helper.name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let args = vec!["x"; helper.args.len()].join(", ");
        let problems = checked(&format!("let x = 0; let y = {}({args});", helper.name));
        assert!(
            !problems
                .iter()
                .any(|p| p.contains("gọi hàm không có") || p.contains("đối số")),
            "{}({args}): {problems:?}",
            helper.name
        );
    }
    // rhai's own functions are not helpers, and not unknown either.
    assert_eq!(
        checked("let y = [1, 2].len() + max(1, 2);"),
        Vec::<String>::new()
    );
}

#[test]
fn check_reports_an_unknown_helper_and_wrong_arguments() {
    let unknown = checked("let y = band(0, [[1, 1]]);");
    assert_eq!(unknown.len(), 1, "{unknown:?}");
    assert!(
        unknown[0].contains("gọi hàm không có: `band`"),
        "{unknown:?}"
    );
    let problems = check_criteria(&mini("let y = band(0, [[1, 1]]);"), Path::new("mini"));
    assert_eq!(
        problems[0]
            .hint
            .as_deref()
            .map(|h| h.starts_with("có phải ý bạn là `bands`?")),
        Some(true),
        "{problems:?}"
    );
    let arity = checked("let y = bands(0);");
    assert_eq!(arity.len(), 1, "{arity:?}");
    assert!(
        arity[0].contains("gọi bands(…) với 1 đối số, nhưng bands nhận 2 hoặc 3 đối số"),
        "{arity:?}"
    );
    let kind = checked("let y = table(\"dossiers\").where_true(3);");
    assert!(
        kind.iter().any(|p| p.contains(
            "truyền một số nguyên làm đối số thứ 2 của where_true(…), trong khi đối số này cần mã một cột (chuỗi)"
        )),
        "{kind:?}"
    );
    assert!(
        checked("let y = round2(3);")
            .iter()
            .any(|p| p
                .contains("một số nguyên làm đối số thứ nhất của round2(…), trong khi đối số này cần một số thập phân")),
        "round2(3) fails when it runs"
    );
    // In a comment, none of it is code.
    assert_eq!(
        checked("// band(0); bands(0); round2(3)"),
        Vec::<String>::new()
    );
    // The engine agrees: each of these fails the row when it runs.
    for line in ["band(0, [[1, 1]]);", "bands(0);", "round2(3);"] {
        let files = mini(line);
        let report = score(&files);
        let row = report.node("2.1").expect("row 2.1");
        // The rule's last expression decides; the line above is run first and fails.
        assert_eq!(row.status.as_str(), "error", "{line}: {}", row.explanation);
    }
}

#[test]
fn explain_reads_every_deadline_step_of_issued_by() {
    // It read the numbers of the rule in a row: the second step's year became the points
    // after the deadline ("ban hành sau hạn: 2.027 điểm").
    let set = load_criteria(&FsFiles, &root().join("criteria/nghe-an-2026-so")).expect("the set");
    let row = explain_row(&set, "5.3").expect("row 5.3");
    let rule = row.leaf.and_then(|l| l.rule).expect("a rule");
    let text = rule.readings.join("\n");
    assert!(
        text.contains(
            "văn bản nhóm `danh-gia-xep-loai` ban hành đến 31/12/2026: 2 điểm; đến 31/01/2027: 1 điểm; \
             ban hành sau hạn: 0 điểm; không ban hành: 0 điểm"
        ),
        "{text}"
    );
}
