//! # parindex-db-postgres
//!
//! [`parindex_db::Database`] on PostgreSQL: the province's deployment database, where more
//! than one process of the server may share one database. The statements are
//! `parindex-db`'s shared ones (`shared/database.rs`); the migrations are its `migrations/`
//! (sqlx takes an advisory lock while applying them, so processes starting together do not
//! race).
//!
//! Writes: every write transaction runs at READ COMMITTED and first takes
//! `pg_advisory_xact_lock` on [`WRITE_LOCK`], held by the database until the transaction ends,
//! so that writes are serialised across every process: the `MAX(id) + 1` ids, the revision
//! checks and the read-then-write of a facts form each see every write committed before
//! them (READ COMMITTED takes a snapshot per statement, so the statements after the lock see
//! what the previous holder committed; REPEATABLE READ would keep the snapshot taken before
//! the wait). A process-wide mutex in front of it keeps waiting writers from holding pooled
//! connections; it is an economy, not what makes the writes safe.

pub mod scratch;

use std::str::FromStr;

use parindex_db::DbError;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgPool};
use tokio::sync::Mutex;

#[path = "../../parindex-db/shared/database.rs"]
mod shared;

type Db = sqlx::Postgres;
type Backend = PostgresDatabase;

/// The migrations shared by every backend.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../parindex-db/migrations");

/// The key of the advisory lock every write holds: `parindex` in ASCII.
pub const WRITE_LOCK: i64 = 0x7061_7269_6e64_6578;

/// A PostgreSQL database.
#[derive(Debug)]
pub struct PostgresDatabase {
    pool: PgPool,
    turn: Mutex<()>,
}

/// Whether `address` names a PostgreSQL database (`postgres://…`, `postgresql://…`).
pub fn is_address(address: &str) -> bool {
    address.starts_with("postgres://") || address.starts_with("postgresql://")
}

impl PostgresDatabase {
    const ENGINE: &'static str = "postgres";

    /// Connects to `postgres://user:password@host:port/database` and brings its schema up to
    /// date. The address's password is never part of an error.
    pub async fn connect(address: &str) -> Result<Self, DbError> {
        let options = PgConnectOptions::from_str(address).map_err(|e| {
            DbError::Address(format!(
                "not a PostgreSQL address ({})",
                redact(&e.to_string())
            ))
        })?;
        Self::connect_with(options).await
    }

    /// [`Self::connect`] with options made in code.
    pub async fn connect_with(options: PgConnectOptions) -> Result<Self, DbError> {
        // One connection first, so that a server that is down or a wrong password is told at
        // once, not after the pool's acquire timeout of retries.
        options.connect().await?.close().await?;
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Self {
            pool,
            turn: Mutex::new(()),
        })
    }

    fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// A write's transaction: this process's turn, then the database-wide write lock.
    async fn begin_write(&self) -> Result<shared::Write<'_>, sqlx::Error> {
        let turn = self.turn.lock().await;
        let mut tx = self
            .pool
            .begin_with("BEGIN ISOLATION LEVEL READ COMMITTED")
            .await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(WRITE_LOCK)
            .execute(&mut *tx)
            .await?;
        Ok(shared::Write { tx, _turn: turn })
    }
}

/// `text` with what stands between `://` and the last `@` of the word (a user and password)
/// hidden.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        // Up to the end of the word: a password with an unencoded `/` is hidden too (and so,
        // at worst, is a host before an `@` further on).
        let end = tail.find(char::is_whitespace).unwrap_or(tail.len());
        match tail[..end].rfind('@') {
            Some(at) => {
                out.push('…');
                rest = &tail[at..];
            }
            None => rest = tail,
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn the_password_of_an_address_is_never_shown() {
        assert_eq!(
            redact("postgres://parindex:s3cr@t@db.example:5432/parindex"),
            "postgres://…@db.example:5432/parindex"
        );
        assert_eq!(
            redact("no route to postgresql://u:p@h/x, then postgres://h/y"),
            "no route to postgresql://…@h/x, then postgres://h/y"
        );
        assert_eq!(
            redact("postgres://h:5432/x?sslmode=require"),
            "postgres://h:5432/x?sslmode=require"
        );
        assert_eq!(redact("plain text"), "plain text");
        assert_eq!(redact("postgres://u:a/b@h/x"), "postgres://…@h/x");
    }
}
