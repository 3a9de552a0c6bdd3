//! The environment a run reads from. Injected, so that tests run on files held in memory and a
//! run never touches anything it was not given.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// At most this many bytes are loaded by one [`Files::read`]: a table read whole, a workbook,
/// `facts.toml`. Larger exports are streamed through [`Files::open`] (a province's), which has
/// no bound since it holds one block at a time. 1 GiB is ten times the 10-million-dossier
/// export of the benchmarks read whole, and keeps a run that reads one file within a few GiB.
pub const MAX_READ_BYTES: u64 = 1 << 30;

/// Where criteria and evidence files come from.
///
/// Every file a command opens goes through this trait, so that what [`FsFiles`] refuses —
/// anything but a regular file, a symbolic link, a file larger than the bound — is refused
/// for every command alike.
pub trait Files {
    /// The whole content of a file; `io::ErrorKind::NotFound` when it does not exist.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
    /// Whether `path` is a directory.
    fn is_dir(&self, path: &Path) -> bool;
    /// The entries directly inside `dir` that are not folders, sorted by path. Entries that
    /// cannot be read as files (links, FIFOs, …) are listed too, so that reading one fails with
    /// its name instead of it being silently skipped.
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
    /// The whole content of a file of at most `limit` bytes; a larger one is an
    /// `io::ErrorKind::InvalidData` error whose message gives the bound.
    fn read_at_most(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        let bytes = self.read(path)?;
        if bytes.len() as u64 > limit {
            return Err(too_large(bytes.len() as u64, limit));
        }
        Ok(bytes)
    }
    /// `path` with every symbolic link resolved, to tell whether it stays inside a folder. By
    /// default (files held in memory, which have no links) the path itself.
    fn resolve(&self, path: &Path) -> io::Result<PathBuf> {
        Ok(path.to_path_buf())
    }
}

/// The error of a file larger than `limit` bytes, as [`Files::read_at_most`] gives it: one
/// wording for every implementation.
pub fn too_large(size: u64, limit: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "tệp lớn hơn giới hạn {} (tệp có {}): hãy tách tệp thành nhiều tệp nhỏ hơn",
            byte_size(limit),
            byte_size(size)
        ),
    )
}

/// A byte count as an officer reads it: `1 MiB`, `4.2 GiB`, `830 byte`.
pub(crate) fn byte_size(n: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (size, unit) in UNITS {
        if n >= size {
            let tenths = n.saturating_mul(10) / size;
            return if tenths % 10 == 0 {
                format!("{} {unit}", tenths / 10)
            } else {
                format!("{}.{} {unit}", tenths / 10, tenths % 10)
            };
        }
    }
    format!("{n} byte")
}

/// The real file system, with one rule for what it opens.
///
/// - Only regular files are read. A FIFO, a device, a socket or a folder is refused with an
///   error that says which, without blocking: a FIFO `facts.toml` would otherwise wait forever
///   for a writer, and `/dev/zero` would fill memory.
/// - A symbolic link inside a folder is refused, never followed and never silently skipped:
///   evidence will come from strangers' uploads, and a link could show the report any file the
///   server can read. The folder a command names may itself be reached through a link (the
///   caller chose it); only the last component of a file's path is checked here, and
///   [`FsFiles::dirs`] refuses linked sub-folders, so no link below that folder is followed.
/// - [`Files::read`] loads at most [`MAX_READ_BYTES`]; [`Files::open`] streams without a bound.
///
/// The checks are made on the opened handle (`fstat`), so that the file cannot be swapped
/// between a check and the read.
#[derive(Debug, Default, Clone, Copy)]
pub struct FsFiles;

impl FsFiles {
    /// Opens `path` for reading if it is a regular file that is not a link.
    fn open_regular(path: &Path) -> io::Result<(std::fs::File, u64)> {
        let file = open_no_follow(path).map_err(|e| refine_open_error(path, e))?;
        let meta = file.metadata()?;
        if !meta.is_file() {
            return Err(not_regular(kind_name(&meta.file_type())));
        }
        Ok((file, meta.len()))
    }
}

#[cfg(unix)]
fn open_no_follow(path: &Path) -> io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    // O_NONBLOCK: opening a FIFO with no writer returns at once (and is then refused) instead of
    // waiting; it does not change how a regular file reads. O_NOFOLLOW: a link fails with ELOOP.
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW)
        .open(path)
}

#[cfg(not(unix))]
fn open_no_follow(path: &Path) -> io::Result<std::fs::File> {
    // No O_NOFOLLOW: the link is checked before opening (racy, but only links are at stake).
    if std::fs::symlink_metadata(path)?.file_type().is_symlink() {
        return Err(symlink_error());
    }
    std::fs::File::open(path)
}

/// A failed open explained: a link refused by `O_NOFOLLOW` says so instead of "too many levels
/// of symbolic links".
fn refine_open_error(path: &Path, e: io::Error) -> io::Error {
    if e.kind() != io::ErrorKind::NotFound
        && std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
    {
        return symlink_error();
    }
    e
}

fn symlink_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "là liên kết tượng trưng (symlink): parindex không theo liên kết trong thư mục chứng cứ \
         hay bộ tiêu chí; hãy chép chính tệp vào thư mục thay cho liên kết",
    )
}

fn not_regular(kind: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "không phải tệp thông thường mà là {kind}: parindex chỉ đọc tệp thông thường; \
             hãy đặt vào đây chính tệp dữ liệu"
        ),
    )
}

/// What a file that is not a regular file is, in the officer's words.
fn kind_name(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "một FIFO (ống có tên)";
        }
        if t.is_socket() {
            return "một socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "một thiết bị";
        }
    }
    if t.is_dir() {
        "một thư mục"
    } else if t.is_symlink() {
        "một liên kết tượng trưng (symlink)"
    } else {
        "một tệp đặc biệt"
    }
}

impl Files for FsFiles {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.read_at_most(path, MAX_READ_BYTES)
    }

    fn read_at_most(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        use io::Read as _;
        let (file, len) = Self::open_regular(path)?;
        if len > limit {
            return Err(too_large(len, limit));
        }
        // The size is rechecked while reading: a file that grows after fstat stops at the bound.
        let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            return Err(too_large(bytes.len() as u64, limit));
        }
        Ok(bytes)
    }

    fn open(&self, path: &Path) -> io::Result<(Box<dyn io::Read + '_>, u64)> {
        let (file, len) = Self::open_regular(path)?;
        Ok((Box::new(file), len))
    }

    fn is_dir(&self, path: &Path) -> bool {
        // Follows links: only used on the folder a command names (see the type's rule).
        path.is_dir()
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir)? {
            let entry = entry?;
            if !entry.file_type()?.is_dir() {
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
            let kind = entry.file_type()?;
            if kind.is_dir() {
                out.push(entry.path());
            } else if kind.is_symlink() && entry.path().is_dir() {
                // A linked folder would be a unit read from anywhere: refused, by name.
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "thư mục con `{}` là liên kết tượng trưng (symlink): parindex không theo \
                         liên kết trong thư mục chứng cứ; hãy chép chính thư mục vào đây",
                        entry.file_name().to_string_lossy()
                    ),
                ));
            }
        }
        out.sort();
        Ok(out)
    }

    fn resolve(&self, path: &Path) -> io::Result<PathBuf> {
        std::fs::canonicalize(path)
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
            // No message of its own: the officer reads the kind's Vietnamese wording.
            .ok_or_else(|| io::ErrorKind::NotFound.into())
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
