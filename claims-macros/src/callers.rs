//! `callers(...)` of `#[claims_handler]`: which callers a handler answers, each on its own route.

use claims_core::callers::{ApiConnectorStep, EntraEvent};
use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::LitStr;
use syn::meta::ParseNestedMeta;

use crate::attr::Ctxt;

/// The accepted forms, for error messages.
pub const CALLER_FORMS: &str = "`b2c`, `api_connector(step = <step>)`, `entra(event = <event>)`, each optionally with `path = \"/route\"`";

/// `callers(...)` as written: the callers, whether the list was empty, the span of the key.
pub type CallersArg = (Vec<(CallerArg, Span)>, bool, Span);

/// One parsed caller.
pub enum CallerArg {
    B2c,
    ApiConnector {
        step: ApiConnectorStep,
        path: Option<LitStr>,
    },
    Entra {
        event: EntraEvent,
        path: Option<LitStr>,
    },
}

fn step_names() -> Vec<String> {
    ApiConnectorStep::ALL
        .iter()
        .map(|s| format!("{s:?}"))
        .collect()
}

fn event_names() -> Vec<String> {
    EntraEvent::ALL.iter().map(|e| format!("{e:?}")).collect()
}

/// Parses the list inside `callers(...)`; errors are recorded in `cx`.
/// The second value is `true` when the list names no caller at all (`callers()`).
pub fn parse_callers(cx: &Ctxt, meta: &ParseNestedMeta) -> (Vec<(CallerArg, Span)>, bool) {
    let mut out = Vec::new();
    let mut named = 0usize;
    let empty = meta
        .input
        .fork()
        .parse::<proc_macro2::Group>()
        .is_ok_and(|g| g.stream().is_empty());
    if empty {
        let _ = meta.input.parse::<proc_macro2::Group>();
        return (out, true);
    }
    let res = meta.parse_nested_meta(|m| {
        named += 1;
        let span = m.path.get_ident().map_or_else(Span::call_site, |i| i.span());
        let name = m
            .path
            .get_ident()
            .map(|i| i.to_string())
            .unwrap_or_default();
        match name.as_str() {
            "b2c" => {
                if m.input.peek(syn::token::Paren) || m.input.peek(syn::Token![=]) {
                    cx.error_at(span, "`b2c` takes no arguments: its route is the handler's `path`");
                    skip(&m);
                } else {
                    out.push((CallerArg::B2c, span));
                }
            }
            "api_connector" | "entra" => {
                let api = name == "api_connector";
                let (key, names) = if api {
                    ("step", step_names())
                } else {
                    ("event", event_names())
                };
                let mut value: Option<String> = None;
                let mut path: Option<LitStr> = None;
                if !m.input.peek(syn::token::Paren) {
                    cx.error_at(
                        span,
                        format!("expected `{name}({key} = <{key}>)`; {key}s: {}", names.join(", ")),
                    );
                    skip(&m);
                    return Ok(());
                }
                let inner = m.parse_nested_meta(|a| {
                    if a.path.is_ident(key) {
                        let ident: syn::Ident = a.value()?.parse()?;
                        let v = ident.to_string();
                        if names.contains(&v) {
                            value = Some(v);
                        } else {
                            cx.error_spanned_by(
                                &ident,
                                format!("unknown {key} `{v}`; expected one of: {}", names.join(", ")),
                            );
                            value = Some(String::new());
                        }
                    } else if a.path.is_ident("path") {
                        let lit: LitStr = a.value()?.parse()?;
                        let p = lit.value();
                        if !p.starts_with('/') || p.contains(['{', '}', '?', '#']) || p.contains(char::is_whitespace) {
                            cx.error_spanned_by(
                                &lit,
                                format!("the route of `{name}(..)` is a plain path starting with `/` (no placeholders, query or spaces): this caller posts JSON to a fixed URL"),
                            );
                        }
                        path = Some(lit);
                    } else {
                        cx.error_spanned_by(
                            &a.path,
                            format!("unknown key in `{name}(..)`; expected `{key} = <{key}>` and optionally `path = \"/route\"`"),
                        );
                        skip(&a);
                    }
                    Ok(())
                });
                if let Err(e) = inner {
                    cx.error_at(
                        e.span(),
                        format!("expected `{name}({key} = <{key}>, path = \"/route\")`; {key}s: {}", names.join(", ")),
                    );
                    return Ok(());
                }
                match value {
                    None => cx.error_at(
                        span,
                        format!("`{name}(..)` needs `{key} = <{key}>`; {key}s: {}", names.join(", ")),
                    ),
                    Some(v) if v.is_empty() => {}
                    Some(v) => out.push((
                        if api {
                            CallerArg::ApiConnector {
                                step: *ApiConnectorStep::ALL
                                    .iter()
                                    .find(|s| format!("{s:?}") == v)
                                    .expect("checked above"),
                                path,
                            }
                        } else {
                            CallerArg::Entra {
                                event: *EntraEvent::ALL
                                    .iter()
                                    .find(|e| format!("{e:?}") == v)
                                    .expect("checked above"),
                                path,
                            }
                        },
                        span,
                    )),
                }
            }
            _ => {
                cx.error_spanned_by(
                    &m.path,
                    format!("unknown caller; expected {CALLER_FORMS}"),
                );
                skip(&m);
            }
        }
        Ok(())
    });
    if let Err(e) = res {
        cx.error_at(
            e.span(),
            format!("expected `callers(...)` with {CALLER_FORMS}"),
        );
    }
    (out, named == 0)
}

fn skip(m: &ParseNestedMeta) {
    let _ = m.input.step(|c| {
        let mut rest = *c;
        while let Some((_, next)) = rest.token_tree() {
            if next.punct().is_some_and(|(p, _)| p.as_char() == ',') {
                return Ok(((), next));
            }
            rest = next;
        }
        Ok(((), rest))
    });
}

/// The resolved callers: default routes filled in, duplicates and impossible defaults refused.
pub fn resolve(
    cx: &Ctxt,
    args: &[(CallerArg, Span)],
    empty: bool,
    route: &str,
    at: Span,
) -> Vec<Resolved> {
    if empty {
        cx.error_at(
            at,
            format!("`callers(..)` needs at least one caller: {CALLER_FORMS}"),
        );
        return Vec::new();
    }
    let mut out: Vec<Resolved> = Vec::new();
    for (arg, span) in args {
        let (kind, path) = match arg {
            CallerArg::B2c => (Kind::B2c, route.to_owned()),
            CallerArg::ApiConnector { step, path } => (
                Kind::Api(*step),
                default_path(cx, path, "/api-connector", route, *span),
            ),
            CallerArg::Entra { event, path } => (
                Kind::Entra(*event),
                default_path(cx, path, "/entra", route, *span),
            ),
        };
        if out
            .iter()
            .any(|r| r.path == path && !(r.kind == Kind::B2c && kind == Kind::B2c))
        {
            cx.error_at(
                *span,
                format!("two callers of this handler share the route `{path}`: give one `path = \"/other\"`"),
            );
        } else if out.iter().any(|r| r.kind == kind) {
            cx.error_at(*span, "this caller is listed twice");
        }
        out.push(Resolved { kind, path });
    }
    out
}

fn default_path(cx: &Ctxt, path: &Option<LitStr>, prefix: &str, route: &str, span: Span) -> String {
    if let Some(p) = path {
        return p.value();
    }
    if route.contains('{') {
        cx.error_at(
            span,
            format!("the handler's path has placeholders, which this caller cannot fill: give it a route, e.g. `path = \"{prefix}/...\"`"),
        );
    }
    format!("{prefix}{route}")
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    B2c,
    Api(ApiConnectorStep),
    Entra(EntraEvent),
}

/// A caller with its final route.
pub struct Resolved {
    pub kind: Kind,
    pub path: String,
}

impl Resolved {
    /// The `CallerRoute` expression.
    pub fn tokens(&self) -> TokenStream {
        let path = &self.path;
        match self.kind {
            Kind::B2c => quote!(::claims_runtime::CallerRoute::B2c),
            Kind::Api(step) => {
                let s = syn::Ident::new(&format!("{step:?}"), Span::call_site());
                quote!(::claims_runtime::CallerRoute::ApiConnector {
                    step: ::claims_runtime::ApiConnectorStep::#s,
                    path: #path,
                })
            }
            Kind::Entra(event) => {
                let e = syn::Ident::new(&format!("{event:?}"), Span::call_site());
                quote!(::claims_runtime::CallerRoute::Entra {
                    event: ::claims_runtime::EntraEvent::#e,
                    path: #path,
                })
            }
        }
    }
}
