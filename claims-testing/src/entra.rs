//! An Entra custom authentication extension emulator, driven only by the exported Graph document
//! ([`claims_export::graph`]): it builds the event request Entra sends (with a bearer token it
//! mints itself, and for PasswordSubmit a password encrypted to a key it generates) and reads the
//! reply by Entra's rules.
//!
//! | Rule | Reading (Entra error code) |
//! | --- | --- |
//! | Request | `POST` JSON envelope of the extension's event; `Authorization: Bearer` v2.0 token, `azp` = Entra's first-party app, `aud` = the app id of `resourceId` |
//! | Status | only 200 (1003002) |
//! | Content type | `application/json` (1003006); empty body (1003009) |
//! | `data.@odata.type` | the event's response type |
//! | Actions | exactly one (1003010), of a type the event allows (1003012) |
//! | TokenIssuanceStart claims | an object (1003007), non-empty names (1003026), strings or string arrays, at most 3 KB (1003025); claims missing from `claimsForTokenConfiguration` never reach a token (warning) |
//! | Attribute values | the type the request declared (int64 as an integer, boolean as a boolean, multi-valued as a comma string) |
//! | PasswordSubmit | the `nonce` of the request echoed |
//! | Timeout | `clientConfiguration.timeoutInMilliseconds` of the document |
//! | Failure | TokenIssuanceStart: no token; attribute collection: a generic page; OtpSend: no code sent, unless the listener falls back to Microsoft's email |

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use claims_core::callers::{
    DirectoryValueType, ENTRA_FIRST_PARTY_APP_ID, ENTRA_TIMEOUT_DEFAULT_MS, EntraAction,
    EntraEvent, GRAPH_FALLBACK_TO_MICROSOFT_PROVIDER, TOKEN_CLAIMS_MAX_BYTES,
};
use rsa::Oaep;
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use rsa::rand_core::RngCore;
use serde_json::{Map, Value, json};

use crate::api_connector::{GraphDocumentError, path_of};
use crate::keys::{SystemRng, TestSigningKey};
use crate::outcome::{TracedRequest, TracedResponse};
use crate::transport::{InProcess, Transport};

/// The emulator's tenant.
pub const TENANT_ID: &str = "72f988bf-0000-4000-8000-00000000e17a";

/// The emulator's RSA key (token signing and password encryption), made once per process.
fn key() -> &'static TestSigningKey {
    static KEY: OnceLock<TestSigningKey> = OnceLock::new();
    KEY.get_or_init(|| TestSigningKey::generate("entra-emulator"))
}

/// The extension as the Graph document registers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionRegistration {
    /// The event.
    pub event: EntraEvent,
    /// `endpointConfiguration.targetUrl`.
    pub target_url: String,
    /// `authenticationConfiguration.resourceId`.
    pub resource_id: String,
    /// The app id at the end of `resourceId` (the token's audience).
    pub app_id: String,
    /// `clientConfiguration.timeoutInMilliseconds` (1000 when absent).
    pub timeout_ms: u32,
    /// `claimsForTokenConfiguration[].claimIdInApiResponse`.
    pub claims_for_token: Vec<String>,
    /// Whether the listener falls back to Microsoft's email on error (OtpSend).
    pub fallback_on_error: bool,
}

/// What the emulated user and app bring to the call.
#[derive(Debug, Clone, Default)]
pub struct EntraInput {
    attributes: Vec<(String, DirectoryValueType, Option<Value>)>,
    user: Map<String, Value>,
    otp: Option<(String, String)>,
    password: Option<(String, String)>,
    locale: Option<String>,
}

impl EntraInput {
    /// Nothing but the envelope.
    pub fn new() -> Self {
        EntraInput::default()
    }

    /// A `userSignUpInfo` string attribute (`None`: collected but without a value yet).
    pub fn attribute(mut self, name: &str, value: Option<&str>) -> Self {
        self.attributes.push((
            name.to_owned(),
            DirectoryValueType::String,
            value.map(Value::from),
        ));
        self
    }

    /// An int64 attribute.
    pub fn int_attribute(mut self, name: &str, value: i64) -> Self {
        self.attributes.push((
            name.to_owned(),
            DirectoryValueType::Int64,
            Some(value.into()),
        ));
        self
    }

    /// A boolean attribute.
    pub fn bool_attribute(mut self, name: &str, value: bool) -> Self {
        self.attributes.push((
            name.to_owned(),
            DirectoryValueType::Boolean,
            Some(value.into()),
        ));
        self
    }

    /// A property of `authenticationContext.user` (`mail`, `displayName`, ...).
    pub fn user(mut self, property: &str, value: &str) -> Self {
        self.user.insert(property.to_owned(), value.into());
        self
    }

    /// OtpSend: the email address and the code.
    pub fn otp(mut self, email: &str, code: &str) -> Self {
        self.otp = Some((email.to_owned(), code.to_owned()));
        self
    }

    /// PasswordSubmit: what the user typed.
    pub fn password(mut self, username: &str, password: &str) -> Self {
        self.password = Some((username.to_owned(), password.to_owned()));
        self
    }

    /// `client.locale` (default `en-us`).
    pub fn locale(mut self, locale: &str) -> Self {
        self.locale = Some(locale.to_owned());
        self
    }
}

/// What happened, in Entra's terms.
#[derive(Debug, Clone, PartialEq)]
pub enum EntraOutcome {
    /// TokenIssuanceStart: these claims reach the token (through the claims mapping policy).
    TokenClaims(BTreeMap<String, Value>),
    /// Entra goes on as without an extension.
    Continue,
    /// AttributeCollectionStart: the page is prefilled with these values.
    Prefilled(Map<String, Value>),
    /// AttributeCollectionSubmit: these values are stored instead of the submitted ones.
    Modified(Map<String, Value>),
    /// A block page.
    BlockPage {
        /// Title.
        title: Option<String>,
        /// Message (Entra's default when absent).
        message: Option<String>,
    },
    /// The attribute page again, with messages.
    ValidationError {
        /// The page message.
        message: String,
        /// Per-attribute messages.
        attribute_errors: BTreeMap<String, String>,
    },
    /// PasswordSubmit: one of MigratePassword, UpdatePassword, Retry, Block.
    Password(EntraAction),
    /// The call failed; the user sees Entra's failure behaviour for the event.
    Failed {
        /// Entra's error code, when one applies.
        code: Option<u32>,
        /// What went wrong, for the developer.
        reason: String,
    },
}

/// An outcome with the exact request and response.
#[derive(Debug, Clone)]
pub struct EntraCall {
    /// The event.
    pub event: EntraEvent,
    /// The outcome.
    pub outcome: EntraOutcome,
    /// Warnings (claims that never reach a token, ...).
    pub warnings: Vec<String>,
    /// The request sent.
    pub request: TracedRequest,
    /// The response, unless the transport failed.
    pub response: Option<TracedResponse>,
    /// How long the service took.
    pub elapsed: Duration,
    fallback_on_error: bool,
}

impl EntraCall {
    /// What the end user sees.
    pub fn user_sees(&self) -> String {
        match &self.outcome {
            EntraOutcome::Failed { .. } => match self.event {
                EntraEvent::TokenIssuanceStart => {
                    "no token: the application receives an error redirect".into()
                }
                EntraEvent::OtpSend if self.fallback_on_error => {
                    "a code sent by Microsoft's own email (the fallback)".into()
                }
                EntraEvent::OtpSend => "no code is sent; the sign-in cannot go on".into(),
                _ => "Entra's generic \"Something went wrong\" page".into(),
            },
            EntraOutcome::TokenClaims(_) => "a token with the extra claims".into(),
            EntraOutcome::Continue => "the flow going on unchanged".into(),
            EntraOutcome::Prefilled(_) => "the attribute page, prefilled".into(),
            EntraOutcome::Modified(_) => "the flow going on with modified values".into(),
            EntraOutcome::BlockPage { title, message } => format!(
                "a block page: {}{}",
                title
                    .as_deref()
                    .map(|t| format!("{t}: "))
                    .unwrap_or_default(),
                message.as_deref().unwrap_or("(Entra's default message)")
            ),
            EntraOutcome::ValidationError {
                message,
                attribute_errors,
            } => format!(
                "the attribute page with: {message} {}",
                attribute_errors
                    .iter()
                    .map(|(k, v)| format!("[{k}: {v}]"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            EntraOutcome::Password(a) => match a {
                EntraAction::MigratePassword => "signed in; the password is migrated".into(),
                EntraAction::UpdatePassword => "a password reset".into(),
                EntraAction::Retry => "\"wrong password\", try again".into(),
                _ => "a block page".into(),
            },
        }
    }
}

/// The emulator of one extension.
#[derive(Debug, Clone)]
pub struct EntraEmulator {
    reg: ExtensionRegistration,
}

impl EntraEmulator {
    /// Loads the extension registered for `event` from a Graph document (the text written by
    /// `claims_export::graph::render`).
    pub fn from_graph(document: &str, event: EntraEvent) -> Result<Self, GraphDocumentError> {
        let err = |m: &str| GraphDocumentError(m.to_owned());
        let doc: Value = serde_json::from_str(document)
            .map_err(|e| GraphDocumentError(format!("the Graph document is not JSON: {e}")))?;
        let entry = doc
            .get("entraExtensions")
            .and_then(Value::as_array)
            .ok_or_else(|| err("the Graph document has no entraExtensions"))?
            .iter()
            .find(|e| {
                e.pointer("/customAuthenticationExtension/body/@odata.type")
                    .and_then(Value::as_str)
                    == Some(event.extension_type())
            })
            .ok_or_else(|| GraphDocumentError(format!("no extension is registered for {event}")))?;
        let ext = &entry["customAuthenticationExtension"]["body"];
        let s = |p: &str| ext.pointer(p).and_then(Value::as_str).map(str::to_owned);
        let target_url = s("/endpointConfiguration/targetUrl")
            .ok_or_else(|| err("the extension has no targetUrl"))?;
        let resource_id = s("/authenticationConfiguration/resourceId")
            .ok_or_else(|| err("the extension has no resourceId"))?;
        let app_id = resource_id
            .rsplit('/')
            .next()
            .filter(|a| !a.is_empty())
            .ok_or_else(|| err("the resourceId names no app id"))?
            .to_owned();
        let timeout_ms = ext
            .pointer("/clientConfiguration/timeoutInMilliseconds")
            .and_then(Value::as_u64)
            .map_or(ENTRA_TIMEOUT_DEFAULT_MS, |t| {
                u32::try_from(t).unwrap_or(u32::MAX)
            });
        let claims_for_token = ext
            .get("claimsForTokenConfiguration")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|c| c.get("claimIdInApiResponse")?.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let fallback_on_error = entry
            .pointer("/authenticationEventListener/body/handler/configuration/behaviorOnError/@odata.type")
            .and_then(Value::as_str)
            == Some(GRAPH_FALLBACK_TO_MICROSOFT_PROVIDER);
        Ok(EntraEmulator {
            reg: ExtensionRegistration {
                event,
                target_url,
                resource_id,
                app_id,
                timeout_ms,
                claims_for_token,
                fallback_on_error,
            },
        })
    }

    /// The registration read from the document.
    pub fn registration(&self) -> &ExtensionRegistration {
        &self.reg
    }

    /// The tenant id in the tokens' issuer.
    pub fn tenant_id(&self) -> &'static str {
        TENANT_ID
    }

    /// The JWKS that verifies the emulator's tokens (configure your validator with it).
    pub fn jwks(&self) -> Value {
        key().jwks()
    }

    /// The private key (PKCS#8 PEM) whose public half encrypts PasswordSubmit passwords
    /// (configure your decryptor with it).
    pub fn password_key_pem(&self) -> String {
        key()
            .private_key()
            .to_pkcs8_pem(LineEnding::LF)
            .map(|p| p.to_string())
            .unwrap_or_default()
    }

    /// A v2.0 token as Entra's extension service presents it, valid for 10 minutes.
    pub fn token(&self) -> String {
        self.token_with(&json!({}))
    }

    /// A token with some claims replaced (tests of the guard: `{"azp": "other"}`, ...).
    pub fn token_with(&self, overrides: &Value) -> String {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let mut claims = json!({
            "ver": "2.0", "iss": format!("https://login.microsoftonline.com/{TENANT_ID}/v2.0"),
            "aud": self.reg.app_id, "azp": ENTRA_FIRST_PARTY_APP_ID, "tid": TENANT_ID,
            "sub": ENTRA_FIRST_PARTY_APP_ID, "iat": now, "nbf": now, "exp": now + 600,
        });
        if let Some(o) = overrides.as_object() {
            for (k, v) in o {
                claims[k] = v.clone();
            }
        }
        key().sign(&claims)
    }

    /// The request Entra sends, and the nonce of a PasswordSubmit request.
    pub fn request(&self, input: &EntraInput) -> (TracedRequest, Option<String>) {
        let event = self.reg.event;
        let mut context = json!({
            "correlationId": uuid_like(),
            "client": {"ip": "127.0.0.1", "locale": input.locale.as_deref().unwrap_or("en-us"), "market": "en-us"},
            "protocol": "OAUTH2.0",
            "clientServicePrincipal": {"id": uuid_like(), "appId": "00000000-0000-0000-0000-00000000c11e", "appDisplayName": "Client app", "displayName": "Client app"},
            "resourceServicePrincipal": {"id": uuid_like(), "appId": "00000000-0000-0000-0000-00000000c11e", "appDisplayName": "Client app", "displayName": "Client app"},
        });
        if event.has_user() {
            let mut user = input.user.clone();
            user.entry("id").or_insert_with(|| uuid_like().into());
            context["user"] = Value::Object(user);
        }
        let mut data = json!({
            "@odata.type": event.callout_data_type(),
            "tenantId": TENANT_ID,
            "authenticationEventListenerId": uuid_like(),
            "customAuthenticationExtensionId": uuid_like(),
        });
        let mut nonce = None;
        match event {
            EntraEvent::AttributeCollectionStart | EntraEvent::AttributeCollectionSubmit => {
                let attrs: Map<String, Value> = input
                    .attributes
                    .iter()
                    .map(|(name, ty, value)| {
                        let mut a = json!({
                            "@odata.type": ty.odata_type(),
                            "attributeType": if name.starts_with("extension_") { "directorySchemaExtension" } else { "builtIn" },
                        });
                        if let Some(v) = value {
                            a["value"] = v.clone();
                        }
                        (name.clone(), a)
                    })
                    .collect();
                data["userSignUpInfo"] = json!({"attributes": attrs});
            }
            EntraEvent::OtpSend => {
                let (email, code) = input.otp.clone().unwrap_or_default();
                data["otpContext"] = json!({"identifier": email, "oneTimeCode": code});
                context["requestType"] = "signUp".into();
            }
            EntraEvent::PasswordSubmit => {
                let (username, password) = input.password.clone().unwrap_or_default();
                let n = uuid_like();
                data["encryptedPasswordContext"] =
                    encrypt_password(&username, &password, &n).into();
                nonce = Some(n);
            }
            EntraEvent::TokenIssuanceStart => {}
        }
        data["authenticationContext"] = context;
        let body = json!({
            "type": event.event_type(),
            "source": format!("/tenants/{TENANT_ID}/applications/00000000-0000-0000-0000-00000000c11e"),
            "data": data,
        });
        let request = TracedRequest {
            method: "POST".into(),
            url: self.reg.target_url.clone(),
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("Authorization".into(), format!("Bearer {}", self.token())),
            ],
            body: serde_json::to_vec(&body).unwrap_or_default(),
            notes: vec![format!("Entra {event} custom authentication extension")],
        };
        (request, nonce)
    }

    /// Sends the event to an actix service in process and reads the reply.
    pub async fn call<S, B>(&self, service: &Rc<S>, input: &EntraInput) -> EntraCall
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>
            + 'static,
        B: MessageBody + 'static,
    {
        let (request, nonce) = self.request(input);
        let transport = InProcess(service.clone());
        let started = Instant::now();
        let sent = transport
            .send(&request, path_of(&self.reg.target_url))
            .await;
        let elapsed = started.elapsed();
        let (outcome, warnings, response) = match sent {
            Ok(r) => {
                let (o, w) = self.interpret(&request, nonce.as_deref(), &r, elapsed);
                (o, w, Some(r))
            }
            Err(e) => (
                EntraOutcome::Failed {
                    code: None,
                    reason: format!("the request failed: {e}"),
                },
                Vec::new(),
                None,
            ),
        };
        EntraCall {
            event: self.reg.event,
            outcome,
            warnings,
            request,
            response,
            elapsed,
            fallback_on_error: self.reg.fallback_on_error,
        }
    }

    /// Reads a reply by Entra's rules; `request` is the one sent (for the declared types).
    pub fn interpret(
        &self,
        request: &TracedRequest,
        nonce: Option<&str>,
        response: &TracedResponse,
        elapsed: Duration,
    ) -> (EntraOutcome, Vec<String>) {
        let mut warnings = Vec::new();
        let outcome = self
            .read(request, nonce, response, elapsed, &mut warnings)
            .unwrap_or_else(|(code, reason)| EntraOutcome::Failed { code, reason });
        (outcome, warnings)
    }

    fn read(
        &self,
        request: &TracedRequest,
        nonce: Option<&str>,
        response: &TracedResponse,
        elapsed: Duration,
        warnings: &mut Vec<String>,
    ) -> Result<EntraOutcome, (Option<u32>, String)> {
        let event = self.reg.event;
        if elapsed > Duration::from_millis(self.reg.timeout_ms.into()) {
            return Err((
                Some(1_003_001),
                format!(
                    "the service took {} ms; the extension's timeout is {} ms",
                    elapsed.as_millis(),
                    self.reg.timeout_ms
                ),
            ));
        }
        if response.status != 200 {
            return Err((
                Some(1_003_002),
                format!(
                    "HTTP {}: Entra accepts only 200 (errors for the user are actions)",
                    response.status
                ),
            ));
        }
        if response.body.is_empty() {
            return Err((Some(1_003_009), "the body is empty".into()));
        }
        let ct = response.header("content-type").unwrap_or("");
        if !ct
            .split(';')
            .next()
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
        {
            return Err((
                Some(1_003_006),
                format!("the content type is {ct:?}, not application/json"),
            ));
        }
        let body: Value = serde_json::from_slice(&response.body)
            .map_err(|e| (Some(1_003_006), format!("the body is not JSON: {e}")))?;
        let data = body
            .get("data")
            .and_then(Value::as_object)
            .ok_or((None, "the reply has no data object".to_owned()))?;
        let data_type = data
            .get("@odata.type")
            .and_then(Value::as_str)
            .unwrap_or("");
        if data_type != event.response_data_type() {
            return Err((
                None,
                format!(
                    "data.@odata.type is {data_type:?}, not {:?}",
                    event.response_data_type()
                ),
            ));
        }
        let actions = data
            .get("actions")
            .and_then(Value::as_array)
            .ok_or((Some(1_003_010), "the reply has no actions array".to_owned()))?;
        if actions.len() != 1 {
            return Err((
                Some(1_003_010),
                format!(
                    "the reply has {} actions; exactly one is needed",
                    actions.len()
                ),
            ));
        }
        let a = actions[0]
            .as_object()
            .ok_or((Some(1_003_012), "the action is not an object".to_owned()))?;
        let type_text = a.get("@odata.type").and_then(Value::as_str).unwrap_or("");
        let action = event.parse_action(type_text).ok_or_else(|| {
            (
                Some(1_003_012),
                format!(
                    "{type_text:?} is not an action of {event} (allowed: {})",
                    event
                        .actions()
                        .iter()
                        .filter_map(|x| event.action_type(*x))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })?;
        let text = |k: &str| a.get(k).and_then(Value::as_str).map(str::to_owned);
        if event == EntraEvent::PasswordSubmit {
            let echoed = data.get("nonce").and_then(Value::as_str);
            if echoed.is_none() || echoed != nonce {
                return Err((None, "the reply does not echo the request's nonce".into()));
            }
        }
        Ok(match action {
            EntraAction::ProvideClaimsForToken => {
                EntraOutcome::TokenClaims(self.token_claims(a.get("claims"), warnings)?)
            }
            EntraAction::ContinueWithDefaultBehavior => EntraOutcome::Continue,
            EntraAction::SetPrefillValues => {
                EntraOutcome::Prefilled(typed_values(request, a.get("inputs"), "inputs")?)
            }
            EntraAction::ModifyAttributeValues => {
                EntraOutcome::Modified(typed_values(request, a.get("attributes"), "attributes")?)
            }
            EntraAction::ShowBlockPage => EntraOutcome::BlockPage {
                title: text("title"),
                message: text("message"),
            },
            EntraAction::ShowValidationError => EntraOutcome::ValidationError {
                message: text("message").unwrap_or_default(),
                attribute_errors: a
                    .get("attributeErrors")
                    .and_then(Value::as_object)
                    .map(|o| {
                        o.iter()
                            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                            .collect()
                    })
                    .unwrap_or_default(),
            },
            other => EntraOutcome::Password(other),
        })
    }

    fn token_claims(
        &self,
        claims: Option<&Value>,
        warnings: &mut Vec<String>,
    ) -> Result<BTreeMap<String, Value>, (Option<u32>, String)> {
        let o = claims.and_then(Value::as_object).ok_or((
            Some(1_003_007),
            "the claims bag is missing or null".to_owned(),
        ))?;
        let size = serde_json::to_vec(claims.unwrap_or(&Value::Null)).map_or(0, |b| b.len());
        if size > TOKEN_CLAIMS_MAX_BYTES {
            return Err((
                Some(1_003_025),
                format!("the claims take {size} bytes; the limit is 3 KB"),
            ));
        }
        let mut out = BTreeMap::new();
        for (k, v) in o {
            if k.trim().is_empty() {
                return Err((Some(1_003_026), "a claim has an empty name".into()));
            }
            let ok = v.is_string() || v.as_array().is_some_and(|a| a.iter().all(Value::is_string));
            if !ok {
                return Err((
                    None,
                    format!("claim {k:?} is not a string or an array of strings"),
                ));
            }
            if self.reg.claims_for_token.iter().any(|c| c == k) {
                out.insert(k.clone(), v.clone());
            } else {
                warnings.push(format!(
                    "claim {k:?} is not in claimsForTokenConfiguration: it never reaches a token"
                ));
            }
        }
        Ok(out)
    }
}

/// Checks values against the types the request declared.
fn typed_values(
    request: &TracedRequest,
    values: Option<&Value>,
    what: &str,
) -> Result<Map<String, Value>, (Option<u32>, String)> {
    let values = values
        .and_then(Value::as_object)
        .ok_or((None, format!("the action has no {what} object")))?;
    let sent: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    let declared = sent.pointer("/data/userSignUpInfo/attributes");
    let mut out = Map::new();
    for (k, v) in values {
        let ty = declared
            .and_then(|d| d.get(k))
            .and_then(|a| a.get("@odata.type"))
            .and_then(Value::as_str)
            .and_then(DirectoryValueType::from_odata_type);
        let ok = match ty {
            Some(DirectoryValueType::String) => v.is_string(),
            Some(DirectoryValueType::Int64) => v.is_i64(),
            Some(DirectoryValueType::Boolean) => v.is_boolean(),
            // Attributes the flow does not collect are ignored by Entra.
            None => continue,
        };
        if !ok {
            return Err((
                None,
                format!(
                    "{what}.{k} is {v}, not the {} the request declared",
                    ty.map_or("", |t| t.odata_type())
                ),
            ));
        }
        out.insert(k.clone(), v.clone());
    }
    Ok(out)
}

/// A random GUID-shaped id.
fn uuid_like() -> String {
    let mut b = [0u8; 16];
    SystemRng.fill_bytes(&mut b);
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// The JWE Entra sends: RSA-OAEP + A256GCM around an unsigned JWT of the password context.
fn encrypt_password(username: &str, password: &str, nonce: &str) -> String {
    use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
    let inner = format!(
        "{}.{}.",
        B64.encode(json!({"alg": "none", "typ": "JWT"}).to_string()),
        B64.encode(
            json!({"user-password": password, "nonce": nonce, "username": username}).to_string()
        )
    );
    let header = B64.encode(json!({"alg": "RSA-OAEP", "enc": "A256GCM", "typ": "JWT"}).to_string());
    let mut cek = [0u8; 32];
    SystemRng.fill_bytes(&mut cek);
    let wrapped = key()
        .private_key()
        .to_public_key()
        .encrypt(&mut SystemRng, Oaep::new::<sha1::Sha1>(), &cek)
        .expect("RSA-OAEP");
    let mut iv = [0u8; 12];
    SystemRng.fill_bytes(&mut iv);
    let sealing = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &cek).expect("AES key"));
    let mut in_out = inner.into_bytes();
    let tag = sealing
        .seal_in_place_separate_tag(
            Nonce::assume_unique_for_key(iv),
            Aad::from(header.as_bytes()),
            &mut in_out,
        )
        .expect("AES-GCM");
    format!(
        "{header}.{}.{}.{}.{}",
        B64.encode(wrapped),
        B64.encode(iv),
        B64.encode(&in_out),
        B64.encode(tag.as_ref())
    )
}
