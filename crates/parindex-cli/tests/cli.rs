//! The `parindex` command as a user meets it: exit code, standard output and standard error,
//! snapshotted, run from the workspace root with the paths a user would type.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `parindex` with `args` and renders what a user sees.
fn run(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_parindex"))
        .args(args)
        .current_dir(root())
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

fn case(name: &str) -> String {
    format!("tests/cases/{name}")
}

#[test]
fn scores_the_mini_fixture_as_markdown() {
    insta::assert_snapshot!(run(&[
        "score",
        "--criteria",
        "fixtures/mini",
        "--evidence",
        "fixtures/mini/evidence"
    ]));
}

#[test]
fn writes_json_to_a_file_chosen_by_extension() {
    let dir = std::env::temp_dir().join(format!("parindex-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = dir.join("report.json");
    let out_arg = out.to_string_lossy().into_owned();
    let shown = run(&[
        "score",
        "--criteria",
        "fixtures/mini",
        "--evidence",
        "fixtures/mini/evidence",
        "--as-of",
        "31/12/2026",
        "--out",
        &out_arg,
    ]);
    assert!(
        shown.starts_with("exit: 3\n--- stdout ---\n--- stderr ---\n"),
        "{shown}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).expect("report written"))
            .expect("JSON");
    assert_eq!(json["schema"], "parindex.report/1");
    assert_eq!(json["as_of"], "2026-12-31");
    assert_eq!(json["total"]["points"], "11.19");
    assert_eq!(json["total"]["index"], "38.59");
    assert_eq!(json["total"]["self"]["applicable_max"], "29");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_as_of_date_changes_the_score() {
    let shown = run(&[
        "score",
        "--criteria",
        "fixtures/mini",
        "--evidence",
        "fixtures/mini/evidence",
        "--as-of",
        "2027-01-31",
        "--format",
        "json",
    ]);
    assert!(shown.contains("\"as_of\": \"2027-01-31\""), "{shown}");
}

/// `explain --records`: every record that decided a row, all its columns, as CSV.
#[test]
fn explain_records_lists_every_deciding_record_as_csv() {
    insta::assert_snapshot!(run(&[
        "explain",
        "criteria/nghe-an-2026-so",
        "1.1.2",
        "--evidence",
        "fixtures/skhcn-2026",
        "--records"
    ]));
    // All 52 of 3.2.4, where the report keeps 20 codes; and asked without the evidence.
    let all = run(&[
        "explain",
        "criteria/nghe-an-2026-so",
        "3.2.4",
        "--evidence",
        "fixtures/skhcn-2026",
        "--records",
    ]);
    assert!(all.starts_with("exit: 0\n"), "{all}");
    assert_eq!(
        all.lines()
            .filter(|l| l.contains(",000.00.29.H40-"))
            .count(),
        52
    );
    let missing = run(&["explain", "criteria/nghe-an-2026-so", "3.2.4", "--records"]);
    assert!(
        missing.starts_with("exit: 1\n") && missing.contains("lỗi: thiếu --evidence <THƯ_MỤC>"),
        "{missing}"
    );
}

#[test]
fn unknown_key_in_criteria() {
    insta::assert_snapshot!(run(&[
        "score",
        "--criteria",
        &case("criteria-unknown-key"),
        "--evidence",
        &case("evidence-bad-date/evidence")
    ]));
}

#[test]
fn parent_max_is_not_the_sum_of_its_children() {
    insta::assert_snapshot!(run(&[
        "score",
        "--criteria",
        &case("criteria-parent-sum"),
        "--evidence",
        &case("evidence-bad-date/evidence")
    ]));
}

#[test]
fn rhai_syntax_error_points_at_its_line() {
    insta::assert_snapshot!(run(&[
        "score",
        "--criteria",
        &case("criteria-rhai-syntax"),
        "--evidence",
        &case("evidence-bad-date/evidence")
    ]));
}

#[test]
fn bad_date_in_evidence_names_file_line_column_and_value() {
    insta::assert_snapshot!(run(&[
        "score",
        "--criteria",
        &case("evidence-bad-date"),
        "--evidence",
        &case("evidence-bad-date/evidence")
    ]));
}

#[test]
fn missing_required_column_lists_the_headers_found() {
    insta::assert_snapshot!(run(&[
        "score",
        "--criteria",
        &case("evidence-missing-column"),
        "--evidence",
        &case("evidence-missing-column/evidence")
    ]));
}

#[test]
fn bad_as_of_date() {
    insta::assert_snapshot!(run(&[
        "score",
        "--criteria",
        "fixtures/mini",
        "--evidence",
        "fixtures/mini/evidence",
        "--as-of",
        "31/13/2026"
    ]));
}

#[test]
fn missing_evidence_folder() {
    insta::assert_snapshot!(run(&[
        "score",
        "--criteria",
        "fixtures/mini",
        "--evidence",
        "fixtures/no-such-unit"
    ]));
}

#[test]
fn bad_input_writes_nothing() {
    let dir = std::env::temp_dir().join(format!("parindex-cli-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = dir.join("report.json");
    let out_arg = out.to_string_lossy().into_owned();
    let shown = run(&[
        "score",
        "--criteria",
        &case("evidence-bad-date"),
        "--evidence",
        &case("evidence-bad-date/evidence"),
        "--out",
        &out_arg,
    ]);
    assert!(shown.starts_with("exit: 1\n"), "{shown}");
    assert!(!out.exists(), "no report may be written on bad input");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_errors_exit_1() {
    let shown = run(&["score", "--criteria", "fixtures/mini"]);
    assert!(shown.starts_with("exit: 1\n"), "{shown}");
    assert!(shown.contains("--evidence"), "{shown}");
}

#[test]
fn csv_table_to_standard_output() {
    let output = Command::new(env!("CARGO_BIN_EXE_parindex"))
        .args([
            "score",
            "--criteria",
            "fixtures/mini",
            "--evidence",
            "fixtures/mini/evidence",
            "--format",
            "csv",
        ])
        .current_dir(root())
        .output()
        .expect("parindex runs");
    assert_eq!(output.status.code(), Some(3), "mini has rows in error");
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let text = text.strip_prefix('\u{feff}').expect("a BOM for Excel");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header[0], "STT");
    assert_eq!(header[4], "Điểm tự đánh giá");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("row")).collect();
    let row = rows.iter().find(|r| &r[0] == "1.5").expect("row 1.5");
    assert_eq!(&row[4], "0.94");
    assert_eq!(&row[3], "17/18 (94,44%)");
    let total = rows.last().expect("total row");
    assert_eq!(&total[1], "Tổng cộng");
    assert_eq!(&total[4], "11.19");
}

#[test]
fn binary_formats_need_a_file() {
    let shown = run(&[
        "score",
        "--criteria",
        "fixtures/mini",
        "--evidence",
        "fixtures/mini/evidence",
        "--format",
        "docx",
    ]);
    assert!(shown.starts_with("exit: 1\n"), "{shown}");
    assert!(shown.contains("hãy thêm --out"), "{shown}");
}

#[test]
fn the_extension_chooses_the_format() {
    let dir = std::env::temp_dir().join(format!("parindex-cli-ext-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for (name, magic) in [
        ("r.xlsx", &b"PK"[..]),
        ("r.docx", &b"PK"[..]),
        ("r.html", &b"<!DOCTYPE html>"[..]),
        ("r.csv", &b"\xEF\xBB\xBFSTT"[..]),
        ("r.json", &b"{"[..]),
        ("r.md", &b"# "[..]),
    ] {
        let out = dir.join(name);
        let out_arg = out.to_string_lossy().into_owned();
        let shown = run(&[
            "score",
            "--criteria",
            "fixtures/mini",
            "--evidence",
            "fixtures/mini/evidence",
            "--out",
            &out_arg,
        ]);
        assert!(shown.starts_with("exit: 3\n"), "{name}: {shown}");
        let bytes = std::fs::read(&out).expect("written");
        assert!(
            bytes.starts_with(magic),
            "{name} starts with {:?}",
            String::from_utf8_lossy(&bytes[..bytes.len().min(20)])
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A scratch copy of the mini evidence, with extra files.
fn scratch(name: &str, extra: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("parindex-cli-{name}-{}", std::process::id()));
    let evidence = dir.join("evidence");
    std::fs::create_dir_all(&evidence).expect("scratch dir");
    let source = root().join("fixtures/mini/evidence");
    for entry in std::fs::read_dir(&source).expect("mini evidence").flatten() {
        std::fs::copy(entry.path(), evidence.join(entry.file_name())).expect("copy");
    }
    for (file, text) in extra {
        std::fs::write(evidence.join(file), text).expect("extra file");
    }
    dir
}

fn score_json(evidence: &Path, out: &Path) {
    let shown = run(&[
        "score",
        "--criteria",
        "fixtures/mini",
        "--evidence",
        &evidence.to_string_lossy(),
        "--out",
        &out.to_string_lossy(),
    ]);
    assert!(shown.starts_with("exit: 3\n"), "{shown}");
}

#[test]
fn verify_replays_and_names_a_changed_file() {
    let (dir, report, _) = scored_mini("verify");
    let same = verify_mini(&report, &dir);
    assert!(
        same.starts_with("exit: 0\n--- stdout ---\nkhớp: "),
        "{same}"
    );
    // One more late dossier in the evidence.
    let dossiers = dir.join("evidence/dossiers.csv");
    let text = std::fs::read_to_string(&dossiers).expect("dossiers");
    std::fs::write(
        &dossiers,
        text.replace(
            "D19,03/07/2026,13/07/2026,10/07/2026",
            "D19,03/07/2026,13/07/2026,20/07/2026",
        ),
    )
    .expect("write");
    let changed = verify_mini(&report, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    insta::assert_snapshot!(changed.replace(&dir.to_string_lossy().into_owned(), "<tmp>"));
}

#[test]
fn diff_of_self_assessment_and_appraisal() {
    let dir = scratch(
        "diff",
        &[(
            "appraisal.csv",
            "Vòng,Mã tiêu chí,Điểm thẩm định,Ghi chú thẩm định,Cơ quan thẩm định\n\
             1,1.1,0.5,Kế hoạch chưa đúng mẫu,Sở Nội vụ\n\
             2,1.1,1,Đã giải trình,Sở Nội vụ\n\
             1,2.4,0,Chưa có chứng từ thanh toán trực tuyến,Sở Tài chính\n",
        )],
    );
    let before = dir.join("self.json");
    let after = dir.join("appraised.json");
    let plain = scratch("diff-plain", &[]);
    score_json(&plain.join("evidence"), &before);
    score_json(&dir.join("evidence"), &after);
    let shown = run(&["diff", &before.to_string_lossy(), &after.to_string_lossy()]);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&plain);
    insta::assert_snapshot!(shown);
}

#[test]
fn out_refuses_to_write_into_an_input() {
    let dir = scratch("refuse", &[]);
    let evidence = dir.join("evidence");
    let facts = evidence.join("facts.toml");
    let before = std::fs::read(&facts).expect("facts");
    for out in [evidence.join("report.json"), facts.clone()] {
        let shown = run(&[
            "score",
            "--criteria",
            "fixtures/mini",
            "--evidence",
            &evidence.to_string_lossy(),
            "--format",
            "json",
            "--out",
            &out.to_string_lossy(),
        ]);
        assert!(shown.starts_with("exit: 1\n"), "{shown}");
        assert!(
            shown.contains("đầu vào") && shown.contains("Hãy ghi báo cáo ra"),
            "{shown}"
        );
    }
    assert_eq!(
        std::fs::read(&facts).expect("facts"),
        before,
        "the input is untouched"
    );
    assert!(!evidence.join("report.json").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_reference_set_passes_its_own_cases() {
    let shown = run(&["test", "criteria/nghe-an-2026-so"]);
    assert!(shown.starts_with("exit: 0\n"), "{shown}");
    assert!(shown.contains(" ca đạt, 0 ca sai"), "{shown}");
}

#[test]
fn a_wrong_expected_value_fails_the_cases() {
    let dir = std::env::temp_dir().join(format!("parindex-cli-cases-{}", std::process::id()));
    let cases = dir.join("cases");
    std::fs::create_dir_all(&cases).expect("dir");
    let source = root().join("criteria/nghe-an-2026-so");
    std::fs::copy(source.join("criteria.toml"), dir.join("criteria.toml")).expect("criteria");
    std::fs::copy(
        source.join("cases/_defaults.cases"),
        cases.join("_defaults.cases"),
    )
    .expect("defaults");
    std::fs::write(
        cases.join("wrong.cases"),
        "3.2.1 | - | rows dossiers 20 | scored 2.5\n\
         3.2.1 | - | rows dossiers 19; rows dossiers 1 ngay_tra_ket_qua=11/06/2026 | scored 2.5   # deliberately wrong: 95% is 1,5\n",
    )
    .expect("cases");
    let shown = run(&["test", &dir.to_string_lossy()]);
    let _ = std::fs::remove_dir_all(&dir);
    insta::assert_snapshot!(shown.replace(&dir.to_string_lossy().into_owned(), "<tmp>"));
}

#[test]
fn rank_a_province() {
    insta::assert_snapshot!(run(&[
        "rank",
        "--criteria",
        "fixtures/province-2026/criteria",
        "--evidence",
        "fixtures/province-2026/exports"
    ]));
}

#[test]
fn explain_a_row_with_its_evidence() {
    insta::assert_snapshot!(run(&[
        "explain",
        "criteria/nghe-an-2026-so",
        "3.2.4",
        "--evidence",
        "fixtures/skhcn-2026"
    ]));
}

#[test]
fn gaps_of_the_example() {
    insta::assert_snapshot!(run(&[
        "gaps",
        "--criteria",
        "criteria/nghe-an-2026-so",
        "--evidence",
        "fixtures/skhcn-2026"
    ]));
}

#[test]
fn a_province_written_to_a_file_is_what_standard_output_shows() {
    fn args(out: Option<&str>) -> Vec<&str> {
        let mut args = vec![
            "score",
            "--criteria",
            "fixtures/province-2026/criteria",
            "--evidence",
            "fixtures/province-2026/exports",
            "--as-of",
            "31/12/2026",
            "--format",
            "json",
        ];
        args.extend(out.map(|o| ["--out", o]).into_iter().flatten());
        args
    }
    let shown = Command::new(env!("CARGO_BIN_EXE_parindex"))
        .args(args(None))
        .current_dir(root())
        .output()
        .expect("parindex runs");
    let dir = std::env::temp_dir().join(format!("parindex-province-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = dir.join("province.json");
    let written = Command::new(env!("CARGO_BIN_EXE_parindex"))
        .args(args(Some(&out.to_string_lossy())))
        .current_dir(root())
        .output()
        .expect("parindex runs");
    let file = std::fs::read(&out).expect("written");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(shown.status.code(), written.status.code());
    assert!(
        file == shown.stdout,
        "the file differs from standard output"
    );
    let document: serde_json::Value = serde_json::from_slice(&file).expect("one JSON document");
    assert_eq!(document["schema"], "parindex.province/1");
    let units = document["units"].as_array().expect("units");
    assert_eq!(units.len(), 22, "a report per unit of units.csv");
    assert!(units.iter().all(|u| u["schema"] == "parindex.report/1"));
}

/// A scratch folder `name` holding the mini evidence, its report scored into `report.json`:
/// the folder, the report's path and its text.
fn scored_mini(name: &str) -> (PathBuf, PathBuf, String) {
    let dir = scratch(name, &[]);
    let report = dir.join("report.json");
    score_json(&dir.join("evidence"), &report);
    let made = std::fs::read_to_string(&report).expect("report");
    (dir, report, made)
}

/// `parindex verify` of `report` against the mini set and `dir`'s evidence.
fn verify_mini(report: &Path, dir: &Path) -> String {
    run(&[
        "verify",
        &report.to_string_lossy(),
        "--criteria",
        "fixtures/mini",
        "--evidence",
        &dir.join("evidence").to_string_lossy(),
    ])
}

#[test]
fn verify_names_an_edited_as_of_date() {
    let (dir, report, made) = scored_mini("verify-as-of");
    let replay = || verify_mini(&report, &dir);
    // The date at the top only: the report contradicts its own fingerprint.
    let top_only = made.replacen("\"as_of\": \"2026-12-31\"", "\"as_of\": \"2026-06-30\"", 1);
    assert_ne!(top_only, made);
    std::fs::write(&report, &top_only).expect("edit");
    let shown = replay();
    // Both dates, in the fingerprint too: every input agrees, the rows do not.
    std::fs::write(&report, made.replace("2026-12-31", "2026-06-30")).expect("edit");
    let everywhere = replay();
    let _ = std::fs::remove_dir_all(&dir);
    for shown in [&shown, &everywhere] {
        assert!(shown.starts_with("exit: 1\n"), "{shown}");
        let stderr = shown.split("--- stderr ---").nth(1).expect("stderr");
        assert!(
            stderr.contains("ngày tính đến") && stderr.contains("30/06/2026"),
            "{stderr}"
        );
        assert!(stderr.contains("31/12/2026"), "{stderr}");
        assert!(!stderr.contains("0 input(s)"), "{stderr}");
    }
}

/// A report whose texts alone differ from the replay's (a row's explanation rewritten by hand,
/// or a report of another version of parindex): told so, as neither an input nor a score.
#[test]
fn verify_tells_a_report_whose_text_alone_differs() {
    let (dir, report, made) = scored_mini("verify-text");
    let edited = made.replacen("\"explanation\": \"", "\"explanation\": \"(đã sửa) ", 1);
    assert_ne!(edited, made);
    std::fs::write(&report, edited).expect("edit");
    let shown = verify_mini(&report, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(shown.starts_with("exit: 1\n"), "{shown}");
    assert!(
        shown.contains(parindex_core::replay::EDITED_TEXT),
        "{shown}"
    );
}

/// A reader that stops reading (`parindex … | head`) ends the output, not the run: no
/// "lỗi nội bộ", and the command's own exit status (0 here, 1 for a verify that differs).
#[cfg(unix)]
#[test]
fn a_reader_that_goes_away_is_no_internal_error() {
    use std::process::Stdio;
    let root = root();
    let report = tempfile::NamedTempFile::new().expect("tmp");
    let score = [
        "score",
        "--criteria",
        "criteria/nghe-an-2026-so",
        "--evidence",
        "fixtures/skhcn-2026",
        "--format",
        "json",
    ];
    let json = Command::new(env!("CARGO_BIN_EXE_parindex"))
        .args(score)
        .current_dir(&root)
        .output()
        .expect("parindex runs");
    std::fs::write(report.path(), &json.stdout).expect("the report");
    let report = report.path().to_string_lossy().into_owned();
    for args in [
        score.to_vec(),
        vec!["diff", &report, &report, "--format", "json"],
        vec![
            "gaps",
            "--criteria",
            "criteria/nghe-an-2026-so",
            "--evidence",
            "fixtures/skhcn-2026",
        ],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_parindex"))
            .args(&args)
            .current_dir(&root)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("parindex runs");
        // The reader goes before reading anything.
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("parindex ends");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("lỗi nội bộ"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

#[test]
fn help_of_the_top_level() {
    insta::assert_snapshot!(run(&["--help"]));
}

#[test]
fn help_of_score() {
    insta::assert_snapshot!(run(&["score", "--help"]));
}

#[test]
fn help_of_explain() {
    insta::assert_snapshot!(run(&["explain", "--help"]));
}

/// What `parindex <args>` prints on standard output, which must be all it prints, with exit 0.
fn help_text(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_parindex"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("parindex runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
    assert!(stderr.is_empty(), "{args:?}: {stderr}");
    String::from_utf8(output.stdout).expect("UTF-8 help")
}

/// The commands the top level's help lists under `Lệnh:`.
fn commands() -> Vec<String> {
    let help = help_text(&["--help"]);
    let list = help.split("Lệnh:\n").nth(1).expect("a list of commands");
    list.lines()
        .take_while(|line| !line.is_empty())
        .filter_map(|line| line.split_whitespace().next().map(str::to_owned))
        .collect()
}

/// Common English words: any of them in a help text is a text, or a word of clap's, left
/// untranslated.
const ENGLISH: &[&str] = &[
    "the",
    "a",
    "of",
    "and",
    "or",
    "to",
    "with",
    "from",
    "print",
    "help",
    "usage",
    "options",
    "option",
    "commands",
    "command",
    "arguments",
    "argument",
    "subcommand",
    "default",
    "possible",
    "values",
    "value",
    "see",
    "more",
    "summary",
    "is",
    "for",
    "by",
    "this",
    "that",
    "when",
    "not",
    "if",
    "be",
    "are",
    "file",
    "folder",
    "report",
    "version",
    "output",
    "write",
];

/// The English words of `text`, leaving out what is not prose: `code` in backticks, flags
/// (`--help`, `-h`), value names (`<NGÀY>`, `[TÙY_CHỌN]`), file names and paths
/// (`criteria.toml`, `cases/*.cases`), addresses and assignments (`postgres://…`, `A='…'`).
fn english_words(text: &str) -> Vec<String> {
    let prose: String = text.split('`').step_by(2).collect::<Vec<_>>().join(" ");
    prose
        .split_whitespace()
        .map(|token| {
            token
                .trim_start_matches(['(', '"', '\''])
                .trim_end_matches(['.', ',', ';', ':', ')', '"', '\''])
        })
        .filter(|token| !token.starts_with('-') && !token.contains(['<', '[', '/', '=', '@', '.']))
        .flat_map(|token| token.split(|c: char| !c.is_alphanumeric()))
        .map(str::to_lowercase)
        .filter(|word| ENGLISH.contains(&word.as_str()))
        .collect()
}

#[test]
fn the_english_word_filter_finds_words_and_leaves_out_names() {
    assert_eq!(
        english_words("Print help, see `the list` --help -h <FILE> criteria.toml a/b Options:"),
        ["print", "help", "see", "options"]
    );
    assert!(english_words("In hướng dẫn (--help: bản đầy đủ); tệp units.csv.").is_empty());
}

/// Every help a user can ask for, of the top level and of each command, short (`-h`), full
/// (`--help`) and through `parindex help`, is Vietnamese: no English word outside code, flags,
/// value names and file names, none of clap's headings or notes, and lines that fit the 100
/// columns clap lays the help out in.
#[test]
fn every_help_is_vietnamese() {
    let commands = commands();
    assert_eq!(
        commands,
        ["score", "verify", "diff", "rank", "test", "gaps", "explain", "check", "serve", "help"]
    );
    let mut asked: Vec<Vec<&str>> = vec![vec!["-h"], vec!["--help"], vec!["help"]];
    for command in &commands {
        asked.push(vec![command, "-h"]);
        asked.push(vec![command, "--help"]);
        asked.push(vec!["help", command]);
    }
    for args in &asked {
        let help = help_text(args);
        assert!(help.contains("Cách dùng: parindex"), "{args:?}:\n{help}");
        // The commands' names, listed under `Lệnh:` and in usage lines and examples, are what
        // the user types, as flags are.
        let mut prose = help
            .lines()
            .map(|line| {
                commands
                    .iter()
                    .find_map(|c| line.strip_prefix(&format!("  {c} ")))
                    .unwrap_or(line)
            })
            .collect::<Vec<_>>()
            .join("\n");
        for command in &commands {
            prose = prose.replace(&format!("parindex {command}"), "parindex");
        }
        let english = english_words(&prose);
        assert!(english.is_empty(), "{args:?}: {english:?} in\n{help}");
        for clap_s in [
            "Usage:",
            "[default:",
            "[possible values:",
            "Possible values:",
            "[OPTIONS]",
            "<COMMAND>",
        ] {
            assert!(!help.contains(clap_s), "{args:?}: {clap_s} in\n{help}");
        }
        for line in help.lines() {
            assert!(
                line.chars().count() <= 100,
                "{args:?}: a line over 100 columns: {line}"
            );
        }
    }
}

#[test]
fn help_of_a_command_is_its_full_help() {
    for command in commands() {
        assert_eq!(
            help_text(&["help", &command]),
            help_text(&[&command, "--help"]),
            "{command}"
        );
    }
    assert_eq!(help_text(&["help"]), help_text(&["--help"]));
}

#[test]
fn help_of_a_command_that_does_not_exist_is_refused_in_vietnamese() {
    insta::assert_snapshot!(run(&["help", "scor"]), @r"
    exit: 1
    --- stdout ---
    --- stderr ---
    lỗi: không có lệnh `scor`; có phải ý bạn là `score`? Xem cách dùng: `parindex --help`, hoặc `parindex <LỆNH> --help`
    ");
}
