//! One SQLite database per example: a file created (with its folder), migrated and seeded on
//! first use, or a private in-memory database with the same schema; a small connection pool;
//! blocking calls run on actix's blocking thread pool.
//!
//! The schema is a list of [`rusqlite_migration`] steps applied in order, each once
//! (`PRAGMA user_version` counts them). Seed data is a step too, so it is written exactly once.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use claims_runtime::ClaimsError;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, TransactionBehavior};
use rusqlite_migration::Migrations;

/// The pool of connections.
pub type Pool = r2d2::Pool<SqliteConnectionManager>;

/// An example's schema: its migration steps, oldest first.
pub type Schema = fn() -> Migrations<'static>;

/// Set on every new connection. WAL lets readers run while one writer writes; the busy timeout
/// makes a writer wait for another (this process or another instance) instead of failing.
const CONNECTION_SETUP: &str = "PRAGMA journal_mode = WAL;
     PRAGMA synchronous = NORMAL;
     PRAGMA foreign_keys = ON;
     PRAGMA busy_timeout = 5000;";

/// The database could not be opened or migrated; the message names the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbError(pub String);

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DbError {}

/// A database: a file or a private in-memory one, opened at most once. Cheap to clone (one
/// shared pool).
#[derive(Clone)]
pub struct Database(Arc<Inner>);

struct Inner {
    /// `None` for an in-memory database.
    path: Option<PathBuf>,
    schema: Schema,
    pool: Mutex<Option<Pool>>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Database").field(&self.0.path).finish()
    }
}

impl Database {
    /// Opens the file at `path` now: creates its folder and the file if missing, and applies
    /// the pending steps of `schema`.
    pub fn open(path: impl AsRef<Path>, schema: Schema) -> Result<Database, DbError> {
        let db = Database::deferred(path, schema);
        db.pool()?;
        Ok(db)
    }

    /// The file at `path`, opened on first use (for commands that may never query it).
    pub fn deferred(path: impl AsRef<Path>, schema: Schema) -> Database {
        Database(Arc::new(Inner {
            path: Some(path.as_ref().to_path_buf()),
            schema,
            pool: Mutex::new(None),
        }))
    }

    /// A private in-memory database with `schema` applied, gone when the last clone is dropped.
    pub fn in_memory(schema: Schema) -> Database {
        Database(Arc::new(Inner {
            path: None,
            schema,
            pool: Mutex::new(None),
        }))
    }

    /// The file, or `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        self.0.path.as_deref()
    }

    /// The pool, opening the database on first call.
    pub fn pool(&self) -> Result<Pool, DbError> {
        // Held while opening, so two first requests do not migrate at once.
        let mut slot = self.0.pool.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(pool) = &*slot {
            return Ok(pool.clone());
        }
        let pool = match &self.0.path {
            Some(path) => open_file(path, self.0.schema),
            None => open_memory(self.0.schema),
        }?;
        *slot = Some(pool.clone());
        Ok(pool)
    }

    /// Runs `f` with a connection on actix's blocking thread pool, so a slow query never stalls
    /// a worker. A database failure becomes an internal error (500): logged with its cause,
    /// never sent to the caller.
    pub async fn run<T, F>(&self, f: F) -> Result<T, ClaimsError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || {
            let pool = db.pool().map_err(ClaimsError::internal)?;
            let mut conn = pool.get().map_err(ClaimsError::internal)?;
            f(&mut conn).map_err(ClaimsError::internal)
        })
        .await
        .map_err(ClaimsError::internal)?
    }
}

fn open_file(path: &Path, schema: Schema) -> Result<Pool, DbError> {
    let failed = |e: &dyn std::fmt::Display| {
        DbError(format!("cannot open the database {}: {e}", path.display()))
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| failed(&e))?;
    }
    let pool = r2d2::Pool::builder()
        .max_size(8)
        .connection_timeout(Duration::from_secs(5))
        .build(SqliteConnectionManager::file(path).with_init(setup))
        .map_err(|e| failed(&e))?;
    migrate(&pool, schema).map_err(|e| failed(&e))?;
    Ok(pool)
}

fn open_memory(schema: Schema) -> Result<Pool, DbError> {
    let failed =
        |e: &dyn std::fmt::Display| DbError(format!("cannot open the in-memory database: {e}"));
    // Each in-memory connection is its own database: one connection, never recycled.
    let pool = r2d2::Pool::builder()
        .max_size(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .build(SqliteConnectionManager::memory().with_init(setup))
        .map_err(|e| failed(&e))?;
    migrate(&pool, schema).map_err(|e| failed(&e))?;
    Ok(pool)
}

fn setup(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.execute_batch(CONNECTION_SETUP)?;
    // Write transactions take the write lock at BEGIN: two that start as readers cannot
    // deadlock on the upgrade.
    conn.set_transaction_behavior(TransactionBehavior::Immediate);
    Ok(())
}

fn migrate(pool: &Pool, schema: Schema) -> Result<(), Box<dyn std::error::Error>> {
    let mut conn = pool.get()?;
    let steps = schema();
    // Another instance may migrate between this one's version check and its transaction;
    // once it has, a second try finds nothing left to do.
    steps
        .to_latest(&mut conn)
        .or_else(|_| steps.to_latest(&mut conn))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite_migration::M;

    fn schema() -> Migrations<'static> {
        Migrations::new(vec![
            M::up("CREATE TABLE t (v INTEGER NOT NULL);"),
            M::up("INSERT INTO t (v) VALUES (1);"),
        ])
    }

    fn rows(db: &Database) -> i64 {
        db.pool()
            .unwrap()
            .get()
            .unwrap()
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_file_is_created_migrated_and_seeded_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a").join("b.db");
        let db = Database::deferred(&path, schema);
        assert!(!path.exists(), "deferred touches nothing");
        assert_eq!(rows(&db), 1);
        assert!(path.exists());
        drop(db);
        let again = Database::open(&path, schema).unwrap();
        assert_eq!(rows(&again), 1, "seeded once");
        assert_eq!(again.path(), Some(path.as_path()));
    }

    #[test]
    fn in_memory_keeps_its_data_across_calls() {
        let db = Database::in_memory(schema);
        db.pool()
            .unwrap()
            .get()
            .unwrap()
            .execute("INSERT INTO t (v) VALUES (2)", [])
            .unwrap();
        assert_eq!(rows(&db), 2);
        assert_eq!(db.path(), None);
    }

    #[test]
    fn a_bad_path_is_one_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("file"), "").unwrap();
        let e = Database::open(dir.path().join("file").join("x.db"), schema).unwrap_err();
        assert!(e.0.starts_with("cannot open the database "), "{e}");
        assert!(e.0.contains("x.db"), "{e}");
    }
}
