//! What a parameter's type is, decided by syntax alone (the macro cannot see trait impls): used to
//! refuse a claim-typed parameter that lacks `#[claim]`, and a `#[validate]` rule that cannot apply
//! to its claim's type.

use syn::{GenericArgument, PathArguments, Type};

/// A built-in claim type, recognized by the last segment of its path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `String`, `PhoneNumber`, `Locale`, `CorrelationId`: values with text.
    Text,
    /// `Vec<String>`.
    StringList,
    /// Integer primitives (`i32`, `i64` are claim types; the others look like one).
    Integer,
    /// `bool`.
    Bool,
    /// `NaiveDate`, `DateTime<..>`, `Duration`.
    Time,
}

/// The accepted forms, for messages.
pub const FORMS: &str = "String, bool, integers (i32, i64, ...), Vec<String>, NaiveDate, DateTime<Utc>, Duration, PhoneNumber, Locale, CorrelationId, and Option<_> of these";

fn single_arg(args: &PathArguments) -> Option<&Type> {
    match args {
        PathArguments::AngleBracketed(a) if a.args.len() == 1 => match a.args.first() {
            Some(GenericArgument::Type(t)) => Some(t),
            _ => None,
        },
        _ => None,
    }
}

/// The type without `Option<..>` (and groups/parens), and whether it was optional.
pub fn unwrap_option(ty: &Type) -> &Type {
    match ty {
        Type::Group(g) => unwrap_option(&g.elem),
        Type::Paren(p) => unwrap_option(&p.elem),
        Type::Path(p) if p.qself.is_none() => match p.path.segments.last() {
            Some(s) if s.ident == "Option" => single_arg(&s.arguments).map_or(ty, unwrap_option),
            _ => ty,
        },
        _ => ty,
    }
}

/// `ty` as written, without the token spacing of `to_string` (`Option<String>`).
pub fn show(ty: &impl quote::ToTokens) -> String {
    let mut s = ty.to_token_stream().to_string();
    for (from, to) in [
        (" <", "<"),
        ("< ", "<"),
        (" >", ">"),
        (" ::", "::"),
        (":: ", "::"),
        (" ,", ","),
    ] {
        s = s.replace(from, to);
    }
    s
}

/// The built-in claim type `ty` names (after unwrapping `Option`), if any.
pub fn classify(ty: &Type) -> Option<Kind> {
    let Type::Path(p) = unwrap_option(ty) else {
        return None;
    };
    if p.qself.is_some() {
        return None;
    }
    let last = p.path.segments.last()?;
    let name = last.ident.to_string();
    let bare = matches!(last.arguments, PathArguments::None);
    match name.as_str() {
        "String" | "PhoneNumber" | "Locale" | "CorrelationId" if bare => Some(Kind::Text),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128"
        | "usize"
            if bare =>
        {
            Some(Kind::Integer)
        }
        "bool" if bare => Some(Kind::Bool),
        "NaiveDate" | "Duration" if bare => Some(Kind::Time),
        "DateTime" => Some(Kind::Time),
        "Vec" => match single_arg(&last.arguments).map(unwrap_option) {
            Some(Type::Path(inner))
                if inner.qself.is_none()
                    && inner
                        .path
                        .segments
                        .last()
                        .is_some_and(|s| s.ident == "String") =>
            {
                Some(Kind::StringList)
            }
            _ => None,
        },
        _ => None,
    }
}

/// For a rule name, the kinds it applies to and how to say so; `None` when it applies to any type.
pub fn rule_applies(rule: &str) -> Option<(&'static [Kind], &'static str)> {
    match rule {
        "length" => Some((
            &[Kind::Text, Kind::StringList],
            "String (or PhoneNumber, Locale, CorrelationId) and Vec<String> claims",
        )),
        "range" => Some((&[Kind::Integer], "number claims (i32, i64)")),
        "email" | "url" | "contains" | "regex" => Some((
            &[Kind::Text],
            "String claims (or PhoneNumber, Locale, CorrelationId)",
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(s: &str) -> Option<Kind> {
        classify(&syn::parse_str(s).unwrap())
    }

    #[test]
    fn classifies_by_syntax() {
        assert_eq!(k("String"), Some(Kind::Text));
        assert_eq!(k("std::string::String"), Some(Kind::Text));
        assert_eq!(k("Option<String>"), Some(Kind::Text));
        assert_eq!(k("Option<Vec<String>>"), Some(Kind::StringList));
        assert_eq!(k("i32"), Some(Kind::Integer));
        assert_eq!(k("u8"), Some(Kind::Integer));
        assert_eq!(k("bool"), Some(Kind::Bool));
        assert_eq!(k("chrono::DateTime<chrono::Utc>"), Some(Kind::Time));
        assert_eq!(k("NaiveDate"), Some(Kind::Time));
        assert_eq!(k("web::Data<String>"), None);
        assert_eq!(k("HttpRequest"), None);
        assert_eq!(k("Vec<u8>"), None);
        assert_eq!(k("LoyaltyNumber"), None);
        let ty: Type = syn::parse_str("Option<std::string::String>").unwrap();
        assert_eq!(show(&ty), "Option<std::string::String>");
    }
}
