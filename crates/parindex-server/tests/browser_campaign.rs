//! The province's campaign in a real browser (issue "The province's campaign"): headless
//! Chromium through WebDriver on `fixtures/province-2026`, the server's clock in the test's
//! hand. In the browser, through the pages: the administrator signs in, uploads the criteria
//! set, creates the campaign, adds the units from `units.csv` and creates accounts; two units'
//! officers upload their evidence on the workspace's page and hand it to their leader, who
//! submits it; after the deadline the dashboard shows the unit that did not submit as late
//! and locked; the appraiser of fields 1 and 2 appraises a row in round 1, the unit answers
//! with a file, round 2 sets the final points; the administrator uploads the survey and
//! publishes; the ranking tables read from the dashboard equal `expected-ranking.csv`.
//!
//! What is not the point goes through the JSON API in-process (the other twenty units'
//! accounts, uploads and submissions). Sessions last ten hours of the injected clock: each
//! day below signs in again.
//!
//! Without Chromium or chromedriver the test is skipped with a note, unless `CI` is set.
//! With `PARINDEX_SCREENSHOTS=DIR` it saves `campaign-dashboard.png` and
//! `campaign-appraisal.png` there (the README's pictures).

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use chrono::NaiveDate;
use common::browser::{fits, screenshots, text_of, tools, Driver, Fail, TIMEOUT};
use common::{multipart, Got};
use fantoccini::{Client, Locator};
use http_body_util::BodyExt;
use parindex_campaign::password::Cost;
use parindex_campaign::phase::end_of_day;
use parindex_campaign::ManualClock;
use parindex_server::auth::Accounts;
use rust_decimal::Decimal;
use tower::ServiceExt;

const PASSWORD: &str = "mật khẩu đủ dài 2026";

/// The units submitted in the browser; the late one; the one appraised.
const IN_BROWSER: [&str; 2] = ["SGDDT", "SKHCN"];
const LATE: &str = "SGTVT";
const APPRAISED: &str = "SGDDT";

fn province() -> PathBuf {
    common::root().join("fixtures/province-2026")
}

/// A moment of a day in Vietnam: noon.
fn noon(y: i32, m: u32, d: u32) -> i64 {
    end_of_day(NaiveDate::from_ymd_opt(y, m, d).expect("date")) - 12 * 3600
}

fn codes() -> Vec<String> {
    let text = std::fs::read_to_string(province().join("exports/units.csv")).expect("units.csv");
    text.lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .map(str::to_owned)
        .collect()
}

/// A unit's files as its officer uploads them: not unit.toml (the administrator's) nor
/// appraisal.csv (the appraisers'), both refused in a campaign.
fn unit_paths(code: &str) -> Vec<PathBuf> {
    let dir = province().join("by-unit").join(code);
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("unit folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name != "unit.toml" && name != "appraisal.csv"
        })
        .collect();
    out.sort();
    out
}

fn absolute(p: &Path) -> String {
    std::fs::canonicalize(p)
        .expect("a fixture file")
        .display()
        .to_string()
}

// ---- the setup that is not the point: the JSON API, in-process ---------------------------

/// A signed-in account on the JSON API.
struct Api {
    router: Router,
    cookies: String,
    csrf: String,
}

async fn send(router: &Router, req: Request<Body>) -> Got {
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

impl Api {
    async fn login(router: &Router, login: &str) -> Self {
        let got = send(
            router,
            Request::get("/api/csrf")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
        let csrf = got.json()["token"].as_str().expect("token").to_owned();
        let mut api = Self {
            router: router.clone(),
            cookies: format!("parindex_csrf={csrf}"),
            csrf,
        };
        let got = api
            .post(
                "/api/login",
                "application/json".to_owned(),
                serde_json::json!({"login": login, "password": PASSWORD})
                    .to_string()
                    .into_bytes(),
            )
            .await;
        assert_eq!(got.status, StatusCode::OK, "{login}: {}", got.text());
        let session = got
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| {
                v.split(';')
                    .next()
                    .filter(|kv| kv.starts_with("parindex_session="))
            })
            .expect("a session cookie")
            .to_owned();
        api.cookies = format!("{}; {session}", api.cookies);
        api
    }

    async fn post(&self, uri: &str, content_type: String, body: Vec<u8>) -> Got {
        let req = Request::post(uri)
            .header(header::COOKIE, &self.cookies)
            .header("x-csrf-token", &self.csrf)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .expect("request");
        send(&self.router, req).await
    }

    async fn ok_json(&self, uri: &str, body: serde_json::Value) -> serde_json::Value {
        let got = self
            .post(
                uri,
                "application/json".to_owned(),
                body.to_string().into_bytes(),
            )
            .await;
        assert_eq!(got.status, StatusCode::OK, "{uri}: {}", got.text());
        got.json()
    }

    async fn get_json(&self, uri: &str) -> serde_json::Value {
        let req = Request::get(uri)
            .header(header::COOKIE, &self.cookies)
            .body(Body::empty())
            .expect("request");
        let got = send(&self.router, req).await;
        assert_eq!(got.status, StatusCode::OK, "{uri}: {}", got.text());
        got.json()
    }

    /// The unit's officer uploads its files to its workspace.
    async fn upload_unit(&self, c: i64, code: &str) {
        let ws = self
            .get_json(&format!("/api/campaigns/{c}/units/{code}"))
            .await["unit"]["workspace"]
            .as_i64()
            .expect("workspace");
        let files: Vec<(String, Vec<u8>)> = unit_paths(code)
            .iter()
            .map(|p| {
                (
                    p.file_name().expect("name").to_string_lossy().into_owned(),
                    std::fs::read(p).expect("file"),
                )
            })
            .collect();
        let (ct, body) = multipart("files", &files);
        let got = self
            .post(&format!("/api/workspaces/{ws}/evidence"), ct, body)
            .await;
        assert_eq!(got.status, StatusCode::OK, "{code}: {}", got.text());
    }
}

/// The accounts, evidence and submissions of the units that are not the browser's.
async fn the_other_units(router: &Router, c: i64) {
    let admin = Api::login(router, "admin").await;
    let others: Vec<String> = codes()
        .into_iter()
        .filter(|c| !IN_BROWSER.contains(&c.as_str()))
        .collect();
    for code in &others {
        for (prefix, role) in [("o", "officer"), ("l", "leader")] {
            admin
                .ok_json(
                    "/api/accounts",
                    serde_json::json!({"login": format!("{prefix}-{code}"),
                        "display_name": format!("{prefix}-{code}"), "password": PASSWORD,
                        "role": role, "unit_code": code}),
                )
                .await;
        }
    }
    for code in &others {
        let officer = Api::login(router, &format!("o-{code}")).await;
        officer.upload_unit(c, code).await;
        if code == LATE {
            continue;
        }
        let step = |s: &str| format!("/api/campaigns/{c}/units/{code}/steps/{s}");
        officer
            .ok_json(&step("hand_to_leader"), serde_json::json!({}))
            .await;
        let leader = Api::login(router, &format!("l-{code}")).await;
        leader.ok_json(&step("submit"), serde_json::json!({})).await;
    }
}

// ---- the browser -------------------------------------------------------------------------

async fn element(b: &Client, css: &str) -> Result<fantoccini::elements::Element, Fail> {
    Ok(b.wait()
        .at_most(TIMEOUT)
        .for_element(Locator::Css(css))
        .await?)
}

/// Types `value` into the field `name` of the form `form`.
async fn fill(b: &Client, form: &str, name: &str, value: &str) -> Result<(), Fail> {
    let field = element(b, &format!("{form} [name='{name}']")).await?;
    field.clear().await?;
    field.send_keys(value).await?;
    Ok(())
}

/// Clicks what `css` finds and waits for the page that answers to be loaded (a new
/// document: the old one's root element is gone).
async fn click_and_load(b: &Client, css: &str) -> Result<(), Fail> {
    let before = b.find(Locator::Css("html")).await?.element_id();
    element(b, css).await?.click().await?;
    let start = std::time::Instant::now();
    loop {
        if let Ok(root) = b.find(Locator::Css("html")).await {
            let ready = b.execute("return document.readyState;", Vec::new()).await?;
            if root.element_id() != before && ready == "complete" {
                return Ok(());
            }
        }
        if start.elapsed() > TIMEOUT {
            return Err(format!("no page loaded after clicking {css}").into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Submits the form `form` and waits for the answer's page.
async fn submit(b: &Client, form: &str) -> Result<(), Fail> {
    click_and_load(b, &format!("{form} button[type=submit]")).await
}

/// Signs in on the login page as `login`, a fresh browser (no cookies) first: a session
/// lasts ten hours of the server's clock.
async fn sign_in(b: &Client, base: &str, login: &str) -> Result<(), Fail> {
    b.goto(&format!("{base}/login")).await?;
    b.delete_all_cookies().await?;
    b.goto(&format!("{base}/login")).await?;
    fill(b, "#login", "login", login).await?;
    fill(b, "#login", "password", PASSWORD).await?;
    submit(b, "#login").await?;
    assert_eq!(text_of(b, "#whoami").await?, login);
    Ok(())
}

/// The text of cell `n` (1-based) of row `row` of the unit page's appraisal table.
async fn appraisal_cell(b: &Client, row: &str, n: usize) -> Result<String, Fail> {
    text_of(b, &format!("tr[id='row-{row}'] td:nth-child({n})")).await
}

/// The dashboard's ranking tables as `expected-ranking.csv` writes them: the group, then
/// every cell but the unit's name, its decimals with a point (the page writes a comma);
/// an empty appraised cell is the self-assessment.
async fn ranking_on_page(b: &Client) -> Result<Vec<Vec<String>>, Fail> {
    let cells = b
        .execute(
            "return [...document.querySelectorAll('table.ranking')].flatMap(t => \
             [...t.querySelectorAll('tbody tr')].map(r => \
             [t.dataset.group, ...[...r.cells].map(c => c.textContent.trim())]));",
            Vec::new(),
        )
        .await?;
    let rows: Vec<Vec<String>> = serde_json::from_value(cells)?;
    let number = |t: &str| -> Result<String, Fail> {
        // A unit not appraised: the dash.
        if t.is_empty() || t == "—" {
            return Ok(String::new());
        }
        let point = t.replace('.', "").replace(',', ".");
        Ok(point.parse::<Decimal>()?.normalize().to_string())
    };
    rows.into_iter()
        .map(|r| {
            let [group, rank, code, _name, own, appraised, survey, total, index, rating] =
                <[String; 10]>::try_from(r).map_err(|r| format!("a ranking row: {r:?}"))?;
            let own = number(&own)?;
            let appraised = match number(&appraised)? {
                a if a.is_empty() => own.clone(),
                a => a,
            };
            Ok(vec![
                group,
                rank,
                code,
                own,
                appraised,
                number(&survey)?,
                number(&total)?,
                number(&index)?,
                rating,
            ])
        })
        .collect()
}

/// The fixture's hand-derived ranking as the page words it: a rank two units of a group
/// share is `11 (đồng hạng)`.
fn expected_ranking() -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(province().join("expected-ranking.csv")).expect("csv");
    let rows: Vec<Vec<String>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    let shared = |r: &Vec<String>| rows.iter().filter(|o| o[0] == r[0] && o[1] == r[1]).count() > 1;
    rows.iter()
        .map(|r| {
            let mut r = r.clone();
            if shared(&r) {
                r[1] = format!("{} (đồng hạng)", r[1]);
            }
            r
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_campaign_in_chromium() {
    let Some((chromium, chromedriver)) = tools("the province's campaign") else {
        return;
    };
    // The server on a free loopback port, its clock the test's.
    let data = tempfile::tempdir().expect("data dir");
    let clock = Arc::new(ManualClock::new(noon(2026, 12, 1)));
    let accounts = Accounts::new(clock.clone(), Cost::TESTING, false);
    let config = parindex_server::ServeConfig {
        data: data.path().to_path_buf(),
        database: None,
        addr: "127.0.0.1:0".parse().expect("addr"),
        limits: parindex_server::Limits::default(),
        secure_cookies: false,
    };
    let (tx, rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let served = parindex_server::serve_with_accounts(config, accounts, move |addr, app| {
            let _ = tx.send((addr, app));
        })
        .await;
        served.expect("the app serves");
    });
    let (addr, app) = tokio::time::timeout(TIMEOUT, rx)
        .await
        .expect("the app listens in time")
        .expect("an address");
    app.create_first_admin("admin", "Quản trị Sở Nội vụ", PASSWORD)
        .await
        .expect("the first administrator");
    // The same app in-process, for the setup that is not the point.
    let router = parindex_server::router(Arc::clone(&app));

    let driver = Driver::start(&chromedriver);
    let downloads = tempfile::tempdir().expect("download dir");
    let profile = tempfile::tempdir().expect("profile dir");
    let browser =
        common::browser::session(&chromium, &driver, profile.path(), downloads.path()).await;
    let result = drive(&browser, &format!("http://{addr}"), &router, &clock).await;
    let _ = browser.close().await;
    drop(driver);
    result.expect("the campaign in the browser");
}

async fn drive(b: &Client, base: &str, router: &Router, clock: &ManualClock) -> Result<(), Fail> {
    let shots = screenshots();

    // 1 December 2026. The administrator signs in, uploads the criteria set and opens the
    // campaign.
    sign_in(b, base, "admin").await?;
    b.goto(&format!("{base}/criteria")).await?;
    element(b, "#criteria input[type=file]")
        .await?
        .send_keys(&absolute(&province().join("criteria/criteria.toml")))
        .await?;
    submit(b, "#criteria").await?;
    let added = text_of(b, "#added").await?;
    assert!(added.contains("province-mini-2026"), "{added}");

    b.goto(&format!("{base}/campaigns")).await?;
    let form = "#create-campaign";
    fill(b, form, "title", "Chỉ số CCHC năm 2026").await?;
    b.find(Locator::XPath(
        "//form[@id='create-campaign']//select[@name='criteria']/option[contains(., 'province-mini-2026')]",
    ))
    .await?
    .click()
    .await?;
    for (name, date) in [
        ("as_of", "31/12/2026"),
        ("self_end", "15/12/2026"),
        ("round1_end", "10/01/2027"),
        ("explain_end", "20/01/2027"),
        ("round2_end", "31/01/2027"),
    ] {
        fill(b, form, name, date).await?;
    }
    submit(b, form).await?;
    assert_eq!(text_of(b, "h1").await?, "Chỉ số CCHC năm 2026");
    let url = b.current_url().await?;
    let c: i64 = url
        .path()
        .strip_prefix("/campaigns/")
        .ok_or("the dashboard's address")?
        .parse()?;
    let dashboard = format!("{base}/campaigns/{c}");

    // The units, from units.csv on the dashboard.
    element(b, "#add-units input[type=file]")
        .await?
        .send_keys(&absolute(&province().join("exports/units.csv")))
        .await?;
    submit(b, "#add-units").await?;
    element(b, "#units tbody tr[data-unit='SXD']").await?;
    assert_eq!(b.find_all(Locator::Css("#units tbody tr")).await?.len(), 22);

    // Accounts, on the accounts page: the browser's two units' officers and leaders, the
    // appraiser of fields 1 and 2.
    b.goto(&format!("{base}/accounts")).await?;
    let mut made = vec![
        (
            "snv".to_owned(),
            "Sở Nội vụ — thẩm định",
            "appraiser",
            "",
            "Sở Nội vụ",
            "1 2",
        ),
        ("kt".to_owned(), "Kiểm tra", "auditor", "", "", ""),
    ];
    for code in IN_BROWSER {
        made.push((
            format!("o-{code}"),
            "Cán bộ đầu mối",
            "officer",
            code,
            "",
            "",
        ));
        made.push((format!("l-{code}"), "Lãnh đạo", "leader", code, "", ""));
    }
    for (login, name, role, unit, agency, fields) in made {
        let form = "#create-account";
        fill(b, form, "login", &login).await?;
        fill(b, form, "display_name", name).await?;
        fill(b, form, "password", PASSWORD).await?;
        element(b, &format!("{form} select[name=role]"))
            .await?
            .select_by_value(role)
            .await?;
        fill(b, form, "unit_code", unit).await?;
        fill(b, form, "agency", agency).await?;
        fill(b, form, "fields", fields).await?;
        submit(b, form).await?;
        let listed = text_of(b, "#accounts").await?;
        assert!(listed.contains(&login), "{login} listed: {listed}");
    }

    // The other twenty units: their accounts, evidence and submissions (SGTVT never
    // submits), through the API.
    the_other_units(router, c).await;

    // The browser's two units: the officer uploads the evidence on the workspace's page and
    // hands it to the leader, who submits it.
    for code in IN_BROWSER {
        sign_in(b, base, &format!("o-{code}")).await?;
        click_and_load(
            b,
            &format!("#campaigns a[href='/campaigns/{c}/units/{code}']"),
        )
        .await?;
        assert_eq!(text_of(b, "#standing").await?, "đang chuẩn bị");
        let ws = element(b, "a[href^='/w/']")
            .await?
            .attr("href")
            .await?
            .ok_or("the workspace's link")?;
        b.goto(&format!("{base}{ws}/evidence")).await?;
        let paths: Vec<String> = unit_paths(code).iter().map(|p| absolute(p)).collect();
        element(b, "#files")
            .await?
            .send_keys(&paths.join("\n"))
            .await?;
        submit(b, "#upload").await?;
        let outcome = text_of(b, "#outcome").await?;
        assert!(outcome.contains("dossiers.csv"), "{code}: {outcome}");
        assert!(!outcome.contains("KHÔNG nhận"), "{code}: {outcome}");

        let unit_page = format!("{dashboard}/units/{code}");
        b.goto(&unit_page).await?;
        // The officer hands to the leader; she cannot submit.
        assert!(b.find(Locator::Id("step-submit")).await.is_err());
        click_and_load(b, "#step-hand_to_leader").await?;
        assert_eq!(text_of(b, "#standing").await?, "chờ lãnh đạo duyệt");

        sign_in(b, base, &format!("l-{code}")).await?;
        b.goto(&unit_page).await?;
        click_and_load(b, "#step-submit").await?;
        assert_eq!(text_of(b, "#standing").await?, "đã nộp");
        let listed = text_of(b, "#submissions tbody").await?;
        assert!(!listed.is_empty(), "{code}: a submission listed");
    }

    // 5 January 2027, round 1: the unit that did not submit is late and locked.
    clock.set(noon(2027, 1, 5));
    sign_in(b, base, "admin").await?;
    b.goto(&dashboard).await?;
    assert_eq!(
        text_of(b, &format!("#units tr[data-unit='{LATE}'] .standing")).await?,
        "quá hạn, đã khoá"
    );
    assert_eq!(text_of(b, "#late").await?, "1");
    assert_eq!(text_of(b, "#submitted").await?, "21");
    fits(b, "the dashboard").await?;

    // The appraiser of fields 1 and 2 appraises row 1.1 of SGDDT.
    let unit_page = format!("{dashboard}/units/{APPRAISED}");
    let first = "Kế hoạch chưa xác định sản phẩm và thời hạn hoàn thành của từng nhiệm vụ";
    sign_in(b, base, "snv").await?;
    b.goto(&unit_page).await?;
    // Only the rows of its fields have a form: 3.1 is field 3.
    assert!(b.find(Locator::Css("[id='appraise-3.1']")).await.is_err());
    let form = "[id='appraise-1.1']";
    fill(b, form, "points", "0").await?;
    fill(b, form, "note", first).await?;
    submit(b, form).await?;
    assert_eq!(appraisal_cell(b, "1.1", 4).await?, format!("0 — {first}"));

    // 15 January, the explanation window: the unit's officer answers with a file.
    clock.set(noon(2027, 1, 15));
    let answer = "Đã bổ sung phụ lục nhiệm vụ";
    sign_in(b, base, &format!("o-{APPRAISED}")).await?;
    b.goto(&unit_page).await?;
    let form = "[id='answer-1.1']";
    fill(b, form, "note", answer).await?;
    let pdf_dir = tempfile::tempdir()?;
    let pdf = pdf_dir.path().join("phu-luc.pdf");
    std::fs::write(&pdf, "%PDF-1.4 phụ lục\n")?;
    element(b, &format!("{form} input[type=file]"))
        .await?
        .send_keys(&pdf.display().to_string())
        .await?;
    submit(b, form).await?;
    let answered = appraisal_cell(b, "1.1", 5).await?;
    assert!(
        answered.contains(answer) && answered.contains("phu-luc.pdf"),
        "{answered}"
    );

    // 25 January, round 2: the final points.
    clock.set(noon(2027, 1, 25));
    let second = "Đã giải trình và bổ sung phụ lục nhiệm vụ; chấp nhận một phần";
    sign_in(b, base, "snv").await?;
    b.goto(&unit_page).await?;
    let form = "[id='appraise-1.1']";
    fill(b, form, "points", "1").await?;
    fill(b, form, "note", second).await?;
    submit(b, form).await?;
    assert_eq!(appraisal_cell(b, "1.1", 6).await?, format!("1 — {second}"));
    fits(b, "the unit's page").await?;
    if let Some(dir) = &shots {
        std::fs::create_dir_all(dir)?;
        b.execute(
            "document.getElementById('appraisal').previousElementSibling.scrollIntoView();",
            Vec::new(),
        )
        .await?;
        std::fs::write(dir.join("campaign-appraisal.png"), b.screenshot().await?)?;
    }

    // The survey, uploaded by the administrator on the dashboard.
    sign_in(b, base, "admin").await?;
    b.goto(&dashboard).await?;
    element(b, "#survey input[type=file]")
        .await?
        .send_keys(&absolute(&province().join("exports/survey.csv")))
        .await?;
    submit(b, "#survey").await?;
    let told = text_of(b, "main").await?;
    assert!(told.contains("Đã có kết quả điều tra"), "{told}");

    // 2 February, round 2 over: published; the ranking on the dashboard is the hand-computed
    // one.
    clock.set(noon(2027, 2, 2));
    sign_in(b, base, "admin").await?;
    b.goto(&dashboard).await?;
    submit(b, "#publish").await?;
    assert_eq!(text_of(b, "#published").await?, "Đã công bố kết quả.");
    assert_eq!(ranking_on_page(b).await?, expected_ranking());
    fits(b, "the dashboard").await?;
    if let Some(dir) = &shots {
        b.execute("window.scrollTo(0, 0);", Vec::new()).await?;
        std::fs::write(dir.join("campaign-dashboard.png"), b.screenshot().await?)?;
    }
    Ok(())
}
