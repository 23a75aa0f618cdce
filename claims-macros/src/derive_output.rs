//! `#[derive(OutputClaims)]`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned as _;
use syn::{Data, DeriveInput, Fields};

use crate::attr::{self, ClaimSite, Ctxt};
use crate::check;
use crate::expand::{common_meta, data_type, optional};
use crate::model::{OutputField, Spanned, lower_camel_case, unraw};

pub fn expand(input: TokenStream) -> TokenStream {
    let input: DeriveInput = match syn::parse2(input) {
        Ok(i) => i,
        Err(e) => return e.to_compile_error(),
    };
    let cx = Ctxt::new();
    let fields = named_fields(&cx, &input, "OutputClaims");
    let mut model = Vec::new();
    for f in fields.unwrap_or_default() {
        let Some(ident) = f.ident.clone() else {
            continue;
        };
        let claim = attr::parse_claim_attrs(&cx, &f.attrs, ClaimSite::Output);
        if f.attrs.iter().any(attr::is_validate_attr) {
            cx.error_spanned_by(
                f.attrs.iter().find(|a| attr::is_validate_attr(a)),
                "#[validate] applies to handler input claims, not to output claims",
            );
        }
        let (meta, skip) = match claim {
            Some(c) => (c.meta, c.skip),
            None => (Default::default(), false),
        };
        if skip {
            continue;
        }
        let id = meta
            .id
            .clone()
            .unwrap_or_else(|| Spanned::new(lower_camel_case(&unraw(&ident)), ident.span()));
        let mut meta = meta;
        let mut flat = false;
        if let Some(key) = meta.key.take() {
            if meta.partner.is_some() {
                cx.error_at(
                    key.span,
                    "`key` and `partner` exclude each other: `key = \"...\"` is one literal JSON key, `partner = \"...\"` a key or a bracket path",
                );
            } else if !claims_core::grammar::is_flat_output_key(&key.value) {
                cx.error_at(
                    key.span,
                    "`key` must be non-empty text without control characters",
                );
            } else {
                meta.partner = Some(key);
                flat = true;
            }
        }
        if !flat && meta.partner.as_ref().is_some_and(|p| p.value == id.value) {
            meta.partner = None;
        }
        if let Some(r) = &meta.resolver {
            cx.error_at(r.span, "claim resolvers apply to input claims only");
        }
        model.push(OutputField {
            ident,
            ty: f.ty.clone(),
            id,
            meta,
            flat,
        });
    }
    check::check_outputs(&cx, &model);

    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    if let Err(e) = cx.check() {
        // A placeholder impl keeps a mistake here from cascading into every handler using the type.
        let mut out = e.to_compile_error();
        out.extend(quote! {
            impl #impl_generics ::claims_runtime::OutputClaims for #name #ty_generics #where_clause {
                const CLAIMS: &'static [::claims_runtime::OutputClaimSpec] = &[];
                fn write_claims(&self, _: &mut ::claims_runtime::ClaimWriter) {}
            }
        });
        return out;
    }

    let specs = model.iter().map(|f| {
        let id = &f.id.value;
        let data_type = data_type(&f.ty);
        let opt = optional(&f.ty);
        let mut chain = quote! {
            .with_always_present(
                !#opt && !::core::matches!(#data_type, ::claims_runtime::DataType::StringCollection)
            )
        };
        if let Some(p) = f.meta.partner.as_ref().filter(|_| f.flat) {
            let wire = &p.value;
            chain.extend(quote!(.with_flat_key(#wire)));
        } else if let Some(p) = &f.meta.partner {
            let wire = &p.value;
            chain.extend(quote!(.with_partner(#wire)));
            // Nested paths are parsed here, once, with the grammar the runtime would use.
            if claims_core::grammar::is_nested_output(wire)
                && let Ok(segs) = claims_core::grammar::parse_bracket_path(wire)
            {
                let segs = segs.iter().map(|s| match s {
                    claims_core::grammar::Segment::Key(k) => {
                        quote!(::claims_runtime::__private::Segment::Key(#k))
                    }
                    claims_core::grammar::Segment::Index(i) => {
                        quote!(::claims_runtime::__private::Segment::Index(#i))
                    }
                });
                chain.extend(quote!(.with_path(&[#(#segs),*])));
            }
        }
        if let Some(d) = &f.meta.default {
            let d = &d.value;
            chain.extend(quote!(.with_default(#d)));
        }
        if f.meta.always_default.is_some() {
            chain.extend(quote!(.always_default()));
        }
        chain.extend(common_meta(
            f.meta.display_name.as_deref(),
            f.meta.help.as_deref(),
            f.meta.input_type.as_ref(),
        ));
        let rust_name = unraw(&f.ident);
        quote! {
            ::claims_runtime::OutputClaimSpec::new(#id, #data_type) #chain .with_rust_name(#rust_name)
        }
    });
    let writes = model.iter().enumerate().map(|(i, f)| {
        let ident = &f.ident;
        quote_spanned!(f.ty.span()=> __w.claim(#i, &self.#ident);)
    });
    let where_clause = bounds(&input.generics, model.iter().map(|f| &f.ty));
    let w = if model.is_empty() {
        quote!(_)
    } else {
        quote!(__w)
    };
    quote! {
        impl #impl_generics ::claims_runtime::OutputClaims for #name #ty_generics #where_clause {
            const CLAIMS: &'static [::claims_runtime::OutputClaimSpec] = &[#(#specs),*];

            fn write_claims(&self, #w: &mut ::claims_runtime::ClaimWriter) {
                #(#writes)*
            }
        }
    }
}

/// The named fields of a struct, or an error naming what is accepted.
pub fn named_fields<'a>(
    cx: &Ctxt,
    input: &'a DeriveInput,
    derive: &str,
) -> Option<Vec<&'a syn::Field>> {
    let msg = format!(
        "#[derive({derive})] supports structs with named fields only (`struct S {{ field: Type, .. }}`)"
    );
    match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(n) => Some(n.named.iter().collect()),
            Fields::Unnamed(u) => {
                cx.error_spanned_by(u, format!("{msg}; tuple structs are not supported"));
                None
            }
            Fields::Unit => {
                cx.error_spanned_by(
                    &input.ident,
                    format!("{msg}; unit structs are not supported"),
                );
                None
            }
        },
        Data::Enum(e) => {
            cx.error_spanned_by(e.enum_token, format!("{msg}; enums are not supported"));
            None
        }
        Data::Union(u) => {
            cx.error_spanned_by(u.union_token, format!("{msg}; unions are not supported"));
            None
        }
    }
}

/// The struct's where clause plus `FieldType: ClaimType` for every field when the struct is
/// generic (so `<T as ClaimType>::DATA_TYPE` is well-formed).
pub fn bounds<'a>(
    generics: &syn::Generics,
    tys: impl Iterator<Item = &'a syn::Type>,
) -> TokenStream {
    let has_types = generics
        .params
        .iter()
        .any(|p| matches!(p, syn::GenericParam::Type(_)));
    let existing = generics
        .where_clause
        .as_ref()
        .map(|w| {
            let preds = w.predicates.iter();
            quote!(#(#preds,)*)
        })
        .unwrap_or_default();
    if !has_types {
        return if existing.is_empty() {
            quote!()
        } else {
            quote!(where #existing)
        };
    }
    let extra = tys.map(|ty| quote!(#ty: ::claims_runtime::ClaimType,));
    quote!(where #existing #(#extra)*)
}
