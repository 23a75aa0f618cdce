//! What the example services share, so each example keeps only its own schema, queries and
//! handlers:
//!
//! - [`sqlite`]: one SQLite file (compiled in, nothing to install), created, migrated and seeded
//!   on first use, behind a small pool, with blocking calls moved off the actix workers;
//! - [`cli`]: the `--database PATH` option (and `DATABASE_URL`) next to the framework's command
//!   line.
#![warn(missing_docs)]

pub mod cli;
pub mod sqlite;
