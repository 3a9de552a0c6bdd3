//! Tables read ahead (`CompiledCriteria::read_ahead`, as the web app reads an upload while its
//! body arrives) score exactly as the folder read from its files: the same report byte for
//! byte (fingerprint included), the same errors. A table read ahead for what the reading then
//! does not ask is not taken, and the reading is still right.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use parindex_core::evidence::{ReadAhead, TextEncoding};
use parindex_core::{load_criteria, CompiledCriteria, Files, FsFiles, MemoryFiles, ReadOptions};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn compiled(dir: &Path) -> CompiledCriteria {
    let set = load_criteria(&FsFiles, dir).expect("the set loads");
    CompiledCriteria::compile(set).expect("the set compiles")
}

fn reference() -> CompiledCriteria {
    compiled(&root().join("criteria/nghe-an-2026-so"))
}

/// The files of a fixture folder, in memory under `dir`.
fn folder(fixture: &str, dir: &Path) -> MemoryFiles {
    let mut files = MemoryFiles::new();
    for path in FsFiles.list(&root().join(fixture)).expect("listing") {
        let name = path.file_name().expect("a name").to_owned();
        files.insert(dir.join(name), std::fs::read(&path).expect("a file"));
    }
    files
}

/// The report's JSON, or the error as the CLI prints it.
fn outcome(
    criteria: &CompiledCriteria,
    files: &MemoryFiles,
    dir: &Path,
    options: &ReadOptions<'_>,
) -> Result<String, String> {
    let as_of = criteria.default_as_of().expect("31/12");
    criteria
        .score_unit(files, dir, as_of, options)
        .map(|r| r.to_json())
        .map_err(|e| e.to_string())
}

/// [`outcome`] of a reading given the tables `ahead` holds.
fn outcome_with(
    criteria: &CompiledCriteria,
    files: &MemoryFiles,
    dir: &Path,
    ahead: &ReadAhead,
) -> Result<String, String> {
    let with = ReadOptions {
        ahead: Some(ahead),
        ..ReadOptions::default()
    };
    outcome(criteria, files, dir, &with)
}

/// What reading `dir` in `learnt` asks, learnt by `criteria`, and every file of `dir` in
/// `files` named after a table of the set read ahead for it from its bytes (as they would
/// arrive); the tables it read.
fn read_ahead_all(
    criteria: &CompiledCriteria,
    learnt: &MemoryFiles,
    files: &MemoryFiles,
    dir: &Path,
    at: parindex_core::Date,
    options: &ReadOptions<'_>,
) -> (ReadAhead, Vec<String>) {
    let ahead = criteria
        .read_ahead(learnt, dir, at, options)
        .expect("the folder opens");
    let mut read = Vec::new();
    for spec in &criteria.criteria().tables {
        let path = dir.join(&spec.file);
        let Ok(bytes) = files.read(&path) else {
            continue;
        };
        let size = bytes.len() as u64;
        // A reader that gives a few bytes at a time, as a socket does.
        let mut reader = Dribble(Cursor::new(bytes));
        if ahead
            .read(&spec.name, &path, &mut reader, size, options)
            .expect("in memory")
        {
            read.push(spec.name.clone());
        }
    }
    (ahead, read)
}

/// Reads at most 7 777 bytes a time.
struct Dribble(Cursor<Vec<u8>>);

impl std::io::Read for Dribble {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(7777);
        self.0.read(&mut buf[..n])
    }
}

#[test]
fn a_department_read_ahead_scores_as_read_from_its_files() {
    let criteria = reference();
    let dir = Path::new("e");
    let files = folder("fixtures/skhcn-2026", dir);
    let plain = outcome(&criteria, &files, dir, &ReadOptions::default());
    let as_of = criteria.default_as_of().expect("31/12");
    for threads in [1, 3] {
        let options = ReadOptions {
            threads: parindex_core::evidence::Threads::new(
                std::num::NonZeroUsize::new(threads).expect("threads"),
            ),
            ..ReadOptions::default()
        };
        let (ahead, read) = read_ahead_all(&criteria, &files, &files, dir, as_of, &options);
        assert_eq!(
            read.len(),
            8,
            "every table of the example is UTF-8 text: {read:?}"
        );
        let options = ReadOptions {
            ahead: Some(&ahead),
            ..options
        };
        assert_eq!(outcome(&criteria, &files, dir, &options), plain);
        assert_eq!(ahead.taken(), 8, "every table read ahead was taken");
        // The reading left them for the next reading of the same files, which takes them.
        assert_eq!(ahead.waiting(), 8);
        assert_eq!(outcome(&criteria, &files, dir, &options), plain);
        assert_eq!(ahead.taken(), 16);
    }
}

#[test]
fn tables_read_ahead_for_another_folder_are_left_and_the_score_is_right() {
    let criteria = reference();
    let dir = Path::new("e");
    let files = folder("fixtures/skhcn-2026", dir);
    let plain = outcome(&criteria, &files, dir, &ReadOptions::default());
    assert!(plain.is_ok());
    let as_of = criteria.default_as_of().expect("31/12");
    // Learnt before the facts and all but one table were there (an upload of a new
    // workspace): the reading then asks more of the tables, or otherwise.
    let mut before = MemoryFiles::new();
    before.insert(
        dir.join("unit.toml"),
        files.read(&dir.join("unit.toml")).expect("unit.toml"),
    );
    let options = ReadOptions::default();
    let (ahead, read) = read_ahead_all(&criteria, &before, &files, dir, as_of, &options);
    assert_eq!(read.len(), 8);
    assert_eq!(outcome_with(&criteria, &files, dir, &ahead), plain);
    assert!(
        ahead.taken() < 8,
        "the facts change what the rules ask of some table: that table is read again"
    );
    // Read ahead at another date: every table's question may differ; still the same report.
    let june = parindex_core::date::parse_date("30/06/2026").expect("a date");
    let (ahead, _) = read_ahead_all(&criteria, &files, &files, dir, june, &options);
    assert_eq!(outcome_with(&criteria, &files, dir, &ahead), plain);
}

#[test]
fn a_table_with_bad_cells_read_ahead_is_refused_as_read_from_its_file() {
    let criteria = reference();
    let dir = Path::new("e");
    let mut files = folder("fixtures/skhcn-2026", dir);
    let path = dir.join("dossiers.csv");
    let text = String::from_utf8(files.read(&path).expect("dossiers")).expect("UTF-8");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    // A date that is no date, and a line one field short.
    lines[3] = lines[3].replacen("2026", "20x6", 1);
    let short = lines[5].rsplit_once(',').map(|(a, _)| a.to_owned());
    lines[5] = short.expect("a delimited line");
    files.insert(path.clone(), lines.join("\n").into_bytes());
    let plain = outcome(&criteria, &files, dir, &ReadOptions::default());
    let message = plain.clone().expect_err("bad cells are refused");
    assert!(message.contains("dossiers.csv"), "{message}");
    let as_of = criteria.default_as_of().expect("31/12");
    let options = ReadOptions::default();
    let (ahead, _) = read_ahead_all(&criteria, &files, &files, dir, as_of, &options);
    assert_eq!(outcome_with(&criteria, &files, dir, &ahead), plain);
    assert_eq!(ahead.taken(), 8);
}

#[test]
fn tables_kept_from_a_reading_are_dropped_when_their_file_changes() {
    let criteria = reference();
    let dir = Path::new("e");
    let mut files = folder("fixtures/skhcn-2026", dir);
    let as_of = criteria.default_as_of().expect("31/12");
    let options = ReadOptions::default();
    let kept = criteria
        .read_ahead(&files, dir, as_of, &options)
        .expect("the folder opens");
    outcome_with(&criteria, &files, dir, &kept).expect("the example scores");
    assert_eq!((kept.taken(), kept.waiting()), (0, 8), "kept, none taken");
    // A new export of the dossiers: half of them.
    let path = dir.join("dossiers.csv");
    let text = String::from_utf8(files.read(&path).expect("dossiers")).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    let half = lines[..lines.len() / 2].join("\n");
    files.insert(path.clone(), half.into_bytes());
    let sha = |p: &Path| parindex_core::fingerprint::sha256_hex(&files.read(p).expect("a file"));
    kept.retain(|p, kept_sha| sha(p) == kept_sha);
    assert_eq!(kept.waiting(), 7, "the dossiers' tally is dropped");
    let plain = outcome(&criteria, &files, dir, &ReadOptions::default());
    assert_eq!(outcome_with(&criteria, &files, dir, &kept), plain);
    assert_eq!(kept.taken(), 7);
    assert_ne!(
        plain,
        outcome(
            &criteria,
            &folder("fixtures/skhcn-2026", dir),
            dir,
            &options
        )
    );
}

#[test]
fn exports_not_in_utf8_and_legacy_readings_are_not_read_ahead() {
    let criteria = reference();
    let dir = Path::new("e");
    let as_of = criteria.default_as_of().expect("31/12");
    // Windows-1258 exports: detected as not UTF-8 and left to the folder's reading.
    let files = folder("fixtures/skhcn-2026-cp1258", dir);
    let options = ReadOptions::default();
    let (ahead, read) = read_ahead_all(&criteria, &files, &files, dir, as_of, &options);
    assert!(
        !read.iter().any(|t| t == "dossiers"),
        "the legacy-encoded dossiers are read whole, not ahead: {read:?}"
    );
    assert_eq!(
        outcome_with(&criteria, &files, dir, &ahead),
        outcome(&criteria, &files, dir, &options)
    );
    // An encoding chosen by the officer: nothing is read ahead.
    let files = folder("fixtures/skhcn-2026", dir);
    let utf16 = ReadOptions {
        encoding: TextEncoding::Utf16Le,
        ..ReadOptions::default()
    };
    let (ahead, read) = read_ahead_all(&criteria, &files, &files, dir, as_of, &utf16);
    assert!(read.is_empty());
    // A name the set has no table for.
    let bytes = files.read(&dir.join("dossiers.csv")).expect("dossiers");
    let size = bytes.len() as u64;
    let taken = ahead
        .read(
            "no_such_table",
            &dir.join("no_such_table.csv"),
            &mut Cursor::new(bytes),
            size,
            &options,
        )
        .expect("in memory");
    assert!(!taken);
}

#[test]
fn tables_read_ahead_for_another_set_are_not_taken() {
    let criteria = reference();
    let other = reference();
    let dir = Path::new("e");
    let files = folder("fixtures/skhcn-2026", dir);
    let as_of = criteria.default_as_of().expect("31/12");
    let options = ReadOptions::default();
    let (ahead, read) = read_ahead_all(&other, &files, &files, dir, as_of, &options);
    assert_eq!(read.len(), 8);
    // The same file compiled twice is two sets: the tables' questions are each one's own.
    assert_eq!(
        outcome_with(&criteria, &files, dir, &ahead),
        outcome(&criteria, &files, dir, &options)
    );
    assert_eq!(ahead.taken(), 0);
}

#[test]
fn a_rows_records_after_a_scoring_take_the_tables_it_kept() {
    let criteria = reference();
    let dir = Path::new("e");
    let files = folder("fixtures/skhcn-2026", dir);
    let as_of = criteria.default_as_of().expect("31/12");
    let records = |options: &ReadOptions<'_>| {
        criteria
            .row_records(&files, dir, "3.2.4", as_of, options)
            .expect("reads")
            .expect("a rule row")
    };
    let plain = records(&ReadOptions::default());
    assert_eq!(plain[0].records.len(), 52, "3.2.4's late dossiers");
    // The web app keeps a scoring's tables; the row's page then lists its records from them.
    let kept = criteria.keeping();
    let options = ReadOptions {
        ahead: Some(&kept),
        ..ReadOptions::default()
    };
    let score = outcome(&criteria, &files, dir, &options);
    assert_eq!(kept.taken(), 0);
    assert_eq!(kept.waiting(), 8, "the scoring kept every table it read");
    // The row's rule is run as the scoring runs it: its first pass asks of every table what
    // the scoring asked, so it takes all eight; only the dossiers are read again, for the list.
    assert_eq!(records(&options), plain);
    assert_eq!(kept.taken(), 8);
    assert_eq!(kept.waiting(), 8, "and left them for the next reading");
    assert_eq!(outcome(&criteria, &files, dir, &options), score);
    assert_eq!(kept.taken(), 16);
}
