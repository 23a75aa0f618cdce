//! RESTful technical profile metadata keys and cryptographic key ids, named once for the
//! exporter (which writes them), its lint (which checks them) and the emulator (which reads them).

/// `ServiceUrl`.
pub const SERVICE_URL: &str = "ServiceUrl";
/// `AuthenticationType`.
pub const AUTHENTICATION_TYPE: &str = "AuthenticationType";
/// `AllowInsecureAuthInProduction`.
pub const ALLOW_INSECURE_AUTH_IN_PRODUCTION: &str = "AllowInsecureAuthInProduction";
/// `SendClaimsIn`.
pub const SEND_CLAIMS_IN: &str = "SendClaimsIn";
/// `ClaimUsedForRequestPayload`.
pub const CLAIM_USED_FOR_REQUEST_PAYLOAD: &str = "ClaimUsedForRequestPayload";
/// `DebugMode`.
pub const DEBUG_MODE: &str = "DebugMode";
/// `IncludeClaimResolvingInClaimsHandling`.
pub const INCLUDE_CLAIM_RESOLVING: &str = "IncludeClaimResolvingInClaimsHandling";
/// `ResolveJsonPathsInJsonTokens`.
pub const RESOLVE_JSON_PATHS: &str = "ResolveJsonPathsInJsonTokens";
/// `UseClaimAsBearerToken`.
pub const USE_CLAIM_AS_BEARER_TOKEN: &str = "UseClaimAsBearerToken";
/// `DefaultUserMessageIfRequestFailed`.
pub const DEFAULT_USER_MESSAGE_IF_REQUEST_FAILED: &str = "DefaultUserMessageIfRequestFailed";
/// `UserMessageIfCircuitOpen`.
pub const USER_MESSAGE_IF_CIRCUIT_OPEN: &str = "UserMessageIfCircuitOpen";
/// `UserMessageIfDnsResolutionFailed`.
pub const USER_MESSAGE_IF_DNS_RESOLUTION_FAILED: &str = "UserMessageIfDnsResolutionFailed";
/// `UserMessageIfRequestTimeout`.
pub const USER_MESSAGE_IF_REQUEST_TIMEOUT: &str = "UserMessageIfRequestTimeout";

/// Every documented RESTful metadata key. `ClaimsFormat` is documented as unused and left out.
pub const KNOWN: &[&str] = &[
    SERVICE_URL,
    AUTHENTICATION_TYPE,
    ALLOW_INSECURE_AUTH_IN_PRODUCTION,
    SEND_CLAIMS_IN,
    CLAIM_USED_FOR_REQUEST_PAYLOAD,
    DEBUG_MODE,
    INCLUDE_CLAIM_RESOLVING,
    RESOLVE_JSON_PATHS,
    USE_CLAIM_AS_BEARER_TOKEN,
    DEFAULT_USER_MESSAGE_IF_REQUEST_FAILED,
    USER_MESSAGE_IF_CIRCUIT_OPEN,
    USER_MESSAGE_IF_DNS_RESOLUTION_FAILED,
    USER_MESSAGE_IF_REQUEST_TIMEOUT,
];

/// What value a metadata key a handler may set explicitly takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// `true` / `false`.
    Flag,
    /// Text shown to the user.
    Message,
}

/// The metadata keys a handler may set explicitly (`metadata(..)` on `#[claims_handler]`), with
/// the kind of value each takes. The exporter derives the others from the descriptor.
pub const EXPLICIT: &[(&str, ValueKind)] = &[
    (INCLUDE_CLAIM_RESOLVING, ValueKind::Flag),
    (RESOLVE_JSON_PATHS, ValueKind::Flag),
    (DEBUG_MODE, ValueKind::Flag),
    (ALLOW_INSECURE_AUTH_IN_PRODUCTION, ValueKind::Flag),
    (DEFAULT_USER_MESSAGE_IF_REQUEST_FAILED, ValueKind::Message),
    (USER_MESSAGE_IF_CIRCUIT_OPEN, ValueKind::Message),
    (USER_MESSAGE_IF_DNS_RESOLUTION_FAILED, ValueKind::Message),
    (USER_MESSAGE_IF_REQUEST_TIMEOUT, ValueKind::Message),
];

/// The kind of value an explicitly settable key takes; `None` for any other key.
pub fn explicit_kind(key: &str) -> Option<ValueKind> {
    EXPLICIT.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// One metadata item a handler sets explicitly; it replaces what the exporter would write
/// (from the descriptor or the export options) for that key in this handler's profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Explicit {
    /// A [`ValueKind::Flag`] key and its value.
    Flag(&'static str, bool),
    /// A [`ValueKind::Message`] key and its text.
    Message(&'static str, &'static str),
}

impl Explicit {
    /// The metadata key.
    pub const fn key(&self) -> &'static str {
        match self {
            Explicit::Flag(k, _) | Explicit::Message(k, _) => k,
        }
    }

    /// The value as written in the policy.
    pub const fn value(&self) -> &'static str {
        match self {
            Explicit::Flag(_, true) => "true",
            Explicit::Flag(_, false) => "false",
            Explicit::Message(_, m) => m,
        }
    }

    /// The flag value of `key` among `items`, if set there.
    pub fn flag(items: &[Explicit], key: &str) -> Option<bool> {
        items.iter().find_map(|i| match i {
            Explicit::Flag(k, v) if *k == key => Some(*v),
            _ => None,
        })
    }
}

/// The `RestfulProvider` protocol handler string of every RESTful technical profile.
pub const RESTFUL_PROVIDER_HANDLER: &str = "Web.TPEngine.Providers.RestfulProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null";

/// Cryptographic key `Id`s with a fixed meaning; any other key id is an API-key header name.
pub mod keys {
    /// Basic user name.
    pub const BASIC_USERNAME: &str = "BasicAuthenticationUsername";
    /// Basic password.
    pub const BASIC_PASSWORD: &str = "BasicAuthenticationPassword";
    /// Static bearer token.
    pub const BEARER_TOKEN: &str = "BearerAuthenticationToken";
    /// Client certificate.
    pub const CLIENT_CERTIFICATE: &str = "ClientCertificate";
    /// All fixed ids.
    pub const FIXED: &[&str] = &[
        BASIC_USERNAME,
        BASIC_PASSWORD,
        BEARER_TOKEN,
        CLIENT_CERTIFICATE,
    ];
}
