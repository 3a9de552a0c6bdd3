//! Writing `--out` safely: never over a file the run read (by any path to it), never into an
//! input folder, never onto a device, FIFO or read-only file, and never through a file planted
//! beside the target; and writing to standard output ([`to_stdout`]).

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use parindex_core::{Files, FsFiles};

use crate::Failure;

/// What `write` writes, to standard output, flushed. A reader that has gone (`| head`)
/// wanted no more: that is no failure (the command's own exit status stands), and nothing
/// else is written.
pub fn to_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    match write(&mut stdout).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// The real file system, remembering every file the run read: what `--out` may not replace.
/// Recording where files are read (not where the set and the evidence say they came from)
/// covers every reader at once: criteria, rule files, evidence, unit and province files.
#[derive(Debug, Default)]
pub(crate) struct RecordingFiles {
    read: Mutex<Vec<PathBuf>>,
}

impl RecordingFiles {
    fn note(&self, path: &Path) {
        // A poisoned lock only means another reader panicked; the list is still sound.
        let mut read = self
            .read
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        read.push(path.to_path_buf());
    }

    /// Every file read so far, each once.
    pub(crate) fn read(&self) -> Vec<PathBuf> {
        let mut read = self
            .read
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        read.sort();
        read.dedup();
        read
    }
}

impl Files for RecordingFiles {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let bytes = FsFiles.read(path)?;
        self.note(path);
        Ok(bytes)
    }

    fn open(&self, path: &Path) -> io::Result<(Box<dyn io::Read + '_>, u64)> {
        let opened = FsFiles.open(path)?;
        self.note(path);
        Ok(opened)
    }

    fn is_dir(&self, path: &Path) -> bool {
        FsFiles.is_dir(path)
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        FsFiles.list(dir)
    }

    fn dirs(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        FsFiles.dirs(dir)
    }

    // Passed on, not left to the trait's defaults: those are for files held in memory, and
    // would skip what FsFiles checks (a rule file's links resolved, its size bound).
    fn read_at_most(&self, path: &Path, limit: u64) -> io::Result<Vec<u8>> {
        let bytes = FsFiles.read_at_most(path, limit)?;
        self.note(path);
        Ok(bytes)
    }

    fn resolve(&self, path: &Path) -> io::Result<PathBuf> {
        FsFiles.resolve(path)
    }
}

/// The path with every link resolved; for a file not yet written, its folder resolved and its
/// name kept.
fn resolve(p: &Path) -> Option<PathBuf> {
    if let Ok(c) = std::fs::canonicalize(p) {
        return Some(c);
    }
    let parent = p
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    Some(std::fs::canonicalize(parent).ok()?.join(p.file_name()?))
}

/// Device and inode: the same file under any name, hard links included.
#[cfg(unix)]
fn identity(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn identity(_: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// Refuses an `--out` that cannot be replaced by a plain file: a device, FIFO, socket or
/// folder (renaming over `/dev/full` as root would replace the device), or a read-only file.
/// A missing target is fine.
pub(crate) fn check_target(out: &Path) -> Result<(), Failure> {
    // Followed: a link to a device is refused like the device.
    let meta = match std::fs::metadata(out) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => {
            return Err(Failure::Input(format!(
                "--out {}: không kiểm tra được tệp đích ({e}); hãy chọn tệp khác",
                out.display()
            )))
        }
    };
    if !meta.is_file() {
        return Err(Failure::Input(format!(
            "--out {}: không phải tệp thông thường (thư mục, thiết bị, FIFO hay socket); \
             hãy ghi báo cáo vào một tệp thông thường",
            out.display()
        )));
    }
    // The mode bits, not access(2): root may write anything, yet a file nobody may write was
    // made read-only on purpose.
    if meta.permissions().readonly() || !writable(out) {
        return Err(Failure::Input(format!(
            "--out {}: tệp chỉ đọc, không được thay thế; hãy chọn tệp khác, hoặc bỏ thuộc tính \
             chỉ đọc nếu thật sự muốn ghi đè",
            out.display()
        )));
    }
    Ok(())
}

/// Whether this process may write `path`, by access(2) (without opening it).
#[cfg(unix)]
fn writable(path: &Path) -> bool {
    rustix::fs::access(path, rustix::fs::Access::WRITE_OK).is_ok()
}

#[cfg(not(unix))]
fn writable(_: &Path) -> bool {
    true
}

/// Refuses an output that is one of `inputs`, or lies in an input folder (it would change what
/// a replay reads): compared by resolved path, and by device and inode so that a hard link to
/// an input is caught too.
pub(crate) fn refuse_inputs(out: &Path, inputs: &[PathBuf]) -> Result<(), Failure> {
    let Some(target) = resolve(out) else {
        return Ok(());
    };
    let target_id = std::fs::metadata(&target).ok().as_ref().and_then(identity);
    for input in inputs {
        let Some(resolved) = resolve(input) else {
            continue;
        };
        let meta = std::fs::metadata(&resolved).ok();
        let is_dir = meta.as_ref().is_some_and(std::fs::Metadata::is_dir);
        if is_dir && target.starts_with(&resolved) {
            return Err(Failure::Input(format!(
                "--out {}: nằm trong thư mục đầu vào {}; báo cáo ghi vào đó sẽ bị đọc lại như \
                 dữ liệu ở lần chấm sau. Hãy ghi báo cáo ra thư mục khác",
                out.display(),
                input.display()
            )));
        }
        let same_id = target_id.is_some() && meta.as_ref().and_then(identity) == target_id;
        if !is_dir && (target == resolved || same_id) {
            return Err(Failure::Input(format!(
                "--out {}: là tệp đầu vào {} mà lần chạy này đã đọc{}; ghi đè sẽ làm mất dữ \
                 liệu gốc. Hãy ghi báo cáo ra tệp khác",
                out.display(),
                input.display(),
                if target == resolved {
                    ""
                } else {
                    " (cùng một tệp qua liên kết cứng)"
                }
            )));
        }
    }
    Ok(())
}

/// Writes what `write` writes to a fresh temporary file beside `out` (created exclusively,
/// under a random name, so that nothing planted there is followed or written through), flushes
/// it to disk, and renames it into place: a failure or a kill never leaves half a file.
pub(crate) fn write_atomically_with(
    out: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), Failure> {
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let fail = |e: &dyn std::fmt::Display| {
        Failure::Input(format!(
            "không ghi được {}: {e}; hãy kiểm tra thư mục có tồn tại và cho phép ghi",
            out.display()
        ))
    };
    if !dir.is_dir() {
        return Err(Failure::Input(format!(
            "không ghi được {}: thư mục {} không tồn tại; hãy tạo thư mục hoặc chọn nơi khác",
            out.display(),
            dir.display()
        )));
    }
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".parindex-tmp");
    // A report replacing another keeps its permissions (a private one stays private); a new
    // one is as readable as any file the user creates (the umask applies), not 0600.
    #[cfg(unix)]
    builder.permissions(match std::fs::metadata(out) {
        Ok(meta) if meta.is_file() => meta.permissions(),
        _ => std::os::unix::fs::PermissionsExt::from_mode(0o666),
    });
    let mut tmp = builder.tempfile_in(dir).map_err(|e| fail(&e))?;
    {
        let mut buffered = io::BufWriter::new(tmp.as_file_mut());
        write(&mut buffered)
            .and_then(|()| buffered.flush())
            .map_err(|e| fail(&e))?;
    }
    // On disk before the rename, so that a crash cannot leave an empty report in place.
    tmp.as_file().sync_all().map_err(|e| fail(&e))?;
    // On an error the temporary file is removed when dropped.
    tmp.persist(out).map_err(|e| fail(&e.error))?;
    Ok(())
}
