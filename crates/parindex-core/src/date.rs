//! Calendar dates as the field writes them (`dd/mm/yyyy`, or ISO `yyyy-mm-dd`).

use chrono::NaiveDate;

/// A calendar date. No time zone and no clock: the as-of date is always an input.
pub type Date = NaiveDate;

/// Parses `d/m/yyyy`, `dd/mm/yyyy` (also with `-` or `.`), ISO `yyyy-mm-dd`, and the portal's
/// `dd/mm/yyyy hh:mm[:ss]` timestamps (the time is dropped).
pub fn parse_date(text: &str) -> Option<Date> {
    let t = text.trim();
    let t = t.split_whitespace().next()?;
    let parts: Vec<&str> = t.split(['/', '-', '.']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let (y, m, d) = if parts[0].len() == 4 {
        (parts[0], parts[1], parts[2])
    } else if parts[2].len() == 4 {
        (parts[2], parts[1], parts[0])
    } else {
        return None;
    };
    if m.len() > 2 || d.len() > 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
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
        assert_eq!(parse_date("05/01/2026 14:30"), d);
        assert_eq!(parse_date("31/02/2026"), None);
        assert_eq!(parse_date("2026/13/01"), None);
        assert_eq!(parse_date("05/01/26"), None);
        assert_eq!(parse_date(""), None);
    }
}
