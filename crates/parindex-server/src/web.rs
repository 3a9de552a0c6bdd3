//! The pages: server-rendered askama templates (escaped by default), Vietnamese, decimal
//! comma, `dd/mm/yyyy`. Each handler reads the form, calls [`crate::service`], and renders.
//! Forms carry the CSRF token in their action's query (see [`crate::security`]).

use std::sync::Arc;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Multipart, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use parindex_core::criteria::{CriteriaSet, FactType};
use parindex_core::date::vi_date;
use parindex_core::evidence::TextEncoding;
use parindex_core::num::{vi_count, vi_decimal, vi_percent};
use parindex_core::report::Status;
use parindex_core::visible::visible;
use parindex_core::Report;
use parindex_render::table::without_points;
use parindex_render::ExplainParts;
use rust_decimal::Decimal;

use crate::error::{AppError, Problem};
use crate::extract::{VForm, VMultipart, VPath};
use crate::format::{vi_size, vi_time};
use crate::security::CsrfToken;
use crate::service::{
    form_text, is_own_file, no_row, not_saved, App, Received, ScoredReport, TableState, Upload,
    UploadOutcome,
};
use crate::store::{FactRow, NoteDocument, NoteRow, Workspace, Writeback};

type S = State<Arc<App>>;

const CSS: &str = include_str!("../static/style.css");
const HTMX: &str = include_str!("../static/htmx.min.js");

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(home))
        .route("/workspaces", post(create))
        .route("/import", post(import))
        .route("/criteria", get(criteria_page).post(upload_criteria))
        .route("/criteria/{sha}", get(criteria_set_page))
        .route("/w/{id}", get(score_page))
        .route("/w/{id}/as-of", post(save_as_of))
        .route("/w/{id}/encoding", post(save_encoding))
        .route("/w/{id}/evidence", get(evidence_page).post(upload))
        .route("/w/{id}/files/{fid}/restore", post(restore))
        .route("/w/{id}/unit", post(save_unit))
        .route("/w/{id}/archive", post(archive))
        .route("/w/{id}/facts", get(facts_page).post(save_facts))
        .route("/w/{id}/gaps", get(gaps_page))
        .route("/w/{id}/rows/{row}", get(row_page))
        .route("/w/{id}/rows/{row}/note", post(save_note))
        .route("/w/{id}/rows/{row}/attachments", post(attach))
        .route("/w/{id}/rows/{row}/records/{n}", get(records_csv))
        .route("/w/{id}/attachments/{aid}", get(attachment))
        .route("/w/{id}/attachments/{aid}/remove", post(detach))
        .route("/w/{id}/notes", get(notes_page))
        .route("/w/{id}/proposals", post(save_proposals))
        .route("/w/{id}/download/{format}", get(download))
        .route("/w/{id}/export.zip", get(export))
        .route("/w/{id}/history", get(history))
        .route("/w/{id}/verify", get(verify_page).post(verify))
        .route("/w/{id}/compare", post(compare))
        .route("/static/style.css", get(css))
        .route("/static/htmx.min.js", get(htmx))
        .fallback(not_found)
}

fn page(t: &impl Template) -> Result<Response, AppError> {
    t.render()
        .map(|body| Html(body).into_response())
        .map_err(|e| AppError::Internal(format!("mẫu trang: {e}")))
}

async fn not_found() -> AppError {
    AppError::NotFound("không có trang này".to_owned())
}

async fn css() -> Response {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "max-age=3600"),
        ],
        CSS,
    )
        .into_response()
}

async fn htmx() -> Response {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "max-age=3600"),
        ],
        HTMX,
    )
        .into_response()
}

/// The workspace as the header of every page shows it.
#[derive(Debug)]
pub struct WsView {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub group: String,
    pub year: i64,
    pub criteria: String,
    pub created: String,
    /// Put away: its pages say so, and where to bring it back.
    pub archived: bool,
}

impl WsView {
    fn of(w: &Workspace, app: &App) -> Self {
        Self {
            id: w.id,
            code: w.unit_code.clone(),
            name: w.unit_name.clone(),
            group: w.unit_group.clone(),
            year: w.year,
            criteria: app
                .set_of(w)
                .map_or_else(|_| w.criteria_id.clone(), |s| s.title.clone()),
            created: vi_time(w.created_at),
            archived: w.archived_at.is_some(),
        }
    }
}

// ---- home ------------------------------------------------------------------------------

#[derive(Debug, Template)]
#[template(path = "home.html")]
struct Home {
    csrf: String,
    workspaces: Vec<HomeRow>,
    /// Put away: listed apart, not scored.
    archived: Vec<ArchivedRow>,
    sets: Vec<(String, String)>,
}

#[derive(Debug)]
struct ArchivedRow {
    ws: WsView,
    at: String,
}

/// A workspace on the home page, with the headline of its score page.
#[derive(Debug)]
struct HomeRow {
    ws: WsView,
    index: String,
    rating: String,
}

impl HomeRow {
    async fn of(w: &Workspace, app: &Arc<App>) -> Self {
        let (index, rating) = match app.scored(w.id).await.as_deref().map(|s| &s.outcome) {
            Ok(Ok(s)) if nothing_scored(&s.report) => {
                ("chưa có minh chứng".to_owned(), "—".to_owned())
            }
            Ok(Ok(s)) => {
                let t = total_view(&s.report);
                (t.index, t.rating)
            }
            // Its own page says why.
            Ok(Err(_)) | Err(_) => ("—".to_owned(), "—".to_owned()),
        };
        Self {
            ws: WsView::of(w, app),
            index,
            rating,
        }
    }
}

/// Whether no row was decided from evidence yet (a workspace just created): its 0% is not a
/// score to show beside the others.
fn nothing_scored(report: &Report) -> bool {
    report.nodes.iter().filter(|n| n.is_leaf()).all(|n| {
        matches!(
            n.status,
            Status::NoEvidence | Status::PendingSurvey | Status::NotApplicable
        )
    })
}

async fn home(
    State(app): S,
    viewer: crate::auth::Viewer,
    CsrfToken(csrf): CsrfToken,
) -> Result<Response, AppError> {
    // On the province's server the campaigns are the first page.
    if let crate::auth::Viewer::Account(_) = viewer {
        return Ok(Redirect::to("/campaigns").into_response());
    }
    // Each scored as its own page scores it (then cached): one at a time, an officer's
    // handful of workspaces.
    let (mut workspaces, mut archived) = (Vec::new(), Vec::new());
    for w in app.readable_workspaces(&viewer).await?.iter() {
        match w.archived_at {
            None => workspaces.push(HomeRow::of(w, &app).await),
            Some(at) => archived.push(ArchivedRow {
                ws: WsView::of(w, &app),
                at: vi_time(at),
            }),
        }
    }
    let sets = set_choices(&app).await?;
    page(&Home {
        csrf,
        workspaces,
        archived,
        sets,
    })
}

/// The sets to choose from: (key, label).
pub(crate) async fn set_choices(app: &App) -> Result<Vec<(String, String)>, AppError> {
    Ok(app
        .sets()
        .await?
        .iter()
        .map(|s| {
            let label = if s.shipped {
                format!("{} (kèm phần mềm)", s.title)
            } else {
                format!(
                    "{} ({}, tải lên, {})",
                    s.title,
                    s.id,
                    crate::folder::short(&s.sha256)
                )
            };
            (s.sha256.clone(), label)
        })
        .collect())
}

#[derive(Debug, Template)]
#[template(path = "criteria.html")]
struct CriteriaPage {
    csrf: String,
    sets: Vec<(String, String)>,
    added: Option<String>,
}

async fn criteria_page(State(app): S, CsrfToken(csrf): CsrfToken) -> Result<Response, AppError> {
    page(&CriteriaPage {
        csrf,
        sets: set_choices(&app).await?,
        added: None,
    })
}

async fn upload_criteria(
    State(app): S,
    CsrfToken(csrf): CsrfToken,
    VMultipart(multipart): VMultipart,
) -> Result<Response, AppError> {
    let bytes = chosen_file(multipart, "file", "criteria.toml").await?;
    let entry = app.upload_criteria(&bytes).await?;
    page(&CriteriaPage {
        csrf,
        sets: set_choices(&app).await?,
        added: Some(format!("{} ({})", entry.title, entry.id)),
    })
}

/// A criteria set explained without evidence, every row as `parindex explain` explains it:
/// the tree with each node's maximum, and each row's rule.
#[derive(Debug, Template)]
#[template(path = "criteria_set.html")]
struct CriteriaSetPage {
    title: String,
    id: String,
    year: i32,
    short_hash: String,
    rows: Vec<ExplainedRow>,
    passed: usize,
    failed: Vec<FailedCase>,
    case_problems: Vec<Problem>,
}

/// A case that did not give what it expects, as `parindex test` prints it.
#[derive(Debug)]
struct FailedCase {
    place: String,
    row: String,
    as_of: String,
    evidence: String,
    expected: String,
    got: String,
    explanation: String,
}

#[derive(Debug)]
struct ExplainedRow {
    id: String,
    title: String,
    max: String,
    /// 1 for a field, 2 for a criterion, 3 for a sub-criterion.
    depth: usize,
    /// The rule in the parts `parindex explain` prints; none for a node that is not a row.
    rule: Option<ExplainParts>,
}

/// A row explained without evidence, for a page: `parindex explain`'s parts
/// ([`parindex_render::explain_parts`]), laid out by `macros.html`, every text with its hidden
/// characters shown (an uploaded set is a stranger's text).
fn explained(row: &parindex_core::explain::RowExplanation) -> ExplainParts {
    let seen = |t: &str| visible(t).into_owned();
    let parts = parindex_render::explain_parts(row);
    ExplainParts {
        heading: seen(&parts.heading),
        lines: parts.lines.iter().map(|(l, v)| (*l, seen(v))).collect(),
        rule: parts.rule.map(|r| parindex_render::RuleParts {
            place: seen(&r.place),
            code: parindex_core::visible::visible_lines(&r.code).into_owned(),
            readings: r.readings.iter().map(|t| seen(t)).collect(),
        }),
    }
}

async fn criteria_set_page(State(app): S, VPath(sha): VPath<String>) -> Result<Response, AppError> {
    let entry = app
        .find_set(&sha)
        .await?
        .filter(|s| s.sha256 == sha)
        .ok_or_else(|| AppError::NotFound("không có bộ tiêu chí này".to_owned()))?;
    let set = entry.set();
    let rows = set
        .criteria
        .iter()
        .map(|c| ExplainedRow {
            id: c.id.clone(),
            title: c.title.clone(),
            max: vi_decimal(c.max),
            depth: c.depth,
            rule: match (&c.leaf, parindex_core::explain::explain_row(set, &c.id)) {
                (Some(_), Some(r)) => Some(explained(&r)),
                _ => None,
            },
        })
        .collect();
    let run = {
        let entry = Arc::clone(&entry);
        tokio::task::spawn_blocking(move || entry.cases().clone())
            .await
            .map_err(|e| AppError::Internal(format!("ca kiểm thử: {e}")))?
    };
    let failed = run
        .failed
        .iter()
        .map(|r| FailedCase {
            place: format!(
                "{}:{}",
                r.case
                    .file
                    .file_name()
                    .map(|n| crate::service::display_name(&n.to_string_lossy()))
                    .unwrap_or_default(),
                r.case.line
            ),
            // An uploaded file's text, its hidden characters shown as the CLI shows them.
            row: visible(&r.case.row).into_owned(),
            as_of: r.case.as_of.map_or_else(|| "-".to_owned(), vi_date),
            evidence: visible(&r.case.evidence).into_owned(),
            expected: visible(&r.case.expected).into_owned(),
            got: visible(&r.got).into_owned(),
            explanation: visible(&r.explanation).into_owned(),
        })
        .collect();
    page(&CriteriaSetPage {
        title: entry.title.clone(),
        id: entry.id.clone(),
        year: entry.year,
        short_hash: crate::folder::short(&entry.sha256).to_owned(),
        rows,
        passed: run.passed,
        failed,
        case_problems: run.problems,
    })
}

#[derive(Debug, serde::Deserialize)]
pub struct CreateForm {
    pub criteria: String,
    pub code: String,
    pub name: String,
    /// Empty or absent: the set's own group.
    #[serde(default)]
    pub group: String,
}

async fn create(State(app): S, VForm(f): VForm<CreateForm>) -> Result<Response, AppError> {
    let id = app
        .create_workspace(&f.criteria, &f.code, &f.name, &f.group)
        .await?;
    Ok(Redirect::to(&format!("/w/{id}/evidence")).into_response())
}

async fn import(
    State(app): S,
    CsrfToken(csrf): CsrfToken,
    VMultipart(multipart): VMultipart,
) -> Result<Response, AppError> {
    let (id, outcome) = import_form(&app, multipart).await?;
    evidence_view(&app, csrf, id, Some(outcome)).await
}

/// A workspace made from the zip of a form's `file` field, on the set its `criteria` field
/// names (else the shipped one).
pub async fn import_form(
    app: &Arc<App>,
    multipart: Multipart,
) -> Result<(i64, UploadOutcome), AppError> {
    let (files, fields) = read_parts(multipart).await?;
    let criteria = text_field(&fields, "criteria").unwrap_or(crate::service::SHIPPED_SET);
    let Some((_, (_, zip))) = files.iter().find(|(k, _)| k == "file") else {
        return Err(AppError::BadRequest("chưa chọn tệp zip".to_owned()));
    };
    app.import_zip(criteria, zip).await
}

/// The value of the text field `name` of a form ([`read_parts`]), if it was sent.
pub fn text_field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Every part of a multipart body: the files (by field, with the browser's name) and the
/// text fields.
pub async fn read_parts(mut multipart: Multipart) -> Result<FormParts, AppError> {
    let mut files = Vec::new();
    let mut fields = Vec::new();
    loop {
        let next = multipart.next_field().await.map_err(multipart_error)?;
        let Some(f) = next else { break };
        let field = f.name().unwrap_or("").to_owned();
        match f.file_name().map(str::to_owned) {
            Some(name) => {
                let bytes = f.bytes().await.map_err(multipart_error)?;
                if !(name.is_empty() && bytes.is_empty()) {
                    files.push((field, (name, bytes)));
                }
            }
            None => {
                let text = f.text().await.map_err(multipart_error)?;
                fields.push((field, text));
            }
        }
    }
    Ok((files, fields))
}

/// Files by field (name, bytes), and text fields.
pub type FormParts = (Vec<(String, (String, Bytes))>, Vec<(String, String)>);

// ---- score -----------------------------------------------------------------------------

#[derive(Debug)]
pub struct NodeView {
    pub id: String,
    pub title: String,
    pub class: &'static str,
    pub leaf: bool,
    pub points: String,
    pub max: String,
    pub index: String,
    pub status: &'static str,
    pub lost: String,
    pub needs_explanation: bool,
    pub meter_value: String,
    pub meter_max: String,
}

fn node_views(report: &Report) -> Vec<NodeView> {
    report
        .nodes
        .iter()
        .map(|n| (n, without_points(n)))
        .map(|(n, blank)| NodeView {
            id: n.id.clone(),
            title: n.title.clone(),
            class: match n.kind {
                parindex_core::report::NodeKind::Field => "field",
                parindex_core::report::NodeKind::Criterion => "criterion",
                parindex_core::report::NodeKind::SubCriterion => "sub",
            },
            leaf: n.is_leaf(),
            // As the report's table: a leaf without points of its own shows its max beside
            // a blank (its status says why); every other node its applicable max.
            points: if blank {
                String::new()
            } else {
                vi_decimal(n.final_points)
            },
            max: vi_decimal(if blank { n.max } else { n.applicable_max }),
            index: n
                .index
                .map(|i| format!("{}%", vi_percent(i)))
                .unwrap_or_default(),
            status: n.status.vi(),
            lost: if n.lost > Decimal::ZERO {
                vi_decimal(n.lost)
            } else {
                String::new()
            },
            needs_explanation: n.needs_explanation,
            meter_value: n.final_points.max(Decimal::ZERO).to_string(),
            meter_max: n.applicable_max.max(Decimal::ONE).to_string(),
        })
        .collect()
}

#[derive(Debug)]
pub struct TotalView {
    pub points: String,
    pub max: String,
    pub index: String,
    pub rating: String,
    pub self_points: String,
    pub self_max: String,
    pub pending: String,
    pub as_of: String,
    pub needs: Vec<(String, String)>,
    pub errors: usize,
    pub no_evidence: usize,
}

fn total_view(report: &Report) -> TotalView {
    let t = &report.total;
    let ids = |s: Status| {
        report
            .nodes
            .iter()
            .filter(|n| n.is_leaf() && n.status == s)
            .count()
    };
    TotalView {
        points: vi_decimal(t.points),
        max: vi_decimal(t.applicable_max),
        index: t
            .index
            .map_or_else(|| "—".to_owned(), |i| format!("{}%", vi_percent(i))),
        rating: t.rating.clone().unwrap_or_else(|| "—".to_owned()),
        self_points: vi_decimal(t.self_assessed.points),
        self_max: vi_decimal(t.self_assessed.applicable_max),
        pending: report
            .pending_survey()
            .map(|p| p.describe())
            .unwrap_or_default(),
        as_of: vi_date(report.as_of),
        needs: report
            .nodes
            .iter()
            .filter(|n| n.needs_explanation)
            .map(|n| (n.id.clone(), n.title.clone()))
            .collect(),
        errors: ids(Status::Error),
        no_evidence: ids(Status::NoEvidence),
    }
}

#[derive(Debug, Template)]
#[template(path = "score.html")]
struct ScorePage {
    csrf: String,
    ws: WsView,
    total: Option<TotalView>,
    nodes: Vec<NodeView>,
    problems: Vec<Problem>,
}

async fn score_page(
    State(app): S,
    CsrfToken(csrf): CsrfToken,
    VPath(id): VPath<i64>,
) -> Result<Response, AppError> {
    let w = app.workspace(id).await?;
    let scored = app.scored(id).await?;
    let (total, nodes, problems) = match &scored.outcome {
        Ok(s) => (
            Some(total_view(&s.report)),
            node_views(&s.report),
            Vec::new(),
        ),
        Err(f) => (None, Vec::new(), f.problems.clone()),
    };
    page(&ScorePage {
        csrf,
        ws: WsView::of(&w, &app),
        total,
        nodes,
        problems,
    })
}

/// The rows that lost points, the most first, and what would restore them (`parindex gaps`).
#[derive(Debug, Template)]
#[template(path = "gaps.html")]
struct GapsPage {
    ws: WsView,
    title: &'static str,
    columns: [&'static str; 6],
    rows: Vec<GapLine>,
    none: &'static str,
    total: String,
    /// The facts the set names: linked to their inputs where a hint names them.
    facts: Vec<String>,
}

/// One row that lost points, its decimals written by `decimal` (the page's Vietnamese
/// comma, the API's exact dot).
#[derive(Debug, serde::Serialize)]
pub(crate) struct GapLine {
    id: String,
    title: String,
    max: String,
    points: String,
    lost: String,
    restore: String,
}

impl GapLine {
    pub(crate) fn of(r: parindex_render::table::GapRow, decimal: fn(Decimal) -> String) -> Self {
        Self {
            id: r.stt,
            title: r.title,
            max: decimal(r.max),
            points: decimal(r.points),
            lost: decimal(r.lost),
            restore: r.restore,
        }
    }
}

async fn gaps_page(State(app): S, VPath(id): VPath<i64>) -> Result<Response, AppError> {
    use parindex_render::{labels, table};
    let w = app.workspace(id).await?;
    let scored = app.report(id).await?;
    let report = &scored.ready()?.report;
    let rows = table::gap_rows(report)
        .into_iter()
        .map(|r| GapLine::of(r, vi_decimal))
        .collect();
    page(&GapsPage {
        ws: WsView::of(&w, &app),
        title: labels::GAPS_TITLE,
        columns: labels::GAP_COLUMNS,
        rows,
        none: labels::NO_GAPS,
        total: table::gaps_total_text(report),
        facts: fact_names(&*app.set_of(&w)?),
    })
}

/// Every fact a set declares or its rules name: the facts page has an input for each.
fn fact_names(set: &crate::service::CriteriaEntry) -> Vec<String> {
    let mut names: Vec<String> = set.set().facts.iter().map(|f| f.name.clone()).collect();
    for name in &set.facts {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    names
}

#[derive(Debug, serde::Deserialize)]
pub struct EncodingForm {
    #[serde(default)]
    pub encoding: String,
}

async fn save_encoding(
    State(app): S,
    VPath(id): VPath<i64>,
    VForm(f): VForm<EncodingForm>,
) -> Result<Response, AppError> {
    app.set_encoding(id, &f.encoding).await?;
    Ok(Redirect::to(&format!("/w/{id}/evidence")).into_response())
}

#[derive(Debug, serde::Deserialize)]
pub struct AsOfForm {
    #[serde(default)]
    pub as_of: String,
}

async fn save_as_of(
    State(app): S,
    VPath(id): VPath<i64>,
    VForm(f): VForm<AsOfForm>,
) -> Result<Response, AppError> {
    app.set_as_of(id, &f.as_of).await?;
    Ok(Redirect::to(&format!("/w/{id}")).into_response())
}

// ---- evidence --------------------------------------------------------------------------

#[derive(Debug)]
pub struct FileView {
    pub id: i64,
    pub slot: String,
    pub stored_name: String,
    pub display_name: String,
    pub short_hash: String,
    pub size: String,
    pub version: i64,
    pub active: bool,
    pub uploaded: String,
}

#[derive(Debug, Template)]
#[template(path = "evidence.html")]
struct EvidencePage {
    csrf: String,
    ws: WsView,
    tables: Vec<TableState>,
    files: Vec<FileView>,
    outcome: Option<UploadOutcome>,
    problems: Vec<Problem>,
    max_mib: usize,
    /// The encoding text exports are read in, and the choices: (name, label, chosen).
    encodings: Vec<(&'static str, &'static str, bool)>,
    /// The encoding forced, for the export's hint (`None`: detected).
    forced: Option<&'static str>,
}

/// The encodings an officer can choose for her text exports, as `parindex score --encoding`.
pub(crate) const ENCODINGS: [(TextEncoding, &str); 5] = [
    (TextEncoding::Auto, "tự nhận biết (mặc định)"),
    (TextEncoding::Utf8, "UTF-8"),
    (TextEncoding::Windows1258, "Windows-1258 (TCVN của Windows)"),
    (TextEncoding::Utf16Le, "UTF-16LE"),
    (TextEncoding::Utf16Be, "UTF-16BE"),
];

async fn evidence_view(
    app: &Arc<App>,
    csrf: String,
    id: i64,
    outcome: Option<UploadOutcome>,
) -> Result<Response, AppError> {
    let w = app.workspace(id).await?;
    let tables = app.tables(id).await?;
    let scored = app.scored(id).await?;
    let chosen: TextEncoding = w
        .encoding
        .as_deref()
        .and_then(|e| e.parse().ok())
        .unwrap_or_default();
    let files = app
        .db
        .files(id)
        .await?
        .into_iter()
        .map(|f| FileView {
            id: f.id,
            slot: f.slot,
            stored_name: f.stored_name,
            display_name: f.display_name,
            short_hash: crate::folder::short(&f.sha256).to_owned(),
            size: vi_size(f.size),
            version: f.version,
            active: f.active,
            uploaded: vi_time(f.uploaded_at),
        })
        .collect();
    let status = if outcome
        .as_ref()
        .is_some_and(|o| o.files.iter().any(|f| f.status == "refused"))
    {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let body = EvidencePage {
        csrf,
        ws: WsView::of(&w, app),
        tables,
        files,
        outcome,
        problems: scored
            .outcome
            .as_ref()
            .err()
            .map(|f| f.problems.clone())
            .unwrap_or_default(),
        max_mib: app.limits.request_bytes >> 20,
        encodings: ENCODINGS
            .iter()
            .map(|(e, label)| (e.name(), *label, *e == chosen))
            .collect(),
        forced: (chosen != TextEncoding::Auto).then(|| chosen.name()),
    };
    let mut r = page(&body)?;
    *r.status_mut() = status;
    Ok(r)
}

async fn evidence_page(
    State(app): S,
    CsrfToken(csrf): CsrfToken,
    VPath(id): VPath<i64>,
) -> Result<Response, AppError> {
    evidence_view(&app, csrf, id, None).await
}

/// The files of a multipart body's `field` fields, by the names the browser gave.
pub async fn read_files(
    mut multipart: Multipart,
    field: &str,
    most: usize,
) -> Result<Vec<(String, Bytes)>, AppError> {
    let mut out = Vec::new();
    loop {
        let next = multipart.next_field().await.map_err(multipart_error)?;
        let Some(f) = next else { break };
        if f.name() != Some(field) {
            continue;
        }
        let name = f.file_name().unwrap_or("").to_owned();
        let bytes = f.bytes().await.map_err(multipart_error)?;
        // An empty file input sends one nameless empty part.
        if name.is_empty() && bytes.is_empty() {
            continue;
        }
        if out.len() == most {
            return Err(crate::service::too_many_files(most));
        }
        out.push((name, bytes));
    }
    Ok(out)
}

/// One file of an upload, as [`received_files`] takes it.
enum Part<'a> {
    /// The officer's own file (`facts.toml`, …), read whole.
    Own(Bytes),
    /// A table's export, to be written as it arrives.
    Export(Box<axum::extract::multipart::Field<'a>>),
}

/// The files of an upload's `field` fields, by the names the browser gave, each as it
/// arrives: a table's export (any file but the officer's own) is written to the store's
/// temporary folder piece by piece while the rest of the body is received, never held whole
/// in memory; the officer's own files are read into memory. Refused when none was chosen.
pub async fn received_files(
    app: &Arc<App>,
    ws: i64,
    mut multipart: Multipart,
    field: &str,
) -> Result<Upload, AppError> {
    let mut out = Vec::new();
    let mut reading = app.upload_reading(ws);
    loop {
        let next = multipart.next_field().await.map_err(multipart_error)?;
        let Some(f) = next else { break };
        if f.name() != Some(field) {
            continue;
        }
        let name = f.file_name().unwrap_or("").to_owned();
        // The officer's own files are read whole, a table's export as it arrives.
        let part = if name.is_empty() || is_own_file(&name) {
            let bytes = f.bytes().await.map_err(multipart_error)?;
            // An empty file input sends one nameless empty part.
            if name.is_empty() && bytes.is_empty() {
                continue;
            }
            Part::Own(bytes)
        } else {
            Part::Export(Box::new(f))
        };
        // Refused before it is stored: each part held open until the body ends is a file
        // descriptor, and thousands of tiny parts would run the server out of them.
        if out.len() == app.limits.files_per_upload {
            return Err(app.too_many_files());
        }
        let mut f = match part {
            Part::Own(bytes) => {
                out.push((name, Received::Memory(bytes)));
                continue;
            }
            Part::Export(f) => *f,
        };
        // The pieces go to a blocking thread that writes them, a few at a time in flight.
        let mut file = app.blobs.spool()?;
        let (pieces, mut arriving) = tokio::sync::mpsc::channel::<Bytes>(16);
        let writer = tokio::task::spawn_blocking(move || {
            let mut size = 0u64;
            let mut writeback = Writeback::of(file.as_file());
            while let Some(piece) = arriving.blocking_recv() {
                std::io::Write::write_all(&mut file, &piece)
                    .map_err(|e| AppError::Internal(format!("kho tệp: {e}")))?;
                size += piece.len() as u64;
                writeback.written(size);
            }
            Ok::<_, AppError>((file, size))
        });
        let mut arriving = reading.arriving(&name).await;
        while let Some(piece) = f.chunk().await.map_err(multipart_error)? {
            if let Some(table) = arriving.as_mut() {
                reading.piece(table, &piece).await;
            }
            if pieces.send(piece).await.is_err() {
                // The writer stopped on an error, told below.
                break;
            }
        }
        // The end of the pieces: the end of the file for the writer and the reading ahead.
        drop((pieces, arriving));
        let (file, size) = writer
            .await
            .map_err(|e| AppError::Internal(format!("lưu tệp: {e}")))??;
        out.push((name, Received::Spooled { file, size }));
    }
    if out.is_empty() {
        return Err(AppError::BadRequest("chưa chọn tệp nào".to_owned()));
    }
    Ok(Upload {
        files: out,
        ahead: reading.finish().await,
    })
}

/// [`read_files`], refused when none was chosen.
pub async fn chosen_files(
    multipart: Multipart,
    field: &str,
    most: usize,
) -> Result<Vec<(String, Bytes)>, AppError> {
    let files = read_files(multipart, field, most).await?;
    if files.is_empty() {
        return Err(AppError::BadRequest("chưa chọn tệp nào".to_owned()));
    }
    Ok(files)
}

/// The first file of a multipart body's `field` fields; refused, naming it as `what`, when
/// none was chosen.
pub async fn chosen_file(multipart: Multipart, field: &str, what: &str) -> Result<Bytes, AppError> {
    read_files(multipart, field, 1)
        .await?
        .into_iter()
        .next()
        .map(|(_, bytes)| bytes)
        .ok_or_else(|| AppError::BadRequest(format!("chưa chọn tệp {what}")))
}

pub(crate) fn multipart_error(e: axum::extract::multipart::MultipartError) -> AppError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge(
            "tệp tải lên vượt giới hạn của một lần gửi; hãy gửi ít tệp hơn mỗi lần".to_owned(),
        )
    } else {
        // multer's words are English, and say no more than this.
        AppError::BadRequest(
            "không đọc được dữ liệu gửi lên: phần gửi lên bị cắt ngang hoặc sai dạng \
             multipart/form-data; hãy gửi lại"
                .to_owned(),
        )
    }
}

async fn upload(
    State(app): S,
    CsrfToken(csrf): CsrfToken,
    VPath(id): VPath<i64>,
    VMultipart(multipart): VMultipart,
) -> Result<Response, AppError> {
    let upload = received_files(&app, id, multipart, "files").await?;
    let outcome = app.upload(id, upload).await?;
    evidence_view(&app, csrf, id, Some(outcome)).await
}

#[derive(Debug, serde::Deserialize)]
pub struct UnitForm {
    pub code: String,
    pub name: String,
    pub group: String,
}

async fn save_unit(
    State(app): S,
    VPath(id): VPath<i64>,
    VForm(f): VForm<UnitForm>,
) -> Result<Response, AppError> {
    app.set_unit(id, &f.code, &f.name, &f.group).await?;
    Ok(Redirect::to(&format!("/w/{id}/evidence")).into_response())
}

#[derive(Debug, serde::Deserialize)]
pub struct ArchiveForm {
    pub archived: bool,
}

async fn archive(
    State(app): S,
    VPath(id): VPath<i64>,
    VForm(f): VForm<ArchiveForm>,
) -> Result<Response, AppError> {
    app.set_archived(id, f.archived).await?;
    Ok(Redirect::to("/").into_response())
}

async fn restore(State(app): S, VPath((id, fid)): VPath<(i64, i64)>) -> Result<Response, AppError> {
    app.restore_file(id, fid).await?;
    Ok(Redirect::to(&format!("/w/{id}/evidence")).into_response())
}

// ---- facts -----------------------------------------------------------------------------

#[derive(Debug)]
pub struct FactView {
    pub name: String,
    /// The set's Vietnamese label; empty for a fact it does not declare.
    pub label: String,
    /// The declared type (`integer`, `decimal`, `bool`, `text`), else the stored value's.
    pub kind: &'static str,
    /// The type is the set's (the form offers no choice).
    pub declared: bool,
    /// The input shown: the kind, or `text` for a stored value not of the declared type.
    pub input: &'static str,
    pub value: String,
    /// A large number as she reads one (`31.426.800.000`), beside the input that keeps it as
    /// stored; empty under 10.000 or for anything else.
    pub reading: String,
    /// The whole supporting document as facts.toml holds it.
    pub source: String,
    pub document: FactDocument,
    pub rows: String,
}

/// The supporting document of a fact, as the form shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FactDocument {
    /// Số ký hiệu, e.g. `36/QĐ-SKHCN`.
    pub number: String,
    /// Ngày, dd/mm/yyyy.
    pub date: String,
    /// Trích yếu.
    pub subject: String,
}

impl FactDocument {
    /// The `source` text: `"<số ký hiệu> ngày <dd/mm/yyyy> — <trích yếu>"`, the parts that are
    /// given; `None` when none is.
    pub fn compose(&self) -> Option<String> {
        let (n, d, s) = (self.number.trim(), self.date.trim(), self.subject.trim());
        let mut head = String::new();
        if !n.is_empty() {
            head.push_str(n);
        }
        if !d.is_empty() {
            if !head.is_empty() {
                head.push(' ');
            }
            head.push_str("ngày ");
            head.push_str(d);
        }
        match (head.is_empty(), s.is_empty()) {
            (true, true) => None,
            (false, true) => Some(head),
            (true, false) => Some(s.to_owned()),
            (false, false) => Some(format!("{head} — {s}")),
        }
    }

    /// A `source` text read back into its three parts; one that does not fit the pattern
    /// (or would not be written back the same) is all trích yếu.
    pub fn parse(source: &str) -> Self {
        let whole = || FactDocument {
            subject: source.to_owned(),
            ..FactDocument::default()
        };
        let (head, subject) = match source.split_once(" — ") {
            Some((h, s)) => (h, s),
            None => (source, ""),
        };
        let (number, date) = if let Some(date) = head.strip_prefix("ngày ") {
            ("", date)
        } else if let Some((number, date)) = head.rsplit_once(" ngày ") {
            (number, date)
        } else if !subject.is_empty() && !head.is_empty() && !head.contains(char::is_whitespace) {
            // `12/KH-SKHCN — Kế hoạch …`: a số ký hiệu without a date.
            (head, "")
        } else {
            return whole();
        };
        if !date.is_empty() && !is_vi_date(date) {
            return whole();
        }
        let doc = FactDocument {
            number: number.to_owned(),
            date: date.to_owned(),
            subject: subject.to_owned(),
        };
        if doc.compose().as_deref() == Some(source) {
            doc
        } else {
            whole()
        }
    }
}

/// `dd/mm/yyyy`, a real date.
fn is_vi_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[2] == b'/'
        && b[5] == b'/'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 2 || i == 5 || c.is_ascii_digit())
        && parindex_core::date::parse_date(text).is_some()
}

/// The kind of a stored literal, for the form.
pub fn fact_kind(literal: &str) -> (&'static str, String) {
    match crate::folder::literal_value(literal) {
        Ok(toml::Value::Integer(i)) => ("integer", i.to_string()),
        Ok(toml::Value::Boolean(b)) => ("bool", b.to_string()),
        Ok(toml::Value::Float(f)) => ("decimal", f.to_string().replace('.', ",")),
        Ok(toml::Value::String(s)) => match parindex_core::num::parse_decimal(&s) {
            Some(d) if d.fract().is_zero() && !s.contains([',', '.']) => ("integer", s),
            Some(_) => ("decimal", s),
            None => ("text", s),
        },
        _ => ("text", literal.to_owned()),
    }
}

/// A declared type as the form's kind.
pub fn kind_name(kind: FactType) -> &'static str {
    match kind {
        FactType::Integer => "integer",
        FactType::Decimal => "decimal",
        FactType::Bool => "bool",
        FactType::Text => "text",
    }
}

/// The TOML literal of a form's value of a kind; `None` when blank (the fact is dropped).
/// A value not of the kind is refused, naming the fact (with its label when the set declares
/// it) as the library does.
pub fn fact_literal(
    name: &str,
    label: Option<&str>,
    kind: &str,
    value: &str,
) -> Result<Option<String>, Box<Problem>> {
    let Some(v) = form_text(value) else {
        return Ok(None);
    };
    let bad = |expected: &str| {
        let message = match label {
            Some(label) => format!("số liệu `{name}` ({label}) không đúng kiểu"),
            None => format!("số liệu `{name}`: giá trị không đọc được"),
        };
        let mut p = Problem::plain("facts.toml", message);
        p.value = Some(visible(&v).into_owned());
        p.expected = Some(expected.to_owned());
        Box::new(p)
    };
    match kind {
        "integer" => {
            let digits: String = v.chars().filter(|c| !c.is_whitespace()).collect();
            digits
                .parse::<i64>()
                .map(|n| Some(n.to_string()))
                .map_err(|_| bad("số nguyên, ví dụ 12"))
        }
        "decimal" => match parindex_core::num::parse_decimal(&v) {
            Some(_) => Ok(Some(toml::Value::String(v).to_string())),
            None => Err(bad("số (có thể có phần thập phân), ví dụ 0,75")),
        },
        "bool" => match v.as_str() {
            "true" | "có" | "Có" => Ok(Some("true".to_owned())),
            "false" | "không" | "Không" => Ok(Some("false".to_owned())),
            _ => Err(bad("có/không (true/false)")),
        },
        "text" => Ok(Some(toml::Value::String(v).to_string())),
        _ => Err(bad("loại số nguyên, số thập phân, có/không hoặc văn bản")),
    }
}

#[derive(Debug, Template)]
#[template(path = "facts.html")]
struct FactsPage {
    csrf: String,
    ws: WsView,
    facts: Vec<FactView>,
    digest: String,
}

/// The facts the set declares (in its order), then those its rules name and those stored.
pub async fn fact_views(app: &Arc<App>, id: i64) -> Result<Vec<FactView>, AppError> {
    let w = app.workspace(id).await?;
    let set = app.set_of(&w)?;
    let stored = app.db.facts(id).await?;
    let mut names = fact_names(&set);
    for name in stored.iter().map(|f| &f.name) {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    Ok(names
        .into_iter()
        .map(|name| {
            let f = stored.iter().find(|f| f.name == name);
            let spec = set.set().fact(&name);
            let (stored_kind, value) = f.map_or(("", String::new()), |f| fact_kind(&f.literal));
            let (kind, input) = match spec {
                Some(spec) => {
                    let kind = kind_name(spec.kind);
                    let fits = stored_kind.is_empty()
                        || stored_kind == kind
                        || kind == "text"
                        || (kind == "decimal" && stored_kind == "integer");
                    (kind, if fits { kind } else { "text" })
                }
                None if stored_kind.is_empty() => ("integer", "integer"),
                None => (stored_kind, stored_kind),
            };
            let rows: Vec<String> = set
                .set()
                .leaves()
                .filter(|(_, l)| {
                    l.rule
                        .as_ref()
                        .is_some_and(|r| r.text.contains(&format!("\"{name}\"")))
                })
                .map(|(c, _)| c.id.clone())
                .collect();
            let source = f.and_then(|f| f.source.clone()).unwrap_or_default();
            FactView {
                label: spec.map(|s| s.label.clone()).unwrap_or_default(),
                kind,
                declared: spec.is_some(),
                input,
                reading: grouped_reading(input, &value),
                value,
                document: FactDocument::parse(&source),
                source,
                rows: rows.join(", "),
                name,
            }
        })
        .collect())
}

/// A number of the form grouped by thousands, when grouping helps to read it.
fn grouped_reading(input: &str, value: &str) -> String {
    if !matches!(input, "integer" | "decimal") {
        return String::new();
    }
    match parindex_core::num::parse_decimal(value) {
        Some(n) if n.abs() >= Decimal::from(10_000) => format!("= {}", vi_decimal(n)),
        _ => String::new(),
    }
}

async fn facts_page(
    State(app): S,
    CsrfToken(csrf): CsrfToken,
    VPath(id): VPath<i64>,
) -> Result<Response, AppError> {
    let w = app.workspace(id).await?;
    let digest = crate::store::facts_digest(&app.db.facts(id).await?);
    page(&FactsPage {
        csrf,
        ws: WsView::of(&w, &app),
        facts: fact_views(&app, id).await?,
        digest,
    })
}

/// The form's fields as fact rows: `value.NAME`; `kind.NAME` for a fact the set does not
/// declare (a declared one is of the set's type, whatever the form says); the document as
/// `doc_number.NAME`, `doc_date.NAME`, `doc_subject.NAME`, or whole as `source.NAME` when
/// none of the three is sent.
pub fn facts_of_form(
    set: &CriteriaSet,
    fields: &[(String, String)],
) -> Result<Vec<FactRow>, AppError> {
    let get = |prefix: &str, name: &str| {
        fields
            .iter()
            .find(|(k, _)| k.strip_prefix(prefix) == Some(name))
            .map(|(_, v)| v.as_str())
    };
    // Each name once, in the form's order (a repeated field is the first one's).
    let mut names: Vec<&str> = Vec::new();
    for name in fields.iter().filter_map(|(k, _)| k.strip_prefix("value.")) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let mut facts = Vec::new();
    let mut problems = Vec::new();
    for name in names {
        let spec = set.fact(name);
        let kind = spec.map_or_else(
            || get("kind.", name).unwrap_or("text"),
            |s| kind_name(s.kind),
        );
        let label = spec.map(|s| s.label.as_str());
        let parts = (
            get("doc_number.", name),
            get("doc_date.", name),
            get("doc_subject.", name),
        );
        let source = if parts == (None, None, None) {
            get("source.", name).and_then(form_text)
        } else {
            let date = parts.1.unwrap_or("").trim();
            let date = if date.is_empty() {
                String::new()
            } else if let Some(d) = parindex_core::date::parse_date(date) {
                parindex_core::date::vi_date(d)
            } else {
                let mut p = Problem::plain(
                    "facts.toml",
                    format!("số liệu `{name}`: ngày của văn bản căn cứ không đọc được"),
                );
                p.value = Some(visible(date).into_owned());
                p.expected = Some("ngày dạng dd/mm/yyyy, ví dụ 14/08/2026".to_owned());
                problems.push(p);
                continue;
            };
            FactDocument {
                number: parts.0.unwrap_or("").to_owned(),
                date,
                subject: parts.2.unwrap_or("").to_owned(),
            }
            .compose()
        };
        match fact_literal(name, label, kind, get("value.", name).unwrap_or("")) {
            Ok(Some(literal)) => facts.push(FactRow {
                name: name.to_owned(),
                literal,
                source,
            }),
            Ok(None) => {}
            Err(p) => problems.push(*p),
        }
    }
    if !problems.is_empty() {
        return Err(not_saved("số liệu", problems));
    }
    Ok(facts)
}

async fn save_facts(
    State(app): S,
    VPath(id): VPath<i64>,
    VForm(fields): VForm<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let w = app.workspace(id).await?;
    let facts = facts_of_form(app.set_of(&w)?.set(), &fields)?;
    let digest = fields
        .iter()
        .find(|(k, _)| k == "facts_digest")
        .map(|(_, v)| v.as_str());
    app.save_facts(id, facts, digest).await?;
    Ok(Redirect::to(&format!("/w/{id}")).into_response())
}

// ---- rows ------------------------------------------------------------------------------

#[derive(Debug)]
pub struct AttachmentView {
    pub id: i64,
    pub name: String,
    pub short_hash: String,
    pub size: String,
    pub uploaded: String,
}

#[derive(Debug, Template)]
#[template(path = "row.html")]
struct RowPage {
    csrf: String,
    ws: WsView,
    /// The facts the set names: linked to their inputs where the hint names them.
    facts: Vec<String>,
    id: String,
    title: String,
    status: &'static str,
    /// `points / max`, or why there are none.
    points: String,
    measure: String,
    explanation: String,
    /// `Mất … điểm`, or that none were lost.
    lost: String,
    restore: String,
    evidence: Vec<String>,
    records: Vec<RecordsView>,
    rule: Option<ExplainParts>,
    error: String,
    declared: String,
    giai_trinh: String,
    needs_explanation: bool,
    note: NoteRow,
    documents: String,
    attachments: Vec<AttachmentView>,
    max_attachment_mib: usize,
}

/// One list of a row's deciding records: the report keeps the first ones, and says how many
/// there are; the page says how many it does not show, as the HTML report does.
#[derive(Debug)]
struct RecordsView {
    /// Where every record of the list is downloaded.
    href: String,
    title: String,
    what: String,
    total: String,
    keys: Vec<String>,
    more: String,
}

impl RecordsView {
    fn of(r: &parindex_core::rules::RecordList, href: String) -> Self {
        Self {
            href,
            title: r.title.clone(),
            what: r.what.clone(),
            total: vi_count(r.total),
            keys: r.keys.clone(),
            more: match r.total.checked_sub(r.keys.len()) {
                Some(n) if n > 0 => vi_count(n),
                _ => String::new(),
            },
        }
    }
}

/// `số ký hiệu | ngày | trích yếu`, one document a line.
pub fn documents_text(docs: &[NoteDocument]) -> String {
    docs.iter()
        .map(|d| {
            format!(
                "{} | {} | {}",
                d.number,
                d.date.as_deref().unwrap_or(""),
                d.subject.as_deref().unwrap_or("")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn documents_of_text(text: &str) -> Vec<NoteDocument> {
    text.lines()
        .filter_map(|line| {
            let mut parts = line.splitn(3, '|').map(str::trim);
            let number = form_text(parts.next()?)?;
            Some(NoteDocument {
                number,
                date: parts.next().and_then(form_text),
                subject: parts.next().and_then(form_text),
            })
        })
        .collect()
}

fn row_scored<'a>(
    s: &'a ScoredReport,
    row: &str,
) -> Result<&'a parindex_core::report::NodeScore, AppError> {
    s.report
        .node(row)
        .filter(|n| n.is_leaf())
        .ok_or_else(|| no_row(row))
}

async fn row_page(
    State(app): S,
    CsrfToken(csrf): CsrfToken,
    VPath((id, row)): VPath<(i64, String)>,
) -> Result<Response, AppError> {
    let w = app.workspace(id).await?;
    let set = app.set_of(&w)?;
    let scored = app.report(id).await?;
    let s = scored.ready()?;
    // A field or a criterion is no row of its own: its line in the score page's tree.
    if s.report.node(&row).is_some_and(|n| !n.is_leaf()) {
        let to = format!("/w/{id}#n-{}", crate::format::url_encode(&row));
        return Ok(Redirect::to(&to).into_response());
    }
    let n = row_scored(s, &row)?;
    let note = app.note(id, &row).await?;
    let attachments = app
        .db
        .attachments(id)
        .await?
        .into_iter()
        .filter(|a| a.row_id == row)
        .map(|a| AttachmentView {
            id: a.id,
            short_hash: crate::folder::short(&a.sha256).to_owned(),
            name: a.display_name,
            size: vi_size(a.size),
            uploaded: vi_time(a.uploaded_at),
        })
        .collect();
    page(&RowPage {
        csrf,
        facts: fact_names(&set),
        ws: WsView::of(&w, &app),
        id: n.id.clone(),
        title: n.title.clone(),
        status: n.status.vi(),
        points: match (without_points(n), n.status) {
            (true, Status::PendingSurvey) => format!("chưa có (tối đa {})", vi_decimal(n.max)),
            (true, _) => format!("không tính (tối đa {})", vi_decimal(n.max)),
            (false, _) => format!("{} / {}", vi_decimal(n.final_points), vi_decimal(n.max)),
        },
        measure: n.measure.as_ref().map(|m| m.vi()).unwrap_or_default(),
        explanation: n.explanation.clone(),
        lost: if n.lost > Decimal::ZERO {
            format!("Mất {} điểm", vi_decimal(n.lost))
        } else {
            "Không mất điểm".to_owned()
        },
        restore: n.restore.clone().unwrap_or_default(),
        evidence: n.evidence.iter().map(|e| e.vi()).collect(),
        records: (n.records.iter().zip(1..))
            .map(|(r, i)| RecordsView::of(r, format!("/w/{id}/rows/{}/records/{i}", n.id)))
            .collect(),
        rule: parindex_core::explain::explain_row(set.set(), &row).map(|r| explained(&r)),
        error: n.error.clone().unwrap_or_default(),
        declared: n
            .declared
            .as_ref()
            .map(|d| format!("{} — {}", vi_decimal(d.points), d.reason))
            .unwrap_or_default(),
        giai_trinh: n.giai_trinh.clone().unwrap_or_default(),
        needs_explanation: n.needs_explanation,
        documents: documents_text(&note.documents),
        note,
        attachments,
        max_attachment_mib: app.limits.attachment_bytes >> 20,
    })
}

#[derive(Debug, serde::Deserialize)]
pub struct NoteForm {
    pub version: i64,
    #[serde(default)]
    pub giai_trinh: String,
    #[serde(default)]
    pub diem_de_nghi: String,
    #[serde(default)]
    pub ly_do: String,
    #[serde(default)]
    pub tai_lieu: String,
}

async fn save_note(
    State(app): S,
    VPath((id, row)): VPath<(i64, String)>,
    VForm(f): VForm<NoteForm>,
) -> Result<Response, AppError> {
    app.save_note(
        id,
        NoteRow {
            row_id: row.clone(),
            explanation: form_text(&f.giai_trinh),
            declared_points: form_text(&f.diem_de_nghi),
            declared_reason: form_text(&f.ly_do),
            documents: documents_of_text(&f.tai_lieu),
            version: f.version,
        },
    )
    .await?;
    Ok(Redirect::to(&format!("/w/{id}/rows/{row}")).into_response())
}

async fn attach(
    State(app): S,
    VPath((id, row)): VPath<(i64, String)>,
    VMultipart(multipart): VMultipart,
) -> Result<Response, AppError> {
    for (name, bytes) in chosen_files(multipart, "file", app.limits.files_per_upload).await? {
        app.attach(id, &row, &name, &bytes).await?;
    }
    Ok(Redirect::to(&format!("/w/{id}/rows/{row}")).into_response())
}

async fn records_csv(
    State(app): S,
    VPath((id, row, n)): VPath<(i64, String, usize)>,
) -> Result<Response, AppError> {
    records_csv_response(&app, id, &row, n).await
}

/// The `n`-th (from 1) list of the row's deciding records, every record of it, as CSV for a
/// spreadsheet ([`parindex_render::render_records_csv`]).
pub async fn records_csv_response(
    app: &Arc<App>,
    id: i64,
    row: &str,
    n: usize,
) -> Result<Response, AppError> {
    let lists = app.row_records(id, row).await?;
    let list = n
        .checked_sub(1)
        .and_then(|i| lists.get(i))
        .ok_or_else(|| AppError::NotFound("dòng này không có danh sách bản ghi đó".to_owned()))?;
    let bytes = parindex_render::render_records_csv(list)
        .map_err(|e| AppError::Internal(format!("csv: {e}")))?;
    let name = crate::folder::safe_component(&format!("ban-ghi-{row}-{n}.csv"));
    Ok(file_response(bytes, "text/csv; charset=utf-8", &name))
}

async fn detach(State(app): S, VPath((id, aid)): VPath<(i64, i64)>) -> Result<Response, AppError> {
    let row = app.detach(id, aid).await?;
    Ok(Redirect::to(&format!("/w/{id}/rows/{row}")).into_response())
}

async fn attachment(
    State(app): S,
    VPath((id, aid)): VPath<(i64, i64)>,
) -> Result<Response, AppError> {
    attachment_response(&app, id, aid).await
}

/// An attachment's bytes, as a download (never shown inline).
pub async fn attachment_response(app: &App, id: i64, aid: i64) -> Result<Response, AppError> {
    let a = app
        .db
        .attachments(id)
        .await?
        .into_iter()
        .find(|a| a.id == aid)
        .ok_or_else(|| AppError::NotFound("không có tệp đính kèm này".to_owned()))?;
    let bytes = app.blobs.get(&a.sha256)?;
    let name = crate::folder::safe_component(&a.display_name);
    Ok(file_response(bytes, "application/octet-stream", &name))
}

// ---- notes, part 3 ---------------------------------------------------------------------

#[derive(Debug, Template)]
#[template(path = "notes.html")]
struct NotesPage {
    csrf: String,
    ws: WsView,
    proposals: String,
    proposals_version: i64,
    needs: Vec<(String, String)>,
    explained: Vec<(String, String)>,
}

async fn notes_page(
    State(app): S,
    CsrfToken(csrf): CsrfToken,
    VPath(id): VPath<i64>,
) -> Result<Response, AppError> {
    let w = app.workspace(id).await?;
    let scored = app.scored(id).await?;
    let (needs, explained) = match &scored.outcome {
        Ok(s) => (
            s.report
                .nodes
                .iter()
                .filter(|n| n.needs_explanation)
                .map(|n| (n.id.clone(), n.title.clone()))
                .collect(),
            s.report
                .nodes
                .iter()
                .filter_map(|n| n.giai_trinh.as_ref().map(|g| (n.id.clone(), g.clone())))
                .collect(),
        ),
        Err(_) => (Vec::new(), Vec::new()),
    };
    page(&NotesPage {
        csrf,
        ws: WsView::of(&w, &app),
        proposals: w.proposals.clone().unwrap_or_default(),
        proposals_version: w.proposals_version,
        needs,
        explained,
    })
}

#[derive(Debug, serde::Deserialize)]
pub struct ProposalsForm {
    pub version: i64,
    #[serde(default)]
    pub text: String,
}

async fn save_proposals(
    State(app): S,
    VPath(id): VPath<i64>,
    VForm(f): VForm<ProposalsForm>,
) -> Result<Response, AppError> {
    app.save_proposals(id, form_text(&f.text), f.version)
        .await?;
    Ok(Redirect::to(&format!("/w/{id}/notes")).into_response())
}

// ---- downloads -------------------------------------------------------------------------

/// A report file: its bytes, type and name, rendered as `parindex score` renders it.
pub fn render(s: &ScoredReport, format: &str) -> Result<(Vec<u8>, &'static str, String), AppError> {
    let options = s.render_options();
    let fail = |e: parindex_render::RenderError| AppError::Internal(format!("tạo báo cáo: {e}"));
    let base = format!(
        "bao-cao-{}-{}",
        crate::folder::safe_component(&s.report.unit.code),
        s.report.criteria.year
    );
    let Some(format) = parindex_render::Format::from_name(format) else {
        return Err(AppError::NotFound(format!(
            "không có định dạng `{}`; hãy chọn xlsx, docx, html, json, csv hoặc md",
            visible(format)
        )));
    };
    let bytes = match format {
        // Already made with the score.
        parindex_render::Format::Json => s.json.clone().into_bytes(),
        other => parindex_render::render(&s.report, other, &options).map_err(fail)?,
    };
    Ok((bytes, format.mime(), format!("{base}.{}", format.name())))
}

/// A download response.
pub fn file_response(bytes: Vec<u8>, mime: &str, name: &str) -> Response {
    let mut r = (
        [
            (CONTENT_TYPE, mime.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response();
    // A downloaded HTML report is not run as a page of the app.
    if mime.starts_with("text/html") {
        r.headers_mut().insert(
            "content-security-policy",
            axum::http::HeaderValue::from_static("sandbox"),
        );
    }
    r
}

async fn download(
    State(app): S,
    VPath((id, format)): VPath<(i64, String)>,
) -> Result<Response, AppError> {
    download_response(&app, id, &format).await
}

/// The workspace's report in `format`, as a download.
pub async fn download_response(
    app: &Arc<App>,
    id: i64,
    format: &str,
) -> Result<Response, AppError> {
    let scored = app.report(id).await?;
    let (bytes, mime, name) = render(scored.ready()?, format)?;
    Ok(file_response(bytes, mime, &name))
}

async fn export(State(app): S, VPath(id): VPath<i64>) -> Result<Response, AppError> {
    let w = app.workspace(id).await?;
    let bytes = app.export_zip(id).await?;
    let name = format!(
        "minh-chung-{}-{}.zip",
        crate::folder::safe_component(&w.unit_code),
        w.year
    );
    Ok(file_response(bytes, "application/zip", &name))
}

// ---- verify --------------------------------------------------------------------------

#[derive(Debug, Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    csrf: String,
    ws: WsView,
    result: Option<crate::service::Verified>,
    compared: Option<crate::service::Compared>,
}

async fn verify_page(
    State(app): S,
    CsrfToken(csrf): CsrfToken,
    VPath(id): VPath<i64>,
) -> Result<Response, AppError> {
    let w = app.workspace(id).await?;
    page(&VerifyPage {
        csrf,
        ws: WsView::of(&w, &app),
        result: None,
        compared: None,
    })
}

/// The report JSON of a multipart body's `report` field, as text.
pub async fn report_text(multipart: Multipart) -> Result<String, AppError> {
    utf8_report(&chosen_file(multipart, "report", "báo cáo JSON").await?)
}

/// An uploaded report's bytes as text.
fn utf8_report(bytes: &[u8]) -> Result<String, AppError> {
    String::from_utf8(bytes.to_vec())
        .map_err(|_| AppError::BadRequest("tệp báo cáo không phải văn bản UTF-8".to_owned()))
}

async fn verify(
    State(app): S,
    CsrfToken(csrf): CsrfToken,
    VPath(id): VPath<i64>,
    VMultipart(multipart): VMultipart,
) -> Result<Response, AppError> {
    let text = report_text(multipart).await?;
    let result = app.verify(id, &text).await?;
    let w = app.workspace(id).await?;
    page(&VerifyPage {
        csrf,
        ws: WsView::of(&w, &app),
        result: Some(result),
        compared: None,
    })
}

/// The two report JSONs of a multipart body's `first` and `second` fields, as text.
pub async fn two_reports(multipart: Multipart) -> Result<(String, String), AppError> {
    let (mut first, mut second) = (None, None);
    for (field, (_, bytes)) in read_parts(multipart).await?.0 {
        let text = utf8_report(&bytes)?;
        match field.as_str() {
            "first" => first = Some(text),
            "second" => second = Some(text),
            _ => {}
        }
    }
    match (first, second) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(AppError::BadRequest(
            "cần chọn đủ hai báo cáo JSON: báo cáo trước và báo cáo sau".to_owned(),
        )),
    }
}

/// Two reports compared, as `parindex diff` (nothing of the workspace is read or changed).
async fn compare(
    State(app): S,
    CsrfToken(csrf): CsrfToken,
    VPath(id): VPath<i64>,
    VMultipart(multipart): VMultipart,
) -> Result<Response, AppError> {
    let w = app.workspace(id).await?;
    let (first, second) = two_reports(multipart).await?;
    let compared = crate::service::compare_reports(first, second).await?;
    page(&VerifyPage {
        csrf,
        ws: WsView::of(&w, &app),
        result: None,
        compared: Some(compared),
    })
}

// ---- history ---------------------------------------------------------------------------

#[derive(Debug, Template)]
#[template(path = "history.html")]
struct HistoryPage {
    ws: WsView,
    entries: Vec<HistoryLine>,
    /// Some change was made by an account (the province's server): the column of who.
    by_accounts: bool,
}

/// One line of the history as the pages show it (a workspace's, the province's).
#[derive(Debug)]
pub(crate) struct HistoryLine {
    pub(crate) at: String,
    /// The account's login; empty on the officer's own app.
    pub(crate) who: String,
    pub(crate) unit: String,
    pub(crate) action: String,
    pub(crate) detail: String,
    /// `before → after`, where one value changed.
    pub(crate) change: String,
}

impl HistoryLine {
    pub(crate) fn of(h: crate::store::HistoryEntry) -> Self {
        let change = match (h.before_value, h.after_value) {
            (None, None) => String::new(),
            (before, after) => format!(
                "{} → {}",
                before.unwrap_or_else(|| "—".to_owned()),
                after.unwrap_or_else(|| "—".to_owned())
            ),
        };
        Self {
            at: vi_time(h.at),
            who: h.actor.unwrap_or_default(),
            unit: h.unit_code.unwrap_or_default(),
            action: h.action,
            detail: h.detail,
            change,
        }
    }
}

async fn history(State(app): S, VPath(id): VPath<i64>) -> Result<Response, AppError> {
    let w = app.workspace(id).await?;
    let entries = app
        .db
        .history(id)
        .await?
        .into_iter()
        .map(HistoryLine::of)
        .collect::<Vec<_>>();
    page(&HistoryPage {
        ws: WsView::of(&w, &app),
        by_accounts: entries.iter().any(|e| !e.who.is_empty()),
        entries,
    })
}

#[cfg(test)]
mod tests {
    use super::FactDocument;

    fn doc(number: &str, date: &str, subject: &str) -> FactDocument {
        FactDocument {
            number: number.to_owned(),
            date: date.to_owned(),
            subject: subject.to_owned(),
        }
    }

    #[test]
    fn a_document_is_composed_and_read_back() {
        for (d, source) in [
            (
                doc("36/QĐ-SKHCN", "14/08/2026", "Quyết định — kèm phụ lục"),
                "36/QĐ-SKHCN ngày 14/08/2026 — Quyết định — kèm phụ lục",
            ),
            (
                doc("36/QĐ-SKHCN", "14/08/2026", ""),
                "36/QĐ-SKHCN ngày 14/08/2026",
            ),
            (doc("12/KH-SKHCN", "", "Kế hoạch"), "12/KH-SKHCN — Kế hoạch"),
            (
                doc("", "10/03/2026", "Kế hoạch"),
                "ngày 10/03/2026 — Kế hoạch",
            ),
            (doc("", "10/03/2026", ""), "ngày 10/03/2026"),
            (doc("", "", "Báo cáo tổng hợp"), "Báo cáo tổng hợp"),
        ] {
            assert_eq!(d.compose().as_deref(), Some(source));
            assert_eq!(FactDocument::parse(source), d, "{source}");
        }
        assert_eq!(doc("", "", "").compose(), None);
    }

    #[test]
    fn a_source_of_another_shape_is_all_trich_yeu() {
        for source in [
            "Báo cáo số 5 ngày 31/02/2026 — x",
            "Công văn số 12 — về việc",
            "5/BC ngày 1/2/2026 — trích yếu",
            "5/BC  ngày 01/02/2026",
            " — ",
        ] {
            assert_eq!(FactDocument::parse(source), doc("", "", source), "{source}");
        }
    }
}
