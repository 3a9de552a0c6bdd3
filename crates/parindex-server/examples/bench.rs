//! Benchmark of the web app, in-process (server time, no network): not a test. Usage:
//!
//!     cargo run --release -p parindex-server --example bench [-- --folder DIR] [--clients N]
//!
//! On the shipped example it times re-scoring after one edit (a fact changed through the
//! form, then the score page), every page, and N concurrent clients (default 50) each
//! creating its own workspace, uploading the example and reading its score (every answer is
//! checked: no error, no lost write). With `--folder DIR` (a department's folder, e.g. from
//! `tools/gen-province-large/generate.py --department SKHCN --dossiers 1000000 --out DIR`) it
//! also times uploading every file of DIR and reading the score, against the library reading
//! and scoring DIR directly, as `parindex score` does: in-process (the body given whole), and
//! over a loopback HTTP connection to the same app (the body in the socket's pieces, as a
//! browser's arrives; the transfer is timed too).

#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::future::IntoFuture;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;

struct Client {
    router: Router,
    token: String,
}

impl Client {
    async fn send(&self, req: Request<Body>) -> (StatusCode, Vec<u8>) {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        (
            status,
            res.into_body().collect().await.unwrap().to_bytes().to_vec(),
        )
    }

    fn cookie(&self) -> String {
        format!("parindex_csrf={}", self.token)
    }

    async fn get(&self, uri: &str) -> (StatusCode, Vec<u8>) {
        self.send(
            Request::get(uri)
                .header(header::COOKIE, self.cookie())
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    async fn post(&self, uri: &str, content_type: &str, body: Vec<u8>) -> (StatusCode, Vec<u8>) {
        self.send(
            Request::post(uri)
                .header(header::COOKIE, self.cookie())
                .header("x-csrf-token", &self.token)
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    async fn create(&self) -> i64 {
        let body = serde_json::json!({"criteria": "nghe-an-2026-so", "code": "SKHCN",
            "name": "Sở Khoa học và Công nghệ", "group": "so"});
        let (s, b) = self
            .post(
                "/api/workspaces",
                "application/json",
                body.to_string().into_bytes(),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        serde_json::from_slice::<serde_json::Value>(&b).unwrap()["id"]
            .as_i64()
            .unwrap()
    }

    async fn upload(&self, id: i64, files: &[(String, Vec<u8>)]) {
        self.upload_body(id, multipart(files)).await;
    }

    /// Uploads a body built beforehand: what is timed is the server's part only.
    async fn upload_body(&self, id: i64, body: Vec<u8>) {
        let (s, b) = self
            .post(
                &format!("/api/workspaces/{id}/evidence"),
                &format!("multipart/form-data; boundary={BOUNDARY}"),
                body,
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
    }

    async fn index(&self, id: i64) -> String {
        let (s, b) = self.get(&format!("/api/workspaces/{id}")).await;
        assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&b));
        serde_json::from_slice::<serde_json::Value>(&b).unwrap()["index"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

const BOUNDARY: &str = "----bench-boundary";

/// The multipart body a browser sends for `files`.
fn multipart(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; \
                 filename=\"{name}\"\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn files_of(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let mut folder: Option<PathBuf> = None;
    let mut clients = 50usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--folder" => folder = args.next().map(PathBuf::from),
            "--clients" => clients = args.next().and_then(|n| n.parse().ok()).unwrap_or(50),
            other => panic!("unknown argument {other}"),
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let example = files_of(&root.join("fixtures/skhcn-2026"));
    let data = tempfile::tempdir().unwrap();
    let router = parindex_server::app(
        data.path().to_path_buf(),
        parindex_server::Limits {
            request_bytes: 2 << 30,
            ..parindex_server::Limits::default()
        },
    )
    .await
    .unwrap();
    let probe = Client {
        router: router.clone(),
        token: String::new(),
    };
    let (_, b) = probe.get("/api/csrf").await;
    let token = serde_json::from_slice::<serde_json::Value>(&b).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let c = Arc::new(Client { router, token });

    println!("| measure | median | max |");
    println!("|---|---:|---:|");
    // Upload of the example.
    let id = c.create().await;
    let t = Instant::now();
    c.upload(id, &example).await;
    let upload = t.elapsed();
    assert_eq!(c.index(id).await, "82,19%");
    println!(
        "| upload the example's 14 files, then score | {} | |",
        ms(upload)
    );

    // One edit, then the score page: the form's fields as the page sends them.
    let (_, facts) = c.get(&format!("/api/workspaces/{id}/facts")).await;
    let facts: serde_json::Value = serde_json::from_slice(&facts).unwrap();
    let mut edits = Vec::new();
    for round in 0..10 {
        let value = if round % 2 == 0 { "10" } else { "9" };
        let body: Vec<String> = facts
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|f| {
                let name = f["name"].as_str().unwrap();
                let v = if name == "tuyen_truyen_hoan_thanh" {
                    value
                } else {
                    f["value"].as_str().unwrap()
                };
                [
                    format!("kind.{name}={}", f["kind"].as_str().unwrap()),
                    format!("value.{name}={}", encode(v)),
                    format!(
                        "source.{name}={}",
                        encode(f["source"].as_str().unwrap_or(""))
                    ),
                ]
            })
            .collect();
        let t = Instant::now();
        let (s, _) = c
            .post(
                &format!("/w/{id}/facts?csrf={}", c.token),
                "application/x-www-form-urlencoded",
                body.join("&").into_bytes(),
            )
            .await;
        assert_eq!(s, StatusCode::SEE_OTHER);
        let (s, page) = c.get(&format!("/w/{id}")).await;
        edits.push(t.elapsed());
        assert_eq!(s, StatusCode::OK);
        let expect = if value == "9" { "82,19%" } else { "" };
        assert!(String::from_utf8(page).unwrap().contains(expect));
    }
    println!(
        "| one fact edited through the form, then the score page | {} | {} |",
        ms(median(edits.clone())),
        ms(*edits.iter().max().unwrap())
    );

    // Every page.
    let mut worst = Duration::ZERO;
    for uri in [
        "/".to_owned(),
        format!("/w/{id}"),
        format!("/w/{id}/evidence"),
        format!("/w/{id}/facts"),
        format!("/w/{id}/rows/3.2.4"),
        format!("/w/{id}/notes"),
        format!("/w/{id}/verify"),
        format!("/w/{id}/history"),
        format!("/w/{id}/download/xlsx"),
        format!("/w/{id}/download/docx"),
        format!("/w/{id}/export.zip"),
    ] {
        let mut times = Vec::new();
        for _ in 0..10 {
            let t = Instant::now();
            let (s, _) = c.get(&uri).await;
            times.push(t.elapsed());
            assert_eq!(s, StatusCode::OK, "{uri}");
        }
        let m = *times.iter().max().unwrap();
        worst = worst.max(m);
        println!("| GET {uri} | {} | {} |", ms(median(times)), ms(m));
    }

    // Concurrent clients, each on its own workspace.
    let t = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let c = Arc::clone(&c);
        let example = example.clone();
        tasks.push(tokio::spawn(async move {
            let id = c.create().await;
            c.upload(id, &example).await;
            assert_eq!(c.index(id).await, "82,19%");
            id
        }));
    }
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap());
    }
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), clients, "every client has its own workspace");
    println!(
        "| {clients} concurrent clients: create, upload the example, score (all checked) | {} total | |",
        ms(t.elapsed())
    );

    if let Some(folder) = folder {
        let files = files_of(&folder);
        let size: usize = files.iter().map(|(_, b)| b.len()).sum();
        // The library on the folder, as `parindex score` computes it.
        let mut cli = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            let report = parindex_core::score(
                &parindex_core::FsFiles,
                &root.join("criteria/nghe-an-2026-so"),
                &folder,
                None,
            )
            .unwrap();
            cli.push(t.elapsed());
            std::hint::black_box(report.to_json());
        }
        let mut served = Vec::new();
        for _ in 0..3 {
            let id = c.create().await;
            let body = multipart(&files);
            let t = Instant::now();
            c.upload_body(id, body).await;
            c.index(id).await;
            served.push(t.elapsed());
        }
        // The same upload over a real connection (loopback TCP, as `parindex serve` serves
        // it): the body reaches the server in the pieces the socket gives, as a browser's does.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(axum::serve(listener, c.router.clone()).into_future());
        let http =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build_http::<http_body_util::Full<axum::body::Bytes>>();
        let mut over_http = Vec::new();
        for _ in 0..3 {
            let id = c.create().await;
            let body = axum::body::Bytes::from(multipart(&files));
            let t = Instant::now();
            let req = Request::post(format!("http://{addr}/api/workspaces/{id}/evidence"))
                .header(header::COOKIE, c.cookie())
                .header("x-csrf-token", &c.token)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(http_body_util::Full::new(body))
                .unwrap();
            let res = http.request(req).await.unwrap();
            let status = res.status();
            let answer = res.into_body().collect().await.unwrap().to_bytes();
            assert_eq!(
                status,
                StatusCode::OK,
                "{}",
                String::from_utf8_lossy(&answer)
            );
            c.index(id).await;
            over_http.push(t.elapsed());
        }
        let (a, b, h) = (median(cli), median(served), median(over_http));
        println!(
            "| {} ({:.1} MiB): library read + score | {} | |",
            folder.display(),
            size as f64 / (1 << 20) as f64,
            ms(a)
        );
        println!(
            "| same folder uploaded to the app in-process (the body given whole), then scored | {} | ratio {:.2} |",
            ms(b),
            b.as_secs_f64() / a.as_secs_f64()
        );
        println!(
            "| same folder uploaded over loopback HTTP, then scored | {} | ratio {:.2} |",
            ms(h),
            h.as_secs_f64() / a.as_secs_f64()
        );
    }
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
