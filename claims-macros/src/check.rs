//! Rules that look at one value in isolation (ids, resolvers, header tokens, paths) and rules that
//! look across claims (duplicates, Url placeholders, nested output paths, payload arrays).

use std::collections::BTreeMap;

use crate::attr::Ctxt;
use crate::model::{Auth, ClaimMeta, Handler, OutputField, PayloadField, SendMode, Spanned};

/// Claim resolvers B2C knows. Must equal `claims_runtime::descriptor::resolvers::FIXED` (a test in
/// `tests/` compares them through `__resolver_list!`).
pub const RESOLVERS: &[&str] = &[
    "{Culture:LanguageName}",
    "{Culture:LCID}",
    "{Culture:RegionName}",
    "{Culture:RFC5646}",
    "{Policy:PolicyId}",
    "{Policy:RelyingPartyTenantId}",
    "{Policy:TenantObjectId}",
    "{Policy:TrustFrameworkTenantId}",
    "{Context:BuildNumber}",
    "{Context:CorrelationId}",
    "{Context:DateTimeInUtc}",
    "{Context:DeploymentMode}",
    "{Context:HostName}",
    "{Context:IPAddress}",
    "{Context:KMSI}",
    "{OIDC:AuthenticationContextReferences}",
    "{OIDC:ClientId}",
    "{OIDC:DomainHint}",
    "{OIDC:LoginHint}",
    "{OIDC:MaxAge}",
    "{OIDC:Nonce}",
    "{OIDC:Password}",
    "{OIDC:Prompt}",
    "{OIDC:RedirectUri}",
    "{OIDC:Resource}",
    "{OIDC:Scope}",
    "{OIDC:Username}",
    "{SAML:AuthnContextClassReferences}",
    "{SAML:NameIdPolicyFormat}",
    "{SAML:Issuer}",
    "{SAML:AllowCreate}",
    "{SAML:ForceAuthn}",
    "{SAML:ProviderName}",
    "{SAML:RelayState}",
    "{SAML:Subject}",
    "{SAML:Binding}",
];

/// Resolvers with a parameter.
pub const PARAMETERISED: &[&str] = &["{Claim:", "{OAUTH-KV:"];

/// Whether `s` is a known resolver (case-insensitive, as B2C compares them).
pub fn is_known_resolver(s: &str) -> bool {
    RESOLVERS.iter().any(|r| r.eq_ignore_ascii_case(s))
        || PARAMETERISED.iter().any(|p| {
            s.len() > p.len() + 1
                && s.is_char_boundary(p.len())
                && s[..p.len()].eq_ignore_ascii_case(p)
                && s.ends_with('}')
                && !s[p.len()..s.len() - 1].contains(['{', '}'])
        })
}

fn resolver_message(s: &str) -> String {
    format!(
        "unknown resolver `{s}`; accepted: {}, {{Claim:<claim id>}}, {{OAUTH-KV:<parameter>}}",
        RESOLVERS.join(", ")
    )
}

/// `[A-Za-z_][A-Za-z0-9_.-]{0,127}`.
pub fn is_valid_claim_id(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && (b[0].is_ascii_alphabetic() || b[0] == b'_')
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

/// `[A-Za-z0-9_.-]{1,128}`.
pub fn is_valid_technical_profile(s: &str) -> bool {
    (1..=128).contains(&s.len())
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
}

/// An HTTP token (RFC 9110 `tchar`+), as header names must be.
pub fn is_http_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    b'!' | b'#'
                        | b'$'
                        | b'%'
                        | b'&'
                        | b'\''
                        | b'*'
                        | b'+'
                        | b'-'
                        | b'.'
                        | b'^'
                        | b'_'
                        | b'`'
                        | b'|'
                        | b'~'
                )
        })
}

// ---------------------------------------------------------------------------------------------
// Url templates

/// One `{name}` placeholder of a Url-mode path template.
#[derive(Debug, PartialEq, Eq)]
pub struct Placeholder {
    pub name: String,
    /// `true` when it is the value of a `?key={name}` query pair.
    pub in_query: bool,
}

/// Parses `/members/{id}/x?k={name}&code=abc` into its placeholders.
pub fn parse_template(path: &str) -> Result<Vec<Placeholder>, String> {
    let (route, query) = match path.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (path, None),
    };
    let mut out = Vec::new();
    let mut rest = route;
    while let Some(open) = rest.find(['{', '}']) {
        if rest.as_bytes()[open] == b'}' {
            return Err(format!("unmatched `}}` in the path `{path}`"));
        }
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| format!("unclosed `{{` in the path `{path}`"))?;
        let name = &after[..close];
        if name.is_empty() || name.contains(['{', '/']) {
            return Err(format!(
                "invalid placeholder `{{{name}}}` in the path `{path}`: expected `{{<wire name>}}`"
            ));
        }
        out.push(Placeholder {
            name: name.to_owned(),
            in_query: false,
        });
        rest = &after[close + 1..];
    }
    if let Some(q) = query {
        if q.is_empty() {
            return Err(format!("empty query template after `?` in `{path}`"));
        }
        for pair in q.split('&') {
            let Some((k, v)) = pair.split_once('=') else {
                return Err(format!(
                    "invalid query template pair `{pair}`: expected `key={{wire name}}` or `key=value`"
                ));
            };
            if k.is_empty() || k.contains(['{', '}']) {
                return Err(format!(
                    "invalid query template key `{k}`: keys are literal text; the value holds the `{{placeholder}}`"
                ));
            }
            if let Some(name) = v.strip_prefix('{').and_then(|v| v.strip_suffix('}')) {
                if name.is_empty() || name.contains(['{', '}']) {
                    return Err(format!("invalid placeholder `{v}` in the query template"));
                }
                out.push(Placeholder {
                    name: name.to_owned(),
                    in_query: true,
                });
            } else if v.contains(['{', '}']) {
                return Err(format!(
                    "invalid query template value `{v}`: expected `{{wire name}}` or literal text"
                ));
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Output bracket paths and payload dot paths

/// One segment of a nested path.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Seg {
    Key(String),
    Index(usize),
}

fn is_path_key(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'-'))
}

/// Parses an output bracket path (`contacts[0].person.emails[0].email`).
pub fn parse_bracket_path(path: &str) -> Result<Vec<Seg>, String> {
    let mut segs = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() && key.bytes().all(|c| c.is_ascii_digit()) {
            return Err(format!(
                "`{path}`: the dotted index `.{key}` is GenerateJson syntax; output paths index arrays with brackets, e.g. `items[{key}]`"
            ));
        }
        if key.is_empty() {
            if segs.is_empty() || rest.is_empty() {
                return Err(format!(
                    "`{path}`: empty key (check for `..`, or a leading/trailing `.`)"
                ));
            }
            return Err(format!(
                "`{path}`: an index must follow a key, e.g. `items[0]`"
            ));
        }
        if !is_path_key(key) {
            return Err(format!(
                "`{path}`: invalid key `{key}`; keys may hold letters, digits, `_`, `$` and `-`"
            ));
        }
        segs.push(Seg::Key(key.to_owned()));
        while !rest.is_empty() {
            let close = rest
                .find(']')
                .ok_or_else(|| format!("`{path}`: unclosed `[`"))?;
            let idx = &rest[1..close];
            let n: usize = idx
                .parse()
                .ok()
                .filter(|_| !idx.is_empty() && idx.bytes().all(|c| c.is_ascii_digit()))
                .ok_or_else(|| format!("`{path}`: `[{idx}]` is not an array index"))?;
            segs.push(Seg::Index(n));
            rest = &rest[close + 1..];
            if !rest.is_empty() && !rest.starts_with('[') {
                return Err(format!("`{path}`: expected `.` or `[` after `]`"));
            }
        }
    }
    Ok(segs)
}

/// Parses a GenerateJson dot path (`customer.items.0.id`).
pub fn parse_dot_path(path: &str) -> Result<Vec<Seg>, String> {
    let mut segs = Vec::new();
    for (i, part) in path.split('.').enumerate() {
        if part.is_empty() {
            return Err(format!(
                "`{path}`: empty segment (check for `..`, or a leading/trailing `.`)"
            ));
        }
        if part.bytes().all(|c| c.is_ascii_digit()) {
            if i == 0 {
                return Err(format!(
                    "`{path}`: the payload root is an object; the path must start with a key"
                ));
            }
            let n = part
                .parse()
                .map_err(|_| format!("`{path}`: array index `{part}` is too large"))?;
            segs.push(Seg::Index(n));
        } else if part.contains(['[', ']']) {
            return Err(format!(
                "`{path}`: GenerateJson paths index arrays with dotted integers (`items.0.id`), not brackets"
            ));
        } else if !is_path_key(part) {
            return Err(format!(
                "`{path}`: invalid key `{part}`; keys may hold letters, digits, `_`, `$` and `-`"
            ));
        } else {
            segs.push(Seg::Key(part.to_owned()));
        }
    }
    Ok(segs)
}

fn render(segs: &[Seg]) -> String {
    let mut s = String::new();
    for seg in segs {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// Checks a set of paths: no duplicates, no path that is a prefix of another, no node that is
/// both an object and an array; with `dense`, arrays filled from 0 without gaps.
fn check_tree(cx: &Ctxt, paths: &[(Vec<Seg>, &Spanned<String>)], dense: bool) {
    for (i, (segs, at)) in paths.iter().enumerate() {
        for (prev, prev_at) in &paths[..i] {
            if prev == segs {
                cx.error_at(
                    at.span,
                    format!(
                        "duplicate wire path `{}` (already used by an earlier claim)",
                        at.value
                    ),
                );
            } else if segs.starts_with(prev) || prev.starts_with(segs) {
                let (short, long) = if segs.len() < prev.len() {
                    (&at.value, &prev_at.value)
                } else {
                    (&prev_at.value, &at.value)
                };
                cx.error_at(
                    at.span,
                    format!("wire path `{short}` is a prefix of `{long}`: a value cannot also be an object or array"),
                );
            } else {
                // Diverging paths: at the first difference both must be keys or both indexes.
                let common = segs
                    .iter()
                    .zip(prev.iter())
                    .take_while(|(a, b)| a == b)
                    .count();
                if let (Some(a), Some(b)) = (segs.get(common), prev.get(common))
                    && matches!(a, Seg::Key(_)) != matches!(b, Seg::Key(_))
                {
                    cx.error_at(
                        at.span,
                        format!(
                            "`{}` and `{}` use `{}` both as an object and as an array",
                            at.value,
                            prev_at.value,
                            render(&segs[..common])
                        ),
                    );
                }
            }
        }
    }
    if dense {
        let mut arrays: BTreeMap<Vec<Seg>, Vec<(usize, &Spanned<String>)>> = BTreeMap::new();
        for (segs, at) in paths {
            for (i, seg) in segs.iter().enumerate() {
                if let Seg::Index(n) = seg {
                    arrays.entry(segs[..i].to_vec()).or_default().push((*n, at));
                }
            }
        }
        for (parent, mut idx) in arrays {
            idx.sort_by_key(|(n, _)| *n);
            idx.dedup_by_key(|(n, _)| *n);
            for (expect, (n, at)) in idx.iter().enumerate() {
                if *n != expect {
                    cx.error_at(
                        at.span,
                        format!(
                            "array `{}` is not filled from index 0 without gaps: index {expect} is missing (GenerateJson requires dense arrays)",
                            render(&parent)
                        ),
                    );
                    break;
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Per-claim metadata

/// Checks the metadata of one claim that every site shares: id syntax, resolver/default rules.
pub fn check_meta(cx: &Ctxt, id: &Spanned<String>, meta: &ClaimMeta) {
    if !is_valid_claim_id(&id.value) {
        cx.error_at(
            id.span,
            format!(
                "invalid claim id `{}`: a claim type id must match [A-Za-z_][A-Za-z0-9_.-]{{0,127}}",
                id.value
            ),
        );
    }
    if let Some(r) = &meta.resolver {
        if !is_known_resolver(&r.value) {
            cx.error_at(r.span, resolver_message(&r.value));
        }
        if meta.default.is_some() {
            cx.error_at(
                r.span,
                "`resolver` and `default` are mutually exclusive: a resolver is sent as the claim's DefaultValue",
            );
        }
    }
    if let Some(span) = meta.always_default
        && meta.default.is_none()
    {
        let msg = if meta.resolver.is_some() {
            "`always_default` needs `default`; resolvers always use their value, drop `always_default`"
        } else {
            "`always_default` needs `default = \"...\"`"
        };
        cx.error_at(span, msg);
    }
}

/// Cross-claim checks of a handler.
pub fn check_handler(cx: &Ctxt, h: &Handler) {
    let tp = &h.technical_profile;
    if !is_valid_technical_profile(&tp.value) {
        cx.error_at(
            tp.span,
            format!(
                "invalid technical profile id `{}`: it must match [A-Za-z0-9_.-]{{1,128}}",
                tp.value
            ),
        );
    }

    let path = &h.path;
    if !path.value.starts_with('/') {
        cx.error_at(
            path.span,
            format!("the path `{}` must start with `/`", path.value),
        );
    } else if path.value.contains(|c: char| c.is_whitespace() || c == '#') {
        cx.error_at(
            path.span,
            format!(
                "the path `{}` may not contain whitespace or `#`",
                path.value
            ),
        );
    }

    let claims: Vec<_> = h.claims().collect();
    for c in &claims {
        check_meta(cx, &c.id, &c.meta);
    }

    // Duplicate ids and wire names.
    let header = h.send == SendMode::Header;
    for (i, c) in claims.iter().enumerate() {
        for prev in &claims[..i] {
            if prev.id.value == c.id.value {
                cx.error_at(
                    c.id.span,
                    format!(
                        "duplicate claim id `{}` (also used by parameter `{}`)",
                        c.id.value, prev.ident
                    ),
                );
            } else {
                let (a, b) = (&c.wire().value, &prev.wire().value);
                if a == b || (header && a.eq_ignore_ascii_case(b)) {
                    let how = if a == b {
                        ""
                    } else {
                        " (header names are case-insensitive)"
                    };
                    cx.error_at(
                        c.wire().span,
                        format!(
                            "duplicate wire name `{a}`{how}: parameter `{}` is already sent as `{b}`",
                            prev.ident
                        ),
                    );
                }
            }
        }
        if header && !is_http_token(&c.wire().value) {
            cx.error_at(
                c.wire().span,
                format!(
                    "`{}` is not a valid HTTP header name; with send_claims_in = Header the wire name (partner, else id) must be a header token (letters, digits and !#$%&'*+-.^_`|~)",
                    c.wire().value
                ),
            );
        }
    }

    // Url templates.
    let has_template = path.value.contains(['{', '}', '?']);
    if h.send == SendMode::Url {
        match parse_template(&path.value) {
            Err(msg) => cx.error_at(path.span, msg),
            Ok(placeholders) => {
                let wires: Vec<&str> = claims.iter().map(|c| c.wire().value.as_str()).collect();
                let declared = if wires.is_empty() {
                    "none".to_owned()
                } else {
                    wires
                        .iter()
                        .map(|w| format!("`{w}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                for (i, p) in placeholders.iter().enumerate() {
                    if placeholders[..i].iter().any(|q| q.name == p.name) {
                        cx.error_at(
                            path.span,
                            format!("placeholder `{{{}}}` appears twice in the path", p.name),
                        );
                    } else if !wires.contains(&p.name.as_str()) {
                        match claims.iter().find(|c| c.id.value == p.name) {
                            Some(c) => cx.error_at(
                                path.span,
                                format!(
                                    "placeholder `{{{}}}` names claim id `{}`, whose wire name is `{}`: in Url mode a placeholder is the wire name, and a claim may not set a partner different from its placeholder",
                                    p.name, c.id.value, c.wire().value
                                ),
                            ),
                            None => cx.error_at(
                                path.span,
                                format!(
                                    "placeholder `{{{}}}` is not an input claim; declared claims (wire names): {declared}",
                                    p.name
                                ),
                            ),
                        }
                    }
                }
                for c in &claims {
                    if !placeholders.iter().any(|p| p.name == c.wire().value) {
                        cx.error_at(
                            c.wire().span,
                            format!(
                                "claim `{}` is not in the path: with send_claims_in = Url every claim must appear as a `{{{}}}` placeholder in the path or its `?key={{{}}}` query template",
                                c.id.value,
                                c.wire().value,
                                c.wire().value
                            ),
                        );
                    }
                }
            }
        }
    } else if has_template {
        cx.error_at(
            path.span,
            format!(
                "`{{placeholders}}` and `?query` templates are only allowed with send_claims_in = Url (the path is `{}`)",
                path.value
            ),
        );
    }

    // Auth.
    match &h.auth {
        Auth::BearerFromClaim(lit) => {
            let id = lit.value();
            if !claims.iter().any(|c| c.id.value == id) {
                let ids: Vec<String> = claims.iter().map(|c| format!("`{}`", c.id.value)).collect();
                cx.error_spanned_by(
                    lit,
                    format!(
                        "`Bearer(claim = \"{id}\")` must name one of the handler's input claims (UseClaimAsBearerToken); input claim ids: {}",
                        if ids.is_empty() { "none".to_owned() } else { ids.join(", ") }
                    ),
                );
            }
        }
        Auth::ApiKeyHeader(lit) if !is_http_token(&lit.value()) => {
            cx.error_spanned_by(
                lit,
                format!(
                    "`{}` is not a valid HTTP header name (letters, digits and !#$%&'*+-.^_`|~)",
                    lit.value()
                ),
            );
        }
        _ => {}
    }
}

/// Cross-field checks of `#[derive(OutputClaims)]`.
pub fn check_outputs(cx: &Ctxt, fields: &[OutputField]) {
    let mut paths = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        check_meta(cx, &f.id, &f.meta);
        if let Some(prev) = fields[..i].iter().find(|p| p.id.value == f.id.value) {
            cx.error_at(
                f.id.span,
                format!(
                    "duplicate claim id `{}` (also used by field `{}`)",
                    f.id.value, prev.ident
                ),
            );
        }
        let wire = f.wire();
        match parse_bracket_path(&wire.value) {
            Ok(segs) => paths.push((segs, wire)),
            Err(msg) => cx.error_at(wire.span, format!("invalid output path {msg}")),
        }
    }
    check_tree(cx, &paths, false);
}

/// Cross-field checks of `#[derive(ClaimsPayload)]`.
pub fn check_payload(cx: &Ctxt, fields: &[PayloadField]) {
    let mut paths = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        check_meta(cx, &f.id, &f.meta);
        if let Some(prev) = fields[..i].iter().find(|p| p.id.value == f.id.value) {
            cx.error_at(
                f.id.span,
                format!(
                    "duplicate claim id `{}` (also used by field `{}`)",
                    f.id.value, prev.ident
                ),
            );
        }
        match parse_dot_path(&f.path.value) {
            Ok(segs) => paths.push((segs, &f.path)),
            Err(msg) => cx.error_at(f.path.span, format!("invalid payload path {msg}")),
        }
    }
    check_tree(cx, &paths, true);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        let p = parse_template("/members/{id}/cards/{card}?lang={locale}&code=abc").unwrap();
        assert_eq!(
            p,
            vec![
                Placeholder {
                    name: "id".into(),
                    in_query: false
                },
                Placeholder {
                    name: "card".into(),
                    in_query: false
                },
                Placeholder {
                    name: "locale".into(),
                    in_query: true
                },
            ]
        );
        assert_eq!(parse_template("/plain").unwrap(), vec![]);
        assert!(parse_template("/a/{id").is_err());
        assert!(parse_template("/a/id}").is_err());
        assert!(parse_template("/a/{}").is_err());
        assert!(parse_template("/a?").is_err());
        assert!(parse_template("/a?k").is_err());
        assert!(parse_template("/a?{k}=v").is_err());
        assert!(parse_template("/a?k=x{v}").is_err());
    }

    #[test]
    fn bracket_paths() {
        assert_eq!(
            parse_bracket_path("contacts[0].person.emails[1].email").unwrap(),
            vec![
                Seg::Key("contacts".into()),
                Seg::Index(0),
                Seg::Key("person".into()),
                Seg::Key("emails".into()),
                Seg::Index(1),
                Seg::Key("email".into()),
            ]
        );
        assert_eq!(
            parse_bracket_path("name").unwrap(),
            vec![Seg::Key("name".into())]
        );
        assert!(
            parse_bracket_path("a.0.b")
                .unwrap_err()
                .contains("brackets")
        );
        assert!(parse_bracket_path("a..b").is_err());
        assert!(parse_bracket_path("a[x]").is_err());
        assert!(parse_bracket_path("a[0").is_err());
        assert!(parse_bracket_path("[0]").is_err());
        assert!(parse_bracket_path("a b").is_err());
        assert!(parse_bracket_path("a[0]b").is_err());
    }

    #[test]
    fn dot_paths() {
        assert_eq!(
            parse_dot_path("items.0.id").unwrap(),
            vec![
                Seg::Key("items".into()),
                Seg::Index(0),
                Seg::Key("id".into())
            ]
        );
        assert!(parse_dot_path("0.a").is_err());
        assert!(parse_dot_path("a[0]").is_err());
        assert!(parse_dot_path("a.").is_err());
    }

    #[test]
    fn resolvers() {
        assert!(is_known_resolver("{Culture:RFC5646}"));
        assert!(is_known_resolver("{culture:rfc5646}"));
        assert!(is_known_resolver("{Claim:objectId}"));
        assert!(is_known_resolver("{OAUTH-KV:campaignId}"));
        assert!(!is_known_resolver("{Claim:}"));
        assert!(!is_known_resolver("{Culture:Foo}"));
        assert!(!is_known_resolver("Culture:RFC5646"));
    }

    #[test]
    fn ids_and_tokens() {
        assert!(is_valid_claim_id("givenName"));
        assert!(is_valid_claim_id("extension_abc.def-x"));
        assert!(!is_valid_claim_id("1abc"));
        assert!(!is_valid_claim_id(""));
        assert!(!is_valid_claim_id(&"a".repeat(129)));
        assert!(is_valid_technical_profile("REST-GetMembership"));
        assert!(!is_valid_technical_profile("REST GetMembership"));
        assert!(is_http_token("x-api-key"));
        assert!(!is_http_token("x api key"));
        assert!(!is_http_token(""));
    }
}
