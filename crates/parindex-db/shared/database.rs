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
    current_acting, now, storable, AccountRow, AnswerDocument, AnswerRow, AppraisalRow, Attachment,
    CampaignRow, CampaignUnit, Database, DbError, FactRow, FileVersion, HistoryEntry, NewAccount,
    NewCampaign, NewFile, NewSubmission, NewWorkspace, NoteDocument, NoteRow, Reading, Saved,
    SubmissionRow, Who, Workspace,
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
     criteria_sha256, proposals, proposals_version, revision, created_at, as_of, encoding, \
     archived_at";
const FILE_COLUMNS: &str =
    "id, slot, stored_name, display_name, sha256, size, version, active, uploaded_at";

const HISTORY_COLUMNS: &str = "id, at, action, detail, workspace_id, campaign_id, unit_code, \
     actor, before_value, after_value";
const ACCOUNT_COLUMNS: &str =
    "id, login, display_name, password_hash, role, unit_code, agency, fields, active, created_at";
const CAMPAIGN_COLUMNS: &str = "id, title, year, criteria_id, criteria_sha256, as_of, self_end, \
     round1_end, explain_end, round2_end, survey_sha256, published_at, created_at";
const SUBMISSION_COLUMNS: &str = "id, campaign_id, unit_code, folder_sha256, report_sha256, \
     fingerprint, points, score_index, account_id, submitted_at, withdrawn_at";

/// A row of `accounts`: `fields` space-separated, `active` a BIGINT 0/1.
#[derive(sqlx::FromRow)]
struct AccountRecord {
    id: i64,
    login: String,
    display_name: String,
    password_hash: String,
    role: String,
    unit_code: Option<String>,
    agency: Option<String>,
    fields: String,
    active: i64,
    created_at: i64,
}

impl TryFrom<AccountRecord> for AccountRow {
    type Error = DbError;

    fn try_from(r: AccountRecord) -> Result<Self, DbError> {
        Ok(Self {
            id: r.id,
            login: r.login,
            display_name: r.display_name,
            password_hash: r.password_hash,
            role: r.role,
            unit_code: r.unit_code,
            agency: r.agency,
            fields: r.fields.split_whitespace().map(str::to_owned).collect(),
            active: r.active != 0,
            created_at: r.created_at,
        })
    }
}

/// A row of `answers`: `documents` is JSON text.
#[derive(sqlx::FromRow)]
struct AnswerRecord {
    campaign_id: i64,
    unit_code: String,
    row_id: String,
    note: String,
    documents: String,
    account_id: i64,
    at: i64,
    version: i64,
}

impl TryFrom<AnswerRecord> for AnswerRow {
    type Error = DbError;

    fn try_from(r: AnswerRecord) -> Result<Self, DbError> {
        let documents: Vec<AnswerDocument> = serde_json::from_str(&r.documents)
            .map_err(|e| DbError::Corrupt(format!("answers.documents of {}: {e}", r.row_id)))?;
        Ok(Self {
            campaign_id: r.campaign_id,
            unit_code: r.unit_code,
            row_id: r.row_id,
            note: r.note,
            documents,
            account_id: r.account_id,
            at: r.at,
            version: r.version,
        })
    }
}

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

/// One history entry, as a write records it.
#[derive(Default)]
struct Entry<'a> {
    workspace: Option<i64>,
    campaign: Option<i64>,
    unit: Option<&'a str>,
    who: Option<Who<'a>>,
    at: Option<i64>,
    action: &'a str,
    detail: &'a str,
    before: Option<&'a str>,
    after: Option<&'a str>,
}

/// Appends to the history in the change's transaction, and bumps the revision of the
/// workspace it changed (a workspace's entry names its unit, for the province's history).
async fn append(w: &mut Write<'_>, e: Entry<'_>) -> Result<(), DbError> {
    storable("history detail", e.detail)?;
    for text in [e.before, e.after].into_iter().flatten() {
        storable("history value", text)?;
    }
    // A write that does not say who makes it is the request's (see `parindex_db::acting`).
    let acting = current_acting();
    let id = next_id(w, "history").await?;
    sqlx::query(
        "INSERT INTO history (id, workspace_id, campaign_id, unit_code, actor, at, action, \
         detail, before_value, after_value) VALUES ($1, $2, $3, \
         COALESCE($4, (SELECT unit_code FROM workspaces WHERE id = $2)), $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(e.workspace)
    .bind(e.campaign)
    .bind(e.unit)
    .bind(
        e.who
            .map(|w| w.login.to_owned())
            .or_else(|| acting.clone().and_then(|a| a.login)),
    )
    .bind(e.at.or(acting.map(|a| a.at)).unwrap_or_else(now))
    .bind(e.action)
    .bind(e.detail)
    .bind(e.before)
    .bind(e.after)
    .execute(&mut *w.tx)
    .await?;
    if let Some(ws) = e.workspace {
        sqlx::query("UPDATE workspaces SET revision = revision + 1 WHERE id = $1")
            .bind(ws)
            .execute(&mut *w.tx)
            .await?;
    }
    Ok(())
}

/// The first 12 characters of a hash: how the history names a file's content.
fn short(sha256: &str) -> String {
    sha256.chars().take(12).collect()
}

/// Appends a workspace's change made on the officer's own app.
async fn record(w: &mut Write<'_>, ws: i64, action: &str, detail: &str) -> Result<(), DbError> {
    append(
        w,
        Entry {
            workspace: Some(ws),
            action,
            detail,
            ..Entry::default()
        },
    )
    .await
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
        let mut w = self.begin_write().await?;
        let id = insert_workspace(&mut w, new, now()).await?;
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

    async fn set_archived(&self, ws: i64, archived: bool) -> Result<(), DbError> {
        let mut w = self.begin_write().await?;
        let before: Option<(Option<i64>,)> =
            sqlx::query_as("SELECT archived_at FROM workspaces WHERE id = $1")
                .bind(ws)
                .fetch_optional(&mut *w.tx)
                .await?;
        let Some((before,)) = before else {
            return Ok(());
        };
        if before.is_some() == archived {
            return Ok(());
        }
        let at = archived.then(now);
        sqlx::query("UPDATE workspaces SET archived_at = $1 WHERE id = $2")
            .bind(at)
            .bind(ws)
            .execute(&mut *w.tx)
            .await?;
        let (action, detail) = if archived {
            ("lưu trữ", "đưa hồ sơ vào mục đã lưu trữ")
        } else {
            ("bỏ lưu trữ", "đưa hồ sơ trở lại danh sách")
        };
        record(&mut w, ws, action, detail).await?;
        w.tx.commit().await?;
        Ok(())
    }

    async fn set_reading(
        &self,
        ws: i64,
        setting: Reading,
        value: Option<&str>,
    ) -> Result<(), DbError> {
        // The column is one of these literals, never input.
        let (column, action) = match setting {
            Reading::AsOf => ("as_of", "ngày tính điểm"),
            Reading::Encoding => ("encoding", "bảng mã tệp văn bản"),
        };
        if let Some(v) = value {
            storable(action, v)?;
        }
        let mut w = self.begin_write().await?;
        let before: Option<Option<String>> = sqlx::query_as::<_, (Option<String>,)>(&format!(
            "SELECT {column} FROM workspaces WHERE id = $1"
        ))
        .bind(ws)
        .fetch_optional(&mut *w.tx)
        .await?
        .map(|(d,)| d);
        let Some(before) = before else {
            return Ok(());
        };
        sqlx::query(&format!(
            "UPDATE workspaces SET {column} = $1 WHERE id = $2"
        ))
        .bind(value)
        .bind(ws)
        .execute(&mut *w.tx)
        .await?;
        append(
            &mut w,
            Entry {
                workspace: Some(ws),
                action,
                detail: "",
                before: before.as_deref(),
                after: value,
                ..Entry::default()
            },
        )
        .await?;
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

    async fn add_files(&self, ws: i64, files: &[NewFile<'_>]) -> Result<Vec<i64>, DbError> {
        for file in files {
            for (what, text) in [
                ("slot", file.slot),
                ("stored name", file.stored_name),
                ("display name", file.display_name),
                ("hash", file.sha256),
            ] {
                storable(what, text)?;
            }
        }
        let mut w = self.begin_write().await?;
        let mut versions = Vec::with_capacity(files.len());
        for file in files {
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
                "INSERT INTO files (id, workspace_id, slot, stored_name, display_name, sha256, \
                 size, version, active, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9)",
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
            let short = short(file.sha256);
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
            versions.push(version);
        }
        w.tx.commit().await?;
        Ok(versions)
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
        let short = short(sha256);
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

    async fn remove_attachment(&self, ws: i64, id: i64) -> Result<Option<Attachment>, DbError> {
        let mut w = self.begin_write().await?;
        let found = sqlx::query_as::<_, Attachment>(
            "SELECT id, row_id, display_name, sha256, size, uploaded_at FROM attachments \
             WHERE workspace_id = $1 AND id = $2",
        )
        .bind(ws)
        .bind(id)
        .fetch_optional(&mut *w.tx)
        .await?;
        let Some(a) = found else {
            return Ok(None);
        };
        sqlx::query("DELETE FROM attachments WHERE workspace_id = $1 AND id = $2")
            .bind(ws)
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        let short = short(&a.sha256);
        record(
            &mut w,
            ws,
            "gỡ tệp đính kèm",
            &format!("dòng {}: {} ({short})", a.row_id, a.display_name),
        )
        .await?;
        w.tx.commit().await?;
        Ok(Some(a))
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
        Ok(sqlx::query_as::<_, HistoryEntry>(&format!(
            "SELECT {HISTORY_COLUMNS} FROM history WHERE workspace_id = $1 ORDER BY id DESC"
        ))
        .bind(ws)
        .fetch_all(self.pool())
        .await?)
    }

    async fn province_history(&self) -> Result<Vec<HistoryEntry>, DbError> {
        Ok(sqlx::query_as::<_, HistoryEntry>(&format!(
            "SELECT {HISTORY_COLUMNS} FROM history ORDER BY id DESC"
        ))
        .fetch_all(self.pool())
        .await?)
    }

    // ---- accounts and sessions ------------------------------------------------------

    async fn account_count(&self) -> Result<i64, DbError> {
        Ok(sqlx::query("SELECT COUNT(*) AS n FROM accounts")
            .fetch_one(self.pool())
            .await?
            .try_get("n")?)
    }

    async fn accounts(&self) -> Result<Vec<AccountRow>, DbError> {
        sqlx::query_as::<_, AccountRecord>(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY id"
        ))
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(AccountRow::try_from)
        .collect()
    }

    async fn account(&self, id: i64) -> Result<Option<AccountRow>, DbError> {
        sqlx::query_as::<_, AccountRecord>(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .map(AccountRow::try_from)
        .transpose()
    }

    async fn account_by_login(&self, login: &str) -> Result<Option<AccountRow>, DbError> {
        storable("login", login)?;
        sqlx::query_as::<_, AccountRecord>(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE login = $1"
        ))
        .bind(login)
        .fetch_optional(self.pool())
        .await?
        .map(AccountRow::try_from)
        .transpose()
    }

    async fn create_account(
        &self,
        new: &NewAccount<'_>,
        who: Option<Who<'_>>,
        at: i64,
    ) -> Result<Option<i64>, DbError> {
        for (what, text) in [
            ("login", new.login),
            ("display name", new.display_name),
            ("password hash", new.password_hash),
            ("role", new.role),
            ("unit code", new.unit_code.unwrap_or("")),
            ("agency", new.agency.unwrap_or("")),
        ] {
            storable(what, text)?;
        }
        let fields = new.fields.join(" ");
        storable("fields", &fields)?;
        let mut w = self.begin_write().await?;
        let taken = sqlx::query("SELECT id FROM accounts WHERE login = $1")
            .bind(new.login)
            .fetch_optional(&mut *w.tx)
            .await?
            .is_some();
        if taken {
            return Ok(None);
        }
        let id = next_id(&mut w, "accounts").await?;
        sqlx::query(
            "INSERT INTO accounts (id, login, display_name, password_hash, role, unit_code, \
             agency, fields, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9)",
        )
        .bind(id)
        .bind(new.login)
        .bind(new.display_name)
        .bind(new.password_hash)
        .bind(new.role)
        .bind(new.unit_code)
        .bind(new.agency)
        .bind(&fields)
        .bind(at)
        .execute(&mut *w.tx)
        .await?;
        let detail = format!(
            "{} ({}){}",
            new.login,
            new.role,
            new.unit_code
                .map(|u| format!(", đơn vị {u}"))
                .unwrap_or_default()
        );
        append(
            &mut w,
            Entry {
                unit: new.unit_code,
                who,
                at: Some(at),
                action: "tạo tài khoản",
                detail: &detail,
                ..Entry::default()
            },
        )
        .await?;
        w.tx.commit().await?;
        Ok(Some(id))
    }

    async fn set_password(
        &self,
        id: i64,
        password_hash: &str,
        who: Who<'_>,
        at: i64,
    ) -> Result<bool, DbError> {
        storable("password hash", password_hash)?;
        let mut w = self.begin_write().await?;
        let done = sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        end_sessions(&mut w, id).await?;
        let detail = format!("tài khoản số {id}");
        append(
            &mut w,
            Entry {
                who: Some(who),
                at: Some(at),
                action: "đổi mật khẩu",
                detail: &detail,
                ..Entry::default()
            },
        )
        .await?;
        w.tx.commit().await?;
        Ok(true)
    }

    async fn set_account_active(
        &self,
        id: i64,
        active: bool,
        who: Who<'_>,
        at: i64,
    ) -> Result<bool, DbError> {
        let mut w = self.begin_write().await?;
        let before: Option<i64> = sqlx::query("SELECT active FROM accounts WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *w.tx)
            .await?
            .map(|r| r.try_get("active"))
            .transpose()?;
        let Some(before) = before else {
            return Ok(false);
        };
        sqlx::query("UPDATE accounts SET active = $1 WHERE id = $2")
            .bind(i64::from(active))
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        if !active {
            end_sessions(&mut w, id).await?;
        }
        let shown = |on: bool| if on { "mở" } else { "khoá" };
        let detail = format!("tài khoản số {id}");
        append(
            &mut w,
            Entry {
                who: Some(who),
                at: Some(at),
                action: "trạng thái tài khoản",
                detail: &detail,
                before: Some(shown(before != 0)),
                after: Some(shown(active)),
                ..Entry::default()
            },
        )
        .await?;
        w.tx.commit().await?;
        Ok(true)
    }

    async fn create_session(
        &self,
        token_sha256: &str,
        account: i64,
        at: i64,
        expires_at: i64,
    ) -> Result<(), DbError> {
        storable("session", token_sha256)?;
        let mut w = self.begin_write().await?;
        // Expired sessions go as new ones come, so the table does not grow with logins.
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(at)
            .execute(&mut *w.tx)
            .await?;
        sqlx::query(
            "INSERT INTO sessions (token_sha256, account_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_sha256)
        .bind(account)
        .bind(at)
        .bind(expires_at)
        .execute(&mut *w.tx)
        .await?;
        w.tx.commit().await?;
        Ok(())
    }

    async fn session_account(
        &self,
        token_sha256: &str,
        now: i64,
    ) -> Result<Option<AccountRow>, DbError> {
        storable("session", token_sha256)?;
        let columns = ACCOUNT_COLUMNS
            .split(", ")
            .map(|c| format!("a.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        sqlx::query_as::<_, AccountRecord>(&format!(
            "SELECT {columns} FROM sessions s JOIN accounts a ON a.id = s.account_id \
             WHERE s.token_sha256 = $1 AND s.expires_at > $2 AND a.active = 1"
        ))
        .bind(token_sha256)
        .bind(now)
        .fetch_optional(self.pool())
        .await?
        .map(AccountRow::try_from)
        .transpose()
    }

    async fn delete_session(&self, token_sha256: &str) -> Result<(), DbError> {
        storable("session", token_sha256)?;
        let mut w = self.begin_write().await?;
        sqlx::query("DELETE FROM sessions WHERE token_sha256 = $1")
            .bind(token_sha256)
            .execute(&mut *w.tx)
            .await?;
        w.tx.commit().await?;
        Ok(())
    }

    // ---- campaigns ------------------------------------------------------------------

    async fn create_campaign(
        &self,
        new: &NewCampaign<'_>,
        who: Who<'_>,
        at: i64,
    ) -> Result<i64, DbError> {
        for (what, text) in [
            ("title", new.title),
            ("criteria id", new.criteria_id),
            ("criteria hash", new.criteria_sha256),
            ("as-of date", new.as_of),
            ("deadline", new.self_end),
            ("deadline", new.round1_end),
            ("deadline", new.explain_end),
            ("deadline", new.round2_end),
        ] {
            storable(what, text)?;
        }
        let mut w = self.begin_write().await?;
        let id = next_id(&mut w, "campaigns").await?;
        sqlx::query(
            "INSERT INTO campaigns (id, title, year, criteria_id, criteria_sha256, as_of, \
             self_end, round1_end, explain_end, round2_end, survey_sha256, published_at, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL, NULL, $11)",
        )
        .bind(id)
        .bind(new.title)
        .bind(new.year)
        .bind(new.criteria_id)
        .bind(new.criteria_sha256)
        .bind(new.as_of)
        .bind(new.self_end)
        .bind(new.round1_end)
        .bind(new.explain_end)
        .bind(new.round2_end)
        .bind(at)
        .execute(&mut *w.tx)
        .await?;
        let detail = format!(
            "{} ({}, bộ tiêu chí {})",
            new.title, new.year, new.criteria_id
        );
        append(
            &mut w,
            Entry {
                campaign: Some(id),
                who: Some(who),
                at: Some(at),
                action: "tạo đợt đánh giá",
                detail: &detail,
                ..Entry::default()
            },
        )
        .await?;
        w.tx.commit().await?;
        Ok(id)
    }

    async fn campaigns(&self) -> Result<Vec<CampaignRow>, DbError> {
        Ok(sqlx::query_as::<_, CampaignRow>(&format!(
            "SELECT {CAMPAIGN_COLUMNS} FROM campaigns ORDER BY id"
        ))
        .fetch_all(self.pool())
        .await?)
    }

    async fn campaign(&self, id: i64) -> Result<Option<CampaignRow>, DbError> {
        Ok(sqlx::query_as::<_, CampaignRow>(&format!(
            "SELECT {CAMPAIGN_COLUMNS} FROM campaigns WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }

    async fn add_campaign_unit(
        &self,
        campaign: i64,
        unit: &NewWorkspace,
        who: Who<'_>,
        at: i64,
    ) -> Result<Option<i64>, DbError> {
        let mut w = self.begin_write().await?;
        let exists = sqlx::query("SELECT id FROM campaigns WHERE id = $1")
            .bind(campaign)
            .fetch_optional(&mut *w.tx)
            .await?
            .is_some();
        let taken = sqlx::query(
            "SELECT workspace_id FROM campaign_units WHERE campaign_id = $1 AND unit_code = $2",
        )
        .bind(campaign)
        .bind(&unit.unit_code)
        .fetch_optional(&mut *w.tx)
        .await?
        .is_some();
        if !exists || taken {
            return Ok(None);
        }
        let ws = insert_workspace(&mut w, unit, at).await?;
        sqlx::query(
            "INSERT INTO campaign_units (campaign_id, unit_code, workspace_id, state) \
             VALUES ($1, $2, $3, 'drafting')",
        )
        .bind(campaign)
        .bind(&unit.unit_code)
        .bind(ws)
        .execute(&mut *w.tx)
        .await?;
        let detail = format!(
            "{} — {} (nhóm {})",
            unit.unit_code, unit.unit_name, unit.unit_group
        );
        append(
            &mut w,
            Entry {
                workspace: Some(ws),
                campaign: Some(campaign),
                who: Some(who),
                at: Some(at),
                action: "thêm đơn vị vào đợt",
                detail: &detail,
                ..Entry::default()
            },
        )
        .await?;
        w.tx.commit().await?;
        Ok(Some(ws))
    }

    async fn campaign_units(&self, campaign: i64) -> Result<Vec<CampaignUnit>, DbError> {
        let mut units = sqlx::query_as::<_, CampaignUnit>(
            "SELECT campaign_id, unit_code, workspace_id, state FROM campaign_units \
             WHERE campaign_id = $1",
        )
        .bind(campaign)
        .fetch_all(self.pool())
        .await?;
        units.sort_by(|a, b| a.unit_code.cmp(&b.unit_code));
        Ok(units)
    }

    async fn campaign_unit_of(&self, ws: i64) -> Result<Option<CampaignUnit>, DbError> {
        Ok(sqlx::query_as::<_, CampaignUnit>(
            "SELECT campaign_id, unit_code, workspace_id, state FROM campaign_units \
             WHERE workspace_id = $1",
        )
        .bind(ws)
        .fetch_optional(self.pool())
        .await?)
    }

    async fn move_unit(
        &self,
        campaign: i64,
        unit: &str,
        from: &str,
        to: &str,
        submission: Option<&NewSubmission<'_>>,
        who: Who<'_>,
        at: i64,
    ) -> Result<Saved, DbError> {
        for (what, text) in [("unit code", unit), ("state", from), ("state", to)] {
            storable(what, text)?;
        }
        if let Some(s) = submission {
            for (what, text) in [
                ("hash", s.folder_sha256),
                ("hash", s.report_sha256),
                ("fingerprint", s.fingerprint),
                ("points", s.points),
                ("index", s.score_index.unwrap_or("")),
            ] {
                storable(what, text)?;
            }
        }
        let mut w = self.begin_write().await?;
        let ws: Option<i64> = sqlx::query(
            "SELECT workspace_id FROM campaign_units \
             WHERE campaign_id = $1 AND unit_code = $2 AND state = $3",
        )
        .bind(campaign)
        .bind(unit)
        .bind(from)
        .fetch_optional(&mut *w.tx)
        .await?
        .map(|r| r.try_get("workspace_id"))
        .transpose()?;
        let Some(ws) = ws else {
            return Ok(Saved::Stale);
        };
        sqlx::query(
            "UPDATE campaign_units SET state = $1 WHERE campaign_id = $2 AND unit_code = $3",
        )
        .bind(to)
        .bind(campaign)
        .bind(unit)
        .execute(&mut *w.tx)
        .await?;
        if from == "submitted" {
            sqlx::query(
                "UPDATE submissions SET withdrawn_at = $1 WHERE id = (SELECT MAX(id) FROM \
                 submissions WHERE campaign_id = $2 AND unit_code = $3)",
            )
            .bind(at)
            .bind(campaign)
            .bind(unit)
            .execute(&mut *w.tx)
            .await?;
        }
        let mut submitted = 0;
        if let Some(s) = submission {
            submitted = next_id(&mut w, "submissions").await?;
            sqlx::query(
                "INSERT INTO submissions (id, campaign_id, unit_code, folder_sha256, \
                 report_sha256, fingerprint, points, score_index, account_id, submitted_at, \
                 withdrawn_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULL)",
            )
            .bind(submitted)
            .bind(campaign)
            .bind(unit)
            .bind(s.folder_sha256)
            .bind(s.report_sha256)
            .bind(s.fingerprint)
            .bind(s.points)
            .bind(s.score_index)
            .bind(who.account)
            .bind(at)
            .execute(&mut *w.tx)
            .await?;
        }
        let detail = match submission {
            Some(s) => format!("bản nộp số {submitted}: {} điểm", s.points),
            None => String::new(),
        };
        append(
            &mut w,
            Entry {
                workspace: Some(ws),
                campaign: Some(campaign),
                unit: Some(unit),
                who: Some(who),
                at: Some(at),
                action: "trạng thái hồ sơ",
                detail: &detail,
                before: Some(from),
                after: Some(to),
            },
        )
        .await?;
        w.tx.commit().await?;
        Ok(Saved::Yes(submitted))
    }

    async fn submissions(&self, campaign: i64, unit: &str) -> Result<Vec<SubmissionRow>, DbError> {
        storable("unit code", unit)?;
        Ok(sqlx::query_as::<_, SubmissionRow>(&format!(
            "SELECT {SUBMISSION_COLUMNS} FROM submissions \
             WHERE campaign_id = $1 AND unit_code = $2 ORDER BY id"
        ))
        .bind(campaign)
        .bind(unit)
        .fetch_all(self.pool())
        .await?)
    }

    async fn submission(&self, id: i64) -> Result<Option<SubmissionRow>, DbError> {
        Ok(sqlx::query_as::<_, SubmissionRow>(&format!(
            "SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }

    async fn save_appraisal(&self, row: &AppraisalRow, who: Who<'_>) -> Result<Saved, DbError> {
        for (what, text) in [
            ("unit code", row.unit_code.as_str()),
            ("row", &row.row_id),
            ("points", &row.points),
            ("note", &row.note),
            ("agency", &row.agency),
        ] {
            storable(what, text)?;
        }
        let mut w = self.begin_write().await?;
        let current: Option<(i64, String)> = sqlx::query_as(
            "SELECT version, points FROM appraisals WHERE campaign_id = $1 AND unit_code = $2 \
             AND row_id = $3 AND round = $4",
        )
        .bind(row.campaign_id)
        .bind(&row.unit_code)
        .bind(&row.row_id)
        .bind(row.round)
        .fetch_optional(&mut *w.tx)
        .await?;
        let (version, before) = match current {
            Some((v, p)) => (v, Some(p)),
            // A new round's points replace the round before's: that is what they change.
            None => {
                let earlier: Option<(String,)> = sqlx::query_as(
                    "SELECT points FROM appraisals WHERE campaign_id = $1 AND unit_code = $2 \
                     AND row_id = $3 AND round < $4 ORDER BY round DESC LIMIT 1",
                )
                .bind(row.campaign_id)
                .bind(&row.unit_code)
                .bind(&row.row_id)
                .bind(row.round)
                .fetch_optional(&mut *w.tx)
                .await?;
                (0, earlier.map(|(p,)| p))
            }
        };
        if version != row.version {
            return Ok(Saved::Stale);
        }
        sqlx::query(
            "DELETE FROM appraisals WHERE campaign_id = $1 AND unit_code = $2 AND row_id = $3 \
             AND round = $4",
        )
        .bind(row.campaign_id)
        .bind(&row.unit_code)
        .bind(&row.row_id)
        .bind(row.round)
        .execute(&mut *w.tx)
        .await?;
        sqlx::query(
            "INSERT INTO appraisals (campaign_id, unit_code, row_id, round, points, note, \
             agency, account_id, at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(row.campaign_id)
        .bind(&row.unit_code)
        .bind(&row.row_id)
        .bind(row.round)
        .bind(&row.points)
        .bind(&row.note)
        .bind(&row.agency)
        .bind(who.account)
        .bind(row.at)
        .bind(version + 1)
        .execute(&mut *w.tx)
        .await?;
        let ws = workspace_of(&mut w, row.campaign_id, &row.unit_code).await?;
        let detail = format!("vòng {}, dòng {}: {}", row.round, row.row_id, row.note);
        append(
            &mut w,
            Entry {
                workspace: ws,
                campaign: Some(row.campaign_id),
                unit: Some(&row.unit_code),
                who: Some(who),
                at: Some(row.at),
                action: "thẩm định",
                detail: &detail,
                before: before.as_deref(),
                after: Some(&row.points),
            },
        )
        .await?;
        w.tx.commit().await?;
        Ok(Saved::Yes(version + 1))
    }

    async fn appraisals(
        &self,
        campaign: i64,
        unit: Option<&str>,
    ) -> Result<Vec<AppraisalRow>, DbError> {
        let mut rows = sqlx::query_as::<_, AppraisalRow>(
            "SELECT campaign_id, unit_code, row_id, round, points, note, agency, account_id, at, \
             version FROM appraisals WHERE campaign_id = $1 AND ($2 IS NULL OR unit_code = $2)",
        )
        .bind(campaign)
        .bind(unit)
        .fetch_all(self.pool())
        .await?;
        rows.sort_by(|a, b| {
            (a.unit_code.as_str(), a.row_id.as_str(), a.round).cmp(&(
                b.unit_code.as_str(),
                b.row_id.as_str(),
                b.round,
            ))
        });
        Ok(rows)
    }

    async fn save_answer(&self, row: &AnswerRow, who: Who<'_>) -> Result<Saved, DbError> {
        for (what, text) in [
            ("unit code", row.unit_code.as_str()),
            ("row", &row.row_id),
            ("note", &row.note),
        ] {
            storable(what, text)?;
        }
        let documents = serde_json::to_string(&row.documents)
            .map_err(|e| DbError::Corrupt(format!("answers.documents: {e}")))?;
        let mut w = self.begin_write().await?;
        let version: i64 = sqlx::query(
            "SELECT version FROM answers WHERE campaign_id = $1 AND unit_code = $2 \
             AND row_id = $3",
        )
        .bind(row.campaign_id)
        .bind(&row.unit_code)
        .bind(&row.row_id)
        .fetch_optional(&mut *w.tx)
        .await?
        .map(|r| r.try_get("version"))
        .transpose()?
        .unwrap_or(0);
        if version != row.version {
            return Ok(Saved::Stale);
        }
        sqlx::query(
            "DELETE FROM answers WHERE campaign_id = $1 AND unit_code = $2 AND row_id = $3",
        )
        .bind(row.campaign_id)
        .bind(&row.unit_code)
        .bind(&row.row_id)
        .execute(&mut *w.tx)
        .await?;
        sqlx::query(
            "INSERT INTO answers (campaign_id, unit_code, row_id, note, documents, account_id, \
             at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(row.campaign_id)
        .bind(&row.unit_code)
        .bind(&row.row_id)
        .bind(&row.note)
        .bind(&documents)
        .bind(who.account)
        .bind(row.at)
        .bind(version + 1)
        .execute(&mut *w.tx)
        .await?;
        let ws = workspace_of(&mut w, row.campaign_id, &row.unit_code).await?;
        let detail = format!(
            "dòng {}: {} ({} tệp)",
            row.row_id,
            row.note,
            row.documents.len()
        );
        append(
            &mut w,
            Entry {
                workspace: ws,
                campaign: Some(row.campaign_id),
                unit: Some(&row.unit_code),
                who: Some(who),
                at: Some(row.at),
                action: "giải trình thẩm định",
                detail: &detail,
                ..Entry::default()
            },
        )
        .await?;
        w.tx.commit().await?;
        Ok(Saved::Yes(version + 1))
    }

    async fn answers(&self, campaign: i64, unit: &str) -> Result<Vec<AnswerRow>, DbError> {
        storable("unit code", unit)?;
        let mut rows: Vec<AnswerRow> = sqlx::query_as::<_, AnswerRecord>(
            "SELECT campaign_id, unit_code, row_id, note, documents, account_id, at, version \
             FROM answers WHERE campaign_id = $1 AND unit_code = $2",
        )
        .bind(campaign)
        .bind(unit)
        .fetch_all(self.pool())
        .await?
        .into_iter()
        .map(AnswerRow::try_from)
        .collect::<Result<_, _>>()?;
        rows.sort_by(|a, b| a.row_id.cmp(&b.row_id));
        Ok(rows)
    }

    async fn set_survey(
        &self,
        campaign: i64,
        sha256: &str,
        who: Who<'_>,
        at: i64,
    ) -> Result<bool, DbError> {
        storable("hash", sha256)?;
        let mut w = self.begin_write().await?;
        let before: Option<Option<String>> = sqlx::query_as::<_, (Option<String>,)>(
            "SELECT survey_sha256 FROM campaigns WHERE id = $1",
        )
        .bind(campaign)
        .fetch_optional(&mut *w.tx)
        .await?
        .map(|(s,)| s);
        let Some(before) = before else {
            return Ok(false);
        };
        sqlx::query("UPDATE campaigns SET survey_sha256 = $1 WHERE id = $2")
            .bind(sha256)
            .bind(campaign)
            .execute(&mut *w.tx)
            .await?;
        append(
            &mut w,
            Entry {
                campaign: Some(campaign),
                who: Some(who),
                at: Some(at),
                action: "kết quả điều tra xã hội học",
                detail: "survey.csv",
                before: before.as_deref(),
                after: Some(sha256),
                ..Entry::default()
            },
        )
        .await?;
        w.tx.commit().await?;
        Ok(true)
    }

    async fn publish(&self, campaign: i64, who: Who<'_>, at: i64) -> Result<bool, DbError> {
        let mut w = self.begin_write().await?;
        let published: Option<Option<i64>> =
            sqlx::query_as::<_, (Option<i64>,)>("SELECT published_at FROM campaigns WHERE id = $1")
                .bind(campaign)
                .fetch_optional(&mut *w.tx)
                .await?
                .map(|(p,)| p);
        match published {
            None => return Ok(false),
            Some(Some(_)) => return Ok(true),
            Some(None) => {}
        }
        sqlx::query("UPDATE campaigns SET published_at = $1 WHERE id = $2")
            .bind(at)
            .bind(campaign)
            .execute(&mut *w.tx)
            .await?;
        append(
            &mut w,
            Entry {
                campaign: Some(campaign),
                who: Some(who),
                at: Some(at),
                action: "công bố kết quả",
                detail: "",
                ..Entry::default()
            },
        )
        .await?;
        w.tx.commit().await?;
        Ok(true)
    }
}

/// A new workspace (revision 0: the caller records its creation), in the writing
/// transaction; its id.
async fn insert_workspace(w: &mut Write<'_>, new: &NewWorkspace, at: i64) -> Result<i64, DbError> {
    for (what, text) in [
        ("unit code", &new.unit_code),
        ("unit name", &new.unit_name),
        ("unit group", &new.unit_group),
        ("criteria id", &new.criteria_id),
        ("criteria hash", &new.criteria_sha256),
    ] {
        storable(what, text)?;
    }
    let id = next_id(w, "workspaces").await?;
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
    .bind(at)
    .execute(&mut *w.tx)
    .await?;
    Ok(id)
}

/// The workspace of a campaign's unit, in the writing transaction.
async fn workspace_of(
    w: &mut Write<'_>,
    campaign: i64,
    unit: &str,
) -> Result<Option<i64>, DbError> {
    Ok(sqlx::query(
        "SELECT workspace_id FROM campaign_units WHERE campaign_id = $1 AND unit_code = $2",
    )
    .bind(campaign)
    .bind(unit)
    .fetch_optional(&mut *w.tx)
    .await?
    .map(|r| r.try_get("workspace_id"))
    .transpose()?)
}

/// Ends every session of an account, in the writing transaction.
async fn end_sessions(w: &mut Write<'_>, account: i64) -> Result<(), DbError> {
    sqlx::query("DELETE FROM sessions WHERE account_id = $1")
        .bind(account)
        .execute(&mut *w.tx)
        .await?;
    Ok(())
}
