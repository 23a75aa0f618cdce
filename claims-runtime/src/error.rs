//! `ClaimsError` and the B2C error body (the "409 contract", `docs/b2c-wire-contract.md` §6.1).

use std::borrow::Cow;
use std::fmt;

use actix_web::http::StatusCode;
use serde::Serialize;

/// A message argument: text or a number (numbers drive Fluent plural selection).
#[derive(Debug, Clone, PartialEq)]
pub enum MessageArg {
    /// Text.
    Text(String),
    /// A number.
    Number(f64),
}

impl fmt::Display for MessageArg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MessageArg::Text(s) => f.write_str(s),
            MessageArg::Number(n) => write!(f, "{n}"),
        }
    }
}

impl From<&str> for MessageArg {
    fn from(s: &str) -> Self {
        MessageArg::Text(s.to_owned())
    }
}
impl From<String> for MessageArg {
    fn from(s: String) -> Self {
        MessageArg::Text(s)
    }
}
impl From<&String> for MessageArg {
    fn from(s: &String) -> Self {
        MessageArg::Text(s.clone())
    }
}
impl From<Cow<'_, str>> for MessageArg {
    fn from(s: Cow<'_, str>) -> Self {
        MessageArg::Text(s.into_owned())
    }
}
macro_rules! number_arg {
    ($($t:ty),*) => {$(
        impl From<$t> for MessageArg {
            fn from(n: $t) -> Self {
                MessageArg::Number(n as f64)
            }
        }
    )*};
}
number_arg!(i8, i16, i32, i64, u8, u16, u32, u64, usize, isize, f32, f64);

/// Named message arguments, in insertion order.
pub type MessageArgs = Vec<(Cow<'static, str>, MessageArg)>;

/// What kind of failure an error is; fixes the HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A business rejection shown to the user (HTTP 409, or another 4xx chosen with
    /// [`ClaimsError::with_status`]).
    User,
    /// A missing or malformed claim or request (HTTP 400).
    BadRequest,
    /// The caller is not authenticated (HTTP 401).
    Unauthorized,
    /// The caller is authenticated but not allowed (HTTP 403).
    Forbidden,
    /// The body exceeds the configured limit (HTTP 413).
    PayloadTooLarge,
    /// The body did not arrive within the body-read time limit (HTTP 408, connection closed).
    RequestTimeout,
    /// The handler's deadline passed (HTTP 409 so B2C shows the retry message).
    Timeout,
    /// A panic or infrastructure failure (HTTP 500, details only in the log).
    Internal,
}

/// Message ids the framework itself renders. Catalogs must define them in the default language.
pub mod ids {
    /// A required claim is missing. Args: `claim`.
    pub const CLAIM_MISSING: &str = "claim-missing";
    /// A claim has a value of the wrong type or format. Args: `claim`.
    pub const CLAIM_INVALID: &str = "claim-invalid";
    /// A claim still holds an unresolved claim resolver. Args: `claim`.
    pub const CLAIM_UNRESOLVED: &str = "claim-resolver-unresolved";
    /// The body is not what the send mode requires.
    pub const REQUEST_INVALID: &str = "request-invalid";
    /// The content type does not match the send mode.
    pub const CONTENT_TYPE: &str = "content-type-unsupported";
    /// The body is too large.
    pub const PAYLOAD_TOO_LARGE: &str = "payload-too-large";
    /// The body did not arrive in time.
    pub const REQUEST_BODY_TIMEOUT: &str = "request-body-timeout";
    /// Generic failure text for panics and infrastructure errors.
    pub const INTERNAL: &str = "internal-error";
    /// The handler's deadline passed.
    pub const TIMEOUT: &str = "deadline-exceeded";
    /// Authentication failed.
    pub const UNAUTHORIZED: &str = "unauthorized";
    /// The caller is not allowed.
    pub const FORBIDDEN: &str = "forbidden";

    /// Every framework message id.
    pub const ALL: &[&str] = &[
        CLAIM_MISSING,
        CLAIM_INVALID,
        CLAIM_UNRESOLVED,
        REQUEST_INVALID,
        CONTENT_TYPE,
        PAYLOAD_TOO_LARGE,
        REQUEST_BODY_TIMEOUT,
        INTERNAL,
        TIMEOUT,
        UNAUTHORIZED,
        FORBIDDEN,
    ];
}

/// An error a handler returns, rendered as the B2C error body.
///
/// The user-visible text is a message id plus arguments, rendered from the message catalog in the
/// caller's language:
///
/// ```
/// use claims_runtime::ClaimsError;
///
/// let email = "emily@contoso.com";
/// let err = ClaimsError::user("member-not-found")
///     .arg("email", email)
///     .code("API-404")
///     .developer_message("no row in customers for this e-mail");
/// assert_eq!(err.message_id(), "member-not-found");
/// assert_eq!(err.status().as_u16(), 409);
/// ```
///
/// Any `std::error::Error` converts into an internal error (HTTP 500, generic message, details
/// logged only), so `?` works on infrastructure calls.
pub struct ClaimsError {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    status: StatusCode,
    message_id: Cow<'static, str>,
    args: MessageArgs,
    code: Option<Cow<'static, str>>,
    developer_message: Option<String>,
    more_info: Option<String>,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
    www_authenticate: Option<String>,
    block: bool,
}

impl ClaimsError {
    fn new(kind: ErrorKind, status: StatusCode, message_id: Cow<'static, str>) -> Self {
        ClaimsError {
            inner: Box::new(Inner {
                kind,
                status,
                message_id,
                args: Vec::new(),
                code: None,
                developer_message: None,
                more_info: None,
                source: None,
                www_authenticate: None,
                block: false,
            }),
        }
    }

    /// A business rejection (HTTP 409) whose `userMessage` is the catalog message `message_id`.
    pub fn user(message_id: impl Into<Cow<'static, str>>) -> Self {
        ClaimsError::new(ErrorKind::User, StatusCode::CONFLICT, message_id.into())
    }

    /// A business rejection that ends the flow: a block page where the caller has one (API
    /// connector `ShowBlockPage`, Entra `showBlockPage` / PasswordSubmit `Block`); for B2C
    /// technical profiles the same 409 as [`ClaimsError::user`].
    pub fn block(message_id: impl Into<Cow<'static, str>>) -> Self {
        let mut e = ClaimsError::user(message_id);
        e.inner.block = true;
        e
    }

    /// Whether this error was made by [`ClaimsError::block`].
    pub fn is_block(&self) -> bool {
        self.inner.block
    }

    /// A malformed request (HTTP 400) with the framework message `message_id`.
    #[cold]
    pub fn bad_request(message_id: impl Into<Cow<'static, str>>) -> Self {
        ClaimsError::new(
            ErrorKind::BadRequest,
            StatusCode::BAD_REQUEST,
            message_id.into(),
        )
    }

    /// A missing or invalid caller credential (HTTP 401).
    pub fn unauthorized() -> Self {
        ClaimsError::new(
            ErrorKind::Unauthorized,
            StatusCode::UNAUTHORIZED,
            Cow::Borrowed(ids::UNAUTHORIZED),
        )
    }

    /// A valid caller that is not allowed (HTTP 403).
    pub fn forbidden() -> Self {
        ClaimsError::new(
            ErrorKind::Forbidden,
            StatusCode::FORBIDDEN,
            Cow::Borrowed(ids::FORBIDDEN),
        )
    }

    /// A body over the limit (HTTP 413).
    #[cold]
    pub fn payload_too_large(limit: usize) -> Self {
        ClaimsError::new(
            ErrorKind::PayloadTooLarge,
            StatusCode::PAYLOAD_TOO_LARGE,
            Cow::Borrowed(ids::PAYLOAD_TOO_LARGE),
        )
        .developer_message(format!(
            "the request body exceeds the limit of {limit} bytes"
        ))
    }

    /// The body did not arrive within `limit` (HTTP 408; the connection is closed).
    pub fn request_timeout(limit: std::time::Duration) -> Self {
        ClaimsError::new(
            ErrorKind::RequestTimeout,
            StatusCode::REQUEST_TIMEOUT,
            Cow::Borrowed(ids::REQUEST_BODY_TIMEOUT),
        )
        .developer_message(format!(
            "the request body did not arrive within {} ms",
            limit.as_millis()
        ))
    }

    /// The handler ran past its deadline: HTTP 409 with a "please retry" message.
    pub fn timeout(deadline_ms: u32) -> Self {
        ClaimsError::new(
            ErrorKind::Timeout,
            StatusCode::CONFLICT,
            Cow::Borrowed(ids::TIMEOUT),
        )
        .developer_message(format!(
            "the handler did not answer within {deadline_ms} ms"
        ))
    }

    /// An internal failure (HTTP 500). `detail` is logged, never sent.
    #[cold]
    pub fn internal(detail: impl fmt::Display) -> Self {
        let mut e = ClaimsError::new(
            ErrorKind::Internal,
            StatusCode::INTERNAL_SERVER_ERROR,
            Cow::Borrowed(ids::INTERNAL),
        );
        e.inner.source = Some(detail.to_string().into());
        e
    }

    /// Adds a message argument (`{ $name }` in the catalog).
    pub fn arg(mut self, name: impl Into<Cow<'static, str>>, value: impl Into<MessageArg>) -> Self {
        self.inner.args.push((name.into(), value.into()));
        self
    }

    /// Sets `code` (shown by B2C only with `DebugMode`). Business errors carry no code unless
    /// set here; framework errors use their message id.
    pub fn code(mut self, code: impl Into<Cow<'static, str>>) -> Self {
        self.inner.code = Some(code.into());
        self
    }

    /// Sets `developerMessage` (sent only when the app runs in debug mode).
    #[cold]
    pub fn developer_message(mut self, message: impl Into<String>) -> Self {
        self.inner.developer_message = Some(message.into());
        self
    }

    /// Sets `moreInfo` (sent only when the app runs in debug mode).
    pub fn more_info(mut self, url: impl Into<String>) -> Self {
        self.inner.more_info = Some(url.into());
        self
    }

    /// Answers with another 4xx status (B2C accepts any 4xx with body status 409). Statuses
    /// outside 400..=499 are ignored: a business error must stay a 4xx.
    pub fn with_status(mut self, status: StatusCode) -> Self {
        if status.is_client_error() {
            self.inner.status = status;
        }
        self
    }

    /// Sets the `WWW-Authenticate` challenge sent with a 401.
    pub fn www_authenticate(mut self, challenge: impl Into<String>) -> Self {
        self.inner.www_authenticate = Some(challenge.into());
        self
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The HTTP status of the reply.
    pub fn status(&self) -> StatusCode {
        self.inner.status
    }

    /// The catalog message id.
    pub fn message_id(&self) -> &str {
        &self.inner.message_id
    }

    /// The message arguments.
    pub fn args(&self) -> &MessageArgs {
        &self.inner.args
    }

    /// The error code: the explicit one, else the message id for framework errors; `None` for a
    /// business error without an explicit code (the body then omits `code`, as in `docs/b2c-wire-contract.md` §8).
    pub fn error_code(&self) -> Option<&str> {
        match (&self.inner.code, self.inner.kind) {
            (Some(c), _) => Some(c),
            (None, ErrorKind::User) => None,
            (None, _) => Some(&self.inner.message_id),
        }
    }

    /// The developer message, if any.
    pub fn developer_text(&self) -> Option<&str> {
        self.inner.developer_message.as_deref()
    }

    /// The `moreInfo` link, if any.
    pub fn more_info_url(&self) -> Option<&str> {
        self.inner.more_info.as_deref()
    }

    /// The `WWW-Authenticate` challenge, if any.
    pub fn challenge(&self) -> Option<&str> {
        self.inner.www_authenticate.as_deref()
    }

    /// The internal cause (never sent to the caller).
    pub fn internal_detail(&self) -> Option<&(dyn std::error::Error + Send + Sync)> {
        self.inner.source.as_deref()
    }
}

impl fmt::Debug for ClaimsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClaimsError")
            .field("kind", &self.inner.kind)
            .field("status", &self.inner.status.as_u16())
            .field("message_id", &self.inner.message_id)
            .field("args", &self.inner.args)
            .field("code", &self.inner.code)
            .field("developer_message", &self.inner.developer_message)
            .field("source", &self.inner.source)
            .finish()
    }
}

impl fmt::Display for ClaimsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.inner.message_id, self.inner.status)?;
        if let Some(d) = &self.inner.developer_message {
            write!(f, ": {d}")?;
        }
        if let Some(s) = &self.inner.source {
            write!(f, ": {s}")?;
        }
        Ok(())
    }
}

impl<E> From<E> for ClaimsError
where
    E: std::error::Error + Send + Sync + 'static,
{
    fn from(err: E) -> Self {
        let mut e = ClaimsError::new(
            ErrorKind::Internal,
            StatusCode::INTERNAL_SERVER_ERROR,
            Cow::Borrowed(ids::INTERNAL),
        );
        e.inner.source = Some(Box::new(err));
        e
    }
}

/// The JSON error body B2C reads (`docs/b2c-wire-contract.md` §6.1). `status` is always 409. Fields are written in
/// the order of the documented example (`docs/b2c-wire-contract.md` §8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    /// Version of the service's API.
    pub version: String,
    /// Always 409, whatever the HTTP status.
    pub status: u16,
    /// The localized text the user sees.
    pub user_message: String,
    /// Service error code (B2C shows it only with `DebugMode`).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub code: Option<String>,
    /// The correlation id B2C sent, else a fresh id.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub request_id: Option<String>,
    /// Diagnostic text, only in debug mode.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub developer_message: Option<String>,
    /// A link, only in debug mode.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub more_info: Option<String>,
}

impl ErrorBody {
    /// The body as JSON: the bytes `serde_json::to_vec` writes for it, without going through
    /// serde (strings without escapes are copied as they are). It runs for every error answer.
    pub fn to_json(&self) -> Vec<u8> {
        use crate::types::write_json_str;
        let mut out = Vec::with_capacity(
            64 + self.version.len()
                + self.user_message.len()
                + [
                    &self.code,
                    &self.request_id,
                    &self.developer_message,
                    &self.more_info,
                ]
                .iter()
                .map(|f| f.as_ref().map_or(0, |s| s.len() + 24))
                .sum::<usize>(),
        );
        out.extend_from_slice(b"{\"version\":");
        write_json_str(&self.version, &mut out);
        out.extend_from_slice(b",\"status\":");
        out.extend_from_slice(itoa::Buffer::new().format(self.status).as_bytes());
        out.extend_from_slice(b",\"userMessage\":");
        write_json_str(&self.user_message, &mut out);
        for (key, value) in [
            (&b",\"code\":"[..], &self.code),
            (b",\"requestId\":", &self.request_id),
            (b",\"developerMessage\":", &self.developer_message),
            (b",\"moreInfo\":", &self.more_info),
        ] {
            if let Some(v) = value {
                out.extend_from_slice(key);
                write_json_str(v, &mut out);
            }
        }
        out.push(b'}');
        out
    }
}
