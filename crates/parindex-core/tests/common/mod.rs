//! What several test files share: the shipped example loaded into memory, and scored.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use parindex_core::{
    load_criteria, CompiledCriteria, Error, Files, FsFiles, MemoryFiles, ReadOptions, Report,
};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The reference criteria and the Sở KH&CN evidence, in memory so that a test can change them.
pub fn example() -> MemoryFiles {
    let mut files = MemoryFiles::new();
    for dir in ["criteria/nghe-an-2026-so", "fixtures/skhcn-2026"] {
        for path in FsFiles.list(&root().join(dir)).expect("listing") {
            let name = Path::new(dir).join(path.file_name().expect("name"));
            files.insert(name, std::fs::read(&path).expect("file"));
        }
    }
    files
}

/// Scores the example as held in `files`, at 31/12/2026.
pub fn try_score(files: &dyn Files) -> Result<Report, Error> {
    let set = load_criteria(files, Path::new("criteria/nghe-an-2026-so"))?;
    let criteria = CompiledCriteria::compile(set)?;
    let as_of = criteria.default_as_of().expect("a year end");
    let dir = Path::new("fixtures/skhcn-2026");
    criteria.score_unit(files, dir, as_of, &ReadOptions::default())
}

/// A small set at `set/` and its unit at `unit/`, as tests build them in memory, scored at 31/12
/// of the set's year.
pub fn score_set_and_unit(files: &MemoryFiles) -> Report {
    let set = load_criteria(files, Path::new("set")).expect("loads");
    let criteria = CompiledCriteria::compile(set).expect("compiles");
    let as_of = criteria.default_as_of().expect("a year end");
    criteria
        .score_unit(files, Path::new("unit"), as_of, &ReadOptions::default())
        .expect("reads")
}

/// [`try_score`] for inputs that must score.
pub fn score(files: &dyn Files) -> Report {
    try_score(files).expect("the example scores")
}

pub fn dec(s: &str) -> rust_decimal::Decimal {
    s.parse().expect("decimal")
}

/// The province fixture (`fixtures/province-2026`: both layouts and the criteria), in memory
/// under its own relative paths, so that a test can change its files.
pub fn province() -> MemoryFiles {
    fn walk(files: &mut MemoryFiles, root: &Path, dir: &Path) {
        for path in FsFiles.list(dir).expect("listing") {
            let name = path.strip_prefix(root).expect("inside").to_path_buf();
            files.insert(name, std::fs::read(&path).expect("file"));
        }
        for sub in FsFiles.dirs(dir).expect("folders") {
            walk(files, root, &sub);
        }
    }
    let root = root().join("fixtures/province-2026");
    let mut files = MemoryFiles::new();
    walk(&mut files, &root, &root);
    files
}
