//! `parindex-db`'s conformance checks on PostgreSQL: a fresh database each on the server
//! named by `PARINDEX_TEST_POSTGRES` (skipped with a note when unset, failing under CI),
//! connected twice (two pools, as two processes of the server would).

use std::sync::Arc;

use parindex_db::conformance::Fresh;
use parindex_db_postgres::scratch::{self, Scratch};
use parindex_db_postgres::PostgresDatabase;

async fn fresh(check: &'static str) -> Option<Fresh> {
    let server = scratch::server(check)?;
    let scratch = Scratch::create(&server).await.expect("a scratch database");
    let db = PostgresDatabase::connect(&scratch.address)
        .await
        .expect("connects");
    let other = PostgresDatabase::connect(&scratch.address)
        .await
        .expect("connects again");
    Some(Fresh {
        db: Arc::new(db),
        other: Arc::new(other),
        keep: Box::new(scratch),
    })
}

parindex_db::conformance_tests!(fresh);
