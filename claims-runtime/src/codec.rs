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

/// `n` missing slots (without cloning one `n` times).
fn missing_slots(n: usize) -> Vec<Slot> {
    std::iter::repeat_with(Slot::default).take(n).collect()
}

impl Slot {
    fn push_text(&mut self, piece: Piece) {
        // The usual case without the take-and-drop of the general one.
        if matches!(self, Slot::Missing) {
            *self = Slot::Text(piece);
            return;
        }
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
        if matches!(self, Slot::Missing) {
            *self = Slot::Json(range);
            return;
        }
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
///
/// A single pass over the bytes handles the usual body (no backslash escapes, nesting under 32
/// levels); anything else, including every invalid body, goes through `serde_json`, which gives
/// the same slots and words the error.
pub fn scan_json<N: WireName>(body: &[u8], wires: &[N]) -> Result<Vec<Slot>, ScanError> {
    scan_json_plain(body, wires).map(|(slots, _)| slots)
}

/// [`scan_json`], and whether the body is *plain*: valid UTF-8 whose strings (keys and values,
/// nested ones too) hold no backslash escape and no control character. The content of a string
/// value of a plain body is then its bytes between the quotes, with nothing to unescape.
pub fn scan_json_plain<N: WireName>(
    body: &[u8],
    wires: &[N],
) -> Result<(Vec<Slot>, bool), ScanError> {
    let mut slots = missing_slots(wires.len());
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok((slots, std::str::from_utf8(body).is_ok()));
    }
    if fast::scan_object(body, wires, &mut slots).is_some() {
        return Ok((slots, true));
    }
    slots.fill(Slot::Missing);
    scan_json_serde(body, wires, &mut slots)?;
    Ok((slots, false))
}

/// The `serde_json` scan: the reference the single pass must agree with.
fn scan_json_serde<N: WireName>(
    body: &[u8],
    wires: &[N],
    slots: &mut [Slot],
) -> Result<(), ScanError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let seed = ObjectSeed {
        wires,
        slots,
        base: body.as_ptr() as usize,
    };
    seed.deserialize(&mut de)
        .and_then(|()| de.end())
        .map_err(|e| ScanError(format!("the body is not a valid JSON object: {e}")))
}

/// The single-pass scanner. It accepts only valid JSON (a strict subset of what `serde_json`
/// accepts: no backslash escapes, bounded nesting) and answers `None` for everything else.
mod fast {
    use super::{Slot, WireName};

    /// Deeper values go to `serde_json`, which skips any depth without recursion.
    const MAX_DEPTH: usize = 32;

    struct Cursor<'a> {
        b: &'a [u8],
        i: usize,
    }

    impl Cursor<'_> {
        fn peek(&self) -> Option<u8> {
            self.b.get(self.i).copied()
        }

        fn ws(&mut self) {
            while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
                self.i += 1;
            }
        }

        fn eat(&mut self, c: u8) -> Option<()> {
            (self.peek()? == c).then(|| self.i += 1)
        }

        /// After the opening quote: the string's end (past the closing quote). No escapes, no
        /// control characters; the body was checked to be UTF-8 as a whole.
        // Hinted: every key and most values pass here, and whether it was inlined moved with
        // unrelated changes elsewhere in the crate (about 100 instructions a body request).
        #[inline]
        fn string(&mut self) -> Option<usize> {
            let rest = &self.b[self.i..];
            let n = crate::types::first_json_special(rest)?;
            if rest[n] != b'"' {
                return None;
            }
            self.i += n + 1;
            Some(self.i)
        }

        fn digits(&mut self) -> usize {
            let start = self.i;
            while let Some(b'0'..=b'9') = self.peek() {
                self.i += 1;
            }
            self.i - start
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
        fn number(&mut self) -> Option<()> {
            if self.peek() == Some(b'-') {
                self.i += 1;
            }
            match self.peek()? {
                b'0' => {
                    self.i += 1;
                    if let Some(b'0'..=b'9') = self.peek() {
                        return None;
                    }
                }
                b'1'..=b'9' => {
                    self.digits();
                }
                _ => return None,
            }
            if self.peek() == Some(b'.') {
                self.i += 1;
                (self.digits() > 0).then_some(())?;
            }
            if let Some(b'e' | b'E') = self.peek() {
                self.i += 1;
                if let Some(b'+' | b'-') = self.peek() {
                    self.i += 1;
                }
                (self.digits() > 0).then_some(())?;
            }
            Some(())
        }

        fn literal(&mut self, word: &[u8]) -> Option<()> {
            self.b[self.i..]
                .starts_with(word)
                .then(|| self.i += word.len())
        }

        /// Skips one value (the cursor is on its first byte), without recursion.
        fn value(&mut self) -> Option<()> {
            // Claims are mostly strings: no container state for them.
            if self.peek() == Some(b'"') {
                self.i += 1;
                return self.string().map(drop);
            }
            self.nested_value()
        }

        /// [`Self::value`] of any kind.
        fn nested_value(&mut self) -> Option<()> {
            // The closers of the open arrays and objects.
            let mut open = [0u8; MAX_DEPTH];
            let mut depth = 0;
            loop {
                // One value.
                match self.peek()? {
                    b'"' => {
                        self.i += 1;
                        self.string()?;
                    }
                    b't' => self.literal(b"true")?,
                    b'f' => self.literal(b"false")?,
                    b'n' => self.literal(b"null")?,
                    c @ (b'[' | b'{') => {
                        self.i += 1;
                        self.ws();
                        let close = if c == b'[' { b']' } else { b'}' };
                        if self.eat(close).is_none() {
                            if depth == MAX_DEPTH {
                                return None;
                            }
                            open[depth] = close;
                            depth += 1;
                            if close == b'}' {
                                self.key()?;
                            }
                            continue;
                        }
                    }
                    _ => self.number()?,
                }
                // After a value: the next element, or the ends of finished containers.
                loop {
                    if depth == 0 {
                        return Some(());
                    }
                    self.ws();
                    let close = open[depth - 1];
                    match self.peek()? {
                        b',' => {
                            self.i += 1;
                            self.ws();
                            if close == b'}' {
                                self.key()?;
                            }
                            break;
                        }
                        c if c == close => {
                            self.i += 1;
                            depth -= 1;
                        }
                        _ => return None,
                    }
                }
            }
        }

        /// `"key" :` and the whitespace before the value; the key's text.
        fn key(&mut self) -> Option<(usize, usize)> {
            self.eat(b'"')?;
            let start = self.i;
            let end = self.string()? - 1;
            self.ws();
            self.eat(b':')?;
            self.ws();
            Some((start, end))
        }
    }

    /// Fills `slots` from a JSON object body; `None` when the body needs `serde_json` (invalid,
    /// escaped, or deeply nested). `slots` may be partly filled then.
    pub(super) fn scan_object<N: WireName>(
        body: &[u8],
        wires: &[N],
        slots: &mut [Slot],
    ) -> Option<()> {
        let text = std::str::from_utf8(body).ok()?;
        let mut c = Cursor { b: body, i: 0 };
        c.ws();
        c.eat(b'{')?;
        c.ws();
        if c.eat(b'}').is_none() {
            loop {
                let (ks, ke) = c.key()?;
                let key = &text[ks..ke];
                let start = c.i;
                c.value()?;
                if let Some(i) = wires.iter().position(|w| w.wire_name() == key) {
                    slots[i].push_json(start..c.i);
                }
                c.ws();
                match c.peek()? {
                    b',' => {
                        c.i += 1;
                        c.ws();
                    }
                    b'}' => {
                        c.i += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        c.ws();
        (c.i == body.len()).then_some(())
    }
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
    scan_urlencoded_text(input, std::str::from_utf8(input).ok(), source, wires)
}

/// [`scan_urlencoded`] of an input already checked: `text` is `input` when it is UTF-8 as a
/// whole (its components then need no check of their own), `None` when it is not.
pub fn scan_urlencoded_text<N: WireName>(
    input: &[u8],
    text: Option<&str>,
    source: Source,
    wires: &[N],
) -> Result<Vec<Slot>, ScanError> {
    let mut slots = missing_slots(wires.len());
    // One pass over the input for the four bytes that matter (`&`, `=`, `%`, `+`), rather than
    // one search for the pair's end and another for escapes in each key and value. Per pair: its
    // start, its first `=`, and the first escape of its key and of its value.
    let mut start = 0;
    let mut eq: Option<usize> = None;
    let mut key_escape: Option<usize> = None;
    let mut value_escape: Option<usize> = None;
    let mut at = 0;
    loop {
        let found = find_urlencoded_special(&input[at..]).map(|p| at + p);
        match found.map(|p| input[p]) {
            Some(b'=') if eq.is_none() => eq = found,
            Some(b'=') => {}
            Some(b'%' | b'+') => {
                let first = if eq.is_none() {
                    &mut key_escape
                } else {
                    &mut value_escape
                };
                if first.is_none() {
                    *first = found;
                }
            }
            // `&` or the end: the pair `start..end` is complete (empty ones are skipped).
            _ => {
                let end = found.unwrap_or(input.len());
                if end > start {
                    let key_end = eq.unwrap_or(end);
                    let key = piece_at(input, text, start..key_end, key_escape, source)?;
                    let base = strip_index_suffix(key_text(input, text, &key));
                    if let Some(i) = wires.iter().position(|w| w.wire_name() == base) {
                        let value_range = eq.map_or(end..end, |e| e + 1..end);
                        let value = piece_at(input, text, value_range, value_escape, source)?;
                        slots[i].push_text(value);
                    }
                }
                if found.is_none() {
                    return Ok(slots);
                }
                start = end + 1;
                eq = None;
                key_escape = None;
                value_escape = None;
            }
        }
        at = found.map_or(input.len(), |p| p + 1);
    }
}

/// The text of a key of `input` (`text` when `input` is valid UTF-8 as a whole).
fn key_text<'a>(input: &'a [u8], text: Option<&'a str>, key: &'a Piece) -> &'a str {
    match (key, text) {
        // Ranges end at `&` or `=`, so they fall on character boundaries of valid text.
        (Piece::Range(_, r), Some(t)) => t.get(r.clone()).unwrap_or(""),
        _ => piece_str(input, key),
    }
}

/// The index of the first `&`, `=`, `%` or `+` in `b`.
fn find_urlencoded_special(b: &[u8]) -> Option<usize> {
    use crate::types::{below, first_byte_where, splat};
    first_byte_where(
        b,
        |v| {
            below(v ^ splat(b'&'), 1)
                | below(v ^ splat(b'='), 1)
                | below(v ^ splat(b'%'), 1)
                | below(v ^ splat(b'+'), 1)
        },
        |c| matches!(c, b'&' | b'=' | b'%' | b'+'),
    )
}

/// The piece `input[range]`, whose first `%` or `+` is at `escape` (an index into `input`).
fn piece_at(
    input: &[u8],
    text: Option<&str>,
    range: Range<usize>,
    escape: Option<usize>,
    source: Source,
) -> Result<Piece, ScanError> {
    let raw = &input[range.clone()];
    let Some(escape) = escape else {
        return if text.is_some() || std::str::from_utf8(raw).is_ok() {
            Ok(Piece::Range(source, range))
        } else {
            Err(ScanError("a parameter is not valid UTF-8".to_owned()))
        };
    };
    let mut at = escape - range.start;
    // One pass, into a buffer of the final size at most, copying the runs between escapes:
    // `+` is a space, `%XY` a byte, and a malformed escape stays as it is.
    let mut out = Vec::with_capacity(raw.len());
    let mut rest = raw;
    loop {
        out.extend_from_slice(&rest[..at]);
        rest = &rest[at..];
        let taken = match (rest[0], escaped_byte(&rest[1..])) {
            (b'+', _) => {
                out.push(b' ');
                1
            }
            (_, Some(b)) => {
                out.push(b);
                3
            }
            (_, None) => {
                out.push(b'%');
                1
            }
        };
        rest = &rest[taken..];
        match find2(rest, b'%', b'+') {
            Some(next) => at = next,
            None => break,
        }
    }
    out.extend_from_slice(rest);
    String::from_utf8(out)
        .map(Piece::Owned)
        .map_err(|_| ScanError("a percent-encoded parameter is not valid UTF-8".to_owned()))
}

/// The index of the first `x` or `y` in `b`.
fn find2(b: &[u8], x: u8, y: u8) -> Option<usize> {
    use crate::types::{below, first_byte_where, splat};
    first_byte_where(
        b,
        |v| below(v ^ splat(x), 1) | below(v ^ splat(y), 1),
        |c| c == x || c == y,
    )
}

/// The byte of the two hex digits starting `rest`, if they are two hex digits.
fn escaped_byte(rest: &[u8]) -> Option<u8> {
    let hex = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    match rest {
        [h, l, ..] => Some(hex(*h)? << 4 | hex(*l)?),
        _ => None,
    }
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
    if key.ends_with(']')
        && let Some(open) = key.rfind('[')
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

    /// Calls `f(key_range, value_range)` for each `&`-separated pair (the old scanner's pair
    /// search).
    fn scan_pairs(
        input: &[u8],
        mut f: impl FnMut(Range<usize>, Range<usize>) -> Result<(), ScanError>,
    ) -> Result<(), ScanError> {
        let mut start = 0;
        while start <= input.len() {
            // The first `=` or `&`: a key ends at either, a pair at `&`.
            let stop = find2(&input[start..], b'=', b'&').map_or(input.len(), |p| start + p);
            let (k, v, end) = if input.get(stop) == Some(&b'=') {
                let end =
                    find2(&input[stop + 1..], b'&', b'&').map_or(input.len(), |p| stop + 1 + p);
                (start..stop, stop + 1..end, end)
            } else {
                (start..stop, stop..stop, stop)
            };
            if end > start {
                f(k, v)?;
            }
            start = end + 1;
        }
        Ok(())
    }

    /// One component searched for its first escape on its own (the old scanner's way).
    fn decode_piece(
        input: &[u8],
        text: Option<&str>,
        range: Range<usize>,
        source: Source,
    ) -> Result<Piece, ScanError> {
        let escape = find2(&input[range.clone()], b'%', b'+').map(|p| range.start + p);
        piece_at(input, text, range, escape, source)
    }

    /// The scanner as it was before the one-pass version: each pair found by [`scan_pairs`],
    /// then its key and value searched for escapes on their own.
    fn scan_pair_by_pair(input: &[u8], wires: &[&str]) -> Result<Vec<Slot>, ScanError> {
        let text = std::str::from_utf8(input).ok();
        let mut slots = missing_slots(wires.len());
        scan_pairs(input, |key, value_range| {
            let key = decode_piece(input, text, key, Source::Query)?;
            let base = strip_index_suffix(key_text(input, text, &key));
            if let Some(i) = wires.iter().position(|w| *w == base) {
                let value = decode_piece(input, text, value_range, Source::Query)?;
                slots[i].push_text(value);
            }
            Ok(())
        })?;
        Ok(slots)
    }

    proptest::proptest! {
        /// The first `&`, `=`, `%` or `+` at any offset and across eight-byte words.
        #[test]
        fn the_special_byte_search_finds_the_first(
            bytes in proptest::collection::vec(
                // Mostly other bytes, so the first hit may lie words away; near misses (`*`,
                // `,`, `<`, `>`) and the specials with the high bit set (0xA5, 0xA6, 0xAB, 0xBD).
                proptest::sample::select(
                    [&b"&=%+*,<>"[..], &[b'a'; 40], &[0xa5, 0xa6, 0xab, 0xbd, 0xff]].concat(),
                ),
                0..70,
            ),
            from in 0usize..70,
        ) {
            let b = &bytes[from.min(bytes.len())..];
            let want = b.iter().position(|c| matches!(c, b'&' | b'=' | b'%' | b'+'));
            proptest::prop_assert_eq!(find_urlencoded_special(b), want);
        }
    }

    proptest::proptest! {
        /// Same slots (ranges and decoded copies alike) and same refusals as the pair-by-pair
        /// scanner, for any bytes, valid UTF-8 or not.
        #[test]
        fn the_one_pass_scan_finds_what_the_pair_by_pair_scan_found(
            bytes in proptest::collection::vec(
                proptest::sample::select(b"ab[]0=&%+2F4zC3A9\xc3\xa9\xff".to_vec()),
                0..40,
            )
        ) {
            let wires = ["a", "b", "ab", "a b", "/"];
            let got = scan_urlencoded(&bytes, Source::Query, &wires).map_err(|e| e.0);
            let want = scan_pair_by_pair(&bytes, &wires).map_err(|e| e.0);
            proptest::prop_assert_eq!(got, want, "{:?}", String::from_utf8_lossy(&bytes));
        }
    }

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

    /// The single pass must agree with `serde_json` wherever it answers.
    fn agrees(body: &[u8], wires: &[&str]) -> Result<(), String> {
        let mut fast = missing_slots(wires.len());
        if fast::scan_object(body, wires, &mut fast).is_none() {
            return Ok(());
        }
        let mut slow = missing_slots(wires.len());
        match scan_json_serde(body, wires, &mut slow) {
            Ok(()) if slow == fast => Ok(()),
            other => Err(format!(
                "{:?}: fast {fast:?}, serde {other:?} {slow:?}",
                String::from_utf8_lossy(body)
            )),
        }
    }

    #[test]
    fn single_pass_takes_plain_bodies_and_leaves_the_rest_to_serde() {
        let wires = ["email", "givenName", "n", "x"];
        for ok in [
            &b"{\"email\":\"a@b.c\",\"givenName\":\"\xc3\xa9mile\",\"culture\":\"1036\"}"[..],
            br#" { "email" : "a" , "n" : -12.5e+3 , "x" : [ 1 , { "k" : [ ] } , null , true ] } "#,
            br#"{}"#,
            br#"{"n":0,"n":{"a":{}}}"#,
        ] {
            let mut slots = missing_slots(wires.len());
            assert!(
                fast::scan_object(ok, &wires, &mut slots).is_some(),
                "{}",
                String::from_utf8_lossy(ok)
            );
            agrees(ok, &wires).unwrap();
        }
        for fallback in [
            &br#"{"em\u0061il":"x"}"#[..],
            br#"{"email":"a\"b"}"#,
            br#"{"email":"tab	inside"}"#,
            br#"{"n":01}"#,
            br#"{"n":1.}"#,
            br#"{"n":-}"#,
            br#"{"x":[1,]}"#,
            br#"{"x":{"a":1,}}"#,
            br#"{"x":[1}"#,
            br#"{"a":1,}"#,
            br#"{"a":1} x"#,
            br#"{"a":tru}"#,
            b"{\"a\":\"\xff\"}",
            br#"[1]"#,
        ] {
            let mut slots = missing_slots(wires.len());
            assert!(
                fast::scan_object(fallback, &wires, &mut slots).is_none(),
                "{}",
                String::from_utf8_lossy(fallback)
            );
        }
        let deep = format!("{{\"x\":{}{}}}", "[".repeat(40), "]".repeat(40));
        let mut slots = missing_slots(wires.len());
        assert!(fast::scan_object(deep.as_bytes(), &wires, &mut slots).is_none());
        assert!(matches!(
            scan_json(deep.as_bytes(), &wires).unwrap()[3],
            Slot::Json(_)
        ));
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            any::<f64>().prop_map(serde_json::Value::from),
            "[a-z\"\\\\é\t ]{0,6}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(4, 24, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
                proptest::collection::vec(("(email|n|x|[a-z]{1,3})", inner), 0..4)
                    .prop_map(|kv| serde_json::Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn single_pass_agrees_with_serde_on_valid_json(
            fields in proptest::collection::vec(("(email|n|x|[a-z]{1,3})", json_value()), 0..6),
            pretty in proptest::bool::ANY,
        ) {
            // Written by hand so keys may repeat.
            let mut body = String::from("{");
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    body.push_str(if pretty { " ,\n " } else { "," });
                }
                let v = if pretty { serde_json::to_string_pretty(v) } else { serde_json::to_string(v) };
                body.push_str(&format!("{k:?}:{}", v.unwrap()));
            }
            body.push('}');
            agrees(body.as_bytes(), &["email", "n", "x"]).map_err(proptest::test_runner::TestCaseError::fail)?;
        }

        #[test]
        fn single_pass_agrees_with_serde_on_mangled_json(
            v in json_value(),
            cuts in proptest::collection::vec((0usize..64, proptest::sample::select(b"{}[]\":,0-e.+ntl\\x".to_vec())), 1..4),
        ) {
            let mut body = serde_json::to_vec(&serde_json::json!({"email": v, "x": 1})).unwrap();
            for (at, byte) in cuts {
                let at = at % (body.len() + 1);
                if byte == b'x' && at < body.len() {
                    body.remove(at);
                } else {
                    body.insert(at, byte);
                }
            }
            agrees(&body, &["email", "n", "x"]).map_err(proptest::test_runner::TestCaseError::fail)?;
        }
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
