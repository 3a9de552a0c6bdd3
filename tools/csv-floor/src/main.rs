//! The floor of `scripts/bench.sh`: reads one dossiers CSV file with the `csv` crate (byte
//! records, one thread) and parses the three dates of every record (`ngay_tiep_nhan`,
//! `han_xu_ly`, `ngay_tra_ket_qua`, found by name in the header, so with or without a
//! `ma_don_vi` column) into day numbers; nothing else. A date is `dd/mm/yyyy` or `yyyy-mm-dd`,
//! checked (a day that does not exist is an error); an empty cell is no date. Prints the number
//! of records, of fields and of dates, and a checksum of the day numbers (so that nothing is
//! optimised away).
//!
//!     csv-floor <file.csv>             # records and their three dates
//!     csv-floor --no-dates <file.csv>  # records only (the floor of issue 9)

use std::process::ExitCode;

const DATES: [&str; 3] = ["ngay_tiep_nhan", "han_xu_ly", "ngay_tra_ket_qua"];

fn main() -> ExitCode {
    let mut args: Vec<_> = std::env::args_os().skip(1).collect();
    let dates = match args.first() {
        Some(a) if a == "--no-dates" => {
            args.remove(0);
            false
        }
        _ => true,
    };
    let [path] = args.as_slice() else {
        eprintln!("usage: csv-floor [--no-dates] <file.csv>");
        return ExitCode::from(2);
    };
    match run(path, dates) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("csv-floor: {e}");
            ExitCode::from(1)
        }
    }
}

fn run(path: &std::ffi::OsStr, dates: bool) -> Result<String, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .map_err(|e| e.to_string())?;
    let mut columns = [0usize; 3];
    if dates {
        let header = reader.byte_headers().map_err(|e| e.to_string())?.clone();
        for (slot, name) in columns.iter_mut().zip(DATES) {
            *slot = header
                .iter()
                .position(|h| h == name.as_bytes())
                .ok_or_else(|| format!("no column {name}"))?;
        }
    }
    let mut record = csv::ByteRecord::new();
    let (mut records, mut fields, mut days, mut sum) = (0u64, 0u64, 0u64, 0i64);
    while reader.read_byte_record(&mut record).map_err(|e| e.to_string())? {
        records += 1;
        fields += record.len() as u64;
        if dates {
            for &c in &columns {
                let cell = record.get(c).unwrap_or(b"");
                if let Some(d) = parse_date(cell).ok_or_else(|| {
                    format!("record {records}: not a date: {:?}", String::from_utf8_lossy(cell))
                })? {
                    days += 1;
                    sum = sum.wrapping_add(d);
                }
            }
        }
    }
    Ok(if dates {
        format!("{records} records, {fields} fields, {days} dates (checksum {sum})")
    } else {
        format!("{records} records, {fields} fields")
    })
}

/// `Some(None)`: an empty cell; `Some(Some(day))`: days since 1970-01-01; `None`: not a date.
fn parse_date(cell: &[u8]) -> Option<Option<i64>> {
    let cell = cell.trim_ascii();
    if cell.is_empty() {
        return Some(None);
    }
    let num = |s: &[u8]| -> Option<i64> {
        if s.is_empty() || s.len() > 4 || !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(s.iter().fold(0i64, |n, &b| n * 10 + i64::from(b - b'0')))
    };
    let (y, m, d) = match cell {
        [d1, d2, b'/', m1, m2, b'/', y @ ..] if y.len() == 4 => {
            (num(y)?, num(&[*m1, *m2])?, num(&[*d1, *d2])?)
        }
        [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] => {
            (num(&[*y1, *y2, *y3, *y4])?, num(&[*m1, *m2])?, num(&[*d1, *d2])?)
        }
        _ => return None,
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&m) || d < 1 || d > month_days[(m - 1) as usize] {
        return None;
    }
    Some(Some(days_from_civil(y, m, d)))
}

/// Howard Hinnant's days_from_civil.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
