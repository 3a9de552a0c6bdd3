//! The environment a run reads from. Injected, so that tests run on files held in memory and a
//! run never touches anything it was not given.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// Where criteria and evidence files come from.
pub trait Files {
    /// The whole content of a file; `io::ErrorKind::NotFound` when it does not exist.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// Whether `path` is a directory.
    fn is_dir(&self, path: &Path) -> bool;
    /// The files directly inside `dir`, sorted by path.
    fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>>;
    /// The folders directly inside `dir`, sorted by path.
    fn dirs(&self, dir: &Path) -> io::Result<Vec<PathBuf>>;
    /// A file to read as a stream, and its size: how a large export is read without holding
    /// it whole. By default, the content read at once.
    fn open(&self, path: &Path) -> io::Result<(Box<dyn io::Read + '_>, u64)> {
        let bytes = self.read(path)?;
        let len = bytes.len() as u64;
        Ok((Box::new(io::Cursor::new(bytes)), len))
    }
}

/// The real file system.
#[derive(Debug, Default, Clone, Copy)]
pub struct FsFiles;

impl Files for FsFiles {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }

    fn open(&self, path: &Path) -> io::Result<(Box<dyn io::Read + '_>, u64)> {
        let file = std::fs::File::open(path)?;
        let len = file.metadata()?.len();
        Ok((Box::new(file), len))
    }

    fn is_dir(&self, path: &Path) -> bool {
        path.is_dir()
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                out.push(entry.path());
            }
        }
        out.sort();
        Ok(out)
    }

    fn dirs(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                out.push(entry.path());
            }
        }
        out.sort();
        Ok(out)
    }
}

/// Files held in memory, keyed by path: for tests and for tools that embed the library.
#[derive(Debug, Default, Clone)]
pub struct MemoryFiles {
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl MemoryFiles {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a file.
    pub fn insert(&mut self, path: impl Into<PathBuf>, content: impl Into<Vec<u8>>) -> &mut Self {
        self.files.insert(path.into(), content.into());
        self
    }

    /// Removes a file, if present.
    pub fn remove(&mut self, path: impl AsRef<Path>) -> Option<Vec<u8>> {
        self.files.remove(path.as_ref())
    }
}

impl Files for MemoryFiles {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.files
            .get(path)
            .cloned()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no such file"))
    }

    fn is_dir(&self, path: &Path) -> bool {
        self.files.keys().any(|p| p != path && p.starts_with(path))
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        Ok(self
            .files
            .keys()
            .filter(|p| p.parent() == Some(dir))
            .cloned()
            .collect())
    }

    fn dirs(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let mut out: Vec<PathBuf> = self
            .files
            .keys()
            .filter_map(|p| {
                let rest = p.strip_prefix(dir).ok()?;
                let mut parts = rest.components();
                let first = parts.next()?;
                // Only a path with more below it names a folder.
                parts.next()?;
                Some(dir.join(first))
            })
            .collect();
        out.dedup();
        Ok(out)
    }
}
