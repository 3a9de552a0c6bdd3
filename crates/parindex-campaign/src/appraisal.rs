//! Appraisal rounds: appraisers write round 1 in its phase and round 2 in its own; between
//! them units answer. The rounds a unit has are written as its evidence folder's
//! `appraisal.csv` (`vong,ma_tieu_chi,diem,ghi_chu,co_quan`), the overlay the library reads
//! with the same rules and refusals as a file an officer brings: the last round's points are
//! the row's final points, and `parindex score` of the folder gives the appraised report.

use crate::phase::Phase;
use crate::Refusal;

/// One appraiser's points on one row in one round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub round: u8,
    pub row: String,
    /// The points, as the library writes decimals (`1.5`).
    pub points: String,
    pub note: String,
    /// The appraising agency's name.
    pub agency: String,
}

/// The header of `appraisal.csv` in a unit's folder.
pub const HEADER: &str = "vong,ma_tieu_chi,diem,ghi_chu,co_quan";

/// The round an appraiser writes in `phase`.
pub fn round_in(phase: Phase) -> Result<u8, Refusal> {
    match phase {
        Phase::Round1 => Ok(1),
        Phase::Round2 => Ok(2),
        other => Err(Refusal::not_now(format!(
            "chưa hoặc không còn trong thời gian thẩm định (đang là giai đoạn «{}»)",
            other.vi()
        ))),
    }
}

/// Whether a unit may answer round 1 in `phase`.
pub fn answering(phase: Phase) -> Result<(), Refusal> {
    if phase == Phase::Explanation {
        Ok(())
    } else {
        Err(Refusal::not_now(format!(
            "chỉ giải trình được trong thời gian giải trình (đang là giai đoạn «{}»)",
            phase.vi()
        )))
    }
}

/// `appraisal.csv` of `lines`, in round then row order (the lines' own order within).
pub fn overlay_csv(lines: &[Line]) -> String {
    let mut sorted: Vec<&Line> = lines.iter().collect();
    sorted.sort_by(|a, b| (a.round, a.row.as_str()).cmp(&(b.round, b.row.as_str())));
    let mut out = String::from(HEADER);
    out.push('\n');
    for l in sorted {
        let cells = [
            l.round.to_string(),
            l.row.clone(),
            l.points.clone(),
            l.note.clone(),
            l.agency.clone(),
        ];
        let cells: Vec<String> = cells.iter().map(|c| quoted(c)).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// A CSV cell, quoted when it holds a separator, a quote, a line break or edge spaces.
fn quoted(cell: &str) -> String {
    let plain = !cell.contains([',', '"', '\n', '\r']) && cell.trim() == cell;
    if plain {
        cell.to_owned()
    } else {
        format!("\"{}\"", cell.replace('"', "\"\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(round: u8, row: &str, points: &str, note: &str) -> Line {
        Line {
            round,
            row: row.to_owned(),
            points: points.to_owned(),
            note: note.to_owned(),
            agency: "Sở Nội vụ".to_owned(),
        }
    }

    #[test]
    fn the_overlay_is_the_fixture_s_appraisal_file() {
        let lines = [
            line(
                2,
                "1.1",
                "1",
                "Đã giải trình và bổ sung phụ lục nhiệm vụ; chấp nhận một phần",
            ),
            line(
                1,
                "1.1",
                "0",
                "Kế hoạch chưa xác định sản phẩm và thời hạn hoàn thành của từng nhiệm vụ",
            ),
        ];
        let expected = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/province-2026/by-unit/SGDDT/appraisal.csv"
        ))
        .expect("the fixture");
        assert_eq!(overlay_csv(&lines), expected);
    }

    #[test]
    fn notes_with_separators_and_quotes_stay_one_cell() {
        let csv = overlay_csv(&[line(1, "2.1", "0.5", "thiếu \"phụ lục\", xem lại\ndòng 2")]);
        assert_eq!(
            csv,
            "vong,ma_tieu_chi,diem,ghi_chu,co_quan\n1,2.1,0.5,\"thiếu \"\"phụ lục\"\", xem lại\ndòng 2\",Sở Nội vụ\n"
        );
    }

    #[test]
    fn rounds_follow_the_phases() {
        assert_eq!(round_in(Phase::Round1), Ok(1));
        assert_eq!(round_in(Phase::Round2), Ok(2));
        assert!(round_in(Phase::Explanation).is_err());
        assert!(round_in(Phase::SelfAssessment).is_err());
        assert!(answering(Phase::Explanation).is_ok());
        assert!(answering(Phase::Round2).is_err());
    }
}
