//! An OpenAPI 3.1 description of the handlers, written from their descriptors.
//!
//! One operation per handler (`operationId` = technical profile id): `POST` with a JSON or
//! urlencoded body for `Body` and `Form`, `GET` with header, query or path parameters for
//! `Header`, `QueryString` and `Url`. Parameters and properties carry the wire names (partner
//! claim types), typed from the B2C data types; a `#[claim(payload)]` handler's body is the nested
//! document its `GenerateJson` transformation builds. The `200` body holds the output claims
//! (nested paths as nested objects and arrays); every error status the runtime can answer
//! refers to the shared [`ERROR_SCHEMA`] (the B2C error body). Security schemes follow each
//! handler's authentication.
//!
//! The document is a [`serde_json::Value`]; [`export`] renders it. The output depends only on
//! the descriptors and the options, never on the order of the handlers.
//!
//! ```
//! use claims_core::spec::{AuthSpec, DataType, HandlerSpec, InputClaimSpec, SendClaimsIn};
//! use claims_export::openapi::{self, OpenApiOptions};
//!
//! static INPUTS: [InputClaimSpec; 1] =
//!     [InputClaimSpec::new("email", DataType::String).with_partner("emailAddress")];
//! static SPEC: HandlerSpec = HandlerSpec::new("REST-Check", "/check", SendClaimsIn::Body)
//!     .with_auth(AuthSpec::Basic)
//!     .with_inputs(&INPUTS);
//! let doc = openapi::document(&[&SPEC], &OpenApiOptions::default()).unwrap();
//! assert_eq!(doc["paths"]["/check"]["post"]["operationId"], "REST-Check");
//! ```

use std::collections::BTreeMap;
use std::fmt;

use claims_core::grammar::{self, Segment};
use claims_core::spec::{AuthSpec, DataType, HandlerSpec, InputClaimSpec, SendClaimsIn};
use serde_json::{Map, Value, json};

/// The `openapi` field of the document.
pub const OPENAPI_VERSION: &str = "3.1.0";

/// Name of the shared error body schema under `components/schemas`.
pub const ERROR_SCHEMA: &str = "ErrorBody";

/// Options of an OpenAPI export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenApiOptions {
    /// `info.title`.
    pub title: String,
    /// `info.version`: the version of the service.
    pub version: String,
    /// `info.description`, if any.
    pub description: Option<String>,
    /// Base URLs written as `servers`; empty leaves `servers` out, so tools resolve the paths
    /// against the document's own location.
    pub servers: Vec<String>,
    /// The authentication of handlers declaring [`AuthSpec::Inherit`]: the app's default. Left
    /// at `Inherit`, describing such a handler is an error rather than a guess.
    pub default_auth: AuthSpec,
}

impl Default for OpenApiOptions {
    #[inline] // see `check`
    fn default() -> Self {
        OpenApiOptions {
            title: "Claims API".to_owned(),
            version: "1.0.0".to_owned(),
            description: None,
            servers: Vec::new(),
            default_auth: AuthSpec::Inherit,
        }
    }
}

/// Why a document could not be written: every problem found, one message each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenApiError(pub Vec<String>);

impl fmt::Display for OpenApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "OpenAPI export failed:")?;
        for p in &self.0 {
            writeln!(f, "  - {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for OpenApiError {}

/// The document as pretty-printed JSON, ending with a newline.
pub fn export(specs: &[&HandlerSpec], opts: &OpenApiOptions) -> Result<String, OpenApiError> {
    let doc = document(specs, opts)?;
    let mut text = serde_json::to_string_pretty(&doc)
        .map_err(|e| OpenApiError(vec![format!("cannot render the document: {e}")]))?;
    text.push('\n');
    Ok(text)
}

/// The problems that keep the document for `specs` from being written, found without writing
/// it: exactly what [`document`] and [`export`] refuse, at a small part of their memory (a
/// service checks its document at start and writes it when it is first asked for).
// `#[inline]` here and on what it calls: a service runs this once at start and nothing else of
// this crate; compiled with its caller, it lies among the runtime's other start-up code instead
// of bringing blocks of this crate's code into the process (executables are mapped in 64 KiB
// blocks: about 0.1 MiB of peak RSS, measured).
#[inline]
pub fn check(specs: &[&HandlerSpec], opts: &OpenApiOptions) -> Result<(), OpenApiError> {
    let (operations, mut problems) = operations(specs, opts);
    for (spec, _) in operations {
        parsed(spec, &mut problems);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(OpenApiError(problems))
    }
}

/// Builds the OpenAPI 3.1 document for `specs`.
pub fn document(specs: &[&HandlerSpec], opts: &OpenApiOptions) -> Result<Value, OpenApiError> {
    let (operations, mut problems) = operations(specs, opts);
    let mut paths: BTreeMap<&str, Map<String, Value>> = BTreeMap::new();
    let mut schemes = Map::new();
    for (spec, auth) in operations {
        let op = operation(spec, auth, &mut schemes, &mut problems);
        paths.entry(spec.route).or_default().insert(
            spec.send_claims_in.http_method().to_ascii_lowercase(),
            Value::Object(op),
        );
    }
    if !problems.is_empty() {
        return Err(OpenApiError(problems));
    }

    let mut info = Map::new();
    info.insert("title".into(), opts.title.clone().into());
    info.insert("version".into(), opts.version.clone().into());
    if let Some(d) = &opts.description {
        info.insert("description".into(), d.clone().into());
    }
    let mut components = Map::new();
    components.insert("schemas".into(), json!({ ERROR_SCHEMA: error_schema() }));
    if !schemes.is_empty() {
        components.insert("securitySchemes".into(), Value::Object(schemes));
    }
    let mut doc = Map::new();
    doc.insert("openapi".into(), OPENAPI_VERSION.into());
    doc.insert("info".into(), Value::Object(info));
    if !opts.servers.is_empty() {
        let servers = opts.servers.iter().map(|u| json!({ "url": u })).collect();
        doc.insert("servers".into(), Value::Array(servers));
    }
    let paths = paths
        .into_iter()
        .map(|(p, item)| (p.to_owned(), Value::Object(item)))
        .collect();
    doc.insert("paths".into(), Value::Object(paths));
    doc.insert("components".into(), Value::Object(components));
    Ok(Value::Object(doc))
}

/// The operations to describe, in a fixed order (security scheme names are assigned in it), each
/// with the authentication it is described with; and the problems of the handler set: two
/// handlers on one operation, a technical profile twice, an authentication nobody said.
#[inline] // see `check`
fn operations<'a>(
    specs: &[&'a HandlerSpec],
    opts: &OpenApiOptions,
) -> (Vec<(&'a HandlerSpec, AuthSpec)>, Vec<String>) {
    let mut problems = Vec::new();
    let mut specs = specs.to_vec();
    // Order-independent output.
    specs.sort_by_key(|s| (s.route, s.send_claims_in.http_method(), s.technical_profile));
    let mut seen: BTreeMap<(&str, &str), &str> = BTreeMap::new();
    let mut ids = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for spec in specs {
        let tp = spec.technical_profile;
        let method = spec.send_claims_in.http_method();
        if let Some(other) = seen.insert((spec.route, method), tp) {
            problems.push(format!(
                "{method} {} is served by both {other} and {tp}; one operation has one handler",
                spec.route
            ));
            continue;
        }
        if !ids.insert(tp) {
            problems.push(format!(
                "technical profile {tp} is declared twice; it is the operationId, which is unique"
            ));
        }
        let auth = match spec.auth {
            AuthSpec::Inherit => opts.default_auth,
            a => a,
        };
        if auth == AuthSpec::Inherit {
            problems.push(format!(
                "handler {tp} inherits the app's authentication, which this export does not \
                 know: export through the app (App::openapi or the `openapi` subcommand), or set \
                 OpenApiOptions::default_auth"
            ));
            continue;
        }
        out.push((spec, auth));
    }
    (out, problems)
}

/// What an operation is written from that can fail to parse: a payload handler's field paths and
/// the URL template's placeholders, each where the send mode reads them. A part that does not
/// parse is a problem, and `None`.
struct Parsed<'a> {
    payload: Option<Vec<(Vec<Segment<'a>>, &'a InputClaimSpec)>>,
    placeholders: Option<Vec<grammar::Placeholder<'a>>>,
}

#[inline] // see `check`
fn parsed<'a>(spec: &'a HandlerSpec, problems: &mut Vec<String>) -> Parsed<'a> {
    let mut url = || match grammar::parse_url_template(spec.path) {
        Ok(p) => Some(p),
        Err(e) => {
            problems.push(format!("{}: {e}", spec.technical_profile));
            None
        }
    };
    let placeholders = match (spec.send_claims_in, spec.payload) {
        (SendClaimsIn::Url, _) => url(),
        // Claims beside the payload fill `{placeholders}` of the route.
        (SendClaimsIn::Body, Some(_)) if spec.route.contains('{') => url(),
        _ => None,
    };
    let payload = match (spec.send_claims_in, spec.payload) {
        (SendClaimsIn::Body, Some(p)) => {
            let mut fields = Vec::new();
            for f in p.fields {
                match grammar::parse_dot_path(f.wire()) {
                    Ok(path) => fields.push((path, f)),
                    Err(e) => problems.push(format!(
                        "{}: payload field `{}`: {e}",
                        spec.technical_profile, f.rust_name
                    )),
                }
            }
            Some(fields)
        }
        _ => None,
    };
    Parsed {
        payload,
        placeholders,
    }
}

fn operation(
    spec: &HandlerSpec,
    auth: AuthSpec,
    schemes: &mut Map<String, Value>,
    problems: &mut Vec<String>,
) -> Map<String, Value> {
    let mut op = Map::new();
    op.insert("operationId".into(), spec.technical_profile.into());
    op.insert("summary".into(), spec.display_name.into());
    if let Some(d) = spec.description {
        op.insert("description".into(), d.into());
    }
    op.insert(
        "x-b2c-technical-profile".into(),
        spec.technical_profile.into(),
    );
    op.insert(
        "x-b2c-send-claims-in".into(),
        spec.send_claims_in.as_str().into(),
    );
    if let Some(p) = spec.payload {
        op.insert("x-b2c-payload-claim".into(), p.claim_id.into());
    }
    let Parsed {
        payload,
        placeholders,
    } = parsed(spec, problems);
    let mut parameters = Vec::new();
    if let Some(placeholders) = &placeholders {
        url_parameters(spec, placeholders, &mut parameters);
    }
    // The bearer-token claim arrives as the Authorization header only (the security scheme).
    let sent: Vec<InputClaimSpec> = spec
        .inputs
        .iter()
        .filter(|c| !matches!(spec.auth, AuthSpec::BearerFromClaim(id) if id == c.id))
        .copied()
        .collect();
    let sent = &sent[..];
    match spec.send_claims_in {
        SendClaimsIn::Body => {
            let (schema, required) = match &payload {
                Some(fields) => payload_body(fields),
                None => flat_body(sent),
            };
            op.insert(
                "requestBody".into(),
                json!({
                    "required": required,
                    "content": { "application/json": { "schema": schema } },
                }),
            );
        }
        SendClaimsIn::Form => {
            let (schema, required) = flat_body(sent);
            let mut media = Map::new();
            media.insert("schema".into(), schema);
            // Repeated keys carry a stringCollection (`tags=a&tags=b`).
            let encoding: Map<String, Value> = sent
                .iter()
                .filter(|c| c.data_type == DataType::StringCollection)
                .map(|c| {
                    (
                        c.wire().to_owned(),
                        json!({"style": "form", "explode": true}),
                    )
                })
                .collect();
            if !encoding.is_empty() {
                media.insert("encoding".into(), Value::Object(encoding));
            }
            op.insert(
                "requestBody".into(),
                json!({
                    "required": required,
                    "content": { "application/x-www-form-urlencoded": media },
                }),
            );
        }
        SendClaimsIn::Header => {
            for c in sent {
                parameters.push(parameter(c.wire(), "header", is_required(c), c));
            }
        }
        SendClaimsIn::QueryString => {
            for c in sent {
                parameters.push(parameter(c.wire(), "query", is_required(c), c));
            }
        }
        // Its parameters are the placeholders', added above.
        SendClaimsIn::Url => {}
    }
    if !parameters.is_empty() {
        op.insert("parameters".into(), Value::Array(parameters));
    }
    op.insert("responses".into(), Value::Object(responses(spec, auth)));
    let security = match security_scheme(auth) {
        Some((base, scheme)) => {
            let name = add_scheme(schemes, base, scheme);
            json!([{ name: [] }])
        }
        None => json!([]),
    };
    op.insert("security".into(), security);
    op
}

/// A JSON or urlencoded object with one property per input claim, by wire name, and whether any
/// claim is required.
fn flat_body(inputs: &[InputClaimSpec]) -> (Value, bool) {
    let mut root = Node::Object(Vec::new());
    for c in inputs {
        root.insert(
            &[Segment::Key(c.wire())],
            Value::Object(input_schema(c, true)),
            is_required(c),
        );
    }
    let required = root.required();
    (root.schema(Direction::Request), required)
}

/// The nested document a `GenerateJson` transformation builds from the payload fields' dot paths.
fn payload_body(fields: &[(Vec<Segment<'_>>, &InputClaimSpec)]) -> (Value, bool) {
    let mut root = Node::Object(Vec::new());
    for (path, f) in fields {
        root.insert(path, Value::Object(input_schema(f, true)), is_required(f));
    }
    let required = root.required();
    (root.schema(Direction::Request), required)
}

/// Url mode: `{placeholders}` of the route are path parameters; `key={placeholder}` pairs of the
/// query template are query parameters named by the key; literal pairs are sent as written. (A
/// placeholder that names no input claim, which the macros refuse, is still a text parameter:
/// every path template variable needs one.)
fn url_parameters(
    spec: &HandlerSpec,
    placeholders: &[grammar::Placeholder<'_>],
    out: &mut Vec<Value>,
) {
    for ph in placeholders {
        let claim = spec.inputs.iter().find(|c| c.wire() == ph.name);
        out.push(match (ph.query_key, claim) {
            // A path segment is always there and never empty.
            (None, claim) => {
                let mut p = match claim {
                    Some(c) => parameter(ph.name, "path", true, c),
                    None => json!({"name": ph.name, "in": "path", "required": true,
                                   "schema": {"type": "string"}}),
                };
                if p["schema"]["type"] == "string" {
                    p["schema"]["minLength"] = 1.into();
                }
                p
            }
            (Some(key), Some(c)) => parameter(key, "query", is_required(c), c),
            (Some(key), None) => json!({"name": key, "in": "query", "required": false,
                                        "schema": {"type": "string"}}),
        });
    }
    for pair in spec.query_template.into_iter().flat_map(|q| q.split('&')) {
        if let Some((key, value)) = pair.split_once('=')
            && !value.starts_with('{')
        {
            out.push(json!({
                "name": key,
                "in": "query",
                "required": true,
                "schema": { "type": "string", "const": value },
            }));
        }
    }
}

/// A header, query or path parameter. Query parameters carry a stringCollection as repeated
/// keys; headers and path segments carry one text value.
fn parameter(name: &str, location: &str, required: bool, c: &InputClaimSpec) -> Value {
    let arrays = location == "query";
    let mut p = json!({
        "name": name,
        "in": location,
        "required": required,
        "schema": input_schema(c, arrays),
    });
    if arrays && c.data_type == DataType::StringCollection {
        p["style"] = "form".into();
        p["explode"] = true.into();
    }
    p
}

/// Whether a request without the claim is refused (the descriptor's one decision).
fn is_required(c: &InputClaimSpec) -> bool {
    c.required
}

/// The schema of an input claim: its data type, its ClaimType texts, its default.
fn input_schema(c: &InputClaimSpec, arrays: bool) -> Map<String, Value> {
    let mut s = claim_schema(c.data_type, arrays, c.id, c.wire(), c.display_name, c.help);
    if let Some(d) = c.default {
        s.insert("default".into(), typed_default(c.data_type, d));
    }
    if let Some(r) = c.resolver {
        s.insert("x-b2c-resolver".into(), r.into());
    }
    s
}

fn claim_schema(
    data_type: DataType,
    arrays: bool,
    id: &str,
    wire: &str,
    display_name: Option<&str>,
    help: Option<&str>,
) -> Map<String, Value> {
    let mut s = type_schema(data_type, arrays);
    if let Some(t) = display_name {
        s.insert("title".into(), t.into());
    }
    if let Some(h) = help {
        s.insert("description".into(), h.into());
    }
    if wire != id {
        s.insert("x-b2c-claim-type".into(), id.into());
    }
    s
}

/// The JSON Schema of a B2C data type. Where a value travels as one text (`arrays` false: a
/// header or a path segment), a stringCollection is one string (a JSON array text is accepted).
fn type_schema(data_type: DataType, arrays: bool) -> Map<String, Value> {
    let v = match data_type {
        DataType::String => json!({"type": "string"}),
        DataType::Boolean => json!({"type": "boolean"}),
        DataType::Int => json!({
            "type": "integer", "format": "int32", "minimum": i32::MIN, "maximum": i32::MAX,
        }),
        DataType::Long => json!({
            "type": "integer", "format": "int64", "minimum": i64::MIN, "maximum": i64::MAX,
        }),
        DataType::Date => json!({"type": "string", "format": "date"}),
        DataType::DateTime => json!({"type": "string", "format": "date-time"}),
        DataType::Duration => json!({"type": "string", "format": "duration"}),
        DataType::PhoneNumber => json!({"type": "string", "pattern": "^\\+?[0-9]{3,20}$"}),
        DataType::StringCollection if arrays => {
            json!({"type": "array", "items": {"type": "string"}})
        }
        DataType::StringCollection => json!({
            "type": "string",
            "description": "one value, or a JSON array of strings",
        }),
    };
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// A literal default as a value of its type (`"42"` is `42` for an int); text that does not
/// parse stays text.
fn typed_default(data_type: DataType, text: &str) -> Value {
    let t = text.trim();
    let parsed = match data_type {
        DataType::Int | DataType::Long => t.parse::<i64>().ok().map(Value::from),
        DataType::Boolean if t.eq_ignore_ascii_case("true") => Some(true.into()),
        DataType::Boolean if t.eq_ignore_ascii_case("false") => Some(false.into()),
        DataType::StringCollection if t.starts_with('[') => {
            serde_json::from_str::<Vec<String>>(t).ok().map(Value::from)
        }
        DataType::StringCollection => Some(json!([text])),
        _ => None,
    };
    parsed.unwrap_or_else(|| text.into())
}

fn responses(spec: &HandlerSpec, auth: AuthSpec) -> Map<String, Value> {
    let mut root = Node::Object(Vec::new());
    for o in spec.outputs {
        let mut leaf = claim_schema(o.data_type, true, o.id, o.wire(), o.display_name, o.help);
        if let Some(d) = o.default {
            leaf.insert("default".into(), typed_default(o.data_type, d));
        }
        // The derive macro pre-parses the path; a hand-built descriptor is parsed as the runtime
        // does (a wire name that is no path is one key).
        let path = match o.path {
            Some(p) => p.to_vec(),
            None if o.flat_key => vec![Segment::Key(o.wire())],
            None => grammar::parse_bracket_path(o.wire())
                .unwrap_or_else(|_| vec![Segment::Key(o.wire())]),
        };
        root.insert(&path, Value::Object(leaf), o.always_present);
    }
    let mut r = Map::new();
    r.insert(
        "200".into(),
        json!({
            "description": "The output claims, by wire name (nested paths as nested objects).",
            "content": { "application/json": { "schema": root.schema(Direction::Response) } },
        }),
    );
    let body_mode = spec.send_claims_in.is_post();
    let mut error = |status: &str, description: &str| {
        r.insert(status.into(), error_response(description));
    };
    error(
        "400",
        "A claim is missing or malformed, or the request is not what the send mode requires.",
    );
    if auth != AuthSpec::None {
        error("401", "The caller is not authenticated.");
    }
    if matches!(
        auth,
        AuthSpec::Bearer | AuthSpec::BearerFromClaim(_) | AuthSpec::ClientCertificate
    ) {
        error(
            "403",
            "The caller is authenticated but not allowed (app, role or certificate).",
        );
    }
    if body_mode {
        error("408", "The body did not arrive in time.");
    }
    error(
        "409",
        "A business rejection shown to the user (B2C's error contract), or the deadline passed.",
    );
    if body_mode {
        error("413", "The body is larger than the limit.");
        error(
            "415",
            "The body is compressed (only identity encoding is accepted).",
        );
    }
    error(
        "500",
        "An internal failure; details only in the service's log.",
    );
    if auth != AuthSpec::None
        && let Some(Value::Object(resp)) = r.get_mut("401")
    {
        resp.insert(
            "headers".into(),
            json!({
                "WWW-Authenticate": {
                    "description": "The challenge of the handler's scheme.",
                    "required": true,
                    "schema": { "type": "string" },
                }
            }),
        );
    }
    r
}

fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {
            "application/json": {
                "schema": { "$ref": format!("#/components/schemas/{ERROR_SCHEMA}") }
            }
        },
    })
}

/// The B2C error body (the runtime's `ErrorBody`).
fn error_schema() -> Value {
    json!({
        "type": "object",
        "description": "The error body Azure AD B2C reads: it shows `userMessage` to the user.",
        "required": ["version", "status", "userMessage"],
        "properties": {
            "version": {"type": "string", "description": "Version of the error contract."},
            "status": {
                "type": "integer",
                "const": 409,
                "description": "Always 409, whatever the HTTP status (B2C's contract).",
            },
            "userMessage": {"type": "string", "description": "The localized text for the user."},
            "code": {"type": "string", "description": "An error code for support."},
            "requestId": {
                "type": "string",
                "description": "B2C's correlation id when it sent one, else a fresh id.",
            },
            "developerMessage": {
                "type": "string",
                "description": "Developer details (debug mode only).",
            },
            "moreInfo": {"type": "string", "description": "A link to more information (debug mode only)."},
        },
        "additionalProperties": false,
    })
}

/// The security scheme of an authentication: its base name and its definition.
fn security_scheme(auth: AuthSpec) -> Option<(String, Value)> {
    Some(match auth {
        AuthSpec::None | AuthSpec::Inherit => return None,
        AuthSpec::Basic => (
            "basicAuth".into(),
            json!({"type": "http", "scheme": "basic"}),
        ),
        AuthSpec::Bearer => (
            "bearerAuth".into(),
            json!({"type": "http", "scheme": "bearer"}),
        ),
        AuthSpec::BearerFromClaim(_) => (
            "bearerJwt".into(),
            json!({"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}),
        ),
        AuthSpec::ApiKeyHeader(h) => {
            // Component names allow letters, digits, `.`, `-` and `_`.
            let safe: String = h
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            (
                format!("apiKey_{safe}"),
                json!({"type": "apiKey", "in": "header", "name": h}),
            )
        }
        AuthSpec::ClientCertificate => ("clientCertificate".into(), json!({"type": "mutualTLS"})),
    })
}

/// Declares `scheme` under `base` (or `base_2`, … when two different headers share a name once
/// made safe) and returns the name used.
fn add_scheme(schemes: &mut Map<String, Value>, base: String, scheme: Value) -> String {
    let mut name = base.clone();
    let mut n = 1;
    loop {
        match schemes.get(&name) {
            None => {
                schemes.insert(name.clone(), scheme);
                return name;
            }
            Some(existing) if *existing == scheme => return name,
            Some(_) => {
                n += 1;
                name = format!("{base}_{n}");
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// What the caller sends: unknown properties are ignored by the service, so left open.
    Request,
    /// What the service writes: exactly the output claims.
    Response,
}

/// A JSON document shape built from claim paths.
enum Node {
    /// A claim: its schema and whether it is always there.
    Leaf(Value, bool),
    /// Keys in first-seen order.
    Object(Vec<(String, Node)>),
    /// Positions; `None` where no claim is mapped.
    Array(Vec<Option<Node>>),
}

impl Node {
    fn insert(&mut self, path: &[Segment<'_>], schema: Value, required: bool) {
        let Some((head, rest)) = path.split_first() else {
            *self = Node::Leaf(schema, required);
            return;
        };
        match *head {
            Segment::Key(k) => {
                if !matches!(self, Node::Object(_)) {
                    *self = Node::Object(Vec::new());
                }
                if let Node::Object(entries) = self {
                    let i = match entries.iter().position(|(name, _)| name == k) {
                        Some(i) => i,
                        None => {
                            entries.push((k.to_owned(), Node::Object(Vec::new())));
                            entries.len() - 1
                        }
                    };
                    entries[i].1.insert(rest, schema, required);
                }
            }
            Segment::Index(i) => {
                if !matches!(self, Node::Array(_)) {
                    *self = Node::Array(Vec::new());
                }
                if let Node::Array(items) = self {
                    if items.len() <= i {
                        items.resize_with(i + 1, || None);
                    }
                    items[i]
                        .get_or_insert_with(|| Node::Object(Vec::new()))
                        .insert(rest, schema, required);
                }
            }
        }
    }

    /// Whether the node is always there: some claim under it always is.
    fn required(&self) -> bool {
        match self {
            Node::Leaf(_, r) => *r,
            Node::Object(entries) => entries.iter().any(|(_, n)| n.required()),
            Node::Array(items) => items.iter().flatten().any(Node::required),
        }
    }

    fn schema(&self, dir: Direction) -> Value {
        match self {
            Node::Leaf(s, _) => s.clone(),
            Node::Object(entries) => {
                let mut s = Map::new();
                s.insert("type".into(), "object".into());
                let props: Map<String, Value> = entries
                    .iter()
                    .map(|(k, n)| (k.clone(), n.schema(dir)))
                    .collect();
                s.insert("properties".into(), Value::Object(props));
                let required: Vec<Value> = entries
                    .iter()
                    .filter(|(_, n)| n.required())
                    .map(|(k, _)| k.clone().into())
                    .collect();
                if !required.is_empty() {
                    s.insert("required".into(), Value::Array(required));
                }
                if dir == Direction::Response {
                    s.insert("additionalProperties".into(), false.into());
                }
                Value::Object(s)
            }
            Node::Array(items) => {
                let min = items
                    .iter()
                    .rposition(|slot| slot.as_ref().is_some_and(Node::required))
                    .map_or(0, |i| i + 1);
                let mut s = Map::new();
                s.insert("type".into(), "array".into());
                match dir {
                    // Positions matter to the service (`items.0.id`): `prefixItems`, exact.
                    Direction::Request => {
                        let prefix = items
                            .iter()
                            .map(|slot| slot.as_ref().map_or(json!({}), |n| n.schema(dir)))
                            .collect();
                        s.insert("prefixItems".into(), Value::Array(prefix));
                    }
                    // One `items` schema (the positions' schemas, as `anyOf` when they differ):
                    // schemathesis cannot check a response against `prefixItems` yet.
                    Direction::Response => {
                        let mut slots: Vec<Value> = Vec::new();
                        for slot in items {
                            let s = match slot {
                                Some(n) if n.required() => n.schema(dir),
                                Some(n) => nullable(n.schema(dir)),
                                // The service writes `null` where no claim is mapped.
                                None => json!({"type": "null"}),
                            };
                            if !slots.contains(&s) {
                                slots.push(s);
                            }
                        }
                        let item = match slots.len() {
                            1 => slots.remove(0),
                            _ => json!({ "anyOf": slots }),
                        };
                        s.insert("items".into(), item);
                        s.insert("maxItems".into(), items.len().into());
                    }
                }
                if min > 0 {
                    s.insert("minItems".into(), min.into());
                }
                Value::Object(s)
            }
        }
    }
}

/// `schema` that also allows `null` (an array position before a written one).
fn nullable(mut schema: Value) -> Value {
    if let Some(Value::String(t)) = schema.get("type") {
        let t = t.clone();
        schema["type"] = json!([t, "null"]);
    }
    schema
}
