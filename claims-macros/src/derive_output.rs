//! `#[derive(OutputClaims)]`.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned as _;
use syn::{Data, DeriveInput, Fields};

use crate::attr::{self, ClaimSite, Ctxt};
use crate::check;
use crate::expand::{data_type, opt_input_type, opt_str, optional};
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
        if meta.partner.as_ref().is_some_and(|p| p.value == id.value) {
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
        let partner = opt_str(f.meta.partner.as_ref().map(|p| p.value.as_str()));
        let data_type = data_type(&f.ty);
        let opt = optional(&f.ty);
        let default = opt_str(f.meta.default.as_ref().map(|d| d.value.as_str()));
        let always_default = f.meta.always_default.is_some();
        let display_name = opt_str(f.meta.display_name.as_deref());
        let help = opt_str(f.meta.help.as_deref());
        let input_type = opt_input_type(f.meta.input_type.as_ref());
        let rust_name = unraw(&f.ident);
        quote! {
            ::claims_runtime::OutputClaimSpec {
                id: #id,
                partner: #partner,
                data_type: #data_type,
                always_present: !#opt
                    && !::core::matches!(#data_type, ::claims_runtime::DataType::StringCollection),
                default: #default,
                always_default: #always_default,
                display_name: #display_name,
                help: #help,
                input_type: #input_type,
                rust_name: #rust_name,
            }
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
