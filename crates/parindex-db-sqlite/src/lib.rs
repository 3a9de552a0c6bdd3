//! # parindex-db-sqlite
//!
//! [`parindex_db::Database`] on SQLite: the web app's embedded default, one file in the data
//! folder (`parindex.sqlite`), in WAL mode with foreign keys enforced. The statements are
//! `parindex-db`'s shared ones (`shared/database.rs`); the migrations are its `migrations/`.
//!
//! Writes: a process-wide mutex gives one writer at a time its turn, and the transaction
//! begins with `BEGIN IMMEDIATE`, SQLite's write lock on the file, so that another process
//! on the same file waits (up to the busy timeout) instead of writing over a stale read.

use std::path::Path;
use std::time::Duration;

use parindex_db::DbError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::SqlitePool;
use tokio::sync::Mutex;

#[path = "../../parindex-db/shared/database.rs"]
mod shared;

type Db = sqlx::Sqlite;
type Backend = SqliteDatabase;

/// The migrations shared by every backend.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../parindex-db/migrations");

/// The database in one SQLite file.
#[derive(Debug)]
pub struct SqliteDatabase {
    pool: SqlitePool,
    turn: Mutex<()>,
}

impl SqliteDatabase {
    const ENGINE: &'static str = "sqlite";

    /// Opens (creating) the database file and brings its schema up to date.
    pub async fn open(file: &Path) -> Result<Self, DbError> {
        let options = SqliteConnectOptions::new()
            .filename(file)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        Ok(Self {
            pool,
            turn: Mutex::new(()),
        })
    }

    fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A write's transaction: this process's turn, then the file's write lock.
    async fn begin_write(&self) -> Result<shared::Write<'_>, sqlx::Error> {
        let turn = self.turn.lock().await;
        let tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(shared::Write { tx, _turn: turn })
    }
}
