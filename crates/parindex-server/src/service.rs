//! What the officer can do, once, for both the pages and the JSON API: every handler of either
//! calls these, with the same checks.
//!
//! Every check of an input is the library's: an upload, a fact, a note is tried in the
//! workspace's evidence folder (`FolderFiles`, the upload read where it was received) with
//! `CompiledCriteria::read_and_score`, and refused with the library's diagnostics when it reads
//! badly. Scores are `CompiledCriteria::score` of the workspace's
//! folder, cached by what they were computed from (the set and every file of the folder).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};

use axum::body::Bytes;
use parindex_core::compare::Comparison;
use parindex_core::criteria::CriteriaSet;
use parindex_core::evidence::{
    fold_header, ReadAhead, Source, TextEncoding, TEXT_EXTENSIONS, WORKBOOK_EXTENSIONS,
};
use parindex_core::explain::RecordTable;
use parindex_core::visible::visible;
use parindex_core::{
    load_criteria, CompiledCriteria, Error, Evidence, FsFiles, ReadOptions, Report,
};
use parindex_render::RenderOptions;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::error::{AppError, Problem};
use crate::folder::{literal_value, Content, FolderFiles, NotesToml, Snapshot};
use crate::recent::Recent;
use crate::store::{
    open_database, Blobs, FactRow, NewFile, NewWorkspace, NoteDocument, NoteRow, Saved, Workspace,
};
use parindex_db::{Database, Reading};

/// The criteria sets shipped in the binary: id, `criteria.toml`, and its cases
/// (`cases/*.cases`, by file name, embedded by the build script).
type Shipped = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);
const SHIPPED: &[Shipped] = &[(
    "nghe-an-2026-so",
    include_str!("../../../criteria/nghe-an-2026-so/criteria.toml"),
    include!(concat!(env!("OUT_DIR"), "/shipped_cases.rs")),
)];

/// The set a form that names none is scored with: the first shipped.
pub const SHIPPED_SET: &str = SHIPPED[0].0;

/// Bounds on what one request may bring.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// One request's body (every file of an upload together).
    pub request_bytes: usize,
    /// One TLKC attachment.
    pub attachment_bytes: usize,
    /// Files in one upload.
    pub files_per_upload: usize,
    /// A table's export is read by the library while it arrives once this many bytes of it
    /// have come ([`UploadReading`]); a smaller one is read after the body, with the folder.
    pub read_ahead_bytes: usize,
    /// Workspaces whose last score and tables read are kept in memory ([`Recent`]): the
    /// least recently used beyond them is read from its files again when next asked.
    pub workspaces_in_memory: usize,
    /// Campaigns whose last consolidation (every unit's final report and the ranking) is kept
    /// in memory ([`Recent`]): the least recently used beyond them is computed again when
    /// next asked.
    pub campaigns_in_memory: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            request_bytes: 256 << 20,
            attachment_bytes: 20 << 20,
            files_per_upload: 64,
            read_ahead_bytes: 4 << 20,
            workspaces_in_memory: 64,
            campaigns_in_memory: 8,
        }
    }
}

/// A criteria set the app can score with.
#[derive(Debug)]
pub struct CriteriaEntry {
    pub id: String,
    pub title: String,
    pub year: i32,
    pub sha256: String,
    pub compiled: CompiledCriteria,
    /// The facts its rules name, in order of first use.
    pub facts: Vec<String>,
    /// Shipped in the binary (else uploaded).
    pub shipped: bool,
    /// Its cases run, once, when first asked ([`Self::cases`]).
    cases: std::sync::OnceLock<CasesRun>,
}

/// A criteria set's cases (`cases/*.cases` in its folder) run as `parindex test` runs them.
#[derive(Debug, Clone, Default)]
pub struct CasesRun {
    pub passed: usize,
    pub failed: Vec<parindex_core::cases::CaseResult>,
    /// Why the cases could not be read (a malformed file), as the library says it.
    pub problems: Vec<Problem>,
}

impl CriteriaEntry {
    pub fn set(&self) -> &CriteriaSet {
        self.compiled.criteria()
    }

    /// Its cases run, the first time on the calling thread (a few hundred take ~0.1 s): call
    /// it from a blocking thread.
    pub fn cases(&self) -> &CasesRun {
        self.cases.get_or_init(|| {
            let dir = self.set().path.parent().unwrap_or(Path::new(""));
            match parindex_core::cases::read_cases(&parindex_core::FsFiles, dir) {
                Err(e) => CasesRun {
                    problems: problems_of(&e),
                    ..CasesRun::default()
                },
                Ok(file) => {
                    let (passed, failed): (Vec<_>, Vec<_>) =
                        parindex_core::cases::run_cases(&self.compiled, &file)
                            .into_iter()
                            .partition(parindex_core::cases::CaseResult::passed);
                    CasesRun {
                        passed: passed.len(),
                        failed,
                        problems: Vec::new(),
                    }
                }
            }
        })
    }
}

/// A workspace scored: the report and what was read, or why it could not be read.
#[derive(Debug)]
pub struct Scored {
    /// What it was computed from (see `App::key`).
    pub key: String,
    pub outcome: Result<ScoredReport, Failed>,
}

/// Why a folder could not be read.
#[derive(Debug)]
pub struct Failed {
    pub error: Error,
    pub problems: Vec<Problem>,
}

#[derive(Debug)]
pub struct ScoredReport {
    pub report: Report,
    pub json: String,
    pub sources: Vec<Source>,
    /// The tables the folder holds (with or without records).
    pub tables: BTreeSet<String>,
}

impl Scored {
    /// The report of a workspace [`App::report`] gave (its folder read, so never the error).
    pub fn ready(&self) -> Result<&ScoredReport, AppError> {
        self.outcome
            .as_ref()
            .map_err(|_| AppError::Internal("báo cáo".to_owned()))
    }
}

impl ScoredReport {
    /// Part 3, as the CLI renders it: notes.toml's.
    pub fn render_options(&self) -> RenderOptions {
        RenderOptions {
            proposals: self.report.proposals.clone(),
        }
    }
}

/// One table the set reads, and how the workspace stands on it.
#[derive(Debug, Clone, Serialize)]
pub struct TableState {
    pub name: String,
    pub title: String,
    pub file: String,
    /// `present`, `empty` or `missing`.
    pub state: &'static str,
    pub records: Option<usize>,
    pub source: Option<String>,
    pub ignored_columns: Vec<String>,
    /// Rows that read the table (left without evidence when it is missing).
    pub rows: Vec<String>,
}

impl TableState {
    /// The count of records as the page shows it, thousands grouped (`1.000.000`).
    pub fn records_vi(&self) -> Option<String> {
        self.records.map(parindex_core::num::vi_count)
    }
}

/// A file of an upload as the server received it.
#[derive(Debug)]
pub enum Received {
    /// Held in memory: the officer's own files (`unit.toml`, …), a zip's entries.
    Memory(Bytes),
    /// Written to the store's temporary folder as it arrived, not synced yet (`size` bytes):
    /// a table's export, read from there as `parindex score` reads a folder's file, and made
    /// durable only when it is kept.
    Spooled {
        file: tempfile::NamedTempFile,
        size: u64,
    },
}

impl Received {
    fn len(&self) -> u64 {
        match self {
            Received::Memory(b) => b.len() as u64,
            Received::Spooled { size, .. } => *size,
        }
    }

    /// The whole content, read back when spooled.
    fn bytes(&self) -> Result<Bytes, AppError> {
        match self {
            Received::Memory(b) => Ok(b.clone()),
            Received::Spooled { file, .. } => std::fs::read(file.path())
                .map(Bytes::from)
                .map_err(|e| AppError::Internal(format!("đọc tệp tải lên: {e}"))),
        }
    }
}

/// Where a file being tried (not stored yet) is read from.
#[derive(Debug, Clone)]
enum Trying {
    Memory(Bytes),
    /// A received file in the store's temporary folder.
    File(std::path::PathBuf),
}

impl Trying {
    /// Its SHA-256, when the reading did not give it.
    fn sha256(&self) -> Result<String, AppError> {
        Ok(match self {
            Trying::Memory(b) => parindex_core::fingerprint::sha256_hex(b),
            Trying::File(path) => parindex_core::fingerprint::sha256_hex(
                &std::fs::read(path)
                    .map_err(|e| AppError::Internal(format!("đọc tệp tải lên: {e}")))?,
            ),
        })
    }
}

/// The files of one upload, as they were received, and the tables read while they arrived.
#[derive(Debug)]
pub struct Upload {
    pub files: Vec<(String, Received)>,
    pub ahead: Option<ReadAhead>,
}

impl Upload {
    /// Files nothing was read ahead of (an imported folder's).
    pub fn of(files: Vec<(String, Received)>) -> Self {
        Self { files, ahead: None }
    }
}

/// An upload's tables read while its body arrives. A table's text export, once
/// [`Limits::read_ahead_bytes`] of it have come, is handed piece by piece to the library
/// ([`ReadAhead`]) on a blocking thread as well as to the store's writer, and read there as the
/// workspace's reading will read it: for what that reading is expected to ask, learnt from the
/// folder as the upload will leave it (the workspace's files, with the upload's tables received
/// so far in their place). The upload's reading takes it instead of reading the file again
/// once the whole body is in; when the upload changes what the rules ask of it (facts sent
/// after it, a table more), the reading reads the file as before. The score is the same
/// either way: only the time differs.
pub struct UploadReading {
    app: Arc<App>,
    ws: i64,
    /// The workspace's set, read at the first table (`Some(None)`: none, nothing is read
    /// ahead).
    set: Option<Option<Arc<CriteriaEntry>>>,
    /// The workspace as it stands, read once when a first table is read ahead.
    snapshot: Option<Option<Snapshot>>,
    /// The upload's tables so far: (slot, name in the folder).
    tables: Vec<(String, String)>,
    reading: Vec<tokio::task::JoinHandle<Option<ReadAhead>>>,
}

/// One table's export arriving: held until it is large enough to read ahead, then fed.
#[derive(Debug)]
pub struct TableArriving {
    table: String,
    stored_name: String,
    held: Vec<Bytes>,
    held_bytes: usize,
    feed: Option<tokio::sync::mpsc::Sender<Bytes>>,
    /// Not read ahead: not a text export, too small yet, or the reading gave up.
    off: bool,
}

impl std::fmt::Debug for UploadReading {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UploadReading")
            .field("ws", &self.ws)
            .field("tables", &self.tables)
            .field("reading", &self.reading.len())
            .finish_non_exhaustive()
    }
}

impl UploadReading {
    /// A file of the upload starts arriving, under the name the browser gave: a table's
    /// export is noted (the folder later tables are expected in has it), and returned to be
    /// fed when it is a text file.
    pub async fn arriving(&mut self, raw_name: &str) -> Option<TableArriving> {
        let lower = lower_name(raw_name);
        if self.set.is_none() {
            let ws = self.app.workspace(self.ws).await.ok();
            self.set = Some(ws.and_then(|ws| self.app.set_of(&ws).ok()));
        }
        let set = self.set.as_ref().and_then(Option::as_ref)?;
        let (slot, stored_name, _) = classify(set, &lower).ok()?;
        self.tables.retain(|(s, _)| *s != slot);
        self.tables.push((slot.clone(), stored_name.clone()));
        let text = Path::new(&stored_name)
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| TEXT_EXTENSIONS.contains(&e));
        Some(TableArriving {
            table: slot,
            stored_name,
            held: Vec::new(),
            held_bytes: 0,
            feed: None,
            off: !text,
        })
    }

    /// A piece of `table`'s export has arrived.
    pub async fn piece(&mut self, table: &mut TableArriving, piece: &Bytes) {
        if table.off {
            return;
        }
        if let Some(feed) = &table.feed {
            if feed.send(piece.clone()).await.is_err() {
                // The reading stopped (not UTF-8 text): the rest is read with the folder.
                table.feed = None;
                table.off = true;
            }
            return;
        }
        table.held.push(piece.clone());
        table.held_bytes += piece.len();
        if table.held_bytes >= self.app.limits.read_ahead_bytes {
            self.start(table).await;
        }
    }

    /// Starts reading `table` ahead, with what has arrived of it so far.
    async fn start(&mut self, table: &mut TableArriving) {
        if self.snapshot.is_none() {
            self.snapshot = Some(self.app.snapshot(self.ws).await.ok());
        }
        let (Some(Some(snap)), Some(Some(set))) = (&self.snapshot, &self.set) else {
            table.off = true;
            return;
        };
        // The folder as the upload leaves it so far: its tables in their slots' place (their
        // content is not read to learn what the rules ask, only that they are there).
        let mut snap = snap.clone();
        snap.files
            .retain(|f| !self.tables.iter().any(|(slot, _)| *slot == f.slot));
        let placeholders: Vec<(String, Trying)> = self
            .tables
            .iter()
            .map(|(_, name)| (name.clone(), Trying::Memory(Bytes::new())))
            .collect();
        let folder = snap
            .contents(false)
            .and_then(|contents| self.app.folder_of(contents, &placeholders));
        let (Ok(folder), Ok(as_of)) = (folder, as_of_of(set, &snap)) else {
            table.off = true;
            return;
        };
        let (feed, pieces) = tokio::sync::mpsc::channel::<Bytes>(16);
        let set = Arc::clone(set);
        let encoding = snap.encoding;
        let (name, path) = (
            table.table.clone(),
            FolderFiles::root().join(&table.stored_name),
        );
        let app = Arc::clone(&self.app);
        self.reading.push(tokio::task::spawn_blocking(move || {
            let options = read_options(encoding, None);
            let ahead = set
                .compiled
                .read_ahead(&folder, FolderFiles::root(), as_of, &options)
                .ok()?;
            let mut reader = Pieces {
                arriving: pieces,
                piece: Bytes::new(),
            };
            let read = ahead.read(&name, &path, &mut reader, u64::MAX, &options);
            // Taken only when it read every piece of the file (its hash is the file's).
            let whole = reader.piece.is_empty() && reader.arriving.blocking_recv().is_none();
            (matches!(read, Ok(true)) && whole).then(|| {
                app.read_ahead
                    .read
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                ahead
            })
        }));
        for piece in std::mem::take(&mut table.held) {
            if feed.send(piece).await.is_err() {
                table.off = true;
                return;
            }
        }
        table.feed = Some(feed);
    }

    /// The tables read ahead, once every reading has ended (the body is in: each has had
    /// its last piece).
    pub async fn finish(self) -> Option<ReadAhead> {
        let mut all: Option<ReadAhead> = None;
        for reading in self.reading {
            let Ok(Some(ahead)) = reading.await else {
                continue;
            };
            match &all {
                Some(first) => first.absorb(ahead),
                None => all = Some(ahead),
            }
        }
        all
    }
}

/// The pieces of an export as they arrive, read as a file: the end of the pieces (their
/// sender dropped) is the end of the file.
struct Pieces {
    arriving: tokio::sync::mpsc::Receiver<Bytes>,
    piece: Bytes,
}

impl std::io::Read for Pieces {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.piece.is_empty() {
            match self.arriving.blocking_recv() {
                Some(piece) => self.piece = piece,
                None => return Ok(0),
            }
        }
        let n = buf.len().min(self.piece.len());
        buf[..n].copy_from_slice(&self.piece.split_to(n));
        Ok(n)
    }
}

/// What became of each file of an upload.
#[derive(Debug, Clone, Serialize)]
pub struct UploadOutcome {
    pub files: Vec<UploadedFile>,
}

#[derive(Debug, Clone, Serialize)]
pub struct UploadedFile {
    pub name: String,
    /// `taken`, `refused` or `ignored`.
    pub status: &'static str,
    /// What it was taken as (a table, facts.toml, …) and its version.
    pub taken_as: Option<String>,
    pub version: Option<i64>,
    /// What was found: for a file taken in, what it holds beside `taken_as` (its version, a
    /// count), possibly nothing; else why it was refused or not used.
    pub message: String,
    pub problems: Vec<Problem>,
}

impl UploadedFile {
    fn new(name: String, status: &'static str, message: String) -> Self {
        Self {
            name,
            status,
            taken_as: None,
            version: None,
            message,
            problems: Vec::new(),
        }
    }

    /// Taken in, as `taken_as` (with its version, for a table's file).
    fn taken(name: String, taken_as: String, version: Option<i64>, message: String) -> Self {
        Self {
            taken_as: Some(taken_as),
            version,
            ..Self::new(name, "taken", message)
        }
    }

    /// Refused, with the problems found: the previous version (if any) stays in use.
    fn refused(name: String, message: String, problems: Vec<Problem>) -> Self {
        Self {
            problems,
            ..Self::new(name, "refused", message)
        }
    }

    /// Not used, and why.
    fn ignored(name: String, message: String) -> Self {
        Self::new(name, "ignored", message)
    }
}

/// A report replayed against a workspace.
#[derive(Debug, Clone, Serialize)]
pub struct Verified {
    /// The replay gives the report back, byte for byte.
    pub identical: bool,
    pub as_of: String,
    /// The as-of date the report's fingerprint records, when it disagrees with its own.
    pub edited_as_of: Option<String>,
    #[serde(flatten)]
    pub differences: Differences,
    /// Every score and input agrees, yet the bytes differ: the report was edited by hand, or
    /// made by another version of parindex.
    pub edited_after: bool,
}

/// What differs between two reports (the library's [`Comparison`]), as the pages show it:
/// each text of the reports (which may come from anyone's upload) with its hidden characters
/// shown, and in words beside the library's own values.
#[derive(Debug, Clone, Serialize)]
pub struct Differences {
    pub inputs: Vec<ShownInput>,
    pub rows: Vec<VerifiedRow>,
    pub totals: Vec<ShownFigure>,
}

/// An input that differs.
#[derive(Debug, Clone, Serialize)]
pub struct ShownInput {
    /// As `parindex diff` names it: `engine`, `as_of`, `criteria/<file>`, `evidence/<file>`.
    pub name: String,
    /// `changed`, `added` or `removed`.
    pub change: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
    /// The name and the change in words ([`parindex_render::labels::input_name`]).
    pub name_vi: String,
    pub change_vi: &'static str,
}

/// A total that differs.
#[derive(Debug, Clone, Serialize)]
pub struct ShownFigure {
    /// The library's key (`total.points`, …) and values (decimals with a dot).
    pub figure: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
    /// In words, the values with the decimal comma ([`parindex_render::labels::figure`]).
    pub figure_vi: &'static str,
    pub old_vi: String,
    pub new_vi: String,
}

impl Differences {
    fn of(comparison: Comparison) -> Self {
        use parindex_render::labels;
        let shown = |t: Option<String>| t.map(|t| visible(&t).into_owned());
        let opt = |d: Option<rust_decimal::Decimal>| d.map(parindex_core::num::vi_decimal);
        let status = |s: Option<parindex_core::report::Status>| s.map(|s| s.vi().to_owned());
        Self {
            inputs: comparison
                .inputs
                .into_iter()
                .map(|c| {
                    let name = display_text(&c.name);
                    ShownInput {
                        name_vi: labels::input_name(&name).to_owned(),
                        name,
                        change: c.change,
                        change_vi: labels::input_change(c.change),
                        old: shown(c.old),
                        new: shown(c.new),
                    }
                })
                .collect(),
            rows: comparison
                .rows
                .into_iter()
                .map(|r| VerifiedRow {
                    id: visible(&r.id).into_owned(),
                    title: visible(&r.title).into_owned(),
                    old_points: opt(r.old_points),
                    new_points: opt(r.new_points),
                    old_status: status(r.old_status),
                    new_status: status(r.new_status),
                })
                .collect(),
            totals: comparison
                .totals
                .into_iter()
                .map(|t| {
                    let (old, new) = (shown(t.old), shown(t.new));
                    ShownFigure {
                        figure: t.figure,
                        figure_vi: labels::figure(t.figure),
                        old_vi: labels::figure_value(old.as_deref()),
                        new_vi: labels::figure_value(new.as_deref()),
                        old,
                        new,
                    }
                })
                .collect(),
        }
    }

    /// Nothing differs.
    pub fn is_empty(&self) -> bool {
        self.inputs.is_empty() && self.rows.is_empty() && self.totals.is_empty()
    }
}

/// Two reports compared, as `parindex diff` compares them: the first (old) against the
/// second (new).
#[derive(Debug, Clone, Serialize)]
pub struct Compared {
    /// Each report's unit, year and index, as the pages show them.
    pub first: String,
    pub second: String,
    #[serde(flatten)]
    pub differences: Differences,
}

/// A report JSON uploaded (`what`: how the officer knows the file), or why it is none.
fn report_of(text: &str, what: &str) -> Result<Report, AppError> {
    Report::from_json(text).map_err(|e| {
        AppError::BadRequest(format!(
            "{what} không phải báo cáo JSON của parindex ({}); hãy chọn tệp «Báo cáo JSON» đã \
             tải về, không sửa tay",
            visible(&e)
        ))
    })
}

/// The refusal of a request carrying more than `most` files.
pub(crate) fn too_many_files(most: usize) -> AppError {
    AppError::TooLarge(format!("mỗi lần tải lên tối đa {most} tệp"))
}

/// Two reports' texts compared, as `parindex diff` compares them; a text that is not a
/// report is refused, saying which. On a blocking thread: a report may be large.
pub async fn compare_reports(first: String, second: String) -> Result<Compared, AppError> {
    tokio::task::spawn_blocking(move || compare_texts(&first, &second))
        .await
        .map_err(|e| AppError::Internal(format!("so sánh: {e}")))?
}

fn compare_texts(first: &str, second: &str) -> Result<Compared, AppError> {
    let a = report_of(first, "tệp thứ nhất")?;
    let b = report_of(second, "tệp thứ hai")?;
    let shown = |r: &Report| {
        format!(
            "{} ({}) năm {}: {}",
            visible(&r.unit.name),
            visible(&r.unit.code),
            r.criteria.year,
            r.total.index.map_or_else(
                || "chưa có chỉ số".to_owned(),
                |i| format!("{}%", parindex_core::num::vi_percent(i))
            )
        )
    };
    Ok(Compared {
        first: shown(&a),
        second: shown(&b),
        differences: Differences::of(Comparison::of(&a, &b)),
    })
}

/// A row that differs, its points and statuses as the pages show them.
#[derive(Debug, Clone, Serialize)]
pub struct VerifiedRow {
    pub id: String,
    pub title: String,
    pub old_points: Option<String>,
    pub new_points: Option<String>,
    pub old_status: Option<String>,
    pub new_status: Option<String>,
}

/// The shared state of the app.
#[derive(Debug)]
pub struct App {
    /// The database (SQLite in the data folder, or a PostgreSQL server).
    pub db: Arc<dyn Database>,
    /// The content-addressed files beside it, in the data folder.
    pub blobs: Blobs,
    /// Every criteria set, by its file's SHA-256.
    sets: RwLock<BTreeMap<String, Arc<CriteriaEntry>>>,
    data: std::path::PathBuf,
    pub limits: Limits,
    /// Each workspace's last score, by what it was read from.
    cache: Mutex<Recent<i64, Arc<Scored>>>,
    /// The tables each workspace's last reading read, kept for the next (by the workspace's
    /// set and encoding): a change of one file or fact does not read the other files again.
    kept: Mutex<Recent<i64, (String, ReadAhead)>>,
    /// Each campaign's last consolidation, by what it was computed from.
    pub(crate) consolidated: Mutex<Recent<i64, (String, Arc<crate::campaign::Consolidation>)>>,
    /// Accounts, sessions and the workflow's clock (the province's server).
    pub accounts: crate::auth::Accounts,
    /// Tables read ahead during uploads, and how many of them the reading took.
    pub read_ahead: ReadAheadCounts,
    /// Province folders ranked from a zip, kept for their downloads.
    pub(crate) rank_runs: crate::rank::RankRuns,
}

/// What reading ahead did ([`UploadReading`]): for the benchmark and the tests.
#[derive(Debug, Default)]
pub struct ReadAheadCounts {
    pub read: std::sync::atomic::AtomicU64,
    pub taken: std::sync::atomic::AtomicU64,
}

/// An uploaded file's name as it is matched to what it is (a table, `facts.toml`, …): its last
/// path component, trimmed, in lower case.
fn lower_name(raw: &str) -> String {
    raw.rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .trim()
        .to_lowercase()
}

/// A name as shown: NFC, its last path component, hidden characters escaped, bounded.
pub fn display_name(raw: &str) -> String {
    let nfc: String = raw.nfc().collect();
    display_text(nfc.rsplit(['/', '\\']).next().unwrap_or(""))
}

/// [`display_name`] of the whole text, its folders kept: a report's input as the library
/// names it (`evidence/plan_tasks.csv`, `criteria/criteria.toml`), which tells a criteria
/// file from an evidence file of the same name.
fn display_text(raw: &str) -> String {
    let nfc: String = raw.trim().nfc().collect();
    let shown = visible(&nfc).into_owned();
    let bounded: String = shown.chars().take(200).collect();
    if bounded.is_empty() {
        "(không tên)".to_owned()
    } else {
        bounded
    }
}

/// The as-of date of a form (`dd/mm/yyyy`, or ISO as a date input sends it); `None` when
/// blank: the set's 31 December.
pub fn as_of_field(text: &str) -> Result<Option<parindex_core::Date>, AppError> {
    form_text(text)
        .map(|t| {
            parindex_core::date::parse_date(&t).ok_or_else(|| {
                AppError::BadRequest(format!(
                    "ngày tính điểm «{}» không phải ngày (cần dd/mm/yyyy)",
                    visible(&t)
                ))
            })
        })
        .transpose()
}

/// The encoding of a form's text exports (`auto`, blank: detected), as `--encoding`.
pub fn encoding_field(text: &str) -> Result<TextEncoding, AppError> {
    match form_text(text) {
        None => Ok(TextEncoding::Auto),
        Some(t) => t.parse::<TextEncoding>().map_err(|_| {
            AppError::BadRequest(format!(
                "bảng mã «{}» không có: chọn auto, utf-8, utf-16le, utf-16be hoặc windows-1258",
                visible(&t)
            ))
        }),
    }
}

/// Text from a form: NFC, trimmed, `None` when blank.
pub fn form_text(s: &str) -> Option<String> {
    let t: String = s.trim().nfc().collect();
    (!t.is_empty()).then_some(t)
}

/// The problems of an error of the library, for the page.
pub(crate) fn problems_of(e: &Error) -> Vec<Problem> {
    problems_under(e, None)
}

/// [`problems_of`], the files inside `root` named by their path in it ([`Problem::under`]).
pub(crate) fn problems_under(e: &Error, root: Option<&Path>) -> Vec<Problem> {
    match e {
        Error::Io { path, .. } => {
            let shown = crate::error::shown_path(path, root);
            vec![Problem::plain(&shown, e.message_naming(&shown))]
        }
        other => other
            .diagnostics()
            .iter()
            .map(|d| Problem::under(d, root))
            .collect(),
    }
}

/// Whether an error of the library is about `file` (a name in the folder).
fn concerns(e: &Error, file: &str) -> bool {
    let named = |p: &Path| p.file_name().is_some_and(|n| n == file);
    match e {
        Error::Io { path, .. } => named(path),
        other => other.diagnostics().iter().any(|d| named(&d.path)),
    }
}

impl App {
    /// Opens the data folder and loads the criteria sets, shipped and uploaded (each written
    /// under `data/criteria/<sha256>/` and read from there by the library like any set).
    pub async fn open(data: &Path, limits: Limits) -> Result<Self, AppError> {
        let blobs = Blobs::open(data)?;
        let db = open_database(data, None).await?;
        Self::on(db, blobs, data, limits, crate::auth::Accounts::default()).await
    }

    /// [`Self::open`] on an opened database (SQLite in `data`, or a server's) and the data
    /// folder's blobs.
    pub async fn on(
        db: Arc<dyn Database>,
        blobs: Blobs,
        data: &Path,
        limits: Limits,
        accounts: crate::auth::Accounts,
    ) -> Result<Self, AppError> {
        let app = Self {
            db,
            blobs,
            sets: RwLock::new(BTreeMap::new()),
            data: data.to_path_buf(),
            limits,
            cache: Mutex::new(Recent::new(limits.workspaces_in_memory)),
            kept: Mutex::new(Recent::new(limits.workspaces_in_memory)),
            consolidated: Mutex::new(Recent::new(limits.campaigns_in_memory)),
            rank_runs: crate::rank::RankRuns::default(),
            read_ahead: ReadAheadCounts::default(),
            accounts,
        };
        for (id, text, cases) in SHIPPED {
            let entry = app.install_set(text.as_bytes(), Some(cases)).await?;
            if entry.id != *id {
                return Err(AppError::Internal(format!(
                    "bộ tiêu chí {id}: mã {}",
                    entry.id
                )));
            }
        }
        for sha in app.db.criteria_sets().await? {
            let bytes = app.blobs.get(&sha)?;
            app.install_set(&bytes, None).await?;
        }
        Ok(app)
    }

    /// Writes a set's file under `data/criteria/<sha256>/`, loads and compiles it, and makes
    /// it available. A shipped set (`shipped`: its cases, by file name) is written with its
    /// cases and known by its `criteria.toml`'s hash.
    async fn install_set(
        &self,
        bytes: &[u8],
        shipped: Option<&[(&str, &str)]>,
    ) -> Result<Arc<CriteriaEntry>, AppError> {
        let sha = parindex_core::fingerprint::sha256_hex(bytes);
        let dir = self.data.join("criteria").join(&sha);
        let mut files = criteria_files(bytes)?;
        let cases = shipped.unwrap_or_default().iter();
        files.extend(cases.map(|(name, text)| (format!("cases/{name}"), text.as_bytes().to_vec())));
        write_set(&dir, &files)?;
        let shipped = shipped.is_some();
        let entry = tokio::task::spawn_blocking(move || load_set(&dir, sha, shipped))
            .await
            .map_err(|e| AppError::Internal(format!("bộ tiêu chí: {e}")))??;
        let entry = Arc::new(entry);
        self.sets
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(entry.sha256.clone(), Arc::clone(&entry));
        Ok(entry)
    }

    /// Every criteria set: the shipped first, then by title.
    /// Every set, shipped first, the ones other processes uploaded included.
    pub async fn sets(&self) -> Result<Vec<Arc<CriteriaEntry>>, AppError> {
        self.load_new_sets().await?;
        let mut all: Vec<_> = self
            .sets
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .values()
            .cloned()
            .collect();
        all.sort_by(|a, b| {
            (!a.shipped, &a.title, &a.sha256).cmp(&(!b.shipped, &b.title, &b.sha256))
        });
        Ok(all)
    }

    /// A set by its hash, or a shipped set by its id.
    /// The set of `key` (its hash, or a shipped set's id), the ones other processes uploaded
    /// included.
    pub async fn find_set(&self, key: &str) -> Result<Option<Arc<CriteriaEntry>>, AppError> {
        if let Some(set) = self.find_loaded(key) {
            return Ok(Some(set));
        }
        self.load_new_sets().await?;
        Ok(self.find_loaded(key))
    }

    /// [`Self::find_set`] among the sets this process has loaded.
    fn find_loaded(&self, key: &str) -> Option<Arc<CriteriaEntry>> {
        let sets = self
            .sets
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        sets.get(key)
            .or_else(|| sets.values().find(|s| s.shipped && s.id == key))
            .cloned()
    }

    pub fn set_of(&self, ws: &Workspace) -> Result<Arc<CriteriaEntry>, AppError> {
        self.sets
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&ws.criteria_sha256)
            .cloned()
            .ok_or_else(|| {
                AppError::Internal(format!(
                    "hồ sơ {} dùng bộ tiêu chí {} không còn trong phần mềm",
                    ws.id, ws.criteria_id
                ))
            })
    }

    /// A criteria set uploaded by the officer (one `criteria.toml`): checked as `parindex
    /// check` checks it, and refused with every problem on its source line; else stored by
    /// hash and available to new workspaces.
    pub async fn upload_criteria(&self, bytes: &[u8]) -> Result<Arc<CriteriaEntry>, AppError> {
        if bytes.len() > CRITERIA_BYTES {
            return Err(AppError::TooLarge(format!(
                "bộ tiêu chí (tệp criteria.toml hoặc zip của thư mục) tối đa {} MiB",
                CRITERIA_BYTES >> 20
            )));
        }
        let files = criteria_files(bytes)?;
        let tmp = tempfile::Builder::new()
            .prefix("criteria-")
            .tempdir_in(self.blobs.tmp_dir())
            .map_err(|e| AppError::Internal(format!("thư mục tạm: {e}")))?;
        write_set(tmp.path(), &files)?;
        let dir = tmp.path().to_path_buf();
        let problems =
            tokio::task::spawn_blocking(move || parindex_core::check_criteria(&FsFiles, &dir))
                .await
                .map_err(|e| AppError::Internal(format!("kiểm tra bộ tiêu chí: {e}")))?;
        if !problems.is_empty() {
            // Each problem with its source line, from the file of the set it names.
            let line_of = |d: &parindex_core::Diagnostic| -> Option<String> {
                let name = d
                    .path
                    .strip_prefix(tmp.path())
                    .ok()?
                    .to_string_lossy()
                    .replace('\\', "/");
                let (_, text) = files.iter().find(|(n, _)| *n == name)?;
                let text = std::str::from_utf8(text).ok()?;
                let line = text.lines().nth(d.line?.checked_sub(1)?)?;
                Some(parindex_core::visible::visible(line).into_owned())
            };
            return Err(AppError::Invalid {
                message: format!(
                    "bộ tiêu chí có {} lỗi nên không được nhận (các lỗi dành cho người soạn bộ \
                     tiêu chí, như lệnh parindex check)",
                    problems.len()
                ),
                problems: problems
                    .iter()
                    .map(|d| {
                        let mut p = Problem::of(d);
                        p.source_line = line_of(d);
                        p
                    })
                    .collect(),
            });
        }
        let entry = self.install_set(bytes, None).await?;
        self.blobs.put(bytes)?;
        self.db
            .add_criteria_set(
                &entry.sha256,
                &entry.id,
                &entry.title,
                i64::from(entry.year),
            )
            .await?;
        Ok(entry)
    }

    // ---- workspaces ---------------------------------------------------------------------

    /// Creates a workspace for a unit, on a shipped set. A group left empty is the set's own
    /// (`unit_group`): the peer group the set was written for.
    pub async fn create_workspace(
        &self,
        criteria: &str,
        code: &str,
        name: &str,
        group: &str,
    ) -> Result<i64, AppError> {
        let set = self.find_set(criteria).await?.ok_or_else(|| {
            AppError::BadRequest(format!(
                "không có bộ tiêu chí `{}`",
                parindex_core::visible::visible(criteria)
            ))
        })?;
        let group = match form_text(group) {
            Some(_) => group,
            None => set.set().unit_group.as_str(),
        };
        let (code, name, group) = unit_fields(code, name, group)?;
        Ok(self
            .db
            .create_workspace(&NewWorkspace {
                unit_code: code,
                unit_name: name,
                unit_group: group,
                year: i64::from(set.year),
                criteria_id: set.id.clone(),
                criteria_sha256: set.sha256.clone(),
            })
            .await?)
    }

    /// Changes the unit's fields (`unit.toml`), checked as on creation.
    pub async fn set_unit(
        &self,
        ws: i64,
        code: &str,
        name: &str,
        group: &str,
    ) -> Result<(), AppError> {
        self.workspace(ws).await?;
        let (code, name, group) = unit_fields(code, name, group)?;
        Ok(self.db.set_unit(ws, &code, &name, &group).await?)
    }

    /// Puts a workspace away (listed apart on the home page) or back on the list; every file,
    /// fact and note of it is kept, and its pages open as before.
    pub async fn set_archived(&self, ws: i64, archived: bool) -> Result<(), AppError> {
        self.workspace(ws).await?;
        Ok(self.db.set_archived(ws, archived).await?)
    }

    /// A workspace, or not found.
    pub async fn workspace(&self, id: i64) -> Result<Workspace, AppError> {
        let ws = self
            .db
            .workspace(id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("không có hồ sơ đánh giá số {id}")))?;
        if self.find_loaded(&ws.criteria_sha256).is_none() {
            self.load_new_sets().await?;
        }
        Ok(ws)
    }

    /// Loads the sets another process of the server uploaded to the same database since this
    /// one started (a province's server may run several on one PostgreSQL).
    pub async fn load_new_sets(&self) -> Result<(), AppError> {
        for sha in self.db.criteria_sets().await? {
            if self.find_loaded(&sha).is_none() {
                let bytes = self.blobs.get(&sha)?;
                self.install_set(&bytes, None).await?;
            }
        }
        Ok(())
    }

    /// Makes a kept version its slot's active file again.
    pub async fn restore_file(&self, ws: i64, file_id: i64) -> Result<(), AppError> {
        match self.db.restore_file(ws, file_id).await? {
            Some(_) => Ok(()),
            None => Err(AppError::NotFound("không có phiên bản tệp này".to_owned())),
        }
    }

    /// A row's note; a row with none yet has an empty one (version 0).
    pub async fn note(&self, ws: i64, row_id: &str) -> Result<NoteRow, AppError> {
        Ok(self
            .db
            .notes(ws)
            .await?
            .into_iter()
            .find(|n| n.row_id == row_id)
            .unwrap_or_else(|| NoteRow {
                row_id: row_id.to_owned(),
                ..NoteRow::default()
            }))
    }

    pub async fn snapshot(&self, ws: i64) -> Result<Snapshot, AppError> {
        let ws = self.workspace(ws).await?;
        let id = ws.id;
        Ok(Snapshot {
            // The files in use: one per slot.
            files: self
                .db
                .files(id)
                .await?
                .into_iter()
                .filter(|f| f.active)
                .collect(),
            facts: self.db.facts(id).await?,
            notes: self.db.notes(id).await?,
            attachments: self.db.attachments(id).await?,
            as_of: match self.campaign_as_of(id).await? {
                Some(d) => Some(d),
                None => ws
                    .as_of
                    .as_deref()
                    .and_then(parindex_core::date::parse_date),
            },
            encoding: ws
                .encoding
                .as_deref()
                .and_then(|e| e.parse().ok())
                .unwrap_or_default(),
            ws,
        })
    }

    /// The as-of date of the campaign a workspace belongs to, if it does: its pages score
    /// there, as its submission is scored.
    async fn campaign_as_of(&self, ws: i64) -> Result<Option<parindex_core::Date>, AppError> {
        let Some(unit) = self.db.campaign_unit_of(ws).await? else {
            return Ok(None);
        };
        let campaign = self.campaign(unit.campaign_id).await?;
        Ok(Some(App::as_of_of_campaign(&campaign)?))
    }

    /// The folder of a snapshot as the library reads it, with `trying` (files of an upload
    /// not yet stored, by their name in the folder) in it: nothing is written.
    fn folder(
        &self,
        snap: &Snapshot,
        trying: &[(String, Trying)],
    ) -> Result<FolderFiles, AppError> {
        self.folder_of(snap.contents(false)?, trying)
    }

    /// [`Self::folder`] of a snapshot's files already listed.
    fn folder_of(
        &self,
        contents: Vec<(String, Content)>,
        trying: &[(String, Trying)],
    ) -> Result<FolderFiles, AppError> {
        let mut folder = FolderFiles::default();
        for (name, content) in contents {
            match content {
                Content::Bytes(b) => folder.insert_bytes(name, b),
                Content::Blob(sha) => folder.insert_blob(name, self.blobs.path(&sha)?),
            }
        }
        for (name, from) in trying {
            match from {
                Trying::Memory(bytes) => folder.insert_shared(name.clone(), bytes.clone()),
                Trying::File(path) => folder.insert_blob(name.clone(), path.clone()),
            }
        }
        Ok(folder)
    }

    /// The hash of each file of a folder, by name.
    fn hashes(contents: &[(String, Content)]) -> BTreeMap<String, String> {
        contents
            .iter()
            .map(|(name, content)| {
                let sha = match content {
                    Content::Bytes(b) => parindex_core::fingerprint::sha256_hex(b),
                    Content::Blob(sha) => sha.clone(),
                };
                (name.clone(), sha)
            })
            .collect()
    }

    /// What a report depends on: its set and every file of its folder (by name, with its
    /// hash). In name order, so that the same folder has the same key however its files were
    /// listed.
    fn key(snap: &Snapshot, files: &BTreeMap<String, String>) -> String {
        let mut lines = format!("criteria {}\n", snap.ws.criteria_sha256);
        if let Some(as_of) = snap.as_of {
            lines.push_str(&format!("as-of {as_of}\n"));
        }
        lines.push_str(&format!("encoding {}\n", snap.encoding));
        for (name, sha) in files {
            lines.push_str(&format!("{sha}  {name}\n"));
        }
        parindex_core::fingerprint::sha256_hex(lines.as_bytes())
    }

    /// Reads a snapshot's folder with the library and scores it; the result is cached under
    /// the snapshot's key, so that the state a change was tried in is not read again once
    /// saved.
    async fn read(self: &Arc<Self>, snap: Snapshot) -> Result<Arc<Scored>, AppError> {
        Ok(self.read_trying(snap, Vec::new(), None).await?.0)
    }

    /// [`Self::read`] with files not yet stored in the folder (an upload being tried): they
    /// are read where they were received (memory, or the store's temporary folder for a
    /// table's export), and hashed by the reading itself (the report's fingerprint), so
    /// that a large export is read once and hashed once. Returns the hashes of the files
    /// tried when the folder read (else they are unknown: the file is not kept).
    async fn read_trying(
        self: &Arc<Self>,
        snap: Snapshot,
        trying: Vec<(String, Trying)>,
        ahead: Option<ReadAhead>,
    ) -> Result<(Arc<Scored>, BTreeMap<String, String>), AppError> {
        let ws = snap.ws.id;
        // The folder's files are listed (and the database's hashed) once, for the key and
        // for the reading.
        let contents = snap.contents(false)?;
        let mut files = Self::hashes(&contents);
        let known = if trying.is_empty() {
            let key = Self::key(&snap, &files);
            if let Some(hit) = self.cached(ws).filter(|s| s.key == key) {
                return Ok((hit, BTreeMap::new()));
            }
            Some(key)
        } else {
            None
        };
        let set = self.set_of(&snap.ws)?;
        let as_of = as_of_of(&set, &snap)?;
        let encoding = snap.encoding;
        let app = Arc::clone(self);
        let hashed = files.clone();
        let (outcome, shas) = tokio::task::spawn_blocking(move || {
            let folder = app.folder_of(contents, &trying)?;
            let read = app.with_tables(ws, &set, encoding, &hashed, &trying, ahead, |ahead| {
                read_folder(&set, &folder, as_of, encoding, Some(ahead))
            });
            let mut shas = BTreeMap::new();
            if let Ok((_, report)) = &read {
                for (name, from) in &trying {
                    let digest = report.fingerprint.evidence.iter().find(|d| &d.name == name);
                    // A file the reading did not hash (none today) is hashed here.
                    let sha = match digest {
                        Some(d) => d.sha256.clone(),
                        None => from.sha256()?,
                    };
                    shas.insert(name.clone(), sha);
                }
            }
            Ok::<_, AppError>((
                match read {
                    Err(e) => Err(Failed {
                        problems: problems_of(&e),
                        error: e,
                    }),
                    Ok((evidence, report)) => Ok(scored_report(&set, &evidence, report)),
                },
                shas,
            ))
        })
        .await
        .map_err(|e| AppError::Internal(format!("đọc minh chứng: {e}")))??;
        let key = match known {
            Some(key) => key,
            // A folder tried and refused is not cached: its files are never stored.
            None if shas.is_empty() => String::new(),
            None => {
                files.extend(shas.iter().map(|(n, s)| (n.clone(), s.clone())));
                Self::key(&snap, &files)
            }
        };
        let scored = Arc::new(Scored { key, outcome });
        if !scored.key.is_empty() {
            self.cache
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(ws, Arc::clone(&scored));
        }
        Ok((scored, shas))
    }

    /// Runs `read`, a reading of workspace `ws`'s folder, with the tables it can take instead
    /// of reading their files, and keeps the tables it read for the next reading. It can take
    /// those its last reading read whose files are still in the folder (`hashed`, by name) and
    /// not being replaced (`trying`), and those of `upload` read while they arrived.
    #[allow(clippy::too_many_arguments)]
    fn with_tables<T>(
        &self,
        ws: i64,
        set: &CriteriaEntry,
        encoding: TextEncoding,
        hashed: &BTreeMap<String, String>,
        trying: &[(String, Trying)],
        upload: Option<ReadAhead>,
        read: impl FnOnce(&ReadAhead) -> T,
    ) -> T {
        let kept = self
            .kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&ws)
            .filter(|(key, _)| *key == kept_key(set, encoding))
            .map(|(_, kept)| kept);
        let ahead = kept.unwrap_or_else(|| set.compiled.keeping());
        ahead.retain(|path, sha| {
            let name = path
                .strip_prefix(FolderFiles::root())
                .ok()
                .and_then(Path::to_str);
            name.is_some_and(|name| {
                hashed.get(name).is_some_and(|s| s == sha) && !trying.iter().any(|(t, _)| t == name)
            })
        });
        if let Some(upload) = upload {
            ahead.absorb(upload);
        }
        let taken = ahead.taken();
        let out = read(&ahead);
        self.read_ahead.taken.fetch_add(
            (ahead.taken() - taken) as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
        self.kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(ws, (kept_key(set, encoding), ahead));
        out
    }

    /// The date the workspace is scored at, as the officer types it (`dd/mm/yyyy`; empty:
    /// 31/12 of the set's year), as `parindex score --as-of`.
    pub async fn set_as_of(&self, ws: i64, text: &str) -> Result<(), AppError> {
        let iso = as_of_field(text)?.map(|d| d.format("%Y-%m-%d").to_string());
        self.set_reading(ws, Reading::AsOf, iso.as_deref()).await
    }

    /// The encoding the workspace's text exports are read in (`auto`, empty: detected), as
    /// `parindex score --encoding`.
    pub async fn set_encoding(&self, ws: i64, text: &str) -> Result<(), AppError> {
        let encoding = encoding_field(text)?;
        let name = (encoding != TextEncoding::Auto).then(|| encoding.name());
        self.set_reading(ws, Reading::Encoding, name).await
    }

    /// A reading setting of the officer's own workspace; a campaign's unit is read as the
    /// campaign says (its date, the detected encoding), alike for every unit.
    async fn set_reading(
        &self,
        ws: i64,
        setting: Reading,
        value: Option<&str>,
    ) -> Result<(), AppError> {
        self.workspace(ws).await?;
        if self.db.campaign_unit_of(ws).await?.is_some() {
            return Err(AppError::Conflict(
                "trong đợt đánh giá của tỉnh, ngày tính điểm và cách đọc tệp do Sở Nội vụ đặt \
                 cho cả đợt"
                    .to_owned(),
            ));
        }
        Ok(self.db.set_reading(ws, setting, value).await?)
    }

    /// In a campaign, the unit's fields (unit.toml) are the administrator's and the appraisal
    /// and the survey are Sở Nội vụ's: an officer's upload cannot bring them.
    async fn refuse_reserved<T: Sync>(
        &self,
        ws: i64,
        files: &[(String, T)],
    ) -> Result<(), AppError> {
        const RESERVED: [&str; 3] = ["unit.toml", "appraisal.csv", "survey.csv"];
        let reserved = files
            .iter()
            .find(|(name, _)| RESERVED.contains(&display_name(name).to_lowercase().as_str()));
        if let Some((name, _)) = reserved {
            if self.db.campaign_unit_of(ws).await?.is_some() {
                return Err(AppError::Forbidden(format!(
                    "{}: trong đợt đánh giá của tỉnh, thông tin đơn vị, kết quả thẩm định và \
                     kết quả điều tra xã hội học do Sở Nội vụ quản lý; hãy bỏ tệp này ra rồi tải \
                     lại",
                    display_name(name)
                )));
            }
        }
        Ok(())
    }

    /// The workspace scored as it stands.
    pub async fn scored(self: &Arc<Self>, ws: i64) -> Result<Arc<Scored>, AppError> {
        let snap = self.snapshot(ws).await?;
        self.read(snap).await
    }

    /// Workspaces whose score or tables read are held in memory now (at most
    /// [`Limits::workspaces_in_memory`]).
    pub fn workspaces_in_memory(&self) -> usize {
        let scores = self
            .cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len();
        let tables = self
            .kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len();
        scores.max(tables)
    }

    /// How many campaigns' consolidations are held in memory now (at most
    /// [`Limits::campaigns_in_memory`]).
    pub fn campaigns_in_memory(&self) -> usize {
        self.consolidated
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }

    fn cached(&self, ws: i64) -> Option<Arc<Scored>> {
        self.cache
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&ws)
            .cloned()
    }

    /// The scored report, or the problems that keep the folder from being read.
    pub async fn report(self: &Arc<Self>, ws: i64) -> Result<Arc<Scored>, AppError> {
        let scored = self.scored(ws).await?;
        if let Err(failed) = &scored.outcome {
            return Err(AppError::Invalid {
                message: "minh chứng của hồ sơ không đọc được nên chưa chấm được".to_owned(),
                problems: failed.problems.clone(),
            });
        }
        Ok(scored)
    }

    /// Tries a changed snapshot: refused with the library's problems when the file `file`
    /// reads badly in it.
    async fn try_snapshot(
        self: &Arc<Self>,
        snap: Snapshot,
        file: &str,
    ) -> Result<(), Vec<Problem>> {
        let scored = self
            .read(snap)
            .await
            .map_err(|e| vec![Problem::plain(file, e.message())])?;
        match &scored.outcome {
            Ok(_) => Ok(()),
            Err(f) if concerns(&f.error, file) => Err(f
                .problems
                .iter()
                .filter(|p| p.file == file)
                .cloned()
                .collect()),
            Err(_) => Ok(()),
        }
    }

    // ---- evidence -----------------------------------------------------------------------

    /// Reads an upload's tables into workspace `ws` while they arrive ([`UploadReading`]).
    pub fn upload_reading(self: &Arc<Self>, ws: i64) -> UploadReading {
        UploadReading {
            app: Arc::clone(self),
            ws,
            set: None,
            snapshot: None,
            tables: Vec::new(),
            reading: Vec::new(),
        }
    }

    /// The refusal of a request carrying more files than [`Limits::files_per_upload`]: said
    /// as soon as the one too many arrives, before it is stored.
    pub fn too_many_files(&self) -> AppError {
        too_many_files(self.limits.files_per_upload)
    }

    /// Takes in the files of one upload. `unit.toml`, `facts.toml` and `notes.toml` are tried
    /// one at a time; the tables all together, in one reading of the folder as it stands with
    /// every one of them added (a large export is read once, as `parindex score` reads it):
    /// a table the library finds a problem in is refused, with every problem, and the others
    /// tried again without it. A refused file leaves the previous version in use.
    pub async fn upload(
        self: &Arc<Self>,
        ws: i64,
        upload: Upload,
    ) -> Result<UploadOutcome, AppError> {
        let Upload { files, mut ahead } = upload;
        if files.len() > self.limits.files_per_upload {
            return Err(self.too_many_files());
        }
        let workspace = self.workspace(ws).await?;
        self.refuse_reserved(ws, &files).await?;
        let set = self.set_of(&workspace)?;
        let mut out: Vec<Option<UploadedFile>> = Vec::new();
        let mut tables: Vec<Pending> = Vec::new();
        // The officer's own files first, while the folder is as it was.
        let mut order: Vec<(usize, String, Received)> = files
            .into_iter()
            .enumerate()
            .map(|(i, (n, b))| (i, n, b))
            .collect();
        order.sort_by_key(|(i, n, _)| (!is_own_file(n), *i));
        out.resize_with(order.len(), || None);
        for (i, raw_name, received) in order {
            let name = display_name(&raw_name);
            let lower = lower_name(&raw_name);
            let done = match lower.as_str() {
                "unit.toml" => self.upload_unit(ws, &name, &received.bytes()?).await?,
                "facts.toml" => self.upload_facts(ws, &name, &received.bytes()?).await?,
                "notes.toml" => self.upload_notes(ws, &name, &received.bytes()?).await?,
                _ => match classify(&set, &lower) {
                    Err(message) => UploadedFile::ignored(name, message),
                    Ok((slot, stored_name, taken_as)) => {
                        // Two files of one upload for one table: the later one is used.
                        if let Some(j) = tables.iter().position(|p| p.slot == slot) {
                            let earlier = tables.remove(j);
                            out[earlier.index] = Some(UploadedFile::ignored(
                                earlier.name,
                                format!(
                                    "lần tải lên này có tệp khác cho cùng {taken_as}: dùng tệp sau"
                                ),
                            ));
                        }
                        // Written to the store (synced) while it is read: the write waits on
                        // the disk, the reading on the processor. A spooled file is written
                        // already, read from there, and only synced.
                        let size = i64::try_from(received.len()).unwrap_or(i64::MAX);
                        let (from, written) = match received {
                            Received::Memory(bytes) => {
                                let app = Arc::clone(self);
                                let copy = bytes.clone();
                                let written = tokio::task::spawn_blocking(move || {
                                    app.blobs.write_temp(&copy)
                                });
                                (Trying::Memory(bytes), written)
                            }
                            Received::Spooled { file, .. } => {
                                let path = file.path().to_path_buf();
                                let written =
                                    tokio::task::spawn_blocking(move || Blobs::sync(file));
                                (Trying::File(path), written)
                            }
                        };
                        tables.push(Pending {
                            index: i,
                            name,
                            slot,
                            stored_name,
                            taken_as,
                            size,
                            from,
                            sha: None,
                            written,
                        });
                        continue;
                    }
                },
            };
            out[i] = Some(done);
        }
        // The tables: tried together until no table left is refused.
        loop {
            if tables.is_empty() {
                break;
            }
            let mut snap = self.snapshot(ws).await?;
            // A table's file with another extension is the same slot: replaced.
            snap.files
                .retain(|f| !tables.iter().any(|p| p.slot == f.slot));
            let trying = tables
                .iter()
                .map(|p| (p.stored_name.clone(), p.from.clone()))
                .collect();
            // Read ahead while the body arrived: taken by the first try (a second one, without
            // a refused table, reads the files).
            let (scored, shas) = self.read_trying(snap, trying, ahead.take()).await?;
            let Err(failed) = &scored.outcome else {
                for p in &mut tables {
                    p.sha = shas.get(&p.stored_name).cloned();
                }
                break;
            };
            let (bad, good): (Vec<Pending>, Vec<Pending>) = tables
                .into_iter()
                .partition(|p| concerns(&failed.error, &p.stored_name));
            tables = good;
            if bad.is_empty() {
                // A problem of the folder as it was, not of this upload.
                break;
            }
            for p in bad {
                let problems: Vec<Problem> = failed
                    .problems
                    .iter()
                    .filter(|q| q.file == p.stored_name)
                    .cloned()
                    .collect();
                out[p.index] = Some(UploadedFile::refused(
                    p.name,
                    format!(
                        "tệp có {} lỗi nên không được nhận; phiên bản trước (nếu có) vẫn được \
                         dùng",
                        problems.len()
                    ),
                    problems,
                ));
                // Its copy in the store's temporary folder is deleted once written: dropping
                // the handle leaves the write to end on its own, without the answer waiting.
            }
        }
        // Every taken table's blob kept, then their versions in one transaction.
        let mut kept = Vec::with_capacity(tables.len());
        for p in tables {
            let sha = match p.sha {
                Some(sha) => sha,
                None => p.from.sha256()?,
            };
            let written = p
                .written
                .await
                .map_err(|e| AppError::Internal(format!("lưu tệp: {e}")))??;
            self.blobs.keep(written, &sha)?;
            kept.push((
                p.index,
                p.name,
                p.taken_as,
                p.slot,
                p.stored_name,
                sha,
                p.size,
            ));
        }
        let files: Vec<NewFile<'_>> = kept
            .iter()
            .map(|(_, name, _, slot, stored_name, sha, size)| NewFile {
                slot,
                stored_name,
                display_name: name,
                sha256: sha,
                size: *size,
            })
            .collect();
        let versions = self.db.add_files(ws, &files).await?;
        for ((index, name, taken_as, ..), version) in kept.into_iter().zip(versions) {
            out[index] = Some(UploadedFile::taken(
                name,
                taken_as,
                Some(version),
                format!("phiên bản {version}"),
            ));
        }
        Ok(UploadOutcome {
            files: out.into_iter().flatten().collect(),
        })
    }

    async fn upload_unit(
        self: &Arc<Self>,
        ws: i64,
        name: &str,
        bytes: &[u8],
    ) -> Result<UploadedFile, AppError> {
        // Read as the library reads a folder's unit.toml: the same problems, in Vietnamese.
        let unit = match parindex_core::evidence::parse_unit(Path::new(name), bytes) {
            Ok(u) => u,
            Err(problems) => {
                return Ok(UploadedFile::refused(
                    name.to_owned(),
                    "unit.toml không hợp lệ: cần đúng ba khóa code, name, group".to_owned(),
                    problems.iter().map(|d| Problem::under(d, None)).collect(),
                ))
            }
        };
        match unit_fields(&unit.code, &unit.name, &unit.group) {
            Ok((code, uname, group)) => {
                self.db.set_unit(ws, &code, &uname, &group).await?;
                Ok(UploadedFile::taken(
                    name.to_owned(),
                    "thông tin đơn vị (unit.toml)".to_owned(),
                    None,
                    format!("đơn vị: {uname} ({code})"),
                ))
            }
            Err(e) => Ok(UploadedFile::refused(
                name.to_owned(),
                e.message(),
                Vec::new(),
            )),
        }
    }

    async fn upload_facts(
        self: &Arc<Self>,
        ws: i64,
        name: &str,
        bytes: &[u8],
    ) -> Result<UploadedFile, AppError> {
        // First the library's own reading of the file as sent.
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(_) => {
                return Ok(UploadedFile::refused(
                    name.to_owned(),
                    "facts.toml không phải văn bản UTF-8".to_owned(),
                    Vec::new(),
                ))
            }
        };
        let facts = match parse_facts(text) {
            Ok(f) => f,
            Err(_) => {
                // Let the library say where and why.
                let problems = self.library_problems_for(ws, "facts.toml", bytes).await?;
                return Ok(UploadedFile::refused(
                    name.to_owned(),
                    "facts.toml không hợp lệ".to_owned(),
                    problems,
                ));
            }
        };
        let mut snap = self.snapshot(ws).await?;
        snap.facts = facts.clone();
        if let Err(problems) = self.try_snapshot(snap, "facts.toml").await {
            return Ok(UploadedFile::refused(
                name.to_owned(),
                format!("facts.toml có {} lỗi nên không được nhận", problems.len()),
                problems,
            ));
        }
        self.db
            .set_facts(ws, &facts, "tải lên facts.toml", None)
            .await?;
        Ok(UploadedFile::taken(
            name.to_owned(),
            "số liệu (facts.toml)".to_owned(),
            None,
            format!("{} số liệu", facts.len()),
        ))
    }

    /// The library's problems with a file as sent, read in the workspace's folder.
    async fn library_problems_for(
        self: &Arc<Self>,
        ws: i64,
        file: &str,
        bytes: &[u8],
    ) -> Result<Vec<Problem>, AppError> {
        let snap = self.snapshot(ws).await?;
        let set = self.set_of(&snap.ws)?;
        let app = Arc::clone(self);
        let file = file.to_owned();
        let bytes = Bytes::copy_from_slice(bytes);
        let as_of = as_of_of(&set, &snap)?;
        let encoding = snap.encoding;
        tokio::task::spawn_blocking(move || {
            let folder = app.folder(&snap, &[(file, Trying::Memory(bytes))])?;
            Ok(match read_folder(&set, &folder, as_of, encoding, None) {
                Ok(_) => Vec::new(),
                Err(e) => problems_of(&e),
            })
        })
        .await
        .map_err(|e| AppError::Internal(format!("đọc minh chứng: {e}")))?
    }

    async fn upload_notes(
        self: &Arc<Self>,
        ws: i64,
        name: &str,
        bytes: &[u8],
    ) -> Result<UploadedFile, AppError> {
        let problems = self.library_problems_for(ws, "notes.toml", bytes).await?;
        let problems: Vec<Problem> = problems
            .into_iter()
            .filter(|p| p.file == "notes.toml")
            .collect();
        if !problems.is_empty() {
            return Ok(UploadedFile::refused(
                name.to_owned(),
                format!("notes.toml có {} lỗi nên không được nhận", problems.len()),
                problems,
            ));
        }
        let parsed = std::str::from_utf8(bytes)
            .ok()
            .and_then(|t| toml::from_str::<NotesToml>(t).ok());
        let Some(parsed) = parsed else {
            return Ok(UploadedFile::refused(
                name.to_owned(),
                "notes.toml không hợp lệ".to_owned(),
                Vec::new(),
            ));
        };
        let blank = |s: Option<String>| s.and_then(|s| form_text(&s));
        let rows: Vec<NoteRow> = parsed
            .tieu_chi
            .into_iter()
            .map(|(id, r)| NoteRow {
                row_id: id,
                explanation: blank(r.giai_trinh),
                declared_points: r.diem_de_nghi.map(|v| match v {
                    toml::Value::String(s) => s,
                    other => other.to_string(),
                }),
                declared_reason: blank(r.ly_do),
                documents: r
                    .tai_lieu
                    .into_iter()
                    .map(|d| NoteDocument {
                        number: d.so_ky_hieu,
                        date: d.ngay,
                        subject: d.trich_yeu,
                    })
                    .collect(),
                version: 0,
            })
            .collect();
        let count = rows.len();
        self.db
            .replace_notes(ws, &rows, blank(parsed.kho_khan_kien_nghi).as_deref())
            .await?;
        Ok(UploadedFile::taken(
            name.to_owned(),
            "ghi chú của đơn vị (notes.toml)".to_owned(),
            None,
            format!("giải trình của {count} dòng"),
        ))
    }

    /// Every table the set reads, with the workspace's state on it.
    pub async fn tables(self: &Arc<Self>, ws: i64) -> Result<Vec<TableState>, AppError> {
        let workspace = self.workspace(ws).await?;
        let set = self.set_of(&workspace)?;
        let scored = self.scored(ws).await?;
        let ok = scored.outcome.as_ref().ok();
        Ok(set
            .set()
            .tables
            .iter()
            .map(|t| {
                let source = ok.and_then(|s| s.sources.iter().find(|src| src.table == t.name));
                let present = ok.is_some_and(|s| s.tables.contains(&t.name));
                let records = source.map(|s| s.records);
                let state = match (present, records) {
                    (false, _) => "missing",
                    (true, Some(0)) => "empty",
                    (true, _) => "present",
                };
                TableState {
                    name: t.name.clone(),
                    title: t.title.clone(),
                    file: t.file.clone(),
                    state,
                    records,
                    source: source.map(|s| {
                        let file = s
                            .path
                            .file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default();
                        match &s.sheet {
                            Some(sheet) => format!("{file} [{}]", display_name(sheet)),
                            None => file,
                        }
                    }),
                    ignored_columns: source
                        .map(|s| s.ignored_columns.iter().map(|c| display_name(c)).collect())
                        .unwrap_or_default(),
                    rows: set
                        .set()
                        .criteria
                        .iter()
                        .filter(|c| c.leaf.as_ref().is_some_and(|l| l.reads.contains(&t.name)))
                        .map(|c| c.id.clone())
                        .collect(),
                }
            })
            .collect())
    }

    // ---- facts ------------------------------------------------------------------------

    /// Replaces every fact, after the library has read them.
    pub async fn save_facts(
        self: &Arc<Self>,
        ws: i64,
        facts: Vec<FactRow>,
        expected: Option<&str>,
    ) -> Result<(), AppError> {
        let mut snap = self.snapshot(ws).await?;
        let before: BTreeMap<String, String> = snap
            .facts
            .iter()
            .map(|f| (f.name.clone(), f.literal.clone()))
            .collect();
        snap.facts = facts.clone();
        self.try_snapshot(snap, "facts.toml")
            .await
            .map_err(|problems| not_saved("số liệu", problems))?;
        let changed: Vec<String> = facts
            .iter()
            .filter(|f| before.get(&f.name) != Some(&f.literal))
            .map(|f| format!("{} = {}", f.name, f.literal))
            .collect();
        let why = if changed.is_empty() {
            "sửa số liệu".to_owned()
        } else {
            changed.join("; ")
        };
        match self.db.set_facts(ws, &facts, &why, expected).await? {
            Saved::Yes(_) => Ok(()),
            Saved::Stale => Err(edited_meanwhile("số liệu")),
        }
    }

    // ---- notes ------------------------------------------------------------------------

    /// Saves a row's note over the version the form showed, after the library has read it;
    /// a stale version is refused, not merged.
    pub async fn save_note(self: &Arc<Self>, ws: i64, note: NoteRow) -> Result<i64, AppError> {
        let workspace = self.workspace(ws).await?;
        let set = self.set_of(&workspace)?;
        if set
            .set()
            .criterion(&note.row_id)
            .and_then(|c| c.leaf.as_ref())
            .is_none()
        {
            return Err(no_row(&note.row_id));
        }
        let current = self.note(ws, &note.row_id).await?;
        if current.version != note.version {
            return Err(stale());
        }
        let mut snap = self.snapshot(ws).await?;
        snap.notes.retain(|n| n.row_id != note.row_id);
        snap.notes.push(note.clone());
        self.try_snapshot(snap, parindex_core::evidence::NOTES_FILE)
            .await
            .map_err(|problems| not_saved("giải trình", problems))?;
        match self.db.save_note(ws, &note).await? {
            Saved::Yes(v) => Ok(v),
            Saved::Stale => Err(stale()),
        }
    }

    /// Saves part 3 over the version the form showed.
    pub async fn save_proposals(
        self: &Arc<Self>,
        ws: i64,
        text: Option<String>,
        version: i64,
    ) -> Result<i64, AppError> {
        let mut snap = self.snapshot(ws).await?;
        snap.ws.proposals = text.clone();
        self.try_snapshot(snap, parindex_core::evidence::NOTES_FILE)
            .await
            .map_err(|problems| not_saved("phần 3", problems))?;
        match self.db.set_proposals(ws, text.as_deref(), version).await? {
            Saved::Yes(v) => Ok(v),
            Saved::Stale => Err(edited_meanwhile("phần 3")),
        }
    }

    /// Why `bytes` cannot be attached to `row` of `set`, if it cannot: no such row, empty, or
    /// over [`Limits::attachment_bytes`].
    fn check_attachment(
        &self,
        set: &CriteriaEntry,
        row: &str,
        bytes: &[u8],
    ) -> Result<(), AppError> {
        if set
            .set()
            .criterion(row)
            .and_then(|c| c.leaf.as_ref())
            .is_none()
        {
            return Err(no_row(row));
        }
        if bytes.is_empty() {
            return Err(AppError::BadRequest("tệp đính kèm trống".to_owned()));
        }
        if bytes.len() > self.limits.attachment_bytes {
            return Err(AppError::TooLarge(format!(
                "tệp đính kèm tối đa {} MiB",
                self.limits.attachment_bytes >> 20
            )));
        }
        Ok(())
    }

    /// Takes the attachment `aid` off its row (the database's history says so; its file stays
    /// in the store); the row it was on.
    pub async fn detach(self: &Arc<Self>, ws: i64, aid: i64) -> Result<String, AppError> {
        self.workspace(ws).await?;
        self.db
            .remove_attachment(ws, aid)
            .await?
            .map(|a| a.row_id)
            .ok_or_else(|| AppError::NotFound("không có tệp đính kèm này".to_owned()))
    }

    /// Attaches a TLKC file to a row.
    pub async fn attach(
        self: &Arc<Self>,
        ws: i64,
        row: &str,
        raw_name: &str,
        bytes: &[u8],
    ) -> Result<i64, AppError> {
        let workspace = self.workspace(ws).await?;
        let set = self.set_of(&workspace)?;
        self.check_attachment(&set, row, bytes)?;
        let sha = self.blobs.put(bytes)?;
        let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        Ok(self
            .db
            .add_attachment(ws, row, &display_name(raw_name), &sha, size)
            .await?)
    }

    /// A workspace made from an exported folder (a zip of it): its `unit.toml` names the unit,
    /// every other file goes through [`App::upload`] with the same checks, and the attached
    /// files come back as attachments of the rows whose `notes.toml` entries name them.
    pub async fn import_zip(
        self: &Arc<Self>,
        criteria: &str,
        bytes: &[u8],
    ) -> Result<(i64, UploadOutcome), AppError> {
        let entries = unzip_bounded(bytes, self.limits.request_bytes)?;
        let unit = entries
            .iter()
            .find(|(n, _)| n == "unit.toml")
            .ok_or_else(|| {
                AppError::BadRequest(
                    "tệp zip không có unit.toml ở thư mục gốc: không phải thư mục minh chứng của \
                     một đơn vị"
                        .to_owned(),
                )
            })?;
        let unit = parindex_core::evidence::parse_unit(Path::new("unit.toml"), &unit.1).map_err(
            |problems| AppError::Invalid {
                message: "unit.toml trong tệp zip không hợp lệ: cần đúng ba khóa code, name, group"
                    .to_owned(),
                problems: problems.iter().map(|d| Problem::under(d, None)).collect(),
            },
        )?;
        let mut attached: Vec<Attached> = Vec::new();
        let mut files = Vec::new();
        let mut ignored = Vec::new();
        for (name, data) in &entries {
            if name == "unit.toml" {
                continue;
            }
            if name.contains('/') {
                if !name.starts_with(&format!("{}/", crate::folder::ATTACHMENTS_DIR)) {
                    ignored.push(name.clone());
                }
                continue;
            }
            if name == parindex_core::evidence::NOTES_FILE {
                let (notes, found) = split_attachments(data, &entries);
                attached.extend(found);
                files.push((name.clone(), Received::Memory(Bytes::from(notes))));
            } else {
                files.push((name.clone(), Received::Memory(Bytes::from(data.clone()))));
            }
        }
        // Whatever would refuse the import as a whole is refused before the workspace exists,
        // so that a refused import leaves none behind.
        if files.len() > self.limits.files_per_upload {
            return Err(self.too_many_files());
        }
        let set = self.find_set(criteria).await?;
        if let Some(set) = &set {
            for (row, _, data) in &attached {
                self.check_attachment(set, row, data)?;
            }
        }
        let id = self
            .create_workspace(criteria, &unit.code, &unit.name, &unit.group)
            .await?;
        let mut outcome = self.upload(id, Upload::of(files)).await?;
        for (row, name, data) in attached {
            self.attach(id, &row, &name, &data).await?;
            outcome.files.push(UploadedFile::taken(
                name.clone(),
                format!("tệp đính kèm của dòng {row}"),
                None,
                String::new(),
            ));
        }
        for name in ignored {
            outcome.files.push(UploadedFile::ignored(
                display_name(&name),
                "nằm trong thư mục con: không dùng".to_owned(),
            ));
        }
        Ok((id, outcome))
    }

    /// Replays a report JSON against the workspace at the report's as-of date, as `parindex
    /// verify` does: identical bytes, or what differs, row by row.
    pub async fn verify(self: &Arc<Self>, ws: i64, text: &str) -> Result<Verified, AppError> {
        let snap = self.snapshot(ws).await?;
        let set = self.set_of(&snap.ws)?;
        let app = Arc::clone(self);
        let text = text.to_owned();
        let encoding = snap.encoding;
        // Read on the blocking thread too: a report may be large.
        let (old, replayed) = tokio::task::spawn_blocking(move || {
            let old = report_of(&text, "tệp")?;
            let folder = app.folder(&snap, &[])?;
            // As `parindex score` reads the folder (see `read_folder`).
            let options = read_options(encoding, None);
            let replayed = parindex_core::replay(
                &set.compiled,
                &folder,
                FolderFiles::root(),
                &old,
                &text,
                &options,
            )
            .map_err(|e| AppError::Invalid {
                message: "minh chứng của hồ sơ không đọc được nên chưa chấm lại được".to_owned(),
                problems: problems_of(&e),
            })?;
            Ok::<_, AppError>((old, replayed))
        })
        .await
        .map_err(|e| AppError::Internal(format!("chấm lại: {e}")))??;
        let as_of = old.as_of;
        let edited_as_of = parindex_core::compare::edited_as_of(&old).map(str::to_owned);
        Ok(Verified {
            identical: replayed.agrees,
            as_of: parindex_core::date::vi_date(as_of),
            edited_as_of,
            differences: Differences::of(replayed.comparison),
            edited_after: replayed.cause == Some(parindex_core::replay::Cause::EditedText),
        })
    }

    /// Every deciding record of the row `row` as the workspace stands, cells and all (the
    /// library's [`parindex_core::CompiledCriteria::row_records`] on its folder, read as it is
    /// scored): what the row's page downloads and `parindex explain --records` prints.
    pub async fn row_records(
        self: &Arc<Self>,
        ws: i64,
        row: &str,
    ) -> Result<Vec<RecordTable>, AppError> {
        let snap = self.snapshot(ws).await?;
        let set = self.set_of(&snap.ws)?;
        let as_of = as_of_of(&set, &snap)?;
        let app = Arc::clone(self);
        let row = row.to_owned();
        tokio::task::spawn_blocking(move || {
            let contents = snap.contents(false)?;
            let hashed = Self::hashes(&contents);
            let folder = app.folder_of(contents, &[])?;
            let encoding = snap.encoding;
            // The tables the last scoring kept: only the row's own table is read again.
            app.with_tables(snap.ws.id, &set, encoding, &hashed, &[], None, |ahead| {
                let options = read_options(encoding, Some(ahead));
                set.compiled
                    .row_records(&folder, FolderFiles::root(), &row, as_of, &options)
            })
            .map_err(|e| AppError::Invalid {
                message: "minh chứng của hồ sơ không đọc được nên chưa liệt kê được".to_owned(),
                problems: problems_of(&e),
            })?
            .ok_or_else(|| no_row(&row))
        })
        .await
        .map_err(|e| AppError::Internal(format!("liệt kê bản ghi: {e}")))?
    }

    /// The workspace as a zip that is exactly its evidence folder, attachments included.
    pub async fn export_zip(self: &Arc<Self>, ws: i64) -> Result<Vec<u8>, AppError> {
        let snap = self.snapshot(ws).await?;
        let mut files = Vec::new();
        for (name, content) in snap.contents(true)? {
            let bytes = match content {
                Content::Bytes(b) => b,
                Content::Blob(sha) => self.blobs.get(&sha)?,
            };
            files.push((name, bytes));
        }
        zip_files(files.iter().map(|(n, b)| (n.as_str(), b.as_slice())))
    }
}

/// The largest criteria set taken: its file, or its folder zipped (and inflated).
const CRITERIA_BYTES: usize = 4 << 20;

/// A criteria set's files by their names in its folder: a `criteria.toml` alone (UTF-8), or a
/// zip of the set's folder — `criteria.toml` with its rule files (`rule_file`) and cases —
/// read with the zip's bounds; other files in the zip are left out.
fn criteria_files(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, AppError> {
    let criteria = parindex_core::criteria::CRITERIA_FILE;
    if !bytes.starts_with(b"PK\x03\x04") {
        std::str::from_utf8(bytes).map_err(|_| {
            AppError::BadRequest(
                "tệp bộ tiêu chí không phải văn bản UTF-8 (cần criteria.toml, hoặc tệp zip của \
                 thư mục bộ tiêu chí)"
                    .to_owned(),
            )
        })?;
        return Ok(vec![(criteria.to_owned(), bytes.to_vec())]);
    }
    let files: Vec<(String, Vec<u8>)> = unzip_bounded(bytes, CRITERIA_BYTES)?
        .into_iter()
        .filter(|(name, _)| {
            Path::new(name)
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| matches!(e, "toml" | "rhai" | "cases"))
        })
        .collect();
    if !files.iter().any(|(n, _)| n == criteria) {
        return Err(AppError::BadRequest(format!(
            "tệp zip không có {criteria} ở thư mục gốc: không phải thư mục của một bộ tiêu chí"
        )));
    }
    Ok(files)
}

/// Writes a set's files under `dir` (names from [`criteria_files`]: inside the folder).
fn write_set(dir: &Path, files: &[(String, Vec<u8>)]) -> Result<(), AppError> {
    let err = |e: std::io::Error| AppError::Internal(format!("bộ tiêu chí: {e}"));
    for (name, bytes) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(err)?;
        }
        if std::fs::read(&path).ok().as_deref() != Some(bytes.as_slice()) {
            std::fs::write(&path, bytes).map_err(err)?;
        }
    }
    Ok(())
}

/// A zip of `files` (name, bytes) in the order given, deflated, every date the zip format's
/// first: the same files give the same bytes.
pub(crate) fn zip_files<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> Result<Vec<u8>, AppError> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let zerr = |e: zip::result::ZipError| AppError::Internal(format!("zip: {e}"));
    for (name, bytes) in files {
        zip.start_file(name, options).map_err(zerr)?;
        zip.write_all(bytes)
            .map_err(|e| AppError::Internal(format!("zip: {e}")))?;
    }
    Ok(zip.finish().map_err(zerr)?.into_inner())
}

/// The files of a zip, by their names in it (a single top folder around them dropped), read
/// with every bound: no link, no name outside the folder, at most 10,000 entries and `limit`
/// bytes inflated in all (counted while inflating, not taken from the zip's own sizes).
pub(crate) fn unzip_bounded(
    bytes: &[u8],
    limit: usize,
) -> Result<Vec<(String, Vec<u8>)>, AppError> {
    let mut out = unzip_parts(bytes, limit)?;
    // A zip of the folder itself: one top folder around everything.
    if top_folder(&out).is_some() {
        for (n, _) in &mut out {
            n.remove(0);
        }
    }
    Ok(out.into_iter().map(|(n, d)| (n.join("/"), d)).collect())
}

/// A file of a zip: the parts of its name (folders, then the file's), and its bytes.
pub(crate) type ZipPart = (Vec<String>, Vec<u8>);

/// The one folder every file of a zip is in, if there is one (a zip of a folder itself).
pub(crate) fn top_folder(parts: &[ZipPart]) -> Option<&str> {
    let top = parts.first().filter(|(n, _)| n.len() > 1)?.0[0].as_str();
    parts
        .iter()
        .all(|(n, _)| n.len() > 1 && n[0] == top)
        .then_some(top)
}

/// The files of a zip, each by the parts of its name in it, read with [`unzip_bounded`]'s
/// bounds; no top folder dropped.
pub(crate) fn unzip_parts(bytes: &[u8], limit: usize) -> Result<Vec<ZipPart>, AppError> {
    use std::io::Read;
    let bad = |why: &str| AppError::BadRequest(format!("tệp zip không dùng được: {why}"));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|_| bad("không phải tệp zip hợp lệ"))?;
    if zip.len() > 10_000 {
        return Err(bad("quá 10.000 tệp"));
    }
    // The zip reader keeps the later of two entries of one name; `unzip` or Windows may give
    // the earlier: the folder taken in would not be the one an auditor unpacks.
    if zip.has_duplicate_names() {
        return Err(bad(
            "có hai tệp cùng tên (tệp zip có thể đã bị sửa bằng tay)",
        ));
    }
    let mut out = Vec::new();
    let mut total = 0usize;
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|_| bad("một mục bị hỏng"))?;
        if entry.is_dir() {
            continue;
        }
        if entry.is_symlink() {
            return Err(bad("có liên kết tượng trưng (symlink)"));
        }
        let Some(name) = entry.enclosed_name() else {
            return Err(bad(
                "có tên tệp ra ngoài thư mục (../ hoặc đường dẫn tuyệt đối)",
            ));
        };
        let name: Vec<String> = name
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let mut data = Vec::new();
        let budget = limit.saturating_sub(total) as u64 + 1;
        (&mut entry)
            .take(budget)
            .read_to_end(&mut data)
            .map_err(|_| bad("một mục không giải nén được"))?;
        total += data.len();
        if total > limit {
            return Err(AppError::TooLarge(format!(
                "tệp zip giải nén ra quá {} MiB",
                limit >> 20
            )));
        }
        out.push((name, data));
    }
    // A file that is also a folder of another (`a.rhai` and `a.rhai/b.rhai`) says two
    // different folders.
    let names: BTreeSet<&[String]> = out.iter().map(|(n, _)| n.as_slice()).collect();
    for (name, _) in &out {
        for folder in (1..name.len()).map(|n| &name[..n]) {
            if names.contains(folder) {
                return Err(bad(&format!(
                    "{} vừa là tệp vừa là thư mục",
                    parindex_core::visible::visible(&folder.join("/"))
                )));
            }
        }
    }
    Ok(out)
}

/// An attachment found in an imported folder: its row, name and bytes.
type Attached = (String, String, Vec<u8>);

/// notes.toml with the entries that name an exported attachment taken out, and those
/// attachments (row, name, bytes): an import gives them back as attachments, not documents.
fn split_attachments(notes: &[u8], entries: &[(String, Vec<u8>)]) -> (Vec<u8>, Vec<Attached>) {
    let Some(mut parsed) = std::str::from_utf8(notes)
        .ok()
        .and_then(|t| toml::from_str::<NotesToml>(t).ok())
    else {
        // Left to the upload's checks to refuse.
        return (notes.to_vec(), Vec::new());
    };
    let prefix = format!("tệp đính kèm {}/", crate::folder::ATTACHMENTS_DIR);
    let mut found = Vec::new();
    for (row, note) in &mut parsed.tieu_chi {
        note.tai_lieu.retain(|d| {
            let Some(path) = d
                .trich_yeu
                .as_deref()
                .and_then(|t| t.strip_prefix("tệp đính kèm "))
            else {
                return true;
            };
            if !d
                .trich_yeu
                .as_deref()
                .is_some_and(|t| t.starts_with(&prefix))
            {
                return true;
            }
            let Some((_, data)) = entries.iter().find(|(n, _)| n == path) else {
                return true;
            };
            let name = d
                .so_ky_hieu
                .rsplit_once(" [SHA-256 ")
                .map_or(d.so_ky_hieu.as_str(), |(n, _)| n);
            found.push((row.clone(), name.to_owned(), data.clone()));
            false
        });
    }
    match toml::to_string(&parsed) {
        Ok(text) => (text.into_bytes(), found),
        Err(_) => (notes.to_vec(), Vec::new()),
    }
}

/// A table file of an upload, waiting for the reading of the folder with it.
#[derive(Debug)]
struct Pending {
    index: usize,
    name: String,
    slot: String,
    stored_name: String,
    taken_as: String,
    size: i64,
    /// Where it is read from while it is tried.
    from: Trying,
    /// Its hash, from the reading that took it in.
    sha: Option<String>,
    /// Its synced copy in the store's temporary folder, being written.
    written: tokio::task::JoinHandle<Result<tempfile::NamedTempFile, AppError>>,
}

/// `unit.toml`, `facts.toml`, `notes.toml`: the officer's own files, not tables.
pub fn is_own_file(raw_name: &str) -> bool {
    matches!(
        lower_name(raw_name).as_str(),
        "unit.toml" | "facts.toml" | "notes.toml"
    )
}

/// What a file of an upload is, by its (lower-case) name: its slot, its name in the folder
/// and what it is taken as; or why it is not used.
fn classify(set: &CriteriaEntry, lower: &str) -> Result<(String, String, String), String> {
    let path = Path::new(lower);
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_owned();
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .map(fold_header)
        .unwrap_or_default();
    // The file extensions the library reads a table from.
    if !TEXT_EXTENSIONS.contains(&ext.as_str()) && !WORKBOOK_EXTENSIONS.contains(&ext.as_str()) {
        return Err(
            "không phải bảng số liệu (csv, txt, tsv, xlsx, xlsm, xls, ods), unit.toml, \
                    facts.toml hay notes.toml: không dùng"
                .to_owned(),
        );
    }
    // The survey's results and the appraisal (Sở Nội vụ's files), read by their names.
    match lower {
        "survey.csv" => {
            return Ok((
                "survey".to_owned(),
                lower.to_owned(),
                "kết quả điều tra xã hội học (survey.csv)".to_owned(),
            ))
        }
        "appraisal.csv" => {
            return Ok((
                "appraisal".to_owned(),
                lower.to_owned(),
                "kết quả thẩm định (appraisal.csv)".to_owned(),
            ))
        }
        _ => {}
    }
    let table = set.set().tables.iter().find(|t| {
        Path::new(&t.file)
            .file_stem()
            .and_then(|s| s.to_str())
            .is_some_and(|s| fold_header(s) == stem)
    });
    match table {
        Some(t) => {
            let file_stem = Path::new(&t.file)
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or(&t.name)
                .to_owned();
            Ok((
                t.name.clone(),
                format!("{file_stem}.{ext}"),
                format!("bảng {} ({})", t.name, t.title),
            ))
        }
        None if WORKBOOK_EXTENSIONS.contains(&ext.as_str()) => {
            let key = parindex_core::fingerprint::sha256_hex(stem.as_bytes());
            Ok((
                format!("workbook:{stem}"),
                format!("so-lieu-{}.{ext}", &key[..8]),
                "sổ tính (đọc các trang mang tên bảng)".to_owned(),
            ))
        }
        None => Err(
            "tên tệp không khớp bảng nào của bộ tiêu chí: không dùng (hãy đặt tên tệp \
                     theo bảng, ví dụ dossiers.csv)"
                .to_owned(),
        ),
    }
}

/// A note saved over by someone else.
pub fn stale() -> AppError {
    edited_meanwhile("dòng này")
}

/// `what` (as the sentence names it) saved over by someone else since the form was opened.
fn edited_meanwhile(what: &str) -> AppError {
    AppError::Conflict(format!(
        "{what} đã được sửa (ở cửa sổ khác hoặc bởi người khác) từ khi bạn mở trang; nội dung \
         của bạn chưa được lưu: hãy tải lại trang, xem bản mới rồi sửa lại"
    ))
}

/// `what` (as the sentence names it) refused with its problems: nothing was saved.
pub fn not_saved(what: &str, problems: Vec<Problem>) -> AppError {
    AppError::Invalid {
        message: format!("{what} có lỗi nên chưa được lưu"),
        problems,
    }
}

/// A row the criteria set does not score (no leaf of that id).
pub fn no_row(row: &str) -> AppError {
    AppError::NotFound(format!(
        "không có dòng `{}` trong bộ tiêu chí",
        parindex_core::visible::visible(row)
    ))
}

/// The unit's fields, checked: none blank, none with hidden characters, bounded.
fn unit_fields(code: &str, name: &str, group: &str) -> Result<(String, String, String), AppError> {
    let mut out = Vec::new();
    for (what, v) in [("mã đơn vị", code), ("tên đơn vị", name), ("nhóm", group)] {
        let Some(t) = form_text(v) else {
            return Err(AppError::BadRequest(format!("chưa ghi {what}")));
        };
        if t.chars().any(char::is_control) || t.chars().count() > 200 {
            return Err(AppError::BadRequest(format!(
                "{what} có ký tự điều khiển hoặc dài quá 200 ký tự"
            )));
        }
        out.push(t);
    }
    let mut it = out.into_iter();
    match (it.next(), it.next(), it.next()) {
        (Some(a), Some(b), Some(c)) => Ok((a, b, c)),
        _ => Err(AppError::Internal("đơn vị".to_owned())),
    }
}

/// A facts.toml as rows: each fact's value kept as its TOML literal.
fn parse_facts(text: &str) -> Result<Vec<FactRow>, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| e.message().to_owned())?;
    let mut out = Vec::new();
    for (name, v) in table {
        let (value, source) = match v {
            toml::Value::Table(mut t) => {
                let value = t.remove("value").ok_or("value")?;
                let source = match t.remove("source") {
                    Some(toml::Value::String(s)) => Some(s),
                    None => None,
                    Some(_) => return Err("source".to_owned()),
                };
                if !t.is_empty() {
                    return Err("khóa lạ".to_owned());
                }
                (value, source)
            }
            other => (other, None),
        };
        let literal = value.to_string();
        // Round-trips, or it is refused here rather than written differently.
        if literal_value(&literal).ok().as_ref() != Some(&value) {
            return Err(name);
        }
        out.push(FactRow {
            name,
            literal,
            source,
        });
    }
    Ok(out)
}

fn load_set(dir: &Path, sha256: String, shipped: bool) -> Result<CriteriaEntry, AppError> {
    let set = load_criteria(&FsFiles, dir)
        .map_err(|e| AppError::Internal(format!("bộ tiêu chí đóng gói: {e}")))?;
    let facts = parindex_core::check::facts_named(&set);
    let compiled = CompiledCriteria::compile(set)
        .map_err(|e| AppError::Internal(format!("bộ tiêu chí đóng gói: {e}")))?;
    Ok(CriteriaEntry {
        id: compiled.criteria().id.clone(),
        title: compiled.criteria().title.clone(),
        year: compiled.criteria().year,
        sha256,
        compiled,
        facts,
        shipped,
        cases: std::sync::OnceLock::new(),
    })
}

/// The date a snapshot is scored at: its campaign's, else the set's default.
fn as_of_of(set: &CriteriaEntry, snap: &Snapshot) -> Result<parindex_core::Date, AppError> {
    set.compiled
        .as_of(snap.as_of)
        .map_err(|_| AppError::Internal(format!("năm {} không có ngày 31/12", set.year)))
}

/// What the tables kept from a workspace's reading were read with: its set and encoding.
fn kept_key(set: &CriteriaEntry, encoding: TextEncoding) -> String {
    format!("{} {}", set.sha256, encoding.name())
}

/// A workspace's evidence folder read and scored by the library at `as_of`, as
/// `parindex score` reads and scores it.
fn read_folder(
    set: &CriteriaEntry,
    folder: &FolderFiles,
    as_of: parindex_core::Date,
    encoding: TextEncoding,
    ahead: Option<&ReadAhead>,
) -> Result<(Evidence, parindex_core::Report), Error> {
    set.compiled.read_and_score(
        folder,
        FolderFiles::root(),
        as_of,
        &read_options(encoding, ahead),
    )
}

/// How a workspace's folder is read: its tables' text in `encoding` (the workspace's setting),
/// taking the tables `ahead` holds.
fn read_options(encoding: TextEncoding, ahead: Option<&ReadAhead>) -> ReadOptions<'_> {
    ReadOptions {
        encoding,
        ahead,
        ..ReadOptions::default()
    }
}

/// A report with what the pages show beside it: its JSON, where each table came from, and
/// which tables the unit has.
fn scored_report(
    set: &CriteriaEntry,
    evidence: &Evidence,
    report: parindex_core::Report,
) -> ScoredReport {
    let json = report.to_json();
    let tables = set
        .set()
        .tables
        .iter()
        .filter(|t| evidence.has_table(&t.name))
        .map(|t| t.name.clone())
        .collect();
    ScoredReport {
        report,
        json,
        sources: evidence.sources().to_vec(),
        tables,
    }
}
