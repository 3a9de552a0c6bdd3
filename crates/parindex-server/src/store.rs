//! Storage: the database (a [`Database`]: workspaces, file versions, facts, notes,
//! attachments, history) and the content-addressed blobs beside it in the data folder.
//!
//! The database is SQLite in the data folder (`parindex.sqlite`, the embedded default) or a
//! PostgreSQL server (`--database postgres://…`); both are `parindex-db`'s trait, with the
//! same migrations and statements, and the blobs stay on disk in the data folder either way.
//! The app holds the database itself ([`crate::App::db`]) and calls the trait directly; a
//! [`parindex_db::DbError`] becomes the server's error by its `From` (in [`crate::error`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use parindex_db::Database;
use parindex_db_postgres::PostgresDatabase;
use parindex_db_sqlite::SqliteDatabase;
use sha2::{Digest, Sha256};

use crate::error::AppError;

pub use parindex_db::{
    facts_digest, hex, Attachment, FactRow, FileVersion, HistoryEntry, NewFile, NewWorkspace,
    NoteDocument, NoteRow, Saved, Workspace,
};

/// The variable `parindex serve` reads a database address from when `--database` is not
/// given.
pub const DATABASE_VAR: &str = "PARINDEX_DATABASE_URL";

/// Content-addressed files: `blobs/ab/cdef…`, and `tmp/` for files being written.
#[derive(Debug)]
pub struct Blobs {
    root: PathBuf,
    tmp: PathBuf,
}

/// Syncs a folder's entries to the disk.
fn sync_dir(dir: &Path) -> Result<(), AppError> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err)
}

fn io_err(e: std::io::Error) -> AppError {
    AppError::Internal(format!("kho tệp: {e}"))
}

/// Opens the database `address` names (`postgres://…`, `postgresql://…`), or with none the
/// SQLite file `data/parindex.sqlite`.
pub async fn open_database(
    data: &Path,
    address: Option<&str>,
) -> Result<Arc<dyn Database>, AppError> {
    match address {
        None => {
            std::fs::create_dir_all(data).map_err(io_err)?;
            let db = SqliteDatabase::open(&data.join("parindex.sqlite")).await?;
            Ok(Arc::new(db))
        }
        Some(address) if parindex_db_postgres::is_address(address) => {
            // Told to the person who started the server: an address, a password or a server
            // that is down, not a bug. Never with the password.
            let db = PostgresDatabase::connect(address).await.map_err(|e| {
                AppError::BadRequest(format!(
                    "không mở được cơ sở dữ liệu PostgreSQL {}: {}",
                    parindex_db_postgres::redact(address),
                    parindex_db_postgres::redact(&e.to_string())
                ))
            })?;
            Ok(Arc::new(db))
        }
        Some(_) => Err(AppError::BadRequest(
            "--database: chỉ nhận địa chỉ PostgreSQL (postgres://người-dùng:mật-khẩu@máy:cổng/\
             tên-cơ-sở-dữ-liệu); bỏ --database để dùng SQLite trong thư mục --data"
                .to_owned(),
        )),
    }
}

impl Blobs {
    /// Opens (creating) `data/blobs` and `data/tmp`.
    pub fn open(data: &Path) -> Result<Self, AppError> {
        let root = data.join("blobs");
        let tmp = data.join("tmp");
        for dir in [data, &root, &tmp] {
            std::fs::create_dir_all(dir).map_err(io_err)?;
        }
        Ok(Self { root, tmp })
    }

    /// The path of a blob: `blobs/ab/cdef…`. `sha256` is always one this module computed.
    pub fn path(&self, sha256: &str) -> Result<PathBuf, AppError> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::Internal("mã băm không hợp lệ".to_owned()));
        }
        Ok(self.root.join(&sha256[..2]).join(&sha256[2..]))
    }

    /// Stores bytes by their SHA-256 (once), returning the hash.
    pub fn put(&self, bytes: &[u8]) -> Result<String, AppError> {
        let sha = hex(&Sha256::digest(bytes));
        if !self.path(&sha)?.is_file() {
            self.keep(self.write_temp(bytes)?, &sha)?;
        }
        Ok(sha)
    }

    /// `bytes` in a temporary file, synced to the disk: a blob whose hash is not known yet
    /// (an upload being read). Deleted when dropped, unless kept by [`Self::keep`].
    pub fn write_temp(&self, bytes: &[u8]) -> Result<tempfile::NamedTempFile, AppError> {
        let mut tmp = tempfile::NamedTempFile::new_in(&self.tmp).map_err(io_err)?;
        std::io::Write::write_all(&mut tmp, bytes).map_err(io_err)?;
        tmp.as_file().sync_all().map_err(io_err)?;
        Ok(tmp)
    }

    /// A new, empty temporary file, for an upload's file written as it arrives
    /// ([`Self::sync`] makes it durable once it is known to be kept). Deleted when dropped,
    /// unless kept by [`Self::keep`].
    pub fn spool(&self) -> Result<tempfile::NamedTempFile, AppError> {
        tempfile::NamedTempFile::new_in(&self.tmp).map_err(io_err)
    }

    /// A temporary file written by [`Self::spool`], synced to the disk (only what
    /// [`Writeback`] has not had written yet is waited for).
    pub fn sync(tmp: tempfile::NamedTempFile) -> Result<tempfile::NamedTempFile, AppError> {
        tmp.as_file().sync_all().map_err(io_err)?;
        Ok(tmp)
    }

    /// A synced temporary file kept as the blob `sha256` (its content's hash); when the blob
    /// is there already, the file is deleted, on a blocking thread when there is a runtime:
    /// freeing a large file's blocks takes milliseconds (about 20 for 85 MB) nobody needs to
    /// wait for.
    pub fn keep(&self, tmp: tempfile::NamedTempFile, sha256: &str) -> Result<(), AppError> {
        let path = self.path(sha256)?;
        if path.is_file() {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn_blocking(move || drop(tmp));
            }
            return Ok(());
        }
        let dir = path
            .parent()
            .ok_or_else(|| AppError::Internal("kho tệp".to_owned()))?;
        let fresh = !dir.is_dir();
        std::fs::create_dir_all(dir).map_err(io_err)?;
        tmp.persist(&path).map_err(|e| io_err(e.error))?;
        // The rename is durable only once its folder is synced (and a new folder's entry in
        // its parent): the database row that names the blob comes after, so a crash never
        // leaves a row naming a blob that is not there.
        sync_dir(dir)?;
        if fresh {
            sync_dir(&self.root)?;
        }
        Ok(())
    }

    pub fn get(&self, sha256: &str) -> Result<Vec<u8>, AppError> {
        std::fs::read(self.path(sha256)?).map_err(io_err)
    }

    /// Where temporary files (an upload being written before its hash is known) are made.
    pub fn tmp_dir(&self) -> &Path {
        &self.tmp
    }
}

/// Has the disk write a spooled file while it is still being written, a few megabytes at a
/// time on a thread of its own, so that syncing it once it is kept waits for its last part
/// only, not for the whole file after the upload's body has arrived.
#[derive(Debug)]
pub struct Writeback {
    file: Option<std::fs::File>,
    wake: Option<std::sync::mpsc::SyncSender<()>>,
    asked: u64,
}

impl Writeback {
    /// Bytes written between two requests to the disk.
    const STEP: u64 = 8 << 20;

    /// For `file`, being written.
    pub fn of(file: &std::fs::File) -> Self {
        Self {
            file: file.try_clone().ok(),
            wake: None,
            asked: 0,
        }
    }

    /// `written` bytes of the file have been written: once [`Self::STEP`] more have come
    /// since the last request, the disk is asked to write them (unless it is still busy with
    /// the last one: the next piece asks again).
    pub fn written(&mut self, written: u64) {
        if written - self.asked < Self::STEP {
            return;
        }
        if self.wake.is_none() {
            let Some(file) = self.file.take() else {
                return;
            };
            let (wake, woken) = std::sync::mpsc::sync_channel::<()>(1);
            // The thread ends when the writer drops its end; an error here is an error of the
            // final sync too, which reports it.
            std::thread::spawn(move || {
                while woken.recv().is_ok() {
                    let _ = file.sync_data();
                }
            });
            self.wake = Some(wake);
        }
        if self.wake.as_ref().is_some_and(|w| w.try_send(()).is_ok()) {
            self.asked = written;
        }
    }
}
