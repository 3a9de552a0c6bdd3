//! Replaying a report (what `parindex verify` and the web app's *Kiểm tra lại* page do): the
//! unit's evidence is scored again at the report's as-of date, the two reports are compared row
//! by row, and, when they differ, what the as-of date says about why.

use std::path::Path;

use crate::compare::{edited_as_of, Comparison};
use crate::date::Date;
use crate::error::Result;
use crate::evaluate::CompiledCriteria;
use crate::evidence::ReadOptions;
use crate::files::Files;
use crate::report::Report;

/// What a replay found.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Replay {
    /// The report scored again from the evidence, at the old report's as-of date.
    pub report: Report,
    /// What differs between the old report and the new one.
    pub comparison: Comparison,
    /// The replay gave the report back: the new report's JSON is the old report's text, byte
    /// for byte.
    pub agrees: bool,
    /// When the reports differ, why, as far as the as-of date tells.
    pub cause: Option<Cause>,
}

/// Why a replay differs, when the report itself was edited. Exhaustive: each cause has its
/// own advice to the auditor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    /// The report's as-of date is not the one its fingerprint records (given as written):
    /// one of them was edited after the report was made.
    EditedAsOf { recorded: String },
    /// Every input agrees and the scores do not, but a replay at this date (the set's
    /// default) gives the report's scores back: its as-of date was edited.
    MovedAsOf { scored_at: Date },
    /// Every input agrees and the scores do not: the report's rows or its as-of date were
    /// edited.
    EditedScores,
    /// Every input, row and total agrees, but not the text: the report was edited by hand, or
    /// made by another version of parindex (whose texts may be worded otherwise).
    EditedText,
}

/// What [`Cause::EditedText`] tells the auditor, in every output (`parindex verify`, the web
/// app's *Kiểm tra lại*). Not an accusation alone: the report contract holds byte for byte
/// within one engine version, and the texts' wording is not part of it.
pub const EDITED_TEXT: &str = "Điểm, trạng thái và dữ liệu đầu vào đều khớp, nhưng nội dung \
    báo cáo khác: báo cáo đã bị sửa sau khi lập, hoặc được lập bằng một phiên bản parindex khác \
    (lời văn giải thích của các dòng có thể khác giữa hai phiên bản).";

/// Scores the unit's evidence in `evidence` again at `old`'s as-of date and compares it with
/// `old`, whose JSON text is `old_json`.
///
/// # Errors
/// Those of reading the evidence ([`CompiledCriteria::read_and_score`]).
pub fn replay(
    criteria: &CompiledCriteria,
    files: &dyn Files,
    evidence: &Path,
    old: &Report,
    old_json: &str,
    options: &ReadOptions<'_>,
) -> Result<Replay> {
    let (_, report) = criteria.read_and_score(files, evidence, old.as_of, options)?;
    let agrees = report.to_json() == old_json;
    let comparison = Comparison::of(old, &report);
    let cause = if agrees {
        None
    } else if let Some(recorded) = edited_as_of(old) {
        Some(Cause::EditedAsOf {
            recorded: recorded.to_owned(),
        })
    } else if comparison.is_empty() {
        Some(Cause::EditedText)
    } else if !comparison.inputs.is_empty() || comparison.scores_agree() {
        None
    } else {
        // Every input agrees: only the date the report was replayed at can make the scores
        // differ, short of an edited row. The set's default date is where most reports are
        // made.
        match criteria.default_as_of().filter(|d| *d != old.as_of) {
            Some(default) => {
                let (_, at_default) = criteria.read_and_score(files, evidence, default, options)?;
                if Comparison::of(old, &at_default).scores_agree() {
                    Some(Cause::MovedAsOf { scored_at: default })
                } else {
                    Some(Cause::EditedScores)
                }
            }
            None => Some(Cause::EditedScores),
        }
    };
    Ok(Replay {
        report,
        comparison,
        agrees,
        cause,
    })
}
