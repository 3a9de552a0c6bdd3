//! The report's stable JSON form, `parindex.report/1` (see `docs/report-json.md`): decimals as
//! canonical strings, dates in ISO form; and a province's, `parindex.province/1`, written on
//! every core without holding the document whole.

use std::io::Write as _;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Report;
use crate::date::Date;
use crate::num::canonical_decimal;

/// The schema tag of the JSON report.
pub const REPORT_SCHEMA: &str = "parindex.report/1";

pub(super) fn dec<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&canonical_decimal(*d))
}

pub(super) fn opt_dec<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_str(&canonical_decimal(*d)),
        None => s.serialize_none(),
    }
}

pub(super) fn de_dec<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    crate::num::decimal_string::parse(&String::deserialize(d)?)
}

pub(super) fn de_opt_dec<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    (Option::<String>::deserialize(d)?)
        .map(|text| crate::num::decimal_string::parse(&text))
        .transpose()
}

pub(super) fn de_date<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
    date_of(&String::deserialize(d)?)
}

pub(super) fn de_opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
    (Option::<String>::deserialize(d)?)
        .map(|text| date_of(&text))
        .transpose()
}

/// A JSON date read back (ISO, or as [`crate::date::parse_date`] reads one), or the
/// deserializer's error saying which text.
fn date_of<E: serde::de::Error>(text: &str) -> Result<Date, E> {
    crate::date::parse_date(text).ok_or_else(|| {
        E::custom(format!(
            "`{}` không phải ngày",
            crate::visible::visible(text)
        ))
    })
}

pub(super) fn iso_date<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&d.format("%Y-%m-%d").to_string())
}

pub(super) fn opt_iso_date<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => iso_date(d, s),
        None => s.serialize_none(),
    }
}

impl Report {
    /// Reads a JSON report back (`parindex.report/1`), for replay and comparison.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let report: Report =
            serde_json::from_str(text).map_err(|e| crate::error::vi_json_error(&e))?;
        if report.schema != REPORT_SCHEMA {
            return Err(format!(
                "schema `{}` không phải {REPORT_SCHEMA}",
                crate::visible::visible(&report.schema)
            ));
        }
        Ok(report)
    }

    /// The JSON report, pretty-printed, ending with a newline. Byte-identical for the same
    /// inputs.
    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).unwrap_or_else(|e| {
            // Serialising plain strings and maps cannot fail; keep the library panic-free anyway.
            format!("{{\"error\": \"{e}\"}}")
        });
        out.push('\n');
        out
    }
}

/// The schema tag of a province's JSON (one report per unit).
pub const PROVINCE_SCHEMA: &str = "parindex.province/1";

/// A province's reports as one JSON document, `{"schema": "parindex.province/1", "units": […]}`.
///
/// Byte for byte what serialising the whole document gives; the units are serialised on every
/// core and indented into it (pretty JSON escapes line breaks inside strings, so every line
/// break is between tokens). [`write_province_json`] writes the same without holding it whole.
pub fn province_json(reports: &[Report]) -> String {
    let mut whole = Vec::new();
    // Writing to a vector cannot fail.
    let _ = write_province_json(reports, &mut whole, crate::threads::Threads::default());
    // serde_json writes UTF-8.
    String::from_utf8(whole).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Writes [`province_json`] to `out`: the first run of units as this thread serialises it,
/// the others from the segments the other cores serialised them into meanwhile.
///
/// # Errors
/// Those of `out`.
pub fn write_province_json(
    reports: &[Report],
    out: &mut dyn std::io::Write,
    threads: crate::threads::Threads,
) -> std::io::Result<()> {
    let workers = threads.for_items(reports.len());
    let chunk = reports.len().div_ceil(workers).max(1);
    let mut runs = reports.chunks(chunk);
    let first = runs.next().unwrap_or_default();
    write!(
        out,
        "{{\n  \"schema\": {},\n  \"units\": [",
        serde_json::to_string(PROVINCE_SCHEMA).unwrap_or_default()
    )?;
    std::thread::scope(|scope| {
        let others: Vec<_> = runs
            .map(|run| {
                scope.spawn(move || {
                    let mut segments = Segments::default();
                    // Writing to segments cannot fail.
                    let _ = serialise_units(&mut segments, run, false);
                    segments.into_vec()
                })
            })
            .collect();
        let mut direct = std::io::BufWriter::with_capacity(Segments::SIZE, &mut *out);
        serialise_units(&mut direct, first, true)?;
        direct.flush()?;
        drop(direct);
        for run in others {
            for segment in run.join().unwrap_or_else(|e| std::panic::resume_unwind(e)) {
                out.write_all(&segment)?;
            }
        }
        Ok::<_, std::io::Error>(())
    })?;
    out.write_all(if reports.is_empty() {
        b"]\n}\n"
    } else {
        b"\n  ]\n}\n"
    })
}

/// A run of units of the province document, indented to their place; the first unit of the
/// document (`first`) has no comma before it.
fn serialise_units<W: std::io::Write>(
    out: &mut W,
    run: &[Report],
    first: bool,
) -> std::io::Result<()> {
    for (i, r) in run.iter().enumerate() {
        out.write_all(if first && i == 0 {
            b"\n    "
        } else {
            b",\n    "
        })?;
        let mut ser = serde_json::Serializer::with_formatter(&mut *out, Indented::at(2));
        if let Err(e) = r.serialize(&mut ser) {
            if let Some(kind) = e.io_error_kind() {
                return Err(std::io::Error::new(kind, e));
            }
            write!(out, "{{\"error\": \"{e}\"}}")?;
        }
    }
    Ok(())
}

/// Bytes written in segments of about a MiB: one growing buffer would copy what it holds each
/// time it grows, into fresh pages (the province document is tens of MiB).
#[derive(Debug, Default)]
struct Segments {
    full: Vec<Vec<u8>>,
    current: Vec<u8>,
}

impl Segments {
    const SIZE: usize = 1 << 20;

    /// Called for every token: the room left is checked, nothing else.
    #[inline]
    fn push(&mut self, bytes: &[u8]) {
        if self.current.capacity() - self.current.len() < bytes.len() {
            self.next(bytes.len());
        }
        self.current.extend_from_slice(bytes);
    }

    #[cold]
    fn next(&mut self, at_least: usize) {
        let next = Vec::with_capacity(Self::SIZE.max(at_least));
        let full = std::mem::replace(&mut self.current, next);
        if !full.is_empty() {
            self.full.push(full);
        }
    }

    fn into_vec(mut self) -> Vec<Vec<u8>> {
        if !self.current.is_empty() {
            self.full.push(self.current);
        }
        self.full
    }
}

impl std::io::Write for Segments {
    #[inline]
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.push(buf);
        Ok(buf.len())
    }

    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.push(buf);
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `serde_json`'s pretty layout (two spaces a level) starting `base` levels deep, each line
/// break and its indentation written at once: the province document holds millions of lines.
#[derive(Debug)]
struct Indented {
    level: usize,
    has_value: bool,
}

impl Indented {
    fn at(base: usize) -> Self {
        Self {
            level: base,
            has_value: false,
        }
    }

    /// A line break (after a comma when `comma`) and the indentation of the current level.
    fn line<W: ?Sized + std::io::Write>(&self, w: &mut W, comma: bool) -> std::io::Result<()> {
        const SPACES: &[u8; 130] = &[b' '; 130];
        if comma {
            w.write_all(b",")?;
        }
        w.write_all(b"\n")?;
        let mut n = self.level * 2;
        while n > 0 {
            let k = n.min(SPACES.len());
            w.write_all(&SPACES[..k])?;
            n -= k;
        }
        Ok(())
    }

    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, b: &[u8]) -> std::io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(b)
    }

    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, b: &[u8]) -> std::io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.line(w, false)?;
        }
        w.write_all(b)
    }
}

impl serde_json::ser::Formatter for Indented {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.line(w, !first)
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.line(w, !first)
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}
