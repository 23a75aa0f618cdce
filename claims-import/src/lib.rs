//! The way in for teams with an existing Azure AD B2C custom policy: reads the policy (a whole
//! file, a TrustFrameworkExtensions fragment or a bare `<TechnicalProfiles>` snippet; several
//! files form one set) and writes, for every RESTful technical profile, the Rust handler skeleton
//! whose policy export is the same profile.
//!
//! ```
//! use claims_import::{Outcome, Source, import};
//!
//! let xml = r#"<TechnicalProfiles>
//!   <TechnicalProfile Id="REST-GetMembership">
//!     <DisplayName>Get the membership</DisplayName>
//!     <Protocol Name="Proprietary" Handler="Web.TPEngine.Providers.RestfulProvider, Web.TPEngine, Version=1.0.0.0, Culture=neutral, PublicKeyToken=null" />
//!     <Metadata>
//!       <Item Key="ServiceUrl">https://api.contoso.com/membership</Item>
//!       <Item Key="SendClaimsIn">Body</Item>
//!       <Item Key="AuthenticationType">None</Item>
//!     </Metadata>
//!     <InputClaims><InputClaim ClaimTypeReferenceId="email" Required="true" /></InputClaims>
//!   </TechnicalProfile>
//! </TechnicalProfiles>"#;
//! let out = import(&[Source { name: "policy.xml", xml }]).unwrap();
//! assert_eq!(out.reports[0].outcome, Outcome::Imported { function: "get_membership".into() });
//! assert!(out.code.contains(r#"#[claim(id = "email")] email: String"#));
//! ```
//!
//! Included profiles (`IncludeTechnicalProfile`, also across the files of a set) are merged first,
//! with B2C's semantics (see [`resolve_includes`]). A profile the framework cannot express is
//! refused with its reasons: a comment in the generated code, a line on standard error (binary)
//! and a row of [`Import::summary_table`].

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use std::collections::BTreeSet;
use std::fmt;

use claims_export::b2c::parse::{ParseError, ParsedPolicy, read_policy};

mod merge;
mod plan;
mod render;

pub use merge::resolve_includes;

/// One input file.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// The name used in messages and in the generated header (a file name).
    pub name: &'a str,
    /// The XML text.
    pub xml: &'a str,
}

/// An input that is not well-formed policy XML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    /// The [`Source::name`] of the file.
    pub source: String,
    /// What the reader found.
    pub error: ParseError,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.error)
    }
}

impl std::error::Error for ImportError {}

/// What happened to one technical profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Written as the handler function `function`.
    Imported {
        /// The Rust function name.
        function: String,
    },
    /// A RESTful profile the framework cannot express; see [`ProfileReport::reasons`].
    Refused,
    /// Not a service to write: not RESTful, or a base profile other profiles include.
    Skipped,
}

/// The result for one technical profile id of the set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileReport {
    /// TechnicalProfile `Id`.
    pub id: String,
    /// Imported, refused or skipped.
    pub outcome: Outcome,
    /// Why it was refused or skipped (empty when imported).
    pub reasons: Vec<String>,
    /// What an imported profile carries over differently (export options, dropped no-ops).
    pub notes: Vec<String>,
}

/// The importer's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The Rust module: handlers, output and payload structs, refusals as comments, and a
    /// `specs()` function listing the imported descriptors.
    pub code: String,
    /// One report per technical profile id, in document order.
    pub reports: Vec<ProfileReport>,
    /// The settings the generated `query = "..{env:NAME}"` parameters read at export time, with
    /// the original policy's values: give them to the export (environment, app settings or
    /// `PolicyOptions::settings`); they are never written into [`Import::code`].
    pub settings: Vec<(String, String)>,
    /// The base URL most profiles call (`policy --base-url`); profiles calling another host get
    /// `service_url = ".."`.
    pub base_url: Option<String>,
}

impl Import {
    /// A Markdown table: profile, result, reason.
    pub fn summary_table(&self) -> String {
        render::table(&self.reports)
    }

    /// `N imported, N refused, N skipped`.
    pub fn totals(&self) -> String {
        let count = |f: fn(&Outcome) -> bool| self.reports.iter().filter(|r| f(&r.outcome)).count();
        format!(
            "{} imported, {} refused, {} skipped",
            count(|o| matches!(o, Outcome::Imported { .. })),
            count(|o| *o == Outcome::Refused),
            count(|o| *o == Outcome::Skipped)
        )
    }
}

/// Reads every source into one policy (claim types, transformations and profiles in order).
pub fn read_set(sources: &[Source<'_>]) -> Result<ParsedPolicy, ImportError> {
    let mut set = ParsedPolicy::default();
    for s in sources {
        let p = read_policy(s.xml).map_err(|error| ImportError {
            source: s.name.to_owned(),
            error,
        })?;
        set.tenant_id = set.tenant_id.or(p.tenant_id);
        set.policy_id = set.policy_id.or(p.policy_id);
        set.deployment_mode = set.deployment_mode.or(p.deployment_mode);
        set.claim_types.extend(p.claim_types);
        set.transformations.extend(p.transformations);
        set.profiles.extend(p.profiles);
    }
    Ok(set)
}

/// Whether a protocol handler is B2C's RESTful provider.
fn is_restful(handler: Option<&str>) -> bool {
    handler.is_some_and(|h| h.contains("RestfulProvider"))
}

/// Imports every RESTful technical profile of the set.
pub fn import(sources: &[Source<'_>]) -> Result<Import, ImportError> {
    let set = read_set(sources)?;
    let mut ids: Vec<&str> = Vec::new();
    for p in &set.profiles {
        if !ids.contains(&p.id.as_str()) {
            ids.push(&p.id);
        }
    }
    let mut reports = Vec::new();
    let mut handlers = Vec::new();
    // The module's own functions are taken.
    let mut fn_names: BTreeSet<String> = ["specs", "not_implemented"].map(String::from).into();
    // (route, HTTP method) -> profile: one handler per endpoint.
    let mut routes: Vec<((String, &str), String)> = Vec::new();
    for id in ids {
        let mut notes = Vec::new();
        let report = |outcome, reasons, notes| ProfileReport {
            id: id.to_owned(),
            outcome,
            reasons,
            notes,
        };
        let merged = match resolve_includes(&set, id) {
            Ok(m) => m,
            Err(e) => {
                reports.push(report(Outcome::Refused, vec![e], notes));
                continue;
            }
        };
        if !is_restful(merged.protocol_handler.as_deref()) {
            let reason = format!(
                "not a RESTful technical profile (Protocol Handler: {})",
                merged.protocol_handler.as_deref().unwrap_or("none")
            );
            reports.push(report(Outcome::Skipped, vec![reason], notes));
            continue;
        }
        let includers: Vec<&str> = set
            .profiles
            .iter()
            .filter(|p| p.include.as_deref() == Some(id))
            .map(|p| p.id.as_str())
            .collect();
        if merged
            .metadata(claims_core::metadata::SERVICE_URL)
            .is_none()
            && !includers.is_empty()
        {
            let reason = format!(
                "a base profile without ServiceUrl, included by {}: merged into them",
                includers.join(", ")
            );
            reports.push(report(Outcome::Skipped, vec![reason], notes));
            continue;
        }
        let planned = plan::plan(&set, &merged, &mut notes);
        // A claim used twice is noted once.
        let mut seen = BTreeSet::new();
        notes.retain(|n| seen.insert(n.clone()));
        match planned {
            Ok(h) => {
                let route = h.path.split('?').next().unwrap_or_default().to_owned();
                let key = (route, h.send.http_method());
                if let Some((_, other)) = routes.iter().find(|(k, _)| *k == key) {
                    let reason = format!(
                        "{} {} is already served by {other}: the framework serves one handler \
                         per route and method (give this profile its own path)",
                        key.1, key.0
                    );
                    reports.push(report(Outcome::Refused, vec![reason], notes));
                    continue;
                }
                routes.push((key, id.to_owned()));
                let name = id
                    .strip_prefix("REST-")
                    .or_else(|| id.strip_prefix("REST_"))
                    .filter(|s| !s.is_empty())
                    .unwrap_or(id);
                let function = plan::ident(name, &mut fn_names);
                reports.push(report(
                    Outcome::Imported {
                        function: function.clone(),
                    },
                    vec![],
                    notes,
                ));
                handlers.push((function, h));
            }
            Err(reasons) => reports.push(report(Outcome::Refused, reasons, notes)),
        }
    }
    // The most common host is the export's base URL; the others get one of their own.
    let mut counts: Vec<(String, usize)> = Vec::new();
    for (_, h) in &handlers {
        match counts.iter_mut().find(|(b, _)| *b == h.base_url) {
            Some((_, n)) => *n += 1,
            None => counts.push((h.base_url.clone(), 1)),
        }
    }
    let base_url = counts
        .iter()
        .fold(None::<&(String, usize)>, |best, c| match best {
            Some(b) if b.1 >= c.1 => Some(b),
            _ => Some(c),
        })
        .map(|(b, _)| b.clone());
    for (_, h) in &mut handlers {
        if base_url.as_ref().is_some_and(|b| *b != h.base_url) {
            h.service_url = Some(h.base_url.clone());
        }
    }
    let settings = handlers
        .iter()
        .flat_map(|(_, h)| h.settings.iter().cloned())
        .collect();
    let names: Vec<&str> = sources.iter().map(|s| s.name).collect();
    let code = render::module(&names, &set, &handlers, &reports, base_url.as_deref());
    // The generated text is ours: a parse failure is a bug in the importer, not in the input.
    if let Err(e) = syn::parse_file(&code) {
        panic!("claims-import generated invalid Rust ({e}); please report this with the input");
    }
    Ok(Import {
        code,
        reports,
        settings,
        base_url,
    })
}
