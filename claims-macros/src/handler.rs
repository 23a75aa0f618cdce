//! `#[claims_handler]`: parse the function into the model, check it, emit it.

use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote};
use syn::{FnArg, ItemFn, Pat, ReturnType};

use crate::attr::{self, ClaimSite, Ctxt};
use crate::check;
use crate::claim_syntax;
use crate::expand;
use crate::model::{
    Auth, Handler, InputClaim, Param, SendMode, Spanned, kebab_case, lower_camel_case, pascal_case,
    unraw,
};

pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut func: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(e) => {
            let err = syn::Error::new(
                e.span(),
                format!("#[claims_handler] applies to a function (`fn` or `async fn`): {e}"),
            );
            let mut out = err.to_compile_error();
            out.extend(item);
            return out;
        }
    };
    let cx = Ctxt::new();
    let handler = build(&cx, args, &mut func);
    if let Some(h) = &handler {
        check::check_handler(&cx, h);
    }
    match (cx.check(), handler) {
        (Ok(()), Some(h)) => expand::handler(&h),
        (Err(e), _) => {
            // Re-emit the function (helper attributes stripped) so the error does not cascade.
            let mut out = e.to_compile_error();
            out.extend(func.into_token_stream());
            out
        }
        (Ok(()), None) => func.into_token_stream(),
    }
}

/// Builds the model and strips `#[claim]`/`#[validate]` from `func`'s parameters.
fn build(cx: &Ctxt, args: TokenStream, func: &mut ItemFn) -> Option<Handler> {
    let args = attr::parse_handler_args(cx, args);
    let sig = &func.sig;
    let name = unraw(&sig.ident);

    if let Some(c) = &sig.constness {
        cx.error_spanned_by(c, "#[claims_handler] cannot be a `const fn`");
    }
    if !sig.generics.params.is_empty() {
        cx.error_spanned_by(
            &sig.generics,
            "#[claims_handler] functions cannot be generic: the handler's descriptor is a single static; use concrete types (extractors such as web::Data<T> can carry shared state)",
        );
    } else if let Some(w) = &sig.generics.where_clause {
        cx.error_spanned_by(w, "#[claims_handler] functions cannot have a where clause");
    }
    if let Some(v) = &sig.variadic {
        cx.error_spanned_by(v, "#[claims_handler] functions cannot be variadic");
    }
    if let Some(abi) = &sig.abi {
        cx.error_spanned_by(abi, "#[claims_handler] functions cannot declare an ABI");
    }

    let mut params = Vec::new();
    let mut payload_span: Option<Span> = None;
    for arg in func.sig.inputs.iter_mut() {
        let pt = match arg {
            FnArg::Receiver(r) => {
                cx.error_spanned_by(
                    &*r,
                    "#[claims_handler] must be a free function, not a method: remove the `self` receiver",
                );
                continue;
            }
            FnArg::Typed(pt) => pt,
        };
        let claim = attr::parse_claim_attrs(cx, &pt.attrs, ClaimSite::Input);
        let rules = attr::parse_validate_attrs(cx, &pt.attrs);
        let extractor = attr::parse_extractor_attr(cx, &pt.attrs);
        pt.attrs.retain(|a| {
            !attr::is_claim_attr(a) && !attr::is_validate_attr(a) && !attr::is_extractor_attr(a)
        });
        if let (Some(span), Some(_)) = (extractor, &claim) {
            cx.error_at(
                span,
                "`#[extractor]` and `#[claim]` exclude each other: a parameter is either an input claim or an actix-web extractor",
            );
        }
        if let syn::Type::ImplTrait(t) = &*pt.ty {
            cx.error_spanned_by(
                t,
                "`impl Trait` parameters make the function generic, which #[claims_handler] does not support; use a concrete type",
            );
            continue;
        }
        let Some(claim) = claim else {
            if let Some(r) = rules.first() {
                cx.error_at(
                    r.span,
                    "#[validate] applies to input claims only: add #[claim] to this parameter",
                );
            }
            if extractor.is_none() && claim_syntax::classify(&pt.ty).is_some() {
                let shown = format!(
                    "{}: {}",
                    claim_syntax::show(&pt.pat),
                    claim_syntax::show(&pt.ty)
                );
                cx.error_spanned_by(
                    &*pt,
                    format!(
                        "`{shown}` looks like an input claim but has no #[claim]: did you forget #[claim]? Without it the parameter is an actix-web extractor, which never sees the claims (a `String` would read the request body, already consumed by the framework, so it would always be empty). If it really is an extractor, mark it #[extractor]. (Types refused without #[claim] or #[extractor]: {})",
                        claim_syntax::FORMS
                    ),
                );
            }
            params.push(Param::Extractor {
                ty: (*pt.ty).clone(),
            });
            continue;
        };
        if claim.payload.is_none()
            && let Some(kind) = claim_syntax::classify(&pt.ty)
        {
            for r in &rules {
                if let Some((kinds, applies)) = claim_syntax::rule_applies(r.kind.name())
                    && !kinds.contains(&kind)
                {
                    let ty = claim_syntax::show(claim_syntax::unwrap_option(&pt.ty));
                    cx.error_at(
                        r.span,
                        format!(
                            "the `{}` rule applies to {applies}, not to `{ty}`",
                            r.kind.name()
                        ),
                    );
                }
            }
        }
        if let Some(span) = claim.payload {
            let m = &claim.meta;
            if m.id.is_some()
                || m.partner.is_some()
                || m.default.is_some()
                || m.always_default.is_some()
                || m.resolver.is_some()
                || m.display_name.is_some()
                || m.help.is_some()
                || m.input_type.is_some()
            {
                cx.error_at(
                    span,
                    "`payload` takes no other keys: describe the payload's claims on the fields of its #[derive(ClaimsPayload)] struct",
                );
            }
            if let Some(r) = rules.first() {
                cx.error_at(
                    r.span,
                    "#[validate] is not supported on a payload parameter",
                );
            }
            if payload_span.is_some() {
                cx.error_at(span, "only one parameter may be `#[claim(payload)]`");
            }
            payload_span = Some(span);
            params.push(Param::Payload {
                ty: (*pt.ty).clone(),
            });
            continue;
        }
        let ident = match &*pt.pat {
            Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => pi.ident.clone(),
            other => {
                cx.error_spanned_by(
                    other,
                    "an input claim's pattern must be a plain identifier (`name: Type` or `mut name: Type`)",
                );
                continue;
            }
        };
        let id = claim
            .meta
            .id
            .clone()
            .unwrap_or_else(|| Spanned::new(lower_camel_case(&unraw(&ident)), ident.span()));
        let mut meta = claim.meta;
        // A partner equal to the id is no partner.
        if meta.partner.as_ref().is_some_and(|p| p.value == id.value) {
            meta.partner = None;
        }
        params.push(Param::Claim(Box::new(InputClaim {
            ident,
            ty: (*pt.ty).clone(),
            id,
            meta,
            rules,
        })));
    }

    let send = match &args.send {
        Some(ident) => SendMode::ALL
            .iter()
            .find(|(n, _)| ident == n)
            .map(|(_, m)| *m)
            .unwrap_or(SendMode::Body),
        None => SendMode::Body,
    };
    if let Some(span) = payload_span
        && send != SendMode::Body
    {
        let at = args.send.as_ref().map(|i| i.span()).unwrap_or(span);
        cx.error_at(
            at,
            "payload mode (`#[claim(payload)]`) requires send_claims_in = Body (ClaimUsedForRequestPayload)",
        );
    }

    let fn_span = func.sig.ident.span();
    let technical_profile = match &args.technical_profile {
        Some(lit) => Spanned::from_lit(lit),
        None => Spanned::new(format!("REST-{}", pascal_case(&name)), fn_span),
    };
    let path = match &args.path {
        Some(lit) => Spanned::from_lit(lit),
        None => Spanned::new(format!("/{}", kebab_case(&name)), fn_span),
    };
    let docs = attr::doc_lines(&func.attrs);
    let description = {
        let joined = docs.join("\n");
        let trimmed = joined.trim();
        (!trimmed.is_empty()).then(|| trimmed.to_owned())
    };
    let display_name = match &args.display_name {
        Some(lit) => lit.value(),
        None => docs
            .iter()
            .find(|l| !l.is_empty())
            .cloned()
            .unwrap_or_else(|| name.clone()),
    };

    let messages = crate::messages::collect(cx, args.messages, &func.block);
    let query = match &args.query {
        Some(lit) => crate::model::parse_query(&lit.value()).unwrap_or_else(|msg| {
            cx.error_spanned_by(lit, msg);
            Vec::new()
        }),
        None => Vec::new(),
    };
    if let Some(lit) = &args.service_url {
        let v = lit.value();
        let host = v
            .strip_prefix("https://")
            .or_else(|| v.strip_prefix("http://"))
            .map(|r| r.split(['/', '?']).next().unwrap_or(""));
        if host.is_none_or(str::is_empty)
            || v.contains(|c: char| c.is_whitespace() || matches!(c, '{' | '}' | '#'))
        {
            cx.error_spanned_by(
                lit,
                "`service_url` is an absolute base URL such as \"https://other.example.com/api\" (no placeholders, whitespace or `#`); the handler's path is appended to it",
            );
        }
    }
    let route = path.value.split('?').next().unwrap_or_default().to_owned();
    let callers = args
        .callers
        .as_ref()
        .map(|(list, empty, at)| crate::callers::resolve(cx, list, *empty, &route, *at));

    Some(Handler {
        func: func.clone(),
        technical_profile,
        display_name,
        description,
        path,
        send,
        auth: args.auth.unwrap_or(Auth::Inherit),
        deadline_ms: args.deadline_ms,
        idempotent: args.idempotent,
        params,
        messages,
        callers,
        send_culture: args.send_culture,
        send_correlation: args.send_correlation,
        metadata: args.metadata,
        service_url: args.service_url.as_ref().map(Spanned::from_lit),
        query,
    })
}

/// The return type as written (`()` when omitted).
pub fn return_type(func: &ItemFn) -> TokenStream {
    match &func.sig.output {
        ReturnType::Default => quote!(()),
        ReturnType::Type(_, ty) => ty.to_token_stream(),
    }
}
