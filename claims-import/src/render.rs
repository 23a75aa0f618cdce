//! The generated Rust module, as text laid out the way rustfmt would (the caller checks it parses).
//! Only syntax the macros accept today: explicit ids, `::claims_runtime` paths for framework
//! items, prelude types for the rest.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use claims_core::metadata::keys;
use claims_core::names::pascal_case;
use claims_export::b2c::parse::ParsedPolicy;

use crate::plan::{Claim, Handler};
use crate::{Outcome, ProfileReport};

/// A one-line comment or doc text.
fn line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A Rust string literal.
fn lit(s: &str) -> String {
    format!("{s:?}")
}

pub(crate) fn table(reports: &[ProfileReport]) -> String {
    let mut t = String::from("| Technical profile | Result | Reason |\n| --- | --- | --- |\n");
    for r in reports {
        let result = match &r.outcome {
            Outcome::Imported { function } => format!("imported as `{function}`"),
            Outcome::Refused => "refused".to_owned(),
            Outcome::Skipped => "skipped".to_owned(),
        };
        let reason = r
            .reasons
            .iter()
            .map(|x| line(x).replace('|', "\\|"))
            .collect::<Vec<_>>()
            .join("; ");
        let _ = writeln!(t, "| {} | {result} | {reason} |", r.id);
    }
    t
}

/// `PolicyKeyNames` field for a cryptographic key id.
fn key_field(id: &str) -> &'static str {
    match id {
        keys::BASIC_USERNAME => "basic_username",
        keys::BASIC_PASSWORD => "basic_password",
        keys::BEARER_TOKEN => "bearer_token",
        keys::CLIENT_CERTIFICATE => "client_certificate",
        _ => "api_key",
    }
}

pub(crate) fn module(
    sources: &[&str],
    set: &ParsedPolicy,
    handlers: &[(String, Handler)],
    reports: &[ProfileReport],
    base_url: Option<&str>,
) -> String {
    let mut out = String::new();
    let o = &mut out;
    let _ = writeln!(
        o,
        "//! Handlers imported by `claims-import` from {}.",
        sources.join(", ")
    );
    o.push_str(
        "//!\n\
         //! Each handler exports back to its original RESTful technical profile. Its body is a stub\n\
         //! that answers the `not-implemented` error: write the service logic there.\n",
    );
    // Export options that reproduce the original policy.
    let bases: Vec<&str> = base_url.into_iter().collect();
    let mut key_names: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for p in &set.profiles {
        for (id, storage) in &p.keys {
            let names = key_names.entry(key_field(id)).or_default();
            if !names.contains(&storage.as_str()) {
                names.push(storage);
            }
        }
    }
    if !bases.is_empty()
        || !key_names.is_empty()
        || handlers.iter().any(|(_, h)| !h.settings.is_empty())
    {
        o.push_str("//!\n//! Export options that reproduce the original policy:\n");
    }
    for b in &bases {
        let _ = writeln!(
            o,
            "//! - base URL `{b}` (`policy --base-url`, `PolicyOptions::base_url`)"
        );
    }
    let settings: Vec<String> = handlers
        .iter()
        .flat_map(|(_, h)| h.settings.iter().map(move |(n, _)| (n, &h.tp)))
        .map(|(n, tp)| {
            format!(
                "//! - setting `{n}`: the secret of `{tp}`'s ServiceUrl query (never in source)"
            )
        })
        .collect();
    for line in settings {
        let _ = writeln!(o, "{line}");
    }
    for (field, names) in &key_names {
        let names: Vec<String> = names.iter().map(|n| lit(n)).collect();
        let _ = writeln!(
            o,
            "//! - `PolicyKeyNames::{field}` = {}",
            names.join(" or ")
        );
    }
    let chrono = handlers.iter().any(|(_, h)| {
        h.inputs
            .iter()
            .chain(&h.outputs)
            .chain(h.payload.iter().flat_map(|p| &p.fields))
            .any(|c| c.ty.contains("::chrono::"))
    });
    if chrono {
        o.push_str(
            "//!\n//! Date claims use `chrono` types: add `chrono` to the crate's dependencies.\n",
        );
    }
    o.push_str("//!\n");
    for row in table(reports).lines() {
        let _ = writeln!(o, "//! {row}");
    }
    if !handlers.is_empty() {
        o.push_str(
            "\n/// The catalog entry of the stubs' message id (each handler declares it with\n\
             /// `messages = [..]`, and the app refuses to start without it): add it with\n\
             /// `App::messages(\"en\", NOT_IMPLEMENTED)` until every body is written.\n\
             pub const NOT_IMPLEMENTED: &str =\n    \
             \"not-implemented = This step is not available yet. Please try again later.\\n\";\n",
        );
        o.push_str(
            "\n/// The error every imported stub answers until its body is written.\n\
             fn not_implemented(technical_profile: &str) -> ::claims_runtime::ClaimsError {\n    \
             ::claims_runtime::ClaimsError::user(\"not-implemented\").developer_message(::std::format!(\n        \
             \"{technical_profile} was imported from a policy and has no body yet\"\n    ))\n}\n",
        );
    }
    for r in reports {
        match &r.outcome {
            Outcome::Imported { function } => {
                if let Some((_, h)) = handlers.iter().find(|(f, _)| f == function) {
                    handler(o, function, h, &r.notes);
                }
            }
            Outcome::Refused => {
                let _ = writeln!(o, "\n// {} was not imported:", r.id);
                for reason in &r.reasons {
                    let _ = writeln!(o, "// - {}", line(reason));
                }
            }
            Outcome::Skipped => {}
        }
    }
    o.push_str(
        "\n/// The descriptors of the imported handlers, in policy order.\n\
         pub fn specs() -> ::std::vec::Vec<&'static ::claims_runtime::HandlerSpec> {\n",
    );
    if handlers.is_empty() {
        o.push_str("    ::std::vec::Vec::new()\n}\n");
    } else {
        o.push_str("    ::std::vec![\n");
        for (f, _) in handlers {
            let _ = writeln!(o, "        {f}::SPEC,");
        }
        o.push_str("    ]\n}\n");
    }
    out
}

/// `#[claim(...)]` keys of one claim; `path_key` is `partner` or `path`.
fn claim_attr(c: &Claim, path_key: &str) -> String {
    let mut keys = vec![format!("id = {}", lit(&c.id))];
    if !c.more_paths.is_empty() {
        let all: Vec<String> = c
            .partner
            .iter()
            .chain(&c.more_paths)
            .map(|p| lit(p))
            .collect();
        keys.push(format!("paths = [{}]", all.join(", ")));
    } else if let Some(p) = &c.partner {
        let key = if c.flat { "key" } else { path_key };
        keys.push(format!("{key} = {}", lit(p)));
    }
    if let Some(d) = &c.default {
        let key = if c.literal {
            "literal_default"
        } else {
            "default"
        };
        keys.push(format!("{key} = {}", lit(d)));
    }
    if c.always_default {
        keys.push("always_default".to_owned());
    }
    if let Some(r) = &c.resolver {
        keys.push(format!("resolver = {}", lit(r)));
    }
    if let Some(d) = &c.display_name {
        keys.push(format!("display_name = {}", lit(d)));
    }
    format!("#[claim({})]", keys.join(", "))
}

fn handler(o: &mut String, function: &str, h: &Handler, notes: &[String]) {
    let ty = pascal_case(function);
    o.push('\n');
    for n in notes {
        let _ = writeln!(o, "// Note ({}): {}", h.tp, line(n));
    }
    if !h.outputs.is_empty() {
        let _ = writeln!(o, "/// Output claims of `{}`.", h.tp);
        let _ = writeln!(o, "#[derive(::claims_runtime::OutputClaims)]");
        let _ = writeln!(o, "pub struct {ty}Claims {{");
        for c in &h.outputs {
            let _ = writeln!(o, "    /// Output claim `{}`.", c.id);
            let _ = writeln!(o, "    {}", claim_attr(c, "partner"));
            let _ = writeln!(o, "    pub {}: {},", c.name, c.ty);
        }
        o.push_str("}\n\n");
    }
    if let Some(p) = &h.payload {
        let _ = writeln!(
            o,
            "/// The JSON payload of `{}`: `{}` written by the GenerateJson `{}`.",
            h.tp, p.claim, p.transformation
        );
        let _ = writeln!(o, "#[derive(::claims_runtime::ClaimsPayload)]");
        let _ = writeln!(
            o,
            "#[claims_payload(claim = {}, transformation = {})]",
            lit(&p.claim),
            lit(&p.transformation)
        );
        let _ = writeln!(o, "pub struct {ty}Payload {{");
        for c in &p.fields {
            let _ = writeln!(
                o,
                "    /// `{}` at `{}`.",
                c.id,
                c.partner.as_deref().unwrap_or_default()
            );
            let _ = writeln!(o, "    {}", claim_attr(c, "path"));
            let _ = writeln!(o, "    pub {}: {},", c.name, c.ty);
        }
        o.push_str("}\n\n");
    }
    let _ = writeln!(o, "/// {}", line(&h.display_name));
    o.push_str("///\n");
    let _ = writeln!(o, "/// Imported from the technical profile `{}`.", h.tp);
    o.push_str("#[::claims_runtime::claims_handler(\n");
    let mut args = vec![
        format!("technical_profile = {}", lit(&h.tp)),
        format!("path = {}", lit(&h.path)),
        format!("send_claims_in = {}", h.send.as_str()),
        format!("auth = {}", h.auth),
        format!("display_name = {}", lit(&h.display_name)),
        "messages = [\"not-implemented\"]".to_owned(),
    ];
    if h.no_culture {
        args.push("send_culture = false".to_owned());
    }
    if h.no_correlation {
        args.push("send_correlation = false".to_owned());
    }
    if let Some(q) = &h.query {
        args.push(format!("query = {}", lit(q)));
    }
    if let Some(u) = &h.service_url {
        args.push(format!("service_url = {}", lit(u)));
    }
    if !h.metadata.is_empty() {
        args.push(format!("metadata({})", h.metadata.join(", ")));
    }
    let _ = writeln!(o, "    {}", args.join(",\n    "));
    o.push_str(")]\n");
    let _ = writeln!(o, "pub async fn {function}(");
    let mut params: Vec<&str> = Vec::new();
    if let Some(_p) = &h.payload {
        let _ = writeln!(o, "    #[claim(payload)] payload: {ty}Payload,");
        params.push("payload");
    }
    for c in &h.inputs {
        let _ = writeln!(o, "    {} {}: {},", claim_attr(c, "partner"), c.name, c.ty);
        params.push(&c.name);
    }
    let ret = if h.outputs.is_empty() {
        "()".to_owned()
    } else {
        format!("{ty}Claims")
    };
    let _ = writeln!(o, ") -> Result<{ret}, ::claims_runtime::ClaimsError> {{");
    match params.as_slice() {
        [] => {}
        [one] => {
            let _ = writeln!(o, "    let _ = {one};");
        }
        many => {
            let _ = writeln!(o, "    let _ = ({});", many.join(", "));
        }
    }
    let _ = writeln!(o, "    Err(not_implemented({}))", lit(&h.tp));
    o.push_str("}\n");
}
