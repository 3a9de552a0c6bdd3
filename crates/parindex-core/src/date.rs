//! Calendar dates as the field writes them (`dd/mm/yyyy`, or ISO `yyyy-mm-dd`).

use chrono::NaiveDate;

/// A calendar date. No time zone and no clock: the as-of date is always an input.
pub type Date = NaiveDate;

/// Why a text is not a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateProblem {
    /// Not one of the documented spellings (`dd/mm/yyyy`, `yyyy-mm-dd`, a portal timestamp).
    Form,
    /// Spelled as a date, but the day is not in the calendar (`29/02/2026`, `31/04/2026`).
    NoSuchDay,
}

impl DateProblem {
    /// What was expected, in Vietnamese, for a message about `text`.
    pub fn expected(self) -> &'static str {
        match self {
            DateProblem::Form => {
                "ngày dạng dd/mm/yyyy hoặc yyyy-mm-dd (có thể kèm giờ hh:mm hoặc hh:mm:ss)"
            }
            DateProblem::NoSuchDay => {
                "một ngày có trong lịch (đúng dạng dd/mm/yyyy nhưng ngày này không tồn tại)"
            }
        }
    }
}

/// Parses `d/m/yyyy`, `dd/mm/yyyy` (also with `-` or `.`), ISO `yyyy-mm-dd`, and timestamps:
/// one of those, a space or `T`, then `hh:mm` or `hh:mm:ss` (seconds may carry a fraction; the
/// time is checked, then dropped). Nothing else: a date followed by other text
/// (`09/01/2026 - 19/01/2026`, `31/12/2026 garbage`) or an impossible time (`25:61`) is no date.
pub fn parse_date(text: &str) -> Option<Date> {
    read_date(text).ok()
}

/// [`parse_date`], saying why a text is not a date.
pub fn read_date(text: &str) -> Result<Date, DateProblem> {
    let t = text.trim();
    let (day, time) = match t.find([' ', 'T']) {
        Some(i) => (&t[..i], Some(t[i + 1..].trim_start())),
        None => (t, None),
    };
    if let Some(time) = time {
        if !is_time(time) {
            return Err(DateProblem::Form);
        }
    }
    let parts: Vec<&str> = day.split(['/', '-', '.']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(DateProblem::Form);
    }
    let (y, m, d) = if parts[0].len() == 4 {
        (parts[0], parts[1], parts[2])
    } else if parts[2].len() == 4 {
        (parts[2], parts[1], parts[0])
    } else {
        return Err(DateProblem::Form);
    };
    if m.len() > 2 || d.len() > 2 {
        return Err(DateProblem::Form);
    }
    let number = |s: &str| s.parse::<u32>().map_err(|_| DateProblem::Form);
    let year = i32::try_from(number(y)?).map_err(|_| DateProblem::Form)?;
    NaiveDate::from_ymd_opt(year, number(m)?, number(d)?).ok_or(DateProblem::NoSuchDay)
}

/// `hh:mm` or `hh:mm:ss` (seconds perhaps with a fraction), each in range.
fn is_time(text: &str) -> bool {
    let mut parts = text.split(':');
    let field = |p: Option<&str>, max: u32| {
        p.filter(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|p| p.parse::<u32>().ok())
            .is_some_and(|n| n <= max)
    };
    if !field(parts.next(), 23) || !field(parts.next(), 59) {
        return false;
    }
    match parts.next() {
        None => true,
        Some(seconds) => {
            let (whole, fraction) = seconds.split_once('.').unwrap_or((seconds, "0"));
            parts.next().is_none()
                && field(Some(whole), 59)
                && !fraction.is_empty()
                && fraction.bytes().all(|b| b.is_ascii_digit())
        }
    }
}

/// `dd/mm/yyyy`, as in every Vietnamese administrative document.
pub fn vi_date(date: Date) -> String {
    date.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_usual_spellings() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 5);
        assert_eq!(parse_date("05/01/2026"), d);
        assert_eq!(parse_date("5/1/2026"), d);
        assert_eq!(parse_date("2026-01-05"), d);
        assert_eq!(parse_date(" 05.01.2026 "), d);
        assert_eq!(parse_date("05/01/2026 14:30"), d);
        assert_eq!(parse_date("05/01/2026 14:30:59"), d);
        assert_eq!(parse_date("2026-01-05T14:30:00"), d);
        assert_eq!(parse_date("2026-01-05T00:00:00.000"), d);
        assert_eq!(parse_date("2026-01-05 23:59"), d);
        assert_eq!(parse_date("2026/13/01"), None);
        assert_eq!(parse_date("05/01/26"), None);
        assert_eq!(parse_date(""), None);
    }

    #[test]
    fn refuses_trailing_text_and_impossible_times() {
        for text in [
            "09/01/2026 - 19/01/2026",
            "21/01/2026 25:61",
            "21/01/2026 24:00",
            "21/01/2026 12:60",
            "21/01/2026 12:30:61",
            "21/01/2026 12:30:00:00",
            "21/01/2026 12",
            "21/01/2026 12:3a",
            "31/12/2026 garbage",
            "31/12/2026T",
            "2026-12-31Tnoon",
            "31/12/2026x",
            "+31/12/2026",
        ] {
            assert_eq!(read_date(text), Err(DateProblem::Form), "{text:?}");
        }
        // A trailing space alone is trimmed: the cell is still just a date.
        assert!(parse_date("31/12/2026 ").is_some());
    }

    #[test]
    fn says_when_the_day_does_not_exist() {
        for text in [
            "29/02/2026",
            "31/04/2026",
            "2026-02-30",
            "31/02/2026 10:00",
            "00/01/2026",
        ] {
            assert_eq!(read_date(text), Err(DateProblem::NoSuchDay), "{text:?}");
        }
        assert!(parse_date("29/02/2028").is_some());
    }
}
