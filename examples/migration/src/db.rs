//! The legacy user store: one SQLite file (compiled in, nothing to install), created, migrated
//! and seeded with two demo users on first run (the same conventions as the loyalty example,
//! see [`examples_common::sqlite`]), and the example's queries.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use rusqlite_migration::{HookResult, M, Migrations};

pub use examples_common::sqlite::{Database, DbError};

use crate::passwords;

/// The demo users the first run writes: (legacy object id, e-mail, given name, surname,
/// password, hash scheme). The passwords are printed here for trying the example only; the
/// database keeps their hashes.
pub const DEMO_USERS: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "legacy-0001",
        "alex@contoso.com",
        "Alex",
        "Wilber",
        "Argon2-legacy-pass!",
        "argon2",
    ),
    (
        "legacy-0002",
        "bea@contoso.com",
        "Béa",
        "Lefèvre",
        "Bcrypt-legacy-pass!",
        "bcrypt",
    ),
];

/// The schema, one step per release, each applied once (`PRAGMA user_version` counts them).
pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(
            "CREATE TABLE legacy_users (
                object_id     TEXT PRIMARY KEY,
                email         TEXT NOT NULL UNIQUE,
                given_name    TEXT,
                surname       TEXT,
                -- Cleared once the user is migrated: the directory holds the password then.
                password_hash TEXT,
                migrated_at   TEXT,
                b2c_object_id TEXT
            );",
        ),
        // Demo users, as a migration so they are written exactly once, on first run.
        M::up_with_hook("", seed),
    ])
}

fn seed(tx: &Transaction) -> HookResult {
    for (id, email, given, surname, password, scheme) in DEMO_USERS {
        let hash = match *scheme {
            "argon2" => passwords::hash_argon2(password),
            // Cost 10: what many legacy systems used.
            _ => passwords::hash_bcrypt(password, 10),
        };
        tx.execute(
            "INSERT INTO legacy_users (object_id, email, given_name, surname, password_hash)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, email, given, surname, hash],
        )?;
    }
    Ok(())
}

/// Opens the file at `path` now: creates its folder and the file if missing and applies the
/// pending migrations (the first run also seeds the demo users).
pub fn open(path: impl AsRef<Path>) -> Result<Database, DbError> {
    Database::open(path, migrations)
}

/// The file at `path`, opened on first use (for commands that may never query it).
pub fn deferred(path: impl AsRef<Path>) -> Database {
    Database::deferred(path, migrations)
}

/// A legacy user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyUser {
    /// The legacy system's id.
    pub object_id: String,
    /// Given name.
    pub given_name: Option<String>,
    /// Surname.
    pub surname: Option<String>,
    /// The stored hash; `None` once migrated.
    pub password_hash: Option<String>,
    /// Whether the user was migrated to the directory already.
    pub migrated: bool,
}

/// Finds a legacy user by e-mail (case-insensitive).
pub fn user_by_email(conn: &Connection, email: &str) -> rusqlite::Result<Option<LegacyUser>> {
    conn.prepare_cached(
        "SELECT object_id, given_name, surname, password_hash, migrated_at IS NOT NULL
         FROM legacy_users WHERE email = ?1",
    )?
    .query_row([email.trim().to_lowercase()], |r| {
        Ok(LegacyUser {
            object_id: r.get(0)?,
            given_name: r.get(1)?,
            surname: r.get(2)?,
            password_hash: r.get(3)?,
            migrated: r.get(4)?,
        })
    })
    .optional()
}

/// What marking a user migrated found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marked {
    /// Marked now; the legacy hash is deleted.
    Now,
    /// Already marked with the same directory object id (a retry).
    Already,
    /// Already marked with another directory object id.
    ByAnother,
    /// No such legacy user.
    Unknown,
}

/// Marks a legacy user migrated to directory object `b2c_object_id` and deletes the legacy
/// hash. Safe to repeat: a second call with the same ids changes nothing.
pub fn mark_migrated(
    conn: &mut Connection,
    legacy_id: &str,
    b2c_object_id: &str,
) -> rusqlite::Result<Marked> {
    let tx = conn.transaction()?;
    let changed = tx.execute(
        "UPDATE legacy_users
         SET migrated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), b2c_object_id = ?2,
             password_hash = NULL
         WHERE object_id = ?1 AND migrated_at IS NULL",
        params![legacy_id, b2c_object_id],
    )?;
    let marked = if changed == 1 {
        Marked::Now
    } else {
        match tx
            .query_row(
                "SELECT b2c_object_id FROM legacy_users WHERE object_id = ?1",
                [legacy_id],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()?
        {
            None => Marked::Unknown,
            Some(Some(id)) if id == b2c_object_id => Marked::Already,
            Some(_) => Marked::ByAnother,
        }
    };
    tx.commit()?;
    Ok(marked)
}
