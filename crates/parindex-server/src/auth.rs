//! Accounts on the province's server: who asks, and whether they may.
//!
//! With no account in the database the app is the officer's own (loopback only, see
//! [`crate::check_addr`]) and every route is open to her, as before. Once an account exists,
//! every request but the login page, the static files and the API's CSRF token needs a
//! session, and [`guard`] checks each route against the role and the unit or field of the
//! account ([`parindex_campaign::permits`]) before its handler runs: a workspace's pages and
//! API by the unit it belongs to and the campaign's phase, the province's by role. Handlers
//! of the campaign check their own targets (a row's field, a step) with the same function.
//!
//! Sessions: a random token in a `HttpOnly`, `SameSite=Strict` cookie (`Secure` behind TLS),
//! its SHA-256 in the database; logins throttled per login name.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::header::HeaderValue;
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use parindex_campaign::password::{self, Cost, Throttle};
use parindex_campaign::{
    permits, Action, Actor, Clock, Deadlines, Refusal, Role, State as UnitState, SystemClock,
};
use parindex_db::{AccountRow, Acting};

use crate::error::{ApiError, AppError};
use crate::service::App;

/// The cookie holding a session's token.
pub const SESSION_COOKIE: &str = "parindex_session";
/// How long a session lasts: a working day.
pub const SESSION_SECONDS: i64 = 10 * 3600;

/// The province server's settings and state: its clock (the workflow's deadlines read it;
/// scores never do), the password hashes' cost, whether cookies are `Secure`, the login
/// throttle.
#[derive(Debug)]
pub struct Accounts {
    pub clock: Arc<dyn Clock>,
    pub cost: Cost,
    /// Behind a TLS reverse proxy: the session cookie is sent over HTTPS only.
    pub secure_cookies: bool,
    throttle: Mutex<Throttle>,
    /// Set once an account is seen: accounts are closed, never deleted.
    exist: AtomicBool,
    /// A hash of no password anyone has, at this cost, made at the first sign-in: verified
    /// when a login does not exist, so that the time an answer takes does not tell which
    /// logins do.
    dummy: std::sync::OnceLock<String>,
}

impl Default for Accounts {
    fn default() -> Self {
        Self::new(Arc::new(SystemClock), Cost::DEFAULT, false)
    }
}

impl Accounts {
    pub fn new(clock: Arc<dyn Clock>, cost: Cost, secure_cookies: bool) -> Self {
        Self {
            dummy: std::sync::OnceLock::new(),
            clock,
            cost,
            secure_cookies,
            throttle: Mutex::new(Throttle::default()),
            exist: AtomicBool::new(false),
        }
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    fn dummy(&self) -> &str {
        self.dummy.get_or_init(|| {
            password::new_token()
                .and_then(|t| password::hash(&t, self.cost))
                .unwrap_or_default()
        })
    }
}

/// Who asks.
#[derive(Debug, Clone)]
pub enum Viewer {
    /// The officer's own app: no accounts exist.
    Local,
    /// A signed-in account.
    Account(Actor),
}

impl Viewer {
    /// The account, or the refusal a route that needs one gives.
    pub fn actor(&self) -> Result<&Actor, AppError> {
        match self {
            Viewer::Account(a) => Ok(a),
            Viewer::Local => Err(AppError::Forbidden(
                "chức năng này chỉ có trên máy chủ của tỉnh, khi đã có tài khoản".to_owned(),
            )),
        }
    }

    /// The account, if it may take `action` (else why not).
    pub fn permitted(&self, action: Action<'_>) -> Result<&Actor, AppError> {
        let actor = self.actor()?;
        permits(actor, action)?;
        Ok(actor)
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        crate::security::extension(parts, "yêu cầu chưa qua kiểm tra quyền")
    }
}

/// The actor of an account row.
pub fn actor_of(row: &AccountRow) -> Result<Actor, AppError> {
    let role = Role::parse(&row.role).ok_or_else(|| {
        AppError::Internal(format!("tài khoản {}: vai trò lạ {:?}", row.id, row.role))
    })?;
    Ok(Actor {
        account: row.id,
        login: row.login.clone(),
        role,
        unit: row.unit_code.clone(),
        fields: row.fields.clone(),
    })
}

impl App {
    /// Whether the app runs with accounts (the province's server).
    pub async fn has_accounts(&self) -> Result<bool, AppError> {
        if self.accounts.exist.load(Ordering::Relaxed) {
            return Ok(true);
        }
        let exist = self.db.account_count().await? > 0;
        if exist {
            self.accounts.exist.store(true, Ordering::Relaxed);
        }
        Ok(exist)
    }

    /// Signs in: the session's token for the cookie, or why not (the same words whether
    /// the login or the password is wrong).
    pub async fn sign_in(&self, login: &str, password: &str) -> Result<(Actor, String), AppError> {
        let now = self.accounts.now();
        let key = login.trim().to_owned();
        if let Err(wait) = self.throttle().check(&key, now) {
            return Err(AppError::Forbidden(format!(
                "đăng nhập sai quá {} lần: hãy thử lại sau {} phút",
                Throttle::LIMIT,
                (wait + 59) / 60
            )));
        }
        let row = self.db.account_by_login(&key).await?;
        let stored = row
            .as_ref()
            .map_or_else(|| self.accounts.dummy(), |r| r.password_hash.as_str());
        let good = password::verify(password, stored);
        match row {
            Some(row) if good && row.active => {
                self.throttle().succeeded(&key);
                let token = password::new_token().map_err(|e| AppError::Internal(e.message))?;
                self.db
                    .create_session(
                        &password::token_digest(&token),
                        row.id,
                        now,
                        now + SESSION_SECONDS,
                    )
                    .await?;
                Ok((actor_of(&row)?, token))
            }
            _ => {
                self.throttle().failed(&key, now);
                Err(AppError::SignIn(
                    "tên đăng nhập hoặc mật khẩu không đúng (hoặc tài khoản đã bị khoá)".to_owned(),
                ))
            }
        }
    }

    fn throttle(&self) -> std::sync::MutexGuard<'_, Throttle> {
        self.accounts
            .throttle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The account of a session token, if it is a live session.
    pub async fn session(&self, token: &str) -> Result<Option<Actor>, AppError> {
        let row = self
            .db
            .session_account(&password::token_digest(token), self.accounts.now())
            .await?;
        row.as_ref().map(actor_of).transpose()
    }

    pub async fn sign_out(&self, token: &str) -> Result<(), AppError> {
        Ok(self
            .db
            .delete_session(&password::token_digest(token))
            .await?)
    }

    /// Whether `viewer` may read (or, with `write`, change) workspace `ws`: on the
    /// province's server, by the unit it is and, to change it, the campaign's phase and the
    /// unit's state. `unit_fields`: the change is to the unit's own fields (code, name,
    /// group), which are the administrator's in a campaign.
    pub async fn workspace_access(
        &self,
        viewer: &Viewer,
        ws: i64,
        write: bool,
        unit_fields: bool,
    ) -> Result<(), AppError> {
        let Viewer::Account(actor) = viewer else {
            return Ok(());
        };
        let Some(unit) = self.db.campaign_unit_of(ws).await? else {
            // A workspace outside any campaign is the administrator's (an import, a test);
            // the auditor reads it.
            return match (actor.role, write) {
                (Role::Admin, _) | (Role::Auditor, false) => Ok(()),
                _ => Err(AppError::Forbidden(format!(
                    "tài khoản {} ({}) không {} được hồ sơ số {ws}: hồ sơ không thuộc đợt \
                     đánh giá nào",
                    actor.login,
                    actor.role.vi(),
                    if write { "sửa" } else { "xem" }
                ))),
            };
        };
        let state = UnitState::parse(&unit.state).ok_or_else(|| {
            AppError::Internal(format!(
                "đơn vị {}: trạng thái lạ {:?}",
                unit.unit_code, unit.state
            ))
        })?;
        let code = unit.unit_code.as_str();
        if !write {
            return Ok(permits(
                actor,
                Action::ReadUnit {
                    unit: code,
                    submitted: state == UnitState::Submitted,
                },
            )?);
        }
        if unit_fields {
            return Ok(permits(actor, Action::ManageProvince)?);
        }
        permits(actor, Action::EditUnit { unit: code })?;
        let phase = self
            .campaign_deadlines(unit.campaign_id)
            .await?
            .phase(self.accounts.now());
        Ok(state.editable(phase)?)
    }

    /// The workspaces `viewer` may read, by id.
    pub async fn readable_workspaces(
        &self,
        viewer: &Viewer,
    ) -> Result<Vec<parindex_db::Workspace>, AppError> {
        let mut out = Vec::new();
        for w in self.db.workspaces().await? {
            if self
                .workspace_access(viewer, w.id, false, false)
                .await
                .is_ok()
            {
                out.push(w);
            }
        }
        Ok(out)
    }

    /// A campaign's deadlines, as stored.
    pub async fn campaign_deadlines(&self, campaign: i64) -> Result<Deadlines, AppError> {
        let c =
            self.db.campaign(campaign).await?.ok_or_else(|| {
                AppError::NotFound(format!("không có đợt đánh giá số {campaign}"))
            })?;
        crate::campaign::deadlines_of(&c)
    }
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        match r.kind {
            parindex_campaign::RefusalKind::NotSignedIn => AppError::SignIn(r.message),
            parindex_campaign::RefusalKind::Forbidden => AppError::Forbidden(r.message),
            parindex_campaign::RefusalKind::NotNow => AppError::Conflict(r.message),
        }
    }
}

/// What a request reaches, for the guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// Anyone: the login page, static files, the API's CSRF token and description.
    Public,
    /// Any signed-in account; the handler decides what it shows or allows.
    SignedIn,
    /// The administrator only.
    Admin,
    /// The accounts that read the province (checked before a body is read, for a route that
    /// takes one).
    Province,
    /// Under a workspace's path, a segment that names no workspace: refused before any
    /// handler, so nothing but the guard's reading of the id decides whose workspace it is.
    NoWorkspace,
    /// A workspace's page or API.
    Workspace {
        id: i64,
        write: bool,
        unit_fields: bool,
    },
}

fn target(method: &Method, path: &str) -> Target {
    let write = !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS);
    let rest = path
        .strip_prefix("/w/")
        .or_else(|| path.strip_prefix("/api/workspaces/"));
    if let Some(rest) = rest {
        let (id, tail) = rest.split_once('/').unwrap_or((rest, ""));
        // The id as the router's `Path` reads it: percent-decoded, then parsed (`%31` is 1).
        let id = crate::format::url_decode(id).and_then(|id| id.parse::<i64>().ok());
        return match id {
            Some(id) => Target::Workspace {
                id,
                // Replaying a report, or comparing two, changes nothing.
                write: write && !matches!(tail, "verify" | "compare"),
                // Who the unit is, and whether its workspace is on the list, are the
                // province's to change on its server.
                unit_fields: matches!(tail, "unit" | "archive"),
            },
            None => Target::NoWorkspace,
        };
    }
    match path {
        "/login" | "/api/login" | "/api/csrf" | "/api/openapi.json" => Target::Public,
        p if p.starts_with("/static/") => Target::Public,
        "/workspaces" | "/import" | "/api/import" | "/criteria" => Target::Admin,
        "/rank" | "/api/rank" => Target::Province,
        p if p.starts_with("/rank/") => Target::Province,
        "/api/workspaces" | "/api/criteria" if write => Target::Admin,
        _ => Target::SignedIn,
    }
}

/// The session token a request sends, if any.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    crate::security::token_cookie(headers, SESSION_COOKIE)
}

/// The session cookie to set (or, with `None`, to clear).
pub fn session_cookie(token: Option<&str>, secure: bool) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    let text = match token {
        Some(t) => format!(
            "{SESSION_COOKIE}={t}; Path=/; HttpOnly; SameSite=Strict; Max-Age={SESSION_SECONDS}{secure}"
        ),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&text).ok()
}

/// The middleware: finds who asks (the session), and refuses a route the account may not
/// reach before its handler runs. Under `/api/` a refusal is JSON; a page asked without a
/// session is sent to the login page.
pub async fn guard(State(app): State<Arc<App>>, mut req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let refuse = |e: AppError| -> Response {
        if api {
            ApiError(e).into_response()
        } else {
            e.into_response()
        }
    };
    let accounts = match app.has_accounts().await {
        Ok(a) => a,
        Err(e) => return refuse(e),
    };
    let at = app.accounts.now();
    if !accounts {
        req.extensions_mut().insert(Viewer::Local);
        return parindex_db::acting(Acting { login: None, at }, next.run(req)).await;
    }
    let target = target(req.method(), req.uri().path());
    let actor = match session_token(req.headers()) {
        Some(token) => match app.session(&token).await {
            Ok(a) => a,
            Err(e) => return refuse(e),
        },
        None => None,
    };
    let Some(actor) = actor else {
        if target == Target::Public {
            return next.run(req).await;
        }
        if !api && req.method() == Method::GET {
            let back = req
                .uri()
                .path_and_query()
                .map_or("/", |p| p.as_str())
                .to_owned();
            return Redirect::to(&format!("/login?next={}", crate::format::url_encode(&back)))
                .into_response();
        }
        return refuse(Refusal::not_signed_in().into());
    };
    let viewer = Viewer::Account(actor.clone());
    let allowed = match target {
        Target::Public | Target::SignedIn => Ok(()),
        Target::NoWorkspace => Err(AppError::NotFound("không có hồ sơ này".to_owned())),
        Target::Admin => permits(&actor, Action::ManageProvince).map_err(AppError::from),
        Target::Province => permits(&actor, Action::ReadProvince).map_err(AppError::from),
        Target::Workspace {
            id,
            write,
            unit_fields,
        } => app.workspace_access(&viewer, id, write, unit_fields).await,
    };
    if let Err(e) = allowed {
        return refuse(e);
    }
    req.extensions_mut().insert(viewer);
    let who = Acting {
        login: Some(actor.login.clone()),
        at,
    };
    parindex_db::acting(who, next.run(req)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_told_apart_by_their_path() {
        let t = |m: Method, p: &str| target(&m, p);
        assert_eq!(
            t(Method::POST, "/w/3/rows/1.1/note"),
            Target::Workspace {
                id: 3,
                write: true,
                unit_fields: false
            }
        );
        assert_eq!(
            t(Method::POST, "/api/workspaces/3/verify"),
            Target::Workspace {
                id: 3,
                write: false,
                unit_fields: false
            }
        );
        assert_eq!(
            t(Method::POST, "/w/3/unit"),
            Target::Workspace {
                id: 3,
                write: true,
                unit_fields: true
            }
        );
        for archive in ["/w/3/archive", "/api/workspaces/3/archive"] {
            assert_eq!(
                t(Method::POST, archive),
                Target::Workspace {
                    id: 3,
                    write: true,
                    unit_fields: true
                }
            );
        }
        assert_eq!(t(Method::GET, "/w/x"), Target::NoWorkspace);
        assert_eq!(t(Method::GET, "/api/workspaces/%"), Target::NoWorkspace);
        // Percent-encoded, the id is still the workspace it names for the router.
        assert_eq!(
            t(Method::POST, "/api/workspaces/%33/unit"),
            Target::Workspace {
                id: 3,
                write: true,
                unit_fields: true
            }
        );
        assert_eq!(
            t(Method::GET, "/w/%2B3"),
            Target::Workspace {
                id: 3,
                write: false,
                unit_fields: false
            }
        );
        assert_eq!(t(Method::GET, "/login"), Target::Public);
        assert_eq!(t(Method::GET, "/static/style.css"), Target::Public);
        assert_eq!(t(Method::POST, "/import"), Target::Admin);
        assert_eq!(t(Method::GET, "/api/workspaces"), Target::SignedIn);
        assert_eq!(t(Method::POST, "/api/workspaces"), Target::Admin);
        assert_eq!(t(Method::GET, "/campaigns/1"), Target::SignedIn);
    }
}
