//! The app's storage as the officer meets it, on every backend: what is saved survives a
//! restart, the database is where `--database` says, and a text the database could not keep
//! is refused alike.

mod common;

use axum::http::StatusCode;
use common::*;

async fn what_is_saved_survives_a_restart() {
    let c = Client::new().await;
    let id = c.skhcn().await;
    let got = c
        .post_json(
            &format!("/api/workspaces/{id}/rows/3.2.4/note"),
            &serde_json::json!({"version": 0, "giai_trinh": "Đã bổ sung văn bản"}),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let before = c.get(&format!("/api/workspaces/{id}")).await.json();

    let again = c.reopen().await;
    let after = again.get(&format!("/api/workspaces/{id}")).await.json();
    assert_eq!(after, before);
    assert_eq!(after["index"], "82,19%");
    let note = again
        .get(&format!("/api/workspaces/{id}/rows/3.2.4/note"))
        .await
        .json();
    assert_eq!(
        (note["giai_trinh"].as_str(), note["version"].as_i64()),
        (Some("Đã bổ sung văn bản"), Some(1))
    );
    // A new workspace after the restart takes the next id.
    assert_eq!(again.create_skhcn().await, id + 1);
}

async fn the_database_is_where_it_was_told() {
    let c = Client::new().await;
    c.skhcn().await;
    let sqlite = c.data.path().join("parindex.sqlite");
    match Backend::current() {
        Backend::Sqlite => assert!(sqlite.is_file()),
        // On PostgreSQL the data folder keeps the blobs only.
        Backend::Postgres => {
            assert!(!sqlite.exists());
            assert!(c.database.is_some());
        }
    }
    assert!(c.data.path().join("blobs").is_dir());
}

async fn a_text_with_nul_is_refused_alike_and_nothing_is_saved() {
    let c = Client::new().await;
    let id = c.create_skhcn().await;
    let got = c
        .post_json(
            &format!("/api/workspaces/{id}/rows/3.2.4/note"),
            &serde_json::json!({"version": 0, "giai_trinh": "trước\u{0}sau"}),
        )
        .await;
    assert_eq!(got.status, StatusCode::BAD_REQUEST, "{}", got.text());
    assert!(got.json()["message"]
        .as_str()
        .is_some_and(|m| m.contains("U+0000")));
    let note = c
        .get(&format!("/api/workspaces/{id}/rows/3.2.4/note"))
        .await
        .json();
    assert_eq!(note["version"], 0);
    assert_eq!(
        c.get(&format!("/api/workspaces/{id}")).await.json()["workspace"]["revision"],
        1
    );
}

/// Two processes of the server on one database (a province's deployment): a criteria set
/// uploaded through one is used by the other, which had started before it.
async fn a_set_uploaded_through_one_process_serves_the_others() {
    let first = Client::new().await;
    let second = first.reopen().await;
    let own = std::fs::read_to_string(criteria().join("criteria.toml"))
        .expect("the set")
        .replacen(
            "title = \"Bộ chỉ số đánh giá",
            "title = \"Bộ chỉ số (bản của Sở) đánh giá",
            1,
        );
    let sha = first.own_set("criteria.toml", own.into_bytes()).await;
    let listed = second.get("/api/criteria").await.json();
    assert!(
        listed
            .as_array()
            .expect("sets")
            .iter()
            .any(|s| s["sha256"] == sha.as_str()),
        "{listed}"
    );
    let got = second
        .post_json(
            "/api/workspaces",
            &serde_json::json!({"criteria": sha, "code": "SKHCN", "name": "Sở KH&CN", "group": "so"}),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let id = got.json()["id"].as_i64().expect("id");
    // And a third, started after, reads the workspace scored with it.
    let third = first.reopen().await;
    let got = third
        .post_files(
            &format!("/api/workspaces/{id}/evidence"),
            "files",
            &fixture_files(),
        )
        .await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    let report = third.get(&format!("/api/workspaces/{id}/report")).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.text());
    assert!(report.text().contains("bản của Sở"));
}

on_every_backend! {
    a_set_uploaded_through_one_process_serves_the_others,
    what_is_saved_survives_a_restart,
    the_database_is_where_it_was_told,
    a_text_with_nul_is_refused_alike_and_nothing_is_saved,
}

#[tokio::test]
async fn a_database_address_of_another_kind_is_refused() {
    let data = tempfile::tempdir().expect("temp dir");
    let Err(e) = parindex_server::app_on(
        data.path().to_path_buf(),
        Some("mysql://user:secret@host/db"),
        parindex_server::Limits::default(),
    )
    .await
    else {
        panic!("a MySQL address is not a database of the app");
    };
    let told = e.message();
    assert!(told.contains("PostgreSQL"), "{told}");
    assert!(!told.contains("secret"), "{told}");
}

#[tokio::test]
async fn a_database_that_cannot_be_reached_is_told_without_its_password() {
    let data = tempfile::tempdir().expect("temp dir");
    // Port 1 on the loopback address: nothing listens there.
    let Err(e) = parindex_server::app_on(
        data.path().to_path_buf(),
        Some("postgres://parindex:hunter2@127.0.0.1:1/parindex"),
        parindex_server::Limits::default(),
    )
    .await
    else {
        panic!("nothing listens on port 1");
    };
    let told = e.message();
    assert!(
        told.contains("không mở được cơ sở dữ liệu PostgreSQL"),
        "{told}"
    );
    assert!(!told.contains("hunter2"), "{told}");
}
