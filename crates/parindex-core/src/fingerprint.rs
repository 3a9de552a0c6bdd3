//! What a report was computed from, so that an auditor can replay it: the engine version, the
//! as-of date, and a SHA-256 of the criteria set and of each evidence file by name.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The inputs of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Fingerprint {
    /// `parindex 0.1.0`.
    pub engine: String,
    /// ISO date.
    pub as_of: String,
    pub criteria: SetDigest,
    /// Every evidence file read, by its name in the unit's folder, sorted by name.
    pub evidence: Vec<FileDigest>,
}

/// The criteria set's files and one digest over all of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SetDigest {
    pub sha256: String,
    pub files: Vec<FileDigest>,
}

/// One input file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FileDigest {
    /// The path relative to the criteria or evidence folder, with `/`.
    pub name: String,
    pub sha256: String,
}

impl FileDigest {
    pub fn of(name: impl Into<String>, bytes: &[u8]) -> Self {
        Self {
            name: name.into(),
            sha256: sha256_hex(bytes),
        }
    }
}

/// The engine that computed a report.
pub fn engine_version() -> String {
    format!("parindex {}", env!("CARGO_PKG_VERSION"))
}

/// Lower-case hexadecimal SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Bytes in lowercase hexadecimal, as digests are written.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One digest over a set of files: SHA-256 of their `sha256  name` lines, sorted by name.
pub fn digest_of(files: &[FileDigest]) -> String {
    let mut sorted: Vec<&FileDigest> = files.iter().collect();
    sorted.sort();
    let lines: String = sorted
        .iter()
        .map(|f| format!("{}  {}\n", f.sha256, f.name))
        .collect();
    sha256_hex(lines.as_bytes())
}

/// A path relative to `base`, written with `/`, for digests that do not depend on where the
/// folder sits.
pub(crate) fn relative_name(base: &std::path::Path, path: &std::path::Path) -> String {
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_sha256() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let a = [FileDigest::of("b", b"2"), FileDigest::of("a", b"1")];
        let b = [FileDigest::of("a", b"1"), FileDigest::of("b", b"2")];
        assert_eq!(digest_of(&a), digest_of(&b));
    }
}
