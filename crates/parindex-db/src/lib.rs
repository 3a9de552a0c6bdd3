//! # parindex-db
//!
//! The web app's storage as a trait: the rows it keeps (workspaces, file versions, facts,
//! notes, attachments, criteria sets, the history) and [`Database`], every operation the
//! server does on them. One crate per engine implements it: `parindex-db-sqlite` (the
//! embedded default, a file in the data folder) and `parindex-db-postgres` (the province's
//! deployment). Both run the migrations of this crate's `migrations/` and the same SQL,
//! from one source file (`shared/database.rs`, compiled into each backend), so that they
//! behave alike; `conformance` (a module under the feature `conformance`) is the one set of expectations every
//! backend is tested against.
//!
//! The files themselves (evidence, attachments, criteria sets) are not in the database: they
//! are content-addressed blobs on disk beside it, kept by the server, and the rows name them
//! by SHA-256.
//!
//! ## Writes
//!
//! Every write is one transaction that also appends to the history and bumps the
//! workspace's `revision`, so a revision names a state. Ids are `MAX(id) + 1` inside that
//! transaction, so writes are serialised: each backend takes a lock that covers every
//! process using the database before it reads anything (SQLite: `BEGIN IMMEDIATE`, the
//! file's write lock; PostgreSQL: a transaction-scoped advisory lock at READ COMMITTED), and
//! a process-wide mutex in front of it so that waiting writers hold no pooled connection.
//! A save that names the version it edits ([`Saved::Stale`]) is checked inside that
//! transaction.

#[cfg(feature = "conformance")]
pub mod conformance;

use std::time::{SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use sha2::{Digest, Sha256};

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
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// A new version of an evidence file (its bytes are the blob `sha256`).
#[derive(Debug, Clone, Copy)]
pub struct NewFile<'a> {
    /// The table it is, or the workbook read for its sheets.
    pub slot: &'a str,
    /// Its name in the evidence folder.
    pub stored_name: &'a str,
    /// The name it was uploaded under, as shown.
    pub display_name: &'a str,
    pub sha256: &'a str,
    pub size: i64,
}

/// The outcome of a save that names the version it edits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// Saved; the new version.
    Yes(i64),
    /// Someone saved the row since the form was opened: nothing written.
    Stale,
}

/// Why a database operation failed.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The engine or the connection.
    #[error("{0}")]
    Sql(#[from] sqlx::Error),
    /// Applying the migrations.
    #[error("migrate: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value the application cannot read back.
    #[error("{0}")]
    Corrupt(String),
    /// A text holding U+0000, which PostgreSQL cannot store: refused by every backend alike.
    #[error("the {0} holds the character U+0000")]
    NulInText(&'static str),
    /// A database address this build cannot open.
    #[error("{0}")]
    Address(String),
}

/// The storage the web app runs on. Every method is one statement or one transaction;
/// writes are serialised across every process using the database (see the crate's docs).
/// Lists come back in a fixed order decided by the application, not by the engine's
/// collation (byte order of the UTF-8 text, as Rust's `str` orders).
#[async_trait]
pub trait Database: Send + Sync + std::fmt::Debug {
    /// `"sqlite"` or `"postgres"`.
    fn engine(&self) -> &'static str;

    // ---- workspaces -----------------------------------------------------------------

    /// A new workspace (revision 1: its creation is its first history entry); its id.
    async fn create_workspace(&self, new: &NewWorkspace) -> Result<i64, DbError>;

    /// Every workspace, by id.
    async fn workspaces(&self) -> Result<Vec<Workspace>, DbError>;

    async fn workspace(&self, id: i64) -> Result<Option<Workspace>, DbError>;

    /// Changes the unit's fields (`unit.toml`).
    async fn set_unit(&self, ws: i64, code: &str, name: &str, group: &str) -> Result<(), DbError>;

    /// Part 3 of the report, saved only over the version the form was opened at.
    async fn set_proposals(
        &self,
        ws: i64,
        text: Option<&str>,
        version: i64,
    ) -> Result<Saved, DbError>;

    // ---- files ----------------------------------------------------------------------

    /// Every version of every file: by slot, newest first within a slot.
    async fn files(&self, ws: i64) -> Result<Vec<FileVersion>, DbError>;

    /// A new version of a slot's file, made the active one; its version number.
    async fn add_file(&self, ws: i64, file: &NewFile<'_>) -> Result<i64, DbError>;

    /// Makes a kept version its slot's active file again; `None` (nothing written) when the
    /// workspace has no such version.
    async fn restore_file(&self, ws: i64, file_id: i64) -> Result<Option<FileVersion>, DbError>;

    // ---- facts ----------------------------------------------------------------------

    /// facts.toml, by name.
    async fn facts(&self, ws: i64) -> Result<Vec<FactRow>, DbError>;

    /// Replaces the whole of facts.toml. With `expected`, only over the facts of that
    /// [`facts_digest`] (the form's): else nothing is written.
    async fn set_facts(
        &self,
        ws: i64,
        facts: &[FactRow],
        why: &str,
        expected: Option<&str>,
    ) -> Result<Saved, DbError>;

    // ---- notes ----------------------------------------------------------------------

    /// notes.toml, by row.
    async fn notes(&self, ws: i64) -> Result<Vec<NoteRow>, DbError>;

    /// Saves a row's note over the version it names (0: none yet); a stale version writes
    /// nothing.
    async fn save_note(&self, ws: i64, note: &NoteRow) -> Result<Saved, DbError>;

    /// Replaces every note and part 3 (an uploaded notes.toml): every row's version and the
    /// proposals' move on, so a form opened before is refused.
    async fn replace_notes(
        &self,
        ws: i64,
        notes: &[NoteRow],
        proposals: Option<&str>,
    ) -> Result<(), DbError>;

    // ---- attachments ----------------------------------------------------------------

    /// The TLKC files, by row then id.
    async fn attachments(&self, ws: i64) -> Result<Vec<Attachment>, DbError>;

    /// Attaches a blob to a row; the attachment's id.
    async fn add_attachment(
        &self,
        ws: i64,
        row_id: &str,
        display_name: &str,
        sha256: &str,
        size: i64,
    ) -> Result<i64, DbError>;

    // ---- criteria sets --------------------------------------------------------------

    /// The uploaded criteria sets' hashes, oldest first.
    async fn criteria_sets(&self) -> Result<Vec<String>, DbError>;

    /// Records an uploaded set (once per hash).
    async fn add_criteria_set(
        &self,
        sha256: &str,
        set_id: &str,
        title: &str,
        year: i64,
    ) -> Result<(), DbError>;

    // ---- history --------------------------------------------------------------------

    /// The workspace's history, newest first.
    async fn history(&self, ws: i64) -> Result<Vec<HistoryEntry>, DbError>;
}

/// Now, in Unix seconds.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
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
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Refuses a text PostgreSQL could not store, on every backend alike.
pub fn storable(what: &'static str, text: &str) -> Result<(), DbError> {
    if text.contains('\u{0}') {
        Err(DbError::NulInText(what))
    } else {
        Ok(())
    }
}
