//! Numbers, sizes and times as the pages show them: decimal comma, `dd/mm/yyyy`.

/// A Unix time as `dd/mm/yyyy hh:mm` in Vietnam (UTC+7, no daylight saving), the time the
/// campaign's deadlines are in. Shown in histories only; scores never read it.
pub fn vi_time(secs: i64) -> String {
    let secs = secs.saturating_add(parindex_campaign::phase::VIETNAM_OFFSET);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil(days);
    format!(
        "{d:02}/{m:02}/{y:04} {:02}:{:02}",
        rem / 3600,
        (rem % 3600) / 60
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's method).
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// A path segment percent-decoded as the router decodes one; `None` when it is not UTF-8 once
/// decoded. A `%` not followed by two hex digits stays as it is.
pub fn url_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |j: usize| bytes.get(j).and_then(|h| char::from(*h).to_digit(16));
        match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push(u8::try_from(hi * 16 + lo).ok()?);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// A size in bytes, KiB or MiB, with a decimal comma.
pub fn vi_size(bytes: i64) -> String {
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let (unit, div) = if bytes < 1 << 20 {
        ("KiB", 1024)
    } else {
        ("MiB", 1 << 20)
    };
    let tenths = (bytes * 10 + div / 2) / div;
    format!("{},{} {unit}", tenths / 10, tenths % 10)
}

/// `text` for a URL's query: every byte but unreserved ASCII percent-encoded.
pub fn url_encode(text: &str) -> String {
    use std::fmt::Write;
    text.bytes().fold(String::new(), |mut out, b| {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
        out
    })
}

pub use parindex_render::code_spans;

/// [`code_spans`] as (code, fact, piece): a code span that names one of `facts` is marked, for
/// a page to link it to the fact's input (`tăng … (\`dvsn_tu_chu\`) thêm 1`).
pub fn fact_spans<'a>(text: &'a str, facts: &[String]) -> Vec<(bool, bool, &'a str)> {
    code_spans(text)
        .into_iter()
        .map(|(code, piece)| (code, code && facts.iter().any(|f| f == piece), piece))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_span_naming_a_fact_is_marked() {
        let facts = vec!["dvsn_tu_chu".to_owned()];
        assert_eq!(
            fact_spans("tăng số đơn vị (`dvsn_tu_chu`) thêm 1; nhóm `dvsn`", &facts),
            [
                (false, false, "tăng số đơn vị ("),
                (true, true, "dvsn_tu_chu"),
                (false, false, ") thêm 1; nhóm "),
                (true, false, "dvsn"),
            ]
        );
    }

    #[test]
    fn times_are_day_first_in_vietnam() {
        assert_eq!(vi_time(0), "01/01/1970 07:00");
        // 2026-12-31 16:59 UTC is 23:59 in Vietnam; a minute later is the new year there.
        assert_eq!(vi_time(1_798_736_340), "31/12/2026 23:59");
        assert_eq!(vi_time(1_798_736_400), "01/01/2027 00:00");
        // 2000-02-28 17:00 UTC: the leap day begins in Vietnam.
        assert_eq!(vi_time(951_757_200), "29/02/2000 00:00");
    }

    #[test]
    fn path_segments_are_percent_decoded() {
        assert_eq!(url_decode("12").as_deref(), Some("12"));
        assert_eq!(url_decode("%31%32").as_deref(), Some("12"));
        assert_eq!(url_decode("%e1%BB%87").as_deref(), Some("ệ"));
        assert_eq!(url_decode("100%").as_deref(), Some("100%"));
        assert_eq!(url_decode("%zz1").as_deref(), Some("%zz1"));
        assert_eq!(url_decode("%ff"), None);
    }

    #[test]
    fn sizes_use_a_decimal_comma() {
        assert_eq!(vi_size(12), "12 B");
        assert_eq!(vi_size(1536), "1,5 KiB");
        assert_eq!(vi_size(3 << 20), "3,0 MiB");
    }

    #[test]
    fn code_spans_split_on_backtick_pairs() {
        assert_eq!(
            code_spans("khóa `a` và `b`."),
            [
                (false, "khóa "),
                (true, "a"),
                (false, " và "),
                (true, "b"),
                (false, ".")
            ]
        );
        // A backtick left open is text; an empty pair is an empty code.
        assert_eq!(code_spans("`a` ` b"), [(true, "a"), (false, " ` b")]);
        assert_eq!(code_spans("``"), [(true, "")]);
        assert_eq!(code_spans(""), []);
    }
}
