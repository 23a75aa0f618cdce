//! The adapter between one handler and the callers besides B2C technical profiles: the request
//! envelope becomes the handler's input claims, and its result becomes the caller's one reply.
//!
//! Input claims are found by name (the claim's wire name, then its id), as
//! [`ApiConnectorRequest::attribute`] and [`UserSignUpInfo::attribute`](super::entra::UserSignUpInfo::attribute) match attributes
//! (exactly, case-insensitively, then `extension_<appid>_<Name>` by its short name), after these
//! well-known names (case-insensitive):
//!
//! | claim name | API connector | Entra |
//! | --- | --- | --- |
//! | a `{Context:CorrelationId}` claim, `correlationId` | - | `authenticationContext.correlationId` |
//! | a `{Culture:...}` claim, `locale`, `ui_locales`, `culture` | `ui_locales` | `client.locale` |
//! | `clientId`, `client_id`, `appId` | `client_id` / `clientId` | `clientServicePrincipal.appId` |
//! | `step` | `step` | - |
//! | `tenantId` | - | `tenantId` |
//! | `email` | the `email` attribute, else the `emailAddress` identity | the attribute, the user's `mail`, OtpSend's `identifier` |
//! | `objectId`, `userId`, `id` | `objectId` | `user.id` |
//! | `identifier`, `address` | - | OtpSend `otpContext.identifier` |
//! | `code`, `oneTimeCode`, `otp` | - | OtpSend `otpContext.oneTimeCode` |
//! | `username`, `userName`, `signInName` | - | PasswordSubmit `username` |
//! | `password` | - | PasswordSubmit `user-password` (decrypted) |
//! | any other name | the attribute | `userSignUpInfo` attribute, else a `user` property |

use std::collections::BTreeMap;

use claims_core::callers::PASSWORD_UPDATE_CLAIM;
use claims_core::resolvers;
use claims_core::spec::{CallerRoute, DataType, InputClaimSpec};
use serde_json::{Map, Value};

use super::api_connector::{ApiConnectorReply, ApiConnectorRequest};
use super::entra::{EntraReply, EntraRequest, TokenClaim};
use super::{
    ApiConnectorAction, ApiConnectorStep, AttributeValue, CallerError, EntraEvent, WireReply,
};

/// Marks an actix resource with the caller it serves (resource-level app data), so the
/// generated route knows how to read the request and answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallerMark(pub CallerRoute);

/// The decoded request of a caller route.
#[derive(Debug)]
pub(crate) enum Envelope {
    /// A B2C user-flow API connector.
    ApiConnector {
        step: ApiConnectorStep,
        request: ApiConnectorRequest,
    },
    /// An Entra custom authentication extension (PasswordSubmit: with the decrypted context).
    Entra {
        request: Box<EntraRequest>,
        username: Option<String>,
        password: Option<String>,
        nonce: Option<String>,
    },
}

/// What a caller route keeps for the request: the envelope and the input claims found in it.
#[derive(Debug)]
pub(crate) struct CallerState {
    pub(crate) envelope: Envelope,
    /// Per input claim: the value, as JSON in the shape of the claim's type.
    pub(crate) values: Vec<Option<Value>>,
    /// Per input claim: the attribute name it was read from (for `attributeErrors`).
    pub(crate) keys: Vec<Option<String>>,
}

impl CallerState {
    /// [`CallerState::decode`] of a request's body. A PasswordSubmit envelope is decoded on the
    /// blocking pool: unwrapping its key with RSA-OAEP takes milliseconds, which every other
    /// request of the worker thread would wait for. `Err(None)`: that task did not finish.
    pub(crate) async fn decode_request<D>(
        route: CallerRoute,
        inputs: &'static [InputClaimSpec],
        body: actix_web::web::Bytes,
        decrypt: D,
    ) -> Result<CallerState, Option<CallerError>>
    where
        D: Fn(&str) -> Result<Decrypted, CallerError> + Send + 'static,
    {
        if !matches!(route, CallerRoute::Entra { event, .. } if decrypts_password(event)) {
            return Self::decode(route, inputs, &body, &decrypt).map_err(Some);
        }
        let task = move || Self::decode(route, inputs, &body, &decrypt);
        match actix_web::rt::task::spawn_blocking(task).await {
            Ok(decoded) => decoded.map_err(Some),
            Err(_) => Err(None),
        }
    }

    /// Reads the envelope of `route` from `body` and finds every input claim in it.
    pub(crate) fn decode(
        route: CallerRoute,
        inputs: &'static [InputClaimSpec],
        body: &[u8],
        decrypt: &dyn Fn(&str) -> Result<Decrypted, CallerError>,
    ) -> Result<CallerState, CallerError> {
        let envelope = match route {
            CallerRoute::ApiConnector { step, .. } => {
                let request = ApiConnectorRequest::from_slice(body)?;
                if let Some(sent) = request.step
                    && sent != step
                {
                    return Err(CallerError::bad_request(format!(
                        "this route is the API connector of step {step}; the request is for step {sent}"
                    )));
                }
                Envelope::ApiConnector { step, request }
            }
            CallerRoute::Entra { event, .. } => {
                let request = EntraRequest::from_slice(body)?;
                if request.event != event {
                    return Err(CallerError::bad_request(format!(
                        "this route is the extension of event {event}; the request is for {}",
                        request.event
                    )));
                }
                let (mut username, mut password, mut nonce) = (None, None, None);
                if decrypts_password(event) {
                    let jwe = request
                        .encrypted_password_context
                        .as_deref()
                        .ok_or_else(|| {
                            CallerError::bad_request(
                                "the PasswordSubmit request has no encryptedPasswordContext",
                            )
                        })?;
                    let (u, p, n) = decrypt(jwe)?;
                    username = u;
                    password = Some(p);
                    nonce = Some(n);
                }
                Envelope::Entra {
                    request: Box::new(request),
                    username,
                    password,
                    nonce,
                }
            }
            CallerRoute::B2c => {
                return Err(CallerError::bad_request(
                    "a B2C route has no caller envelope",
                ));
            }
            #[allow(unreachable_patterns)]
            _ => return Err(CallerError::bad_request("unknown caller")),
        };
        let mut state = CallerState {
            envelope,
            values: Vec::with_capacity(inputs.len()),
            keys: Vec::with_capacity(inputs.len()),
        };
        for c in inputs {
            let (value, key) = match state.lookup(c) {
                Some((v, k)) => (Some(v), k),
                None => (None, None),
            };
            state.values.push(value.map(|v| shape(&v, c.data_type)));
            state.keys.push(key);
        }
        Ok(state)
    }

    /// The correlation id: Entra's `correlationId` (API connectors send none).
    pub(crate) fn correlation_id(&self) -> Option<&str> {
        match &self.envelope {
            Envelope::Entra { request, .. } => request.context.correlation_id.as_deref(),
            Envelope::ApiConnector { .. } => None,
        }
    }

    /// The language to answer in: `ui_locales` or `client.locale`.
    pub(crate) fn locale(&self) -> Option<&str> {
        match &self.envelope {
            Envelope::ApiConnector { request, .. } => request
                .ui_locales
                .as_deref()
                .and_then(|l| l.split_whitespace().next()),
            Envelope::Entra { request, .. } => request.locale(),
        }
    }

    /// The caller, for logs.
    pub(crate) fn describe(&self) -> String {
        match &self.envelope {
            Envelope::ApiConnector { step, .. } => format!("API connector {step}"),
            Envelope::Entra { request, .. } => format!("Entra {}", request.event),
        }
    }

    /// Finds the value of input claim `c` and the attribute it came from.
    fn lookup(&self, c: &InputClaimSpec) -> Option<(AttributeValue, Option<String>)> {
        let text = |s: Option<&str>| s.map(|s| (AttributeValue::from(s), None));
        let name = c.wire();
        let is = |names: &[&str]| {
            names
                .iter()
                .any(|n| n.eq_ignore_ascii_case(name) || n.eq_ignore_ascii_case(c.id))
        };
        let resolver = c.resolver.unwrap_or("");
        let culture = [resolvers::CULTURE_RFC5646, resolvers::CULTURE_LANGUAGE_NAME]
            .iter()
            .any(|r| r.eq_ignore_ascii_case(resolver));
        if resolver.eq_ignore_ascii_case(resolvers::CORRELATION_ID) || is(&["correlationId"]) {
            return text(self.correlation_id());
        }
        if culture || is(&["locale", "ui_locales", "culture"]) {
            return text(self.locale());
        }
        match &self.envelope {
            Envelope::ApiConnector { request, step } => {
                if is(&["clientId", "client_id", "appId"]) {
                    return text(request.client_id.as_deref());
                }
                if is(&["step"]) {
                    return text(Some(step.as_str()));
                }
                if is(&["email"]) {
                    return text(request.email());
                }
                for n in [name, c.id] {
                    let key = super::find_attribute(request.attributes.keys(), n);
                    if let Some(k) = key {
                        return Some((request.attributes[k].clone(), Some(k.to_owned())));
                    }
                }
                None
            }
            Envelope::Entra {
                request,
                username,
                password,
                ..
            } => {
                let ctx = &request.context;
                let user = ctx.user.as_ref();
                if is(&["clientId", "client_id", "appId"]) {
                    return text(ctx.client_app_id.as_deref());
                }
                if is(&["tenantId"]) {
                    return text(request.tenant_id.as_deref());
                }
                if is(&["objectId", "userId", "id"]) {
                    return text(user.and_then(|u| u.id.as_deref()));
                }
                if let Some(otp) = &request.otp {
                    if is(&["identifier", "address", "email"]) {
                        return text(otp.identifier.as_deref());
                    }
                    if is(&["code", "oneTimeCode", "otp"]) {
                        return text(otp.one_time_code.as_deref());
                    }
                }
                if request.event == EntraEvent::PasswordSubmit {
                    if is(&["username", "userName", "signInName"]) {
                        return text(username.as_deref());
                    }
                    if is(&["password"]) {
                        return text(password.as_deref());
                    }
                }
                if let Some(sign_up) = &request.sign_up {
                    for n in [name, c.id] {
                        if let Some((k, a)) = sign_up.attribute(n) {
                            return a.value.clone().map(|v| (v, Some(k.to_owned())));
                        }
                    }
                    if is(&["email"]) {
                        let id = sign_up.identities.iter().find(|i| {
                            i.sign_in_type
                                .as_deref()
                                .is_some_and(|t| t.eq_ignore_ascii_case("email"))
                        });
                        return text(id.and_then(|i| i.issuer_assigned_id.as_deref()));
                    }
                }
                if let Some(u) = user {
                    if is(&["email"]) {
                        return text(u.mail.as_deref().or(u.user_principal_name.as_deref()));
                    }
                    for n in [name, c.id] {
                        if let Some(v) = u.property(n) {
                            return text(Some(v));
                        }
                    }
                }
                None
            }
        }
    }

    /// The reply for the handler's output claims (`outputs`: the JSON object the B2C route
    /// would answer).
    pub(crate) fn success(&self, outputs: &[u8]) -> Result<WireReply, CallerError> {
        let claims: Map<String, Value> = serde_json::from_slice(outputs)
            .map_err(|e| CallerError::bad_reply(format!("the output claims are not JSON: {e}")))?;
        match &self.envelope {
            Envelope::ApiConnector { step, .. } => {
                // `extend`, not `collect` (here and below): `collect` sorts first, kilobytes of
                // code for a map that is already in order.
                let mut all = BTreeMap::new();
                all.extend(claims);
                ApiConnectorReply::Continue(all).encode(Some(*step))
            }
            Envelope::Entra { request, nonce, .. } => {
                let reply = match request.event {
                    EntraEvent::TokenIssuanceStart => {
                        let mut all = BTreeMap::new();
                        all.extend(claims.into_iter().map(|(k, v)| (k, token_claim(v))));
                        EntraReply::ProvideClaimsForToken(all)
                    }
                    EntraEvent::AttributeCollectionStart if !claims.is_empty() => {
                        EntraReply::SetPrefillValues(attribute_values(claims)?)
                    }
                    EntraEvent::AttributeCollectionSubmit if !claims.is_empty() => {
                        EntraReply::ModifyAttributeValues(attribute_values(claims)?)
                    }
                    EntraEvent::PasswordSubmit => {
                        let update = claims
                            .iter()
                            .any(|(k, v)| k == PASSWORD_UPDATE_CLAIM && v == &Value::Bool(true));
                        if update {
                            EntraReply::UpdatePassword
                        } else {
                            EntraReply::MigratePassword
                        }
                    }
                    _ => EntraReply::ContinueWithDefaultBehavior,
                };
                reply.encode(request, nonce.as_deref())
            }
        }
    }

    /// The reply for a user error (a business rejection or claims that did not pass):
    /// `None` when the step or event has no action for it (the caller then gets a failure).
    pub(crate) fn rejection(
        &self,
        block: bool,
        message: String,
        attribute_errors: BTreeMap<String, String>,
    ) -> Option<Result<WireReply, CallerError>> {
        match &self.envelope {
            Envelope::ApiConnector { step, .. } => {
                let validation = !block && step.allows(ApiConnectorAction::ValidationError);
                let reply = if validation {
                    ApiConnectorReply::ValidationError {
                        user_message: message,
                    }
                } else if step.allows(ApiConnectorAction::ShowBlockPage) {
                    ApiConnectorReply::ShowBlockPage {
                        user_message: message,
                    }
                } else {
                    return None;
                };
                Some(reply.encode(Some(*step)))
            }
            Envelope::Entra { request, nonce, .. } => {
                let reply = match request.event {
                    EntraEvent::AttributeCollectionSubmit if !block => {
                        EntraReply::ShowValidationError {
                            message,
                            attribute_errors,
                        }
                    }
                    EntraEvent::AttributeCollectionSubmit
                    | EntraEvent::AttributeCollectionStart => EntraReply::ShowBlockPage {
                        title: None,
                        message: Some(message),
                    },
                    EntraEvent::PasswordSubmit if block => EntraReply::Block {
                        title: None,
                        message: Some(message),
                    },
                    EntraEvent::PasswordSubmit => EntraReply::Retry,
                    _ => return None,
                };
                Some(reply.encode(request, nonce.as_deref()))
            }
        }
    }

    /// The attribute name an input claim was read from (else its wire name).
    pub(crate) fn attribute_key(&self, index: usize, c: &InputClaimSpec) -> String {
        self.keys
            .get(index)
            .cloned()
            .flatten()
            .unwrap_or_else(|| c.wire().to_owned())
    }

    /// The failure answer, for errors the caller has no action for: the API connector body
    /// (`version`, `status`, `userMessage`) or, for Entra, an `error` object. Both callers treat
    /// the status as a failed call (OtpSend: Entra falls back to its own email when the
    /// listener says so).
    pub(crate) fn failure(&self, status: u16, message: &str, request_id: &str) -> WireReply {
        let body = match &self.envelope {
            Envelope::ApiConnector { .. } => serde_json::json!({
                "version": claims_core::callers::API_CONNECTOR_VERSION,
                "status": status,
                "userMessage": message,
                "requestId": request_id,
            }),
            Envelope::Entra { .. } => serde_json::json!({
                "error": {"code": status, "message": message, "requestId": request_id},
            }),
        };
        WireReply { status, body }
    }
}

/// A failure answer before any envelope was read (a body that is not the caller's).
pub(crate) fn unreadable(
    route: CallerRoute,
    status: u16,
    message: &str,
    request_id: &str,
) -> WireReply {
    let body = match route {
        CallerRoute::ApiConnector { .. } => serde_json::json!({
            "version": claims_core::callers::API_CONNECTOR_VERSION,
            "status": status,
            "userMessage": message,
            "requestId": request_id,
        }),
        _ => serde_json::json!({
            "error": {"code": status, "message": message, "requestId": request_id},
        }),
    };
    WireReply { status, body }
}

/// A caller value in the JSON shape of the claim's type: lists for collections, text for the
/// text types, numbers and booleans as they are (the claim decoder converts text where needed).
fn shape(v: &AttributeValue, ty: DataType) -> Value {
    match ty {
        DataType::StringCollection => Value::from(v.items()),
        DataType::Boolean | DataType::Int | DataType::Long => v.to_json(),
        _ => Value::from(v.to_text()),
    }
}

fn token_claim(v: Value) -> TokenClaim {
    match v {
        Value::String(s) => TokenClaim::One(s),
        Value::Array(items) => TokenClaim::Many(
            items
                .into_iter()
                .map(|i| match i {
                    Value::String(s) => s,
                    other => other.to_string(),
                })
                .collect(),
        ),
        other => TokenClaim::One(other.to_string()),
    }
}

fn attribute_values(
    claims: Map<String, Value>,
) -> Result<BTreeMap<String, AttributeValue>, CallerError> {
    let mut all = BTreeMap::new();
    for (k, v) in claims {
        let value = AttributeValue::from_json(&v).ok_or_else(|| {
            CallerError::bad_reply(format!(
                "the output claim {k:?} cannot be an Entra attribute value (string, integer, boolean or list of strings)"
            ))
        })?;
        all.insert(k, value);
    }
    Ok(all)
}

/// Whether requests of `event` carry a password context to decrypt (PasswordSubmit's
/// `encryptedPasswordContext`).
fn decrypts_password(event: EntraEvent) -> bool {
    event == EntraEvent::PasswordSubmit
}

/// A decrypted PasswordSubmit context: user name (when sent), password, nonce.
pub(crate) type Decrypted = (Option<String>, String, String);

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    fn password_submit() -> actix_web::web::Bytes {
        let body = serde_json::json!({
            "type": EntraEvent::PasswordSubmit.event_type(),
            "source": "/tenants/tid/applications/client-app",
            "data": {
                "@odata.type": EntraEvent::PasswordSubmit.callout_data_type(),
                "tenantId": "tid",
                "authenticationEventListenerId": "l1",
                "customAuthenticationExtensionId": "x1",
                "encryptedPasswordContext": "a.b.c.d.e",
                "authenticationContext": {
                    "correlationId": "c0ffee00-0000-0000-0000-000000000001",
                    "client": {"ip": "2a01:110::1", "locale": "fr-fr", "market": "fr-fr"},
                    "protocol": "OAUTH2.0",
                    "clientServicePrincipal": {"id": "sp1", "appId": "client-app"},
                    "resourceServicePrincipal": {"id": "sp2", "appId": "resource-app"},
                    "user": {"id": "u1"}
                }
            }
        });
        actix_web::web::Bytes::from(body.to_string())
    }

    #[actix_web::test]
    async fn a_password_is_decrypted_off_the_worker_thread() {
        let worker = std::thread::current().id();
        let seen = Arc::new(Mutex::new(None));
        let record = seen.clone();
        let decrypt = move |jwe: &str| {
            *record.lock().unwrap() = Some((std::thread::current().id(), jwe.to_owned()));
            Ok((
                Some("ann".to_owned()),
                "secret".to_owned(),
                "n-1".to_owned(),
            ))
        };
        let route = CallerRoute::Entra {
            event: EntraEvent::PasswordSubmit,
            path: "/password",
        };
        let state = CallerState::decode_request(route, &[], password_submit(), decrypt)
            .await
            .expect("the envelope decodes");
        let (thread, jwe) = seen.lock().unwrap().clone().expect("decrypt ran");
        assert_ne!(
            thread, worker,
            "the RSA unwrapping ran on the worker thread"
        );
        assert_eq!(jwe, "a.b.c.d.e");
        match state.envelope {
            Envelope::Entra {
                username,
                password,
                nonce,
                ..
            } => {
                assert_eq!(username.as_deref(), Some("ann"));
                assert_eq!(password.as_deref(), Some("secret"));
                assert_eq!(nonce.as_deref(), Some("n-1"));
            }
            other => panic!("not an Entra envelope: {other:?}"),
        }
    }

    #[actix_web::test]
    async fn a_failed_decryption_is_the_callers_error() {
        let route = CallerRoute::Entra {
            event: EntraEvent::PasswordSubmit,
            path: "/password",
        };
        let refuse = |_: &str| {
            Err(CallerError::new(
                super::super::CallerErrorKind::Decrypt,
                "wrong key",
            ))
        };
        let err = CallerState::decode_request(route, &[], password_submit(), refuse)
            .await
            .expect_err("refused");
        assert_eq!(err.map(|e| e.to_string()).as_deref(), Some("wrong key"));
    }
}
