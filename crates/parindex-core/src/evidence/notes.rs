//! The officer's own words (`notes.toml`): a written explanation (*giải trình*) per row, extra
//! evidence documents, declared points that replace the computed ones with a reason, and part 3
//! of the report (*khó khăn, vướng mắc và kiến nghị*).
//!
//! ```toml
//! kho_khan_kien_nghi = """…"""
//!
//! [tieu_chi."5.3"]
//! giai_trinh = "…"
//! tai_lieu = [{ so_ky_hieu = "2/QĐ-SKHCN", ngay = "12/01/2027", trich_yeu = "…" }]
//! diem_de_nghi = 1
//! ly_do = "…"
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::criteria::{line_col, CriteriaSet, ExactDecimal};
use crate::date::{parse_date, Date};
use crate::error::Diagnostic;
use crate::num::vi_decimal;

/// The file the notes are read from, in the unit's folder.
pub const NOTES_FILE: &str = "notes.toml";

/// Everything the officer wrote beside the evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Notes {
    /// Part 3 of the report.
    pub proposals: Option<String>,
    /// By row id.
    pub rows: BTreeMap<String, RowNote>,
}

/// The officer's words on one row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RowNote {
    /// The written explanation (*giải trình*).
    pub explanation: Option<String>,
    /// Documents the evidence files do not hold (a plan signed on paper, …).
    pub documents: Vec<DeclaredDocument>,
    /// Points the unit declares instead of the computed ones.
    pub declared: Option<DeclaredPoints>,
}

/// A document the officer adds to a row's evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeclaredDocument {
    pub number: String,
    pub date: Option<Date>,
    pub subject: Option<String>,
}

/// Points declared by the unit, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeclaredPoints {
    #[serde(with = "crate::num::decimal_string")]
    pub points: Decimal,
    pub reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotes {
    kho_khan_kien_nghi: Option<String>,
    #[serde(default)]
    /// Spanned by key, not by value: a row's table made only by `[[tieu_chi."3.2.4".tai_lieu]]`
    /// is implicit, and toml cannot span an implicit table.
    tieu_chi: BTreeMap<Spanned<String>, RawRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRow {
    giai_trinh: Option<String>,
    #[serde(default)]
    tai_lieu: Vec<RawDocument>,
    diem_de_nghi: Option<ExactDecimal>,
    ly_do: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDocument {
    so_ky_hieu: String,
    ngay: Option<String>,
    trich_yeu: Option<String>,
}

/// Reads and checks the notes against the set: every row named must be a row of it; declared
/// points need a reason, may not be on a survey row, and must lie within the row's bounds.
pub(crate) fn read_notes(
    path: &Path,
    text: &str,
    set: &CriteriaSet,
    problems: &mut Vec<Diagnostic>,
) -> Notes {
    let raw: RawNotes = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            problems.push(super::read::toml_diagnostic(path, text, &e).hint(
                "notes.toml gồm kho_khan_kien_nghi và các bảng [tieu_chi.\"<mã tiêu chí>\"] có giai_trinh, tai_lieu, diem_de_nghi và ly_do",
            ));
            return Notes::default();
        }
    };
    let blank = |s: Option<String>| s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let mut notes = Notes {
        proposals: blank(raw.kho_khan_kien_nghi),
        rows: BTreeMap::new(),
    };
    for (id, row) in raw.tieu_chi {
        let (line, column) = line_col(text, id.span().start);
        let id = id.into_inner();
        let at = |message: String| Diagnostic::new(path, message).at(line, column);
        let criterion =
            match super::scored_row(set, &id, ": ghi giải trình cho từng tiêu chí của nhóm", &at)
            {
                Ok(criterion) => criterion,
                Err(problem) => {
                    problems.push(*problem);
                    continue;
                }
            };
        let mut documents = Vec::new();
        for d in row.tai_lieu {
            let date = match d.ngay.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => None,
                Some(text) => match parse_date(text) {
                    Some(date) => Some(date),
                    None => {
                        problems.push(
                            at(format!(
                                "tiêu chí `{id}`: không đọc được ngày của văn bản `{}`",
                                d.so_ky_hieu
                            ))
                            .value(text)
                            .expected("ngày dạng dd/mm/yyyy"),
                        );
                        continue;
                    }
                },
            };
            documents.push(DeclaredDocument {
                number: d.so_ky_hieu,
                date,
                subject: blank(d.trich_yeu),
            });
        }
        let reason = blank(row.ly_do);
        let declared = match row.diem_de_nghi {
            None => None,
            Some(ExactDecimal(points)) => {
                let Some((low, high)) = criterion.bounds() else {
                    problems.push(
                        at(format!("tiêu chí `{id}` chấm qua điều tra xã hội học: điểm do Sở Nội vụ cho, đơn vị không đề nghị"))
                            .value(vi_decimal(points)),
                    );
                    continue;
                };
                if points < low || points > high {
                    problems.push(
                        at(format!(
                            "tiêu chí `{id}`: điểm đề nghị ngoài khoảng điểm của tiêu chí"
                        ))
                        .value(vi_decimal(points))
                        .expected(format!(
                            "từ {} đến {}",
                            vi_decimal(low),
                            vi_decimal(high)
                        )),
                    );
                    continue;
                }
                let Some(reason) = reason.clone() else {
                    problems.push(
                        at(format!(
                            "tiêu chí `{id}`: có điểm đề nghị nhưng chưa có lý do"
                        ))
                        .value(vi_decimal(points))
                        .hint("ghi ly_do: vì sao điểm đề nghị khác điểm tính từ minh chứng"),
                    );
                    continue;
                };
                Some(DeclaredPoints { points, reason })
            }
        };
        notes.rows.insert(
            id,
            RowNote {
                explanation: blank(row.giai_trinh),
                documents,
                declared,
            },
        );
    }
    notes
}
