//! A campaign's calendar. The administrator gives four dates; each deadline is the **end** of
//! its day in Vietnam (UTC+7, no daylight saving): a unit may submit until 23:59:59 of the
//! self-assessment's last day. Between them the campaign is in one [`Phase`].

use chrono::NaiveDate;

use crate::Refusal;

/// Vietnam's offset from UTC, in seconds.
pub const VIETNAM_OFFSET: i64 = 7 * 3600;

/// The last days of a campaign's stages, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// Self-assessment (and submission) ends.
    pub self_end: NaiveDate,
    /// Round 1 of appraisal ends.
    pub round1_end: NaiveDate,
    /// The explanation window (units answer round 1) ends.
    pub explain_end: NaiveDate,
    /// Round 2 ends: the final points are those of this moment.
    pub round2_end: NaiveDate,
}

/// Where a campaign stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    /// Units score themselves and submit.
    SelfAssessment,
    /// Appraisers enter round-1 points on submitted units.
    Round1,
    /// Units answer the round-1 points, row by row.
    Explanation,
    /// Appraisers enter round-2 (final) points.
    Round2,
    /// Appraisal is over: consolidation, survey, ranking, publication.
    Closed,
}

/// The first second after `day` ends in Vietnam.
pub fn end_of_day(day: NaiveDate) -> i64 {
    let next = day.succ_opt().unwrap_or(day);
    next.and_hms_opt(0, 0, 0)
        .map_or(i64::MAX, |t| t.and_utc().timestamp())
        - VIETNAM_OFFSET
}

/// The day (in Vietnam) a moment falls on.
pub fn day_of(at: i64) -> Option<NaiveDate> {
    chrono::DateTime::from_timestamp(at.checked_add(VIETNAM_OFFSET)?, 0).map(|t| t.date_naive())
}

/// `dd/mm/yyyy`.
pub fn vi_date(day: NaiveDate) -> String {
    day.format("%d/%m/%Y").to_string()
}

impl Deadlines {
    /// Refuses dates out of order: each stage must end after the one before it.
    pub fn new(
        self_end: NaiveDate,
        round1_end: NaiveDate,
        explain_end: NaiveDate,
        round2_end: NaiveDate,
    ) -> Result<Self, Refusal> {
        let d = Self {
            self_end,
            round1_end,
            explain_end,
            round2_end,
        };
        let steps = [
            ("hạn tự chấm điểm", self_end),
            ("hạn thẩm định vòng 1", round1_end),
            ("hạn giải trình", explain_end),
            ("hạn thẩm định vòng 2", round2_end),
        ];
        for pair in steps.windows(2) {
            let ((a, da), (b, db)) = (pair[0], pair[1]);
            if db <= da {
                return Err(Refusal::forbidden(format!(
                    "{b} ({}) phải sau {a} ({})",
                    vi_date(db),
                    vi_date(da)
                )));
            }
        }
        Ok(d)
    }

    /// The phase at `now` (Unix seconds).
    pub fn phase(&self, now: i64) -> Phase {
        if now < end_of_day(self.self_end) {
            Phase::SelfAssessment
        } else if now < end_of_day(self.round1_end) {
            Phase::Round1
        } else if now < end_of_day(self.explain_end) {
            Phase::Explanation
        } else if now < end_of_day(self.round2_end) {
            Phase::Round2
        } else {
            Phase::Closed
        }
    }
}

impl Phase {
    /// As the API writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::SelfAssessment => "self_assessment",
            Phase::Round1 => "round1",
            Phase::Explanation => "explanation",
            Phase::Round2 => "round2",
            Phase::Closed => "closed",
        }
    }

    /// The phase as the pages name it.
    pub fn vi(self) -> &'static str {
        match self {
            Phase::SelfAssessment => "Tự đánh giá, chấm điểm",
            Phase::Round1 => "Thẩm định vòng 1",
            Phase::Explanation => "Giải trình",
            Phase::Round2 => "Thẩm định vòng 2",
            Phase::Closed => "Đã kết thúc thẩm định",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a date")
    }

    fn deadlines() -> Deadlines {
        Deadlines::new(
            day(2026, 12, 15),
            day(2027, 1, 10),
            day(2027, 1, 20),
            day(2027, 1, 31),
        )
        .expect("in order")
    }

    #[test]
    fn a_deadline_is_the_end_of_its_day_in_vietnam() {
        let end = end_of_day(day(2026, 12, 15));
        // 16/12/2026 00:00 at UTC+7 is 15/12/2026 17:00 UTC.
        assert_eq!(
            end,
            day(2026, 12, 15)
                .and_hms_opt(17, 0, 0)
                .expect("t")
                .and_utc()
                .timestamp()
        );
        assert_eq!(day_of(end - 1), Some(day(2026, 12, 15)));
        assert_eq!(day_of(end), Some(day(2026, 12, 16)));
        let d = deadlines();
        assert_eq!(d.phase(end - 1), Phase::SelfAssessment);
        assert_eq!(d.phase(end), Phase::Round1);
    }

    #[test]
    fn phases_follow_the_deadlines() {
        let d = deadlines();
        let at = |y, m, dd| end_of_day(day(y, m, dd)) - 3600;
        assert_eq!(d.phase(at(2026, 12, 1)), Phase::SelfAssessment);
        assert_eq!(d.phase(at(2027, 1, 10)), Phase::Round1);
        assert_eq!(d.phase(at(2027, 1, 11)), Phase::Explanation);
        assert_eq!(d.phase(at(2027, 1, 31)), Phase::Round2);
        assert_eq!(d.phase(at(2027, 2, 1)), Phase::Closed);
    }

    #[test]
    fn dates_out_of_order_are_refused_by_name() {
        let e = Deadlines::new(
            day(2026, 12, 15),
            day(2026, 12, 15),
            day(2027, 1, 20),
            day(2027, 1, 31),
        )
        .expect_err("round 1 must end after the self-assessment");
        assert_eq!(
            e.message,
            "hạn thẩm định vòng 1 (15/12/2026) phải sau hạn tự chấm điểm (15/12/2026)"
        );
    }
}
