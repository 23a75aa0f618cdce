//! A local Azure AD B2C emulator for tests (a dev-dependency: `claims-testing`).
//!
//! The emulator reads the exported policy XML **as text** (through
//! [`policy::parse::read_policy`](claims_export::b2c::parse::read_policy)), not the in-memory
//! descriptors, so it catches exporter bugs too. For a technical profile it builds the request
//! B2C would send from a claim bag and a resolver context, calls your service, and reads the reply
//! the way B2C does: which output claims land in the claim bag, and what the end user sees.
//!
//! ```no_run
//! # async fn demo(xml: String, app: claims_runtime::App) -> Result<(), Box<dyn std::error::Error>> {
//! use claims_testing::claims;
//! use claims_testing::{Emulator, ResolverContext, UserView};
//!
//! let emu = Emulator::from_policy(&xml)?.in_process(app).await;
//! let outcome = emu.call("REST-GetMembership", claims! {"email" => "a@b.c"}).await;
//! assert!(outcome.is_success(), "{outcome}\n{}", outcome.trace);
//!
//! let fr = ResolverContext::new().culture("fr-FR");
//! let outcome = emu.call_with("REST-GetMembership", claims! {"email" => "x@y.z"}, &fr).await;
//! assert!(matches!(outcome.user_view, UserView::Page(_)));
//! # Ok(()) }
//! ```
//!
//! Transports: [`EmulatorBuilder::in_process`] (a claims [`App`](claims_runtime::App)),
//! [`EmulatorBuilder::configurator`], [`EmulatorBuilder::actix`] (any actix-web app), and
//! [`EmulatorBuilder::http`] (a server on **loopback only**: the ServiceUrl's scheme, host and port
//! are replaced, its path and query kept).
//!
//! Every [`Outcome`] carries the [`Trace`] of the exact request sent and response received, and
//! says in [`Outcome::user_view`] which B2C-side message the user would see. [`Emulator::validate`]
//! runs a chain of validation profiles with a shared claim bag.
//!
//! Two more emulators cover the other callers, driven by the Graph document of
//! [`claims_export::graph`]: [`ApiConnectorEmulator`] (B2C user-flow API connectors) and
//! [`EntraEmulator`] (Entra custom authentication extensions); their rules are listed in
//! [`api_connector`] and [`entra`].
//!
//! # B2C rules implemented
//!
//! | Rule | Where documented |
//! | --- | --- |
//! | Wire name = `PartnerClaimType`, else the claim type id | `docs/b2c-wire-contract.md` §4.1 |
//! | `DefaultValue` when the claim is absent; `AlwaysUseDefaultValue` forces it; no value and no default: not sent | `docs/b2c-wire-contract.md` §4.2 |
//! | Resolvers in defaults substituted only with `IncludeClaimResolvingInClaimsHandling=true` (names case-insensitive; `{Claim:x}`, `{OAUTH-KV:x}`), else the literal text goes out; unknown resolver → `AADB2C90044` | `docs/b2c-wire-contract.md` §4.4 |
//! | `SendClaimsIn`: Body (POST JSON), Form (POST urlencoded), Header (GET, one header per claim), QueryString (GET, merged with the ServiceUrl's query), Url (GET, `{name}` placeholders) | `docs/b2c-wire-contract.md` §2.2, §4.5 |
//! | `ClaimUsedForRequestPayload` + `GenerateJson` input transformation (dot paths, integer segments = array indexes without gaps, claims as strings, parameters typed) | `docs/b2c-wire-contract.md` §2.1, §4.6 |
//! | `AuthenticationType` None/Basic/Bearer/ApiKeyHeader/ClientCertificate from [`TestKeys`]; `UseClaimAsBearerToken` (claim missing or not an input claim → `AADB2C90194`); key missing → `AADB2C90025`; missing `ServiceUrl`/`AuthenticationType` → `AADB2C90023` | `docs/b2c-wire-contract.md` §2.1, §3.1, §6.5 |
//! | Any 2xx is success; top-level keys map to output claims; `ResolveJsonPathsInJsonTokens` enables bracket paths (`a[0].b`; dotted `a.0.b` does not resolve) | `docs/b2c-wire-contract.md` §5.1, §5.2, §5.3 |
//! | Output `DefaultValue` / `AlwaysUseDefaultValue`; DataType check (boolean, int/long ranges, date, dateTime ISO 8601, stringCollection, phoneNumber; `null` always fails) | `docs/b2c-wire-contract.md` §5.2, §4.3 |
//! | A 2xx with an error-shaped body is a success: `userMessage` is not shown (warning) | `docs/b2c-wire-contract.md` §5.1 |
//! | Any 4xx (404 included) + body `status: 409` + `userMessage` → message on the page; `code`/`requestId`/`developerMessage`/`moreInfo` only with `DebugMode=true` | `docs/b2c-wire-contract.md` §6.1, §6.3 |
//! | 4xx without a parseable contract body → `AADB2C90261` | `docs/b2c-wire-contract.md` §6.2 |
//! | 401/403 → `AADB2C90027` (Basic, ApiKeyHeader) / `AADB2C90028` (ClientCertificate) | `docs/b2c-wire-contract.md` §3.1, §6.2 |
//! | 404 without a contract body, 5xx → `AADB2C90075` in an orchestration step, `DefaultUserMessageIfRequestFailed` in a validation profile | `docs/b2c-wire-contract.md` §1, §6.2 |
//! | Timeout per attempt (10 s) with one retry; `UserMessageIfRequestTimeout` → `DefaultUserMessageIfRequestFailed` → built-in text (flagged: it leaks the URL) | `docs/b2c-wire-contract.md` §2.3, §6.4 |
//! | Validation chains: in order, shared bag, stop at the first error unless `ContinueOnError` | `docs/b2c-wire-contract.md` §1; `docs/b2c-policy-xml.md` §4 |
//!
//! # Readings taken where B2C's behaviour is not confirmed
//!
//! | Behaviour | Reading taken | Where documented |
//! | --- | --- | --- |
//! | JSON type of boolean/int/long input claims in `Body` | JSON literals by default ([`ScalarStyle::Native`], the documented API-connector shape); [`ScalarStyle::Strings`] sends `"true"`/`"42"` — test your handlers with both. `stringCollection` is a JSON array either way | `docs/b2c-wire-contract.md` §4.3, §9 (question 1) |
//! | `stringCollection` in Form/QueryString/Header/Url | repeated key / repeated header / comma-joined in the URL | `docs/b2c-wire-contract.md` §9 (question 3) |
//! | Non-ASCII header values | percent-encoded (with a warning) | `docs/b2c-wire-contract.md` §9 (question 3) |
//! | `DefaultValue` of a `stringCollection` claim | one item holding the whole text (commas included), for input and output claims alike | `docs/b2c-wire-contract.md` §4.2 |
//! | A JSON object mapped into a `string` output claim | its JSON text as the service sent it (key order kept) | `docs/b2c-wire-contract.md` §5.3 |
//! | Url-mode value encoding | percent-encoded (RFC 3986 unreserved characters kept); placeholder = wire name; claims not in the URL are not sent | `docs/b2c-wire-contract.md` §4.5, §9 (question 4) |
//! | QueryString with a ServiceUrl that has a query | claims appended after the existing query | `docs/b2c-wire-contract.md` §9 (question 3) |
//! | Absent input claims | omitted, never sent as `""` | `docs/b2c-wire-contract.md` §4.2, §9 (question 2) |
//! | `Required="true"` input claim without value | not sent, warning (no failure) | `docs/b2c-wire-contract.md` §4.2 |
//! | A known resolver without a value in the journey | resolves to `""` (the claim is then not sent) | `docs/b2c-wire-contract.md` §4.4 |
//! | Payload mode: other input claims | not sent; only the payload claim (and a bearer claim as header) | `docs/b2c-wire-contract.md` §4.6 |
//! | String renderings of typed outputs (`"true"` for boolean) | rejected by default ([`EmulatorOptions::strict_output_types`]) | `docs/b2c-wire-contract.md` §5.2, §9 (question 7) |
//! | Numbers/booleans for a string output claim | stored as their text, with a warning | `docs/b2c-wire-contract.md` §5.2 |
//! | Error code/text of an output type mismatch | journey fails with a generic message, no code | `docs/b2c-wire-contract.md` §5.2, §9 (question 7) |
//! | Which body a 409 in an orchestration step shows the app | `error_description` = `userMessage` | `docs/b2c-wire-contract.md` §6.1, §9 (question 5) |
//! | 5xx in a validation profile | `DefaultUserMessageIfRequestFailed` (built-in text as fallback) | `docs/b2c-wire-contract.md` §1 |
//! | Retries | only after a timeout or a failed connection; never after an HTTP answer (5xx included) | `docs/b2c-wire-contract.md` §6.4, §9 (question 6) |
//! | 401/403 with Bearer or None | `AADB2C90075` (Code `Unauthorized`/`Forbidden`) | `docs/b2c-wire-contract.md` §6.2 |
//! | 404 | `AADB2C90075` (`NotFound`) like 5xx, not `AADB2C90261` | `docs/b2c-wire-contract.md` §6.2 |
//! | Texts of `AADB2C90025`, `AADB2C90194` | paraphrased (the codes are documented, the exact texts are not) | `docs/b2c-wire-contract.md` §6.5 |
//! | Timeout text `{0}` | the configured per-attempt timeout in seconds | `docs/b2c-wire-contract.md` §2.3 |
//! | Headers B2C adds on its own | none besides `Content-Type` and authentication | `docs/b2c-wire-contract.md` §4.4, §9 (question 10) |
//! | Metadata key case | exact key first, then case-insensitive; values case-insensitive | `docs/b2c-wire-contract.md` §2, §9 (question 8) |
//! | Client certificates | not presented (plain HTTP); the trace notes which one B2C would use | `docs/b2c-wire-contract.md` §3.1 |

pub mod api_connector;
mod bag;
mod context;
mod emulator;
pub mod entra;
pub mod keys;
pub mod logs;
pub mod loopback;
mod outcome;
mod transport;
mod values;

pub use api_connector::{ApiConnectorEmulator, ConnectorCall, ConnectorOutcome};
pub use bag::{ClaimBag, ClaimValue};
pub use context::ResolverContext;
pub use emulator::{
    ChainOutcome, Emulator, EmulatorBuilder, EmulatorError, EmulatorOptions, TestKeys,
    ValidationStep,
};
pub use entra::{EntraCall, EntraEmulator, EntraInput, EntraOutcome};
pub use outcome::{
    Attempt, DebugFields, Outcome, OutcomeKind, Step, Trace, TracedRequest, TracedResponse,
    UserView,
};
pub use values::ScalarStyle;
