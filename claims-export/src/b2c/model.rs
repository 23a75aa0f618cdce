//! The policy document model: what [`super::document`] builds and [`PolicyDocument::to_xml`]
//! renders. Plain owned data so build scripts can inspect or adjust it.

use claims_core::spec::{DataType, UserInputType};

/// A policy file (or the fragments of one) for a set of handlers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDocument {
    /// `TenantId` (root attribute and `BasePolicy`).
    pub tenant_id: String,
    /// `PolicyId` of this file.
    pub policy_id: String,
    /// `PolicyId` of the base policy.
    pub base_policy_id: String,
    /// `DeploymentMode` root attribute (`Development` / `Production`), if written.
    pub deployment_mode: Option<&'static str>,
    /// `ClaimsSchema` content, sorted by id.
    pub claim_types: Vec<ClaimTypeDecl>,
    /// `ClaimsTransformations` content (payload mode), sorted by id.
    pub claims_transformations: Vec<ClaimsTransformationDecl>,
    /// `DisplayName` of the single `ClaimsProvider`.
    pub provider_display_name: String,
    /// One RESTful technical profile per handler, in handler order.
    pub technical_profiles: Vec<TechnicalProfileDecl>,
    /// Write a commented usage example next to every technical profile.
    pub usage_examples: bool,
    /// The `Localization` block and the `ContentDefinition` references that activate it.
    pub localization: Option<LocalizationDecl>,
}

/// Localized B2C-side texts (`docs/b2c-policy-xml.md` §7): the four transport-failure messages and ClaimType
/// display names and help texts, per language, from the app's message catalogs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalizationDecl {
    /// `SupportedLanguages/@DefaultLanguage` (lower case, as B2C spells it).
    pub default_language: String,
    /// One entry per language, in catalog order.
    pub languages: Vec<crate::b2c::LanguageStrings>,
    /// Content definitions whose pages show REST errors; each gets a
    /// `LocalizedResourcesReference` per language to `<contentDefinition>.rest.<lang>`.
    pub content_definitions: Vec<String>,
}

impl LocalizationDecl {
    /// The `LocalizedResources` id of a content definition and language.
    pub fn resources_id(content_definition: &str, b2c_language: &str) -> String {
        format!("{content_definition}.rest.{b2c_language}")
    }
}

/// A `<ClaimType>` declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimTypeDecl {
    /// `Id`.
    pub id: String,
    /// `DisplayName`.
    pub display_name: String,
    /// `DataType`.
    pub data_type: DataType,
    /// `UserHelpText`.
    pub help: Option<String>,
    /// `UserInputType`.
    pub input_type: Option<UserInputType>,
}

/// A `<ClaimsTransformation>` (the exporter only generates `GenerateJson`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimsTransformationDecl {
    /// `Id`.
    pub id: String,
    /// `TransformationMethod`, e.g. `GenerateJson`.
    pub method: String,
    /// `InputClaims`.
    pub input_claims: Vec<TransformationClaim>,
    /// `InputParameters`.
    pub input_parameters: Vec<InputParameter>,
    /// `OutputClaims`.
    pub output_claims: Vec<TransformationClaim>,
}

/// An `<InputClaim>` / `<OutputClaim>` of a claims transformation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransformationClaim {
    /// `ClaimTypeReferenceId`.
    pub claim_type: String,
    /// `TransformationClaimType` (for `GenerateJson`: the JSON dot path, or `outputClaim`).
    pub transformation_claim_type: String,
}

/// An `<InputParameter>` of a claims transformation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputParameter {
    /// `Id` (for `GenerateJson`: the JSON dot path).
    pub id: String,
    /// `DataType`.
    pub data_type: DataType,
    /// `Value`.
    pub value: String,
}

/// A RESTful `<TechnicalProfile>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TechnicalProfileDecl {
    /// `Id`.
    pub id: String,
    /// `DisplayName`.
    pub display_name: String,
    /// `Metadata` items `(Key, value)`, in output order.
    pub metadata: Vec<(String, String)>,
    /// `CryptographicKeys`.
    pub keys: Vec<CryptographicKey>,
    /// `InputClaimsTransformations` (reference ids).
    pub input_claims_transformations: Vec<String>,
    /// `InputClaims`.
    pub input_claims: Vec<ClaimRef>,
    /// `OutputClaims`.
    pub output_claims: Vec<ClaimRef>,
    /// `UseTechnicalProfileForSessionManagement ReferenceId`.
    pub session_management: Option<String>,
}

impl TechnicalProfileDecl {
    /// The value of metadata item `key`, if present.
    pub fn metadata(&self, key: &str) -> Option<&str> {
        self.metadata
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// A `<Key Id=… StorageReferenceId=…/>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CryptographicKey {
    /// `Id` (e.g. `BasicAuthenticationUsername`, or the API-key header name).
    pub id: String,
    /// `StorageReferenceId`: the policy-key name.
    pub storage_reference_id: String,
}

/// An `<InputClaim>` / `<OutputClaim>` of a technical profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRef {
    /// `ClaimTypeReferenceId`.
    pub claim_type: String,
    /// `PartnerClaimType` (only when the wire name differs from the id).
    pub partner: Option<String>,
    /// `DefaultValue`.
    pub default_value: Option<String>,
    /// `AlwaysUseDefaultValue="true"`.
    pub always_use_default: bool,
    /// The `DefaultValue` is literal text to send as-is, even if it looks like a claim
    /// resolver (not written: it only tells the lint the text is meant).
    pub literal_default: bool,
}

impl ClaimRef {
    /// The wire name: `PartnerClaimType` if set, else the claim type id.
    pub fn wire(&self) -> &str {
        claims_core::grammar::wire_name(self.claim_type.as_str(), self.partner.as_deref())
    }
}

/// The texts of one language for the exported policy.
///
/// The transport texts are the `ErrorMessage` strings B2C shows when it cannot get an answer
/// from the service (`docs/b2c-wire-contract.md` §2.3); they are neutral (no URL). A language whose catalog lacks
/// one gets the default language's text. Claim texts come only from the language's own catalogs
/// (messages `claim-<claimTypeId>-display-name` and `claim-<claimTypeId>-help`); B2C falls back
/// to the `ClaimType`'s own `DisplayName`/`UserHelpText` for languages without them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LanguageStrings {
    /// BCP 47 tag of the catalog, e.g. `pt-BR`, `zh-Hans`.
    pub language: String,
    /// The same tag lower-cased, as B2C spells `SupportedLanguage` values (`pt-br`).
    pub b2c_language: String,
    /// Whether this is the default language (`SupportedLanguages/@DefaultLanguage`).
    pub is_default: bool,
    /// `DefaultUserMessageIfRequestFailed` (message `b2c-request-failed`).
    pub request_failed: String,
    /// `UserMessageIfRequestTimeout` (message `b2c-request-timeout`).
    pub request_timeout: String,
    /// `UserMessageIfDnsResolutionFailed` (message `b2c-dns-failed`).
    pub dns_failed: String,
    /// `UserMessageIfCircuitOpen` (message `b2c-circuit-open`).
    pub circuit_open: String,
    /// Localized claim texts, sorted by claim type id.
    pub claims: Vec<ClaimStrings>,
}

/// Localized `ClaimType` texts of one claim in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimStrings {
    /// The `ClaimType` id.
    pub claim_type_id: String,
    /// `DisplayName` (message `claim-<id>-display-name`).
    pub display_name: Option<String>,
    /// `UserHelpText` (message `claim-<id>-help`).
    pub user_help_text: Option<String>,
}
