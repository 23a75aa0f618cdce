//! Microsoft Graph registration documents for the two callers besides B2C custom policies: a
//! B2C user-flow **API connector** and an Entra **custom authentication extension**, written from
//! a handler descriptor plus a per-caller binding (step or event, target URL, app id, timeout).
//!
//! [`graph_document`] gives one deterministic JSON document (keys sorted) whose sections are
//! Graph requests (`method`, `url`, `body`) to send in order. Values only the tenant knows are
//! `{{placeholders}}` (secrets included: the document never holds one):
//!
//! - API connector: `identityApiConnector` (`POST /identity/apiConnectors`) and the user-flow
//!   attachment (`PUT .../apiConnectorConfiguration/{step}/$ref`).
//! - Entra: the app-registration patch (`identifierUris`, token version 2, the Graph app role
//!   that lets the app receive payloads; PasswordSubmit: the encryption key), the
//!   `customAuthenticationExtension` of the event's type, the `authenticationEventListener`, and
//!   for TokenIssuanceStart the claims-mapping policy and its assignment.
//!
//! The caller's timeout must leave the handler its deadline: a binding whose timeout is shorter
//! than [`HandlerSpec::deadline_ms`] is refused with an error naming the handler.

use std::fmt;

use claims_core::callers::{
    API_CONNECTOR_TIMEOUT_MS, ApiConnectorStep, ENTRA_MAX_RETRIES, ENTRA_TIMEOUT_DEFAULT_MS,
    ENTRA_TIMEOUT_MAX_MS, ENTRA_TIMEOUT_MIN_MS, EntraEvent, GRAPH_AZURE_AD_TOKEN_AUTHENTICATION,
    GRAPH_BASIC_AUTHENTICATION, GRAPH_FALLBACK_TO_MICROSOFT_PROVIDER, GRAPH_HTTP_REQUEST_ENDPOINT,
    GRAPH_PKCS12_CERTIFICATE, MICROSOFT_GRAPH_APP_ID, RECEIVE_PAYLOAD_ROLE_ID,
};
use claims_core::spec::HandlerSpec;
use serde_json::{Value, json};

/// Graph v1.0 root.
pub const GRAPH_V1: &str = "https://graph.microsoft.com/v1.0";
/// Graph beta root (Microsoft's how-tos create extensions and listeners there).
pub const GRAPH_BETA: &str = "https://graph.microsoft.com/beta";

/// Headroom added to the handler's deadline for the network when a timeout is derived from it.
pub const NETWORK_MARGIN_MS: u32 = 100;

/// How B2C authenticates to an API connector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiConnectorAuth {
    /// HTTP Basic (username and password placeholders).
    Basic,
    /// A client certificate (PKCS 12 placeholder).
    ClientCertificate,
}

/// Where a handler answers a B2C user flow.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiConnectorBinding {
    /// The step.
    pub step: ApiConnectorStep,
    /// The public `https://` URL of the handler.
    pub target_url: String,
    /// How B2C authenticates.
    pub auth: ApiConnectorAuth,
    /// The user flow id (placeholder when unset).
    pub user_flow_id: Option<String>,
}

impl ApiConnectorBinding {
    /// A binding with Basic authentication and a placeholder user flow.
    pub fn new(step: ApiConnectorStep, target_url: impl Into<String>) -> Self {
        ApiConnectorBinding {
            step,
            target_url: target_url.into(),
            auth: ApiConnectorAuth::Basic,
            user_flow_id: None,
        }
    }

    /// The authentication.
    pub fn with_auth(mut self, auth: ApiConnectorAuth) -> Self {
        self.auth = auth;
        self
    }

    /// The user flow to attach to (e.g. `B2X_1_signup`).
    pub fn with_user_flow(mut self, id: impl Into<String>) -> Self {
        self.user_flow_id = Some(id.into());
        self
    }
}

/// Where a handler answers an Entra event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EntraBinding {
    /// The event.
    pub event: EntraEvent,
    /// The public `https://` URL of the handler.
    pub target_url: String,
    /// The client id of the extension's app registration.
    pub app_id: String,
    /// `timeoutInMilliseconds` (200-2000); unset: the handler's deadline plus
    /// [`NETWORK_MARGIN_MS`], or Entra's default 1000 ms without a deadline.
    pub timeout_ms: Option<u32>,
    /// `maximumRetries` (0 or 1); unset: 1 for an idempotent handler, else 0.
    pub max_retries: Option<u8>,
    /// The applications whose sign-ins trigger the listener (placeholder when empty).
    pub client_app_ids: Vec<String>,
    /// PasswordSubmit: the Boolean directory extension flagging users to migrate (required).
    pub migration_property_id: Option<String>,
    /// OtpSend: let Entra send its own email when the handler fails.
    pub fallback_on_error: bool,
}

impl EntraBinding {
    /// A binding with every optional part unset.
    pub fn new(
        event: EntraEvent,
        target_url: impl Into<String>,
        app_id: impl Into<String>,
    ) -> Self {
        EntraBinding {
            event,
            target_url: target_url.into(),
            app_id: app_id.into(),
            timeout_ms: None,
            max_retries: None,
            client_app_ids: Vec::new(),
            migration_property_id: None,
            fallback_on_error: false,
        }
    }

    /// `timeoutInMilliseconds`.
    pub fn with_timeout_ms(mut self, ms: u32) -> Self {
        self.timeout_ms = Some(ms);
        self
    }

    /// `maximumRetries`.
    pub fn with_max_retries(mut self, n: u8) -> Self {
        self.max_retries = Some(n);
        self
    }

    /// An application whose sign-ins trigger the listener.
    pub fn with_client_app(mut self, app_id: impl Into<String>) -> Self {
        self.client_app_ids.push(app_id.into());
        self
    }

    /// PasswordSubmit's migration flag (`extension_<appid>_toBeMigrated`).
    pub fn with_migration_property(mut self, id: impl Into<String>) -> Self {
        self.migration_property_id = Some(id.into());
        self
    }

    /// OtpSend: fall back to Entra's own email on error.
    pub fn with_fallback_on_error(mut self, on: bool) -> Self {
        self.fallback_on_error = on;
        self
    }
}

/// One caller a handler is registered with.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Binding {
    /// A B2C user-flow API connector.
    ApiConnector(ApiConnectorBinding),
    /// An Entra custom authentication extension.
    Entra(EntraBinding),
}

impl From<ApiConnectorBinding> for Binding {
    fn from(b: ApiConnectorBinding) -> Self {
        Binding::ApiConnector(b)
    }
}

impl From<EntraBinding> for Binding {
    fn from(b: EntraBinding) -> Self {
        Binding::Entra(b)
    }
}

/// A binding that cannot be registered; the message names the handler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphError {
    /// The handler (technical profile id).
    pub handler: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "handler {}: {}", self.handler, self.message)
    }
}

impl std::error::Error for GraphError {}

/// The Graph registration document of `spec` for `bindings`.
pub fn graph_document(spec: &HandlerSpec, bindings: &[Binding]) -> Result<Value, GraphError> {
    let err = |message: String| GraphError {
        handler: spec.technical_profile.to_owned(),
        message,
    };
    let mut connectors = Vec::new();
    let mut entra = Vec::new();
    for b in bindings {
        match b {
            Binding::ApiConnector(b) => connectors.push(api_connector(spec, b).map_err(err)?),
            Binding::Entra(b) => entra.push(entra_extension(spec, b).map_err(err)?),
        }
    }
    let mut handler = json!({
        "technicalProfile": spec.technical_profile,
        "displayName": spec.display_name,
        "path": spec.route_path(),
    });
    if let Some(ms) = spec.deadline_ms {
        handler["deadlineMs"] = ms.into();
    }
    Ok(json!({
        "handler": handler,
        "apiConnectors": connectors,
        "entraExtensions": entra,
    }))
}

/// [`graph_document`] as pretty JSON text ending with a newline.
pub fn render(spec: &HandlerSpec, bindings: &[Binding]) -> Result<String, GraphError> {
    let doc = graph_document(spec, bindings)?;
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    Ok(text)
}

/// One document for a whole app: every handler's bindings, the sections concatenated in handler
/// order (`handlers`, `apiConnectors`, `entraExtensions`; each entry names its `handler`), so one
/// file registers the app and the emulators read it as they read a handler's document.
pub fn app_document(entries: &[(&HandlerSpec, Vec<Binding>)]) -> Result<Value, GraphError> {
    let mut handlers = Vec::new();
    let mut connectors = Vec::new();
    let mut entra = Vec::new();
    for (spec, bindings) in entries {
        let mut doc = graph_document(spec, bindings)?;
        let tag = |mut v: Value| {
            v["handler"] = spec.technical_profile.into();
            v
        };
        if let Some(a) = doc["apiConnectors"].as_array_mut() {
            connectors.extend(a.drain(..).map(tag));
        }
        if let Some(a) = doc["entraExtensions"].as_array_mut() {
            entra.extend(a.drain(..).map(tag));
        }
        handlers.push(doc["handler"].take());
    }
    Ok(json!({
        "handlers": handlers,
        "apiConnectors": connectors,
        "entraExtensions": entra,
    }))
}

/// [`app_document`] as pretty JSON text ending with a newline.
pub fn render_app(entries: &[(&HandlerSpec, Vec<Binding>)]) -> Result<String, GraphError> {
    let doc = app_document(entries)?;
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    Ok(text)
}

/// The host of an `https://` URL (refuses other schemes: both callers call HTTPS only).
fn https_host(url: &str) -> Result<String, String> {
    let rest = url
        .strip_prefix("https://")
        .ok_or_else(|| format!("the target URL {url:?} must start with https://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = if host.starts_with('[') {
        host
    } else {
        host.split(':').next().unwrap_or("")
    };
    if host.is_empty() {
        return Err(format!("the target URL {url:?} has no host"));
    }
    Ok(host.to_ascii_lowercase())
}

fn request(method: &str, url: String, body: Value) -> Value {
    json!({ "method": method, "url": url, "body": body })
}

fn api_connector(spec: &HandlerSpec, b: &ApiConnectorBinding) -> Result<Value, String> {
    https_host(&b.target_url)?;
    if let Some(d) = spec.deadline_ms
        && d > API_CONNECTOR_TIMEOUT_MS
    {
        return Err(format!(
            "its deadline ({d} ms) is longer than the {API_CONNECTOR_TIMEOUT_MS} ms B2C waits for an API connector"
        ));
    }
    let auth = match b.auth {
        ApiConnectorAuth::Basic => json!({
            "@odata.type": GRAPH_BASIC_AUTHENTICATION,
            "username": "{{apiConnectorUsername}}",
            "password": "{{apiConnectorPassword}}",
        }),
        ApiConnectorAuth::ClientCertificate => json!({
            "@odata.type": GRAPH_PKCS12_CERTIFICATE,
            "pkcs12Value": "{{pkcs12Base64}}",
            "password": "{{pkcs12Password}}",
        }),
    };
    let flow = b.user_flow_id.as_deref().unwrap_or("{{userFlowId}}");
    Ok(json!({
        "step": b.step.as_str(),
        "timeoutMs": API_CONNECTOR_TIMEOUT_MS,
        "apiConnector": request("POST", format!("{GRAPH_V1}/identity/apiConnectors"), json!({
            "displayName": spec.display_name,
            "targetUrl": b.target_url,
            "authenticationConfiguration": auth,
        })),
        "userFlowAttachment": request(
            "PUT",
            format!(
                "{GRAPH_BETA}/identity/b2cUserFlows/{flow}/apiConnectorConfiguration/{}/$ref",
                b.step.configuration_property()
            ),
            json!({ "@odata.id": format!("{GRAPH_V1}/identity/apiConnectors/{{{{apiConnectorId}}}}") }),
        ),
    }))
}

/// The Entra timeout for `spec` under `b`, checked against the handler's deadline.
pub fn entra_timeout_ms(spec: &HandlerSpec, b: &EntraBinding) -> Result<u32, GraphError> {
    entra_timeout(spec, b).map_err(|message| GraphError {
        handler: spec.technical_profile.to_owned(),
        message,
    })
}

fn entra_timeout(spec: &HandlerSpec, b: &EntraBinding) -> Result<u32, String> {
    let range = ENTRA_TIMEOUT_MIN_MS..=ENTRA_TIMEOUT_MAX_MS;
    let timeout = match (b.timeout_ms, spec.deadline_ms) {
        (Some(t), _) if !range.contains(&t) => {
            return Err(format!(
                "the Entra timeout {t} ms is outside {ENTRA_TIMEOUT_MIN_MS}-{ENTRA_TIMEOUT_MAX_MS} ms"
            ));
        }
        (Some(t), _) => t,
        (None, Some(d)) => d
            .saturating_add(NETWORK_MARGIN_MS)
            .clamp(ENTRA_TIMEOUT_MIN_MS, ENTRA_TIMEOUT_MAX_MS),
        (None, None) => ENTRA_TIMEOUT_DEFAULT_MS,
    };
    if let Some(d) = spec.deadline_ms
        && timeout < d
    {
        return Err(format!(
            "the Entra timeout ({timeout} ms) is shorter than its deadline ({d} ms); Entra waits at most {ENTRA_TIMEOUT_MAX_MS} ms, so shorten the deadline"
        ));
    }
    Ok(timeout)
}

fn entra_extension(spec: &HandlerSpec, b: &EntraBinding) -> Result<Value, String> {
    let host = https_host(&b.target_url)?;
    if b.app_id.trim().is_empty() {
        return Err("the Entra binding has no app id".into());
    }
    let timeout = entra_timeout(spec, b)?;
    let retries = b.max_retries.unwrap_or(if spec.idempotent {
        ENTRA_MAX_RETRIES
    } else {
        0
    });
    if retries > ENTRA_MAX_RETRIES {
        return Err(format!(
            "maximumRetries {retries} is more than Entra allows ({ENTRA_MAX_RETRIES})"
        ));
    }
    let event = b.event;
    let resource_id = format!("api://{host}/{}", b.app_id);

    let mut app = json!({
        "identifierUris": [resource_id],
        "api": { "requestedAccessTokenVersion": 2 },
        "requiredResourceAccess": [{
            "resourceAppId": MICROSOFT_GRAPH_APP_ID,
            "resourceAccess": [{ "id": RECEIVE_PAYLOAD_ROLE_ID, "type": "Role" }],
        }],
    });
    if event == EntraEvent::PasswordSubmit {
        app["keyCredentials"] = json!([{
            "type": "AsymmetricX509Cert",
            "usage": "Encrypt",
            "keyId": "{{encryptionKeyId}}",
            "key": "{{encryptionCertificateBase64}}",
        }]);
        app["tokenEncryptionKeyId"] = "{{encryptionKeyId}}".into();
    }

    let mut extension = json!({
        "@odata.type": event.extension_type(),
        "displayName": spec.display_name,
        "description": spec.description.unwrap_or(spec.display_name),
        "endpointConfiguration": {
            "@odata.type": GRAPH_HTTP_REQUEST_ENDPOINT,
            "targetUrl": b.target_url,
        },
        "authenticationConfiguration": {
            "@odata.type": GRAPH_AZURE_AD_TOKEN_AUTHENTICATION,
            "resourceId": resource_id,
        },
        "clientConfiguration": {
            "timeoutInMilliseconds": timeout,
            "maximumRetries": retries,
        },
    });
    if event == EntraEvent::TokenIssuanceStart {
        extension["claimsForTokenConfiguration"] = spec
            .outputs
            .iter()
            .map(|o| json!({ "claimIdInApiResponse": o.wire() }))
            .collect();
    }

    let mut handler = json!({
        "@odata.type": event.listener_handler_type(),
        "customExtension": { "id": "{{customAuthenticationExtensionId}}" },
    });
    match event {
        EntraEvent::OtpSend if b.fallback_on_error => {
            handler["configuration"] = json!({
                "behaviorOnError": { "@odata.type": GRAPH_FALLBACK_TO_MICROSOFT_PROVIDER },
            });
        }
        EntraEvent::PasswordSubmit => {
            let prop = b.migration_property_id.as_deref().ok_or_else(|| {
                "a PasswordSubmit binding needs the migration property (with_migration_property)"
                    .to_owned()
            })?;
            handler["migrationPropertyId"] = prop.into();
        }
        _ => {}
    }
    let apps: Vec<Value> = if b.client_app_ids.is_empty() {
        vec![json!({ "appId": "{{clientAppId}}" })]
    } else {
        b.client_app_ids
            .iter()
            .map(|a| json!({ "appId": a }))
            .collect()
    };
    let listener = json!({
        "@odata.type": event.listener_type(),
        "priority": 500,
        "conditions": { "applications": { "includeApplications": apps } },
        "handler": handler,
    });

    let mut out = json!({
        "event": event.as_str(),
        "appRegistration": request("PATCH", format!("{GRAPH_V1}/applications/{{{{extensionAppObjectId}}}}"), app),
        "customAuthenticationExtension": request("POST", format!("{GRAPH_BETA}/identity/customAuthenticationExtensions"), extension),
        "authenticationEventListener": request("POST", format!("{GRAPH_BETA}/identity/authenticationEventListeners"), listener),
    });
    if event == EntraEvent::TokenIssuanceStart {
        let schema: Vec<Value> = spec
            .outputs
            .iter()
            .map(|o| json!({ "Source": "CustomClaimsProvider", "ID": o.wire(), "JwtClaimType": o.wire() }))
            .collect();
        let definition = json!({
            "ClaimsMappingPolicy": {
                "Version": 1,
                "IncludeBasicClaimSet": "true",
                "ClaimsSchema": schema,
            }
        });
        out["claimsMappingPolicy"] = request(
            "POST",
            format!("{GRAPH_V1}/policies/claimsMappingPolicies"),
            json!({
                "definition": [definition.to_string()],
                "displayName": format!("{} claims", spec.display_name),
                "isOrganizationDefault": false,
            }),
        );
        out["claimsMappingPolicyAssignment"] = request(
            "POST",
            format!(
                "{GRAPH_V1}/servicePrincipals/{{{{clientServicePrincipalId}}}}/claimsMappingPolicies/$ref"
            ),
            json!({ "@odata.id": format!("{GRAPH_V1}/policies/claimsMappingPolicies/{{{{claimsMappingPolicyId}}}}") }),
        );
    }
    Ok(out)
}
