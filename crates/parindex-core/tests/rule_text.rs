//! Everything that looks inside a rule without running it reads the same text: a band table in
//! a comment is not a band table for `check`, for `explain`, nor for the row's score and its
//! points lost (issue "One rules front end": the comment case).

use std::path::{Path, PathBuf};

use parindex_core::{
    check_criteria, explain_row, facts_named, load_criteria, CompiledCriteria, Files, FsFiles,
    MemoryFiles, ReadOptions, Report,
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

fn explained(files: &MemoryFiles) -> String {
    let set = load_criteria(files, Path::new("mini")).expect("the set loads");
    explain_row(&set, "2.1").expect("row 2.1")
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
