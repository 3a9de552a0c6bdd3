//! The province's campaign on one server (issue "The province's campaign"), through the JSON
//! API, on every backend: accounts and sessions, a campaign on `fixtures/province-2026`,
//! submission (officer, then leader), a late unit locked, appraisal in two rounds with the
//! unit's answer between them, the survey, the ranking equal to `expected-ranking.csv`, every
//! submission replayed by the library; and the authorization matrix — every route × every
//! role (another unit's officer and no session included), each refusal leaving the data as it
//! was.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use chrono::NaiveDate;
use common::{multipart, Backend, Got};
use parindex_campaign::password::Cost;
use parindex_campaign::phase::end_of_day;
use parindex_campaign::ManualClock;
use parindex_db_postgres::scratch::{self, Scratch};
use parindex_server::auth::Accounts;
use parindex_server::service::App;
use parindex_server::Limits;
use rust_decimal::Decimal;

fn province() -> PathBuf {
    common::root().join("fixtures/province-2026")
}

/// A moment of a day in Vietnam: noon.
fn noon(y: i32, m: u32, d: u32) -> i64 {
    end_of_day(NaiveDate::from_ymd_opt(y, m, d).expect("date")) - 12 * 3600
}

const PASSWORD: &str = "mật khẩu đủ dài 2026";

/// The province's server on a fresh data folder and the test's backend, its clock in the
/// test's hand, its first administrator made.
struct Server {
    router: Router,
    app: Arc<App>,
    clock: Arc<ManualClock>,
    _data: tempfile::TempDir,
    _scratch: Option<Scratch>,
}

/// A signed-in account: its CSRF token and session cookies, as a browser holds them.
struct User {
    router: Router,
    csrf: String,
    session: Option<String>,
}

fn cookie_value(got: &Got, name: &str) -> Option<String> {
    got.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.split(';')
                .next()
                .and_then(|kv| kv.split_once('='))
                .filter(|(k, _)| *k == name)
                .map(|(_, v)| v.to_owned())
        })
}

impl Server {
    async fn open() -> Self {
        Self::open_with(Limits::default()).await
    }

    async fn open_with(limits: Limits) -> Self {
        Self::build(limits, false).await
    }

    /// The server as behind a TLS reverse proxy (`--secure-cookies`) when `secure`.
    async fn build(limits: Limits, secure: bool) -> Self {
        let data = tempfile::tempdir().expect("temp dir");
        let scratch = match Backend::current() {
            Backend::Sqlite => None,
            Backend::Postgres => {
                let server = scratch::server("a test").expect("checked by Backend::run");
                Some(Scratch::create(&server).await.expect("a scratch database"))
            }
        };
        let clock = Arc::new(ManualClock::new(noon(2026, 12, 1)));
        let accounts = Accounts::new(clock.clone(), Cost::TESTING, secure);
        let (router, app) = parindex_server::app_with(
            data.path().to_path_buf(),
            scratch.as_ref().map(|s| s.address.as_str()),
            limits,
            accounts,
        )
        .await
        .expect("the app opens");
        app.create_first_admin("admin", "Quản trị Sở Nội vụ", PASSWORD)
            .await
            .expect("the first administrator");
        Self {
            router,
            app,
            clock,
            _data: data,
            _scratch: scratch,
        }
    }

    /// A browser with no session yet.
    async fn anonymous(&self) -> User {
        let got = common::send_to(
            &self.router,
            Request::get("/api/csrf")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
        assert_eq!(got.status, StatusCode::OK, "{}", got.text());
        User {
            router: self.router.clone(),
            csrf: got.json()["token"].as_str().expect("token").to_owned(),
            session: None,
        }
    }

    async fn login(&self, login: &str) -> User {
        let mut u = self.anonymous().await;
        let got = u
            .post_json(
                "/api/login",
                &serde_json::json!({"login": login, "password": PASSWORD}),
            )
            .await;
        assert_eq!(got.status, StatusCode::OK, "{login}: {}", got.text());
        let cookie = got
            .headers
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .expect("a session cookie")
            .to_owned();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
            "{cookie}"
        );
        u.session = cookie_value(&got, parindex_server::auth::SESSION_COOKIE);
        assert!(u.session.is_some());
        u
    }

    async fn history_len(&self) -> usize {
        self.app.db.province_history().await.expect("history").len()
    }
}

impl User {
    fn cookies(&self) -> String {
        match &self.session {
            Some(s) => format!("parindex_csrf={}; parindex_session={s}", self.csrf),
            None => format!("parindex_csrf={}", self.csrf),
        }
    }

    async fn request(
        &self,
        method: Method,
        uri: &str,
        content_type: Option<String>,
        body: Vec<u8>,
    ) -> Got {
        let mut req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::COOKIE, self.cookies())
            .header("x-csrf-token", &self.csrf);
        if let Some(ct) = content_type {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        common::send_to(&self.router, req.body(Body::from(body)).expect("request")).await
    }

    async fn get(&self, uri: &str) -> Got {
        self.request(Method::GET, uri, None, Vec::new()).await
    }

    async fn post_json(&self, uri: &str, body: &serde_json::Value) -> Got {
        self.request(
            Method::POST,
            uri,
            Some("application/json".to_owned()),
            body.to_string().into_bytes(),
        )
        .await
    }

    async fn post_files(&self, uri: &str, field: &str, files: &[(String, Vec<u8>)]) -> Got {
        let (ct, body) = multipart(field, files);
        self.request(Method::POST, uri, Some(ct), body).await
    }

    async fn ok_json(&self, uri: &str, body: &serde_json::Value) -> serde_json::Value {
        let got = self.post_json(uri, body).await;
        assert_eq!(got.status, StatusCode::OK, "{uri}: {}", got.text());
        got.json()
    }
}

/// The files of a unit of the fixture, as its officer uploads them: her exports and facts
/// (unit.toml is the administrator's, appraisal.csv the appraisers').
fn unit_files(code: &str) -> Vec<(String, Vec<u8>)> {
    let dir = province().join("by-unit").join(code);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("unit folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name != "unit.toml" && name != "appraisal.csv"
        })
        .map(|p| {
            (
                p.file_name().expect("name").to_string_lossy().into_owned(),
                std::fs::read(&p).expect("file"),
            )
        })
        .collect();
    out.sort();
    out
}

fn codes() -> Vec<String> {
    let text = std::fs::read_to_string(province().join("exports/units.csv")).expect("units.csv");
    text.lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .map(str::to_owned)
        .collect()
}

/// The province's criteria set uploaded and a campaign of it opened (deadlines 15/12/2026,
/// 10/01, 20/01, 31/01/2027; `as_of` or the set's 31/12) with the units of `units` (a
/// units.csv); the campaign's id.
async fn open_campaign(admin: &User, title: &str, as_of: Option<&str>, units: &str) -> i64 {
    let criteria = std::fs::read(province().join("criteria/criteria.toml")).expect("criteria");
    let got = admin
        .post_files(
            "/api/criteria",
            "file",
            &[("criteria.toml".to_owned(), criteria)],
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let sha = got.json()["sha256"].as_str().expect("sha").to_owned();
    let c = admin
        .ok_json(
            "/api/campaigns",
            &serde_json::json!({
                "title": title,
                "criteria": sha,
                "as_of": as_of.unwrap_or(""),
                "self_end": "15/12/2026",
                "round1_end": "10/01/2027",
                "explain_end": "20/01/2027",
                "round2_end": "31/01/2027",
            }),
        )
        .await["id"]
        .as_i64()
        .expect("id");
    let added = admin
        .ok_json(
            &format!("/api/campaigns/{c}/units"),
            &serde_json::json!({ "csv": units }),
        )
        .await;
    assert_eq!(
        added["added"].as_array().expect("list").len(),
        units.lines().count() - 1
    );
    c
}

/// An account made by the administrator `admin`, its display name its login, the test's
/// password: `unit` for an officer or leader, `fields` and `agency` for an appraiser.
async fn add_account(
    admin: &User,
    login: &str,
    role: &str,
    unit: &str,
    fields: &str,
    agency: &str,
) {
    admin
        .ok_json(
            "/api/accounts",
            &serde_json::json!({
                "login": login, "display_name": login, "password": PASSWORD, "role": role,
                "unit_code": unit, "fields": fields, "agency": agency,
            }),
        )
        .await;
}

/// The campaign of 2026 on the province fixture, its units added, one officer and one leader
/// per unit, an appraiser of fields 1 and 2 (Sở Nội vụ) and an auditor; every officer has
/// uploaded her unit's files. The campaign's id.
async fn campaign(s: &Server, admin: &User) -> i64 {
    let units = std::fs::read_to_string(province().join("exports/units.csv")).expect("units");
    let c = open_campaign(admin, "Chỉ số CCHC năm 2026", Some("31/12/2026"), &units).await;
    for code in codes() {
        for (prefix, role) in [("o", "officer"), ("l", "leader")] {
            add_account(admin, &format!("{prefix}-{code}"), role, &code, "", "").await;
        }
    }
    add_account(admin, "snv", "appraiser", "", "1 2", "Sở Nội vụ").await;
    add_account(admin, "kt", "auditor", "", "", "").await;
    for code in codes() {
        let officer = s.login(&format!("o-{code}")).await;
        upload_unit(&officer, c, &code).await;
    }
    c
}

/// The unit's files uploaded by `officer` into its workspace of campaign `c`; the
/// workspace's id.
async fn upload_unit(officer: &User, c: i64, code: &str) -> i64 {
    let ws = workspace_of(officer, c, code).await;
    let got = officer
        .post_files(
            &format!("/api/workspaces/{ws}/evidence"),
            "files",
            &unit_files(code),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{code}: {}", got.text());
    ws
}

async fn workspace_of(u: &User, c: i64, code: &str) -> i64 {
    let got = u.get(&format!("/api/campaigns/{c}/units/{code}")).await;
    assert_eq!(got.status, StatusCode::OK, "{code}: {}", got.text());
    got.json()["unit"]["workspace"].as_i64().expect("workspace")
}

async fn submit(s: &Server, c: i64, code: &str) -> i64 {
    let officer = s.login(&format!("o-{code}")).await;
    let leader = s.login(&format!("l-{code}")).await;
    let step = |step: &str| format!("/api/campaigns/{c}/units/{code}/steps/{step}");
    let got = officer
        .post_json(&step("hand_to_leader"), &serde_json::json!({}))
        .await;
    assert_eq!(got.status, StatusCode::OK, "{code}: {}", got.text());
    // The officer does not submit: her leader does.
    let got = officer
        .post_json(&step("submit"), &serde_json::json!({}))
        .await;
    assert_eq!(got.status, StatusCode::FORBIDDEN, "{}", got.text());
    let got = leader
        .post_json(&step("submit"), &serde_json::json!({}))
        .await;
    assert_eq!(got.status, StatusCode::OK, "{code}: {}", got.text());
    let json = got.json();
    assert_eq!(json["state"], "submitted");
    json["submission"].as_i64().expect("a submission")
}

/// The ranking as `expected-ranking.csv` writes it.
fn ranking_rows(ranking: &serde_json::Value) -> Vec<Vec<String>> {
    let d = |v: &serde_json::Value| {
        v.as_str().map(|t| {
            t.parse::<Decimal>()
                .expect("decimal")
                .normalize()
                .to_string()
        })
    };
    let mut out = Vec::new();
    for g in ranking["groups"].as_array().expect("groups") {
        let group = g["group"].as_str().expect("group");
        for e in g["entries"].as_array().expect("entries") {
            let own = d(&e["self_assessed"]).expect("self");
            out.push(vec![
                group.to_owned(),
                e["rank"].to_string(),
                e["code"].as_str().expect("code").to_owned(),
                own.clone(),
                d(&e["appraised"]).unwrap_or(own),
                d(&e["survey"]).expect("survey"),
                d(&e["total"]).expect("total"),
                d(&e["index"]).unwrap_or_default(),
                e["rating"].as_str().unwrap_or("").to_owned(),
            ]);
        }
    }
    out
}

fn expected_ranking() -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(province().join("expected-ranking.csv")).expect("csv");
    text.lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

/// A province folder's zip ranked by `u` with the set `sha` (`/rank` or `/api/rank`).
async fn rank_as(u: &User, uri: &str, sha: &str, zip: &[u8]) -> Got {
    let (ct, body) = common::multipart_form(&[("criteria", sha)], &[("file", "tinh.zip", zip)]);
    u.request(Method::POST, uri, Some(ct), body).await
}

async fn a_whole_campaign_on_the_province_fixture() {
    let s = Server::open().await;
    let admin = s.login("admin").await;
    let c = campaign(&s, &admin).await;
    let late = "SGTVT";
    let mut submissions = BTreeMap::new();
    for code in codes().iter().filter(|c| c.as_str() != late) {
        submissions.insert(code.clone(), submit(&s, c, code).await);
    }
    // Submitted and locked: the officer cannot change her evidence.
    let officer = s.login("o-SKHCN").await;
    let ws = workspace_of(&officer, c, "SKHCN").await;
    let got = officer
        .post_json(
            &format!("/api/workspaces/{ws}/rows/1.1/note"),
            &serde_json::json!({"version": 0, "giai_trinh": "sửa sau khi nộp"}),
        )
        .await;
    assert_eq!(got.status, StatusCode::CONFLICT, "{}", got.text());
    assert!(got.text().contains("đã nộp"), "{}", got.text());
    // Her workspace's history says who made each change: the accounts' logins.
    let history = officer.get(&format!("/w/{ws}/history")).await.text();
    assert!(history.contains("<th>Người</th>"), "{history}");
    assert!(
        history.contains("<td>o-SKHCN</td><td>tải lên</td>"),
        "{history}"
    );
    // Her self-assessed points, row by row, as her report states them: none yet for a survey
    // row (3.1, before the survey's results), not 0.
    let unit = officer
        .get(&format!("/api/campaigns/{c}/units/SKHCN"))
        .await
        .json();
    let own = |id: &str| {
        unit["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| r["self_points"].clone())
            .expect(id)
    };
    assert_eq!(own("3.1"), serde_json::Value::Null);
    assert_eq!(own("1.1"), "2");
    // Nor bring the appraisal herself, in her own unit's upload.
    let late_officer = s.login(&format!("o-{late}")).await;
    let late_ws = workspace_of(&late_officer, c, late).await;
    let got = late_officer
        .post_files(
            &format!("/api/workspaces/{late_ws}/evidence"),
            "files",
            &[(
                "appraisal.csv".to_owned(),
                b"vong,ma_tieu_chi,diem\n1,1.1,2\n".to_vec(),
            )],
        )
        .await;
    assert_eq!(got.status, StatusCode::FORBIDDEN, "{}", got.text());

    // The deadline passes: the unit that did not submit is late and locked.
    // (A session lasts a working day: each day below signs in again.)
    s.clock.set(noon(2027, 1, 5));
    let admin = s.login("admin").await;
    let late_officer = s.login(&format!("o-{late}")).await;
    let dash = admin.get(&format!("/api/campaigns/{c}")).await.json();
    let standing: BTreeMap<String, String> = dash["units"]
        .as_array()
        .expect("units")
        .iter()
        .map(|u| {
            (
                u["code"].as_str().expect("code").to_owned(),
                u["standing"].as_str().expect("standing").to_owned(),
            )
        })
        .collect();
    assert_eq!(standing[late], "late");
    assert_eq!(standing.values().filter(|v| *v == "submitted").count(), 21);
    assert_eq!(dash["phase"], "round1");
    let got = late_officer
        .post_files(
            &format!("/api/workspaces/{late_ws}/evidence"),
            "files",
            &unit_files(late),
        )
        .await;
    assert_eq!(got.status, StatusCode::CONFLICT, "{}", got.text());
    let leader = s.login(&format!("l-{late}")).await;
    let got = leader
        .post_json(
            &format!("/api/campaigns/{c}/units/{late}/steps/submit"),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(got.status, StatusCode::CONFLICT, "{}", got.text());

    // Round 1: the appraiser of fields 1 and 2 appraises SGDDT's row 1.1.
    let snv = s.login("snv").await;
    let row = |code: &str, row: &str, what: &str| {
        format!("/api/campaigns/{c}/units/{code}/rows/{row}/{what}")
    };
    let first = "Kế hoạch chưa xác định sản phẩm và thời hạn hoàn thành của từng nhiệm vụ";
    let v = snv
        .ok_json(
            &row("SGDDT", "1.1", "appraisal"),
            &serde_json::json!({"points": "0", "note": first, "version": 0}),
        )
        .await;
    assert_eq!(v["version"], 1);
    // Not its field; points outside the row refused by the library; a stale version refused.
    let got = snv
        .post_json(
            &row("SGDDT", "3.1", "appraisal"),
            &serde_json::json!({"points": "1", "note": "", "version": 0}),
        )
        .await;
    assert_eq!(got.status, StatusCode::FORBIDDEN, "{}", got.text());
    let got = snv
        .post_json(
            &row("SGDDT", "1.1", "appraisal"),
            &serde_json::json!({"points": "99", "note": "", "version": 1}),
        )
        .await;
    assert_eq!(
        got.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        got.text()
    );
    let got = snv
        .post_json(
            &row("SGDDT", "1.1", "appraisal"),
            &serde_json::json!({"points": "0", "note": first, "version": 0}),
        )
        .await;
    assert_eq!(got.status, StatusCode::CONFLICT, "{}", got.text());
    // Round 1 is not the explanation window.
    let sgddt = s.login("o-SGDDT").await;
    let (ct, body) = answer_body("Đã bổ sung phụ lục nhiệm vụ", 0);
    let got = sgddt
        .request(
            Method::POST,
            &row("SGDDT", "1.1", "answer"),
            Some(ct.clone()),
            body.clone(),
        )
        .await;
    assert_eq!(got.status, StatusCode::CONFLICT, "{}", got.text());

    // The explanation window: the unit answers with a supplementary TLKC file.
    s.clock.set(noon(2027, 1, 15));
    let sgddt = s.login("o-SGDDT").await;
    let got = sgddt
        .request(Method::POST, &row("SGDDT", "1.1", "answer"), Some(ct), body)
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let unit = sgddt
        .get(&format!("/api/campaigns/{c}/units/SGDDT"))
        .await
        .json();
    let r11 = unit["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["id"] == "1.1")
        .expect("row 1.1")
        .clone();
    assert_eq!(r11["round1"][0], "0");
    assert!(r11["answer"]
        .as_str()
        .expect("answer")
        .contains("phu-luc.pdf"));
    // The appraiser opens the unit's file, as sent.
    let file = s
        .login("snv")
        .await
        .get(&format!("/campaigns/{c}/units/SGDDT/rows/1.1/answer/0"))
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.body, "%PDF-1.4 phụ lục".as_bytes());
    assert!(file
        .headers
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("attachment")));

    // Round 2 sets the final points.
    s.clock.set(noon(2027, 1, 25));
    let snv = s.login("snv").await;
    let admin = s.login("admin").await;
    snv.ok_json(
        &row("SGDDT", "1.1", "appraisal"),
        &serde_json::json!({
            "points": "1",
            "note": "Đã giải trình và bổ sung phụ lục nhiệm vụ; chấp nhận một phần",
            "version": 0,
        }),
    )
    .await;
    let diff = snv
        .get(&format!("/api/campaigns/{c}/units/SGDDT/diff"))
        .await;
    assert_eq!(diff.status, StatusCode::OK, "{}", diff.text());
    let diff = diff.json();
    assert!(
        diff["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .any(|r| r["id"] == "1.1"),
        "{diff}"
    );

    // The survey, then the ranking: the hand-computed one.
    let survey = std::fs::read(province().join("exports/survey.csv")).expect("survey");
    let got = admin
        .post_files(
            &format!("/api/campaigns/{c}/survey"),
            "file",
            &[("survey.csv".to_owned(), survey)],
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let got = admin
        .post_json(
            &format!("/api/campaigns/{c}/publish"),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(
        got.status,
        StatusCode::CONFLICT,
        "not before round 2 ends: {}",
        got.text()
    );
    s.clock.set(noon(2027, 2, 2));
    let admin = s.login("admin").await;
    let got = admin
        .post_json(
            &format!("/api/campaigns/{c}/publish"),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let auditor = s.login("kt").await;
    let ranking = auditor.get(&format!("/api/campaigns/{c}/ranking")).await;
    assert_eq!(ranking.status, StatusCode::OK, "{}", ranking.text());
    assert_eq!(ranking_rows(&ranking.json()), expected_ranking());
    // Published: every account reads the ranking, the units' own included.
    let unit = s.login("o-SKHCN").await;
    let theirs = unit.get(&format!("/api/campaigns/{c}/ranking")).await;
    assert_eq!(theirs.status, StatusCode::OK, "{}", theirs.text());
    assert_eq!(theirs.body, ranking.body);
    let dashboard = admin.get(&format!("/campaigns/{c}")).await.text();
    assert!(dashboard.contains("Chỉ số từng lĩnh vực"), "the field bars");
    // The province's folder, downloaded and ranked as a folder of one's own (`/rank`, as
    // `parindex rank` on it): the campaign's ranking, byte for byte.
    let folder = auditor.get(&format!("/campaigns/{c}/province.zip")).await;
    assert_eq!(folder.status, StatusCode::OK);
    let sha = parindex_core::fingerprint::sha256_hex(
        &std::fs::read(province().join("criteria/criteria.toml")).expect("the set"),
    );
    let ranked = rank_as(&auditor, "/api/rank", &sha, &folder.body).await;
    assert_eq!(ranked.status, StatusCode::OK, "{}", ranked.text());
    assert_eq!(ranked.body, ranking.body);
    // A run's downloads are its ranker's: another account of the province does not find it.
    let page = rank_as(&auditor, "/rank", &sha, &folder.body).await.text();
    let token = page
        .split("href=\"/rank/")
        .nth(1)
        .and_then(|t| t.split('/').next())
        .expect("a download link")
        .to_owned();
    let own = auditor.get(&format!("/rank/{token}/xep-hang.json")).await;
    assert_eq!(own.body, ranking.body);
    let snv = s.login("snv").await;
    for other in [&snv, &admin] {
        let got = other.get(&format!("/rank/{token}/xep-hang.json")).await;
        assert_eq!(got.status, StatusCode::NOT_FOUND, "{}", got.text());
    }

    // Every submission replays offline: its folder and its report, by the library.
    let set = parindex_core::load_criteria(&parindex_core::FsFiles, &province().join("criteria"))
        .expect("the set");
    let compiled = parindex_core::CompiledCriteria::compile(set).expect("compiles");
    for (code, sid) in &submissions {
        let base = format!("/campaigns/{c}/units/{code}/submissions/{sid}");
        let zip = auditor.get(&format!("{base}/folder.zip")).await;
        assert_eq!(zip.status, StatusCode::OK, "{code}: {}", zip.text());
        let report = auditor.get(&format!("{base}/report.json")).await.text();
        assert!(common::replays(&compiled, &zip.body, &report), "{code}");
    }

    // The history: who appraised, before and after.
    let csv = auditor.get("/history.csv").await;
    assert_eq!(csv.status, StatusCode::OK);
    let csv = csv.text();
    assert!(csv.starts_with("thoi_gian,nguoi,don_vi,dot,hanh_dong,noi_dung,truoc,sau\n"));
    // The same history as a page, newest first.
    let page = auditor.get("/history").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let page = page.text();
    assert!(
        page.contains("snv") && page.contains("0 → 1"),
        "the page shows who and before → after"
    );
    // One unit's history: its own lines only, the appraisal of it included.
    let own = auditor
        .get(&format!("/campaigns/{c}/units/SGDDT/history.csv"))
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.text());
    let own = own.text();
    assert!(
        own.lines()
            .skip(1)
            .all(|l| l.split(',').nth(2) == Some("SGDDT")),
        "{own}"
    );
    assert!(
        own.contains("thẩm định") && own.contains("tải lên"),
        "{own}"
    );
    // Every change says who made it and when, by the server's clock in Vietnam's time (05:00
    // UTC is 12:00 there): an officer's upload too.
    assert!(
        csv.lines()
            .any(|l| l.starts_with("01/12/2026 12:00,o-SKHCN,SKHCN,") && l.contains("tải lên")),
        "{csv}"
    );
    assert!(
        csv.lines()
            .any(|l| l.contains(",snv,SGDDT,") && l.contains("thẩm định") && l.ends_with(",0,1")),
        "{csv}"
    );
}

fn answer_body(note: &str, version: i64) -> (String, Vec<u8>) {
    let boundary = "----parindex-answer-boundary";
    let mut body = Vec::new();
    for (name, value) in [("note", note.to_owned()), ("version", version.to_string())] {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"phu-luc.pdf\"\r\n\
             Content-Type: application/pdf\r\n\r\n%PDF-1.4 phụ lục\r\n--{boundary}--\r\n"
        )
        .as_bytes(),
    );
    (format!("multipart/form-data; boundary={boundary}"), body)
}

// ---- the authorization matrix ---------------------------------------------------------

/// Who asks, in the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Nobody,
    Admin,
    /// SKHCN's officer and leader (SKHCN has submitted).
    OfficerA,
    LeaderA,
    /// STP's officer (STP is drafting).
    OfficerB,
    /// Appraiser of field 1.
    Appraiser,
    Auditor,
}

const EVERYONE: [Who; 7] = [
    Who::Nobody,
    Who::Admin,
    Who::OfficerA,
    Who::LeaderA,
    Who::OfficerB,
    Who::Appraiser,
    Who::Auditor,
];

/// Every route, what it is asked with, and who may.
fn matrix(
    c: i64,
    a: i64,
    b: i64,
    sub: i64,
) -> Vec<(Method, String, Option<serde_json::Value>, Vec<Who>)> {
    use Who::*;
    let province = vec![Admin, Appraiser, Auditor];
    let json = |v: serde_json::Value| Some(v);
    vec![
        (
            Method::GET,
            "/api/me".into(),
            None,
            vec![Admin, OfficerA, LeaderA, OfficerB, Appraiser, Auditor],
        ),
        (Method::GET, "/api/accounts".into(), None, vec![Admin]),
        (
            Method::POST,
            "/api/accounts".into(),
            json(
                serde_json::json!({"login": "new-one", "display_name": "x", "password": PASSWORD, "role": "auditor"}),
            ),
            vec![Admin],
        ),
        (
            Method::GET,
            "/api/campaigns".into(),
            None,
            vec![Admin, OfficerA, LeaderA, OfficerB, Appraiser, Auditor],
        ),
        (
            Method::POST,
            "/api/campaigns".into(),
            json(
                serde_json::json!({"title": "x", "criteria": "nghe-an-2026-so", "self_end": "15/12/2026",
                "round1_end": "10/01/2027", "explain_end": "20/01/2027", "round2_end": "31/01/2027"}),
            ),
            vec![Admin],
        ),
        (
            Method::GET,
            format!("/api/campaigns/{c}"),
            None,
            province.clone(),
        ),
        (
            Method::GET,
            format!("/api/campaigns/{c}/ranking"),
            None,
            province.clone(),
        ),
        (
            Method::GET,
            format!("/campaigns/{c}/ranking.xlsx"),
            None,
            province.clone(),
        ),
        (
            Method::GET,
            format!("/campaigns/{c}/province.zip"),
            None,
            province.clone(),
        ),
        (
            Method::GET,
            format!("/campaigns/{c}/history.csv"),
            None,
            province.clone(),
        ),
        (Method::GET, "/history.csv".into(), None, province.clone()),
        // Ranking a province folder of one's own (an empty form: refused for its missing zip
        // once the account may).
        (Method::GET, "/rank".into(), None, province.clone()),
        (Method::POST, "/rank".into(), None, province.clone()),
        (Method::POST, "/api/rank".into(), None, province.clone()),
        (Method::GET, "/history".into(), None, province.clone()),
        (
            Method::POST,
            format!("/api/campaigns/{c}/units"),
            json(serde_json::json!({"csv": "ma_don_vi,ten_don_vi,nhom\nSXD,Sở Xây dựng,so\n"})),
            vec![Admin],
        ),
        (
            Method::POST,
            format!("/api/campaigns/{c}/publish"),
            json(serde_json::json!({})),
            vec![Admin],
        ),
        (
            Method::GET,
            format!("/api/campaigns/{c}/units/SKHCN"),
            None,
            vec![Admin, OfficerA, LeaderA, Appraiser, Auditor],
        ),
        (
            Method::GET,
            format!("/api/campaigns/{c}/units/STP"),
            None,
            vec![Admin, OfficerB, Auditor],
        ),
        (
            Method::GET,
            format!("/campaigns/{c}/units/STP/history.csv"),
            None,
            vec![Admin, OfficerB, Auditor],
        ),
        (
            Method::GET,
            format!("/campaigns/{c}/units/SKHCN/submissions/{sub}/report.json"),
            None,
            vec![Admin, OfficerA, LeaderA, Appraiser, Auditor],
        ),
        (
            Method::POST,
            format!("/api/campaigns/{c}/units/STP/steps/hand_to_leader"),
            json(serde_json::json!({})),
            vec![OfficerB],
        ),
        (
            Method::POST,
            format!("/api/campaigns/{c}/units/SKHCN/steps/withdraw"),
            json(serde_json::json!({})),
            vec![LeaderA],
        ),
        (
            Method::POST,
            format!("/api/campaigns/{c}/units/SKHCN/rows/1.1/appraisal"),
            json(serde_json::json!({"points": "1", "note": "", "version": 0})),
            vec![Appraiser],
        ),
        (
            Method::GET,
            format!("/api/workspaces/{a}"),
            None,
            vec![Admin, OfficerA, LeaderA, Appraiser, Auditor],
        ),
        (
            Method::GET,
            format!("/api/workspaces/{a}/report"),
            None,
            vec![Admin, OfficerA, LeaderA, Appraiser, Auditor],
        ),
        (
            Method::GET,
            format!("/w/{a}"),
            None,
            vec![Admin, OfficerA, LeaderA, Appraiser, Auditor],
        ),
        (
            Method::GET,
            format!("/api/workspaces/{b}"),
            None,
            vec![Admin, OfficerB, Auditor],
        ),
        (
            Method::GET,
            format!("/api/workspaces/{b}/export.zip"),
            None,
            vec![Admin, OfficerB, Auditor],
        ),
        (
            Method::GET,
            format!("/w/{b}/history"),
            None,
            vec![Admin, OfficerB, Auditor],
        ),
        (
            Method::GET,
            format!("/w/{b}/gaps"),
            None,
            vec![Admin, OfficerB, Auditor],
        ),
        (
            Method::GET,
            format!("/api/workspaces/{b}/gaps"),
            None,
            vec![Admin, OfficerB, Auditor],
        ),
        (
            Method::POST,
            format!("/api/workspaces/{b}/compare"),
            None,
            vec![Admin, OfficerB, Auditor],
        ),
        (
            Method::POST,
            format!("/api/workspaces/{b}/rows/1.1/note"),
            json(serde_json::json!({"version": 0, "giai_trinh": "của STP"})),
            vec![OfficerB],
        ),
        (
            Method::POST,
            format!("/api/workspaces/{b}/facts"),
            json(serde_json::json!({"facts": []})),
            vec![OfficerB],
        ),
        (
            Method::POST,
            format!("/api/workspaces/{b}/unit"),
            json(serde_json::json!({"code": "STP", "name": "Đổi tên", "group": "khac"})),
            vec![Admin],
        ),
        (
            Method::POST,
            format!("/api/workspaces/{b}/archive"),
            json(serde_json::json!({"archived": false})),
            vec![Admin],
        ),
        (
            Method::POST,
            "/api/workspaces".into(),
            json(
                serde_json::json!({"criteria": "nghe-an-2026-so", "code": "X", "name": "X", "group": "so"}),
            ),
            vec![Admin],
        ),
        (
            Method::GET,
            "/api/workspaces".into(),
            None,
            vec![Admin, OfficerA, LeaderA, OfficerB, Appraiser, Auditor],
        ),
        (
            Method::GET,
            format!(
                "/criteria/{}",
                parindex_core::fingerprint::sha256_hex(
                    &std::fs::read(common::criteria().join("criteria.toml")).expect("the set")
                )
            ),
            None,
            vec![Admin, OfficerA, LeaderA, OfficerB, Appraiser, Auditor],
        ),
    ]
}

async fn every_route_checks_who_asks_and_for_which_unit() {
    let s = Server::open().await;
    let admin = s.login("admin").await;
    let c = open_campaign(
        &admin,
        "Chỉ số CCHC năm 2026",
        None,
        "ma_don_vi,ten_don_vi,nhom\nSKHCN,Sở Khoa học và Công nghệ,so\nSTP,Sở Tư pháp,so\n",
    )
    .await;
    for (login, role, unit, fields, agency) in [
        ("o-a", "officer", "SKHCN", "", ""),
        ("l-a", "leader", "SKHCN", "", ""),
        ("o-b", "officer", "STP", "", ""),
        ("tham-dinh", "appraiser", "", "1", "Sở Nội vụ"),
        ("kiem-tra", "auditor", "", "", ""),
    ] {
        add_account(&admin, login, role, unit, fields, agency).await;
    }
    drop(admin);
    let users = logins(&s).await;
    let user = |w: Who| &users.iter().find(|(x, _)| *x == w).expect("user").1;
    let a = workspace_of(user(Who::OfficerA), c, "SKHCN").await;
    let b = workspace_of(user(Who::OfficerB), c, "STP").await;
    for (code, ws) in [("SKHCN", a), ("STP", b)] {
        let officer = if code == "SKHCN" {
            user(Who::OfficerA)
        } else {
            user(Who::OfficerB)
        };
        let got = officer
            .post_files(
                &format!("/api/workspaces/{ws}/evidence"),
                "files",
                &unit_files(code),
            )
            .await;
        assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    }
    let sub = submit_as(user(Who::OfficerA), user(Who::LeaderA), c, "SKHCN").await;
    // The self-assessment's routes now; the appraisal's in round 1 (signed in again).
    let (now, later): (Vec<_>, Vec<_>) = matrix(c, a, b, sub)
        .into_iter()
        .partition(|(_, uri, _, _)| !uri.ends_with("/appraisal"));
    let mut users = users;
    for (round, routes) in [(false, now), (true, later)] {
        if round {
            s.clock.set(noon(2027, 1, 5));
            users = logins(&s).await;
        }
        let user = |w: Who| &users.iter().find(|(x, _)| *x == w).expect("user").1;
        for (method, uri, body, allowed) in routes {
            for who in EVERYONE {
                let before = s.history_len().await;
                let u = user(who);
                let got = match &body {
                    None => u.request(method.clone(), &uri, None, Vec::new()).await,
                    Some(b) => u.post_json(&uri, b).await,
                };
                let refused =
                    matches!(got.status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
                        || (who == Who::Nobody && got.status == StatusCode::SEE_OTHER);
                if allowed.contains(&who) {
                    assert!(
                        !refused && got.status != StatusCode::NOT_FOUND,
                        "{who:?} {method} {uri}: {} {}",
                        got.status,
                        got.text()
                    );
                } else {
                    assert!(
                        refused,
                        "{who:?} {method} {uri}: {} {}",
                        got.status,
                        got.text()
                    );
                    if who != Who::Nobody {
                        assert_eq!(got.status, StatusCode::FORBIDDEN, "{who:?} {uri}");
                    }
                    assert_eq!(
                        s.history_len().await,
                        before,
                        "{who:?} {method} {uri} changed data"
                    );
                }
                // Undo what an allowed change did that the next asker needs as it was.
                if got.status == StatusCode::OK && uri.ends_with("/steps/withdraw") {
                    submit_as(user(Who::OfficerA), user(Who::LeaderA), c, "SKHCN").await;
                }
                if got.status == StatusCode::OK && uri.ends_with("/steps/hand_to_leader") {
                    let back = user(Who::OfficerB)
                        .post_json(
                            &format!("/api/campaigns/{c}/units/STP/steps/send_back"),
                            &serde_json::json!({}),
                        )
                        .await;
                    assert_eq!(back.status, StatusCode::OK, "{}", back.text());
                }
            }
        }
    }
    s.clock.set(noon(2026, 12, 1));
    let users = logins(&s).await;
    let user = |w: Who| &users.iter().find(|(x, _)| *x == w).expect("user").1;
    // A page asked without a session goes to the login page, coming back where it was.
    let got = user(Who::Nobody).get(&format!("/w/{a}")).await;
    assert_eq!(got.status, StatusCode::SEE_OTHER);
    assert_eq!(
        got.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some(format!("/login?next=/w/{a}").as_str())
    );
    // An officer's list of workspaces holds her own unit only.
    let list = user(Who::OfficerB).get("/api/workspaces").await.json();
    let codes: Vec<&str> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|w| w["unit_code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes, ["STP"]);
}

async fn logins(s: &Server) -> Vec<(Who, User)> {
    vec![
        (Who::Nobody, s.anonymous().await),
        (Who::Admin, s.login("admin").await),
        (Who::OfficerA, s.login("o-a").await),
        (Who::LeaderA, s.login("l-a").await),
        (Who::OfficerB, s.login("o-b").await),
        (Who::Appraiser, s.login("tham-dinh").await),
        (Who::Auditor, s.login("kiem-tra").await),
    ]
}

async fn submit_as(officer: &User, leader: &User, c: i64, code: &str) -> i64 {
    let step = |s: &str| format!("/api/campaigns/{c}/units/{code}/steps/{s}");
    let got = officer
        .post_json(&step("hand_to_leader"), &serde_json::json!({}))
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let got = leader
        .post_json(&step("submit"), &serde_json::json!({}))
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    got.json()["submission"].as_i64().expect("submission")
}

async fn logins_are_throttled_and_sessions_end() {
    let s = Server::open().await;
    let anon = s.anonymous().await;
    for _ in 0..5 {
        let got = anon
            .post_json(
                "/api/login",
                &serde_json::json!({"login": "admin", "password": "sai mật khẩu rồi"}),
            )
            .await;
        assert_eq!(got.status, StatusCode::UNAUTHORIZED, "{}", got.text());
        assert!(got.text().contains("không đúng"), "{}", got.text());
    }
    // The sixth try is refused even with the right password, until the window passes.
    let got = anon
        .post_json(
            "/api/login",
            &serde_json::json!({"login": "admin", "password": PASSWORD}),
        )
        .await;
    assert_eq!(got.status, StatusCode::FORBIDDEN, "{}", got.text());
    assert!(got.text().contains("thử lại sau"), "{}", got.text());
    s.clock.advance(16 * 60);
    let admin = s.login("admin").await;
    assert_eq!(admin.get("/api/me").await.json()["role"], "admin");
    // A session ends when it expires, and on signing out.
    s.clock.advance(parindex_server::auth::SESSION_SECONDS);
    assert_eq!(admin.get("/api/me").await.status, StatusCode::UNAUTHORIZED);
    let admin = s.login("admin").await;
    let got = admin.post_json("/api/logout", &serde_json::json!({})).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(admin.get("/api/me").await.status, StatusCode::UNAUTHORIZED);
    // A password is kept as an argon2id hash, never as written.
    let row = s
        .app
        .db
        .account_by_login("admin")
        .await
        .expect("reads")
        .expect("admin");
    assert!(row.password_hash.starts_with("$argon2id$"));
    assert!(!row.password_hash.contains(PASSWORD));
}

async fn a_campaign_s_units_are_scored_at_its_as_of_date() {
    let s = Server::open().await;
    let admin = s.login("admin").await;
    let c = open_campaign(
        &admin,
        "Giữa năm",
        Some("30/06/2026"),
        "ma_don_vi,ten_don_vi,nhom\nSKHCN,Sở Khoa học và Công nghệ,so\n",
    )
    .await;
    for (login, role) in [("o", "officer"), ("l", "leader")] {
        add_account(&admin, login, role, "SKHCN", "", "").await;
    }
    let officer = s.login("o").await;
    let ws = upload_unit(&officer, c, "SKHCN").await;
    let live = officer.get(&format!("/api/workspaces/{ws}/report")).await;
    assert_eq!(live.status, StatusCode::OK, "{}", live.text());
    assert_eq!(live.json()["as_of"], "2026-06-30");
    let sub = submit_as(&officer, &s.login("l").await, c, "SKHCN").await;
    let submitted = officer
        .get(&format!(
            "/campaigns/{c}/units/SKHCN/submissions/{sub}/report.json"
        ))
        .await;
    // What the officer saw is what she submitted, byte for byte.
    assert_eq!(submitted.text(), live.text());
}

/// A campaign's history holds its own entries and its units' workspaces', not those of
/// another campaign the same unit is in (next year's).
async fn a_campaigns_history_is_its_own() {
    let s = Server::open().await;
    let admin = s.login("admin").await;
    let units = "ma_don_vi,ten_don_vi,nhom\nSKHCN,Sở Khoa học và Công nghệ,so\n";
    let first = open_campaign(&admin, "Đợt một", None, units).await;
    admin
        .ok_json(
            "/api/accounts",
            &serde_json::json!({"login": "o-SKHCN", "display_name": "o", "password": PASSWORD,
                "role": "officer", "unit_code": "SKHCN"}),
        )
        .await;
    let officer = s.login("o-SKHCN").await;
    let ws = upload_unit(&officer, first, "SKHCN").await;
    let history = |c: i64| {
        let admin = &admin;
        async move {
            let got = admin.get(&format!("/campaigns/{c}/history.csv")).await;
            assert_eq!(got.status, StatusCode::OK, "{}", got.text());
            got.text()
        }
    };
    let before = history(first).await;
    assert!(before.lines().count() >= 3, "{before}");

    // The same unit in a second campaign, and its officer's upload there.
    let second = open_campaign(&admin, "Đợt hai", None, units).await;
    let ws2 = upload_unit(&officer, second, "SKHCN").await;
    assert_ne!(ws, ws2);
    assert_eq!(history(first).await, before, "the first campaign's history");
    let theirs = history(second).await;
    assert!(
        theirs.contains("Đợt hai")
            && theirs.contains("tải lên facts.toml")
            && !theirs.contains("Đợt một"),
        "{theirs}"
    );
}

/// A server holding fewer campaigns' consolidations in memory than it runs: each campaign's
/// ranking, after the other pushed its consolidation out, is computed again to the same
/// answer, and never another campaign's.
async fn campaigns_beyond_those_kept_in_memory_are_consolidated_again_to_the_same_ranking() {
    let s = Server::open_with(Limits {
        campaigns_in_memory: 1,
        ..Limits::default()
    })
    .await;
    let admin = s.login("admin").await;
    let units = "ma_don_vi,ten_don_vi,nhom\nSKHCN,Sở Khoa học và Công nghệ,so\n";
    // Two campaigns of the same unit on other dates: their rankings differ.
    let campaigns = [
        open_campaign(&admin, "Giữa năm", Some("30/06/2026"), units).await,
        open_campaign(&admin, "Cả năm", Some("31/12/2026"), units).await,
    ];
    add_account(&admin, "o", "officer", "SKHCN", "", "").await;
    let officer = s.login("o").await;
    for c in campaigns {
        upload_unit(&officer, c, "SKHCN").await;
    }
    let ranking = |c: i64| {
        let admin = &admin;
        async move {
            let got = admin.get(&format!("/api/campaigns/{c}/ranking")).await;
            assert_eq!(got.status, StatusCode::OK, "{}", got.text());
            got.text()
        }
    };
    let mut first = Vec::new();
    for c in campaigns {
        first.push(ranking(c).await);
        assert!(s.app.campaigns_in_memory() <= 1);
    }
    assert!(first[0].contains("SKHCN"), "{}", first[0]);
    assert_ne!(first[0], first[1], "two dates, two rankings");
    for round in 0..2 {
        for (c, was) in campaigns.iter().zip(&first) {
            assert_eq!(&ranking(*c).await, was, "campaign {c}, round {round}");
            assert_eq!(s.app.campaigns_in_memory(), 1);
        }
    }
}

/// A workspace's id written percent-encoded (`%31` for 1) is the same workspace to the access
/// check as to the router: another unit's officer is refused it, to read and to write, as with
/// the plain id; a segment naming no workspace is refused before any handler.
async fn a_percent_encoded_workspace_id_is_checked_as_the_plain_one() {
    let s = Server::open().await;
    let admin = s.login("admin").await;
    let c = open_campaign(
        &admin,
        "Chỉ số CCHC năm 2026",
        None,
        "ma_don_vi,ten_don_vi,nhom\nSKHCN,Sở Khoa học và Công nghệ,so\nSTP,Sở Tư pháp,so\n",
    )
    .await;
    for (login, unit) in [("o-a", "SKHCN"), ("o-b", "STP")] {
        add_account(&admin, login, "officer", unit, "", "").await;
    }
    let own = s.login("o-a").await;
    let other = s.login("o-b").await;
    let a = workspace_of(&own, c, "SKHCN").await;
    let encoded: String = a.to_string().bytes().map(|b| format!("%{b:02X}")).collect();
    let before = s.app.db.files(a).await.expect("files").len();
    for id in [a.to_string(), encoded.clone(), format!("%2B{a}")] {
        for got in [
            other.get(&format!("/api/workspaces/{id}/tables")).await,
            other.get(&format!("/w/{id}/evidence")).await,
            other
                .post_files(
                    &format!("/api/workspaces/{id}/evidence"),
                    "files",
                    &unit_files("SKHCN"),
                )
                .await,
            other
                .post_json(
                    &format!("/api/workspaces/{id}/unit"),
                    &serde_json::json!({"code": "SKHCN", "name": "Bị sửa", "group": "so"}),
                )
                .await,
        ] {
            assert_eq!(got.status, StatusCode::FORBIDDEN, "{id}: {}", got.text());
        }
    }
    assert_eq!(s.app.db.files(a).await.expect("files").len(), before);
    let unit = s
        .app
        .db
        .workspace(a)
        .await
        .expect("read")
        .expect("a workspace");
    assert_eq!(unit.unit_name, "Sở Khoa học và Công nghệ");
    // Its own officer reaches it either way; a segment that is no id is no workspace.
    assert_eq!(
        own.get(&format!("/w/{encoded}/evidence")).await.status,
        StatusCode::OK
    );
    for bad in ["/w/x/evidence", "/api/workspaces/%ff/tables", "/w/1%2F2"] {
        assert_eq!(own.get(bad).await.status, StatusCode::NOT_FOUND, "{bad}");
    }
}

/// After signing in, the page asked for is one of this site's, whatever `next` says: a tab
/// or a line break (which a browser drops from a `Location`, or which is no header at all) sends
/// to the campaigns, never elsewhere and never to an error.
async fn signing_in_goes_back_only_to_a_page_of_this_site() {
    let s = Server::open().await;
    let password: String = PASSWORD.bytes().map(|b| format!("%{b:02X}")).collect();
    for (next, to) in [
        ("/w/1", "/w/1"),
        ("/%09/evil.example/", "/campaigns"),
        ("/%0D%0ASet-Cookie:x=1", "/campaigns"),
        ("/%01", "/campaigns"),
        ("//evil.example/", "/campaigns"),
    ] {
        let u = s.anonymous().await;
        let got = u
            .request(
                Method::POST,
                &format!("/login?next={next}"),
                Some("application/x-www-form-urlencoded".to_owned()),
                format!("login=admin&password={password}").into_bytes(),
            )
            .await;
        assert_eq!(got.status, StatusCode::SEE_OTHER, "{next}: {}", got.text());
        assert_eq!(
            got.headers
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok()),
            Some(to),
            "{next}"
        );
    }
}

/// Behind TLS, both cookies are `Secure`, the CSRF token's as the session's (a token sent
/// once over plain HTTP could be read there); on the officer's own PC (plain HTTP on the
/// loopback) neither is, or the browser would drop them.
async fn behind_tls_the_csrf_cookie_is_secure_as_the_session_is() {
    for secure in [true, false] {
        let s = Server::build(Limits::default(), secure).await;
        let got = common::send_to(
            &s.router,
            Request::get("/").body(Body::empty()).expect("request"),
        )
        .await;
        let u = s.anonymous().await;
        let login = u
            .post_json(
                "/api/login",
                &serde_json::json!({"login": "admin", "password": PASSWORD}),
            )
            .await;
        assert_eq!(login.status, StatusCode::OK, "{}", login.text());
        for (got, name) in [(&got, "parindex_csrf"), (&login, "parindex_session")] {
            let cookie = got
                .headers
                .get_all(header::SET_COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find(|v| v.starts_with(&format!("{name}=")))
                .unwrap_or_else(|| panic!("a {name} cookie"))
                .to_owned();
            let attributes: Vec<&str> = cookie.split("; ").skip(1).collect();
            assert_eq!(attributes.contains(&"Secure"), secure, "{cookie}");
            assert!(attributes.contains(&"HttpOnly"), "{cookie}");
            assert!(attributes.contains(&"SameSite=Strict"), "{cookie}");
        }
    }
}

/// A campaign's list of units with a short row is refused on its line, in the words the
/// evidence's reading uses, not the csv crate's English.
async fn a_units_list_with_a_short_row_is_refused_on_its_line_in_vietnamese() {
    let s = Server::open().await;
    let admin = s.login("admin").await;
    let c = open_campaign(
        &admin,
        "Chỉ số CCHC năm 2026",
        None,
        "ma_don_vi,ten_don_vi,nhom\nSKHCN,Sở Khoa học và Công nghệ,so\n",
    )
    .await;
    let got = admin
        .post_json(
            &format!("/api/campaigns/{c}/units"),
            &serde_json::json!({"csv": "ma_don_vi,ten_don_vi,nhom\nSTP,Sở Tư pháp\n"}),
        )
        .await;
    assert_eq!(
        got.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        got.text()
    );
    let problem = &got.json()["problems"][0];
    assert_eq!(problem["line"], 2, "{}", got.text());
    assert_eq!(
        problem["message"],
        "dòng có 2 ô trong khi dòng tiêu đề có 3 cột",
        "{}",
        got.text()
    );
}

on_every_backend!(
    a_campaign_s_units_are_scored_at_its_as_of_date,
    a_whole_campaign_on_the_province_fixture,
    every_route_checks_who_asks_and_for_which_unit,
    logins_are_throttled_and_sessions_end,
    a_campaigns_history_is_its_own,
    campaigns_beyond_those_kept_in_memory_are_consolidated_again_to_the_same_ranking,
    a_percent_encoded_workspace_id_is_checked_as_the_plain_one,
    signing_in_goes_back_only_to_a_page_of_this_site,
    a_units_list_with_a_short_row_is_refused_on_its_line_in_vietnamese,
    behind_tls_the_csrf_cookie_is_secure_as_the_session_is,
);
