//! `parindex-db`'s conformance checks on SQLite: a fresh file in a temporary folder each,
//! opened twice (two pools, as two processes would).

use std::sync::Arc;

use parindex_db::conformance::Fresh;
use parindex_db_sqlite::SqliteDatabase;

async fn fresh(_check: &'static str) -> Option<Fresh> {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("parindex.sqlite");
    let db = SqliteDatabase::open(&file).await.expect("opens");
    let other = SqliteDatabase::open(&file).await.expect("opens again");
    Some(Fresh {
        db: Arc::new(db),
        other: Arc::new(other),
        keep: Box::new(dir),
    })
}

parindex_db::conformance_tests!(fresh);
