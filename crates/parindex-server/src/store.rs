//! Storage: the database (a [`Database`]: workspaces, file versions, facts, notes,
//! attachments, history) and the content-addressed blobs beside it in the data folder.
//!
//! The database is SQLite in the data folder (`parindex.sqlite`, the embedded default) or a
//! PostgreSQL server (`--database postgres://…`); both are `parindex-db`'s trait, with the
//! same migrations and statements, and the blobs stay on disk in the data folder either way.
//! This is the server's face of it: its methods are the trait's with the server's errors,
//! a missing workspace or file version told in Vietnamese.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use parindex_db::{Database, DbError, NewFile};
use parindex_db_postgres::PostgresDatabase;
use parindex_db_sqlite::SqliteDatabase;
use sha2::{Digest, Sha256};

use crate::error::AppError;

pub use parindex_db::{
    facts_digest, hex, Attachment, FactRow, FileVersion, HistoryEntry, NewWorkspace, NoteDocument,
    NoteRow, Saved, Workspace,
};

/// The variable `parindex serve` reads a database address from when `--database` is not
/// given.
pub const DATABASE_VAR: &str = "PARINDEX_DATABASE_URL";

/// The database and the blob folder of one data directory.
#[derive(Debug)]
pub struct Store {
    db: Arc<dyn Database>,
    blobs: Blobs,
}

/// Content-addressed files: `blobs/ab/cdef…`, and `tmp/` for files being written.
#[derive(Debug)]
pub struct Blobs {
    root: PathBuf,
    tmp: PathBuf,
}

fn db_err(e: DbError) -> AppError {
    match e {
        DbError::NulInText(_) => AppError::BadRequest(
            "văn bản có ký tự NUL (U+0000), không lưu được: hãy xoá ký tự đó rồi gửi lại"
                .to_owned(),
        ),
        other => AppError::Internal(format!("cơ sở dữ liệu: {other}")),
    }
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
            let db = SqliteDatabase::open(&data.join("parindex.sqlite"))
                .await
                .map_err(db_err)?;
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

    /// A synced temporary file kept as the blob `sha256` (its content's hash); when the blob
    /// is there already, the file is deleted.
    pub fn keep(&self, tmp: tempfile::NamedTempFile, sha256: &str) -> Result<(), AppError> {
        let path = self.path(sha256)?;
        if path.is_file() {
            return Ok(());
        }
        let dir = path
            .parent()
            .ok_or_else(|| AppError::Internal("kho tệp".to_owned()))?;
        std::fs::create_dir_all(dir).map_err(io_err)?;
        tmp.persist(&path).map_err(|e| io_err(e.error))?;
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

impl Store {
    /// Opens (creating) the data folder's blobs and the database: `address`'s, or the SQLite
    /// file `data/parindex.sqlite`; its migrations are run.
    pub async fn open(data: &Path, address: Option<&str>) -> Result<Self, AppError> {
        let blobs = Blobs::open(data)?;
        let db = open_database(data, address).await?;
        Ok(Self::on(db, blobs))
    }

    /// A store on an opened database.
    pub fn on(db: Arc<dyn Database>, blobs: Blobs) -> Self {
        Self { db, blobs }
    }

    /// The database, for what this face does not offer.
    pub fn database(&self) -> &Arc<dyn Database> {
        &self.db
    }

    /// The content-addressed files beside the database.
    pub fn blobs(&self) -> &Blobs {
        &self.blobs
    }

    // ---- workspaces ---------------------------------------------------------------------

    pub async fn create_workspace(&self, new: &NewWorkspace) -> Result<i64, AppError> {
        self.db.create_workspace(new).await.map_err(db_err)
    }

    pub async fn workspaces(&self) -> Result<Vec<Workspace>, AppError> {
        self.db.workspaces().await.map_err(db_err)
    }

    pub async fn workspace(&self, id: i64) -> Result<Workspace, AppError> {
        self.db
            .workspace(id)
            .await
            .map_err(db_err)?
            .ok_or_else(|| AppError::NotFound(format!("không có hồ sơ đánh giá số {id}")))
    }

    /// Changes the unit's fields (`unit.toml`).
    pub async fn set_unit(
        &self,
        ws: i64,
        code: &str,
        name: &str,
        group: &str,
    ) -> Result<(), AppError> {
        self.db
            .set_unit(ws, code, name, group)
            .await
            .map_err(db_err)
    }

    /// Part 3 of the report, saved only over the version the form was opened at.
    pub async fn set_proposals(
        &self,
        ws: i64,
        text: Option<&str>,
        version: i64,
    ) -> Result<Saved, AppError> {
        self.db
            .set_proposals(ws, text, version)
            .await
            .map_err(db_err)
    }

    // ---- files ------------------------------------------------------------------------

    /// Every version of every file, newest first within a slot.
    pub async fn files(&self, ws: i64) -> Result<Vec<FileVersion>, AppError> {
        self.db.files(ws).await.map_err(db_err)
    }

    /// The files in use: one per slot.
    pub async fn active_files(&self, ws: i64) -> Result<Vec<FileVersion>, AppError> {
        Ok(self
            .files(ws)
            .await?
            .into_iter()
            .filter(|f| f.active)
            .collect())
    }

    /// A new version of a slot's file, made the active one.
    pub async fn add_file(
        &self,
        ws: i64,
        slot: &str,
        stored_name: &str,
        display_name: &str,
        sha256: &str,
        size: i64,
    ) -> Result<i64, AppError> {
        let file = NewFile {
            slot,
            stored_name,
            display_name,
            sha256,
            size,
        };
        self.db.add_file(ws, &file).await.map_err(db_err)
    }

    /// Makes a kept version its slot's active file again.
    pub async fn restore_file(&self, ws: i64, file_id: i64) -> Result<(), AppError> {
        match self.db.restore_file(ws, file_id).await.map_err(db_err)? {
            Some(_) => Ok(()),
            None => Err(AppError::NotFound("không có phiên bản tệp này".to_owned())),
        }
    }

    // ---- facts ------------------------------------------------------------------------

    pub async fn facts(&self, ws: i64) -> Result<Vec<FactRow>, AppError> {
        self.db.facts(ws).await.map_err(db_err)
    }

    /// Replaces the whole of facts.toml (the form sends every fact; an upload is the file).
    /// With `expected`, only over the facts of that [`facts_digest`] (the form's): else
    /// nothing is written.
    pub async fn set_facts(
        &self,
        ws: i64,
        facts: &[FactRow],
        why: &str,
        expected: Option<&str>,
    ) -> Result<Saved, AppError> {
        self.db
            .set_facts(ws, facts, why, expected)
            .await
            .map_err(db_err)
    }

    // ---- notes ------------------------------------------------------------------------

    pub async fn notes(&self, ws: i64) -> Result<Vec<NoteRow>, AppError> {
        self.db.notes(ws).await.map_err(db_err)
    }

    pub async fn note(&self, ws: i64, row_id: &str) -> Result<NoteRow, AppError> {
        Ok(self
            .notes(ws)
            .await?
            .into_iter()
            .find(|n| n.row_id == row_id)
            .unwrap_or_else(|| NoteRow {
                row_id: row_id.to_owned(),
                ..NoteRow::default()
            }))
    }

    /// Saves a row's note over the version the form showed (0: none yet); a stale version
    /// writes nothing.
    pub async fn save_note(&self, ws: i64, note: &NoteRow) -> Result<Saved, AppError> {
        self.db.save_note(ws, note).await.map_err(db_err)
    }

    /// Replaces every note (an uploaded notes.toml): each row's version moves on, so a form
    /// opened before the upload is refused.
    pub async fn replace_notes(
        &self,
        ws: i64,
        notes: &[NoteRow],
        proposals: Option<&str>,
    ) -> Result<(), AppError> {
        self.db
            .replace_notes(ws, notes, proposals)
            .await
            .map_err(db_err)
    }

    // ---- attachments --------------------------------------------------------------------

    pub async fn attachments(&self, ws: i64) -> Result<Vec<Attachment>, AppError> {
        self.db.attachments(ws).await.map_err(db_err)
    }

    pub async fn add_attachment(
        &self,
        ws: i64,
        row_id: &str,
        display_name: &str,
        sha256: &str,
        size: i64,
    ) -> Result<i64, AppError> {
        self.db
            .add_attachment(ws, row_id, display_name, sha256, size)
            .await
            .map_err(db_err)
    }

    // ---- criteria sets ------------------------------------------------------------------

    /// The uploaded criteria sets' hashes, oldest first.
    pub async fn criteria_sets(&self) -> Result<Vec<String>, AppError> {
        self.db.criteria_sets().await.map_err(db_err)
    }

    /// Records an uploaded set (once per hash).
    pub async fn add_criteria_set(
        &self,
        sha256: &str,
        set_id: &str,
        title: &str,
        year: i64,
    ) -> Result<(), AppError> {
        self.db
            .add_criteria_set(sha256, set_id, title, year)
            .await
            .map_err(db_err)
    }

    // ---- history ------------------------------------------------------------------------

    pub async fn history(&self, ws: i64) -> Result<Vec<HistoryEntry>, AppError> {
        self.db.history(ws).await.map_err(db_err)
    }
}
