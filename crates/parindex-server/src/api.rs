//! The JSON API under `/api/`: the same actions as the pages, through the same functions of
//! [`crate::service`] with the same checks, described by `/api/openapi.json`. A
//! state-changing call sends the CSRF cookie and repeats it in `X-CSRF-Token` (get both
//! from `GET /api/csrf`).

use std::sync::Arc;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use parindex_core::num::{vi_decimal, vi_percent};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::extract::{VJson, VMultipart, VPath};
use crate::security::CsrfToken;
use crate::service::{form_text, App, TableState, UploadOutcome};
use crate::store::{NoteDocument, NoteRow};
use crate::web;

type S = State<Arc<App>>;
type ApiResult<T> = Result<T, ApiError>;

/// The OpenAPI document, written by hand and checked by the tests against the router.
pub const OPENAPI: &str = include_str!("../openapi.json");

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .route("/api/csrf", get(csrf))
        .route("/api/workspaces", get(list).post(create))
        .route("/api/import", post(import))
        .route("/api/criteria", get(criteria_sets).post(upload_criteria))
        .route("/api/workspaces/{id}", get(summary))
        .route("/api/workspaces/{id}/report", get(report))
        .route("/api/workspaces/{id}/tables", get(tables))
        .route("/api/workspaces/{id}/gaps", get(gaps))
        .route("/api/workspaces/{id}/unit", post(save_unit))
        .route("/api/workspaces/{id}/archive", post(archive))
        .route("/api/workspaces/{id}/as-of", post(save_as_of))
        .route("/api/workspaces/{id}/encoding", post(save_encoding))
        .route("/api/workspaces/{id}/evidence", post(upload))
        .route("/api/workspaces/{id}/files", get(files))
        .route("/api/workspaces/{id}/files/{fid}/restore", post(restore))
        .route("/api/workspaces/{id}/facts", get(facts).post(save_facts))
        .route(
            "/api/workspaces/{id}/rows/{row}/note",
            get(note).post(save_note),
        )
        .route("/api/workspaces/{id}/rows/{row}/attachments", post(attach))
        .route("/api/workspaces/{id}/rows/{row}/records", get(records))
        .route(
            "/api/workspaces/{id}/rows/{row}/records/{n}",
            get(records_csv),
        )
        .route("/api/workspaces/{id}/proposals", post(save_proposals))
        .route("/api/workspaces/{id}/attachments", get(attachments))
        .route("/api/workspaces/{id}/attachments/{aid}", get(attachment))
        .route(
            "/api/workspaces/{id}/attachments/{aid}/remove",
            post(detach),
        )
        .route("/api/workspaces/{id}/history", get(history))
        .route("/api/workspaces/{id}/verify", post(verify))
        .route("/api/workspaces/{id}/compare", post(compare))
        .route("/api/workspaces/{id}/download/{format}", get(download))
        .route("/api/workspaces/{id}/export.zip", get(export))
}

async fn openapi() -> Response {
    ([(CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

#[derive(Serialize)]
struct Token {
    token: String,
    header: &'static str,
}

async fn csrf(CsrfToken(token): CsrfToken) -> Json<Token> {
    Json(Token {
        token,
        header: crate::security::CSRF_HEADER,
    })
}

#[derive(Serialize)]
struct WorkspaceJson {
    id: i64,
    unit_code: String,
    unit_name: String,
    unit_group: String,
    year: i64,
    criteria: String,
    revision: i64,
    /// Put away: listed apart on the home page, everything kept.
    archived: bool,
}

fn ws_json(w: &crate::store::Workspace) -> WorkspaceJson {
    WorkspaceJson {
        id: w.id,
        unit_code: w.unit_code.clone(),
        unit_name: w.unit_name.clone(),
        unit_group: w.unit_group.clone(),
        year: w.year,
        criteria: w.criteria_id.clone(),
        revision: w.revision,
        archived: w.archived_at.is_some(),
    }
}

async fn list(State(app): S, viewer: crate::auth::Viewer) -> ApiResult<Json<Vec<WorkspaceJson>>> {
    Ok(Json(
        app.readable_workspaces(&viewer)
            .await?
            .iter()
            .map(ws_json)
            .collect(),
    ))
}

#[derive(Deserialize)]
struct CreateBody {
    criteria: String,
    code: String,
    name: String,
    /// Empty or absent: the set's own group.
    #[serde(default)]
    group: String,
}

async fn create(State(app): S, VJson(b): VJson<CreateBody>) -> ApiResult<Json<WorkspaceJson>> {
    let id = app
        .create_workspace(&b.criteria, &b.code, &b.name, &b.group)
        .await?;
    Ok(Json(ws_json(&app.workspace(id).await?)))
}

#[derive(Serialize)]
struct CriteriaJson {
    sha256: String,
    id: String,
    title: String,
    year: i32,
    shipped: bool,
}

fn criteria_json(s: &crate::service::CriteriaEntry) -> CriteriaJson {
    CriteriaJson {
        sha256: s.sha256.clone(),
        id: s.id.clone(),
        title: s.title.clone(),
        year: s.year,
        shipped: s.shipped,
    }
}

async fn criteria_sets(State(app): S) -> ApiResult<Json<Vec<CriteriaJson>>> {
    Ok(Json(
        app.sets().await?.iter().map(|s| criteria_json(s)).collect(),
    ))
}

async fn upload_criteria(
    State(app): S,
    VMultipart(multipart): VMultipart,
) -> ApiResult<Json<CriteriaJson>> {
    let bytes = web::chosen_file(multipart, "file", "criteria.toml").await?;
    let entry = app.upload_criteria(&bytes).await?;
    Ok(Json(criteria_json(&entry)))
}

#[derive(Serialize)]
struct Imported {
    workspace: WorkspaceJson,
    files: UploadOutcome,
}

async fn import(State(app): S, VMultipart(multipart): VMultipart) -> ApiResult<Json<Imported>> {
    let (id, outcome) = web::import_form(&app, multipart).await?;
    Ok(Json(Imported {
        workspace: ws_json(&app.workspace(id).await?),
        files: outcome,
    }))
}

#[derive(Deserialize)]
struct UnitBody {
    code: String,
    name: String,
    group: String,
}

async fn save_unit(
    State(app): S,
    VPath(id): VPath<i64>,
    VJson(b): VJson<UnitBody>,
) -> ApiResult<Json<WorkspaceJson>> {
    app.set_unit(id, &b.code, &b.name, &b.group).await?;
    Ok(Json(ws_json(&app.workspace(id).await?)))
}

#[derive(Deserialize)]
struct ArchiveBody {
    archived: bool,
}

async fn archive(
    State(app): S,
    VPath(id): VPath<i64>,
    VJson(b): VJson<ArchiveBody>,
) -> ApiResult<Json<WorkspaceJson>> {
    app.set_archived(id, b.archived).await?;
    Ok(Json(ws_json(&app.workspace(id).await?)))
}

#[derive(Serialize)]
struct Summary {
    workspace: WorkspaceJson,
    /// `82,19%`, as the pages show it.
    index: Option<String>,
    rating: Option<String>,
    points: String,
    applicable_max: String,
    needs_explanation: Vec<String>,
}

async fn summary(State(app): S, VPath(id): VPath<i64>) -> ApiResult<Json<Summary>> {
    let w = app.workspace(id).await?;
    let scored = app.report(id).await?;
    let s = scored.ready()?;
    let t = &s.report.total;
    Ok(Json(Summary {
        workspace: ws_json(&w),
        index: t.index.map(|i| format!("{}%", vi_percent(i))),
        rating: t.rating.clone(),
        points: vi_decimal(t.points),
        applicable_max: vi_decimal(t.applicable_max),
        needs_explanation: s
            .report
            .nodes
            .iter()
            .filter(|n| n.needs_explanation)
            .map(|n| n.id.clone())
            .collect(),
    }))
}

async fn report(State(app): S, VPath(id): VPath<i64>) -> ApiResult<Response> {
    let scored = app.report(id).await?;
    let s = scored.ready()?;
    Ok(([(CONTENT_TYPE, "application/json")], s.json.clone()).into_response())
}

/// The rows that lost points, as `parindex gaps` lists them: decimals as the report's JSON
/// writes them (a dot, exact).
#[derive(Serialize)]
struct GapsJson {
    rows: Vec<web::GapLine>,
    lost: String,
}

async fn gaps(State(app): S, VPath(id): VPath<i64>) -> ApiResult<Json<GapsJson>> {
    use parindex_render::table;
    let scored = app.report(id).await?;
    let report = &scored.ready()?.report;
    Ok(Json(GapsJson {
        rows: table::gap_rows(report)
            .into_iter()
            .map(|r| web::GapLine::of(r, |d| d.to_string()))
            .collect(),
        lost: table::gaps_total(report).to_string(),
    }))
}

async fn tables(State(app): S, VPath(id): VPath<i64>) -> ApiResult<Json<Vec<TableState>>> {
    Ok(Json(app.tables(id).await?))
}

async fn upload(
    State(app): S,
    VPath(id): VPath<i64>,
    VMultipart(multipart): VMultipart,
) -> ApiResult<Response> {
    let upload = web::received_files(&app, id, multipart, "files").await?;
    let outcome: UploadOutcome = app.upload(id, upload).await?;
    let status = if outcome.files.iter().any(|f| f.status == "refused") {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    Ok((status, Json(outcome)).into_response())
}

#[derive(Serialize)]
struct FileJson {
    id: i64,
    slot: String,
    stored_name: String,
    display_name: String,
    sha256: String,
    size: i64,
    version: i64,
    active: bool,
}

async fn files(State(app): S, VPath(id): VPath<i64>) -> ApiResult<Json<Vec<FileJson>>> {
    app.workspace(id).await?;
    Ok(Json(
        app.db
            .files(id)
            .await?
            .into_iter()
            .map(|f| FileJson {
                id: f.id,
                slot: f.slot,
                stored_name: f.stored_name,
                display_name: f.display_name,
                sha256: f.sha256,
                size: f.size,
                version: f.version,
                active: f.active,
            })
            .collect(),
    ))
}

async fn restore(State(app): S, VPath((id, fid)): VPath<(i64, i64)>) -> ApiResult<Json<Done>> {
    app.restore_file(id, fid).await?;
    Ok(Json(Done { version: None }))
}

#[derive(Serialize)]
struct Done {
    version: Option<i64>,
}

#[derive(Serialize, Deserialize)]
struct FactJson {
    name: String,
    /// The set's Vietnamese label; none for a fact it does not declare (ignored when saved).
    #[serde(default)]
    label: Option<String>,
    /// The set declares the fact: its `kind` is the set's (ignored when saved).
    #[serde(default)]
    declared: bool,
    /// `integer`, `decimal`, `bool` or `text`; a declared fact's is the set's, whatever is sent.
    kind: String,
    value: String,
    /// The supporting document whole, as facts.toml holds it; when saved, used only if none
    /// of the three `doc_` fields is sent.
    #[serde(default)]
    source: Option<String>,
    /// Số ký hiệu of the supporting document.
    #[serde(default)]
    doc_number: Option<String>,
    /// Its date, dd/mm/yyyy.
    #[serde(default)]
    doc_date: Option<String>,
    /// Its trích yếu.
    #[serde(default)]
    doc_subject: Option<String>,
}

async fn facts(State(app): S, VPath(id): VPath<i64>) -> ApiResult<Json<Vec<FactJson>>> {
    let some = |s: String| Some(s).filter(|s| !s.is_empty());
    Ok(Json(
        web::fact_views(&app, id)
            .await?
            .into_iter()
            .map(|f| FactJson {
                name: f.name,
                label: some(f.label),
                declared: f.declared,
                kind: f.kind.to_owned(),
                value: f.value,
                source: some(f.source),
                doc_number: some(f.document.number),
                doc_date: some(f.document.date),
                doc_subject: some(f.document.subject),
            })
            .collect(),
    ))
}

/// Every fact (as the form sends them): the facts not listed are dropped.
async fn save_facts(
    State(app): S,
    VPath(id): VPath<i64>,
    VJson(body): VJson<Vec<FactJson>>,
) -> ApiResult<Json<Done>> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for f in body {
        let name = &f.name;
        fields.push((format!("kind.{name}"), f.kind));
        fields.push((format!("value.{name}"), f.value));
        fields.push((format!("source.{name}"), f.source.unwrap_or_default()));
        for (prefix, part) in [
            ("doc_number", f.doc_number),
            ("doc_date", f.doc_date),
            ("doc_subject", f.doc_subject),
        ] {
            if let Some(part) = part {
                fields.push((format!("{prefix}.{name}"), part));
            }
        }
    }
    let w = app.workspace(id).await?;
    let facts = web::facts_of_form(app.set_of(&w)?.set(), &fields)?;
    app.save_facts(id, facts, None).await?;
    Ok(Json(Done { version: None }))
}

#[derive(Serialize, Deserialize)]
struct NoteJson {
    version: i64,
    #[serde(default)]
    giai_trinh: Option<String>,
    #[serde(default)]
    diem_de_nghi: Option<String>,
    #[serde(default)]
    ly_do: Option<String>,
    #[serde(default)]
    tai_lieu: Vec<NoteDocument>,
}

async fn note(State(app): S, VPath((id, row)): VPath<(i64, String)>) -> ApiResult<Json<NoteJson>> {
    app.workspace(id).await?;
    let n = app.note(id, &row).await?;
    Ok(Json(NoteJson {
        version: n.version,
        giai_trinh: n.explanation,
        diem_de_nghi: n.declared_points,
        ly_do: n.declared_reason,
        tai_lieu: n.documents,
    }))
}

async fn save_note(
    State(app): S,
    VPath((id, row)): VPath<(i64, String)>,
    VJson(b): VJson<NoteJson>,
) -> ApiResult<Json<Done>> {
    let text = |s: Option<String>| s.as_deref().and_then(form_text);
    let version = app
        .save_note(
            id,
            NoteRow {
                row_id: row,
                explanation: text(b.giai_trinh),
                declared_points: text(b.diem_de_nghi),
                declared_reason: text(b.ly_do),
                documents: b
                    .tai_lieu
                    .into_iter()
                    .filter_map(|d| {
                        Some(NoteDocument {
                            number: form_text(&d.number)?,
                            date: d.date.as_deref().and_then(form_text),
                            subject: d.subject.as_deref().and_then(form_text),
                        })
                    })
                    .collect(),
                version: b.version,
            },
        )
        .await?;
    Ok(Json(Done {
        version: Some(version),
    }))
}

/// One list of a row's deciding records, every record of it.
#[derive(Serialize)]
struct RecordsJson {
    table: String,
    title: String,
    what: String,
    /// How many records the list counts.
    total: usize,
    /// How many of them are not in `records` (past the bound).
    left_out: usize,
    columns: Vec<ColumnJson>,
    records: Vec<RecordJson>,
}

#[derive(Serialize)]
struct ColumnJson {
    id: String,
    label: String,
}

#[derive(Serialize)]
struct RecordJson {
    /// The record's line in its file.
    line: u64,
    /// Its cells, in `columns`' order, as the report shows values.
    cells: Vec<String>,
}

async fn records(
    State(app): S,
    VPath((id, row)): VPath<(i64, String)>,
) -> ApiResult<Json<Vec<RecordsJson>>> {
    let lists = app.row_records(id, &row).await?;
    Ok(Json(
        lists
            .into_iter()
            .map(|t| RecordsJson {
                left_out: t.left_out(),
                table: t.list.table,
                title: t.list.title,
                what: t.list.what,
                total: t.list.total,
                columns: (t.columns.into_iter())
                    .map(|(id, label)| ColumnJson { id, label })
                    .collect(),
                records: (t.records.into_iter())
                    .map(|(line, cells)| RecordJson { line, cells })
                    .collect(),
            })
            .collect(),
    ))
}

async fn records_csv(
    State(app): S,
    VPath((id, row, n)): VPath<(i64, String, usize)>,
) -> ApiResult<Response> {
    Ok(web::records_csv_response(&app, id, &row, n).await?)
}

#[derive(Serialize)]
struct DetachedJson {
    id: i64,
    /// The row it was on.
    row: String,
}

async fn detach(
    State(app): S,
    VPath((id, aid)): VPath<(i64, i64)>,
) -> ApiResult<Json<DetachedJson>> {
    let row = app.detach(id, aid).await?;
    Ok(Json(DetachedJson { id: aid, row }))
}

async fn attach(
    State(app): S,
    VPath((id, row)): VPath<(i64, String)>,
    VMultipart(multipart): VMultipart,
) -> ApiResult<Json<Vec<i64>>> {
    let mut ids = Vec::new();
    for (name, bytes) in web::chosen_files(multipart, "file", app.limits.files_per_upload).await? {
        ids.push(app.attach(id, &row, &name, &bytes).await?);
    }
    Ok(Json(ids))
}

#[derive(Serialize)]
struct AttachmentJson {
    id: i64,
    row: String,
    name: String,
    sha256: String,
    size: i64,
    /// Where it lies in the exported folder.
    path: String,
}

async fn attachments(State(app): S, VPath(id): VPath<i64>) -> ApiResult<Json<Vec<AttachmentJson>>> {
    app.workspace(id).await?;
    Ok(Json(
        app.db
            .attachments(id)
            .await?
            .into_iter()
            .map(|a| AttachmentJson {
                path: crate::folder::attachment_path(&a),
                id: a.id,
                row: a.row_id,
                name: a.display_name,
                sha256: a.sha256,
                size: a.size,
            })
            .collect(),
    ))
}

async fn attachment(State(app): S, VPath((id, aid)): VPath<(i64, i64)>) -> ApiResult<Response> {
    Ok(web::attachment_response(&app, id, aid).await?)
}

#[derive(Serialize)]
struct HistoryJson {
    id: i64,
    /// Unix seconds.
    at: i64,
    action: String,
    detail: String,
}

async fn history(State(app): S, VPath(id): VPath<i64>) -> ApiResult<Json<Vec<HistoryJson>>> {
    app.workspace(id).await?;
    Ok(Json(
        app.db
            .history(id)
            .await?
            .into_iter()
            .map(|h| HistoryJson {
                id: h.id,
                at: h.at,
                action: h.action,
                detail: h.detail,
            })
            .collect(),
    ))
}

#[derive(Deserialize)]
struct ProposalsBody {
    version: i64,
    text: Option<String>,
}

async fn save_encoding(
    State(app): S,
    VPath(id): VPath<i64>,
    VJson(b): VJson<web::EncodingForm>,
) -> ApiResult<Json<Done>> {
    app.set_encoding(id, &b.encoding).await?;
    Ok(Json(Done { version: None }))
}

async fn save_as_of(
    State(app): S,
    VPath(id): VPath<i64>,
    VJson(b): VJson<web::AsOfForm>,
) -> ApiResult<Json<Done>> {
    app.set_as_of(id, &b.as_of).await?;
    Ok(Json(Done { version: None }))
}

async fn save_proposals(
    State(app): S,
    VPath(id): VPath<i64>,
    VJson(b): VJson<ProposalsBody>,
) -> ApiResult<Json<Done>> {
    let v = app
        .save_proposals(id, b.text.as_deref().and_then(form_text), b.version)
        .await?;
    Ok(Json(Done { version: Some(v) }))
}

async fn verify(
    State(app): S,
    VPath(id): VPath<i64>,
    VMultipart(multipart): VMultipart,
) -> ApiResult<Json<crate::service::Verified>> {
    let text = web::report_text(multipart).await?;
    Ok(Json(app.verify(id, &text).await?))
}

async fn compare(
    State(app): S,
    VPath(id): VPath<i64>,
    VMultipart(multipart): VMultipart,
) -> ApiResult<Json<crate::service::Compared>> {
    app.workspace(id).await?;
    let (first, second) = web::two_reports(multipart).await?;
    Ok(Json(crate::service::compare_reports(first, second).await?))
}

async fn download(State(app): S, VPath((id, format)): VPath<(i64, String)>) -> ApiResult<Response> {
    Ok(web::download_response(&app, id, &format).await?)
}

async fn export(State(app): S, VPath(id): VPath<i64>) -> ApiResult<Response> {
    let bytes = app.export_zip(id).await?;
    Ok(web::file_response(
        bytes,
        "application/zip",
        "minh-chung.zip",
    ))
}
