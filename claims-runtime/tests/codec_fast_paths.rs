//! The fast paths of the request codec keep the reference behaviour: JSON bodies with escapes,
//! unicode, duplicate keys and absent optional claims; urlencoded bodies; string output.

use std::borrow::Cow;

use claims_runtime::codec::{self, Slot, Source};
use claims_runtime::output::encode;
use claims_runtime::{ClaimType, ClaimWriter, DataType, OutputClaimSpec, OutputClaims, RawClaim};

fn json_claims<'a>(body: &'a [u8], wires: &[&str]) -> Vec<Option<RawClaim<'a>>> {
    codec::scan_json(body, wires)
        .unwrap()
        .into_iter()
        .map(|slot| match slot {
            Slot::Json(r) => Some(RawClaim::Json(std::str::from_utf8(&body[r]).unwrap())),
            Slot::Missing => None,
            other => panic!("unexpected {other:?}"),
        })
        .collect()
}

fn text<T: ClaimType>(raw: &Option<RawClaim<'_>>) -> Option<T> {
    raw.as_ref().map(|r| T::decode(r).unwrap())
}

#[test]
fn plain_and_escaped_json_strings_decode_alike() {
    let body = br#"{"email":"a@b.c","givenName":"\u00c9mile \"E\"","surname":"Martin\\"}"#;
    let c = json_claims(body, &["email", "givenName", "surname"]);
    assert_eq!(text::<String>(&c[0]).unwrap(), "a@b.c");
    assert_eq!(text::<String>(&c[1]).unwrap(), "Émile \"E\"");
    assert_eq!(text::<String>(&c[2]).unwrap(), "Martin\\");
    let raw = "{\"givenName\":\"Zoë 日本\",\"culture\":1036}".as_bytes();
    let c = json_claims(raw, &["givenName", "culture"]);
    assert_eq!(text::<String>(&c[0]).unwrap(), "Zoë 日本");
    assert_eq!(text::<claims_runtime::Locale>(&c[1]).unwrap().0, "1036");
}

#[test]
fn absent_optional_claims_and_whitespace() {
    let body = b" {\n\t\"email\" : \"a@b.c\" ,\r\n \"givenName\" : null , \"surname\" : \"\" } \n";
    let c = json_claims(body, &["email", "givenName", "surname", "culture"]);
    assert_eq!(text::<String>(&c[0]).unwrap(), "a@b.c");
    assert!(c[1].as_ref().unwrap().is_absent());
    assert_eq!(text::<Option<String>>(&c[1]), Some(None));
    assert_eq!(text::<Option<String>>(&c[2]), Some(None));
    assert!(c[3].is_none());
    assert!(!RawClaim::Json("\" \"").is_absent());
}

#[test]
fn duplicate_keys_are_kept_for_the_decoder_to_refuse() {
    let body = br#"{"email":"a@b.c","email":"x@y.z"}"#;
    let slots = codec::scan_json(body, &["email"]).unwrap();
    assert!(matches!(&slots[0], Slot::JsonRepeated(l) if l.len() == 2));
    let escaped = br#"{"email":"a@b.c","em\u0061il":"x@y.z"}"#;
    let slots = codec::scan_json(escaped, &["email"]).unwrap();
    assert!(matches!(&slots[0], Slot::JsonRepeated(l) if l.len() == 2));
}

#[test]
fn invalid_bodies_are_refused_with_serde_json_wording() {
    for bad in [
        &b"{\"email\":01}"[..],
        b"{\"email\":\"a\",}",
        b"{\"email\":\"\xff\"}",
        b"[]",
    ] {
        let err = codec::scan_json(bad, &["email"]).unwrap_err();
        assert!(
            err.0.starts_with("the body is not a valid JSON object: "),
            "{}",
            err.0
        );
        assert!(err.0.contains("line 1 column"), "{}", err.0);
    }
}

#[test]
fn urlencoded_values_decode_in_both_sources() {
    let form = b"email=member1%40contoso.com&firstName=%C3%89mile+X&culture=1036&lastName=";
    for source in [Source::Body, Source::Query] {
        let slots =
            codec::scan_urlencoded(form, source, &["email", "firstName", "lastName"]).unwrap();
        let get = |i: usize| match &slots[i] {
            Slot::Text(p) => codec::piece_str(form, p).to_owned(),
            other => panic!("{other:?}"),
        };
        assert_eq!(get(0), "member1@contoso.com");
        assert_eq!(get(1), "Émile X");
        assert_eq!(get(2), "");
        let absent = RawClaim::Text(Cow::Owned(get(2)));
        assert_eq!(<Option<String>>::decode(&absent).unwrap(), None);
    }
}

static OUT: [OutputClaimSpec; 2] = [
    OutputClaimSpec::new("displayName", DataType::String),
    OutputClaimSpec::new("loyaltyNumber", DataType::String).with_partner("number"),
];

struct Reply(String, String);

impl OutputClaims for Reply {
    const CLAIMS: &'static [OutputClaimSpec] = &OUT;
    fn write_claims(&self, w: &mut ClaimWriter) {
        w.claim(0, &self.0);
        w.claim(1, &self.1);
    }
}

#[test]
fn output_strings_are_written_as_serde_json_writes_them() {
    for s in [
        "Emily Martin",
        "Zoë 日本",
        "quote \" back \\ tab \t nul \0 del \x7f",
        "",
    ] {
        let out = encode(&Reply(s.to_owned(), "10000001".to_owned()));
        let want = format!(
            "{{\"displayName\":{},\"number\":\"10000001\"}}",
            serde_json::to_string(s).unwrap()
        );
        assert_eq!(String::from_utf8(out).unwrap(), want);
    }
}
