//! A province's exports streamed (`CompiledCriteria::score_province`) score exactly as when
//! they are read whole (`read_province` + `score_all`): the same reports byte for byte, the
//! same errors, whatever the file's size, quoting, encoding or the rules' questions.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use parindex_core::evidence::{read_province, Strategy};
use parindex_core::report::{province_json, PROVINCE_SCHEMA};
use parindex_core::{load_criteria, CompiledCriteria, Files, MemoryFiles, ReadOptions};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/province-2026")
}

/// The province fixture in memory: criteria under `c/`, exports under `p/`.
fn province() -> MemoryFiles {
    let mut files = MemoryFiles::new();
    for (from, to) in [("criteria", "c"), ("exports", "p")] {
        for entry in std::fs::read_dir(fixture().join(from)).expect("fixture folder") {
            let path = entry.expect("entry").path();
            let name = path.file_name().expect("name").to_owned();
            files.insert(
                Path::new(to).join(name),
                std::fs::read(&path).expect("read"),
            );
        }
    }
    files
}

/// Every report as JSON, or the error as the CLI would print it.
fn outcome(
    result: parindex_core::Result<Vec<parindex_core::Report>>,
) -> Result<Vec<String>, String> {
    result
        .map(|reports| reports.iter().map(parindex_core::Report::to_json).collect())
        .map_err(|e| e.to_string())
}

/// The streamed readings a province is scored through besides the default, and at how many
/// threads: each strategy, and both one thread and several, in four runs (every pairing of
/// the two is run on the cases and fixtures by `tests/strategies.rs`; these files are large).
const STRATEGIES: [(Strategy, usize); 4] = [
    (Strategy::Auto, 1),
    (Strategy::Layout, 3),
    (Strategy::Csv, 1),
    (Strategy::Whole, 3),
];

/// The province scored both ways: read whole (the oracle), and streamed — through every
/// reading strategy ([`STRATEGIES`]), each of which must give the same reports or the same
/// errors as the default reading, which is returned.
fn both(files: &MemoryFiles) -> (Result<Vec<String>, String>, Result<Vec<String>, String>) {
    let set = load_criteria(files, Path::new("c")).expect("criteria load");
    let criteria = CompiledCriteria::compile(set).expect("criteria compile");
    let as_of = criteria.default_as_of().expect("as-of");
    let options = ReadOptions::default();
    let dir = Path::new("p");
    let whole = read_province(files, criteria.criteria(), dir, &options)
        .map(|units| criteria.score_all(&units, as_of));
    let streamed = outcome(criteria.score_province(files, dir, as_of, &options));
    for (strategy, threads) in STRATEGIES {
        let options = ReadOptions::by_strategy(strategy, threads);
        let other = outcome(criteria.score_province(files, dir, as_of, &options));
        let same = match (&streamed, &other) {
            (Ok(a), Ok(b)) => a == b,
            (Err(a), Err(b)) => a == b,
            _ => false,
        };
        assert!(
            same,
            "{strategy:?} at {threads} thread(s) differs from the default reading: {}",
            match (&streamed, &other) {
                (Ok(a), Ok(b)) => first_difference(&a.join("\n"), &b.join("\n")),
                (a, b) => format!("{a:?}\nagainst\n{b:?}"),
            }
        );
    }
    (outcome(whole), streamed)
}

fn assert_same(files: &MemoryFiles) -> Vec<String> {
    let (whole, streamed) = both(files);
    let whole = whole.expect("the province reads whole");
    let streamed = streamed.expect("the province streams");
    assert_eq!(whole.len(), streamed.len());
    for (i, (a, b)) in whole.iter().zip(&streamed).enumerate() {
        // Not assert_eq: a whole report in a failure message drowns the difference.
        assert!(
            a == b,
            "unit {i} scores differently when streamed:\n{}",
            first_difference(a, b)
        );
    }
    streamed
}

fn first_difference(a: &str, b: &str) -> String {
    let at = a
        .bytes()
        .zip(b.bytes())
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let around = |s: &str| -> String {
        let (from, to) = (at.saturating_sub(200), (at + 200).min(s.len()));
        String::from_utf8_lossy(&s.as_bytes()[from..to]).into_owned()
    };
    format!("read whole: …{}…\nstreamed:   …{}…", around(a), around(b))
}

/// A dossiers export of `n` rows over the fixture's units, several blocks long, with what real
/// exports have: a byte-order mark, CRLF, quoted keys holding commas, quotes and line breaks,
/// decomposed Vietnamese, dossiers late, pending and not yet received.
fn large_dossiers(n: usize) -> Vec<u8> {
    dossiers(n, Quoting::LineBreaks)
}

/// How the keys of [`dossiers`] are quoted: each reads blocks differently.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Quoting {
    /// No quote anywhere: split at delimiters.
    None,
    /// Quoted keys holding commas (split between quotes) and escaped quotes (a row read by the
    /// `csv` crate).
    OneLine,
    /// Quoted keys holding line breaks: blocks read by the `csv` crate.
    LineBreaks,
}

const QUOTINGS: [Quoting; 3] = [Quoting::None, Quoting::OneLine, Quoting::LineBreaks];

/// The next of a fixed sequence of pseudo-random numbers (a linear congruential generator):
/// the generated exports are the same on every run.
fn next_random(x: &mut u64) -> u64 {
    *x = x
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    *x
}

/// [`large_dossiers`], quoted as said.
fn dossiers(n: usize, quoting: Quoting) -> Vec<u8> {
    const UNITS: [&str; 4] = ["SCT", "SDL", "SXD", "CT"];
    let mut out =
        String::from("\u{feff}ma_don_vi,ma_ho_so,ngay_tiep_nhan,han_xu_ly,ngay_tra_ket_qua\r\n");
    let mut x: u64 = 12345;
    for i in 0..n {
        let r = (next_random(&mut x) >> 33) as usize;
        let unit = UNITS[r % UNITS.len()];
        let month = 1 + (r / 7) % 12;
        let day = 1 + (r / 11) % 28;
        let key = match i % 1000 {
            0 if quoting == Quoting::LineBreaks => {
                format!("\"H40.{unit}, \"\"quoted\"\"\r\nsecond line {i}\"")
            }
            0 if quoting == Quoting::OneLine => format!("\"H40.{unit}, second part {i}\""),
            2 if quoting == Quoting::OneLine => format!("\"H40.{unit}, \"\"quoted\"\" {i}\""),
            1 => format!("HS-Hoa\u{300}-{i}"),
            _ => format!("H40.{unit}-{i:07}"),
        };
        let due_day = (day + 5).min(28);
        // The quoted and decomposed keys are late: listed among their unit's late dossiers.
        let done = match r % 10 {
            _ if i % 1000 < 3 => String::new(),
            0 => String::new(),
            1 => format!("{:02}/{month:02}/2026", (due_day + 1).min(28)),
            _ => format!("{:02}/{month:02}/2026", day.max(due_day - 2)),
        };
        // A few received after the as-of date: not visible.
        let year = if r % 97 == 0 { 2027 } else { 2026 };
        let _ = write!(
            out,
            "{unit},{key},{day:02}/{month:02}/{year},{due_day:02}/{month:02}/{year},{done}\r\n"
        );
        // Now and then a blank line, as spreadsheets leave them.
        if i % 5000 == 4999 {
            out.push_str("\r\n");
        }
    }
    out.into_bytes()
}

#[test]
fn the_fixture_streams_as_it_reads_whole() {
    let reports = assert_same(&province());
    assert_eq!(reports.len(), 22);
}

#[test]
fn a_large_export_of_many_blocks_streams_as_it_reads_whole() {
    let mut files = province();
    let dossiers = large_dossiers(160_000);
    assert!(dossiers.len() > 8 << 20, "spans several 4 MiB blocks");
    files.insert("p/dossiers.csv", dossiers);
    let reports = assert_same(&files);
    // The quoted, multi-line keys are listed as late dossiers of their unit.
    assert!(reports.iter().any(|r| r.contains("second line")));
    assert!(
        reports.iter().any(|r| r.contains("HS-Hoà-")),
        "keys are NFC"
    );
}

#[test]
fn a_large_export_quoted_on_one_line_streams_as_it_reads_whole() {
    let mut files = province();
    let dossiers = dossiers(160_000, Quoting::OneLine);
    assert!(dossiers.len() > 8 << 20, "spans several 4 MiB blocks");
    files.insert("p/dossiers.csv", dossiers);
    let reports = assert_same(&files);
    assert!(reports.iter().any(|r| r.contains("second part")));
    assert!(
        reports.iter().any(|r| r.contains("\\\"quoted\\\"")),
        "escaped quotes"
    );
}

#[test]
fn a_large_export_without_quotes_streams_as_it_reads_whole() {
    let mut files = province();
    let dossiers = dossiers(160_000, Quoting::None);
    assert!(!dossiers.contains(&b'"'));
    assert!(dossiers.len() > 8 << 20, "spans several 4 MiB blocks");
    files.insert("p/dossiers.csv", dossiers);
    let reports = assert_same(&files);
    assert!(
        reports.iter().any(|r| r.contains("HS-Hoà-")),
        "keys are NFC"
    );
}

#[test]
fn a_rule_asking_more_once_it_sees_the_data_is_answered() {
    let mut files = province();
    let criteria = String::from_utf8(files.read(Path::new("c/criteria.toml")).expect("criteria"))
        .expect("utf-8");
    let old = r#"rule = 'bands(on_time("dossiers", "han_xu_ly", "ngay_tra_ket_qua").ratio, [[1, 3], [0.95, 2], [0.9, 1]])'"#;
    assert!(criteria.contains(old));
    // Which question is asked depends on an answer: found on a second pass.
    let new = r#"rule = '''
let t = table("dossiers");
if t.count > 10 {
  let d = on_time(t.where_after("ngay_tiep_nhan", date(2026, 3, 31)), "han_xu_ly", "ngay_tra_ket_qua");
  bands(d.ratio, [[1, 3], [0.95, 2], [0.9, 1]])
} else {
  points(3, "ít hồ sơ")
}
'''"#;
    files.insert("c/criteria.toml", criteria.replace(old, new));
    files.insert("p/dossiers.csv", large_dossiers(2_000));
    let reports = assert_same(&files);
    assert!(reports.iter().all(|r| !r.contains("\"status\": \"error\"")));
}

/// Counts the readings of each file.
#[derive(Default)]
struct Readings(std::cell::RefCell<Vec<PathBuf>>);

impl parindex_core::evidence::ReadProgress for Readings {
    fn start(&self, path: &Path, _sheet: Option<&str>, _total: u64) {
        self.0.borrow_mut().push(path.to_path_buf());
    }
    fn advance(&self, _done: u64) {}
    fn finish(&self) {}
}

#[test]
fn a_rule_asking_by_a_units_fact_is_discovered_for_every_unit() {
    let mut files = province();
    let criteria = String::from_utf8(files.read(Path::new("c/criteria.toml")).expect("criteria"))
        .expect("utf-8");
    let old = r#"reads = ["dossiers"]
rule = 'bands(on_time("dossiers", "han_xu_ly", "ngay_tra_ket_qua").ratio, [[1, 3], [0.95, 2], [0.9, 1]])'"#;
    assert!(criteria.contains(old));
    // The first unit (BHXH) has the fact true, SGTVT, HQ and others false: the question differs
    // by unit, so the rule runs on every unit while finding the questions (a rule reading
    // nothing of its unit's own runs on the first only).
    let new = r#"reads = ["dossiers", "facts"]
rule = '''
let t = table("dossiers");
let from = if fact("cong_khai_ngan_sach") { date(2026, 3, 31) } else { date(2026, 6, 30) };
let t = t.where_after("ngay_tiep_nhan", from);
bands(on_time(t, "han_xu_ly", "ngay_tra_ket_qua").ratio, [[1, 3], [0.95, 2], [0.9, 1]])
'''"#;
    files.insert("c/criteria.toml", criteria.replace(old, new));
    let reports = assert_same(&files);
    assert!(reports.iter().all(|r| !r.contains("\"status\": \"error\"")));
    let set = load_criteria(&files, Path::new("c")).expect("criteria load");
    let criteria = CompiledCriteria::compile(set).expect("criteria compile");
    let readings = Readings::default();
    let options = ReadOptions {
        progress: Some(&readings),
        ..ReadOptions::default()
    };
    let as_of = criteria.default_as_of().expect("as-of");
    criteria
        .score_province(&files, Path::new("p"), as_of, &options)
        .expect("the province streams");
    let dossiers = readings
        .0
        .borrow()
        .iter()
        .filter(|p| p.ends_with("dossiers.csv"))
        .count();
    assert_eq!(dossiers, 1, "dossiers.csv is read once");
}

#[test]
fn bad_values_and_unknown_units_are_the_same_errors() {
    for quoting in QUOTINGS {
        bad_values_and_unknown_units(quoting);
    }
}

fn bad_values_and_unknown_units(quoting: Quoting) {
    let mut files = province();
    let mut dossiers = String::from_utf8(dossiers(60_000, quoting)).expect("utf-8");
    // A bad date deep in the file, and a unit that does not exist.
    dossiers = dossiers.replacen("SDL,H40.SDL-0050", "SDL,H40.SDL-0050X", 1);
    let line = dossiers
        .lines()
        .position(|l| l.contains("0050X"))
        .expect("row");
    let row = dossiers.lines().nth(line).expect("row").to_owned();
    let broken = row.replacen("/2026", "/20x6", 1);
    dossiers = dossiers.replacen(&row, &broken, 1);
    dossiers.push_str("SXX,H40.SXX-1,02/01/2026,10/01/2026,05/01/2026\r\n");
    files.insert("p/dossiers.csv", dossiers);
    let (whole, streamed) = both(&files);
    let (whole, streamed) = (whole.expect_err("refused"), streamed.expect_err("refused"));
    assert!(streamed.contains("20x6"), "{streamed}");
    assert!(
        streamed.contains("không có đơn vị `SXX`") || !whole.contains("SXX"),
        "{streamed}"
    );
    assert_eq!(whole, streamed);
}

#[test]
fn a_row_with_too_many_fields_is_the_same_error() {
    for quoting in QUOTINGS {
        too_many_fields(quoting);
    }
}

fn too_many_fields(quoting: Quoting) {
    let mut files = province();
    let mut dossiers = String::from_utf8(dossiers(50_000, quoting)).expect("utf-8");
    dossiers = dossiers.replacen("\r\nSCT,H40.SCT-0040", "\r\nSCT,extra,H40.SCT-0040", 1);
    files.insert("p/dossiers.csv", dossiers);
    let (whole, streamed) = both(&files);
    let (whole, streamed) = (whole.expect_err("refused"), streamed.expect_err("refused"));
    assert!(
        streamed.contains("dòng có 6 ô trong khi dòng tiêu đề có 5 cột"),
        "{streamed}"
    );
    assert_eq!(whole, streamed);
}

#[test]
fn a_legacy_encoding_is_read_whole_with_the_same_result() {
    let mut files = province();
    let text = String::from_utf8(files.read(Path::new("p/documents.csv")).expect("documents"))
        .expect("utf-8");
    // Windows-1258 spells most tones as combining marks: keep the letters it has whole.
    let encodable = |c: &char| c.is_ascii() || !encoding_rs::WINDOWS_1258.encode(&c.to_string()).2;
    let text: String = text.chars().filter(encodable).collect();
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1258.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "not UTF-8");
    files.insert("p/documents.csv", bytes.into_owned());
    assert_same(&files);
}

#[test]
fn errors_name_the_line_an_editor_shows() {
    // CRLF, a blank line and a quoted line break before the bad date on line 6.
    let dossiers = "ma_don_vi,ma_ho_so,ngay_tiep_nhan,han_xu_ly,ngay_tra_ket_qua\r\n\
                    SCT,A1,02/01/2026,10/01/2026,05/01/2026\r\n\
                    \r\n\
                    SCT,\"A2\r\nb\",02/01/2026,10/01/2026,05/01/2026\r\n\
                    SCT,A3,31/02/2026,10/01/2026,05/01/2026\r\n";
    for quoted in [true, false] {
        let mut files = province();
        let text = if quoted {
            dossiers.to_owned()
        } else {
            dossiers.replace("\"A2\r\nb\"", "A2")
        };
        files.insert("p/dossiers.csv", text);
        let (whole, streamed) = both(&files);
        let (whole, streamed) = (whole.expect_err("refused"), streamed.expect_err("refused"));
        let line = if quoted { 6 } else { 5 };
        assert!(
            streamed.contains(&format!("p/dossiers.csv:{line}:3:")),
            "{streamed}"
        );
        assert_eq!(whole, streamed);
    }
}

#[test]
fn the_province_document_is_the_whole_document_serialised() {
    let files = province();
    let set = load_criteria(&files, Path::new("c")).expect("criteria load");
    let criteria = CompiledCriteria::compile(set).expect("criteria compile");
    let as_of = criteria.default_as_of().expect("as-of");
    let reports = criteria
        .score_province(&files, Path::new("p"), as_of, &ReadOptions::default())
        .expect("scores");
    for n in [0, 1, 2, reports.len()] {
        let units = &reports[..n];
        let whole = serde_json::json!({ "schema": PROVINCE_SCHEMA, "units": units });
        let expected = serde_json::to_string_pretty(&whole).expect("json") + "\n";
        assert!(province_json(units) == expected, "{n} units");
    }
}

#[test]
fn empty_and_odd_exports_stream_as_they_read_whole() {
    let header = "ma_don_vi,ma_ho_so,ngay_tiep_nhan,han_xu_ly,ngay_tra_ket_qua";
    let row = "SCT,A1,02/01/2026,10/01/2026,05/01/2026";
    let cases = [
        String::new(),
        "\u{feff}".to_owned(),
        header.to_owned(),
        format!("{header}\n"),
        format!("{header}\r\n{row}"),
        format!("\u{feff}{header}\n{row}\n\n\n"),
        format!("{header}\n{row},extra"),
        format!("{header}\n\"{row}"),
        "\n\n".to_owned(),
        format!("\n\r\n{header}\n{row}\n"),
        format!("\u{feff}\n{header}\n{row},extra\n"),
    ];
    for (i, text) in cases.iter().enumerate() {
        let mut files = province();
        files.insert("p/dossiers.csv", text.clone());
        let (whole, streamed) = both(&files);
        assert!(
            whole == streamed,
            "case {i} {text:?}:\n{whole:?}\n{streamed:?}"
        );
    }
}

#[test]
fn text_is_normalised_before_it_is_split_as_when_read_whole() {
    // U+037E (Greek question mark) is `;` in NFC: with `;` between fields, the record has one
    // field more once normalised, read whole or streamed alike.
    let header = "ma_don_vi;ma_ho_so;ngay_tiep_nhan;han_xu_ly;ngay_tra_ket_qua";
    for row in [
        "SCT;A\u{37e}1;02/01/2026;10/01/2026;05/01/2026",
        "SCT;A\u{37e}1;02/01/2026;10/01/2026",
        "SCT;\"A\u{37e}1\r\nb\";02/01/2026;10/01/2026",
        "SCT;Hoa\u{300};02/01/2026;10/01/2026;05/01/2026",
    ] {
        let mut files = province();
        files.insert("p/dossiers.csv", format!("{header}\n{row}\n"));
        let (whole, streamed) = both(&files);
        assert!(whole == streamed, "{row:?}:\n{whole:?}\n{streamed:?}");
    }
}

#[test]
fn quotes_and_line_breaks_are_read_as_the_csv_crate_reads_them() {
    let header = "ma_don_vi,ma_ho_so,ngay_tiep_nhan,han_xu_ly,ngay_tra_ket_qua";
    let row = "SCT,A1,02/01/2026,10/01/2026,05/01/2026";
    for text in [
        // A quote inside a plain field is text, in the header or in a row.
        format!("ma_don_vi,ma_ho\"so,ngay_tiep_nhan,han_xu_ly,ngay_tra_ket_qua\n{row}\nSCT,A2\n"),
        format!("{header}\nSCT,A\"1,02/01/2026,10/01/2026,05/01/2026\nSCT,A2\n"),
        // Text after a closing quote is appended; an escaped quote is a quote.
        format!("{header}\nSCT,\"A\"1,02/01/2026,10/01/2026,05/01/2026\n"),
        format!("{header}\nSCT,\"A\"\"1\",02/01/2026,10/01/2026,05/01/2026\n"),
        // A lone CR ends a record.
        format!("{header}\n{row}\r{row}\n"),
        format!("{header}\r{row}\r{row}"),
    ] {
        let mut files = province();
        files.insert("p/dossiers.csv", text.clone());
        let (whole, streamed) = both(&files);
        assert!(whole == streamed, "{text:?}:\n{whole:?}\n{streamed:?}");
    }
}

/// The reference set's dossiers, with every flag and choice column, in the spellings the
/// kernel reads (`x`, `X`, empty) and in those it leaves to the layout (`có`, `1`, ` x`).
fn reference_dossiers(n: usize) -> Vec<u8> {
    const UNITS: [&str; 3] = ["DV001", "DV002", "DV003"];
    const FLAGS: [&str; 8] = ["x", "", "", "X", "x", "", "có", "1"];
    const CHANNELS: [&str; 4] = ["truc_tuyen", "truc_tiep", "buu_chinh", ""];
    let mut out = String::from(
        "ma_don_vi,ma_ho_so,ma_thu_tuc,ngay_tiep_nhan,han_xu_ly,ngay_tra_ket_qua,kenh,\
         toan_trinh,co_phi,thanh_toan_truc_tuyen,so_hoa,xin_loi,danh_gia\n",
    );
    let mut x: u64 = 777;
    for i in 0..n {
        let r = (next_random(&mut x) >> 29) as usize;
        let flag = |k: usize| {
            // Mostly the kernel's spellings; now and then one it leaves to the layout.
            let f = FLAGS[(r >> (3 * k)) % FLAGS.len()];
            if i % 97 == 0 {
                f
            } else if f == "có" || f == "1" {
                "x"
            } else {
                f
            }
        };
        let (month, day) = (1 + r % 12, 1 + (r / 13) % 20);
        let done = match r % 7 {
            0 => String::new(),
            1 => format!("{:02}/{month:02}/2026", day + 8),
            _ => format!("{:02}/{month:02}/2026", day + 2),
        };
        let _ = writeln!(
            out,
            "{},HS-{i},1.00{},{day:02}/{month:02}/2026,{:02}/{month:02}/2026,{done},{},{},{},{},{},{},{}",
            UNITS[r % UNITS.len()],
            r % 5,
            day + 5,
            CHANNELS[(r / 7) % CHANNELS.len()],
            flag(1),
            flag(2),
            flag(3),
            flag(4),
            flag(5),
            if r % 9 == 0 { "khong_hai_long" } else { "hai_long" },
        );
    }
    out.into_bytes()
}

#[test]
fn flags_and_choices_of_the_reference_set_stream_as_they_read_whole() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../criteria/nghe-an-2026-so");
    let mut files = MemoryFiles::new();
    files.insert(
        "c/criteria.toml",
        std::fs::read(root.join("criteria.toml")).expect("reference set"),
    );
    files.insert(
        "p/units.csv",
        "ma_don_vi,ten_don_vi,nhom\nDV001,Sở Một,so\nDV002,Sở Hai,so\nDV003,Sở Ba,so\n",
    );
    files.insert("p/dossiers.csv", reference_dossiers(30_000));
    // Periodic reports: one unit late on 9T, one without NAM, one on time. Row 1.2.1's
    // rule runs again supposing every period on time (what restores its points).
    files.insert(
        "p/reports.csv",
        "ma_don_vi,ky,han,ngay_gui,so_ky_hieu\n\
         DV001,Q1,16/03/2026,12/03/2026,1/BC\nDV001,6T,15/06/2026,12/06/2026,2/BC\n\
         DV001,9T,15/09/2026,17/09/2026,3/BC\nDV001,NAM,15/12/2026,11/12/2026,4/BC\n\
         DV002,Q1,16/03/2026,12/03/2026,5/BC\nDV002,6T,15/06/2026,12/06/2026,6/BC\n\
         DV002,9T,15/09/2026,14/09/2026,7/BC\n\
         DV003,Q1,16/03/2026,12/03/2026,8/BC\nDV003,6T,15/06/2026,12/06/2026,9/BC\n\
         DV003,9T,15/09/2026,14/09/2026,10/BC\nDV003,NAM,15/12/2026,11/12/2026,11/BC\n",
    );
    let reports = assert_same(&files);
    assert_eq!(reports.len(), 3);
    assert!(reports[0].contains("Kỳ 9T gửi trễ (hạn 15/09/2026): nếu mọi kỳ đều gửi đúng hạn"));
    assert!(reports[1].contains("Kỳ NAM chưa gửi: nếu mọi kỳ đều gửi đủ và đúng hạn → +1 điểm"));
    // Rows 3.3.1 and 3.3.2 (fully online, paid online) and those of 3.2 on digitised results
    // and apologies are ratios of flags: a flag read wrong shows in the reports compared above
    // (as it does when the kernel drops its true flags).
    for row in ["\"3.3.1\"", "\"3.3.2\""] {
        assert!(reports[0].contains(row), "{row} is in the report");
    }
}
