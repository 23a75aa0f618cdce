//! The customer database: one SQLite file (compiled in, nothing to install), created, migrated
//! and seeded on first run (see [`examples_common::sqlite`]), and the example's queries.
//!
//! Queries are blocking: handlers run them through [`Database::run`], which moves them to
//! actix's blocking thread pool so a slow query never stalls a worker.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};
use rusqlite_migration::{M, Migrations};

pub use examples_common::sqlite::{Database, DbError};

/// The schema, one step per release; applied in order, each once (`PRAGMA user_version` counts
/// them). Never edit a released step: add a new one.
pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(
            "CREATE TABLE customers (
            member_id  TEXT PRIMARY KEY,
            email      TEXT NOT NULL UNIQUE,
            name       TEXT NOT NULL,
            tier       TEXT NOT NULL DEFAULT 'bronze' CHECK (tier IN ('bronze', 'silver', 'gold')),
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        CREATE INDEX customers_tier ON customers (tier);
        CREATE TABLE customer_tags (
            member_id TEXT NOT NULL REFERENCES customers (member_id) ON DELETE CASCADE,
            tag       TEXT NOT NULL,
            PRIMARY KEY (member_id, tag)
        );
        -- One row per sign-up journey. The unique key is the retry guard that holds across
        -- instances: a second attempt with the same correlation id inserts nothing.
        CREATE TABLE audit_log (
            id             INTEGER PRIMARY KEY,
            event          TEXT NOT NULL,
            correlation_id TEXT NOT NULL,
            object_id      TEXT NOT NULL,
            member_id      TEXT NOT NULL,
            new_member     INTEGER NOT NULL,
            at             TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            UNIQUE (event, correlation_id, object_id)
        );
        -- Notifications to send, written in the same transaction as the change they announce
        -- (transactional outbox); a sender process delivers and stamps them.
        CREATE TABLE outbox (
            id         INTEGER PRIMARY KEY,
            kind       TEXT NOT NULL,
            dedup_key  TEXT NOT NULL UNIQUE,
            payload    TEXT NOT NULL,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            sent_at    TEXT
        );",
        ),
        // Demo data, as a migration so it is written exactly once, on first run.
        M::up(
            "INSERT INTO customers (member_id, email, name, tier) VALUES
            ('10000001', 'emily@contoso.com', 'Emily Braun', 'gold'),
            ('10000002', 'jerome@contoso.com', 'Jérôme Martin', 'silver'),
            ('10000003', 'ana@contoso.com', 'Ana Souza', 'bronze');
        INSERT INTO customer_tags (member_id, tag) VALUES
            ('10000001', 'newsletter'),
            ('10000001', 'beta'),
            ('10000003', 'newsletter');",
        ),
    ])
}

/// Opens the file at `path` now: creates its folder and the file if missing and applies the
/// pending migrations (the first run also seeds the demo customers).
pub fn open(path: impl AsRef<Path>) -> Result<Database, DbError> {
    Database::open(path, migrations)
}

/// The file at `path`, opened on first use (for commands that may never query it).
pub fn deferred(path: impl AsRef<Path>) -> Database {
    Database::deferred(path, migrations)
}

/// A private in-memory database with the schema and the demo customers, gone when dropped.
pub fn in_memory() -> Database {
    Database::in_memory(migrations)
}

/// A customer row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// Member id (8 digits), the loyalty number.
    pub member_id: String,
    /// E-mail address, lower case.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Loyalty tier: bronze, silver or gold.
    pub tier: String,
    /// Marketing tags.
    pub tags: Vec<String>,
}

/// The form e-mail addresses are stored and compared in.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Finds a customer by e-mail (case-insensitive).
pub fn customer_by_email(conn: &Connection, email: &str) -> rusqlite::Result<Option<Customer>> {
    customer_where(conn, "email = ?1", &normalize_email(email))
}

/// Finds a customer by member id.
pub fn customer_by_member_id(conn: &Connection, id: &str) -> rusqlite::Result<Option<Customer>> {
    customer_where(conn, "member_id = ?1", id)
}

fn customer_where(
    conn: &Connection,
    filter: &str,
    value: &str,
) -> rusqlite::Result<Option<Customer>> {
    let sql = format!("SELECT member_id, email, name, tier FROM customers WHERE {filter}");
    let Some(mut c) = conn
        .prepare_cached(&sql)?
        .query_row([value], |r| {
            Ok(Customer {
                member_id: r.get(0)?,
                email: r.get(1)?,
                name: r.get(2)?,
                tier: r.get(3)?,
                tags: Vec::new(),
            })
        })
        .optional()?
    else {
        return Ok(None);
    };
    c.tags = conn
        .prepare_cached("SELECT tag FROM customer_tags WHERE member_id = ?1 ORDER BY tag")?
        .query_map([&c.member_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(c))
}

/// How many customers a tier has (case-insensitive).
pub fn count_tier(conn: &Connection, tier: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT count(*) FROM customers WHERE tier = lower(?1)")?
        .query_row([tier.trim()], |r| r.get(0))
}

/// A sign-up to record.
#[derive(Debug, Clone)]
pub struct SignUp {
    /// B2C's correlation id of the journey: with `object_id`, the retry key.
    pub correlation_id: String,
    /// The new account's object id in the directory.
    pub object_id: String,
    /// E-mail address (any case).
    pub email: String,
    /// Display name, already normalized.
    pub name: String,
    /// The user's language, for the notification.
    pub locale: Option<String>,
}

/// What a sign-up answers; a retry gets the first attempt's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrollment {
    /// The loyalty number.
    pub member_id: String,
    /// Whether this sign-up created the membership.
    pub new_member: bool,
}

/// Records a sign-up in one transaction: enrolls the customer if new, writes the audit row and
/// the welcome notification to the outbox. A second attempt of the same journey (same
/// correlation id and object id, from this or any other instance) writes nothing and returns
/// the first attempt's answer: the audit row's unique key decides.
pub fn record_sign_up(conn: &mut Connection, s: &SignUp) -> rusqlite::Result<Enrollment> {
    let email = normalize_email(&s.email);
    let tx = conn.transaction()?;
    let (member_id, new_member) = match customer_by_email(&tx, &email)? {
        Some(c) => (c.member_id, false),
        None => {
            let id: i64 = tx.query_row(
                "SELECT coalesce(max(CAST(member_id AS INTEGER)), 10000000) + 1 FROM customers",
                [],
                |r| r.get(0),
            )?;
            let id = format!("{id:08}");
            tx.execute(
                "INSERT INTO customers (member_id, email, name) VALUES (?1, ?2, ?3)",
                params![id, email, s.name],
            )?;
            (id, true)
        }
    };
    let inserted = tx.execute(
        "INSERT INTO audit_log (event, correlation_id, object_id, member_id, new_member)
         VALUES ('sign-up', ?1, ?2, ?3, ?4)
         ON CONFLICT (event, correlation_id, object_id) DO NOTHING",
        params![s.correlation_id, s.object_id, member_id, new_member],
    )?;
    if inserted == 0 {
        // A retry: drop anything this attempt wrote, answer what the first attempt answered.
        tx.rollback()?;
        return conn.query_row(
            "SELECT member_id, new_member FROM audit_log
             WHERE event = 'sign-up' AND correlation_id = ?1 AND object_id = ?2",
            params![s.correlation_id, s.object_id],
            |r| {
                Ok(Enrollment {
                    member_id: r.get(0)?,
                    new_member: r.get(1)?,
                })
            },
        );
    }
    let payload = serde_json::json!({
        "template": "welcome",
        "to": email,
        "name": s.name,
        "loyaltyNumber": member_id,
        "locale": s.locale,
    });
    tx.execute(
        "INSERT INTO outbox (kind, dedup_key, payload) VALUES ('email', ?1, ?2)",
        params![
            format!("sign-up:{}:{}", s.correlation_id, s.object_id),
            payload.to_string()
        ],
    )?;
    tx.commit()?;
    Ok(Enrollment {
        member_id,
        new_member,
    })
}
