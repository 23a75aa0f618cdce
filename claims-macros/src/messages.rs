//! The catalog message ids a handler renders, so the app can check them against its catalogs at
//! startup instead of showing a raw id to the end user.
//!
//! Collected: string literals passed to `ClaimsError::user(..)`, `ClaimsError::block(..)` and `ClaimsError::bad_request(..)`
//! (the constructors that take an id; the others use fixed framework ids) anywhere in the body,
//! closures and macro arguments included (the scan reads tokens, not the syntax tree), plus the
//! ids declared with `messages = [..]`. Not collected: ids that are not literals at the call
//! (constants, `format!`), ids built in helper functions, and `ValidationError` codes of
//! `custom` rules; those are declared with `messages = [..]` or `App::require_messages`.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use syn::LitStr;

use crate::attr::Ctxt;

/// The `ClaimsError` constructors whose first argument is a catalog message id.
const CONSTRUCTORS: &[&str] = &["user", "bad_request", "block"];

/// Declared ids first, then those found in `body`, without duplicates. An id that no Fluent
/// catalog can define is an error at the literal.
pub fn collect(cx: &Ctxt, declared: Vec<LitStr>, body: &syn::Block) -> Vec<LitStr> {
    let mut found = declared;
    scan(body.to_token_stream(), &mut found);
    let mut out: Vec<LitStr> = Vec::with_capacity(found.len());
    for id in found {
        let v = id.value();
        if !is_message_id(&v) {
            cx.error_spanned_by(
                &id,
                format!(
                    "{v:?} is not a message id: a Fluent message id starts with an ASCII letter and holds only ASCII letters, digits, `-` and `_` (the text itself belongs in the catalog, e.g. locales/en/app.ftl: `member-not-found = ...`)"
                ),
            );
        } else if !out.iter().any(|o| o.value() == v) {
            out.push(id);
        }
    }
    out
}

/// Fluent's `Identifier`: `[a-zA-Z][a-zA-Z0-9_-]*`.
fn is_message_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Finds `ClaimsError :: <constructor> ( "<literal>" )` at any depth.
fn scan(tokens: TokenStream, out: &mut Vec<LitStr>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, t) in tokens.iter().enumerate() {
        if let TokenTree::Group(g) = t {
            scan(g.stream(), out);
        }
        let Some(
            [
                TokenTree::Ident(ty),
                TokenTree::Punct(c1),
                TokenTree::Punct(c2),
                TokenTree::Ident(ctor),
                TokenTree::Group(args),
            ],
        ) = tokens.get(i..i + 5)
        else {
            continue;
        };
        if ty != "ClaimsError"
            || c1.as_char() != ':'
            || c2.as_char() != ':'
            || !CONSTRUCTORS.iter().any(|c| ctor == c)
            || args.delimiter() != Delimiter::Parenthesis
        {
            continue;
        }
        let inner: Vec<TokenTree> = args.stream().into_iter().collect();
        let lit = match inner.as_slice() {
            [TokenTree::Literal(l)] => l,
            [TokenTree::Literal(l), TokenTree::Punct(p)] if p.as_char() == ',' => l,
            _ => continue,
        };
        if let Ok(s) = syn::parse2::<LitStr>(lit.to_token_stream()) {
            out.push(s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(body: TokenStream) -> Vec<String> {
        let block: syn::Block = syn::parse2(quote::quote!({ #body })).unwrap();
        let cx = Ctxt::new();
        let out = collect(&cx, Vec::new(), &block);
        cx.check().unwrap();
        out.iter().map(LitStr::value).collect()
    }

    #[test]
    fn finds_literal_ids_at_any_depth() {
        let found = ids(quote::quote! {
            let x = store.find(&email).ok_or_else(|| ClaimsError::user("member-not-found"))?;
            if bad { return Err(claims_runtime::ClaimsError::bad_request("bad-input",)); }
            tracing::info!("{}", ClaimsError::user("in-a-macro").message_id());
            Err(ClaimsError::user("member-not-found").arg("email", email))
        });
        assert_eq!(found, ["member-not-found", "bad-input", "in-a-macro"]);
    }

    #[test]
    fn ignores_non_literals_and_other_constructors() {
        let found = ids(quote::quote! {
            let a = ClaimsError::user(ids::NOT_FOUND);
            let b = ClaimsError::user(format!("x-{}", n));
            let c = ClaimsError::internal("not an id");
            let d = Other::user("elsewhere");
        });
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn message_id_syntax() {
        assert!(is_message_id("member-not-found"));
        assert!(is_message_id("a_b2"));
        assert!(!is_message_id("2fa-failed"));
        assert!(!is_message_id("Member not found"));
        assert!(!is_message_id(""));
    }
}
