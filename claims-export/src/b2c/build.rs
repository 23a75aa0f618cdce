//! Descriptors -> [`PolicyDocument`]: claim collection and per-handler technical profiles.
//!
//! Problems that need the descriptors (conflicting claim declarations, payload shape) are found
//! here; structural rules on the finished model live in [`super::lint`].

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use super::PolicyOptions;
use super::model::{
    ClaimRef, ClaimTypeDecl, ClaimsTransformationDecl, CryptographicKey, InputParameter,
    PolicyDocument, TechnicalProfileDecl, TransformationClaim,
};
use claims_core::resolvers;
use claims_core::spec::{
    AuthSpec, DataType, HandlerSpec, InputClaimSpec, OutputClaimSpec, PayloadSpec, QueryValue,
    SendClaimsIn, UserInputType,
};

/// Session management profile referenced by every generated profile (starter-pack base).
const SESSION_MANAGEMENT: &str = "SM-Noop";

/// One declared use of a claim id, merged into a ClaimType.
struct ClaimUse {
    data_type: DataType,
    display_name: Option<&'static str>,
    help: Option<&'static str>,
    input_type: Option<UserInputType>,
    /// Where it is used, for messages: "input `email` of REST-X".
    origin: String,
}

#[derive(Default)]
struct Claims {
    /// id -> (first origin, merged declaration pieces with their origins).
    map: BTreeMap<&'static str, Merged>,
}

struct Merged {
    data_type: DataType,
    type_origin: String,
    display_name: Option<(&'static str, String)>,
    help: Option<(&'static str, String)>,
    input_type: Option<(UserInputType, String)>,
}

fn merge_attr<T: PartialEq + Copy + std::fmt::Debug>(
    slot: &mut Option<(T, String)>,
    new: Option<T>,
    origin: &str,
    id: &str,
    what: &str,
    problems: &mut Vec<String>,
) {
    let Some(new) = new else { return };
    match slot {
        None => *slot = Some((new, origin.to_owned())),
        Some((old, old_origin)) if *old != new => problems.push(format!(
            "claim `{id}` has conflicting {what}: {old:?} ({old_origin}) and {new:?} ({origin}); \
             declare it once or make them equal"
        )),
        Some(_) => {}
    }
}

impl Claims {
    fn add(&mut self, id: &'static str, u: ClaimUse, problems: &mut Vec<String>) {
        match self.map.entry(id) {
            Entry::Vacant(v) => {
                v.insert(Merged {
                    data_type: u.data_type,
                    type_origin: u.origin.clone(),
                    display_name: u.display_name.map(|d| (d, u.origin.clone())),
                    help: u.help.map(|h| (h, u.origin.clone())),
                    input_type: u.input_type.map(|t| (t, u.origin)),
                });
            }
            Entry::Occupied(mut o) => {
                let m = o.get_mut();
                if m.data_type != u.data_type {
                    problems.push(format!(
                        "claim `{id}` is declared with two DataTypes: `{}` ({}) and `{}` ({}); \
                         a ClaimType has exactly one DataType",
                        m.data_type, m.type_origin, u.data_type, u.origin
                    ));
                }
                merge_attr(
                    &mut m.display_name,
                    u.display_name,
                    &u.origin,
                    id,
                    "display names",
                    problems,
                );
                merge_attr(&mut m.help, u.help, &u.origin, id, "help texts", problems);
                merge_attr(
                    &mut m.input_type,
                    u.input_type,
                    &u.origin,
                    id,
                    "input types",
                    problems,
                );
            }
        }
    }

    fn add_input(&mut self, c: &InputClaimSpec, origin: String, problems: &mut Vec<String>) {
        let u = ClaimUse {
            data_type: c.data_type,
            display_name: c.display_name,
            help: c.help,
            input_type: c.input_type,
            origin,
        };
        self.add(c.id, u, problems);
    }

    fn add_output(&mut self, c: &OutputClaimSpec, origin: String, problems: &mut Vec<String>) {
        let u = ClaimUse {
            data_type: c.data_type,
            display_name: c.display_name,
            help: c.help,
            input_type: c.input_type,
            origin,
        };
        self.add(c.id, u, problems);
    }

    fn add_string(&mut self, id: &'static str, origin: String, problems: &mut Vec<String>) {
        let u = ClaimUse {
            data_type: DataType::String,
            display_name: None,
            help: None,
            input_type: None,
            origin,
        };
        self.add(id, u, problems);
    }

    fn into_decls(self) -> Vec<ClaimTypeDecl> {
        self.map
            .into_iter()
            .map(|(id, m)| ClaimTypeDecl {
                id: id.to_owned(),
                display_name: m
                    .display_name
                    .map_or_else(|| humanize(id), |(d, _)| d.to_owned()),
                data_type: m.data_type,
                help: m.help.map(|(h, _)| h.to_owned()),
                input_type: m.input_type.map(|(t, _)| t),
            })
            .collect()
    }
}

pub(crate) use claims_core::names::humanize;

/// The resolved authentication of a handler.
fn resolve_auth(spec: &HandlerSpec, opts: &PolicyOptions) -> AuthSpec {
    match spec.auth {
        AuthSpec::Inherit => opts.default_auth,
        a => a,
    }
}

/// Builds the document; returns it with the problems found on the descriptors.
pub(crate) fn build(
    specs: &[&'static HandlerSpec],
    opts: &PolicyOptions,
) -> (PolicyDocument, Vec<String>) {
    let mut problems = Vec::new();
    let mut claims = Claims::default();
    let mut transformations: BTreeMap<&'static str, (&'static PayloadSpec, &'static str)> =
        BTreeMap::new();
    let mut profiles = Vec::with_capacity(specs.len());

    // A handler that inherits the app's scheme cannot be exported without knowing it: writing
    // `None` would silently contradict the running guard.
    if opts.default_auth == AuthSpec::Inherit
        && let Some(spec) = specs.iter().find(|s| s.auth == AuthSpec::Inherit)
    {
        problems.push(format!(
            "handler {} inherits the app's authentication, which this export does not know: \
             export through the app (App::policy or the `policy` subcommand), or set \
             PolicyOptions::default_auth",
            spec.technical_profile
        ));
    }

    for spec in specs {
        let tp = spec.technical_profile;
        let auth = resolve_auth(spec, opts);
        check_descriptor(spec, &mut problems);

        for c in spec.inputs {
            claims.add_input(c, format!("input `{}` of {tp}", c.rust_name), &mut problems);
        }
        for c in spec.outputs {
            claims.add_output(
                c,
                format!("output `{}` of {tp}", c.rust_name),
                &mut problems,
            );
        }

        // Input claims.
        let mut input_claims: Vec<ClaimRef> = Vec::new();
        let mut input_claims_transformations = Vec::new();
        if let Some(p) = spec.payload {
            input_claims.push(claim_ref(p.claim_id, None, None, false));
            // Beside the payload: the bearer-token claim and `{placeholders}` of the path.
            for c in spec.inputs {
                input_claims.push(claim_ref(
                    c.id,
                    c.partner,
                    c.default_value(),
                    c.always_use_default(),
                ));
            }
            input_claims_transformations.push(p.transformation_id.to_owned());
            claims.add_string(p.claim_id, format!("payload claim of {tp}"), &mut problems);
            for f in p.fields {
                claims.add_input(
                    f,
                    format!("payload field `{}` of {tp}", f.rust_name),
                    &mut problems,
                );
            }
            match transformations.entry(p.transformation_id) {
                Entry::Vacant(v) => {
                    v.insert((p, tp));
                }
                Entry::Occupied(o) => {
                    let (other, other_tp) = *o.get();
                    if other != p {
                        problems.push(format!(
                            "claims transformation `{}` is generated by {other_tp} and {tp} with \
                             different payloads; give each payload its own transformation id",
                            p.transformation_id
                        ));
                    }
                }
            }
        } else {
            for c in spec.inputs {
                input_claims.push(ClaimRef {
                    literal_default: c.literal_default,
                    ..claim_ref(c.id, c.partner, c.default_value(), c.always_use_default())
                });
            }
        }
        if let AuthSpec::BearerFromClaim(claim) = auth {
            // B2C needs the token claim among the input claims (else AADB2C90194).
            if !spec.inputs.iter().any(|c| c.id == claim) {
                input_claims.push(claim_ref(claim, None, None, false));
                claims.add_string(claim, format!("bearer token claim of {tp}"), &mut problems);
            }
        }

        let output_claims = spec
            .outputs
            .iter()
            .map(|o| claim_ref(o.id, o.partner, o.default, o.always_default))
            .collect();

        let metadata = metadata(spec, auth, opts, &mut problems);
        let resolves_paths = metadata
            .iter()
            .any(|(k, v)| k == claims_core::metadata::RESOLVE_JSON_PATHS && v == "true");
        if !resolves_paths && let Some(o) = spec.outputs.iter().find(|o| o.is_nested()) {
            problems.push(format!(
                "{tp}: output `{}` is the JSON path `{}`, but the handler sets \
                 ResolveJsonPathsInJsonTokens=false, so B2C would look for a key of that name",
                o.rust_name,
                o.wire()
            ));
        }
        if resolves_paths {
            for o in spec.outputs.iter().filter(|o| o.is_dotted_flat_key()) {
                problems.push(format!(
                    "{tp}: output `{}` is the flat key `{}`, but the profile sets \
                     ResolveJsonPathsInJsonTokens=true, so B2C would read it as a JSON path",
                    o.rust_name,
                    o.wire()
                ));
            }
        }
        profiles.push(TechnicalProfileDecl {
            id: tp.to_owned(),
            display_name: spec.display_name.to_owned(),
            metadata,
            keys: keys(auth, opts),
            input_claims_transformations,
            input_claims,
            output_claims,
            session_management: Some(SESSION_MANAGEMENT.to_owned()),
        });
    }

    let claims_transformations = transformations
        .into_values()
        .map(|(p, _)| generate_json(p))
        .collect();

    let doc = PolicyDocument {
        tenant_id: opts.tenant_id.clone(),
        policy_id: opts.policy_id.clone(),
        base_policy_id: opts.base_policy_id.clone(),
        deployment_mode: opts.deployment_mode.then_some(if opts.production {
            "Production"
        } else {
            "Development"
        }),
        claim_types: claims.into_decls(),
        claims_transformations,
        provider_display_name: opts.provider_display_name.clone(),
        technical_profiles: profiles,
        usage_examples: opts.usage_examples,
        localization: None,
    };
    (doc, problems)
}

/// Rules on one descriptor that the model no longer shows.
fn check_descriptor(spec: &HandlerSpec, problems: &mut Vec<String>) {
    let tp = spec.technical_profile;
    let all_inputs = spec
        .inputs
        .iter()
        .chain(spec.payload.into_iter().flat_map(|p| p.fields.iter()));
    for c in all_inputs {
        if c.resolver.is_some() && c.default.is_some() {
            problems.push(format!(
                "{tp}: input `{}` declares both a default and a resolver; they are exclusive",
                c.rust_name
            ));
        }
        if let Some(r) = c.resolver
            && !resolvers::is_known(r)
        {
            problems.push(format!(
                "{tp}: input `{}` uses `{r}`, which is not a B2C claim resolver (known: {}, \
                 {{Claim:<id>}}, {{OAUTH-KV:<param>}})",
                c.rust_name,
                resolvers::FIXED.join(", ")
            ));
        }
    }
    if let Some(p) = spec.payload {
        if spec.send_claims_in != SendClaimsIn::Body {
            problems.push(format!(
                "{tp}: a JSON payload (ClaimUsedForRequestPayload) needs SendClaimsIn=Body, not {}",
                spec.send_claims_in
            ));
        }
        let bearer = match spec.auth {
            AuthSpec::BearerFromClaim(c) => Some(c),
            _ => None,
        };
        let placeholders = claims_core::grammar::scan_placeholders(spec.path);
        for c in spec
            .inputs
            .iter()
            .filter(|c| Some(c.id) != bearer && !placeholders.iter().any(|(_, n)| *n == c.wire()))
        {
            problems.push(format!(
                "{tp}: input `{}` is declared beside the JSON payload `{}`; in payload mode B2C \
                 sends only the payload claim, the bearer-token claim and the path's \
                 placeholders, so move it into the payload",
                c.rust_name, p.claim_id
            ));
        }
    }
}

fn claim_ref(
    id: &str,
    partner: Option<&str>,
    default_value: Option<&str>,
    always_use_default: bool,
) -> ClaimRef {
    ClaimRef {
        claim_type: id.to_owned(),
        partner: partner.filter(|p| *p != id).map(str::to_owned),
        default_value: default_value.map(str::to_owned),
        always_use_default,
        literal_default: false,
    }
}

fn item(key: &str, value: impl Into<String>) -> (String, String) {
    (key.to_owned(), value.into())
}

/// `ServiceUrl`: the base URL without trailing `/`, then the route, then one query: the base
/// URL's own (an Azure Functions `code=`, an `api-version=`) followed by the route's template.
pub(crate) fn service_url(base_url: &str, path: &str) -> String {
    let (base, base_query) = match base_url.split_once('?') {
        Some((b, q)) => (b, q),
        None => (base_url, ""),
    };
    let (route, route_query) = match path.split_once('?') {
        Some((r, q)) => (r, q),
        None => (path, ""),
    };
    let base = base.trim_end_matches('/');
    let mut url = if route.is_empty() || route.starts_with('/') {
        format!("{base}{route}")
    } else {
        format!("{base}/{route}")
    };
    let queries: Vec<&str> = [base_query, route_query]
        .into_iter()
        .map(|q| q.trim_matches('&'))
        .filter(|q| !q.is_empty())
        .collect();
    if !queries.is_empty() {
        url.push('?');
        url.push_str(&queries.join("&"));
    }
    url
}

/// The value of a configuration setting: [`PolicyOptions::settings`], then the environment.
fn setting(opts: &PolicyOptions, name: &str) -> Option<String> {
    opts.settings
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .or_else(|| std::env::var(name).ok())
        .filter(|v| !v.is_empty())
}

/// The handler's ServiceUrl: its own base URL or the export's, the route, then the static
/// query (settings read now; a missing one is a problem, its value never printed).
fn handler_url(spec: &HandlerSpec, opts: &PolicyOptions, problems: &mut Vec<String>) -> String {
    use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
    // The value goes in as written (it may be URL-encoded already, as copied from a portal);
    // only what would end the value or the query is encoded.
    const VALUE: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'&')
        .add(b'<')
        .add(b'>');
    let mut url = service_url(spec.service_url.unwrap_or(&opts.base_url), spec.path);
    for (key, value) in spec.service_query {
        let value = match value {
            QueryValue::Literal(v) => (*v).to_owned(),
            QueryValue::Setting(name) => match setting(opts, name) {
                Some(v) => utf8_percent_encode(&v, VALUE).to_string(),
                None => {
                    problems.push(format!(
                        "{}: the ServiceUrl query parameter `{key}` takes its value from the \
                         setting {name}, which is not set: set the environment variable (or app \
                         setting) {name}, or PolicyOptions::settings, before exporting",
                        spec.technical_profile
                    ));
                    format!("{{{name}}}")
                }
            },
            _ => continue,
        };
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(key);
        url.push('=');
        url.push_str(&value);
    }
    url
}

fn metadata(
    spec: &HandlerSpec,
    auth: AuthSpec,
    opts: &PolicyOptions,
    problems: &mut Vec<String>,
) -> Vec<(String, String)> {
    use claims_core::metadata as k;
    let mut m = vec![
        item(k::SERVICE_URL, handler_url(spec, opts, problems)),
        item(k::SEND_CLAIMS_IN, spec.send_claims_in.as_str()),
        item(
            k::AUTHENTICATION_TYPE,
            auth.authentication_type().unwrap_or("None"),
        ),
    ];
    if matches!(auth, AuthSpec::None | AuthSpec::Inherit)
        && (!opts.production || opts.allow_insecure)
    {
        m.push(item(k::ALLOW_INSECURE_AUTH_IN_PRODUCTION, "true"));
    }
    if let AuthSpec::BearerFromClaim(claim) = auth {
        m.push(item(k::USE_CLAIM_AS_BEARER_TOKEN, claim));
    }
    if let Some(p) = spec.payload {
        m.push(item(k::CLAIM_USED_FOR_REQUEST_PAYLOAD, p.claim_id));
    }
    if spec.uses_resolvers() {
        m.push(item(k::INCLUDE_CLAIM_RESOLVING, "true"));
    }
    if spec.uses_nested_outputs() {
        m.push(item(k::RESOLVE_JSON_PATHS, "true"));
    }
    if opts.debug_mode {
        m.push(item(k::DEBUG_MODE, "true"));
    }
    m.push(item(
        k::DEFAULT_USER_MESSAGE_IF_REQUEST_FAILED,
        opts.messages.request_failed.as_str(),
    ));
    m.push(item(
        k::USER_MESSAGE_IF_REQUEST_TIMEOUT,
        opts.messages.request_timeout.as_str(),
    ));
    m.push(item(
        k::USER_MESSAGE_IF_DNS_RESOLUTION_FAILED,
        opts.messages.dns_resolution_failed.as_str(),
    ));
    m.push(item(
        k::USER_MESSAGE_IF_CIRCUIT_OPEN,
        opts.messages.circuit_open.as_str(),
    ));
    for (k, v) in &opts.extra_metadata {
        m.push((k.clone(), v.clone()));
    }
    // What the handler sets explicitly replaces what the descriptor or the options imply.
    for e in spec.metadata {
        match m.iter_mut().find(|(key, _)| key == e.key()) {
            Some(slot) => slot.1 = e.value().to_owned(),
            None => m.push(item(e.key(), e.value())),
        }
    }
    m
}

/// The key ids come from [`AuthSpec::key_ids`]; the storage references from the options.
fn keys(auth: AuthSpec, opts: &PolicyOptions) -> Vec<CryptographicKey> {
    use claims_core::metadata::keys as ids;
    let k = &opts.keys;
    auth.key_ids()
        .into_iter()
        .map(|id| CryptographicKey {
            id: id.to_owned(),
            storage_reference_id: match id {
                ids::BASIC_USERNAME => &k.basic_username,
                ids::BASIC_PASSWORD => &k.basic_password,
                ids::BEARER_TOKEN => &k.bearer_token,
                ids::CLIENT_CERTIFICATE => &k.client_certificate,
                _ => &k.api_key,
            }
            .clone(),
        })
        .collect()
}

/// The `GenerateJson` transformation of a payload: claims without a value of their own become
/// `InputClaim`s, fields with a literal default (or a resolver) become `InputParameter`s.
fn generate_json(p: &PayloadSpec) -> ClaimsTransformationDecl {
    let mut input_claims = Vec::new();
    let mut input_parameters = Vec::new();
    for f in p.fields {
        let path = f.wire().to_owned();
        match f.default_value() {
            Some(v) => input_parameters.push(InputParameter {
                id: path,
                data_type: f.data_type,
                value: v.to_owned(),
            }),
            None => input_claims.push(TransformationClaim {
                claim_type: f.id.to_owned(),
                transformation_claim_type: path,
            }),
        }
    }
    ClaimsTransformationDecl {
        id: p.transformation_id.to_owned(),
        method: "GenerateJson".to_owned(),
        input_claims,
        input_parameters,
        output_claims: vec![TransformationClaim {
            claim_type: p.claim_id.to_owned(),
            transformation_claim_type: "outputClaim".to_owned(),
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::service_url;
    use claims_core::spec::{AuthSpec, DataType, HandlerSpec, OutputClaimSpec, SendClaimsIn};

    #[test]
    fn a_dotted_flat_key_refuses_json_path_resolution() {
        static FLAT: [OutputClaimSpec; 1] =
            [OutputClaimSpec::new("userName", DataType::String).with_flat_key("user.name")];
        static MIXED: [OutputClaimSpec; 2] = [
            OutputClaimSpec::new("userName", DataType::String).with_flat_key("user.name"),
            OutputClaimSpec::new("email", DataType::String).with_partner("contacts[0].email"),
        ];
        static OK: HandlerSpec = HandlerSpec::new("REST-Flat", "/flat", SendClaimsIn::Body)
            .with_auth(AuthSpec::None)
            .with_outputs(&FLAT);
        static BAD: HandlerSpec = HandlerSpec::new("REST-Mixed", "/mixed", SendClaimsIn::Body)
            .with_auth(AuthSpec::None)
            .with_outputs(&MIXED);
        let (doc, problems) = super::build(&[&OK], &Default::default());
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            doc.technical_profiles[0].metadata("ResolveJsonPathsInJsonTokens"),
            None
        );
        let (_, problems) = super::build(&[&BAD], &Default::default());
        assert!(
            problems.iter().any(|p| p.contains("flat key `user.name`")),
            "{problems:?}"
        );
    }

    #[test]
    fn the_base_urls_query_follows_the_handler_path() {
        let fun = "https://fn.azurewebsites.net/api?code=KEY";
        assert_eq!(
            service_url(fun, "/capitalize"),
            "https://fn.azurewebsites.net/api/capitalize?code=KEY"
        );
        assert_eq!(
            service_url(
                "https://fn.azurewebsites.net/api/?code=KEY&x=1",
                "/members?v=1"
            ),
            "https://fn.azurewebsites.net/api/members?code=KEY&x=1&v=1"
        );
        assert_eq!(
            service_url("https://api.contoso.com/", "/members/{id}?v=1"),
            "https://api.contoso.com/members/{id}?v=1"
        );
        assert_eq!(
            service_url("https://api.contoso.com", "members"),
            "https://api.contoso.com/members"
        );
        assert_eq!(
            service_url("https://api.contoso.com?", "/m"),
            "https://api.contoso.com/m"
        );
    }
}
