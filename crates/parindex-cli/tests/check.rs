//! `parindex check <criteria>` as a user meets it: one broken criteria set per folder of
//! `tests/check-cases/`, run from the workspace root; exit code, standard output and standard
//! error snapshotted. Every problem of a set is listed, each on its source line with a caret.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `parindex check` on a case folder and renders what a user sees.
fn check(case: &str) -> String {
    run(&format!("tests/check-cases/{case}"))
}

fn run(criteria: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_parindex"))
        .args(["check", criteria])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("parindex runs");
    format!(
        "exit: {}\n--- stdout ---\n{}--- stderr ---\n{}",
        output
            .status
            .code()
            .map_or_else(|| "signal".to_owned(), |c| c.to_string()),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn duplicate_id() {
    insta::assert_snapshot!(check("duplicate-id"));
}

#[test]
fn malformed_id() {
    insta::assert_snapshot!(check("malformed-id"));
}

#[test]
fn parent_sum() {
    insta::assert_snapshot!(check("parent-sum"));
}

#[test]
fn unknown_keys_are_all_reported() {
    insta::assert_snapshot!(check("unknown-keys"));
}

#[test]
fn undeclared_table() {
    insta::assert_snapshot!(check("undeclared-table"));
}

#[test]
fn undeclared_column() {
    insta::assert_snapshot!(check("undeclared-column"));
}

#[test]
fn rhai_syntax_error_in_an_inline_rule() {
    insta::assert_snapshot!(check("rhai-syntax-inline"));
}

#[test]
fn rhai_syntax_error_in_a_rule_file() {
    insta::assert_snapshot!(check("rhai-syntax-file"));
}

#[test]
fn bands_overlap() {
    insta::assert_snapshot!(check("bands-overlap"));
}

#[test]
fn points_above_max() {
    insta::assert_snapshot!(check("points-above-max"));
}

#[test]
fn a_toml_syntax_error_is_the_only_problem() {
    insta::assert_snapshot!(check("toml-syntax"));
}

#[test]
fn a_valid_set_has_no_problems() {
    assert_eq!(
        check("valid"),
        "exit: 0\n--- stdout ---\nkhông có lỗi nào\n--- stderr ---\n"
    );
}

#[test]
fn the_reference_set_has_no_problems() {
    assert_eq!(
        run("criteria/nghe-an-2026-so"),
        "exit: 0\n--- stdout ---\nkhông có lỗi nào\n--- stderr ---\n"
    );
}

#[test]
fn a_missing_folder() {
    insta::assert_snapshot!(run("tests/check-cases/no-such-case"));
}
