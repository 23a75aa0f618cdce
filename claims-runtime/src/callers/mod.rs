//! The wire formats of the two callers besides B2C custom policies: B2C user-flow API connectors
//! ([`api_connector`]) and Microsoft Entra custom authentication extensions ([`entra`]), plus the
//! decryption of Entra's PasswordSubmit password ([`password`], `jwt` feature).
//!
//! Decoding is tolerant (every spelling Microsoft's own material shows is accepted); encoding
//! emits exactly one documented form and refuses a reply the caller would reject. Nothing here
//! depends on an actix handler: the request is bytes in, the reply is status and bytes out.

pub mod adapter;
pub mod api_connector;
pub mod entra;
#[cfg(feature = "jwt")]
pub mod password;

use std::fmt;

pub use claims_core::callers::{
    ApiConnectorAction, ApiConnectorStep, Caller, DirectoryValueType, EntraAction, EntraEvent,
};

/// A request that cannot be read, or a reply the caller would refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerError {
    /// What kind of problem.
    pub kind: CallerErrorKind,
    /// A readable explanation (never holds claim values or secrets).
    pub message: String,
}

/// The kinds of [`CallerError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallerErrorKind {
    /// The request body is not the caller's envelope.
    BadRequest,
    /// The reply uses an action the step or event does not allow.
    ActionNotAllowed,
    /// The reply is malformed (a value of the wrong type, a reserved name, a missing nonce).
    BadReply,
    /// TokenIssuanceStart claims over the 3 KB limit.
    TooLarge,
    /// The PasswordSubmit password cannot be decrypted.
    Decrypt,
}

impl CallerError {
    pub(crate) fn new(kind: CallerErrorKind, message: impl Into<String>) -> Self {
        CallerError {
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(CallerErrorKind::BadRequest, message)
    }

    pub(crate) fn bad_reply(message: impl Into<String>) -> Self {
        Self::new(CallerErrorKind::BadReply, message)
    }
}

impl fmt::Display for CallerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CallerError {}

/// An encoded reply: status and JSON body (always `application/json`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireReply {
    /// The HTTP status.
    pub status: u16,
    /// The JSON body.
    pub body: serde_json::Value,
}

impl WireReply {
    /// The body as bytes.
    pub fn body_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&self.body).unwrap_or_default()
    }

    /// The actix response (`application/json`).
    pub fn into_response(self) -> actix_web::HttpResponse {
        let status = actix_web::http::StatusCode::from_u16(self.status)
            .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR);
        actix_web::HttpResponse::build(status)
            .content_type("application/json")
            .body(self.body_bytes())
    }
}

/// A user attribute value, as the callers type them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeValue {
    /// A string (multi-valued attributes are comma-joined strings).
    String(String),
    /// A 64-bit integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
}

impl AttributeValue {
    /// The value as text (`42`, `true`, the string itself).
    pub fn to_text(&self) -> String {
        match self {
            AttributeValue::String(s) => s.clone(),
            AttributeValue::Int(i) => i.to_string(),
            AttributeValue::Bool(b) => b.to_string(),
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            AttributeValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The items of a multi-valued (comma-joined) string, trimmed, empty items dropped.
    pub fn items(&self) -> Vec<String> {
        match self {
            AttributeValue::String(s) => s
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            other => vec![other.to_text()],
        }
    }

    /// The JSON value.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            AttributeValue::String(s) => s.clone().into(),
            AttributeValue::Int(i) => (*i).into(),
            AttributeValue::Bool(b) => (*b).into(),
        }
    }

    /// The directory type this value has.
    pub fn directory_type(&self) -> DirectoryValueType {
        match self {
            AttributeValue::String(_) => DirectoryValueType::String,
            AttributeValue::Int(_) => DirectoryValueType::Int64,
            AttributeValue::Bool(_) => DirectoryValueType::Boolean,
        }
    }

    /// Reads an untyped JSON value: arrays become comma-joined strings; `null`, objects and
    /// non-integer numbers give `None`.
    pub fn from_json(v: &serde_json::Value) -> Option<AttributeValue> {
        use serde_json::Value;
        match v {
            Value::String(s) => Some(AttributeValue::String(s.clone())),
            Value::Bool(b) => Some(AttributeValue::Bool(*b)),
            Value::Number(n) => n.as_i64().map(AttributeValue::Int),
            Value::Array(items) => Some(AttributeValue::String(join_items(items)?)),
            _ => None,
        }
    }

    /// Converts to `ty` where the text allows it (`"42"` to an int64, `"true"` to a boolean,
    /// anything to a string).
    pub fn coerce(&self, ty: DirectoryValueType) -> Option<AttributeValue> {
        match (ty, self) {
            (DirectoryValueType::String, v) => Some(AttributeValue::String(v.to_text())),
            (DirectoryValueType::Int64, AttributeValue::Int(i)) => Some(AttributeValue::Int(*i)),
            (DirectoryValueType::Int64, AttributeValue::String(s)) => {
                s.trim().parse().ok().map(AttributeValue::Int)
            }
            (DirectoryValueType::Boolean, AttributeValue::Bool(b)) => {
                Some(AttributeValue::Bool(*b))
            }
            (DirectoryValueType::Boolean, AttributeValue::String(s)) => {
                let s = s.trim();
                if s.eq_ignore_ascii_case("true") {
                    Some(AttributeValue::Bool(true))
                } else if s.eq_ignore_ascii_case("false") {
                    Some(AttributeValue::Bool(false))
                } else {
                    None
                }
            }
            _ => None,
        }
    }
}

impl From<&str> for AttributeValue {
    fn from(s: &str) -> Self {
        AttributeValue::String(s.to_owned())
    }
}
impl From<String> for AttributeValue {
    fn from(s: String) -> Self {
        AttributeValue::String(s)
    }
}
impl From<i64> for AttributeValue {
    fn from(i: i64) -> Self {
        AttributeValue::Int(i)
    }
}
impl From<bool> for AttributeValue {
    fn from(b: bool) -> Self {
        AttributeValue::Bool(b)
    }
}

/// Joins a JSON array of scalars with commas (the callers' multi-value form).
fn join_items(items: &[serde_json::Value]) -> Option<String> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Number(n) => out.push(n.to_string()),
            serde_json::Value::Bool(b) => out.push(b.to_string()),
            _ => return None,
        }
    }
    Some(out.join(","))
}

/// One sign-in identity (`identities[]`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Identity {
    /// `email`, `userName`, `userPrincipalName`, `federated`, ...
    pub sign_in_type: Option<String>,
    /// The issuer (a domain or an identity provider).
    pub issuer: Option<String>,
    /// The id the issuer gave.
    pub issuer_assigned_id: Option<String>,
}

impl Identity {
    fn from_json(v: &serde_json::Value) -> Option<Identity> {
        let o = v.as_object()?;
        Some(Identity {
            sign_in_type: str_field(o, "signInType"),
            issuer: str_field(o, "issuer"),
            issuer_assigned_id: str_field(o, "issuerAssignedId"),
        })
    }
}

fn identities(v: Option<&serde_json::Value>) -> Vec<Identity> {
    v.and_then(serde_json::Value::as_array)
        .map(|a| a.iter().filter_map(Identity::from_json).collect())
        .unwrap_or_default()
}

/// A member by exact name, else case-insensitively (Microsoft's samples vary the case).
pub(crate) fn field<'a>(
    o: &'a serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Option<&'a serde_json::Value> {
    o.get(name).or_else(|| {
        o.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

/// A string member (numbers and booleans as text); `null` and empty strings are absent.
pub(crate) fn str_field(
    o: &serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Option<String> {
    match field(o, name)? {
        serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Finds `name` among `keys`: exactly, then case-insensitively, then by the short name of an
/// `extension_<appid>_<Name>` key.
pub(crate) fn find_attribute<'a, I>(keys: I, name: &str) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a String> + Clone,
{
    use claims_core::callers::attribute_short_name;
    let wanted = attribute_short_name(name);
    keys.clone()
        .into_iter()
        .find(|k| k.as_str() == name)
        .or_else(|| {
            keys.clone()
                .into_iter()
                .find(|k| k.eq_ignore_ascii_case(name))
        })
        .or_else(|| {
            keys.into_iter()
                .find(|k| attribute_short_name(k).eq_ignore_ascii_case(wanted))
        })
        .map(String::as_str)
}
