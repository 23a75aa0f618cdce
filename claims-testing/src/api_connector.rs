//! A B2C user-flow API connector emulator, driven only by the exported Graph document
//! ([`claims_export::graph`]): it builds the request B2C sends at the connector's step and reads
//! the reply by B2C's rules.
//!
//! | Rule | Reading |
//! | --- | --- |
//! | Request | `POST` JSON: the attributes given, plus `step`, `client_id`, `ui_locales`; attributes without a value are not sent |
//! | Authentication | `Authorization: Basic` with the credentials given to [`ApiConnectorEmulator::with_basic`] (the document holds placeholders) |
//! | `Continue` | HTTP 200, `version` `1.0.0`; every other member is a claim |
//! | `ShowBlockPage` | HTTP 200 with `userMessage`; the flow stops |
//! | `ValidationError` | HTTP 400 with `userMessage`, only at `PostAttributeCollection` |
//! | Anything else | B2C shows a generic error page (a non-JSON body, another status, an action the step does not allow) |
//! | Timeout | 5 s per attempt |

use std::rc::Rc;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use base64::Engine;
use claims_core::callers::{
    API_CONNECTOR_TIMEOUT_MS, API_CONNECTOR_VERSION, ApiConnectorAction, ApiConnectorStep,
};
use serde_json::{Map, Value};

use crate::outcome::{TracedRequest, TracedResponse};
use crate::transport::{InProcess, Transport};

/// What the generic B2C error page says (the service's details never reach the user).
pub const GENERIC_ERROR: &str =
    "Something went wrong (B2C shows its generic error page: the API connector failed)";

/// A problem with the Graph document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphDocumentError(pub String);

impl std::fmt::Display for GraphDocumentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for GraphDocumentError {}

/// The emulator of one API connector.
#[derive(Debug, Clone)]
pub struct ApiConnectorEmulator {
    step: ApiConnectorStep,
    target_url: String,
    basic: Option<(String, String)>,
    client_id: String,
    ui_locales: Option<String>,
}

/// What happened, in B2C's terms.
#[derive(Debug, Clone, PartialEq)]
pub enum ConnectorOutcome {
    /// The flow goes on with these claims.
    Continue(Map<String, Value>),
    /// The flow stops on a page with this message.
    BlockPage(String),
    /// The attribute page shows this message.
    ValidationError(String),
    /// B2C shows its generic error page; the reason is for the developer.
    Failed(String),
}

/// An outcome with the exact request and response.
#[derive(Debug, Clone)]
pub struct ConnectorCall {
    /// The outcome.
    pub outcome: ConnectorOutcome,
    /// The request sent.
    pub request: TracedRequest,
    /// The response, unless the transport failed.
    pub response: Option<TracedResponse>,
    /// How long the service took.
    pub elapsed: Duration,
}

impl ConnectorCall {
    /// What the end user sees.
    pub fn user_sees(&self) -> String {
        match &self.outcome {
            ConnectorOutcome::Continue(_) => "the next page of the user flow".to_owned(),
            ConnectorOutcome::BlockPage(m) => format!("a block page: {m}"),
            ConnectorOutcome::ValidationError(m) => format!("the attribute page with: {m}"),
            ConnectorOutcome::Failed(_) => GENERIC_ERROR.to_owned(),
        }
    }
}

impl ApiConnectorEmulator {
    /// Loads the API connector bound at `step` from a Graph document (the text written by
    /// `claims_export::graph::render`).
    pub fn from_graph(document: &str, step: ApiConnectorStep) -> Result<Self, GraphDocumentError> {
        let doc: Value = serde_json::from_str(document)
            .map_err(|e| GraphDocumentError(format!("the Graph document is not JSON: {e}")))?;
        let connectors = doc
            .get("apiConnectors")
            .and_then(Value::as_array)
            .ok_or_else(|| GraphDocumentError("the Graph document has no apiConnectors".into()))?;
        let c = connectors
            .iter()
            .find(|c| c.get("step").and_then(Value::as_str) == Some(step.as_str()))
            .ok_or_else(|| {
                GraphDocumentError(format!("no API connector is bound at step {step}"))
            })?;
        let target_url = c
            .pointer("/apiConnector/body/targetUrl")
            .and_then(Value::as_str)
            .ok_or_else(|| GraphDocumentError("the API connector has no targetUrl".into()))?
            .to_owned();
        Ok(ApiConnectorEmulator {
            step,
            target_url,
            basic: None,
            client_id: "00000000-0000-0000-0000-00000000c11e".into(),
            ui_locales: Some("en-US".into()),
        })
    }

    /// The Basic credentials B2C presents (the ones you stored in place of the placeholders).
    pub fn with_basic(mut self, username: &str, password: &str) -> Self {
        self.basic = Some((username.to_owned(), password.to_owned()));
        self
    }

    /// `ui_locales` (default `en-US`; `None` leaves it out).
    pub fn with_ui_locales(mut self, locales: Option<&str>) -> Self {
        self.ui_locales = locales.map(str::to_owned);
        self
    }

    /// `client_id`.
    pub fn with_client_id(mut self, id: &str) -> Self {
        self.client_id = id.to_owned();
        self
    }

    /// The request B2C sends with these attributes (a JSON object; `null` values are not sent).
    pub fn request(&self, attributes: &Value) -> TracedRequest {
        let mut body = Map::new();
        if let Some(o) = attributes.as_object() {
            for (k, v) in o {
                if !v.is_null() {
                    body.insert(k.clone(), v.clone());
                }
            }
        }
        body.insert("step".into(), self.step.as_str().into());
        body.insert("client_id".into(), self.client_id.clone().into());
        if let Some(l) = &self.ui_locales {
            body.insert("ui_locales".into(), l.clone().into());
        }
        let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
        if let Some((u, p)) = &self.basic {
            let token = base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"));
            headers.push(("Authorization".to_owned(), format!("Basic {token}")));
        }
        TracedRequest {
            method: "POST".into(),
            url: self.target_url.clone(),
            headers,
            body: serde_json::to_vec(&Value::Object(body)).unwrap_or_default(),
            notes: vec![format!("B2C API connector at step {}", self.step)],
        }
    }

    /// Sends the request to an actix service in process and reads the reply.
    pub async fn call<S, B>(&self, service: &Rc<S>, attributes: &Value) -> ConnectorCall
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>
            + 'static,
        B: MessageBody + 'static,
    {
        let request = self.request(attributes);
        let transport = InProcess(service.clone());
        let started = Instant::now();
        let sent = transport.send(&request, path_of(&self.target_url)).await;
        let elapsed = started.elapsed();
        match sent {
            Ok(response) => {
                let outcome = self.interpret(&response, elapsed);
                ConnectorCall {
                    outcome,
                    request,
                    response: Some(response),
                    elapsed,
                }
            }
            Err(e) => ConnectorCall {
                outcome: ConnectorOutcome::Failed(format!("the request failed: {e}")),
                request,
                response: None,
                elapsed,
            },
        }
    }

    /// Reads a reply by B2C's rules.
    pub fn interpret(&self, response: &TracedResponse, elapsed: Duration) -> ConnectorOutcome {
        let fail = |m: String| ConnectorOutcome::Failed(m);
        if elapsed > Duration::from_millis(API_CONNECTOR_TIMEOUT_MS.into()) {
            return fail(format!(
                "the service took {} ms; B2C gives up after {API_CONNECTOR_TIMEOUT_MS} ms",
                elapsed.as_millis()
            ));
        }
        let body: Value = match serde_json::from_slice(&response.body) {
            Ok(Value::Object(o)) => Value::Object(o),
            _ => {
                return fail(format!(
                    "HTTP {} without a JSON object body",
                    response.status
                ));
            }
        };
        let action_text = body.get("action").and_then(Value::as_str).unwrap_or("");
        let Some(action) = ApiConnectorAction::from_wire(action_text) else {
            return fail(format!(
                "HTTP {}: unknown action {action_text:?}",
                response.status
            ));
        };
        if response.status != action.http_status() {
            return fail(format!(
                "{action} must come with HTTP {}, not {}",
                action.http_status(),
                response.status
            ));
        }
        if body.get("version").and_then(Value::as_str) != Some(API_CONNECTOR_VERSION) {
            return fail(format!(
                "the reply's version is not \"{API_CONNECTOR_VERSION}\""
            ));
        }
        if !self.step.allows(action) {
            return fail(format!("{action} is not allowed at step {}", self.step));
        }
        let message = || {
            body.get("userMessage")
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        match action {
            ApiConnectorAction::Continue => {
                let mut claims = body.as_object().cloned().unwrap_or_default();
                for k in ["version", "action"] {
                    claims.remove(k);
                }
                ConnectorOutcome::Continue(claims)
            }
            ApiConnectorAction::ShowBlockPage => match message() {
                Some(m) => ConnectorOutcome::BlockPage(m),
                None => fail("ShowBlockPage without userMessage".into()),
            },
            ApiConnectorAction::ValidationError => {
                let status_ok = match body.get("status") {
                    Some(Value::Number(n)) => n.as_u64() == Some(400),
                    Some(Value::String(s)) => s == "400",
                    _ => false,
                };
                match message() {
                    Some(m) if status_ok => ConnectorOutcome::ValidationError(m),
                    Some(_) => fail("ValidationError without status 400 in the body".into()),
                    None => fail("ValidationError without userMessage".into()),
                }
            }
        }
    }
}

/// The path and query of an absolute URL.
pub(crate) fn path_of(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, r)| r);
    match after_scheme.find('/') {
        Some(i) => &after_scheme[i..],
        None => "/",
    }
}
