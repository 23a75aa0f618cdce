//! The per-request pipeline generated handlers run: authenticate, read and scan the request,
//! decode claims, call the function (deadline, panic capture), encode the reply or the error body.

use std::borrow::Cow;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::{Bytes, BytesMut, Payload};
use actix_web::{HttpRequest, HttpResponse};
use futures_util::{FutureExt, StreamExt};

use crate::callers::adapter::{CallerMark, CallerState};
use crate::codec::{self, Piece, Slot, Source};
use crate::config::ClaimsConfig;
use crate::descriptor::{
    AuthSpec, Caller, CallerRoute, HandlerSpec, InputClaimSpec, SendClaimsIn, resolvers,
};
use crate::error::{ClaimsError, ErrorBody, ErrorKind, ids};
use crate::idempotency::{Claimed, IdempotencyKey, StoredResponse};
use crate::l10n::LocaleHint;
use crate::output::IntoHandlerResult;
use crate::types::{ClaimType, RawClaim};

/// One problem with one input claim.
#[derive(Debug, Clone)]
pub struct Problem {
    /// The claim.
    pub claim: &'static InputClaimSpec,
    /// What is wrong.
    pub kind: ProblemKind,
}

/// What is wrong with a claim.
#[derive(Debug, Clone, PartialEq)]
pub enum ProblemKind {
    /// Required and not sent.
    Missing,
    /// Sent, but not decodable as the declared type.
    Invalid(String),
    /// Still holds the literal claim resolver text.
    Unresolved,
    /// Failed a validation rule: the message id and its arguments.
    Rule(
        Cow<'static, str>,
        Vec<(Cow<'static, str>, crate::error::MessageArg)>,
    ),
}

/// Problems collected while decoding, so one reply names every bad claim.
#[derive(Debug, Default)]
pub struct Problems {
    list: Vec<Problem>,
}

impl Problems {
    /// No problems yet.
    pub fn new() -> Self {
        Problems::default()
    }

    /// Records a problem.
    pub fn push(&mut self, claim: &'static InputClaimSpec, kind: ProblemKind) {
        self.list.push(Problem { claim, kind });
    }

    /// `true` when nothing went wrong.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The problems.
    pub fn iter(&self) -> impl Iterator<Item = &Problem> {
        self.list.iter()
    }

    /// Converts into the error reply: decode problems are 400, rule failures 409.
    pub fn into_error(self) -> ClaimsError {
        let developer = self
            .list
            .iter()
            .map(describe)
            .collect::<Vec<_>>()
            .join("; ");
        // The most specific problem speaks for the reply: a resolver left unresolved (a policy
        // mistake), then a value of the wrong type, then a missing claim, then a failed rule.
        let rank = |k: &ProblemKind| match k {
            ProblemKind::Unresolved => 0,
            ProblemKind::Invalid(_) => 1,
            ProblemKind::Missing => 2,
            ProblemKind::Rule(..) => 3,
        };
        let Some(first) = self.list.iter().min_by_key(|p| rank(&p.kind)) else {
            return ClaimsError::bad_request(ids::REQUEST_INVALID);
        };
        let err = match &first.kind {
            ProblemKind::Missing => ClaimsError::bad_request(ids::CLAIM_MISSING),
            ProblemKind::Invalid(_) => ClaimsError::bad_request(ids::CLAIM_INVALID),
            ProblemKind::Unresolved => ClaimsError::bad_request(ids::CLAIM_UNRESOLVED),
            ProblemKind::Rule(id, args) => {
                let mut e = ClaimsError::user(id.clone()).code(id.clone());
                for (k, v) in args {
                    e = e.arg(k.clone(), v.clone());
                }
                e
            }
        };
        err.arg("claim", first.claim.label())
            .arg(CLAIM_ID_ARG, first.claim.id)
            .developer_message(developer)
    }
}

impl Problems {
    /// What was wrong, for the log: like the developer message, but without the values that
    /// did not decode unless `with_values`.
    fn reason(&self, with_values: bool) -> String {
        self.list
            .iter()
            .map(|p| match &p.kind {
                ProblemKind::Invalid(_) if !with_values => {
                    format!(
                        "claim '{}' is not a valid {}",
                        p.claim.id, p.claim.data_type
                    )
                }
                _ => describe(p),
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

fn describe(p: &Problem) -> String {
    let c = p.claim;
    let name = if c.wire() == c.id {
        format!("claim '{}'", c.id)
    } else {
        format!("claim '{}' (wire name '{}')", c.id, c.wire())
    };
    match &p.kind {
        ProblemKind::Missing => format!("{name} is required but was not sent"),
        ProblemKind::Invalid(why) => format!("{name}: {why}"),
        ProblemKind::Unresolved => format!(
            "{name} holds the unresolved claim resolver {:?}: set IncludeClaimResolvingInClaimsHandling=true in the technical profile's metadata",
            c.resolver.unwrap_or("")
        ),
        ProblemKind::Rule(id, _) => format!("{name} failed the rule '{id}'"),
    }
}

/// A request in progress: [`Call::begin`] creates and starts one (generated routes make it with
/// [`Call::new`] in their own future and start it there).
pub struct Call {
    spec: &'static HandlerSpec,
    req: HttpRequest,
    config: Arc<ClaimsConfig>,
    body: Bytes,
    /// The whole body was checked to be UTF-8 once (claims are then sliced without a check each).
    body_utf8: bool,
    /// The JSON body is plain (see [`codec::scan_json_plain`]): a string value is its bytes
    /// between the quotes.
    body_plain: bool,
    /// Every claim is in `slots` (a B2C route in body, form or query mode, without a payload or
    /// a bearer-token claim): [`Self::raw`] goes straight to them.
    sliced: bool,
    slots: Vec<Slot>,
    /// Header mode: each claim's header name, parsed once per handler and thread.
    header_names: Option<HeaderNames>,
    payload: Option<serde_json::Value>,
    /// The caller of a route other than B2C's (API connector, Entra) and its decoded envelope.
    route: CallerRoute,
    caller: Option<Arc<dyn CallerSide>>,
}

impl Call {
    /// Authenticates, reads the body (within the limit) and scans it for the claims:
    /// [`Call::new`] then [`Call::start`].
    pub async fn begin(
        spec: &'static HandlerSpec,
        req: &HttpRequest,
        payload: Payload,
    ) -> Result<Call, HttpResponse> {
        let mut call = Call::new(spec, req);
        call.start(payload).await?;
        Ok(call)
    }

    /// A request of the handler `spec`, not started. Generated handlers make it in their own
    /// future and [`Call::start`] it there, so the request is not moved out of another future.
    pub fn new(spec: &'static HandlerSpec, req: &HttpRequest) -> Call {
        let config = req
            .app_data::<actix_web::web::Data<ClaimsConfig>>()
            .map(|d| d.clone().into_inner())
            .unwrap_or_else(ClaimsConfig::fallback);
        Call {
            spec,
            req: req.clone(),
            config,
            body: Bytes::new(),
            body_utf8: false,
            body_plain: false,
            sliced: false,
            slots: Vec::new(),
            header_names: None,
            payload: None,
            route: CallerRoute::B2c,
            caller: None,
        }
    }

    /// Authenticates, reads the body (within the limit) and scans it for the claims; `Err` is
    /// the answer to send instead. On a route of another caller (API connector, Entra) it reads
    /// that caller's envelope instead.
    pub async fn start(&mut self, payload: Payload) -> Result<(), HttpResponse> {
        // Only a handler with other callers has routes marked with one (a lookup that misses
        // walks every level of app data).
        if !matches!(self.spec.callers, [CallerRoute::B2c])
            && let Some(mark) = self.req.app_data::<CallerMark>()
        {
            self.route = mark.0;
            // Boxed: the usual B2C request's future does not carry this rarer one's state.
            return self.begin_caller_boxed(payload).await;
        }
        self.start_b2c(payload).await
    }

    /// [`Self::start`] for a handler B2C alone calls: generated routes of such handlers use it,
    /// so a service without API connector or Entra routes does not link the code that reads
    /// their envelopes (it is reached only from [`Self::start`]).
    #[doc(hidden)]
    pub async fn start_b2c(&mut self, payload: Payload) -> Result<(), HttpResponse> {
        let spec = self.spec;
        if let Err(e) = self.config.auth.authenticate(spec, &self.req).await {
            return Err(self.error_response(e));
        }
        // One await point for both body modes: each would be a state of the request's future.
        let body_types: Option<(&[&str], bool)> = match spec.send_claims_in {
            SendClaimsIn::Body => Some((&["application/json", "text/json", "text/plain"], true)),
            SendClaimsIn::Form => Some((&["application/x-www-form-urlencoded"], false)),
            _ => None,
        };
        if let Some((accepted, json_suffix)) = body_types {
            let read = match check_content_type(&self.req, accepted, json_suffix) {
                Ok(length) => read_body(&self.req, payload, &self.config, length).await,
                Err(e) => Err(e),
            };
            match read {
                Ok(body) => self.body = body,
                Err(e) => return Err(self.error_response(e)),
            }
        }
        if let Err(e) = self.scan() {
            return Err(self.error_response(e));
        }
        // Without a correlation claim there is nothing to note (and no thread-local lookup).
        if spec.correlation.is_some() {
            crate::observe::note(&self.req, |n| {
                n.correlation = self.correlation_id().map(Cow::into_owned);
            });
        }
        Ok(())
    }

    /// [`Self::begin_caller`] type-erased, and never inlined: its future's code (and drop glue)
    /// stays in this crate instead of being compiled again in every crate with handlers.
    #[inline(never)]
    fn begin_caller_boxed(
        &mut self,
        payload: Payload,
    ) -> futures_util::future::LocalBoxFuture<'_, Result<(), HttpResponse>> {
        Box::pin(self.begin_caller(payload))
    }

    /// An API connector or Entra route: the caller's guard, then its envelope.
    async fn begin_caller(&mut self, payload: Payload) -> Result<(), HttpResponse> {
        let route = self.route;
        if let Err(e) = self
            .config
            .auth
            .authenticate_caller(self.spec, route, &self.req)
            .await
        {
            return Err(self.error_response(e));
        }
        let read = async {
            let length = check_content_type(&self.req, &["application/json"], true)?;
            read_body(&self.req, payload, &self.config, length).await
        };
        self.body = match read.await {
            Ok(b) => b,
            Err(e) => return Err(self.unreadable(e)),
        };
        let config = self.config.clone();
        let decrypt = move |jwe: &str| config.auth.decrypt_password(jwe);
        let decoded =
            CallerState::decode_request(route, self.spec.inputs, self.body.clone(), decrypt).await;
        match decoded {
            Ok(state) => {
                self.caller = Some(Arc::new(state));
                crate::observe::note(&self.req, |n| {
                    n.correlation = self.correlation_id().map(Cow::into_owned);
                });
                Ok(())
            }
            Err(Some(e)) => Err(self.unreadable(
                ClaimsError::bad_request(ids::REQUEST_INVALID).developer_message(e.message),
            )),
            Err(None) => Err(self.unreadable(ClaimsError::internal(
                "the envelope's decoding task did not finish",
            ))),
        }
    }

    /// The caller's failure answer for a request whose envelope could not be read.
    #[cold]
    fn unreadable(&self, err: ClaimsError) -> HttpResponse {
        let request_id = uuid::Uuid::new_v4().to_string();
        crate::observe::note_error(&self.req, &err, &request_id);
        let body = render_body(
            &self.config,
            &LocaleHint::default(),
            &err,
            request_id.clone(),
        );
        let mut resp = crate::callers::adapter::unreadable(
            self.route,
            err.status().as_u16(),
            &body.user_message,
            &request_id,
        )
        .into_response();
        if err.status() == StatusCode::REQUEST_TIMEOUT {
            resp.head_mut()
                .set_connection_type(actix_web::http::ConnectionType::Close);
        }
        resp
    }

    /// The caller this route answers.
    pub fn caller(&self) -> Caller {
        self.route.caller()
    }

    /// Finds the claims in what was read (the body, query string, path or headers).
    fn scan(&mut self) -> Result<(), ClaimsError> {
        let wires = self.spec.inputs;
        match self.spec.send_claims_in {
            SendClaimsIn::Body => {
                if self.spec.payload.is_some() {
                    self.payload = Some(parse_payload(&self.body)?);
                } else {
                    let (slots, plain) =
                        codec::scan_json_plain(&self.body, wires).map_err(|e| {
                            ClaimsError::bad_request(ids::REQUEST_INVALID).developer_message(e.0)
                        })?;
                    self.slots = slots;
                    self.body_plain = plain;
                    self.body_utf8 = plain || std::str::from_utf8(&self.body).is_ok();
                }
            }
            SendClaimsIn::Form => {
                let text = std::str::from_utf8(&self.body).ok();
                self.body_utf8 = text.is_some();
                self.slots = codec::scan_urlencoded_text(&self.body, text, Source::Body, wires)
                    .map_err(|e| {
                        ClaimsError::bad_request(ids::REQUEST_INVALID).developer_message(e.0)
                    })?;
            }
            SendClaimsIn::QueryString => {
                self.slots = scan_query(&self.req, wires)?;
            }
            SendClaimsIn::Url => {
                // actix decodes path segments lossily; refuse bytes that are not UTF-8 rather than
                // hand the handler U+FFFD in place of what was sent.
                if percent_encoding::percent_decode_str(self.req.uri().path())
                    .decode_utf8()
                    .is_err()
                {
                    return Err(
                        ClaimsError::bad_request(ids::REQUEST_INVALID).developer_message(
                            "the URL path is not valid UTF-8 once percent-decoded",
                        ),
                    );
                }
                // Claims in a `?k={claim}` template of the path arrive as query parameters.
                if let Some(q) = self.spec.query_template {
                    let mut keys: Vec<&str> = vec![""; wires.len()];
                    for pair in q.split('&') {
                        if let Some((k, v)) = pair.split_once('=')
                            && let Some(name) =
                                v.strip_prefix('{').and_then(|v| v.strip_suffix('}'))
                            && let Some(i) = wires.iter().position(|w| w.wire() == name)
                        {
                            keys[i] = k;
                        }
                    }
                    self.slots = scan_query(&self.req, &keys)?;
                }
            }
            SendClaimsIn::Header => self.header_names = Some(header_names(wires)),
        }
        self.sliced = self.spec.payload.is_none()
            && !matches!(self.spec.auth, AuthSpec::BearerFromClaim(_))
            && matches!(
                self.spec.send_claims_in,
                SendClaimsIn::Body | SendClaimsIn::Form | SendClaimsIn::QueryString
            );
        Ok(())
    }

    /// The handler's descriptor.
    pub fn spec(&self) -> &'static HandlerSpec {
        self.spec
    }

    /// The request.
    pub fn request(&self) -> &HttpRequest {
        &self.req
    }

    /// The raw value of input claim `index`, if sent.
    #[inline]
    pub fn raw(&self, index: usize) -> Option<RawClaim<'_>> {
        if self.sliced {
            return self.slot_raw(self.slots.get(index)?);
        }
        self.raw_general(index)
    }

    /// [`Self::raw`] for every route and mode.
    fn raw_general(&self, index: usize) -> Option<RawClaim<'_>> {
        if let Some(c) = &self.caller {
            return c.value(index).map(RawClaim::JsonOwned);
        }
        let spec = self.spec.inputs.get(index)?;
        // B2C sends the UseClaimAsBearerToken claim only as the Authorization header, in every
        // send mode (the guard has checked the token already).
        if let AuthSpec::BearerFromClaim(id) = self.spec.auth
            && id == spec.id
        {
            let (scheme, token) = crate::auth::authorization(&self.req).ok()?;
            return scheme
                .eq_ignore_ascii_case("bearer")
                .then_some(RawClaim::Text(Cow::Borrowed(token)));
        }
        // Beside a JSON payload the other claims fill `{placeholders}` of the route.
        if self.spec.payload.is_some() {
            let seg = self.req.match_info().get(spec.wire())?;
            return Some(RawClaim::Text(
                percent_encoding::percent_decode_str(seg)
                    .decode_utf8()
                    .unwrap_or(Cow::Borrowed(seg)),
            ));
        }
        match self.spec.send_claims_in {
            SendClaimsIn::Header => {
                let name = self.header_names.as_ref()?.get(index)?.as_ref()?;
                let mut values = self.req.headers().get_all(name).peekable();
                let first = header_text(values.next()?);
                if values.peek().is_none() {
                    return Some(RawClaim::Text(first));
                }
                let mut list = vec![first];
                list.extend(values.map(header_text));
                Some(RawClaim::TextList(list))
            }
            SendClaimsIn::Url if self.slots.get(index).is_none_or(|s| *s == Slot::Missing) => {
                let seg = self.req.match_info().get(spec.wire())?;
                Some(RawClaim::Text(
                    percent_encoding::percent_decode_str(seg)
                        .decode_utf8()
                        .unwrap_or(Cow::Borrowed(seg)),
                ))
            }
            _ => self.slot_raw(self.slots.get(index)?),
        }
    }

    #[inline]
    fn slot_raw<'a>(&'a self, slot: &'a Slot) -> Option<RawClaim<'a>> {
        match slot {
            Slot::Missing => None,
            Slot::Json(r) => {
                let s = self.body_str(r.clone())?;
                // A string of a plain body needs no unescaping: hand its content over as text
                // (what decoding a JSON string yields anyway), sparing the per-claim JSON checks.
                if self.body_plain && s.len() >= 2 && s.as_bytes()[0] == b'"' {
                    return Some(RawClaim::Text(Cow::Borrowed(&s[1..s.len() - 1])));
                }
                Some(RawClaim::Json(s))
            }
            Slot::JsonRepeated(_) => Some(RawClaim::TextList(Vec::new())),
            Slot::Text(p) => Some(RawClaim::Text(Cow::Borrowed(self.piece(p)))),
            Slot::List(l) => Some(RawClaim::TextList(
                l.iter().map(|p| Cow::Borrowed(self.piece(p))).collect(),
            )),
        }
    }

    /// Bytes `r` of the body as text; `None` when they are not UTF-8 (or cut a character).
    fn body_str(&self, r: std::ops::Range<usize>) -> Option<&str> {
        if self.body_utf8 {
            // SAFETY: `body_utf8` is set right after the body (never changed again) was checked
            // to be UTF-8; `get` checks that the range falls on character boundaries.
            unsafe { std::str::from_utf8_unchecked(&self.body) }.get(r)
        } else {
            std::str::from_utf8(self.body.get(r)?).ok()
        }
    }

    fn piece<'a>(&'a self, p: &'a Piece) -> &'a str {
        match p {
            Piece::Range(Source::Body, r) => self.body_str(r.clone()).unwrap_or(""),
            Piece::Range(Source::Query, r) => self.req.query_string().get(r.clone()).unwrap_or(""),
            Piece::Owned(s) => s,
        }
    }

    /// Decodes input claim `index` as `T`, recording a problem on failure.
    pub fn claim<T: ClaimType>(&self, index: usize, problems: &mut Problems) -> Option<T> {
        let spec = self.spec.inputs.get(index)?;
        decode_claim(spec, self.raw(index), problems)
    }

    /// Decodes payload field `index` as `T` (payload mode), recording a problem on failure.
    pub fn payload_claim<T: ClaimType>(&self, index: usize, problems: &mut Problems) -> Option<T> {
        let payload = self.spec.payload?;
        let spec = payload.fields.get(index)?;
        let raw = self
            .payload
            .as_ref()
            .and_then(|doc| lookup_dot_path(doc, spec.wire()))
            .map(|v| RawClaim::JsonOwned(v.clone()));
        decode_claim(spec, raw, problems)
    }

    /// The language hints of this request.
    pub fn locale_hint(&self) -> LocaleHint<'_> {
        let mut hint = LocaleHint {
            accept_language: self
                .req
                .headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok()),
            ..LocaleHint::default()
        };
        if let Some(c) = &self.caller {
            hint.rfc5646 = c.locale();
            return hint;
        }
        let culture = self.spec.culture;
        hint.rfc5646 = culture.rfc5646.and_then(|i| self.raw_str(i));
        hint.lcid = culture.lcid.and_then(|i| self.raw_str(i));
        hint.language_name = culture.language_name.and_then(|i| self.raw_str(i));
        hint
    }

    /// The text of input claim `index`: a JSON string unescaped (borrowed unless it holds an
    /// escape), other values as sent; `None` when absent, empty or an unresolved resolver.
    fn raw_text(&self, index: usize) -> Option<Cow<'_, str>> {
        let text = match self.raw(index)? {
            RawClaim::Json(s) => {
                let s = s.trim();
                match s.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                    Some(inner) if inner.contains('\\') => {
                        Cow::Owned(serde_json::from_str::<String>(s).ok()?)
                    }
                    Some(inner) => Cow::Borrowed(inner),
                    None => Cow::Borrowed(s),
                }
            }
            RawClaim::Text(Cow::Borrowed(s)) => Cow::Borrowed(s),
            _ => return None,
        };
        (!text.is_empty() && !resolvers::looks_unresolved(&text)).then_some(text)
    }

    /// [`Self::raw_text`] when it needs no unescaping (language hints borrow the request).
    fn raw_str(&self, index: usize) -> Option<&str> {
        match self.raw_text(index)? {
            Cow::Borrowed(s) => Some(s),
            Cow::Owned(_) => None,
        }
    }

    /// The correlation id B2C sent, else a fresh id.
    pub fn request_id(&self) -> String {
        self.correlation_id()
            .map(Cow::into_owned)
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string())
    }

    /// Answers 400 (or 409 for rule failures) for the collected problems.
    #[cold]
    pub fn reject(&self, problems: Problems) -> HttpResponse {
        crate::observe::note(&self.req, |n| {
            n.reason = Some(problems.reason(n.log_values).into());
        });
        if let Some(c) = &self.caller {
            return c.reject(self, problems).into_http();
        }
        self.error_response(problems.into_error())
    }

    /// Runs the handler future with the deadline and panic capture, then encodes its result.
    /// For `idempotent` handlers a retry with the same correlation id and claims replays the
    /// first answer (see [`crate::idempotency`]). Their first attempt runs in its own task on the
    /// actix runtime: past its deadline it goes on (up to
    /// [`crate::idempotency::BACKGROUND_DEADLINES`] deadlines in all) and its real answer, never
    /// the "please retry" one, is kept for the retry.
    ///
    /// A sync (`fn`) handler arrives here wrapped by [`blocking`]: it runs on the blocking pool,
    /// the deadline answer goes out on time, and its thread finishes in the background (its
    /// result is dropped, or kept for the retry of an `idempotent` handler as above).
    pub fn invoke<F>(&self, fut: F) -> impl Future<Output = HttpResponse> + '_
    where
        F: Future + 'static,
        F::Output: IntoHandlerResult,
    {
        let key = if self.spec.idempotent {
            self.correlation_id().map(|cid| self.idempotency_key(&cid))
        } else {
            None
        };
        match key {
            None => futures_util::future::Either::Left(self.invoke_direct(fut)),
            Some(key) => futures_util::future::Either::Right(self.idempotent(fut, key)),
        }
    }

    /// [`Self::invoke`] for a handler that is not `idempotent`: generated routes of such
    /// handlers use it, so a service without idempotent handlers does not link the replay path
    /// (the store, its task, the retry wait).
    #[doc(hidden)]
    pub fn invoke_direct<F>(&self, fut: F) -> impl Future<Output = HttpResponse> + '_
    where
        F: Future + 'static,
        F::Output: IntoHandlerResult,
    {
        let deadline = self.deadline_ms();
        // The handler's future is held once (nested async functions would each keep a copy,
        // and a route future past glibc's small-allocation cache costs more).
        Direct {
            call: self,
            deadline,
            fut: guarded(fut, deadline),
        }
    }

    /// [`Self::invoke`]'s rarer path, out of line so the usual one stays small. The handler's
    /// future is type-erased here, so the rest of this path (the store, its own task, the retry
    /// wait) is compiled once in this crate, not once per handler.
    #[cold]
    #[inline(never)]
    fn idempotent<F>(
        &self,
        fut: F,
        key: IdempotencyKey,
    ) -> futures_util::future::LocalBoxFuture<'_, HttpResponse>
    where
        F: Future + 'static,
        F::Output: IntoHandlerResult,
    {
        let attempt: Attempt = Box::new(move |owned: Call, deadline: u32| {
            Box::pin(async move { owned.run(fut, deadline).await })
                as futures_util::future::LocalBoxFuture<'static, Result<Reply, Reply>>
        });
        self.invoke_idempotent_boxed(attempt, key)
    }

    /// [`Self::invoke_idempotent`] type-erased, and never inlined (see
    /// [`Self::begin_caller_boxed`]).
    #[inline(never)]
    fn invoke_idempotent_boxed(
        &self,
        attempt: Attempt,
        key: IdempotencyKey,
    ) -> futures_util::future::LocalBoxFuture<'_, HttpResponse> {
        Box::pin(self.invoke_idempotent(attempt, key))
    }

    /// [`Self::invoke`] of an `idempotent` handler with a correlation id.
    async fn invoke_idempotent(&self, attempt: Attempt, key: IdempotencyKey) -> HttpResponse {
        let deadline = self.deadline_ms();
        let store = self.config.idempotency.clone();
        let limit = std::time::Duration::from_millis(u64::from(deadline));
        let started = std::time::Instant::now();
        loop {
            match store.claim(key).await {
                Claimed::First => break,
                Claimed::Replay(r) => {
                    crate::observe::note(&self.req, |n| {
                        n.outcome = Some(crate::observe::Outcome::Replayed);
                    });
                    tracing::info!(
                        technical_profile = self.spec.technical_profile,
                        "replaying the first answer to a retry"
                    );
                    return Reply {
                        status: StatusCode::from_u16(r.status).unwrap_or(StatusCode::OK),
                        body: r.body,
                        challenge: None,
                    }
                    .into_http();
                }
                Claimed::InFlight => {
                    if started.elapsed() >= limit {
                        return self.error_reply(ClaimsError::timeout(deadline)).into_http();
                    }
                    actix_web::rt::time::sleep(std::time::Duration::from_millis(25)).await;
                }
            }
        }
        // Its own task, so neither the deadline nor a caller that hangs up (B2C cancels on its
        // timeout) drops the attempt half-way; the task keeps or releases the key itself.
        let owned = Call {
            spec: self.spec,
            req: self.req.clone(),
            config: self.config.clone(),
            body: self.body.clone(),
            body_utf8: self.body_utf8,
            body_plain: self.body_plain,
            sliced: self.sliced,
            slots: self.slots.clone(),
            header_names: self.header_names.clone(),
            payload: self.payload.clone(),
            route: self.route,
            caller: self.caller.clone(),
        };
        // The task is polled outside the request's future: it notes on its own, and the answer
        // brings that note back to the access line.
        let seed = crate::observe::note_seed(&self.req);
        let mut task = actix_web::rt::spawn(async move {
            let attempt = attempt(
                owned,
                deadline.saturating_mul(crate::idempotency::BACKGROUND_DEADLINES),
            );
            let (outcome, note) = seed.noting(attempt).await;
            match &outcome {
                Ok(reply) => {
                    let kept = StoredResponse {
                        status: reply.status.as_u16(),
                        body: reply.body.clone(),
                    };
                    store.complete(key, kept).await;
                }
                Err(_) => store.abandon(key).await,
            }
            (outcome.unwrap_or_else(|r| r), note)
        });
        match actix_web::rt::time::timeout(limit, &mut task).await {
            Ok(Ok((reply, note))) => {
                crate::observe::note(&self.req, |n| n.absorb(note));
                reply.into_http()
            }
            Ok(Err(_cancelled)) => self
                .error_reply(ClaimsError::internal("the handler task was cancelled"))
                .into_http(),
            Err(_elapsed) => {
                tracing::info!(
                    technical_profile = self.spec.technical_profile,
                    deadline_ms = deadline,
                    "deadline passed; the first attempt goes on and its answer is kept for the retry"
                );
                self.error_reply(ClaimsError::timeout(deadline)).into_http()
            }
        }
    }

    /// The handler's answer: `Ok` when it finished (success or a business error, worth
    /// replaying to a retry), `Err` for a deadline, a panic or an internal error (never kept).
    async fn run<F>(&self, fut: F, deadline: u32) -> Result<Reply, Reply>
    where
        F: Future,
        F::Output: IntoHandlerResult,
    {
        self.finish(guarded(fut, deadline).await, deadline)
    }

    /// The reply for what the guarded handler future ended with (see [`Self::run`]).
    fn finish<O: IntoHandlerResult>(
        &self,
        outcome: Guarded<O>,
        deadline: u32,
    ) -> Result<Reply, Reply> {
        match outcome {
            Ok(Ok(result)) => match result.into_handler_result() {
                Ok(out) => match &self.caller {
                    None => Ok(Reply {
                        status: StatusCode::OK,
                        body: crate::output::encode(&out),
                        challenge: None,
                    }),
                    Some(c) => c.success(self, &crate::output::encode(&out)),
                },
                Err(e) => {
                    let keep = !matches!(e.kind(), ErrorKind::Internal | ErrorKind::Timeout)
                        && !e.status().is_server_error();
                    let reply = self.error_reply(e);
                    if keep { Ok(reply) } else { Err(reply) }
                }
            },
            Ok(Err(panic)) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "non-string panic payload".to_owned());
                Err(self.error_reply(ClaimsError::internal(format!("handler panicked: {what}"))))
            }
            Err(_elapsed) => Err(self.error_reply(ClaimsError::timeout(deadline))),
        }
    }

    /// The deadline on this route: the handler's own, else the default of its caller (B2C: the
    /// app's default deadline; API connector and Entra: below their shorter budgets).
    pub fn deadline_ms(&self) -> u32 {
        effective_deadline_ms(
            self.spec,
            self.route.caller(),
            self.config.default_deadline_ms,
        )
    }

    fn idempotency_key(&self, correlation_id: &str) -> IdempotencyKey {
        // Everything the claims can come from, hashed in place (no copies).
        let headers = self
            .spec
            .inputs
            .iter()
            .filter(|_| self.spec.send_claims_in == SendClaimsIn::Header)
            .flat_map(|c| self.req.headers().get_all(c.wire()))
            .map(HeaderValue::as_bytes);
        // Path segments carry claims in URL mode and beside a JSON payload (`{placeholders}`).
        let path = (self.spec.send_claims_in == SendClaimsIn::Url || self.spec.payload.is_some())
            .then(|| self.req.path().as_bytes());
        let parts = [&self.body[..], self.req.query_string().as_bytes()]
            .into_iter()
            .chain(headers)
            .chain(path);
        crate::idempotency::key(self.spec.technical_profile, correlation_id, parts)
    }

    /// The correlation id B2C sent, if the handler receives one (Entra: its `correlationId`).
    pub fn correlation_id(&self) -> Option<Cow<'_, str>> {
        if let Some(c) = &self.caller {
            return c.correlation_id().map(Cow::Borrowed);
        }
        self.raw_text(self.spec.correlation?)
    }

    /// Renders an error as the B2C error body.
    #[cold]
    pub fn error_response(&self, err: ClaimsError) -> HttpResponse {
        self.error_reply(err).into_http()
    }

    fn error_reply(&self, mut err: ClaimsError) -> Reply {
        if let Some(c) = &self.caller {
            return c.error_reply(self, err);
        }
        // RFC 9110: every 401 names a scheme, also one a handler returns itself.
        if err.status() == StatusCode::UNAUTHORIZED
            && err.challenge().is_none()
            && let Some(c) = crate::auth::challenge_for(self.config.auth.effective(self.spec))
        {
            err = err.www_authenticate(c);
        }
        let request_id = self.request_id();
        crate::observe::note_error(&self.req, &err, &request_id);
        if err.kind() == ErrorKind::Internal {
            tracing::error!(
                technical_profile = self.spec.technical_profile,
                request_id = %request_id,
                error = %err,
                "handler failed"
            );
        }
        // Refusals are logged by the access line (`crate::observe`), with a reason free of
        // claim values.
        let hint = self.locale_hint();
        let body = render_body(&self.config, &hint, &err, request_id);
        Reply::error(&err, &body)
    }
}

/// The decoded envelope of a route of another caller (API connector, Entra) and the answers
/// built from it. A trait object: only [`Call::begin_caller`] makes one, and only
/// [`Call::start`] reaches that, which generated routes of B2C-only handlers do not call, so a
/// service without such routes does not link the envelope code.
trait CallerSide {
    /// Input claim `index` as found in the envelope.
    fn value(&self, index: usize) -> Option<serde_json::Value>;
    /// The language the caller asks for.
    fn locale(&self) -> Option<&str>;
    /// The caller's correlation id.
    fn correlation_id(&self) -> Option<&str>;
    /// The answer to claims that did not decode or pass their rules.
    fn reject(&self, call: &Call, problems: Problems) -> Reply;
    /// The answer for the handler's output claims (`outputs`: the B2C route's JSON object).
    fn success(&self, call: &Call, outputs: &[u8]) -> Result<Reply, Reply>;
    /// The answer for an error.
    fn error_reply(&self, call: &Call, err: ClaimsError) -> Reply;
}

impl CallerSide for CallerState {
    fn value(&self, index: usize) -> Option<serde_json::Value> {
        self.values.get(index)?.clone()
    }

    fn locale(&self) -> Option<&str> {
        CallerState::locale(self)
    }

    fn correlation_id(&self) -> Option<&str> {
        CallerState::correlation_id(self)
    }

    fn reject(&self, call: &Call, problems: Problems) -> Reply {
        // One message per attribute (Entra's attributeErrors), in the caller's language.
        let hint = call.locale_hint();
        let mut attribute_errors = std::collections::BTreeMap::new();
        for p in problems.iter() {
            let index = call
                .spec
                .inputs
                .iter()
                .position(|c| std::ptr::eq(c, p.claim))
                .unwrap_or(usize::MAX);
            let one = Problems {
                list: vec![p.clone()],
            };
            let body = render_body(&call.config, &hint, &one.into_error(), String::new());
            attribute_errors
                .entry(self.attribute_key(index, p.claim))
                .or_insert(body.user_message);
        }
        call.caller_reply(self, problems.into_error(), attribute_errors)
    }

    fn success(&self, call: &Call, outputs: &[u8]) -> Result<Reply, Reply> {
        match CallerState::success(self, outputs) {
            Ok(reply) => Ok(Reply::wire(reply)),
            Err(e) => Err(call.error_reply(ClaimsError::internal(format!(
                "the handler's answer cannot be sent to the {}: {e}",
                self.describe()
            )))),
        }
    }

    fn error_reply(&self, call: &Call, err: ClaimsError) -> Reply {
        // A user error about one input claim names it for Entra's attributeErrors.
        let mut attribute_errors = std::collections::BTreeMap::new();
        let claim = err.args().iter().find(|(k, _)| k == CLAIM_ID_ARG);
        if let Some((_, crate::error::MessageArg::Text(id))) = claim
            && let Some(i) = call.spec.inputs.iter().position(|c| c.id == id)
        {
            let key = self.attribute_key(i, &call.spec.inputs[i]);
            let body = render_body(&call.config, &call.locale_hint(), &err, String::new());
            attribute_errors.insert(key, body.user_message);
        }
        call.caller_reply(self, err, attribute_errors)
    }
}

impl Call {
    /// The caller's one reply for an error: a rejection action where the step or event has one,
    /// else the caller's failure answer.
    fn caller_reply(
        &self,
        c: &CallerState,
        err: ClaimsError,
        attribute_errors: std::collections::BTreeMap<String, String>,
    ) -> Reply {
        let request_id = self.request_id();
        crate::observe::note_error(&self.req, &err, &request_id);
        let body = render_body(&self.config, &self.locale_hint(), &err, request_id.clone());
        let rejection = matches!(err.kind(), ErrorKind::User | ErrorKind::BadRequest);
        if rejection
            && let Some(reply) =
                c.rejection(err.is_block(), body.user_message.clone(), attribute_errors)
        {
            match reply {
                Ok(r) => return Reply::wire(r),
                Err(e) => tracing::error!(
                    technical_profile = self.spec.technical_profile,
                    request_id = %request_id,
                    error = %e,
                    "the rejection cannot be sent to the {}", c.describe()
                ),
            }
        }
        let status = match err.status().as_u16() {
            s @ (401 | 403 | 408 | 413) => s,
            _ => 500,
        };
        if err.kind() == ErrorKind::Internal || !rejection {
            // OtpSend: Entra sends its own email when the listener falls back on error.
            tracing::warn!(
                technical_profile = self.spec.technical_profile,
                request_id = %request_id,
                caller = %c.describe(),
                error = %err,
                status,
                "the handler failed; answering the caller's failure"
            );
        }
        let mut reply = Reply::wire(c.failure(status, &body.user_message, &request_id));
        reply.challenge = err.challenge().map(str::to_owned);
        reply
    }
}

/// The deadline of `spec` on a route of `caller`: the handler's own, else the caller's default
/// (for B2C the app's `default_ms`; never above it for the others).
pub fn effective_deadline_ms(spec: &HandlerSpec, caller: Caller, default_ms: u32) -> u32 {
    match (spec.deadline_ms, caller) {
        (Some(d), _) => d,
        (None, Caller::B2cTechnicalProfile) => default_ms,
        (None, c) => c.default_deadline_ms().min(default_ms),
    }
}

// Sync handlers (used by generated code).

/// Compile-time check that `T` may be a parameter of a sync handler: a plain `fn` handler runs
/// on the blocking thread pool, so its parameters move to another thread. (A custom
/// `on_unimplemented` message would not show: rustc reports the auto trait `Send` itself.)
#[doc(hidden)]
pub const fn assert_sync_handler_arg<T: Send + 'static>() {}

/// Runs a sync handler on the blocking thread pool, so it neither stalls the actix worker
/// nor escapes the deadline: [`Call::invoke`] stops waiting at the deadline and answers,
/// while the thread (which cannot be interrupted) finishes in the background and its result
/// is dropped (for `idempotent` handlers: kept for the retry, as for async handlers). The
/// thread starts on the first poll, so an idempotent replay never runs the function. A panic
/// is re-raised in the awaiting task, where `invoke` turns it into a 500 contract body.
#[doc(hidden)]
pub async fn blocking<F, R>(f: F) -> R
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    match actix_web::rt::task::spawn_blocking(f).await {
        Ok(v) => v,
        Err(e) => match e.try_into_panic() {
            Ok(payload) => std::panic::resume_unwind(payload),
            Err(e) => panic!("the blocking handler task did not finish: {e}"),
        },
    }
}

/// The deadline passed.
struct Elapsed;

/// What a handler future ends with under [`guarded`]: its output, its panic, or the deadline.
type Guarded<O> = Result<Result<O, Box<dyn std::any::Any + Send>>, Elapsed>;

/// `fut` with panic capture and its deadline of `deadline_ms`.
fn guarded<F: Future>(fut: F, deadline_ms: u32) -> Guard<F> {
    Guard {
        fut,
        timer: LazyTimer::new(
            std::time::Duration::from_millis(u64::from(deadline_ms)),
            false,
        ),
    }
}

pin_project_lite::pin_project! {
    /// A handler's future with its panic captured and its deadline ([`guarded`]): one poll
    /// function, not a deadline around a panic catcher around the future, each of which moved
    /// the handler's output out again.
    struct Guard<F> {
        #[pin]
        fut: F,
        timer: LazyTimer,
    }
}

impl<F: Future> Future for Guard<F> {
    type Output = Guarded<F::Output>;

    #[inline]
    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        use std::task::Poll;
        let this = self.project();
        let fut = this.fut;
        match std::panic::catch_unwind(AssertUnwindSafe(|| fut.poll(cx))) {
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(Ok(v))),
            Err(panic) => Poll::Ready(Ok(Err(panic))),
            Ok(Poll::Pending) => this.timer.poll_expired(cx).map(|()| Err(Elapsed)),
        }
    }
}

/// An `idempotent` handler's first attempt, given the request it runs for and its deadline.
type Attempt = Box<
    dyn FnOnce(Call, u32) -> futures_util::future::LocalBoxFuture<'static, Result<Reply, Reply>>,
>;

pin_project_lite::pin_project! {
    /// [`Call::invoke`]'s future on the usual path: the guarded handler, then its reply.
    struct Direct<'a, F> {
        call: &'a Call,
        deadline: u32,
        #[pin]
        fut: Guard<F>,
    }
}

impl<F> Future for Direct<'_, F>
where
    F: Future,
    F::Output: IntoHandlerResult,
{
    type Output = HttpResponse;

    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<HttpResponse> {
        let this = self.project();
        let outcome = std::task::ready!(this.fut.poll(cx));
        std::task::Poll::Ready(
            this.call
                .finish(outcome, *this.deadline)
                .unwrap_or_else(|r| r)
                .into_http(),
        )
    }
}

/// A deadline whose timer is created only when the future it guards does not finish on its
/// first poll: most handlers answer at once, and a timer per request is measurable at 100k
/// requests/s.
///
/// With `grace`, the timer waits for a second pending poll: the first one wakes the task again
/// at once. actix polls a handler before it hands over the body that arrived with the head, so
/// the body read is pending once on almost every request and ready on the next poll; a client
/// that really is slow is pending on that poll too and gets the timer then.
struct LazyTimer {
    sleep: Option<std::pin::Pin<Box<actix_web::rt::time::Sleep>>>,
    limit: std::time::Duration,
    grace: bool,
}

impl LazyTimer {
    fn new(limit: std::time::Duration, grace: bool) -> LazyTimer {
        LazyTimer {
            sleep: None,
            limit,
            grace,
        }
    }

    /// After a pending poll of the guarded future: ready when the deadline passed.
    #[inline]
    fn poll_expired(&mut self, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        if std::mem::take(&mut self.grace) {
            cx.waker().wake_by_ref();
            return std::task::Poll::Pending;
        }
        let limit = self.limit;
        self.sleep
            .get_or_insert_with(|| Box::pin(actix_web::rt::time::sleep(limit)))
            .as_mut()
            .poll(cx)
    }
}

pin_project_lite::pin_project! {
    /// `fut` under a [`LazyTimer`]. A plain struct (not an `async fn`) so the future is held
    /// once.
    struct LazyDeadline<F> {
        #[pin]
        fut: F,
        timer: LazyTimer,
    }
}

fn lazy_deadline<F: Future>(fut: F, limit: std::time::Duration, grace: bool) -> LazyDeadline<F> {
    LazyDeadline {
        fut,
        timer: LazyTimer::new(limit, grace),
    }
}

impl<F: Future> Future for LazyDeadline<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let this = self.project();
        if let std::task::Poll::Ready(v) = this.fut.poll(cx) {
            return std::task::Poll::Ready(Ok(v));
        }
        this.timer.poll_expired(cx).map(|()| Err(Elapsed))
    }
}

/// A finished answer, before it becomes an `HttpResponse` (so it can be stored for replay).
struct Reply {
    status: StatusCode,
    body: Vec<u8>,
    challenge: Option<String>,
}

impl Reply {
    fn wire(w: crate::callers::WireReply) -> Reply {
        Reply {
            status: StatusCode::from_u16(w.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            body: w.body_bytes(),
            challenge: None,
        }
    }

    fn error(err: &ClaimsError, body: &ErrorBody) -> Reply {
        Reply {
            status: err.status(),
            body: body.to_json(),
            challenge: err.challenge().map(str::to_owned),
        }
    }

    fn into_http(self) -> HttpResponse {
        // Built directly rather than through `HttpResponseBuilder` (its header conversions and
        // error slot are a dozen cache lines a request).
        let mut resp = HttpResponse::with_body(
            self.status,
            actix_web::body::BoxBody::new(Bytes::from(self.body)),
        );
        let headers = resp.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Some(ch) = self.challenge
            && let Ok(v) = HeaderValue::from_str(&ch)
        {
            headers.insert(header::WWW_AUTHENTICATE, v);
        }
        if self.status == StatusCode::REQUEST_TIMEOUT {
            // The rest of a late body may still arrive: never read it as the next request.
            resp.head_mut()
                .set_connection_type(actix_web::http::ConnectionType::Close);
        }
        resp
    }
}

/// The argument naming the claim type id of a claim problem; with it the `claim` argument is
/// replaced by the catalog's `claim-<id>-display-name` in the caller's language, when defined.
pub const CLAIM_ID_ARG: &str = "claimId";

/// Builds the error body for `err` (debug fields only when `config.debug`).
pub fn render_body(
    config: &ClaimsConfig,
    hint: &LocaleHint<'_>,
    err: &ClaimsError,
    request_id: String,
) -> ErrorBody {
    let l10n = &config.localizer;
    let localized_name = err
        .args()
        .iter()
        .find(|(k, _)| k == CLAIM_ID_ARG)
        .and_then(|(_, id)| {
            l10n.render_defined(hint, &format!("claim-{id}-display-name"), &Vec::new())
        });
    let user_message = match localized_name {
        Some(name) => {
            let mut args = err.args().clone();
            for (k, v) in &mut args {
                if k == "claim" {
                    *v = crate::error::MessageArg::Text(name.clone());
                }
            }
            l10n.render(hint, err.message_id(), &args)
        }
        None => l10n.render(hint, err.message_id(), err.args()),
    };
    let internal = err.kind() == ErrorKind::Internal;
    ErrorBody {
        version: config.api_version.to_string(),
        status: 409,
        user_message,
        code: err.error_code().map(str::to_owned),
        request_id: Some(request_id),
        developer_message: (config.debug && !internal)
            .then(|| err.developer_text().map(str::to_owned))
            .flatten(),
        more_info: config
            .debug
            .then(|| err.more_info_url().map(str::to_owned))
            .flatten(),
    }
}

/// The HTTP reply for an error body.
pub fn error_http(err: &ClaimsError, body: &ErrorBody) -> HttpResponse {
    Reply::error(err, body).into_http()
}

fn decode_claim<T: ClaimType>(
    spec: &'static InputClaimSpec,
    raw: Option<RawClaim<'_>>,
    problems: &mut Problems,
) -> Option<T> {
    let raw = match raw {
        Some(RawClaim::TextList(l)) if l.is_empty() => {
            problems.push(
                spec,
                ProblemKind::Invalid("the claim was sent more than once".to_owned()),
            );
            return None;
        }
        Some(r) => r,
        None => return absent(spec, problems),
    };
    if spec.resolver.is_some()
        && let Ok(text) = raw.as_text()
        && resolvers::looks_unresolved(&text)
    {
        problems.push(spec, ProblemKind::Unresolved);
        return None;
    }
    // `""` and `null` mean "absent" for claims that may be absent or have a default.
    if raw.is_absent() && (T::OPTIONAL || !spec.required || T::DATA_TYPE != crate::DataType::String)
    {
        return absent(spec, problems);
    }
    match T::decode_present(&raw) {
        Ok(v) => Some(v),
        Err(e) => {
            problems.push(spec, ProblemKind::Invalid(e.message().to_owned()));
            None
        }
    }
}

fn absent<T: ClaimType>(spec: &'static InputClaimSpec, problems: &mut Problems) -> Option<T> {
    if let Some(d) = spec.default {
        return match T::from_text(d) {
            Ok(v) => Some(v),
            Err(e) => {
                problems.push(
                    spec,
                    ProblemKind::Invalid(format!(
                        "the declared default {d:?} does not decode: {e}"
                    )),
                );
                None
            }
        };
    }
    if let Some(v) = T::absent() {
        return Some(v);
    }
    // The descriptor's one decision: a claim that is not required (a resolver B2C may resolve to
    // nothing) is decoded from empty text when its type has no absent value (`String` -> "").
    if !spec.required
        && let Ok(v) = T::from_text("")
    {
        return Some(v);
    }
    problems.push(spec, ProblemKind::Missing);
    None
}

/// Follows a `GenerateJson` dot path (`items.0.id`) through a JSON document.
pub fn lookup_dot_path<'a>(
    doc: &'a serde_json::Value,
    path: &str,
) -> Option<&'a serde_json::Value> {
    path.split('.').try_fold(doc, |v, seg| match v {
        serde_json::Value::Object(m) => m.get(seg),
        serde_json::Value::Array(a) => a.get(seg.parse::<usize>().ok()?),
        _ => None,
    })
}

/// The header name of each input claim (`None`: not a valid header name, never sent).
type HeaderNames = std::rc::Rc<[Option<header::HeaderName>]>;

thread_local! {
    /// Header names by handler (its inputs' address and length): a lookup by a name given as
    /// text would parse it, and copy a mixed-case one, for every claim of every request.
    static HEADER_NAMES: std::cell::RefCell<Vec<((usize, usize), HeaderNames)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The header names of `inputs`, parsed on a thread's first request to the handler.
fn header_names(inputs: &'static [InputClaimSpec]) -> HeaderNames {
    let key = (inputs.as_ptr() as usize, inputs.len());
    HEADER_NAMES.with(|cache| {
        if let Some((_, names)) = cache.borrow().iter().find(|(k, _)| *k == key) {
            return names.clone();
        }
        let names: HeaderNames = inputs
            .iter()
            .map(|c| header::HeaderName::from_bytes(c.wire().as_bytes()).ok())
            .collect();
        cache.borrow_mut().push((key, names.clone()));
        names
    })
}

fn header_text(v: &HeaderValue) -> Cow<'_, str> {
    match std::str::from_utf8(v.as_bytes()) {
        // `trim` only when an end may be white space (it decodes characters).
        Ok(s)
            if s.as_bytes().first().is_none_or(|b| b.is_ascii_graphic())
                && s.as_bytes().last().is_none_or(|b| b.is_ascii_graphic()) =>
        {
            Cow::Borrowed(s)
        }
        Ok(s) => Cow::Borrowed(s.trim()),
        // Not UTF-8: read the bytes as Latin-1, as HTTP/1.1 historically defined them.
        Err(_) => Cow::Owned(v.as_bytes().iter().map(|&b| b as char).collect()),
    }
}

fn scan_query<N: codec::WireName>(
    req: &HttpRequest,
    wires: &[N],
) -> Result<Vec<Slot>, ClaimsError> {
    let query = req.query_string();
    codec::scan_urlencoded_text(query.as_bytes(), Some(query), Source::Query, wires)
        .map_err(|e| ClaimsError::bad_request(ids::REQUEST_INVALID).developer_message(e.0))
}

/// A `payload` handler's JSON body: an object (an empty body is an empty object). Out of line,
/// so the claim handlers' request path does not carry its code.
#[inline(never)]
fn parse_payload(body: &[u8]) -> Result<serde_json::Value, ClaimsError> {
    let doc = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::Value::Object(Default::default())
    } else {
        serde_json::from_slice::<serde_json::Value>(body).map_err(|e| {
            ClaimsError::bad_request(ids::REQUEST_INVALID)
                .developer_message(format!("the payload is not valid JSON: {e}"))
        })?
    };
    if !doc.is_object() {
        return Err(ClaimsError::bad_request(ids::REQUEST_INVALID)
            .developer_message("the payload must be a JSON object"));
    }
    Ok(doc)
}

/// Checks Content-Encoding and Content-Type; the declared Content-Length, if any.
fn check_content_type(
    req: &HttpRequest,
    accepted: &[&str],
    json_suffix: bool,
) -> Result<Option<u64>, ClaimsError> {
    // Lookups by name: cheaper than one pass over the headers (actix's iterator is not).
    for enc in req.headers().get_all(header::CONTENT_ENCODING) {
        check_content_encoding(enc)?;
    }
    let length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let content_type = req.headers().get(header::CONTENT_TYPE);
    let Some(ct) = content_type else {
        return Ok(length);
    };
    // The usual header is exactly an accepted type: no parsing then.
    if accepted.iter().any(|a| a.as_bytes() == ct.as_bytes()) {
        return Ok(length);
    }
    parse_content_type(ct, accepted, json_suffix).map(|()| length)
}

/// [`check_content_type`] for a header that is not exactly an accepted type (parameters,
/// case, `+json`). Out of line: its code would sit between the usual path's instructions.
#[cold]
fn parse_content_type(
    ct: &HeaderValue,
    accepted: &[&str],
    json_suffix: bool,
) -> Result<(), ClaimsError> {
    let essence = ct
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim();
    let ok = essence.is_empty()
        || accepted.iter().any(|a| a.eq_ignore_ascii_case(essence))
        || (json_suffix
            && essence.len() > 5
            && essence.is_char_boundary(essence.len() - 5)
            && essence[essence.len() - 5..].eq_ignore_ascii_case("+json"));
    if ok {
        Ok(())
    } else {
        Err(
            ClaimsError::bad_request(ids::CONTENT_TYPE).developer_message(format!(
                "content type {:?} is not accepted here; expected {}",
                essence.to_ascii_lowercase(),
                accepted.join(" or ")
            )),
        )
    }
}

/// The body is read as sent: a compressed one would be garbage to the decoder.
#[cold]
fn check_content_encoding(enc: &HeaderValue) -> Result<(), ClaimsError> {
    let enc = match enc.to_str() {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(enc.as_bytes()),
    };
    match enc
        .split(',')
        .map(str::trim)
        .find(|c| !c.is_empty() && !c.eq_ignore_ascii_case("identity"))
    {
        Some(bad) => Err(ClaimsError::bad_request(ids::CONTENT_TYPE)
            .with_status(StatusCode::UNSUPPORTED_MEDIA_TYPE)
            .developer_message(format!(
                "content encoding {:?} is not accepted here; send the body uncompressed (identity)",
                bad.to_ascii_lowercase()
            ))),
        None => Ok(()),
    }
}

/// Reads the whole body within `config.body_limit` bytes and `config.body_read_timeout`: a client
/// that stalls or trickles gets 408 and loses the connection instead of holding it and its
/// buffers.
fn read_body<'a>(
    req: &'a HttpRequest,
    mut payload: Payload,
    config: &ClaimsConfig,
    content_length: Option<u64>,
) -> impl Future<Output = Result<Bytes, ClaimsError>> + 'a {
    let limit = config.body_limit;
    let declared_too_large = content_length.is_some_and(|len| len > limit as u64);
    let read = async move {
        let too_large = || ClaimsError::payload_too_large(limit);
        if declared_too_large {
            return Err(too_large());
        }
        let unreadable = |e: actix_web::error::PayloadError| {
            ClaimsError::bad_request(ids::REQUEST_INVALID)
                .developer_message(format!("the request body could not be read: {e}"))
        };
        // A body that arrives in one chunk (the usual case) is kept as it is, without a copy.
        let first = match payload.next().await {
            None => return Ok(Bytes::new()),
            Some(chunk) => chunk.map_err(unreadable)?,
        };
        if first.len() > limit {
            return Err(too_large());
        }
        let Some(second) = payload.next().await else {
            return Ok(first);
        };
        let second = second.map_err(unreadable)?;
        if first.len() + second.len() > limit {
            return Err(too_large());
        }
        let mut buf = BytesMut::with_capacity(first.len() + second.len());
        buf.extend_from_slice(&first);
        buf.extend_from_slice(&second);
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(unreadable)?;
            if buf.len() + chunk.len() > limit {
                return Err(too_large());
            }
            buf.extend_from_slice(&chunk);
        }
        Ok(buf.freeze())
    };
    // The timer starts only when the body is not already there (the usual case for B2C). A
    // plain future, not an `async fn`: one state machine fewer in every request's future.
    let timeout = config.body_read_timeout;
    lazy_deadline(read, timeout, true).map(move |read| match read {
        Ok(body) => body,
        Err(Elapsed) => Err(body_too_slow(req, timeout)),
    })
}

/// The 408 of a body that did not arrive within `timeout`.
#[cold]
fn body_too_slow(req: &HttpRequest, timeout: std::time::Duration) -> ClaimsError {
    tracing::info!(
        limit_ms = timeout.as_millis() as u64,
        peer = ?req.peer_addr(),
        "request body too slow; answering 408 and closing the connection"
    );
    ClaimsError::request_timeout(timeout)
}
