//! A criteria set's problems are told in Vietnamese, like the evidence's: what `parindex check`
//! prints, what the web app shows for an uploaded set, and what `parindex test` says of a case.
//! Every message, value expected and hint of many broken sets (the `tests/check-cases` and
//! `tests/cases` folders, and the valid set broken in memory in as many ways as the loader, the
//! whole-set checks, the rule compiler, the rule lint and the cases know) must hold no common
//! English word outside what it quotes: identifiers in backticks, values in double quotes, file
//! names and helper calls.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use parindex_core::cases::{read_cases, run_cases, Case, CaseFile};
use parindex_core::{
    check_criteria, load_criteria, CompiledCriteria, Diagnostic, Error, FsFiles, MemoryFiles,
};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Words that would say a message is (partly) still English.
const ENGLISH: &[&str] = &[
    "the",
    "has",
    "have",
    "is",
    "are",
    "does",
    "not",
    "no",
    "row",
    "rows",
    "criterion",
    "criteria",
    "column",
    "columns",
    "table",
    "tables",
    "unknown",
    "missing",
    "expected",
    "field",
    "must",
    "cannot",
    "which",
    "but",
    "and",
    "or",
    "of",
    "with",
    "did",
    "you",
    "mean",
    "declared",
    "declare",
    "point",
    "points",
    "band",
    "rule",
    "file",
    "invalid",
    "value",
    "key",
    "hint",
    "see",
    "add",
    "only",
    "needs",
    "should",
    "reads",
    "calls",
    "takes",
    "gives",
    "below",
    "above",
    "more",
    "than",
    "lower",
    "higher",
    "twice",
    "duplicate",
    "malformed",
    "leaf",
    "parent",
    "children",
    "set",
    "rating",
    "problem",
    "problems",
    "error",
    "found",
    "string",
    "integer",
    "decimal",
    "type",
    "while",
    "parsing",
    "here",
    "there",
];

/// The English words of `text` outside its quotes (`…`, "…") and outside what is code or a
/// name: a word with `/`, `.`, `(`, `_`, `=`, `[` or `#` in it (`docs/criteria-format.md`,
/// `survey.csv`, `deduct(…)`, `tags = "…"`).
fn english_words(text: &str) -> Vec<String> {
    let mut plain = String::new();
    let mut quote = None;
    for c in text.chars() {
        match (quote, c) {
            (None, '`' | '"') => {
                quote = Some(c);
                plain.push(' ');
            }
            (Some(q), c) if c == q => quote = None,
            (None, c) => plain.push(c),
            (Some(_), _) => {}
        }
    }
    plain
        .split_whitespace()
        .filter(|w| !w.contains(['/', '.', '(', '_', '=', '[', '#']))
        .flat_map(|w| w.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| ENGLISH.contains(&w.to_lowercase().as_str()))
        .map(str::to_owned)
        .collect()
}

/// Every text a diagnostic shows its reader, checked; the messages seen are collected.
fn check_texts(what: &str, problems: &[Diagnostic], seen: &mut BTreeSet<String>) {
    assert!(!problems.is_empty(), "{what}: no problems to read");
    for d in problems {
        for text in [Some(&d.message), d.expected.as_ref(), d.hint.as_ref()]
            .into_iter()
            .flatten()
        {
            let english = english_words(text);
            assert!(
                english.is_empty(),
                "{what}: {english:?} in `{text}` ({})",
                d.message
            );
            seen.insert(text.clone());
        }
    }
}

fn valid_text() -> String {
    std::fs::read_to_string(root().join("tests/check-cases/valid/criteria.toml")).expect("valid")
}

/// The valid set, its `criteria.toml` replaced by `text`, in memory at `set/`.
fn set_with(text: &str) -> MemoryFiles {
    let mut files = MemoryFiles::new();
    files.insert("set/criteria.toml", text.as_bytes().to_vec());
    let rule = root().join("tests/check-cases/valid/rules/ky-so.rhai");
    files.insert(
        "set/rules/ky-so.rhai",
        std::fs::read(rule).expect("ky-so.rhai"),
    );
    files
}

/// The valid set with each `(from, to)` replaced once; every replacement must apply.
fn broken(edits: &[(&str, &str)]) -> MemoryFiles {
    let mut text = valid_text();
    for (from, to) in edits {
        assert!(text.contains(from), "the valid set has no `{from}`");
        text = text.replacen(from, to, 1);
    }
    set_with(&text)
}

#[test]
fn the_check_cases_are_told_in_vietnamese() {
    let mut seen = BTreeSet::new();
    let mut folders = Vec::new();
    for dir in ["tests/check-cases", "tests/cases"] {
        for entry in std::fs::read_dir(root().join(dir)).expect(dir).flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let criteria = dir == "tests/check-cases" || name.starts_with("criteria-");
            if entry.path().is_dir() && criteria && name != "valid" {
                folders.push(entry.path());
            }
        }
    }
    folders.sort();
    assert!(folders.len() >= 14, "{folders:?}");
    for folder in &folders {
        let problems = check_criteria(&FsFiles, folder);
        check_texts(&folder.display().to_string(), &problems, &mut seen);
    }
    // No criteria file at all.
    let problems = check_criteria(&FsFiles, &root().join("tests/check-cases/no-such-case"));
    check_texts("no criteria file", &problems, &mut seen);
    assert!(seen.len() >= 30, "{seen:#?}");
}

#[test]
fn the_whole_set_checks_and_the_lint_are_told_in_vietnamese() {
    let mut seen = BTreeSet::new();
    let sets: Vec<(&str, MemoryFiles)> = vec![
        (
            "tree and maxima",
            broken(&[
                // Field 1 becomes 9: its children have no parent, and 9 is a leaf without method.
                ("id = \"1\"\ntitle = \"Chỉ đạo, điều hành\"", "id = \"9\"\ntitle = \"X\""),
                // A penalty row worth 1 without a floor; a floor on a self row.
                (
                    "max = 0\nmethod = \"penalty\"\nfloor = -2",
                    "max = 1\nmethod = \"penalty\"",
                ),
                ("max = 1\nmethod = \"self\"\nreads = [\"inspections\"]\nrule = 'bands(table(\"inspections\").distinct", "max = 1\nmethod = \"self\"\nfloor = -1\nreads = [\"inspection\"]\nrule = 'bands(table(\"inspections\").distinct"),
                // A survey row with a rule; a parent with scoring keys; a row without a rule.
                ("method = \"survey\"", "method = \"survey\"\nrule = '1'"),
                ("title = \"Các hàm còn lại\"\nmax = 5", "title = \"Các hàm còn lại\"\nmax = 5\nreads = [\"facts\"]"),
                ("reads = [\"facts\"]\nrule = 'prop(fact_ratio", "reads = []\nrule_file = \"rules/ky-so.rhai\"\nrule = 'prop(fact_ratio"),
                // Too deep, negative, too large.
                ("id = \"3.1.1\"", "id = \"3.1.1.1\""),
                ("id = \"3.3\"\ntitle = \"Ứng dụng CNTT (mỗi ứng dụng 0,5 điểm, tối đa 1)\"\nmax = 1", "id = \"3.3\"\ntitle = \"X\"\nmax = -1"),
                ("id = \"3.4\"\ntitle = \"Xử lý vấn đề phát hiện qua kiểm tra\"\nmax = 1", "id = \"3.4\"\ntitle = \"X\"\nmax = 20000"),
            ]),
        ),
        (
            "tables, register, ratings",
            broken(&[
                ("register = { table = \"documents\", tags = \"nhom\" }", "register = { table = \"reports\", tags = \"ky\" }"),
                ("key = \"so_ky_hieu\"\nsubject = \"trich_yeu\"\ndated_by = \"ngay_ban_hanh\"", "key = \"so\"\nsubject = \"trich_yeu\"\ndated_by = \"trich_yeu\""),
                ("[tables.changes]", "[tables.facts]\ntitle = \"X\"\ncolumns = [{ id = \"a\", type = \"text\" }, { id = \"a\", type = \"text\" }]\n\n[tables.changes]"),
                ("label = \"Khá\"\nmin = 80", "label = \"Khá\"\nmin = 95"),
                ("[tables.documents]", "[facts.so_vi_pham]\nlabel = \" \"\ntype = \"integer\"\n\n[tables.documents]"),
            ]),
        ),
        (
            "no ratings, no criteria",
            set_with(
                "[set]\nid = \"x\"\ntitle = \"X\"\nprovince = \"Nghệ An\"\nyear = 2026\n\
                 unit_group = \"so\"\nnot_arising = \"exclude\"\n",
            ),
        ),
        (
            "a register table that is not declared",
            broken(&[(
                "register = { table = \"documents\", tags = \"nhom\" }",
                "register = { table = \"so_van_ban\", tags = \"nhom\" }",
            )]),
        ),
        (
            "the lint",
            broken(&[
                ("rule = 'issued_by(\"ke-hoach-cchc\", date(2026, 1, 31), 1, 0.5)'", "rule = 'band(0, [[1, 1]]) + bands(0) + table(\"dossiers\").where_true(3) + round2(3) + table(\"documents\").where_true(\"ky_sox\").count'"),
                ("rule = 'prop(fact_ratio(\"tt_hoan_thanh\", \"tt_ke_hoach\"), 1, 0.9)'", "rule = 'prop(fact_ratio(\"tt_hoan_thanh\", \"tt_ke_hoach\"), 3, 0.9)'"),
                ("reads = [\"documents\"]\nrule = 'issued_by(\"ke-hoach-tuyen-truyen\"", "reads = [\"dossiers\"]\nrule = 'issued_by(\"ke-hoach-tuyen-truyen\""),
                ("rule = 'deduct(0, 1, fact(\"so_vu_sach_nhieu\"), -2)'", "rule = 'deduct(1, 1, fact(\"so_vu_sach_nhieu\"), -3)'"),
                ("[[1, 2.5], [0.95, 1.5], [0.9, 0.5]]", "[[0.9, 0.5], [0.9, 1.5], [0.95, 2.5]], 3"),
                ("reads = [\"reports\"]\nrule = '''\nlet p = periods", "reads = [\"documents\"]\nrule = '''\nlet p = periods"),
                ("where_true(\"co_phi\")", "where_true(\"co_phi\") + fact(\"x\") + table(\"dosiers\").count + table(\"documents\").where_true(\"kenh\").count"),
                ("rule = 'binary(has_fact(\"iso_a\") && fact(\"iso_a\"), 1)'", "rule = 'level(fact(\"m\"), #{ a: 2, b: -1 })'"),
            ]),
        ),
        (
            "a fact that is not declared, a set without a register",
            broken(&[
                ("register = { table = \"documents\", tags = \"nhom\" }\n", "\n[facts.so_vi_pham]\nlabel = \"Số vi phạm\"\ntype = \"integer\"\n"),
            ]),
        ),
        (
            "rhai syntax",
            broken(&[
                ("rule = 'capped(fact(\"so_ung_dung\") * 0.5, 1)'", "rule = 'capped(fact(\"so_ung_dung\") * 0.5, 1'"),
                ("rule = 'fact(\"so_ung_dung\")'", "rule = 'let = 1; @'"),
                ("rule = 'bands(count_true(", "rule = 'import \"x\" as y; bands(count_true("),
                ("rule = 'if fact(\"khong_co_so_lieu\") { 1 } else { 0 }'", "rule = 'x + 1'"),
            ]),
        ),
        ("a missing key", broken(&[("title = \"Bộ chỉ số thử nghiệm\"\n", "")])),
        ("a wrong type", broken(&[("year = 2026", "year = \"2026\"")])),
        ("an unknown method", broken(&[("method = \"survey\"", "method = \"surveys\"")])),
        ("a decimal that is not exact", broken(&[("max = 5.5", "max = 5.123456789012345678")])),
        ("a decimal that is not a number", broken(&[("max = 5.5", "max = \"năm\"")])),
        ("a table where a value goes", broken(&[("year = 2026", "year = { a = 1 }")])),
        ("a list where a table goes", broken(&[("[set]", "set = [1]\n[sett]")])),
        ("unknown keys", broken(&[("year = 2026", "year = 2026\nyaer = 1\nversion = 2")])),
        ("a duplicate key", broken(&[("year = 2026", "year = 2026\nyear = 2027")])),
        ("a key without a value", broken(&[("year = 2026", "year")])),
        ("an unclosed table header", broken(&[("[set]", "[set")])),
        ("an unclosed array", broken(&[("legal_basis = [", "legal_basis = [[")])),
        ("rule and rule_file", broken(&[("rule_file = \"rules/ky-so.rhai\"", "rule_file = \"rules/ky-so.rhai\"\nrule = '1'")])),
        ("a rule file outside the set", broken(&[("rule_file = \"rules/ky-so.rhai\"", "rule_file = \"../ky-so.rhai\"")])),
        ("a rule file that is the criteria file", broken(&[("rule_file = \"rules/ky-so.rhai\"", "rule_file = \"criteria.toml\"")])),
        ("a rule file that is not there", broken(&[("rule_file = \"rules/ky-so.rhai\"", "rule_file = \"rules/khong-co.rhai\"")])),
        ("a duplicate id", broken(&[("id = \"1.2\"", "id = \"1.1\"")])),
        ("a malformed id", broken(&[("id = \"1.2\"", "id = \"1.02\"")])),
    ];
    for (what, files) in &sets {
        let problems = check_criteria(files, Path::new("set"));
        check_texts(what, &problems, &mut seen);
    }
    // Not UTF-8; a rule file that is not UTF-8.
    let mut files = set_with(&valid_text());
    files.insert("set/criteria.toml", b"[set]\nid = \"\xff\"\n".to_vec());
    check_texts(
        "not UTF-8",
        &check_criteria(&files, Path::new("set")),
        &mut seen,
    );
    let mut files = set_with(&valid_text());
    files.insert("set/rules/ky-so.rhai", b"\xff\xfe".to_vec());
    check_texts(
        "a rule file not UTF-8",
        &check_criteria(&files, Path::new("set")),
        &mut seen,
    );
    assert!(seen.len() >= 80, "{} texts: {seen:#?}", seen.len());
}

#[test]
fn the_cases_are_told_in_vietnamese() {
    let mut seen = BTreeSet::new();
    // A cases file's own problems.
    let mut files = set_with(&valid_text());
    files.insert(
        "set/cases/x.cases",
        "defaults | dossiers | ma_ho_so\n2.1 | 32/13/2026 | rows dossiers 1 | scored 1\n\
         2.1 | - | rows dossiers 1\n",
    );
    match read_cases(&files, Path::new("set")) {
        Err(Error::Criteria(problems)) => check_texts("cases file", &problems.0, &mut seen),
        other => panic!("the cases file is refused: {other:?}"),
    }
    // Cases that cannot be run: what they give and why.
    let set = load_criteria(&files, Path::new("set")).expect("the set loads");
    let criteria = CompiledCriteria::compile(set).expect("compiles");
    let case = |row: &str, evidence: &str| Case {
        file: "x.cases".into(),
        line: 1,
        row: row.to_owned(),
        as_of: None,
        evidence: evidence.to_owned(),
        expected: "scored 1".to_owned(),
    };
    let file = CaseFile {
        cases: vec![
            case("9.9", "facts"),
            case("2", "facts"),
            case("2.1", "rows dossiers many"),
            case("2.1", "rows dossiers 1 ma_ho_so"),
            case("2.1", "survey 4.1"),
            case("2.1", "fact so_vi_pham"),
            case("2.1", "table dossiers"),
            case("2.1", "rows hoso 1"),
            case("2.1", "rows dossiers 1 khong_co=1"),
            case("2.1", "rows dossiers 100001"),
        ],
        defaults: Default::default(),
    };
    for result in run_cases(&criteria, &file) {
        assert!(!result.passed(), "{}", result.case.evidence);
        for text in [&result.got, &result.explanation] {
            let english = english_words(text);
            assert!(english.is_empty(), "{english:?} in `{text}`");
            seen.insert(text.clone());
        }
    }
    assert!(seen.len() >= 10, "{seen:#?}");
}

#[test]
fn the_guard_sees_english() {
    // The guard itself: English outside quotes is caught, quoted identifiers are not.
    assert_eq!(
        english_words(
            "rule of row `1.1` uses column `ky_so`, which table `documents` does not declare"
        ),
        ["rule", "of", "row", "uses", "column", "which", "table", "does", "not", "declare"]
            .iter()
            .filter(|w| ENGLISH.contains(w))
            .map(|w| w.to_string())
            .collect::<Vec<_>>()
    );
    assert!(english_words(
        "quy tắc của dòng `1.1` dùng cột `ky_so` mà bảng `documents` không khai báo"
    )
    .is_empty());
    assert!(english_words(
        "thêm \"facts\" vào `reads = [\"documents\"]`; xem docs/criteria-format.md"
    )
    .is_empty());
    assert_eq!(english_words("did you mean `x`?"), ["did", "you", "mean"]);
}
