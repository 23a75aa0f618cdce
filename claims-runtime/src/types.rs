//! Rust types that can be B2C claims, and how each is read leniently and written strictly.
//!
//! Input is lenient (`docs/b2c-wire-contract.md` §4.3): every non-string type accepts its native JSON form and its
//! string form, `""` is "absent" for optional claims. Output is strict: each value is written in
//! the JSON shape of its DataType.

use std::borrow::Cow;
use std::fmt;

use crate::descriptor::DataType;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// A claim value as it arrived, before typed decoding.
#[derive(Debug, Clone)]
pub enum RawClaim<'a> {
    /// The raw text of one valid JSON value from a Body request, unparsed. A string of a body
    /// whose strings hold no escape arrives as [`RawClaim::Text`] instead (its content).
    Json(&'a str),
    /// A JSON value that had to be copied (nested payload paths).
    JsonOwned(serde_json::Value),
    /// Text from a form, header, query string or URL segment, already percent-decoded; or the
    /// content of a JSON string that needed no unescaping. Decoders treat both alike.
    Text(Cow<'a, str>),
    /// Several text values for one name (repeated form/query keys or headers).
    TextList(Vec<Cow<'a, str>>),
}

impl RawClaim<'_> {
    /// `true` for JSON `null` and for the empty string: both count as "absent".
    pub fn is_absent(&self) -> bool {
        match self {
            RawClaim::Json(raw) => matches!(json_trim(raw), "null" | "\"\""),
            RawClaim::JsonOwned(v) => v.is_null() || v.as_str() == Some(""),
            RawClaim::Text(t) => t.is_empty(),
            RawClaim::TextList(l) => l.iter().all(|t| t.is_empty()),
        }
    }

    /// The value as one string, if it is a string (JSON string or text).
    pub fn as_text(&self) -> Result<Cow<'_, str>, ClaimValueError> {
        match self {
            RawClaim::Json(raw) => {
                let s = json_trim(raw);
                // Fast path: a string without escapes or control characters is its own content.
                if s.len() >= 2
                    && s.starts_with('"')
                    && s.ends_with('"')
                    && !needs_json_escape(&s[1..s.len() - 1])
                {
                    return Ok(Cow::Borrowed(&s[1..s.len() - 1]));
                }
                if s.starts_with('"') {
                    serde_json::from_str::<Cow<'_, str>>(s)
                        .map_err(|_| ClaimValueError::new("invalid JSON string"))
                } else {
                    Err(ClaimValueError::expected("a string", json_kind(s)))
                }
            }
            RawClaim::JsonOwned(v) => match v {
                serde_json::Value::String(s) => Ok(Cow::Borrowed(s.as_str())),
                other => Err(ClaimValueError::expected("a string", value_kind(other))),
            },
            RawClaim::Text(t) => Ok(Cow::Borrowed(t.as_ref())),
            RawClaim::TextList(l) => match l.as_slice() {
                [one] => Ok(Cow::Borrowed(one.as_ref())),
                _ => Err(ClaimValueError::new(format!(
                    "expected one value, got {} values",
                    l.len()
                ))),
            },
        }
    }

    /// Short description of the shape, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            RawClaim::Json(raw) => json_kind(raw),
            RawClaim::JsonOwned(v) => value_kind(v),
            RawClaim::Text(_) => "a string",
            RawClaim::TextList(_) => "a list of strings",
        }
    }
}

/// `s.trim()`, without decoding characters when both ends are visible ASCII (the usual value:
/// a number, a culture, a date).
#[inline]
fn trim_text(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// `s` without the whitespace JSON allows around a value (space, tab, CR, LF). Byte-wise: it runs
/// several times per claim, and `str::trim` decodes characters.
fn json_trim(s: &str) -> &str {
    let is_ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let b = s.as_bytes();
    let start = b.iter().position(|c| !is_ws(c)).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !is_ws(c)).map_or(start, |e| e + 1);
    // Both ends sit next to ASCII bytes (or at the ends), so they are char boundaries.
    &s[start..end]
}

/// `true` when `s` holds a byte JSON must escape inside a string (`"`, `\`, control characters):
/// exactly the bytes `serde_json` escapes.
pub(crate) fn needs_json_escape(s: &str) -> bool {
    first_json_special(s.as_bytes()).is_some()
}

/// The index of the first `"`, `\` or control character (< 0x20) in `b`. Eight bytes per step:
/// claim values are scanned on every request, in and out.
pub(crate) fn first_json_special(b: &[u8]) -> Option<usize> {
    first_byte_where(
        b,
        |v| below(v, 0x20) | below(v ^ splat(b'"'), 1) | below(v ^ splat(b'\\'), 1),
        |c| c < 0x20 || c == b'"' || c == b'\\',
    )
}

const LO: u64 = u64::from_ne_bytes([0x01; 8]);
const HI: u64 = u64::from_ne_bytes([0x80; 8]);

/// `c` in every byte of a word.
pub(crate) const fn splat(c: u8) -> u64 {
    LO * c as u64
}

/// The high bit set in the bytes of `v` below `n` (n <= 0x80); the lowest flagged byte is exact.
pub(crate) const fn below(v: u64, n: u8) -> u64 {
    v.wrapping_sub(LO * n as u64) & !v & HI
}

/// The index of the first byte of `b` that `byte` accepts, eight bytes per step: `word` flags
/// the same bytes of a little-endian word (exact for the lowest one flagged). Claim values and
/// urlencoded components are scanned on every request, and are too short for a vectorized
/// search to pay for its set-up.
#[inline]
pub(crate) fn first_byte_where(
    b: &[u8],
    word: impl Fn(u64) -> u64,
    byte: impl Fn(u8) -> bool,
) -> Option<usize> {
    let mut chunks = b.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let v = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let hit = word(v);
        if hit != 0 {
            return Some(at + (hit.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&c| byte(c))
        .map(|p| at + p)
}

fn json_kind(s: &str) -> &'static str {
    match json_trim(s).as_bytes().first() {
        Some(b'"') => "a string",
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        Some(_) => "a number",
        None => "nothing",
    }
}

fn value_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Why a claim value could not be decoded. The text goes into `developerMessage`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimValueError {
    message: Cow<'static, str>,
}

impl ClaimValueError {
    /// A decode error with a developer-facing explanation.
    pub fn new(message: impl Into<Cow<'static, str>>) -> Self {
        ClaimValueError {
            message: message.into(),
        }
    }

    /// "expected X, got Y".
    pub fn expected(what: &str, got: &str) -> Self {
        ClaimValueError::new(format!("expected {what}, got {got}"))
    }

    /// The explanation.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ClaimValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ClaimValueError {}

/// A Rust type that can be a B2C claim.
///
/// Implement it for your own newtypes to use them as input parameters or output fields:
///
/// ```
/// use claims_runtime::{ClaimType, ClaimValueError, DataType};
///
/// /// A loyalty number: eight digits.
/// #[derive(Debug, PartialEq)]
/// struct LoyaltyNumber(String);
///
/// impl ClaimType for LoyaltyNumber {
///     const DATA_TYPE: DataType = DataType::String;
///
///     fn from_text(s: &str) -> Result<Self, ClaimValueError> {
///         if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
///             Ok(LoyaltyNumber(s.to_owned()))
///         } else {
///             Err(ClaimValueError::new("a loyalty number has eight digits"))
///         }
///     }
///
///     fn write_json(&self, out: &mut Vec<u8>) {
///         self.0.write_json(out)
///     }
/// }
///
/// assert!(LoyaltyNumber::from_text("12345678").is_ok());
/// assert!(LoyaltyNumber::from_text("1234").is_err());
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a supported claim type",
    label = "unsupported claim type",
    note = "supported claim types: String (string), bool (boolean), i32 (int), i64 (long), chrono::NaiveDate (date), chrono::DateTime<chrono::Utc> (dateTime), Vec<String> (stringCollection), PhoneNumber (phoneNumber), Duration (duration), Locale, CorrelationId, and Option<T> of any of them",
    note = "implement `claims_runtime::ClaimType` to map your own type"
)]
pub trait ClaimType: Sized {
    /// The B2C DataType declared for this claim.
    const DATA_TYPE: DataType;

    /// `true` when the claim may be absent (`Option<T>`).
    const OPTIONAL: bool = false;

    /// Decodes the string form (form, header, query, URL, and JSON strings).
    fn from_text(s: &str) -> Result<Self, ClaimValueError>;

    /// Decodes a native (non-string) JSON value. The default accepts strings only.
    fn from_json_native(raw: &str) -> Result<Self, ClaimValueError> {
        Err(ClaimValueError::expected("a string", json_kind(raw)))
    }

    /// Decodes any raw form. Override only for list types.
    fn decode(raw: &RawClaim<'_>) -> Result<Self, ClaimValueError> {
        match raw {
            RawClaim::Json(r) if !json_trim(r).starts_with('"') => {
                Self::from_json_native(json_trim(r))
            }
            RawClaim::JsonOwned(v) if !v.is_string() => Self::from_json_native(&v.to_string()),
            other => Self::from_text(&other.as_text()?),
        }
    }

    /// [`ClaimType::decode`] of a value known not to be absent ([`RawClaim::is_absent`] is
    /// `false`): the pipeline checks absence once, so `Option<T>` need not check it again.
    #[doc(hidden)]
    fn decode_present(raw: &RawClaim<'_>) -> Result<Self, ClaimValueError> {
        Self::decode(raw)
    }

    /// The value to use when the claim is absent; `None` makes absence an error.
    fn absent() -> Option<Self> {
        None
    }

    /// Writes the value as JSON in the shape of its DataType.
    fn write_json(&self, out: &mut Vec<u8>);

    /// `true` when the value should be left out of the reply (`None`, empty collections).
    fn is_omitted(&self) -> bool {
        false
    }
}

/// Writes `s` as a JSON string, byte for byte what `serde_json` writes: copied as is when nothing
/// needs escaping (the usual case), else escaped by `serde_json`.
pub(crate) fn write_json_str(s: &str, out: &mut Vec<u8>) {
    if needs_json_escape(s) {
        // Serializing a &str into a Vec cannot fail.
        let _ = serde_json::to_writer(out, s);
    } else {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

impl ClaimType for String {
    const DATA_TYPE: DataType = DataType::String;

    fn from_text(s: &str) -> Result<Self, ClaimValueError> {
        Ok(s.to_owned())
    }

    fn decode(raw: &RawClaim<'_>) -> Result<Self, ClaimValueError> {
        match raw {
            RawClaim::Text(t) => Ok(t.clone().into_owned()),
            other => Ok(other.as_text()?.into_owned()),
        }
    }

    fn write_json(&self, out: &mut Vec<u8>) {
        write_json_str(self, out)
    }
}

impl ClaimType for bool {
    const DATA_TYPE: DataType = DataType::Boolean;

    fn from_text(s: &str) -> Result<Self, ClaimValueError> {
        let t = trim_text(s);
        if t.eq_ignore_ascii_case("true") {
            Ok(true)
        } else if t.eq_ignore_ascii_case("false") {
            Ok(false)
        } else {
            Err(ClaimValueError::new(format!(
                "expected a boolean (true or false), got {:?}",
                truncate(s)
            )))
        }
    }

    fn from_json_native(raw: &str) -> Result<Self, ClaimValueError> {
        match raw {
            "true" => Ok(true),
            "false" => Ok(false),
            other => Err(ClaimValueError::expected("a boolean", json_kind(other))),
        }
    }

    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(if *self { b"true" } else { b"false" })
    }
}

macro_rules! integer_claim {
    ($ty:ty, $dt:expr, $name:literal) => {
        impl ClaimType for $ty {
            const DATA_TYPE: DataType = $dt;

            fn from_text(s: &str) -> Result<Self, ClaimValueError> {
                trim_text(s).parse::<$ty>().map_err(|e| {
                    ClaimValueError::new(format!(
                        concat!("expected ", $name, ", got {:?}: {}"),
                        truncate(s),
                        e
                    ))
                })
            }

            fn from_json_native(raw: &str) -> Result<Self, ClaimValueError> {
                if !raw.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
                    return Err(ClaimValueError::expected($name, json_kind(raw)));
                }
                if let Ok(v) = raw.parse::<$ty>() {
                    return Ok(v);
                }
                let out_of_range = || {
                    ClaimValueError::new(format!(
                        concat!("expected ", $name, ", got the number {}"),
                        truncate(raw)
                    ))
                };
                // An integer literal that does not parse is out of range. A float literal
                // (`42.0`, `4.2e1`) is accepted when integral and exactly representable (|x| <= 2^53),
                // so rounding can never turn an out-of-range value into a valid one.
                if !raw.contains(['.', 'e', 'E']) {
                    return Err(out_of_range());
                }
                const EXACT: f64 = 9_007_199_254_740_992.0;
                match raw.parse::<f64>() {
                    Ok(f)
                        if f.fract() == 0.0
                            && f.abs() <= EXACT
                            && f >= <$ty>::MIN as f64
                            && f <= <$ty>::MAX as f64 =>
                    {
                        Ok(f as $ty)
                    }
                    _ => Err(out_of_range()),
                }
            }

            fn write_json(&self, out: &mut Vec<u8>) {
                let _ = serde_json::to_writer(out, self);
            }
        }
    };
}

integer_claim!(i32, DataType::Int, "a 32-bit integer");
integer_claim!(i64, DataType::Long, "a 64-bit integer");

impl ClaimType for NaiveDate {
    const DATA_TYPE: DataType = DataType::Date;

    fn from_text(s: &str) -> Result<Self, ClaimValueError> {
        let t = trim_text(s);
        if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            return Ok(d);
        }
        // B2C may send a date with a time part (`2024-05-01T00:00:00`, with or without offset).
        if let Ok(dt) = parse_date_time(t) {
            return Ok(dt.date_naive());
        }
        Err(ClaimValueError::new(format!(
            "expected an ISO 8601 date (YYYY-MM-DD), got {:?}",
            truncate(s)
        )))
    }

    fn write_json(&self, out: &mut Vec<u8>) {
        // `Display` is `%Y-%m-%d` without the pattern interpreter's code.
        write_json_str(&self.to_string(), out)
    }
}

/// Parses ISO 8601 / RFC 3339 date-times with or without fraction and offset (no offset = UTC),
/// a bare date (midnight UTC), and B2C's `{Context:DateTimeInUtc}` text (`10/10/2021 12:00:00 PM`).
fn parse_date_time(t: &str) -> Result<DateTime<Utc>, ()> {
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(dt.with_timezone(&Utc));
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%:z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(t, fmt) {
            return Ok(dt.with_timezone(&Utc));
        }
    }
    let naive = t
        .strip_suffix('Z')
        .or_else(|| t.strip_suffix('z'))
        .unwrap_or(t);
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
        "%m/%d/%Y %I:%M:%S %p",
        "%m/%d/%Y %H:%M:%S",
    ] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(naive, fmt) {
            return Ok(dt.and_utc());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|dt| dt.and_utc()).ok_or(());
    }
    Err(())
}

impl ClaimType for DateTime<Utc> {
    const DATA_TYPE: DataType = DataType::DateTime;

    fn from_text(s: &str) -> Result<Self, ClaimValueError> {
        parse_date_time(trim_text(s)).map_err(|()| {
            ClaimValueError::new(format!(
                "expected an ISO 8601 date-time (e.g. 2024-05-01T13:45:00Z), got {:?}",
                truncate(s)
            ))
        })
    }

    fn write_json(&self, out: &mut Vec<u8>) {
        write_json_str(
            &self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            out,
        )
    }
}

impl ClaimType for Vec<String> {
    const DATA_TYPE: DataType = DataType::StringCollection;

    fn from_text(s: &str) -> Result<Self, ClaimValueError> {
        let t = s.trim_start();
        // A JSON array sent as text (form or query string) is a plausible B2C encoding.
        if t.starts_with('[')
            && let Ok(v) = serde_json::from_str::<Vec<String>>(t)
        {
            return Ok(v);
        }
        Ok(vec![s.to_owned()])
    }

    fn decode(raw: &RawClaim<'_>) -> Result<Self, ClaimValueError> {
        match raw {
            RawClaim::Json(r) => {
                let s = json_trim(r);
                if s.starts_with('[') {
                    serde_json::from_str::<Vec<String>>(s).map_err(|_| {
                        ClaimValueError::new("expected an array of strings".to_owned())
                    })
                } else if s.starts_with('"') {
                    Self::from_text(&raw.as_text()?)
                } else {
                    Err(ClaimValueError::expected(
                        "an array of strings",
                        json_kind(s),
                    ))
                }
            }
            RawClaim::JsonOwned(v) => match v {
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|i| {
                        i.as_str().map(str::to_owned).ok_or_else(|| {
                            ClaimValueError::expected("an array of strings", value_kind(i))
                        })
                    })
                    .collect(),
                serde_json::Value::String(s) => Self::from_text(s),
                other => Err(ClaimValueError::expected(
                    "an array of strings",
                    value_kind(other),
                )),
            },
            RawClaim::Text(t) => Self::from_text(t),
            RawClaim::TextList(l) => Ok(l.iter().map(|s| s.clone().into_owned()).collect()),
        }
    }

    fn absent() -> Option<Self> {
        // An absent collection is an empty one; B2C omits empty collections.
        Some(Vec::new())
    }

    fn write_json(&self, out: &mut Vec<u8>) {
        let _ = serde_json::to_writer(out, self);
    }

    fn is_omitted(&self) -> bool {
        self.is_empty()
    }
}

impl<T: ClaimType> ClaimType for Option<T> {
    const DATA_TYPE: DataType = T::DATA_TYPE;
    const OPTIONAL: bool = true;

    fn from_text(s: &str) -> Result<Self, ClaimValueError> {
        if s.is_empty() {
            Ok(None)
        } else {
            T::from_text(s).map(Some)
        }
    }

    fn from_json_native(raw: &str) -> Result<Self, ClaimValueError> {
        if raw == "null" {
            Ok(None)
        } else {
            T::from_json_native(raw).map(Some)
        }
    }

    fn decode(raw: &RawClaim<'_>) -> Result<Self, ClaimValueError> {
        if raw.is_absent() {
            Ok(None)
        } else {
            T::decode(raw).map(Some)
        }
    }

    fn decode_present(raw: &RawClaim<'_>) -> Result<Self, ClaimValueError> {
        T::decode_present(raw).map(Some)
    }

    fn absent() -> Option<Self> {
        Some(None)
    }

    fn write_json(&self, out: &mut Vec<u8>) {
        match self {
            Some(v) => v.write_json(out),
            None => out.extend_from_slice(b"null"),
        }
    }

    fn is_omitted(&self) -> bool {
        match self {
            Some(v) => v.is_omitted(),
            None => true,
        }
    }
}

macro_rules! string_newtype {
    ($(#[$doc:meta])* $name:ident, $dt:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub struct $name(pub String);

        impl $name {
            /// The value as a string slice.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_owned())
            }
        }
    };
}

string_newtype!(
    /// A phone number claim (`phoneNumber`), in B2C's E.164-like form `+11234567890`.
    ///
    /// Input accepts common separators (spaces, dashes, dots, parentheses) and stores the
    /// number without them; output writes the stored form.
    PhoneNumber,
    DataType::PhoneNumber
);

impl ClaimType for PhoneNumber {
    const DATA_TYPE: DataType = DataType::PhoneNumber;

    fn from_text(s: &str) -> Result<Self, ClaimValueError> {
        let t = trim_text(s);
        let mut out = String::with_capacity(t.len());
        for (i, c) in t.chars().enumerate() {
            match c {
                '+' if i == 0 => out.push(c),
                '0'..='9' => out.push(c),
                ' ' | '-' | '.' | '(' | ')' => {}
                _ => {
                    return Err(ClaimValueError::new(format!(
                        "expected a phone number such as +11234567890, got {:?}",
                        truncate(s)
                    )));
                }
            }
        }
        let digits = out.trim_start_matches('+').len();
        if !(3..=20).contains(&digits) {
            return Err(ClaimValueError::new(format!(
                "expected a phone number such as +11234567890, got {:?}",
                truncate(s)
            )));
        }
        Ok(PhoneNumber(out))
    }

    fn write_json(&self, out: &mut Vec<u8>) {
        write_json_str(&self.0, out)
    }
}

string_newtype!(
    /// A `duration` claim, kept as its ISO 8601 text (`P1DT2H`, weeks as `P2W`); B2C's own
    /// format (`PnYnMoDTnHnMnS`) is accepted too.
    Duration,
    DataType::Duration
);

impl ClaimType for Duration {
    const DATA_TYPE: DataType = DataType::Duration;

    fn from_text(s: &str) -> Result<Self, ClaimValueError> {
        let t = trim_text(s);
        let ok = t.len() > 1
            && (t.starts_with('P') || t.starts_with("-P"))
            && t.chars()
                .all(|c| c.is_ascii_digit() || "PYMWODTHS.,-o".contains(c));
        if ok {
            Ok(Duration(t.to_owned()))
        } else {
            Err(ClaimValueError::new(format!(
                "expected an ISO 8601 duration such as P1DT2H, got {:?}",
                truncate(s)
            )))
        }
    }

    fn write_json(&self, out: &mut Vec<u8>) {
        write_json_str(&self.0, out)
    }
}

string_newtype!(
    /// The caller's culture as B2C resolved it (`{Culture:RFC5646}`, `{Culture:LanguageName}` or
    /// `{Culture:LCID}`), kept verbatim. Error messages are rendered in this language.
    Locale,
    DataType::String
);

impl ClaimType for Locale {
    const DATA_TYPE: DataType = DataType::String;

    fn from_text(s: &str) -> Result<Self, ClaimValueError> {
        Ok(Locale(trim_text(s).to_owned()))
    }

    fn from_json_native(raw: &str) -> Result<Self, ClaimValueError> {
        // `{Culture:LCID}` may arrive as a JSON number.
        if raw.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Locale(raw.to_owned()))
        } else {
            Err(ClaimValueError::expected("a culture name", json_kind(raw)))
        }
    }

    fn write_json(&self, out: &mut Vec<u8>) {
        write_json_str(&self.0, out)
    }
}

string_newtype!(
    /// B2C's correlation id (`{Context:CorrelationId}`); echoed as `requestId` in error bodies.
    CorrelationId,
    DataType::String
);

impl ClaimType for CorrelationId {
    const DATA_TYPE: DataType = DataType::String;

    fn from_text(s: &str) -> Result<Self, ClaimValueError> {
        Ok(CorrelationId(trim_text(s).to_owned()))
    }

    fn write_json(&self, out: &mut Vec<u8>) {
        write_json_str(&self.0, out)
    }
}

/// Shortens a received value for an error message.
pub(crate) fn truncate(s: &str) -> Cow<'_, str> {
    const MAX: usize = 64;
    if s.len() <= MAX {
        Cow::Borrowed(s)
    } else {
        let mut end = MAX;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        Cow::Owned(format!("{}…", &s[..end]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_accept_iso_forms_weeks_included() {
        for ok in ["P1W", "P2W", "P1DT2H", "PT30M", "P1Y2Mo3D", "-P1D", " P3W "] {
            assert!(Duration::from_text(ok).is_ok(), "{ok}");
        }
        for bad in ["1W", "P", "week", "P1X", ""] {
            assert!(Duration::from_text(bad).is_err(), "{bad}");
        }
    }

    fn dec<T: ClaimType>(s: &str) -> Result<T, ClaimValueError> {
        T::decode(&RawClaim::Json(s))
    }

    fn text<T: ClaimType>(s: &str) -> Result<T, ClaimValueError> {
        T::decode(&RawClaim::Text(Cow::Borrowed(s)))
    }

    fn enc<T: ClaimType>(v: &T) -> String {
        let mut out = Vec::new();
        v.write_json(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn booleans_accept_native_and_string_forms() {
        for (s, want) in [
            ("true", true),
            ("false", false),
            ("\"true\"", true),
            ("\"True\"", true),
            ("\"FALSE\"", false),
        ] {
            assert_eq!(dec::<bool>(s).unwrap(), want, "{s}");
        }
        assert!(dec::<bool>("1").is_err());
        assert!(dec::<bool>("\"yes\"").is_err());
        assert!(text::<bool>("").is_err());
        assert!(text::<bool>("True").unwrap());
    }

    #[test]
    fn integers_accept_native_and_string_forms_and_reject_overflow() {
        assert_eq!(dec::<i32>("42").unwrap(), 42);
        assert_eq!(dec::<i32>("\"42\"").unwrap(), 42);
        assert_eq!(dec::<i32>("-7").unwrap(), -7);
        assert_eq!(dec::<i32>("42.0").unwrap(), 42);
        assert!(dec::<i32>("42.5").is_err());
        assert!(dec::<i32>("2147483648").is_err());
        assert!(dec::<i32>("\"abc\"").is_err());
        assert!(dec::<i32>("true").is_err());
        assert_eq!(dec::<i64>("9223372036854775807").unwrap(), i64::MAX);
        assert_eq!(text::<i64>(" 12 ").unwrap(), 12);
        assert!(dec::<i64>("9223372036854775808").is_err());
        assert!(dec::<i64>("-9223372036854775809").is_err());
        assert_eq!(dec::<i64>("-9223372036854775808").unwrap(), i64::MIN);
        assert_eq!(dec::<i64>("4.2e1").unwrap(), 42);
        assert!(dec::<i64>("9.3e18").is_err(), "beyond exact float integers");
        assert!(dec::<i64>("1e400").is_err());
    }

    #[test]
    fn dates_accept_iso_forms() {
        let d = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
        assert_eq!(dec::<NaiveDate>("\"2024-05-01\"").unwrap(), d);
        assert_eq!(dec::<NaiveDate>("\"2024-05-01T00:00:00\"").unwrap(), d);
        assert_eq!(dec::<NaiveDate>("\"2024-05-01T00:00:00Z\"").unwrap(), d);
        assert!(dec::<NaiveDate>("\"2024-13-01\"").is_err());
        assert!(dec::<NaiveDate>("20240501").is_err());
        assert_eq!(enc(&d), "\"2024-05-01\"");
    }

    #[test]
    fn date_times_accept_fraction_offset_and_b2c_text() {
        let want = DateTime::parse_from_rfc3339("2024-05-01T13:45:00Z")
            .unwrap()
            .with_timezone(&Utc);
        for s in [
            "\"2024-05-01T13:45:00Z\"",
            "\"2024-05-01T13:45:00.0000000Z\"",
            "\"2024-05-01T15:45:00+02:00\"",
            "\"2024-05-01T13:45:00\"",
            "\"2024-05-01T13:45\"",
            "\"05/01/2024 01:45:00 PM\"",
        ] {
            assert_eq!(dec::<DateTime<Utc>>(s).unwrap(), want, "{s}");
        }
        assert!(dec::<DateTime<Utc>>("\"yesterday\"").is_err());
        assert_eq!(enc(&want), "\"2024-05-01T13:45:00Z\"");
    }

    #[test]
    fn string_collections_accept_arrays_lists_and_single_values() {
        assert_eq!(
            dec::<Vec<String>>("[\"a\",\"b\"]").unwrap(),
            vec!["a".to_owned(), "b".to_owned()]
        );
        assert_eq!(dec::<Vec<String>>("\"a\"").unwrap(), vec!["a".to_owned()]);
        assert_eq!(
            text::<Vec<String>>("[\"a\",\"b\"]").unwrap(),
            vec!["a".to_owned(), "b".to_owned()]
        );
        let list = RawClaim::TextList(vec![Cow::Borrowed("x"), Cow::Borrowed("y")]);
        assert_eq!(Vec::<String>::decode(&list).unwrap().len(), 2);
        assert!(dec::<Vec<String>>("[1,2]").is_err());
        assert!(dec::<Vec<String>>("{}").is_err());
        assert!(Vec::<String>::new().is_omitted());
        assert_eq!(enc(&vec!["a".to_owned()]), "[\"a\"]");
    }

    #[test]
    fn options_treat_null_and_empty_as_absent() {
        assert_eq!(dec::<Option<i32>>("null").unwrap(), None);
        assert_eq!(dec::<Option<i32>>("\"\"").unwrap(), None);
        assert_eq!(dec::<Option<i32>>("\"5\"").unwrap(), Some(5));
        assert_eq!(text::<Option<bool>>("").unwrap(), None);
        assert_eq!(text::<Option<String>>("").unwrap(), None);
        assert!(None::<String>.is_omitted());
        assert!(Some(Vec::<String>::new()).is_omitted());
        assert!(!Some(String::new()).is_omitted());
        assert_eq!(<Option<i64>>::DATA_TYPE, DataType::Long);
    }

    #[test]
    fn strings_reject_non_strings_and_unescape() {
        assert_eq!(dec::<String>("\"a\\u00e9\\\"b\"").unwrap(), "aé\"b");
        assert!(dec::<String>("42").is_err());
        assert!(dec::<String>("{}").is_err());
        assert_eq!(enc(&"a\"b".to_owned()), "\"a\\\"b\"");
    }

    #[test]
    fn phone_numbers_normalise_separators() {
        assert_eq!(
            text::<PhoneNumber>("+1 (123) 456-7890").unwrap().0,
            "+11234567890"
        );
        assert!(text::<PhoneNumber>("call me").is_err());
        assert!(text::<PhoneNumber>("1+2").is_err());
        assert_eq!(<PhoneNumber as ClaimType>::DATA_TYPE, DataType::PhoneNumber);
    }

    #[test]
    fn locale_accepts_numeric_lcid() {
        assert_eq!(dec::<Locale>("1033").unwrap().0, "1033");
        assert_eq!(dec::<Locale>("\"en-US\"").unwrap().0, "en-US");
    }

    proptest::proptest! {
        #[test]
        fn json_special_search_matches_a_byte_loop(
            b in proptest::collection::vec(proptest::sample::select(vec![0u8, 0x1f, 0x20, b'"', b'\\', b'a', 0x7f, 0x80, 0xa2, 0xff, b'!', b'#', b'[', b']']), 0..40),
        ) {
            let naive = b.iter().position(|&c| c < 0x20 || c == b'"' || c == b'\\');
            proptest::prop_assert_eq!(first_json_special(&b), naive);
        }

        #[test]
        fn trim_text_is_str_trim(s in "[ \t\n\u{a0}\u{2003}\u{3000}a1é-]{0,8}") {
            proptest::prop_assert_eq!(trim_text(&s), s.trim());
        }
    }

    #[test]
    fn truncate_respects_char_boundaries() {
        let s = "é".repeat(100);
        let t = truncate(&s);
        assert!(t.ends_with('…'));
        assert!(t.len() < s.len());
    }
}
