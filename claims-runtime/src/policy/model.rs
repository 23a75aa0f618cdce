//! The policy document model: what [`super::document`] builds and [`PolicyDocument::to_xml`]
//! renders. Plain owned data so build scripts can inspect or adjust it.

use crate::descriptor::{DataType, UserInputType};

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
}

impl ClaimRef {
    /// The wire name: `PartnerClaimType` if set, else the claim type id.
    pub fn wire(&self) -> &str {
        self.partner.as_deref().unwrap_or(&self.claim_type)
    }
}
