//! Policy export: the B2C XML (ClaimsSchema, ClaimsProvider, TechnicalProfiles) for handlers.

use std::fmt;

use crate::descriptor::HandlerSpec;

/// Options of a policy export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyOptions {
    /// Public base URL of the service (`ServiceUrl` = base + route).
    pub base_url: String,
    /// `TenantId`.
    pub tenant_id: String,
    /// `PolicyId` of the generated file.
    pub policy_id: String,
    /// `PolicyId` of the base policy.
    pub base_policy_id: String,
    /// Only the fragments, not a whole file.
    pub snippet: bool,
    /// Emit `DebugMode=true`.
    pub debug_mode: bool,
    /// A production export (`AuthenticationType=None` needs `allow_insecure`).
    pub production: bool,
    /// Allow `AuthenticationType=None` in production.
    pub allow_insecure: bool,
}

impl Default for PolicyOptions {
    fn default() -> Self {
        PolicyOptions {
            base_url: "https://api.example.com".to_owned(),
            tenant_id: "yourtenant.onmicrosoft.com".to_owned(),
            policy_id: "B2C_1A_RestApi".to_owned(),
            base_policy_id: "B2C_1A_TrustFrameworkExtensions".to_owned(),
            snippet: false,
            debug_mode: false,
            production: false,
            allow_insecure: false,
        }
    }
}

/// Why an export failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError(pub Vec<String>);

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "policy export failed:")?;
        for p in &self.0 {
            writeln!(f, "  - {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PolicyError {}

/// Renders the policy document for `specs`.
pub fn export(
    specs: &[&'static HandlerSpec],
    _opts: &PolicyOptions,
) -> Result<String, PolicyError> {
    Err(PolicyError(vec![format!(
        "policy export of {} handler(s) is being implemented (issue 3)",
        specs.len()
    )]))
}
