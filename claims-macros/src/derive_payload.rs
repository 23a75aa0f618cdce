//! `#[derive(ClaimsPayload)]`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::DeriveInput;
use syn::spanned::Spanned as _;

use crate::attr::{self, ClaimSite, Ctxt};
use crate::check;
use crate::derive_output::{bounds, named_fields};
use crate::expand::input_claim_spec;
use crate::model::{PayloadField, Spanned, lower_camel_case, unraw};

pub fn expand(input: TokenStream) -> TokenStream {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(i) => i,
        Err(e) => return e.to_compile_error(),
    };
    let cx = Ctxt::new();
    let (claim, transformation) = attr::parse_payload_struct_attrs(&cx, &input.attrs);
    let struct_name = unraw(&input.ident);
    let claim_id = claim
        .as_ref()
        .map(Spanned::from_lit)
        .unwrap_or_else(|| Spanned::new(lower_camel_case(&struct_name), input.ident.span()));
    let transformation_id = transformation
        .as_ref()
        .map(Spanned::from_lit)
        .unwrap_or_else(|| Spanned::new(format!("Generate{struct_name}"), input.ident.span()));
    if !claims_core::grammar::is_valid_claim_id(&claim_id.value) {
        cx.error_at(
            claim_id.span,
            format!(
                "invalid payload claim id `{}`: a claim type id must match [A-Za-z_][A-Za-z0-9_.-]{{0,127}}",
                claim_id.value
            ),
        );
    }
    if !claims_core::grammar::is_valid_technical_profile(&transformation_id.value) {
        cx.error_at(
            transformation_id.span,
            format!(
                "invalid transformation id `{}`: it must match [A-Za-z0-9_.-]{{1,128}}",
                transformation_id.value
            ),
        );
    }

    let mut model = Vec::new();
    for f in named_fields(&cx, &input, "ClaimsPayload").unwrap_or_default() {
        let Some(ident) = f.ident.clone() else {
            continue;
        };
        if let Some(a) = f.attrs.iter().find(|a| attr::is_validate_attr(a)) {
            cx.error_spanned_by(
                a,
                "#[validate] is not supported on payload fields yet; validate inside the handler and return ClaimsError::user(..)",
            );
        }
        let (mut meta, mut paths) = attr::parse_claim_attrs(&cx, &f.attrs, ClaimSite::Payload)
            .map(|c| (c.meta, c.paths))
            .unwrap_or_default();
        if !paths.is_empty() {
            if let Some(p) = &meta.partner {
                cx.error_at(
                    p.span,
                    "`path` and `paths` exclude each other: list every path in `paths = [..]`",
                );
            }
            meta.partner = Some(paths.remove(0));
        }
        let id = meta
            .id
            .clone()
            .unwrap_or_else(|| Spanned::new(lower_camel_case(&unraw(&ident)), ident.span()));
        let path = claims_core::grammar::wire_name(&id, meta.partner.as_ref()).clone();
        model.push(PayloadField {
            ident,
            ty: f.ty.clone(),
            id,
            meta,
            path,
            extra_paths: paths,
        });
    }
    check::check_payload(&cx, &model);

    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let claim_id = &claim_id.value;
    let transformation_id = &transformation_id.value;
    if let Err(e) = cx.check() {
        let mut out = e.to_compile_error();
        out.extend(quote! {
            impl #impl_generics ::claims_runtime::ClaimsPayload for #name #ty_generics #where_clause {
                const PAYLOAD: ::claims_runtime::PayloadSpec = ::claims_runtime::PayloadSpec::new(#claim_id, #transformation_id, &[]);
                fn decode(
                    _: &::claims_runtime::__private::Call,
                    _: &mut ::claims_runtime::__private::Problems,
                ) -> ::core::option::Option<Self> {
                    ::core::option::Option::None
                }
            }
        });
        return out;
    }

    // One descriptor per field (decoded by index), then one per extra path (written only).
    let extra = model
        .iter()
        .flat_map(|f| f.extra_paths.iter().map(move |p| (f, p)));
    let specs = model
        .iter()
        .map(|f| (f, &f.path))
        .chain(extra)
        .map(|(f, path)| {
            input_claim_spec(
                &f.ty,
                &f.id.value,
                Some(&path.value),
                &f.meta,
                &unraw(&f.ident),
            )
        })
        .collect::<Vec<_>>();
    let vars: Vec<_> = (0..model.len())
        .map(|i| quote::format_ident!("__f{}", i))
        .collect();
    let decodes = model.iter().zip(&vars).enumerate().map(|(i, (f, v))| {
        let ty = &f.ty;
        quote_spanned! {ty.span()=>
            let #v = __call.payload_claim::<#ty>(#i, __problems);
        }
    });
    let inits = model.iter().zip(&vars).map(|(f, v)| {
        let ident = &f.ident;
        quote!(#ident: #v?)
    });
    let where_clause = bounds(&input.generics, model.iter().map(|f| &f.ty));
    let (call, problems) = if model.is_empty() {
        (quote!(_), quote!(_))
    } else {
        (quote!(__call), quote!(__problems))
    };
    quote! {
        impl #impl_generics ::claims_runtime::ClaimsPayload for #name #ty_generics #where_clause {
            const PAYLOAD: ::claims_runtime::PayloadSpec = ::claims_runtime::PayloadSpec::new(#claim_id, #transformation_id, &[#(#specs),*]);

            fn decode(
                #call: &::claims_runtime::__private::Call,
                #problems: &mut ::claims_runtime::__private::Problems,
            ) -> ::core::option::Option<Self> {
                #(#decodes)*
                ::core::option::Option::Some(Self { #(#inits),* })
            }
        }
    }
}
