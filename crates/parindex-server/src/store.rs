//! Storage: the database (workspaces, file versions, facts, notes, attachments, history) and
//! the content-addressed blobs beside it.
//!
//! Every query is plain SQL with `$n` placeholders, TEXT and BIGINT columns and ids the
//! application assigns, so that the same statements run on PostgreSQL (the province's
//! campaign) once the pool type is made generic. Writes are serialised by one lock: ids are
//! `MAX(id) + 1` inside the writing transaction, and the history is appended in the same
//! transaction as the change it records, so a workspace's `revision` names its state.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{FromRow, Row, SqlitePool};
use tokio::sync::Mutex;

use crate::error::AppError;

/// The database and the blob folder of one data directory.
#[derive(Debug)]
pub struct Store {
    pool: SqlitePool,
    blobs: PathBuf,
    tmp: PathBuf,
    write: Mutex<()>,
}

/// A workspace: one unit's self-assessment of one year against one criteria set.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Workspace {
    pub id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub unit_group: String,
    pub year: i64,
    pub criteria_id: String,
    pub criteria_sha256: String,
    pub proposals: Option<String>,
    pub proposals_version: i64,
    pub revision: i64,
    pub created_at: i64,
}

/// One version of an evidence file.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FileVersion {
    pub id: i64,
    pub slot: String,
    pub stored_name: String,
    pub display_name: String,
    pub sha256: String,
    pub size: i64,
    pub version: i64,
    pub active: bool,
    pub uploaded_at: i64,
}

/// One fact of `facts.toml`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FactRow {
    pub name: String,
    /// The TOML value as written: `4`, `true`, `"2,5"`.
    pub literal: String,
    pub source: Option<String>,
}

/// A document the officer adds to a row (`tai_lieu` of notes.toml).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NoteDocument {
    pub number: String,
    pub date: Option<String>,
    pub subject: Option<String>,
}

/// The officer's words on one row, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoteRow {
    pub row_id: String,
    pub explanation: Option<String>,
    pub declared_points: Option<String>,
    pub declared_reason: Option<String>,
    pub documents: Vec<NoteDocument>,
    /// 0 when nothing was saved yet.
    pub version: i64,
}

/// A TLKC file attached to a row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Attachment {
    pub id: i64,
    pub row_id: String,
    pub display_name: String,
    pub sha256: String,
    pub size: i64,
    pub uploaded_at: i64,
}

/// One line of the append-only history.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HistoryEntry {
    pub id: i64,
    pub at: i64,
    pub action: String,
    pub detail: String,
}

/// What a new workspace is made of.
#[derive(Debug, Clone)]
pub struct NewWorkspace {
    pub unit_code: String,
    pub unit_name: String,
    pub unit_group: String,
    pub year: i64,
    pub criteria_id: String,
    pub criteria_sha256: String,
}

/// The outcome of a save that names the version it edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// Saved; the new version.
    Yes(i64),
    /// Someone saved the row since the form was opened: nothing written.
    Stale,
}

pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn db_err(e: sqlx::Error) -> AppError {
    AppError::Internal(format!("cơ sở dữ liệu: {e}"))
}

fn io_err(e: std::io::Error) -> AppError {
    AppError::Internal(format!("kho tệp: {e}"))
}

const WORKSPACE_COLUMNS: &str = "id, unit_code, unit_name, unit_group, year, criteria_id, \
     criteria_sha256, proposals, proposals_version, revision, created_at";
const FILE_COLUMNS: &str =
    "id, slot, stored_name, display_name, sha256, size, version, active, uploaded_at";

type Tx<'a> = sqlx::Transaction<'a, sqlx::Sqlite>;

/// The next id of `table`, inside the writing transaction.
async fn next_id(tx: &mut Tx<'_>, table: &str) -> Result<i64, sqlx::Error> {
    // `table` is one of this module's constants, never input.
    let row = sqlx::query(&format!(
        "SELECT COALESCE(MAX(id), 0) + 1 AS next FROM {table}"
    ))
    .fetch_one(&mut **tx)
    .await?;
    row.try_get("next")
}

/// Appends to the history and bumps the workspace's revision, in the change's transaction.
async fn record(tx: &mut Tx<'_>, ws: i64, action: &str, detail: &str) -> Result<(), sqlx::Error> {
    let id = next_id(tx, "history").await?;
    sqlx::query(
        "INSERT INTO history (id, workspace_id, at, action, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(ws)
    .bind(now())
    .bind(action)
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE workspaces SET revision = revision + 1 WHERE id = $1")
        .bind(ws)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Store {
    /// Opens (creating) `data/parindex.sqlite` and `data/blobs`, and runs the migrations.
    pub async fn open(data: &Path) -> Result<Self, AppError> {
        let blobs = data.join("blobs");
        let tmp = data.join("tmp");
        for dir in [data, &blobs, &tmp] {
            std::fs::create_dir_all(dir).map_err(io_err)?;
        }
        let options = SqliteConnectOptions::new()
            .filename(data.join("parindex.sqlite"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(db_err)?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|e| AppError::Internal(format!("cơ sở dữ liệu (migrate): {e}")))?;
        Ok(Self {
            pool,
            blobs,
            tmp,
            write: Mutex::new(()),
        })
    }

    /// Where temporary files (an upload being written before its hash is known) are made.
    pub fn tmp_dir(&self) -> &Path {
        &self.tmp
    }

    // ---- blobs ------------------------------------------------------------------------

    /// The path of a blob: `blobs/ab/cdef…`. `sha256` is always one this module computed.
    pub fn blob_path(&self, sha256: &str) -> Result<PathBuf, AppError> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::Internal("mã băm không hợp lệ".to_owned()));
        }
        Ok(self.blobs.join(&sha256[..2]).join(&sha256[2..]))
    }

    /// Stores bytes by their SHA-256 (once), returning the hash.
    pub fn put_blob(&self, bytes: &[u8]) -> Result<String, AppError> {
        let sha = hex(&Sha256::digest(bytes));
        if !self.blob_path(&sha)?.is_file() {
            self.keep_blob(self.write_temp(bytes)?, &sha)?;
        }
        Ok(sha)
    }

    /// `bytes` in a temporary file of the store, synced to the disk: a blob whose hash is not
    /// known yet (an upload being read). Deleted when dropped, unless kept by [`Self::keep_blob`].
    pub fn write_temp(&self, bytes: &[u8]) -> Result<tempfile::NamedTempFile, AppError> {
        let mut tmp = tempfile::NamedTempFile::new_in(&self.tmp).map_err(io_err)?;
        std::io::Write::write_all(&mut tmp, bytes).map_err(io_err)?;
        tmp.as_file().sync_all().map_err(io_err)?;
        Ok(tmp)
    }

    /// A synced temporary file kept as the blob `sha256` (its content's hash); when the blob
    /// is there already, the file is deleted.
    pub fn keep_blob(&self, tmp: tempfile::NamedTempFile, sha256: &str) -> Result<(), AppError> {
        let path = self.blob_path(sha256)?;
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

    pub fn get_blob(&self, sha256: &str) -> Result<Vec<u8>, AppError> {
        std::fs::read(self.blob_path(sha256)?).map_err(io_err)
    }

    // ---- workspaces ---------------------------------------------------------------------

    pub async fn create_workspace(&self, new: &NewWorkspace) -> Result<i64, AppError> {
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let id = next_id(&mut tx, "workspaces").await.map_err(db_err)?;
        sqlx::query(
            "INSERT INTO workspaces (id, unit_code, unit_name, unit_group, year, criteria_id, \
             criteria_sha256, proposals, proposals_version, revision, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, 0, 0, $8)",
        )
        .bind(id)
        .bind(&new.unit_code)
        .bind(&new.unit_name)
        .bind(&new.unit_group)
        .bind(new.year)
        .bind(&new.criteria_id)
        .bind(&new.criteria_sha256)
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        record(
            &mut tx,
            id,
            "tạo",
            &format!("{} — {}", new.unit_code, new.unit_name),
        )
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(id)
    }

    pub async fn workspaces(&self) -> Result<Vec<Workspace>, AppError> {
        let rows = sqlx::query(&format!(
            "SELECT {WORKSPACE_COLUMNS} FROM workspaces ORDER BY id"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(Workspace::from_row)
            .collect::<Result<_, _>>()
            .map_err(db_err)
    }

    pub async fn workspace(&self, id: i64) -> Result<Workspace, AppError> {
        let row = sqlx::query(&format!(
            "SELECT {WORKSPACE_COLUMNS} FROM workspaces WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        match row {
            Some(r) => Workspace::from_row(&r).map_err(db_err),
            None => Err(AppError::NotFound(format!(
                "không có hồ sơ đánh giá số {id}"
            ))),
        }
    }

    /// Changes the unit's fields (`unit.toml`).
    pub async fn set_unit(
        &self,
        ws: i64,
        code: &str,
        name: &str,
        group: &str,
    ) -> Result<(), AppError> {
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        sqlx::query(
            "UPDATE workspaces SET unit_code = $1, unit_name = $2, unit_group = $3 WHERE id = $4",
        )
        .bind(code)
        .bind(name)
        .bind(group)
        .bind(ws)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        record(&mut tx, ws, "đơn vị", &format!("{code} — {name} ({group})"))
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    /// Part 3 of the report, saved only over the version the form was opened at.
    pub async fn set_proposals(
        &self,
        ws: i64,
        text: Option<&str>,
        version: i64,
    ) -> Result<Saved, AppError> {
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let done = sqlx::query(
            "UPDATE workspaces SET proposals = $1, proposals_version = proposals_version + 1 \
             WHERE id = $2 AND proposals_version = $3",
        )
        .bind(text)
        .bind(ws)
        .bind(version)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        if done.rows_affected() == 0 {
            return Ok(Saved::Stale);
        }
        record(&mut tx, ws, "phần 3", "khó khăn, vướng mắc, kiến nghị")
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(Saved::Yes(version + 1))
    }

    // ---- files ------------------------------------------------------------------------

    /// Every version of every file, newest first within a slot.
    pub async fn files(&self, ws: i64) -> Result<Vec<FileVersion>, AppError> {
        let rows = sqlx::query(&format!(
            "SELECT {FILE_COLUMNS} FROM files WHERE workspace_id = $1 ORDER BY slot, version DESC"
        ))
        .bind(ws)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        rows.iter()
            .map(FileVersion::from_row)
            .collect::<Result<_, _>>()
            .map_err(db_err)
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
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let id = next_id(&mut tx, "files").await.map_err(db_err)?;
        let version: i64 = sqlx::query(
            "SELECT COALESCE(MAX(version), 0) + 1 AS v FROM files WHERE workspace_id = $1 AND slot = $2",
        )
        .bind(ws)
        .bind(slot)
        .fetch_one(&mut *tx)
        .await
        .and_then(|r| r.try_get("v"))
        .map_err(db_err)?;
        sqlx::query("UPDATE files SET active = 0 WHERE workspace_id = $1 AND slot = $2")
            .bind(ws)
            .bind(slot)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query(
            "INSERT INTO files (id, workspace_id, slot, stored_name, display_name, sha256, size, \
             version, active, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9)",
        )
        .bind(id)
        .bind(ws)
        .bind(slot)
        .bind(stored_name)
        .bind(display_name)
        .bind(sha256)
        .bind(size)
        .bind(version)
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        record(
            &mut tx,
            ws,
            "tải lên",
            &format!(
                "{display_name} → {stored_name} (phiên bản {version}, {})",
                &sha256[..12]
            ),
        )
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(version)
    }

    /// Makes a kept version its slot's active file again.
    pub async fn restore_file(&self, ws: i64, file_id: i64) -> Result<(), AppError> {
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let row = sqlx::query(&format!(
            "SELECT {FILE_COLUMNS} FROM files WHERE workspace_id = $1 AND id = $2"
        ))
        .bind(ws)
        .bind(file_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
        let Some(row) = row else {
            return Err(AppError::NotFound("không có phiên bản tệp này".to_owned()));
        };
        let file = FileVersion::from_row(&row).map_err(db_err)?;
        sqlx::query("UPDATE files SET active = 0 WHERE workspace_id = $1 AND slot = $2")
            .bind(ws)
            .bind(&file.slot)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query("UPDATE files SET active = 1 WHERE id = $1")
            .bind(file_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        record(
            &mut tx,
            ws,
            "khôi phục",
            &format!("{} phiên bản {}", file.stored_name, file.version),
        )
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    // ---- facts ------------------------------------------------------------------------

    pub async fn facts(&self, ws: i64) -> Result<Vec<FactRow>, AppError> {
        sqlx::query_as::<_, FactRow>(
            "SELECT name, literal, source FROM facts WHERE workspace_id = $1 ORDER BY name",
        )
        .bind(ws)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
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
        let _w = self.write.lock().await;
        if let Some(expected) = expected {
            if facts_digest(&self.facts(ws).await?) != expected {
                return Ok(Saved::Stale);
            }
        }
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        sqlx::query("DELETE FROM facts WHERE workspace_id = $1")
            .bind(ws)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        for f in facts {
            sqlx::query(
                "INSERT INTO facts (workspace_id, name, literal, source) VALUES ($1, $2, $3, $4)",
            )
            .bind(ws)
            .bind(&f.name)
            .bind(&f.literal)
            .bind(&f.source)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        record(&mut tx, ws, "số liệu", why).await.map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(Saved::Yes(0))
    }

    // ---- notes ------------------------------------------------------------------------

    pub async fn notes(&self, ws: i64) -> Result<Vec<NoteRow>, AppError> {
        let rows = sqlx::query(
            "SELECT row_id, explanation, declared_points, declared_reason, documents, version \
             FROM notes WHERE workspace_id = $1 ORDER BY row_id",
        )
        .bind(ws)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let mut out = Vec::new();
        for r in &rows {
            let documents: String = r.try_get("documents").map_err(db_err)?;
            out.push(NoteRow {
                row_id: r.try_get("row_id").map_err(db_err)?,
                explanation: r.try_get("explanation").map_err(db_err)?,
                declared_points: r.try_get("declared_points").map_err(db_err)?,
                declared_reason: r.try_get("declared_reason").map_err(db_err)?,
                documents: serde_json::from_str(&documents)
                    .map_err(|e| AppError::Internal(format!("ghi chú: {e}")))?,
                version: r.try_get("version").map_err(db_err)?,
            });
        }
        Ok(out)
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
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let documents = serde_json::to_string(&note.documents)
            .map_err(|e| AppError::Internal(format!("ghi chú: {e}")))?;
        let done = if note.version == 0 {
            sqlx::query(
                "INSERT INTO notes (workspace_id, row_id, explanation, declared_points, \
                 declared_reason, documents, version) VALUES ($1, $2, $3, $4, $5, $6, 1) \
                 ON CONFLICT (workspace_id, row_id) DO NOTHING",
            )
            .bind(ws)
            .bind(&note.row_id)
            .bind(&note.explanation)
            .bind(&note.declared_points)
            .bind(&note.declared_reason)
            .bind(&documents)
            .execute(&mut *tx)
            .await
        } else {
            sqlx::query(
                "UPDATE notes SET explanation = $1, declared_points = $2, declared_reason = $3, \
                 documents = $4, version = version + 1 \
                 WHERE workspace_id = $5 AND row_id = $6 AND version = $7",
            )
            .bind(&note.explanation)
            .bind(&note.declared_points)
            .bind(&note.declared_reason)
            .bind(&documents)
            .bind(ws)
            .bind(&note.row_id)
            .bind(note.version)
            .execute(&mut *tx)
            .await
        }
        .map_err(db_err)?;
        if done.rows_affected() == 0 {
            return Ok(Saved::Stale);
        }
        record(&mut tx, ws, "giải trình", &format!("dòng {}", note.row_id))
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(Saved::Yes(note.version + 1))
    }

    /// Replaces every note (an uploaded notes.toml): each row's version moves on, so a form
    /// opened before the upload is refused.
    pub async fn replace_notes(
        &self,
        ws: i64,
        notes: &[NoteRow],
        proposals: Option<&str>,
    ) -> Result<(), AppError> {
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let old: Vec<(String, i64)> =
            sqlx::query("SELECT row_id, version FROM notes WHERE workspace_id = $1")
                .bind(ws)
                .fetch_all(&mut *tx)
                .await
                .map_err(db_err)?
                .iter()
                .map(|r| Ok((r.try_get("row_id")?, r.try_get("version")?)))
                .collect::<Result<_, sqlx::Error>>()
                .map_err(db_err)?;
        let top = old.iter().map(|(_, v)| *v).max().unwrap_or(0);
        sqlx::query("DELETE FROM notes WHERE workspace_id = $1")
            .bind(ws)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        for n in notes {
            let documents = serde_json::to_string(&n.documents)
                .map_err(|e| AppError::Internal(format!("ghi chú: {e}")))?;
            sqlx::query(
                "INSERT INTO notes (workspace_id, row_id, explanation, declared_points, \
                 declared_reason, documents, version) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(ws)
            .bind(&n.row_id)
            .bind(&n.explanation)
            .bind(&n.declared_points)
            .bind(&n.declared_reason)
            .bind(&documents)
            .bind(top + 1)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        }
        sqlx::query(
            "UPDATE workspaces SET proposals = $1, proposals_version = proposals_version + 1 \
             WHERE id = $2",
        )
        .bind(proposals)
        .bind(ws)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        record(&mut tx, ws, "ghi chú", "tải lên notes.toml")
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    // ---- attachments --------------------------------------------------------------------

    pub async fn attachments(&self, ws: i64) -> Result<Vec<Attachment>, AppError> {
        sqlx::query_as::<_, Attachment>(
            "SELECT id, row_id, display_name, sha256, size, uploaded_at FROM attachments \
             WHERE workspace_id = $1 ORDER BY row_id, id",
        )
        .bind(ws)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
    }

    pub async fn add_attachment(
        &self,
        ws: i64,
        row_id: &str,
        display_name: &str,
        sha256: &str,
        size: i64,
    ) -> Result<i64, AppError> {
        let _w = self.write.lock().await;
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let id = next_id(&mut tx, "attachments").await.map_err(db_err)?;
        sqlx::query(
            "INSERT INTO attachments (id, workspace_id, row_id, display_name, sha256, size, \
             uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(ws)
        .bind(row_id)
        .bind(display_name)
        .bind(sha256)
        .bind(size)
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        record(
            &mut tx,
            ws,
            "đính kèm",
            &format!("dòng {row_id}: {display_name} ({})", &sha256[..12]),
        )
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(id)
    }

    // ---- criteria sets ------------------------------------------------------------------

    /// The uploaded criteria sets' hashes, oldest first.
    pub async fn criteria_sets(&self) -> Result<Vec<String>, AppError> {
        let rows = sqlx::query("SELECT sha256 FROM criteria_sets ORDER BY uploaded_at, sha256")
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows.iter()
            .map(|r| r.try_get("sha256"))
            .collect::<Result<_, _>>()
            .map_err(db_err)
    }

    /// Records an uploaded set (once per hash).
    pub async fn add_criteria_set(
        &self,
        sha256: &str,
        set_id: &str,
        title: &str,
        year: i64,
    ) -> Result<(), AppError> {
        let _w = self.write.lock().await;
        sqlx::query(
            "INSERT INTO criteria_sets (sha256, set_id, title, year, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(sha256)
        .bind(set_id)
        .bind(title)
        .bind(year)
        .bind(now())
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    // ---- history ------------------------------------------------------------------------

    pub async fn history(&self, ws: i64) -> Result<Vec<HistoryEntry>, AppError> {
        sqlx::query_as::<_, HistoryEntry>(
            "SELECT id, at, action, detail FROM history WHERE workspace_id = $1 ORDER BY id DESC",
        )
        .bind(ws)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
    }
}

/// What a facts form was opened on: a digest of every fact, in name order.
pub fn facts_digest(facts: &[FactRow]) -> String {
    let mut rows: Vec<&FactRow> = facts.iter().collect();
    rows.sort_by(|a, b| a.name.cmp(&b.name));
    let mut h = Sha256::new();
    for f in rows {
        // Length-prefixed, so that no two lists write the same bytes.
        for part in [&f.name, &f.literal, f.source.as_deref().unwrap_or("\u{0}")] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
    }
    hex(&h.finalize())
}

/// Lower-case hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}
