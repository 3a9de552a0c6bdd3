//! The implementation of `parindex_db::Database`, one source for every backend: each backend
//! crate compiles this file as its module `shared` (`#[path]`), after defining in its root
//!
//! - `type Db`: the sqlx database (`sqlx::Sqlite`, `sqlx::Postgres`);
//! - `type Backend`: its struct, with `fn pool(&self) -> &sqlx::Pool<Db>` and
//!   `async fn begin_write(&self) -> Result<Write<'_>, sqlx::Error>`, the transaction every
//!   write runs in, begun holding the backend's write lock (see the crate docs of
//!   `parindex-db`), and `const ENGINE: &str`.
//!
//! So the statements are the same text on every engine, and so are their bindings and the
//! decoding of their rows. The SQL is the portable subset both engines accept: `$n`
//! placeholders, TEXT and BIGINT, ids assigned here (`MAX(id) + 1` under the write lock),
//! booleans as BIGINT 0/1, `ON CONFLICT … DO NOTHING`; no ORDER BY on a text column (the
//! engines' collations differ: lists are sorted here, in byte order).

use async_trait::async_trait;
use parindex_db::{
    now, storable, Attachment, Database, DbError, FactRow, FileVersion, HistoryEntry, NewFile,
    NewWorkspace, NoteDocument, NoteRow, Saved, Workspace,
};
use sqlx::Row;

use super::{Backend, Db};

/// A write in progress: its transaction, and the process's turn to write.
#[derive(Debug)]
pub(crate) struct Write<'a> {
    pub(crate) tx: sqlx::Transaction<'static, Db>,
    pub(crate) _turn: tokio::sync::MutexGuard<'a, ()>,
}

const WORKSPACE_COLUMNS: &str = "id, unit_code, unit_name, unit_group, year, criteria_id, \
     criteria_sha256, proposals, proposals_version, revision, created_at";
const FILE_COLUMNS: &str =
    "id, slot, stored_name, display_name, sha256, size, version, active, uploaded_at";

/// A row of `files` as the engines give it: `active` is a BIGINT 0/1.
#[derive(sqlx::FromRow)]
struct FileRecord {
    id: i64,
    slot: String,
    stored_name: String,
    display_name: String,
    sha256: String,
    size: i64,
    version: i64,
    active: i64,
    uploaded_at: i64,
}

impl From<FileRecord> for FileVersion {
    fn from(r: FileRecord) -> Self {
        Self {
            id: r.id,
            slot: r.slot,
            stored_name: r.stored_name,
            display_name: r.display_name,
            sha256: r.sha256,
            size: r.size,
            version: r.version,
            active: r.active != 0,
            uploaded_at: r.uploaded_at,
        }
    }
}

/// A row of `notes`: `documents` is JSON text.
#[derive(sqlx::FromRow)]
struct NoteRecord {
    row_id: String,
    explanation: Option<String>,
    declared_points: Option<String>,
    declared_reason: Option<String>,
    documents: String,
    version: i64,
}

impl TryFrom<NoteRecord> for NoteRow {
    type Error = DbError;

    fn try_from(r: NoteRecord) -> Result<Self, DbError> {
        let documents: Vec<NoteDocument> = serde_json::from_str(&r.documents)
            .map_err(|e| DbError::Corrupt(format!("notes.documents of {}: {e}", r.row_id)))?;
        Ok(Self {
            row_id: r.row_id,
            explanation: r.explanation,
            declared_points: r.declared_points,
            declared_reason: r.declared_reason,
            documents,
            version: r.version,
        })
    }
}

fn documents_json(note: &NoteRow) -> Result<String, DbError> {
    // JSON escapes U+0000, so the documents are always storable.
    serde_json::to_string(&note.documents)
        .map_err(|e| DbError::Corrupt(format!("notes.documents: {e}")))
}

fn storable_note(note: &NoteRow) -> Result<(), DbError> {
    storable("row", &note.row_id)?;
    for (what, text) in [
        ("explanation", &note.explanation),
        ("declared points", &note.declared_points),
        ("declared reason", &note.declared_reason),
    ] {
        if let Some(text) = text {
            storable(what, text)?;
        }
    }
    Ok(())
}

/// The next id of `table`, inside the writing transaction (under the write lock).
async fn next_id(w: &mut Write<'_>, table: &str) -> Result<i64, sqlx::Error> {
    // `table` is one of this module's literals, never input.
    sqlx::query(&format!(
        "SELECT COALESCE(MAX(id), 0) + 1 AS next FROM {table}"
    ))
    .fetch_one(&mut *w.tx)
    .await?
    .try_get("next")
}

/// Appends to the history and bumps the workspace's revision, in the change's transaction.
async fn record(w: &mut Write<'_>, ws: i64, action: &str, detail: &str) -> Result<(), DbError> {
    storable("history detail", detail)?;
    let id = next_id(w, "history").await?;
    sqlx::query(
        "INSERT INTO history (id, workspace_id, at, action, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(ws)
    .bind(now())
    .bind(action)
    .bind(detail)
    .execute(&mut *w.tx)
    .await?;
    sqlx::query("UPDATE workspaces SET revision = revision + 1 WHERE id = $1")
        .bind(ws)
        .execute(&mut *w.tx)
        .await?;
    Ok(())
}

/// The facts of a workspace on `executor`, by name.
async fn facts_on<'e, E>(executor: E, ws: i64) -> Result<Vec<FactRow>, DbError>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let mut facts = sqlx::query_as::<_, FactRow>(
        "SELECT name, literal, source FROM facts WHERE workspace_id = $1",
    )
    .bind(ws)
    .fetch_all(executor)
    .await?;
    facts.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(facts)
}

#[async_trait]
impl Database for Backend {
    fn engine(&self) -> &'static str {
        Backend::ENGINE
    }

    // ---- workspaces -----------------------------------------------------------------

    async fn create_workspace(&self, new: &NewWorkspace) -> Result<i64, DbError> {
        for (what, text) in [
            ("unit code", &new.unit_code),
            ("unit name", &new.unit_name),
            ("unit group", &new.unit_group),
            ("criteria id", &new.criteria_id),
            ("criteria hash", &new.criteria_sha256),
        ] {
            storable(what, text)?;
        }
        let mut w = self.begin_write().await?;
        let id = next_id(&mut w, "workspaces").await?;
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
        .execute(&mut *w.tx)
        .await?;
        record(
            &mut w,
            id,
            "tạo",
            &format!("{} — {}", new.unit_code, new.unit_name),
        )
        .await?;
        w.tx.commit().await?;
        Ok(id)
    }

    async fn workspaces(&self) -> Result<Vec<Workspace>, DbError> {
        Ok(sqlx::query_as::<_, Workspace>(&format!(
            "SELECT {WORKSPACE_COLUMNS} FROM workspaces ORDER BY id"
        ))
        .fetch_all(self.pool())
        .await?)
    }

    async fn workspace(&self, id: i64) -> Result<Option<Workspace>, DbError> {
        Ok(sqlx::query_as::<_, Workspace>(&format!(
            "SELECT {WORKSPACE_COLUMNS} FROM workspaces WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }

    async fn set_unit(&self, ws: i64, code: &str, name: &str, group: &str) -> Result<(), DbError> {
        for (what, text) in [
            ("unit code", code),
            ("unit name", name),
            ("unit group", group),
        ] {
            storable(what, text)?;
        }
        let mut w = self.begin_write().await?;
        sqlx::query(
            "UPDATE workspaces SET unit_code = $1, unit_name = $2, unit_group = $3 WHERE id = $4",
        )
        .bind(code)
        .bind(name)
        .bind(group)
        .bind(ws)
        .execute(&mut *w.tx)
        .await?;
        record(&mut w, ws, "đơn vị", &format!("{code} — {name} ({group})")).await?;
        w.tx.commit().await?;
        Ok(())
    }

    async fn set_proposals(
        &self,
        ws: i64,
        text: Option<&str>,
        version: i64,
    ) -> Result<Saved, DbError> {
        if let Some(text) = text {
            storable("proposals", text)?;
        }
        let mut w = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE workspaces SET proposals = $1, proposals_version = proposals_version + 1 \
             WHERE id = $2 AND proposals_version = $3",
        )
        .bind(text)
        .bind(ws)
        .bind(version)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(Saved::Stale);
        }
        record(&mut w, ws, "phần 3", "khó khăn, vướng mắc, kiến nghị").await?;
        w.tx.commit().await?;
        Ok(Saved::Yes(version + 1))
    }

    // ---- files ----------------------------------------------------------------------

    async fn files(&self, ws: i64) -> Result<Vec<FileVersion>, DbError> {
        let mut files: Vec<FileVersion> = sqlx::query_as::<_, FileRecord>(&format!(
            "SELECT {FILE_COLUMNS} FROM files WHERE workspace_id = $1"
        ))
        .bind(ws)
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(FileVersion::from)
        .collect();
        files.sort_by(|a, b| a.slot.cmp(&b.slot).then(b.version.cmp(&a.version)));
        Ok(files)
    }

    async fn add_file(&self, ws: i64, file: &NewFile<'_>) -> Result<i64, DbError> {
        for (what, text) in [
            ("slot", file.slot),
            ("stored name", file.stored_name),
            ("display name", file.display_name),
            ("hash", file.sha256),
        ] {
            storable(what, text)?;
        }
        let mut w = self.begin_write().await?;
        let id = next_id(&mut w, "files").await?;
        let version: i64 = sqlx::query(
            "SELECT COALESCE(MAX(version), 0) + 1 AS v FROM files \
             WHERE workspace_id = $1 AND slot = $2",
        )
        .bind(ws)
        .bind(file.slot)
        .fetch_one(&mut *w.tx)
        .await?
        .try_get("v")?;
        sqlx::query("UPDATE files SET active = 0 WHERE workspace_id = $1 AND slot = $2")
            .bind(ws)
            .bind(file.slot)
            .execute(&mut *w.tx)
            .await?;
        sqlx::query(
            "INSERT INTO files (id, workspace_id, slot, stored_name, display_name, sha256, size, \
             version, active, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9)",
        )
        .bind(id)
        .bind(ws)
        .bind(file.slot)
        .bind(file.stored_name)
        .bind(file.display_name)
        .bind(file.sha256)
        .bind(file.size)
        .bind(version)
        .bind(now())
        .execute(&mut *w.tx)
        .await?;
        let short: String = file.sha256.chars().take(12).collect();
        record(
            &mut w,
            ws,
            "tải lên",
            &format!(
                "{} → {} (phiên bản {version}, {short})",
                file.display_name, file.stored_name
            ),
        )
        .await?;
        w.tx.commit().await?;
        Ok(version)
    }

    async fn restore_file(&self, ws: i64, file_id: i64) -> Result<Option<FileVersion>, DbError> {
        let mut w = self.begin_write().await?;
        let Some(file) = sqlx::query_as::<_, FileRecord>(&format!(
            "SELECT {FILE_COLUMNS} FROM files WHERE workspace_id = $1 AND id = $2"
        ))
        .bind(ws)
        .bind(file_id)
        .fetch_optional(&mut *w.tx)
        .await?
        .map(FileVersion::from) else {
            return Ok(None);
        };
        sqlx::query("UPDATE files SET active = 0 WHERE workspace_id = $1 AND slot = $2")
            .bind(ws)
            .bind(&file.slot)
            .execute(&mut *w.tx)
            .await?;
        sqlx::query("UPDATE files SET active = 1 WHERE id = $1")
            .bind(file_id)
            .execute(&mut *w.tx)
            .await?;
        record(
            &mut w,
            ws,
            "khôi phục",
            &format!("{} phiên bản {}", file.stored_name, file.version),
        )
        .await?;
        w.tx.commit().await?;
        Ok(Some(FileVersion {
            active: true,
            ..file
        }))
    }

    // ---- facts ----------------------------------------------------------------------

    async fn facts(&self, ws: i64) -> Result<Vec<FactRow>, DbError> {
        facts_on(self.pool(), ws).await
    }

    async fn set_facts(
        &self,
        ws: i64,
        facts: &[FactRow],
        why: &str,
        expected: Option<&str>,
    ) -> Result<Saved, DbError> {
        for f in facts {
            storable("fact name", &f.name)?;
            storable("fact value", &f.literal)?;
            if let Some(source) = &f.source {
                storable("fact source", source)?;
            }
        }
        let mut w = self.begin_write().await?;
        if let Some(expected) = expected {
            if parindex_db::facts_digest(&facts_on(&mut *w.tx, ws).await?) != expected {
                return Ok(Saved::Stale);
            }
        }
        sqlx::query("DELETE FROM facts WHERE workspace_id = $1")
            .bind(ws)
            .execute(&mut *w.tx)
            .await?;
        for f in facts {
            sqlx::query(
                "INSERT INTO facts (workspace_id, name, literal, source) VALUES ($1, $2, $3, $4)",
            )
            .bind(ws)
            .bind(&f.name)
            .bind(&f.literal)
            .bind(&f.source)
            .execute(&mut *w.tx)
            .await?;
        }
        record(&mut w, ws, "số liệu", why).await?;
        w.tx.commit().await?;
        Ok(Saved::Yes(0))
    }

    // ---- notes ----------------------------------------------------------------------

    async fn notes(&self, ws: i64) -> Result<Vec<NoteRow>, DbError> {
        let mut notes = sqlx::query_as::<_, NoteRecord>(
            "SELECT row_id, explanation, declared_points, declared_reason, documents, version \
             FROM notes WHERE workspace_id = $1",
        )
        .bind(ws)
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(NoteRow::try_from)
        .collect::<Result<Vec<_>, _>>()?;
        notes.sort_by(|a, b| a.row_id.cmp(&b.row_id));
        Ok(notes)
    }

    async fn save_note(&self, ws: i64, note: &NoteRow) -> Result<Saved, DbError> {
        storable_note(note)?;
        let documents = documents_json(note)?;
        let mut w = self.begin_write().await?;
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
            .execute(&mut *w.tx)
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
            .execute(&mut *w.tx)
            .await
        }?;
        if done.rows_affected() == 0 {
            return Ok(Saved::Stale);
        }
        record(&mut w, ws, "giải trình", &format!("dòng {}", note.row_id)).await?;
        w.tx.commit().await?;
        Ok(Saved::Yes(note.version + 1))
    }

    async fn replace_notes(
        &self,
        ws: i64,
        notes: &[NoteRow],
        proposals: Option<&str>,
    ) -> Result<(), DbError> {
        let mut rows = Vec::with_capacity(notes.len());
        for n in notes {
            storable_note(n)?;
            rows.push((n, documents_json(n)?));
        }
        if let Some(text) = proposals {
            storable("proposals", text)?;
        }
        let mut w = self.begin_write().await?;
        let top: i64 = sqlx::query(
            "SELECT COALESCE(MAX(version), 0) AS top FROM notes WHERE workspace_id = $1",
        )
        .bind(ws)
        .fetch_one(&mut *w.tx)
        .await?
        .try_get("top")?;
        sqlx::query("DELETE FROM notes WHERE workspace_id = $1")
            .bind(ws)
            .execute(&mut *w.tx)
            .await?;
        for (n, documents) in &rows {
            sqlx::query(
                "INSERT INTO notes (workspace_id, row_id, explanation, declared_points, \
                 declared_reason, documents, version) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(ws)
            .bind(&n.row_id)
            .bind(&n.explanation)
            .bind(&n.declared_points)
            .bind(&n.declared_reason)
            .bind(documents)
            .bind(top + 1)
            .execute(&mut *w.tx)
            .await?;
        }
        sqlx::query(
            "UPDATE workspaces SET proposals = $1, proposals_version = proposals_version + 1 \
             WHERE id = $2",
        )
        .bind(proposals)
        .bind(ws)
        .execute(&mut *w.tx)
        .await?;
        record(&mut w, ws, "ghi chú", "tải lên notes.toml").await?;
        w.tx.commit().await?;
        Ok(())
    }

    // ---- attachments ----------------------------------------------------------------

    async fn attachments(&self, ws: i64) -> Result<Vec<Attachment>, DbError> {
        let mut attachments = sqlx::query_as::<_, Attachment>(
            "SELECT id, row_id, display_name, sha256, size, uploaded_at FROM attachments \
             WHERE workspace_id = $1",
        )
        .bind(ws)
        .fetch_all(self.pool())
        .await?;
        attachments.sort_by(|a, b| a.row_id.cmp(&b.row_id).then(a.id.cmp(&b.id)));
        Ok(attachments)
    }

    async fn add_attachment(
        &self,
        ws: i64,
        row_id: &str,
        display_name: &str,
        sha256: &str,
        size: i64,
    ) -> Result<i64, DbError> {
        for (what, text) in [
            ("row", row_id),
            ("display name", display_name),
            ("hash", sha256),
        ] {
            storable(what, text)?;
        }
        let mut w = self.begin_write().await?;
        let id = next_id(&mut w, "attachments").await?;
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
        .execute(&mut *w.tx)
        .await?;
        let short: String = sha256.chars().take(12).collect();
        record(
            &mut w,
            ws,
            "đính kèm",
            &format!("dòng {row_id}: {display_name} ({short})"),
        )
        .await?;
        w.tx.commit().await?;
        Ok(id)
    }

    // ---- criteria sets --------------------------------------------------------------

    async fn criteria_sets(&self) -> Result<Vec<String>, DbError> {
        let mut sets: Vec<(i64, String)> =
            sqlx::query_as("SELECT uploaded_at, sha256 FROM criteria_sets")
                .fetch_all(self.pool())
                .await?;
        sets.sort();
        Ok(sets.into_iter().map(|(_, sha)| sha).collect())
    }

    async fn add_criteria_set(
        &self,
        sha256: &str,
        set_id: &str,
        title: &str,
        year: i64,
    ) -> Result<(), DbError> {
        for (what, text) in [("hash", sha256), ("criteria id", set_id), ("title", title)] {
            storable(what, text)?;
        }
        let mut w = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO criteria_sets (sha256, set_id, title, year, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sha256) DO NOTHING",
        )
        .bind(sha256)
        .bind(set_id)
        .bind(title)
        .bind(year)
        .bind(now())
        .execute(&mut *w.tx)
        .await?;
        w.tx.commit().await?;
        Ok(())
    }

    // ---- history --------------------------------------------------------------------

    async fn history(&self, ws: i64) -> Result<Vec<HistoryEntry>, DbError> {
        Ok(sqlx::query_as::<_, HistoryEntry>(
            "SELECT id, at, action, detail FROM history WHERE workspace_id = $1 ORDER BY id DESC",
        )
        .bind(ws)
        .fetch_all(self.pool())
        .await?)
    }
}
