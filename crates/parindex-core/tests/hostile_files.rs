//! Hostile files (issue 18, item 4): a criteria set or an evidence folder that points the
//! engine at files it must not read — outside the folder, through a link, a FIFO, a device.
//! Each must be refused with a message naming the file, never hang, never read the file.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use parindex_core::{
    load_criteria, read_evidence, CriteriaSet, Diagnostic, Error, Evidence, Files, FsFiles,
    MemoryFiles,
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
fn small_set() -> CriteriaSet {
    let mut files = MemoryFiles::new();
    files.insert("set/criteria.toml", harness::FIXED_SET);
    files.insert("set/rule.rhai", harness::RULE);
    load_criteria(&files, Path::new("set")).expect("the small set loads")
}

/// A unit folder on disk with `unit.toml`, then `prepare`; read with the small set.
fn read_unit_on_disk(
    name: &str,
    prepare: impl FnOnce(&Path),
) -> (PathBuf, Result<Evidence, Error>) {
    let dir = scratch(name);
    write(&dir.join("unit.toml"), harness::UNIT);
    prepare(&dir);
    let set = small_set();
    let at = dir.clone();
    let result = within_deadline("read_evidence", move || read_evidence(&FsFiles, &set, &at));
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
    file.set_len(parindex_core::MAX_READ_BYTES + 1)
        .expect("set_len");
    drop(file);
    let err = FsFiles.read(&path).expect_err("too large");
    assert!(err.to_string().contains("1 GiB"), "{err}");
    // Streaming has no bound.
    assert!(FsFiles.open(&path).is_ok());
}
