//! Killing the server in the middle of submissions leaves each unit either fully submitted
//! (its state, its one standing submission, the snapshot's blobs, a report the library
//! replays) or not submitted at all — never half.
//!
//! The server runs as a child process (this test binary, its `child_server` test serving a
//! data folder prepared in-process); the parent fires every unit's submission at once over
//! HTTP, kills the child with SIGKILL after a delay that grows each round, and opens the
//! data folder (and database) again to check every unit; on SQLite and on PostgreSQL.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::{multipart, Got};
use parindex_campaign::password::Cost;
use parindex_campaign::SystemClock;
use parindex_server::auth::Accounts;
use parindex_server::service::App;
use parindex_server::Limits;

const DATA_VAR: &str = "PARINDEX_CRASH_DATA";
/// The PostgreSQL database the child serves, when the test runs on PostgreSQL.
const DATABASE_VAR: &str = "PARINDEX_CRASH_DATABASE";
const PORT_FILE: &str = "port";
const PASSWORD: &str = "mật khẩu đủ dài 2026";
const UNITS: [&str; 6] = ["SKHCN", "STP", "STC", "SYT", "SCT", "SXD"];
/// Any 64 hex digits: the CSRF check is a double submit.
const CSRF: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn accounts() -> Accounts {
    Accounts::new(Arc::new(SystemClock), Cost::TESTING, false)
}

/// The server of the data folder `PARINDEX_CRASH_DATA` names, on a free port written to
/// `port` there; serves until killed. Not a test of its own: without the variable it returns.
#[test]
fn child_server() {
    let Some(data) = std::env::var_os(DATA_VAR) else {
        return;
    };
    let data = std::path::PathBuf::from(data);
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async move {
        let config = parindex_server::ServeConfig {
            data: data.clone(),
            database: std::env::var(DATABASE_VAR).ok(),
            addr: "127.0.0.1:0".parse().expect("addr"),
            limits: Limits::default(),
            secure_cookies: false,
        };
        let port_file = data.join(PORT_FILE);
        parindex_server::serve_with_accounts(config, accounts(), move |addr, _| {
            std::fs::write(port_file, addr.port().to_string()).expect("port file");
        })
        .await
        .expect("serves");
    });
}

async fn post(
    router: &axum::Router,
    uri: &str,
    session: Option<&str>,
    ct: &str,
    body: Vec<u8>,
) -> Got {
    let cookie = match session {
        Some(s) => format!("parindex_csrf={CSRF}; parindex_session={s}"),
        None => format!("parindex_csrf={CSRF}"),
    };
    common::send_to(
        router,
        Request::post(uri)
            .header(header::COOKIE, cookie)
            .header("x-csrf-token", CSRF)
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .expect("request"),
    )
    .await
}

async fn json(
    router: &axum::Router,
    uri: &str,
    session: Option<&str>,
    v: serde_json::Value,
) -> serde_json::Value {
    let got = post(
        router,
        uri,
        session,
        "application/json",
        v.to_string().into_bytes(),
    )
    .await;
    assert_eq!(got.status, StatusCode::OK, "{uri}: {}", got.text());
    got.json()
}

async fn login(router: &axum::Router, login: &str) -> String {
    let got = post(
        router,
        "/api/login",
        None,
        "application/json",
        serde_json::json!({"login": login, "password": PASSWORD})
            .to_string()
            .into_bytes(),
    )
    .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    got.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.split(';')
                .next()?
                .strip_prefix("parindex_session=")
                .map(str::to_owned)
        })
        .expect("a session")
}

/// A campaign of six units, each uploaded and handed to its leader; the leaders' sessions.
async fn prepare(data: &Path, database: Option<&str>) -> (i64, Vec<String>) {
    let (router, app) =
        parindex_server::app_with(data.to_path_buf(), database, Limits::default(), accounts())
            .await
            .expect("opens");
    app.create_first_admin("admin", "admin", PASSWORD)
        .await
        .expect("admin");
    let admin = login(&router, "admin").await;
    let province = common::root().join("fixtures/province-2026");
    let criteria = std::fs::read(province.join("criteria/criteria.toml")).expect("criteria");
    let (ct, body) = multipart("file", &[("criteria.toml".to_owned(), criteria)]);
    let got = post(&router, "/api/criteria", Some(&admin), &ct, body).await;
    let sha = got.json()["sha256"].as_str().expect("sha").to_owned();
    let c = json(
        &router,
        "/api/campaigns",
        Some(&admin),
        serde_json::json!({"title": "Đợt", "criteria": sha, "self_end": "31/12/2099",
            "round1_end": "10/01/2100", "explain_end": "20/01/2100", "round2_end": "31/01/2100"}),
    )
    .await["id"]
        .as_i64()
        .expect("id");
    let csv: String = std::iter::once("ma_don_vi,ten_don_vi,nhom".to_owned())
        .chain(UNITS.iter().map(|u| format!("{u},Đơn vị {u},so")))
        .collect::<Vec<_>>()
        .join("\n");
    json(
        &router,
        &format!("/api/campaigns/{c}/units"),
        Some(&admin),
        serde_json::json!({"csv": csv}),
    )
    .await;
    let mut leaders = Vec::new();
    for code in UNITS {
        for (prefix, role) in [("o", "officer"), ("l", "leader")] {
            json(
                &router,
                "/api/accounts",
                Some(&admin),
                serde_json::json!({"login": format!("{prefix}-{code}"), "display_name": code,
                    "password": PASSWORD, "role": role, "unit_code": code}),
            )
            .await;
        }
        let officer = login(&router, &format!("o-{code}")).await;
        let unit = app.campaign_unit(c, code).await.expect("unit");
        let dir = province.join("by-unit").join(code);
        let files: Vec<(String, Vec<u8>)> = ["documents.csv", "dossiers.csv", "facts.toml"]
            .iter()
            .map(|n| ((*n).to_owned(), std::fs::read(dir.join(n)).expect("file")))
            .collect();
        let (ct, body) = multipart("files", &files);
        let got = post(
            &router,
            &format!("/api/workspaces/{}/evidence", unit.workspace_id),
            Some(&officer),
            &ct,
            body,
        )
        .await;
        assert_eq!(got.status, StatusCode::OK, "{}", got.text());
        json(
            &router,
            &format!("/api/campaigns/{c}/units/{code}/steps/hand_to_leader"),
            Some(&officer),
            serde_json::json!({}),
        )
        .await;
        leaders.push(login(&router, &format!("l-{code}")).await);
    }
    (c, leaders)
}

/// Sends a submission over a plain connection; whatever comes back (or nothing) is ignored.
fn fire(port: u16, c: i64, code: &str, session: &str) {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return;
    };
    let request = format!(
        "POST /api/campaigns/{c}/units/{code}/steps/submit HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Cookie: parindex_csrf={CSRF}; parindex_session={session}\r\nX-CSRF-Token: {CSRF}\r\n\
         Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
    );
    let _ = stream.write_all(request.as_bytes());
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut sink = Vec::new();
    let _ = stream.read_to_end(&mut sink);
}

/// Every unit is whole: submitted with one standing submission whose blobs exist and whose
/// report the library replays, or not submitted with none. The number submitted.
async fn check(app: &App, c: i64) -> usize {
    let province = common::root().join("fixtures/province-2026");
    let set = parindex_core::load_criteria(&parindex_core::FsFiles, &province.join("criteria"))
        .expect("the set");
    let compiled = parindex_core::CompiledCriteria::compile(set).expect("compiles");
    let mut submitted = 0;
    for code in UNITS {
        let unit = app.campaign_unit(c, code).await.expect("unit");
        let subs = app.db.submissions(c, code).await.expect("submissions");
        let standing: Vec<_> = subs.iter().filter(|s| s.withdrawn_at.is_none()).collect();
        match unit.state.as_str() {
            "submitted" => {
                submitted += 1;
                assert_eq!(standing.len(), 1, "{code}: {subs:?}");
                let s = standing[0];
                let zip = app.blobs.get(&s.folder_sha256).expect("the folder's blob");
                let report =
                    String::from_utf8(app.blobs.get(&s.report_sha256).expect("the report's blob"))
                        .expect("utf-8");
                assert!(common::replays(&compiled, &zip, &report), "{code}");
            }
            "with_leader" => assert!(subs.is_empty(), "{code}: not submitted, yet {subs:?}"),
            other => panic!("{code}: {other}"),
        }
    }
    submitted
}

async fn a_submission_killed_midway_is_whole_or_absent() {
    let mut seen = Vec::new();
    for (round, delay_ms) in [5u64, 20, 40, 60, 90, 400].into_iter().enumerate() {
        let data = tempfile::tempdir().expect("data");
        let scratch = match common::Backend::current() {
            common::Backend::Sqlite => None,
            common::Backend::Postgres => {
                let server = parindex_db_postgres::scratch::server("a test").expect("checked");
                Some(
                    parindex_db_postgres::scratch::Scratch::create(&server)
                        .await
                        .expect("a scratch database"),
                )
            }
        };
        let database = scratch.as_ref().map(|s| s.address.clone());
        let (c, leaders) = prepare(data.path(), database.as_deref()).await;
        let mut child = Command::new(std::env::current_exe().expect("this test"))
            .args([
                "--exact",
                "child_server",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env(DATA_VAR, data.path())
            .envs(database.iter().map(|d| (DATABASE_VAR, d)))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server starts");
        let port_file = data.path().join(PORT_FILE);
        let started = Instant::now();
        let port: u16 = loop {
            if let Some(p) = std::fs::read_to_string(&port_file)
                .ok()
                .and_then(|t| t.parse().ok())
            {
                break p;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the server did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        let shots: Vec<_> = UNITS
            .iter()
            .zip(&leaders)
            .map(|(code, session)| {
                let (code, session) = ((*code).to_owned(), session.clone());
                std::thread::spawn(move || fire(port, c, &code, &session))
            })
            .collect();
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().expect("killed");
        child.wait().expect("reaped");
        for s in shots {
            let _ = s.join();
        }
        let (_, app) = parindex_server::app_with(
            data.path().to_path_buf(),
            database.as_deref(),
            Limits::default(),
            accounts(),
        )
        .await
        .expect("opens after the kill");
        let submitted = check(&app, c).await;
        seen.push((round, delay_ms, submitted));
        // The app's connections close before its scratch database is dropped.
        drop(app);
        drop(scratch);
    }
    // The kills fell before, among and after the submissions (the count varies with the
    // machine; every state was checked whole above).
    assert!(seen.iter().all(|(_, _, n)| *n <= UNITS.len()), "{seen:?}");
}

on_every_backend!(a_submission_killed_midway_is_whole_or_absent);
