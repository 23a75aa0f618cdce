//! B2C user-flow API connectors: the flat request of Graph-style user attributes, and the
//! `Continue` / `ShowBlockPage` / `ValidationError` replies.
//!
//! ```text
//! POST {"email": "a@b.c", "givenName": "Ann", "extension_<appid>_Tier": "gold",
//!       "identities": [...], "step": "PostAttributeCollection", "client_id": "...", "ui_locales": "en-US"}
//! 200  {"version": "1.0.0", "action": "Continue", "extension_Tier": "gold"}
//! 200  {"version": "1.0.0", "action": "ShowBlockPage", "userMessage": "..."}
//! 400  {"version": "1.0.0", "status": 400, "action": "ValidationError", "userMessage": "..."}
//! ```

use std::collections::BTreeMap;

use claims_core::callers::API_CONNECTOR_VERSION;

use super::{
    ApiConnectorAction, ApiConnectorStep, AttributeValue, CallerError, CallerErrorKind, Identity,
    WireReply, find_attribute, identities,
};

/// Request members that are not user attributes.
const RESERVED: [&str; 5] = ["step", "client_id", "clientId", "ui_locales", "identities"];

/// A decoded API connector request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ApiConnectorRequest {
    /// The step, when it is one of the known ones.
    pub step: Option<ApiConnectorStep>,
    /// The `step` text as sent (kept when it is unknown).
    pub step_raw: Option<String>,
    /// `client_id` (or `clientId`): the application the user signs in to.
    pub client_id: Option<String>,
    /// `ui_locales`, e.g. `en-US`.
    pub ui_locales: Option<String>,
    /// The user attributes sent, by their wire name.
    pub attributes: BTreeMap<String, AttributeValue>,
    /// `identities`.
    pub identities: Vec<Identity>,
}

impl ApiConnectorRequest {
    /// Reads a request body. Attributes whose value is `null` or an object are skipped (B2C
    /// sends none); arrays become comma-joined strings.
    pub fn from_slice(body: &[u8]) -> Result<Self, CallerError> {
        let v: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
            CallerError::bad_request(format!("the API connector request is not JSON: {e}"))
        })?;
        Self::from_json(&v)
    }

    /// Reads a parsed request body.
    pub fn from_json(v: &serde_json::Value) -> Result<Self, CallerError> {
        let o = v.as_object().ok_or_else(|| {
            CallerError::bad_request("the API connector request is not a JSON object")
        })?;
        let step_raw = super::str_field(o, "step");
        let step = step_raw.as_deref().and_then(ApiConnectorStep::from_wire);
        let client_id = o
            .get("client_id")
            .or_else(|| o.get("clientId"))
            .and_then(|v| v.as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        let ui_locales = super::str_field(o, "ui_locales");
        // `extend`, not `collect`: `collect` sorts first, kilobytes of code for a small map.
        let mut attributes = BTreeMap::new();
        attributes.extend(
            o.iter()
                .filter(|(k, _)| !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(k)))
                .filter_map(|(k, v)| Some((k.clone(), AttributeValue::from_json(v)?))),
        );
        Ok(ApiConnectorRequest {
            step,
            step_raw,
            client_id,
            ui_locales,
            attributes,
            identities: identities(super::field(o, "identities")),
        })
    }

    /// The attribute a claim named `name` reads: exact name, then case-insensitive, then an
    /// `extension_<appid>_<Name>` attribute whose short name matches (`extension_Name` or
    /// `Name` both find `extension_<appid>_Name`).
    pub fn attribute(&self, name: &str) -> Option<&AttributeValue> {
        let key = find_attribute(self.attributes.keys(), name)?;
        self.attributes.get(key)
    }

    /// The email: the `email` attribute, else the first `emailAddress` identity.
    pub fn email(&self) -> Option<&str> {
        self.attribute("email")
            .and_then(AttributeValue::as_str)
            .or_else(|| {
                self.identities
                    .iter()
                    .find(|i| {
                        i.sign_in_type
                            .as_deref()
                            .is_some_and(|t| t.eq_ignore_ascii_case("emailAddress"))
                    })
                    .and_then(|i| i.issuer_assigned_id.as_deref())
            })
    }
}

/// A reply to an API connector.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ApiConnectorReply {
    /// 200 `Continue` with claims (prefill at post-federation, override at post-collection,
    /// token claims at pre-token).
    Continue(BTreeMap<String, serde_json::Value>),
    /// 200 `ShowBlockPage`: the flow stops with this message.
    ShowBlockPage {
        /// The message shown to the user.
        user_message: String,
    },
    /// 400 `ValidationError`: the attribute page shows this message (post-collection only).
    ValidationError {
        /// The message shown to the user.
        user_message: String,
    },
}

impl ApiConnectorReply {
    /// `Continue` without claims.
    pub fn continue_() -> Self {
        ApiConnectorReply::Continue(BTreeMap::new())
    }

    /// `Continue` with claims (values: strings, numbers, booleans).
    pub fn continue_with<I, K, V>(claims: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<serde_json::Value>,
    {
        let mut all = BTreeMap::new();
        all.extend(claims.into_iter().map(|(k, v)| (k.into(), v.into())));
        ApiConnectorReply::Continue(all)
    }

    /// The action.
    pub fn action(&self) -> ApiConnectorAction {
        match self {
            ApiConnectorReply::Continue(_) => ApiConnectorAction::Continue,
            ApiConnectorReply::ShowBlockPage { .. } => ApiConnectorAction::ShowBlockPage,
            ApiConnectorReply::ValidationError { .. } => ApiConnectorAction::ValidationError,
        }
    }

    /// Encodes the reply for a request at `step`. Refuses an action the step does not allow
    /// (with an unknown step only `Continue` and `ShowBlockPage`, which every step but
    /// pre-token accepts), claims named like the reply's own members, and values B2C cannot
    /// store (`null`, objects, arrays of non-strings).
    pub fn encode(&self, step: Option<ApiConnectorStep>) -> Result<WireReply, CallerError> {
        let action = self.action();
        let allowed = match step {
            Some(s) => s.allows(action),
            None => action != ApiConnectorAction::ValidationError,
        };
        if !allowed {
            return Err(CallerError::new(
                CallerErrorKind::ActionNotAllowed,
                format!(
                    "an API connector reply at step {} cannot be {action} (allowed: {})",
                    step.map_or("(unknown)", ApiConnectorStep::as_str),
                    step.map_or("Continue, ShowBlockPage".to_owned(), |s| s
                        .actions()
                        .iter()
                        .map(|a| a.as_str())
                        .collect::<Vec<_>>()
                        .join(", "))
                ),
            ));
        }
        let mut body = serde_json::Map::new();
        body.insert("version".into(), API_CONNECTOR_VERSION.into());
        match self {
            ApiConnectorReply::Continue(claims) => {
                body.insert("action".into(), action.as_str().into());
                for (name, value) in claims {
                    check_claim(name, value)?;
                    body.insert(name.clone(), value.clone());
                }
            }
            ApiConnectorReply::ShowBlockPage { user_message } => {
                body.insert("action".into(), action.as_str().into());
                body.insert("userMessage".into(), user_message.clone().into());
            }
            ApiConnectorReply::ValidationError { user_message } => {
                body.insert("status".into(), 400.into());
                body.insert("action".into(), action.as_str().into());
                body.insert("userMessage".into(), user_message.clone().into());
            }
        }
        Ok(WireReply {
            status: action.http_status(),
            body: serde_json::Value::Object(body),
        })
    }
}

fn check_claim(name: &str, value: &serde_json::Value) -> Result<(), CallerError> {
    use serde_json::Value;
    if ["version", "action", "status", "userMessage"]
        .iter()
        .any(|r| r.eq_ignore_ascii_case(name))
        || name.is_empty()
    {
        return Err(CallerError::bad_reply(format!(
            "an API connector claim cannot be named {name:?} (a member of the reply itself)"
        )));
    }
    let ok = match value {
        Value::String(_) | Value::Bool(_) | Value::Number(_) => true,
        Value::Array(items) => items.iter().all(Value::is_string),
        Value::Null | Value::Object(_) => false,
    };
    if ok {
        Ok(())
    } else {
        Err(CallerError::bad_reply(format!(
            "the API connector claim {name:?} must be a string, number, boolean or array of strings"
        )))
    }
}
