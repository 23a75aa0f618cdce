//! Rules that look at one value in isolation (ids, resolvers, header tokens, paths) and rules that
//! look across claims (duplicates, Url placeholders, nested output paths, payload arrays).

use std::collections::BTreeMap;

use crate::attr::Ctxt;
use crate::model::{Auth, ClaimMeta, Handler, OutputField, Param, PayloadField, SendMode, Spanned};

use claims_core::grammar::{
    Segment as Seg, is_http_token, is_valid_claim_id, is_valid_technical_profile,
    parse_bracket_path, parse_dot_path, parse_url_template as parse_template,
    render_bracket as render,
};
use claims_core::resolvers;
use claims_core::spec::{IMPLICIT_CORRELATION_ID, IMPLICIT_CULTURE_ID, RESERVED_CLAIM_PREFIX};

/// Whether a claim name is in the framework's reserved namespace (case-insensitive).
fn starts_with_reserved(name: &str) -> bool {
    name.len() >= RESERVED_CLAIM_PREFIX.len()
        && name.is_char_boundary(RESERVED_CLAIM_PREFIX.len())
        && name[..RESERVED_CLAIM_PREFIX.len()].eq_ignore_ascii_case(RESERVED_CLAIM_PREFIX)
}

/// Checks a set of paths: no duplicates, no path that is a prefix of another, no node that is
/// both an object and an array; with `dense`, arrays filled from 0 without gaps.
fn check_tree(cx: &Ctxt, paths: &[(Vec<Seg<'_>>, &Spanned<String>)], dense: bool) {
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
        let mut arrays: BTreeMap<Vec<Seg<'_>>, Vec<(usize, &Spanned<String>)>> = BTreeMap::new();
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
        if !resolvers::is_known(&r.value) {
            cx.error_at(r.span, resolvers::unknown_message(&r.value));
        }
        if meta.default.is_some() {
            cx.error_at(
                r.span,
                "`resolver` and `default` are mutually exclusive: a resolver is sent as the claim's DefaultValue",
            );
        }
    }
    if let Some(d) = &meta.default
        && !meta.literal
        && resolvers::looks_unresolved(&d.value)
    {
        cx.error_at(
            d.span,
            format!(
                "`default = \"{0}\"` looks like a claim resolver: write `resolver = \"{0}\"` to have B2C resolve it, or `literal_default = \"{0}\"` to send the text as-is",
                d.value
            ),
        );
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
        for name in [&c.id, c.wire()] {
            if starts_with_reserved(&name.value) {
                cx.error_at(
                    name.span,
                    format!(
                        "`{}` starts with `{RESERVED_CLAIM_PREFIX}`, which is reserved for the claims the framework adds itself ({IMPLICIT_CULTURE_ID}, {IMPLICIT_CORRELATION_ID}); choose another name",
                        name.value
                    ),
                );
                break;
            }
        }
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

    // Url templates. The bearer-token claim travels in the Authorization header only, in every
    // mode; beside a JSON payload the other claims fill `{placeholders}` of the path.
    let bearer = match &h.auth {
        Auth::BearerFromClaim(lit) => Some(lit.value()),
        _ => None,
    };
    let payload = h.params.iter().any(|p| matches!(p, Param::Payload { .. }));
    let url_claims: Vec<_> = claims
        .iter()
        .filter(|c| bearer.as_deref() != Some(c.id.value.as_str()))
        .collect();
    if let Some(b) = &bearer
        && let Some(c) = claims.iter().find(|c| &c.id.value == b)
        && path.value.contains(&format!("{{{}}}", c.wire().value))
    {
        cx.error_at(
            path.span,
            format!(
                "`{{{}}}` is the bearer-token claim (auth = Bearer(claim = \"{b}\")), which B2C sends only as the Authorization header, never in the URL; remove the placeholder",
                c.wire().value
            ),
        );
    }
    let has_template = path.value.contains(['{', '}', '?']);
    if h.send == SendMode::Url || (payload && has_template) {
        let parsed = parse_template(&path.value).and_then(|ph| {
            if payload && path.value.contains('?') {
                Err(format!(
                    "a `?query` template in `{}` needs send_claims_in = Url; beside a JSON payload only `{{placeholders}}` of the path are filled",
                    path.value
                ))
            } else {
                Ok(ph)
            }
        });
        match parsed {
            Err(msg) => cx.error_at(path.span, msg),
            Ok(placeholders) => {
                let wires: Vec<&str> = url_claims.iter().map(|c| c.wire().value.as_str()).collect();
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
                    } else if !wires.contains(&p.name) {
                        match url_claims.iter().find(|c| c.id.value == p.name) {
                            Some(c) => cx.error_at(
                                path.span,
                                format!(
                                    "placeholder `{{{}}}` names claim id `{}`, whose wire name is `{}`: in Url mode a placeholder is the wire name, and a claim may not set a partner different from its placeholder",
                                    p.name, c.id.value, c.wire().value
                                ),
                            ),
                            None if bearer.is_some() && claims.iter().any(|c| c.wire().value == p.name) => {}
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
                for c in &url_claims {
                    if !placeholders.iter().any(|p| p.name == c.wire().value) {
                        let msg = if payload {
                            format!(
                                "claim `{}` is declared beside the JSON payload but is not a `{{{}}}` placeholder of the path: beside a payload B2C sends only the payload, the bearer-token claim (as the Authorization header) and the path's placeholders; put it in the payload struct",
                                c.id.value,
                                c.wire().value
                            )
                        } else {
                            format!(
                                "claim `{}` is not in the path: with send_claims_in = Url every claim must appear as a `{{{}}}` placeholder in the path or its `?key={{{}}}` query template",
                                c.id.value,
                                c.wire().value,
                                c.wire().value
                            )
                        };
                        cx.error_at(c.wire().span, msg);
                    }
                }
            }
        }
    } else if payload {
        for c in &url_claims {
            cx.error_at(
                c.wire().span,
                format!(
                    "claim `{}` is declared beside the JSON payload: B2C sends only the payload, the bearer-token claim (auth = Bearer(claim = ..), as the Authorization header) and `{{placeholders}}` of the path; put it in the payload struct or make it a placeholder",
                    c.id.value
                ),
            );
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

    // A literal `{..}` default is sent as-is only by a profile that resolves no claims.
    let literal = claims.iter().find(|c| {
        c.meta.literal
            && c.meta
                .default
                .as_ref()
                .is_some_and(|d| resolvers::looks_unresolved(&d.value))
    });
    if let Some(l) = literal {
        let d = l
            .meta
            .default
            .as_ref()
            .map(|d| d.value.as_str())
            .unwrap_or("");
        if let Some(c) = claims.iter().find(|c| c.meta.resolver.is_some()) {
            cx.error_at(
                l.meta.default.as_ref().map_or(l.id.span, |d| d.span),
                format!(
                    "`literal_default = \"{d}\"` is sent as-is only when the profile resolves no claims, but claim `{}` uses a resolver (IncludeClaimResolvingInClaimsHandling would make B2C resolve both)",
                    c.id.value
                ),
            );
        }
        if let Some(m) = h.metadata.iter().find(|m| {
            m.key == claims_core::metadata::INCLUDE_CLAIM_RESOLVING
                && m.value == crate::attr::MetadataValue::Flag(true)
        }) {
            cx.error_at(
                m.span,
                format!(
                    "IncludeClaimResolvingInClaimsHandling = true would make B2C resolve claim `{}`'s `literal_default = \"{d}\"`",
                    l.id.value
                ),
            );
        }
    }

    // Explicit metadata that contradicts the claims.
    for m in &h.metadata {
        if m.key == claims_core::metadata::INCLUDE_CLAIM_RESOLVING
            && m.value == crate::attr::MetadataValue::Flag(false)
            && let Some(c) = claims.iter().find(|c| c.meta.resolver.is_some())
        {
            cx.error_at(
                m.span,
                format!(
                    "IncludeClaimResolvingInClaimsHandling = false, but claim `{}` uses a resolver, which B2C would then send as its literal text; drop the resolver (a default sent as-is is `literal_default = \"..\"`) or the key",
                    c.id.value
                ),
            );
        }
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
        if f.flat {
            paths.push((vec![Seg::Key(&wire.value)], wire));
            continue;
        }
        match parse_bracket_path(&wire.value) {
            Ok(segs) => paths.push((segs, wire)),
            Err(msg) => cx.error_at(wire.span, format!("invalid output path {msg}")),
        }
    }
    check_tree(cx, &paths, false);
    // B2C reads every PartnerClaimType of a profile as a JSON path or none of them.
    let nested = fields
        .iter()
        .find(|f| !f.flat && claims_core::grammar::is_nested_output(&f.wire().value));
    if let Some(n) = nested {
        for f in fields
            .iter()
            .filter(|f| f.flat && claims_core::grammar::is_nested_output(&f.wire().value))
        {
            cx.error_at(
                f.wire().span,
                format!(
                    "the flat key `{}` holds `.` or `[`, but `{}` (field `{}`) is a nested path, which turns on ResolveJsonPathsInJsonTokens: B2C would then read `{}` as a path. Return one of them from another handler, or make the nested claim flat",
                    f.wire().value,
                    n.wire().value,
                    n.ident,
                    f.wire().value
                ),
            );
        }
    }
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
        for path in std::iter::once(&f.path).chain(&f.extra_paths) {
            match parse_dot_path(&path.value) {
                Ok(segs) => paths.push((segs, path)),
                Err(msg) => cx.error_at(path.span, format!("invalid payload path {msg}")),
            }
        }
    }
    check_tree(cx, &paths, true);
}
