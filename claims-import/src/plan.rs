//! One merged RESTful profile -> the handler that exports back to it, or every reason it cannot.
//!
//! The rules mirror what `#[claims_handler]`, `#[derive(OutputClaims)]` and
//! `#[derive(ClaimsPayload)]` accept and what the exporter writes: whatever would not compile, or
//! would export a different profile, is a reason to refuse the profile.

use std::collections::BTreeSet;

use claims_core::grammar::{self, Segment};
use claims_core::metadata as k;
use claims_core::metadata::keys;
use claims_core::resolvers;
use claims_core::spec::{DataType, SendClaimsIn};
use claims_export::b2c::parse::{ParsedClaim, ParsedPolicy, ParsedProfile};

/// A handler to generate.
pub(crate) struct Handler {
    pub tp: String,
    pub display_name: String,
    pub base_url: String,
    pub path: String,
    pub send: SendClaimsIn,
    /// The `auth = ...` value, as written in the attribute.
    pub auth: String,
    pub inputs: Vec<Claim>,
    pub outputs: Vec<Claim>,
    pub payload: Option<Payload>,
    /// `send_culture = false`: the profile sends no culture claim of its own.
    pub no_culture: bool,
    /// `send_correlation = false`: the profile sends no correlation claim of its own.
    pub no_correlation: bool,
    /// `metadata(Key = value, ..)`: explicit metadata, as written in `metadata(..)`.
    pub metadata: Vec<String>,
    /// `query = ".."`: the static query of a non-Url-mode ServiceUrl.
    pub query: Option<String>,
    /// The settings a `{env:..}` query value needs, with the original value (never written
    /// into the code).
    pub settings: Vec<(String, String)>,
    /// `service_url = ".."`: set by the importer when the profile calls another host than most.
    pub service_url: Option<String>,
}

/// A parameter, output field or payload field.
pub(crate) struct Claim {
    pub name: String,
    pub id: String,
    /// `partner` (inputs, outputs) or `path` (payload fields).
    pub partner: Option<String>,
    pub default: Option<String>,
    pub always_default: bool,
    pub resolver: Option<String>,
    pub display_name: Option<String>,
    pub ty: String,
    /// Outputs: the wire name is one literal key (`key = ".."`), not a JSON path.
    pub flat: bool,
    /// Inputs: the default is sent as-is although it looks like a resolver.
    pub literal: bool,
    /// Payload fields: further GenerateJson paths of the same claim.
    pub more_paths: Vec<String>,
}

/// A `#[derive(ClaimsPayload)]` struct.
pub(crate) struct Payload {
    pub claim: String,
    pub transformation: String,
    pub fields: Vec<Claim>,
}

/// Metadata read into the handler (or derived from its claims by the exporter).
const HANDLED: &[&str] = &[
    k::SERVICE_URL,
    k::SEND_CLAIMS_IN,
    k::AUTHENTICATION_TYPE,
    k::USE_CLAIM_AS_BEARER_TOKEN,
    k::CLAIM_USED_FOR_REQUEST_PAYLOAD,
];

/// Rust keywords (strict and reserved) that cannot name a parameter or field.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe",
    "use", "where", "while", "abstract", "become", "box", "do", "final", "macro", "override",
    "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// A snake_case Rust identifier for `name`, unique in `taken` (which it joins).
pub(crate) fn ident(name: &str, taken: &mut BTreeSet<String>) -> String {
    let mut s: String = claims_core::names::words(name)
        .iter()
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join("_")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert_str(0, "c_");
    }
    if KEYWORDS.contains(&s.as_str()) {
        s.push('_');
    }
    let mut unique = s.clone();
    let mut n = 2;
    while taken.contains(&unique) {
        unique = format!("{s}_{n}");
        n += 1;
    }
    taken.insert(unique.clone());
    unique
}

/// The Rust type of a claim of `dt`; `optional` wraps it in `Option` (a collection stays a `Vec`
/// in outputs, where an empty one is simply omitted).
fn rust_type(dt: DataType, optional: bool) -> String {
    let t = match dt {
        DataType::String => "String",
        DataType::Boolean => "bool",
        DataType::Int => "i32",
        DataType::Long => "i64",
        DataType::Date => "::chrono::NaiveDate",
        DataType::DateTime => "::chrono::DateTime<::chrono::Utc>",
        DataType::Duration => "::claims_runtime::Duration",
        DataType::StringCollection => "Vec<String>",
        DataType::PhoneNumber => "::claims_runtime::PhoneNumber",
    };
    if optional {
        format!("Option<{t}>")
    } else {
        t.to_owned()
    }
}

/// Splits a ServiceUrl into the base URL (an export option) and the handler path.
pub(crate) fn split_service_url(url: &str) -> Option<(String, String)> {
    let host_start = url.find("://")? + 3;
    let rest = &url[host_start..];
    match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('/') => {
            Some((url[..host_start + i].to_owned(), rest[i..].to_owned()))
        }
        Some(i) => Some((url[..host_start + i].to_owned(), format!("/{}", &rest[i..]))),
        None => Some((url.to_owned(), "/".to_owned())),
    }
}

fn send_mode(v: &str) -> Option<SendClaimsIn> {
    [
        SendClaimsIn::Body,
        SendClaimsIn::Form,
        SendClaimsIn::Header,
        SendClaimsIn::Url,
        SendClaimsIn::QueryString,
    ]
    .into_iter()
    .find(|m| m.as_str().eq_ignore_ascii_case(v))
}

/// Query keys whose value is a secret (an Azure Functions key, a SAS signature, an API key).
fn is_secret_key(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    matches!(
        k.as_str(),
        "code" | "sig" | "key" | "apikey" | "api-key" | "api_key" | "subscription-key" | "token"
    ) || k.ends_with("secret")
}

fn looks_like_resolver(v: &str) -> bool {
    v.starts_with('{') && v.ends_with('}') && v.contains(':')
}

/// The claim type's DataType; a claim the input does not declare is assumed `string` (noted).
fn data_type(
    policy: &ParsedPolicy,
    id: &str,
    reasons: &mut Vec<String>,
    notes: &mut Vec<String>,
) -> DataType {
    match policy.claim_type(id).and_then(|c| c.data_type.as_deref()) {
        Some(dt) => DataType::from_xml(dt).unwrap_or_else(|| {
            reasons.push(format!(
                "claim `{id}` has DataType `{dt}`, for which the framework has no claim type \
                 (supported: {})",
                DataType::ALL.map(DataType::as_str).join(", ")
            ));
            DataType::String
        }),
        None => {
            notes.push(format!(
                "claim type `{id}` is not declared in the input files: assumed DataType string"
            ));
            DataType::String
        }
    }
}

fn display_name(policy: &ParsedPolicy, id: &str) -> Option<String> {
    policy
        .claim_type(id)
        .and_then(|c| c.display_name.clone())
        .filter(|d| !d.is_empty())
}

/// Plans the handler for a merged RESTful profile, or returns every reason it cannot be
/// expressed. `notes` collects what is carried over differently (export options).
pub(crate) fn plan(
    policy: &ParsedPolicy,
    p: &ParsedProfile,
    notes: &mut Vec<String>,
) -> Result<Handler, Vec<String>> {
    let mut reasons = Vec::new();
    let tp = p.id.as_str();
    if !grammar::is_valid_technical_profile(tp) {
        reasons.push(format!(
            "the technical profile id `{tp}` does not match [A-Za-z0-9_.-]{{1,128}}"
        ));
    }

    // Metadata.
    let mut metadata = Vec::new();
    for (key, value) in &p.metadata {
        if HANDLED.contains(&key.as_str()) {
            continue;
        }
        if let Some(kind) = k::explicit_kind(key) {
            match kind {
                k::ValueKind::Flag => match value.to_ascii_lowercase().as_str() {
                    v @ ("true" | "false") => metadata.push(format!("{key} = {v}")),
                    _ => reasons.push(format!("metadata {key}={value:?} is not true or false")),
                },
                k::ValueKind::Message if value.trim().is_empty() => {
                    notes.push(format!("metadata {key} is empty and dropped"))
                }
                k::ValueKind::Message => metadata.push(format!("{key} = {value:?}")),
            }
        } else if key == "ClaimsFormat" {
            notes.push("metadata ClaimsFormat is documented as unused and dropped".to_owned());
        } else {
            reasons.push(format!(
                "metadata `{key}` has no equivalent in #[claims_handler] or the export options"
            ));
        }
    }
    if let Some(sm) = p.session_management.as_deref().filter(|s| *s != "SM-Noop") {
        notes.push(format!(
            "session management `{sm}` becomes SM-Noop (the exporter's fixed choice)"
        ));
    }
    if !p.output_claims_transformations.is_empty() {
        reasons.push(format!(
            "OutputClaimsTransformations ({}) run in B2C after the call; a handler cannot \
             declare them (apply them in another technical profile, or compute the claims in \
             the service)",
            p.output_claims_transformations.join(", ")
        ));
    }

    let send = match p.metadata(k::SEND_CLAIMS_IN) {
        None => SendClaimsIn::Body,
        Some(v) => send_mode(v).unwrap_or_else(|| {
            reasons.push(format!("SendClaimsIn `{v}` is not a B2C send mode"));
            SendClaimsIn::Body
        }),
    };

    let (base_url, path) = match p.metadata(k::SERVICE_URL).map(split_service_url) {
        Some(Some(split)) => split,
        _ => {
            reasons.push(format!(
                "ServiceUrl {:?} is not an absolute URL the framework can route",
                p.metadata(k::SERVICE_URL).unwrap_or_default()
            ));
            (String::new(), "/".to_owned())
        }
    };
    if path.contains(|c: char| c.is_whitespace() || c == '#') {
        reasons.push(format!(
            "the ServiceUrl path `{path}` holds whitespace or `#`"
        ));
    }
    // Outside Url mode a query is static: `query = ".."`, a function key read from a setting.
    let mut query = None;
    let mut settings = Vec::new();
    let mut path = path;
    if send != SendClaimsIn::Url
        && let Some((route, q)) = path.clone().split_once('?')
    {
        path = route.to_owned();
        let mut pairs = Vec::new();
        for pair in q.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some((key, value)) if is_secret_key(key) => {
                    let name = format!(
                        "{}_{}",
                        claims_core::names::words(tp)
                            .iter()
                            .map(|w| w.to_uppercase())
                            .collect::<Vec<_>>()
                            .join("_"),
                        key.to_uppercase()
                            .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
                    );
                    notes.push(format!(
                        "the ServiceUrl query parameter `{key}` is a secret: it is read from the \
                         setting {name} when the policy is exported (set it to the original value)"
                    ));
                    pairs.push(format!("{key}={{env:{name}}}"));
                    settings.push((name, value.to_owned()));
                }
                _ => pairs.push(pair.to_owned()),
            }
        }
        query = Some(pairs.join("&"));
    }
    let payload_mode = p.metadata(k::CLAIM_USED_FOR_REQUEST_PAYLOAD).is_some();
    if send != SendClaimsIn::Url && !payload_mode && path.contains(['{', '}']) {
        reasons.push(format!(
            "the ServiceUrl path `{path}` has placeholders, which the framework accepts only \
             with SendClaimsIn=Url or beside a JSON payload"
        ));
    }
    if query
        .as_deref()
        .is_some_and(|q| q.contains(char::is_whitespace) || q.contains('#'))
    {
        reasons.push("the ServiceUrl query holds whitespace or `#`".to_owned());
    }

    // Payload mode.
    let payload_claim = p
        .metadata(k::CLAIM_USED_FOR_REQUEST_PAYLOAD)
        .map(str::to_owned);
    let resolving = p.flag(k::INCLUDE_CLAIM_RESOLVING);
    let json_paths = p.flag(k::RESOLVE_JSON_PATHS);

    // Authentication.
    let key_ids: Vec<&str> = p.keys.iter().map(|(id, _)| id.as_str()).collect();
    let bearer_claim = p.metadata(k::USE_CLAIM_AS_BEARER_TOKEN);
    let need = |ids: &[&str], reasons: &mut Vec<String>, scheme: &str| {
        for id in ids {
            if !key_ids.contains(id) {
                reasons.push(format!(
                    "AuthenticationType {scheme} without the cryptographic key `{id}`"
                ));
            }
        }
    };
    let auth_type = p.metadata(k::AUTHENTICATION_TYPE).unwrap_or_else(|| {
        notes.push("no AuthenticationType: imported as None".to_owned());
        "None"
    });
    if bearer_claim.is_some() && auth_type != "Bearer" {
        reasons.push(format!(
            "UseClaimAsBearerToken is set but AuthenticationType is {auth_type}, not Bearer"
        ));
    }
    let (auth, used_keys): (String, Vec<&str>) = match auth_type {
        "None" => ("None".to_owned(), vec![]),
        "Basic" => {
            let ids = [keys::BASIC_USERNAME, keys::BASIC_PASSWORD];
            need(&ids, &mut reasons, "Basic");
            ("Basic".to_owned(), ids.to_vec())
        }
        "Bearer" => match bearer_claim {
            Some(c) => {
                if !p.input_claims.iter().any(|i| i.claim_type == c) {
                    reasons.push(format!(
                        "UseClaimAsBearerToken `{c}` is not an input claim of the profile"
                    ));
                }
                (format!("Bearer(claim = {c:?})"), vec![])
            }
            None => {
                let ids = [keys::BEARER_TOKEN];
                need(&ids, &mut reasons, "Bearer");
                ("Bearer".to_owned(), ids.to_vec())
            }
        },
        "ApiKeyHeader" => {
            let headers: Vec<&str> = key_ids
                .iter()
                .copied()
                .filter(|id| !keys::FIXED.contains(id))
                .collect();
            match headers.as_slice() {
                [h] if grammar::is_http_token(h) => (format!("ApiKeyHeader({h:?})"), vec![*h]),
                [h] => {
                    reasons.push(format!(
                        "the API key header `{h}` is not a valid header name"
                    ));
                    ("None".to_owned(), vec![])
                }
                [] => {
                    reasons.push(
                        "AuthenticationType ApiKeyHeader without a cryptographic key naming the header"
                            .to_owned(),
                    );
                    ("None".to_owned(), vec![])
                }
                many => {
                    reasons.push(format!(
                        "ApiKeyHeader with {} header keys ({}): the framework checks one header",
                        many.len(),
                        many.join(", ")
                    ));
                    ("None".to_owned(), vec![])
                }
            }
        }
        "ClientCertificate" => {
            let ids = [keys::CLIENT_CERTIFICATE];
            need(&ids, &mut reasons, "ClientCertificate");
            ("ClientCertificate".to_owned(), ids.to_vec())
        }
        other => {
            reasons.push(format!(
                "AuthenticationType `{other}` is not one the framework serves (None, Basic, \
                 Bearer, ApiKeyHeader, ClientCertificate)"
            ));
            ("None".to_owned(), vec![])
        }
    };
    for id in key_ids.iter().filter(|id| !used_keys.contains(id)) {
        reasons.push(format!(
            "cryptographic key `{id}` is not used by AuthenticationType {auth_type}"
        ));
    }

    // Input claims.
    let mut inputs = Vec::new();
    let mut payload = None;
    match &payload_claim {
        Some(claim) => {
            if send != SendClaimsIn::Body {
                reasons.push(format!(
                    "ClaimUsedForRequestPayload needs SendClaimsIn=Body, not {}",
                    send.as_str()
                ));
            }
            // Beside the payload: the bearer-token claim and the path's placeholders.
            let placeholders: Vec<&str> = grammar::scan_placeholders(&path)
                .into_iter()
                .map(|(_, n)| n)
                .collect();
            let mut names = BTreeSet::new();
            for c in p.input_claims.iter().filter(|c| c.claim_type != *claim) {
                if bearer_claim != Some(c.claim_type.as_str()) && !placeholders.contains(&c.wire())
                {
                    reasons.push(format!(
                        "input claim `{}` beside the payload claim `{claim}` is neither the \
                         bearer token nor a placeholder of the ServiceUrl: in payload mode B2C \
                         sends only the payload",
                        c.claim_type
                    ));
                } else if let Some(planned) =
                    plan_input(policy, c, send, resolving, &mut reasons, notes)
                {
                    inputs.push(Claim {
                        name: ident(&planned.id, &mut names),
                        ..planned
                    });
                }
            }
            for n in placeholders {
                if !p.input_claims.iter().any(|c| c.wire() == n) {
                    reasons.push(format!(
                        "the ServiceUrl placeholder `{{{n}}}` is not an input claim's wire name"
                    ));
                }
            }
            if let Some((pl, _)) = plan_payload(policy, p, claim, resolving, &mut reasons, notes) {
                payload = Some(pl);
            }
        }
        None => {
            if !p.input_claims_transformations.is_empty() {
                reasons.push(format!(
                    "InputClaimsTransformations ({}) other than a payload's GenerateJson run in \
                     B2C before the call; a handler cannot declare them",
                    p.input_claims_transformations.join(", ")
                ));
            }
            let mut names = BTreeSet::new();
            let mut wires: BTreeSet<String> = BTreeSet::new();
            for c in &p.input_claims {
                if let Some(claim) = plan_input(policy, c, send, resolving, &mut reasons, notes) {
                    let wire = c.wire().to_owned();
                    let wire_key = if send == SendClaimsIn::Header {
                        wire.to_ascii_lowercase()
                    } else {
                        wire.clone()
                    };
                    if !wires.insert(wire_key) {
                        reasons.push(format!("two input claims are sent as `{wire}`"));
                    }
                    if inputs.iter().any(|i: &Claim| i.id == claim.id) {
                        reasons.push(format!("input claim `{}` appears twice", claim.id));
                    }
                    inputs.push(Claim {
                        name: ident(&claim.id, &mut names),
                        ..claim
                    });
                }
            }
            if send == SendClaimsIn::Url {
                check_url(&path, p, &mut reasons);
            }
        }
    }

    // Output claims.
    let mut outputs = Vec::new();
    let mut names = BTreeSet::new();
    let mut paths: Vec<(Vec<String>, String)> = Vec::new();
    for c in &p.output_claims {
        if !grammar::is_valid_claim_id(&c.claim_type) {
            reasons.push(format!("invalid claim id `{}`", c.claim_type));
            continue;
        }
        let dt = data_type(policy, &c.claim_type, &mut reasons, notes);
        let wire = c.wire();
        // Without ResolveJsonPathsInJsonTokens B2C reads every key literally: a flat key.
        let flat = !json_paths && grammar::is_nested_output(wire);
        if flat {
            if grammar::is_flat_output_key(wire) {
                paths.push((vec![format!("k:{wire}")], wire.to_owned()));
            } else {
                reasons.push(format!(
                    "output claim `{}`: the key {wire:?} holds control characters",
                    c.claim_type
                ));
            }
        } else {
            match grammar::parse_bracket_path(wire) {
                Ok(segs) => {
                    paths.push((segs.iter().map(seg_key).collect(), wire.to_owned()));
                }
                Err(msg) => reasons.push(format!(
                    "output claim `{}`: {msg} (the framework's JSON paths cannot express this key)",
                    c.claim_type
                )),
            }
        }
        if c.always_use_default && c.default_value.is_none() {
            reasons.push(format!(
                "output claim `{}` has AlwaysUseDefaultValue without DefaultValue",
                c.claim_type
            ));
        }
        if outputs.iter().any(|o: &Claim| o.id == c.claim_type) {
            reasons.push(format!("output claim `{}` appears twice", c.claim_type));
        }
        outputs.push(Claim {
            name: ident(&c.claim_type, &mut names),
            id: c.claim_type.clone(),
            partner: if flat {
                Some(wire.to_owned())
            } else {
                c.partner.clone().filter(|p| *p != c.claim_type)
            },
            default: c.default_value.clone(),
            always_default: c.always_use_default,
            resolver: None,
            display_name: display_name(policy, &c.claim_type),
            ty: rust_type(dt, dt != DataType::StringCollection),
            flat,
            literal: false,
            more_paths: Vec::new(),
        });
    }
    check_tree(&paths, false, "output", &mut reasons);

    // The macro adds a culture and a correlation claim to a profile that declares none (not in
    // payload mode): turn them off where the original sends none.
    let resolver_in = |names: &[&str]| {
        inputs.iter().any(|c| {
            c.resolver
                .as_deref()
                .is_some_and(|r| names.iter().any(|n| n.eq_ignore_ascii_case(r)))
        })
    };
    let no_culture = payload.is_none()
        && !resolver_in(&[
            resolvers::CULTURE_RFC5646,
            resolvers::CULTURE_LCID,
            resolvers::CULTURE_LANGUAGE_NAME,
        ]);
    let no_correlation = payload.is_none()
        && !resolver_in(&[resolvers::CORRELATION_ID])
        && !inputs
            .iter()
            .any(|c| c.id.eq_ignore_ascii_case("correlationId"));

    if reasons.is_empty() {
        Ok(Handler {
            tp: tp.to_owned(),
            display_name: p.display_name.clone().unwrap_or_else(|| tp.to_owned()),
            base_url,
            path,
            send,
            auth,
            inputs,
            outputs,
            payload,
            no_culture,
            no_correlation,
            metadata,
            query,
            settings,
            service_url: None,
        })
    } else {
        Err(reasons)
    }
}

fn seg_key(s: &Segment<'_>) -> String {
    match s {
        Segment::Key(k) => format!("k:{k}"),
        Segment::Index(i) => format!("i:{i}"),
    }
}

/// One input claim of a non-payload profile.
fn plan_input(
    policy: &ParsedPolicy,
    c: &ParsedClaim,
    send: SendClaimsIn,
    resolving: bool,
    reasons: &mut Vec<String>,
    notes: &mut Vec<String>,
) -> Option<Claim> {
    let id = c.claim_type.as_str();
    if !grammar::is_valid_claim_id(id) {
        reasons.push(format!("invalid claim id `{id}`"));
        return None;
    }
    let dt = data_type(policy, id, reasons, notes);
    let wire = c.wire();
    if send == SendClaimsIn::Header && !grammar::is_http_token(wire) {
        reasons.push(format!(
            "input claim `{id}` is sent as the header `{wire}`, which is not a valid header name"
        ));
    }
    let (mut default, mut resolver) = (None, None);
    let mut literal = false;
    match c.default_value.as_deref() {
        // Without claim resolving B2C sends the text itself.
        Some(v) if looks_like_resolver(v) && !resolving => {
            literal = resolvers::looks_unresolved(v);
            default = Some(v.to_owned());
        }
        Some(v) if looks_like_resolver(v) => {
            if !c.always_use_default {
                reasons.push(format!(
                    "input claim `{id}` uses the resolver `{v}` without AlwaysUseDefaultValue; \
                     the framework always sends a resolver's value"
                ));
            } else if !resolvers::is_known(v) {
                reasons.push(format!(
                    "input claim `{id}`: `{v}` is not a B2C claim resolver"
                ));
            }
            resolver = Some(v.to_owned());
        }
        Some(v) => default = Some(v.to_owned()),
        None if c.always_use_default => reasons.push(format!(
            "input claim `{id}` has AlwaysUseDefaultValue without DefaultValue"
        )),
        None => {}
    }
    let always_default = c.always_use_default && default.is_some();
    Some(Claim {
        name: String::new(),
        id: id.to_owned(),
        partner: c.partner.clone().filter(|p| p != id),
        default,
        always_default,
        resolver,
        display_name: display_name(policy, id),
        // Only a claim B2C must send (Required, no default) is required by the service.
        ty: rust_type(dt, !(c.required && c.default_value.is_none())),
        flat: false,
        literal,
        more_paths: Vec::new(),
    })
}

/// Url mode: every input claim is a placeholder and every placeholder an input claim.
fn check_url(path: &str, p: &ParsedProfile, reasons: &mut Vec<String>) {
    let placeholders = match grammar::parse_url_template(path) {
        Ok(ph) => ph,
        Err(msg) => {
            reasons.push(format!("the ServiceUrl template: {msg}"));
            return;
        }
    };
    let names: Vec<&str> = placeholders.iter().map(|ph| ph.name).collect();
    for c in &p.input_claims {
        if !names.contains(&c.wire())
            && p.metadata(k::USE_CLAIM_AS_BEARER_TOKEN) != Some(c.claim_type.as_str())
        {
            reasons.push(format!(
                "input claim `{}` is not a placeholder of the ServiceUrl: with SendClaimsIn=Url \
                 the framework needs every input claim in the URL",
                c.claim_type
            ));
        }
    }
    for n in names {
        if !p.input_claims.iter().any(|c| c.wire() == n) {
            reasons.push(format!(
                "the ServiceUrl placeholder `{{{n}}}` is not an input claim's wire name"
            ));
        }
    }
}

/// Payload mode: the profile's GenerateJson transformation that writes `claim`.
fn plan_payload(
    policy: &ParsedPolicy,
    p: &ParsedProfile,
    claim: &str,
    resolving: bool,
    reasons: &mut Vec<String>,
    notes: &mut Vec<String>,
) -> Option<(Payload, bool)> {
    let mut found = None;
    for id in &p.input_claims_transformations {
        match policy.transformation(id) {
            Some(t)
                if t.method == "GenerateJson"
                    && t.output_claims == vec![(claim.to_owned(), "outputClaim".to_owned())]
                    && found.is_none() =>
            {
                found = Some(t)
            }
            Some(t) => reasons.push(format!(
                "input claims transformation `{id}` ({}) is not the payload's GenerateJson; a \
                 handler cannot declare other transformations",
                t.method
            )),
            None => reasons.push(format!(
                "input claims transformation `{id}` is in no input file"
            )),
        }
    }
    let Some(t) = found else {
        reasons.push(format!(
            "the payload claim `{claim}` is not written by a GenerateJson input claims \
             transformation of the profile (OutputClaim `{claim}` as `outputClaim`)"
        ));
        return None;
    };
    let mut fields = Vec::new();
    let mut names = BTreeSet::new();
    let mut ids = BTreeSet::new();
    let mut paths = Vec::new();
    let mut uses_resolver = false;
    for (id, path) in &t.input_claims {
        if ids.contains(id) {
            // One claim at several paths: `paths = [..]` on its field.
            if let Some(f) = fields.iter_mut().find(|f: &&mut Claim| &f.id == id) {
                f.more_paths.push(path.clone());
            }
            paths.push(path.clone());
            continue;
        }
        if !grammar::is_valid_claim_id(id) {
            reasons.push(format!("invalid claim id `{id}`"));
            continue;
        }
        let dt = data_type(policy, id, reasons, notes);
        ids.insert(id.clone());
        paths.push(path.clone());
        fields.push(Claim {
            name: ident(id, &mut names),
            id: id.clone(),
            partner: Some(path.clone()),
            default: None,
            always_default: false,
            resolver: None,
            display_name: display_name(policy, id),
            ty: rust_type(dt, true),
            flat: false,
            literal: false,
            more_paths: Vec::new(),
        });
    }
    for (path, dt, value) in &t.input_parameters {
        let Some(dt) = DataType::from_xml(dt) else {
            reasons.push(format!(
                "GenerateJson parameter `{path}` has DataType `{dt}`, for which the framework \
                 has no claim type"
            ));
            continue;
        };
        // A constant becomes a field with a claim id of its own (declared, never set by B2C).
        let mut id = claims_core::names::lower_camel_case(path);
        while policy.claim_type(&id).is_some() || ids.contains(&id) {
            id.push_str("Param");
        }
        if !grammar::is_valid_claim_id(&id) {
            reasons.push(format!(
                "GenerateJson parameter `{path}` gives no valid claim id"
            ));
            continue;
        }
        let (default, resolver) = if looks_like_resolver(value) {
            if !resolving {
                reasons.push(format!(
                    "GenerateJson parameter `{path}` uses `{value}` without \
                     IncludeClaimResolvingInClaimsHandling on the profile (the exporter sets it \
                     for payload resolvers)"
                ));
            } else if !resolvers::is_known(value) {
                reasons.push(format!("`{value}` is not a B2C claim resolver"));
            }
            uses_resolver = true;
            (None, Some(value.clone()))
        } else {
            (Some(value.clone()), None)
        };
        ids.insert(id.clone());
        paths.push(path.clone());
        fields.push(Claim {
            name: ident(&id, &mut names),
            id,
            partner: Some(path.clone()),
            default,
            always_default: false,
            resolver,
            display_name: None,
            ty: rust_type(dt, true),
            flat: false,
            literal: false,
            more_paths: Vec::new(),
        });
    }
    let mut trees = Vec::new();
    for path in &paths {
        match grammar::parse_dot_path(path) {
            Ok(segs) => trees.push((segs.iter().map(seg_key).collect(), path.clone())),
            Err(msg) => reasons.push(format!("GenerateJson path {msg}")),
        }
    }
    check_tree(&trees, true, "payload", reasons);
    Some((
        Payload {
            claim: claim.to_owned(),
            transformation: t.id.clone(),
            fields,
        },
        uses_resolver,
    ))
}

/// Paths must not repeat or be prefixes of each other; payload arrays must be dense from 0.
fn check_tree(paths: &[(Vec<String>, String)], dense: bool, what: &str, reasons: &mut Vec<String>) {
    for (i, (a, wa)) in paths.iter().enumerate() {
        for (b, wb) in &paths[i + 1..] {
            if a == b {
                reasons.push(format!("two {what} claims use the path `{wa}`"));
            } else if a.starts_with(b) || b.starts_with(a) {
                reasons.push(format!(
                    "{what} paths `{wa}` and `{wb}`: one is a prefix of the other"
                ));
            }
        }
    }
    if !dense {
        return;
    }
    let mut arrays: std::collections::BTreeMap<&[String], BTreeSet<usize>> = Default::default();
    for (segs, _) in paths {
        for (n, s) in segs.iter().enumerate() {
            if let Some(i) = s.strip_prefix("i:").and_then(|i| i.parse().ok()) {
                arrays.entry(&segs[..n]).or_default().insert(i);
            }
        }
    }
    for (prefix, idx) in arrays {
        if idx.iter().copied().ne(0..idx.len()) {
            reasons.push(format!(
                "the {what} array at `{}` is not filled from index 0 without gaps",
                prefix.iter().map(|s| &s[2..]).collect::<Vec<_>>().join(".")
            ));
        }
    }
}
