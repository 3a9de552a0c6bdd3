//! The migrations a shipped database has applied are never edited: sqlx records each one's
//! SHA-384 in `_sqlx_migrations` and refuses to open a database whose applied migration no
//! longer matches. A change of schema is a new migration.

use parindex_db_sqlite::{SqliteDatabase, MIGRATOR};

/// (version, description, SHA-384) of every migration the first release shipped
/// (`crates/parindex-server/migrations/` then).
const SHIPPED: &[(i64, &str, &str)] = &[
    (
        1,
        "initial",
        "63082856b66d6cfede4dc07ae681e57853deb0bd19f61932fb4bda900e199a68471aab0378d26a15d8e341cdb74ec58b",
    ),
    (
        2,
        "criteria sets",
        "9c526006cbfe6730485dd492a4cb71d3678d8a4748e148151143f64a17f22c4c0fa9988f698559c8fb292471d810661e",
    ),
    (
        3,
        "campaign",
        "6568d527994e2c91006a5fd2949441bd4a65686c694dc5d6ce2fdf32fd98558906adb5ee8a96ba30575825693e6084ff",
    ),
    (
        4,
        "workspace as of",
        "c69ec231ae10b2f5606eaf4a71d09cc8aa9b5a041ec96e82ed65ff9663ff2035aca5fd938a6bfc260d645209a04f43df",
    ),
    (
        5,
        "workspace encoding",
        "f8533170d56fad1b5d0dda7f0b41814d9db9be2d4a5c054039b400b2e984660c62564fe19b284d16f553057b58929ead",
    ),
];

#[test]
fn the_shipped_migrations_are_unchanged() {
    let now: Vec<(i64, String, String)> = MIGRATOR
        .iter()
        .map(|m| {
            (
                m.version,
                m.description.to_string(),
                parindex_db::hex(&m.checksum),
            )
        })
        .collect();
    assert!(now.len() >= SHIPPED.len());
    for ((version, description, checksum), shipped) in now.iter().zip(SHIPPED) {
        assert_eq!(
            (*version, description.as_str(), checksum.as_str()),
            *shipped,
            "an applied migration was edited: add a new one instead"
        );
    }
}

#[tokio::test]
async fn a_database_opened_again_keeps_its_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("parindex.sqlite");
    let ws = {
        let db = SqliteDatabase::open(&file).await.expect("opens");
        parindex_db::Database::create_workspace(
            &db,
            &parindex_db::NewWorkspace {
                unit_code: "SKHCN".to_owned(),
                unit_name: "Sở Khoa học và Công nghệ".to_owned(),
                unit_group: "so".to_owned(),
                year: 2026,
                criteria_id: "nghe-an-2026-so".to_owned(),
                criteria_sha256: "a".repeat(64),
            },
        )
        .await
        .expect("a workspace")
    };
    let db = SqliteDatabase::open(&file).await.expect("opens again");
    let w = parindex_db::Database::workspace(&db, ws)
        .await
        .expect("reads")
        .expect("kept");
    assert_eq!((w.unit_code.as_str(), w.revision), ("SKHCN", 1));
}

/// A data folder made before the campaign (migrations 1 and 2) opens, and its history comes
/// through the rebuilt table whole: every entry, its workspace, no one named as its author.
#[tokio::test]
async fn a_database_of_the_officer_s_app_is_brought_up_to_the_campaign() {
    use std::borrow::Cow;
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("parindex.sqlite");
    {
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&file)
            .create_if_missing(true);
        let pool = sqlx::SqlitePool::connect_with(options)
            .await
            .expect("opens");
        let before = sqlx::migrate::Migrator {
            migrations: Cow::Owned(MIGRATOR.migrations[..2].to_vec()),
            ..sqlx::migrate::Migrator::DEFAULT
        };
        before.run(&pool).await.expect("migrations 1 and 2");
        for statement in [
            "INSERT INTO workspaces VALUES (1, 'SKHCN', 'Sở KH&CN', 'so', 2026, 'set', 'aa', \
             NULL, 0, 2, 10)",
            "INSERT INTO history VALUES (1, 1, 10, 'tạo', 'SKHCN — Sở KH&CN')",
            "INSERT INTO history VALUES (2, 1, 11, 'số liệu', 'biểu mẫu')",
        ] {
            sqlx::query(statement)
                .execute(&pool)
                .await
                .expect(statement);
        }
        pool.close().await;
    }
    let db = SqliteDatabase::open(&file).await.expect("migrates");
    let history = parindex_db::Database::history(&db, 1).await.expect("reads");
    let got: Vec<(i64, i64, &str)> = history
        .iter()
        .map(|h| (h.id, h.at, h.action.as_str()))
        .collect();
    assert_eq!(got, [(2, 11, "số liệu"), (1, 10, "tạo")]);
    assert!(history
        .iter()
        .all(|h| h.actor.is_none() && h.unit_code.is_none() && h.workspace_id == Some(1)));
    assert_eq!(
        parindex_db::Database::account_count(&db)
            .await
            .expect("counts"),
        0
    );
}
