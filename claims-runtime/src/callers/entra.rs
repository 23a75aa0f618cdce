//! Entra custom authentication extensions: the event envelope and the one-action replies.
//!
//! ```text
//! POST {"type": "microsoft.graph.authenticationEvent.<event>", "source": "...",
//!       "data": {"@odata.type": "microsoft.graph.on<Event>CalloutData", "tenantId": "...",
//!                "authenticationContext": {"correlationId", "client": {"locale"}, "user"?}, ...}}
//! 200  {"data": {"@odata.type": "microsoft.graph.on<Event>ResponseData",
//!                "actions": [{"@odata.type": "microsoft.graph.<event>.<action>", ...}]}}
//! ```
//!
//! Every reply is `200 application/json` with exactly one action; user-facing errors are actions
//! (`showValidationError`, `showBlockPage`), never HTTP statuses.

use std::collections::BTreeMap;

use claims_core::callers::TOKEN_CLAIMS_MAX_BYTES;
use serde_json::{Map, Value, json};

use super::{
    AttributeValue, CallerError, CallerErrorKind, DirectoryValueType, EntraAction, EntraEvent,
    Identity, WireReply, field, find_attribute, identities, str_field,
};

/// A decoded Entra request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EntraRequest {
    /// The event (from `data.@odata.type`, else the top-level `type`).
    pub event: EntraEvent,
    /// The top-level `source` (`/tenants/{tid}/applications/{appId}`).
    pub source: Option<String>,
    /// `data.tenantId`.
    pub tenant_id: Option<String>,
    /// `data.authenticationEventListenerId`.
    pub listener_id: Option<String>,
    /// `data.customAuthenticationExtensionId`.
    pub extension_id: Option<String>,
    /// `data.authenticationContext`.
    pub context: AuthenticationContext,
    /// `data.userSignUpInfo` (attribute collection events).
    pub sign_up: Option<UserSignUpInfo>,
    /// `data.otpContext` (OtpSend).
    pub otp: Option<OtpContext>,
    /// `data.encryptedPasswordContext` (PasswordSubmit): a compact JWE, see
    /// [`super::password`].
    pub encrypted_password_context: Option<String>,
}

/// `authenticationContext`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct AuthenticationContext {
    /// `correlationId` (sent on every event).
    pub correlation_id: Option<String>,
    /// `client.ip` (or `client.clientIp`).
    pub client_ip: Option<String>,
    /// `client.locale`, lower case (e.g. `en-us`).
    pub locale: Option<String>,
    /// `client.market`.
    pub market: Option<String>,
    /// `protocol` (`OAUTH2.0`, `SAML`, ...).
    pub protocol: Option<String>,
    /// `requestType` (OtpSend: `signUp`, `SignIn`, ...).
    pub request_type: Option<String>,
    /// `clientServicePrincipal.appId`: the application the user signs in to.
    pub client_app_id: Option<String>,
    /// `resourceServicePrincipal.appId`.
    pub resource_app_id: Option<String>,
    /// `user` (TokenIssuanceStart, PasswordSubmit).
    pub user: Option<EntraUser>,
}

/// `authenticationContext.user`: every property optional (Entra omits absent ones).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct EntraUser {
    /// `id` (object id).
    pub id: Option<String>,
    /// `displayName`.
    pub display_name: Option<String>,
    /// `givenName`.
    pub given_name: Option<String>,
    /// `surname`.
    pub surname: Option<String>,
    /// `mail`.
    pub mail: Option<String>,
    /// `userPrincipalName`.
    pub user_principal_name: Option<String>,
    /// `userType` (`Member`, `Guest`).
    pub user_type: Option<String>,
    /// `preferredLanguage`.
    pub preferred_language: Option<String>,
    /// `companyName`.
    pub company_name: Option<String>,
    /// Every string property by its Graph name, the ones above included.
    pub properties: BTreeMap<String, String>,
}

/// One attribute of `userSignUpInfo.attributes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignUpAttribute {
    /// The value, typed by the attribute's `@odata.type` (multi-valued: comma-joined string).
    /// `None` when the attribute has no value yet (AttributeCollectionStart).
    pub value: Option<AttributeValue>,
    /// The declared type (from `@odata.type`), else the JSON value's.
    pub value_type: DirectoryValueType,
    /// `attributeType`: `builtIn` or `directorySchemaExtension`.
    pub attribute_type: Option<String>,
}

/// `userSignUpInfo`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct UserSignUpInfo {
    /// The attributes of the user flow, by name (`givenName`, `extension_<appid>_Name`).
    pub attributes: BTreeMap<String, SignUpAttribute>,
    /// `identities` (may be absent).
    pub identities: Vec<Identity>,
}

impl UserSignUpInfo {
    /// The attribute a claim named `name` reads (exact, case-insensitive, then by the short
    /// name of an `extension_<appid>_<Name>` attribute).
    pub fn attribute(&self, name: &str) -> Option<(&str, &SignUpAttribute)> {
        let key = find_attribute(self.attributes.keys(), name)?;
        self.attributes.get(key).map(|a| (key, a))
    }

    /// The value of the attribute a claim named `name` reads.
    pub fn value(&self, name: &str) -> Option<&AttributeValue> {
        self.attribute(name).and_then(|(_, a)| a.value.as_ref())
    }
}

/// `otpContext`.
#[derive(Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct OtpContext {
    /// `identifier`: the email address.
    pub identifier: Option<String>,
    /// `oneTimeCode` (or `onetimecode`).
    pub one_time_code: Option<String>,
}

impl std::fmt::Debug for OtpContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OtpContext")
            .field("identifier", &self.identifier.as_ref().map(|_| "<set>"))
            .field(
                "one_time_code",
                &self.one_time_code.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl EntraRequest {
    /// Reads a request body (JSON). A body that is not JSON only because of trailing commas
    /// (as in several of Microsoft's published examples) is read too.
    pub fn from_slice(body: &[u8]) -> Result<Self, CallerError> {
        let v: Value = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(first) => {
                let text = std::str::from_utf8(body)
                    .map_err(|_| CallerError::bad_request("the Entra request is not UTF-8 JSON"))?;
                serde_json::from_str(&strip_trailing_commas(text)).map_err(|_| {
                    CallerError::bad_request(format!("the Entra request is not JSON: {first}"))
                })?
            }
        };
        Self::from_json(&v)
    }

    /// Reads a parsed request body.
    pub fn from_json(v: &Value) -> Result<Self, CallerError> {
        let o = v
            .as_object()
            .ok_or_else(|| CallerError::bad_request("the Entra request is not a JSON object"))?;
        let data = field(o, "data")
            .and_then(Value::as_object)
            .ok_or_else(|| CallerError::bad_request("the Entra request has no `data` object"))?;
        let event = odata_type(data)
            .and_then(EntraEvent::from_callout_data_type)
            .or_else(|| {
                str_field(o, "type")
                    .as_deref()
                    .and_then(EntraEvent::from_event_type)
            })
            .ok_or_else(|| {
                CallerError::bad_request(format!(
                    "the Entra request names no known event (data.@odata.type {:?}, type {:?})",
                    odata_type(data).unwrap_or(""),
                    str_field(o, "type").unwrap_or_default()
                ))
            })?;
        let context = field(data, "authenticationContext")
            .and_then(Value::as_object)
            .map(AuthenticationContext::from_json)
            .unwrap_or_default();
        let sign_up = field(data, "userSignUpInfo")
            .and_then(Value::as_object)
            .map(UserSignUpInfo::from_json);
        let otp = field(data, "otpContext")
            .and_then(Value::as_object)
            .map(|o| OtpContext {
                identifier: str_field(o, "identifier"),
                one_time_code: str_field(o, "oneTimeCode"),
            });
        Ok(EntraRequest {
            event,
            source: str_field(o, "source"),
            tenant_id: str_field(data, "tenantId"),
            listener_id: str_field(data, "authenticationEventListenerId"),
            extension_id: str_field(data, "customAuthenticationExtensionId"),
            context,
            sign_up,
            otp,
            encrypted_password_context: str_field(data, "encryptedPasswordContext"),
        })
    }

    /// The locale to answer in: `client.locale`, else the user's `preferredLanguage`.
    pub fn locale(&self) -> Option<&str> {
        self.context.locale.as_deref().or_else(|| {
            self.context
                .user
                .as_ref()
                .and_then(|u| u.preferred_language.as_deref())
        })
    }
}

/// `@odata.type`, also spelled `@odata.Type`.
fn odata_type(o: &Map<String, Value>) -> Option<&str> {
    field(o, "@odata.type").and_then(Value::as_str)
}

impl AuthenticationContext {
    fn from_json(o: &Map<String, Value>) -> Self {
        let client = field(o, "client").and_then(Value::as_object);
        let client_str = |k: &str| client.and_then(|c| str_field(c, k));
        let sp_app = |k: &str| {
            field(o, k)
                .and_then(Value::as_object)
                .and_then(|sp| str_field(sp, "appId"))
        };
        AuthenticationContext {
            correlation_id: str_field(o, "correlationId"),
            client_ip: client_str("ip").or_else(|| client_str("clientIp")),
            locale: client_str("locale"),
            market: client_str("market"),
            protocol: str_field(o, "protocol"),
            request_type: str_field(o, "requestType"),
            client_app_id: sp_app("clientServicePrincipal"),
            resource_app_id: sp_app("resourceServicePrincipal"),
            user: field(o, "user")
                .and_then(Value::as_object)
                .map(EntraUser::from_json),
        }
    }
}

impl EntraUser {
    fn from_json(o: &Map<String, Value>) -> Self {
        // `extend`, not `collect`, for every map in this module: `collect` sorts first, and each
        // sort is kilobytes of code these small maps do not need.
        let mut properties = BTreeMap::new();
        properties.extend(o.iter().filter_map(|(k, v)| match v {
            Value::String(s) => Some((k.clone(), s.clone())),
            Value::Number(_) | Value::Bool(_) => Some((k.clone(), v.to_string())),
            _ => None,
        }));
        let get = |k: &str| str_field(o, k);
        EntraUser {
            id: get("id"),
            display_name: get("displayName"),
            given_name: get("givenName"),
            surname: get("surname"),
            mail: get("mail"),
            user_principal_name: get("userPrincipalName"),
            user_type: get("userType"),
            preferred_language: get("preferredLanguage"),
            company_name: get("companyName"),
            properties,
        }
    }

    /// A property by its Graph name (case-insensitive).
    pub fn property(&self, name: &str) -> Option<&str> {
        let key = find_attribute(self.properties.keys(), name)?;
        self.properties.get(key).map(String::as_str)
    }
}

impl UserSignUpInfo {
    fn from_json(o: &Map<String, Value>) -> Self {
        let attributes = field(o, "attributes")
            .and_then(Value::as_object)
            .map(|attrs| {
                let mut all = BTreeMap::new();
                all.extend(
                    attrs
                        .iter()
                        .map(|(name, v)| (name.clone(), SignUpAttribute::from_json(v))),
                );
                all
            })
            .unwrap_or_default();
        UserSignUpInfo {
            attributes,
            identities: identities(field(o, "identities")),
        }
    }
}

impl SignUpAttribute {
    /// A typed attribute object, or (tolerated) a bare value.
    fn from_json(v: &Value) -> Self {
        let (declared, raw, attribute_type) = match v.as_object() {
            Some(a) => (
                odata_type(a).and_then(DirectoryValueType::from_odata_type),
                field(a, "value").unwrap_or(&Value::Null),
                str_field(a, "attributeType"),
            ),
            None => (None, v, None),
        };
        let untyped = AttributeValue::from_json(raw);
        let value_type = declared
            .or_else(|| untyped.as_ref().map(AttributeValue::directory_type))
            .unwrap_or(DirectoryValueType::String);
        // A value that does not fit its declared type is kept as sent (as text).
        let value = untyped.map(|u| {
            u.coerce(value_type)
                .unwrap_or_else(|| AttributeValue::String(u.to_text()))
        });
        SignUpAttribute {
            value,
            value_type,
            attribute_type,
        }
    }
}

/// Removes commas directly before `}` or `]` outside strings.
fn strip_trailing_commas(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        if c == '"' {
            in_string = true;
        } else if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

/// A token claim value: a string or an array of strings (the only types Entra accepts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenClaim {
    /// One string.
    One(String),
    /// An array of strings.
    Many(Vec<String>),
}

impl From<&str> for TokenClaim {
    fn from(s: &str) -> Self {
        TokenClaim::One(s.to_owned())
    }
}
impl From<String> for TokenClaim {
    fn from(s: String) -> Self {
        TokenClaim::One(s)
    }
}
impl From<Vec<String>> for TokenClaim {
    fn from(v: Vec<String>) -> Self {
        TokenClaim::Many(v)
    }
}

/// The one action of an Entra reply.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EntraReply {
    /// TokenIssuanceStart: claims for the token (names are case-sensitive).
    ProvideClaimsForToken(BTreeMap<String, TokenClaim>),
    /// Go on as if no extension were configured (AttributeCollectionStart/Submit, OtpSend).
    ContinueWithDefaultBehavior,
    /// AttributeCollectionStart: prefill the attribute page.
    SetPrefillValues(BTreeMap<String, AttributeValue>),
    /// AttributeCollectionSubmit: replace submitted values.
    ModifyAttributeValues(BTreeMap<String, AttributeValue>),
    /// Stop the flow (AttributeCollectionStart/Submit); `title` and `message` are optional.
    ShowBlockPage {
        /// Page title.
        title: Option<String>,
        /// Message (Entra shows a default one when absent).
        message: Option<String>,
    },
    /// AttributeCollectionSubmit: stay on the page with a message and per-attribute errors.
    ShowValidationError {
        /// The message at the top of the page.
        message: String,
        /// Errors by attribute name (the request's names, `extension_<appid>_X` included).
        attribute_errors: BTreeMap<String, String>,
    },
    /// PasswordSubmit: the password is right; Entra stores it.
    MigratePassword,
    /// PasswordSubmit: right but must be changed (Entra runs its reset flow).
    UpdatePassword,
    /// PasswordSubmit: wrong password.
    Retry,
    /// PasswordSubmit: stop the sign-in.
    Block {
        /// Page title.
        title: Option<String>,
        /// Message.
        message: Option<String>,
    },
}

impl EntraReply {
    /// The action.
    pub fn action(&self) -> EntraAction {
        match self {
            EntraReply::ProvideClaimsForToken(_) => EntraAction::ProvideClaimsForToken,
            EntraReply::ContinueWithDefaultBehavior => EntraAction::ContinueWithDefaultBehavior,
            EntraReply::SetPrefillValues(_) => EntraAction::SetPrefillValues,
            EntraReply::ModifyAttributeValues(_) => EntraAction::ModifyAttributeValues,
            EntraReply::ShowBlockPage { .. } => EntraAction::ShowBlockPage,
            EntraReply::ShowValidationError { .. } => EntraAction::ShowValidationError,
            EntraReply::MigratePassword => EntraAction::MigratePassword,
            EntraReply::UpdatePassword => EntraAction::UpdatePassword,
            EntraReply::Retry => EntraAction::Retry,
            EntraReply::Block { .. } => EntraAction::Block,
        }
    }

    /// Encodes the reply to `request`: the action must be one its event allows; values of
    /// `setPrefillValues` / `modifyAttributeValues` are converted to the type the request
    /// declared for that attribute (refused when they cannot be); TokenIssuanceStart claims
    /// must have non-empty names and stay within 3 KB; a PasswordSubmit reply echoes `nonce`
    /// (required).
    pub fn encode(
        &self,
        request: &EntraRequest,
        nonce: Option<&str>,
    ) -> Result<WireReply, CallerError> {
        self.encode_for(request.event, request.sign_up.as_ref(), nonce)
    }

    /// [`EntraReply::encode`] without a decoded request: `sign_up` gives the declared types.
    pub fn encode_for(
        &self,
        event: EntraEvent,
        sign_up: Option<&UserSignUpInfo>,
        nonce: Option<&str>,
    ) -> Result<WireReply, CallerError> {
        let action = self.action();
        let Some(action_type) = event.action_type(action) else {
            return Err(CallerError::new(
                CallerErrorKind::ActionNotAllowed,
                format!(
                    "a reply to {event} cannot be {action} (allowed: {})",
                    event
                        .actions()
                        .iter()
                        .map(|a| a.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        };
        let mut a = Map::new();
        a.insert("@odata.type".into(), action_type.into());
        match self {
            EntraReply::ProvideClaimsForToken(claims) => {
                a.insert("claims".into(), token_claims(claims)?);
            }
            EntraReply::SetPrefillValues(values) => {
                a.insert("inputs".into(), typed_values(values, sign_up)?);
            }
            EntraReply::ModifyAttributeValues(values) => {
                a.insert("attributes".into(), typed_values(values, sign_up)?);
            }
            EntraReply::ShowBlockPage { title, message } | EntraReply::Block { title, message } => {
                if let Some(t) = title {
                    a.insert("title".into(), t.clone().into());
                }
                if let Some(m) = message {
                    a.insert("message".into(), m.clone().into());
                }
            }
            EntraReply::ShowValidationError {
                message,
                attribute_errors,
            } => {
                a.insert("message".into(), message.clone().into());
                let mut errors = Map::new();
                errors.extend(
                    attribute_errors
                        .iter()
                        .map(|(k, v)| (k.clone(), Value::from(v.clone()))),
                );
                a.insert("attributeErrors".into(), errors.into());
            }
            EntraReply::ContinueWithDefaultBehavior
            | EntraReply::MigratePassword
            | EntraReply::UpdatePassword
            | EntraReply::Retry => {}
        }
        let mut data = Map::new();
        data.insert("@odata.type".into(), event.response_data_type().into());
        data.insert("actions".into(), json!([Value::Object(a)]));
        if event == EntraEvent::PasswordSubmit {
            let nonce = nonce.filter(|n| !n.is_empty()).ok_or_else(|| {
                CallerError::bad_reply(
                    "a PasswordSubmit reply must echo the nonce of the decrypted password context",
                )
            })?;
            data.insert("nonce".into(), nonce.into());
        }
        Ok(WireReply {
            status: 200,
            body: json!({ "data": Value::Object(data) }),
        })
    }
}

/// The `claims` object of `provideClaimsForToken`, checked against the 3 KB limit.
pub fn token_claims(claims: &BTreeMap<String, TokenClaim>) -> Result<Value, CallerError> {
    let mut out = Map::new();
    for (name, value) in claims {
        if name.trim().is_empty() {
            return Err(CallerError::bad_reply("a token claim has an empty name"));
        }
        let v = match value {
            TokenClaim::One(s) => Value::from(s.clone()),
            TokenClaim::Many(items) => Value::from(items.clone()),
        };
        out.insert(name.clone(), v);
    }
    let out = Value::Object(out);
    let size = serde_json::to_vec(&out).map_or(usize::MAX, |b| b.len());
    if size > TOKEN_CLAIMS_MAX_BYTES {
        return Err(CallerError::new(
            CallerErrorKind::TooLarge,
            format!(
                "the token claims take {size} bytes; Entra accepts at most 3 KB (checked as {TOKEN_CLAIMS_MAX_BYTES} bytes of JSON)"
            ),
        ));
    }
    Ok(out)
}

fn typed_values(
    values: &BTreeMap<String, AttributeValue>,
    sign_up: Option<&UserSignUpInfo>,
) -> Result<Value, CallerError> {
    let mut out = Map::new();
    for (name, value) in values {
        let declared = sign_up.and_then(|s| s.attribute(name));
        let (key, v) = match declared {
            Some((key, attr)) => {
                let v = value.coerce(attr.value_type).ok_or_else(|| {
                    CallerError::bad_reply(format!(
                        "the value for attribute {key:?} must be {} (its type in the request)",
                        match attr.value_type {
                            DirectoryValueType::String => "a string",
                            DirectoryValueType::Int64 => "an integer",
                            DirectoryValueType::Boolean => "a boolean",
                        }
                    ))
                })?;
                (key.to_owned(), v)
            }
            None => (name.clone(), value.clone()),
        };
        out.insert(key, v.to_json());
    }
    Ok(Value::Object(out))
}
