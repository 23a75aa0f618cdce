//! The emulator: builds the request B2C would send from the policy XML, calls the service, and
//! reads the reply the way B2C does.
//!
//! Names (metadata keys, key ids, the LCID table, `{placeholder}` scanning) come from
//! `claims-core`, like everywhere else. Where B2C is more lenient than the macros, the emulator
//! deliberately reads the XML on its own, as B2C would: resolver tokens are any `{Kind:Name}`
//! (`has_resolver`), output paths follow Json.NET's `SelectToken` (`values::select_path`: a dotted
//! integer is a property name), and `GenerateJson` paths accept any key text
//! (`values::insert_dot_path`). A policy written by hand can hold what the macros refuse.
//!
//! Two readings of unconfirmed behaviour: the `UseClaimAsBearerToken` claim travels only as the
//! `Authorization` header, never in the body, the URL or a header of its own, in every send mode;
//! beside a `ClaimUsedForRequestPayload`, the other input claims fill `{placeholders}` of the
//! ServiceUrl.

use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceResponse};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::Value;

use super::bag::{ClaimBag, ClaimValue};
use super::context::{ResolverContext, resolve_text};
use super::outcome::{
    Attempt, DebugFields, Outcome, OutcomeKind, Step, Trace, TracedRequest, TracedResponse,
    UserView,
};
use super::transport::{InProcess, Loopback, Transport};
use super::values::{
    ScalarStyle, body_value, check_output, default_from_text, has_dotted_index, insert_dot_path,
    raw_at, select_path, text_values, typed_from_text,
};
use base64::Engine as _;
use claims_core::metadata as md;
use claims_export::b2c::parse::{
    ParseError, ParsedClaim, ParsedPolicy, ParsedProfile, read_policy,
};

/// Unreserved characters stay, everything else is percent-encoded.
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Emulator settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmulatorOptions {
    /// How booleans and integers go into a JSON body (default [`ScalarStyle::Native`]).
    pub scalars: ScalarStyle,
    /// Timeout of one attempt (B2C: 10 s since 2025, `docs/b2c-wire-contract.md` §6.4). Lower it in tests.
    pub timeout: Duration,
    /// Retries after a timed-out or unanswered attempt (B2C: 1, so 2 attempts).
    pub retries: u32,
    /// Reject string renderings of typed output values (`"true"` for a boolean claim, `"42"` for
    /// an int); `false` accepts them with a warning. Default `true`: B2C's conversion is
    /// \[UNCONFIRMED\] and the framework serializes strictly.
    pub strict_output_types: bool,
    /// Removed from the ServiceUrl's path before an in-process call (the part a reverse proxy
    /// would strip, e.g. `/b2c` when the policy was exported with a base URL ending in `/b2c`).
    pub strip_path_prefix: Option<String>,
    /// The `Order` of the orchestration step, used in AADB2C90075/AADB2C90261 texts.
    pub step_order: u32,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        EmulatorOptions {
            scalars: ScalarStyle::Native,
            timeout: Duration::from_secs(10),
            retries: 1,
            strict_output_types: true,
            strip_path_prefix: None,
            step_order: 1,
        }
    }
}

/// The secrets behind the profile's `CryptographicKeys`, for tests.
///
/// A key is looked up by its `StorageReferenceId` in [`TestKeys::by_reference`] first, then by
/// kind (`basic`, `bearer_token`, `api_key`, `client_cert`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestKeys {
    /// Basic auth `(user, password)`.
    pub basic: Option<(String, String)>,
    /// The static bearer token (`BearerAuthenticationToken`).
    pub bearer_token: Option<String>,
    /// The API key sent in the `ApiKeyHeader` header.
    pub api_key: Option<String>,
    /// A label for the client certificate (the emulator cannot do mutual TLS: the trace notes
    /// which certificate B2C would present).
    pub client_cert: Option<String>,
    /// Secrets by policy-key name (`B2C_1A_RestApiUsername` → `alice`).
    pub by_reference: BTreeMap<String, String>,
}

impl TestKeys {
    /// No keys.
    pub fn new() -> Self {
        TestKeys::default()
    }

    /// Basic credentials.
    pub fn basic(mut self, user: impl Into<String>, password: impl Into<String>) -> Self {
        self.basic = Some((user.into(), password.into()));
        self
    }

    /// A static bearer token.
    pub fn bearer(mut self, token: impl Into<String>) -> Self {
        self.bearer_token = Some(token.into());
        self
    }

    /// An API key.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// A client certificate label.
    pub fn client_cert(mut self, label: impl Into<String>) -> Self {
        self.client_cert = Some(label.into());
        self
    }

    /// A secret by policy-key name.
    pub fn key(
        mut self,
        storage_reference_id: impl Into<String>,
        secret: impl Into<String>,
    ) -> Self {
        self.by_reference
            .insert(storage_reference_id.into(), secret.into());
        self
    }
}

/// The policy could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmulatorError {
    /// Malformed XML.
    Parse(ParseError),
    /// A loopback base URL that is not allowed.
    Address(String),
}

impl fmt::Display for EmulatorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmulatorError::Parse(e) => write!(f, "{e}"),
            EmulatorError::Address(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for EmulatorError {}

/// A loaded policy waiting for its transport: [`EmulatorBuilder::in_process`],
/// [`EmulatorBuilder::actix`], [`EmulatorBuilder::configurator`] or [`EmulatorBuilder::http`].
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    policy: ParsedPolicy,
    options: EmulatorOptions,
    keys: TestKeys,
    context: ResolverContext,
}

impl EmulatorBuilder {
    /// Settings.
    pub fn options(mut self, options: EmulatorOptions) -> Self {
        self.options = options;
        self
    }

    /// Test secrets.
    pub fn keys(mut self, keys: TestKeys) -> Self {
        self.keys = keys;
        self
    }

    /// The default resolver context.
    pub fn context(mut self, context: ResolverContext) -> Self {
        self.context = context;
        self
    }

    /// Calls a claims [`App`](claims_runtime::App) in process.
    pub async fn in_process(self, app: claims_runtime::App) -> Emulator {
        self.configurator(app.into_configurator()).await
    }

    /// Calls the handlers of a [`Configurator`](claims_runtime::Configurator) in process.
    pub async fn configurator(self, conf: claims_runtime::Configurator) -> Emulator {
        self.actix(actix_web::App::new().configure(move |c| conf.configure(c)))
            .await
    }

    /// Calls any actix-web app in process (e.g. hand-written routes).
    pub async fn actix<T, B>(self, app: actix_web::App<T>) -> Emulator
    where
        T: ServiceFactory<
                actix_web::dev::ServiceRequest,
                Config = (),
                Response = ServiceResponse<B>,
                Error = actix_web::Error,
                InitError = (),
            > + 'static,
        B: MessageBody + 'static,
    {
        let svc = actix_web::test::init_service(app).await;
        self.finish(Rc::new(InProcess(Rc::new(svc))))
    }

    /// Calls a server listening on loopback over HTTP/1.1: the ServiceUrl's scheme, host and port
    /// are replaced by `base` (e.g. `http://127.0.0.1:8080`), its path and query are kept. Only
    /// loopback addresses are accepted.
    pub fn http(self, base: &str) -> Result<Emulator, EmulatorError> {
        let t = Loopback::new(base).map_err(EmulatorError::Address)?;
        Ok(self.finish(Rc::new(t)))
    }

    fn finish(self, transport: Rc<dyn Transport>) -> Emulator {
        Emulator {
            policy: Rc::new(self.policy),
            transport,
            options: self.options,
            keys: self.keys,
            context: self.context,
        }
    }
}

/// A step of a validation chain (`<ValidationTechnicalProfile>`, `docs/b2c-policy-xml.md` §4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationStep {
    /// `ReferenceId`.
    pub reference_id: String,
    /// `ContinueOnError` (default `false`).
    pub continue_on_error: bool,
    /// `ContinueOnSuccess` (default `true`).
    pub continue_on_success: bool,
}

impl ValidationStep {
    /// A step with the default attributes.
    pub fn new(reference_id: impl Into<String>) -> Self {
        ValidationStep {
            reference_id: reference_id.into(),
            continue_on_error: false,
            continue_on_success: true,
        }
    }

    /// `ContinueOnError="true"`.
    pub fn continue_on_error(mut self) -> Self {
        self.continue_on_error = true;
        self
    }

    /// `ContinueOnSuccess="false"`.
    pub fn stop_on_success(mut self) -> Self {
        self.continue_on_success = false;
        self
    }
}

impl From<&str> for ValidationStep {
    fn from(id: &str) -> Self {
        ValidationStep::new(id)
    }
}

/// The result of a validation chain.
#[derive(Debug, Clone, PartialEq)]
pub struct ChainOutcome {
    /// One outcome per profile that ran, in order.
    pub outcomes: Vec<Outcome>,
    /// The claim bag after the chain (inputs plus every successful step's outputs).
    pub claims: ClaimBag,
    /// The index of the step whose error stopped the chain and is shown on the page.
    pub stopped_at: Option<usize>,
}

impl ChainOutcome {
    /// The outcome that decides what the user sees: the stopping error, else the last step.
    pub fn decisive(&self) -> Option<&Outcome> {
        match self.stopped_at {
            Some(i) => self.outcomes.get(i),
            None => self.outcomes.last(),
        }
    }

    /// `true` when no error stopped the chain.
    pub fn passed(&self) -> bool {
        self.stopped_at.is_none()
    }
}

impl fmt::Display for ChainOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, o) in self.outcomes.iter().enumerate() {
            writeln!(f, "{}. {o}", i + 1)?;
        }
        match self.stopped_at {
            Some(i) => write!(f, "the chain stopped at step {}", i + 1),
            None => write!(f, "the chain passed; claims {}", self.claims),
        }
    }
}

/// The B2C emulator. See the [crate docs](crate).
#[derive(Clone)]
pub struct Emulator {
    policy: Rc<ParsedPolicy>,
    transport: Rc<dyn Transport>,
    options: EmulatorOptions,
    keys: TestKeys,
    context: ResolverContext,
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field(
                "profiles",
                &self
                    .policy
                    .profiles
                    .iter()
                    .map(|p| &p.id)
                    .collect::<Vec<_>>(),
            )
            .field("transport", &self.transport.describe())
            .field("options", &self.options)
            .finish()
    }
}

struct Prepared {
    req: TracedRequest,
    path: String,
    service_url: String,
}

struct NotSent {
    code: Option<&'static str>,
    reason: String,
    message: String,
}

impl Emulator {
    /// Loads policy XML (a whole file or pasted fragments) as text.
    #[allow(clippy::new_ret_no_self)]
    pub fn from_policy(xml: &str) -> Result<EmulatorBuilder, EmulatorError> {
        let policy = read_policy(xml).map_err(EmulatorError::Parse)?;
        let mut context = ResolverContext::default();
        if let Some(t) = &policy.tenant_id {
            context.tenant = t.clone();
        }
        Ok(EmulatorBuilder {
            policy,
            options: EmulatorOptions::default(),
            keys: TestKeys::default(),
            context,
        })
    }

    /// The parsed policy.
    pub fn policy(&self) -> &ParsedPolicy {
        &self.policy
    }

    /// The same emulator with another default resolver context.
    pub fn with_context(&self, context: ResolverContext) -> Emulator {
        Emulator {
            context,
            ..self.clone()
        }
    }

    /// The same emulator with other test keys.
    pub fn with_keys(&self, keys: TestKeys) -> Emulator {
        Emulator {
            keys,
            ..self.clone()
        }
    }

    /// The same emulator with other options.
    pub fn with_options(&self, options: EmulatorOptions) -> Emulator {
        Emulator {
            options,
            ..self.clone()
        }
    }

    /// Calls technical profile `tp` as a validation profile of a self-asserted page.
    pub async fn call(&self, tp: &str, claims: ClaimBag) -> Outcome {
        self.run(Step::Validation, tp, &claims, &self.context).await
    }

    /// Like [`Emulator::call`] with a specific resolver context (culture, correlation id, …).
    pub async fn call_with(&self, tp: &str, claims: ClaimBag, ctx: &ResolverContext) -> Outcome {
        self.run(Step::Validation, tp, &claims, ctx).await
    }

    /// Calls `tp` as an orchestration-step claims exchange.
    pub async fn call_step(&self, tp: &str, claims: ClaimBag) -> Outcome {
        self.run(Step::Orchestration, tp, &claims, &self.context)
            .await
    }

    /// Calls `tp` used as `step` with context `ctx`.
    pub async fn call_as(
        &self,
        step: Step,
        tp: &str,
        claims: ClaimBag,
        ctx: &ResolverContext,
    ) -> Outcome {
        self.run(step, tp, &claims, ctx).await
    }

    /// Runs validation profiles in order with a shared claim bag: the outputs of one feed the
    /// next; the first error stops the chain unless its step has `ContinueOnError`.
    pub async fn validate<S: Into<ValidationStep> + Clone>(
        &self,
        steps: &[S],
        claims: ClaimBag,
    ) -> ChainOutcome {
        let mut bag = claims;
        let mut outcomes = Vec::new();
        let mut stopped_at = None;
        for (i, s) in steps.iter().enumerate() {
            let step: ValidationStep = s.clone().into();
            let o = self
                .run(Step::Validation, &step.reference_id, &bag, &self.context)
                .await;
            let ok = o.is_success();
            if ok {
                bag.merge(&o.claims);
            }
            outcomes.push(o);
            if !ok && !step.continue_on_error {
                stopped_at = Some(i);
                break;
            }
            if ok && !step.continue_on_success {
                break;
            }
        }
        ChainOutcome {
            outcomes,
            claims: bag,
            stopped_at,
        }
    }

    async fn run(&self, step: Step, tp: &str, bag: &ClaimBag, ctx: &ResolverContext) -> Outcome {
        let mut out = Outcome {
            technical_profile: tp.to_owned(),
            step,
            kind: OutcomeKind::Success,
            b2c_code: None,
            user_view: UserView::Nothing,
            leaks_service_url: false,
            claims: ClaimBag::new(),
            missing_claims: Vec::new(),
            warnings: Vec::new(),
            trace: Trace::default(),
        };
        let Some(profile) = self.policy.profile(tp) else {
            let reason = format!("the policy has no technical profile '{tp}'");
            return fail(
                out,
                OutcomeKind::NotSent {
                    reason: reason.clone(),
                },
                None,
                reason,
            );
        };
        let prepared = match self.prepare(profile, bag, ctx, &mut out.warnings) {
            Ok(p) => p,
            Err(n) => {
                return fail(
                    out,
                    OutcomeKind::NotSent { reason: n.reason },
                    n.code,
                    n.message,
                );
            }
        };
        out.trace.request = Some(prepared.req.clone());
        let attempts = 1 + self.options.retries;
        let mut last_error = None;
        for _ in 0..attempts {
            let started = Instant::now();
            let sent = actix_web::rt::time::timeout(
                self.options.timeout,
                self.transport.send(&prepared.req, &prepared.path),
            )
            .await;
            let elapsed = started.elapsed();
            match sent {
                Ok(Ok(resp)) => {
                    out.trace.attempts.push(Attempt {
                        response: Some(resp.clone()),
                        error: None,
                        elapsed,
                    });
                    return self.interpret(profile, &prepared.service_url, resp, out);
                }
                Ok(Err(e)) => {
                    out.trace.attempts.push(Attempt {
                        response: None,
                        error: Some(e.clone()),
                        elapsed,
                    });
                    last_error = Some(e);
                }
                Err(_) => {
                    out.trace.attempts.push(Attempt {
                        response: None,
                        error: Some(format!("timed out after {:?}", self.options.timeout)),
                        elapsed,
                    });
                    last_error = None;
                }
            }
        }
        let url = &prepared.service_url;
        match last_error {
            None => {
                let secs = self.options.timeout.as_secs_f64();
                let (msg, leaks) = match profile
                    .metadata(md::USER_MESSAGE_IF_REQUEST_TIMEOUT)
                    .or_else(|| profile.metadata(md::DEFAULT_USER_MESSAGE_IF_REQUEST_FAILED))
                {
                    Some(m) => (m.to_owned(), false),
                    None => (
                        format!(
                            "Failed to establish connection to restful service end point within timeout limit {secs} seconds. Restful service URL: {url}"
                        ),
                        true,
                    ),
                };
                out.leaks_service_url = leaks;
                fail(
                    out,
                    OutcomeKind::Timeout {
                        attempts,
                        timeout: self.options.timeout,
                    },
                    None,
                    msg,
                )
            }
            Some(error) => {
                let (msg, leaks) = request_failed(profile, url);
                out.leaks_service_url = leaks;
                fail(out, OutcomeKind::ConnectionFailed { error }, None, msg)
            }
        }
    }

    fn prepare(
        &self,
        profile: &ParsedProfile,
        bag: &ClaimBag,
        ctx: &ResolverContext,
        warnings: &mut Vec<String>,
    ) -> Result<Prepared, NotSent> {
        let tp = profile.id.as_str();
        if profile
            .protocol_handler
            .as_deref()
            .is_none_or(|h| !h.contains("RestfulProvider"))
        {
            return Err(not_sent(
                None,
                format!("'{tp}' is not a RESTful technical profile (Protocol Handler)"),
            ));
        }
        let meta = |k: &str| metadata(profile, k);
        let Some(service_url) = meta(md::SERVICE_URL) else {
            return Err(not_sent(
                Some("AADB2C90023"),
                format!("Profile '{tp}' does not contain the required metadata key 'ServiceUrl'."),
            ));
        };
        let Some(auth) = meta(md::AUTHENTICATION_TYPE) else {
            return Err(not_sent(
                Some("AADB2C90023"),
                format!(
                    "Profile '{tp}' does not contain the required metadata key 'AuthenticationType'."
                ),
            ));
        };
        let mode = meta(md::SEND_CLAIMS_IN)
            .unwrap_or("Body")
            .to_ascii_lowercase();
        if !matches!(
            mode.as_str(),
            "body" | "form" | "header" | "url" | "querystring"
        ) {
            return Err(not_sent(
                Some("AADB2C99011"),
                format!("SendClaimsIn '{mode}' of '{tp}' is not a supported value"),
            ));
        }
        let resolving = profile_flag(profile, md::INCLUDE_CLAIM_RESOLVING);

        // 1. Input claims transformations (GenerateJson) on a working copy of the bag.
        let mut work = bag.clone();
        for id in &profile.input_claims_transformations {
            match self.policy.transformation(id) {
                None => warnings.push(format!(
                    "input claims transformation '{id}' is not declared in this file"
                )),
                Some(t) if t.method == "GenerateJson" => {
                    let mut root = Value::Object(Default::default());
                    for (claim, path) in &t.input_claims {
                        match work.get(claim) {
                            Some(v) if !v.is_empty() => {
                                insert_dot_path(&mut root, path, Value::String(v.as_text()))
                                    .map_err(|e| not_sent(None, format!("GenerateJson {id}: {e}")))?
                            }
                            _ => warnings.push(format!(
                                "GenerateJson {id}: input claim '{claim}' has no value and is left out"
                            )),
                        }
                    }
                    for (pid, dt, value) in &t.input_parameters {
                        insert_dot_path(&mut root, pid, typed_from_text(dt, value))
                            .map_err(|e| not_sent(None, format!("GenerateJson {id}: {e}")))?;
                    }
                    for (claim, _) in &t.output_claims {
                        work.insert(claim.clone(), root.to_string());
                    }
                }
                Some(t) => warnings.push(format!(
                    "input claims transformation '{id}' ({}) is not emulated",
                    t.method
                )),
            }
        }

        // 2. Input claim values (`docs/b2c-wire-contract.md` §4.1, §4.2, §4.4).
        let mut inputs: Vec<(&ParsedClaim, ClaimValue)> = Vec::new();
        for c in &profile.input_claims {
            let from_bag = work.get(&c.claim_type).filter(|v| !v.is_empty());
            let value = match (&c.default_value, from_bag) {
                (Some(d), _) if c.always_use_default => {
                    Some(self.default_value(c, d, resolving, &work, ctx, warnings)?)
                }
                (_, Some(v)) => {
                    if c.default_value.as_deref().is_some_and(has_resolver) {
                        warnings.push(format!(
                            "input claim '{}' has a resolver default without AlwaysUseDefaultValue=\"true\": the value from the claim bag wins",
                            c.claim_type
                        ));
                    }
                    Some(v.clone())
                }
                (Some(d), None) => Some(self.default_value(c, d, resolving, &work, ctx, warnings)?),
                (None, None) => None,
            };
            match value {
                Some(v) if !v.is_empty() => inputs.push((c, v)),
                _ => {
                    if c.required {
                        warnings.push(format!(
                            "input claim '{}' is Required but has no value (runtime effect [UNCONFIRMED]); it is not sent",
                            c.claim_type
                        ));
                    }
                }
            }
        }

        // 3. Authentication (`docs/b2c-wire-contract.md` §3.1).
        let mut headers: Vec<(String, String)> = Vec::new();
        let mut notes = vec![self.transport.describe()];
        let key_ref = |id: &str| {
            profile
                .keys
                .iter()
                .find(|(k, _)| k == id)
                .map(|(_, r)| r.clone())
        };
        let missing_key = |id: &str| {
            not_sent(
                Some("AADB2C90025"),
                format!(
                    "The cryptographic key '{id}' required by technical profile '{tp}' was not found."
                ),
            )
        };
        match auth.to_ascii_lowercase().as_str() {
            "none" => {}
            "basic" => {
                let user_ref = key_ref(md::keys::BASIC_USERNAME)
                    .ok_or_else(|| missing_key(md::keys::BASIC_USERNAME))?;
                let pass_ref = key_ref(md::keys::BASIC_PASSWORD)
                    .ok_or_else(|| missing_key(md::keys::BASIC_PASSWORD))?;
                let user = self
                    .keys
                    .by_reference
                    .get(&user_ref)
                    .cloned()
                    .or_else(|| self.keys.basic.as_ref().map(|b| b.0.clone()))
                    .ok_or_else(|| missing_key(&user_ref))?;
                let pass = self
                    .keys
                    .by_reference
                    .get(&pass_ref)
                    .cloned()
                    .or_else(|| self.keys.basic.as_ref().map(|b| b.1.clone()))
                    .ok_or_else(|| missing_key(&pass_ref))?;
                headers.push((
                    "Authorization".to_owned(),
                    format!(
                        "Basic {}",
                        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
                    ),
                ));
            }
            "bearer" => {
                let token = if let Some(claim) = meta(md::USE_CLAIM_AS_BEARER_TOKEN) {
                    let listed = profile.input_claims.iter().any(|c| c.claim_type == claim);
                    match work.get(claim).filter(|v| !v.is_empty()) {
                        Some(v) if listed => v.as_text(),
                        _ => {
                            return Err(not_sent(
                                Some("AADB2C90194"),
                                format!(
                                    "The bearer token claim '{claim}' of technical profile '{tp}' is not present{}.",
                                    if listed {
                                        ""
                                    } else {
                                        " among its input claims"
                                    }
                                ),
                            ));
                        }
                    }
                } else {
                    let r = key_ref(md::keys::BEARER_TOKEN)
                        .ok_or_else(|| missing_key(md::keys::BEARER_TOKEN))?;
                    self.keys
                        .by_reference
                        .get(&r)
                        .cloned()
                        .or_else(|| self.keys.bearer_token.clone())
                        .ok_or_else(|| missing_key(&r))?
                };
                headers.push(("Authorization".to_owned(), format!("Bearer {token}")));
            }
            "apikeyheader" => {
                let (header, r) = profile
                    .keys
                    .first()
                    .cloned()
                    .ok_or_else(|| missing_key("<API key header>"))?;
                let secret = self
                    .keys
                    .by_reference
                    .get(&r)
                    .cloned()
                    .or_else(|| self.keys.api_key.clone())
                    .ok_or_else(|| missing_key(&r))?;
                headers.push((header, secret));
            }
            "clientcertificate" => {
                let r = key_ref(md::keys::CLIENT_CERTIFICATE)
                    .ok_or_else(|| missing_key(md::keys::CLIENT_CERTIFICATE))?;
                let label = self
                    .keys
                    .by_reference
                    .get(&r)
                    .cloned()
                    .or_else(|| self.keys.client_cert.clone())
                    .ok_or_else(|| missing_key(&r))?;
                notes.push(format!(
                    "B2C presents the TLS client certificate '{label}' ({r}) during the handshake; not emulated over plain HTTP"
                ));
            }
            other => {
                return Err(not_sent(
                    Some("AADB2C99011"),
                    format!("AuthenticationType '{other}' of '{tp}' is not a supported value"),
                ));
            }
        }

        // 4. Transport per SendClaimsIn (`docs/b2c-wire-contract.md` §2.2, §4.5, §4.6).
        let inputs: Vec<(&ParsedClaim, ClaimValue, String)> = inputs
            .into_iter()
            .map(|(c, v)| {
                let dt = match self
                    .policy
                    .claim_type(&c.claim_type)
                    .and_then(|t| t.data_type.clone())
                {
                    Some(dt) => dt,
                    None => {
                        warnings.push(format!(
                            "claim type '{}' is not declared (with a DataType) in this file; treated as string",
                            c.claim_type
                        ));
                        "string".to_owned()
                    }
                };
                (c, v, dt)
            })
            .collect();
        let payload_claim = meta(md::CLAIM_USED_FOR_REQUEST_PAYLOAD);
        // The bearer-token claim travels only as the Authorization header, in every mode.
        let bearer_claim = (auth.eq_ignore_ascii_case("bearer"))
            .then(|| meta(md::USE_CLAIM_AS_BEARER_TOKEN))
            .flatten();
        let inputs: Vec<(&ParsedClaim, ClaimValue, String)> = inputs
            .into_iter()
            .filter(|(c, _, _)| Some(c.claim_type.as_str()) != bearer_claim)
            .collect();
        let mut url = service_url.to_owned();
        let mut body = Vec::new();
        let method;
        match mode.as_str() {
            "body" => {
                method = "POST";
                headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
                if let Some(pc) = payload_claim {
                    match work.get(pc) {
                        Some(v) => body = v.as_text().into_bytes(),
                        None => warnings.push(format!(
                            "payload claim '{pc}' has no value: the body is empty"
                        )),
                    }
                    // Other input claims beside the payload fill `{placeholders}` of the
                    // ServiceUrl (B2C's behaviour [UNCONFIRMED]); the payload claim is the body.
                    let others: Vec<(&ParsedClaim, ClaimValue, String)> = inputs
                        .iter()
                        .filter(|(c, _, _)| c.claim_type != pc)
                        .cloned()
                        .collect();
                    if !claims_core::grammar::scan_placeholders(&url).is_empty() {
                        url = substitute_url(&url, &others, warnings);
                    }
                } else {
                    let mut obj = serde_json::Map::new();
                    for (c, v, dt) in &inputs {
                        let (json, w) = body_value(v, dt, self.options.scalars);
                        if let Some(w) = w {
                            warnings.push(format!("input claim '{}': {w}", c.claim_type));
                        }
                        obj.insert(c.wire().to_owned(), json);
                    }
                    body = Value::Object(obj).to_string().into_bytes();
                }
            }
            "form" => {
                method = "POST";
                headers.push((
                    "Content-Type".to_owned(),
                    "application/x-www-form-urlencoded".to_owned(),
                ));
                body = pairs(&inputs).into_bytes();
            }
            "querystring" => {
                method = "GET";
                let q = pairs(&inputs);
                if !q.is_empty() {
                    url.push(if url.contains('?') { '&' } else { '?' });
                    url.push_str(&q);
                }
            }
            "header" => {
                method = "GET";
                for (c, v, dt) in &inputs {
                    for item in text_values(v, dt) {
                        let value = if item.is_ascii() {
                            item
                        } else {
                            warnings.push(format!(
                                "input claim '{}' is not ASCII: percent-encoded in its header (B2C's encoding is [UNCONFIRMED])",
                                c.claim_type
                            ));
                            utf8_percent_encode(&item, ENCODE).to_string()
                        };
                        headers.push((c.wire().to_owned(), value));
                    }
                }
            }
            _ => {
                method = "GET";
                url = substitute_url(&url, &inputs, warnings);
            }
        }
        let (origin, path_and_query) = split_url(&url);
        let full_url = match self.transport.origin() {
            Some(o) => format!("{o}{path_and_query}"),
            None => format!("{origin}{path_and_query}"),
        };
        let mut path = path_and_query.clone();
        if let Some(p) = &self.options.strip_path_prefix {
            let p = p.trim_end_matches('/');
            if let Some(rest) = path.strip_prefix(p)
                && (rest.starts_with('/') || rest.starts_with('?') || rest.is_empty())
            {
                path = if rest.starts_with('/') {
                    rest.to_owned()
                } else {
                    format!("/{rest}")
                };
            }
        }
        Ok(Prepared {
            req: TracedRequest {
                method: method.to_owned(),
                url: full_url.clone(),
                headers,
                body,
                notes,
            },
            path,
            service_url: full_url,
        })
    }

    fn default_value(
        &self,
        c: &ParsedClaim,
        default: &str,
        resolving: bool,
        bag: &ClaimBag,
        ctx: &ResolverContext,
        warnings: &mut Vec<String>,
    ) -> Result<ClaimValue, NotSent> {
        if !has_resolver(default) {
            return Ok(ClaimValue::from(default));
        }
        if !resolving {
            warnings.push(format!(
                "input claim '{}' sends the literal text {default:?}: the profile lacks IncludeClaimResolvingInClaimsHandling=true",
                c.claim_type
            ));
            return Ok(ClaimValue::from(default));
        }
        resolve_text(default, ctx, bag)
            .map(ClaimValue::from)
            .map_err(|u| {
                let inner = u.0.trim_start_matches('{').trim_end_matches('}');
                let (kind, name) = inner.split_once(':').unwrap_or((inner, ""));
                not_sent(
                    Some("AADB2C90044"),
                    format!("The claim '{name}' is not supported by the claim resolver '{kind}'."),
                )
            })
    }

    fn interpret(
        &self,
        profile: &ParsedProfile,
        url: &str,
        resp: TracedResponse,
        mut out: Outcome,
    ) -> Outcome {
        let status = resp.status;
        let tp = profile.id.as_str();
        let order = self.options.step_order;
        if (200..300).contains(&status) {
            let text = resp.body_text();
            let doc = if text.trim().is_empty() {
                Value::Object(Default::default())
            } else {
                match serde_json::from_str::<Value>(&text) {
                    Ok(v @ Value::Object(_)) => v,
                    _ if profile.output_claims.is_empty() => {
                        out.warnings.push(
                            "the 2xx body is not a JSON object (ignored: the profile has no output claims)"
                                .to_owned(),
                        );
                        Value::Object(Default::default())
                    }
                    _ => {
                        let (msg, leaks) = request_failed(profile, url);
                        out.leaks_service_url = leaks;
                        return fail(
                            out,
                            OutcomeKind::UnparseableSuccess {
                                http_status: status,
                            },
                            None,
                            msg,
                        );
                    }
                }
            };
            let error_shaped = doc.get("userMessage").is_some()
                || doc
                    .get("status")
                    .and_then(status_number)
                    .is_some_and(|s| s >= 400);
            let resolve_paths = profile_flag(profile, md::RESOLVE_JSON_PATHS);
            for c in &profile.output_claims {
                let wire = c.wire();
                let dt = self
                    .policy
                    .claim_type(&c.claim_type)
                    .and_then(|t| t.data_type.clone())
                    .unwrap_or_else(|| {
                        out.warnings.push(format!(
                            "claim type '{}' is not declared (with a DataType) in this file; treated as string",
                            c.claim_type
                        ));
                        "string".to_owned()
                    });
                let looks_like_path = wire.contains('.') || wire.contains('[');
                let found: Option<Value> = if c.always_use_default && c.default_value.is_some() {
                    None
                } else if resolve_paths && looks_like_path {
                    if has_dotted_index(wire) {
                        out.warnings.push(format!(
                            "output claim '{}': PartnerClaimType '{wire}' uses GenerateJson's dotted index; B2C JSON paths index arrays with brackets ('{}')",
                            c.claim_type,
                            bracketize(wire)
                        ));
                    }
                    select_path(&doc, wire).cloned()
                } else {
                    let v = doc.get(wire).cloned();
                    if v.is_none() && looks_like_path {
                        out.warnings.push(format!(
                            "output claim '{}': PartnerClaimType '{wire}' looks like a JSON path but the profile lacks ResolveJsonPathsInJsonTokens=true, so B2C looks for a top-level key named '{wire}'",
                            c.claim_type
                        ));
                    }
                    v
                };
                let value = match (found, &c.default_value) {
                    (Some(v), _) => v,
                    (None, Some(d)) => default_from_text(&dt, d),
                    (None, None) => {
                        out.missing_claims.push(c.claim_type.clone());
                        continue;
                    }
                };
                // An object stored in a string claim keeps the service's own text (key order).
                let value = match (&value, dt.as_str()) {
                    (Value::Object(_), "string") => {
                        match raw_at(&text, wire, resolve_paths && looks_like_path) {
                            Some(raw) => {
                                out.warnings.push(format!(
                                    "output claim '{}': an object mapped into a string claim becomes its JSON text (`docs/b2c-wire-contract.md` §5.3)",
                                    c.claim_type
                                ));
                                Value::String(raw)
                            }
                            None => value,
                        }
                    }
                    _ => value,
                };
                match check_output(&dt, &value, self.options.strict_output_types) {
                    Ok(checked) => {
                        if let Some(w) = checked.warning {
                            out.warnings
                                .push(format!("output claim '{}': {w}", c.claim_type));
                        }
                        out.claims.insert(c.claim_type.clone(), checked.value);
                    }
                    Err(reason) => {
                        let msg = format!(
                            "B2C cannot store the value of output claim '{}' ({dt}) returned by '{tp}' (exact B2C error text [UNCONFIRMED])",
                            c.claim_type
                        );
                        out.claims = ClaimBag::new();
                        out.missing_claims.clear();
                        return fail(
                            out,
                            OutcomeKind::TypeMismatch {
                                claim: c.claim_type.clone(),
                                wire: wire.to_owned(),
                                data_type: dt,
                                value: value.to_string(),
                                reason,
                            },
                            None,
                            msg,
                        );
                    }
                }
            }
            if error_shaped {
                let user_message = doc
                    .get("userMessage")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                out.warnings.push(format!(
                    "HTTP {status} with an error-shaped body: B2C treats any 2xx as success and does not show userMessage (azure-docs#6915); answer 409 for a validation error"
                ));
                out.kind = OutcomeKind::ErrorBodyIgnored {
                    http_status: status,
                    user_message,
                };
            }
            return out;
        }
        let auth = metadata(profile, md::AUTHENTICATION_TYPE)
            .unwrap_or("None")
            .to_ascii_lowercase();
        if status == 401 || status == 403 {
            let (code, msg) = match auth.as_str() {
                "clientcertificate" => (
                    "AADB2C90028",
                    format!(
                        "Client certificate specified for '{tp}' is invalid. Check that the certificate is correct, contains a private key and that access has been granted by the resource."
                    ),
                ),
                "basic" | "apikeyheader" => (
                    "AADB2C90027",
                    format!(
                        "Basic credentials specified for '{tp}' are invalid. Check that the credentials are correct and that access has been granted by the resource."
                    ),
                ),
                _ => ("AADB2C90075", aadb2c90075(tp, order, status)),
            };
            return fail(
                out,
                OutcomeKind::AuthRejected {
                    http_status: status,
                },
                Some(code),
                msg,
            );
        }
        let doc: Option<Value> = if (400..500).contains(&status) {
            serde_json::from_slice(&resp.body).ok()
        } else {
            None
        };
        let contract = doc.as_ref().and_then(|d| {
            let ok = d.get("status").and_then(status_number) == Some(409);
            let msg = d.get("userMessage").and_then(Value::as_str)?;
            ok.then(|| (d, msg.to_owned()))
        });
        // Any 4xx with a contract body shows its userMessage, 404 included; a 404 without one
        // is the generic "HTTP error response" failure below, not an unparseable body.
        if (400..500).contains(&status) && (status != 404 || contract.is_some()) {
            let Some((d, user_message)) = contract else {
                return fail(
                    out,
                    OutcomeKind::UnparseableError {
                        http_status: status,
                    },
                    Some("AADB2C90261"),
                    format!(
                        "The claims exchange '{tp}' specified in step '{order}' returned HTTP error response that could not be parsed."
                    ),
                );
            };
            if d.get("version").and_then(Value::as_str).is_none() {
                out.warnings
                    .push("the error body lacks the required `version` string".to_owned());
            }
            let debug = profile_flag(profile, md::DEBUG_MODE).then(|| {
                let s = |k: &str| d.get(k).and_then(Value::as_str).map(str::to_owned);
                DebugFields {
                    code: s("code"),
                    request_id: s("requestId"),
                    developer_message: s("developerMessage"),
                    more_info: s("moreInfo"),
                }
            });
            let mut page = user_message.clone();
            if let Some(dbg) = &debug {
                for (k, v) in [
                    ("code", &dbg.code),
                    ("requestId", &dbg.request_id),
                    ("developerMessage", &dbg.developer_message),
                    ("moreInfo", &dbg.more_info),
                ] {
                    if let Some(v) = v {
                        page.push_str(&format!(" | {k}: {v}"));
                    }
                }
            }
            out.user_view = match out.step {
                Step::Validation => UserView::Page(page),
                Step::Orchestration => UserView::App(user_message.clone()),
            };
            out.kind = OutcomeKind::UserError {
                http_status: status,
                user_message,
                debug,
            };
            return out;
        }
        let (msg, leaks, code) = match out.step {
            Step::Validation => {
                let (m, l) = request_failed(profile, url);
                (m, l, None)
            }
            Step::Orchestration => (aadb2c90075(tp, order, status), false, Some("AADB2C90075")),
        };
        out.leaks_service_url = leaks;
        fail(
            out,
            OutcomeKind::HttpError {
                http_status: status,
            },
            code,
            msg,
        )
    }
}

fn fail(mut out: Outcome, kind: OutcomeKind, code: Option<&'static str>, msg: String) -> Outcome {
    out.kind = kind;
    out.b2c_code = code;
    let msg = match code {
        Some(c) if !msg.starts_with(c) => format!("{c}: {msg}"),
        _ => msg,
    };
    out.user_view = match out.step {
        Step::Validation => UserView::Page(msg),
        Step::Orchestration => UserView::App(msg),
    };
    out
}

fn not_sent(code: Option<&'static str>, message: String) -> NotSent {
    NotSent {
        code,
        reason: match code {
            Some(c) => format!("{c}: {message}"),
            None => message.clone(),
        },
        message,
    }
}

fn metadata<'a>(p: &'a ParsedProfile, key: &str) -> Option<&'a str> {
    p.metadata(key).or_else(|| {
        p.metadata
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v.as_str())
    })
}

fn profile_flag(p: &ParsedProfile, key: &str) -> bool {
    metadata(p, key).is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

fn has_resolver(text: &str) -> bool {
    text.find('{').is_some_and(|i| {
        text[i..]
            .find('}')
            .is_some_and(|j| text[i..i + j].contains(':'))
    })
}

fn status_number(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// `DefaultUserMessageIfRequestFailed`, else B2C's built-in text (which shows the URL).
fn request_failed(profile: &ParsedProfile, url: &str) -> (String, bool) {
    match metadata(profile, md::DEFAULT_USER_MESSAGE_IF_REQUEST_FAILED) {
        Some(m) => (m.to_owned(), false),
        None => (
            format!(
                "Failed to establish connection to restful service end point. Restful service URL: {url}"
            ),
            true,
        ),
    }
}

fn aadb2c90075(tp: &str, order: u32, status: u16) -> String {
    let code = match status {
        400 => "BadRequest".to_owned(),
        401 => "Unauthorized".to_owned(),
        403 => "Forbidden".to_owned(),
        404 => "NotFound".to_owned(),
        405 => "MethodNotAllowed".to_owned(),
        408 => "RequestTimeout".to_owned(),
        429 => "TooManyRequests".to_owned(),
        500 => "InternalServerError".to_owned(),
        501 => "NotImplemented".to_owned(),
        502 => "BadGateway".to_owned(),
        503 => "ServiceUnavailable".to_owned(),
        504 => "GatewayTimeout".to_owned(),
        other => other.to_string(),
    };
    let reason = actix_web::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    format!(
        "The claims exchange '{tp}' specified in step '{order}' returned HTTP error response with Code '{code}' and Reason '{reason}'."
    )
}

/// A `GenerateJson` dot path rewritten with brackets (for a hint), or the path as it is.
fn bracketize(path: &str) -> String {
    claims_core::grammar::parse_dot_path(path).map_or_else(
        |_| path.to_owned(),
        |segs| claims_core::grammar::render_bracket(&segs),
    )
}

fn pairs(inputs: &[(&ParsedClaim, ClaimValue, String)]) -> String {
    let mut out = Vec::new();
    for (c, v, dt) in inputs {
        for item in text_values(v, dt) {
            out.push(format!(
                "{}={}",
                utf8_percent_encode(c.wire(), ENCODE),
                utf8_percent_encode(&item, ENCODE)
            ));
        }
    }
    out.join("&")
}

fn substitute_url(
    url: &str,
    inputs: &[(&ParsedClaim, ClaimValue, String)],
    warnings: &mut Vec<String>,
) -> String {
    let mut out = String::new();
    let mut last = 0;
    let mut used = Vec::new();
    for (range, name) in claims_core::grammar::scan_placeholders(url) {
        out.push_str(&url[last..range.start]);
        last = range.end;
        match inputs.iter().find(|(c, _, _)| c.wire() == name) {
            Some((c, v, dt)) => {
                used.push(c.claim_type.clone());
                let text = text_values(v, dt).join(",");
                out.push_str(&utf8_percent_encode(&text, ENCODE).to_string());
            }
            None => {
                warnings.push(format!(
                    "ServiceUrl placeholder {{{name}}} has no input claim value: left empty (B2C's behaviour [UNCONFIRMED])"
                ));
            }
        }
    }
    out.push_str(&url[last..]);
    for (c, _, _) in inputs {
        if !used.contains(&c.claim_type) {
            warnings.push(format!(
                "input claim '{}' is not referenced by a ServiceUrl placeholder: not sent in Url mode (B2C's behaviour [UNCONFIRMED])",
                c.claim_type
            ));
        }
    }
    out
}

/// `(scheme://host[:port], /path?query)`.
fn split_url(url: &str) -> (String, String) {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    match url[after_scheme..].find(['/', '?']) {
        Some(i) => {
            let (o, r) = url.split_at(after_scheme + i);
            let r = if r.starts_with('?') {
                format!("/{r}")
            } else {
                r.to_owned()
            };
            (o.to_owned(), r)
        }
        None => (url.to_owned(), "/".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_and_bracketize() {
        assert_eq!(
            split_url("https://a.b:8443/x/y?q=1"),
            ("https://a.b:8443".to_owned(), "/x/y?q=1".to_owned())
        );
        assert_eq!(
            split_url("https://a.b?q=1"),
            ("https://a.b".to_owned(), "/?q=1".to_owned())
        );
        assert_eq!(bracketize("a.0.b.1"), "a[0].b[1]");
    }
}
