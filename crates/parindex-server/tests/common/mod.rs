//! Drives the router in-process (`tower::ServiceExt::oneshot`) on a fresh data folder, its
//! database SQLite in that folder or a fresh PostgreSQL database: a test listed in
//! [`on_every_backend!`](crate::on_every_backend) runs once on each ([`Backend::run`]), and
//! every [`Client::new`] inside it opens the app on that test's backend. [`browser`]: what the
//! real-browser tests share.

#![allow(dead_code)]

pub mod browser;

use std::future::Future;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use parindex_db_postgres::scratch::{self, Scratch};
use parindex_server::Limits;
use tower::ServiceExt;

/// The database a test's app runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `parindex.sqlite` in the data folder (the embedded default).
    Sqlite,
    /// A database made for the test on the server `PARINDEX_TEST_POSTGRES` names.
    Postgres,
}

tokio::task_local! {
    static BACKEND: Backend;
}

impl Backend {
    /// The backend of the test running (SQLite outside [`Self::run`]).
    pub fn current() -> Self {
        BACKEND.try_with(|b| *b).unwrap_or(Backend::Sqlite)
    }

    /// Runs `test` on this backend. PostgreSQL without `PARINDEX_TEST_POSTGRES`: skipped with
    /// a note, failing under `CI=true`.
    pub async fn run(self, name: &str, test: impl Future<Output = ()>) {
        if self == Backend::Postgres && scratch::server(name).is_none() {
            return;
        }
        BACKEND.scope(self, test).await;
    }
}

/// Each test named (an `async fn()` of the file) twice, as `NAME::sqlite` and
/// `NAME::postgres`: one set of expectations, run on every backend.
#[macro_export]
macro_rules! on_every_backend {
    ($($test:ident),* $(,)?) => {
        $(
            mod $test {
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn sqlite() {
                    $crate::common::Backend::Sqlite
                        .run(stringify!($test), super::$test())
                        .await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres() {
                    $crate::common::Backend::Postgres
                        .run(stringify!($test), super::$test())
                        .await;
                }
            }
        )*
    };
}

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn fixture() -> PathBuf {
    root().join("fixtures/skhcn-2026")
}

pub fn criteria() -> PathBuf {
    root().join("criteria/nghe-an-2026-so")
}

/// Every file of the SKHCN 2026 fixture, by name, sorted.
pub fn fixture_files() -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(fixture())
        .expect("fixture folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().expect("name").to_string_lossy().into_owned(),
                std::fs::read(&p).expect("fixture file"),
            )
        })
        .collect();
    out.sort();
    out
}

/// A response, read whole.
#[derive(Debug)]
pub struct Got {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Got {
    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("utf-8 body")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

/// The app on a temporary data folder and the test's backend, with a CSRF token like a
/// browser's.
pub struct Client {
    pub router: Router,
    /// The app behind the router (what its readings did, for the tests that ask).
    pub app: std::sync::Arc<parindex_server::App>,
    pub token: String,
    pub data: tempfile::TempDir,
    /// The PostgreSQL database's address; `None` on SQLite.
    pub database: Option<String>,
    /// The PostgreSQL database, dropped with the client.
    scratch: Option<Scratch>,
}

impl Client {
    pub async fn new() -> Self {
        Self::with_limits(Limits::default()).await
    }

    pub async fn with_limits(limits: Limits) -> Self {
        let data = tempfile::tempdir().expect("temp dir");
        let scratch = match Backend::current() {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let server = scratch::server("a test").expect("checked by Backend::run");
                Some(Scratch::create(&server).await.expect("a scratch database"))
            }
        };
        let database = scratch.as_ref().map(|s| s.address.clone());
        let (router, app) = parindex_server::app_with(
            data.path().to_path_buf(),
            database.as_deref(),
            limits,
            parindex_server::auth::Accounts::default(),
        )
        .await
        .expect("the app opens");
        let mut c = Self {
            router,
            app,
            token: String::new(),
            data,
            database,
            scratch,
        };
        let got = c
            .send(
                Request::get("/api/csrf")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(got.status, StatusCode::OK);
        let cookie = got
            .headers
            .get(header::SET_COOKIE)
            .expect("a CSRF cookie")
            .to_str()
            .expect("ascii");
        assert!(cookie.contains("SameSite=Strict") && cookie.contains("HttpOnly"));
        c.token = got.json()["token"].as_str().expect("token").to_owned();
        c
    }

    /// The app opened again on the same data folder and database (as after a restart),
    /// with the same CSRF token. Lives no longer than `self`.
    pub async fn reopen(&self) -> Self {
        let (router, app) = parindex_server::app_with(
            self.data.path().to_path_buf(),
            self.database.as_deref(),
            Limits::default(),
            parindex_server::auth::Accounts::default(),
        )
        .await
        .expect("reopens");
        Self {
            router,
            app,
            token: self.token.clone(),
            data: tempfile::tempdir().expect("tmp"),
            database: self.database.clone(),
            scratch: None,
        }
    }

    pub async fn send(&self, req: Request<Body>) -> Got {
        send_to(&self.router, req).await
    }

    fn cookie(&self) -> String {
        format!("parindex_csrf={}", self.token)
    }

    pub async fn get(&self, uri: &str) -> Got {
        self.send(
            Request::get(uri)
                .header(header::COOKIE, self.cookie())
                .body(Body::empty())
                .expect("request"),
        )
        .await
    }

    pub async fn post_json(&self, uri: &str, body: &serde_json::Value) -> Got {
        self.send(
            Request::post(uri)
                .header(header::COOKIE, self.cookie())
                .header("x-csrf-token", &self.token)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .expect("request"),
        )
        .await
    }

    /// A page's form: urlencoded, the token in the action's query as the pages put it.
    pub async fn post_form(&self, uri: &str, fields: &[(&str, &str)]) -> Got {
        let body = fields
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let sep = if uri.contains('?') { '&' } else { '?' };
        self.send(
            Request::post(format!("{uri}{sep}csrf={}", self.token))
                .header(header::COOKIE, self.cookie())
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .expect("request"),
        )
        .await
    }

    pub async fn post_files(&self, uri: &str, field: &str, files: &[(String, Vec<u8>)]) -> Got {
        let (content_type, body) = multipart(field, files);
        self.post_multipart(uri, content_type, body).await
    }

    /// A criteria set of one's own uploaded (`criteria.toml`, or a zip of its folder), which
    /// must be taken; its SHA-256.
    pub async fn own_set(&self, name: &str, bytes: impl Into<Vec<u8>>) -> String {
        let got = self
            .post_files("/api/criteria", "file", &[(name.to_owned(), bytes.into())])
            .await;
        assert_eq!(got.status, StatusCode::OK, "{}", got.text());
        got.json()["sha256"].as_str().expect("sha").to_owned()
    }

    /// One file attached to a row of workspace `ws` through the API.
    pub async fn attach(
        &self,
        ws: i64,
        row: &str,
        name: impl Into<String>,
        bytes: impl Into<Vec<u8>>,
    ) -> Got {
        self.post_files(
            &format!("/api/workspaces/{ws}/rows/{row}/attachments"),
            "file",
            &[(name.into(), bytes.into())],
        )
        .await
    }

    /// Files each in its own field: (field, file name, bytes).
    pub async fn post_parts(&self, uri: &str, parts: &[(&str, &str, &[u8])]) -> Got {
        let (content_type, body) = multipart_parts(parts);
        self.post_multipart(uri, content_type, body).await
    }

    /// A page's form of files as the browser posts it: the token in the form's action
    /// (`?csrf=`) beside its cookie, no header.
    pub async fn post_page_files(
        &self,
        path: &str,
        field: &str,
        files: &[(String, Vec<u8>)],
    ) -> Got {
        let (content_type, body) = multipart(field, files);
        self.send(
            Request::post(format!("{path}?csrf={}", self.token))
                .header(header::COOKIE, format!("parindex_csrf={}", self.token))
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .expect("request"),
        )
        .await
    }

    /// A form of text fields and files ([`multipart_form`]).
    pub async fn post_form_files(
        &self,
        uri: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Got {
        let (content_type, body) = multipart_form(fields, files);
        self.post_multipart(uri, content_type, body).await
    }

    async fn post_multipart(&self, uri: &str, content_type: String, body: Vec<u8>) -> Got {
        self.send(
            Request::post(uri)
                .header(header::COOKIE, self.cookie())
                .header("x-csrf-token", &self.token)
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .expect("request"),
        )
        .await
    }

    /// Creates the SKHCN workspace through the API; its id.
    pub async fn create_skhcn(&self) -> i64 {
        let got = self
            .post_json(
                "/api/workspaces",
                &serde_json::json!({
                    "criteria": "nghe-an-2026-so",
                    "code": "SKHCN",
                    "name": "Sở Khoa học và Công nghệ",
                    "group": "so",
                }),
            )
            .await;
        assert_eq!(got.status, StatusCode::OK, "{}", got.text());
        got.json()["id"].as_i64().expect("id")
    }

    /// The SKHCN workspace with every fixture file uploaded.
    pub async fn skhcn(&self) -> i64 {
        let id = self.create_skhcn().await;
        let got = self
            .post_files(
                &format!("/api/workspaces/{id}/evidence"),
                "files",
                &fixture_files(),
            )
            .await;
        assert_eq!(got.status, StatusCode::OK, "{}", got.text());
        id
    }
}

/// One request to a router, its answer read whole.
pub async fn send_to(router: &Router, req: Request<Body>) -> Got {
    let res = router.clone().oneshot(req).await.expect("infallible");
    let status = res.status();
    let headers = res.headers().clone();
    let body = res
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    Got {
        status,
        headers,
        body,
    }
}

/// Whether the library, replaying the report `report` (its JSON text) on the evidence folder
/// zipped in `zip`, gives it back byte for byte (what `parindex verify` checks).
pub fn replays(criteria: &parindex_core::CompiledCriteria, zip: &[u8], report: &str) -> bool {
    use std::io::Read;
    let mut files = parindex_core::MemoryFiles::default();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).expect("a zip");
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("an entry");
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("inflates");
        let name = entry.name().expect("a name").to_string();
        files.insert(Path::new("unit").join(name), bytes);
    }
    let old = parindex_core::Report::from_json(report).expect("a report");
    parindex_core::replay(
        criteria,
        &files,
        Path::new("unit"),
        &old,
        report,
        &parindex_core::ReadOptions::default(),
    )
    .expect("replays")
    .agrees
}

pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn multipart(field: &str, files: &[(String, Vec<u8>)]) -> (String, Vec<u8>) {
    let parts: Vec<(&str, &str, &[u8])> = files
        .iter()
        .map(|(name, bytes)| (field, name.as_str(), bytes.as_slice()))
        .collect();
    multipart_parts(&parts)
}

/// A multipart body of files, each in its own field: (field, file name, bytes).
pub fn multipart_parts(parts: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    multipart_form(&[], parts)
}

/// A multipart body of text fields (name, value), then files (field, file name, bytes), as
/// a form with both sends it.
pub fn multipart_form(fields: &[(&str, &str)], parts: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----parindex-test-boundary-7d1f";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (field, name, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        body.extend_from_slice(
            format!(
                "Content-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The library's own report of a folder, as `parindex score` computes it.
pub fn library_report(evidence: &Path) -> parindex_core::Report {
    parindex_core::score(&parindex_core::FsFiles, &criteria(), evidence, None)
        .expect("the library scores the folder")
}

/// Unzips an export into a fresh folder.
pub fn unzip(bytes: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        let name = f.enclosed_name().expect("a name inside the folder");
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
        let mut out = std::fs::File::create(&path).expect("file");
        std::io::copy(&mut f, &mut out).expect("copy");
    }
    dir
}

/// A zip of every file under `dir`, each by its path there under `prefix` (`""`: none).
pub fn zip_folder(dir: &Path, prefix: &str) -> Vec<u8> {
    fn walk(dir: &Path, base: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).expect("folder") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(&p, base, out);
            } else {
                let name = p.strip_prefix(base).expect("inside").to_string_lossy();
                out.push((name.into_owned(), std::fs::read(&p).expect("file")));
            }
        }
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files);
    files.sort();
    let entries: Vec<(String, Vec<u8>)> = files
        .into_iter()
        .map(|(n, b)| (format!("{prefix}{n}"), b))
        .collect();
    zip_entries(&entries)
}

/// A zip of `entries` (name in the zip, bytes), deflated.
pub fn zip_entries(entries: &[(impl AsRef<str>, impl AsRef<[u8]>)]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(name.as_ref(), options).expect("entry");
        zip.write_all(bytes.as_ref()).expect("write");
    }
    zip.finish().expect("zip").into_inner()
}
