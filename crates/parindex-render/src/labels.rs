//! The Vietnamese words that more than one form of a report writes, each spelled once here:
//! column headings, part titles, the administrative heading, the ranking's words. A row's
//! status is [`parindex_core::report::Status::vi`], the one spelling of a status every output uses
//! (the engine writes it into explanations too).

use parindex_core::num::vi_decimal;
use parindex_core::report::NodeKind;
use rust_decimal::Decimal;

/// `STT` (*số thứ tự*): the row's number.
pub const STT: &str = "STT";
/// The row column of every table of rows.
pub const ROW: &str = "Lĩnh vực / Tiêu chí / Tiêu chí thành phần";
/// A row of the points-lost table: a leaf.
pub const GAP_ROW: &str = "Tiêu chí / Tiêu chí thành phần";
pub const MAX: &str = "Điểm tối đa";
pub const MEASURE: &str = "Số liệu kê khai";
pub const SELF_POINTS: &str = "Điểm tự đánh giá";
pub const EVIDENCE: &str = "Tài liệu kiểm chứng";
pub const NOTE: &str = "Giải trình / Ghi chú";
pub const APPRAISED: &str = "Điểm thẩm định";
pub const APPRAISAL_NOTE: &str = "Ghi chú thẩm định";
/// A row's status column ([`parindex_core::report::Status::vi`]).
pub const STATUS: &str = "Tình trạng";
pub const LOST: &str = "Điểm bị mất";
pub const RESTORE: &str = "Cách khôi phục";
/// The total line of the scoring table.
pub const TOTAL: &str = "Tổng cộng";

/// The columns of the scoring table, in order.
pub const COLUMNS: [&str; 9] = [
    STT,
    ROW,
    MAX,
    MEASURE,
    SELF_POINTS,
    EVIDENCE,
    NOTE,
    APPRAISED,
    APPRAISAL_NOTE,
];

/// The columns of the points-lost table, in order.
pub const GAP_COLUMNS: [&str; 6] = [STT, GAP_ROW, MAX, SELF_POINTS, LOST, RESTORE];

/// The heading of the points-lost part of every report.
pub const GAPS_TITLE: &str = "Điểm bị mất và cách khôi phục";
/// What the points-lost part says when no row lost points.
pub const NO_GAPS: &str = "Không dòng nào bị mất điểm.";
/// The restore hint of a row whose rule gives none.
pub const RESTORE_UNKNOWN: &str = "Xem giải thích của dòng";
/// The heading of the replay fingerprint, at the foot of every report.
pub const FINGERPRINT_TITLE: &str = "Dấu vân tay để đối chiếu (parindex verify)";

/// The report's facts: the unit, the set, the date.
pub const UNIT: &str = "Đơn vị";
pub const SET: &str = "Bộ chỉ số";
pub const AS_OF: &str = "Số liệu tính đến ngày";
/// The rows still without the unit's written explanation.
pub const NEEDS_EXPLANATION: &str = "Cần giải trình";
/// The unit's written explanation of a row.
pub const UNIT_EXPLANATION: &str = "Giải trình của đơn vị";

/// The title of the report (HTML and Word), before the year.
pub const REPORT_TITLE: &str = "Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm";
/// The three parts sent to Sở Nội vụ (the Word report writes them in capitals).
pub const PART_ONE: &str = "I. Bảng tổng hợp kết quả tự đánh giá, chấm điểm";
pub const PART_TWO: &str = "II. Giải trình";
pub const PART_THREE: &str = "III. Khó khăn, vướng mắc và kiến nghị";
/// The national motto of every administrative document (in capitals on paper).
pub const NATION: &str = "Cộng hòa xã hội chủ nghĩa Việt Nam";
pub const MOTTO: &str = "Độc lập - Tự do - Hạnh phúc";
/// The signature block's list of recipients.
pub const RECIPIENTS: &str = "Nơi nhận:";
pub const FILED: &str = "- Lưu: VT.";

/// What stands where there is no figure.
pub const NONE: &str = "—";

/// The ranking's words.
pub const RANKING_TITLE: &str = "Xếp hạng Chỉ số cải cách hành chính";
pub const GROUP: &str = "Nhóm";
pub const RANK: &str = "Hạng";
pub const SELF_SHORT: &str = "Tự đánh giá";
pub const APPRAISED_SHORT: &str = "Thẩm định";
pub const SURVEY_SHORT: &str = "Điều tra XHH";
pub const TOTAL_POINTS: &str = "Tổng điểm";
pub const INDEX: &str = "Chỉ số";
pub const RATING: &str = "Xếp loại";

/// What became of an input between two reports (the comparison's `changed`, `added`,
/// `removed`).
pub fn input_change(change: &str) -> &str {
    match change {
        "changed" => "đã thay đổi",
        "added" => "mới có",
        "removed" => "không còn",
        other => other,
    }
}

/// An input of a comparison in words: the engine and the date by what they are, a file by
/// its path in the report's fingerprint (`evidence/dossiers.csv`).
pub fn input_name(name: &str) -> &str {
    match name {
        "engine" => "Phiên bản phần mềm",
        "as_of" => "Ngày tính điểm",
        file => file,
    }
}

/// A total of a comparison (`total.points`, …) in words.
pub fn figure(figure: &str) -> &str {
    match figure {
        "total.max" => "Tổng điểm tối đa",
        "total.applicable_max" => "Điểm tối đa của các dòng phát sinh",
        "total.points" => TOTAL_POINTS,
        "total.index" => "Chỉ số (%)",
        "total.rating" => RATING,
        "self.applicable_max" => "Điểm tối đa phần tự đánh giá (các dòng phát sinh)",
        "self.points" => SELF_POINTS,
        "self.index" => "Chỉ số phần tự đánh giá (%)",
        other => other,
    }
}

/// A total's value as shown: a number with the decimal comma, a rating as it is, the dash
/// for none.
pub fn figure_value(value: Option<&str>) -> String {
    match value {
        None => NONE.to_owned(),
        Some(v) => v
            .parse::<Decimal>()
            .map_or_else(|_| v.to_owned(), vi_decimal),
    }
}

/// A unit's rank: `3`, or `3 (đồng hạng)` when it shares it.
pub fn rank(rank: usize, tied: bool) -> String {
    if tied {
        format!("{rank} (đồng hạng)")
    } else {
        rank.to_string()
    }
}

/// `Lĩnh vực`, `Tiêu chí` or `Tiêu chí thành phần`: what a row is called in the report.
pub fn kind(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Field => "Lĩnh vực",
        NodeKind::Criterion => "Tiêu chí",
        NodeKind::SubCriterion => "Tiêu chí thành phần",
    }
}
