//! `--out` under attack (issue 18, items 2 and 3): a planted temporary file, an output that is
//! one of the run's inputs (by path, through a link, or by a hard link), and an output that is
//! not a plain writable file. Every case runs on a copy of `fixtures/mini` in its own temporary
//! folder, so that a regression damages only the copy.

#![cfg(unix)]

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Output};

mod common;

use common::{mkfifo, sandbox};

/// Runs `parindex` with `args` from `dir`.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_parindex"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("parindex runs")
}

/// `score` of the sandbox's copy, criteria given as `criteria`, writing `--out out` as JSON.
fn score_to(dir: &Path, criteria: &str, out: &str) -> Output {
    run_in(
        dir,
        &[
            "score",
            "--criteria",
            criteria,
            "--evidence",
            "mini/evidence",
            "--as-of",
            "31/12/2026",
            "--format",
            "json",
            "--out",
            out,
        ],
    )
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The run was refused: exit 1, a message naming `out`, nothing written.
fn assert_refused(output: &Output, out: &str) {
    let message = stderr(output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert!(message.contains(out), "the message names {out}: {message}");
}

/// A report was written (exit 0, or 3 for the fixture's rows in error) to `out`.
fn assert_written(output: &Output, out: &Path) {
    assert!(
        matches!(output.status.code(), Some(0 | 3)),
        "{}",
        stderr(output)
    );
    let text = std::fs::read_to_string(out).expect("report written");
    assert!(text.contains("parindex.report/1"), "{text}");
}

/// The file still holds `before`.
fn assert_unchanged(path: &Path, before: &[u8]) {
    let now = std::fs::read(path).expect("the file is still there");
    assert!(now == before, "{} was overwritten", path.display());
}

/// No file of the folder is a leftover temporary file.
fn assert_no_temporary(dir: &Path) {
    for entry in std::fs::read_dir(dir).expect("read the folder") {
        let name = entry.expect("entry").file_name();
        let name = name.to_string_lossy();
        assert!(
            !name.contains("parindex-tmp") || name == ".r.json.parindex-tmp",
            "leftover temporary file {name}"
        );
    }
}

#[test]
fn a_symlink_planted_at_the_old_temporary_name_is_not_followed() {
    let sandbox = sandbox();
    let dir = sandbox.path();
    std::fs::create_dir(dir.join("shared")).expect("shared folder");
    let input = dir.join("mini/evidence/documents.csv");
    let before = std::fs::read(&input).expect("input");
    std::os::unix::fs::symlink(&input, dir.join("shared/.r.json.parindex-tmp")).expect("symlink");

    let output = score_to(dir, "mini", "shared/r.json");

    assert_written(&output, &dir.join("shared/r.json"));
    assert_unchanged(&input, &before);
    // The planted link is left as it was: never written through, never taken over.
    let planted = std::fs::symlink_metadata(dir.join("shared/.r.json.parindex-tmp"))
        .expect("the planted link is still there");
    assert!(planted.file_type().is_symlink());
    assert_no_temporary(&dir.join("shared"));
}

#[test]
fn a_hard_link_planted_at_the_old_temporary_name_is_not_written_through() {
    let sandbox = sandbox();
    let dir = sandbox.path();
    std::fs::create_dir(dir.join("shared")).expect("shared folder");
    let input = dir.join("mini/evidence/documents.csv");
    let before = std::fs::read(&input).expect("input");
    std::fs::hard_link(&input, dir.join("shared/.r.json.parindex-tmp")).expect("hard link");

    let output = score_to(dir, "mini", "shared/r.json");

    assert_written(&output, &dir.join("shared/r.json"));
    assert_unchanged(&input, &before);
}

#[test]
fn out_onto_a_rule_file_inside_the_criteria_folder_is_refused() {
    let sandbox = sandbox();
    let dir = sandbox.path();
    let rule = dir.join("mini/rules/ky-so.rhai");
    let before = std::fs::read(&rule).expect("rule file");

    // The criteria named by its file: the folder itself is not an input, its rule file is.
    let output = score_to(dir, "mini/criteria.toml", "mini/rules/ky-so.rhai");

    assert_refused(&output, "mini/rules/ky-so.rhai");
    assert_unchanged(&rule, &before);
}

#[test]
fn out_onto_a_rule_file_outside_the_criteria_folder_is_refused() {
    let sandbox = sandbox();
    let dir = sandbox.path();
    // The set's rule file moved beside the criteria folder.
    std::fs::create_dir(dir.join("shared-rules")).expect("folder");
    std::fs::rename(
        dir.join("mini/rules/ky-so.rhai"),
        dir.join("shared-rules/ky-so.rhai"),
    )
    .expect("move the rule file");
    let toml = dir.join("mini/criteria.toml");
    let text = std::fs::read_to_string(&toml).expect("criteria");
    std::fs::write(
        &toml,
        text.replace(
            "rule_file = \"rules/ky-so.rhai\"",
            "rule_file = \"../shared-rules/ky-so.rhai\"",
        ),
    )
    .expect("rewrite the criteria");
    let rule = dir.join("shared-rules/ky-so.rhai");
    let before = std::fs::read(&rule).expect("rule file");

    let output = score_to(dir, "mini", "shared-rules/ky-so.rhai");

    // Refused: as an input the run read, or (once rule files must lie inside the criteria
    // folder) because the set does not load. Either way nothing is written.
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_unchanged(&rule, &before);
}

#[test]
fn out_onto_an_evidence_file_is_refused() {
    let sandbox = sandbox();
    let dir = sandbox.path();
    let input = dir.join("mini/evidence/documents.csv");
    let before = std::fs::read(&input).expect("input");
    // Through a link to the evidence folder, too.
    std::os::unix::fs::symlink(dir.join("mini/evidence"), dir.join("alias")).expect("symlink");

    for out in ["mini/evidence/documents.csv", "alias/documents.csv"] {
        let output = score_to(dir, "mini", out);
        assert_refused(&output, out);
        assert_unchanged(&input, &before);
    }
}

#[test]
fn out_onto_a_hard_link_of_an_input_is_refused() {
    let sandbox = sandbox();
    let dir = sandbox.path();
    std::fs::create_dir(dir.join("shared")).expect("shared folder");
    for input in ["mini/evidence/documents.csv", "mini/rules/ky-so.rhai"] {
        let input = dir.join(input);
        let before = std::fs::read(&input).expect("input");
        let link = dir.join("shared/link.json");
        let _ = std::fs::remove_file(&link);
        std::fs::hard_link(&input, &link).expect("hard link");

        let output = score_to(dir, "mini", "shared/link.json");

        assert_refused(&output, "shared/link.json");
        assert_unchanged(&input, &before);
        // Still the same file: not replaced by a report.
        let (a, b) = (
            std::fs::metadata(&input).expect("input"),
            std::fs::metadata(&link).expect("link"),
        );
        assert_eq!((a.dev(), a.ino()), (b.dev(), b.ino()));
    }
}

#[test]
fn out_onto_a_fifo_is_refused() {
    let sandbox = sandbox();
    let dir = sandbox.path();
    mkfifo(&dir.join("pipe.json"));

    let output = score_to(dir, "mini", "pipe.json");

    assert_refused(&output, "pipe.json");
    let kind = std::fs::symlink_metadata(dir.join("pipe.json"))
        .expect("still there")
        .file_type();
    assert!(
        std::os::unix::fs::FileTypeExt::is_fifo(&kind),
        "replaced: {kind:?}"
    );
}

#[test]
fn out_onto_a_device_is_refused() {
    // Through a link in the sandbox: a regression replaces the link, never /dev/null itself.
    let sandbox = sandbox();
    let dir = sandbox.path();
    std::os::unix::fs::symlink("/dev/null", dir.join("null.json")).expect("symlink");

    let output = score_to(dir, "mini", "null.json");

    assert_refused(&output, "null.json");
    let link = std::fs::symlink_metadata(dir.join("null.json")).expect("still there");
    assert!(link.file_type().is_symlink(), "replaced");
}

#[test]
fn out_onto_a_read_only_file_is_refused() {
    let sandbox = sandbox();
    let dir = sandbox.path();
    let target = dir.join("locked.json");
    std::fs::write(&target, "kept\n").expect("write");
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o444)).expect("chmod");

    let output = score_to(dir, "mini", "locked.json");

    assert_refused(&output, "locked.json");
    assert_eq!(
        std::fs::read_to_string(&target).expect("still there"),
        "kept\n"
    );
    assert_eq!(
        std::fs::metadata(&target).expect("meta").mode() & 0o777,
        0o444
    );
}

#[test]
fn a_plain_report_still_replaces_an_old_one() {
    let sandbox = sandbox();
    let dir = sandbox.path();
    std::fs::write(dir.join("r.json"), "old\n").expect("write");

    let output = score_to(dir, "mini", "r.json");

    assert_written(&output, &dir.join("r.json"));
    assert_no_temporary(dir);
    // A new report is as readable as any file the user makes (the umask applies), not a
    // private temporary file.
    let output = score_to(dir, "mini", "new.json");
    assert_written(&output, &dir.join("new.json"));
    std::fs::write(dir.join("plain"), "").expect("write");
    let mode = |p: &str| std::fs::metadata(dir.join(p)).expect("meta").mode() & 0o777;
    assert_eq!(mode("new.json"), mode("plain"));
}

#[test]
fn a_replaced_report_keeps_its_permissions() {
    let sandbox = sandbox();
    let dir = sandbox.path();
    let target = dir.join("private.json");
    std::fs::write(&target, "old\n").expect("write");
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).expect("chmod");

    let output = score_to(dir, "mini", "private.json");

    assert_written(&output, &target);
    assert_eq!(
        std::fs::metadata(&target).expect("meta").mode() & 0o777,
        0o600
    );
}

#[test]
fn an_abort_shows_a_short_vietnamese_message_not_a_backtrace() {
    // A rule whose helper panicked inside the library (issue 18, item 5). Once the library
    // stops panicking here the run simply ends normally; either way no Rust panic reaches the
    // officer, even with RUST_BACKTRACE set.
    let sandbox = sandbox();
    let dir = sandbox.path();
    let toml = dir.join("mini/criteria.toml");
    let text = std::fs::read_to_string(&toml).expect("criteria");
    let edited = text.replace(
        "reads = [\"documents\"]\nrule = 'issued_by(\"ke-hoach-cchc\", date(2026, 1, 31), 1, 0.5)'",
        "reads = [\"facts\"]\nrule = 'if add_days(date(2026, 1, 31), fact(\"so_ngay_gia_han\")) > date(2026, 1, 1) { 1 } else { 0 }'",
    );
    assert_ne!(
        edited, text,
        "the fixture's rule 1.1 is where the test expects it"
    );
    std::fs::write(&toml, edited).expect("rewrite the criteria");
    let facts = dir.join("mini/evidence/facts.toml");
    let text = std::fs::read_to_string(&facts).expect("facts");
    std::fs::write(&facts, format!("so_ngay_gia_han = 200000000000\n{text}")).expect("facts");

    let output = Command::new(env!("CARGO_BIN_EXE_parindex"))
        .args([
            "score",
            "--criteria",
            "mini",
            "--evidence",
            "mini/evidence",
            "--format",
            "json",
            "--out",
            "r.json",
        ])
        .current_dir(dir)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("parindex runs");

    let message = stderr(&output);
    assert_ne!(output.status.code(), Some(101), "{message}");
    for raw in ["panicked at", "stack backtrace", "RUST_BACKTRACE", "chrono"] {
        assert!(!message.contains(raw), "{raw} shown: {message}");
    }
    if output.status.code() == Some(2) {
        assert!(message.contains("lỗi nội bộ"), "{message}");
        assert!(!dir.join("r.json").exists(), "nothing written on an abort");
    }
}
