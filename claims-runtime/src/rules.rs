//! Validation rules on input claims (`#[validate(...)]`), checked with the `validator` crate.
//!
//! A failing rule becomes a 409 whose `userMessage` is the catalog message `validation-<rule>`
//! (arguments: `claim`, and `min`/`max` where the rule has them), naming the claim by its display
//! name or id, never by the Rust parameter name.

use std::borrow::Cow;

use validator::{ValidateEmail, ValidateUrl};

use crate::descriptor::InputClaimSpec;
use crate::error::MessageArg;
use crate::request::{ProblemKind, Problems};
use crate::types::{CorrelationId, Locale, PhoneNumber};

/// Message ids of the built-in rules.
pub mod ids {
    /// `#[validate(email)]`.
    pub const EMAIL: &str = "validation-email";
    /// `#[validate(url)]`.
    pub const URL: &str = "validation-url";
    /// `#[validate(length(min = .., max = .., equal = ..))]`.
    pub const LENGTH: &str = "validation-length";
    /// `#[validate(range(min = .., max = ..))]`.
    pub const RANGE: &str = "validation-range";
    /// `#[validate(regex(path = ..))]`.
    pub const REGEX: &str = "validation-regex";
    /// `#[validate(contains(pattern = ..))]`.
    pub const CONTAINS: &str = "validation-contains";
    /// `#[validate(custom(function = ..))]` when the function gives no message id of its own.
    pub const CUSTOM: &str = "validation-custom";
    /// Every rule message id.
    pub const ALL: &[&str] = &[EMAIL, URL, LENGTH, RANGE, REGEX, CONTAINS, CUSTOM];
}

/// A value a rule can look at. `None` (an absent optional claim) passes every rule.
#[diagnostic::on_unimplemented(
    message = "`#[validate]` rules other than `custom` cannot look at a `{Self}` claim",
    label = "no validation rules for this type",
    note = "length applies to String and Vec<String>; range to i32 and i64; email, url, contains and regex to String (and PhoneNumber, Locale, CorrelationId); custom to any type",
    note = "implement `claims_runtime::rules::RuleTarget` for your own claim type, or use `custom(function = ..)`"
)]
pub trait RuleTarget {
    /// The text, for text rules.
    fn rule_text(&self) -> Option<&str> {
        None
    }
    /// The length (characters, or items for collections), for `length`.
    fn rule_len(&self) -> Option<u64> {
        self.rule_text().map(|s| s.chars().count() as u64)
    }
    /// The number, for `range`.
    fn rule_number(&self) -> Option<f64> {
        None
    }
}

impl RuleTarget for String {
    fn rule_text(&self) -> Option<&str> {
        Some(self)
    }
}
impl RuleTarget for str {
    fn rule_text(&self) -> Option<&str> {
        Some(self)
    }
}
impl RuleTarget for PhoneNumber {
    fn rule_text(&self) -> Option<&str> {
        Some(&self.0)
    }
}
impl RuleTarget for Locale {
    fn rule_text(&self) -> Option<&str> {
        Some(&self.0)
    }
}
impl RuleTarget for CorrelationId {
    fn rule_text(&self) -> Option<&str> {
        Some(&self.0)
    }
}
impl RuleTarget for i32 {
    fn rule_number(&self) -> Option<f64> {
        Some(f64::from(*self))
    }
}
impl RuleTarget for i64 {
    fn rule_number(&self) -> Option<f64> {
        Some(*self as f64)
    }
}
impl RuleTarget for Vec<String> {
    fn rule_len(&self) -> Option<u64> {
        Some(self.len() as u64)
    }
}
impl<T: RuleTarget> RuleTarget for Option<T> {
    fn rule_text(&self) -> Option<&str> {
        self.as_ref().and_then(T::rule_text)
    }
    fn rule_len(&self) -> Option<u64> {
        self.as_ref().and_then(T::rule_len)
    }
    fn rule_number(&self) -> Option<f64> {
        self.as_ref().and_then(T::rule_number)
    }
}

fn fail(
    problems: &mut Problems,
    spec: &'static InputClaimSpec,
    id: impl Into<Cow<'static, str>>,
    args: Vec<(Cow<'static, str>, MessageArg)>,
) {
    problems.push(spec, ProblemKind::Rule(id.into(), args));
}

fn bounds(min: Option<f64>, max: Option<f64>) -> Vec<(Cow<'static, str>, MessageArg)> {
    // `kind` selects the sentence in the catalog (at least / at most / exactly / between).
    let kind = match (min, max) {
        (Some(a), Some(b)) if a == b => "exact",
        (Some(_), Some(_)) => "between",
        (Some(_), None) => "min",
        _ => "max",
    };
    let mut a = vec![(Cow::Borrowed("kind"), MessageArg::Text(kind.to_owned()))];
    if let Some(m) = min {
        a.push((Cow::Borrowed("min"), MessageArg::Number(m)));
    }
    if let Some(m) = max {
        a.push((Cow::Borrowed("max"), MessageArg::Number(m)));
    }
    a
}

/// `email`: an e-mail address (HTML5 rules, as `validator` implements them).
pub fn email<T: RuleTarget + ?Sized>(
    spec: &'static InputClaimSpec,
    v: &T,
    problems: &mut Problems,
) {
    if let Some(s) = v.rule_text()
        && !s.validate_email()
    {
        fail(problems, spec, ids::EMAIL, Vec::new());
    }
}

/// `url`: an absolute URL.
pub fn url<T: RuleTarget + ?Sized>(spec: &'static InputClaimSpec, v: &T, problems: &mut Problems) {
    if let Some(s) = v.rule_text()
        && !s.validate_url()
    {
        fail(problems, spec, ids::URL, Vec::new());
    }
}

/// `length(min, max, equal)`: characters of text, items of a collection.
pub fn length<T: RuleTarget + ?Sized>(
    spec: &'static InputClaimSpec,
    v: &T,
    min: Option<u64>,
    max: Option<u64>,
    equal: Option<u64>,
    problems: &mut Problems,
) {
    let Some(n) = v.rule_len() else { return };
    let (min, max) = match equal {
        Some(e) => (Some(e), Some(e)),
        None => (min, max),
    };
    if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
        fail(
            problems,
            spec,
            ids::LENGTH,
            bounds(min.map(|m| m as f64), max.map(|m| m as f64)),
        );
    }
}

/// `range(min, max)`: inclusive numeric bounds.
pub fn range<T: RuleTarget + ?Sized>(
    spec: &'static InputClaimSpec,
    v: &T,
    min: Option<f64>,
    max: Option<f64>,
    problems: &mut Problems,
) {
    let Some(n) = v.rule_number() else { return };
    if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
        fail(problems, spec, ids::RANGE, bounds(min, max));
    }
}

/// `regex(path)`: the whole text must match somewhere (as `validator` does).
pub fn regex<T: RuleTarget + ?Sized, R: RegexLike + ?Sized>(
    spec: &'static InputClaimSpec,
    v: &T,
    re: &R,
    problems: &mut Problems,
) {
    if let Some(s) = v.rule_text()
        && !re.matches(s)
    {
        fail(problems, spec, ids::REGEX, Vec::new());
    }
}

/// What `regex(path = ..)` may point at: anything with an `is_match`, such as
/// `LazyLock<regex::Regex>`, wrapped by this trait (implement it for your regex type).
pub trait RegexLike {
    /// Whether `s` matches.
    fn matches(&self, s: &str) -> bool;
}

impl<F: Fn(&str) -> bool> RegexLike for F {
    fn matches(&self, s: &str) -> bool {
        self(s)
    }
}

/// `contains(pattern)`.
pub fn contains<T: RuleTarget + ?Sized>(
    spec: &'static InputClaimSpec,
    v: &T,
    pattern: &str,
    problems: &mut Problems,
) {
    if let Some(s) = v.rule_text()
        && !s.contains(pattern)
    {
        fail(problems, spec, ids::CONTAINS, Vec::new());
    }
}

/// `custom(function)`: the function's error code, when set, is the message id.
pub fn custom<T: ?Sized>(
    spec: &'static InputClaimSpec,
    v: &T,
    f: impl Fn(&T) -> Result<(), validator::ValidationError>,
    problems: &mut Problems,
) {
    if let Err(e) = f(v) {
        let id = if e.code.is_empty() {
            Cow::Borrowed(ids::CUSTOM)
        } else {
            e.code.clone()
        };
        let args = e
            .params
            .iter()
            .filter_map(|(k, v)| {
                let arg = match v {
                    serde_json::Value::String(s) => MessageArg::Text(s.clone()),
                    serde_json::Value::Number(n) => MessageArg::Number(n.as_f64()?),
                    _ => return None,
                };
                Some((k.clone(), arg))
            })
            .collect();
        fail(problems, spec, id, args);
    }
}
