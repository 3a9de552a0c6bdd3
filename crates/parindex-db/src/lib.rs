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
    /// The date it is scored at (ISO), when the officer chose one.
    pub as_of: Option<String>,
    /// The encoding its text exports are read in, when the officer chose one.
    pub encoding: Option<String>,
    /// When the officer put it away (Unix seconds): listed apart, everything kept.
    pub archived_at: Option<i64>,
}

/// A setting of how a workspace is read, as `parindex score`'s options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// `--as-of`: an ISO date.
    AsOf,
    /// `--encoding`: an encoding's name.
    Encoding,
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

/// One line of the append-only history: who, when, what, before → after.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HistoryEntry {
    pub id: i64,
    pub at: i64,
    pub action: String,
    pub detail: String,
    /// The workspace it changed, if any (a campaign's or an account's change has none).
    pub workspace_id: Option<i64>,
    /// The campaign it belongs to, if any.
    pub campaign_id: Option<i64>,
    /// The unit it concerns, if any.
    pub unit_code: Option<String>,
    /// The account's login; `None` for the app on the officer's own PC (no accounts).
    pub actor: Option<String>,
    /// The value before and after, where one value changed.
    pub before_value: Option<String>,
    pub after_value: Option<String>,
}

/// Who makes the writes of one request, and when (the server's clock): the author and time
/// the history records for every write made inside [`acting`] that does not name its own.
/// Set once, where the server learns who asks, so that no write can forget it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acting {
    /// The account's login; `None` on the officer's own app.
    pub login: Option<String>,
    pub at: i64,
}

tokio::task_local! {
    static ACTING: Acting;
}

/// Runs `f` with its writes made by `who`.
pub async fn acting<F: std::future::Future>(who: Acting, f: F) -> F::Output {
    ACTING.scope(who, f).await
}

/// Who is acting in this task, if [`acting`] said.
pub fn current_acting() -> Option<Acting> {
    ACTING.try_with(Clone::clone).ok()
}

/// Who makes a change, as the history records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Who<'a> {
    pub account: i64,
    pub login: &'a str,
}

/// A new account.
#[derive(Debug, Clone, Copy)]
pub struct NewAccount<'a> {
    pub login: &'a str,
    pub display_name: &'a str,
    /// An argon2id PHC string (`parindex_campaign::password::hash`).
    pub password_hash: &'a str,
    /// `parindex_campaign::Role::as_str`.
    pub role: &'a str,
    /// An officer's or a leader's unit.
    pub unit_code: Option<&'a str>,
    /// An appraiser's agency name (`Sở Tư pháp`).
    pub agency: Option<&'a str>,
    /// An appraiser's fields (top-level criteria ids).
    pub fields: &'a [String],
}

/// An account, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub id: i64,
    pub login: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub unit_code: Option<String>,
    pub agency: Option<String>,
    pub fields: Vec<String>,
    pub active: bool,
    pub created_at: i64,
}

/// A new campaign: dates are ISO `yyyy-mm-dd`.
#[derive(Debug, Clone, Copy)]
pub struct NewCampaign<'a> {
    pub title: &'a str,
    pub year: i64,
    pub criteria_id: &'a str,
    pub criteria_sha256: &'a str,
    pub as_of: &'a str,
    pub self_end: &'a str,
    pub round1_end: &'a str,
    pub explain_end: &'a str,
    pub round2_end: &'a str,
}

/// A campaign, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CampaignRow {
    pub id: i64,
    pub title: String,
    pub year: i64,
    pub criteria_id: String,
    pub criteria_sha256: String,
    pub as_of: String,
    pub self_end: String,
    pub round1_end: String,
    pub explain_end: String,
    pub round2_end: String,
    /// The province's `survey.csv` (a blob), once uploaded.
    pub survey_sha256: Option<String>,
    pub published_at: Option<i64>,
    pub created_at: i64,
}

/// A unit of a campaign: its workspace and its submission's state
/// (`parindex_campaign::State::as_str`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CampaignUnit {
    pub campaign_id: i64,
    pub unit_code: String,
    pub workspace_id: i64,
    pub state: String,
}

/// What a submission keeps: an immutable snapshot, as blobs.
#[derive(Debug, Clone, Copy)]
pub struct NewSubmission<'a> {
    /// The evidence folder as a zip (what `parindex verify` replays).
    pub folder_sha256: &'a str,
    /// The report's JSON.
    pub report_sha256: &'a str,
    /// The report's fingerprint digest (its inputs).
    pub fingerprint: &'a str,
    /// The total points and the index, as the JSON writes them.
    pub points: &'a str,
    pub score_index: Option<&'a str>,
}

/// A submission, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SubmissionRow {
    pub id: i64,
    pub campaign_id: i64,
    pub unit_code: String,
    pub folder_sha256: String,
    pub report_sha256: String,
    pub fingerprint: String,
    pub points: String,
    pub score_index: Option<String>,
    pub account_id: i64,
    pub submitted_at: i64,
    /// When the leader withdrew it for editing, if she did.
    pub withdrawn_at: Option<i64>,
}

/// An appraiser's points on one row of one unit in one round.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AppraisalRow {
    pub campaign_id: i64,
    pub unit_code: String,
    pub row_id: String,
    pub round: i64,
    /// As the library writes decimals (`1.5`).
    pub points: String,
    pub note: String,
    pub agency: String,
    pub account_id: i64,
    pub at: i64,
    /// Bumped on every save; a save names the version it edits (0: none yet).
    pub version: i64,
}

/// A TLKC file a unit adds to its answer (a blob).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AnswerDocument {
    pub display_name: String,
    pub sha256: String,
    pub size: i64,
}

/// A unit's answer to a row's round-1 points, in the explanation window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRow {
    pub campaign_id: i64,
    pub unit_code: String,
    pub row_id: String,
    pub note: String,
    pub documents: Vec<AnswerDocument>,
    pub account_id: i64,
    pub at: i64,
    /// As [`AppraisalRow::version`].
    pub version: i64,
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

    /// Puts the workspace away (`true`: archived now) or back on the list, in its history;
    /// nothing else changes. Setting what already holds changes nothing.
    async fn set_archived(&self, ws: i64, archived: bool) -> Result<(), DbError>;

    /// A setting of how the workspace is read (`None`: the default — 31/12 of the set's
    /// year, auto-detected encoding).
    async fn set_reading(
        &self,
        ws: i64,
        setting: Reading,
        value: Option<&str>,
    ) -> Result<(), DbError>;

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

    /// New versions of slots' files, each made its slot's active one, in one transaction
    /// (an upload's tables are kept together or not at all); their version numbers, in order.
    async fn add_files(&self, ws: i64, files: &[NewFile<'_>]) -> Result<Vec<i64>, DbError>;

    /// [`Self::add_files`] of one file; its version number.
    async fn add_file(&self, ws: i64, file: &NewFile<'_>) -> Result<i64, DbError> {
        let versions = self.add_files(ws, std::slice::from_ref(file)).await?;
        versions
            .first()
            .copied()
            .ok_or_else(|| DbError::Corrupt("add_files gave no version".to_owned()))
    }

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

    /// Takes the attachment `id` off its row of workspace `ws` (an officer's mistake), the
    /// change in the history; its file stays in the store, as every version does. The
    /// attachment taken off, or `None` when the workspace has no attachment `id`.
    async fn remove_attachment(&self, ws: i64, id: i64) -> Result<Option<Attachment>, DbError>;

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

    /// Every entry of the history, the province's and every workspace's, newest first.
    async fn province_history(&self) -> Result<Vec<HistoryEntry>, DbError>;

    // ---- accounts and sessions (the province's server) ------------------------------
    //
    // Each write below takes who makes it and when (the server's injected clock), and
    // appends one history entry in its transaction.

    /// How many accounts exist: with none, the server runs as the officer's own app.
    async fn account_count(&self) -> Result<i64, DbError>;

    /// Every account, by id.
    async fn accounts(&self) -> Result<Vec<AccountRow>, DbError>;

    async fn account(&self, id: i64) -> Result<Option<AccountRow>, DbError>;

    /// The account of a login name (exactly as written).
    async fn account_by_login(&self, login: &str) -> Result<Option<AccountRow>, DbError>;

    /// A new account, active; `None` (nothing written) when the login is taken. `who` is
    /// `None` for the first administrator, made from the command line.
    async fn create_account(
        &self,
        new: &NewAccount<'_>,
        who: Option<Who<'_>>,
        at: i64,
    ) -> Result<Option<i64>, DbError>;

    /// Replaces an account's password hash and ends its sessions; `false` when there is no
    /// such account.
    async fn set_password(
        &self,
        id: i64,
        password_hash: &str,
        who: Who<'_>,
        at: i64,
    ) -> Result<bool, DbError>;

    /// Opens or closes an account (a closed one cannot sign in; its sessions end); `false`
    /// when there is no such account.
    async fn set_account_active(
        &self,
        id: i64,
        active: bool,
        who: Who<'_>,
        at: i64,
    ) -> Result<bool, DbError>;

    /// A session: the SHA-256 of its token, never the token.
    async fn create_session(
        &self,
        token_sha256: &str,
        account: i64,
        at: i64,
        expires_at: i64,
    ) -> Result<(), DbError>;

    /// The active account of an unexpired session.
    async fn session_account(
        &self,
        token_sha256: &str,
        now: i64,
    ) -> Result<Option<AccountRow>, DbError>;

    /// Ends a session (signing out).
    async fn delete_session(&self, token_sha256: &str) -> Result<(), DbError>;

    // ---- campaigns ------------------------------------------------------------------

    async fn create_campaign(
        &self,
        new: &NewCampaign<'_>,
        who: Who<'_>,
        at: i64,
    ) -> Result<i64, DbError>;

    /// Every campaign, by id.
    async fn campaigns(&self) -> Result<Vec<CampaignRow>, DbError>;

    async fn campaign(&self, id: i64) -> Result<Option<CampaignRow>, DbError>;

    /// A unit joins a campaign with a new workspace of its own (state `drafting`), in one
    /// transaction; the workspace's id, or `None` (nothing written) when the campaign has
    /// the unit's code already or does not exist.
    async fn add_campaign_unit(
        &self,
        campaign: i64,
        unit: &NewWorkspace,
        who: Who<'_>,
        at: i64,
    ) -> Result<Option<i64>, DbError>;

    /// The campaign's units, by code (byte order).
    async fn campaign_units(&self, campaign: i64) -> Result<Vec<CampaignUnit>, DbError>;

    /// The campaign unit a workspace is, if it is one.
    async fn campaign_unit_of(&self, ws: i64) -> Result<Option<CampaignUnit>, DbError>;

    /// Moves a unit's state from `from` to `to`, only if it is at `from` (else
    /// [`Saved::Stale`], nothing written). With `submission`, the snapshot is recorded in
    /// the same transaction; leaving `submitted` marks the latest submission withdrawn.
    /// [`Saved::Yes`] carries the new submission's id (0 without one).
    #[allow(clippy::too_many_arguments)]
    async fn move_unit(
        &self,
        campaign: i64,
        unit: &str,
        from: &str,
        to: &str,
        submission: Option<&NewSubmission<'_>>,
        who: Who<'_>,
        at: i64,
    ) -> Result<Saved, DbError>;

    /// A unit's submissions, oldest first.
    async fn submissions(&self, campaign: i64, unit: &str) -> Result<Vec<SubmissionRow>, DbError>;

    async fn submission(&self, id: i64) -> Result<Option<SubmissionRow>, DbError>;

    /// Saves a row's points in a round over the version `row.version` names (0: none yet);
    /// `row.account_id`, `row.at` are who and when. Stale: nothing written.
    async fn save_appraisal(&self, row: &AppraisalRow, who: Who<'_>) -> Result<Saved, DbError>;

    /// The campaign's appraisals (of one unit, or all), by unit, row, round.
    async fn appraisals(
        &self,
        campaign: i64,
        unit: Option<&str>,
    ) -> Result<Vec<AppraisalRow>, DbError>;

    /// Saves a unit's answer to a row over the version `row.version` names.
    async fn save_answer(&self, row: &AnswerRow, who: Who<'_>) -> Result<Saved, DbError>;

    /// A unit's answers, by row.
    async fn answers(&self, campaign: i64, unit: &str) -> Result<Vec<AnswerRow>, DbError>;

    /// Records the province's survey results (a blob) for the campaign; `false` when there
    /// is no such campaign.
    async fn set_survey(
        &self,
        campaign: i64,
        sha256: &str,
        who: Who<'_>,
        at: i64,
    ) -> Result<bool, DbError>;

    /// Publishes the campaign's ranking (once: a second call changes nothing); `false`
    /// when there is no such campaign.
    async fn publish(&self, campaign: i64, who: Who<'_>, at: i64) -> Result<bool, DbError>;
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
