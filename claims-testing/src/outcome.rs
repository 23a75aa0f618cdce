//! What a call produced, as B2C would see it, with the exact HTTP exchange.

use std::fmt;
use std::time::Duration;

use super::bag::ClaimBag;

/// How the profile is used in the journey (`docs/b2c-wire-contract.md` §1): it decides where an error ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Step {
    /// A validation technical profile of a self-asserted page: errors are shown on the page.
    #[default]
    Validation,
    /// An orchestration-step claims exchange: errors end the journey and go back to the app.
    Orchestration,
}

/// What the end user sees after the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserView {
    /// Nothing: the journey continues.
    Nothing,
    /// This message on the self-asserted page; the user can correct the input and resubmit.
    Page(String),
    /// The journey ends; the relying-party app receives `error=server_error` with this
    /// description.
    App(String),
}

/// The debug fields of a 409 body, shown on the page only with `DebugMode=true` (`docs/b2c-wire-contract.md` §6.3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DebugFields {
    /// `code`.
    pub code: Option<String>,
    /// `requestId`.
    pub request_id: Option<String>,
    /// `developerMessage`.
    pub developer_message: Option<String>,
    /// `moreInfo`.
    pub more_info: Option<String>,
}

/// The kind of outcome.
#[derive(Debug, Clone, PartialEq)]
pub enum OutcomeKind {
    /// 2xx: the output claims were mapped (see [`Outcome::claims`] and
    /// [`Outcome::missing_claims`]).
    Success,
    /// A 2xx whose body looks like an error (`status`/`userMessage` keys): B2C treats it as a
    /// success, so the message is **not** shown (`docs/b2c-wire-contract.md` §5.1, azure-docs#6915).
    ErrorBodyIgnored {
        /// The HTTP status (2xx).
        http_status: u16,
        /// The `userMessage` the service meant to show.
        user_message: Option<String>,
    },
    /// A 4xx with a 409-contract body: a user-visible validation error (`docs/b2c-wire-contract.md` §6.1).
    UserError {
        /// The HTTP status (4xx).
        http_status: u16,
        /// `userMessage`.
        user_message: String,
        /// The debug fields, present only when the profile has `DebugMode=true`.
        debug: Option<DebugFields>,
    },
    /// An output value does not fit the claim's DataType: B2C fails the step (`docs/b2c-wire-contract.md` §5.2).
    TypeMismatch {
        /// The claim type id.
        claim: String,
        /// The JSON key or path it was read from.
        wire: String,
        /// The DataType from the ClaimsSchema.
        data_type: String,
        /// The JSON value received.
        value: String,
        /// Why it does not fit.
        reason: String,
    },
    /// A 2xx body that is not a JSON object (and output claims were expected).
    UnparseableSuccess {
        /// The HTTP status.
        http_status: u16,
    },
    /// A 4xx whose body is not a 409-contract body: `AADB2C90261` (`docs/b2c-wire-contract.md` §6.2).
    UnparseableError {
        /// The HTTP status.
        http_status: u16,
    },
    /// 401/403: B2C's credentials were refused (`AADB2C90027` / `AADB2C90028`).
    AuthRejected {
        /// The HTTP status.
        http_status: u16,
    },
    /// Another non-2xx status (404, 5xx): `AADB2C90075` in an orchestration step,
    /// `DefaultUserMessageIfRequestFailed` in a validation profile.
    HttpError {
        /// The HTTP status.
        http_status: u16,
    },
    /// Every attempt timed out.
    Timeout {
        /// Attempts made (1 + retries).
        attempts: u32,
        /// The per-attempt timeout.
        timeout: Duration,
    },
    /// The connection failed (nothing listening, reset).
    ConnectionFailed {
        /// The transport error.
        error: String,
    },
    /// B2C would not send the request at all (unknown resolver, missing key or bearer claim,
    /// a profile that is not a usable RESTful profile).
    NotSent {
        /// Why.
        reason: String,
    },
}

/// The request the emulator sent, as B2C would send it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TracedRequest {
    /// `GET` or `POST`.
    pub method: String,
    /// The absolute URL as B2C would call it (the ServiceUrl after substitution).
    pub url: String,
    /// Request headers in order.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
    /// Things not visible in the bytes (TLS client certificate, transport used).
    pub notes: Vec<String>,
}

impl TracedRequest {
    /// The body as text (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// A response received.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TracedResponse {
    /// HTTP status.
    pub status: u16,
    /// Response headers in order.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl TracedResponse {
    /// The body as text (lossy).
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One attempt: a response, or the transport error (timeout, connection).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The response, if one came back in time.
    pub response: Option<TracedResponse>,
    /// The transport error otherwise.
    pub error: Option<String>,
    /// How long the attempt took.
    pub elapsed: Duration,
}

/// The HTTP exchange of one call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trace {
    /// The request (absent when B2C would not have sent one).
    pub request: Option<TracedRequest>,
    /// Each attempt, in order.
    pub attempts: Vec<Attempt>,
}

impl Trace {
    /// The last response received.
    pub fn response(&self) -> Option<&TracedResponse> {
        self.attempts.iter().rev().find_map(|a| a.response.as_ref())
    }
}

/// The result of calling one technical profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The technical profile id.
    pub technical_profile: String,
    /// How the profile was used.
    pub step: Step,
    /// What happened.
    pub kind: OutcomeKind,
    /// The B2C error code, when B2C reports one (`AADB2C90261`, …).
    pub b2c_code: Option<&'static str>,
    /// What the end user sees.
    pub user_view: UserView,
    /// `true` when the message shown is B2C's built-in default text, which contains the service
    /// URL: add a neutral `DefaultUserMessageIfRequestFailed` / `UserMessageIfRequestTimeout` to
    /// the profile.
    pub leaks_service_url: bool,
    /// Output claims mapped into the claim bag (on success).
    pub claims: ClaimBag,
    /// Output claims that stayed unset (not in the reply, no default).
    pub missing_claims: Vec<String>,
    /// Things a policy author should look at (literal resolvers, nested paths without
    /// `ResolveJsonPathsInJsonTokens`, error-shaped 200 bodies, …).
    pub warnings: Vec<String>,
    /// The HTTP exchange.
    pub trace: Trace,
}

impl Outcome {
    /// `true` for a 2xx answer B2C accepts (including [`OutcomeKind::ErrorBodyIgnored`]).
    pub fn is_success(&self) -> bool {
        matches!(
            self.kind,
            OutcomeKind::Success | OutcomeKind::ErrorBodyIgnored { .. }
        )
    }

    /// The mapped output claim `id` as text.
    pub fn claim(&self, id: &str) -> Option<String> {
        self.claims.text(id)
    }

    /// The `userMessage` of a user-visible validation error.
    pub fn user_message(&self) -> Option<&str> {
        match &self.kind {
            OutcomeKind::UserError { user_message, .. } => Some(user_message),
            _ => None,
        }
    }

    /// The message the user sees, wherever it is shown.
    pub fn message_seen(&self) -> Option<&str> {
        match &self.user_view {
            UserView::Nothing => None,
            UserView::Page(m) | UserView::App(m) => Some(m),
        }
    }

    /// The last HTTP status received.
    pub fn http_status(&self) -> Option<u16> {
        self.trace.response().map(|r| r.status)
    }
}

impl fmt::Display for UserView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UserView::Nothing => f.write_str("the journey continues, nothing is shown"),
            UserView::Page(m) => write!(f, "the user sees '{m}' on the page"),
            UserView::App(m) => write!(
                f,
                "the journey ends and the app receives error=server_error, error_description='{m}'"
            ),
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tp = &self.technical_profile;
        let status = self
            .http_status()
            .map(|s| format!(" (HTTP {s})"))
            .unwrap_or_default();
        match &self.kind {
            OutcomeKind::Success => {
                write!(f, "{tp}: success{status}; claims {}", self.claims)?;
            }
            OutcomeKind::ErrorBodyIgnored { user_message, .. } => {
                write!(
                    f,
                    "{tp}: B2C treats this as a SUCCESS{status} although the body looks like an error"
                )?;
                if let Some(m) = user_message {
                    write!(f, " ('{m}' is NOT shown: use a 4xx status)")?;
                }
                write!(f, "; claims {}", self.claims)?;
            }
            OutcomeKind::UserError { .. } => write!(f, "{tp}: {}{status}", self.user_view)?,
            OutcomeKind::TypeMismatch {
                claim,
                wire,
                data_type,
                value,
                reason,
            } => write!(
                f,
                "{tp}: output claim '{claim}' (DataType {data_type}, read from '{wire}') cannot hold {value}: {reason}; B2C fails the step{status}: {}",
                self.user_view
            )?,
            OutcomeKind::UnparseableSuccess { .. } => write!(
                f,
                "{tp}: the 2xx body is not a JSON object; B2C cannot map the output claims{status}: {}",
                self.user_view
            )?,
            OutcomeKind::UnparseableError { .. } => write!(
                f,
                "{tp}: error response without a 409-contract body{status}: {}",
                self.user_view
            )?,
            OutcomeKind::AuthRejected { .. } => write!(
                f,
                "{tp}: the service refused B2C's credentials{status}: {}",
                self.user_view
            )?,
            OutcomeKind::HttpError { .. } => {
                write!(f, "{tp}: HTTP error{status}: {}", self.user_view)?
            }
            OutcomeKind::Timeout { attempts, timeout } => write!(
                f,
                "{tp}: timed out ({attempts} attempt(s) of {timeout:?}): {}",
                self.user_view
            )?,
            OutcomeKind::ConnectionFailed { error } => {
                write!(f, "{tp}: connection failed ({error}): {}", self.user_view)?
            }
            OutcomeKind::NotSent { reason } => write!(
                f,
                "{tp}: B2C does not call the service ({reason}): {}",
                self.user_view
            )?,
        }
        if let Some(code) = self.b2c_code {
            write!(f, " [{code}]")?;
        }
        if !self.missing_claims.is_empty() {
            write!(
                f,
                "; output claims left unset: {}",
                self.missing_claims.join(", ")
            )?;
        }
        if self.leaks_service_url {
            write!(
                f,
                "; WARNING: this is B2C's built-in text, which shows the service URL to the user (set a neutral message in the profile's metadata)"
            )?;
        }
        for w in &self.warnings {
            write!(f, "\n  warning: {w}")?;
        }
        Ok(())
    }
}

impl fmt::Display for TracedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} {}", self.method, self.url)?;
        for (k, v) in &self.headers {
            writeln!(f, "{k}: {v}")?;
        }
        if !self.body.is_empty() {
            writeln!(f)?;
            writeln!(f, "{}", self.body_text())?;
        }
        for n in &self.notes {
            writeln!(f, "# {n}")?;
        }
        Ok(())
    }
}

impl fmt::Display for TracedResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "HTTP {}", self.status)?;
        for (k, v) in &self.headers {
            writeln!(f, "{k}: {v}")?;
        }
        if !self.body.is_empty() {
            writeln!(f)?;
            writeln!(f, "{}", self.body_text())?;
        }
        Ok(())
    }
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.request {
            None => writeln!(f, "(no request sent)")?,
            Some(r) => {
                writeln!(f, "--> request")?;
                write!(f, "{r}")?;
            }
        }
        for (i, a) in self.attempts.iter().enumerate() {
            writeln!(f, "<-- attempt {} ({:?})", i + 1, a.elapsed)?;
            match (&a.response, &a.error) {
                (Some(r), _) => write!(f, "{r}")?,
                (None, Some(e)) => writeln!(f, "{e}")?,
                (None, None) => writeln!(f, "(nothing)")?,
            }
        }
        Ok(())
    }
}
