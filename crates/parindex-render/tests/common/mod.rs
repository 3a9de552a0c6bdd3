//! The reports every renderer test draws: the shipped example and the mini fixture.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use parindex_core::{FsFiles, Report};

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn score(criteria: &str, evidence: &str) -> Report {
    let root = root();
    parindex_core::score(&FsFiles, &root.join(criteria), &root.join(evidence), None)
        .expect("the fixture scores")
}

/// Sở KH&CN Nghệ An 2026 with the reference set.
pub fn example() -> Report {
    score("criteria/nghe-an-2026-so", "fixtures/skhcn-2026")
}

/// The small fixture with rows in error and without evidence.
pub fn mini() -> Report {
    score("fixtures/mini", "fixtures/mini/evidence")
}
