//! Deadline-day load of the province's server: a benchmark, not a test. Usage:
//!
//!     cargo run --release -p parindex-server --example deadline [-- --units 150]
//!         [--appraisers 8] [--database postgres://…]
//!
//! The server is served on a loopback port (SQLite in a temporary data folder, or the
//! PostgreSQL database given, which must be empty). Untimed setup: a campaign of N units
//! (each with the province fixture's SKHCN files, an officer and a leader, signed in). Then,
//! all at once over HTTP: every unit's officer saves a giải trình and hands the score to her
//! leader, who submits it, while A appraisers read the dashboard and units' pages in a loop.
//! It prints p50/p99/max latency per kind of request, and checks every write: each unit
//! submitted once with its note, each submission's snapshot replayed by the library to the
//! same report byte for byte.

#![allow(clippy::print_stdout, clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use parindex_campaign::password::Cost;
use parindex_campaign::SystemClock;
use parindex_server::auth::Accounts;

const PASSWORD: &str = "mật khẩu đủ dài 2026";
const CSRF: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// One HTTP/1.1 request on a fresh loopback connection: (status, body, time taken).
fn http(
    port: u16,
    method: &str,
    path: &str,
    session: &str,
    ct: &str,
    body: &[u8],
) -> (u16, Vec<u8>, Duration) {
    let started = Instant::now();
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: parindex_csrf={CSRF}; \
         parindex_session={session}\r\nX-CSRF-Token: {CSRF}\r\nContent-Type: {ct}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut out = Vec::new();
    stream.read_to_end(&mut out).unwrap();
    let took = started.elapsed();
    let text_end = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(out.len());
    let status = std::str::from_utf8(&out[..text_end.min(out.len())])
        .ok()
        .and_then(|h| h.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = out.get(text_end + 4..).unwrap_or_default().to_vec();
    // The server answers with a length or chunks; the JSON bodies read here are small.
    (status, dechunk(body), took)
}

fn dechunk(body: Vec<u8>) -> Vec<u8> {
    let text = String::from_utf8_lossy(&body);
    if !text.contains("\r\n")
        || text.trim_start().starts_with('{')
        || text.trim_start().starts_with('[')
    {
        return body;
    }
    let mut out = Vec::new();
    let mut rest: &[u8] = &body;
    while let Some(i) = rest.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(std::str::from_utf8(&rest[..i]).unwrap_or("0").trim(), 16)
            .unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = i + 2;
        out.extend_from_slice(&rest[start..start + size]);
        rest = &rest[start + size + 2..];
    }
    out
}

fn json(
    port: u16,
    path: &str,
    session: &str,
    v: &serde_json::Value,
) -> (u16, serde_json::Value, Duration) {
    let (status, body, took) = http(
        port,
        "POST",
        path,
        session,
        "application/json",
        v.to_string().as_bytes(),
    );
    (
        status,
        serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
        took,
    )
}

fn multipart(field: &str, files: &[(String, Vec<u8>)]) -> (String, Vec<u8>) {
    let boundary = "----parindex-deadline";
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{name}\"\r\n\
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

fn login(port: u16, login: &str) -> String {
    let body = serde_json::json!({"login": login, "password": PASSWORD}).to_string();
    let started = TcpStream::connect(("127.0.0.1", port));
    let mut stream = started.unwrap();
    let head = format!(
        "POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: parindex_csrf={CSRF}\r\n\
         X-CSRF-Token: {CSRF}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).unwrap();
    out.lines()
        .find_map(|l| l.strip_prefix("set-cookie: parindex_session="))
        .and_then(|v| v.split(';').next())
        .unwrap_or_else(|| panic!("no session for {login}: {out}"))
        .to_owned()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    let units: usize = arg("--units").map_or(150, |v| v.parse().unwrap());
    let appraisers: usize = arg("--appraisers").map_or(8, |v| v.parse().unwrap());
    let database = arg("--database");
    let data = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let config = parindex_server::ServeConfig {
        data: data.path().to_path_buf(),
        database: database.clone(),
        addr: "127.0.0.1:0".parse().unwrap(),
        limits: parindex_server::Limits::default(),
        secure_cookies: false,
    };
    // Passwords at the production cost: signing in is part of the day.
    let accounts = Accounts::new(Arc::new(SystemClock), Cost::DEFAULT, false);
    runtime.spawn(async move {
        parindex_server::serve_with_accounts(config, accounts, move |addr, app| {
            tx.send((addr.port(), app)).unwrap();
        })
        .await
        .unwrap();
    });
    let (port, app) = rx.recv().unwrap();
    runtime
        .block_on(app.create_first_admin("admin", "admin", PASSWORD))
        .unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/province-2026");
    let setup = Instant::now();
    let admin = login(port, "admin");
    let criteria = std::fs::read(root.join("criteria/criteria.toml")).unwrap();
    let (ct, body) = multipart("file", &[("criteria.toml".to_owned(), criteria)]);
    let (_, got, _) = http(port, "POST", "/api/criteria", &admin, &ct, &body);
    let sha = serde_json::from_slice::<serde_json::Value>(&got).unwrap()["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, c, _) = json(
        port,
        "/api/campaigns",
        &admin,
        &serde_json::json!({"title": "Hạn nộp", "criteria": sha, "self_end": "31/12/2099",
            "round1_end": "10/01/2100", "explain_end": "20/01/2100", "round2_end": "31/01/2100"}),
    );
    let c = c["id"].as_i64().unwrap();
    let codes: Vec<String> = (1..=units).map(|i| format!("U{i:03}")).collect();
    let csv = std::iter::once("ma_don_vi,ten_don_vi,nhom".to_owned())
        .chain(codes.iter().map(|u| format!("{u},Đơn vị {u},so")))
        .collect::<Vec<_>>()
        .join("\n");
    let (status, _, _) = json(
        port,
        &format!("/api/campaigns/{c}/units"),
        &admin,
        &serde_json::json!({"csv": csv}),
    );
    assert_eq!(status, 200);
    let dir = root.join("by-unit/SKHCN");
    let files: Vec<(String, Vec<u8>)> = ["documents.csv", "dossiers.csv", "facts.toml"]
        .iter()
        .map(|n| ((*n).to_owned(), std::fs::read(dir.join(n)).unwrap()))
        .collect();
    let mut people = Vec::new();
    for code in &codes {
        for (prefix, role) in [("o", "officer"), ("l", "leader")] {
            let (status, got, _) = json(
                port,
                "/api/accounts",
                &admin,
                &serde_json::json!({"login": format!("{prefix}-{code}"), "display_name": code,
                    "password": PASSWORD, "role": role, "unit_code": code}),
            );
            assert_eq!(status, 200, "{got}");
        }
        let officer = login(port, &format!("o-{code}"));
        let leader = login(port, &format!("l-{code}"));
        let (_, unit, _) = http(
            port,
            "GET",
            &format!("/api/campaigns/{c}/units/{code}"),
            &officer,
            "text/plain",
            b"",
        );
        let ws = serde_json::from_slice::<serde_json::Value>(&unit).unwrap()["unit"]["workspace"]
            .as_i64()
            .unwrap();
        let (ct, body) = multipart("files", &files);
        let (status, _, _) = http(
            port,
            "POST",
            &format!("/api/workspaces/{ws}/evidence"),
            &officer,
            &ct,
            &body,
        );
        assert_eq!(status, 200);
        people.push((code.clone(), ws, officer, leader));
    }
    for i in 0..appraisers {
        let (status, _, _) = json(
            port,
            "/api/accounts",
            &admin,
            &serde_json::json!({"login": format!("td-{i}"), "display_name": "td", "password": PASSWORD,
                "role": "auditor"}),
        );
        assert_eq!(status, 200);
    }
    let readers: Vec<String> = (0..appraisers)
        .map(|i| login(port, &format!("td-{i}")))
        .collect();
    println!(
        "setup: {units} units, {} accounts, uploads: {:.1} s",
        2 * units + appraisers + 1,
        setup.elapsed().as_secs_f64()
    );

    // The deadline day: every unit at once, and the readers meanwhile.
    let times: Arc<Mutex<Vec<(&'static str, Duration)>>> = Arc::default();
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let started = Instant::now();
    let mut threads = Vec::new();
    for (code, ws, officer, leader) in people.clone() {
        let times = Arc::clone(&times);
        threads.push(std::thread::spawn(move || {
            let record = |kind, d| times.lock().unwrap().push((kind, d));
            let (s, got, d) = json(
                port,
                &format!("/api/workspaces/{ws}/rows/1.1/note"),
                &officer,
                &serde_json::json!({"version": 0, "giai_trinh": format!("Giải trình của {code}")}),
            );
            assert_eq!(s, 200, "{code} note: {got}");
            record("lưu giải trình", d);
            let (s, got, d) = json(
                port,
                &format!("/api/campaigns/{c}/units/{code}/steps/hand_to_leader"),
                &officer,
                &serde_json::json!({}),
            );
            assert_eq!(s, 200, "{code} hand: {got}");
            record("trình lãnh đạo", d);
            let (s, got, d) = json(
                port,
                &format!("/api/campaigns/{c}/units/{code}/steps/submit"),
                &leader,
                &serde_json::json!({}),
            );
            assert_eq!(s, 200, "{code} submit: {got}");
            record("duyệt và nộp", d);
        }));
    }
    for (i, session) in readers.iter().enumerate() {
        let (times, done, session) = (Arc::clone(&times), Arc::clone(&done), session.clone());
        let codes = codes.clone();
        threads.push(std::thread::spawn(move || {
            let mut n = i;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let (s, _, d) = http(
                    port,
                    "GET",
                    &format!("/api/campaigns/{c}"),
                    &session,
                    "text/plain",
                    b"",
                );
                assert_eq!(s, 200);
                times.lock().unwrap().push(("đọc bảng theo dõi", d));
                let code = &codes[n % codes.len()];
                let (s, _, d) = http(
                    port,
                    "GET",
                    &format!("/api/campaigns/{c}/units/{code}"),
                    &session,
                    "text/plain",
                    b"",
                );
                assert_eq!(s, 200);
                times.lock().unwrap().push(("đọc hồ sơ đơn vị", d));
                n += 7;
            }
        }));
    }
    let writers: Vec<_> = threads.drain(..units).collect();
    for t in writers {
        t.join().unwrap();
    }
    let wall = started.elapsed();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    for t in threads {
        t.join().unwrap();
    }
    let times = times.lock().unwrap().clone();
    println!("deadline: {units} units saved, handed and submitted in {:.2} s, {appraisers} readers meanwhile", wall.as_secs_f64());
    println!("| request | n | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|");
    for kind in [
        "lưu giải trình",
        "trình lãnh đạo",
        "duyệt và nộp",
        "đọc bảng theo dõi",
        "đọc hồ sơ đơn vị",
    ] {
        let mut v: Vec<Duration> = times
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, d)| *d)
            .collect();
        v.sort();
        let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
        println!(
            "| {kind} | {} | {} | {} | {} |",
            v.len(),
            ms(percentile(&v, 0.5)),
            ms(percentile(&v, 0.99)),
            ms(v.last().copied().unwrap_or_default())
        );
    }

    // Every write kept whole: one submission per unit, its note, its replay.
    let set =
        parindex_core::load_criteria(&parindex_core::FsFiles, &root.join("criteria")).unwrap();
    let compiled = parindex_core::CompiledCriteria::compile(set).unwrap();
    runtime.block_on(async {
        for (code, ws, _, _) in &people {
            let unit = app.campaign_unit(c, code).await.unwrap();
            assert_eq!(unit.state, "submitted", "{code}");
            let subs = app.db.submissions(c, code).await.unwrap();
            assert_eq!(subs.len(), 1, "{code}");
            let notes = app.db.notes(*ws).await.unwrap();
            assert!(notes.iter().any(|n| n.row_id == "1.1"), "{code}: the note");
            let zip = app.blobs.get(&subs[0].folder_sha256).unwrap();
            let report = String::from_utf8(app.blobs.get(&subs[0].report_sha256).unwrap()).unwrap();
            let mut files = parindex_core::MemoryFiles::default();
            let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
            for i in 0..archive.len() {
                let mut entry = archive.by_index(i).unwrap();
                let mut bytes = Vec::new();
                entry.read_to_end(&mut bytes).unwrap();
                let name = entry.name().unwrap().to_string();
                files.insert(Path::new("unit").join(name), bytes);
            }
            let old = parindex_core::Report::from_json(&report).unwrap();
            let replayed = parindex_core::replay(
                &compiled,
                &files,
                Path::new("unit"),
                &old,
                &report,
                &parindex_core::ReadOptions::default(),
            )
            .unwrap();
            assert!(replayed.agrees, "{code}: the submission does not replay");
        }
    });
    println!(
        "checked: {units} submissions, each once with its note, each replayed to the same report ({})",
        app.db.engine()
    );
}
