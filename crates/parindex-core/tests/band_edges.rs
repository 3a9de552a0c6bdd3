//! Table-driven cases for every self-assessed and penalty row of the reference set: each band,
//! both sides of each band edge, the not-arising case and the missing-evidence case.
//!
//! The cases live beside the criteria, in `criteria/nghe-an-2026-so/cases/*.cases`, one per
//! line:
//!
//! ```text
//! row | as-of (dd/mm/yyyy, or - for 31/12) | evidence | expected
//! ```
//!
//! The evidence is a `;`-separated list of:
//! - `rows TABLE N [col=value …]`: N records of TABLE; columns not given take the defaults in
//!   [`defaults`] (an on-time, complete, unremarkable record); `{i}` in a value is the record's
//!   number within the item; `col=` leaves the cell empty; `+` in a value stands for the `;`
//!   between tags (`nhom=ke-hoach-cchc+ke-hoach-pctn`);
//! - `empty TABLE`: the table's file with its header and no records;
//! - `fact NAME=VALUE`: a fact (integer, decimal with `.`, `true`/`false`, or text);
//! - `facts`: a `facts.toml` with no facts.
//!
//! Tables not mentioned have no file, and without `fact`/`facts` there is no `facts.toml`: that
//! is how a case says "no evidence". The expected outcome is `scored POINTS`,
//! `not_applicable`, `no_evidence` or `error`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use parindex_core::{
    load_criteria, parse_date, read_evidence, CompiledCriteria, FsFiles, MemoryFiles, Status,
};
use rust_decimal::Decimal;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// An unremarkable record of each table: on time, complete, signed, satisfied.
fn defaults(table: &str) -> Vec<(&'static str, &'static str)> {
    match table {
        "documents" => vec![
            ("so_ky_hieu", "{n}/SKHCN-VP"),
            ("ngay_ban_hanh", "15/06/2026"),
            ("loai", "CV"),
            ("trich_yeu", "Văn bản {n}"),
            ("nhom", ""),
            ("ky_so", "x"),
            ("gui_dien_tu", "x"),
            ("mat", ""),
        ],
        "dossiers" => vec![
            ("ma_ho_so", "HS-{n}"),
            ("ma_thu_tuc", "1.000541"),
            ("ngay_tiep_nhan", "01/06/2026"),
            ("han_xu_ly", "10/06/2026"),
            ("ngay_tra_ket_qua", "05/06/2026"),
            ("kenh", "truc_tuyen"),
            ("toan_trinh", "x"),
            ("co_phi", ""),
            ("thanh_toan_truc_tuyen", ""),
            ("so_hoa", "x"),
            ("xin_loi", ""),
            ("danh_gia", "hai_long"),
        ],
        "reports" => vec![
            ("ky", "Q1"),
            ("han", "15/04/2026"),
            ("ngay_gui", "10/04/2026"),
            ("so_ky_hieu", "{n}/BC-SKHCN"),
        ],
        "plan_tasks" => vec![
            ("ma", "T{n}"),
            ("nhiem_vu", "Nhiệm vụ {n}"),
            ("don_vi_chu_tri", "Văn phòng"),
            ("han", "30/06/2026"),
            ("ngay_hoan_thanh", "20/06/2026"),
            ("san_pham", ""),
        ],
        "legal_drafts" => vec![
            ("ten", "Dự thảo {n}"),
            ("han_trinh", "30/06/2026"),
            ("ngay_trinh", "20/06/2026"),
        ],
        "tthc_changes" => vec![
            ("can_cu", "QĐ {n}/QĐ-BKHCN"),
            ("ngay_hieu_luc", "01/03/2026"),
            ("ngay_trinh_cong_bo", "15/03/2026"),
        ],
        "feedback" => vec![
            ("ma", "PAKN-{n}"),
            ("ngay_nhan", "01/06/2026"),
            ("han_xu_ly", "15/06/2026"),
            ("ngay_xu_ly", "10/06/2026"),
        ],
        "inspections" => vec![
            ("don_vi", "Đơn vị {n}"),
            ("ngay", "15/05/2026"),
            ("so_ky_hieu", "{n}/TB-SKHCN"),
            ("so_van_de", "1"),
            ("so_van_de_da_xu_ly", "1"),
        ],
        _ => Vec::new(),
    }
}

struct Case {
    file: String,
    line: usize,
    row: String,
    as_of: Option<String>,
    evidence: String,
    expected: String,
}

fn parse_cases(file: &str, text: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split(" #").next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        assert_eq!(parts.len(), 4, "{file}:{}: expected 4 fields: {raw}", i + 1);
        cases.push(Case {
            file: file.to_owned(),
            line: i + 1,
            row: parts[0].to_owned(),
            as_of: (parts[1] != "-").then(|| parts[1].to_owned()),
            evidence: parts[2].to_owned(),
            expected: parts[3].to_owned(),
        });
    }
    cases
}

/// Builds the case's evidence folder in memory.
fn evidence(case: &Case, set: &parindex_core::CriteriaSet) -> Result<MemoryFiles, String> {
    let dir = Path::new("unit");
    let mut files = MemoryFiles::new();
    files.insert(
        dir.join("unit.toml"),
        "code = \"T\"\nname = \"Đơn vị\"\ngroup = \"so\"\n",
    );
    let mut tables: BTreeMap<String, Vec<BTreeMap<String, String>>> = BTreeMap::new();
    let mut facts: Option<String> = None;
    let mut counters: BTreeMap<String, usize> = BTreeMap::new();
    for item in case
        .evidence
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let words: Vec<&str> = item.split_whitespace().collect();
        match words.as_slice() {
            ["rows", table, n, assignments @ ..] => {
                let n: usize = n.parse().map_err(|_| format!("bad count in `{item}`"))?;
                let records = tables.entry((*table).to_owned()).or_default();
                for i in 1..=n {
                    let counter = counters.entry((*table).to_owned()).or_insert(0);
                    *counter += 1;
                    let number = counter.to_string();
                    let mut record: BTreeMap<String, String> = defaults(table)
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v.replace("{n}", &number)))
                        .collect();
                    for a in assignments {
                        let (k, v) = a.split_once('=').ok_or_else(|| format!("bad `{a}`"))?;
                        let v = v.replace("{i}", &i.to_string()).replace("{n}", &number);
                        record.insert(k.to_owned(), v.replace('+', ";"));
                    }
                    records.push(record);
                }
            }
            ["empty", table] => {
                tables.entry((*table).to_owned()).or_default();
            }
            ["facts"] => {
                facts.get_or_insert_with(String::new);
            }
            ["fact", assignment] => {
                let (k, v) = assignment
                    .split_once('=')
                    .ok_or_else(|| format!("bad `{item}`"))?;
                let value = if v == "true" || v == "false" || v.parse::<i64>().is_ok() {
                    v.to_owned()
                } else {
                    format!("\"{v}\"")
                };
                let _ = writeln!(facts.get_or_insert_with(String::new), "{k} = {value}");
            }
            _ => return Err(format!("cannot read evidence item `{item}`")),
        }
    }
    for (name, records) in tables {
        let spec = set
            .table(&name)
            .ok_or_else(|| format!("unknown table {name}"))?;
        let mut out = csv::Writer::from_writer(Vec::new());
        let header: Vec<&str> = spec.columns.iter().map(|c| c.id.as_str()).collect();
        out.write_record(&header).map_err(|e| e.to_string())?;
        for r in &records {
            for k in r.keys() {
                if spec.column(k).is_none() {
                    return Err(format!("table {name} has no column {k}"));
                }
            }
            let cells: Vec<&str> = header
                .iter()
                .map(|h| r.get(*h).map_or("", String::as_str))
                .collect();
            out.write_record(&cells).map_err(|e| e.to_string())?;
        }
        let bytes = out.into_inner().map_err(|e| e.to_string())?;
        files.insert(dir.join(&spec.file), bytes);
    }
    if let Some(facts) = facts {
        files.insert(dir.join("facts.toml"), facts);
    }
    Ok(files)
}

#[test]
fn every_band_edge_of_the_reference_set() {
    let criteria_dir = root().join("criteria/nghe-an-2026-so");
    let set = load_criteria(&FsFiles, &criteria_dir).expect("criteria load");
    let criteria = CompiledCriteria::compile(set).expect("criteria compile");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(criteria_dir.join("cases"))
        .expect("cases folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "cases"))
        .collect();
    paths.sort();
    let mut cases = Vec::new();
    for path in &paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(path).expect("cases file");
        cases.extend(parse_cases(&name, &text));
    }
    let mut failures = Vec::new();
    let mut covered: BTreeMap<String, usize> = BTreeMap::new();
    for case in &cases {
        *covered.entry(case.row.clone()).or_default() += 1;
        let files = match evidence(case, criteria.criteria()) {
            Ok(f) => f,
            Err(e) => {
                failures.push(format!("{}:{}: {e}", case.file, case.line));
                continue;
            }
        };
        let unit = match read_evidence(&files, criteria.criteria(), Path::new("unit")) {
            Ok(u) => u,
            Err(e) => {
                failures.push(format!(
                    "{}:{}: evidence does not read: {e}",
                    case.file, case.line
                ));
                continue;
            }
        };
        let as_of = match &case.as_of {
            Some(d) => parse_date(d).expect("as-of date"),
            None => criteria.default_as_of().expect("year end"),
        };
        let report = criteria.score(&unit, as_of);
        let Some(node) = report.node(&case.row) else {
            failures.push(format!("{}:{}: no row {}", case.file, case.line, case.row));
            continue;
        };
        let got = match node.status {
            Status::Scored => format!("scored {}", node.points.normalize()),
            other => other.as_str().to_owned(),
        };
        let want = match case.expected.split_once(' ') {
            Some(("scored", p)) => format!(
                "scored {}",
                p.parse::<Decimal>()
                    .map(|d| d.normalize())
                    .unwrap_or_default()
            ),
            _ => case.expected.clone(),
        };
        if got != want {
            failures.push(format!(
                "{}:{} ({} | {}): expected {want}, got {got} — {}",
                case.file, case.line, case.row, case.evidence, node.explanation
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );

    // Every self-assessed and penalty row has its cases.
    let missing: Vec<&str> = criteria
        .criteria()
        .leaves()
        .filter(|(_, leaf)| leaf.method != parindex_core::Method::Survey)
        .map(|(c, _)| c.id.as_str())
        .filter(|id| covered.get(*id).copied().unwrap_or(0) < 3)
        .collect();
    assert!(
        missing.is_empty(),
        "rows with fewer than 3 cases: {missing:?}"
    );
}
