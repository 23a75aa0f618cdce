//! Wire scanners: find the input claims in a JSON body or an urlencoded form/query string.
//!
//! Scanning records byte ranges into the request's own buffers instead of copying values, so a
//! JSON body is parsed once and each claim is decoded straight from its slice. Unknown keys are
//! skipped; a claim sent twice is kept as a list so the typed decoder can reject it (or, for
//! `stringCollection`, accept it).

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, Visitor};

/// Where a text piece lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The request body.
    Body,
    /// The request's query string.
    Query,
}

/// A piece of text: a range of a source buffer (no decoding was needed) or a decoded copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// `source[range]`, valid UTF-8.
    Range(Source, Range<usize>),
    /// Percent-decoded text.
    Owned(String),
}

/// What was found for one input claim.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Slot {
    /// Not sent.
    #[default]
    Missing,
    /// One JSON value: `body[range]`.
    Json(Range<usize>),
    /// The same JSON key more than once.
    JsonRepeated(Vec<Range<usize>>),
    /// One text value.
    Text(Piece),
    /// Several text values under one name.
    List(Vec<Piece>),
}

impl Slot {
    fn push_text(&mut self, piece: Piece) {
        match std::mem::take(self) {
            Slot::Missing => *self = Slot::Text(piece),
            Slot::Text(first) => *self = Slot::List(vec![first, piece]),
            Slot::List(mut l) => {
                l.push(piece);
                *self = Slot::List(l);
            }
            other => *self = other,
        }
    }

    fn push_json(&mut self, range: Range<usize>) {
        match std::mem::take(self) {
            Slot::Missing => *self = Slot::Json(range),
            Slot::Json(first) => *self = Slot::JsonRepeated(vec![first, range]),
            Slot::JsonRepeated(mut l) => {
                l.push(range);
                *self = Slot::JsonRepeated(l);
            }
            other => *self = other,
        }
    }
}

/// Something that names a claim on the wire: a plain name, or an input claim's descriptor.
pub trait WireName {
    /// The name on the wire.
    fn wire_name(&self) -> &str;
}

impl WireName for &str {
    fn wire_name(&self) -> &str {
        self
    }
}

impl WireName for crate::descriptor::InputClaimSpec {
    fn wire_name(&self) -> &str {
        self.wire()
    }
}

/// Why a body could not be scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError(pub String);

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Scans a JSON object body, filling `slots[i]` for the key `wires[i]`.
///
/// An empty (or all-whitespace) body counts as `{}`. Anything but one JSON object is an error.
pub fn scan_json<N: WireName>(body: &[u8], wires: &[N]) -> Result<Vec<Slot>, ScanError> {
    let mut slots = vec![Slot::Missing; wires.len()];
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(slots);
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let seed = ObjectSeed {
        wires,
        slots: &mut slots,
        base: body.as_ptr() as usize,
    };
    seed.deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| ScanError(format!("the body is not a valid JSON object: {e}")))?;
    Ok(slots)
}

struct ObjectSeed<'s, N> {
    wires: &'s [N],
    slots: &'s mut [Slot],
    base: usize,
}

impl<'de, N: WireName> DeserializeSeed<'de> for ObjectSeed<'_, N> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, N: WireName> Visitor<'de> for ObjectSeed<'_, N> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object with one property per claim")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            match self.wires.iter().position(|w| w.wire_name() == key) {
                Some(i) => {
                    let raw: &'de serde_json::value::RawValue = map.next_value()?;
                    let start = raw.get().as_ptr() as usize - self.base;
                    self.slots[i].push_json(start..start + raw.get().len());
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

/// A map key that borrows from the input when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// Scans `a=1&b=2` (form body or query string), filling `slots[i]` for the key `wires[i]`.
///
/// `+` is a space; percent escapes are decoded strictly: a decoded value that is not UTF-8 is an
/// error rather than being replaced, so no data is silently altered. Malformed escapes (`%zz`) are
/// kept literally, as browsers and .NET do. Keys may carry `[]` or `[n]` suffixes (`tags[]=a`).
pub fn scan_urlencoded<N: WireName>(
    input: &[u8],
    source: Source,
    wires: &[N],
) -> Result<Vec<Slot>, ScanError> {
    let mut slots = vec![Slot::Missing; wires.len()];
    scan_pairs(input, |key, value_range| {
        let key = decode_component(input, key.clone(), source)?;
        let key_str = piece_str(input, &key);
        let base = strip_index_suffix(key_str);
        if let Some(i) = wires.iter().position(|w| w.wire_name() == base) {
            let value = decode_component(input, value_range, source)?;
            slots[i].push_text(value);
        }
        Ok(())
    })?;
    Ok(slots)
}

/// Calls `f(key_range, value_range)` for each `&`-separated pair.
pub fn scan_pairs(
    input: &[u8],
    mut f: impl FnMut(Range<usize>, Range<usize>) -> Result<(), ScanError>,
) -> Result<(), ScanError> {
    let mut start = 0;
    while start <= input.len() {
        let end = input[start..]
            .iter()
            .position(|&b| b == b'&')
            .map_or(input.len(), |p| start + p);
        if end > start {
            let pair = &input[start..end];
            let (k, v) = match pair.iter().position(|&b| b == b'=') {
                Some(eq) => (start..start + eq, start + eq + 1..end),
                None => (start..end, end..end),
            };
            f(k, v)?;
        }
        start = end + 1;
    }
    Ok(())
}

/// Decodes one urlencoded component; borrows when nothing needs decoding.
pub fn decode_component(
    input: &[u8],
    range: Range<usize>,
    source: Source,
) -> Result<Piece, ScanError> {
    let raw = &input[range.clone()];
    if !raw.iter().any(|&b| b == b'%' || b == b'+') {
        return match std::str::from_utf8(raw) {
            Ok(_) => Ok(Piece::Range(source, range)),
            Err(_) => Err(ScanError("a parameter is not valid UTF-8".to_owned())),
        };
    }
    let plus_fixed: Cow<'_, [u8]> = if raw.contains(&b'+') {
        Cow::Owned(
            raw.iter()
                .map(|&b| if b == b'+' { b' ' } else { b })
                .collect(),
        )
    } else {
        Cow::Borrowed(raw)
    };
    let decoded: Vec<u8> = percent_encoding::percent_decode(&plus_fixed).collect();
    String::from_utf8(decoded)
        .map(Piece::Owned)
        .map_err(|_| ScanError("a percent-encoded parameter is not valid UTF-8".to_owned()))
}

/// The text of a piece whose source is `input`.
pub fn piece_str<'a>(input: &'a [u8], piece: &'a Piece) -> &'a str {
    match piece {
        Piece::Range(_, r) => std::str::from_utf8(&input[r.clone()]).unwrap_or(""),
        Piece::Owned(s) => s,
    }
}

/// `tags[]` and `tags[3]` name the claim `tags`.
fn strip_index_suffix(key: &str) -> &str {
    if let Some(open) = key.rfind('[')
        && key.ends_with(']')
        && key[open + 1..key.len() - 1]
            .bytes()
            .all(|b| b.is_ascii_digit())
        && open > 0
    {
        return &key[..open];
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text<'a>(input: &'a [u8], slot: &'a Slot) -> Vec<&'a str> {
        match slot {
            Slot::Text(p) => vec![piece_str(input, p)],
            Slot::List(l) => l.iter().map(|p| piece_str(input, p)).collect(),
            Slot::Missing => vec![],
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn json_scan_finds_known_keys_and_skips_others() {
        let body =
            br#"{"email":"a@b.c","unknown":{"deep":[1,2,{"x":null}]},"age":42,"tags":["a"]}"#;
        let slots = scan_json(body, &["email", "age", "tags", "absent"]).unwrap();
        let get = |i: usize| match &slots[i] {
            Slot::Json(r) => std::str::from_utf8(&body[r.clone()]).unwrap(),
            _ => "",
        };
        assert_eq!(get(0), "\"a@b.c\"");
        assert_eq!(get(1), "42");
        assert_eq!(get(2), "[\"a\"]");
        assert_eq!(slots[3], Slot::Missing);
    }

    #[test]
    fn json_scan_handles_escaped_keys_duplicates_and_errors() {
        let body = br#"{"em\u0061il":"x","email":"y"}"#;
        let slots = scan_json(body, &["email"]).unwrap();
        assert!(matches!(&slots[0], Slot::JsonRepeated(l) if l.len() == 2));
        assert!(scan_json(b"[1,2]", &["a"]).is_err());
        assert!(scan_json(b"{\"a\":1", &["a"]).is_err());
        assert!(scan_json(b"{\"a\":1} x", &["a"]).is_err());
        assert!(scan_json(b"\"str\"", &["a"]).is_err());
        assert!(scan_json(b"{\"a\":\"\xff\"}", &["a"]).is_err());
        assert_eq!(scan_json(b"  ", &["a"]).unwrap(), vec![Slot::Missing]);
        // Deeply nested unknown values are skipped without recursion (no stack overflow).
        let deep = format!(
            "{{\"x\":{}{},\"a\":1}}",
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        assert!(matches!(
            scan_json(deep.as_bytes(), &["a"]).unwrap()[0],
            Slot::Json(_)
        ));
        // A deeply nested claim value is captured raw; the typed decoder then rejects it.
        let deep_claim = format!("{{\"a\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(matches!(
            scan_json(deep_claim.as_bytes(), &["a"]).unwrap()[0],
            Slot::Json(_)
        ));
    }

    #[test]
    fn urlencoded_scan_decodes_strictly() {
        let q =
            b"email=a%40b.c&name=J%C3%A9r%C3%B4me+X&tags=a&tags=b&list[]=1&list[1]=2&flag&other=1";
        let slots =
            scan_urlencoded(q, Source::Query, &["email", "name", "tags", "list", "flag"]).unwrap();
        assert_eq!(text(q, &slots[0]), ["a@b.c"]);
        assert_eq!(text(q, &slots[1]), ["Jérôme X"]);
        assert_eq!(text(q, &slots[2]), ["a", "b"]);
        assert_eq!(text(q, &slots[3]), ["1", "2"]);
        assert_eq!(text(q, &slots[4]), [""]);
        assert!(scan_urlencoded(b"a=%FF", Source::Body, &["a"]).is_err());
        assert!(scan_urlencoded(b"a=\xff", Source::Body, &["a"]).is_err());
        let kept = scan_urlencoded(b"a=100%zz", Source::Body, &["a"]).unwrap();
        assert_eq!(text(b"a=100%zz", &kept[0]), ["100%zz"]);
        assert!(scan_urlencoded(b"&&=&", Source::Body, &["a"]).unwrap()[0] == Slot::Missing);
    }
}
