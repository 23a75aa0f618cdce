//! Reading policy XML back: the RESTful technical profiles, claim types and claims
//! transformations of a policy file or snippet.
//!
//! Used by the round-trip tests (the XML must say exactly what the descriptors say) and by the
//! B2C emulator, which needs the same view of a profile B2C has. The reader is namespace-agnostic
//! (local names) and accepts whole files as well as pasted fragments.

use std::fmt;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

/// A technical profile as read from XML.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedProfile {
    /// `Id`.
    pub id: String,
    /// `DisplayName`.
    pub display_name: Option<String>,
    /// `Protocol Handler`.
    pub protocol_handler: Option<String>,
    /// Metadata items `(Key, value)` in document order.
    pub metadata: Vec<(String, String)>,
    /// `CryptographicKeys`: `(Id, StorageReferenceId)`.
    pub keys: Vec<(String, String)>,
    /// `InputClaimsTransformation ReferenceId`s.
    pub input_claims_transformations: Vec<String>,
    /// `InputClaims`.
    pub input_claims: Vec<ParsedClaim>,
    /// `OutputClaims`.
    pub output_claims: Vec<ParsedClaim>,
    /// `UseTechnicalProfileForSessionManagement ReferenceId`.
    pub session_management: Option<String>,
    /// `IncludeTechnicalProfile ReferenceId`: the profile this one extends.
    pub include: Option<String>,
    /// `OutputClaimsTransformation ReferenceId`s.
    pub output_claims_transformations: Vec<String>,
}

impl ParsedProfile {
    /// The value of metadata item `key`.
    pub fn metadata(&self, key: &str) -> Option<&str> {
        self.metadata
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// `true` when metadata `key` is `true` (case-insensitive).
    pub fn flag(&self, key: &str) -> bool {
        self.metadata(key)
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }
}

/// An `<InputClaim>` / `<OutputClaim>` of a technical profile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedClaim {
    /// `ClaimTypeReferenceId`.
    pub claim_type: String,
    /// `PartnerClaimType`.
    pub partner: Option<String>,
    /// `DefaultValue`.
    pub default_value: Option<String>,
    /// `AlwaysUseDefaultValue`.
    pub always_use_default: bool,
    /// `Required`.
    pub required: bool,
}

impl ParsedClaim {
    /// The wire name: `PartnerClaimType`, else the claim type id.
    pub fn wire(&self) -> &str {
        claims_core::grammar::wire_name(self.claim_type.as_str(), self.partner.as_deref())
    }
}

/// A `<ClaimType>` as read from XML.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedClaimType {
    /// `Id`.
    pub id: String,
    /// `DisplayName`.
    pub display_name: Option<String>,
    /// `DataType` (XML spelling).
    pub data_type: Option<String>,
    /// `UserHelpText`.
    pub help: Option<String>,
    /// `UserInputType`.
    pub input_type: Option<String>,
}

/// A `<ClaimsTransformation>` as read from XML.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedTransformation {
    /// `Id`.
    pub id: String,
    /// `TransformationMethod`.
    pub method: String,
    /// Input claims: `(ClaimTypeReferenceId, TransformationClaimType)`.
    pub input_claims: Vec<(String, String)>,
    /// Input parameters: `(Id, DataType, Value)`.
    pub input_parameters: Vec<(String, String, String)>,
    /// Output claims: `(ClaimTypeReferenceId, TransformationClaimType)`.
    pub output_claims: Vec<(String, String)>,
}

/// Everything [`read_policy`] extracts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedPolicy {
    /// Root `TenantId`, if the input is a whole file.
    pub tenant_id: Option<String>,
    /// Root `PolicyId`, if the input is a whole file.
    pub policy_id: Option<String>,
    /// Root `DeploymentMode`.
    pub deployment_mode: Option<String>,
    /// Claim types in document order.
    pub claim_types: Vec<ParsedClaimType>,
    /// Claims transformations in document order.
    pub transformations: Vec<ParsedTransformation>,
    /// Technical profiles in document order.
    pub profiles: Vec<ParsedProfile>,
}

impl ParsedPolicy {
    /// The claim type `id`.
    pub fn claim_type(&self, id: &str) -> Option<&ParsedClaimType> {
        self.claim_types.iter().find(|c| c.id == id)
    }

    /// The technical profile `id`.
    pub fn profile(&self, id: &str) -> Option<&ParsedProfile> {
        self.profiles.iter().find(|p| p.id == id)
    }

    /// The claims transformation `id`.
    pub fn transformation(&self, id: &str) -> Option<&ParsedTransformation> {
        self.transformations.iter().find(|t| t.id == id)
    }
}

/// Malformed policy XML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset where reading failed.
    pub position: u64,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "policy XML error at byte {}: {}",
            self.position, self.message
        )
    }
}

impl std::error::Error for ParseError {}

/// The technical profiles of a policy file or snippet.
pub fn read_profiles(xml: &str) -> Result<Vec<ParsedProfile>, ParseError> {
    read_policy(xml).map(|p| p.profiles)
}

/// Reads claim types, claims transformations and technical profiles from a policy file or
/// snippet.
pub fn read_policy(xml: &str) -> Result<ParsedPolicy, ParseError> {
    let mut reader = Reader::from_str(xml);
    let mut out = ParsedPolicy::default();
    let mut stack: Vec<String> = Vec::new();
    let mut text = String::new();
    let err = |reader: &Reader<&[u8]>, message: String| ParseError {
        position: reader.buffer_position(),
        message,
    };
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| err(&reader, e.to_string()))?;
        match ev {
            Event::Start(e) => {
                let name = local(&e);
                on_open(&mut out, &stack, &name, &e).map_err(|m| err(&reader, m))?;
                stack.push(name);
                text.clear();
            }
            Event::Empty(e) => {
                let name = local(&e);
                on_open(&mut out, &stack, &name, &e).map_err(|m| err(&reader, m))?;
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                if let Some(c) = r
                    .resolve_char_ref()
                    .map_err(|e| err(&reader, e.to_string()))?
                {
                    text.push(c);
                } else {
                    let name = r.xml10_content();
                    match resolve_predefined_entity(&name) {
                        Some(s) => text.push_str(s),
                        None => return Err(err(&reader, format!("unknown entity `&{name};`"))),
                    }
                }
            }
            Event::End(_) => {
                let name = stack.pop().unwrap_or_default();
                on_close(&mut out, &stack, &name, text.trim());
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

fn local(e: &BytesStart<'_>) -> String {
    e.local_name().as_ref().to_owned()
}

fn attr(e: &BytesStart<'_>, name: &str) -> Result<Option<String>, String> {
    for a in e.attributes() {
        let a = a.map_err(|x| x.to_string())?;
        if a.key.local_name().as_ref() == name {
            return a
                .normalized_value(XmlVersion::Implicit1_0)
                .map(|v| Some(v.into_owned()))
                .map_err(|x| x.to_string());
        }
    }
    Ok(None)
}

fn req(e: &BytesStart<'_>, name: &str, elem: &str) -> Result<String, String> {
    attr(e, name)?.ok_or_else(|| format!("<{elem}> without `{name}`"))
}

fn parent(stack: &[String], n: usize) -> Option<&str> {
    stack.len().checked_sub(n).map(|i| stack[i].as_str())
}

fn is_true(v: Option<String>) -> bool {
    v.is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

fn claim(e: &BytesStart<'_>, elem: &str) -> Result<ParsedClaim, String> {
    Ok(ParsedClaim {
        claim_type: req(e, "ClaimTypeReferenceId", elem)?,
        partner: attr(e, "PartnerClaimType")?,
        default_value: attr(e, "DefaultValue")?,
        always_use_default: is_true(attr(e, "AlwaysUseDefaultValue")?),
        required: is_true(attr(e, "Required")?),
    })
}

fn on_open(
    out: &mut ParsedPolicy,
    stack: &[String],
    name: &str,
    e: &BytesStart<'_>,
) -> Result<(), String> {
    let p1 = parent(stack, 1);
    let p2 = parent(stack, 2);
    match (name, p1, p2) {
        ("TrustFrameworkPolicy", None, _) => {
            out.tenant_id = attr(e, "TenantId")?;
            out.policy_id = attr(e, "PolicyId")?;
            out.deployment_mode = attr(e, "DeploymentMode")?;
        }
        ("ClaimType", p, _) if p.is_none_or(|p| p == "ClaimsSchema") => {
            out.claim_types.push(ParsedClaimType {
                id: req(e, "Id", name)?,
                ..ParsedClaimType::default()
            });
        }
        ("ClaimsTransformation", p, _) if p.is_none_or(|p| p == "ClaimsTransformations") => {
            out.transformations.push(ParsedTransformation {
                id: req(e, "Id", name)?,
                method: attr(e, "TransformationMethod")?.unwrap_or_default(),
                ..ParsedTransformation::default()
            });
        }
        ("TechnicalProfile", Some("TechnicalProfiles"), _) => {
            out.profiles.push(ParsedProfile {
                id: req(e, "Id", name)?,
                ..ParsedProfile::default()
            });
        }
        _ => {}
    }
    // Children of a transformation.
    if p2 == Some("ClaimsTransformation")
        && let Some(t) = out.transformations.last_mut()
    {
        match (name, p1) {
            ("InputClaim", Some("InputClaims")) => t.input_claims.push((
                req(e, "ClaimTypeReferenceId", name)?,
                attr(e, "TransformationClaimType")?.unwrap_or_default(),
            )),
            ("OutputClaim", Some("OutputClaims")) => t.output_claims.push((
                req(e, "ClaimTypeReferenceId", name)?,
                attr(e, "TransformationClaimType")?.unwrap_or_default(),
            )),
            ("InputParameter", Some("InputParameters")) => t.input_parameters.push((
                req(e, "Id", name)?,
                attr(e, "DataType")?.unwrap_or_default(),
                attr(e, "Value")?.unwrap_or_default(),
            )),
            _ => {}
        }
    }
    // Children of a technical profile.
    if let Some(tp) = out.profiles.last_mut() {
        match (name, p1, p2) {
            ("Protocol", Some("TechnicalProfile"), _) => tp.protocol_handler = attr(e, "Handler")?,
            ("Key", Some("CryptographicKeys"), Some("TechnicalProfile")) => tp.keys.push((
                req(e, "Id", name)?,
                attr(e, "StorageReferenceId")?.unwrap_or_default(),
            )),
            (
                "InputClaimsTransformation",
                Some("InputClaimsTransformations"),
                Some("TechnicalProfile"),
            ) => tp
                .input_claims_transformations
                .push(req(e, "ReferenceId", name)?),
            ("InputClaim", Some("InputClaims"), Some("TechnicalProfile")) => {
                tp.input_claims.push(claim(e, name)?)
            }
            ("OutputClaim", Some("OutputClaims"), Some("TechnicalProfile")) => {
                tp.output_claims.push(claim(e, name)?)
            }
            ("UseTechnicalProfileForSessionManagement", Some("TechnicalProfile"), _) => {
                tp.session_management = attr(e, "ReferenceId")?
            }
            ("IncludeTechnicalProfile", Some("TechnicalProfile"), _) => {
                tp.include = Some(req(e, "ReferenceId", name)?)
            }
            (
                "OutputClaimsTransformation",
                Some("OutputClaimsTransformations"),
                Some("TechnicalProfile"),
            ) => tp
                .output_claims_transformations
                .push(req(e, "ReferenceId", name)?),
            ("Item", Some("Metadata"), Some("TechnicalProfile")) => {
                tp.metadata.push((req(e, "Key", name)?, String::new()))
            }
            _ => {}
        }
    }
    Ok(())
}

fn on_close(out: &mut ParsedPolicy, stack: &[String], name: &str, text: &str) {
    let p1 = parent(stack, 1);
    let p2 = parent(stack, 2);
    match (name, p1, p2) {
        ("Item", Some("Metadata"), Some("TechnicalProfile")) => {
            if let Some((_, v)) = out
                .profiles
                .last_mut()
                .and_then(|tp| tp.metadata.last_mut())
            {
                *v = text.to_owned();
            }
        }
        ("DisplayName", Some("TechnicalProfile"), _) => {
            if let Some(tp) = out.profiles.last_mut() {
                tp.display_name = Some(text.to_owned());
            }
        }
        (_, Some("ClaimType"), _) => {
            if let Some(c) = out.claim_types.last_mut() {
                let v = Some(text.to_owned());
                match name {
                    "DisplayName" => c.display_name = v,
                    "DataType" => c.data_type = v,
                    "UserHelpText" => c.help = v,
                    "UserInputType" => c.input_type = v,
                    _ => {}
                }
            }
        }
        _ => {}
    }
}
