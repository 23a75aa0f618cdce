//! The request path's shortcuts decode exactly what the general path decodes:
//! - a JSON string without escapes is handed to the decoders as its text (the content between
//!   the quotes) instead of as JSON: every claim type must decode both alike;
//! - urlencoded components are decoded in one pass: the values must be those of
//!   `form_urlencoded`, the reference decoder, for every input that is UTF-8 once decoded.

use chrono::{DateTime, NaiveDate, Utc};
use claims_runtime::codec::{self, Slot, Source, piece_str};
use claims_runtime::{ClaimType, CorrelationId, Duration, Locale, PhoneNumber, RawClaim};
use proptest::prelude::*;

/// The decoded value (or the error message) of `raw` as every claim type, as text.
fn decode_all(raw: &RawClaim<'_>) -> Vec<String> {
    fn one<T: ClaimType + std::fmt::Debug>(raw: &RawClaim<'_>) -> String {
        match T::decode(raw) {
            Ok(v) => format!("ok {v:?} omitted={}", v.is_omitted()),
            Err(e) => format!("err {}", e.message()),
        }
    }
    vec![
        one::<String>(raw),
        one::<bool>(raw),
        one::<i32>(raw),
        one::<i64>(raw),
        one::<NaiveDate>(raw),
        one::<DateTime<Utc>>(raw),
        one::<Vec<String>>(raw),
        one::<PhoneNumber>(raw),
        one::<Duration>(raw),
        one::<Locale>(raw),
        one::<CorrelationId>(raw),
        one::<Option<String>>(raw),
        one::<Option<i64>>(raw),
        one::<Option<bool>>(raw),
        one::<Option<Vec<String>>>(raw),
    ]
}

/// Strings as claims carry them: numbers, booleans, dates, lists, phone numbers, durations,
/// language tags, the empty string, spaces, and any other text without escapes.
fn claim_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[-+0-9.eE ]{0,12}",
        "(true|false|TRUE|yes|null| true )",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2}))?",
        "\\[[a-zé, ]{0,6}\\]",
        "\\+?[0-9 ()-]{0,15}",
        "P([0-9]{1,2}[YMWD])?(T[0-9]{1,2}[HMS])?",
        "[a-z]{2}(-[A-Z]{2})?",
        "",
        " {1,3}",
        "[^\"\\\\\\x00-\\x1f]{0,16}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn a_plain_json_string_decodes_as_its_text(text in claim_text()) {
        let json = format!("\"{text}\"");
        prop_assert_eq!(
            decode_all(&RawClaim::Json(&json)),
            decode_all(&RawClaim::Text(text.as_str().into()))
        );
    }

    #[test]
    fn urlencoded_values_are_those_of_the_reference_decoder(
        pairs in proptest::collection::vec(
            (
                "(a|b|c|a%62|%61|a\\+b|[a-c]{1,2}\\[\\]|b\\[0\\]|)",
                "([a-zA-Z0-9 +%~é=._-]|%[0-9A-Fa-f]{2}|%[0-9A-Fa-f]|%zz){0,8}",
                0..4u8,
            ),
            0..6,
        )
    ) {
        let input = pairs
            .iter()
            // Some pairs without `=`, some empty (`&&`).
            .map(|(k, v, shape)| match shape {
                0 => k.clone(),
                1 => String::new(),
                _ => format!("{k}={v}"),
            })
            .collect::<Vec<_>>()
            .join("&");
        let wires = ["a", "b", "c", "ab"];
        // The reference, strict about UTF-8 as the codec is: values that are not UTF-8 once
        // decoded are refused by the codec, so they are left out of the comparison.
        let reference: Vec<(String, String)> = form_urlencoded::parse(input.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if reference.iter().any(|(k, v)| k.contains('\u{fffd}') || v.contains('\u{fffd}')) {
            return Ok(());
        }
        let slots = codec::scan_urlencoded(input.as_bytes(), Source::Query, &wires)
            .map_err(|e| TestCaseError::fail(format!("{input:?}: {e}")))?;
        for (i, wire) in wires.iter().enumerate() {
            let want: Vec<&str> = reference
                .iter()
                .filter(|(k, _)| {
                    let base = k.strip_suffix("[]").or_else(|| k.strip_suffix("[0]")).unwrap_or(k);
                    base == *wire
                })
                .map(|(_, v)| v.as_str())
                .collect();
            let got: Vec<&str> = match &slots[i] {
                Slot::Missing => vec![],
                Slot::Text(p) => vec![piece_str(input.as_bytes(), p)],
                Slot::List(l) => l.iter().map(|p| piece_str(input.as_bytes(), p)).collect(),
                other => return Err(TestCaseError::fail(format!("{other:?}"))),
            };
            prop_assert_eq!(&got, &want, "{:?} wire {}", input, wire);
        }
    }
}

#[test]
fn the_one_pass_decoder_on_known_inputs() {
    let input = b"a=x%2By+z&b=%zz%4&c=%C3%A9t%C3%A9&ab=%";
    let slots = codec::scan_urlencoded(input, Source::Body, &["a", "b", "c", "ab"]).unwrap();
    let text = |s: &Slot| match s {
        Slot::Text(p) => piece_str(input, p).to_owned(),
        other => panic!("{other:?}"),
    };
    assert_eq!(text(&slots[0]), "x+y z");
    assert_eq!(text(&slots[1]), "%zz%4");
    assert_eq!(text(&slots[2]), "été");
    assert_eq!(text(&slots[3]), "%");
    // Decoded bytes that are not UTF-8 are refused, not replaced.
    assert!(codec::scan_urlencoded(b"a=%FF", Source::Body, &["a"]).is_err());
}
