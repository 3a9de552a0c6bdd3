//! The reports every renderer test draws: the shipped example and the mini fixture.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use parindex_core::{
    load_criteria, CompiledCriteria, Files, FsFiles, MemoryFiles, ReadOptions, Report,
};

/// The shipped example's criteria set and evidence folder.
pub const CRITERIA: &str = "criteria/nghe-an-2026-so";
pub const EVIDENCE: &str = "fixtures/skhcn-2026";

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn score(criteria: &str, evidence: &str) -> Report {
    let root = root();
    parindex_core::score(&FsFiles, &root.join(criteria), &root.join(evidence), None)
        .expect("the fixture scores")
}

/// The shipped example, in memory so that a test can change it.
pub fn example_files() -> MemoryFiles {
    let mut files = MemoryFiles::new();
    for dir in [CRITERIA, EVIDENCE] {
        for path in FsFiles.list(&root().join(dir)).expect("listing") {
            let name = Path::new(dir).join(path.file_name().expect("name"));
            files.insert(name, std::fs::read(&path).expect("file"));
        }
    }
    files
}

/// The example as held in `files`, scored at 31/12 of the set's year.
pub fn score_files(files: &dyn Files) -> Report {
    let set = load_criteria(files, Path::new(CRITERIA)).expect("criteria");
    let criteria = CompiledCriteria::compile(set).expect("compiles");
    let as_of = criteria.as_of(None).expect("a year end");
    (criteria.score_unit(files, Path::new(EVIDENCE), as_of, &ReadOptions::default()))
        .expect("reads")
}

/// Sở KH&CN Nghệ An 2026 with the reference set.
pub fn example() -> Report {
    score(CRITERIA, EVIDENCE)
}

/// The small fixture with rows in error and without evidence.
pub fn mini() -> Report {
    score("fixtures/mini", "fixtures/mini/evidence")
}
