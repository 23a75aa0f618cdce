//! Example B2C REST service: the four classic uses of a RESTful technical profile.
//!
//! - [`validate_email`]: validate input (the e-mail must belong to a customer, else a 409 the
//!   user sees on the sign-up page);
//! - [`capitalize_names`]: process claims (return the names capitalized);
//! - [`enrich_profile`]: enrich the token (loyalty number, tier, and a nested-path output);
//! - [`lookup_member`] (Url mode) and [`search_members`] (QueryString mode): look-ups by GET.
//!
//! Run it with `cargo run -p loyalty-example` and export its policy with
//! `cargo run -p loyalty-example -- policy --base-url https://api.contoso.com`.

use std::collections::BTreeMap;
use std::sync::RwLock;

use claims_runtime::AuthSpec;
use claims_runtime::prelude::*;

/// A customer of the in-memory store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// Member id (8 digits).
    pub member_id: String,
    /// E-mail address, lower case.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Loyalty tier.
    pub tier: String,
    /// Marketing tags.
    pub tags: Vec<String>,
}

/// The customer store (in memory; a real service would query a database here).
#[derive(Debug, Default)]
pub struct CustomerStore {
    by_email: RwLock<BTreeMap<String, Customer>>,
}

impl CustomerStore {
    /// A store with three demo customers.
    pub fn demo() -> Self {
        let store = CustomerStore::default();
        for (id, email, name, tier, tags) in [
            (
                "10000001",
                "emily@contoso.com",
                "Emily Braun",
                "gold",
                vec!["newsletter", "beta"],
            ),
            (
                "10000002",
                "jerome@contoso.com",
                "Jérôme Martin",
                "silver",
                vec![],
            ),
            (
                "10000003",
                "ana@contoso.com",
                "Ana Souza",
                "bronze",
                vec!["newsletter"],
            ),
        ] {
            store.insert(Customer {
                member_id: id.into(),
                email: email.into(),
                name: name.into(),
                tier: tier.into(),
                tags: tags.into_iter().map(String::from).collect(),
            });
        }
        store
    }

    /// Adds or replaces a customer.
    pub fn insert(&self, c: Customer) {
        if let Ok(mut m) = self.by_email.write() {
            m.insert(c.email.to_lowercase(), c);
        }
    }

    /// Finds a customer by e-mail (case-insensitive).
    pub fn by_email(&self, email: &str) -> Option<Customer> {
        self.by_email
            .read()
            .ok()?
            .get(&email.trim().to_lowercase())
            .cloned()
    }

    /// Finds a customer by member id.
    pub fn by_member_id(&self, id: &str) -> Option<Customer> {
        self.by_email
            .read()
            .ok()?
            .values()
            .find(|c| c.member_id == id)
            .cloned()
    }

    /// Customers of a tier.
    pub fn by_tier(&self, tier: &str) -> Vec<Customer> {
        self.by_email
            .read()
            .map(|m| {
                m.values()
                    .filter(|c| c.tier.eq_ignore_ascii_case(tier))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }
}

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
    store: Data<CustomerStore>,
) -> Result<(), ClaimsError> {
    match store.by_email(&email) {
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

/// Capitalizes the given name and surname ("jérôme o'neil" becomes "Jérôme O'Neil").
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
    store: Data<CustomerStore>,
) -> Result<Enrichment, ClaimsError> {
    let c = store
        .by_email(&email)
        .ok_or_else(|| ClaimsError::user("member-not-found").arg("email", email.clone()))?;
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
    store: Data<CustomerStore>,
) -> Result<Member, ClaimsError> {
    let c = store
        .by_member_id(&member_id)
        .ok_or_else(|| ClaimsError::user("member-id-unknown").arg("memberId", member_id.clone()))?;
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
    store: Data<CustomerStore>,
) -> TierCount {
    TierCount {
        count: i32::try_from(store.by_tier(&tier).len()).unwrap_or(i32::MAX),
    }
}

/// The example's message catalogs, one per language.
pub const CATALOGS: &[(&str, &str)] = &[
    ("en", include_str!("../locales/en/loyalty.ftl")),
    ("fr", include_str!("../locales/fr/loyalty.ftl")),
    ("de", include_str!("../locales/de/loyalty.ftl")),
    ("pt-BR", include_str!("../locales/pt-BR/loyalty.ftl")),
];

/// The example app: every handler above, the demo store and the catalogs. Handlers are guarded
/// by Basic auth (the app-wide default): credentials come from `CLAIMS_BASIC_USERNAME` and
/// `CLAIMS_BASIC_PASSWORD` (or `App::basic_credentials` in development).
pub fn app() -> App {
    App::new()
        .app_data(Data::new(CustomerStore::demo()))
        .default_auth(AuthSpec::Basic)
        .catalogs(CATALOGS)
        .require_messages(&[
            "email-not-registered",
            "member-not-found",
            "member-id-unknown",
        ])
}
