//! Throwaway databases for tests: each test gets a fresh database on the PostgreSQL server
//! named by `PARINDEX_TEST_POSTGRES` (an address such as
//! `postgres://user:password@127.0.0.1:5432/postgres`, whose role may create databases),
//! dropped when the test ends. Test code: its names and statements are its own.
//!
//! Without that variable the PostgreSQL half of a test is skipped with a note on standard
//! error, except under `CI=true`, where it fails: CI never skips it silently.

use std::io::Write;
use std::str::FromStr;

use parindex_db::DbError;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};

/// The variable naming the test server.
pub const SERVER_VAR: &str = "PARINDEX_TEST_POSTGRES";

/// The test server's address, or `None` when the variable is unset outside CI (told once per
/// test binary on standard error, past the test harness's capture). `test` names the test
/// whose PostgreSQL half is skipped.
///
/// # Panics
///
/// When the variable is unset and `CI` is `true`.
pub fn server(test: &str) -> Option<String> {
    static TOLD: std::sync::Once = std::sync::Once::new();
    match std::env::var(SERVER_VAR) {
        Ok(address) if !address.is_empty() => Some(address),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{SERVER_VAR} is unset under CI=true: the PostgreSQL half of {test} cannot run")
        }
        _ => {
            TOLD.call_once(|| {
                // Straight to the file: libtest captures what `eprintln!` prints.
                let _ = writeln!(
                    std::io::stderr(),
                    "note: {SERVER_VAR} is unset: the PostgreSQL half of the tests is skipped \
                     (first {test}); set it to a server's address, as .ci/run does"
                );
            });
            None
        }
    }
}

/// A database made for one test, dropped (with its connections) when this is dropped.
#[derive(Debug)]
pub struct Scratch {
    /// The address of the new database.
    pub address: String,
    server: String,
    name: String,
}

impl Scratch {
    /// Creates an empty database on `server`.
    pub async fn create(server: &str) -> Result<Self, DbError> {
        let mut bytes = [0u8; 8];
        getrandom::fill(&mut bytes)
            .map_err(|e| DbError::Address(format!("random database name: {e}")))?;
        let name = format!("parindex_test_{}", parindex_db::hex(&bytes));
        let mut admin = connect(server).await?;
        // `name` is made here of [a-z0-9_]: no quoting needed, nothing from input. A
        // Vietnamese collation where the server has ICU (PostgreSQL 15 and later), so that
        // the backend's byte-order lists meet an order that differs from it.
        let vietnamese = format!(
            "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' \
             LOCALE_PROVIDER icu ICU_LOCALE 'vi-VN'"
        );
        if sqlx::query(&vietnamese).execute(&mut admin).await.is_err() {
            sqlx::query(&format!("CREATE DATABASE {name} ENCODING 'UTF8'"))
                .execute(&mut admin)
                .await?;
        }
        admin.close().await?;
        let sep = if server.contains('?') { '&' } else { '?' };
        Ok(Self {
            address: format!("{server}{sep}dbname={name}"),
            server: server.to_owned(),
            name,
        })
    }
}

async fn connect(server: &str) -> Result<sqlx::PgConnection, DbError> {
    let options = PgConnectOptions::from_str(server)
        .map_err(|e| DbError::Address(crate::redact(&e.to_string())))?;
    Ok(options.connect().await?)
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let server = self.server.clone();
        let name = self.name.clone();
        // Drop runs inside the test's runtime, which cannot be blocked on: a thread of its own.
        let done = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut admin = connect(&server).await.ok()?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut admin)
                    .await
                    .ok()?;
                admin.close().await.ok()
            })
        })
        .join();
        let _ = done;
    }
}
