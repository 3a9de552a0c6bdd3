//! Tests of the components that need no file: the short codes' table, the kernel's date
//! ranges, the plain records' split.

use super::codes::{short_key, ShortCodes, UnitIndex};
use super::kernel::{date_tests, OneCell};
use super::split::PlainRecords;
use crate::date::Date;
use crate::query::{Atom, CellRef};

#[test]
fn short_codes_find_the_units_of_their_codes_only() {
    // Codes of every short length, many sharing slots (a small table for 300 codes).
    let codes: Vec<String> = (0..300)
        .map(|i| format!("{}{i}", &"DVXYZ"[..i % 5]))
        .chain(["a_code_of_many_bytes".to_owned(), String::new()])
        .collect();
    let units: UnitIndex = codes.iter().cloned().zip(0..).collect();
    let table = ShortCodes::new(&units);
    for (unit, code) in codes.iter().enumerate() {
        if let Some(key) = short_key(code) {
            assert_eq!(table.get(key), Some(unit), "{code:?}");
        }
    }
    for other in ["DV", "D0", "DVXYZ0", "0\0", "zz", "DVX299", "DVXY3000"] {
        let key = short_key(other).unwrap_or_default();
        assert_eq!(table.get(key), units.get(other).copied(), "{other:?}");
    }
}

#[test]
fn date_atoms_read_as_ranges_as_they_test() {
    let day = |y, m, d| Date::from_ymd_opt(y, m, d).unwrap_or(Date::MIN);
    let edges = [
        Date::MIN,
        day(2025, 12, 31),
        day(2026, 1, 1),
        day(2026, 12, 31),
    ];
    let mut atoms = vec![Atom::NoDate(0), Atom::Empty(0)];
    for &d in edges.iter().chain([&Date::MAX]) {
        atoms.extend([Atom::By(0, d), Atom::After(0, d)]);
        for from in [None, Some(day(2026, 1, 1)), Some(d)] {
            atoms.push(Atom::Visible {
                col: 0,
                from,
                to: d,
            });
        }
    }
    let bits = atoms.iter().enumerate().map(|(i, a)| (1u64 << i, a));
    let (answered, empty, ranges) = date_tests(0, bits);
    assert_eq!(answered, (1u64 << atoms.len()) - 1, "every atom answered");
    let mut dates: Vec<Date> = edges.iter().chain([&Date::MAX]).copied().collect();
    for &d in &edges {
        dates.extend(d.pred_opt());
        dates.extend(d.succ_opt());
    }
    for (i, atom) in atoms.iter().enumerate() {
        let bit = 1u64 << i;
        let cell = CellRef::Empty;
        assert_eq!(
            empty & bit != 0,
            atom.test(&OneCell { col: 0, cell }),
            "{atom:?}"
        );
        for &d in &dates {
            let held = ranges.iter().any(|r| r.bit == bit && r.holds(d));
            let cell = CellRef::Date(d);
            assert_eq!(
                held,
                atom.test(&OneCell { col: 0, cell }),
                "{atom:?} on {d}"
            );
        }
    }
}

/// What [`PlainRecords`] must give: lines split at `\n`, fields at the delimiter, a `\r`
/// ending a line dropped, the text after the last line feed a record of its own.
fn naive(text: &str, delimiter: char) -> Vec<(usize, Vec<&str>)> {
    let mut records = Vec::new();
    let mut start = 0;
    for line in text.split('\n') {
        let row = line.strip_suffix('\r').unwrap_or(line);
        records.push((start, row.split(delimiter).collect()));
        start += line.len() + 1;
    }
    records
}

fn split(text: &str, delimiter: u8) -> Vec<(usize, Vec<&str>)> {
    let mut rows = PlainRecords::new(text, delimiter);
    let mut fields = Vec::new();
    let mut records = Vec::new();
    while let Some(start) = rows.next_record(&mut fields) {
        records.push((start, fields.clone()));
    }
    records
}

#[test]
fn records_split_alike_whatever_their_place_in_a_chunk() {
    // Stops at every offset of a 64-byte chunk, at its edges and after the last one.
    let cells = [
        "",
        "a",
        "đơn vị",
        "01/02/2026",
        "x",
        "DV001",
        "ba mươi hai ký tự, gần hết",
    ];
    for len in [0, 1, 7, 8, 9, 62, 63, 64, 65, 127, 128, 129, 500] {
        for delimiter in [b',', b';', b'\t'] {
            let d = char::from(delimiter);
            let mut text = String::new();
            let mut k = len;
            while text.len() < len {
                text.push_str(cells[k % cells.len()].split(',').next().unwrap_or(""));
                text.push(if k % 5 == 0 { '\n' } else { d });
                if k % 11 == 0 {
                    text.push_str("\r\n");
                }
                k = (k * 7 + 3) % 1009;
            }
            for end in [text.len(), text.len().saturating_sub(1)] {
                let Some(text) = text.get(..end) else {
                    continue;
                };
                assert_eq!(split(text, delimiter), naive(text, d), "{text:?}");
            }
        }
    }
}
