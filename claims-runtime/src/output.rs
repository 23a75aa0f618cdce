//! Output claims: the `OutputClaims` trait and the strict JSON encoder, with nested paths.

use crate::descriptor::OutputClaimSpec;
use crate::error::ClaimsError;
use crate::types::ClaimType;

/// A set of output claims, usually from `#[derive(OutputClaims)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned from a claims handler",
    label = "not a set of output claims",
    note = "return a struct with #[derive(OutputClaims)], `()`, or `Result<_, ClaimsError>` of either"
)]
pub trait OutputClaims {
    /// The output claim descriptors, in field order.
    const CLAIMS: &'static [OutputClaimSpec];

    /// Writes every claim through `w` (`w.claim(i, &field_i)`).
    fn write_claims(&self, w: &mut ClaimWriter);

    /// Whether a claim of [`Self::CLAIMS`] is written at a nested path, decided at compile time
    /// (never override it).
    #[doc(hidden)]
    const NESTED: bool = any_nested(Self::CLAIMS);

    /// Whether every wire name of [`Self::CLAIMS`] is written as it is inside its quotes (no
    /// byte JSON escapes), decided at compile time (never override it).
    #[doc(hidden)]
    const PLAIN_KEYS: bool = all_plain(Self::CLAIMS);
}

/// `true` when no wire name holds a byte JSON escapes (`"`, `\`, control characters).
const fn all_plain(claims: &[OutputClaimSpec]) -> bool {
    let mut i = 0;
    while i < claims.len() {
        let wire = claims[i].wire().as_bytes();
        let mut j = 0;
        while j < wire.len() {
            if wire[j] < 0x20 || wire[j] == b'"' || wire[j] == b'\\' {
                return false;
            }
            j += 1;
        }
        i += 1;
    }
    true
}

/// [`OutputClaimSpec::is_nested`] of any claim, byte-wise, at compile time.
const fn any_nested(claims: &[OutputClaimSpec]) -> bool {
    let mut i = 0;
    while i < claims.len() {
        if !claims[i].flat_key {
            let wire = claims[i].wire().as_bytes();
            let mut j = 0;
            while j < wire.len() {
                if wire[j] == b'.' || wire[j] == b'[' {
                    return true;
                }
                j += 1;
            }
        }
        i += 1;
    }
    false
}

impl OutputClaims for () {
    const CLAIMS: &'static [OutputClaimSpec] = &[];

    fn write_claims(&self, _w: &mut ClaimWriter) {}
}

/// What a handler function may return: an `OutputClaims` value or `Result` of one.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a valid claims handler return type",
    label = "unsupported return type",
    note = "return `T`, `Result<T, ClaimsError>`, `()` or `Result<(), ClaimsError>`, where T has #[derive(OutputClaims)]"
)]
pub trait IntoHandlerResult {
    /// The output claims type.
    type Output: OutputClaims;

    /// Converts into the result the runtime encodes.
    fn into_handler_result(self) -> Result<Self::Output, ClaimsError>;
}

impl<T: OutputClaims> IntoHandlerResult for T {
    type Output = T;

    fn into_handler_result(self) -> Result<T, ClaimsError> {
        Ok(self)
    }
}

impl<T: OutputClaims> IntoHandlerResult for Result<T, ClaimsError> {
    type Output = T;

    fn into_handler_result(self) -> Result<T, ClaimsError> {
        self
    }
}

/// Encodes output claims into the JSON reply.
///
/// Flat wire names are written straight into the buffer; when any claim uses a nested path
/// (`contacts[0].person.name`) the values are collected into a tree first.
pub struct ClaimWriter {
    claims: &'static [OutputClaimSpec],
    out: Vec<u8>,
    nested: Option<Node>,
    first: bool,
    /// No wire name needs escaping (see [`OutputClaims::PLAIN_KEYS`]).
    plain_keys: bool,
}

impl ClaimWriter {
    /// A writer for the given descriptors.
    pub fn new(claims: &'static [OutputClaimSpec]) -> Self {
        Self::with_layout(claims, any_nested(claims), all_plain(claims))
    }

    /// A writer for `claims`, knowing whether any is nested ([`OutputClaims::NESTED`]).
    fn with_layout(claims: &'static [OutputClaimSpec], nested: bool, plain_keys: bool) -> Self {
        let mut out = Vec::with_capacity(64 + claims.len() * 32);
        out.push(b'{');
        ClaimWriter {
            claims,
            out,
            nested: nested.then(|| Node::Object(Vec::new())),
            first: true,
            plain_keys,
        }
    }

    /// Writes claim `index` unless the value is omitted (`None`, empty collection).
    pub fn claim<T: ClaimType>(&mut self, index: usize, value: &T) {
        if value.is_omitted() {
            return;
        }
        let Some(spec) = self.claims.get(index) else {
            return;
        };
        let wire = spec.wire();
        match &mut self.nested {
            None => {
                if !self.first {
                    self.out.push(b',');
                }
                self.first = false;
                if self.plain_keys {
                    self.out.reserve(wire.len() + 3);
                    self.out.push(b'"');
                    self.out.extend_from_slice(wire.as_bytes());
                    self.out.extend_from_slice(b"\":");
                } else {
                    crate::types::write_json_str(wire, &mut self.out);
                    self.out.push(b':');
                }
                value.write_json(&mut self.out);
            }
            Some(root) => {
                let mut leaf = Vec::new();
                value.write_json(&mut leaf);
                match spec.path {
                    Some(path) => root.insert(path, leaf),
                    // A literal key (`user.name`) is one key, never a path.
                    None if spec.flat_key => root.insert(&[PathSegment::Key(wire)], leaf),
                    None => root.insert(&parse_path(wire), leaf),
                }
            }
        }
    }

    /// Finishes the JSON object.
    pub fn finish(mut self) -> Vec<u8> {
        if let Some(root) = self.nested.take() {
            let mut out = Vec::with_capacity(self.out.capacity());
            root.write(&mut out);
            return out;
        }
        self.out.push(b'}');
        self.out
    }
}

/// Encodes a value's claims to JSON bytes.
pub fn encode<T: OutputClaims>(value: &T) -> Vec<u8> {
    let mut w = ClaimWriter::with_layout(T::CLAIMS, T::NESTED, T::PLAIN_KEYS);
    value.write_claims(&mut w);
    w.finish()
}

/// One segment of an output path (the one bracket-path grammar, from `claims-core`).
pub use claims_core::grammar::Segment as PathSegment;

/// Splits a bracket path (`contacts[0].person.name`) into segments. Invalid syntax yields
/// `None`; the derive macro rejects such paths at compile time with the same grammar.
pub fn try_parse_path(path: &str) -> Option<Vec<PathSegment<'_>>> {
    claims_core::grammar::parse_bracket_path(path).ok()
}

fn parse_path(path: &str) -> Vec<PathSegment<'_>> {
    try_parse_path(path).unwrap_or_else(|| vec![PathSegment::Key(path)])
}

enum Node {
    Leaf(Vec<u8>),
    Object(Vec<(String, Node)>),
    Array(Vec<Option<Node>>),
}

impl Node {
    fn insert(&mut self, path: &[PathSegment<'_>], leaf: Vec<u8>) {
        let Some((head, rest)) = path.split_first() else {
            *self = Node::Leaf(leaf);
            return;
        };
        match head {
            PathSegment::Key(k) => {
                if !matches!(self, Node::Object(_)) {
                    *self = Node::Object(Vec::new());
                }
                if let Node::Object(entries) = self {
                    let child = match entries.iter().position(|(name, _)| name == k) {
                        Some(i) => &mut entries[i].1,
                        None => {
                            entries.push(((*k).to_owned(), Node::Object(Vec::new())));
                            &mut entries.last_mut().expect("just pushed").1
                        }
                    };
                    child.insert(rest, leaf);
                }
            }
            PathSegment::Index(i) => {
                if !matches!(self, Node::Array(_)) {
                    *self = Node::Array(Vec::new());
                }
                if let Node::Array(items) = self {
                    if items.len() <= *i {
                        items.resize_with(*i + 1, || None);
                    }
                    let slot = items[*i].get_or_insert_with(|| Node::Object(Vec::new()));
                    slot.insert(rest, leaf);
                }
            }
        }
    }

    fn write(&self, out: &mut Vec<u8>) {
        match self {
            Node::Leaf(raw) => out.extend_from_slice(raw),
            Node::Object(entries) => {
                out.push(b'{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    crate::types::write_json_str(k, out);
                    out.push(b':');
                    v.write(out);
                }
                out.push(b'}');
            }
            Node::Array(items) => {
                out.push(b'[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    match v {
                        Some(n) => n.write(out),
                        None => out.extend_from_slice(b"null"),
                    }
                }
                out.push(b']');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::descriptor::DataType;

    const fn spec(id: &'static str, partner: Option<&'static str>) -> OutputClaimSpec {
        match partner {
            Some(p) => OutputClaimSpec::new(id, DataType::String).with_partner(p),
            None => OutputClaimSpec::new(id, DataType::String),
        }
    }

    static FLAT: [OutputClaimSpec; 3] = [
        spec("promoCode", None),
        spec("isNewMember", Some("isNew")),
        spec("tags", None),
    ];

    #[test]
    fn flat_claims_are_written_in_order_and_omitted_when_empty() {
        let mut w = ClaimWriter::new(&FLAT);
        w.claim(0, &"84362".to_owned());
        w.claim(1, &true);
        w.claim(2, &Vec::<String>::new());
        assert_eq!(
            String::from_utf8(w.finish()).unwrap(),
            r#"{"promoCode":"84362","isNew":true}"#
        );
        let mut w = ClaimWriter::new(&FLAT);
        w.claim(0, &None::<String>);
        assert_eq!(w.finish(), b"{}");
    }

    static ODD_KEYS: [OutputClaimSpec; 2] =
        [spec("plain", None), spec("quoted", Some("say \"hi\"\\now"))];

    /// The layout consts an `OutputClaims` type gets, and the writer's output with them.
    struct Odd;
    impl OutputClaims for Odd {
        const CLAIMS: &'static [OutputClaimSpec] = &ODD_KEYS;
        fn write_claims(&self, w: &mut ClaimWriter) {
            w.claim(0, &"a".to_owned());
            w.claim(1, &"b".to_owned());
        }
    }
    struct Flat;
    impl OutputClaims for Flat {
        const CLAIMS: &'static [OutputClaimSpec] = &FLAT;
        fn write_claims(&self, w: &mut ClaimWriter) {
            w.claim(0, &"c".to_owned());
        }
    }

    #[test]
    fn keys_are_escaped_only_when_they_need_it_as_serde_would() {
        const { assert!(!Odd::PLAIN_KEYS && !Odd::NESTED) };
        const { assert!(Flat::PLAIN_KEYS && !Flat::NESTED) };
        let want = serde_json::json!({"plain": "a", "say \"hi\"\\now": "b"});
        let got: serde_json::Value = serde_json::from_slice(&encode(&Odd)).unwrap();
        assert_eq!(got, want);
        assert_eq!(encode(&Flat), br#"{"promoCode":"c"}"#);
    }

    static NESTED: [OutputClaimSpec; 4] = [
        spec("displayName", Some("contacts[0].person.name")),
        spec("email", Some("contacts[0].person.emails[0].email")),
        spec("loyalty", None),
        spec("second", Some("contacts[1].id")),
    ];

    #[test]
    fn nested_paths_build_objects_and_arrays() {
        let mut w = ClaimWriter::new(&NESTED);
        w.claim(0, &"Emily".to_owned());
        w.claim(1, &"e@x.com".to_owned());
        w.claim(2, &7i32);
        w.claim(3, &"b".to_owned());
        let v: serde_json::Value = serde_json::from_slice(&w.finish()).unwrap();
        assert_eq!(
            v,
            serde_json::json!({
                "contacts": [
                    {"person": {"name": "Emily", "emails": [{"email": "e@x.com"}]}},
                    {"id": "b"}
                ],
                "loyalty": 7
            })
        );
    }

    #[test]
    fn path_syntax() {
        assert_eq!(
            try_parse_path("a[0].b[2][1].c").unwrap(),
            vec![
                PathSegment::Key("a"),
                PathSegment::Index(0),
                PathSegment::Key("b"),
                PathSegment::Index(2),
                PathSegment::Index(1),
                PathSegment::Key("c"),
            ]
        );
        assert_eq!(
            try_parse_path("plain").unwrap(),
            vec![PathSegment::Key("plain")]
        );
        for bad in ["", ".a", "a.", "a[x]", "a[0", "a[0]b", "[0]", "a..b"] {
            assert!(try_parse_path(bad).is_none(), "{bad}");
        }
    }
}
