//! Code emission. Every path is absolute (`::claims_runtime::…`, `::core::…`) so the output
//! compiles under `#![no_implicit_prelude]` and never depends on the user's imports.

use proc_macro2::{Literal, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned as _;
use syn::{Ident, Type};

use crate::handler::return_type;
use crate::model::{Auth, ClaimMeta, Handler, InputClaim, Param, RuleKind, SendMode, unraw};

/// `<T as ClaimType>::DATA_TYPE`, spanned at the type so an unsupported type errors there.
pub fn data_type(ty: &Type) -> TokenStream {
    quote_spanned!(ty.span()=> <#ty as ::claims_runtime::ClaimType>::DATA_TYPE)
}

/// `<T as ClaimType>::OPTIONAL`, spanned at the type.
pub fn optional(ty: &Type) -> TokenStream {
    quote_spanned!(ty.span()=> <#ty as ::claims_runtime::ClaimType>::OPTIONAL)
}

/// One `InputClaimSpec` literal (handler inputs and payload fields).
pub fn input_claim_spec(
    ty: &Type,
    id: &str,
    partner: Option<&str>,
    meta: &ClaimMeta,
    rust_name: &str,
) -> TokenStream {
    let data_type = data_type(ty);
    let opt = optional(ty);
    // The required/optional decision itself lives in the core builder: `with_default` and
    // `with_resolver` make a claim optional, and so does an `Option<_>` type.
    let mut chain = quote!(.with_required(!#opt));
    if let Some(p) = partner {
        chain.extend(quote!(.with_partner(#p)));
    }
    if let Some(d) = &meta.default {
        let d = &d.value;
        if meta.literal {
            chain.extend(quote!(.with_literal_default(#d)));
        } else {
            chain.extend(quote!(.with_default(#d)));
        }
    }
    if meta.always_default.is_some() {
        chain.extend(quote!(.always_default()));
    }
    if let Some(r) = &meta.resolver {
        let r = &r.value;
        chain.extend(quote!(.with_resolver(#r)));
    }
    chain.extend(common_meta(
        meta.display_name.as_deref(),
        meta.help.as_deref(),
        meta.input_type.as_ref(),
    ));
    quote! {
        ::claims_runtime::InputClaimSpec::new(#id, #data_type) #chain .with_rust_name(#rust_name)
    }
}

/// `.with_display_name(..)`, `.with_help(..)`, `.with_input_type(..)` for the parts that are set.
pub fn common_meta(
    display_name: Option<&str>,
    help: Option<&str>,
    input_type: Option<&Ident>,
) -> TokenStream {
    let mut chain = TokenStream::new();
    if let Some(d) = display_name {
        chain.extend(quote!(.with_display_name(#d)));
    }
    if let Some(h) = help {
        chain.extend(quote!(.with_help(#h)));
    }
    if let Some(i) = input_type {
        let i = Ident::new(&i.to_string(), Span::call_site());
        chain.extend(quote!(.with_input_type(::claims_runtime::UserInputType::#i)));
    }
    chain
}

fn is_option(ty: &Type) -> bool {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last().is_some_and(|s| {
            s.ident == "Option"
                && matches!(&s.arguments, syn::PathArguments::AngleBracketed(a) if a.args.len() == 1)
        }),
        Type::Group(g) => is_option(&g.elem),
        Type::Paren(p) => is_option(&p.elem),
        _ => false,
    }
}

fn opt_u64(v: Option<u64>) -> TokenStream {
    match v {
        Some(n) => {
            let lit = Literal::u64_suffixed(n);
            quote!(::core::option::Option::Some(#lit))
        }
        None => quote!(::core::option::Option::None),
    }
}

fn opt_f64(v: Option<f64>) -> TokenStream {
    match v {
        Some(n) => {
            let lit = Literal::f64_suffixed(n.abs());
            if n.is_sign_negative() {
                quote!(::core::option::Option::Some(-#lit))
            } else {
                quote!(::core::option::Option::Some(#lit))
            }
        }
        None => quote!(::core::option::Option::None),
    }
}

/// The validation statements of one claim (`var` holds the decoded value).
fn rules(claim: &InputClaim, index: usize, var: &Ident, problems: &Ident) -> TokenStream {
    let mut out = TokenStream::new();
    let spec = quote!(&Self::SPEC.inputs[#index]);
    for rule in &claim.rules {
        let span = rule.span;
        // The value, spanned at the rule: a type without `RuleTarget` is reported there.
        let at = Ident::new(&var.to_string(), span);
        let var = &at;
        let r = quote_spanned!(span=> ::claims_runtime::__private::rules);
        let stmt = match &rule.kind {
            RuleKind::Email => quote_spanned!(span=> #r::email(#spec, &#var, &mut #problems);),
            RuleKind::Url => quote_spanned!(span=> #r::url(#spec, &#var, &mut #problems);),
            RuleKind::Length { min, max, equal } => {
                let (min, max, equal) = (opt_u64(*min), opt_u64(*max), opt_u64(*equal));
                quote_spanned!(span=> #r::length(#spec, &#var, #min, #max, #equal, &mut #problems);)
            }
            RuleKind::Range { min, max } => {
                let (min, max) = (opt_f64(*min), opt_f64(*max));
                quote_spanned!(span=> #r::range(#spec, &#var, #min, #max, &mut #problems);)
            }
            RuleKind::Regex(expr) => {
                quote_spanned!(span=> #r::regex(#spec, &#var, &(#expr), &mut #problems);)
            }
            RuleKind::Contains(lit) => {
                quote_spanned!(span=> #r::contains(#spec, &#var, #lit, &mut #problems);)
            }
            RuleKind::Custom(f) => {
                // The closure (call-site span) lets `&String` deref-coerce to `&str` parameters.
                let adapter = quote!(|__x| (#f)(__x));
                if is_option(&claim.ty) {
                    quote_spanned! {span=>
                        if let ::core::option::Option::Some(__inner) = &#var {
                            #r::custom(#spec, __inner, #adapter, &mut #problems);
                        }
                    }
                } else {
                    quote_spanned!(span=> #r::custom(#spec, &#var, #adapter, &mut #problems);)
                }
            }
        };
        out.extend(stmt);
    }
    out
}

pub fn handler(h: &Handler) -> TokenStream {
    let func = &h.func;
    let fn_ident = &func.sig.ident;
    let vis = &func.vis;
    let name = unraw(fn_ident);
    let static_ident = format_ident!("__CLAIMS_SPEC_{}", name);
    let is_async = func.sig.asyncness.is_some();

    // Descriptor.
    let technical_profile = &h.technical_profile.value;
    let display_name = &h.display_name;
    let path = h.spec_path();
    let send = Ident::new(send_name(h.send), Span::call_site());
    let auth = match &h.auth {
        Auth::Inherit => quote!(::claims_runtime::AuthSpec::Inherit),
        Auth::None => quote!(::claims_runtime::AuthSpec::None),
        Auth::Basic => quote!(::claims_runtime::AuthSpec::Basic),
        Auth::Bearer => quote!(::claims_runtime::AuthSpec::Bearer),
        Auth::BearerFromClaim(l) => {
            let v = l.value();
            quote!(::claims_runtime::AuthSpec::BearerFromClaim(#v))
        }
        Auth::ApiKeyHeader(l) => {
            let v = l.value();
            quote!(::claims_runtime::AuthSpec::ApiKeyHeader(#v))
        }
        Auth::ClientCertificate => quote!(::claims_runtime::AuthSpec::ClientCertificate),
    };
    let inputs = h.claims().map(|c| {
        input_claim_spec(
            &c.ty,
            &c.id.value,
            c.meta.partner.as_ref().map(|p| p.value.as_str()),
            &c.meta,
            &unraw(&c.ident),
        )
    });
    let implicit = h.implicit_claims().into_iter().map(|i| match i {
        crate::model::Implicit::Culture => {
            quote!(::claims_runtime::InputClaimSpec::IMPLICIT_CULTURE)
        }
        crate::model::Implicit::Correlation => {
            quote!(::claims_runtime::InputClaimSpec::IMPLICIT_CORRELATION)
        }
    });
    let inputs = inputs.chain(implicit);
    let ret = return_type(func);
    let ret_span = match &func.sig.output {
        syn::ReturnType::Default => fn_ident.span(),
        syn::ReturnType::Type(_, ty) => ty.span(),
    };
    let outputs = quote_spanned! {ret_span=>
        <<#ret as ::claims_runtime::IntoHandlerResult>::Output as ::claims_runtime::OutputClaims>::CLAIMS
    };
    let payload = h.params.iter().find_map(|p| match p {
        Param::Payload { ty } => Some(ty),
        _ => None,
    });
    // The optional parts of the descriptor, as const builder calls.
    let mut spec_chain = TokenStream::new();
    if let Some(d) = h.description.as_deref() {
        spec_chain.extend(quote!(.with_description(#d)));
    }
    if let Some(ty) = payload {
        spec_chain.extend(quote_spanned! {ty.span()=>
            .with_payload(&<#ty as ::claims_runtime::ClaimsPayload>::PAYLOAD)
        });
    }
    if let Some(ms) = h.deadline_ms {
        let lit = Literal::u32_suffixed(ms);
        spec_chain.extend(quote!(.with_deadline_ms(#lit)));
    }
    if h.idempotent {
        spec_chain.extend(quote!(.idempotent()));
    }
    if !h.metadata.is_empty() {
        let items = h.metadata.iter().map(|m| {
            let key = m.key;
            match &m.value {
                crate::attr::MetadataValue::Flag(b) => {
                    quote!(::claims_runtime::HandlerSpec::metadata_flag(#key, #b))
                }
                crate::attr::MetadataValue::Message(t) => {
                    quote!(::claims_runtime::HandlerSpec::metadata_message(#key, #t))
                }
            }
        });
        spec_chain.extend(quote!(.with_metadata(&[#(#items),*])));
    }
    if let Some(u) = &h.service_url {
        let u = &u.value;
        spec_chain.extend(quote!(.with_service_url(#u)));
    }
    if !h.query.is_empty() {
        let items = h.query.iter().map(|(k, v)| match v {
            crate::model::QueryPart::Literal(t) => {
                quote!(::claims_runtime::HandlerSpec::query_literal(#k, #t))
            }
            crate::model::QueryPart::Setting(n) => {
                quote!(::claims_runtime::HandlerSpec::query_setting(#k, #n))
            }
        });
        spec_chain.extend(quote!(.with_service_query(&[#(#items),*])));
    }
    if !h.messages.is_empty() {
        let ids = &h.messages;
        spec_chain.extend(quote!(.with_messages(&[#(#ids),*])));
    }
    let mut caller_asserts = TokenStream::new();
    // A handler B2C alone calls starts its requests without the other callers' envelope code
    // (`Call::start` reaches it), so a service without such routes does not link it.
    let other_callers = h
        .callers
        .as_ref()
        .is_some_and(|callers| callers.iter().any(|c| c.kind != crate::callers::Kind::B2c));
    let start = if other_callers {
        quote!(start)
    } else {
        quote!(start_b2c)
    };
    if let Some(callers) = &h.callers {
        let routes = callers.iter().map(crate::callers::Resolved::tokens);
        spec_chain.extend(quote!(.with_callers(&[#(#routes),*])));
        if callers.iter().any(|c| {
            c.kind
                == crate::callers::Kind::Entra(
                    ::claims_core::callers::EntraEvent::TokenIssuanceStart,
                )
        }) {
            caller_asserts.extend(quote_spanned! {ret_span=>
                const _: () = ::claims_runtime::__private::assert_token_claims(#outputs);
            });
        }
    }

    // Compile-time checks of parameter types.
    let mut asserts = TokenStream::new();
    for p in &h.params {
        match p {
            // A claim's type is checked once, by `<T as ClaimType>::DATA_TYPE` in the descriptor
            // (spanned at the type); the route decodes through `ClaimProbe`, which does not
            // repeat the error.
            Param::Claim(_) => {}
            Param::Extractor { ty } => {
                asserts.extend(quote_spanned! {ty.span()=>
                    const _: () = ::claims_runtime::__private::assert_extractor::<#ty>();
                });
                if !is_async {
                    asserts.extend(quote_spanned! {ty.span()=>
                        const _: () = ::claims_runtime::__private::assert_sync_handler_arg::<#ty>();
                    });
                }
            }
            Param::Payload { .. } => {}
        }
    }

    // Route glue.
    let req = Ident::new("__req", Span::call_site());
    let body = Ident::new("__payload", Span::call_site());
    let call = Ident::new("__call", Span::call_site());
    let problems = Ident::new("__problems", Span::call_site());
    let private = quote!(::claims_runtime::__private);
    let mut extract = TokenStream::new();
    let mut decode = TokenStream::new();
    let mut validate = TokenStream::new();
    let mut call_args = Vec::new();
    let mut decoded: Vec<Ident> = Vec::new();
    let mut claim_index = 0usize;
    for (i, p) in h.params.iter().enumerate() {
        match p {
            Param::Claim(c) => {
                let var = format_ident!("__claim_{}", i);
                let ty = &c.ty;
                decode.extend(quote! {
                    let #var: ::core::option::Option<#ty> =
                        (&#private::ClaimProbe::<#ty>::NEW).decode_claim(&#call, #claim_index, &mut #problems);
                });
                validate.extend(rules(c, claim_index, &var, &problems));
                call_args.push(var.clone());
                decoded.push(var);
                claim_index += 1;
            }
            Param::Payload { ty } => {
                let var = format_ident!("__claim_{}", i);
                decode.extend(quote_spanned! {ty.span()=>
                    let #var: ::core::option::Option<#ty> =
                        <#ty as ::claims_runtime::ClaimsPayload>::decode(&#call, &mut #problems);
                });
                call_args.push(var.clone());
                decoded.push(var);
            }
            Param::Extractor { ty } => {
                // Extracted here rather than by an actix extractor tuple (cheaper per request);
                // the body went to the claims, so extractors see an empty payload, as before.
                let var = format_ident!("__arg_{}", i);
                extract.extend(quote! {
                    let #var: #ty = match (&#private::ExtractProbe::<#ty>::NEW).extract_now(&#req) {
                        ::core::option::Option::Some(::core::result::Result::Ok(v)) => v,
                        ::core::option::Option::Some(::core::result::Result::Err(resp)) => return resp,
                        ::core::option::Option::None => {
                            match (&#private::ExtractProbe::<#ty>::NEW).extract_arg(&#req).await {
                                ::core::result::Result::Ok(v) => v,
                                ::core::result::Result::Err(resp) => return resp,
                            }
                        }
                    };
                });
                call_args.push(var);
            }
        }
    }
    let unwrap = match decoded.len() {
        0 => quote!(),
        1 => {
            let v = &decoded[0];
            quote! {
                let ::core::option::Option::Some(#v) = #v else {
                    return #call.reject(#problems);
                };
            }
        }
        _ => quote! {
            let (#(::core::option::Option::Some(#decoded),)*) = (#(#decoded,)*) else {
                return #call.reject(#problems);
            };
        },
    };
    let claims_glue = if decoded.is_empty() {
        quote!()
    } else {
        let after_rules = if validate.is_empty() {
            quote!()
        } else {
            quote! {
                #validate
                if !#problems.is_empty() {
                    return #call.reject(#problems);
                }
            }
        };
        quote! {
            let mut #problems = #private::Problems::new();
            #decode
            if !#problems.is_empty() {
                return #call.reject(#problems);
            }
            #unwrap
            #after_rules
        }
    };
    // Spanned at the return type, so a bad return type is reported there only.
    let call_at_ret = Ident::new("__call", ret_span);
    // Only an idempotent handler's route reaches the replay path (so only a service with one
    // links it).
    let invoke_fn = Ident::new(
        if h.idempotent {
            "invoke"
        } else {
            "invoke_direct"
        },
        ret_span,
    );
    let invoke = if is_async {
        quote_spanned! {ret_span=>
            #call_at_ret.#invoke_fn(#fn_ident(#(#call_args),*)).await
        }
    } else {
        // A sync function runs on the blocking pool: it must not stall the worker, and the
        // deadline must hold while it runs.
        // Without arguments the function itself is the closure (clippy::redundant_closure).
        let job = if call_args.is_empty() {
            quote!(#fn_ident)
        } else {
            // Spanned at the name: a parameter that is not `Send` is reported at the function.
            quote_spanned!(fn_ident.span()=> move || #fn_ident(#(#call_args),*))
        };
        quote_spanned! {ret_span=>
            #call_at_ret.#invoke_fn(async move { #private::blocking(#job).await }).await
        }
    };
    let struct_doc = format!(
        " Descriptor and route of the handler function `{name}` (generated by `#[claims_handler]`)."
    );

    quote! {
        #func

        #[doc = #struct_doc]
        #[allow(non_camel_case_types, dead_code)]
        #vis struct #fn_ident {}

        #[allow(non_upper_case_globals)]
        static #static_ident: ::claims_runtime::HandlerSpec =
            ::claims_runtime::HandlerSpec::new(#technical_profile, #path, ::claims_runtime::SendClaimsIn::#send)
                .with_display_name(#display_name)
                #spec_chain
                .with_auth(#auth)
                .with_inputs(&[#(#inputs),*])
                .with_outputs(#outputs)
                .with_rust_fn(#name, ::core::module_path!());

        #asserts
        #caller_asserts

        impl #fn_ident {
            /// The handler's descriptor.
            pub const SPEC: &'static ::claims_runtime::HandlerSpec = &#static_ident;

            #[doc(hidden)]
            pub async fn __route(
                #req: #private::actix_web::HttpRequest,
                #body: #private::actix_web::web::Payload,
            ) -> #private::actix_web::HttpResponse {
                #[allow(unused_imports)]
                use #private::{
                    DecodeClaim as _, DecodeClaimUnsupported as _, ExtractArg as _,
                    ExtractArgUnsupported as _, ExtractLater as _, ExtractNow as _,
                };
                #extract
                let mut #call = #private::Call::new(Self::SPEC, &#req);
                if let ::core::result::Result::Err(resp) = #call.#start(#body).await {
                    return resp;
                }
                #claims_glue
                #invoke
            }
        }

        #private::inventory::submit! {
            #private::Registration {
                spec: #fn_ident::SPEC,
                route: || #private::route(#fn_ident::__route),
            }
        }
    }
}

fn send_name(m: SendMode) -> &'static str {
    m.name()
}
