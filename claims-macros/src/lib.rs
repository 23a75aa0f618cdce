//! Procedural macros of claims-runtime. Use them through `claims_runtime` (they are re-exported
//! there, and the generated code names `::claims_runtime` paths only).
//!
//! Layout: `attr.rs` parses attributes into typed slots (duplicates and unknown keys are errors
//! naming the accepted keys), `model.rs` is the IR (keeps spans), `check.rs` holds the rules that
//! look across claims, `expand.rs` emits. Errors are collected and reported together, each at its
//! own span; on error the user's item is re-emitted so one mistake does not cascade.
extern crate proc_macro;

mod attr;
mod callers;
mod check;
mod claim_syntax;
mod derive_output;
mod derive_payload;
mod expand;
mod handler;
mod messages;
mod model;

use proc_macro::TokenStream;

/// Turns a function into a B2C RESTful technical profile: an actix-web route plus a static
/// [`HandlerSpec`](../claims_runtime/struct.HandlerSpec.html) descriptor.
///
/// The function (`fn` or `async fn`) stays a plain, callable Rust function. Next to it the macro
/// generates a braced struct **of the same name** (type namespace only) carrying
/// `NAME::SPEC: &'static HandlerSpec`, and registers the route with the app through `inventory`.
///
/// # Syntax
///
/// ```text
/// #[claims_handler(
///     technical_profile = "REST-GetMembership",  // default: "REST-" + PascalCase(fn name)
///     path = "/membership",                      // default: "/" + kebab-case(fn name)
///     send_claims_in = Body,                     // Body | Form | Header | Url | QueryString
///     auth = Basic,                              // None | Basic | Bearer | Bearer(claim = "id")
///                                                // | ApiKeyHeader("x-api-key") | ClientCertificate
///     display_name = "Get membership",           // default: first doc line, else the fn name
///     deadline_ms = 5000,                        // 1..=60000; default: the app's deadline
///     idempotent,                                // or idempotent = true / false
///     callers(b2c, api_connector(step = PostAttributeCollection),
///             entra(event = AttributeCollectionSubmit)),   // default: callers(b2c)
///     send_culture = false,                      // default: true (implicit culture claim)
///     send_correlation = false,                  // default: true (implicit correlation claim)
///     metadata(DebugMode = true, UserMessageIfRequestTimeout = "Try again."),
///     query = "api-version=2.0&code={env:FUNCTION_KEY}", // static ServiceUrl query
///     service_url = "https://other.example.com/api",     // a base URL of its own
/// )]
/// async fn name(#[claim(...)] #[validate(...)] p: Type, extractor: web::Data<S>) -> Ret { .. }
/// ```
///
/// # Handler keys (all optional)
///
/// | key | meaning | default |
/// | --- | --- | --- |
/// | `technical_profile = "…"` | TechnicalProfile `Id`; must match `[A-Za-z0-9_.-]{1,128}` | `"REST-"` + PascalCase of the fn name |
/// | `path = "/…"` | route path, must start with `/`. With `send_claims_in = Url` it may hold `{wire}` placeholders and a `?key={wire}&…` query template; elsewhere placeholders and `?` are errors | `"/"` + kebab-case of the fn name |
/// | `send_claims_in = …` | `SendClaimsIn`: `Body`, `Form`, `Header`, `Url`, `QueryString` | `Body` |
/// | `auth = …` | `None`, `Basic`, `Bearer`, `Bearer(claim = "<input claim id>")` (UseClaimAsBearerToken), `ApiKeyHeader("<header>")`, `ClientCertificate` | the app default (`AuthSpec::Inherit`) |
/// | `display_name = "…"` | TechnicalProfile `DisplayName` | first line of the doc comment, else the fn name |
/// | `deadline_ms = N` | server-side deadline, 1..=60000 ms | the app default |
/// | `idempotent` | replay the first answer to a retry with the same correlation id | `false` |
/// | `messages = ["…", …]` | catalog message ids the handler renders that are not literals in its body (see below) | none |
/// | `send_culture = false` | no implicit culture claim (see below) | `true` |
/// | `send_correlation = false` | no implicit correlation claim (see below) | `true` |
/// | `metadata(Key = value, …)` | technical profile metadata set explicitly, replacing what the export would write: `IncludeClaimResolvingInClaimsHandling`, `ResolveJsonPathsInJsonTokens`, `DebugMode`, `AllowInsecureAuthInProduction` take `true`/`false`; `DefaultUserMessageIfRequestFailed`, `UserMessageIfCircuitOpen`, `UserMessageIfDnsResolutionFailed`, `UserMessageIfRequestTimeout` take a message. `IncludeClaimResolvingInClaimsHandling = false` beside a resolver claim is an error | derived from the handler and the export options |
/// | `query = "k=v&…"` | static query parameters appended to the ServiceUrl in every send mode (after the base URL's and the Url-mode template's). A value is literal text, or `{env:NAME}`: the configuration setting (environment variable, App Service app setting, or `PolicyOptions::settings`) read when the policy is exported, so secrets such as an Azure Functions `code` never live in source; a setting that is not set refuses the export | none |
/// | `service_url = "https://…"` | a base URL of the handler's own (the profile calls another host); the path is appended as usual | the export's base URL |
/// | `callers(…)` | the callers the handler answers, each on its own route: `b2c` (a custom policy's technical profile, on `path`), `api_connector(step = PostFederationSignup \| PostAttributeCollection \| PreTokenIssuance)` (a user flow's API connector, default route `/api-connector` + `path`), `entra(event = TokenIssuanceStart \| AttributeCollectionStart \| AttributeCollectionSubmit \| OtpSend \| PasswordSubmit)` (an Entra custom authentication extension, default route `/entra` + `path`); each of the last two takes `path = "/route"` | `callers(b2c)` |
///
/// The doc comment (lines trimmed, joined with `\n`) becomes `description`.
///
/// # Implicit culture and correlation claims
///
/// Every B2C technical profile sends the user's culture and B2C's correlation id, so messages
/// reach the user in their language and `requestId` is B2C's correlation id. A handler that
/// declares no culture claim (no `{Culture:RFC5646}`, `{Culture:LCID}` or
/// `{Culture:LanguageName}` resolver) gets `claimsRuntimeCulture` (`{Culture:RFC5646}`); one that
/// declares no correlation claim (no `{Context:CorrelationId}` resolver, no claim id
/// `correlationId`) gets `claimsRuntimeCorrelationId` (`{Context:CorrelationId}`). Both are
/// appended to `HandlerSpec::inputs` after the parameters (`InputClaimSpec::implicit`), optional,
/// never passed to the function; in Url mode they join the query template. Claim ids and wire
/// names starting with `claimsRuntime` are reserved. Not added in payload mode (B2C sends the
/// payload alone), to handlers that are not B2C technical profiles, with
/// `IncludeClaimResolvingInClaimsHandling = false`, or beside a `literal_default` that looks like
/// a resolver. Turn them off with `send_culture = false` / `send_correlation = false`.
///
/// # `Bearer(claim = "…")`
///
/// The token claim (UseClaimAsBearerToken) is a parameter like any other claim, but B2C sends it
/// only as the `Authorization: Bearer` header, in every send mode: it is never a Url
/// placeholder, and it may be declared beside a `#[claim(payload)]` parameter. Beside a payload
/// the other claims may only be `{placeholders}` of the path.
///
/// # Sync and async functions
///
/// An `async fn` runs on the actix worker. A plain `fn` runs on the blocking thread pool, so
/// blocking work does not stall the worker and the deadline still holds: past it the caller gets
/// the deadline answer and the thread finishes in the background (its result is dropped, or kept
/// for the retry of an `idempotent` handler). A panic answers 500 either way. The parameters of
/// a plain `fn` must be `Send` (not `HttpRequest`: make such a handler `async`).
///
/// # Message ids
///
/// `HandlerSpec::messages` lists the catalog message ids the handler renders, and the app refuses
/// to start when the default language lacks one (naming the handler and the nearest id). The
/// macro collects the string literals passed to `ClaimsError::user(..)`, `ClaimsError::block(..)` and
/// `ClaimsError::bad_request(..)` anywhere in the body (closures and macro arguments included);
/// a literal that cannot be a Fluent id (`"Member not found"`) is a compile error. Ids in
/// constants, built at run time, returned by helper functions, or used as `ValidationError` codes
/// of `custom` rules are not seen: declare them with `messages = [..]` (or
/// `App::require_messages`).
///
/// # Parameters
///
/// A parameter with `#[claim]` or `#[claim(...)]` is an **input claim**; its pattern must be a
/// plain identifier (optionally `mut`) and its type a `ClaimType` (`String`, `bool`, `i32`,
/// `i64`, `NaiveDate`, `DateTime<Utc>`, `Vec<String>`, `PhoneNumber`, `Duration`, `Locale`,
/// `CorrelationId`, `Option<_>` of these, or your own impl). `Option<_>` claims are optional.
///
/// | `#[claim]` key | meaning | default |
/// | --- | --- | --- |
/// | `id = "…"` | `ClaimTypeReferenceId`, must match `[A-Za-z_][A-Za-z0-9_.-]{0,127}` | lowerCamelCase of the parameter name |
/// | `partner = "…"` | `PartnerClaimType`: the wire name | the id |
/// | `default = "…"` | `DefaultValue`; makes the claim not required. Text B2C would take for a claim resolver (`{Culture:LCID}`) is an error: write `resolver` or `literal_default` | none |
/// | `literal_default = "…"` | a `DefaultValue` sent as-is even though it looks like a resolver; the profile then resolves no claims (no resolver beside it, no implicit claims) | none |
/// | `always_default` | `AlwaysUseDefaultValue="true"`; needs `default` or `literal_default` | `false` |
/// | `resolver = "{…}"` | a B2C claim resolver sent as the default (`{Culture:RFC5646}`, `{Context:CorrelationId}`, `{Claim:<id>}`, `{OAUTH-KV:<param>}`, …); exclusive with `default` | none |
/// | `display_name = "…"` | ClaimType `DisplayName` | none |
/// | `help = "…"` | ClaimType `UserHelpText` | none |
/// | `input_type = …` | `TextBox`, `EmailBox`, `DateTimeDropdown`, `RadioSingleSelect`, `DropdownSingleSelect`, `CheckboxMultiSelect`, `Password`, `Readonly`, `Button`, `Paragraph` | none |
/// | `payload` | payload mode: the parameter is a `#[derive(ClaimsPayload)]` struct sent as the whole JSON body (`ClaimUsedForRequestPayload`); `send_claims_in` must be `Body`; beside it only the `Bearer(claim)` token and `{placeholders}` of the path may be claims | off |
///
/// `#[validate(...)]` on a claim parameter adds rules checked after decoding (a failure answers
/// 409 with a localized message): `email`, `url`, `length(min = N, max = N, equal = N)`,
/// `range(min = N, max = N)`, `regex(path = EXPR)` (EXPR implements
/// `claims_runtime::rules::RegexLike`; a leading `*` is ignored), `contains(pattern = "…")`,
/// `custom(function = path)` (`fn(&T) -> Result<(), validator::ValidationError>`).
///
/// Every other parameter is an actix-web extractor (`web::Data<T>`, `HttpRequest`, …), passed
/// through untouched.
///
/// | parameter attribute | meaning |
/// | --- | --- |
/// | `#[claim]`, `#[claim(...)]` | an input claim (keys above) |
/// | `#[validate(...)]` | rules on an input claim (above) |
/// | `#[extractor]` | an actix-web extractor whose type *looks like* a claim type (for instance `body: String`, which reads the raw body); without it such a parameter is an error |
///
/// A parameter without `#[claim]` whose type is written as a claim type (`String`, `bool`, an
/// integer, `Vec<String>`, `NaiveDate`, `DateTime<..>`, `Duration`, `PhoneNumber`, `Locale`,
/// `CorrelationId`, or `Option<_>` of these; decided by the last path segment) is refused at
/// compile time: it would be an actix extractor reading a body the framework already consumed,
/// so it would always be empty. Add `#[claim]`, or `#[extractor]` if the extractor is intended.
/// All three attributes are removed from the emitted function.
///
/// A rule must fit its claim's type (after unwrapping `Option`): `length` applies to `String`
/// (and `PhoneNumber`, `Locale`, `CorrelationId`) and `Vec<String>`; `range` to integers;
/// `email`, `url`, `contains`, `regex` to `String` (and the same string claim types); `custom`
/// to any type. A misfit is an error at the rule; for your own claim types the check falls to the
/// `claims_runtime::rules::RuleTarget` trait.
///
/// Checked at compile time: duplicate claim ids or wire names (case-insensitive in Header mode),
/// header-name syntax in Header mode, Url placeholders that are not claims and claims that are not
/// placeholders, unknown resolvers, `Bearer(claim = …)` naming a non-input, unsupported claim
/// types, non-extractor parameters, and return types that are not `T`, `Result<T, ClaimsError>`,
/// `()` or `Result<(), ClaimsError>` with `T: OutputClaims`.
///
/// # Example
///
/// ```rust
/// use claims_runtime::prelude::*;
///
/// #[derive(OutputClaims)]
/// struct Membership {
///     #[claim(id = "loyaltyNumber")]
///     loyalty_number: String,
///     #[claim(partner = "isNew")]
///     is_new_member: bool,
/// }
///
/// /// Looks up the member's loyalty number.
/// ///
/// /// Called while signing up.
/// #[claims_handler(auth = Basic, deadline_ms = 5000)]
/// async fn get_membership(
///     #[claim(partner = "emailAddress")]
///     #[validate(email)]
///     email: String,
///     #[claim] given_name: Option<String>,
///     #[claim(resolver = "{Culture:RFC5646}")] locale: Locale,
/// ) -> Result<Membership, ClaimsError> {
///     let _ = (given_name, locale);
///     Ok(Membership { loyalty_number: format!("L-{}", email.len()), is_new_member: true })
/// }
///
/// let spec = get_membership::SPEC;
/// assert_eq!(spec.technical_profile, "REST-GetMembership");
/// assert_eq!(spec.path, "/get-membership");
/// assert_eq!(spec.display_name, "Looks up the member's loyalty number.");
/// assert_eq!(spec.description, Some("Looks up the member's loyalty number.\n\nCalled while signing up."));
/// assert_eq!(spec.auth, claims_runtime::AuthSpec::Basic);
/// assert_eq!(spec.deadline_ms, Some(5000));
/// assert_eq!(spec.inputs[0].wire(), "emailAddress");
/// assert!(spec.inputs[0].required);
/// assert_eq!(spec.inputs[1].id, "givenName");
/// assert!(!spec.inputs[1].required);
/// assert_eq!(spec.inputs[2].resolver, Some("{Culture:RFC5646}"));
/// assert_eq!(spec.outputs[1].wire(), "isNew");
///
/// // The function itself is still callable.
/// let out = block_on(get_membership("a@b.c".into(), None, Locale("en".into())));
/// assert_eq!(out.unwrap().loyalty_number, "L-5");
/// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     let mut f = std::pin::pin!(f);
/// #     let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
/// #     loop {
/// #         if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
/// #             return v;
/// #         }
/// #     }
/// # }
/// ```
#[proc_macro_attribute]
pub fn claims_handler(args: TokenStream, item: TokenStream) -> TokenStream {
    handler::expand(args.into(), item.into()).into()
}

/// Derives `claims_runtime::OutputClaims` for a struct with named fields: each field is an
/// output claim (`<OutputClaim>`), written to the JSON reply under its wire name.
///
/// # Field attribute `#[claim(...)]` (optional)
///
/// | key | meaning | default |
/// | --- | --- | --- |
/// | `id = "…"` | `ClaimTypeReferenceId` | lowerCamelCase of the field name |
/// | `partner = "…"` | `PartnerClaimType`: the JSON key, or a nested bracket path such as `contacts[0].person.emails[0].email` (keys of any characters but `.`, `[`, `]`, parentheses, quotes and whitespace, such as LinkedIn's `handle~`, separated by `.`, array indexes `[n]`; the GenerateJson dotted-index form `a.0.b` is rejected) | the id |
/// | `key = "…"` | `PartnerClaimType` as one literal top-level key, never a path, even with a `.` (`user.name`); B2C reads it so because the profile does not set `ResolveJsonPathsInJsonTokens`. Exclusive with `partner`; such a key beside a nested path is an error | none |
/// | `default = "…"` | `DefaultValue` B2C applies when the reply omits the claim | none |
/// | `always_default` | `AlwaysUseDefaultValue="true"`; needs `default` | `false` |
/// | `display_name = "…"` | ClaimType `DisplayName` | none |
/// | `help = "…"` | ClaimType `UserHelpText` | none |
/// | `input_type = …` | ClaimType `UserInputType` (`TextBox`, `EmailBox`, …) | none |
/// | `skip` | not an output claim | off |
///
/// Fields of type `Option<_>` or `Vec<_>` may be omitted from the reply (`always_present` is
/// false). Two claims with the same id or wire path, or a path that is a prefix of another
/// (`a` and `a.b`), are compile errors. Generic structs are supported (each field type gets a
/// `ClaimType` bound). Tuple structs, unit structs and enums are rejected.
///
/// # Example
///
/// ```rust
/// use claims_runtime::prelude::*;
///
/// #[derive(OutputClaims)]
/// struct Profile {
///     #[claim(id = "loyaltyNumber")]
///     loyalty_number: String,
///     #[claim(partner = "contacts[0].person.email")]
///     email: Option<String>,
///     tags: Vec<String>,
///     #[claim(skip)]
///     internal_note: String,
/// }
///
/// let claims = <Profile as OutputClaims>::CLAIMS;
/// assert_eq!(claims.len(), 3);
/// assert_eq!(claims[0].id, "loyaltyNumber");
/// assert!(claims[0].always_present);
/// assert_eq!(claims[1].wire(), "contacts[0].person.email");
/// assert!(claims[1].is_nested() && !claims[1].always_present);
/// assert_eq!(claims[2].data_type, claims_runtime::DataType::StringCollection);
/// assert!(!claims[2].always_present);
///
/// let p = Profile {
///     loyalty_number: "84362".into(),
///     email: Some("a@b.c".into()),
///     tags: vec![],
///     internal_note: String::new(),
/// };
/// let json = claims_runtime::output::encode(&p);
/// assert_eq!(
///     String::from_utf8(json).unwrap(),
///     r#"{"loyaltyNumber":"84362","contacts":[{"person":{"email":"a@b.c"}}]}"#
/// );
/// # let _ = &p.internal_note;
/// ```
#[proc_macro_derive(OutputClaims, attributes(claim))]
pub fn derive_output_claims(item: TokenStream) -> TokenStream {
    derive_output::expand(item.into()).into()
}

/// Derives `claims_runtime::ClaimsPayload`: a typed JSON request body built in the policy by a
/// `GenerateJson` claims transformation and sent with `ClaimUsedForRequestPayload`. Use it as a
/// handler parameter marked `#[claim(payload)]`.
///
/// # Struct attribute `#[claims_payload(...)]` (optional)
///
/// | key | meaning | default |
/// | --- | --- | --- |
/// | `claim = "…"` | the string claim that carries the generated JSON | lowerCamelCase of the struct name |
/// | `transformation = "…"` | the `GenerateJson` ClaimsTransformation id | `"Generate"` + struct name |
///
/// # Field attribute `#[claim(...)]` (optional)
///
/// | key | meaning | default |
/// | --- | --- | --- |
/// | `id = "…"` | `ClaimTypeReferenceId` of the claim put into the JSON | lowerCamelCase of the field name |
/// | `path = "…"` | the GenerateJson dot path (`customer.email`, `items.0.id`: integer segments are array indexes; arrays must be filled from 0 without gaps) | the id |
/// | `paths = ["…", "…"]` | the same claim at several GenerateJson paths (two or more; exclusive with `path`) | none |
/// | `default = "…"`, `literal_default = "…"`, `always_default`, `resolver = "{…}"` | as on handler parameters | none |
/// | `display_name = "…"`, `help = "…"`, `input_type = …` | ClaimType metadata | none |
///
/// `#[validate]` is not supported on payload fields yet.
///
/// # Example
///
/// ```rust
/// use claims_runtime::prelude::*;
///
/// #[derive(ClaimsPayload)]
/// #[claims_payload(claim = "requestBody")]
/// struct SignUp {
///     #[claim(path = "customer.email")]
///     email: String,
///     #[claim(id = "objectId", path = "customer.ids.0")]
///     object_id: String,
///     #[claim(path = "customer.ids.1")]
///     second_id: Option<String>,
/// }
///
/// /// Registers a customer.
/// #[claims_handler]
/// fn register(#[claim(payload)] body: SignUp) {
///     let _ = (body.email, body.object_id, body.second_id);
/// }
///
/// let p = &<SignUp as ClaimsPayload>::PAYLOAD;
/// assert_eq!(p.claim_id, "requestBody");
/// assert_eq!(p.transformation_id, "GenerateSignUp");
/// assert_eq!(p.fields[1].id, "objectId");
/// assert_eq!(p.fields[1].partner, Some("customer.ids.0"));
/// assert_eq!(register::SPEC.payload.map(|p| p.claim_id), Some("requestBody"));
/// assert!(register::SPEC.inputs.is_empty());
/// ```
#[proc_macro_derive(ClaimsPayload, attributes(claim, claims_payload, validate))]
pub fn derive_claims_payload(item: TokenStream) -> TokenStream {
    derive_payload::expand(item.into()).into()
}
