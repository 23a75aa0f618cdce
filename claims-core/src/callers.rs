//! The facts about the three callers a handler can answer, stated once: Azure AD B2C custom-policy
//! RESTful technical profiles, B2C user-flow API connectors and Microsoft Entra custom
//! authentication extensions.
//!
//! The runtime codecs, the Graph exporter and the emulators all read the step names, event types,
//! `@odata.type` strings, allowed actions and time budgets from here.

use core::fmt;

/// Which product calls the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Caller {
    /// Azure AD B2C custom policy, RESTful technical profile.
    B2cTechnicalProfile,
    /// Azure AD B2C user flow, API connector.
    ApiConnector,
    /// Microsoft Entra (External ID or workforce) custom authentication extension.
    EntraExtension,
}

impl Caller {
    /// Every caller, in declaration order.
    pub const ALL: [Caller; 3] = [
        Caller::B2cTechnicalProfile,
        Caller::ApiConnector,
        Caller::EntraExtension,
    ];

    /// A stable lower-case name (`b2c`, `api-connector`, `entra`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Caller::B2cTechnicalProfile => "b2c",
            Caller::ApiConnector => "api-connector",
            Caller::EntraExtension => "entra",
        }
    }

    /// How long the caller waits for one attempt by default, in milliseconds.
    pub const fn default_timeout_ms(self) -> u32 {
        match self {
            Caller::B2cTechnicalProfile => B2C_TECHNICAL_PROFILE_TIMEOUT_MS,
            Caller::ApiConnector => API_CONNECTOR_TIMEOUT_MS,
            Caller::EntraExtension => ENTRA_TIMEOUT_DEFAULT_MS,
        }
    }

    /// The longest a caller can be configured to wait for one attempt, in milliseconds.
    pub const fn max_timeout_ms(self) -> u32 {
        match self {
            Caller::B2cTechnicalProfile => B2C_TECHNICAL_PROFILE_TIMEOUT_MS,
            Caller::ApiConnector => API_CONNECTOR_TIMEOUT_MS,
            Caller::EntraExtension => ENTRA_TIMEOUT_MAX_MS,
        }
    }
}

impl fmt::Display for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The handler deadline a caller gets when the handler declares none, below the caller's budget
/// with room for the network: B2C 8 s of 10 s, API connector 4.5 s of 5 s, Entra 900 ms of its
/// default 1 s (the Graph export then asks Entra for exactly 1 s).
impl Caller {
    /// The default handler deadline on this caller's route, in milliseconds.
    pub const fn default_deadline_ms(self) -> u32 {
        match self {
            Caller::B2cTechnicalProfile => 8_000,
            Caller::ApiConnector => 4_500,
            Caller::EntraExtension => 900,
        }
    }
}

/// B2C waits 10 s for a RESTful technical profile (one retry).
pub const B2C_TECHNICAL_PROFILE_TIMEOUT_MS: u32 = 10_000;
/// B2C waits 5 s for an API connector (one retry).
pub const API_CONNECTOR_TIMEOUT_MS: u32 = 5_000;
/// Entra's default per-attempt timeout for a custom authentication extension.
pub const ENTRA_TIMEOUT_DEFAULT_MS: u32 = 1_000;
/// The smallest `timeoutInMilliseconds` Entra accepts.
pub const ENTRA_TIMEOUT_MIN_MS: u32 = 200;
/// The largest `timeoutInMilliseconds` Entra accepts.
pub const ENTRA_TIMEOUT_MAX_MS: u32 = 2_000;
/// The largest `maximumRetries` Entra accepts.
pub const ENTRA_MAX_RETRIES: u8 = 1;

/// The app id Entra's custom authentication extension service uses when it calls an API: `azp`
/// (v2.0 tokens) or `appid` (v1.0) of every genuine call.
pub const ENTRA_FIRST_PARTY_APP_ID: &str = "99045fe1-7639-4a75-9d4a-577b6ca3810f";

/// The limit Entra sets on the claims of one `provideClaimsForToken` action ("3 KB", keys and
/// values). The check counts the serialized `claims` object against 3000 bytes: both choices
/// (JSON punctuation counted, 3000 rather than 3072) are the stricter reading.
pub const TOKEN_CLAIMS_MAX_BYTES: usize = 3_000;

/// Microsoft Graph's app id (the resource of the permission an extension app needs).
pub const MICROSOFT_GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";
/// The Graph app role an extension's app registration needs to receive payloads.
pub const RECEIVE_PAYLOAD_ROLE_ID: &str = "214e810f-fda8-4fd7-a475-29461495eb00";
/// The name of [`RECEIVE_PAYLOAD_ROLE_ID`].
pub const RECEIVE_PAYLOAD_ROLE_NAME: &str = "CustomAuthenticationExtensions.Receive.Payload";

/// A boolean output claim with this wire name set to `true` turns a PasswordSubmit handler's
/// success into `UpdatePassword` (the password is right but must be changed) instead of
/// `MigratePassword`.
pub const PASSWORD_UPDATE_CLAIM: &str = "updatePassword";

/// Graph `@odata.type` of an API connector's Basic authentication.
pub const GRAPH_BASIC_AUTHENTICATION: &str = "#microsoft.graph.basicAuthentication";
/// Graph `@odata.type` of an API connector's client certificate (PKCS 12).
pub const GRAPH_PKCS12_CERTIFICATE: &str = "#microsoft.graph.pkcs12Certificate";
/// Graph `@odata.type` of an extension's HTTP endpoint.
pub const GRAPH_HTTP_REQUEST_ENDPOINT: &str = "#microsoft.graph.httpRequestEndpoint";
/// Graph `@odata.type` of an extension's Entra token authentication.
pub const GRAPH_AZURE_AD_TOKEN_AUTHENTICATION: &str = "#microsoft.graph.azureAdTokenAuthentication";
/// Graph `@odata.type` of an OtpSend listener's fallback to Microsoft's own email sender.
pub const GRAPH_FALLBACK_TO_MICROSOFT_PROVIDER: &str =
    "#microsoft.graph.fallbackToMicrosoftProviderOnError";

/// The `version` every API connector reply carries.
pub const API_CONNECTOR_VERSION: &str = "1.0.0";

/// Where in a user flow B2C calls an API connector (the request's `step`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApiConnectorStep {
    /// After federation with an identity provider, before the attribute page (sign-up only).
    PostFederationSignup,
    /// After the attribute page, before the user is created.
    PostAttributeCollection,
    /// Before the token is issued (preview).
    PreTokenIssuance,
}

impl ApiConnectorStep {
    /// Every step, in flow order.
    pub const ALL: [ApiConnectorStep; 3] = [
        ApiConnectorStep::PostFederationSignup,
        ApiConnectorStep::PostAttributeCollection,
        ApiConnectorStep::PreTokenIssuance,
    ];

    /// The `step` value on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            ApiConnectorStep::PostFederationSignup => "PostFederationSignup",
            ApiConnectorStep::PostAttributeCollection => "PostAttributeCollection",
            ApiConnectorStep::PreTokenIssuance => "PreTokenIssuance",
        }
    }

    /// Reads a `step` value, case-insensitively; `PreTokenApplicationClaims` (the spelling of
    /// Microsoft's own example) is the pre-token step too.
    pub fn from_wire(s: &str) -> Option<ApiConnectorStep> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("PreTokenApplicationClaims") {
            return Some(ApiConnectorStep::PreTokenIssuance);
        }
        Self::ALL
            .into_iter()
            .find(|step| step.as_str().eq_ignore_ascii_case(s))
    }

    /// The segment of the user flow's `apiConnectorConfiguration` this step is attached at.
    pub const fn configuration_property(self) -> &'static str {
        match self {
            ApiConnectorStep::PostFederationSignup => "postFederationSignup",
            ApiConnectorStep::PostAttributeCollection => "postAttributeCollection",
            ApiConnectorStep::PreTokenIssuance => "preTokenIssuance",
        }
    }

    /// The actions a reply may carry at this step.
    pub const fn actions(self) -> &'static [ApiConnectorAction] {
        match self {
            ApiConnectorStep::PostFederationSignup => &[
                ApiConnectorAction::Continue,
                ApiConnectorAction::ShowBlockPage,
            ],
            ApiConnectorStep::PostAttributeCollection => &[
                ApiConnectorAction::Continue,
                ApiConnectorAction::ShowBlockPage,
                ApiConnectorAction::ValidationError,
            ],
            ApiConnectorStep::PreTokenIssuance => &[ApiConnectorAction::Continue],
        }
    }

    /// Whether `action` is allowed at this step.
    pub fn allows(self, action: ApiConnectorAction) -> bool {
        self.actions().contains(&action)
    }
}

impl fmt::Display for ApiConnectorStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `action` of an API connector reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApiConnectorAction {
    /// Go on, with the claims of the reply.
    Continue,
    /// Stop the flow and show `userMessage`.
    ShowBlockPage,
    /// Stay on the attribute page and show `userMessage` (HTTP 400).
    ValidationError,
}

impl ApiConnectorAction {
    /// Every action.
    pub const ALL: [ApiConnectorAction; 3] = [
        ApiConnectorAction::Continue,
        ApiConnectorAction::ShowBlockPage,
        ApiConnectorAction::ValidationError,
    ];

    /// The `action` value on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            ApiConnectorAction::Continue => "Continue",
            ApiConnectorAction::ShowBlockPage => "ShowBlockPage",
            ApiConnectorAction::ValidationError => "ValidationError",
        }
    }

    /// Reads an `action` value (exact case first, then case-insensitively).
    pub fn from_wire(s: &str) -> Option<ApiConnectorAction> {
        Self::ALL.into_iter().find(|a| a.as_str() == s).or_else(|| {
            Self::ALL
                .into_iter()
                .find(|a| a.as_str().eq_ignore_ascii_case(s))
        })
    }

    /// The HTTP status the reply must have.
    pub const fn http_status(self) -> u16 {
        match self {
            ApiConnectorAction::ValidationError => 400,
            _ => 200,
        }
    }
}

impl fmt::Display for ApiConnectorAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An Entra custom authentication extension event with a public REST contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntraEvent {
    /// Before a token is issued: add claims (workforce and external tenants).
    TokenIssuanceStart,
    /// Before the sign-up attribute page: prefill or block.
    AttributeCollectionStart,
    /// After the sign-up attribute page: validate, modify or block.
    AttributeCollectionSubmit,
    /// An email one-time code is to be sent: send it yourself.
    OtpSend,
    /// Just-in-time password migration: check a password against a legacy store.
    PasswordSubmit,
}

impl EntraEvent {
    /// Every event.
    pub const ALL: [EntraEvent; 5] = [
        EntraEvent::TokenIssuanceStart,
        EntraEvent::AttributeCollectionStart,
        EntraEvent::AttributeCollectionSubmit,
        EntraEvent::OtpSend,
        EntraEvent::PasswordSubmit,
    ];

    /// A short name (`TokenIssuanceStart`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            EntraEvent::TokenIssuanceStart => "TokenIssuanceStart",
            EntraEvent::AttributeCollectionStart => "AttributeCollectionStart",
            EntraEvent::AttributeCollectionSubmit => "AttributeCollectionSubmit",
            EntraEvent::OtpSend => "OtpSend",
            EntraEvent::PasswordSubmit => "PasswordSubmit",
        }
    }

    /// Reads a short name case-insensitively (`EmailOtpSend` is [`EntraEvent::OtpSend`]).
    pub fn from_name(s: &str) -> Option<EntraEvent> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("EmailOtpSend") {
            return Some(EntraEvent::OtpSend);
        }
        Self::ALL
            .into_iter()
            .find(|e| e.as_str().eq_ignore_ascii_case(s))
    }

    /// The request's top-level `type`.
    pub const fn event_type(self) -> &'static str {
        match self {
            EntraEvent::TokenIssuanceStart => {
                "microsoft.graph.authenticationEvent.tokenIssuanceStart"
            }
            EntraEvent::AttributeCollectionStart => {
                "microsoft.graph.authenticationEvent.attributeCollectionStart"
            }
            EntraEvent::AttributeCollectionSubmit => {
                "microsoft.graph.authenticationEvent.attributeCollectionSubmit"
            }
            EntraEvent::OtpSend => "microsoft.graph.authenticationEvent.emailOtpSend",
            EntraEvent::PasswordSubmit => "microsoft.graph.authenticationEvent.passwordSubmit",
        }
    }

    /// The request's `data.@odata.type`.
    pub const fn callout_data_type(self) -> &'static str {
        match self {
            EntraEvent::TokenIssuanceStart => "microsoft.graph.onTokenIssuanceStartCalloutData",
            EntraEvent::AttributeCollectionStart => {
                "microsoft.graph.onAttributeCollectionStartCalloutData"
            }
            EntraEvent::AttributeCollectionSubmit => {
                "microsoft.graph.onAttributeCollectionSubmitCalloutData"
            }
            EntraEvent::OtpSend => "microsoft.graph.onOtpSendCalloutData",
            EntraEvent::PasswordSubmit => "microsoft.graph.onPasswordSubmitCalloutData",
        }
    }

    /// The reply's `data.@odata.type` (OtpSend's is capitalised, as Entra documents it).
    pub const fn response_data_type(self) -> &'static str {
        match self {
            EntraEvent::TokenIssuanceStart => "microsoft.graph.onTokenIssuanceStartResponseData",
            EntraEvent::AttributeCollectionStart => {
                "microsoft.graph.onAttributeCollectionStartResponseData"
            }
            EntraEvent::AttributeCollectionSubmit => {
                "microsoft.graph.onAttributeCollectionSubmitResponseData"
            }
            EntraEvent::OtpSend => "microsoft.graph.OnOtpSendResponseData",
            EntraEvent::PasswordSubmit => "microsoft.graph.onPasswordSubmitResponseData",
        }
    }

    /// Finds the event of a request from its `data.@odata.type` (case-insensitive, with or without
    /// a leading `#`).
    pub fn from_callout_data_type(s: &str) -> Option<EntraEvent> {
        let s = s.trim().trim_start_matches('#');
        Self::ALL
            .into_iter()
            .find(|e| e.callout_data_type().eq_ignore_ascii_case(s))
    }

    /// Finds the event of a request from its top-level `type` (case-insensitive).
    pub fn from_event_type(s: &str) -> Option<EntraEvent> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|e| e.event_type().eq_ignore_ascii_case(s))
    }

    /// The actions a reply to this event may carry (exactly one per reply).
    pub const fn actions(self) -> &'static [EntraAction] {
        match self {
            EntraEvent::TokenIssuanceStart => &[EntraAction::ProvideClaimsForToken],
            EntraEvent::AttributeCollectionStart => &[
                EntraAction::ContinueWithDefaultBehavior,
                EntraAction::SetPrefillValues,
                EntraAction::ShowBlockPage,
            ],
            EntraEvent::AttributeCollectionSubmit => &[
                EntraAction::ContinueWithDefaultBehavior,
                EntraAction::ModifyAttributeValues,
                EntraAction::ShowBlockPage,
                EntraAction::ShowValidationError,
            ],
            EntraEvent::OtpSend => &[EntraAction::ContinueWithDefaultBehavior],
            EntraEvent::PasswordSubmit => &[
                EntraAction::MigratePassword,
                EntraAction::UpdatePassword,
                EntraAction::Retry,
                EntraAction::Block,
            ],
        }
    }

    /// Whether `action` is allowed in a reply to this event.
    pub fn allows(self, action: EntraAction) -> bool {
        self.actions().contains(&action)
    }

    /// The action's `@odata.type` for this event, or `None` when the event does not allow it.
    pub fn action_type(self, action: EntraAction) -> Option<&'static str> {
        ENTRA_ACTION_TYPES
            .iter()
            .find(|(e, a, _)| *e == self && *a == action)
            .map(|(_, _, t)| *t)
    }

    /// Reads an action `@odata.type` of this event: case-insensitive (Microsoft spells
    /// `passwordSubmit` and `passwordsubmit`), with or without a leading `#`.
    pub fn parse_action(self, odata_type: &str) -> Option<EntraAction> {
        let s = odata_type.trim().trim_start_matches('#');
        ENTRA_ACTION_TYPES
            .iter()
            .find(|(e, _, t)| *e == self && t.eq_ignore_ascii_case(s))
            .map(|(_, a, _)| *a)
    }

    /// The Graph `customAuthenticationExtension` subtype registering a handler for this event.
    pub const fn extension_type(self) -> &'static str {
        match self {
            EntraEvent::TokenIssuanceStart => {
                "#microsoft.graph.onTokenIssuanceStartCustomExtension"
            }
            EntraEvent::AttributeCollectionStart => {
                "#microsoft.graph.onAttributeCollectionStartCustomExtension"
            }
            EntraEvent::AttributeCollectionSubmit => {
                "#microsoft.graph.onAttributeCollectionSubmitCustomExtension"
            }
            EntraEvent::OtpSend => "#microsoft.graph.onOtpSendCustomExtension",
            EntraEvent::PasswordSubmit => "#microsoft.graph.onPasswordSubmitCustomExtension",
        }
    }

    /// The Graph `authenticationEventListener` subtype for this event.
    pub const fn listener_type(self) -> &'static str {
        match self {
            EntraEvent::TokenIssuanceStart => "#microsoft.graph.onTokenIssuanceStartListener",
            EntraEvent::AttributeCollectionStart => {
                "#microsoft.graph.onAttributeCollectionStartListener"
            }
            EntraEvent::AttributeCollectionSubmit => {
                "#microsoft.graph.onAttributeCollectionSubmitListener"
            }
            EntraEvent::OtpSend => "#microsoft.graph.onEmailOtpSendListener",
            EntraEvent::PasswordSubmit => "#microsoft.graph.onPasswordSubmitListener",
        }
    }

    /// The handler `@odata.type` inside the listener.
    pub const fn listener_handler_type(self) -> &'static str {
        match self {
            EntraEvent::TokenIssuanceStart => {
                "#microsoft.graph.onTokenIssuanceStartCustomExtensionHandler"
            }
            EntraEvent::AttributeCollectionStart => {
                "#microsoft.graph.onAttributeCollectionStartCustomExtensionHandler"
            }
            EntraEvent::AttributeCollectionSubmit => {
                "#microsoft.graph.onAttributeCollectionSubmitCustomExtensionHandler"
            }
            EntraEvent::OtpSend => "#microsoft.graph.onOtpSendCustomExtensionHandler",
            EntraEvent::PasswordSubmit => {
                "#microsoft.graph.onPasswordMigrationCustomExtensionHandler"
            }
        }
    }

    /// Whether the request carries a `user` object (`authenticationContext.user`).
    pub const fn has_user(self) -> bool {
        matches!(
            self,
            EntraEvent::TokenIssuanceStart | EntraEvent::PasswordSubmit
        )
    }

    /// Whether the request carries `userSignUpInfo`.
    pub const fn has_sign_up_info(self) -> bool {
        matches!(
            self,
            EntraEvent::AttributeCollectionStart | EntraEvent::AttributeCollectionSubmit
        )
    }
}

impl fmt::Display for EntraEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One action of an Entra reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntraAction {
    /// TokenIssuanceStart: `claims` for the token.
    ProvideClaimsForToken,
    /// Go on as if no extension were configured.
    ContinueWithDefaultBehavior,
    /// AttributeCollectionStart: prefill `inputs`.
    SetPrefillValues,
    /// Stop the flow and show `title` / `message`.
    ShowBlockPage,
    /// AttributeCollectionSubmit: replace submitted `attributes`.
    ModifyAttributeValues,
    /// AttributeCollectionSubmit: `message` plus per-attribute `attributeErrors`.
    ShowValidationError,
    /// PasswordSubmit: the password is right; Entra stores it.
    MigratePassword,
    /// PasswordSubmit: the password is right but must be changed.
    UpdatePassword,
    /// PasswordSubmit: the password is wrong.
    Retry,
    /// PasswordSubmit: stop the sign-in (`title`, `message`).
    Block,
}

impl EntraAction {
    /// The last segment of the action's `@odata.type`.
    pub const fn name(self) -> &'static str {
        match self {
            EntraAction::ProvideClaimsForToken => "provideClaimsForToken",
            EntraAction::ContinueWithDefaultBehavior => "continueWithDefaultBehavior",
            EntraAction::SetPrefillValues => "setPrefillValues",
            EntraAction::ShowBlockPage => "showBlockPage",
            EntraAction::ModifyAttributeValues => "modifyAttributeValues",
            EntraAction::ShowValidationError => "showValidationError",
            EntraAction::MigratePassword => "MigratePassword",
            EntraAction::UpdatePassword => "UpdatePassword",
            EntraAction::Retry => "Retry",
            EntraAction::Block => "Block",
        }
    }
}

impl fmt::Display for EntraAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Every (event, action, `@odata.type`) Entra accepts in a reply.
pub const ENTRA_ACTION_TYPES: &[(EntraEvent, EntraAction, &str)] = &[
    (
        EntraEvent::TokenIssuanceStart,
        EntraAction::ProvideClaimsForToken,
        "microsoft.graph.tokenIssuanceStart.provideClaimsForToken",
    ),
    (
        EntraEvent::AttributeCollectionStart,
        EntraAction::ContinueWithDefaultBehavior,
        "microsoft.graph.attributeCollectionStart.continueWithDefaultBehavior",
    ),
    (
        EntraEvent::AttributeCollectionStart,
        EntraAction::SetPrefillValues,
        "microsoft.graph.attributeCollectionStart.setPrefillValues",
    ),
    (
        EntraEvent::AttributeCollectionStart,
        EntraAction::ShowBlockPage,
        "microsoft.graph.attributeCollectionStart.showBlockPage",
    ),
    (
        EntraEvent::AttributeCollectionSubmit,
        EntraAction::ContinueWithDefaultBehavior,
        "microsoft.graph.attributeCollectionSubmit.continueWithDefaultBehavior",
    ),
    (
        EntraEvent::AttributeCollectionSubmit,
        EntraAction::ModifyAttributeValues,
        "microsoft.graph.attributeCollectionSubmit.modifyAttributeValues",
    ),
    (
        EntraEvent::AttributeCollectionSubmit,
        EntraAction::ShowBlockPage,
        "microsoft.graph.attributeCollectionSubmit.showBlockPage",
    ),
    (
        EntraEvent::AttributeCollectionSubmit,
        EntraAction::ShowValidationError,
        "microsoft.graph.attributeCollectionSubmit.showValidationError",
    ),
    (
        EntraEvent::OtpSend,
        EntraAction::ContinueWithDefaultBehavior,
        "microsoft.graph.OtpSend.continueWithDefaultBehavior",
    ),
    (
        EntraEvent::PasswordSubmit,
        EntraAction::MigratePassword,
        "microsoft.graph.passwordSubmit.MigratePassword",
    ),
    (
        EntraEvent::PasswordSubmit,
        EntraAction::UpdatePassword,
        "microsoft.graph.passwordSubmit.UpdatePassword",
    ),
    (
        EntraEvent::PasswordSubmit,
        EntraAction::Retry,
        "microsoft.graph.passwordSubmit.Retry",
    ),
    (
        EntraEvent::PasswordSubmit,
        EntraAction::Block,
        "microsoft.graph.passwordSubmit.Block",
    ),
];

/// The `@odata.type` of a typed directory attribute value in `userSignUpInfo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DirectoryValueType {
    /// `microsoft.graph.stringDirectoryAttributeValue` (multi-valued: comma-joined).
    String,
    /// `microsoft.graph.int64DirectoryAttributeValue`.
    Int64,
    /// `microsoft.graph.booleanDirectoryAttributeValue`.
    Boolean,
}

impl DirectoryValueType {
    /// The `@odata.type` spelling.
    pub const fn odata_type(self) -> &'static str {
        match self {
            DirectoryValueType::String => "microsoft.graph.stringDirectoryAttributeValue",
            DirectoryValueType::Int64 => "microsoft.graph.int64DirectoryAttributeValue",
            DirectoryValueType::Boolean => "microsoft.graph.booleanDirectoryAttributeValue",
        }
    }

    /// Reads an `@odata.type` (case-insensitive, optional `#`).
    pub fn from_odata_type(s: &str) -> Option<DirectoryValueType> {
        let s = s.trim().trim_start_matches('#');
        [
            DirectoryValueType::String,
            DirectoryValueType::Int64,
            DirectoryValueType::Boolean,
        ]
        .into_iter()
        .find(|t| t.odata_type().eq_ignore_ascii_case(s))
    }
}

/// The short name of a custom attribute: `extension_<app id without hyphens>_<Name>` gives
/// `Name`; any other name is returned as is.
pub fn attribute_short_name(name: &str) -> &str {
    let Some(rest) = name.strip_prefix("extension_") else {
        return name;
    };
    match rest.split_once('_') {
        Some((app, short))
            if !short.is_empty()
                && app.len() == 32
                && app.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            short
        }
        // `extension_Name`: B2C accepts replies without the app id infix.
        _ if !rest.is_empty() && !rest.contains('_') => rest,
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_allowed_action_has_one_type_and_back() {
        for event in EntraEvent::ALL {
            for &action in event.actions() {
                let t = event
                    .action_type(action)
                    .expect("allowed action has a type");
                assert_eq!(event.parse_action(t), Some(action));
                assert_eq!(event.parse_action(&t.to_ascii_lowercase()), Some(action));
            }
        }
        for (e, a, _) in ENTRA_ACTION_TYPES {
            assert!(e.allows(*a), "{e} {a}");
        }
        assert_eq!(
            EntraEvent::OtpSend.action_type(EntraAction::ShowBlockPage),
            None
        );
        assert_eq!(
            EntraEvent::PasswordSubmit
                .parse_action("microsoft.graph.passwordsubmit.MigratePassword"),
            Some(EntraAction::MigratePassword)
        );
    }

    #[test]
    fn event_names_round_trip() {
        for e in EntraEvent::ALL {
            assert_eq!(
                EntraEvent::from_callout_data_type(e.callout_data_type()),
                Some(e)
            );
            assert_eq!(EntraEvent::from_event_type(e.event_type()), Some(e));
            assert_eq!(EntraEvent::from_name(e.as_str()), Some(e));
        }
        assert_eq!(
            EntraEvent::from_callout_data_type("#Microsoft.Graph.OnOtpSendCalloutData"),
            Some(EntraEvent::OtpSend)
        );
    }

    #[test]
    fn steps_and_actions() {
        assert_eq!(
            ApiConnectorStep::from_wire("PreTokenApplicationClaims"),
            Some(ApiConnectorStep::PreTokenIssuance)
        );
        assert_eq!(
            ApiConnectorStep::from_wire("postattributecollection"),
            Some(ApiConnectorStep::PostAttributeCollection)
        );
        assert_eq!(ApiConnectorStep::from_wire("Other"), None);
        assert!(
            ApiConnectorStep::PostAttributeCollection.allows(ApiConnectorAction::ValidationError)
        );
        assert!(
            !ApiConnectorStep::PostFederationSignup.allows(ApiConnectorAction::ValidationError)
        );
        assert!(!ApiConnectorStep::PreTokenIssuance.allows(ApiConnectorAction::ShowBlockPage));
        assert_eq!(ApiConnectorAction::ValidationError.http_status(), 400);
        assert_eq!(ApiConnectorAction::ShowBlockPage.http_status(), 200);
    }

    #[test]
    fn budgets() {
        assert_eq!(Caller::EntraExtension.default_timeout_ms(), 1000);
        assert_eq!(Caller::EntraExtension.max_timeout_ms(), 2000);
        assert_eq!(Caller::ApiConnector.default_timeout_ms(), 5000);
        assert_eq!(Caller::B2cTechnicalProfile.default_timeout_ms(), 10_000);
    }

    #[test]
    fn short_names() {
        assert_eq!(
            attribute_short_name("extension_0123456789abcdef0123456789ABCDEF_loyaltyNumber"),
            "loyaltyNumber"
        );
        assert_eq!(
            attribute_short_name("extension_loyaltyNumber"),
            "loyaltyNumber"
        );
        assert_eq!(attribute_short_name("extension_xyz_a"), "extension_xyz_a");
        assert_eq!(attribute_short_name("city"), "city");
    }
}
