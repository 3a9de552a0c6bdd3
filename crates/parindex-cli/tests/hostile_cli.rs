//! What the CLI reads itself, under attack (issue 18, items 4, 9 and 13): a FIFO given as
//! `--proposals` or as the report `verify` replays must be refused at once, not waited on; an
//! `--as-of` with trailing text or naming a day the calendar lacks is refused in Vietnamese;
//! a rule file reached through a link out of the criteria folder is refused by `score` and by
//! `check`. Every case runs in its own temporary folder.

#![cfg(unix)]

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;

use common::{mkfifo, root, sandbox};

/// What a run showed: its exit code, standard output and standard error.
struct Shown {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `parindex` with `args` from `dir`, killing it after 20 s: a run that waits on a FIFO
/// fails the test instead of hanging the suite.
fn run_in(dir: &Path, args: &[&str]) -> Shown {
    let mut child = Command::new(env!("CARGO_BIN_EXE_parindex"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("parindex starts");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for parindex") {
            break status;
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("parindex {args:?} still runs after 20 s: it waits on something");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    // The messages are short: they fit in the pipes' buffers while the child runs.
    let mut stdout = String::new();
    let mut stderr = String::new();
    if let Some(mut out) = child.stdout.take() {
        out.read_to_string(&mut stdout).expect("read stdout");
    }
    if let Some(mut err) = child.stderr.take() {
        err.read_to_string(&mut stderr).expect("read stderr");
    }
    Shown {
        code: status.code(),
        stdout,
        stderr,
    }
}

/// Refused as bad input (exit 1), with a Vietnamese message that names `place`.
fn assert_refused(shown: &Shown, place: &str) {
    let message = &shown.stderr;
    assert_eq!(shown.code, Some(1), "{message}");
    assert!(message.starts_with("lỗi: "), "{message}");
    assert!(
        message.contains(place),
        "the message names {place}: {message}"
    );
}

#[test]
fn a_fifo_given_as_proposals_is_refused_without_waiting() {
    let sandbox = sandbox();
    let dir = sandbox.path();
    mkfifo(&dir.join("kien-nghi.txt"));

    let shown = run_in(
        dir,
        &[
            "score",
            "--criteria",
            "mini",
            "--evidence",
            "mini/evidence",
            "--format",
            "html",
            "--out",
            "r.html",
            "--proposals",
            "kien-nghi.txt",
        ],
    );

    assert_refused(&shown, "--proposals");
    assert!(shown.stderr.contains("kien-nghi.txt"), "{}", shown.stderr);
    assert!(shown.stderr.contains("FIFO"), "{}", shown.stderr);
    assert!(!dir.join("r.html").exists(), "a report was written");
}

#[test]
fn proposals_that_are_not_utf8_are_refused_in_vietnamese() {
    let sandbox = sandbox();
    let dir = sandbox.path();
    std::fs::write(dir.join("kien-nghi.txt"), b"Ki\xeAn ngh\xcb").expect("write proposals");

    let shown = run_in(
        dir,
        &[
            "score",
            "--criteria",
            "mini",
            "--evidence",
            "mini/evidence",
            "--format",
            "html",
            "--out",
            "r.html",
            "--proposals",
            "kien-nghi.txt",
        ],
    );

    assert_refused(&shown, "kien-nghi.txt");
    assert!(shown.stderr.contains("UTF-8"), "{}", shown.stderr);
}

#[test]
fn a_fifo_given_as_the_report_to_verify_is_refused_without_waiting() {
    let sandbox = sandbox();
    let dir = sandbox.path();
    mkfifo(&dir.join("report.json"));

    let shown = run_in(
        dir,
        &[
            "verify",
            "report.json",
            "--criteria",
            "mini",
            "--evidence",
            "mini/evidence",
        ],
    );

    assert_refused(&shown, "report.json");
    assert!(shown.stderr.contains("FIFO"), "{}", shown.stderr);
}

#[test]
fn a_fifo_given_to_diff_is_refused_without_waiting() {
    let sandbox = sandbox();
    let dir = sandbox.path();
    mkfifo(&dir.join("b.json"));
    let made = run_in(
        dir,
        &[
            "score",
            "--criteria",
            "mini",
            "--evidence",
            "mini/evidence",
            "--out",
            "a.json",
        ],
    );
    assert!(matches!(made.code, Some(0 | 3)), "{}", made.stderr);

    let shown = run_in(dir, &["diff", "a.json", "b.json"]);

    assert_refused(&shown, "b.json");
    assert!(shown.stderr.contains("FIFO"), "{}", shown.stderr);
}

#[test]
fn a_report_that_is_not_json_is_refused_in_vietnamese() {
    let sandbox = sandbox();
    let dir = sandbox.path();
    std::fs::write(dir.join("report.json"), "{ not json").expect("write the report");

    let shown = run_in(
        dir,
        &[
            "verify",
            "report.json",
            "--criteria",
            "mini",
            "--evidence",
            "mini/evidence",
        ],
    );

    assert_refused(&shown, "report.json");
    assert!(
        shown
            .stderr
            .contains("không phải báo cáo JSON của parindex"),
        "{}",
        shown.stderr
    );
}

/// `score` of the fixture at `--as-of as_of`.
fn score_as_of(as_of: &str) -> Shown {
    run_in(
        &root(),
        &[
            "score",
            "--criteria",
            "fixtures/mini",
            "--evidence",
            "fixtures/mini/evidence",
            "--as-of",
            as_of,
        ],
    )
}

#[test]
fn an_as_of_date_with_trailing_text_is_refused_as_a_wrong_form() {
    let shown = score_as_of("31/12/2026 garbage");

    assert_refused(&shown, "--as-of");
    assert!(
        shown.stderr.contains("`31/12/2026 garbage`"),
        "{}",
        shown.stderr
    );
    assert!(
        shown.stderr.contains("không đúng dạng ngày"),
        "{}",
        shown.stderr
    );
    assert!(shown.stdout.is_empty(), "a report was printed");
}

#[test]
fn an_as_of_date_the_calendar_lacks_is_refused_as_no_such_day() {
    let shown = score_as_of("29/02/2026");

    assert_refused(&shown, "--as-of");
    assert!(shown.stderr.contains("`29/02/2026`"), "{}", shown.stderr);
    assert!(shown.stderr.contains("không tồn tại"), "{}", shown.stderr);
    assert!(
        !shown.stderr.contains("không đúng dạng"),
        "the form is right: {}",
        shown.stderr
    );
}

#[test]
fn an_as_of_date_with_a_terminal_escape_is_shown_escaped() {
    let shown = score_as_of("31/12/2026\u{1b}[2J");

    assert_refused(&shown, "--as-of");
    assert!(!shown.stderr.contains('\u{1b}'), "{:?}", shown.stderr);
    assert!(shown.stderr.contains("<U+001B>"), "{}", shown.stderr);
}

#[test]
fn usage_errors_are_told_in_vietnamese() {
    for args in [
        &["score", "--criteria", "fixtures/mini"][..],
        &[
            "score",
            "--criteria",
            "x",
            "--evidence",
            "y",
            "--format",
            "pdf",
        ],
        &[
            "score",
            "--criteria",
            "x",
            "--evidence",
            "y",
            "--encoding",
            "latin1",
        ],
        &["scor"],
        &[
            "score",
            "--criteria",
            "x",
            "--evidence",
            "y",
            "--threads",
            "0",
        ],
        &[
            "score",
            "--criteria",
            "x",
            "--evidence",
            "y",
            "--threads",
            "abc",
        ],
        &["serve", "--addr", "nope"],
        &["help", "scor"],
    ] {
        let shown = run_in(&root(), args);
        assert_eq!(shown.code, Some(1), "{args:?}: {}", shown.stderr);
        assert!(shown.stderr.starts_with("lỗi: "), "{}", shown.stderr);
        assert!(shown.stderr.contains("--help"), "{}", shown.stderr);
        for english in [
            "error:",
            "Usage:",
            "unexpected",
            "invalid",
            "required",
            "number",
            "digit",
            "syntax",
        ] {
            assert!(
                !shown.stderr.contains(english),
                "{english}: {}",
                shown.stderr
            );
        }
    }
}

/// What the set's rule file holds outside the criteria folder: a valid rule and a line that
/// must never be shown.
const SECRET: &str = "BI-MAT-NGOAI-THU-MUC";

/// The refusal of a rule file reached through a link out of the criteria folder, by `score`
/// (standard error) and by `check` (standard output); the outside file's text is never shown.
fn assert_rule_link_refused(dir: &Path) {
    let score = run_in(
        dir,
        &["score", "--criteria", "mini", "--evidence", "mini/evidence"],
    );
    assert_eq!(score.code, Some(1), "{}", score.stderr);
    assert!(score.stdout.is_empty(), "a report was printed");
    let check = run_in(dir, &["check", "mini"]);
    assert_eq!(check.code, Some(1), "{}", check.stdout);
    for (command, message) in [("score", &score.stderr), ("check", &check.stdout)] {
        assert!(
            message.contains("rules/ky-so.rhai"),
            "{command} names the rule file: {message}"
        );
        assert!(
            message.contains("trỏ ra ngoài thư mục bộ tiêu chí"),
            "{command}: {message}"
        );
        assert!(
            !message.contains(SECRET),
            "{command} shows the outside file"
        );
    }
}

/// A copy of the set's rule file outside the criteria folder, in `outside/`.
fn rule_outside(dir: &Path) -> PathBuf {
    let outside = dir.join("outside");
    std::fs::create_dir(&outside).expect("outside folder");
    let rule = std::fs::read_to_string(dir.join("mini/rules/ky-so.rhai")).expect("rule file");
    std::fs::write(outside.join("ky-so.rhai"), format!("// {SECRET}\n{rule}"))
        .expect("write the outside rule");
    outside
}

#[test]
fn a_rule_file_linked_out_of_the_criteria_folder_is_refused() {
    let sandbox = sandbox();
    let dir = sandbox.path();
    let outside = rule_outside(dir);
    let rule = dir.join("mini/rules/ky-so.rhai");
    std::fs::remove_file(&rule).expect("remove the rule file");
    std::os::unix::fs::symlink(outside.join("ky-so.rhai"), &rule).expect("symlink");

    assert_rule_link_refused(dir);
}

#[test]
fn a_rule_folder_linked_out_of_the_criteria_folder_is_refused() {
    // Only the folder is a link: a read that checks just the file's last component would
    // follow it, so this holds only if the command's files resolve the path (`Files::resolve`).
    let sandbox = sandbox();
    let dir = sandbox.path();
    let outside = rule_outside(dir);
    std::fs::remove_dir_all(dir.join("mini/rules")).expect("remove the rules folder");
    std::os::unix::fs::symlink(&outside, dir.join("mini/rules")).expect("symlink");

    assert_rule_link_refused(dir);
}
