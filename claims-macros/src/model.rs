//! The intermediate representation: what the attributes mean, with the original syn nodes kept
//! for spans. Built by `attr.rs`, checked by `check.rs`, emitted by `expand.rs`.

use proc_macro2::Span;
use syn::{Expr, Ident, LitStr, Type};

/// A string value with the span of the token it came from (the literal, or the ident it was
/// derived from).
#[derive(Clone, Debug)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl Spanned<String> {
    pub fn from_lit(lit: &LitStr) -> Self {
        Spanned::new(lit.value(), lit.span())
    }
}

/// `send_claims_in = ...`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SendMode {
    Body,
    Form,
    Header,
    Url,
    QueryString,
}

impl SendMode {
    pub const ALL: &'static [(&'static str, SendMode)] = &[
        ("Body", SendMode::Body),
        ("Form", SendMode::Form),
        ("Header", SendMode::Header),
        ("Url", SendMode::Url),
        ("QueryString", SendMode::QueryString),
    ];

    pub fn name(self) -> &'static str {
        SendMode::ALL
            .iter()
            .find(|(_, m)| *m == self)
            .map(|(n, _)| *n)
            .unwrap_or("Body")
    }
}

/// `auth = ...`.
#[derive(Clone, Debug)]
pub enum Auth {
    Inherit,
    None,
    Basic,
    Bearer,
    BearerFromClaim(LitStr),
    ApiKeyHeader(LitStr),
    ClientCertificate,
}

/// The accepted `input_type = ...` values (ClaimType `UserInputType`).
pub const INPUT_TYPES: &[&str] = &[
    "TextBox",
    "EmailBox",
    "DateTimeDropdown",
    "RadioSingleSelect",
    "DropdownSingleSelect",
    "CheckboxMultiSelect",
    "Password",
    "Readonly",
    "Button",
    "Paragraph",
];

/// Per-claim metadata shared by handler inputs, payload fields and output fields.
#[derive(Clone, Debug, Default)]
pub struct ClaimMeta {
    /// `ClaimTypeReferenceId` (explicit or derived from the Rust name).
    pub id: Option<Spanned<String>>,
    /// `PartnerClaimType` (handler inputs and outputs) or the GenerateJson path (payload fields).
    pub partner: Option<Spanned<String>>,
    /// `key = "..."` (outputs): a literal top-level key, never a JSON path.
    pub key: Option<Spanned<String>>,
    pub default: Option<Spanned<String>>,
    /// The default came from `literal_default`: sent as-is even if it looks like a resolver.
    pub literal: bool,
    pub always_default: Option<Span>,
    pub resolver: Option<Spanned<String>>,
    pub display_name: Option<String>,
    pub help: Option<String>,
    pub input_type: Option<Ident>,
}

/// A `#[validate(...)]` rule on an input claim.
#[derive(Clone, Debug)]
pub struct Rule {
    pub span: Span,
    pub kind: RuleKind,
}

#[derive(Clone, Debug)]
pub enum RuleKind {
    Email,
    Url,
    Length {
        min: Option<u64>,
        max: Option<u64>,
        equal: Option<u64>,
    },
    Range {
        min: Option<f64>,
        max: Option<f64>,
    },
    Regex(Expr),
    Contains(LitStr),
    Custom(Expr),
}

impl RuleKind {
    /// The rule's name as written in `#[validate(...)]`.
    pub fn name(&self) -> &'static str {
        match self {
            RuleKind::Email => "email",
            RuleKind::Url => "url",
            RuleKind::Length { .. } => "length",
            RuleKind::Range { .. } => "range",
            RuleKind::Regex(_) => "regex",
            RuleKind::Contains(_) => "contains",
            RuleKind::Custom(_) => "custom",
        }
    }
}

/// An input claim parameter of a handler.
#[derive(Clone, Debug)]
pub struct InputClaim {
    /// The parameter ident (without `mut`).
    pub ident: Ident,
    pub ty: Type,
    /// The resolved claim type id (explicit or lowerCamelCase of the ident).
    pub id: Spanned<String>,
    pub meta: ClaimMeta,
    pub rules: Vec<Rule>,
}

impl InputClaim {
    /// The wire name: partner if set, else the id.
    pub fn wire(&self) -> &Spanned<String> {
        claims_core::grammar::wire_name(&self.id, self.meta.partner.as_ref())
    }
}

/// A parameter of a handler.
#[derive(Clone, Debug)]
pub enum Param {
    Claim(Box<InputClaim>),
    /// `#[claim(payload)] p: T`.
    Payload {
        ty: Type,
    },
    /// Any other parameter: an actix extractor, passed through.
    Extractor {
        ty: Type,
    },
}

/// A whole `#[claims_handler]` item.
pub struct Handler {
    /// The user's function with `#[claim]`/`#[validate]` stripped.
    pub func: syn::ItemFn,
    pub technical_profile: Spanned<String>,
    pub display_name: String,
    pub description: Option<String>,
    pub path: Spanned<String>,
    pub send: SendMode,
    pub auth: Auth,
    pub deadline_ms: Option<u32>,
    pub idempotent: bool,
    pub params: Vec<Param>,
    /// Message ids the handler renders: declared (`messages = [..]`), then found in the body.
    pub messages: Vec<LitStr>,
    /// `callers(...)` resolved to routes; `None` is the default (B2C only).
    pub callers: Option<Vec<crate::callers::Resolved>>,
    /// Append the implicit culture claim (unless a culture claim is declared).
    pub send_culture: bool,
    /// Append the implicit correlation claim (unless a correlation claim is declared).
    pub send_correlation: bool,
    /// `metadata(..)`.
    pub metadata: Vec<crate::attr::MetadataItem>,
    /// `service_url = ".."`.
    pub service_url: Option<Spanned<String>>,
    /// `query = ".."`, parsed: `(key, value)` with the value a literal or a setting name.
    pub query: Vec<(String, QueryPart)>,
}

/// A static query value.
#[derive(Clone, Debug)]
pub enum QueryPart {
    Literal(String),
    /// `{env:NAME}`.
    Setting(String),
}

/// Parses `api-version=2.0&code={env:FUNCTION_KEY}`.
pub fn parse_query(q: &str) -> Result<Vec<(String, QueryPart)>, String> {
    let bad = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '#' | '{' | '}');
    let mut out = Vec::new();
    for pair in q.split('&') {
        let Some((k, v)) = pair.split_once('=') else {
            return Err(format!(
                "`{pair}` is not `key=value`; accepted: `key=value` pairs joined by `&`, a value being literal text or `{{env:SETTING_NAME}}`"
            ));
        };
        if k.is_empty() || k.contains(bad) {
            return Err(format!(
                "invalid query key `{k}`: a key is literal text without whitespace, `#`, `{{` or `}}`"
            ));
        }
        if out.iter().any(|(prev, _)| prev == k) {
            return Err(format!("query key `{k}` appears twice"));
        }
        let part = match v.strip_prefix("{env:").and_then(|n| n.strip_suffix('}')) {
            Some(name) => {
                let ok = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !ok {
                    return Err(format!(
                        "invalid setting name `{name}` in `{v}`: expected `{{env:NAME}}` with NAME = [A-Za-z_][A-Za-z0-9_]*"
                    ));
                }
                QueryPart::Setting(name.to_owned())
            }
            None if v.contains(bad) => {
                return Err(format!(
                    "invalid query value `{v}`: literal text without whitespace, `#`, `{{` or `}}`, or `{{env:SETTING_NAME}}` for a value read from the configuration when the policy is exported (secrets such as `code=` never go in the source)"
                ));
            }
            None => QueryPart::Literal(v.to_owned()),
        };
        out.push((k.to_owned(), part));
    }
    Ok(out)
}

/// A claim the macro appends after the parameters (never passed to the function).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Implicit {
    Culture,
    Correlation,
}

impl Implicit {
    /// The claim type id (also its wire name).
    pub fn id(self) -> &'static str {
        match self {
            Implicit::Culture => claims_core::spec::IMPLICIT_CULTURE_ID,
            Implicit::Correlation => claims_core::spec::IMPLICIT_CORRELATION_ID,
        }
    }
}

impl Handler {
    pub fn claims(&self) -> impl Iterator<Item = &InputClaim> {
        self.params.iter().filter_map(|p| match p {
            Param::Claim(c) => Some(&**c),
            _ => None,
        })
    }

    /// The implicit claims, in order: B2C technical profiles only (not in payload mode, where
    /// B2C sends the payload alone), each unless turned off or declared by the handler.
    pub fn implicit_claims(&self) -> Vec<Implicit> {
        use claims_core::resolvers as r;
        let b2c = self.callers.as_ref().is_none_or(|list| {
            list.iter()
                .any(|c| matches!(c.kind, crate::callers::Kind::B2c))
        });
        if !b2c
            || self
                .params
                .iter()
                .any(|p| matches!(p, Param::Payload { .. }))
        {
            return Vec::new();
        }
        let resolver_is = |names: &[&str]| {
            self.claims().any(|c| {
                c.meta
                    .resolver
                    .as_ref()
                    .is_some_and(|v| names.iter().any(|n| n.eq_ignore_ascii_case(&v.value)))
            })
        };
        // A literal `{..}` default needs a profile that resolves nothing.
        if self.claims().any(|c| {
            c.meta.literal
                && c.meta
                    .default
                    .as_ref()
                    .is_some_and(|d| r::looks_unresolved(&d.value))
        }) {
            return Vec::new();
        }
        let mut out = Vec::new();
        if self.send_culture
            && !resolver_is(&[
                r::CULTURE_RFC5646,
                r::CULTURE_LCID,
                r::CULTURE_LANGUAGE_NAME,
            ])
        {
            out.push(Implicit::Culture);
        }
        if self.send_correlation
            && !resolver_is(&[r::CORRELATION_ID])
            && !self
                .claims()
                .any(|c| c.id.value.eq_ignore_ascii_case("correlationId"))
        {
            out.push(Implicit::Correlation);
        }
        out
    }

    /// The path the descriptor holds: in Url mode the implicit claims join the query template
    /// (B2C sends Url-mode claims only through placeholders).
    pub fn spec_path(&self) -> String {
        let mut path = self.path.value.clone();
        if self.send == SendMode::Url {
            for i in self.implicit_claims() {
                path.push(if path.contains('?') { '&' } else { '?' });
                path.push_str(&format!("{0}={{{0}}}", i.id()));
            }
        }
        path
    }
}

/// A field of a `#[derive(OutputClaims)]` struct.
pub struct OutputField {
    pub ident: Ident,
    pub ty: Type,
    pub id: Spanned<String>,
    pub meta: ClaimMeta,
    /// The wire name (in `meta.partner`) came from `key`: one literal key.
    pub flat: bool,
}

impl OutputField {
    pub fn wire(&self) -> &Spanned<String> {
        claims_core::grammar::wire_name(&self.id, self.meta.partner.as_ref())
    }
}

/// A field of a `#[derive(ClaimsPayload)]` struct.
pub struct PayloadField {
    pub ident: Ident,
    pub ty: Type,
    pub id: Spanned<String>,
    pub meta: ClaimMeta,
    /// The GenerateJson dot path (explicit `path`, the first of `paths`, else the id).
    pub path: Spanned<String>,
    /// The other paths of `paths = [..]`: the same claim, written again.
    pub extra_paths: Vec<Spanned<String>>,
}

// ---------------------------------------------------------------------------------------------
// Names

/// The Rust name without a raw-identifier prefix.
pub fn unraw(ident: &Ident) -> String {
    let s = ident.to_string();
    match s.strip_prefix("r#") {
        Some(rest) => rest.to_owned(),
        None => s,
    }
}

pub use claims_core::names::{kebab_case, lower_camel_case, pascal_case};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_idents() {
        let id = Ident::new_raw("type", Span::call_site());
        assert_eq!(unraw(&id), "type");
        assert_eq!(lower_camel_case(&unraw(&id)), "type");
    }
}
