//! The province's campaign on the server: its pages and its JSON API (`/api/...`), over
//! [`crate::campaign`] and [`crate::auth`]. Every handler checks who asks with
//! [`crate::auth::Viewer`] (the guard has already refused a request without a session).

use std::collections::BTreeMap;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, SET_COOKIE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use parindex_campaign::submission::STEPS;
use parindex_campaign::{permits, Action, Actor, Role, State as UnitState, Step};
use parindex_core::compare::Comparison;
use parindex_core::num::vi_decimal;
use parindex_core::Report;
use serde::{Deserialize, Serialize};

use crate::auth::{session_cookie, session_token, Viewer};
use crate::campaign::{by_row, AccountForm, CampaignForm, Dashboard, UnitStanding};
use crate::error::{ApiError, AppError};
use crate::extract::{VForm, VJson, VMultipart, VPath};
use crate::format::vi_time;
use crate::security::CsrfToken;
use crate::service::App;

type S = State<Arc<App>>;
type ApiResult<T> = Result<T, ApiError>;

pub fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/accounts", get(accounts_page).post(create_account))
        .route("/campaigns", get(campaigns_page).post(create_campaign))
        .route("/campaigns/{c}", get(campaign_page))
        .route("/campaigns/{c}/units", post(add_units))
        .route("/campaigns/{c}/survey", post(upload_survey))
        .route("/campaigns/{c}/publish", post(publish))
        .route("/campaigns/{c}/ranking.xlsx", get(ranking_xlsx))
        .route("/campaigns/{c}/province.zip", get(province_zip))
        .route("/campaigns/{c}/history.csv", get(campaign_history))
        .route("/history", get(province_history_page))
        .route("/history.csv", get(province_history))
        .route("/campaigns/{c}/units/{code}", get(unit_page))
        .route("/campaigns/{c}/units/{code}/steps/{step}", post(step))
        .route(
            "/campaigns/{c}/units/{code}/rows/{row}/appraisal",
            post(appraise),
        )
        .route(
            "/campaigns/{c}/units/{code}/rows/{row}/answer",
            post(answer),
        )
        .route("/campaigns/{c}/units/{code}/diff", get(diff_page))
        .route(
            "/campaigns/{c}/units/{code}/rows/{row}/answer/{n}",
            get(answer_file),
        )
        .route("/campaigns/{c}/units/{code}/history.csv", get(unit_history))
        .route(
            "/campaigns/{c}/units/{code}/submissions/{sid}/{file}",
            get(submission_file),
        )
        // The API: the same actions, as JSON.
        .route("/api/login", post(api_login))
        .route("/api/logout", post(api_logout))
        .route("/api/me", get(api_me))
        .route("/api/accounts", get(api_accounts).post(api_create_account))
        .route(
            "/api/campaigns",
            get(api_campaigns).post(api_create_campaign),
        )
        .route("/api/campaigns/{c}", get(api_dashboard))
        .route("/api/campaigns/{c}/units", post(api_add_units))
        .route("/api/campaigns/{c}/survey", post(api_survey))
        .route("/api/campaigns/{c}/publish", post(api_publish))
        .route("/api/campaigns/{c}/ranking", get(api_ranking))
        .route("/api/campaigns/{c}/units/{code}", get(api_unit))
        .route(
            "/api/campaigns/{c}/units/{code}/steps/{step}",
            post(api_step),
        )
        .route(
            "/api/campaigns/{c}/units/{code}/rows/{row}/appraisal",
            post(api_appraise),
        )
        .route(
            "/api/campaigns/{c}/units/{code}/rows/{row}/answer",
            post(api_answer),
        )
        .route("/api/campaigns/{c}/units/{code}/diff", get(api_diff))
}

fn page(t: &impl Template) -> Result<Response, AppError> {
    t.render()
        .map(|body| axum::response::Html(body).into_response())
        .map_err(|e| AppError::Internal(format!("mẫu trang: {e}")))
}

/// The account in the pages' header.
#[derive(Debug)]
pub(crate) struct Me {
    pub(crate) login: String,
    pub(crate) role: &'static str,
    pub(crate) unit: Option<String>,
    pub(crate) admin: bool,
    /// Sees the province: the dashboard, the ranking, the history.
    pub(crate) province: bool,
}

pub(crate) fn me(actor: &Actor) -> Me {
    Me {
        login: actor.login.clone(),
        role: actor.role.vi(),
        unit: actor.unit.clone(),
        admin: actor.role == Role::Admin,
        province: permits(actor, Action::ReadProvince).is_ok(),
    }
}

fn step_of(text: &str) -> Result<Step, AppError> {
    Step::parse(text).ok_or_else(|| AppError::NotFound("không có bước này".to_owned()))
}

fn with_cookie(mut r: Response, cookie: Option<axum::http::HeaderValue>) -> Response {
    if let Some(c) = cookie {
        r.headers_mut().append(SET_COOKIE, c);
    }
    r
}

/// A path on this site to go back to after signing in (never another site's:
/// [`crate::security::local_path`]); the login page sends anything else percent-encoded.
fn local_next(next: Option<&str>) -> String {
    next.and_then(crate::security::local_path)
        .unwrap_or("/campaigns")
        .to_owned()
}

// ---- sign in and out -------------------------------------------------------------------

#[derive(Template)]
#[template(path = "province/login.html")]
struct LoginPage {
    csrf: String,
    next: String,
    message: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    next: Option<String>,
}

async fn login_page(
    CsrfToken(csrf): CsrfToken,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    page(&LoginPage {
        csrf,
        next: crate::format::url_encode(&local_next(q.next.as_deref())),
        message: None,
    })
}

#[derive(Deserialize)]
struct LoginForm {
    login: String,
    password: String,
}

async fn login(
    State(app): S,
    CsrfToken(csrf): CsrfToken,
    Query(q): Query<NextQuery>,
    VForm(f): VForm<LoginForm>,
) -> Result<Response, AppError> {
    let next = local_next(q.next.as_deref());
    match app.sign_in(&f.login, &f.password).await {
        Ok((_, token)) => Ok(with_cookie(
            Redirect::to(&next).into_response(),
            session_cookie(Some(&token), app.accounts.secure_cookies),
        )),
        Err(e @ (AppError::SignIn(_) | AppError::Forbidden(_))) => {
            let mut r = page(&LoginPage {
                csrf,
                next: crate::format::url_encode(&next),
                message: Some(e.message()),
            })?;
            *r.status_mut() = e.status();
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

async fn logout(State(app): S, headers: axum::http::HeaderMap) -> Result<Response, AppError> {
    if let Some(token) = session_token(&headers) {
        app.sign_out(&token).await?;
    }
    Ok(with_cookie(
        Redirect::to("/login").into_response(),
        session_cookie(None, app.accounts.secure_cookies),
    ))
}

#[derive(Serialize)]
struct MeJson {
    account: i64,
    login: String,
    role: &'static str,
    unit_code: Option<String>,
    fields: Vec<String>,
}

fn me_json(a: &Actor) -> MeJson {
    MeJson {
        account: a.account,
        login: a.login.clone(),
        role: a.role.as_str(),
        unit_code: a.unit.clone(),
        fields: a.fields.clone(),
    }
}

async fn api_login(State(app): S, VJson(f): VJson<LoginForm>) -> Result<Response, ApiError> {
    let (actor, token) = app.sign_in(&f.login, &f.password).await?;
    Ok(with_cookie(
        Json(me_json(&actor)).into_response(),
        session_cookie(Some(&token), app.accounts.secure_cookies),
    ))
}

async fn api_logout(State(app): S, headers: axum::http::HeaderMap) -> Result<Response, ApiError> {
    if let Some(token) = session_token(&headers) {
        app.sign_out(&token).await?;
    }
    Ok(with_cookie(
        Json(serde_json::json!({ "signed_out": true })).into_response(),
        session_cookie(None, app.accounts.secure_cookies),
    ))
}

async fn api_me(viewer: Viewer) -> ApiResult<Json<MeJson>> {
    Ok(Json(me_json(viewer.actor()?)))
}

// ---- accounts --------------------------------------------------------------------------

#[derive(Debug)]
struct AccountView {
    login: String,
    name: String,
    role: &'static str,
    unit: String,
    agency: String,
    active: &'static str,
}

#[derive(Template)]
#[template(path = "province/accounts.html")]
struct AccountsPage {
    csrf: String,
    me: Me,
    accounts: Vec<AccountView>,
    roles: Vec<(&'static str, &'static str)>,
}

#[derive(Serialize)]
struct AccountJson {
    id: i64,
    login: String,
    display_name: String,
    role: String,
    unit_code: Option<String>,
    agency: Option<String>,
    fields: Vec<String>,
    active: bool,
}

async fn account_rows(
    app: &App,
    viewer: &Viewer,
) -> Result<Vec<parindex_db::AccountRow>, AppError> {
    viewer.permitted(Action::ManageProvince)?;
    Ok(app.db.accounts().await?)
}

async fn accounts_page(
    State(app): S,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
) -> Result<Response, AppError> {
    let rows = account_rows(&app, &viewer).await?;
    page(&AccountsPage {
        csrf,
        me: me(viewer.actor()?),
        accounts: rows
            .iter()
            .map(|a| AccountView {
                login: a.login.clone(),
                name: a.display_name.clone(),
                role: Role::parse(&a.role).map_or("?", Role::vi),
                unit: a.unit_code.clone().unwrap_or_default(),
                agency: match &a.agency {
                    Some(agency) => format!("{agency}: lĩnh vực {}", a.fields.join(", ")),
                    None => String::new(),
                },
                active: if a.active {
                    "đang dùng"
                } else {
                    "đã khoá"
                },
            })
            .collect(),
        roles: parindex_campaign::role::ROLES
            .iter()
            .map(|r| (r.as_str(), r.vi()))
            .collect(),
    })
}

async fn create_account(
    State(app): S,
    viewer: Viewer,
    VForm(f): VForm<AccountForm>,
) -> Result<Response, AppError> {
    app.create_account(&viewer, &f).await?;
    Ok(Redirect::to("/accounts").into_response())
}

async fn api_accounts(State(app): S, viewer: Viewer) -> ApiResult<Json<Vec<AccountJson>>> {
    Ok(Json(
        account_rows(&app, &viewer)
            .await?
            .into_iter()
            .map(|a| AccountJson {
                id: a.id,
                login: a.login,
                display_name: a.display_name,
                role: a.role,
                unit_code: a.unit_code,
                agency: a.agency,
                fields: a.fields,
                active: a.active,
            })
            .collect(),
    ))
}

async fn api_create_account(
    State(app): S,
    viewer: Viewer,
    VJson(f): VJson<AccountForm>,
) -> ApiResult<Json<serde_json::Value>> {
    let id = app.create_account(&viewer, &f).await?;
    Ok(Json(serde_json::json!({ "id": id })))
}

// ---- campaigns -------------------------------------------------------------------------

#[derive(Debug, Serialize)]
struct CampaignItem {
    id: i64,
    title: String,
    year: i64,
    criteria: String,
    phase: &'static str,
}

async fn campaign_items(app: &App, viewer: &Viewer) -> Result<Vec<CampaignItem>, AppError> {
    viewer.actor()?;
    let mut out = Vec::new();
    for c in app.db.campaigns().await? {
        out.push(CampaignItem {
            id: c.id,
            title: c.title.clone(),
            year: c.year,
            criteria: c.criteria_id.clone(),
            phase: app.phase(&c).await?.vi(),
        });
    }
    Ok(out)
}

#[derive(Template)]
#[template(path = "province/campaigns.html")]
struct CampaignsPage {
    csrf: String,
    me: Me,
    campaigns: Vec<CampaignItem>,
    sets: Vec<(String, String)>,
}

async fn campaigns_page(
    State(app): S,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
) -> Result<Response, AppError> {
    let campaigns = campaign_items(&app, &viewer).await?;
    page(&CampaignsPage {
        csrf,
        me: me(viewer.actor()?),
        campaigns,
        sets: app
            .sets()
            .await?
            .iter()
            .map(|s| (s.sha256.clone(), format!("{} ({})", s.title, s.id)))
            .collect(),
    })
}

async fn create_campaign(
    State(app): S,
    viewer: Viewer,
    VForm(f): VForm<CampaignForm>,
) -> Result<Response, AppError> {
    let id = app.create_campaign(&viewer, &f).await?;
    Ok(Redirect::to(&format!("/campaigns/{id}")).into_response())
}

async fn api_campaigns(State(app): S, viewer: Viewer) -> ApiResult<Json<Vec<CampaignItem>>> {
    Ok(Json(campaign_items(&app, &viewer).await?))
}

async fn api_create_campaign(
    State(app): S,
    viewer: Viewer,
    VJson(f): VJson<CampaignForm>,
) -> ApiResult<Json<serde_json::Value>> {
    let id = app.create_campaign(&viewer, &f).await?;
    Ok(Json(serde_json::json!({ "id": id })))
}

/// A dashboard, for an account that reads the province.
async fn dashboard_for(app: &App, viewer: &Viewer, c: i64) -> Result<Dashboard, AppError> {
    viewer.permitted(Action::ReadProvince)?;
    app.dashboard(c).await
}

/// Who may read a campaign's ranking: the province's readers, and once it is published
/// every account.
async fn ranking_reader(app: &App, viewer: &Viewer, c: i64) -> Result<(), AppError> {
    let actor = viewer.actor()?;
    if permits(actor, Action::ReadProvince).is_ok() || app.campaign(c).await?.published_at.is_some()
    {
        Ok(())
    } else {
        Err(AppError::Forbidden(format!(
            "tài khoản {} chỉ xem được xếp hạng khi Sở Nội vụ đã công bố",
            actor.login
        )))
    }
}

pub(crate) type Groups = Vec<(String, Vec<RankRow>)>;

#[derive(Debug)]
pub(crate) struct RankRow {
    /// `11`, or `11 (đồng hạng)` when shared, as the Excel ranking words it.
    pub(crate) rank: String,
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) self_assessed: String,
    pub(crate) appraised: String,
    pub(crate) survey: String,
    pub(crate) total: String,
    pub(crate) index: String,
    pub(crate) rating: String,
}

pub(crate) fn groups_of(ranking: &parindex_core::rank::Ranking) -> Groups {
    ranking
        .groups
        .iter()
        .map(|g| {
            let rows = g
                .entries
                .iter()
                .map(|e| RankRow {
                    rank: parindex_render::labels::rank(e.rank, e.tied),
                    code: e.code.clone(),
                    name: e.name.clone(),
                    self_assessed: vi_decimal(e.self_assessed),
                    // Not appraised: the Excel ranking's dash.
                    appraised: e
                        .appraised
                        .map_or_else(|| parindex_render::labels::NONE.to_owned(), vi_decimal),
                    survey: vi_decimal(e.survey),
                    total: vi_decimal(e.total),
                    index: e.index.map(vi_decimal).unwrap_or_default(),
                    rating: e.rating.clone().unwrap_or_default(),
                })
                .collect();
            (g.group.clone(), rows)
        })
        .collect()
}

#[derive(Template)]
#[template(path = "province/campaign.html")]
struct CampaignPage {
    csrf: String,
    me: Me,
    d: Dashboard,
    submitted: usize,
    late: usize,
    groups: Groups,
    fields: FieldTable,
    ranking_error: Option<String>,
}

async fn campaign_page(
    State(app): S,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    VPath(c): VPath<i64>,
) -> Result<Response, AppError> {
    let d = dashboard_for(&app, &viewer, c).await?;
    let (groups, fields, ranking_error) = match app.consolidate(c).await {
        Ok(done) => (groups_of(&done.ranking), fields_of(&done.reports), None),
        Err(AppError::Invalid { message, .. }) => {
            (Vec::new(), FieldTable::default(), Some(message))
        }
        Err(e) => return Err(e),
    };
    let count = |s: &str| d.units.iter().filter(|u| u.standing == s).count();
    page(&CampaignPage {
        csrf,
        me: me(viewer.actor()?),
        submitted: count("submitted"),
        late: count("late"),
        d,
        groups,
        fields,
        ranking_error,
    })
}

/// Every unit's index per field, for the dashboard's bars.
#[derive(Debug, Default, Clone)]
pub(crate) struct FieldTable {
    /// (id, title) of each field.
    pub(crate) heads: Vec<(String, String)>,
    pub(crate) rows: Vec<FieldRow>,
}

/// (code, [(index shown, bar value 0–100)]).
pub(crate) type FieldRow = (String, Vec<(String, String)>);

/// A report's fields (the top of its tree).
fn fields(r: &Report) -> Vec<&parindex_core::report::NodeScore> {
    r.nodes
        .iter()
        .filter(|n| n.kind == parindex_core::report::NodeKind::Field)
        .collect()
}

pub(crate) fn fields_of(reports: &[Report]) -> FieldTable {
    let heads = reports.first().map_or_else(Vec::new, |r| {
        fields(r)
            .iter()
            .map(|n| (n.id.clone(), n.title.clone()))
            .collect()
    });
    let rows = reports
        .iter()
        .map(|r| {
            let cells = fields(r)
                .iter()
                .map(|n| {
                    let shown = n.index.map(vi_decimal).unwrap_or_default();
                    let bar = n
                        .index
                        .map(|i| i.round_dp(2).to_string())
                        .unwrap_or_else(|| "0".to_owned());
                    (shown, bar)
                })
                .collect();
            (r.unit.code.clone(), cells)
        })
        .collect();
    FieldTable { heads, rows }
}

async fn api_dashboard(
    State(app): S,
    viewer: Viewer,
    VPath(c): VPath<i64>,
) -> ApiResult<Json<Dashboard>> {
    Ok(Json(dashboard_for(&app, &viewer, c).await?))
}

async fn api_ranking(
    State(app): S,
    viewer: Viewer,
    VPath(c): VPath<i64>,
) -> Result<Response, ApiError> {
    ranking_reader(&app, &viewer, c).await?;
    let done = app.consolidate(c).await?;
    Ok(([(CONTENT_TYPE, "application/json")], done.ranking.to_json()).into_response())
}

async fn ranking_xlsx(
    State(app): S,
    viewer: Viewer,
    VPath(c): VPath<i64>,
) -> Result<Response, AppError> {
    ranking_reader(&app, &viewer, c).await?;
    let done = app.consolidate(c).await?;
    let bytes = parindex_render::render_ranking_xlsx(&done.ranking)
        .map_err(|e| AppError::Internal(format!("bảng xếp hạng: {e}")))?;
    Ok(attachment(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("xep-hang-dot-{c}.xlsx"),
    ))
}

async fn province_zip(
    State(app): S,
    viewer: Viewer,
    VPath(c): VPath<i64>,
) -> Result<Response, AppError> {
    viewer.permitted(Action::ReadProvince)?;
    let done = app.consolidate(c).await?;
    let bytes =
        crate::service::zip_files(done.folder.iter().map(|(n, b)| (n.as_str(), b.as_slice())))?;
    Ok(attachment(
        bytes,
        "application/zip",
        &format!("minh-chung-tinh-dot-{c}.zip"),
    ))
}

fn attachment(bytes: Vec<u8>, mime: &'static str, name: &str) -> Response {
    (
        [
            (CONTENT_TYPE, mime.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

async fn campaign_history(
    State(app): S,
    viewer: Viewer,
    VPath(c): VPath<i64>,
) -> Result<Response, AppError> {
    viewer.permitted(Action::ReadProvince)?;
    app.campaign(c).await?;
    // The campaign's entries: its own, and those of its units' workspaces and accounts —
    // not another campaign's, though the same unit is in it.
    let units = app.db.campaign_units(c).await?;
    let out = app
        .history_csv(|h| match (h.campaign_id, h.workspace_id) {
            (Some(of), _) => of == c,
            (None, Some(ws)) => units.iter().any(|u| u.workspace_id == ws),
            (None, None) => h
                .unit_code
                .as_ref()
                .is_some_and(|code| units.iter().any(|u| &u.unit_code == code)),
        })
        .await?;
    Ok(attachment(
        out.into_bytes(),
        "text/csv; charset=utf-8",
        &format!("lich-su-dot-{c}.csv"),
    ))
}

/// A unit's history in the campaign: its workspace's changes and the campaign's about it.
async fn unit_history(
    State(app): S,
    viewer: Viewer,
    VPath((c, code)): VPath<(i64, String)>,
) -> Result<Response, AppError> {
    let unit = readable_unit(&app, &viewer, c, &code).await?;
    let out = app
        .history_csv(|h| {
            h.workspace_id == Some(unit.workspace_id)
                || (h.campaign_id == Some(c) && h.unit_code.as_deref() == Some(code.as_str()))
        })
        .await?;
    Ok(attachment(
        out.into_bytes(),
        "text/csv; charset=utf-8",
        &format!("lich-su-{code}-dot-{c}.csv"),
    ))
}

#[derive(Template)]
#[template(path = "province/history.html")]
struct HistoryPage {
    csrf: String,
    me: Me,
    entries: Vec<crate::web::HistoryLine>,
}

/// The province's history, newest first, as a page (its CSV is `/history.csv`).
async fn province_history_page(
    State(app): S,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
) -> Result<Response, AppError> {
    let actor = viewer.permitted(Action::ReadProvince)?;
    let entries = app
        .db
        .province_history()
        .await?
        .into_iter()
        .map(crate::web::HistoryLine::of)
        .collect();
    page(&HistoryPage {
        csrf,
        me: me(actor),
        entries,
    })
}

async fn province_history(State(app): S, viewer: Viewer) -> Result<Response, AppError> {
    viewer.permitted(Action::ReadProvince)?;
    let csv = app.history_csv(|_| true).await?;
    Ok(attachment(
        csv.into_bytes(),
        "text/csv; charset=utf-8",
        "lich-su.csv",
    ))
}

/// The files (by the browser's names, in order) and the text fields of a multipart body:
/// [`crate::web::read_parts`], the fields by name (the last of a name kept).
async fn parts(
    multipart: Multipart,
) -> Result<(BTreeMap<String, String>, Vec<(String, Vec<u8>)>), AppError> {
    let (files, fields) = crate::web::read_parts(multipart).await?;
    Ok((
        fields.into_iter().collect(),
        files
            .into_iter()
            .map(|(_, (name, bytes))| (name, bytes.to_vec()))
            .collect(),
    ))
}

fn first_file(files: Vec<(String, Vec<u8>)>, what: &str) -> Result<Vec<u8>, AppError> {
    files
        .into_iter()
        .next()
        .map(|(_, b)| b)
        .ok_or_else(|| AppError::BadRequest(format!("chưa chọn tệp {what}")))
}

fn utf8(bytes: Vec<u8>, what: &str) -> Result<String, AppError> {
    String::from_utf8(bytes)
        .map_err(|_| AppError::BadRequest(format!("{what} không phải văn bản UTF-8")))
}

async fn add_units(
    State(app): S,
    viewer: Viewer,
    VPath(c): VPath<i64>,
    VMultipart(m): VMultipart,
) -> Result<Response, AppError> {
    let (_, files) = parts(m).await?;
    let csv = utf8(first_file(files, "units.csv")?, "units.csv")?;
    app.add_units(&viewer, c, &csv).await?;
    Ok(Redirect::to(&format!("/campaigns/{c}")).into_response())
}

#[derive(Deserialize)]
struct UnitsBody {
    csv: String,
}

async fn api_add_units(
    State(app): S,
    viewer: Viewer,
    VPath(c): VPath<i64>,
    VJson(b): VJson<UnitsBody>,
) -> ApiResult<Json<serde_json::Value>> {
    let added = app.add_units(&viewer, c, &b.csv).await?;
    Ok(Json(serde_json::json!({ "added": added })))
}

async fn upload_survey(
    State(app): S,
    viewer: Viewer,
    VPath(c): VPath<i64>,
    VMultipart(m): VMultipart,
) -> Result<Response, AppError> {
    let (_, files) = parts(m).await?;
    app.upload_survey(&viewer, c, &first_file(files, "survey.csv")?)
        .await?;
    Ok(Redirect::to(&format!("/campaigns/{c}")).into_response())
}

async fn api_survey(
    State(app): S,
    viewer: Viewer,
    VPath(c): VPath<i64>,
    VMultipart(m): VMultipart,
) -> ApiResult<Json<serde_json::Value>> {
    let (_, files) = parts(m).await?;
    app.upload_survey(&viewer, c, &first_file(files, "survey.csv")?)
        .await?;
    Ok(Json(serde_json::json!({ "survey": true })))
}

async fn publish(
    State(app): S,
    viewer: Viewer,
    VPath(c): VPath<i64>,
) -> Result<Response, AppError> {
    app.publish(&viewer, c).await?;
    Ok(Redirect::to(&format!("/campaigns/{c}")).into_response())
}

async fn api_publish(
    State(app): S,
    viewer: Viewer,
    VPath(c): VPath<i64>,
) -> ApiResult<Json<serde_json::Value>> {
    app.publish(&viewer, c).await?;
    Ok(Json(serde_json::json!({ "published": true })))
}

// ---- a unit of a campaign --------------------------------------------------------------

/// A unit, if `viewer` may read it.
async fn readable_unit(
    app: &App,
    viewer: &Viewer,
    c: i64,
    code: &str,
) -> Result<parindex_db::CampaignUnit, AppError> {
    let unit = app.campaign_unit(c, code).await?;
    let submitted = unit.state == UnitState::Submitted.as_str();
    viewer.permitted(Action::ReadUnit {
        unit: code,
        submitted,
    })?;
    Ok(unit)
}

#[derive(Debug, Serialize)]
struct SubmissionJson {
    id: i64,
    submitted_at: i64,
    points: String,
    index: Option<String>,
    fingerprint: String,
    withdrawn_at: Option<i64>,
}

#[derive(Debug, Serialize)]
struct RowJson {
    id: String,
    title: String,
    /// The unit's own points ([`parindex_render::table::unit_points`]); none while the row
    /// awaits the survey or does not arise.
    self_points: Option<String>,
    round1: Option<(String, String)>,
    round1_version: i64,
    round2: Option<(String, String)>,
    round2_version: i64,
    answer: Option<String>,
    /// The answer's TLKC files, by name (downloaded by their place in this list).
    answer_files: Vec<String>,
    answer_version: i64,
}

#[derive(Debug, Serialize)]
struct UnitJson {
    unit: UnitStanding,
    phase: &'static str,
    submissions: Vec<SubmissionJson>,
    rows: Vec<RowJson>,
}

/// A unit as its readers need it, read once: its campaign and the campaign's phase, the unit,
/// and the report of its standing submission (if it has one).
struct UnitRead {
    campaign: parindex_db::CampaignRow,
    phase: parindex_campaign::Phase,
    unit: parindex_db::CampaignUnit,
    report: Option<Report>,
}

async fn read_unit(app: &App, viewer: &Viewer, c: i64, code: &str) -> Result<UnitRead, AppError> {
    let unit = readable_unit(app, viewer, c, code).await?;
    let campaign = app.campaign(c).await?;
    let phase = app.phase(&campaign).await?;
    let report = match app.latest_submission(&unit).await? {
        Some(s) => Some(
            Report::from_json(&String::from_utf8_lossy(&app.blobs.get(&s.report_sha256)?))
                .map_err(|e| AppError::Internal(format!("báo cáo đã nộp: {e}")))?,
        ),
        None => None,
    };
    Ok(UnitRead {
        campaign,
        phase,
        unit,
        report,
    })
}

async fn unit_json(app: &App, read: &UnitRead) -> Result<UnitJson, AppError> {
    let (c, code, phase) = (read.campaign.id, read.unit.unit_code.as_str(), read.phase);
    let appraisals = app.db.appraisals(c, Some(code)).await?;
    let standing = app.standing_of(&read.unit, phase, &appraisals).await?;
    let submissions: Vec<SubmissionJson> = app
        .db
        .submissions(c, code)
        .await?
        .into_iter()
        .map(|s| SubmissionJson {
            id: s.id,
            submitted_at: s.submitted_at,
            points: s.points,
            index: s.score_index,
            fingerprint: s.fingerprint,
            withdrawn_at: s.withdrawn_at,
        })
        .collect();
    let answers = app.db.answers(c, code).await?;
    let rounds = by_row(&appraisals);
    let mut rows = Vec::new();
    if let Some(r) = &read.report {
        for n in r.nodes.iter().filter(|n| n.is_leaf()) {
            let get = |round: i64| rounds.get(&(n.id.clone(), round));
            let answer = answers.iter().find(|a| a.row_id == n.id);
            rows.push(RowJson {
                id: n.id.clone(),
                title: n.title.clone(),
                self_points: parindex_render::table::unit_points(n).map(vi_decimal),
                round1: get(1).map(|a| (a.points.clone(), a.note.clone())),
                round1_version: get(1).map_or(0, |a| a.version),
                round2: get(2).map(|a| (a.points.clone(), a.note.clone())),
                round2_version: get(2).map_or(0, |a| a.version),
                answer: answer.map(|a| {
                    let files: Vec<&str> = a
                        .documents
                        .iter()
                        .map(|d| d.display_name.as_str())
                        .collect();
                    if files.is_empty() {
                        a.note.clone()
                    } else {
                        format!("{} (TLKC: {})", a.note, files.join(", "))
                    }
                }),
                answer_files: answer.map_or_else(Vec::new, |a| {
                    a.documents.iter().map(|d| d.display_name.clone()).collect()
                }),
                answer_version: answer.map_or(0, |a| a.version),
            });
        }
    }
    Ok(UnitJson {
        unit: standing,
        phase: phase.as_str(),
        submissions,
        rows,
    })
}

async fn api_unit(
    State(app): S,
    viewer: Viewer,
    VPath((c, code)): VPath<(i64, String)>,
) -> ApiResult<Json<UnitJson>> {
    let read = read_unit(&app, &viewer, c, &code).await?;
    Ok(Json(unit_json(&app, &read).await?))
}

#[derive(Debug)]
struct SubmissionView {
    id: i64,
    at: String,
    points: String,
    index: String,
    withdrawn: String,
}

#[derive(Debug)]
struct RowView {
    id: String,
    title: String,
    self_points: String,
    round1: Option<(String, String)>,
    round2: Option<(String, String)>,
    answer: Option<String>,
    answer_files: Vec<String>,
    appraise: bool,
    version: i64,
    answerable: bool,
    answer_version: i64,
}

#[derive(Template)]
#[template(path = "province/unit.html")]
struct UnitPage {
    csrf: String,
    me: Me,
    campaign: i64,
    title: String,
    phase: &'static str,
    u: UnitStanding,
    steps: Vec<(&'static str, &'static str)>,
    submissions: Vec<SubmissionView>,
    rows: Vec<RowView>,
    has_diff: bool,
}

async fn unit_page(
    State(app): S,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    VPath((c, code)): VPath<(i64, String)>,
) -> Result<Response, AppError> {
    let read = read_unit(&app, &viewer, c, &code).await?;
    let json = unit_json(&app, &read).await?;
    let actor = viewer.actor()?;
    let phase = read.phase;
    let state = UnitState::parse(&read.unit.state).unwrap_or(UnitState::Drafting);
    let steps = STEPS
        .into_iter()
        .filter(|s| {
            permits(
                actor,
                Action::Submission {
                    unit: &code,
                    step: *s,
                },
            )
            .is_ok()
        })
        .filter(|s| state.apply(*s, phase).is_ok())
        .map(|s| (s.as_str(), step_label(s)))
        .collect();
    let round = parindex_campaign::appraisal::round_in(phase).ok();
    let answering = parindex_campaign::appraisal::answering(phase).is_ok()
        && permits(actor, Action::Answer { unit: &code }).is_ok();
    let rows = json
        .rows
        .iter()
        .map(|r| {
            let appraise = round.is_some()
                && permits(
                    actor,
                    Action::Appraise {
                        unit: &code,
                        row: &r.id,
                        submitted: true,
                    },
                )
                .is_ok();
            RowView {
                id: r.id.clone(),
                title: r.title.clone(),
                self_points: r.self_points.clone().unwrap_or_default(),
                round1: r.round1.clone(),
                round2: r.round2.clone(),
                answer: r.answer.clone(),
                answer_files: r.answer_files.clone(),
                appraise,
                version: if round == Some(2) {
                    r.round2_version
                } else {
                    r.round1_version
                },
                answerable: answering && r.round1.is_some(),
                answer_version: r.answer_version,
            }
        })
        .collect::<Vec<_>>();
    let has_diff = rows
        .iter()
        .any(|r| r.round1.is_some() || r.round2.is_some());
    page(&UnitPage {
        csrf,
        me: me(actor),
        campaign: c,
        title: read.campaign.title,
        phase: phase.vi(),
        steps,
        submissions: json
            .submissions
            .iter()
            .map(|s| SubmissionView {
                id: s.id,
                at: vi_time(s.submitted_at),
                points: s.points.replace('.', ","),
                index: s.index.clone().unwrap_or_default().replace('.', ","),
                withdrawn: s.withdrawn_at.map(vi_time).unwrap_or_default(),
            })
            .collect(),
        u: json.unit,
        rows,
        has_diff,
    })
}

fn step_label(s: Step) -> &'static str {
    match s {
        Step::HandToLeader => "Trình lãnh đạo duyệt",
        Step::SendBack => "Trả lại để sửa",
        Step::Submit => "Duyệt và nộp",
        Step::Withdraw => "Rút lại để sửa",
    }
}

async fn step(
    State(app): S,
    viewer: Viewer,
    VPath((c, code, s)): VPath<(i64, String, String)>,
) -> Result<Response, AppError> {
    app.step(&viewer, c, &code, step_of(&s)?).await?;
    Ok(Redirect::to(&format!("/campaigns/{c}/units/{code}")).into_response())
}

async fn api_step(
    State(app): S,
    viewer: Viewer,
    VPath((c, code, s)): VPath<(i64, String, String)>,
) -> ApiResult<Json<serde_json::Value>> {
    let submission = app.step(&viewer, c, &code, step_of(&s)?).await?;
    let unit = app.campaign_unit(c, &code).await?;
    Ok(Json(
        serde_json::json!({ "state": unit.state, "submission": submission }),
    ))
}

#[derive(Deserialize)]
struct AppraiseForm {
    points: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    version: i64,
}

async fn appraise(
    State(app): S,
    viewer: Viewer,
    VPath((c, code, row)): VPath<(i64, String, String)>,
    VForm(f): VForm<AppraiseForm>,
) -> Result<Response, AppError> {
    app.appraise(&viewer, c, &code, &row, &f.points, &f.note, f.version)
        .await?;
    Ok(Redirect::to(&format!("/campaigns/{c}/units/{code}#row-{row}")).into_response())
}

async fn api_appraise(
    State(app): S,
    viewer: Viewer,
    VPath((c, code, row)): VPath<(i64, String, String)>,
    VJson(f): VJson<AppraiseForm>,
) -> ApiResult<Json<serde_json::Value>> {
    let version = app
        .appraise(&viewer, c, &code, &row, &f.points, &f.note, f.version)
        .await?;
    Ok(Json(serde_json::json!({ "version": version })))
}

async fn answer_of(
    app: &App,
    viewer: &Viewer,
    c: i64,
    code: &str,
    row: &str,
    m: Multipart,
) -> Result<i64, AppError> {
    let (fields, files) = parts(m).await?;
    let version = fields
        .get("version")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or(0);
    let note = fields.get("note").map_or("", String::as_str);
    app.answer(viewer, c, code, row, note, files, version).await
}

async fn answer(
    State(app): S,
    viewer: Viewer,
    VPath((c, code, row)): VPath<(i64, String, String)>,
    VMultipart(m): VMultipart,
) -> Result<Response, AppError> {
    answer_of(&app, &viewer, c, &code, &row, m).await?;
    Ok(Redirect::to(&format!("/campaigns/{c}/units/{code}#row-{row}")).into_response())
}

async fn api_answer(
    State(app): S,
    viewer: Viewer,
    VPath((c, code, row)): VPath<(i64, String, String)>,
    VMultipart(m): VMultipart,
) -> ApiResult<Json<serde_json::Value>> {
    let version = answer_of(&app, &viewer, c, &code, &row, m).await?;
    Ok(Json(serde_json::json!({ "version": version })))
}

/// The unit's submitted report against its final (appraised) one.
async fn comparison(
    app: &Arc<App>,
    viewer: &Viewer,
    c: i64,
    code: &str,
) -> Result<Comparison, AppError> {
    let submitted = read_unit(app, viewer, c, code)
        .await?
        .report
        .ok_or_else(|| {
            AppError::Conflict(format!(
                "đơn vị {code} chưa nộp hồ sơ nên chưa có gì để so sánh"
            ))
        })?;
    let done = app.consolidate(c).await?;
    let final_report = done
        .reports
        .iter()
        .find(|r| r.unit.code == code)
        .ok_or_else(|| AppError::NotFound(format!("không có đơn vị {code}")))?;
    Ok(Comparison::of(&submitted, final_report))
}

async fn api_diff(
    State(app): S,
    viewer: Viewer,
    VPath((c, code)): VPath<(i64, String)>,
) -> Result<Response, ApiError> {
    let cmp = comparison(&app, &viewer, c, &code).await?;
    Ok(([(CONTENT_TYPE, "application/json")], cmp.to_json()).into_response())
}

#[derive(Template)]
#[template(path = "province/diff.html")]
struct DiffPage {
    me: Me,
    csrf: String,
    campaign: i64,
    code: String,
    rows: Vec<(String, String, String, String)>,
    totals: Vec<(String, String, String)>,
}

async fn diff_page(
    State(app): S,
    viewer: Viewer,
    CsrfToken(csrf): CsrfToken,
    VPath((c, code)): VPath<(i64, String)>,
) -> Result<Response, AppError> {
    let cmp = comparison(&app, &viewer, c, &code).await?;
    let opt = |d: Option<rust_decimal::Decimal>| d.map(vi_decimal).unwrap_or_default();
    page(&DiffPage {
        me: me(viewer.actor()?),
        csrf,
        campaign: c,
        rows: cmp
            .rows
            .iter()
            .map(|r| {
                (
                    r.id.clone(),
                    r.title.clone(),
                    opt(r.old_points),
                    opt(r.new_points),
                )
            })
            .collect(),
        totals: cmp
            .totals
            .iter()
            .map(|t| {
                (
                    t.figure.to_owned(),
                    t.old.clone().unwrap_or_default().replace('.', ","),
                    t.new.clone().unwrap_or_default().replace('.', ","),
                )
            })
            .collect(),
        code,
    })
}

/// A TLKC file of a unit's answer, as a download (never shown inline).
async fn answer_file(
    State(app): S,
    viewer: Viewer,
    VPath((c, code, row, n)): VPath<(i64, String, String, usize)>,
) -> Result<Response, AppError> {
    readable_unit(&app, &viewer, c, &code).await?;
    let document = app
        .db
        .answers(c, &code)
        .await?
        .into_iter()
        .find(|a| a.row_id == row)
        .and_then(|a| a.documents.into_iter().nth(n))
        .ok_or_else(|| AppError::NotFound("không có tệp này".to_owned()))?;
    Ok(crate::web::file_response(
        app.blobs.get(&document.sha256)?,
        "application/octet-stream",
        &crate::folder::safe_component(&document.display_name),
    ))
}

async fn submission_file(
    State(app): S,
    viewer: Viewer,
    VPath((c, code, sid, file)): VPath<(i64, String, i64, String)>,
) -> Result<Response, AppError> {
    readable_unit(&app, &viewer, c, &code).await?;
    let s = app
        .db
        .submission(sid)
        .await?
        .filter(|s| s.campaign_id == c && s.unit_code == code)
        .ok_or_else(|| AppError::NotFound(format!("không có bản nộp số {sid} của {code}")))?;
    match file.as_str() {
        "folder.zip" => Ok(attachment(
            app.blobs.get(&s.folder_sha256)?,
            "application/zip",
            &format!("ban-nop-{code}-{sid}.zip"),
        )),
        "report.json" => Ok(attachment(
            app.blobs.get(&s.report_sha256)?,
            "application/json",
            &format!("bao-cao-{code}-{sid}.json"),
        )),
        _ => Err(AppError::NotFound("không có tệp này".to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::local_next;

    #[test]
    fn the_page_after_signing_in_is_on_this_site() {
        for kept in ["/w/1", "/campaigns/2/units/SKHCN?tab=1", "/rank/%C4%90"] {
            assert_eq!(local_next(Some(kept)), kept);
        }
        for refused in [
            "//evil.example/",
            "/\\evil.example/",
            "/\t/evil.example/",
            "/\r\nSet-Cookie:x=1",
            "/\u{1}",
            "/ /x",
            "/Đà",
            "https://evil.example/",
            "",
        ] {
            assert_eq!(local_next(Some(refused)), "/campaigns", "{refused:?}");
        }
        assert_eq!(local_next(None), "/campaigns");
    }
}
