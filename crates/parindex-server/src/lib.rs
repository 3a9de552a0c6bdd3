//! # parindex-server
//!
//! The officer's web app (`parindex serve`): upload the exports, see and explain the score,
//! download the report; and, once accounts exist, the province's campaign on one server
//! (submission, appraisal rounds, survey, ranking). Built on `parindex-core` and
//! `parindex-render` for every score, `parindex-campaign` for the campaign's rules and
//! `parindex-db` for storage: every score the
//! app shows is the library's score of the workspace's evidence folder, made from the database
//! and the blobs (`folder::FolderFiles`, the library's `Files` over it) and read by
//! `CompiledCriteria::read_and_score`, and every download is the renderer's bytes of that
//! report, as `parindex score` gives on the exported folder.
//!
//! - [`store`]: opening the database (`parindex-db`'s trait; SQLite in the data folder or
//!   PostgreSQL) and the SHA-256 blobs; [`App`] holds both.
//! - [`service`]: what the officer can do, shared by the pages ([`web`]) and the JSON API
//!   ([`api`]).
//! - [`security`]: CSRF, Content-Security-Policy; body limits are set on the router.
//! - [`auth`]: accounts and sessions, and the guard that checks every route against who asks
//!   (role, unit, field, the campaign's phase) before its handler runs.
//! - [`campaign`]: what the province's campaign does, for [`province`]'s pages and API.
//! - [`rank`]: a province's folder scored and ranked as `parindex rank` ranks it, for the
//!   campaign and for a province folder uploaded as a zip.

pub mod api;
pub mod auth;
pub mod campaign;
pub mod error;
pub mod extract;
pub mod folder;
pub mod province;
pub mod rank;
pub mod recent;
pub mod security;
pub mod service;
pub mod store;
pub mod web;

mod format;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::Router;

pub use crate::error::AppError;
pub use crate::service::{App, Limits};

/// How `parindex serve` runs.
#[derive(Clone)]
pub struct ServeConfig {
    /// The data folder: `parindex.sqlite` (without `database`), `blobs/`, `criteria/`, `tmp/`.
    pub data: PathBuf,
    /// A PostgreSQL database (`postgres://user:password@host:port/name`) instead of the
    /// data folder's SQLite file; the blobs stay in the data folder.
    pub database: Option<String>,
    /// Where to listen; loopback only until accounts exist.
    pub addr: SocketAddr,
    pub limits: Limits,
    /// Behind a TLS reverse proxy: session cookies are `Secure`.
    pub secure_cookies: bool,
}

impl std::fmt::Debug for ServeConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The address's password is never printed.
        f.debug_struct("ServeConfig")
            .field("data", &self.data)
            .field(
                "database",
                &self.database.as_deref().map(parindex_db_postgres::redact),
            )
            .field("addr", &self.addr)
            .field("limits", &self.limits)
            .field("secure_cookies", &self.secure_cookies)
            .finish()
    }
}

/// Where the database is, as told to the person who started `serve` (no password).
pub fn database_shown(data: &std::path::Path, database: Option<&str>) -> String {
    match database {
        None => format!("SQLite {}", data.join("parindex.sqlite").display()),
        Some(address) => format!("PostgreSQL {}", parindex_db_postgres::redact(address)),
    }
}

/// Why `serve` stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Told in Vietnamese to the person who started it.
    #[error("{0}")]
    Refused(String),
    #[error("lỗi nội bộ: {0}")]
    Internal(String),
}

/// Refuses an address other sites' users could reach while the app has no accounts (then
/// anyone reaching it could edit every workspace).
pub fn check_addr(addr: &SocketAddr, accounts: bool) -> Result<(), ServeError> {
    if addr.ip().is_loopback() || accounts {
        Ok(())
    } else {
        Err(ServeError::Refused(format!(
            "--addr {addr}: ứng dụng chưa có tài khoản người dùng nên chỉ được chạy trên địa chỉ \
             nội bộ của máy này (127.0.0.1 hoặc ::1); ai vào được địa chỉ {} cũng sẽ sửa được \
             hồ sơ. Hãy dùng --addr 127.0.0.1:8080, hoặc tạo tài khoản quản trị trước \
             (parindex serve --create-admin TÊN)",
            addr.ip()
        )))
    }
}

/// The whole app as a router, on an opened [`App`].
pub fn router(app: Arc<App>) -> Router {
    let limit = app.limits.request_bytes;
    Router::new()
        .merge(province::routes())
        .merge(web::routes())
        .merge(api::routes())
        .merge(rank::routes())
        .layer(DefaultBodyLimit::max(limit))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&app),
            auth::guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::clone(&app),
            security::guard,
        ))
        .with_state(app)
}

/// Opens the data folder (its SQLite database) and builds the router.
pub async fn app(data: PathBuf, limits: Limits) -> Result<Router, AppError> {
    app_on(data, None, limits).await
}

/// [`app`] on the PostgreSQL database `database` names, the blobs in `data`; with `None`,
/// the data folder's SQLite file.
pub async fn app_on(
    data: PathBuf,
    database: Option<&str>,
    limits: Limits,
) -> Result<Router, AppError> {
    Ok(app_with(data, database, limits, auth::Accounts::default())
        .await?
        .0)
}

/// [`app_on`] with the province server's settings (its clock, the password hashes' cost,
/// `Secure` cookies), and the app itself beside its router.
pub async fn app_with(
    data: PathBuf,
    database: Option<&str>,
    limits: Limits,
    accounts: auth::Accounts,
) -> Result<(Router, Arc<App>), AppError> {
    let app = Arc::new(open(data, database, limits, accounts).await?);
    Ok((router(Arc::clone(&app)), app))
}

async fn open(
    data: PathBuf,
    database: Option<&str>,
    limits: Limits,
    accounts: auth::Accounts,
) -> Result<App, AppError> {
    std::fs::create_dir_all(&data).map_err(|e| AppError::Internal(format!("{e}")))?;
    let db = store::open_database(&data, database).await?;
    let blobs = store::Blobs::open(&data)?;
    App::on(db, blobs, &data, limits, accounts).await
}

fn serve_error(e: AppError) -> ServeError {
    match e {
        AppError::Internal(detail) => ServeError::Internal(detail),
        other => ServeError::Refused(other.message()),
    }
}

/// Creates the province server's first administrator (refused once any account exists).
pub fn create_admin(config: &ServeConfig, login: &str, password: &str) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| ServeError::Internal(e.to_string()))?;
    runtime.block_on(async {
        let app = open(
            config.data.clone(),
            config.database.as_deref(),
            config.limits,
            auth::Accounts::default(),
        )
        .await
        .map_err(serve_error)?;
        app.create_first_admin(login, login, password)
            .await
            .map_err(serve_error)?;
        Ok(())
    })
}

/// Serves until killed. `on_listen` is told the address bound (port 0 picks one).
pub async fn serve_with(
    config: ServeConfig,
    on_listen: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    let accounts = auth::Accounts::new(
        Arc::new(parindex_campaign::SystemClock),
        parindex_campaign::password::Cost::DEFAULT,
        config.secure_cookies,
    );
    serve_with_accounts(config, accounts, |addr, _| on_listen(addr)).await
}

/// [`serve_with`] with the province server's settings given (a test's clock, a cheap hash),
/// `on_listen` told the address and the app.
pub async fn serve_with_accounts(
    config: ServeConfig,
    accounts: auth::Accounts,
    on_listen: impl FnOnce(SocketAddr, Arc<App>),
) -> Result<(), ServeError> {
    let (router, app) = app_with(
        config.data.clone(),
        config.database.as_deref(),
        config.limits,
        accounts,
    )
    .await
    .map_err(serve_error)?;
    check_addr(&config.addr, app.has_accounts().await.map_err(serve_error)?)?;
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|e| {
            ServeError::Refused(format!(
                "không mở được địa chỉ {}: {e}; hãy chọn cổng khác, ví dụ --addr 127.0.0.1:8081",
                config.addr
            ))
        })?;
    let local = listener
        .local_addr()
        .map_err(|e| ServeError::Internal(e.to_string()))?;
    on_listen(local, app);
    axum::serve(listener, router)
        .await
        .map_err(|e| ServeError::Internal(e.to_string()))
}

/// `parindex serve`: a runtime, then [`serve_with`], telling the address on standard error.
pub fn serve(config: ServeConfig) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| ServeError::Internal(e.to_string()))?;
    let shown = database_shown(&config.data, config.database.as_deref());
    runtime.block_on(serve_with(config, |addr| {
        error::log(&format!(
            "đang chạy tại http://{addr}/ (cơ sở dữ liệu: {shown}; nhấn Ctrl+C để dừng)"
        ));
    }))
}
