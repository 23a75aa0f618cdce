//! Example B2C REST service on an embedded SQLite database: the classic uses of a RESTful
//! technical profile, each with real data.
//!
//! - [`validate_email()`]: validate input against the customer table (the e-mail must belong to a
//!   customer, else a localized 409 the user sees on the sign-up page);
//! - [`capitalize_names()`]: process claims (return the names normalized);
//! - [`enrich_profile()`]: enrich the token from the database (loyalty number, tier, and a
//!   nested-path output);
//! - [`record_sign_up()`]: business logic that writes (enrolls the customer, writes an audit row and
//!   a welcome notification to the outbox), safe under B2C's retry;
//! - [`lookup_member()`] (Url mode) and [`search_members()`] (QueryString mode): look-ups by GET;
//! - [`sign_up_check()`] and [`token_claims()`]: one handler, three callers each: a B2C custom
//!   policy's technical profile, a B2C user flow's API connector and a Microsoft Entra custom
//!   authentication extension (see `docs/callers.md`).
//!
//! The database file is created, migrated and seeded on first run (see [`db`]). Run the service
//! with `cargo run -p loyalty-example -- serve --policy-out loyalty-policy.xml`.

#![warn(missing_docs)]

pub mod db;

use claims_runtime::AuthSpec;
use claims_runtime::prelude::*;

pub use db::{Customer, Database};

/// Validates that the e-mail address entered on the sign-up page belongs to a customer.
///
/// Used as a validation technical profile: a 409 keeps the user on the page with the message.
#[claims_handler(path = "/validate-email", send_claims_in = Body)]
pub async fn validate_email(
    #[claim(id = "email", display_name = "Email address", input_type = EmailBox)]
    #[validate(email)]
    email: String,
    #[claim(id = "locale", resolver = "{Culture:RFC5646}")] _locale: Option<Locale>,
    #[claim(id = "lcid", resolver = "{Culture:LCID}")] _lcid: Option<Locale>,
    #[claim(id = "correlationId", resolver = "{Context:CorrelationId}")] _correlation_id: Option<
        CorrelationId,
    >,
    database: Data<Database>,
) -> Result<(), ClaimsError> {
    let key = email.clone();
    match database
        .run(move |c| db::customer_by_email(c, &key))
        .await?
    {
        Some(_) => Ok(()),
        None => Err(ClaimsError::user("email-not-registered").arg("email", email)),
    }
}

/// The capitalized names.
#[derive(Debug, PartialEq, Eq, OutputClaims)]
pub struct Names {
    /// Given name, capitalized.
    #[claim(id = "givenName")]
    pub given_name: String,
    /// Surname, capitalized; absent when none was sent.
    #[claim(id = "surname")]
    pub surname: Option<String>,
}

/// Normalizes the given name and surname: trimmed and capitalized ("jérôme o'neil" becomes
/// "Jérôme O'Neil").
#[claims_handler(path = "/capitalize", send_claims_in = Body)]
pub fn capitalize_names(
    #[claim(id = "givenName", display_name = "Given name")]
    #[validate(length(min = 1, max = 100))]
    given_name: String,
    #[claim(id = "surname")] surname: Option<String>,
) -> Names {
    Names {
        given_name: capitalize(&given_name),
        surname: surname.as_deref().map(capitalize),
    }
}

/// Capitalizes each word, also after `-` and `'`.
pub fn capitalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut start = true;
    for c in s.trim().chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = c.is_whitespace() || c == '-' || c == '\'';
    }
    out
}

/// What the enrichment adds to the token.
#[derive(Debug, PartialEq, Eq, OutputClaims)]
pub struct Enrichment {
    /// The customer's loyalty number.
    #[claim(id = "loyaltyNumber", display_name = "Loyalty number")]
    pub loyalty_number: String,
    /// The loyalty tier, nested in the reply to show JSON-path output claims.
    #[claim(id = "loyaltyTier", partner = "membership.tier.name")]
    pub tier: String,
    /// Whether the customer signed up for the newsletter.
    #[claim(id = "newsletter", partner = "isSubscribed")]
    pub newsletter: bool,
    /// Marketing tags (omitted when empty).
    #[claim(id = "marketingTags")]
    pub tags: Vec<String>,
}

/// Enriches the token with the customer's loyalty number and tier.
#[claims_handler(path = "/enrich", send_claims_in = Body)]
pub async fn enrich_profile(
    #[claim(id = "email")] email: String,
    database: Data<Database>,
) -> Result<Enrichment, ClaimsError> {
    let key = email.clone();
    let c = database
        .run(move |c| db::customer_by_email(c, &key))
        .await?
        .ok_or_else(|| ClaimsError::user("member-not-found").arg("email", email))?;
    Ok(Enrichment {
        loyalty_number: c.member_id,
        newsletter: c.tags.iter().any(|t| t == "newsletter"),
        tier: c.tier,
        tags: c.tags,
    })
}

/// A member found by id.
#[derive(Debug, PartialEq, Eq, OutputClaims)]
pub struct Member {
    /// Display name.
    #[claim(id = "displayName", partner = "name")]
    pub display_name: String,
    /// Loyalty tier.
    #[claim(id = "loyaltyTier", partner = "tier")]
    pub tier: String,
}

/// Looks up a member by member id (the id travels in the URL path).
#[claims_handler(path = "/members/{memberId}", send_claims_in = Url)]
pub async fn lookup_member(
    #[claim(id = "memberId")]
    #[validate(length(equal = 8))]
    member_id: String,
    database: Data<Database>,
) -> Result<Member, ClaimsError> {
    let key = member_id.clone();
    let c = database
        .run(move |c| db::customer_by_member_id(c, &key))
        .await?
        .ok_or_else(|| ClaimsError::user("member-id-unknown").arg("memberId", member_id))?;
    Ok(Member {
        display_name: c.name,
        tier: c.tier,
    })
}

/// How many members a tier has.
#[derive(Debug, PartialEq, Eq, OutputClaims)]
pub struct TierCount {
    /// Number of members.
    #[claim(id = "memberCount", partner = "count")]
    pub count: i32,
}

/// Counts the members of a loyalty tier (claims travel in the query string).
#[claims_handler(path = "/members", send_claims_in = QueryString)]
pub async fn search_members(
    #[claim(id = "loyaltyTier", partner = "tier")] tier: String,
    database: Data<Database>,
) -> Result<TierCount, ClaimsError> {
    let count = database.run(move |c| db::count_tier(c, &tier)).await?;
    Ok(TierCount {
        count: i32::try_from(count).unwrap_or(i32::MAX),
    })
}

/// What a sign-up adds to the token.
#[derive(Debug, PartialEq, Eq, OutputClaims)]
pub struct Enrollment {
    /// The loyalty number (new, or the existing customer's).
    #[claim(id = "loyaltyNumber")]
    pub loyalty_number: String,
    /// Whether this sign-up created the membership.
    #[claim(id = "isNewMember", partner = "isNew")]
    pub is_new: bool,
}

/// Records a sign-up: enrolls the customer (unless the e-mail is already one), writes an audit
/// row and a welcome e-mail to the outbox, all in one transaction.
///
/// Call it as an orchestration step after the account is written. B2C retries a call that
/// timed out, possibly on another instance: `idempotent` replays this instance's first answer,
/// and the audit table's unique key (correlation id, object id) makes any other attempt write
/// nothing and return the first answer.
#[claims_handler(path = "/sign-ups", send_claims_in = Body, idempotent)]
pub async fn record_sign_up(
    #[claim(id = "objectId")] object_id: String,
    #[claim(id = "email")]
    #[validate(email)]
    email: String,
    #[claim(id = "givenName")] given_name: Option<String>,
    #[claim(id = "surname")] surname: Option<String>,
    #[claim(id = "locale", resolver = "{Culture:RFC5646}")] locale: Option<Locale>,
    #[claim(id = "correlationId", resolver = "{Context:CorrelationId}")]
    correlation_id: CorrelationId,
    database: Data<Database>,
) -> Result<Enrollment, ClaimsError> {
    let name = [given_name, surname]
        .iter()
        .flatten()
        .map(|n| capitalize(n))
        .filter(|n| !n.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let sign_up = db::SignUp {
        correlation_id: correlation_id.0,
        object_id,
        name: if name.is_empty() { email.clone() } else { name },
        email,
        locale: locale.map(|l| l.0),
    };
    let e = database
        .run(move |c| db::record_sign_up(c, &sign_up))
        .await?;
    Ok(Enrollment {
        loyalty_number: e.member_id,
        is_new: e.new_member,
    })
}

/// Domains whose addresses may not sign up.
pub const BLOCKED_DOMAINS: &[&str] = &["spam.example", "mailinator.com"];

/// What the sign-up check returns: the display name to store, built from the names entered.
#[derive(Debug, PartialEq, Eq, OutputClaims)]
pub struct SignUpCheck {
    /// "Given Surname", capitalized; absent when no name was entered.
    #[claim(id = "displayName")]
    pub display_name: Option<String>,
}

/// Checks a sign-up before the account is created: blocks throw-away domains and validates the
/// loyalty number the user typed (it must belong to the same e-mail address).
///
/// One function, three callers: a B2C validation technical profile (409 on the page), a B2C
/// user flow's API connector after the attribute page (`ValidationError` or `ShowBlockPage`),
/// and an Entra External ID `AttributeCollectionSubmit` extension (`showValidationError` with
/// the message next to the loyalty-number field, `showBlockPage`, or `modifyAttributeValues`
/// with the display name).
#[claims_handler(
    path = "/sign-up-check",
    send_claims_in = Body,
    messages = ["sign-up-domain-blocked"],
    callers(
        b2c,
        api_connector(step = PostAttributeCollection),
        entra(event = AttributeCollectionSubmit)
    )
)]
pub async fn sign_up_check(
    #[claim(id = "email")]
    #[validate(email)]
    email: String,
    #[claim(id = "loyaltyNumber", display_name = "Loyalty number")] loyalty_number: Option<String>,
    #[claim(id = "givenName")] given_name: Option<String>,
    #[claim(id = "surname")] surname: Option<String>,
    database: Data<Database>,
) -> Result<SignUpCheck, ClaimsError> {
    let domain = email.rsplit('@').next().unwrap_or("").to_ascii_lowercase();
    if BLOCKED_DOMAINS.contains(&domain.as_str()) {
        return Err(ClaimsError::block("sign-up-domain-blocked").arg("domain", domain));
    }
    if let Some(number) = loyalty_number.filter(|n| !n.trim().is_empty()) {
        let key = number.trim().to_owned();
        let owner = database
            .run(move |c| db::customer_by_member_id(c, &key))
            .await?;
        if owner.is_none_or(|c| c.email != db::normalize_email(&email)) {
            // `claimId` names the field the message belongs to (Entra shows it there).
            return Err(ClaimsError::user("loyalty-number-unknown")
                .arg("loyaltyNumber", number)
                .arg("claimId", "loyaltyNumber"));
        }
    }
    let name = [given_name, surname]
        .iter()
        .flatten()
        .map(|n| capitalize(n))
        .filter(|n| !n.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(SignUpCheck {
        display_name: (!name.is_empty()).then_some(name),
    })
}

/// The loyalty claims of a token (strings only: Entra's token claims are strings or string
/// arrays).
#[derive(Debug, PartialEq, Eq, OutputClaims)]
pub struct TokenClaims {
    /// The member number; absent for a user who is not a customer.
    #[claim(id = "loyaltyNumber")]
    pub loyalty_number: Option<String>,
    /// The tier; absent for a user who is not a customer.
    #[claim(id = "loyaltyTier")]
    pub tier: Option<String>,
    /// Marketing tags (omitted when empty).
    #[claim(id = "marketingTags")]
    pub tags: Vec<String>,
}

/// Adds the loyalty claims to the token: a B2C orchestration step, a user flow's
/// `PreTokenIssuance` API connector, or an Entra `TokenIssuanceStart` extension. A user who is
/// not a customer gets a token without them.
#[claims_handler(
    path = "/token-claims",
    send_claims_in = Body,
    callers(
        b2c,
        api_connector(step = PreTokenIssuance),
        entra(event = TokenIssuanceStart)
    )
)]
pub async fn token_claims(
    #[claim(id = "email")] email: String,
    database: Data<Database>,
) -> Result<TokenClaims, ClaimsError> {
    let c = database
        .run(move |c| db::customer_by_email(c, &email))
        .await?;
    Ok(match c {
        Some(c) => TokenClaims {
            loyalty_number: Some(c.member_id),
            tier: Some(c.tier),
            tags: c.tags,
        },
        None => TokenClaims {
            loyalty_number: None,
            tier: None,
            tags: Vec::new(),
        },
    })
}

/// The `CLAIMS_JWT_*` variables that configure the Entra routes' tokens.
pub const ENTRA_SETTINGS: &[&str] = &[
    "CLAIMS_JWT_JWKS",
    "CLAIMS_JWT_JWKS_FILE",
    "CLAIMS_JWT_METADATA_URL",
    "CLAIMS_JWT_ISSUER",
    "CLAIMS_JWT_AUDIENCE",
];

/// Development only, when no Entra setting is given: Entra settings that accept no token (no
/// keys), so the service starts and its Entra routes answer 401 until real settings are set.
/// The framework itself refuses to start Entra routes without settings; this is the example's
/// choice for `cargo run`, never made in production.
pub fn entra_closed_for_development(app: App) -> App {
    let none = "00000000-0000-0000-0000-000000000000";
    let keys = serde_json::from_value(serde_json::json!({ "keys": [] })).expect("an empty key set");
    app.jwks_source(std::sync::Arc::new(claims_runtime::auth::StaticJwks(keys)))
        .auth(|a| {
            a.jwt.issuers = vec![format!("https://login.microsoftonline.com/{none}/v2.0")];
            a.jwt.audiences = vec![none.to_owned()];
        })
}

/// The example's message catalogs, one per language.
pub const CATALOGS: &[(&str, &str)] = &[
    ("en", include_str!("../locales/en/loyalty.ftl")),
    ("fr", include_str!("../locales/fr/loyalty.ftl")),
    ("de", include_str!("../locales/de/loyalty.ftl")),
    ("pt-BR", include_str!("../locales/pt-BR/loyalty.ftl")),
];

/// The example app on a private in-memory database (same schema and demo customers, gone when
/// the app is dropped): for tests and tools that need no file. The service uses [`app_with`].
pub fn app() -> App {
    app_with(db::in_memory())
}

/// The example app on `db`: every handler above and the catalogs. Handlers are guarded by Basic
/// auth (the app-wide default): credentials come from `CLAIMS_BASIC_USERNAME` and
/// `CLAIMS_BASIC_PASSWORD` (or `App::basic_credentials` in development).
pub fn app_with(db: Database) -> App {
    App::new()
        .app_data(Data::new(db))
        .default_auth(AuthSpec::Basic)
        .catalogs(CATALOGS)
        .require_messages(&[
            "email-not-registered",
            "member-not-found",
            "member-id-unknown",
            "sign-up-domain-blocked",
            "loyalty-number-unknown",
        ])
}
