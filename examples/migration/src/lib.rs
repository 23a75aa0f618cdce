//! Example B2C REST service: seamless user migration during sign-in.
//!
//! Users of a legacy system sign in with their old password; B2C asks this service whether the
//! password is right, then creates the account in the directory with that password, and the
//! legacy record is retired. No bulk password reset, no user ever notices.
//!
//! - [`check_legacy_credentials()`]: a validation profile of the sign-in page. It checks the
//!   password against the legacy hash (argon2 or bcrypt) and answers `needToMigrate` and the
//!   legacy object id; a wrong password is a localized 409 on the page. Unknown or already
//!   migrated users get `needToMigrate = false`: B2C signs them in against the directory.
//! - [`mark_migrated()`]: after B2C wrote the account, records the new object id on the legacy
//!   record and deletes the legacy hash (safe to repeat).
//!
//! The password is a [`passwords::Password`]: no `Display`, a redacted `Debug`, never written
//! to a reply or a log.
//!
//! Entra External ID calls the same kind of check from its `OnPasswordSubmit` event; that
//! variant will come in a later version.

#![warn(missing_docs)]

pub mod db;
pub mod passwords;

use claims_runtime::AuthSpec;
use claims_runtime::prelude::*;

pub use db::Database;
use passwords::Password;

/// The answer of the legacy check.
#[derive(Debug, PartialEq, Eq, OutputClaims)]
pub struct LegacyCheck {
    /// Whether B2C must create the account from the legacy record now.
    #[claim(id = "needToMigrate")]
    pub need_to_migrate: bool,
    /// The legacy object id (only when migrating).
    #[claim(id = "legacyObjectId")]
    pub legacy_object_id: Option<String>,
    /// Given name from the legacy record (only when migrating).
    #[claim(id = "givenName")]
    pub given_name: Option<String>,
    /// Surname from the legacy record (only when migrating).
    #[claim(id = "surname")]
    pub surname: Option<String>,
}

impl LegacyCheck {
    /// Nothing to migrate: B2C goes on with its own sign-in.
    fn not_needed() -> Self {
        LegacyCheck {
            need_to_migrate: false,
            legacy_object_id: None,
            given_name: None,
            surname: None,
        }
    }
}

/// Checks the legacy credentials entered on the sign-in page.
///
/// Used as the first validation profile of the sign-in page: a 409 keeps the user on the page
/// with the message.
#[claims_handler(path = "/legacy/check-credentials", send_claims_in = Body)]
pub async fn check_legacy_credentials(
    #[claim(id = "signInName", partner = "email", display_name = "Email address")]
    sign_in_name: String,
    #[claim(id = "password", display_name = "Password", input_type = Password)] password: Password,
    #[claim(id = "locale", resolver = "{Culture:RFC5646}")] _locale: Option<Locale>,
    #[claim(id = "correlationId", resolver = "{Context:CorrelationId}")] _correlation_id: Option<
        CorrelationId,
    >,
    database: Data<Database>,
) -> Result<LegacyCheck, ClaimsError> {
    let user = database
        .run(move |c| db::user_by_email(c, &sign_in_name))
        .await?;
    let Some((user, hash)) = user.and_then(|u| {
        u.password_hash
            .clone()
            .filter(|_| !u.migrated)
            .map(|h| (u, h))
    }) else {
        // Unknown or already migrated. A throwaway check keeps the answer time close to a
        // known user's, so timing does not reveal which addresses the legacy store holds.
        actix_web::web::block(move || passwords::verify_dummy(&password))
            .await
            .map_err(ClaimsError::internal)?;
        return Ok(LegacyCheck::not_needed());
    };
    let matches = actix_web::web::block(move || passwords::verify(&password, &hash))
        .await
        .map_err(ClaimsError::internal)?
        .map_err(ClaimsError::internal)?;
    if !matches {
        return Err(ClaimsError::user("legacy-password-wrong"));
    }
    Ok(LegacyCheck {
        need_to_migrate: true,
        legacy_object_id: Some(user.object_id),
        given_name: user.given_name,
        surname: user.surname,
    })
}

/// Records that a legacy user now lives in the directory as `objectId`, and deletes the legacy
/// password hash.
///
/// Call it as an orchestration step (or the last validation profile) after the account is
/// written. Repeating it with the same ids (B2C's retry) changes nothing and succeeds.
#[claims_handler(
    technical_profile = "REST-MarkLegacyUserMigrated",
    path = "/legacy/migrated",
    send_claims_in = Body,
    idempotent
)]
pub async fn mark_migrated(
    #[claim(id = "legacyObjectId")] legacy_object_id: String,
    #[claim(id = "objectId")] object_id: String,
    #[claim(id = "correlationId", resolver = "{Context:CorrelationId}")] _correlation_id: Option<
        CorrelationId,
    >,
    database: Data<Database>,
) -> Result<(), ClaimsError> {
    match database
        .run(move |c| db::mark_migrated(c, &legacy_object_id, &object_id))
        .await?
    {
        db::Marked::Now | db::Marked::Already => Ok(()),
        db::Marked::ByAnother => Err(ClaimsError::user("legacy-already-migrated")),
        db::Marked::Unknown => Err(ClaimsError::user("legacy-user-unknown")),
    }
}

/// The example's message catalogs, one per language.
pub const CATALOGS: &[(&str, &str)] = &[
    ("en", include_str!("../locales/en/migration.ftl")),
    ("fr", include_str!("../locales/fr/migration.ftl")),
    ("de", include_str!("../locales/de/migration.ftl")),
];

/// The example app on `db`: both handlers and the catalogs, guarded by Basic auth (credentials
/// from `CLAIMS_BASIC_USERNAME` and `CLAIMS_BASIC_PASSWORD`, or `App::basic_credentials` in
/// development).
pub fn app_with(db: Database) -> App {
    App::empty()
        .handler(check_legacy_credentials::SPEC)
        .handler(mark_migrated::SPEC)
        .app_data(Data::new(db))
        .default_auth(AuthSpec::Basic)
        .catalogs(CATALOGS)
        .require_messages(&[
            "legacy-password-wrong",
            "legacy-already-migrated",
            "legacy-user-unknown",
        ])
}
