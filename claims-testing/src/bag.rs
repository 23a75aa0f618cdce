//! The claim bag: claim type id → value, as B2C holds it during a journey.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

/// One claim value: a string, or a typed JSON value (boolean, number, array of strings).
///
/// B2C keeps claims typed by their ClaimType `DataType`; the emulator renders a value according to
/// that DataType when it builds the request, so `"42"` and `42` are the same `int` claim.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimValue(pub Value);

impl ClaimValue {
    /// The value as B2C would print it into text (form, header, query, URL, resolvers):
    /// strings unquoted, scalars in their JSON spelling, collections comma-joined.
    pub fn as_text(&self) -> String {
        match &self.0 {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            Value::Array(items) => items
                .iter()
                .map(|v| ClaimValue(v.clone()).as_text())
                .collect::<Vec<_>>()
                .join(","),
            other => other.to_string(),
        }
    }

    /// The items of a collection value (a single value is a one-item collection).
    pub fn items(&self) -> Vec<String> {
        match &self.0 {
            Value::Array(items) => items
                .iter()
                .map(|v| ClaimValue(v.clone()).as_text())
                .collect(),
            Value::Null => Vec::new(),
            _ => vec![self.as_text()],
        }
    }

    /// `true` for `""`, `null` and an empty collection: B2C does not send such a claim.
    pub fn is_empty(&self) -> bool {
        match &self.0 {
            Value::String(s) => s.is_empty(),
            Value::Null => true,
            Value::Array(a) => a.is_empty(),
            _ => false,
        }
    }
}

impl fmt::Display for ClaimValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Value::String(s) => write!(f, "{s:?}"),
            other => write!(f, "{other}"),
        }
    }
}

impl From<&str> for ClaimValue {
    fn from(v: &str) -> Self {
        ClaimValue(Value::String(v.to_owned()))
    }
}

impl From<String> for ClaimValue {
    fn from(v: String) -> Self {
        ClaimValue(Value::String(v))
    }
}

impl From<&String> for ClaimValue {
    fn from(v: &String) -> Self {
        ClaimValue(Value::String(v.clone()))
    }
}

impl From<bool> for ClaimValue {
    fn from(v: bool) -> Self {
        ClaimValue(Value::Bool(v))
    }
}

impl From<i32> for ClaimValue {
    fn from(v: i32) -> Self {
        ClaimValue(Value::from(v))
    }
}

impl From<i64> for ClaimValue {
    fn from(v: i64) -> Self {
        ClaimValue(Value::from(v))
    }
}

impl From<Vec<String>> for ClaimValue {
    fn from(v: Vec<String>) -> Self {
        ClaimValue(Value::Array(v.into_iter().map(Value::String).collect()))
    }
}

impl From<Vec<&str>> for ClaimValue {
    fn from(v: Vec<&str>) -> Self {
        ClaimValue(Value::Array(
            v.into_iter().map(|s| Value::String(s.to_owned())).collect(),
        ))
    }
}

impl<const N: usize> From<[&str; N]> for ClaimValue {
    fn from(v: [&str; N]) -> Self {
        ClaimValue::from(v.to_vec())
    }
}

impl From<Value> for ClaimValue {
    fn from(v: Value) -> Self {
        ClaimValue(v)
    }
}

/// The claims of a journey: claim type id → value.
///
/// ```
/// use claims_testing::ClaimBag;
/// let bag = ClaimBag::new().with("email", "a@b.c").with("age", 42);
/// assert_eq!(bag.text("age").as_deref(), Some("42"));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClaimBag {
    claims: BTreeMap<String, ClaimValue>,
}

impl ClaimBag {
    /// An empty bag.
    pub fn new() -> Self {
        ClaimBag::default()
    }

    /// Adds (or replaces) claim `id`.
    pub fn with(mut self, id: impl Into<String>, value: impl Into<ClaimValue>) -> Self {
        self.insert(id, value);
        self
    }

    /// Adds (or replaces) claim `id`.
    pub fn insert(&mut self, id: impl Into<String>, value: impl Into<ClaimValue>) {
        self.claims.insert(id.into(), value.into());
    }

    /// Removes claim `id`.
    pub fn remove(&mut self, id: &str) -> Option<ClaimValue> {
        self.claims.remove(id)
    }

    /// The value of claim `id`.
    pub fn get(&self, id: &str) -> Option<&ClaimValue> {
        self.claims.get(id)
    }

    /// The value of claim `id` as text (see [`ClaimValue::as_text`]).
    pub fn text(&self, id: &str) -> Option<String> {
        self.get(id).map(ClaimValue::as_text)
    }

    /// The JSON value of claim `id`.
    pub fn json(&self, id: &str) -> Option<&Value> {
        self.get(id).map(|v| &v.0)
    }

    /// `true` when claim `id` is in the bag.
    pub fn contains(&self, id: &str) -> bool {
        self.claims.contains_key(id)
    }

    /// Copies every claim of `other` into this bag (later values win).
    pub fn merge(&mut self, other: &ClaimBag) {
        for (k, v) in &other.claims {
            self.claims.insert(k.clone(), v.clone());
        }
    }

    /// The claims, sorted by id.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ClaimValue)> {
        self.claims.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Number of claims.
    pub fn len(&self) -> usize {
        self.claims.len()
    }

    /// `true` when the bag holds no claim.
    pub fn is_empty(&self) -> bool {
        self.claims.is_empty()
    }
}

impl fmt::Display for ClaimBag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, (k, v)) in self.claims.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{k}: {v}")?;
        }
        f.write_str("}")
    }
}

/// Builds a [`ClaimBag`](crate::ClaimBag):
/// `claims! {"email" => "a@b.c", "age" => 42, "tags" => ["a", "b"]}`.
#[macro_export]
macro_rules! claims {
    () => { $crate::ClaimBag::new() };
    ($($id:expr => $value:expr),+ $(,)?) => {
        $crate::ClaimBag::new()$(.with($id, $value))+
    };
}
