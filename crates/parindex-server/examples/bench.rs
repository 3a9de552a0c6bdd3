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
    let (router, app) = parindex_server::app_with(
        data.path().to_path_buf(),
        None,
        parindex_server::Limits {
            request_bytes: 2 << 30,
            ..parindex_server::Limits::default()
        },
        parindex_server::auth::Accounts::default(),
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

    // One edit, then the score page: the example's score comes back every second edit.
    let (edits, pages) = edit_a_fact(&c, id, 10).await;
    for page in pages.iter().skip(1).step_by(2) {
        assert!(page.contains("82,19%"));
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
        format!("/w/{id}/gaps"),
        format!("/w/{id}/notes"),
        format!("/w/{id}/verify"),
        format!("/w/{id}/history"),
        format!("/w/{id}/download/xlsx"),
        format!("/w/{id}/download/docx"),
        format!("/w/{id}/export.zip"),
        format!(
            "/criteria/{}",
            parindex_core::fingerprint::sha256_hex(
                &std::fs::read(root.join("criteria/nghe-an-2026-so/criteria.toml")).unwrap()
            )
        ),
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
        large_folder(&c, &app, &root, &folder).await;
    }
}

/// Runs of each timing of `--folder`, interleaved (one of each in turn, so that the machine's
/// drift touches all alike); the median is shown.
const RUNS: usize = 9;

/// The timings of `--folder`: `parindex score` on it, and uploads of it to the app.
async fn large_folder(c: &Arc<Client>, app: &parindex_server::App, root: &Path, folder: &Path) {
    let files = files_of(folder);
    let size: usize = files.iter().map(|(_, b)| b.len()).sum();
    let set = root.join("criteria/nghe-an-2026-so");
    // `parindex score` itself, as a process (beside this one's binary, when built).
    let cli_bin = std::env::current_exe()
        .unwrap()
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("parindex"))
        .filter(|p| p.is_file());
    // Over a real connection (loopback TCP, as `parindex serve` serves it): the body reaches
    // the server in the pieces the socket gives, as a browser's does.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(axum::serve(listener, c.router.clone()).into_future());
    // The floors of the transfer, on a server of their own: the same body read and dropped
    // (the socket, hyper), and read through the multipart reader the app uses (multer).
    let floors = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let floor_addr = floors.local_addr().unwrap();
    let floor_router = Router::new()
        .route(
            "/raw",
            axum::routing::post(|mut body: Body| async move {
                let mut n = 0usize;
                while let Some(frame) = body.frame().await {
                    n += frame.unwrap().data_ref().map_or(0, |d| d.len());
                }
                n.to_string()
            }),
        )
        .route(
            "/multipart",
            axum::routing::post(|mut m: axum::extract::Multipart| async move {
                let mut n = 0usize;
                while let Some(mut f) = m.next_field().await.unwrap() {
                    while let Some(piece) = f.chunk().await.unwrap() {
                        n += piece.len();
                    }
                }
                n.to_string()
            }),
        )
        .layer(axum::extract::DefaultBodyLimit::disable());
    tokio::spawn(axum::serve(floors, floor_router).into_future());
    type Streamed = http_body_util::channel::Channel<axum::body::Bytes, std::convert::Infallible>;
    let http = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Streamed>();
    // One upload over HTTP and the score read after it: the time from the request's start,
    // the time from the body's last piece (handed to the connection, as a browser sends a
    // file piece by piece), and the processor time of this process (client and server).
    let over_http_to = |uri: String, files: &[(String, Vec<u8>)]| {
        let body = axum::body::Bytes::from(multipart(files));
        let (mut sender, streamed) = Streamed::new(1);
        let scored = uri.contains("/api/workspaces/");
        let id: i64 = uri
            .split('/')
            .nth(5)
            .and_then(|i| i.parse().ok())
            .unwrap_or(0);
        let req = Request::post(uri)
            .header(header::COOKIE, c.cookie())
            .header("x-csrf-token", &c.token)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .header(header::CONTENT_LENGTH, body.len())
            .body(streamed)
            .unwrap();
        let http = http.clone();
        let c = Arc::clone(c);
        async move {
            let (t, cpu0) = (Instant::now(), cpu());
            let sent = tokio::spawn(async move {
                for piece in body.chunks(1 << 20) {
                    let piece = body.slice_ref(piece);
                    sender.send_data(piece).await.unwrap();
                }
                Instant::now()
            });
            let res = http.request(req).await.unwrap();
            let status = res.status();
            let answer = res.into_body().collect().await.unwrap().to_bytes();
            assert_eq!(
                status,
                StatusCode::OK,
                "{}",
                String::from_utf8_lossy(&answer)
            );
            if scored {
                c.index(id).await;
            }
            let end = sent.await.unwrap();
            (t.elapsed(), end.elapsed(), cpu() - cpu0)
        }
    };
    let over_http = |id: i64, files: &[(String, Vec<u8>)]| {
        over_http_to(format!("http://{addr}/api/workspaces/{id}/evidence"), files)
    };
    // The officer's usual case: the workspace holds the folder's other files (facts
    // included) and a new export of the largest table comes.
    let largest = (0..files.len()).max_by_key(|&i| files[i].1.len()).unwrap();
    let rest: Vec<_> = (files.iter().enumerate())
        .filter(|&(i, _)| i != largest)
        .map(|(_, f)| f.clone())
        .collect();
    let one = [files[largest].clone()];
    let counts = || {
        use std::sync::atomic::Ordering::Relaxed;
        (
            app.read_ahead.read.load(Relaxed),
            app.read_ahead.taken.load(Relaxed),
        )
    };
    let (mut cli, mut library, mut export, mut whole, mut served) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut library_cpu, mut export_cpu, mut export_tail) = (Vec::new(), Vec::new(), Vec::new());
    let (mut export_counts, mut whole_counts) = ((0, 0), (0, 0));
    let (mut raw, mut raw_cpu, mut parts, mut parts_cpu) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        if let Some(bin) = &cli_bin {
            let t = Instant::now();
            let out = std::process::Command::new(bin)
                .arg("score")
                .arg("--criteria")
                .arg(&set)
                .arg("--evidence")
                .arg(folder)
                .output()
                .unwrap();
            cli.push(t.elapsed());
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        // The library on the folder, as `parindex score` computes it.
        let (t, cpu0) = (Instant::now(), cpu());
        let report = parindex_core::score(&parindex_core::FsFiles, &set, folder, None).unwrap();
        std::hint::black_box(report.to_json());
        library.push(t.elapsed());
        library_cpu.push(cpu() - cpu0);

        let id = c.create().await;
        c.upload(id, &rest).await;
        let before = counts();
        let (t, tail, spent) = over_http(id, &one).await;
        let after = counts();
        export.push(t);
        export_tail.push(tail);
        export_cpu.push(spent);
        export_counts = (
            export_counts.0 + after.0 - before.0,
            export_counts.1 + after.1 - before.1,
        );
        let (t, _, spent) = over_http_to(format!("http://{floor_addr}/raw"), &one).await;
        raw.push(t);
        raw_cpu.push(spent);
        let (t, _, spent) = over_http_to(format!("http://{floor_addr}/multipart"), &one).await;
        parts.push(t);
        parts_cpu.push(spent);

        let id = c.create().await;
        let before = counts();
        whole.push(over_http(id, &files).await.0);
        let after = counts();
        whole_counts = (
            whole_counts.0 + after.0 - before.0,
            whole_counts.1 + after.1 - before.1,
        );

        let id = c.create().await;
        let body = multipart(&files);
        let t = Instant::now();
        c.upload_body(id, body).await;
        c.index(id).await;
        served.push(t.elapsed());
    }
    // A fact edited in the large workspace: its tables are taken from the last reading when
    // what the rules ask of them does not change.
    let id = c.create().await;
    c.upload(id, &files).await;
    let (edits, _) = edit_a_fact(c, id, RUNS).await;
    let base = if cli.is_empty() {
        median(library.clone())
    } else {
        median(cli.clone())
    };
    let ratio = |d: Duration| format!("{:.2}× the CLI", d.as_secs_f64() / base.as_secs_f64());
    println!(
        "| {} ({:.1} MiB): `parindex score` (the process) | {} | |",
        folder.display(),
        size as f64 / (1 << 20) as f64,
        if cli.is_empty() {
            "(not built: cargo build --release -p parindex-cli)".to_owned()
        } else {
            ms(median(cli))
        }
    );
    println!(
        "| the library reading and scoring it in-process (processor time {}) | {} | |",
        ms(median(library_cpu)),
        ms(median(library))
    );
    let e = median(export);
    println!(
        "| {} ({:.1} MiB) uploaded over loopback HTTP into a workspace holding the rest, then scored (processor time, client and server, {}) | {} | {} |",
        files[largest].0,
        files[largest].1.len() as f64 / (1 << 20) as f64,
        ms(median(export_cpu)),
        ms(e),
        ratio(e)
    );
    println!(
        "| the same, from the body's last piece sent to the score read (the reading done while it arrived) | {} | |",
        ms(median(export_tail))
    );
    let r = median(raw);
    println!(
        "| floor: the same body over the same kind of connection, read and dropped (processor time, client and server, {}) | {} | {} |",
        ms(median(raw_cpu)),
        ms(r),
        ratio(r)
    );
    let m = median(parts);
    println!(
        "| floor: … read through the multipart reader and dropped (processor time {}) | {} | {} |",
        ms(median(parts_cpu)),
        ms(m),
        ratio(m)
    );
    let h = median(whole);
    println!(
        "| the whole folder uploaded over loopback HTTP into a new workspace, then scored | {} | {} |",
        ms(h),
        ratio(h)
    );
    let b = median(served);
    println!(
        "| the whole folder uploaded in-process (the body given whole), then scored | {} | {} |",
        ms(b),
        ratio(b)
    );
    println!(
        "| in the workspace of the whole folder: one fact edited through the form, then the score page | {} | {} |",
        ms(median(edits.clone())),
        ms(*edits.iter().max().unwrap())
    );
    println!(
        "| tables read ahead while they arrived / tables a reading took instead of its file: one export {} / {}, whole folder {} / {} (in {RUNS} runs) | | |",
        export_counts.0, export_counts.1, whole_counts.0, whole_counts.1,
    );
}

/// This process's processor time so far (user and system, in clock ticks of 10 ms).
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let tick = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Duration::from_millis((tick(11) + tick(12)) * 10)
}

/// `rounds` edits of the fact `tuyen_truyen_hoan_thanh` (10, then 9, …) through the facts
/// form, each followed by the score page: the time of each, and each page.
async fn edit_a_fact(c: &Client, id: i64, rounds: usize) -> (Vec<Duration>, Vec<String>) {
    let (_, facts) = c.get(&format!("/api/workspaces/{id}/facts")).await;
    let facts: serde_json::Value = serde_json::from_slice(&facts).unwrap();
    let (mut times, mut pages) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let value = if round % 2 == 0 { "10" } else { "9" };
        // The form's fields as the page sends them.
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
        times.push(t.elapsed());
        assert_eq!(s, StatusCode::OK);
        pages.push(String::from_utf8(page).unwrap());
    }
    (times, pages)
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
