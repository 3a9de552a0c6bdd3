//! The JSON API and the pages' forms, driven in-process on a fresh data folder: the SKHCN 2026
//! example end to end, and every refusal.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;

async fn the_example_uploaded_scores_82_19_kha_like_the_library() {
    let c = Client::new().await;
    let id = c.create_skhcn().await;
    let got = c
        .post_files(
            &format!("/api/workspaces/{id}/evidence"),
            "files",
            &fixture_files(),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let outcome = got.json();
    let files = outcome["files"].as_array().expect("files");
    let status = |name: &str| {
        files
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("{name} in the outcome"))["status"]
            .as_str()
            .expect("status")
            .to_owned()
    };
    for table in [
        "documents.csv",
        "dossiers.csv",
        "feedback.csv",
        "inspections.csv",
        "legal_drafts.csv",
        "plan_tasks.csv",
        "reports.csv",
        "tthc_changes.csv",
        "facts.toml",
        "notes.toml",
        "unit.toml",
    ] {
        assert_eq!(status(table), "taken", "{table}: {outcome}");
    }
    // The fixture's own expectations are no table of the set.
    for other in ["EXPECTED.md", "expected.csv", "expected-totals.csv"] {
        assert_eq!(status(other), "ignored", "{other}");
    }

    let summary = c.get(&format!("/api/workspaces/{id}")).await.json();
    assert_eq!(summary["index"], "82,19%");
    assert_eq!(summary["rating"], "Khá");
    assert_eq!(summary["points"], "56,71");

    // Row by row what the library computes from the fixture folder itself.
    let direct = library_report(&fixture());
    let report = c.get(&format!("/api/workspaces/{id}/report")).await;
    let served = parindex_core::Report::from_json(&report.text()).expect("a report");
    assert_eq!(served.total.points, direct.total.points);
    assert_eq!(served.total.index, direct.total.index);
    assert_eq!(served.total.rating, direct.total.rating);
    assert_eq!(served.nodes.len(), direct.nodes.len());
    for (a, b) in served.nodes.iter().zip(&direct.nodes) {
        assert_eq!(
            (
                &a.id,
                a.final_points,
                a.status,
                &a.explanation,
                &a.giai_trinh
            ),
            (
                &b.id,
                b.final_points,
                b.status,
                &b.explanation,
                &b.giai_trinh
            )
        );
    }
    // The tables the set reads are all present.
    let tables = c.get(&format!("/api/workspaces/{id}/tables")).await.json();
    for t in tables.as_array().expect("tables") {
        assert_eq!(t["state"], "present", "{t}");
    }
}

async fn downloads_are_the_renderers_bytes_of_the_exported_folder() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    // A giải trình and an attachment, so that notes.toml and the TLKC cell are in play.
    let got = c
        .post_json(
            &format!("/api/workspaces/{id}/rows/3.2.4/note"),
            &serde_json::json!({"version": 0, "giai_trinh": "Một hồ sơ trễ hạn do chờ ý kiến của Bộ."}),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
    let got = c.attach(id, "3.2.4", "Biên bản ký.pdf", pdf.clone()).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());

    let zip = c.get(&format!("/api/workspaces/{id}/export.zip")).await;
    assert_eq!(zip.status, StatusCode::OK);
    let folder = unzip(&zip.body);
    let report = library_report(folder.path());
    let options = parindex_render::RenderOptions {
        proposals: report.proposals.clone(),
    };
    let expected: Vec<(&str, Vec<u8>)> = vec![
        ("json", report.to_json().into_bytes()),
        ("csv", parindex_render::render_csv(&report).expect("csv")),
        ("md", parindex_render::report_markdown(&report).into_bytes()),
        (
            "html",
            parindex_render::render_html(&report, &options)
                .expect("html")
                .into_bytes(),
        ),
        (
            "xlsx",
            parindex_render::render_xlsx(&report, &options).expect("xlsx"),
        ),
        (
            "docx",
            parindex_render::render_docx(&report, &options).expect("docx"),
        ),
    ];
    for (format, bytes) in expected {
        let got = c.get(&format!("/w/{id}/download/{format}")).await;
        assert_eq!(got.status, StatusCode::OK, "{format}");
        assert!(
            got.body == bytes,
            "{format}: the download differs from the library's"
        );
        let api = c
            .get(&format!("/api/workspaces/{id}/download/{format}"))
            .await;
        assert!(api.body == bytes, "{format} (api)");
    }
    // The attachment is in the folder, by hash, and in the row's TLKC with its short hash.
    let sha = parindex_core::fingerprint::sha256_hex(&pdf);
    let attached: Vec<_> = std::fs::read_dir(folder.path().join("tai-lieu-kiem-chung"))
        .expect("the attachments' folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(attached, vec![format!("{}-bien_ban_ky.pdf", &sha[..12])]);
    assert_eq!(
        std::fs::read(folder.path().join("tai-lieu-kiem-chung").join(&attached[0])).expect("pdf"),
        pdf
    );
    // Listed and served back by the API, byte for byte.
    let listed = c
        .get(&format!("/api/workspaces/{id}/attachments"))
        .await
        .json();
    assert_eq!(listed[0]["row"], "3.2.4");
    assert_eq!(listed[0]["sha256"], sha.as_str());
    assert_eq!(
        listed[0]["path"],
        format!("tai-lieu-kiem-chung/{}", attached[0])
    );
    let aid = listed[0]["id"].as_i64().expect("id");
    let back = c
        .get(&format!("/api/workspaces/{id}/attachments/{aid}"))
        .await;
    assert_eq!(back.body, pdf);
    assert_eq!(
        back.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("application/octet-stream")
    );
    let history = c.get(&format!("/api/workspaces/{id}/history")).await.json();
    assert!(history
        .as_array()
        .expect("history")
        .iter()
        .any(|h| h["action"] == "đính kèm"));
    let node = report.node("3.2.4").expect("row 3.2.4");
    let tlkc: Vec<String> = node.evidence.iter().map(|e| e.vi()).collect();
    assert!(
        tlkc.iter()
            .any(|e| e.contains("Biên bản ký.pdf") && e.contains(&sha[..12])),
        "{tlkc:?}"
    );
    assert_eq!(
        node.giai_trinh.as_deref(),
        Some("Một hồ sơ trễ hạn do chờ ý kiến của Bộ.")
    );
}

async fn a_file_with_bad_cells_is_refused_with_every_problem_and_the_old_version_stays() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let before = c.get(&format!("/api/workspaces/{id}/report")).await.text();
    let good = std::fs::read(fixture().join("dossiers.csv")).expect("dossiers");
    let text = String::from_utf8(good).expect("utf-8");
    // Break one date on the third line and one bool on the fourth.
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let date_col = header
        .iter()
        .position(|h| *h == "ngay_tiep_nhan")
        .expect("ngay_tiep_nhan column");
    let mut cells: Vec<String> = lines[2].split(',').map(str::to_owned).collect();
    cells[date_col] = "31/02/2026".to_owned();
    lines[2] = cells.join(",");
    let mut cells: Vec<String> = lines[3].split(',').map(str::to_owned).collect();
    cells[date_col] = "hôm qua".to_owned();
    lines[3] = cells.join(",");
    let bad = (lines.join("\n") + "\n").into_bytes();

    let got = c
        .post_files(
            &format!("/api/workspaces/{id}/evidence"),
            "files",
            &[("dossiers.csv".to_owned(), bad.clone())],
        )
        .await;
    assert_eq!(
        got.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        got.text()
    );
    let f = &got.json()["files"][0];
    assert_eq!(f["status"], "refused");
    let problems = f["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(problems[0]["file"], "dossiers.csv");
    assert_eq!(problems[0]["line"], 3);
    assert_eq!(problems[0]["value"], "31/02/2026");
    assert!(problems[0]["expected"]
        .as_str()
        .is_some_and(|e| !e.is_empty()));
    assert!(problems[0]["column"].as_str().is_some());
    assert_eq!(problems[1]["line"], 4);
    assert_eq!(problems[1]["value"], "hôm qua");

    // The same on the page, in the page's words.
    let page = c
        .post_page_files(
            &format!("/w/{id}/evidence"),
            "files",
            &[("dossiers.csv".to_owned(), bad)],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = page.text();
    assert!(html.contains("KHÔNG nhận"), "{html}");
    assert!(html.contains("31/02/2026") && html.contains("hôm qua"));

    // Nothing changed: one version of dossiers.csv, the first, in use; the same report.
    let files = c.get(&format!("/api/workspaces/{id}/files")).await.json();
    let dossiers: Vec<_> = files
        .as_array()
        .expect("files")
        .iter()
        .filter(|f| f["slot"] == "dossiers")
        .collect();
    assert_eq!(dossiers.len(), 1);
    assert_eq!(dossiers[0]["active"], true);
    assert_eq!(
        c.get(&format!("/api/workspaces/{id}/report")).await.text(),
        before
    );
}

/// Uploads a `plan_tasks.csv` with only its header (an empty table, another score); the
/// upload's answer.
async fn empty_plan_tasks(c: &Client, id: i64) -> Got {
    let tasks = std::fs::read_to_string(fixture().join("plan_tasks.csv")).expect("tasks");
    let header = tasks.lines().next().expect("header").to_owned() + "\n";
    c.post_files(
        &format!("/api/workspaces/{id}/evidence"),
        "files",
        &[("plan_tasks.csv".to_owned(), header.into_bytes())],
    )
    .await
}

async fn every_version_is_kept_and_an_old_one_can_be_restored() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let before = c.get(&format!("/api/workspaces/{id}")).await.json();
    // A plan_tasks.csv with only its header: an empty table, a different score.
    let got = empty_plan_tasks(&c, id).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    assert_eq!(got.json()["files"][0]["version"], 2);
    let tables = c.get(&format!("/api/workspaces/{id}/tables")).await.json();
    let plan = tables
        .as_array()
        .expect("tables")
        .iter()
        .find(|t| t["name"] == "plan_tasks")
        .expect("plan_tasks");
    assert_eq!(plan["state"], "empty");
    assert_ne!(
        c.get(&format!("/api/workspaces/{id}")).await.json()["index"],
        before["index"]
    );

    let files = c.get(&format!("/api/workspaces/{id}/files")).await.json();
    let first = files
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["slot"] == "plan_tasks" && f["version"] == 1)
        .expect("version 1 kept");
    assert_eq!(first["active"], false);
    let fid = first["id"].as_i64().expect("id");
    let got = c
        .post_json(
            &format!("/api/workspaces/{id}/files/{fid}/restore"),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    assert_eq!(
        c.get(&format!("/api/workspaces/{id}")).await.json()["index"],
        "82,19%"
    );
}

async fn a_state_change_without_the_csrf_token_is_refused() {
    let c = Client::new().await;
    let body =
        serde_json::json!({"criteria": "nghe-an-2026-so", "code": "X", "name": "X", "group": "so"});
    // No token at all.
    let got = c
        .send(
            Request::post("/api/workspaces")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .expect("request"),
        )
        .await;
    assert_eq!(got.status, StatusCode::FORBIDDEN);
    assert_eq!(got.json()["error"], "csrf");
    // The cookie without the header (what a forged form sends).
    let got = c
        .send(
            Request::post("/api/workspaces")
                .header(header::COOKIE, format!("parindex_csrf={}", c.token))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .expect("request"),
        )
        .await;
    assert_eq!(got.status, StatusCode::FORBIDDEN);
    // A header that is not the cookie's.
    let got = c
        .send(
            Request::post("/api/workspaces")
                .header(header::COOKIE, format!("parindex_csrf={}", c.token))
                .header("x-csrf-token", "0".repeat(64))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .expect("request"),
        )
        .await;
    assert_eq!(got.status, StatusCode::FORBIDDEN);
    // A page's form without the token: a Vietnamese page.
    let got = c
        .send(
            Request::post("/workspaces")
                .header(header::COOKIE, format!("parindex_csrf={}", c.token))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(
                    "criteria=nghe-an-2026-so&code=X&name=X&group=so",
                ))
                .expect("request"),
        )
        .await;
    assert_eq!(got.status, StatusCode::FORBIDDEN);
    assert!(got.text().contains("chống giả mạo"));
    // A cross-site request even with the token.
    let got = c
        .send(
            Request::post("/api/workspaces")
                .header(header::COOKIE, format!("parindex_csrf={}", c.token))
                .header("x-csrf-token", &c.token)
                .header("sec-fetch-site", "cross-site")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .expect("request"),
        )
        .await;
    assert_eq!(got.status, StatusCode::FORBIDDEN);
    // Nothing was created.
    assert_eq!(c.get("/api/workspaces").await.json(), serde_json::json!([]));
    // With it, it is.
    let got = c.post_json("/api/workspaces", &body).await;
    assert_eq!(got.status, StatusCode::OK);
}

async fn a_stale_note_is_refused_not_lost() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let uri = format!("/api/workspaces/{id}/rows/3.2.4/note");
    let first = c.get(&uri).await.json();
    assert_eq!(first["version"], 0);
    let got = c
        .post_json(
            &uri,
            &serde_json::json!({"version": 0, "giai_trinh": "Bản của người thứ nhất"}),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    assert_eq!(got.json()["version"], 1);
    // A second form opened at version 0 saves over it: refused.
    let got = c
        .post_json(
            &uri,
            &serde_json::json!({"version": 0, "giai_trinh": "Bản của người thứ hai"}),
        )
        .await;
    assert_eq!(got.status, StatusCode::CONFLICT);
    assert!(got.json()["message"]
        .as_str()
        .is_some_and(|m| m.contains("dòng này đã được sửa")));
    // The page's form likewise.
    let got = c
        .post_form(
            &format!("/w/{id}/rows/3.2.4/note"),
            &[("version", "0"), ("giai_trinh", "Bản thứ ba")],
        )
        .await;
    assert_eq!(got.status, StatusCode::CONFLICT);
    assert!(got.text().contains("Dòng này đã được sửa"));
    let now = c.get(&uri).await.json();
    assert_eq!(now["giai_trinh"], "Bản của người thứ nhất");
    assert_eq!(now["version"], 1);
    // At the current version it saves.
    let got = c
        .post_json(
            &uri,
            &serde_json::json!({"version": 1, "giai_trinh": "Bản đã sửa"}),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK);
    let report = parindex_core::Report::from_json(
        &c.get(&format!("/api/workspaces/{id}/report")).await.text(),
    )
    .expect("report");
    assert_eq!(
        report.node("3.2.4").and_then(|n| n.giai_trinh.as_deref()),
        Some("Bản đã sửa")
    );
}

async fn declared_points_follow_the_libraries_rules() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let uri = format!("/api/workspaces/{id}/rows/3.2.4/note");
    // Out of the row's bounds: the library's refusal, nothing saved.
    let got = c
        .post_json(
            &uri,
            &serde_json::json!({"version": 0, "diem_de_nghi": "99", "ly_do": "vì"}),
        )
        .await;
    assert_eq!(
        got.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        got.text()
    );
    let body = got.json();
    assert_eq!(body["error"], "invalid");
    assert_eq!(body["problems"][0]["file"], "notes.toml");
    assert_eq!(body["problems"][0]["value"], "99");
    // Points without a reason.
    let got = c
        .post_json(
            &uri,
            &serde_json::json!({"version": 0, "diem_de_nghi": "0,5"}),
        )
        .await;
    assert_eq!(
        got.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        got.text()
    );
    assert_eq!(c.get(&uri).await.json()["version"], 0);
    // A row that is not one.
    let got = c
        .post_json(
            &format!("/api/workspaces/{id}/rows/9.9.9/note"),
            &serde_json::json!({"version": 0, "giai_trinh": "x"}),
        )
        .await;
    assert_eq!(got.status, StatusCode::NOT_FOUND);
}

async fn facts_edited_in_the_form_rescore_and_bad_ones_are_refused() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let facts = c.get(&format!("/api/workspaces/{id}/facts")).await.json();
    let fact = |name: &str| {
        facts
            .as_array()
            .expect("facts")
            .iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("fact {name}"))
            .clone()
    };
    let done = fact("tuyen_truyen_hoan_thanh");
    assert_eq!(done["kind"], "integer");
    assert_eq!(done["value"], "9");
    // The set's type, not the stored value's look (a whole number of đồng).
    assert_eq!(fact("giai_ngan")["kind"], "decimal");
    assert_eq!(fact("du_thao_dung_quy_trinh")["kind"], "bool");

    // Every fact as the page's form sends them, one changed.
    let mut fields: Vec<(String, String)> = Vec::new();
    for f in facts.as_array().expect("facts") {
        let name = f["name"].as_str().expect("name");
        let value = if name == "tuyen_truyen_hoan_thanh" {
            "10"
        } else {
            f["value"].as_str().expect("value")
        };
        fields.push((
            format!("kind.{name}"),
            f["kind"].as_str().expect("kind").to_owned(),
        ));
        fields.push((format!("value.{name}"), value.to_owned()));
        fields.push((
            format!("source.{name}"),
            f["source"].as_str().unwrap_or("").to_owned(),
        ));
    }
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let got = c.post_form(&format!("/w/{id}/facts"), &form).await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    let changed = c.get(&format!("/api/workspaces/{id}")).await.json();
    assert_ne!(changed["index"], "82,19%");

    // A number that is not one: refused, with where and why.
    let bad: Vec<(&str, &str)> = form
        .iter()
        .map(|(k, v)| {
            if *k == "value.tuyen_truyen_hoan_thanh" {
                (*k, "chín")
            } else {
                (*k, *v)
            }
        })
        .collect();
    let got = c.post_form(&format!("/w/{id}/facts"), &bad).await;
    assert_eq!(got.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(got.text().contains("chín"));

    // Back: the example's score again.
    let back: Vec<(&str, &str)> = form
        .iter()
        .map(|(k, v)| {
            if *k == "value.tuyen_truyen_hoan_thanh" {
                (*k, "9")
            } else {
                (*k, *v)
            }
        })
        .collect();
    let got = c.post_form(&format!("/w/{id}/facts"), &back).await;
    assert_eq!(got.status, StatusCode::SEE_OTHER);
    assert_eq!(
        c.get(&format!("/api/workspaces/{id}")).await.json()["index"],
        "82,19%"
    );
}

async fn an_attachment_over_the_limit_is_refused() {
    let limits = parindex_server::Limits {
        attachment_bytes: 1024,
        ..parindex_server::Limits::default()
    };
    let c = Client::with_limits(limits).await;
    let id = c.skhcn().await;
    let got = c
        .post_files(
            &format!("/api/workspaces/{id}/rows/3.2.4/attachments"),
            "file",
            &[("big.pdf".to_owned(), vec![b'x'; 2048])],
        )
        .await;
    assert_eq!(got.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(got.json()["error"], "too_large");
}

async fn a_request_over_the_body_limit_is_refused() {
    let limits = parindex_server::Limits {
        request_bytes: 64 << 10,
        ..parindex_server::Limits::default()
    };
    let c = Client::with_limits(limits).await;
    let id = c.create_skhcn().await;
    let got = c
        .post_files(
            &format!("/api/workspaces/{id}/evidence"),
            "files",
            &[("dossiers.csv".to_owned(), vec![b'a'; 128 << 10])],
        )
        .await;
    assert_eq!(got.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", got.text());
}

async fn an_uploaded_name_never_becomes_a_path() {
    let c = Client::new().await;
    let id = c.create_skhcn().await;
    let csv = std::fs::read(fixture().join("reports.csv")).expect("reports");
    let got = c
        .post_files(
            &format!("/api/workspaces/{id}/evidence"),
            "files",
            &[
                ("../../reports.csv".to_owned(), csv.clone()),
                ("..\\evil\u{202e}.toml".to_owned(), b"x = 1".to_vec()),
            ],
        )
        .await;
    let body = got.json();
    assert_eq!(body["files"][0]["status"], "taken", "{body}");
    assert_eq!(body["files"][0]["name"], "reports.csv");
    assert_eq!(body["files"][1]["status"], "ignored");
    assert!(!body["files"][1]["name"]
        .as_str()
        .expect("name")
        .contains('\u{202e}'));
    // Stored under its table's own name, by hash.
    let files = c.get(&format!("/api/workspaces/{id}/files")).await.json();
    assert_eq!(files[0]["stored_name"], "reports.csv");
    let sha = parindex_core::fingerprint::sha256_hex(&csv);
    assert!(c
        .data
        .path()
        .join("blobs")
        .join(&sha[..2])
        .join(&sha[2..])
        .is_file());
    assert!(!c.data.path().join("reports.csv").exists());
}

/// The rows that lost points, as `parindex gaps` lists them: the library's rows, the most
/// first, on the page (Vietnamese decimals, each row linked to its page) and in the API
/// (exact decimals); a workspace that cannot be scored yet is told why.
async fn the_points_lost_are_listed_the_most_first_with_what_restores_them() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let report = library_report(&fixture());
    let expected = parindex_render::table::gap_rows(&report);
    assert!(!expected.is_empty(), "the example loses points");
    let got = c.get(&format!("/api/workspaces/{id}/gaps")).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let json = got.json();
    let rows = json["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), expected.len());
    let mut before: Option<rust_decimal::Decimal> = None;
    for (row, e) in rows.iter().zip(&expected) {
        assert_eq!(row["id"], e.stt.as_str());
        assert_eq!(row["title"], e.title.as_str());
        assert_eq!(row["restore"], e.restore.as_str());
        let lost: rust_decimal::Decimal = row["lost"]
            .as_str()
            .expect("a decimal")
            .parse()
            .expect("exact");
        assert_eq!(lost, e.lost);
        assert_eq!(
            row["max"].as_str().and_then(|m| m.parse().ok()),
            Some(e.max)
        );
        assert_eq!(
            row["points"].as_str().and_then(|p| p.parse().ok()),
            Some(e.points)
        );
        assert!(before.is_none_or(|b| b >= lost), "the most lost first");
        before = Some(lost);
    }
    assert!(rows.iter().any(|r| r["id"] == "3.2.4"));
    let total: rust_decimal::Decimal = json["lost"]
        .as_str()
        .expect("total")
        .parse()
        .expect("exact");
    assert_eq!(total, parindex_render::table::gaps_total(&report));

    let page = c.get(&format!("/w/{id}/gaps")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains(parindex_render::labels::GAPS_TITLE));
    assert!(html.contains(&format!("href=\"/w/{id}/rows/3.2.4\"")));
    assert!(html.contains(&parindex_render::table::gaps_total_text(&report)));
    let first = &expected[0];
    let shown = parindex_core::num::vi_decimal(first.lost);
    assert!(
        html.contains(&format!("<td class=\"num\">{shown}</td>")),
        "{shown}"
    );
    assert!(c
        .get(&format!("/w/{id}"))
        .await
        .text()
        .contains(&format!("href=\"/w/{id}/gaps\"")));
    // A hint that names a fact leads to its input on the facts page, there and on its row's
    // page; a document group's name is only code.
    let link = format!(
        "<a href=\"/w/{id}/facts#value.dvsn_tu_chu\" title=\"Sửa số liệu này\"><code>dvsn_tu_chu</code></a>"
    );
    assert!(html.contains(&link), "{html}");
    assert!(html.contains("<code>danh-gia-xep-loai</code>"), "{html}");
    let row = c.get(&format!("/w/{id}/rows/6.2.1")).await.text();
    assert!(row.contains(&link), "{row}");
    let facts = c.get(&format!("/w/{id}/facts")).await.text();
    assert!(facts.contains("id=\"value.dvsn_tu_chu\""));

    // No evidence yet: every row without its evidence has lost its points.
    let empty = c.create_skhcn().await;
    let got = c.get(&format!("/api/workspaces/{empty}/gaps")).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let none = got.json();
    assert!(none["rows"].as_array().expect("rows").len() > expected.len());
    assert_eq!(
        c.get("/api/workspaces/999/gaps").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(c.get("/w/999/gaps").await.status, StatusCode::NOT_FOUND);
}

/// A criteria set explained without a workspace, as `parindex explain` explains each row:
/// linked from the sets' list, every row's rule as the library words it.
async fn a_criteria_sets_rows_are_explained_without_evidence() {
    let c = Client::new().await;
    let text = std::fs::read(criteria().join("criteria.toml")).expect("the set");
    let sha = parindex_core::fingerprint::sha256_hex(&text);
    let list = c.get("/criteria").await.text();
    assert!(
        list.contains(&format!("href=\"/criteria/{sha}\"")),
        "{list}"
    );
    let got = c.get(&format!("/criteria/{sha}")).await;
    assert_eq!(got.status, StatusCode::OK);
    let html = got.text();
    let set = parindex_core::load_criteria(&parindex_core::FsFiles, &criteria()).expect("loads");
    let unescape = |s: &str| {
        s.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&#34;", "\"")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&#x27;", "'")
            .replace("&#60;", "<")
            .replace("&#62;", ">")
            .replace("&#38;", "&")
            .replace("&amp;", "&")
    };
    let mut rows = 0;
    for criterion in set.criteria.iter().filter(|c| c.leaf.is_some()) {
        let explained =
            parindex_core::explain::explain_row(&set, &criterion.id).expect("explained");
        let start = format!("<section id=\"rule-{}\"", criterion.id);
        let section = html
            .split_once(&start)
            .map(|(_, rest)| rest)
            .expect("a section");
        let section = &section[..section.find("</section>").expect("its end")];
        let between = |from: &str, to: &str| -> Vec<String> {
            section
                .split(from)
                .skip(1)
                .map(|rest| unescape(&rest[..rest.find(to).expect("closed")]))
                .collect()
        };
        // The very parts `parindex explain` prints: its lines, its code, its readings.
        let parts = parindex_render::explain_parts(&explained);
        let lines: Vec<(String, String)> = between("<dt>", "</dt>")
            .into_iter()
            .zip(between("<dd>", "</dd>"))
            .collect();
        let expected: Vec<(String, String)> = parts
            .lines
            .iter()
            .map(|(l, v)| ((*l).to_owned(), v.clone()))
            .collect();
        assert_eq!(lines, expected, "row {}", criterion.id);
        let code = between("<pre class=\"rule\"><code>", "</code></pre>");
        match parts.rule {
            Some(rule) => {
                assert_eq!(code, [rule.code], "row {}", criterion.id);
                assert_eq!(
                    between("<li>", "</li>"),
                    rule.readings,
                    "row {}",
                    criterion.id
                );
                assert!(section.contains(&format!("({})", rule.place)));
            }
            // A survey row: scored by the survey's results, no rule of its own.
            None => assert!(code.is_empty(), "row {}", criterion.id),
        }
        rows += 1;
    }
    assert_eq!(rows, 64, "the reference set's 64 rows");
    assert!(!html.contains("<script>"));
    assert_eq!(
        c.get(&format!("/criteria/{}", "0".repeat(64))).await.status,
        StatusCode::NOT_FOUND
    );
}

/// A criteria set uploaded as its folder's zip, cases included: its page runs the cases as
/// `parindex test` runs them — every one passing, as the library says; one expectation
/// changed, that case listed with its file and line, what it expects and what it got.
async fn an_uploaded_sets_cases_are_run_on_its_page() {
    let c = Client::new().await;
    let dir = criteria();
    let toml = std::fs::read(dir.join("criteria.toml")).expect("the set");
    let mut cases: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir.join("cases"))
        .expect("cases")
        .map(|e| e.expect("an entry").path())
        .map(|p| {
            let name = p
                .file_name()
                .expect("a name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&p).expect("a cases file"))
        })
        .collect();
    cases.sort();
    let set = parindex_core::load_criteria(&parindex_core::FsFiles, &dir).expect("loads");
    let compiled = parindex_core::CompiledCriteria::compile(set).expect("compiles");
    let file = parindex_core::cases::read_cases(&parindex_core::FsFiles, &dir).expect("cases");
    let library = parindex_core::cases::run_cases(&compiled, &file);
    assert!(library.iter().all(parindex_core::cases::CaseResult::passed));
    let upload = |cases: &[(String, Vec<u8>)]| {
        let c = &c;
        let mut entries: Vec<(String, &[u8])> = vec![("set/criteria.toml".to_owned(), &toml)];
        entries.extend(
            cases
                .iter()
                .map(|(n, b)| (format!("set/cases/{n}"), b.as_slice())),
        );
        let entries: Vec<(&str, &[u8])> = entries.iter().map(|(n, b)| (n.as_str(), *b)).collect();
        let zip = zip_of(&entries);
        async move {
            let sha = c.own_set("set.zip", zip).await;
            c.get(&format!("/criteria/{sha}")).await.text()
        }
    };
    let page = upload(&cases).await;
    assert!(
        page.contains(&format!("{} ca đạt, 0 ca sai", library.len())),
        "{page}"
    );
    assert!(!page.contains("id=\"failed-cases\""));
    // One expectation changed: that case fails, named by its file and line.
    let (name, text) = cases
        .iter_mut()
        .find(|(n, _)| n == "field-1.cases")
        .expect("field-1.cases");
    let changed = String::from_utf8(text.clone()).expect("utf-8").replacen(
        "ngay_ban_hanh=31/01/2026 | scored 1",
        "ngay_ban_hanh=31/01/2026 | scored 0.25",
        1,
    );
    assert_ne!(changed.as_bytes(), text.as_slice());
    *text = changed.into_bytes();
    let name = name.clone();
    let page = upload(&cases).await;
    assert!(
        page.contains(&format!("{} ca đạt, 1 ca sai", library.len() - 1)),
        "{page}"
    );
    let failed = page
        .split_once("id=\"failed-cases\"")
        .map(|(_, rest)| rest)
        .expect("the failed cases");
    assert!(failed.contains(&format!("<td>{name}:6</td>")), "{failed}");
    assert!(failed.contains("<td>scored 0.25</td>") && failed.contains("<td>scored 1</td>"));
    // The shipped set's own cases, embedded with it, run on its page alike.
    let shipped = parindex_core::fingerprint::sha256_hex(&toml);
    let page = c.get(&format!("/criteria/{shipped}")).await.text();
    assert!(
        page.contains(&format!("{} ca đạt, 0 ca sai", library.len())),
        "{page}"
    );
}

async fn the_pages_render_in_vietnamese_with_a_strict_policy() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    for (uri, needle) in [
        ("/".to_owned(), "Sở Khoa học và Công nghệ"),
        (format!("/w/{id}"), "82,19%"),
        (format!("/w/{id}/evidence"), "Hồ sơ một cửa"),
        (format!("/w/{id}/facts"), "tuyen_truyen_hoan_thanh"),
        (format!("/w/{id}/rows/3.2.4"), "Điểm bị mất"),
        (format!("/w/{id}/notes"), "Khó khăn, vướng mắc"),
        (format!("/w/{id}/history"), "tải lên"),
    ] {
        let got = c.get(&uri).await;
        assert_eq!(got.status, StatusCode::OK, "{uri}");
        let csp = got
            .headers
            .get("content-security-policy")
            .expect("a CSP")
            .to_str()
            .expect("ascii");
        assert!(csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"));
        let html = got.text();
        assert!(html.contains(needle), "{uri}: {needle}");
        assert!(!html.contains("<script>"), "{uri}: no inline script");
    }
    // On her own app no change has a person to name: no column of who.
    let history = c.get(&format!("/w/{id}/history")).await.text();
    assert!(history.contains("<th>Việc</th>") && !history.contains("<th>Người</th>"));
    let score = c.get(&format!("/w/{id}")).await.text();
    assert!(score.contains("Khá"));
    assert!(score.contains("31/12/2026"));
    // A row's rule laid out as a page, not the terminal's text: its facts, its code, the
    // reading of its bands.
    let row = c.get(&format!("/w/{id}/rows/3.2.4")).await.text();
    assert!(
        row.contains(
            "<dt>Phương pháp</dt><dd>tự đánh giá, chấm theo quy tắc từ tài liệu kiểm chứng</dd>"
        ),
        "{row}"
    );
    assert!(
        row.contains("<pre class=\"rule\"><code>let d = on_time("),
        "{row}"
    );
    assert!(
        row.contains("<li>từ 90% đến dưới 95%: 0,5 điểm</li>"),
        "{row}"
    );
    assert!(!row.contains("# 3.2.4"), "{row}");
    // Static files from the binary.
    let js = c.get("/static/htmx.min.js").await;
    assert_eq!(js.status, StatusCode::OK);
    assert!(js.text().starts_with("var htmx="));
    assert_eq!(c.get("/static/style.css").await.status, StatusCode::OK);
    // Unknown things are Vietnamese pages, not traces.
    let got = c.get("/w/999").await;
    assert_eq!(got.status, StatusCode::NOT_FOUND);
    assert!(got.text().contains("Không có hồ sơ đánh giá số 999"));
    let got = c.get(&format!("/w/{id}/rows/9.9")).await;
    assert_eq!(got.status, StatusCode::NOT_FOUND);
    let got = c.get(&format!("/w/{id}/download/exe")).await;
    assert_eq!(got.status, StatusCode::NOT_FOUND);
    assert!(c
        .get("/nowhere")
        .await
        .text()
        .contains("Không có trang này"));
}

async fn text_from_uploads_is_escaped_in_pages() {
    let c = Client::new().await;
    let got = c
        .post_json(
            "/api/workspaces",
            &serde_json::json!({"criteria": "nghe-an-2026-so", "code": "X1", "name": "<script>alert(1)</script>", "group": "so"}),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK);
    let home = c.get("/").await.text();
    assert!(!home.contains("<script>alert(1)"));
    assert!(home.contains("&#60;script&#62;alert(1)") || home.contains("&lt;script&gt;alert(1)"));
    // The page's title is its name only (it held the import form's markup once).
    assert!(
        home.contains("<title>Hồ sơ đánh giá — Chỉ số CCHC</title>"),
        "{home}"
    );
    assert_eq!(home.matches("id=\"import\"").count(), 1, "one import form");
}

async fn the_officer_chooses_the_encoding_of_her_text_exports() {
    let c = Client::new().await;
    let id = c.create_skhcn().await;
    // The exports as UTF-16LE without a byte-order mark: auto-detection reads them as UTF-8
    // (their bytes are valid UTF-8) and finds no column it knows. (The choice is for every
    // text export of the workspace, as `--encoding` is for every one of a folder.)
    let utf16: Vec<(String, Vec<u8>)> = fixture_files()
        .into_iter()
        .map(|(name, bytes)| {
            if name.ends_with(".csv") {
                let text = String::from_utf8(bytes).expect("utf-8");
                let wide: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
                (name, wide)
            } else {
                (name, bytes)
            }
        })
        .collect();
    let uri = format!("/api/workspaces/{id}/evidence");
    let got = c.post_files(&uri, "files", &utf16).await;
    assert_eq!(
        got.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        got.text()
    );
    // Read as UTF-16LE, as `parindex score --encoding utf-16le`: taken, and the example's score.
    let got = c
        .post_json(
            &format!("/api/workspaces/{id}/encoding"),
            &serde_json::json!({"encoding": "utf-16le"}),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let got = c.post_files(&uri, "files", &utf16).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let summary = c.get(&format!("/api/workspaces/{id}")).await.json();
    assert_eq!(summary["index"], "82,19%");
    let page = c.get(&format!("/w/{id}/evidence")).await.text();
    assert!(page.contains("--encoding utf-16le"), "the export's hint");
    // A name that is not an encoding is refused; a campaign's unit may not choose.
    let got = c
        .post_json(
            &format!("/api/workspaces/{id}/encoding"),
            &serde_json::json!({"encoding": "tcvn3"}),
        )
        .await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST, "{}", got.text());
}

async fn the_officer_chooses_the_date_the_score_is_computed_at() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let uri = format!("/api/workspaces/{id}/as-of");
    let got = c
        .post_json(&uri, &serde_json::json!({"as_of": "30/06/2026"}))
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let served = parindex_core::Report::from_json(
        &c.get(&format!("/api/workspaces/{id}/report")).await.text(),
    )
    .expect("a report");
    // As `parindex score --as-of 30/06/2026` on the same folder.
    let date = parindex_core::date::parse_date("30/06/2026").expect("date");
    let direct = parindex_core::score(&parindex_core::FsFiles, &criteria(), &fixture(), Some(date))
        .expect("the library scores");
    assert_eq!(served.as_of, date);
    assert_eq!(served.total.points, direct.total.points);
    assert_eq!(served.total.index, direct.total.index);
    let page = c.get(&format!("/w/{id}")).await.text();
    assert!(
        page.contains("value=\"30/06/2026\""),
        "the form shows the date"
    );
    // A date that is not one is refused, and nothing changes.
    let got = c
        .post_json(&uri, &serde_json::json!({"as_of": "31/02/2026"}))
        .await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST, "{}", got.text());
    assert!(got.json()["message"]
        .as_str()
        .expect("message")
        .contains("không phải ngày"));
    // Empty: 31/12 of the set's year again, and the history says both changes.
    let got = c.post_json(&uri, &serde_json::json!({"as_of": ""})).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let again = parindex_core::Report::from_json(
        &c.get(&format!("/api/workspaces/{id}/report")).await.text(),
    )
    .expect("a report");
    assert_eq!(again.as_of, library_report(&fixture()).as_of);
    let history = c.get(&format!("/api/workspaces/{id}/history")).await.text();
    assert_eq!(history.matches("ngày tính điểm").count(), 2, "{history}");
}

async fn part_three_is_saved_over_its_version_and_reaches_the_report() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let uri = format!("/api/workspaces/{id}/proposals");
    // notes.toml's upload set it once: version 1.
    let got = c
        .post_json(&uri, &serde_json::json!({"version": 0, "text": "cũ"}))
        .await;
    assert_eq!(got.status, StatusCode::CONFLICT);
    let got = c
        .post_json(
            &uri,
            &serde_json::json!({"version": 1, "text": "Đề nghị A.\n\nĐề nghị B."}),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let report = parindex_core::Report::from_json(
        &c.get(&format!("/api/workspaces/{id}/report")).await.text(),
    )
    .expect("report");
    assert_eq!(
        report.proposals.as_deref(),
        Some("Đề nghị A.\n\nĐề nghị B.")
    );
}

async fn the_openapi_document_names_every_api_route() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let doc = c.get("/api/openapi.json").await.json();
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() >= 15);
    for (path, ops) in paths {
        for method in ops.as_object().expect("operations").keys() {
            let uri = path
                .replace("{id}", &id.to_string())
                .replace("{row}", "3.2.4")
                .replace("{fid}", "1")
                .replace("{aid}", "1")
                .replace("{n}", "1")
                .replace("{format}", "json")
                .replace("{c}", "1")
                .replace("{code}", "SKHCN")
                .replace("{step}", "submit");
            let got = match method.as_str() {
                "get" => c.get(&uri).await,
                "post" => c.post_json(&uri, &serde_json::json!({})).await,
                other => panic!("{other}"),
            };
            // Routed (a refusal of an empty body is fine), never the fallback or a wrong method.
            assert_ne!(
                got.status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
            assert!(
                !(got.status == StatusCode::NOT_FOUND && got.text().contains("không có trang này")),
                "{method} {path} is not routed"
            );
        }
    }
}

#[test]
fn only_loopback_addresses_are_served_until_accounts_exist() {
    for ok in ["127.0.0.1:8080", "[::1]:0"] {
        assert!(
            parindex_server::check_addr(&ok.parse().expect("addr"), false).is_ok(),
            "{ok}"
        );
    }
    for bad in ["0.0.0.0:8080", "192.168.1.10:80", "[::]:8080"] {
        let addr = bad.parse().expect("addr");
        let e = parindex_server::check_addr(&addr, false).expect_err(bad);
        assert!(
            e.to_string().contains("chỉ được chạy trên địa chỉ nội bộ"),
            "{e}"
        );
        assert!(
            parindex_server::check_addr(&addr, true).is_ok(),
            "{bad} with accounts"
        );
    }
}

async fn malformed_requests_are_refused_in_vietnamese() {
    let c = Client::new().await;
    let id = c.create_skhcn().await;
    // Bad JSON under /api/: a JSON refusal.
    let got = c
        .send(
            Request::post("/api/workspaces")
                .header(header::COOKIE, format!("parindex_csrf={}", c.token))
                .header("x-csrf-token", &c.token)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{not json"))
                .expect("request"),
        )
        .await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST);
    assert_eq!(got.json()["error"], "bad_request");
    assert!(got.json()["message"]
        .as_str()
        .is_some_and(|m| m.contains("không hợp lệ")));
    // A path that is no number.
    let got = c.get("/api/workspaces/abc").await;
    assert_eq!(got.status, StatusCode::NOT_FOUND);
    assert_eq!(got.json()["error"], "not_found");
    let got = c.get("/w/abc").await;
    assert_eq!(got.status, StatusCode::NOT_FOUND);
    assert!(got.text().contains("<html lang=\"vi\">"));
    // A form missing its fields, on a page: a Vietnamese page.
    let got = c
        .post_form(&format!("/w/{id}/rows/3.2.4/note"), &[("giai_trinh", "x")])
        .await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST);
    assert!(got.text().contains("Biểu mẫu gửi lên không hợp lệ"));
    // An upload that is not multipart.
    let got = c
        .post_json(
            &format!("/api/workspaces/{id}/evidence"),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST);
    assert_eq!(got.json()["error"], "bad_request");
}

/// [`zip_entries`] of names and bytes as literals give them.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    zip_entries(entries)
}

async fn import(c: &Client, zip: Vec<u8>) -> Got {
    c.post_files("/api/import", "file", &[("minh-chung.zip".to_owned(), zip)])
        .await
}

async fn an_exported_folder_imports_as_the_same_workspace() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let got = c
        .post_json(
            &format!("/api/workspaces/{id}/rows/5.3/note"),
            &serde_json::json!({"version": 1, "giai_trinh": "Đã ban hành trong tháng 01/2027.",
                "tai_lieu": [{"number": "2/QĐ-SKHCN", "date": "12/01/2027", "subject": "Quyết định phê duyệt"}],
                "diem_de_nghi": "1", "ly_do": "Đúng mốc 31/01/2027."}),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let got = c
        .attach(id, "3.2.4", "Bản quét.pdf", b"%PDF-1.4\n%%EOF\n")
        .await;
    assert_eq!(got.status, StatusCode::OK);
    let report = c.get(&format!("/api/workspaces/{id}/report")).await.text();
    let zip = c
        .get(&format!("/api/workspaces/{id}/export.zip"))
        .await
        .body;

    let got = import(&c, zip.clone()).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let body = got.json();
    let new = body["workspace"]["id"].as_i64().expect("id");
    assert_ne!(new, id);
    assert_eq!(body["workspace"]["unit_code"], "SKHCN");
    // The same report, byte for byte, and the same folder again.
    assert_eq!(
        c.get(&format!("/api/workspaces/{new}/report")).await.text(),
        report
    );
    let again = c
        .get(&format!("/api/workspaces/{new}/export.zip"))
        .await
        .body;
    let (a, b) = (unzip(&zip), unzip(&again));
    for name in ["notes.toml", "facts.toml", "unit.toml", "dossiers.csv"] {
        assert_eq!(
            std::fs::read(a.path().join(name)).expect("a"),
            std::fs::read(b.path().join(name)).expect("b"),
            "{name}"
        );
    }
    // A zip of the folder itself (one folder around it) imports too.
    let entries: Vec<(String, Vec<u8>)> = fixture_files()
        .into_iter()
        .map(|(n, b)| (format!("skhcn-2026/{n}"), b))
        .collect();
    let refs: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let got = import(&c, zip_of(&refs)).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let third = got.json()["workspace"]["id"].as_i64().expect("id");
    assert_eq!(
        c.get(&format!("/api/workspaces/{third}")).await.json()["index"],
        "82,19%"
    );
}

/// Replaces every `from` in `bytes` by `to` (of the same length); how many there were.
fn replace_all(bytes: &mut [u8], from: &[u8], to: &[u8]) -> usize {
    assert_eq!(from.len(), to.len());
    let mut n = 0;
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
            n += 1;
            i += from.len();
        } else {
            i += 1;
        }
    }
    n
}

async fn a_hostile_zip_is_refused_before_anything_is_made() {
    let c = Client::new().await;
    let unit = b"code = \"X\"\nname = \"X\"\ngroup = \"so\"\n".as_slice();
    // A name out of the folder.
    let got = import(&c, zip_of(&[("unit.toml", unit), ("../evil.csv", b"a")])).await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST, "{}", got.text());
    assert!(got.json()["message"]
        .as_str()
        .is_some_and(|m| m.contains("ra ngoài thư mục")));
    // A symbolic link.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("unit.toml", options).expect("entry");
    std::io::Write::write_all(&mut zip, unit).expect("write");
    zip.add_symlink("dossiers.csv", "/etc/passwd", options)
        .expect("link");
    let got = import(&c, zip.finish().expect("zip").into_inner()).await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST, "{}", got.text());
    assert!(got.json()["message"]
        .as_str()
        .is_some_and(|m| m.contains("symlink")));
    // Two entries of one name: the zip reader would keep the later, `unzip` asks or keeps
    // either. Written under two names of one length, then the second renamed in its headers.
    let other = b"code = \"Y\"\nname = \"Y\"\ngroup = \"so\"\n".as_slice();
    let mut two = zip_of(&[("unit.toml", unit), ("unit.tomX", other)]);
    let renamed = replace_all(&mut two, b"unit.tomX", b"unit.toml");
    assert_eq!(renamed, 2, "the local and the central header");
    let got = import(&c, two).await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST, "{}", got.text());
    assert_eq!(
        got.json()["message"],
        "tệp zip không dùng được: có hai tệp cùng tên (tệp zip có thể đã bị sửa bằng tay)"
    );
    // No unit.toml; not a zip at all.
    let got = import(&c, zip_of(&[("dossiers.csv", b"a")])).await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST);
    let got = import(&c, b"PK not really".to_vec()).await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST);
    assert_eq!(c.get("/api/workspaces").await.json(), serde_json::json!([]));
}

async fn a_zip_that_inflates_past_the_limit_is_refused() {
    let limits = parindex_server::Limits {
        request_bytes: 1 << 20,
        ..parindex_server::Limits::default()
    };
    let c = Client::with_limits(limits).await;
    let unit = b"code = \"X\"\nname = \"X\"\ngroup = \"so\"\n".as_slice();
    // 8 MiB of zeros deflate to a few KiB.
    let zeros = vec![0u8; 8 << 20];
    let got = import(&c, zip_of(&[("unit.toml", unit), ("dossiers.csv", &zeros)])).await;
    assert_eq!(got.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", got.text());
    assert_eq!(c.get("/api/workspaces").await.json(), serde_json::json!([]));
}

async fn concurrent_clients_lose_no_write() {
    let c = std::sync::Arc::new(Client::new().await);
    let mut tasks = Vec::new();
    for i in 0..12 {
        let c = std::sync::Arc::clone(&c);
        tasks.push(tokio::spawn(async move {
            let id = c.skhcn().await;
            // Every client writes its own note on its own workspace, and all of them on the
            // first workspace's row 1.1.1 at version 0: exactly one of those may win.
            let mine = format!("Giải trình của người {i}");
            let got = c
                .post_json(
                    &format!("/api/workspaces/{id}/rows/3.2.4/note"),
                    &serde_json::json!({"version": 0, "giai_trinh": mine}),
                )
                .await;
            assert_eq!(got.status, StatusCode::OK, "{}", got.text());
            let shared = c
                .post_json(
                    "/api/workspaces/1/rows/1.1.1/note",
                    &serde_json::json!({"version": 0, "giai_trinh": format!("người {i}")}),
                )
                .await
                .status;
            let summary = c.get(&format!("/api/workspaces/{id}")).await.json();
            assert_eq!(summary["index"], "82,19%");
            (id, mine, shared)
        }));
    }
    let mut won = 0;
    for t in tasks {
        let (id, mine, shared) = t.await.expect("a client");
        let note = c
            .get(&format!("/api/workspaces/{id}/rows/3.2.4/note"))
            .await
            .json();
        assert_eq!(note["giai_trinh"], mine.as_str());
        match shared {
            StatusCode::OK => won += 1,
            // Workspace 1 may not exist yet when a fast client asks; else the row moved on.
            StatusCode::CONFLICT | StatusCode::NOT_FOUND => {}
            other => panic!("{other}"),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(
        c.get("/api/workspaces")
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(12)
    );
}

/// Two reports compared, as `parindex diff` compares them: the library's rows, inputs and
/// totals, on the page and in the API; the same report twice differs in nothing; a file that
/// is not a report is refused, saying which; nothing of the workspace changes.
async fn two_reports_are_compared_row_by_row_as_parindex_diff_compares_them() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let before = c.get(&format!("/api/workspaces/{id}/report")).await.text();
    // Plan tasks emptied: another report of the same unit.
    let got = empty_plan_tasks(&c, id).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let after = c.get(&format!("/api/workspaces/{id}/report")).await.text();
    let history = c.get(&format!("/api/workspaces/{id}/history")).await.text();
    let compare = |first: &str, second: &str, uri: String| {
        let c = &c;
        let (first, second) = (first.as_bytes().to_vec(), second.as_bytes().to_vec());
        async move {
            c.post_parts(
                &uri,
                &[
                    ("first", "truoc.json", &first),
                    ("second", "sau.json", &second),
                ],
            )
            .await
        }
    };
    let api = format!("/api/workspaces/{id}/compare");
    let got = compare(&before, &after, api.clone()).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let json = got.json();
    let a = parindex_core::Report::from_json(&before).expect("a report");
    let b = parindex_core::Report::from_json(&after).expect("a report");
    let library = parindex_core::compare::Comparison::of(&a, &b);
    assert!(!library.rows.is_empty(), "emptied tasks change rows");
    let ids: Vec<&str> = (json["rows"].as_array().expect("rows").iter())
        .filter_map(|r| r["id"].as_str())
        .collect();
    let expected: Vec<&str> = library.rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, expected);
    let inputs: Vec<&str> = (json["inputs"].as_array().expect("inputs").iter())
        .filter_map(|i| i["name"].as_str())
        .collect();
    // Named as `parindex diff` names them: an evidence file told from a criteria file.
    let named: Vec<&str> = library.inputs.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(inputs, named);
    assert!(inputs.contains(&"evidence/plan_tasks.csv"), "{inputs:?}");
    assert_eq!(
        json["totals"].as_array().map(Vec::len),
        Some(library.totals.len())
    );
    assert!(
        json["first"].as_str().is_some_and(|f| f.contains("82,19%")),
        "{}",
        json["first"]
    );
    // The same report twice.
    let same = compare(&before, &before, api.clone()).await.json();
    assert_eq!(same["rows"], serde_json::json!([]));
    assert_eq!(same["inputs"], serde_json::json!([]));
    // The page: the differing rows, worded for two reports.
    let page = compare(&before, &after, format!("/w/{id}/compare")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("id=\"differing-rows\""));
    assert!(html.contains("Điểm: báo cáo trước"));
    // In words, as `parindex diff` now prints them: no key or English word of the JSON, the
    // totals with the decimal comma.
    assert!(
        html.contains("<td>evidence/plan_tasks.csv</td><td>đã thay đổi</td>"),
        "{html}"
    );
    let points = library
        .totals
        .iter()
        .find(|t| t.figure == "total.points")
        .expect("the points differ");
    let comma = parindex_render::labels::figure_value(points.old.as_deref());
    assert!(comma.contains(','), "{comma}");
    assert!(
        html.contains(&format!("<td>Tổng điểm</td><td class=\"num\">{comma}</td>")),
        "{html}"
    );
    for english in ["total.points", ">changed<", "self.index"] {
        assert!(!html.contains(english), "{english}");
    }
    assert!(html.contains(&format!("<td>{}</td>", expected[0])));
    let page = compare(&after, &after, format!("/w/{id}/compare"))
        .await
        .text();
    assert!(page.contains("id=\"no-difference\""));
    // Refusals: not a report (saying which), one report only.
    let got = compare(&before, "{\"x\": 1}", api.clone()).await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST);
    assert!(got.text().contains("thứ hai"), "{}", got.text());
    let got = c
        .post_parts(&api, &[("first", "truoc.json", before.as_bytes())])
        .await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST);
    assert!(got.text().contains("hai báo cáo"), "{}", got.text());
    let got = compare(&before, &after, "/api/workspaces/999/compare".to_owned()).await;
    assert_eq!(got.status, StatusCode::NOT_FOUND);
    // Nothing of the workspace changed.
    assert_eq!(
        c.get(&format!("/api/workspaces/{id}/report")).await.text(),
        after
    );
    assert_eq!(
        c.get(&format!("/api/workspaces/{id}/history")).await.text(),
        history
    );
}

async fn a_report_is_replayed_against_the_workspace_row_by_row() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let json = c.get(&format!("/api/workspaces/{id}/report")).await.body;
    let verify = |body: Vec<u8>| {
        let c = &c;
        async move {
            c.post_files(
                &format!("/api/workspaces/{id}/verify"),
                "report",
                &[("r.json".to_owned(), body)],
            )
            .await
        }
    };
    let got = verify(json.clone()).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    assert_eq!(got.json()["identical"], true);

    // A text alone rewritten (or a report of another version): told as `parindex verify`
    // tells it, on the page too.
    let text = String::from_utf8(json.clone()).expect("UTF-8");
    let edited = text
        .replacen("\"explanation\": \"", "\"explanation\": \"(đã sửa) ", 1)
        .into_bytes();
    let got = verify(edited.clone()).await.json();
    assert_eq!(got["identical"], false);
    assert_eq!(got["edited_after"], true);
    let page = c
        .post_page_files(
            &format!("/w/{id}/verify"),
            "report",
            &[("r.json".to_owned(), edited)],
        )
        .await
        .text();
    assert!(
        page.contains(&format!(
            "<p class=\"error\" id=\"edited-text\">{}</p>",
            parindex_core::replay::EDITED_TEXT
        )),
        "{page}"
    );

    // The evidence changes: the replay names the file and the rows.
    empty_plan_tasks(&c, id).await;
    let got = verify(json.clone()).await.json();
    assert_eq!(got["identical"], false);
    assert!(got["inputs"]
        .as_array()
        .expect("inputs")
        .iter()
        .any(|i| i["name"] == "evidence/plan_tasks.csv"));
    assert!(got["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .any(|r| r["id"] == "1.1.2"));
    // The same on the page.
    let page = c
        .post_page_files(
            &format!("/w/{id}/verify"),
            "report",
            &[("r.json".to_owned(), json.clone())],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(
        html.contains("Không khớp")
            && html.contains("evidence/plan_tasks.csv")
            && html.contains("1.1.2")
    );

    // A report edited by hand, on the unchanged evidence: told apart.
    let files = c.get(&format!("/api/workspaces/{id}/files")).await.json();
    let first = files
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["slot"] == "plan_tasks" && f["version"] == 1)
        .expect("version 1")["id"]
        .as_i64()
        .expect("id");
    c.post_json(
        &format!("/api/workspaces/{id}/files/{first}/restore"),
        &serde_json::json!({}),
    )
    .await;
    let edited =
        String::from_utf8(json)
            .expect("utf-8")
            .replacen("Sở Khoa học và Công nghệ", "Sở KH&CN", 1);
    let got = verify(edited.into_bytes()).await.json();
    assert_eq!(got["identical"], false);
    // Not a report at all.
    let got = verify(b"{\"schema\": 1}".to_vec()).await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST);
}

/// A problem's page shows what the message quotes in backticks (a key, a column) as code,
/// escaped as any text: a key named like markup is shown, never run.
async fn a_problem_shows_what_it_quotes_as_code_escaped() {
    let c = Client::new().await;
    let toml = std::fs::read(criteria().join("criteria.toml")).expect("criteria.toml");
    let mut bad = b"\"<b onmouseover=alert(1)>x</b>\" = 1\n".to_vec();
    bad.extend(toml);
    let got = c
        .post_files("/criteria", "file", &[("criteria.toml".to_owned(), bad)])
        .await;
    assert_eq!(got.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = got.text();
    assert!(
        page.contains(
            "khóa <code>&#60;b onmouseover=alert(1)&#62;x&#60;/b&#62;</code> không dùng được"
        ) || page.contains(
            "khóa <code>&lt;b onmouseover=alert(1)&gt;x&lt;/b&gt;</code> không dùng được"
        ),
        "{page}"
    );
    assert!(!page.contains("<b onmouseover"), "{page}");
    // The keys it lists, each as code; no backtick left on the page's problems.
    assert!(
        page.contains("<code>set</code>, <code>rating</code>"),
        "{page}"
    );
    let problems = &page[page
        .find("<table class=\"problems\"")
        .expect("the problems")..];
    assert!(!problems[..problems.find("</table>").expect("its end")].contains('`'));
}

/// A row's explanation shows what the library quotes in backticks (a document group, a fact)
/// as code, as the problems do.
async fn a_rows_explanation_shows_what_it_quotes_as_code() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let report = library_report(&fixture());
    let node = report
        .nodes
        .iter()
        .find(|n| n.is_leaf() && n.explanation.matches('`').count() == 2)
        .expect("a row whose explanation quotes a name");
    let quoted = node.explanation.split('`').nth(1).expect("the name");
    let page = c.get(&format!("/w/{id}/rows/{}", node.id)).await.text();
    let shown = &page[page.find("id=\"explanation\"").expect("the explanation")..];
    let shown = &shown[..shown.find("</dd>").expect("its end")];
    assert!(shown.contains(&format!("<code>{quoted}</code>")), "{shown}");
    assert!(!shown.contains('`'), "{shown}");
    // A criterion is no row of its own: its line in the score page's tree.
    let got = c.get(&format!("/w/{id}/rows/1.1")).await;
    assert_eq!(got.status, StatusCode::SEE_OTHER);
    let to = format!("/w/{id}#n-1.1");
    assert_eq!(
        got.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some(to.as_str())
    );
    let score = c.get(&format!("/w/{id}")).await.text();
    assert!(score.contains("id=\"n-1.1\""), "{score}");
    // A row that is not in the set: not found, the id shown as code.
    let got = c.get(&format!("/w/{id}/rows/9.9")).await;
    assert_eq!(got.status, StatusCode::NOT_FOUND);
    assert!(
        got.text().contains("Không có dòng <code>9.9</code>"),
        "{}",
        got.text()
    );
}

/// An error page leads back to the page of this site the request came from (its `Referer`
/// of the same host), never to another site's or to a path that is not one.
async fn an_error_page_leads_back_to_the_page_it_came_from() {
    let c = Client::new().await;
    let fact = |referer: Option<&str>| {
        let mut req = Request::post(format!("/w/1/facts?csrf={}", c.token))
            .header(header::COOKIE, format!("parindex_csrf={}", c.token))
            .header(header::HOST, "127.0.0.1:8080")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(r) = referer {
            req = req.header(header::REFERER, r);
        }
        c.send(req.body(Body::from("x=1")).expect("request"))
    };
    // No workspace 1: not found, back to the page it was sent from.
    let got = fact(Some("http://127.0.0.1:8080/w/1/facts?x=1")).await;
    assert_eq!(got.status, StatusCode::NOT_FOUND);
    let page = got.text();
    assert!(
        page.contains("<a href=\"/w/1/facts?x=1\" id=\"back\">Quay lại trang trước</a>"),
        "{page}"
    );
    for referer in [
        None,
        Some("http://evil.example/w/1/facts"),
        Some("http://127.0.0.1:8080.evil.example/x"),
        Some("http://127.0.0.1:8080//evil.example/"),
        Some("javascript:alert(1)"),
    ] {
        let page = fact(referer).await.text();
        assert!(!page.contains("id=\"back\""), "{referer:?}: {page}");
        assert!(page.contains("<a href=\"/\">Về trang đầu</a>"), "{page}");
    }
    // The API answers JSON whatever the referer.
    let got = c
        .send(
            Request::get("/api/workspaces/1")
                .header(header::HOST, "127.0.0.1:8080")
                .header(header::REFERER, "http://127.0.0.1:8080/")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    assert_eq!(got.json()["error"], "not_found");
    assert!(got.json().get("workspace").is_none());
    // A page of a workspace that exists but not in it (a row not in its set, opened from a
    // bookmark): back to the workspace, not only to the first page. Not for one that does
    // not exist (workspace 1 above).
    let id = c.skhcn().await;
    let got = c.get(&format!("/w/{id}/rows/9.9")).await;
    assert_eq!(got.status, StatusCode::NOT_FOUND);
    let page = got.text();
    assert!(
        page.contains(&format!(
            "<a href=\"/w/{id}\" id=\"workspace\">Về kết quả chấm của hồ sơ</a>"
        )),
        "{page}"
    );
    assert!(!page.contains("id=\"back\""), "{page}");
    // The message as a sentence (the library's start in lower case).
    assert!(page.contains(">Không có dòng <code>9.9</code>"), "{page}");
    let page = c.get(&format!("/w/{}/rows/9.9", id + 1)).await.text();
    assert!(!page.contains("id=\"workspace\""), "{page}");
}

/// A criteria set whose rules are in files of their own (`rule_file`) comes as a zip of its
/// folder: checked whole (a problem in a rule file shown on its own line), then scored as the
/// library scores the folder.
async fn a_criteria_set_with_rule_files_is_uploaded_as_its_folder_zipped() {
    let c = Client::new().await;
    let mini = root().join("fixtures/mini");
    let toml = std::fs::read(mini.join("criteria.toml")).expect("criteria.toml");
    let rule = std::fs::read(mini.join("rules/ky-so.rhai")).expect("the rule file");
    // The criteria file alone: its rule file is missing.
    let got = c
        .post_files(
            "/api/criteria",
            "file",
            &[("criteria.toml".to_owned(), toml.clone())],
        )
        .await;
    assert_eq!(
        got.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        got.text()
    );
    assert!(got.text().contains("ky-so.rhai"), "{}", got.text());
    // A broken rule file: refused, the problem on the rule file's own line.
    let broken = zip_of(&[
        ("mini/criteria.toml", &toml),
        ("mini/rules/ky-so.rhai", b"let x = (1;\n"),
    ]);
    let got = c
        .post_files("/api/criteria", "file", &[("mini.zip".to_owned(), broken)])
        .await;
    assert_eq!(
        got.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        got.text()
    );
    let problems = got.json()["problems"].as_array().expect("problems").clone();
    assert!(
        problems
            .iter()
            .any(|p| p["source_line"].as_str() == Some("let x = (1;")),
        "{problems:?}"
    );
    // Without criteria.toml: not a set.
    let got = c
        .post_files(
            "/api/criteria",
            "file",
            &[("x.zip".to_owned(), zip_of(&[("rules/ky-so.rhai", &rule)]))],
        )
        .await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST, "{}", got.text());
    // The folder zipped (one top folder around it): taken, and scored as the library scores it.
    let good = zip_of(&[
        ("mini/criteria.toml", &toml),
        ("mini/rules/ky-so.rhai", &rule),
    ]);
    let sha = c.own_set("mini.zip", good).await;
    let got = c
        .post_json(
            "/api/workspaces",
            &serde_json::json!({"criteria": sha, "code": "MINI", "name": "Mini", "group": "so"}),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let id = got.json()["id"].as_i64().expect("id");
    let evidence: Vec<(String, Vec<u8>)> = std::fs::read_dir(mini.join("evidence"))
        .expect("evidence")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.file_name().is_some_and(|n| n != "unit.toml"))
        .map(|p| {
            (
                p.file_name().expect("name").to_string_lossy().into_owned(),
                std::fs::read(&p).expect("file"),
            )
        })
        .collect();
    let got = c
        .post_files(
            &format!("/api/workspaces/{id}/evidence"),
            "files",
            &evidence,
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let served = parindex_core::Report::from_json(
        &c.get(&format!("/api/workspaces/{id}/report")).await.text(),
    )
    .expect("report");
    let direct = parindex_core::score(&parindex_core::FsFiles, &mini, &mini.join("evidence"), None)
        .expect("the library");
    assert_eq!(served.total.points, direct.total.points);
    assert_eq!(served.total.index, direct.total.index);
    let row = |r: &parindex_core::Report| {
        r.nodes
            .iter()
            .map(|n| (n.id.clone(), n.final_points, n.status))
            .collect::<Vec<_>>()
    };
    assert_eq!(row(&served), row(&direct));
    // Kept across a restart.
    let again = c.reopen().await;
    let sets = again.get("/api/criteria").await.json();
    assert!(
        sets.as_array()
            .expect("sets")
            .iter()
            .any(|s| s["sha256"] == sha.as_str()),
        "{sets}"
    );
}

async fn a_criteria_set_is_uploaded_checked_and_kept() {
    let c = Client::new().await;
    let shipped = std::fs::read_to_string(criteria().join("criteria.toml")).expect("the set");
    // Broken: a key the format lacks, and a rule that does not parse.
    let broken = shipped
        .replacen("[set]\n", "[set]\nbogus_key = 1\n", 1)
        .replacen(
            "rule = 'bands(fact(\"sang_kien_cchc\"), [[1, 1]])'",
            "rule = 'bands(fact(\"sang_kien_cchc\"), [[1, 1]]'",
            1,
        );
    assert_ne!(broken, shipped);
    let got = c
        .post_files(
            "/api/criteria",
            "file",
            &[("criteria.toml".to_owned(), broken.into_bytes())],
        )
        .await;
    assert_eq!(
        got.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        got.text()
    );
    let problems = got.json()["problems"].as_array().expect("problems").clone();
    assert!(problems.len() >= 2, "{problems:?}");
    assert!(
        problems.iter().all(|p| p["line"].as_u64().is_some()),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p["source_line"]
            .as_str()
            .is_some_and(|l| l.contains("bogus_key"))),
        "{problems:?}"
    );
    assert_eq!(
        c.get("/api/criteria").await.json().as_array().map(Vec::len),
        Some(1)
    );

    // A good one: another title, the same rows.
    let own = shipped.replacen(
        "title = \"Bộ chỉ số đánh giá",
        "title = \"Bộ chỉ số (bản của Sở) đánh giá",
        1,
    );
    assert_ne!(own, shipped);
    let sha = c.own_set("criteria.toml", own.clone().into_bytes()).await;
    assert_eq!(sha, parindex_core::fingerprint::sha256_hex(own.as_bytes()));
    let got = c
        .post_json(
            "/api/workspaces",
            &serde_json::json!({"criteria": sha, "code": "SKHCN", "name": "Sở KH&CN", "group": "so"}),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let id = got.json()["id"].as_i64().expect("id");
    c.post_files(
        &format!("/api/workspaces/{id}/evidence"),
        "files",
        &fixture_files(),
    )
    .await;
    let report = parindex_core::Report::from_json(
        &c.get(&format!("/api/workspaces/{id}/report")).await.text(),
    )
    .expect("report");
    assert!(report.criteria.title.contains("bản của Sở"));
    assert_eq!(
        c.get(&format!("/api/workspaces/{id}")).await.json()["index"],
        "82,19%"
    );

    // Kept: the app opened again on the same data folder has it, and the workspace scores.
    let reopened = c.reopen().await;
    assert_eq!(
        reopened
            .get("/api/criteria")
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(
        reopened.get(&format!("/api/workspaces/{id}")).await.json()["index"],
        "82,19%"
    );
    // The page shows the set's problems with their lines.
    let page = c.get("/criteria").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("bản của Sở"));
}

async fn the_units_fields_are_a_form_and_reach_the_report() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let got = c
        .post_form(
            &format!("/w/{id}/unit"),
            &[
                ("code", "SKHCN"),
                ("name", "Sở KH&CN Nghệ An"),
                ("group", "so"),
            ],
        )
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    let report = parindex_core::Report::from_json(
        &c.get(&format!("/api/workspaces/{id}/report")).await.text(),
    )
    .expect("report");
    assert_eq!(report.unit.name, "Sở KH&CN Nghệ An");
    // Blank or with control characters: refused.
    let got = c
        .post_json(
            &format!("/api/workspaces/{id}/unit"),
            &serde_json::json!({"code": " ", "name": "x", "group": "so"}),
        )
        .await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST);
    let got = c
        .post_json(
            &format!("/api/workspaces/{id}/unit"),
            &serde_json::json!({"code": "A\u{1b}[31m", "name": "x", "group": "so"}),
        )
        .await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST);
    let history = c.get(&format!("/w/{id}/history")).await.text();
    assert!(history.contains("Sở KH&amp;CN Nghệ An") || history.contains("Sở KH&#38;CN Nghệ An"));
}

fn files_of(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file())
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

async fn one_workbook_of_many_sheets_and_a_windows_1258_export_score_alike() {
    // The workbook also as Excel 97-2003 (`.xls`) and OpenDocument (`.ods`), as units still send.
    for folder in [
        "skhcn-2026-excel",
        "skhcn-2026-xls",
        "skhcn-2026-ods",
        "skhcn-2026-cp1258",
    ] {
        let c = Client::new().await;
        let id = c.create_skhcn().await;
        let dir = root().join("fixtures").join(folder);
        let got = c
            .post_files(
                &format!("/api/workspaces/{id}/evidence"),
                "files",
                &files_of(&dir),
            )
            .await;
        assert_eq!(got.status, StatusCode::OK, "{folder}: {}", got.text());
        assert_eq!(
            c.get(&format!("/api/workspaces/{id}")).await.json()["index"],
            "82,19%",
            "{folder}"
        );
        // Row by row the library's report of the folder itself.
        let direct = library_report(&dir);
        let served = parindex_core::Report::from_json(
            &c.get(&format!("/api/workspaces/{id}/report")).await.text(),
        )
        .expect("report");
        for (a, b) in served.nodes.iter().zip(&direct.nodes) {
            assert_eq!(
                (&a.id, a.final_points, &a.explanation),
                (&b.id, b.final_points, &b.explanation),
                "{folder}"
            );
        }
        let tables = c.get(&format!("/api/workspaces/{id}/tables")).await.json();
        for t in tables.as_array().expect("tables") {
            assert_eq!(t["state"], "present", "{folder}: {t}");
        }
        if folder != "skhcn-2026-cp1258" {
            // Read from the workbook's sheets, its extra column listed as ignored.
            let docs = tables
                .as_array()
                .expect("tables")
                .iter()
                .find(|t| t["name"] == "documents")
                .expect("documents")
                .clone();
            assert!(
                docs["source"].as_str().is_some_and(|s| s.contains('[')),
                "{docs}"
            );
            assert!(tables
                .as_array()
                .expect("tables")
                .iter()
                .any(|t| !t["ignored_columns"].as_array().expect("cols").is_empty()));
        }
    }
}

async fn a_fact_sent_twice_is_taken_once() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let got = c
        .post_form(
            &format!("/w/{id}/facts"),
            &[
                ("kind.a", "integer"),
                ("value.a", "1"),
                ("kind.b", "bool"),
                ("value.b", "true"),
                ("value.a", "2"),
            ],
        )
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    let facts = c.get(&format!("/api/workspaces/{id}/facts")).await.json();
    let a: Vec<_> = facts
        .as_array()
        .expect("facts")
        .iter()
        .filter(|f| f["name"] == "a")
        .collect();
    assert_eq!(a.len(), 1);
    assert_eq!(a[0]["value"], "1");
}

async fn the_surveys_results_are_taken_in_and_score_the_survey_rows() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let before = c.get(&format!("/api/workspaces/{id}")).await.json();
    // Every survey row of the set at 80%.
    let report = library_report(&fixture());
    let mut survey = String::from("ma_tieu_chi,ty_le\n");
    for n in report
        .nodes
        .iter()
        .filter(|n| n.status == parindex_core::report::Status::PendingSurvey)
    {
        survey.push_str(&format!("{},\"0,8\"\n", n.id));
    }
    let got = c
        .post_files(
            &format!("/api/workspaces/{id}/evidence"),
            "files",
            &[("survey.csv".to_owned(), survey.clone().into_bytes())],
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    assert_eq!(got.json()["files"][0]["status"], "taken");
    let after = c.get(&format!("/api/workspaces/{id}")).await.json();
    assert_ne!(after["applicable_max"], before["applicable_max"]);
    // As the library scores the fixture with the same survey.csv beside it.
    let dir = tempfile::tempdir().expect("tmp");
    for (name, bytes) in fixture_files() {
        std::fs::write(dir.path().join(name), bytes).expect("copy");
    }
    std::fs::write(dir.path().join("survey.csv"), survey).expect("survey");
    let direct = library_report(dir.path());
    assert_eq!(
        after["index"],
        format!(
            "{}%",
            parindex_core::num::vi_percent(direct.total.index.expect("an index"))
        )
    );
}

async fn in_one_upload_the_good_tables_are_taken_and_the_bad_one_refused() {
    let c = Client::new().await;
    let id = c.create_skhcn().await;
    let mut files = fixture_files();
    let feedback = files
        .iter_mut()
        .find(|(n, _)| n == "feedback.csv")
        .expect("feedback.csv");
    let text = String::from_utf8(feedback.1.clone()).expect("utf-8");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    // One more field than the header on line 2.
    lines[1].push_str(",x");
    feedback.1 = (lines.join("\n") + "\n").into_bytes();
    let got = c
        .post_files(&format!("/api/workspaces/{id}/evidence"), "files", &files)
        .await;
    assert_eq!(
        got.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        got.text()
    );
    let body = got.json();
    let outcome = body["files"].as_array().expect("files");
    // In the order sent.
    let names: Vec<&str> = outcome
        .iter()
        .map(|f| f["name"].as_str().expect("name"))
        .collect();
    let sent: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, sent);
    for f in outcome {
        let expected = match f["name"].as_str().expect("name") {
            "feedback.csv" => "refused",
            "EXPECTED.md" | "expected.csv" | "expected-totals.csv" => "ignored",
            _ => "taken",
        };
        assert_eq!(f["status"], expected, "{f}");
    }
    let refused = outcome
        .iter()
        .find(|f| f["name"] == "feedback.csv")
        .expect("feedback");
    assert_eq!(refused["problems"][0]["file"], "feedback.csv");
    assert_eq!(refused["problems"][0]["line"], 2);
    let tables = c.get(&format!("/api/workspaces/{id}/tables")).await.json();
    for t in tables.as_array().expect("tables") {
        let state = if t["name"] == "feedback" {
            "missing"
        } else {
            "present"
        };
        assert_eq!(t["state"], state, "{t}");
    }
    // The files received into the store's temporary folder: the kept ones became blobs, the
    // ignored ones are gone, and the refused one goes once its write ends.
    let tmp = c.data.path().join("tmp");
    let left = || std::fs::read_dir(&tmp).expect("tmp").count();
    for _ in 0..100 {
        if left() == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(left(), 0, "files left in {}", tmp.display());
}

/// A report's JSON without its fingerprint (the app writes `facts.toml` and `notes.toml`
/// from its forms: their bytes are its own).
fn scores(json: &str) -> serde_json::Value {
    let mut value: serde_json::Value = serde_json::from_str(json).expect("a report");
    value
        .as_object_mut()
        .expect("an object")
        .remove("fingerprint");
    value
}

/// A server holding fewer workspaces in memory than it serves: each workspace's score, after
/// the others pushed it out, is read from its files again to the same report byte for byte,
/// and a new export into a workspace pushed out scores as the library scores its folder.
async fn workspaces_beyond_those_kept_in_memory_are_read_again_to_the_same_score() {
    let c = Client::with_limits(parindex_server::Limits {
        workspaces_in_memory: 1,
        ..parindex_server::Limits::default()
    })
    .await;
    let mut ids = Vec::new();
    let mut reports = Vec::new();
    for _ in 0..3 {
        let id = c.skhcn().await;
        let report = c.get(&format!("/api/workspaces/{id}/report")).await;
        assert_eq!(report.status, StatusCode::OK);
        ids.push(id);
        reports.push(report.text());
        assert!(c.app.workspaces_in_memory() <= 1);
    }
    let library = scores(&library_report(&fixture()).to_json());
    for report in &reports {
        assert_eq!(scores(report), library);
    }
    // Each in turn, every one pushed out by the one before: the same report each time.
    for round in 0..2 {
        for (id, first) in ids.iter().zip(&reports) {
            let again = c.get(&format!("/api/workspaces/{id}/report")).await;
            assert_eq!(again.status, StatusCode::OK);
            assert_eq!(&again.text(), first, "workspace {id}, round {round}");
            let page = c.get(&format!("/w/{id}")).await;
            assert!(
                page.text().contains("82,19%"),
                "workspace {id}'s score page"
            );
            assert!(c.app.workspaces_in_memory() <= 1);
        }
    }
    // A new dossiers export into the first, pushed out by the last: scored as the library
    // scores the folder with it; the others unchanged.
    let (name, bytes) = fixture_files()
        .into_iter()
        .find(|(n, _)| n == "dossiers.csv")
        .expect("dossiers");
    let text = String::from_utf8(bytes).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    let half = lines[..lines.len() / 2].join("\n") + "\n";
    let got = c
        .post_files(
            &format!("/api/workspaces/{}/evidence", ids[0]),
            "files",
            &[(name.clone(), half.clone().into_bytes())],
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let dir = tempfile::tempdir().expect("a folder");
    for (n, b) in fixture_files() {
        std::fs::write(dir.path().join(n), b).expect("a file");
    }
    std::fs::write(dir.path().join(&name), &half).expect("dossiers");
    let report = c.get(&format!("/api/workspaces/{}/report", ids[0])).await;
    assert_eq!(
        scores(&report.text()),
        scores(&library_report(dir.path()).to_json())
    );
    assert_ne!(
        scores(&report.text()),
        library,
        "half the dossiers change the score"
    );
    for (id, first) in ids.iter().zip(&reports).skip(1) {
        let again = c.get(&format!("/api/workspaces/{id}/report")).await;
        assert_eq!(&again.text(), first);
    }
    assert!(c.app.workspaces_in_memory() <= 1);
}

/// The same steps on two apps, one reading every table's export while it arrives (from its
/// first byte) and one never: the same outcomes, the same reports byte for byte, the same as
/// the library on the folder; and the tables a reading read are taken by the next instead of
/// their files, until a file changes.
async fn tables_read_while_they_arrive_score_as_read_after_they_have() {
    use std::sync::atomic::Ordering::Relaxed;
    let ahead = Client::with_limits(parindex_server::Limits {
        read_ahead_bytes: 0,
        ..parindex_server::Limits::default()
    })
    .await;
    let after = Client::with_limits(parindex_server::Limits {
        read_ahead_bytes: usize::MAX,
        ..parindex_server::Limits::default()
    })
    .await;
    let both = [&ahead, &after];
    let mut ids = Vec::new();
    for c in both {
        ids.push(c.create_skhcn().await);
    }
    // Each step on both apps: the answers' bodies, alike, and the report after it.
    let step = |files: Vec<(String, Vec<u8>)>| {
        let ids = ids.clone();
        async move {
            let mut answers = Vec::new();
            for (c, id) in both.into_iter().zip(&ids) {
                let got = c
                    .post_files(&format!("/api/workspaces/{id}/evidence"), "files", &files)
                    .await;
                let report = c.get(&format!("/api/workspaces/{id}/report")).await;
                answers.push((got.status, got.text(), report.text()));
            }
            assert_eq!(answers[0], answers[1], "read ahead and read after differ");
            answers.swap_remove(0)
        }
    };
    let (status, _, report) = step(fixture_files()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        scores(&report),
        scores(&library_report(&fixture()).to_json())
    );
    let read = ahead.app.read_ahead.read.load(Relaxed);
    assert_eq!(read, 8, "every table of the example read as it arrived");
    assert!(ahead.app.read_ahead.taken.load(Relaxed) >= 8);
    assert_eq!(after.app.read_ahead.read.load(Relaxed), 0);

    // A new export of the dossiers with a bad date: refused alike, with the same problems.
    let dossiers = |edit: &dyn Fn(&mut Vec<String>)| {
        let (name, bytes) = fixture_files()
            .into_iter()
            .find(|(n, _)| n == "dossiers.csv")
            .expect("dossiers");
        let text = String::from_utf8(bytes).expect("utf-8");
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        edit(&mut lines);
        (name, (lines.join("\n") + "\n").into_bytes())
    };
    let bad = dossiers(&|lines| lines[2] = lines[2].replacen("2026", "20x6", 1));
    let (status, outcome, _) = step(vec![bad]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{outcome}");
    // Half the dossiers: taken alike, scored as the library scores the folder with it, the
    // other tables taken from the last reading (their files did not change).
    let taken = after.app.read_ahead.taken.load(Relaxed);
    let half = dossiers(&|lines| lines.truncate(lines.len() / 2));
    let (status, _, report) = step(vec![half.clone()]).await;
    assert_eq!(status, StatusCode::OK);
    let dir = tempfile::tempdir().expect("a folder");
    for (name, bytes) in fixture_files() {
        std::fs::write(dir.path().join(name), bytes).expect("a file");
    }
    std::fs::write(dir.path().join(&half.0), &half.1).expect("dossiers");
    assert_eq!(
        scores(&report),
        scores(&library_report(dir.path()).to_json())
    );
    // And the auditor's replay of it on the exported folder gives it back byte for byte.
    let zip = ahead
        .get(&format!("/api/workspaces/{}/export.zip", ids[0]))
        .await;
    let set = parindex_core::load_criteria(&parindex_core::FsFiles, &criteria()).expect("loads");
    let compiled = parindex_core::CompiledCriteria::compile(set).expect("compiles");
    assert!(replays(&compiled, &zip.body, &report));
    assert!(
        after.app.read_ahead.taken.load(Relaxed) >= taken + 7,
        "the seven other tables are not read again"
    );
    // A fact edited in the form: re-scored alike (what the rules ask may change).
    for (c, id) in both.into_iter().zip(&ids) {
        let facts = c.get(&format!("/api/workspaces/{id}/facts")).await.json();
        let edited: Vec<serde_json::Value> = (facts.as_array().expect("facts").iter())
            .map(|f| {
                let value = if f["name"] == "tuyen_truyen_hoan_thanh" {
                    serde_json::json!("10")
                } else {
                    f["value"].clone()
                };
                serde_json::json!({
                    "name": f["name"], "kind": f["kind"], "value": value, "source": f["source"],
                })
            })
            .collect();
        let got = c
            .post_json(
                &format!("/api/workspaces/{id}/facts"),
                &serde_json::json!(edited),
            )
            .await;
        assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    }
    let reports: Vec<String> = {
        let mut out = Vec::new();
        for (c, id) in both.into_iter().zip(&ids) {
            out.push(c.get(&format!("/api/workspaces/{id}/report")).await.text());
        }
        out
    };
    assert_eq!(reports[0], reports[1]);
    assert_ne!(reports[0], report, "the fact changed the report");
}

async fn a_facts_form_opened_before_another_save_is_refused() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let page = c.get(&format!("/w/{id}/facts")).await.text();
    let at = page
        .find("name=\"facts_digest\" value=\"")
        .expect("the digest field")
        + 27;
    let digest = page[at..at + 64].to_owned();
    let one = [
        ("facts_digest", digest.as_str()),
        ("kind.tuyen_truyen_hoan_thanh", "integer"),
        ("value.tuyen_truyen_hoan_thanh", "9"),
    ];
    // The first save, from the page as opened.
    let got = c.post_form(&format!("/w/{id}/facts"), &one).await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    // A second form opened at the same time: refused, nothing lost.
    let two = [
        ("facts_digest", digest.as_str()),
        ("kind.so_vu_sach_nhieu", "integer"),
        ("value.so_vu_sach_nhieu", "3"),
    ];
    let got = c.post_form(&format!("/w/{id}/facts"), &two).await;
    assert_eq!(got.status, StatusCode::CONFLICT);
    assert!(got.text().contains("Số liệu đã được sửa"));
    let facts = c.get(&format!("/api/workspaces/{id}/facts")).await.json();
    let stored: Vec<_> = facts
        .as_array()
        .expect("facts")
        .iter()
        .filter(|f| !f["value"].as_str().unwrap_or("").is_empty())
        .collect();
    assert_eq!(stored.len(), 1, "only the first form's fact: {stored:?}");
    assert_eq!(stored[0]["name"], "tuyen_truyen_hoan_thanh");
}

/// The `source` of each fact of a facts.toml.
fn sources_of(path: &std::path::Path) -> std::collections::BTreeMap<String, Option<String>> {
    let text = std::fs::read_to_string(path).expect("facts.toml");
    let table: toml::Table = toml::from_str(&text).expect("facts.toml is TOML");
    table
        .into_iter()
        .map(|(name, v)| {
            let source = v.get("source").and_then(|s| s.as_str()).map(str::to_owned);
            (name, source)
        })
        .collect()
}

async fn declared_facts_are_listed_first_with_their_label_type_and_document() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let facts = c.get(&format!("/api/workspaces/{id}/facts")).await.json();
    let list = facts.as_array().expect("facts");
    let fact = |name: &str| {
        list.iter()
            .find(|f| f["name"] == name)
            .unwrap_or_else(|| panic!("fact {name}"))
            .clone()
    };
    let done = fact("tuyen_truyen_hoan_thanh");
    assert_eq!(
        done["label"],
        "Số nội dung tuyên truyền cải cách hành chính đã hoàn thành"
    );
    assert_eq!(done["kind"], "integer");
    assert_eq!(done["declared"], true);
    assert_eq!(done["value"], "9");
    assert_eq!(done["doc_number"], "51/BC-SKHCN");
    assert_eq!(done["doc_date"], "11/12/2026");
    assert_eq!(
        done["doc_subject"],
        "Báo cáo kết quả thực hiện công tác cải cách hành chính năm 2026 (mục tuyên truyền: \
         hoàn thành 9/10 nội dung của Kế hoạch 12/KH-SKHCN)"
    );
    assert_eq!(fact("du_thao_dung_quy_trinh")["kind"], "bool");
    // The set's declarations first, in its order.
    let set = parindex_core::load_criteria(&parindex_core::FsFiles, &criteria()).expect("set");
    let declared: Vec<&str> = list
        .iter()
        .take_while(|f| f["declared"] == true)
        .filter_map(|f| f["name"].as_str())
        .collect();
    let expected: Vec<&str> = set.facts.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(declared, expected);
    assert_eq!(declared.len(), 42);

    // The page: the label, the name small beside it, an input of the type.
    let page = c.get(&format!("/w/{id}/facts")).await.text();
    assert!(page.contains(
        "Số nội dung tuyên truyền cải cách hành chính đã hoàn thành <small><code>tuyen_truyen_hoan_thanh</code></small>"
    ));
    assert!(page.contains(
        r#"<input type="number" step="1" name="value.tuyen_truyen_hoan_thanh" id="value.tuyen_truyen_hoan_thanh" value="9""#
    ));
    assert!(page.contains(r#"<select name="value.du_thao_dung_quy_trinh""#));
    assert!(page.contains(r#"name="doc_number.tuyen_truyen_hoan_thanh" value="51/BC-SKHCN""#));
    assert!(page.contains(r#"name="doc_date.tuyen_truyen_hoan_thanh" value="11/12/2026""#));
    // A large amount is also shown grouped as she reads it; the input keeps it as stored.
    assert!(
        page.contains(
            r#"id="value.du_toan_giao" value="31426800000" size="10" placeholder="0,75"> <small class="hint reading">= 31.426.800.000</small>"#
        ),
        "{page}"
    );
    assert_eq!(page.matches("class=\"hint reading\"").count(), 2, "{page}");
}

async fn a_value_not_of_the_declared_type_is_refused_and_nothing_is_saved() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let before = c.get(&format!("/api/workspaces/{id}/facts")).await.json();
    // The form: the set declares an integer, whatever kind is sent.
    let got = c
        .post_form(
            &format!("/w/{id}/facts"),
            &[
                ("kind.tuyen_truyen_hoan_thanh", "text"),
                ("value.tuyen_truyen_hoan_thanh", "9,5"),
            ],
        )
        .await;
    assert_eq!(got.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = got.text();
    assert!(text.contains("không đúng kiểu"), "{text}");
    assert!(
        text.contains("Số nội dung tuyên truyền cải cách hành chính đã hoàn thành"),
        "{text}"
    );
    assert!(text.contains("9,5") && text.contains("số nguyên"), "{text}");
    // The API: a yes/no fact sent as a number.
    let got = c
        .post_json(
            &format!("/api/workspaces/{id}/facts"),
            &serde_json::json!([{"name": "du_thao_dung_quy_trinh", "kind": "integer", "value": "3"}]),
        )
        .await;
    assert_eq!(got.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(got.text().contains("không đúng kiểu"), "{}", got.text());
    // A document's date that is none.
    let got = c
        .post_form(
            &format!("/w/{id}/facts"),
            &[
                ("value.tuyen_truyen_hoan_thanh", "9"),
                ("doc_date.tuyen_truyen_hoan_thanh", "31/02/2026"),
            ],
        )
        .await;
    assert_eq!(got.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(got.text().contains("dd/mm/yyyy"), "{}", got.text());
    let after = c.get(&format!("/api/workspaces/{id}/facts")).await.json();
    assert_eq!(before, after);
    assert_eq!(
        c.get(&format!("/api/workspaces/{id}")).await.json()["index"],
        "82,19%"
    );
}

async fn the_documents_three_fields_are_facts_toml_source_exactly() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let facts = c.get(&format!("/api/workspaces/{id}/facts")).await.json();
    // Every fact sent back as the page's form does: the three fields, never `source`.
    let mut fields: Vec<(String, String)> = Vec::new();
    for f in facts.as_array().expect("facts") {
        let name = f["name"].as_str().expect("name");
        let text = |key: &str| f[key].as_str().unwrap_or("").to_owned();
        fields.push((format!("kind.{name}"), text("kind")));
        fields.push((format!("value.{name}"), text("value")));
        let (number, date, subject) = match name {
            // Parts left out, a date written short.
            "so_vu_sach_nhieu" => (String::new(), String::new(), "Không có vụ nào".to_owned()),
            "sang_kien_cchc" => (
                "45/QĐ-SKHCN".to_owned(),
                "2/9/2026".to_owned(),
                String::new(),
            ),
            _ => (text("doc_number"), text("doc_date"), text("doc_subject")),
        };
        fields.push((format!("doc_number.{name}"), number));
        fields.push((format!("doc_date.{name}"), date));
        fields.push((format!("doc_subject.{name}"), subject));
    }
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let got = c.post_form(&format!("/w/{id}/facts"), &form).await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    assert_eq!(
        c.get(&format!("/api/workspaces/{id}")).await.json()["index"],
        "82,19%"
    );

    let zip = c.get(&format!("/api/workspaces/{id}/export.zip")).await;
    assert_eq!(zip.status, StatusCode::OK);
    let folder = unzip(&zip.body);
    let mut expected = sources_of(&fixture().join("facts.toml"));
    let got = sources_of(&folder.path().join("facts.toml"));
    if let Some(s) = expected.get_mut("so_vu_sach_nhieu") {
        *s = Some("Không có vụ nào".to_owned());
    }
    if let Some(s) = expected.get_mut("sang_kien_cchc") {
        *s = Some("45/QĐ-SKHCN ngày 02/09/2026".to_owned());
    }
    assert_eq!(got, expected);
    // And read back into the three fields.
    let facts = c.get(&format!("/api/workspaces/{id}/facts")).await.json();
    let sang_kien = facts
        .as_array()
        .expect("facts")
        .iter()
        .find(|f| f["name"] == "sang_kien_cchc")
        .expect("sang_kien_cchc")
        .clone();
    assert_eq!(sang_kien["doc_number"], "45/QĐ-SKHCN");
    assert_eq!(sang_kien["doc_date"], "02/09/2026");
    assert_eq!(sang_kien["doc_subject"], serde_json::Value::Null);
}

/// A unit's peer group left empty on creation is the one its criteria set was written for
/// (`unit_group`), in the form and in the API (where it may be left out); one given is kept.
async fn a_group_left_empty_is_the_sets_own() {
    let c = Client::new().await;
    let shipped = std::fs::read_to_string(criteria().join("criteria.toml")).expect("the set");
    let own = shipped.replacen("unit_group = \"so\"", "unit_group = \"ban-nganh\"", 1);
    assert_ne!(own, shipped);
    let sha = c.own_set("criteria.toml", own.into_bytes()).await;
    let created = |body: serde_json::Value| {
        let c = &c;
        async move {
            let got = c.post_json("/api/workspaces", &body).await;
            assert_eq!(got.status, StatusCode::OK, "{body}: {}", got.text());
            got.json()["unit_group"]
                .as_str()
                .expect("a group")
                .to_owned()
        }
    };
    assert_eq!(
        created(serde_json::json!({"criteria": sha, "code": "A", "name": "A"})).await,
        "ban-nganh"
    );
    assert_eq!(
        created(serde_json::json!({"criteria": sha, "code": "B", "name": "B", "group": " "})).await,
        "ban-nganh"
    );
    assert_eq!(
        created(serde_json::json!({"criteria": sha, "code": "C", "name": "C", "group": "huyen"}))
            .await,
        "huyen"
    );
    // The page's form, on the shipped set, its group field left as the page shows it: empty.
    let home = c.get("/").await.text();
    assert!(
        home.contains("placeholder=\"để trống: nhóm của bộ tiêu chí\""),
        "{home}"
    );
    let got = c
        .post_form(
            "/workspaces",
            &[
                ("criteria", "nghe-an-2026-so"),
                ("code", "D"),
                ("name", "D"),
                ("group", ""),
            ],
        )
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    let list = c.get("/api/workspaces").await.json();
    let d = list
        .as_array()
        .expect("workspaces")
        .iter()
        .find(|w| w["unit_code"] == "D")
        .expect("D created")
        .clone();
    assert_eq!(d["unit_group"], "so");
    // Changing the unit's fields later still asks for a group.
    let id = d["id"].as_i64().expect("id");
    let got = c
        .post_json(
            &format!("/api/workspaces/{id}/unit"),
            &serde_json::json!({"code": "D", "name": "D", "group": ""}),
        )
        .await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST, "{}", got.text());
}

/// A row's page lists the first deciding records the report keeps, and says how many more
/// there are: 3.2.4 of the example has 52 dossiers not counted, the report keeps 20.
async fn a_rows_page_says_how_many_records_it_does_not_list() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let report = parindex_core::Report::from_json(
        &c.get(&format!("/api/workspaces/{id}/report")).await.text(),
    )
    .expect("report");
    let row = report.node("3.2.4").expect("3.2.4");
    let list = row.records.first().expect("deciding records");
    assert_eq!((list.total, list.keys.len()), (52, 20));
    let html = c.get(&format!("/w/{id}/rows/3.2.4")).await.text();
    assert!(
        html.contains("<strong>Hồ sơ một cửa</strong> — không đạt: 52 bản ghi"),
        "{html}"
    );
    assert!(
        html.contains("(20 bản ghi đầu, theo thứ tự trong tệp)"),
        "{html}"
    );
    assert!(html.contains("… và 32 bản ghi khác"), "{html}");
    for key in &list.keys {
        assert!(html.contains(&format!("<li>{key}</li>")), "{key}");
    }
}

/// A row given only an attachment (or only documents), no giải trình: the workspace still
/// scores, the attachment in the row's TLKC, and its exported folder scores alike. The
/// notes.toml written for it has the row's table made by its documents alone.
async fn a_row_with_only_an_attachment_or_documents_still_scores() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let got = c
        .attach(id, "3.2.4", "bien-ban.pdf", b"%PDF-1.4 scan")
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let got = c.get(&format!("/api/workspaces/{id}/report")).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let report = parindex_core::Report::from_json(&got.text()).expect("report");
    assert_eq!(
        report.total.index.map(|i| i.to_string()).as_deref(),
        Some("82.19")
    );
    let json = report.to_json();
    assert!(json.contains("bien-ban.pdf"), "{json}");
    let got = c
        .post_json(
            &format!("/api/workspaces/{id}/rows/3.3.1/note"),
            &serde_json::json!({"version": 0, "tai_lieu": [
                {"number": "15/BC-SKHCN", "date": "05/12/2026", "subject": null}]}),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let got = c.get(&format!("/api/workspaces/{id}/report")).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    assert!(
        got.text().contains("15/BC-SKHCN ngày 05/12/2026"),
        "{}",
        got.text()
    );
    // The exported folder is read by the library to the same report.
    let zip = c.get(&format!("/api/workspaces/{id}/export.zip")).await;
    assert_eq!(zip.status, StatusCode::OK);
    let folder = unzip(&zip.body);
    let direct = library_report(folder.path());
    let served = parindex_core::Report::from_json(
        &c.get(&format!("/api/workspaces/{id}/report")).await.text(),
    )
    .expect("report");
    assert_eq!(direct.to_json(), served.to_json());
}

/// One request carries at most `files_per_upload` files, evidence or attachments: the one
/// too many is refused as it arrives (before it is stored, so that thousands of tiny parts
/// cannot hold thousands of open files), and nothing of the request is kept.
async fn a_request_with_too_many_files_is_refused_as_the_one_too_many_arrives() {
    let c = Client::with_limits(parindex_server::Limits {
        files_per_upload: 3,
        ..parindex_server::Limits::default()
    })
    .await;
    let id = c.create_skhcn().await;
    let tables: Vec<(String, Vec<u8>)> = ["documents", "feedback", "reports", "plan_tasks"]
        .iter()
        .map(|t| {
            let name = format!("{t}.csv");
            let bytes = std::fs::read(fixture().join(&name)).expect("a table");
            (name, bytes)
        })
        .collect();
    let mut own: Vec<(String, Vec<u8>)> = tables[..3].to_vec();
    own.push(("facts.toml".to_owned(), b"".to_vec()));
    for files in [&tables, &own] {
        let got = c
            .post_files(&format!("/api/workspaces/{id}/evidence"), "files", files)
            .await;
        assert_eq!(got.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", got.text());
        assert_eq!(got.json()["message"], "mỗi lần tải lên tối đa 3 tệp");
    }
    // Refused at the one too many, before the rest of the body is read: a broken part after
    // it is never reached.
    let (content_type, mut body) = multipart("files", &tables);
    let end = b"--\r\n";
    assert!(body.ends_with(end));
    body.truncate(body.len() - end.len());
    body.extend_from_slice(
        b"\r\nContent-Disposition: form-data; name=\"files\"; filename=\"x.csv\"\r\n\r\ncut here",
    );
    let got = c
        .send(
            Request::post(format!("/api/workspaces/{id}/evidence"))
                .header(header::COOKIE, format!("parindex_csrf={}", c.token))
                .header("x-csrf-token", &c.token)
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .expect("request"),
        )
        .await;
    assert_eq!(got.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", got.text());
    let got = c
        .post_files(
            &format!("/api/workspaces/{id}/evidence"),
            "files",
            &tables[..3],
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let versions = c.get(&format!("/api/workspaces/{id}/files")).await.json();
    assert_eq!(versions.as_array().map(Vec::len), Some(3), "{versions}");
    // Attachments alike.
    let pdfs: Vec<(String, Vec<u8>)> = (0..4)
        .map(|i| (format!("van-ban-{i}.pdf"), b"%PDF".to_vec()))
        .collect();
    let uri = format!("/api/workspaces/{id}/rows/3.2.4/attachments");
    let got = c.post_files(&uri, "file", &pdfs).await;
    assert_eq!(got.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", got.text());
    let attached = c
        .get(&format!("/api/workspaces/{id}/attachments"))
        .await
        .json();
    assert_eq!(attached, serde_json::json!([]));
    let got = c.post_files(&uri, "file", &pdfs[..3]).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
}

/// An import refused as a whole (too many files, an attachment over the limit) leaves no
/// workspace behind: what refuses it is checked before the workspace is made.
async fn a_refused_import_leaves_no_workspace() {
    let small = Client::with_limits(parindex_server::Limits {
        files_per_upload: 3,
        attachment_bytes: 8,
        ..parindex_server::Limits::default()
    })
    .await;
    let unit = b"code = \"X\"\nname = \"X\"\ngroup = \"so\"\n".as_slice();
    let zip = zip_of(&[
        ("unit.toml", unit),
        ("documents.csv", b"a\n"),
        ("dossiers.csv", b"a\n"),
        ("feedback.csv", b"a\n"),
        ("reports.csv", b"a\n"),
    ]);
    let got = import(&small, zip).await;
    assert_eq!(got.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", got.text());
    assert_eq!(
        small.get("/api/workspaces").await.json(),
        serde_json::json!([])
    );
    // An exported folder whose attachment is over the importing app's limit.
    let c = Client::new().await;
    let id = c.create_skhcn().await;
    let got = c.attach(id, "3.2.4", "scan.pdf", b"%PDF-1.4 sixteen").await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let zip = c
        .get(&format!("/api/workspaces/{id}/export.zip"))
        .await
        .body;
    let got = import(&small, zip.to_vec()).await;
    assert_eq!(got.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", got.text());
    assert!(
        got.json()["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("tệp đính kèm tối đa")),
        "{}",
        got.text()
    );
    assert_eq!(
        small.get("/api/workspaces").await.json(),
        serde_json::json!([])
    );
}

/// A zip whose names say two different folders — a file that is also a folder of another
/// (`rules` and `rules/ky-so.rhai`) — is refused as such, a criteria set's or an import's
/// alike, never a failure of the server.
async fn a_zip_whose_names_clash_is_refused() {
    let c = Client::new().await;
    let mini = root().join("fixtures/mini");
    let toml = std::fs::read(mini.join("criteria.toml")).expect("criteria.toml");
    let rule = std::fs::read(mini.join("rules/ky-so.rhai")).expect("the rule file");
    let clash = zip_of(&[
        ("criteria.toml", &toml),
        ("rules", b"1"),
        ("rules/ky-so.rhai", &rule),
    ]);
    let got = c
        .post_files("/api/criteria", "file", &[("mini.zip".to_owned(), clash)])
        .await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST, "{}", got.text());
    assert_eq!(
        got.json()["message"],
        "tệp zip không dùng được: rules vừa là tệp vừa là thư mục"
    );
    let unit = b"code = \"X\"\nname = \"X\"\ngroup = \"so\"\n".as_slice();
    let clash = zip_of(&[
        ("unit.toml", unit),
        ("tai-lieu-kiem-chung", b"1"),
        ("tai-lieu-kiem-chung/3.2.4/a.pdf", b"%PDF"),
    ]);
    let got = import(&c, clash).await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST, "{}", got.text());
    assert_eq!(c.get("/api/workspaces").await.json(), serde_json::json!([]));
}

/// What the app's own parsers refuse is said in Vietnamese, with its place: a unit.toml as the
/// library reads one, a JSON body (its line and column), a multipart body, a report that is
/// none. Never the parsers' English.
async fn refusals_of_the_apps_own_parsers_are_in_vietnamese() {
    let c = Client::new().await;
    let id = c.create_skhcn().await;
    let english = |m: &str| {
        [
            "Failed",
            "missing",
            "invalid",
            "expected",
            "error",
            "borrowed",
            "multipart/form-data request",
        ]
        .iter()
        .any(|w| m.contains(w))
    };
    for (body, said) in [
        (b"code = \"A\"\n".to_vec(), "thiếu khóa `name`"),
        (
            b"code = 1\nname = \"a\"\ngroup = \"b\"\n".to_vec(),
            "kiểu giá trị sai: có số nguyên `1`, cần chuỗi trong dấu ngoặc kép",
        ),
        (b"\xff\xfe".to_vec(), "không phải văn bản utf-8 hợp lệ"),
    ] {
        let got = c
            .post_files(
                &format!("/api/workspaces/{id}/evidence"),
                "files",
                &[("unit.toml".to_owned(), body)],
            )
            .await;
        assert_eq!(
            got.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            got.text()
        );
        let m = got.json()["files"][0]["problems"][0]["message"]
            .as_str()
            .unwrap_or("")
            .to_owned();
        assert!(m.contains(said) && !english(&m), "{m}");
    }
    let raw = |content_type: &str, body: &str| {
        Request::post("/api/workspaces")
            .header(header::COOKIE, format!("parindex_csrf={}", c.token))
            .header("x-csrf-token", &c.token)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body.to_owned()))
            .expect("request")
    };
    for (req, said) in [
        (
            raw("application/json", "{not json"),
            "nội dung JSON gửi lên không hợp lệ: tên khóa phải nằm trong dấu ngoặc kép (dòng 1, cột 2)",
        ),
        (
            raw("application/json", "{\"criteria\": \"nghe-an-2026-so\"}"),
            "nội dung JSON gửi lên không hợp lệ: thiếu khóa `code` (dòng 1, cột 31)",
        ),
        (
            raw("text/plain", "{}"),
            "nội dung gửi lên cần có Content-Type: application/json",
        ),
    ] {
        let got = c.send(req).await;
        assert_eq!(got.status, StatusCode::BAD_REQUEST, "{}", got.text());
        assert_eq!(got.json()["message"], said);
    }
    let evidence = format!("/api/workspaces/{id}/evidence");
    let multipart = |content_type: &str, body: &str| {
        Request::post(&evidence)
            .header(header::COOKIE, format!("parindex_csrf={}", c.token))
            .header("x-csrf-token", &c.token)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body.to_owned()))
            .expect("request")
    };
    for req in [
        multipart("multipart/form-data", "x"),
        multipart(
            "multipart/form-data; boundary=b",
            "--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.csv\"\r\n\r\ncut",
        ),
    ] {
        let got = c.send(req).await;
        assert_eq!(got.status, StatusCode::BAD_REQUEST, "{}", got.text());
        let m = got.json()["message"].as_str().unwrap_or("").to_owned();
        assert!(m.contains("multipart/form-data") && !english(&m), "{m}");
    }
    let got = c
        .post_parts(
            &format!("/api/workspaces/{id}/compare"),
            &[("first", "a.json", b"{}"), ("second", "b.json", b"{}")],
        )
        .await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST, "{}", got.text());
    let m = got.json()["message"].as_str().unwrap_or("").to_owned();
    assert!(
        m.contains("không phải báo cáo JSON của parindex (thiếu khóa `schema` (dòng 1, cột 2))")
            && !english(&m),
        "{m}"
    );
}

/// A row's deciding records in full: as JSON, and as the CSV the row's page links to, the
/// library's bytes for the exported folder (what `parindex explain --records` prints).
async fn a_rows_deciding_records_are_listed_in_full_and_downloaded() {
    use std::sync::atomic::Ordering::Relaxed;
    let c = Client::new().await;
    let id = c.skhcn().await;
    let taken = c.app.read_ahead.taken.load(Relaxed);
    let got = c
        .get(&format!("/api/workspaces/{id}/rows/3.2.4/records"))
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    // The eight tables the workspace's scoring read were taken, not read again (only the
    // dossiers are, for the list).
    assert_eq!(c.app.read_ahead.taken.load(Relaxed), taken + 8);
    let lists = got.json();
    assert_eq!(lists.as_array().map(Vec::len), Some(1), "{lists}");
    let list = &lists[0];
    assert_eq!(
        (&list["table"], &list["total"], &list["left_out"]),
        (
            &serde_json::json!("dossiers"),
            &serde_json::json!(52),
            &serde_json::json!(0)
        )
    );
    assert_eq!(list["records"].as_array().map(Vec::len), Some(52));
    assert_eq!(
        list["columns"][0],
        serde_json::json!({"id": "ma_ho_so", "label": "Mã hồ sơ"})
    );
    assert_eq!(list["records"][0]["line"], 2);
    assert_eq!(list["records"][0]["cells"][0], "000.00.29.H40-260102-0001");
    // The page's link, and the same file through the API.
    let page = c.get(&format!("/w/{id}/rows/3.2.4")).await.text();
    let href = format!("/w/{id}/rows/3.2.4/records/1");
    assert!(
        page.contains(&format!(
            "<a href=\"{href}\" download>Tải toàn bộ 52 bản ghi"
        )),
        "{page}"
    );
    let csv = c.get(&href).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(
        csv.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("text/csv; charset=utf-8")
    );
    assert!(csv.body.starts_with(b"\xEF\xBB\xBF"));
    assert_eq!(String::from_utf8_lossy(&csv.body).lines().count(), 53);
    let api = c
        .get(&format!("/api/workspaces/{id}/rows/3.2.4/records/1"))
        .await;
    assert_eq!(api.body, csv.body);
    let zip = c.get(&format!("/api/workspaces/{id}/export.zip")).await;
    let folder = unzip(&zip.body);
    let set = parindex_core::load_criteria(&parindex_core::FsFiles, &criteria()).expect("set");
    let compiled = parindex_core::CompiledCriteria::compile(set).expect("compiles");
    let as_of = compiled.as_of(None).expect("31/12");
    let direct = compiled
        .row_records(
            &parindex_core::FsFiles,
            folder.path(),
            "3.2.4",
            as_of,
            &parindex_core::ReadOptions::default(),
        )
        .expect("reads")
        .expect("a rule row");
    assert_eq!(
        parindex_render::render_records_csv(&direct[0]).expect("csv"),
        csv.body.to_vec()
    );
    // No such list, no such row, a row no rule scores: not found.
    for uri in [
        format!("/w/{id}/rows/3.2.4/records/2"),
        format!("/w/{id}/rows/3.2.4/records/0"),
        format!("/w/{id}/rows/9.9/records/1"),
        format!("/api/workspaces/{id}/rows/1.6/records"),
    ] {
        assert_eq!(c.get(&uri).await.status, StatusCode::NOT_FOUND, "{uri}");
    }
}

/// An attachment given to the wrong row is taken off it, from the row's page or the API: gone
/// from the report's TLKC and the exported folder, said in the history; another workspace's
/// attachment, or one taken off already, is not found.
async fn an_attachment_is_taken_off_its_row() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let other = c.create_skhcn().await;
    let attach = |ws: i64, name: &str| {
        let c = &c;
        let name = name.to_owned();
        async move {
            let got = c.attach(ws, "3.2.4", name, b"%PDF-1.4 scan").await;
            assert_eq!(got.status, StatusCode::OK, "{}", got.text());
            got.json()[0].as_i64().expect("an id")
        }
    };
    let wrong = attach(id, "nham-dong.pdf").await;
    let right = attach(id, "bien-ban.pdf").await;
    let theirs = attach(other, "cua-ho.pdf").await;
    let page = c.get(&format!("/w/{id}/rows/3.2.4")).await.text();
    let action = format!("/w/{id}/attachments/{wrong}/remove?csrf=");
    assert!(page.contains(&action), "{page}");
    let got = c
        .post_form(&format!("/w/{id}/attachments/{wrong}/remove"), &[])
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    assert_eq!(
        got.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok()),
        Some(format!("/w/{id}/rows/3.2.4").as_str())
    );
    let report = c.get(&format!("/api/workspaces/{id}/report")).await.text();
    assert!(!report.contains("nham-dong.pdf") && report.contains("bien-ban.pdf"));
    let zip = c.get(&format!("/api/workspaces/{id}/export.zip")).await;
    let folder = unzip(&zip.body);
    let notes = std::fs::read_to_string(folder.path().join("notes.toml")).expect("notes");
    assert!(
        !notes.contains("nham-dong.pdf") && notes.contains("bien-ban.pdf"),
        "{notes}"
    );
    assert_eq!(library_report(folder.path()).to_json(), report);
    let history = c.get(&format!("/w/{id}/history")).await.text();
    assert!(history.contains("gỡ tệp đính kèm") && history.contains("nham-dong.pdf"));
    // The API: the other one, then refusals.
    let uri = format!("/api/workspaces/{id}/attachments/{right}/remove");
    let got = c.post_json(&uri, &serde_json::json!({})).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    assert_eq!(got.json(), serde_json::json!({"id": right, "row": "3.2.4"}));
    for aid in [right, wrong, theirs] {
        let got = c
            .post_json(
                &format!("/api/workspaces/{id}/attachments/{aid}/remove"),
                &serde_json::json!({}),
            )
            .await;
        assert_eq!(got.status, StatusCode::NOT_FOUND, "{aid}: {}", got.text());
    }
    assert_eq!(
        c.get(&format!("/api/workspaces/{other}/attachments"))
            .await
            .json()[0]["name"],
        "cua-ho.pdf"
    );
}

/// The evidence page after the form's upload: each file once as what it was taken as, with
/// its version or count (the verb said once), and the tables' counts grouped as the reports
/// group them.
async fn the_evidence_page_says_what_each_file_was_taken_as() {
    let c = Client::new().await;
    let id = c.create_skhcn().await;
    let page = c
        .post_page_files(&format!("/w/{id}/evidence"), "files", &fixture_files())
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    for line in [
        "<strong>dossiers.csv</strong>:\n  đã nhận làm bảng dossiers (Hồ sơ một cửa) — phiên bản 1\n",
        "<strong>facts.toml</strong>:\n  đã nhận làm số liệu (facts.toml) — 42 số liệu\n",
        "<strong>notes.toml</strong>:\n  đã nhận làm ghi chú của đơn vị (notes.toml) — giải trình của 2 dòng\n",
    ] {
        assert!(html.contains(line), "{line}\n{html}");
    }
    assert!(!html.contains("— đã nhận"), "{html}");
    // 1,058 dossiers, 431 documents: thousands grouped by a dot, as `974/1.026` on a row.
    assert!(html.contains("<td class=\"num\">1.058</td>"), "{html}");
    assert!(html.contains("<td class=\"num\">431</td>"), "{html}");
}

/// Each page of a workspace marks its own item of the menu (and only it); a row's page, none.
async fn the_menu_marks_the_page_showing() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    for (uri, item) in [
        (format!("/w/{id}"), Some(format!("/w/{id}\""))),
        (format!("/w/{id}/gaps"), Some(format!("/w/{id}/gaps\""))),
        (
            format!("/w/{id}/evidence"),
            Some(format!("/w/{id}/evidence\"")),
        ),
        (format!("/w/{id}/facts"), Some(format!("/w/{id}/facts\""))),
        (format!("/w/{id}/notes"), Some(format!("/w/{id}/notes\""))),
        (format!("/w/{id}/verify"), Some(format!("/w/{id}/verify\""))),
        (
            format!("/w/{id}/history"),
            Some(format!("/w/{id}/history\"")),
        ),
        (format!("/w/{id}/rows/3.2.4"), None),
    ] {
        let html = c.get(&uri).await.text();
        let marked: Vec<&str> = html
            .match_indices(" aria-current=\"page\"")
            .map(|(at, _)| {
                let link = &html[..at];
                &link[link.rfind("href=\"").map_or(0, |h| h + 6)..]
            })
            .collect();
        match &item {
            Some(item) => assert_eq!(marked, [item.as_str()], "{uri}"),
            None => assert!(marked.is_empty(), "{uri}: {marked:?}"),
        }
    }
}

/// A survey row before its results and a not-arising row out of the applicable max have no
/// points of their own: their pages and the score tree say so, as the report's table leaves
/// them blank beside their max, instead of showing 0 of 0.
async fn a_row_without_points_of_its_own_says_why() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    for (row, points) in [
        ("1.6", "chưa có (tối đa 3)"),
        ("5.2.2", "không tính (tối đa 1)"),
        ("3.2.4", "0,5 / 1"),
    ] {
        let html = c.get(&format!("/w/{id}/rows/{row}")).await.text();
        assert!(
            html.contains(&format!("<dd id=\"row-points\">{points}</dd>")),
            "{row}: {html}"
        );
    }
    let html = c.get(&format!("/w/{id}/rows/1.6")).await.text();
    assert!(
        html.contains("<dd id=\"lost\">Không mất điểm</dd>"),
        "{html}"
    );
    let html = c.get(&format!("/w/{id}/rows/3.2.4")).await.text();
    assert!(
        html.contains("<dd id=\"lost\">Mất 0,5 điểm; để lấy lại:"),
        "{html}"
    );
    // The tree: 1.6 blank beside its max 3; field 1 out of its applicable 10.
    let tree = c.get(&format!("/w/{id}")).await.text();
    let cells = |node: &str| {
        let at = tree.find(&format!("id=\"n-{node}\"")).expect(node);
        let row = &tree[at..at + tree[at..].find("</tr>").expect("row end")];
        row.match_indices("<td class=\"num\">")
            .map(|(i, m)| {
                let cell = &row[i + m.len()..];
                cell[..cell.find("</td>").expect("cell end")].to_owned()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(cells("1.6"), ["", "3", ""]);
    assert_eq!(cells("5.2.2"), ["", "1", ""]);
    assert_eq!(cells("1"), ["8,71", "10", ""]);
    assert_eq!(cells("3.2.4"), ["0,5", "1", "0,5"]);
}

/// The home page lists each workspace with its score page's headline.
async fn the_home_page_shows_each_workspaces_index_and_rating() {
    let c = Client::new().await;
    let scored = c.skhcn().await;
    let empty = c.create_skhcn().await;
    let home = c.get("/").await.text();
    let row = |id: i64| {
        let start = home
            .find(&format!("<tr id=\"ws-{id}\">"))
            .unwrap_or_else(|| panic!("workspace {id} listed: {home}"));
        let end = start + home[start..].find("</tr>").expect("row end");
        home[start..end]
            .split("<td")
            .skip(1)
            .map(|cell| {
                let text = &cell[cell.find('>').expect("cell") + 1..];
                text[..text.find("</td>").expect("cell end")].to_owned()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(row(scored)[3..5], ["82,19%", "Khá"]);
    // Just created, nothing decided from evidence: no 0% beside the others.
    assert_eq!(row(empty)[3..5], ["chưa có minh chứng", "—"]);
    assert!(home.contains("<th>Chỉ số</th><th>Xếp loại</th>"), "{home}");
    // Scored at another date, it shows that score there too.
    let got = c
        .post_json(
            &format!("/api/workspaces/{scored}/as-of"),
            &serde_json::json!({"as_of": "30/06/2026"}),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let summary = c.get(&format!("/api/workspaces/{scored}")).await.json();
    let home = c.get("/").await.text();
    let index = summary["index"].as_str().expect("an index");
    assert_ne!(index, "82,19%");
    assert!(
        home.contains(&format!("<td class=\"num\">{index}</td>")),
        "{home}"
    );
}

/// A workspace put away leaves the home page's list, keeps everything, and comes back.
async fn a_workspace_is_archived_with_everything_kept_and_brought_back() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let kept = c.create_skhcn().await;
    let got = c
        .post_form(&format!("/w/{id}/archive"), &[("archived", "true")])
        .await;
    assert_eq!(got.status, StatusCode::SEE_OTHER, "{}", got.text());
    let home = c.get("/").await.text();
    let (list, archived) = home
        .split_once("<details class=\"archived\" id=\"archived\">")
        .expect("an archived section");
    assert!(!list.contains(&format!("<tr id=\"ws-{id}\">")), "{home}");
    assert!(list.contains(&format!("<tr id=\"ws-{kept}\">")), "{home}");
    assert!(archived.contains("Hồ sơ đã lưu trữ (1)"), "{archived}");
    assert!(
        archived.contains(&format!("<tr id=\"ws-{id}\">")),
        "{archived}"
    );
    assert!(archived.contains("Đưa trở lại danh sách"));
    // Its pages open as before, its score unchanged, saying it is put away; the change in
    // its history.
    let page = c.get(&format!("/w/{id}")).await.text();
    assert!(page.contains("82,19%"));
    assert!(page.contains("Hồ sơ này đã lưu trữ") && page.contains("href=\"/#archived\""));
    assert!(!c
        .get(&format!("/w/{kept}"))
        .await
        .text()
        .contains("id=\"archived-note\""));
    let history = c.get(&format!("/w/{id}/history")).await.text();
    assert!(history.contains("lưu trữ"), "{history}");
    let listed = c.get("/api/workspaces").await.json();
    let flag = |ws: i64| {
        listed
            .as_array()
            .expect("list")
            .iter()
            .find(|w| w["id"] == ws)
            .map(|w| w["archived"].clone())
    };
    assert_eq!(flag(id), Some(serde_json::json!(true)));
    assert_eq!(flag(kept), Some(serde_json::json!(false)));
    // Back through the API: on the list again, nothing else changed.
    let got = c
        .post_json(
            &format!("/api/workspaces/{id}/archive"),
            &serde_json::json!({"archived": false}),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    assert_eq!(got.json()["archived"], false);
    let home = c.get("/").await.text();
    assert!(!home.contains("id=\"archived\""), "{home}");
    assert!(home.contains(&format!("<tr id=\"ws-{id}\">")));
    assert_eq!(
        c.get(&format!("/api/workspaces/{id}")).await.json()["index"],
        "82,19%"
    );
    // Not a workspace, and not a yes/no: refused.
    let got = c
        .post_json(
            "/api/workspaces/999/archive",
            &serde_json::json!({"archived": true}),
        )
        .await;
    assert_eq!(got.status, StatusCode::NOT_FOUND);
    let got = c
        .post_json(
            &format!("/api/workspaces/{id}/archive"),
            &serde_json::json!({"archived": "có"}),
        )
        .await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST, "{}", got.text());
    assert!(
        got.text().contains("cần giá trị true/false"),
        "{}",
        got.text()
    );
}

on_every_backend! {
    a_workspace_is_archived_with_everything_kept_and_brought_back,
    the_home_page_shows_each_workspaces_index_and_rating,
    an_attachment_is_taken_off_its_row,
    a_row_without_points_of_its_own_says_why,
    the_menu_marks_the_page_showing,
    the_evidence_page_says_what_each_file_was_taken_as,
    a_rows_deciding_records_are_listed_in_full_and_downloaded,
    refusals_of_the_apps_own_parsers_are_in_vietnamese,
    a_zip_whose_names_clash_is_refused,
    a_refused_import_leaves_no_workspace,
    a_request_with_too_many_files_is_refused_as_the_one_too_many_arrives,
    a_row_with_only_an_attachment_or_documents_still_scores,
    a_group_left_empty_is_the_sets_own,
    a_rows_page_says_how_many_records_it_does_not_list,
    a_stored_file_gone_from_the_disk_is_named_by_its_name_in_the_folder,
    the_example_uploaded_scores_82_19_kha_like_the_library,
    downloads_are_the_renderers_bytes_of_the_exported_folder,
    a_file_with_bad_cells_is_refused_with_every_problem_and_the_old_version_stays,
    every_version_is_kept_and_an_old_one_can_be_restored,
    a_state_change_without_the_csrf_token_is_refused,
    a_stale_note_is_refused_not_lost,
    declared_points_follow_the_libraries_rules,
    facts_edited_in_the_form_rescore_and_bad_ones_are_refused,
    an_attachment_over_the_limit_is_refused,
    a_request_over_the_body_limit_is_refused,
    an_uploaded_name_never_becomes_a_path,
    the_pages_render_in_vietnamese_with_a_strict_policy,
    text_from_uploads_is_escaped_in_pages,
    part_three_is_saved_over_its_version_and_reaches_the_report,
    the_openapi_document_names_every_api_route,
    a_criteria_set_with_rule_files_is_uploaded_as_its_folder_zipped,
    a_problem_shows_what_it_quotes_as_code_escaped,
    an_error_page_leads_back_to_the_page_it_came_from,
    a_rows_explanation_shows_what_it_quotes_as_code,
    the_officer_chooses_the_date_the_score_is_computed_at,
    the_officer_chooses_the_encoding_of_her_text_exports,
    malformed_requests_are_refused_in_vietnamese,
    an_exported_folder_imports_as_the_same_workspace,
    a_hostile_zip_is_refused_before_anything_is_made,
    a_zip_that_inflates_past_the_limit_is_refused,
    concurrent_clients_lose_no_write,
    a_report_is_replayed_against_the_workspace_row_by_row,
    a_criteria_set_is_uploaded_checked_and_kept,
    the_units_fields_are_a_form_and_reach_the_report,
    one_workbook_of_many_sheets_and_a_windows_1258_export_score_alike,
    a_fact_sent_twice_is_taken_once,
    the_surveys_results_are_taken_in_and_score_the_survey_rows,
    in_one_upload_the_good_tables_are_taken_and_the_bad_one_refused,
    tables_read_while_they_arrive_score_as_read_after_they_have,
    the_points_lost_are_listed_the_most_first_with_what_restores_them,
    two_reports_are_compared_row_by_row_as_parindex_diff_compares_them,
    a_criteria_sets_rows_are_explained_without_evidence,
    an_uploaded_sets_cases_are_run_on_its_page,
    workspaces_beyond_those_kept_in_memory_are_read_again_to_the_same_score,
    a_facts_form_opened_before_another_save_is_refused,
    declared_facts_are_listed_first_with_their_label_type_and_document,
    a_value_not_of_the_declared_type_is_refused_and_nothing_is_saved,
    the_documents_three_fields_are_facts_toml_source_exactly,
}

/// A stored file gone from the disk under the app (a broken disk, a hand in the data
/// folder): the workspace cannot be scored, and says which file could not be read, by its
/// name in the folder, in the problem's file and its message alike, never by the server's path.
async fn a_stored_file_gone_from_the_disk_is_named_by_its_name_in_the_folder() {
    let c = Client::with_limits(parindex_server::Limits {
        workspaces_in_memory: 0,
        ..parindex_server::Limits::default()
    })
    .await;
    let id = c.skhcn().await;
    let files = c.get(&format!("/api/workspaces/{id}/files")).await.json();
    let sha = files
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["stored_name"] == "dossiers.csv")
        .and_then(|f| f["sha256"].as_str())
        .expect("dossiers.csv stored")
        .to_owned();
    let blob = c.app.blobs.path(&sha).expect("a blob's path");
    std::fs::remove_file(&blob).expect("the blob");
    let said = "không đọc được dossiers.csv: không tìm thấy tệp hoặc thư mục";
    let got = c.get(&format!("/api/workspaces/{id}/report")).await;
    assert_eq!(
        got.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        got.text()
    );
    let problems = got.json()["problems"].clone();
    assert_eq!(problems.as_array().map(Vec::len), Some(1), "{problems}");
    assert_eq!(problems[0]["file"], "dossiers.csv");
    assert_eq!(problems[0]["message"], said);
    let page = c.get(&format!("/w/{id}")).await;
    let html = page.text();
    assert!(html.contains(&format!("<td>{said}</td>")), "{html}");
    let data = c.data.path().to_string_lossy().into_owned();
    for text in [got.text(), html] {
        assert!(
            !text.contains(&data) && !text.contains("evidence/"),
            "{text}"
        );
    }
}
