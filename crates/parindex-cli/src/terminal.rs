//! What the person at the terminal sees besides the output: a progress bar while large files
//! are read, where each table came from (`--verbose`), and which rows need attention.

use std::path::Path;

use parindex_core::evidence::ReadProgress;
use parindex_core::report::Status;
use parindex_core::visible::visible;
use parindex_core::{Evidence, Report};

use crate::shown;

/// A progress bar on standard error while large files are read; indicatif draws nothing when
/// standard error is not a terminal.
pub(crate) struct Progress {
    bar: indicatif::ProgressBar,
}

impl Progress {
    /// Files smaller than this are read too fast to be worth a bar.
    const WORTH_SHOWING: u64 = 4 << 20;

    pub(crate) fn new() -> Self {
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg} {wide_bar} {percent}%")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Self { bar }
    }
}

impl ReadProgress for Progress {
    fn start(&self, path: &Path, sheet: Option<&str>, total: u64) {
        self.bar.reset();
        self.bar.set_length(total);
        // A file or sheet name is the uploader's text: escaped like any value shown.
        let name = path
            .file_name()
            .map(|n| visible(&n.to_string_lossy()).into_owned())
            .unwrap_or_default();
        self.bar.set_message(match sheet {
            Some(s) => format!("{name} [{}]", visible(s)),
            None => name,
        });
        if total < Self::WORTH_SHOWING {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::hidden());
        } else {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    fn advance(&self, done: u64) {
        self.bar.set_position(done);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// `--verbose`: where each table came from, and what was ignored.
pub(crate) fn describe_sources(evidence: &Evidence) {
    for s in evidence.sources() {
        let place = match &s.sheet {
            Some(sheet) => format!("{} [{}]", shown(&s.path), visible(sheet)),
            None => shown(&s.path),
        };
        let encoding = s
            .encoding
            .as_deref()
            .map(|e| format!(", {e}"))
            .unwrap_or_default();
        eprintln!("{}: {place}{encoding}, {} bản ghi", s.table, s.records);
        if !s.ignored_columns.is_empty() {
            let ignored: Vec<_> = s.ignored_columns.iter().map(|c| visible(c)).collect();
            eprintln!("  cột không dùng (bỏ qua): {}", ignored.join(", "));
        }
    }
}

/// Tells the person at the terminal which rows need attention; of a province, in which unit.
pub(crate) fn summarize(report: &Report, name_unit: bool) {
    let unit = if name_unit {
        format!(
            "{} ({}): ",
            visible(&report.unit.name),
            visible(&report.unit.code)
        )
    } else {
        String::new()
    };
    let ids = |status: Status| -> Vec<&str> {
        report
            .nodes
            .iter()
            .filter(|n| n.is_leaf() && n.status == status)
            .map(|n| n.id.as_str())
            .collect()
    };
    let errors = ids(Status::Error);
    let missing = ids(Status::NoEvidence);
    if !errors.is_empty() {
        eprintln!(
            "cảnh báo: {unit}{} dòng bị lỗi: {}",
            errors.len(),
            errors.join(", ")
        );
    }
    if !missing.is_empty() {
        eprintln!(
            "cảnh báo: {unit}{} dòng {}: {}",
            missing.len(),
            Status::NoEvidence.vi().to_lowercase(),
            missing.join(", ")
        );
    }
    let unexplained: Vec<&str> = report
        .nodes
        .iter()
        .filter(|n| n.needs_explanation)
        .map(|n| n.id.as_str())
        .collect();
    if !unexplained.is_empty() {
        eprintln!(
            "lưu ý: {unit}{} dòng còn cần giải trình: {}",
            unexplained.len(),
            unexplained.join(", ")
        );
    }
}
