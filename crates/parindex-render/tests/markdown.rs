//! The Markdown forms: the mini fixture's report as a snapshot, and what each form must say of
//! the shipped example — declared points, a comparison's rows, the survey still pending,
//! `explain`'s reading of a band table — with evidence text never reaching a terminal raw.

use std::path::Path;

use parindex_core::compare::Comparison;
use parindex_core::explain::explain_row;
use parindex_core::{load_criteria, Files, FsFiles, MemoryFiles};
use parindex_render::{comparison_markdown, explain_markdown, report_markdown};

mod common;

use common::{example_files, score_files as score, CRITERIA, EVIDENCE};

/// The example with `from` replaced by `to` in its evidence file `name`.
fn edited(name: &str, from: &str, to: &str) -> MemoryFiles {
    let mut files = example_files();
    let path = Path::new(EVIDENCE).join(name);
    let text = String::from_utf8(files.read(&path).expect("the file")).expect("UTF-8");
    assert!(text.contains(from), "{from} in {name}");
    files.insert(path, text.replace(from, to));
    files
}

#[test]
fn markdown_report_snapshot() {
    insta::assert_snapshot!("mini_md", report_markdown(&common::mini()));
}

#[test]
fn declared_points_show_as_proposed() {
    let md = report_markdown(&common::example());
    assert!(
        md.contains("| 5.3 | Đánh giá, xếp loại CB, CC, VC đúng thời hạn | 2 |  | 1 (đề nghị) |"),
        "{md}"
    );
}

#[test]
fn a_terminal_escape_in_evidence_text_never_reaches_the_markdown_raw() {
    // Every subject (trích yếu) of the register carries an escape and a bell.
    let hostile = "\u{1b}]0;pwned\u{7}\u{1b}[31m\u{9b}2JKế hoạch";
    let markdown = report_markdown(&score(&edited("documents.csv", "Kế hoạch", hostile)));
    for c in ['\u{1b}', '\u{7}', '\u{9b}'] {
        assert!(!markdown.contains(c), "{c:?} in the Markdown");
    }
    assert!(markdown.contains("<U+001B>"), "the escape is shown");
}

#[test]
fn a_comparison_names_the_rows_that_moved_and_the_declared_points() {
    let before = score(&example_files());
    for (file, from, to, shown) in [
        // The CCHC plan issued on 02/02 instead of 16/01: later than 31/01.
        (
            "documents.csv",
            "2/KH-SKHCN,16/01/2026",
            "2/KH-SKHCN,02/02/2026",
            "| 1.1.1 | Ban hành kế hoạch CCHC năm kịp thời | 1 | 0,5 | -0,5 |",
        ),
        (
            "notes.toml",
            "diem_de_nghi = 1",
            "diem_de_nghi = 2",
            "(điểm đơn vị đề nghị: 1 → 2)",
        ),
    ] {
        let after = score(&edited(file, from, to));
        let md = comparison_markdown(&Comparison::of(&before, &after), "a", "b");
        assert!(md.contains(shown), "{shown} in:\n{md}");
    }
}

#[test]
fn the_survey_rows_still_pending_are_listed() {
    // Two of the eight survey rows have results: the six others wait.
    let mut with_survey = example_files();
    let survey = "ma_tieu_chi,ty_le\n1.6,80\n3.5,84.25\n";
    with_survey.insert(Path::new(EVIDENCE).join("survey.csv"), survey);
    let md = report_markdown(&score(&with_survey));
    let pending = "- Chờ kết quả điều tra xã hội học: 21 điểm (2.4, 3.6, 4.4, 5.7, 6.4, 7.6)";
    assert!(md.contains(pending), "{md}");
}

#[test]
fn explain_reads_the_bands_of_a_row() {
    let set = load_criteria(&FsFiles, &common::root().join(CRITERIA)).expect("loads");
    let text = explain_markdown(&explain_row(&set, "3.2.1").expect("row 3.2.1"));
    for line in [
        "# 3.2.1 Tỷ lệ hồ sơ giải quyết đúng và trước hạn\n",
        "\nThuộc: 3.2 Kết quả giải quyết TTHC › 3 Cải cách thủ tục hành chính\n",
        "\nCách đọc:\n\n",
        "\n- ≥ 100%: 2,5 điểm\n",
        "\n- từ 95% đến dưới 100%: 1,5 điểm\n",
        "\n- từ 90% đến dưới 95%: 0,5 điểm\n",
        "\n- dưới 90%: 0 điểm\n",
    ] {
        assert!(text.contains(line), "{line} in:\n{text}");
    }
}
