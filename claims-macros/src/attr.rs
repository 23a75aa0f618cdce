//! Attribute parsing into typed slots, with duplicate detection and error accumulation.
//!
//! Every parser records its errors in a [`Ctxt`] and keeps going, so one item reports all of its
//! mistakes at once. Unknown keys name every accepted key.

use std::cell::RefCell;
use std::fmt::Display;

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::meta::ParseNestedMeta;
use syn::parse::{ParseStream, Parser};
use syn::spanned::Spanned as _;
use syn::{Attribute, Expr, Ident, LitBool, LitInt, LitStr, Meta, Token};

use crate::model::{Auth, ClaimMeta, INPUT_TYPES, Rule, RuleKind, SendMode, Spanned};

/// Collects errors; combined into one `syn::Error` at the end.
#[derive(Default)]
pub struct Ctxt {
    errors: RefCell<Vec<syn::Error>>,
}

impl Ctxt {
    pub fn new() -> Self {
        Ctxt::default()
    }

    pub fn error_spanned_by<T: ToTokens>(&self, obj: T, msg: impl Display) {
        self.errors
            .borrow_mut()
            .push(syn::Error::new_spanned(obj.into_token_stream(), msg));
    }

    pub fn error_at(&self, span: Span, msg: impl Display) {
        self.errors.borrow_mut().push(syn::Error::new(span, msg));
    }

    pub fn syn_error(&self, err: syn::Error) {
        self.errors.borrow_mut().push(err);
    }

    /// All errors combined, in the order they were found.
    pub fn check(self) -> Result<(), syn::Error> {
        let mut all = self.errors.into_inner().into_iter();
        let Some(mut first) = all.next() else {
            return Ok(());
        };
        for e in all {
            first.combine(e);
        }
        Err(first)
    }
}

/// One attribute key: the first value wins, a second occurrence is an error at that occurrence.
pub struct Slot<T> {
    name: &'static str,
    value: Option<T>,
}

impl<T> Slot<T> {
    pub fn new(name: &'static str) -> Self {
        Slot { name, value: None }
    }

    pub fn set<S: ToTokens>(&mut self, cx: &Ctxt, at: S, value: T) {
        if self.value.is_some() {
            cx.error_spanned_by(at, format!("duplicate `{}` key", self.name));
        } else {
            self.value = Some(value);
        }
    }

    /// Marks the key as seen even when its value was invalid, so a later duplicate is reported.
    pub fn seen<S: ToTokens>(&mut self, cx: &Ctxt, at: S) -> bool {
        if self.value.is_some() {
            cx.error_spanned_by(at, format!("duplicate `{}` key", self.name));
            false
        } else {
            true
        }
    }

    pub fn get(self) -> Option<T> {
        self.value
    }
}

/// Skips the rest of one `key ...` entry (up to the next top-level comma) after an error.
fn skip_rest(input: ParseStream) {
    while !input.is_empty() && !input.peek(Token![,]) {
        if input.parse::<TokenTree>().is_err() {
            break;
        }
    }
}

fn key_name(meta: &ParseNestedMeta) -> String {
    meta.path
        .get_ident()
        .map(|i| i.to_string())
        .unwrap_or_else(|| meta.path.to_token_stream().to_string().replace(' ', ""))
}

/// Reports an unknown key and skips its value.
fn unknown_key(cx: &Ctxt, meta: &ParseNestedMeta, attr: &str, accepted: &[&str]) {
    cx.error_spanned_by(
        &meta.path,
        format!(
            "unknown {attr} key `{}`; accepted keys: {}",
            key_name(meta),
            accepted.join(", ")
        ),
    );
    skip_rest(meta.input);
}

/// `key = "string"`.
fn lit_str(cx: &Ctxt, meta: &ParseNestedMeta) -> Option<LitStr> {
    let key = key_name(meta);
    match meta.value().and_then(|v| v.parse::<LitStr>()) {
        Ok(s) => Some(s),
        Err(e) => {
            cx.error_at(
                e.span(),
                format!("expected `{key} = \"...\"` (a string literal)"),
            );
            skip_rest(meta.input);
            None
        }
    }
}

/// `flag`, `flag = true` or `flag = false`.
fn flag(cx: &Ctxt, meta: &ParseNestedMeta) -> Option<bool> {
    if meta.input.is_empty() || meta.input.peek(Token![,]) {
        return Some(true);
    }
    let key = key_name(meta);
    match meta.value().and_then(|v| v.parse::<LitBool>()) {
        Ok(b) => Some(b.value),
        Err(e) => {
            cx.error_at(
                e.span(),
                format!("expected `{key}`, `{key} = true` or `{key} = false`"),
            );
            skip_rest(meta.input);
            None
        }
    }
}

/// `key = Ident`.
fn ident_value(cx: &Ctxt, meta: &ParseNestedMeta, accepted: &[&str]) -> Option<Ident> {
    let key = key_name(meta);
    match meta.value().and_then(Ident::parse_any) {
        Ok(i) if accepted.iter().any(|a| i == a) => Some(i),
        Ok(i) => {
            cx.error_spanned_by(
                &i,
                format!("unknown {key} `{i}`; accepted: {}", accepted.join(", ")),
            );
            skip_rest(meta.input);
            None
        }
        Err(e) => {
            cx.error_at(
                e.span(),
                format!("expected `{key} = <one of {}>`", accepted.join(" | ")),
            );
            skip_rest(meta.input);
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// #[claims_handler(...)]

pub const HANDLER_KEYS: &[&str] = &[
    "technical_profile",
    "path",
    "send_claims_in",
    "auth",
    "display_name",
    "deadline_ms",
    "idempotent",
    "messages",
    "callers",
    "send_culture",
    "send_correlation",
    "metadata",
    "service_url",
    "query",
];

const AUTH_FORMS: &str = "None, Basic, Bearer, Bearer(claim = \"<input claim id>\"), ApiKeyHeader(\"<header name>\"), ClientCertificate";

/// The parsed `#[claims_handler(...)]` arguments.
pub struct HandlerArgs {
    pub technical_profile: Option<LitStr>,
    pub path: Option<LitStr>,
    pub send: Option<Ident>,
    pub auth: Option<Auth>,
    pub display_name: Option<LitStr>,
    pub deadline_ms: Option<u32>,
    pub idempotent: bool,
    /// `messages = ["id", ..]`: message ids rendered outside the body (helpers, constants).
    pub messages: Vec<LitStr>,
    /// `callers(...)`, with the span of the key.
    pub callers: Option<crate::callers::CallersArg>,
    /// `send_culture = false`: no implicit `{Culture:RFC5646}` claim.
    pub send_culture: bool,
    /// `send_correlation = false`: no implicit `{Context:CorrelationId}` claim.
    pub send_correlation: bool,
    /// `metadata(Key = value, ..)`: explicit technical profile metadata.
    pub metadata: Vec<MetadataItem>,
    /// `service_url = "https://.."`: a base URL of the handler's own.
    pub service_url: Option<LitStr>,
    /// `query = "k=v&code={env:NAME}"`: static ServiceUrl query parameters.
    pub query: Option<LitStr>,
}

/// One `Key = value` of `metadata(..)`.
#[derive(Clone, Debug)]
pub struct MetadataItem {
    /// The B2C key, from `claims_core::metadata::EXPLICIT`.
    pub key: &'static str,
    pub value: MetadataValue,
    pub span: Span,
}

/// A typed metadata value.
#[derive(Clone, Debug, PartialEq)]
pub enum MetadataValue {
    Flag(bool),
    Message(String),
}

fn metadata_keys() -> String {
    claims_core::metadata::EXPLICIT
        .iter()
        .map(|(k, kind)| match kind {
            claims_core::metadata::ValueKind::Flag => format!("{k} = true|false"),
            claims_core::metadata::ValueKind::Message => format!("{k} = \"...\""),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `metadata(IncludeClaimResolvingInClaimsHandling = true, UserMessageIfRequestTimeout = "..")`.
fn parse_metadata(cx: &Ctxt, meta: &ParseNestedMeta) -> Vec<MetadataItem> {
    use claims_core::metadata::{EXPLICIT, ValueKind};
    let mut items: Vec<MetadataItem> = Vec::new();
    let res = meta.parse_nested_meta(|inner| {
        let name = key_name(&inner);
        let span = inner.path.span();
        let Some((key, kind)) = EXPLICIT.iter().find(|(k, _)| *k == name) else {
            let hint = EXPLICIT
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(&name))
                .map(|(k, _)| format!(" (did you mean `{k}`?)"))
                .unwrap_or_default();
            let derived = if claims_core::metadata::KNOWN.contains(&name.as_str()) {
                " (this key is written from the handler itself: path, send_claims_in, auth, or a payload parameter)"
            } else {
                ""
            };
            cx.error_at(
                span,
                format!(
                    "unknown metadata key `{name}`{hint}{derived}; accepted: {}",
                    metadata_keys()
                ),
            );
            skip_rest(inner.input);
            return Ok(());
        };
        let value = match kind {
            ValueKind::Flag => match inner.value().and_then(|v| v.parse::<LitBool>()) {
                Ok(b) => MetadataValue::Flag(b.value),
                Err(e) => {
                    cx.error_at(e.span(), format!("expected `{key} = true` or `{key} = false`"));
                    skip_rest(inner.input);
                    return Ok(());
                }
            },
            ValueKind::Message => match inner.value().and_then(|v| v.parse::<LitStr>()) {
                Ok(s) if !s.value().trim().is_empty() => MetadataValue::Message(s.value()),
                Ok(s) => {
                    cx.error_spanned_by(&s, format!("`{key}` needs a message text"));
                    return Ok(());
                }
                Err(e) => {
                    cx.error_at(e.span(), format!("expected `{key} = \"<message>\"`"));
                    skip_rest(inner.input);
                    return Ok(());
                }
            },
        };
        if items.iter().any(|i| i.key == *key) {
            cx.error_at(span, format!("duplicate metadata key `{key}`"));
        } else {
            items.push(MetadataItem {
                key,
                value,
                span,
            });
        }
        Ok(())
    });
    if let Err(e) = res {
        cx.error_at(
            e.span(),
            format!(
                "expected `metadata(<Key> = <value>, ...)`; accepted: {}",
                metadata_keys()
            ),
        );
        skip_rest(meta.input);
    }
    items
}

pub fn parse_handler_args(cx: &Ctxt, args: TokenStream) -> HandlerArgs {
    let mut technical_profile = Slot::new("technical_profile");
    let mut path = Slot::new("path");
    let mut send = Slot::new("send_claims_in");
    let mut auth = Slot::new("auth");
    let mut display_name = Slot::new("display_name");
    let mut deadline_ms = Slot::new("deadline_ms");
    let mut idempotent = Slot::new("idempotent");
    let mut messages = Slot::new("messages");
    let mut callers = Slot::new("callers");
    let mut send_culture = Slot::new("send_culture");
    let mut send_correlation = Slot::new("send_correlation");
    let mut metadata = Slot::new("metadata");
    let mut service_url = Slot::new("service_url");
    let mut query = Slot::new("query");

    let parser = syn::meta::parser(|meta| {
        let p = meta.path.clone();
        if meta.path.is_ident("technical_profile") {
            if let Some(v) = lit_str(cx, &meta) {
                technical_profile.set(cx, p, v);
            }
        } else if meta.path.is_ident("path") {
            if let Some(v) = lit_str(cx, &meta) {
                path.set(cx, p, v);
            }
        } else if meta.path.is_ident("send_claims_in") {
            let names: Vec<&str> = SendMode::ALL.iter().map(|(n, _)| *n).collect();
            if let Some(v) = ident_value(cx, &meta, &names) {
                send.set(cx, p, v);
            }
        } else if meta.path.is_ident("auth") {
            if let Some(v) = parse_auth(cx, &meta) {
                auth.set(cx, p, v);
            }
        } else if meta.path.is_ident("display_name") {
            if let Some(v) = lit_str(cx, &meta) {
                display_name.set(cx, p, v);
            }
        } else if meta.path.is_ident("deadline_ms") {
            match meta.value().and_then(|v| v.parse::<LitInt>()) {
                Ok(lit) => match lit.base10_parse::<u64>() {
                    Ok(n) if (1..=60_000).contains(&n) => deadline_ms.set(cx, p, n as u32),
                    _ => cx.error_spanned_by(
                        &lit,
                        "`deadline_ms` must be an integer number of milliseconds in 1..=60000",
                    ),
                },
                Err(e) => {
                    cx.error_at(
                        e.span(),
                        "expected `deadline_ms = <milliseconds, 1..=60000>`",
                    );
                    skip_rest(meta.input);
                }
            }
        } else if meta.path.is_ident("idempotent") {
            if let Some(v) = flag(cx, &meta) {
                idempotent.set(cx, p, v);
            }
        } else if meta.path.is_ident("messages") {
            let list = meta.value().and_then(|v| {
                let content;
                syn::bracketed!(content in v);
                content.parse_terminated(|i| i.parse::<LitStr>(), Token![,])
            });
            match list {
                Ok(ids) => messages.set(cx, p, ids.into_iter().collect()),
                Err(e) => {
                    cx.error_at(
                        e.span(),
                        "expected `messages = [\"message-id\", ...]` (string literals)",
                    );
                    skip_rest(meta.input);
                }
            }
        } else if meta.path.is_ident("send_culture") {
            if let Some(v) = flag(cx, &meta) {
                send_culture.set(cx, p, v);
            }
        } else if meta.path.is_ident("send_correlation") {
            if let Some(v) = flag(cx, &meta) {
                send_correlation.set(cx, p, v);
            }
        } else if meta.path.is_ident("service_url") {
            if let Some(v) = lit_str(cx, &meta) {
                service_url.set(cx, p, v);
            }
        } else if meta.path.is_ident("query") {
            if let Some(v) = lit_str(cx, &meta) {
                query.set(cx, p, v);
            }
        } else if meta.path.is_ident("metadata") {
            let items = parse_metadata(cx, &meta);
            metadata.set(cx, p, items);
        } else if meta.path.is_ident("callers") {
            let at = meta
                .path
                .get_ident()
                .map_or_else(Span::call_site, |i| i.span());
            let (list, empty) = crate::callers::parse_callers(cx, &meta);
            callers.set(cx, p, (list, empty, at));
        } else {
            unknown_key(cx, &meta, "#[claims_handler]", HANDLER_KEYS);
        }
        Ok(())
    });
    if let Err(e) = parser.parse2(args) {
        cx.syn_error(e);
    }
    HandlerArgs {
        technical_profile: technical_profile.get(),
        path: path.get(),
        send: send.get(),
        auth: auth.get(),
        display_name: display_name.get(),
        deadline_ms: deadline_ms.get(),
        idempotent: idempotent.get().unwrap_or(false),
        messages: messages.get().unwrap_or_default(),
        callers: callers.get(),
        send_culture: send_culture.get().unwrap_or(true),
        send_correlation: send_correlation.get().unwrap_or(true),
        metadata: metadata.get().unwrap_or_default(),
        service_url: service_url.get(),
        query: query.get(),
    }
}

fn parse_auth(cx: &Ctxt, meta: &ParseNestedMeta) -> Option<Auth> {
    let input = match meta.value() {
        Ok(i) => i,
        Err(e) => {
            cx.error_at(e.span(), format!("expected `auth = <{AUTH_FORMS}>`"));
            skip_rest(meta.input);
            return None;
        }
    };
    let result = (|| -> syn::Result<Option<Auth>> {
        let ident = Ident::parse_any(input)?;
        let name = ident.to_string();
        let has_args = input.peek(syn::token::Paren);
        let auth = match name.as_str() {
            "None" | "Basic" | "Bearer" | "ClientCertificate" if !has_args => match name.as_str() {
                "None" => Auth::None,
                "Basic" => Auth::Basic,
                "Bearer" => Auth::Bearer,
                _ => Auth::ClientCertificate,
            },
            "Bearer" => {
                let content;
                syn::parenthesized!(content in input);
                let key = Ident::parse_any(&content)?;
                if key != "claim" {
                    return Err(syn::Error::new(
                        key.span(),
                        "expected `Bearer(claim = \"<input claim id>\")`",
                    ));
                }
                content.parse::<Token![=]>()?;
                let lit: LitStr = content.parse()?;
                if !content.is_empty() {
                    return Err(content.error("expected `Bearer(claim = \"<input claim id>\")`"));
                }
                Auth::BearerFromClaim(lit)
            }
            "ApiKeyHeader" if has_args => {
                let content;
                syn::parenthesized!(content in input);
                let lit: LitStr = content.parse().map_err(|e| {
                    syn::Error::new(e.span(), "expected `ApiKeyHeader(\"<header name>\")`")
                })?;
                if !content.is_empty() {
                    return Err(content.error("expected `ApiKeyHeader(\"<header name>\")`"));
                }
                Auth::ApiKeyHeader(lit)
            }
            "ApiKeyHeader" => {
                return Err(syn::Error::new(
                    ident.span(),
                    "`ApiKeyHeader` needs the header name: `ApiKeyHeader(\"x-api-key\")`",
                ));
            }
            "None" | "Basic" | "ClientCertificate" => {
                return Err(syn::Error::new(
                    ident.span(),
                    format!("`{name}` takes no arguments; accepted: {AUTH_FORMS}"),
                ));
            }
            _ => {
                return Err(syn::Error::new(
                    ident.span(),
                    format!("unknown auth `{name}`; accepted: {AUTH_FORMS}"),
                ));
            }
        };
        Ok(Some(auth))
    })();
    match result {
        Ok(a) => a,
        Err(e) => {
            cx.syn_error(e);
            skip_rest(input);
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// #[claim(...)]

/// Which keys a `#[claim]` attribute accepts where it is used.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ClaimSite {
    /// A handler parameter.
    Input,
    /// A field of `#[derive(OutputClaims)]`.
    Output,
    /// A field of `#[derive(ClaimsPayload)]`.
    Payload,
}

impl ClaimSite {
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            ClaimSite::Input => &[
                "id",
                "partner",
                "default",
                "literal_default",
                "always_default",
                "resolver",
                "display_name",
                "help",
                "input_type",
                "payload",
            ],
            ClaimSite::Output => &[
                "id",
                "partner",
                "key",
                "default",
                "always_default",
                "display_name",
                "help",
                "input_type",
                "skip",
            ],
            ClaimSite::Payload => &[
                "id",
                "path",
                "paths",
                "default",
                "literal_default",
                "always_default",
                "resolver",
                "display_name",
                "help",
                "input_type",
            ],
        }
    }
}

/// The parsed `#[claim]` attributes of one parameter or field.
#[derive(Default)]
pub struct ClaimAttr {
    pub meta: ClaimMeta,
    /// `payload` (inputs) with the span of the key.
    pub payload: Option<Span>,
    /// `skip` (outputs).
    pub skip: bool,
    /// `paths = ["..", ..]` (payload fields): one claim at several GenerateJson paths.
    pub paths: Vec<Spanned<String>>,
}

pub fn is_claim_attr(attr: &Attribute) -> bool {
    attr.path().is_ident("claim")
}

/// `#[extractor]`: the parameter is an actix-web extractor even though its type looks like a
/// claim type.
pub fn is_extractor_attr(attr: &Attribute) -> bool {
    attr.path().is_ident("extractor")
}

/// The span of a parameter's `#[extractor]` marker, if any (it takes no arguments).
pub fn parse_extractor_attr(cx: &Ctxt, attrs: &[Attribute]) -> Option<Span> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| is_extractor_attr(a)) {
        if !matches!(attr.meta, Meta::Path(_)) {
            cx.error_spanned_by(attr, "`#[extractor]` takes no arguments");
        } else if found.is_some() {
            cx.error_spanned_by(attr, "duplicate `#[extractor]`");
        }
        found.get_or_insert(attr.path().span());
    }
    found
}

pub fn is_validate_attr(attr: &Attribute) -> bool {
    attr.path().is_ident("validate")
}

/// Parses every `#[claim]` attribute of a parameter or field (keys may be split over several).
pub fn parse_claim_attrs(cx: &Ctxt, attrs: &[Attribute], site: ClaimSite) -> Option<ClaimAttr> {
    let claim_attrs: Vec<&Attribute> = attrs.iter().filter(|a| is_claim_attr(a)).collect();
    if claim_attrs.is_empty() {
        return None;
    }
    let mut id = Slot::new("id");
    let mut partner = Slot::new(if site == ClaimSite::Payload {
        "path"
    } else {
        "partner"
    });
    let mut key_slot = Slot::new("key");
    let mut literal_default: Slot<Spanned<String>> = Slot::new("literal_default");
    let mut default = Slot::new("default");
    let mut always_default = Slot::new("always_default");
    let mut resolver = Slot::new("resolver");
    let mut display_name = Slot::new("display_name");
    let mut help = Slot::new("help");
    let mut input_type = Slot::new("input_type");
    let mut payload = Slot::new("payload");
    let mut skip = Slot::new("skip");
    let mut paths: Slot<Vec<Spanned<String>>> = Slot::new("paths");
    let keys = site.keys();
    let accepts = |k: &str| keys.contains(&k);

    for attr in &claim_attrs {
        match &attr.meta {
            Meta::Path(_) => continue,
            Meta::NameValue(nv) => {
                cx.error_spanned_by(
                    nv,
                    format!(
                        "expected `#[claim]` or `#[claim(key = value, ...)]`; accepted keys: {}",
                        keys.join(", ")
                    ),
                );
                continue;
            }
            Meta::List(_) => {}
        }
        let res = attr.parse_nested_meta(|meta| {
            let p = meta.path.clone();
            let key = key_name(&meta);
            if !accepts(&key) {
                unknown_key(cx, &meta, "#[claim]", keys);
                return Ok(());
            }
            match key.as_str() {
                "id" => {
                    if let Some(v) = lit_str(cx, &meta) {
                        id.set(cx, p, Spanned::from_lit(&v));
                    }
                }
                "partner" | "path" => {
                    if let Some(v) = lit_str(cx, &meta) {
                        partner.set(cx, p, Spanned::from_lit(&v));
                    }
                }
                "paths" => {
                    let list = meta.value().and_then(|v| {
                        let content;
                        syn::bracketed!(content in v);
                        content.parse_terminated(|i| i.parse::<LitStr>(), Token![,])
                    });
                    match list {
                        Ok(l) if l.len() >= 2 => {
                            paths.set(cx, p, l.iter().map(Spanned::from_lit).collect())
                        }
                        Ok(_) => cx.error_spanned_by(
                            &p,
                            "`paths` lists two or more GenerateJson paths; for one, write `path = \"..\"`",
                        ),
                        Err(e) => {
                            cx.error_at(
                                e.span(),
                                "expected `paths = [\"a.b\", \"c.d\"]` (string literals)",
                            );
                            skip_rest(meta.input);
                        }
                    }
                }
                "literal_default" => {
                    if let Some(v) = lit_str(cx, &meta) {
                        literal_default.set(cx, p, Spanned::from_lit(&v));
                    }
                }
                "key" => {
                    if let Some(v) = lit_str(cx, &meta) {
                        key_slot.set(cx, p, Spanned::from_lit(&v));
                    }
                }
                "default" => {
                    if let Some(v) = lit_str(cx, &meta) {
                        default.set(cx, p, Spanned::from_lit(&v));
                    }
                }
                "resolver" => {
                    if let Some(v) = lit_str(cx, &meta) {
                        resolver.set(cx, p, Spanned::from_lit(&v));
                    }
                }
                "display_name" => {
                    if let Some(v) = lit_str(cx, &meta) {
                        display_name.set(cx, p, v.value());
                    }
                }
                "help" => {
                    if let Some(v) = lit_str(cx, &meta) {
                        help.set(cx, p, v.value());
                    }
                }
                "input_type" => {
                    if let Some(v) = ident_value(cx, &meta, INPUT_TYPES) {
                        input_type.set(cx, p, v);
                    }
                }
                "always_default" => {
                    let span = p.span();
                    if let Some(true) = flag(cx, &meta) {
                        always_default.set(cx, p, span);
                    } else {
                        always_default.seen(cx, p);
                    }
                }
                "payload" => {
                    let span = p.span();
                    if let Some(true) = flag(cx, &meta) {
                        payload.set(cx, p, span);
                    }
                }
                "skip" => {
                    if let Some(true) = flag(cx, &meta) {
                        skip.set(cx, p, true);
                    }
                }
                _ => unknown_key(cx, &meta, "#[claim]", keys),
            }
            Ok(())
        });
        if let Err(e) = res {
            cx.syn_error(e);
        }
    }

    let (default, literal) = match (default.get(), literal_default.get()) {
        (Some(d), Some(l)) => {
            cx.error_at(
                l.span,
                "`default` and `literal_default` exclude each other: `literal_default` is a default sent as-is",
            );
            (Some(d), false)
        }
        (d, None) => (d, false),
        (None, l) => (l, true),
    };
    Some(ClaimAttr {
        meta: ClaimMeta {
            id: id.get(),
            partner: partner.get(),
            key: key_slot.get(),
            default,
            literal,
            always_default: always_default.get(),
            resolver: resolver.get(),
            display_name: display_name.get(),
            help: help.get(),
            input_type: input_type.get(),
        },
        payload: payload.get(),
        skip: skip.get().unwrap_or(false),
        paths: paths.get().unwrap_or_default(),
    })
}

// ---------------------------------------------------------------------------------------------
// #[validate(...)]

pub const RULES: &[&str] = &[
    "email",
    "url",
    "length(min = N, max = N, equal = N)",
    "range(min = N, max = N)",
    "regex(path = EXPR)",
    "contains(pattern = \"..\")",
    "custom(function = PATH)",
];

/// Parses the `#[validate(...)]` attributes of a claim parameter.
pub fn parse_validate_attrs(cx: &Ctxt, attrs: &[Attribute]) -> Vec<Rule> {
    let mut rules = Vec::new();
    for attr in attrs.iter().filter(|a| is_validate_attr(a)) {
        if !matches!(attr.meta, Meta::List(_)) {
            cx.error_spanned_by(
                attr,
                format!(
                    "expected `#[validate(<rule>, ...)]`; accepted rules: {}",
                    RULES.join(", ")
                ),
            );
            continue;
        }
        let res = attr.parse_nested_meta(|meta| {
            let span = meta.path.span();
            let name = key_name(&meta);
            let kind = match name.as_str() {
                "email" => no_args(cx, &meta).then_some(RuleKind::Email),
                "url" => no_args(cx, &meta).then_some(RuleKind::Url),
                "length" => parse_length(cx, &meta),
                "range" => parse_range(cx, &meta),
                "regex" => rule_arg(cx, &meta, "regex", "path", |input| {
                    let expr: Expr = input.parse()?;
                    Ok(match expr {
                        Expr::Unary(syn::ExprUnary {
                            op: syn::UnOp::Deref(_),
                            expr,
                            ..
                        }) => *expr,
                        other => other,
                    })
                })
                .map(RuleKind::Regex),
                "contains" => rule_arg(cx, &meta, "contains", "pattern", |input| input.parse())
                    .map(RuleKind::Contains),
                "custom" => rule_arg(cx, &meta, "custom", "function", |input| {
                    if input.peek(LitStr) {
                        let lit: LitStr = input.parse()?;
                        lit.parse::<Expr>()
                    } else {
                        input.parse::<Expr>()
                    }
                })
                .map(RuleKind::Custom),
                _ => {
                    cx.error_spanned_by(
                        &meta.path,
                        format!(
                            "unknown validation rule `{name}`; accepted rules: {}",
                            RULES.join(", ")
                        ),
                    );
                    skip_rest(meta.input);
                    None
                }
            };
            if let Some(kind) = kind {
                rules.push(Rule { span, kind });
            }
            Ok(())
        });
        if let Err(e) = res {
            cx.syn_error(e);
        }
    }
    rules
}

fn no_args(cx: &Ctxt, meta: &ParseNestedMeta) -> bool {
    if meta.input.is_empty() || meta.input.peek(Token![,]) {
        true
    } else {
        cx.error_spanned_by(
            &meta.path,
            format!("the `{}` rule takes no arguments", key_name(meta)),
        );
        skip_rest(meta.input);
        false
    }
}

/// `rule(key = VALUE)` with exactly one key.
fn rule_arg<T>(
    cx: &Ctxt,
    meta: &ParseNestedMeta,
    rule: &str,
    key: &str,
    parse: impl Fn(ParseStream) -> syn::Result<T>,
) -> Option<T> {
    let mut out = None;
    let usage = match key {
        "pattern" => format!("{rule}({key} = \"...\")"),
        "function" => format!("{rule}({key} = path::to::function)"),
        _ => format!("{rule}({key} = EXPR)"),
    };
    let res = meta.parse_nested_meta(|inner| {
        if inner.path.is_ident(key) && out.is_none() {
            let v = inner.value()?;
            out = Some(parse(v)?);
            Ok(())
        } else {
            Err(syn::Error::new(
                inner.path.span(),
                format!("expected `{usage}`"),
            ))
        }
    });
    match res {
        Ok(()) if out.is_some() => out,
        Ok(()) => {
            cx.error_spanned_by(&meta.path, format!("expected `{usage}`"));
            None
        }
        Err(e) => {
            cx.syn_error(e);
            skip_rest(meta.input);
            None
        }
    }
}

fn parse_length(cx: &Ctxt, meta: &ParseNestedMeta) -> Option<RuleKind> {
    let (mut min, mut max, mut equal) = (Slot::new("min"), Slot::new("max"), Slot::new("equal"));
    let usage =
        "expected `length(min = N, max = N)` or `length(equal = N)` with non-negative integers";
    let res = meta.parse_nested_meta(|inner| {
        let slot = if inner.path.is_ident("min") {
            &mut min
        } else if inner.path.is_ident("max") {
            &mut max
        } else if inner.path.is_ident("equal") {
            &mut equal
        } else {
            return Err(syn::Error::new(inner.path.span(), usage));
        };
        let lit: LitInt = inner.value()?.parse()?;
        let n = lit.base10_parse::<u64>()?;
        slot.set(cx, &inner.path, n);
        Ok(())
    });
    if let Err(e) = res {
        cx.syn_error(e);
        skip_rest(meta.input);
        return None;
    }
    let (min, max, equal) = (min.get(), max.get(), equal.get());
    if min.is_none() && max.is_none() && equal.is_none() {
        cx.error_spanned_by(&meta.path, usage);
        return None;
    }
    if equal.is_some() && (min.is_some() || max.is_some()) {
        cx.error_spanned_by(
            &meta.path,
            "`length(equal = N)` cannot be combined with min or max",
        );
        return None;
    }
    if let (Some(a), Some(b)) = (min, max)
        && a > b
    {
        cx.error_spanned_by(&meta.path, "`length`: min is greater than max");
        return None;
    }
    Some(RuleKind::Length { min, max, equal })
}

fn parse_number(input: ParseStream) -> syn::Result<f64> {
    let neg = input.parse::<Option<Token![-]>>()?.is_some();
    let v = if input.peek(syn::LitFloat) {
        input.parse::<syn::LitFloat>()?.base10_parse::<f64>()?
    } else {
        input.parse::<LitInt>()?.base10_parse::<f64>()?
    };
    if !v.is_finite() {
        return Err(input.error("the bound must be a finite number"));
    }
    Ok(if neg { -v } else { v })
}

fn parse_range(cx: &Ctxt, meta: &ParseNestedMeta) -> Option<RuleKind> {
    let (mut min, mut max) = (Slot::new("min"), Slot::new("max"));
    let usage = "expected `range(min = N, max = N)` with number literals";
    let res = meta.parse_nested_meta(|inner| {
        let slot = if inner.path.is_ident("min") {
            &mut min
        } else if inner.path.is_ident("max") {
            &mut max
        } else {
            return Err(syn::Error::new(inner.path.span(), usage));
        };
        let n = parse_number(inner.value()?)?;
        slot.set(cx, &inner.path, n);
        Ok(())
    });
    if let Err(e) = res {
        cx.syn_error(e);
        skip_rest(meta.input);
        return None;
    }
    let (min, max) = (min.get(), max.get());
    if min.is_none() && max.is_none() {
        cx.error_spanned_by(&meta.path, usage);
        return None;
    }
    if let (Some(a), Some(b)) = (min, max)
        && a > b
    {
        cx.error_spanned_by(&meta.path, "`range`: min is greater than max");
        return None;
    }
    Some(RuleKind::Range { min, max })
}

// ---------------------------------------------------------------------------------------------
// #[claims_payload(...)]

pub const PAYLOAD_KEYS: &[&str] = &["claim", "transformation"];

pub fn parse_payload_struct_attrs(
    cx: &Ctxt,
    attrs: &[Attribute],
) -> (Option<LitStr>, Option<LitStr>) {
    let mut claim = Slot::new("claim");
    let mut transformation = Slot::new("transformation");
    for attr in attrs.iter().filter(|a| a.path().is_ident("claims_payload")) {
        let res = attr.parse_nested_meta(|meta| {
            let p = meta.path.clone();
            if meta.path.is_ident("claim") {
                if let Some(v) = lit_str(cx, &meta) {
                    claim.set(cx, p, v);
                }
            } else if meta.path.is_ident("transformation") {
                if let Some(v) = lit_str(cx, &meta) {
                    transformation.set(cx, p, v);
                }
            } else {
                unknown_key(cx, &meta, "#[claims_payload]", PAYLOAD_KEYS);
            }
            Ok(())
        });
        if let Err(e) = res {
            cx.syn_error(e);
        }
    }
    (claim.get(), transformation.get())
}

/// The doc comment lines (`#[doc = "..."]`), trimmed.
pub fn doc_lines(attrs: &[Attribute]) -> Vec<String> {
    let mut lines = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        if let Meta::NameValue(nv) = &attr.meta
            && let Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
        {
            for line in s.value().split('\n') {
                lines.push(line.trim().to_owned());
            }
        }
    }
    lines
}
