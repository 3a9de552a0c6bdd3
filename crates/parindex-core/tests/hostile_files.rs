//! Hostile files (issue 18, items 4 and 6): a criteria set or an evidence folder that points the
//! engine at files it must not read — outside the folder, through a link, a FIFO, a device — or
//! a workbook that inflates to gigabytes. Each must be refused with a message naming the file,
//! never hang, never abort.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use parindex_core::criteria::CriteriaSet;
use parindex_core::report::EvidenceRef;
use parindex_core::{
    load_criteria, CompiledCriteria, Diagnostic, Error, Evidence, Files, FsFiles, MemoryFiles,
    ReadOptions, Report,
};

#[path = "../../../fuzz/harness.rs"]
mod harness;

// --- Helpers -----------------------------------------------------------------------------------

/// Runs `f` on another thread and fails the test if it has not returned within 20 s: a FIFO
/// opened the ordinary way blocks forever, and the test must say so instead of hanging.
fn within_deadline<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(20))
        .unwrap_or_else(|_| panic!("{what}: still running after 20 s (hangs)"))
}

/// A fresh, empty folder under Cargo's temporary folder for integration tests.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("hostile_files")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn write(path: &Path, content: impl AsRef<[u8]>) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("parent folder");
    }
    std::fs::write(path, content).expect("write a test file");
}

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).expect("symlink");
}

/// A one-row set whose row 1.1 reads its rule from `rule_file`.
fn set_with_rule_file(rule_file: &str) -> String {
    format!(
        "[set]\nid = \"s\"\ntitle = \"S\"\nprovince = \"Nghệ An\"\nyear = 2026\n\
         unit_group = \"so\"\nnot_arising = \"exclude\"\n\n[[rating]]\nlabel = \"Đạt\"\nmin = 0\n\n\
         [tables.items]\ntitle = \"Items\"\n\
         columns = [{{ id = \"n\", type = \"integer\", required = true }}]\n\n\
         [[criterion]]\nid = \"1\"\ntitle = \"Field\"\nmax = 1\n\n\
         [[criterion]]\nid = \"1.1\"\ntitle = \"Row\"\nmax = 1\nmethod = \"self\"\n\
         reads = [\"items\"]\nrule_file = \"{rule_file}\"\n"
    )
}

/// The criteria error of loading `dir` from disk, with every message joined; panics if the set
/// loads or fails otherwise.
fn criteria_error(dir: &Path) -> (Vec<Diagnostic>, String) {
    let dir = dir.to_path_buf();
    let result = within_deadline("load_criteria", move || load_criteria(&FsFiles, &dir));
    match result {
        Err(e @ Error::Criteria(_)) => {
            let text = e
                .diagnostics()
                .iter()
                .map(|d| format!("{}: {} ({:?})", d.path.display(), d.message, d.hint))
                .collect::<Vec<_>>()
                .join("\n");
            (e.diagnostics().to_vec(), text)
        }
        Err(other) => panic!("expected Error::Criteria, got {other:?}"),
        Ok(set) => panic!(
            "expected Error::Criteria, the set loaded: {:?}",
            set.criteria.len()
        ),
    }
}

/// A criteria folder whose only rule file is `rule_file`, made by `prepare` in the folder.
fn refused_rule(name: &str, rule_file: &str, prepare: impl FnOnce(&Path)) -> String {
    let dir = scratch(name);
    write(&dir.join("criteria.toml"), set_with_rule_file(rule_file));
    prepare(&dir);
    let (diagnostics, text) = criteria_error(&dir);
    let d = diagnostics
        .iter()
        .find(|d| d.message.contains(rule_file))
        .unwrap_or_else(|| panic!("no diagnostic names `{rule_file}`:\n{text}"));
    assert_eq!(d.path, dir.join("criteria.toml"), "{text}");
    assert!(
        d.line.is_some(),
        "the diagnostic points at the line: {text}"
    );
    // Nothing of the file outside may reach the officer (or an attacker reading `check`).
    assert!(!text.contains("root:"), "{text}");
    text
}

// --- Item 4: rule files --------------------------------------------------------------------------

#[test]
fn an_absolute_rule_file_is_refused_unread() {
    let text = refused_rule("rule-absolute", "/etc/passwd", |_| {});
    assert!(text.contains("nằm ngoài thư mục bộ tiêu chí"), "{text}");
}

#[test]
fn a_rule_file_above_the_criteria_folder_is_refused_unread() {
    for (i, rel) in [
        "../../etc/passwd",
        "../../../../etc/passwd",
        "rules/../../x.rhai",
    ]
    .into_iter()
    .enumerate()
    {
        let text = refused_rule(&format!("rule-parent-{i}"), rel, |_| {});
        assert!(text.contains("nằm ngoài thư mục bộ tiêu chí"), "{text}");
    }
}

#[test]
fn dev_zero_as_a_rule_file_is_refused_without_reading_it() {
    let text = refused_rule("rule-dev-zero", "/dev/zero", |_| {});
    assert!(text.contains("nằm ngoài"), "{text}");
    let text = refused_rule("rule-dev-stdin", "/dev/stdin", |_| {});
    assert!(text.contains("nằm ngoài"), "{text}");
}

#[cfg(unix)]
#[test]
fn a_rule_file_linked_to_a_file_outside_is_refused() {
    let text = refused_rule("rule-link-out", "rules/ky-so.rhai", |dir| {
        std::fs::create_dir_all(dir.join("rules")).expect("rules folder");
        symlink(Path::new("/etc/passwd"), &dir.join("rules/ky-so.rhai"));
    });
    assert!(text.contains("liên kết tượng trưng"), "{text}");
}

#[cfg(unix)]
#[test]
fn a_rule_file_under_a_linked_folder_is_refused() {
    // `rules` -> /etc: the path reads as inside the folder, the file is not.
    let text = refused_rule("rule-link-dir", "rules/passwd", |dir| {
        symlink(Path::new("/etc"), &dir.join("rules"));
    });
    assert!(text.contains("liên kết tượng trưng"), "{text}");
    // A link that stays inside is refused too: one rule for every link.
    let text = refused_rule("rule-link-inside", "rules/ky-so.rhai", |dir| {
        write(&dir.join("real/ky-so.rhai"), "1");
        symlink(Path::new("real"), &dir.join("rules"));
    });
    assert!(text.contains("liên kết tượng trưng"), "{text}");
}

#[cfg(unix)]
#[test]
fn a_fifo_rule_file_is_refused_without_hanging() {
    let text = refused_rule("rule-fifo", "rules/ky-so.rhai", |dir| {
        std::fs::create_dir_all(dir.join("rules")).expect("rules folder");
        mkfifo(&dir.join("rules/ky-so.rhai"));
    });
    assert!(text.contains("FIFO"), "{text}");
}

#[test]
fn a_rule_file_over_one_mebibyte_is_refused() {
    let mut files = MemoryFiles::new();
    files.insert("set/criteria.toml", set_with_rule_file("rules/big.rhai"));
    files.insert("set/rules/big.rhai", vec![b' '; (1 << 20) + 1]);
    let err = load_criteria(&files, Path::new("set")).expect_err("refused");
    let text = err.to_string();
    assert!(
        err.diagnostics()
            .iter()
            .any(|d| d.message.contains("1 MiB") && d.message.contains("rules/big.rhai")),
        "{text}"
    );
}

#[test]
fn a_rule_file_inside_the_folder_still_reads() {
    let dir = scratch("rule-inside");
    write(
        &dir.join("criteria.toml"),
        set_with_rule_file("rules/ky-so.rhai"),
    );
    write(&dir.join("rules/ky-so.rhai"), "1");
    let set: CriteriaSet = load_criteria(&FsFiles, &dir).expect("the set loads");
    assert_eq!(set.criteria.len(), 2);
}

// --- Item 4: every file a command opens ----------------------------------------------------------

/// A small set (the fuzz harness's) read from memory: one documents table, facts.
fn small() -> CompiledCriteria {
    let mut files = MemoryFiles::new();
    files.insert("set/criteria.toml", harness::FIXED_SET);
    files.insert("set/rule.rhai", harness::RULE);
    let set = load_criteria(&files, Path::new("set")).expect("the small set loads");
    CompiledCriteria::compile(set).expect("the small set compiles")
}

/// Reads the unit folder `dir` with the small set as the product does, for its year end.
fn read_with_small(files: &dyn Files, dir: &Path) -> Result<Evidence, Error> {
    let criteria = small();
    let as_of = criteria.default_as_of().expect("a year end");
    criteria.read_unit(files, dir, as_of, &ReadOptions::default())
}

/// The records read of table `name`, as the evidence's sources count them.
fn records(evidence: &Evidence, name: &str) -> usize {
    let source = evidence.sources().iter().find(|s| s.table == name);
    source.map(|s| s.records).expect("the table's source")
}

/// A unit folder on disk with `unit.toml`, then `prepare`; read with the small set.
fn read_unit_on_disk(
    name: &str,
    prepare: impl FnOnce(&Path),
) -> (PathBuf, Result<Evidence, Error>) {
    let dir = scratch(name);
    write(&dir.join("unit.toml"), harness::UNIT);
    prepare(&dir);
    let at = dir.clone();
    let result = within_deadline("read_unit", move || read_with_small(&FsFiles, &at));
    (dir, result)
}

/// The I/O error of a read: the path it names and its text.
fn io_error(result: Result<Evidence, Error>) -> (PathBuf, String) {
    match result {
        Err(e @ Error::Io { .. }) => {
            let Error::Io { path, .. } = &e else {
                unreachable!()
            };
            (path.clone(), e.to_string())
        }
        Err(other) => panic!("expected Error::Io, got {other}"),
        Ok(_) => panic!("expected Error::Io, the evidence read"),
    }
}

#[cfg(unix)]
#[test]
fn a_fifo_facts_toml_is_refused_without_hanging() {
    let (dir, result) = read_unit_on_disk("facts-fifo", |dir| mkfifo(&dir.join("facts.toml")));
    let (path, text) = io_error(result);
    assert_eq!(path, dir.join("facts.toml"), "{text}");
    assert!(
        text.contains("FIFO") && text.contains("không phải tệp thông thường"),
        "{text}"
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_table_is_refused_not_skipped() {
    let (dir, result) = read_unit_on_disk("table-fifo", |dir| mkfifo(&dir.join("documents.csv")));
    let (path, text) = io_error(result);
    assert_eq!(path, dir.join("documents.csv"), "{text}");
    assert!(text.contains("FIFO"), "{text}");
}

#[cfg(unix)]
#[test]
fn a_symlinked_table_is_refused_by_name_not_skipped() {
    let (dir, result) = read_unit_on_disk("table-link", |dir| {
        write(&dir.join("real.csv"), harness::DOCUMENTS_CSV);
        symlink(Path::new("real.csv"), &dir.join("documents.csv"));
    });
    let (path, text) = io_error(result);
    assert_eq!(path, dir.join("documents.csv"), "{text}");
    assert!(text.contains("liên kết tượng trưng"), "{text}");
}

#[cfg(unix)]
#[test]
fn a_symlinked_facts_toml_is_refused_like_a_table() {
    let (dir, result) = read_unit_on_disk("facts-link", |dir| {
        symlink(Path::new("/etc/passwd"), &dir.join("facts.toml"));
    });
    let (path, text) = io_error(result);
    assert_eq!(path, dir.join("facts.toml"), "{text}");
    assert!(text.contains("liên kết tượng trưng"), "{text}");
    assert!(!text.contains("root:"), "{text}");
}

#[cfg(unix)]
#[test]
fn a_symlinked_unit_folder_of_a_province_is_refused() {
    let dir = scratch("province-link");
    write(&dir.join("real/unit.toml"), harness::UNIT);
    write(&dir.join("a/unit.toml"), harness::UNIT);
    symlink(Path::new("real"), &dir.join("b"));
    let err = FsFiles.dirs(&dir).expect_err("a linked folder is refused");
    assert!(err.to_string().contains("`b`"), "{err}");
    assert!(err.to_string().contains("liên kết tượng trưng"), "{err}");
}

#[cfg(unix)]
#[test]
fn devices_and_folders_are_not_read_as_files() {
    for path in ["/dev/zero", "/dev/null", "/tmp"] {
        let err = within_deadline(path, move || FsFiles.read(Path::new(path)))
            .expect_err("not a regular file");
        assert!(
            err.to_string().contains("không phải tệp thông thường"),
            "{path}: {err}"
        );
        assert_ne!(err.kind(), std::io::ErrorKind::NotFound, "{path}");
        let opened = within_deadline(path, move || FsFiles.open(Path::new(path)).map(|_| ()));
        assert!(opened.is_err(), "{path} opened as a stream");
    }
}

#[test]
fn a_file_larger_than_the_read_bound_is_refused_before_reading() {
    // Sparse: the size is there, the disk blocks are not.
    let dir = scratch("large");
    let path = dir.join("documents.csv");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(parindex_core::files::MAX_READ_BYTES + 1)
        .expect("set_len");
    drop(file);
    let err = FsFiles.read(&path).expect_err("too large");
    assert!(err.to_string().contains("1 GiB"), "{err}");
    // Streaming has no bound.
    assert!(FsFiles.open(&path).is_ok());
}

// --- Item 6: zip bombs, and the small one: rows beyond u32 -------------------------------------

/// CRC-32 (IEEE), bit by bit: the test's zip files are small, except for the bomb (no CRC).
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// One entry of a hand-made zip: its name, method (0 stored, 8 deflated), the bytes as stored,
/// and the CRC and size it declares.
struct Entry {
    name: String,
    method: u16,
    data: Vec<u8>,
    crc: u32,
    size: u32,
}

fn stored(name: &str, text: &str) -> Entry {
    Entry {
        name: name.to_owned(),
        method: 0,
        data: text.as_bytes().to_vec(),
        crc: crc32(text.as_bytes()),
        size: u32::try_from(text.len()).expect("small"),
    }
}

/// A zip file of `entries`, written by hand so that the test decides what the headers claim.
fn zip_of(entries: &[Entry]) -> Vec<u8> {
    fn u16le(out: &mut Vec<u8>, v: u16) {
        out.extend_from_slice(&v.to_le_bytes());
    }
    fn u32le(out: &mut Vec<u8>, v: u32) {
        out.extend_from_slice(&v.to_le_bytes());
    }
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = u32::try_from(out.len()).expect("small zip");
        let csize = u32::try_from(e.data.len()).expect("small entry");
        let name_len = u16::try_from(e.name.len()).expect("short name");
        u32le(&mut out, 0x0403_4b50);
        for v in [20, 0, e.method, 0, 0x21] {
            u16le(&mut out, v);
        }
        for v in [e.crc, csize, e.size] {
            u32le(&mut out, v);
        }
        u16le(&mut out, name_len);
        u16le(&mut out, 0);
        out.extend_from_slice(e.name.as_bytes());
        out.extend_from_slice(&e.data);
        u32le(&mut central, 0x0201_4b50);
        for v in [20, 20, 0, e.method, 0, 0x21] {
            u16le(&mut central, v);
        }
        for v in [e.crc, csize, e.size] {
            u32le(&mut central, v);
        }
        for v in [name_len, 0, 0, 0, 0] {
            u16le(&mut central, v);
        }
        u32le(&mut central, 0);
        u32le(&mut central, offset);
        central.extend_from_slice(e.name.as_bytes());
    }
    let cd_offset = u32::try_from(out.len()).expect("small zip");
    let cd_size = u32::try_from(central.len()).expect("small zip");
    out.extend_from_slice(&central);
    let count = u16::try_from(entries.len()).expect("few entries");
    u32le(&mut out, 0x0605_4b50);
    for v in [0, 0, count, count] {
        u16le(&mut out, v);
    }
    u32le(&mut out, cd_size);
    u32le(&mut out, cd_offset);
    u16le(&mut out, 0);
    out
}

/// A raw deflate stream (one fixed-Huffman block) that inflates to `prefix` then at least
/// `len` more copies of its last byte, in 13 bits per 258 bytes: a gibibyte in 6.5 MB.
fn deflate_bomb(prefix: &[u8], len: u64) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        n: u32,
    }
    impl Bits {
        fn put(&mut self, value: u64, bits: u32) {
            self.acc |= value << self.n;
            self.n += bits;
            while self.n >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.n -= 8;
            }
        }
        /// A Huffman code, sent most significant bit first.
        fn code(&mut self, code: u64, bits: u32) {
            let reversed = (0..bits).fold(0, |r, i| (r << 1) | ((code >> i) & 1));
            self.put(reversed, bits);
        }
        fn literal(&mut self, b: u8) {
            if b < 144 {
                self.code(0x30 + u64::from(b), 8);
            } else {
                self.code(0x190 + u64::from(b - 144), 9);
            }
        }
    }
    let mut bits = Bits {
        out: Vec::new(),
        acc: 0,
        n: 0,
    };
    bits.put(1, 1); // the last block
    bits.put(1, 2); // fixed Huffman codes
    for &b in prefix {
        bits.literal(b);
    }
    for _ in 0..len.div_ceil(258) {
        bits.code(0b1100_0101, 8); // length 258 (code 285)
        bits.code(0, 5); // distance 1
    }
    bits.code(0, 7); // end of block
    bits.put(0, 7);
    bits.out
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="documents" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#;

/// An inline-string cell.
fn text_cell(at: &str, text: &str) -> String {
    format!(r#"<c r="{at}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

/// An xlsx of one `documents` sheet: the header row, then one record at row `row`.
fn xlsx_with_record_at(row: &str) -> Vec<u8> {
    let (name, sheet) = xlsx_sheet(row);
    zip_of(&[
        stored("[Content_Types].xml", CONTENT_TYPES),
        stored("_rels/.rels", RELS),
        stored("xl/workbook.xml", WORKBOOK),
        stored("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        stored(name, &sheet),
    ])
}

/// The sheet of [`xlsx_with_record_at`]: its entry's name and text.
fn xlsx_sheet(row: &str) -> (&'static str, String) {
    let headers = ["so_ky_hieu", "ngay_ban_hanh", "nhom"];
    let values = ["12/KH-SKHCN", "2026-01-20", "ke-hoach"];
    let cells = |r: &str, texts: [&str; 3]| {
        ["A", "B", "C"]
            .iter()
            .zip(texts)
            .map(|(c, t)| text_cell(&format!("{c}{r}"), t))
            .collect::<String>()
    };
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">{}</row><row r="{row}">{}</row></sheetData></worksheet>"#,
        cells("1", headers),
        cells(row, values)
    );
    ("xl/worksheets/sheet1.xml", sheet)
}

/// The folder `u/` of the small set's unit with the one file `name`.
fn unit_with(name: &str, bytes: Vec<u8>) -> MemoryFiles {
    let mut files = MemoryFiles::new();
    files.insert("u/unit.toml", harness::UNIT);
    files.insert(format!("u/{name}"), bytes);
    files
}

fn read_small(name: &str, bytes: Vec<u8>) -> Result<Evidence, Error> {
    read_with_small(&unit_with(name, bytes), Path::new("u"))
}

/// Reads and scores `u/` with the one file `name`, with the small set at its year end.
fn score_small(name: &str, bytes: Vec<u8>) -> Result<Report, Error> {
    let criteria = small();
    let as_of = criteria.default_as_of().expect("a year end");
    let files = unit_with(name, bytes);
    criteria.score_unit(&files, Path::new("u"), as_of, &ReadOptions::default())
}

/// The one diagnostic of an evidence error, and the error's text.
fn evidence_error(result: Result<Evidence, Error>) -> (Diagnostic, String) {
    match result {
        Err(e @ Error::Evidence(_)) => (e.diagnostics()[0].clone(), e.to_string()),
        Err(other) => panic!("expected Error::Evidence, got {other}"),
        Ok(_) => panic!("expected Error::Evidence, got evidence"),
    }
}

#[test]
fn the_hand_made_workbook_reads() {
    // The zip writer of these tests makes a workbook calamine reads: the refusals below are the
    // guard's, not a broken file's.
    let evidence = read_small("documents.xlsx", xlsx_with_record_at("2")).expect("reads");
    assert_eq!(records(&evidence, "documents"), 1);
}

#[test]
fn a_row_number_above_u32_is_refused_not_wrapped_to_row_1() {
    // 4294967297 = 2^32 + 1: calamine's u32 wraps it to 1 (release) or panics (debug).
    for row in ["4294967297", "1048577", "99999999999999999999999"] {
        let (d, text) = evidence_error(read_small("documents.xlsx", xlsx_with_record_at(row)));
        assert_eq!(d.path, Path::new("u/documents.xlsx"), "{text}");
        assert!(
            d.message
                .contains(&format!("số hàng {}", &row[..row.len().min(20)]))
                || d.message.contains("số hàng 18446744073709551615"),
            "{text}"
        );
        assert!(d.message.contains("1048576"), "{text}");
    }
}

#[test]
fn a_workbook_with_two_entries_of_one_name_is_refused() {
    // Two sheets named alike: the zip reader would keep the later, Excel may show the earlier.
    let sheet = |row: &str| {
        let (_, text) = xlsx_sheet(row);
        text
    };
    let two = zip_of(&[
        stored("[Content_Types].xml", CONTENT_TYPES),
        stored("_rels/.rels", RELS),
        stored("xl/workbook.xml", WORKBOOK),
        stored("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        stored("xl/worksheets/sheet1.xml", &sheet("2")),
        stored("xl/worksheets/sheet1.xml", &sheet("3")),
    ]);
    let (d, text) = evidence_error(read_small("documents.xlsx", two));
    assert_eq!(d.path, Path::new("u/documents.xlsx"), "{text}");
    assert!(d.message.contains("hai phần nén cùng tên"), "{text}");
}

#[test]
fn a_zip_bomb_workbook_is_refused_with_its_bound_not_an_abort() {
    // A sheet that inflates to just over 1 GiB from about 6.8 MB.
    let prefix = br#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>0"#;
    let data = deflate_bomb(prefix, (1 << 30) + 1);
    assert!(data.len() < 8 << 20, "the bomb stays small: {}", data.len());
    let bomb = zip_of(&[
        stored("[Content_Types].xml", CONTENT_TYPES),
        stored("_rels/.rels", RELS),
        stored("xl/workbook.xml", WORKBOOK),
        stored("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        Entry {
            name: "xl/worksheets/sheet1.xml".to_owned(),
            method: 8,
            data,
            crc: 0,
            size: (1 << 30) + 1024,
        },
    ]);
    for name in ["documents.xlsx", "feedback.xlsx"] {
        let (d, text) = evidence_error(read_small(name, bomb.clone()));
        assert_eq!(d.path, Path::new("u").join(name), "{text}");
        assert!(d.message.contains("1 GiB"), "{text}");
        assert!(d.message.contains("xl/worksheets/sheet1.xml"), "{text}");
        assert!(d.message.contains("bom zip"), "{text}");
        assert!(
            d.hint.as_deref().is_some_and(|h| h.contains("CSV")),
            "{text}"
        );
    }
    // Declaring less than it inflates to does not get it read: the zip reader stops at the
    // declared size, and the file is an error, not an abort.
    let lying = zip_of(&[
        stored("[Content_Types].xml", CONTENT_TYPES),
        stored("_rels/.rels", RELS),
        stored("xl/workbook.xml", WORKBOOK),
        stored("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        Entry {
            name: "xl/worksheets/sheet1.xml".to_owned(),
            method: 8,
            data: deflate_bomb(prefix, (1 << 30) + 1),
            crc: 0,
            size: 1024,
        },
    ]);
    let (d, text) = evidence_error(read_small("documents.xlsx", lying));
    assert_eq!(d.path, Path::new("u/documents.xlsx"), "{text}");
}

#[test]
fn a_declared_shared_string_count_beyond_the_strings_is_refused() {
    // calamine reserves room for `uniqueCount` strings before reading one: 200 million of them
    // is a 4.8 GB allocation from a few hundred bytes.
    let mut entries = vec![
        stored("[Content_Types].xml", CONTENT_TYPES),
        stored("_rels/.rels", RELS),
        stored("xl/workbook.xml", WORKBOOK),
        stored("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
    ];
    entries.push(stored(
        "xl/sharedStrings.xml",
        r#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="200000000"><si><t>a</t></si></sst>"#,
    ));
    entries.push(stored(
        "xl/worksheets/sheet1.xml",
        r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#,
    ));
    let (d, text) = evidence_error(read_small("documents.xlsx", zip_of(&entries)));
    assert!(d.message.contains("200000000"), "{text}");
}

#[test]
fn an_ods_that_repeats_a_cell_over_the_whole_sheet_is_refused() {
    let content = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="documents"><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
    let ods = zip_of(&[
        stored("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
        stored("content.xml", content),
    ]);
    let (d, text) = evidence_error(read_small("documents.ods", ods));
    assert!(d.message.contains("20000000"), "{text}");
}

// --- Item 6: a legacy .xls (BIFF8 in a Compound File Binary container) -------------------------

/// One BIFF record: its type, its length, its data.
fn biff(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
    out.extend(typ.to_le_bytes());
    out.extend(
        u16::try_from(data.len())
            .expect("a record's data fits u16")
            .to_le_bytes(),
    );
    out.extend(data);
}

/// A BOF record of a BIFF8 substream of type `dt` (0x0005 globals, 0x0010 worksheet).
fn bof(out: &mut Vec<u8>, dt: u16) {
    let mut data = vec![0u8; 16];
    data[..2].copy_from_slice(&0x0600u16.to_le_bytes());
    data[2..4].copy_from_slice(&dt.to_le_bytes());
    biff(out, 0x0809, &data);
}

/// A LABEL cell holding `text` (ASCII, one byte a character).
fn label(out: &mut Vec<u8>, row: u16, col: u16, text: &str) {
    let mut data = Vec::new();
    data.extend(row.to_le_bytes());
    data.extend(col.to_le_bytes());
    data.extend(0u16.to_le_bytes());
    data.extend(u16::try_from(text.len()).expect("short text").to_le_bytes());
    data.push(0);
    data.extend(text.as_bytes());
    biff(out, 0x0204, &data);
}

/// A DIMENSIONS record (BIFF8): first row, last row + 1, first column, last column + 1.
fn dimensions(out: &mut Vec<u8>, rows: (u32, u32), cols: (u16, u16)) {
    let mut data = Vec::new();
    data.extend(rows.0.to_le_bytes());
    data.extend(rows.1.to_le_bytes());
    data.extend(cols.0.to_le_bytes());
    data.extend(cols.1.to_le_bytes());
    data.extend(0u16.to_le_bytes());
    biff(out, 0x0200, &data);
}

/// A BIFF8 Workbook stream: the globals (BOF, `extra_globals`, one BOUNDSHEET `documents`, EOF),
/// then the sheet (BOF, DIMENSIONS, `cells`, EOF).
fn workbook_stream(extra_globals: &[u8], dims: ((u32, u32), (u16, u16)), cells: &[u8]) -> Vec<u8> {
    let name = b"documents";
    let boundsheet_len = 4 + 6 + 2 + name.len();
    let globals_len = 20 + extra_globals.len() + boundsheet_len + 4;
    let mut out = Vec::new();
    bof(&mut out, 0x0005);
    out.extend(extra_globals);
    let mut sheet = Vec::new();
    sheet.extend(u32::try_from(globals_len).expect("small").to_le_bytes());
    sheet.extend([0, 0, u8::try_from(name.len()).expect("short"), 0]);
    sheet.extend(name);
    biff(&mut out, 0x0085, &sheet);
    biff(&mut out, 0x000A, &[]);
    assert_eq!(out.len(), globals_len);
    bof(&mut out, 0x0010);
    dimensions(&mut out, dims.0, dims.1);
    out.extend(cells);
    biff(&mut out, 0x000A, &[]);
    out
}

/// The three-column `documents` sheet: the header row and one record, as LABEL cells.
fn documents_cells() -> Vec<u8> {
    let mut cells = Vec::new();
    let rows = [
        ["so_ky_hieu", "ngay_ban_hanh", "nhom"],
        ["12/KH-SKHCN", "2026-01-20", "ke-hoach"],
    ];
    for (r, texts) in (0u16..).zip(rows) {
        for (c, text) in (0u16..).zip(texts) {
            label(&mut cells, r, c, text);
        }
    }
    cells
}

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const FREESECT: u32 = 0xFFFF_FFFF;

/// A version 3 Compound File (512-byte sectors) holding `stream` as `Workbook`: sector 0 the
/// FAT (up to 32 KB of stream; beyond, sectors 0 to k - 1), the next the directory, then the
/// stream, padded to 4096 bytes so that it lives in ordinary sectors. `fat` may rewrite the FAT
/// before it is written (a hostile chain).
fn cfb_of(stream: &[u8], fat: impl FnOnce(&mut Vec<u32>)) -> Vec<u8> {
    let mut data = stream.to_vec();
    data.resize(data.len().max(4096).next_multiple_of(512), 0);
    let sectors = data.len() / 512;
    let k = (sectors + 1).div_ceil(127);
    assert!(k <= 109, "the header's DIFAT holds the FAT");
    let dir = u32::try_from(k).expect("small");
    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    header[24..26].copy_from_slice(&0x003Eu16.to_le_bytes());
    header[26..28].copy_from_slice(&3u16.to_le_bytes());
    header[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
    header[30..32].copy_from_slice(&9u16.to_le_bytes());
    header[32..34].copy_from_slice(&6u16.to_le_bytes());
    header[44..48].copy_from_slice(&dir.to_le_bytes());
    header[48..52].copy_from_slice(&dir.to_le_bytes());
    header[56..60].copy_from_slice(&4096u32.to_le_bytes());
    header[60..64].copy_from_slice(&ENDOFCHAIN.to_le_bytes());
    header[68..72].copy_from_slice(&ENDOFCHAIN.to_le_bytes());
    for (i, slot) in header[76..].chunks_mut(4).enumerate() {
        let id = if i < k {
            u32::try_from(i).expect("small")
        } else {
            FREESECT
        };
        slot.copy_from_slice(&id.to_le_bytes());
    }
    let mut fats = vec![FREESECT; 128 * k];
    fats[..k].fill(0xFFFF_FFFD);
    fats[k] = ENDOFCHAIN;
    for i in 0..sectors {
        fats[k + 1 + i] = if i + 1 == sectors {
            ENDOFCHAIN
        } else {
            u32::try_from(k + 2 + i).expect("small")
        };
    }
    fat(&mut fats);
    let entry = |name: &str, kind: u8, child: u32, start: u32, size: u32| {
        let mut e = vec![0u8; 128];
        let units: Vec<u16> = name.encode_utf16().collect();
        for (slot, unit) in e.chunks_mut(2).zip(&units) {
            slot.copy_from_slice(&unit.to_le_bytes());
        }
        let name_len = u16::try_from(units.len() * 2 + 2).expect("short name");
        e[64..66].copy_from_slice(&name_len.to_le_bytes());
        e[66] = kind;
        e[67] = 1;
        e[68..72].copy_from_slice(&FREESECT.to_le_bytes());
        e[72..76].copy_from_slice(&FREESECT.to_le_bytes());
        e[76..80].copy_from_slice(&child.to_le_bytes());
        e[116..120].copy_from_slice(&start.to_le_bytes());
        e[120..124].copy_from_slice(&size.to_le_bytes());
        e
    };
    let size = u32::try_from(data.len()).expect("small");
    let mut out = header;
    out.extend(fats.iter().flat_map(|id| id.to_le_bytes()));
    out.extend(entry("Root Entry", 5, 1, ENDOFCHAIN, 0));
    out.extend(entry("Workbook", 2, FREESECT, dir + 1, size));
    out.extend(vec![0u8; 256]);
    out.extend(data);
    out
}

/// The `documents` sheet of three columns and two rows, as a `.xls`.
fn documents_xls() -> Vec<u8> {
    cfb_of(
        &workbook_stream(&[], ((0, 2), (0, 3)), &documents_cells()),
        |_| {},
    )
}

/// The refusal of a hostile `.xls`: names the file, says what to do.
fn refused_xls(bytes: Vec<u8>) -> (Diagnostic, String) {
    let (d, text) = evidence_error(read_small("documents.xls", bytes));
    assert_eq!(d.path, Path::new("u/documents.xls"), "{text}");
    assert!(
        d.hint
            .as_deref()
            .is_some_and(|h| h.contains(".xlsx") && h.contains("CSV")),
        "{text}"
    );
    (d, text)
}

#[test]
fn the_hand_made_xls_reads() {
    // calamine reads what these tests write: the refusals below are the guard's, not a broken
    // file's.
    let evidence = read_small("documents.xls", documents_xls()).expect("reads");
    assert_eq!(records(&evidence, "documents"), 1);
}

#[test]
fn an_xls_declaring_four_billion_rows_is_refused_not_an_abort() {
    // calamine reserves DIMENSIONS' rows × columns cells before reading one: 4,294,967,295 × 3
    // cells is half a terabyte, an allocation failure, an abort no catch_unwind sees.
    let stream = workbook_stream(&[], ((0, u32::MAX), (0, 3)), &documents_cells());
    for bytes in [cfb_of(&stream, |_| {}), cfb_mini_of(&stream)] {
        let (d, text) = refused_xls(bytes);
        assert!(d.message.contains("4294967295"), "{text}");
        assert!(d.message.contains("65536"), "{text}");
    }
    // The whole BIFF8 sheet (16,777,216 cells, 671 MB reserved) for six cells: DIMENSIONS is
    // checked against the cells the sheet holds.
    let stream = workbook_stream(&[], ((0, 65_536), (0, 256)), &documents_cells());
    let (d, text) = refused_xls(cfb_of(&stream, |_| {}));
    assert!(
        d.message.contains("65536 hàng × 256 cột") && d.message.contains("2 hàng × 3 cột"),
        "{text}"
    );
    // Columns beyond BIFF8's 256 too.
    let stream = workbook_stream(&[], ((0, 2), (0, 60_000)), &documents_cells());
    let (d, text) = refused_xls(cfb_of(&stream, |_| {}));
    assert!(
        d.message.contains("60000") && d.message.contains("256"),
        "{text}"
    );
}

#[test]
fn an_xls_with_cells_at_far_corners_is_refused() {
    // Two cells, A1 and the 65,536th column of the 65,536th row: calamine builds the whole
    // rectangle between them, 4 billion cells.
    let mut cells = documents_cells();
    label(&mut cells, u16::MAX, u16::MAX, "x");
    let stream = workbook_stream(&[], ((0, 2), (0, 3)), &cells);
    let (d, text) = refused_xls(cfb_of(&stream, |_| {}));
    assert!(d.message.contains("20000000"), "{text}");
}

#[test]
fn an_xls_declaring_more_shared_strings_than_it_can_hold_is_refused() {
    // Each string takes at least 3 bytes: a count beyond the stream's length / 3 is a lie.
    let mut sst = Vec::new();
    sst.extend(u32::MAX.to_le_bytes());
    sst.extend(u32::MAX.to_le_bytes());
    sst.extend([1, 0, 0, b'a']);
    let mut globals = Vec::new();
    biff(&mut globals, 0x00FC, &sst);
    let stream = workbook_stream(&globals, ((0, 2), (0, 3)), &documents_cells());
    let (d, text) = refused_xls(cfb_of(&stream, |_| {}));
    assert!(d.message.contains("4294967295"), "{text}");
}

#[test]
fn an_xls_whose_labels_declare_long_strings_they_do_not_hold_is_refused() {
    // calamine reserves each LABEL's declared length (up to 65,535) before decoding the few
    // bytes the record holds: 4,096 records of 13 bytes ask for 268 MB.
    let mut cells = documents_cells();
    for i in 0..4096u16 {
        let mut data = Vec::new();
        data.extend((2 + i).to_le_bytes());
        data.extend(0u16.to_le_bytes());
        data.extend(0u16.to_le_bytes());
        data.extend(u16::MAX.to_le_bytes());
        data.push(0);
        biff(&mut cells, 0x0204, &data);
    }
    let stream = workbook_stream(&[], ((0, 4098), (0, 3)), &cells);
    let (d, text) = refused_xls(cfb_of(&stream, |_| {}));
    assert!(d.message.contains("67108864 ký tự"), "{text}");
}

#[test]
fn an_xls_whose_sector_chain_loops_is_refused_not_read_forever() {
    // The directory's sector points back to itself: calamine follows the chain without end,
    // growing a buffer until memory runs out.
    let stream = workbook_stream(&[], ((0, 2), (0, 3)), &documents_cells());
    let (d, text) = refused_xls(cfb_of(&stream, |fats| fats[1] = 1));
    assert!(d.message.contains("vòng"), "{text}");
    // The same for the Workbook stream's chain, with a declared size of 4 GiB: calamine copies
    // the loop's sectors again and again up to that size.
    let mut looping = cfb_of(&stream, |fats| fats[9] = 2);
    let size = 512 + 512 + 128 + 120;
    looping[size..size + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    let (d, text) = refused_xls(looping);
    assert!(d.message.contains("vòng"), "{text}");
    // And for the mini stream, which calamine loads whatever stream it reads next: its one
    // sector (3) points back to itself, and the root entry declares 4 GiB.
    let mut looping = cfb_mini_of(&stream);
    looping[512 + 3 * 4..512 + 4 * 4].copy_from_slice(&3u32.to_le_bytes());
    looping[1024 + 120..1024 + 124].copy_from_slice(&u32::MAX.to_le_bytes());
    let (d, text) = refused_xls(looping);
    assert!(
        d.message.contains("mini stream") && d.message.contains("vòng"),
        "{text}"
    );
}

/// The `documents` sheet as Excel writes text: an SST in the globals, LABELSST cells.
fn documents_sst_stream() -> Vec<u8> {
    let texts = [
        "so_ky_hieu",
        "ngay_ban_hanh",
        "nhom",
        "12/KH-SKHCN",
        "2026-01-20",
        "ke-hoach",
    ];
    let mut sst = Vec::new();
    sst.extend(6u32.to_le_bytes());
    sst.extend(6u32.to_le_bytes());
    for t in texts {
        sst.extend(u16::try_from(t.len()).expect("short").to_le_bytes());
        sst.push(0);
        sst.extend(t.as_bytes());
    }
    let mut globals = Vec::new();
    biff(&mut globals, 0x00FC, &sst);
    let mut cells = Vec::new();
    for (i, (r, c)) in (0u32..).zip([(0u16, 0u16), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2)]) {
        let mut data = Vec::new();
        data.extend(r.to_le_bytes());
        data.extend(c.to_le_bytes());
        data.extend(0u16.to_le_bytes());
        data.extend(i.to_le_bytes());
        biff(&mut cells, 0x00FD, &data);
    }
    workbook_stream(&globals, ((0, 2), (0, 3)), &cells)
}

/// A version 3 Compound File holding `stream` (under 4096 bytes) in its mini stream: sector 0
/// the FAT, 1 the directory, 2 the mini FAT, then the mini stream's sectors.
fn cfb_mini_of(stream: &[u8]) -> Vec<u8> {
    assert!(stream.len() < 4096);
    let mini_sectors = stream.len().div_ceil(64);
    let mut mini = stream.to_vec();
    mini.resize(mini_sectors * 64, 0);
    let big_sectors = mini.len().div_ceil(512);
    let mut out = cfb_of(&[], |_| {});
    out.truncate(512);
    out[44..48].copy_from_slice(&1u32.to_le_bytes());
    out[60..64].copy_from_slice(&2u32.to_le_bytes());
    out[64..68].copy_from_slice(&1u32.to_le_bytes());
    let mut fats = vec![FREESECT; 128];
    fats[0] = 0xFFFF_FFFD;
    fats[1] = ENDOFCHAIN;
    fats[2] = ENDOFCHAIN;
    for i in 0..big_sectors {
        fats[3 + i] = if i + 1 == big_sectors {
            ENDOFCHAIN
        } else {
            u32::try_from(4 + i).expect("small")
        };
    }
    out.extend(fats.iter().flat_map(|id| id.to_le_bytes()));
    let directory = cfb_of(&[], |_| {});
    let mut entries = directory[1024..1536].to_vec();
    let small = |v: usize| u32::try_from(v).expect("small").to_le_bytes();
    entries[116..120].copy_from_slice(&3u32.to_le_bytes());
    entries[120..124].copy_from_slice(&small(mini.len()));
    entries[128 + 116..128 + 120].copy_from_slice(&0u32.to_le_bytes());
    entries[128 + 120..128 + 124].copy_from_slice(&small(stream.len()));
    out.extend(entries);
    let mut mini_fat = vec![FREESECT; 128];
    for (i, slot) in mini_fat.iter_mut().enumerate().take(mini_sectors) {
        *slot = if i + 1 == mini_sectors {
            ENDOFCHAIN
        } else {
            u32::try_from(i + 1).expect("small")
        };
    }
    out.extend(mini_fat.iter().flat_map(|id| id.to_le_bytes()));
    mini.resize(big_sectors * 512, 0);
    out.extend(mini);
    out
}

#[test]
fn an_xls_with_shared_strings_or_a_small_stream_still_reads() {
    // What Excel writes (an SST and LABELSST cells), and a stream small enough to live in the
    // mini stream (other writers): the guard reads them as calamine does and lets them through.
    let stream = documents_sst_stream();
    for (what, bytes) in [
        ("sst", cfb_of(&stream, |_| {})),
        ("mini", cfb_mini_of(&stream)),
        (
            "mini labels",
            cfb_mini_of(&workbook_stream(&[], ((0, 2), (0, 3)), &documents_cells())),
        ),
    ] {
        let evidence = read_small("documents.xls", bytes).expect(what);
        assert_eq!(records(&evidence, "documents"), 1, "{what}");
    }
}

#[test]
fn an_xls_copying_a_long_shared_string_into_many_cells_is_refused() {
    // Each LABELSST cell (14 bytes) gets its own copy of the shared string it names: 2,300
    // copies of a 30,000-character string are 69 million characters from 62 KB.
    let mut sst = Vec::new();
    sst.extend(1u32.to_le_bytes());
    sst.extend(1u32.to_le_bytes());
    sst.extend(30_000u16.to_le_bytes());
    sst.push(0);
    sst.extend(vec![b'a'; 30_000]);
    let mut globals = Vec::new();
    biff(&mut globals, 0x00FC, &sst);
    let mut cells = Vec::new();
    for row in 0..2300u16 {
        let mut data = Vec::new();
        data.extend(row.to_le_bytes());
        data.extend([0; 4]);
        data.extend(0u32.to_le_bytes());
        biff(&mut cells, 0x00FD, &data);
    }
    let stream = workbook_stream(&globals, ((0, 2300), (0, 1)), &cells);
    let (d, text) = refused_xls(cfb_of(&stream, |_| {}));
    assert!(d.message.contains("67108864 ký tự"), "{text}");
}

/// A FORMULA record at `row`, `col` whose cached value is `value` and whose tokens are `rgce`.
fn formula(out: &mut Vec<u8>, row: u16, col: u16, value: f64, rgce: &[u8]) {
    let mut data = Vec::new();
    data.extend(row.to_le_bytes());
    data.extend(col.to_le_bytes());
    data.extend(0u16.to_le_bytes());
    data.extend(value.to_le_bytes());
    data.extend(0u16.to_le_bytes());
    data.extend(0u32.to_le_bytes());
    data.extend(u16::try_from(rgce.len()).expect("short").to_le_bytes());
    data.extend(rgce);
    biff(out, 0x0006, &data);
}

#[test]
fn an_xls_formula_keeps_its_cached_value_when_its_tokens_are_blanked() {
    // calamine turns each formula's tokens into text nobody reads; a parenthesis token inserts
    // at the front of that text, so 60,000 of them after a long string take quadratic time
    // (37 such records: 2.7 s unguarded, against 0.2 s; a large upload holds thousands). The
    // guard blanks the tokens' length: the cached value must still read.
    let mut cells = Vec::new();
    for (c, text) in (0u16..).zip(["so_ky_hieu", "ngay_ban_hanh", "nhom"]) {
        label(&mut cells, 0, c, text);
    }
    formula(&mut cells, 1, 0, 12.0, &[0x1E, 12, 0]);
    label(&mut cells, 1, 1, "2026-01-20");
    label(&mut cells, 1, 2, "ke-hoach");
    let mut slow = vec![0x17, 255, 0];
    slow.extend([b'a'; 255]);
    slow.resize(60_000, 0x15);
    // In the record's row, under columns the table does not declare.
    for col in 3..40u16 {
        label(&mut cells, 0, col, &format!("cot_{col}"));
        formula(&mut cells, 1, col, 0.0, &slow);
    }
    let stream = workbook_stream(&[], ((0, 2), (0, 40)), &cells);
    let bytes = cfb_of(&stream, |_| {});
    let report = within_deadline("reading the .xls", move || {
        score_small("documents.xls", bytes).expect("reads")
    });
    // The record's number is the formula's cached value: the CCHC plan of row 1.1 is it.
    let row = report.node("1.1").expect("row 1.1");
    let values = format!("{:?}", row.evidence);
    assert!(
        row.evidence
            .iter()
            .any(|e| matches!(e, EvidenceRef::Document { number, .. } if number.contains("12"))),
        "{values}"
    );
}

#[test]
fn an_xls_written_by_another_writer_still_reads() {
    // Written by xlwt 1.3.0 (an SST, a formula, its own sector layout: the stream first, the
    // FAT and the directory after it): the guard's reading of the container is not only that
    // of these tests.
    // Kept as a fuzz seed, whose first byte picks the file name.
    let seed =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds/workbook/xlwt-documents.xls");
    let bytes = std::fs::read(seed).expect("the seed");
    let evidence = read_small("documents.xls", bytes[1..].to_vec()).expect("reads");
    assert_eq!(records(&evidence, "documents"), 1);
}
