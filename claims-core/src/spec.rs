//! The static descriptor of a handler: the one source of truth read by the macros, routing,
//! decoding, policy export and the emulators.
//!
//! `#[claims_handler]` emits one [`HandlerSpec`] per function and `#[derive(OutputClaims)]` one
//! [`OutputClaimSpec`] slice per struct. Everything here is plain `'static` data so it can live in
//! statics and be read without allocation.

use std::fmt;

use crate::callers::{ApiConnectorStep, Caller, EntraEvent};
use crate::grammar::Segment;
use crate::resolvers;

/// How B2C transports input claims (`SendClaimsIn` metadata). It also fixes the HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SendClaimsIn {
    /// POST, JSON object body, one property per claim.
    Body,
    /// POST, `application/x-www-form-urlencoded` body.
    Form,
    /// GET, one request header per claim.
    Header,
    /// GET, claims substituted into `{placeholders}` of the ServiceUrl.
    Url,
    /// GET, claims appended as query parameters.
    QueryString,
}

impl SendClaimsIn {
    /// The metadata value written into the policy.
    pub const fn as_str(self) -> &'static str {
        match self {
            SendClaimsIn::Body => "Body",
            SendClaimsIn::Form => "Form",
            SendClaimsIn::Header => "Header",
            SendClaimsIn::Url => "Url",
            SendClaimsIn::QueryString => "QueryString",
        }
    }

    /// `true` for the POST modes (Body, Form); the others use GET.
    pub const fn is_post(self) -> bool {
        matches!(self, SendClaimsIn::Body | SendClaimsIn::Form)
    }

    /// The HTTP method B2C uses for this mode.
    pub const fn http_method(self) -> &'static str {
        if self.is_post() { "POST" } else { "GET" }
    }
}

impl fmt::Display for SendClaimsIn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A B2C ClaimType `DataType` usable with REST technical profiles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DataType {
    /// `string`
    String,
    /// `boolean`
    Boolean,
    /// `int` (32-bit)
    Int,
    /// `long` (64-bit)
    Long,
    /// `date` (ISO 8601 date)
    Date,
    /// `dateTime` (ISO 8601 date-time, UTC)
    DateTime,
    /// `duration`
    Duration,
    /// `stringCollection`
    StringCollection,
    /// `phoneNumber`
    PhoneNumber,
}

impl DataType {
    /// Every data type, in declaration order.
    pub const ALL: [DataType; 9] = [
        DataType::String,
        DataType::Boolean,
        DataType::Int,
        DataType::Long,
        DataType::Date,
        DataType::DateTime,
        DataType::Duration,
        DataType::StringCollection,
        DataType::PhoneNumber,
    ];

    /// The XML spelling (`<DataType>…</DataType>`).
    pub const fn as_str(self) -> &'static str {
        match self {
            DataType::String => "string",
            DataType::Boolean => "boolean",
            DataType::Int => "int",
            DataType::Long => "long",
            DataType::Date => "date",
            DataType::DateTime => "dateTime",
            DataType::Duration => "duration",
            DataType::StringCollection => "stringCollection",
            DataType::PhoneNumber => "phoneNumber",
        }
    }

    /// Parses the XML spelling (exact case, as the schema requires).
    pub fn from_xml(s: &str) -> Option<DataType> {
        DataType::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `UserInputType` of a ClaimType declaration (only for claims also shown on a self-asserted page).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserInputType {
    /// `TextBox`
    TextBox,
    /// `EmailBox`
    EmailBox,
    /// `DateTimeDropdown`
    DateTimeDropdown,
    /// `RadioSingleSelect`
    RadioSingleSelect,
    /// `DropdownSingleSelect`
    DropdownSingleSelect,
    /// `CheckboxMultiSelect`
    CheckboxMultiSelect,
    /// `Password`
    Password,
    /// `Readonly`
    Readonly,
    /// `Button`
    Button,
    /// `Paragraph`
    Paragraph,
}

impl UserInputType {
    /// The XML spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            UserInputType::TextBox => "TextBox",
            UserInputType::EmailBox => "EmailBox",
            UserInputType::DateTimeDropdown => "DateTimeDropdown",
            UserInputType::RadioSingleSelect => "RadioSingleSelect",
            UserInputType::DropdownSingleSelect => "DropdownSingleSelect",
            UserInputType::CheckboxMultiSelect => "CheckboxMultiSelect",
            UserInputType::Password => "Password",
            UserInputType::Readonly => "Readonly",
            UserInputType::Button => "Button",
            UserInputType::Paragraph => "Paragraph",
        }
    }
}

/// How B2C authenticates to the service (`AuthenticationType` metadata).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthSpec {
    /// Not declared on the handler: use the app-wide default.
    Inherit,
    /// `None`: anonymous.
    None,
    /// `Basic`: `Authorization: Basic …` from two policy keys.
    Basic,
    /// `Bearer` with the token from a policy key (`BearerAuthenticationToken`).
    Bearer,
    /// `Bearer` with the token taken from an input claim (`UseClaimAsBearerToken`); the claim type id.
    BearerFromClaim(&'static str),
    /// `ApiKeyHeader`: the header name, which is also the cryptographic key Id.
    ApiKeyHeader(&'static str),
    /// `ClientCertificate`: mutual TLS.
    ClientCertificate,
}

impl AuthSpec {
    /// The `AuthenticationType` metadata value, `None` for [`AuthSpec::Inherit`].
    pub const fn authentication_type(self) -> Option<&'static str> {
        match self {
            AuthSpec::Inherit => None,
            AuthSpec::None => Some("None"),
            AuthSpec::Basic => Some("Basic"),
            AuthSpec::Bearer | AuthSpec::BearerFromClaim(_) => Some("Bearer"),
            AuthSpec::ApiKeyHeader(_) => Some("ApiKeyHeader"),
            AuthSpec::ClientCertificate => Some("ClientCertificate"),
        }
    }

    /// The `CryptographicKeys` key ids this scheme needs in the policy, in XML order (an
    /// API-key header's key id is the header name).
    pub fn key_ids(self) -> Vec<&'static str> {
        use crate::metadata::keys;
        match self {
            AuthSpec::Basic => vec![keys::BASIC_USERNAME, keys::BASIC_PASSWORD],
            AuthSpec::Bearer => vec![keys::BEARER_TOKEN],
            AuthSpec::ClientCertificate => vec![keys::CLIENT_CERTIFICATE],
            AuthSpec::ApiKeyHeader(h) => vec![h],
            AuthSpec::None | AuthSpec::Inherit | AuthSpec::BearerFromClaim(_) => Vec::new(),
        }
    }
}

/// One input claim of a handler (`<InputClaim>`).
///
/// Built with [`InputClaimSpec::new`] and the `with_*` methods, in `const` context:
///
/// ```
/// use claims_core::spec::{DataType, InputClaimSpec};
///
/// static EMAIL: InputClaimSpec =
///     InputClaimSpec::new("email", DataType::String).with_partner("emailAddress");
/// static LANG: InputClaimSpec =
///     InputClaimSpec::new("lang", DataType::String).with_resolver("{Culture:RFC5646}");
/// assert!(EMAIL.required && !LANG.required);
/// assert_eq!(EMAIL.wire(), "emailAddress");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct InputClaimSpec {
    /// `ClaimTypeReferenceId`.
    pub id: &'static str,
    /// `PartnerClaimType`, when the wire name differs from `id`.
    pub partner: Option<&'static str>,
    /// DataType of the claim, from the Rust type.
    pub data_type: DataType,
    /// Whether a request without this claim is refused: `false` for `Option<_>`, a declared
    /// default, a claim resolver (which B2C may resolve to nothing) and a stringCollection (an
    /// absent collection is an empty one: B2C leaves empty collections out). The runtime, the
    /// exporter and the emulator all read this one decision, made by `new` and the `with_*`
    /// methods; an absent optional claim that is not an `Option` is decoded from empty text (a
    /// `String` becomes `""`).
    pub required: bool,
    /// `DefaultValue` (literal). Mutually exclusive with `resolver`.
    pub default: Option<&'static str>,
    /// `AlwaysUseDefaultValue="true"`.
    pub always_default: bool,
    /// The `default` is literal text that B2C must send as-is although it looks like a claim
    /// resolver (`{Culture:LCID}`): the profile then resolves no claims.
    pub literal_default: bool,
    /// A claim resolver such as `{Culture:RFC5646}`, sent as `DefaultValue` with `AlwaysUseDefaultValue`.
    pub resolver: Option<&'static str>,
    /// ClaimType `DisplayName`.
    pub display_name: Option<&'static str>,
    /// ClaimType `UserHelpText`.
    pub help: Option<&'static str>,
    /// ClaimType `UserInputType`.
    pub input_type: Option<UserInputType>,
    /// The Rust parameter name (diagnostics only).
    pub rust_name: &'static str,
    /// Added by `#[claims_handler]`, not declared by the handler: the culture and correlation
    /// claims every profile sends by default ([`InputClaimSpec::IMPLICIT_CULTURE`],
    /// [`InputClaimSpec::IMPLICIT_CORRELATION`]). Never passed to the function.
    pub implicit: bool,
}

/// The prefix of the claim type ids the framework declares itself; a handler's own claims may
/// not use it, so the implicit claims never clash with a declared one.
pub const RESERVED_CLAIM_PREFIX: &str = "claimsRuntime";

/// ClaimType id of the implicit culture claim (`{Culture:RFC5646}`).
pub const IMPLICIT_CULTURE_ID: &str = "claimsRuntimeCulture";

/// ClaimType id of the implicit correlation claim (`{Context:CorrelationId}`).
pub const IMPLICIT_CORRELATION_ID: &str = "claimsRuntimeCorrelationId";

impl InputClaimSpec {
    /// The culture claim `#[claims_handler]` appends to a handler that declares none: the UI
    /// culture as an RFC 5646 tag, read by the runtime's language negotiation.
    pub const IMPLICIT_CULTURE: InputClaimSpec =
        InputClaimSpec::new(IMPLICIT_CULTURE_ID, DataType::String)
            .with_resolver(resolvers::CULTURE_RFC5646)
            .with_display_name("UI culture")
            .with_rust_name("(implicit culture)")
            .mark_implicit();

    /// The correlation claim `#[claims_handler]` appends to a handler that declares none: B2C's
    /// correlation id, echoed as `requestId` and used by idempotent handlers.
    pub const IMPLICIT_CORRELATION: InputClaimSpec =
        InputClaimSpec::new(IMPLICIT_CORRELATION_ID, DataType::String)
            .with_resolver(resolvers::CORRELATION_ID)
            .with_display_name("Correlation id")
            .with_rust_name("(implicit correlation id)")
            .mark_implicit();

    /// A required input claim with every optional part unset.
    pub const fn new(id: &'static str, data_type: DataType) -> Self {
        InputClaimSpec {
            id,
            partner: None,
            data_type,
            required: may_be_required(data_type),
            default: None,
            always_default: false,
            literal_default: false,
            resolver: None,
            display_name: None,
            help: None,
            input_type: None,
            rust_name: id,
            implicit: false,
        }
    }

    /// Sets `PartnerClaimType` (the wire name).
    pub const fn with_partner(mut self, partner: &'static str) -> Self {
        self.partner = Some(partner);
        self
    }

    /// Marks a claim the framework adds, not the handler (the `implicit` field).
    pub const fn mark_implicit(mut self) -> Self {
        self.implicit = true;
        self
    }

    /// An optional claim (the Rust type is `Option<_>`).
    pub const fn optional(mut self) -> Self {
        self.required = false;
        self
    }

    /// Sets `required` explicitly (a stringCollection is never required, see
    /// [`Self::required`](InputClaimSpec#structfield.required)).
    pub const fn with_required(mut self, required: bool) -> Self {
        self.required = required && may_be_required(self.data_type);
        self
    }

    /// A literal `DefaultValue`; the claim is then not required.
    pub const fn with_default(mut self, default: &'static str) -> Self {
        self.default = Some(default);
        self.required = false;
        self
    }

    /// `AlwaysUseDefaultValue="true"`.
    pub const fn always_default(mut self) -> Self {
        self.always_default = true;
        self
    }

    /// A literal `DefaultValue` sent as-is even when it looks like a claim resolver; the claim
    /// is then not required.
    pub const fn with_literal_default(mut self, text: &'static str) -> Self {
        self.default = Some(text);
        self.literal_default = true;
        self.required = false;
        self
    }

    /// `true` for a literal default B2C would resolve if the profile resolved claims.
    pub fn has_resolver_like_literal(&self) -> bool {
        self.literal_default && self.default.is_some_and(resolvers::looks_unresolved)
    }

    /// A claim resolver sent as the `DefaultValue`; the claim is then not required.
    pub const fn with_resolver(mut self, resolver: &'static str) -> Self {
        self.resolver = Some(resolver);
        self.required = false;
        self
    }

    /// ClaimType `DisplayName`.
    pub const fn with_display_name(mut self, name: &'static str) -> Self {
        self.display_name = Some(name);
        self
    }

    /// ClaimType `UserHelpText`.
    pub const fn with_help(mut self, help: &'static str) -> Self {
        self.help = Some(help);
        self
    }

    /// ClaimType `UserInputType`.
    pub const fn with_input_type(mut self, t: UserInputType) -> Self {
        self.input_type = Some(t);
        self
    }

    /// The Rust parameter or field name (diagnostics).
    pub const fn with_rust_name(mut self, name: &'static str) -> Self {
        self.rust_name = name;
        self
    }

    /// The name on the wire: `PartnerClaimType` if set, else the claim type id.
    pub const fn wire(&self) -> &'static str {
        crate::grammar::wire_name(self.id, self.partner)
    }

    /// The name users see in messages: the display name, else the claim type id.
    pub const fn label(&self) -> &'static str {
        match self.display_name {
            Some(d) => d,
            None => self.id,
        }
    }

    /// The value B2C puts in `DefaultValue`: the resolver or the literal default.
    pub const fn default_value(&self) -> Option<&'static str> {
        match self.resolver {
            Some(r) => Some(r),
            None => self.default,
        }
    }

    /// Whether B2C should always send the default (resolvers always do).
    pub const fn always_use_default(&self) -> bool {
        self.always_default || self.resolver.is_some()
    }
}

/// One output claim (`<OutputClaim>`), from a field of a `#[derive(OutputClaims)]` struct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct OutputClaimSpec {
    /// `ClaimTypeReferenceId`.
    pub id: &'static str,
    /// `PartnerClaimType`: the JSON key, or a bracket path such as `contacts[0].person.name`.
    pub partner: Option<&'static str>,
    /// The wire name parsed once as a bracket path (set by the derive macro; `None` for a flat
    /// key or a hand-built descriptor, which the runtime parses itself).
    pub path: Option<&'static [Segment<'static>]>,
    /// The wire name is one literal top-level key, never a JSON path, even with a `.` or `[`
    /// (`user.name`): B2C reads it so without `ResolveJsonPathsInJsonTokens`.
    pub flat_key: bool,
    /// DataType of the claim, from the Rust type.
    pub data_type: DataType,
    /// `false` for `Option<_>` and `Vec<_>` fields, which may be omitted from the reply.
    pub always_present: bool,
    /// `DefaultValue`, applied by B2C when the reply omits the claim.
    pub default: Option<&'static str>,
    /// `AlwaysUseDefaultValue="true"`.
    pub always_default: bool,
    /// ClaimType `DisplayName`.
    pub display_name: Option<&'static str>,
    /// ClaimType `UserHelpText`.
    pub help: Option<&'static str>,
    /// ClaimType `UserInputType`.
    pub input_type: Option<UserInputType>,
    /// The Rust field name (diagnostics only).
    pub rust_name: &'static str,
}

impl OutputClaimSpec {
    /// An always-present output claim with every optional part unset.
    pub const fn new(id: &'static str, data_type: DataType) -> Self {
        OutputClaimSpec {
            id,
            partner: None,
            path: None,
            flat_key: false,
            data_type,
            always_present: true,
            default: None,
            always_default: false,
            display_name: None,
            help: None,
            input_type: None,
            rust_name: id,
        }
    }

    /// Sets `PartnerClaimType` (the JSON key or bracket path).
    pub const fn with_partner(mut self, partner: &'static str) -> Self {
        self.partner = Some(partner);
        self
    }

    /// A literal top-level key as the wire name (`PartnerClaimType`), never read as a JSON path.
    pub const fn with_flat_key(mut self, key: &'static str) -> Self {
        self.partner = Some(key);
        self.flat_key = true;
        self.path = None;
        self
    }

    /// The pre-parsed bracket path of the wire name (the derive macro emits it).
    #[doc(hidden)]
    pub const fn with_path(mut self, path: &'static [Segment<'static>]) -> Self {
        self.path = Some(path);
        self
    }

    /// A claim that may be omitted from the reply (`Option<_>`, `Vec<_>`).
    pub const fn optional(mut self) -> Self {
        self.always_present = false;
        self
    }

    /// Sets `always_present` explicitly.
    pub const fn with_always_present(mut self, on: bool) -> Self {
        self.always_present = on;
        self
    }

    /// `DefaultValue`.
    pub const fn with_default(mut self, default: &'static str) -> Self {
        self.default = Some(default);
        self
    }

    /// `AlwaysUseDefaultValue="true"`.
    pub const fn always_default(mut self) -> Self {
        self.always_default = true;
        self
    }

    /// ClaimType `DisplayName`.
    pub const fn with_display_name(mut self, name: &'static str) -> Self {
        self.display_name = Some(name);
        self
    }

    /// ClaimType `UserHelpText`.
    pub const fn with_help(mut self, help: &'static str) -> Self {
        self.help = Some(help);
        self
    }

    /// ClaimType `UserInputType`.
    pub const fn with_input_type(mut self, t: UserInputType) -> Self {
        self.input_type = Some(t);
        self
    }

    /// The Rust field name (diagnostics).
    pub const fn with_rust_name(mut self, name: &'static str) -> Self {
        self.rust_name = name;
        self
    }

    /// The JSON key or path in the reply: `PartnerClaimType` if set, else the claim type id.
    pub const fn wire(&self) -> &'static str {
        crate::grammar::wire_name(self.id, self.partner)
    }

    /// `true` when the wire name is a nested path (needs `ResolveJsonPathsInJsonTokens`); never
    /// for a [flat key](Self::with_flat_key).
    pub fn is_nested(&self) -> bool {
        !self.flat_key && crate::grammar::is_nested_output(self.wire())
    }

    /// `true` for a flat key that a JSON-path reader would take for a path (`user.name`): it
    /// cannot share a profile with `ResolveJsonPathsInJsonTokens=true`.
    pub fn is_dotted_flat_key(&self) -> bool {
        self.flat_key && crate::grammar::is_nested_output(self.wire())
    }
}

/// A typed JSON payload (`ClaimUsedForRequestPayload` built by a `GenerateJson` transformation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct PayloadSpec {
    /// The string claim that carries the generated JSON (and its `ClaimsTransformation` output).
    pub claim_id: &'static str,
    /// The `GenerateJson` transformation id.
    pub transformation_id: &'static str,
    /// Claims placed into the JSON; `partner` holds the `GenerateJson` dot path (`customer.email`,
    /// `items.0.id`).
    pub fields: &'static [InputClaimSpec],
}

impl PayloadSpec {
    /// A payload descriptor.
    pub const fn new(
        claim_id: &'static str,
        transformation_id: &'static str,
        fields: &'static [InputClaimSpec],
    ) -> Self {
        PayloadSpec {
            claim_id,
            transformation_id,
            fields,
        }
    }
}

/// The descriptor of one handler: one RESTful technical profile.
///
/// `#[claims_handler]` builds it; by hand (tests, tools) start from [`HandlerSpec::new`]:
///
/// ```
/// use claims_core::spec::{AuthSpec, DataType, HandlerSpec, InputClaimSpec, SendClaimsIn};
///
/// static INPUTS: [InputClaimSpec; 2] = [
///     InputClaimSpec::new("email", DataType::String),
///     InputClaimSpec::new("correlationId", DataType::String)
///         .with_resolver("{Context:CorrelationId}"),
/// ];
/// static SPEC: HandlerSpec = HandlerSpec::new("REST-Lookup", "/members/{email}?v=1", SendClaimsIn::Url)
///     .with_auth(AuthSpec::Basic)
///     .with_inputs(&INPUTS);
/// assert_eq!(SPEC.route, "/members/{email}");
/// assert_eq!(SPEC.query_template, Some("v=1"));
/// assert_eq!(SPEC.correlation, Some(1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct HandlerSpec {
    /// TechnicalProfile `Id`, e.g. `REST-GetMembership`.
    pub technical_profile: &'static str,
    /// TechnicalProfile `DisplayName` (first line of the doc comment by default).
    pub display_name: &'static str,
    /// The whole doc comment, if any.
    pub description: Option<&'static str>,
    /// Route path relative to the base URL; Url mode may hold `{placeholders}` and a `?k={v}` query.
    pub path: &'static str,
    /// `path` before any `?`: what the router mounts (pre-parsed).
    pub route: &'static str,
    /// `path` after the first `?`: the Url-mode query template (pre-parsed).
    pub query_template: Option<&'static str>,
    /// `SendClaimsIn`.
    pub send_claims_in: SendClaimsIn,
    /// Caller authentication.
    pub auth: AuthSpec,
    /// Input claims in parameter order (empty in payload mode).
    pub inputs: &'static [InputClaimSpec],
    /// Index in `inputs` of the correlation-id claim (`{Context:CorrelationId}`, else the claim
    /// id `correlationId`), pre-computed.
    pub correlation: Option<usize>,
    /// Indexes in `inputs` of the culture claims: `{Culture:RFC5646}`, `{Culture:LCID}`,
    /// `{Culture:LanguageName}`, pre-computed.
    pub culture: CultureClaims,
    /// Output claims, from the `OutputClaims` type of the return value.
    pub outputs: &'static [OutputClaimSpec],
    /// Payload mode, when the handler takes a `#[claim(payload)]` parameter.
    pub payload: Option<&'static PayloadSpec>,
    /// Server-side deadline in milliseconds; `None` uses the app default (8 s).
    pub deadline_ms: Option<u32>,
    /// Replay the first answer to a retry with the same correlation id.
    pub idempotent: bool,
    /// Catalog message ids the handler renders: the string literals passed to
    /// `ClaimsError::user` / `ClaimsError::bad_request` in its body, plus the ids declared with
    /// `messages = [..]`. The app refuses to start when the default language lacks one.
    pub messages: &'static [&'static str],
    /// The callers the handler answers, each on its own route (default: the B2C technical
    /// profile alone, on `route`).
    pub callers: &'static [CallerRoute],
    /// Metadata set explicitly (`metadata(..)`), each replacing what the exporter would write
    /// for that key.
    pub metadata: &'static [crate::metadata::Explicit],
    /// A base URL of its own (another host), replacing the export's base URL for this handler.
    pub service_url: Option<&'static str>,
    /// Static query parameters appended to the ServiceUrl in every send mode.
    pub service_query: &'static [(&'static str, QueryValue)],
    /// The Rust function name.
    pub rust_fn: &'static str,
    /// `module_path!()` of the function.
    pub module: &'static str,
}

/// The value of a static ServiceUrl query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum QueryValue {
    /// Text from the source (already URL-encoded as written).
    Literal(&'static str),
    /// The value of a configuration setting (an environment variable, an App Service app
    /// setting) of this name, read when the policy is exported: secrets never live in source.
    Setting(&'static str),
}

/// One caller a handler answers, and the route that caller posts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallerRoute {
    /// A B2C custom policy's RESTful technical profile, on the handler's own `route`.
    B2c,
    /// A B2C user flow's API connector attached at `step`.
    ApiConnector {
        /// The user-flow step the connector is attached to.
        step: ApiConnectorStep,
        /// The route (a plain path: no placeholders, no query).
        path: &'static str,
    },
    /// A Microsoft Entra custom authentication extension for `event`.
    Entra {
        /// The authentication event.
        event: EntraEvent,
        /// The route (a plain path: no placeholders, no query).
        path: &'static str,
    },
}

impl CallerRoute {
    /// Which product this is.
    pub const fn caller(&self) -> Caller {
        match self {
            CallerRoute::B2c => Caller::B2cTechnicalProfile,
            CallerRoute::ApiConnector { .. } => Caller::ApiConnector,
            CallerRoute::Entra { .. } => Caller::EntraExtension,
        }
    }

    /// The route this caller posts to, given the handler's B2C route.
    pub const fn path(&self, b2c_route: &'static str) -> &'static str {
        match self {
            CallerRoute::B2c => b2c_route,
            CallerRoute::ApiConnector { path, .. } | CallerRoute::Entra { path, .. } => path,
        }
    }
}

/// Only B2C: the default of every handler.
pub const B2C_ONLY: &[CallerRoute] = &[CallerRoute::B2c];

/// Panics (at compile time, in a const) when an output claim cannot be a TokenIssuanceStart
/// token claim: Entra accepts only strings and string arrays there.
pub const fn assert_token_claims(outputs: &[OutputClaimSpec]) {
    let mut i = 0;
    while i < outputs.len() {
        match outputs[i].data_type {
            DataType::String | DataType::StringCollection => {}
            _ => panic!(
                "entra(event = TokenIssuanceStart) sends output claims as token claims, which Entra accepts only as strings or string arrays: make every output field String, Option<String> or Vec<String> (or convert it to text)"
            ),
        }
        i += 1;
    }
}

/// Which input claims carry the user's culture, by resolver (indexes into the inputs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CultureClaims {
    /// `{Culture:RFC5646}`.
    pub rfc5646: Option<usize>,
    /// `{Culture:LCID}`.
    pub lcid: Option<usize>,
    /// `{Culture:LanguageName}`.
    pub language_name: Option<usize>,
}

impl HandlerSpec {
    /// A handler descriptor with no claims, `auth` inherited from the app and no deadline.
    pub const fn new(
        technical_profile: &'static str,
        path: &'static str,
        send_claims_in: SendClaimsIn,
    ) -> Self {
        let (route, query_template) = split_route(path);
        HandlerSpec {
            technical_profile,
            display_name: technical_profile,
            description: None,
            path,
            route,
            query_template,
            send_claims_in,
            auth: AuthSpec::Inherit,
            inputs: &[],
            correlation: None,
            culture: CultureClaims {
                rfc5646: None,
                lcid: None,
                language_name: None,
            },
            outputs: &[],
            payload: None,
            deadline_ms: None,
            idempotent: false,
            messages: &[],
            callers: B2C_ONLY,
            metadata: &[],
            service_url: None,
            service_query: &[],
            rust_fn: "",
            module: "",
        }
    }

    /// `DisplayName` of the technical profile.
    pub const fn with_display_name(mut self, name: &'static str) -> Self {
        self.display_name = name;
        self
    }

    /// Another technical profile id (deriving one descriptor from another).
    pub const fn with_technical_profile(mut self, id: &'static str) -> Self {
        self.technical_profile = id;
        self
    }

    /// Another route path (re-splits the query template).
    pub const fn with_path(mut self, path: &'static str) -> Self {
        let (route, query_template) = split_route(path);
        self.path = path;
        self.route = route;
        self.query_template = query_template;
        self
    }

    /// Another `SendClaimsIn`.
    pub const fn with_send_claims_in(mut self, mode: SendClaimsIn) -> Self {
        self.send_claims_in = mode;
        self
    }

    /// The description (doc comment).
    pub const fn with_description(mut self, text: &'static str) -> Self {
        self.description = Some(text);
        self
    }

    /// Caller authentication.
    pub const fn with_auth(mut self, auth: AuthSpec) -> Self {
        self.auth = auth;
        self
    }

    /// The input claims; also finds the correlation and culture claims once.
    pub const fn with_inputs(mut self, inputs: &'static [InputClaimSpec]) -> Self {
        self.inputs = inputs;
        self.correlation = None;
        self.culture = CultureClaims {
            rfc5646: None,
            lcid: None,
            language_name: None,
        };
        let mut by_id = None;
        let mut i = 0;
        while i < inputs.len() {
            if let Some(r) = inputs[i].resolver {
                if r.eq_ignore_ascii_case(resolvers::CORRELATION_ID) && self.correlation.is_none() {
                    self.correlation = Some(i);
                } else if r.eq_ignore_ascii_case(resolvers::CULTURE_RFC5646) {
                    self.culture.rfc5646 = Some(i);
                } else if r.eq_ignore_ascii_case(resolvers::CULTURE_LCID) {
                    self.culture.lcid = Some(i);
                } else if r.eq_ignore_ascii_case(resolvers::CULTURE_LANGUAGE_NAME) {
                    self.culture.language_name = Some(i);
                }
            }
            if by_id.is_none() && inputs[i].id.eq_ignore_ascii_case("correlationId") {
                by_id = Some(i);
            }
            i += 1;
        }
        if self.correlation.is_none() {
            self.correlation = by_id;
        }
        self
    }

    /// The output claims.
    pub const fn with_outputs(mut self, outputs: &'static [OutputClaimSpec]) -> Self {
        self.outputs = outputs;
        self
    }

    /// Payload mode.
    pub const fn with_payload(mut self, payload: &'static PayloadSpec) -> Self {
        self.payload = Some(payload);
        self
    }

    /// A deadline in milliseconds.
    pub const fn with_deadline_ms(mut self, ms: u32) -> Self {
        self.deadline_ms = Some(ms);
        self
    }

    /// Replay the first answer to a retry.
    pub const fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }

    /// The catalog message ids the handler renders (checked against the catalogs at startup).
    pub const fn with_messages(mut self, ids: &'static [&'static str]) -> Self {
        self.messages = ids;
        self
    }

    /// The callers the handler answers (see [`CallerRoute`]).
    pub const fn with_callers(mut self, callers: &'static [CallerRoute]) -> Self {
        self.callers = callers;
        self
    }

    /// A base URL of its own (see [`HandlerSpec::service_url`]).
    pub const fn with_service_url(mut self, url: &'static str) -> Self {
        self.service_url = Some(url);
        self
    }

    /// Static query parameters (see [`HandlerSpec::service_query`]).
    pub const fn with_service_query(
        mut self,
        query: &'static [(&'static str, QueryValue)],
    ) -> Self {
        self.service_query = query;
        self
    }

    /// A literal static query parameter for [`HandlerSpec::with_service_query`] (reachable
    /// where only `HandlerSpec` is re-exported, as in generated code).
    pub const fn query_literal(
        key: &'static str,
        value: &'static str,
    ) -> (&'static str, QueryValue) {
        (key, QueryValue::Literal(value))
    }

    /// A static query parameter whose value is the setting `name`, read when the policy is
    /// exported (for secrets such as an Azure Functions `code`).
    pub const fn query_setting(
        key: &'static str,
        name: &'static str,
    ) -> (&'static str, QueryValue) {
        (key, QueryValue::Setting(name))
    }

    /// An explicit flag item for [`HandlerSpec::with_metadata`] (also reachable where only
    /// `HandlerSpec` is re-exported, as in generated code).
    pub const fn metadata_flag(key: &'static str, value: bool) -> crate::metadata::Explicit {
        crate::metadata::Explicit::Flag(key, value)
    }

    /// An explicit message item for [`HandlerSpec::with_metadata`].
    pub const fn metadata_message(
        key: &'static str,
        text: &'static str,
    ) -> crate::metadata::Explicit {
        crate::metadata::Explicit::Message(key, text)
    }

    /// Explicit metadata items (see [`HandlerSpec::metadata`]).
    pub const fn with_metadata(mut self, items: &'static [crate::metadata::Explicit]) -> Self {
        self.metadata = items;
        self
    }

    /// `true` when the handler answers `caller`.
    pub fn serves(&self, caller: Caller) -> bool {
        self.callers.iter().any(|c| c.caller() == caller)
    }

    /// The Rust function and its module (diagnostics).
    pub const fn with_rust_fn(mut self, rust_fn: &'static str, module: &'static str) -> Self {
        self.rust_fn = rust_fn;
        self.module = module;
        self
    }

    /// The actix route path: `path` without any `?query` template.
    pub const fn route_path(&self) -> &'static str {
        self.route
    }

    /// `true` when an input claim uses a claim resolver.
    pub fn uses_resolvers(&self) -> bool {
        self.inputs.iter().any(|c| c.resolver.is_some())
            || self
                .payload
                .is_some_and(|p| p.fields.iter().any(|c| c.resolver.is_some()))
    }

    /// `true` when an output claim is mapped through a nested JSON path.
    pub fn uses_nested_outputs(&self) -> bool {
        self.outputs.iter().any(OutputClaimSpec::is_nested)
    }

    /// The input claim bound to `{Context:CorrelationId}` (or with claim type id `correlationId`).
    pub fn correlation_claim(&self) -> Option<&'static InputClaimSpec> {
        self.inputs.get(self.correlation?)
    }
}

/// `path` split at the first `?` (const: runs when the descriptor is built).
const fn split_route(path: &'static str) -> (&'static str, Option<&'static str>) {
    let b = path.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'?' {
            let (route, rest) = path.split_at(i);
            return (route, Some(rest.split_at(1).1));
        }
        i += 1;
    }
    (path, None)
}

/// Whether a claim of this type can be required: not a stringCollection, whose absence is an
/// empty collection.
const fn may_be_required(data_type: DataType) -> bool {
    !matches!(data_type, DataType::StringCollection)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_string_collection_is_never_required() {
        let tags = InputClaimSpec::new("tags", DataType::StringCollection);
        assert!(!tags.required);
        assert!(!tags.with_required(true).required);
        let email = InputClaimSpec::new("email", DataType::String);
        assert!(email.required);
        assert!(email.with_required(true).required);
        assert!(!email.with_required(false).required);
    }
}
