//! Policy export: the B2C XML (ClaimsSchema, ClaimsTransformations, ClaimsProvider,
//! TechnicalProfiles) for handlers.
//!
//! [`export`] renders a whole policy file (or, with [`PolicyOptions::snippet`], the fragments to
//! paste into an existing file). [`document`] returns the same content as a [`PolicyDocument`]
//! model, for build scripts that want to inspect or post-process it before calling
//! [`PolicyDocument::to_xml`]. [`parse`] reads policy XML back (round-trip tests, the emulator).
//!
//! Every export is checked first (see [`lint`]); all problems are reported at once in a
//! [`PolicyError`]. No secret ever appears in the output: cryptographic keys are referenced by
//! policy-key name only.

use std::fmt;

use claims_core::spec::{AuthSpec, HandlerSpec};

mod build;
pub mod lint;
mod model;
pub mod parse;
mod write;

pub use model::{
    ClaimRef, ClaimStrings, ClaimTypeDecl, ClaimsTransformationDecl, CryptographicKey,
    InputParameter, LanguageStrings, LocalizationDecl, PolicyDocument, TechnicalProfileDecl,
    TransformationClaim,
};

/// The `Handler` attribute of the RESTful provider's `<Protocol>` element.
pub use claims_core::metadata::RESTFUL_PROVIDER_HANDLER;

/// The policy namespace (`xmlns` of `TrustFrameworkPolicy`).
pub const POLICY_NAMESPACE: &str = "http://schemas.microsoft.com/online/cpim/schemas/2013/06";

/// `PolicySchemaVersion` written on the root element.
pub const POLICY_SCHEMA_VERSION: &str = "0.3.0.0";

/// Names (`StorageReferenceId`) of the policy keys referenced by `<CryptographicKeys>`.
///
/// These are names only; the secrets live in the B2C tenant's policy keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyKeyNames {
    /// Basic auth user name (`BasicAuthenticationUsername`).
    pub basic_username: String,
    /// Basic auth password (`BasicAuthenticationPassword`).
    pub basic_password: String,
    /// Static bearer token (`BearerAuthenticationToken`).
    pub bearer_token: String,
    /// API key sent in the configured header.
    pub api_key: String,
    /// Client certificate (`ClientCertificate`).
    pub client_certificate: String,
}

impl Default for PolicyKeyNames {
    fn default() -> Self {
        PolicyKeyNames {
            basic_username: "B2C_1A_RestApiUsername".to_owned(),
            basic_password: "B2C_1A_RestApiPassword".to_owned(),
            bearer_token: "B2C_1A_RestApiBearerToken".to_owned(),
            api_key: "B2C_1A_RestApiKey".to_owned(),
            client_certificate: "B2C_1A_RestApiClientCertificate".to_owned(),
        }
    }
}

/// The B2C-side messages shown when the call fails at transport level (`docs/b2c-wire-contract.md` §2.3).
///
/// B2C's built-in texts leak the service URL, so every profile gets these neutral ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserMessages {
    /// `DefaultUserMessageIfRequestFailed`.
    pub request_failed: String,
    /// `UserMessageIfRequestTimeout`.
    pub request_timeout: String,
    /// `UserMessageIfDnsResolutionFailed`.
    pub dns_resolution_failed: String,
    /// `UserMessageIfCircuitOpen`.
    pub circuit_open: String,
}

impl Default for UserMessages {
    fn default() -> Self {
        UserMessages {
            request_failed: "We cannot verify your details right now. Please try again later."
                .to_owned(),
            request_timeout: "The service is taking too long to respond. Please try again."
                .to_owned(),
            dns_resolution_failed: "The service is unavailable right now. Please try again later."
                .to_owned(),
            circuit_open:
                "The service is temporarily unavailable. Please try again in a few minutes."
                    .to_owned(),
        }
    }
}

/// Options of a policy export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyOptions {
    /// Public base URL of the service (`ServiceUrl` = base, without trailing `/`, + route).
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
    /// A production export (`DeploymentMode="Production"`; `AuthenticationType=None` needs
    /// `allow_insecure`; the base URL must be HTTPS).
    pub production: bool,
    /// Allow `AuthenticationType=None` in production.
    pub allow_insecure: bool,
    /// The authentication of handlers declaring [`AuthSpec::Inherit`]: the app's default.
    /// Left at `Inherit` (the default), exporting such a handler is an error rather than a
    /// guess; `App::policy` fills it from the app's own settings.
    pub default_auth: AuthSpec,
    /// Policy-key names used in `<CryptographicKeys>`.
    pub keys: PolicyKeyNames,
    /// Neutral transport-failure messages written into every profile.
    pub messages: UserMessages,
    /// `DisplayName` of the generated `ClaimsProvider`.
    pub provider_display_name: String,
    /// Write a commented usage example (validation profile, orchestration step) next to every
    /// technical profile.
    pub usage_examples: bool,
    /// Write the `DeploymentMode` attribute on the root element (whole-file form).
    pub deployment_mode: bool,
    /// Extra metadata items `(key, value)` appended to every profile. Keys are checked against the
    /// documented RESTful metadata keys ([`lint::KNOWN_METADATA_KEYS`]) and must not repeat a key
    /// the exporter already writes.
    pub extra_metadata: Vec<(String, String)>,
    /// Localized B2C-side texts per language (from `App::policy_strings()`); empty writes no
    /// `Localization` block. When set, the default language's transport texts also replace
    /// [`PolicyOptions::messages`] in the metadata so both agree.
    pub localization: Vec<LanguageStrings>,
    /// Content definitions that get `LocalizedResourcesReferences` to the generated strings.
    pub localized_content_definitions: Vec<String>,
    /// Configuration values by name for handlers' `query = "k={env:NAME}"` parameters (tests,
    /// build scripts); a name not found here is read from the process environment. A name
    /// found in neither refuses the export.
    pub settings: Vec<(String, String)>,
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
            default_auth: AuthSpec::Inherit,
            keys: PolicyKeyNames::default(),
            messages: UserMessages::default(),
            provider_display_name: "REST APIs".to_owned(),
            usage_examples: true,
            deployment_mode: true,
            extra_metadata: Vec::new(),
            localization: Vec::new(),
            localized_content_definitions: vec![
                "api.localaccountsignup".to_owned(),
                "api.selfasserted".to_owned(),
            ],
            settings: Vec::new(),
        }
    }
}

/// Why an export failed: every problem found, one message each.
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

/// Builds and checks the policy model for `specs` without rendering it.
///
/// Fails with every lint problem found (see [`lint`]).
pub fn document(
    specs: &[&'static HandlerSpec],
    opts: &PolicyOptions,
) -> Result<PolicyDocument, PolicyError> {
    let localized;
    let opts = match opts.localization.iter().find(|l| l.is_default) {
        // The metadata texts are what B2C shows when no localized string applies: use the
        // default language's, so the two never disagree.
        Some(d) => {
            let mut o = opts.clone();
            o.messages = UserMessages {
                request_failed: d.request_failed.clone(),
                request_timeout: d.request_timeout.clone(),
                dns_resolution_failed: d.dns_failed.clone(),
                circuit_open: d.circuit_open.clone(),
            };
            localized = o;
            &localized
        }
        None => opts,
    };
    let (mut doc, mut problems) = build::build(specs, opts);
    doc.localization = build_localization(&doc, opts, &mut problems);
    problems.extend(lint::check(&doc, opts));
    if problems.is_empty() {
        Ok(doc)
    } else {
        Err(PolicyError(problems))
    }
}

fn build_localization(
    doc: &PolicyDocument,
    opts: &PolicyOptions,
    problems: &mut Vec<String>,
) -> Option<LocalizationDecl> {
    if opts.localization.is_empty() {
        return None;
    }
    let default = match opts.localization.iter().find(|l| l.is_default) {
        Some(d) => d.b2c_language.clone(),
        None => {
            problems.push("localization: no language is marked as the default".to_owned());
            return None;
        }
    };
    let used: std::collections::BTreeSet<&str> =
        doc.claim_types.iter().map(|c| c.id.as_str()).collect();
    let languages = opts
        .localization
        .iter()
        .map(|l| {
            let mut l = l.clone();
            // Only claims this policy declares; the others would point at nothing.
            l.claims.retain(|c| used.contains(c.claim_type_id.as_str()));
            l
        })
        .collect::<Vec<_>>();
    for l in &languages {
        if !lint::is_valid_language(&l.b2c_language) {
            problems.push(format!(
                "localization: {:?} is not a SupportedLanguage value B2C accepts",
                l.b2c_language
            ));
        }
    }
    Some(LocalizationDecl {
        default_language: default,
        languages,
        content_definitions: opts.localized_content_definitions.clone(),
    })
}

/// Renders the policy for `specs`: a whole file, or the paste-in fragments with
/// [`PolicyOptions::snippet`].
pub fn export(specs: &[&'static HandlerSpec], opts: &PolicyOptions) -> Result<String, PolicyError> {
    let doc = document(specs, opts)?;
    Ok(if opts.snippet {
        doc.to_snippet()
    } else {
        doc.to_xml()
    })
}
