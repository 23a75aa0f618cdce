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
