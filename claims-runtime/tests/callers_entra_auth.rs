//! Entra extension security: PasswordSubmit JWE decryption with a key generated here, and the
//! Entra JWT preset's accept/reject matrix with tokens minted here.

use std::sync::{Arc, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use claims_runtime::auth::jwt::StaticJwks;
use claims_runtime::auth::jwt::entra::{EntraTokenSettings, EntraTokenValidator, TokenVersion};
use claims_runtime::callers::CallerErrorKind;
use claims_runtime::callers::password::PasswordDecryptor;
use claims_testing::keys::{SystemRng, TestSigningKey};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use ring::aead::{AES_128_GCM, AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use rsa::rand_core::RngCore;
use rsa::{Oaep, RsaPrivateKey};
use serde_json::{Value, json};

/// Two keys per test binary: [0] is configured, [1] is a stranger's.
fn keys() -> &'static [TestSigningKey; 2] {
    static K: OnceLock<[TestSigningKey; 2]> = OnceLock::new();
    // Both under the configured key id: the stranger's tokens name it too.
    K.get_or_init(|| {
        [
            TestSigningKey::generate("k1"),
            TestSigningKey::generate("k1"),
        ]
    })
}

/// A compact JWE as Entra builds it (alg/enc as given).
fn jwe(key: &RsaPrivateKey, alg: &str, enc: &str, plaintext: &[u8]) -> String {
    let header = B64.encode(json!({"alg": alg, "enc": enc, "typ": "JWT"}).to_string());
    let (aead, len) = if enc == "A128GCM" {
        (&AES_128_GCM, 16)
    } else {
        (&AES_256_GCM, 32)
    };
    let mut cek = vec![0u8; len];
    SystemRng.fill_bytes(&mut cek);
    let public = key.to_public_key();
    let wrapped = match alg {
        "RSA-OAEP" => public.encrypt(&mut SystemRng, Oaep::new::<sha1::Sha1>(), &cek),
        _ => public.encrypt(&mut SystemRng, Oaep::new::<sha2::Sha256>(), &cek),
    }
    .unwrap();
    let mut iv = [0u8; 12];
    SystemRng.fill_bytes(&mut iv);
    let sealing = LessSafeKey::new(UnboundKey::new(aead, &cek).unwrap());
    let mut in_out = plaintext.to_vec();
    let tag = sealing
        .seal_in_place_separate_tag(
            Nonce::assume_unique_for_key(iv),
            Aad::from(header.as_bytes()),
            &mut in_out,
        )
        .unwrap();
    format!(
        "{header}.{}.{}.{}.{}",
        B64.encode(wrapped),
        B64.encode(iv),
        B64.encode(&in_out),
        B64.encode(tag.as_ref())
    )
}

/// The inner unsigned JWT Entra encrypts.
fn inner_jwt(claims: &Value) -> String {
    format!(
        "{}.{}.",
        B64.encode(json!({"alg": "none", "typ": "JWT"}).to_string()),
        B64.encode(claims.to_string())
    )
}

fn decryptor() -> PasswordDecryptor {
    let pem = keys()[0]
        .private_key()
        .to_pkcs8_pem(LineEnding::LF)
        .unwrap();
    PasswordDecryptor::from_pem(&pem).unwrap()
}

fn context_claims() -> Value {
    json!({"user-password": "Pa$$w0rd!", "nonce": "0d5c3d4c-3f7e-4bbc-a2b6-2f7d6f0e1c11", "username": "ann@example.com"})
}

#[test]
fn decrypts_rsa_oaep_a256gcm_with_an_inner_jwt() {
    let token = jwe(
        keys()[0].private_key(),
        "RSA-OAEP",
        "A256GCM",
        inner_jwt(&context_claims()).as_bytes(),
    );
    let ctx = decryptor().decrypt(&token).unwrap();
    assert_eq!(ctx.password, "Pa$$w0rd!");
    assert_eq!(ctx.nonce, "0d5c3d4c-3f7e-4bbc-a2b6-2f7d6f0e1c11");
    assert_eq!(ctx.username.as_deref(), Some("ann@example.com"));
    let debug = format!("{ctx:?} {:?}", decryptor());
    assert!(
        !debug.contains("Pa$$w0rd!") && !debug.contains("ann@example.com"),
        "{debug}"
    );
}

#[test]
fn decrypts_rsa_oaep_256_a128gcm_plain_json_and_pkcs1_keys() {
    let token = jwe(
        keys()[0].private_key(),
        "RSA-OAEP-256",
        "A128GCM",
        context_claims().to_string().as_bytes(),
    );
    let pkcs1 = keys()[0]
        .private_key()
        .to_pkcs1_pem(LineEnding::LF)
        .unwrap();
    let ctx = PasswordDecryptor::from_pem(&pkcs1)
        .unwrap()
        .decrypt(&token)
        .unwrap();
    assert_eq!(ctx.password, "Pa$$w0rd!");
    // Without a username.
    let token = jwe(
        keys()[0].private_key(),
        "RSA-OAEP-256",
        "A256GCM",
        json!({"user-password": "x", "nonce": "n"})
            .to_string()
            .as_bytes(),
    );
    let ctx = decryptor().decrypt(&token).unwrap();
    assert_eq!((ctx.username, ctx.nonce.as_str()), (None, "n"));
}

#[test]
fn decryption_failures() {
    let d = decryptor();
    let good = jwe(
        keys()[0].private_key(),
        "RSA-OAEP",
        "A256GCM",
        inner_jwt(&context_claims()).as_bytes(),
    );
    let fail = |token: &str, needle: &str| {
        let e = d.decrypt(token).unwrap_err();
        assert_eq!(e.kind, CallerErrorKind::Decrypt);
        assert!(e.message.contains(needle), "{needle:?} not in {e}");
        assert!(!e.message.contains("Pa$$w0rd!"));
    };
    // Encrypted to another key: the same failure as an altered message.
    fail(
        &jwe(keys()[1].private_key(), "RSA-OAEP", "A256GCM", b"{}"),
        "cannot be decrypted",
    );
    let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
    let mut ct = B64.decode(&parts[3]).unwrap();
    ct[0] ^= 1;
    parts[3] = B64.encode(ct);
    fail(&parts.join("."), "cannot be decrypted");
    // The header is authenticated too.
    let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
    parts[0] = B64.encode(json!({"alg": "RSA-OAEP", "enc": "A256GCM"}).to_string());
    fail(&parts.join("."), "cannot be decrypted");
    fail("a.b.c", "5 parts");
    fail(
        &jwe(keys()[0].private_key(), "RSA1_5", "A256GCM", b"{}"),
        "RSA1_5",
    );
    let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
    parts[0] = B64.encode(json!({"alg": "RSA-OAEP", "enc": "A256CBC-HS512"}).to_string());
    fail(&parts.join("."), "A256CBC-HS512");
    fail(
        &jwe(
            keys()[0].private_key(),
            "RSA-OAEP",
            "A256GCM",
            json!({"nonce": "n"}).to_string().as_bytes(),
        ),
        "user-password",
    );
    fail(
        &jwe(
            keys()[0].private_key(),
            "RSA-OAEP",
            "A256GCM",
            json!({"user-password": "p"}).to_string().as_bytes(),
        ),
        "nonce",
    );
    fail(
        &jwe(keys()[0].private_key(), "RSA-OAEP", "A256GCM", b"garbage"),
        "neither JSON nor a JWT",
    );
    let e = PasswordDecryptor::from_pem(
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    )
    .unwrap_err();
    assert_eq!(e.kind, CallerErrorKind::Decrypt);
}

// --- The JWT preset ------------------------------------------------------------------------

const TID: &str = "11111111-2222-3333-4444-555555555555";
const EXT_APP: &str = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
const FIRST_PARTY: &str = "99045fe1-7639-4a75-9d4a-577b6ca3810f";

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn signing() -> &'static (EncodingKey, Value) {
    static S: OnceLock<(EncodingKey, Value)> = OnceLock::new();
    S.get_or_init(|| (keys()[0].encoding_key().clone(), keys()[0].jwks()))
}

fn validator(settings: EntraTokenSettings) -> EntraTokenValidator {
    let set = serde_json::from_value(signing().1.clone()).unwrap();
    let v = EntraTokenValidator::new(settings, Arc::new(StaticJwks(set))).unwrap();
    v.jwt().refresh().unwrap();
    v
}

fn settings() -> EntraTokenSettings {
    EntraTokenSettings::new(TID, EXT_APP)
        .with_target_host("auth.example.com")
        .with_ciam_domain("contoso")
}

fn v2() -> Value {
    json!({"ver": "2.0", "iss": format!("https://login.microsoftonline.com/{TID}/v2.0"),
           "aud": EXT_APP, "azp": FIRST_PARTY, "tid": TID, "sub": "s",
           "iat": now(), "nbf": now() - 10, "exp": now() + 600})
}

fn v1() -> Value {
    json!({"ver": "1.0", "iss": format!("https://sts.windows.net/{TID}/"),
           "aud": format!("api://auth.example.com/{EXT_APP}"), "appid": FIRST_PARTY, "tid": TID,
           "iat": now(), "nbf": now() - 10, "exp": now() + 600})
}

fn sign(claims: &Value) -> String {
    let mut h = Header::new(Algorithm::RS256);
    h.kid = Some("k1".into());
    jsonwebtoken::encode(&h, claims, &signing().0).unwrap()
}

fn with(mut v: Value, k: &str, x: Value) -> Value {
    if x.is_null() {
        v.as_object_mut().unwrap().remove(k);
    } else {
        v[k] = x;
    }
    v
}

#[test]
fn jwt_matrix() {
    let v = validator(settings());
    let ciam = format!("https://contoso.ciamlogin.com/{TID}/v2.0");
    let ok: Vec<(&str, Value, TokenVersion)> = vec![
        ("v2 workforce", v2(), TokenVersion::V2),
        (
            "v2 external",
            with(v2(), "iss", json!(ciam)),
            TokenVersion::V2,
        ),
        (
            "v2 azp in upper case",
            with(v2(), "azp", json!(FIRST_PARTY.to_uppercase())),
            TokenVersion::V2,
        ),
        ("v1 api:// audience", v1(), TokenVersion::V1),
        (
            "v1 app id audience",
            with(v1(), "aud", json!(EXT_APP)),
            TokenVersion::V1,
        ),
    ];
    for (name, claims, version) in ok {
        assert_eq!(
            v.validate(&sign(&claims)).map_err(|e| e.to_string()),
            Ok(version),
            "{name}"
        );
    }
    let other_tenant = "99999999-2222-3333-4444-555555555555";
    let bad: Vec<(&str, Value, u16)> = vec![
        (
            "v2 wrong azp",
            with(v2(), "azp", json!("b2c-or-another-app")),
            403,
        ),
        (
            "v2 without azp (appid only)",
            with(with(v2(), "azp", Value::Null), "appid", json!(FIRST_PARTY)),
            403,
        ),
        (
            "v2 wrong aud",
            with(v2(), "aud", json!("someone-else")),
            401,
        ),
        (
            "v2 api:// aud",
            with(
                v2(),
                "aud",
                json!(format!("api://auth.example.com/{EXT_APP}")),
            ),
            401,
        ),
        (
            "v2 other tenant",
            with(
                v2(),
                "iss",
                json!(format!(
                    "https://login.microsoftonline.com/{other_tenant}/v2.0"
                )),
            ),
            401,
        ),
        (
            "v2 other ciam domain",
            with(
                v2(),
                "iss",
                json!(format!("https://fabrikam.ciamlogin.com/{TID}/v2.0")),
            ),
            401,
        ),
        (
            "v2 with the v1 issuer",
            with(
                v2(),
                "iss",
                json!(format!("https://sts.windows.net/{TID}/")),
            ),
            401,
        ),
        (
            "v2 expired",
            with(
                with(v2(), "exp", json!(now() - 3600)),
                "nbf",
                json!(now() - 7200),
            ),
            401,
        ),
        (
            "v2 not yet valid",
            with(v2(), "nbf", json!(now() + 3600)),
            401,
        ),
        (
            "v1 wrong appid",
            with(v1(), "appid", json!("another-app")),
            403,
        ),
        (
            "v1 with the v2 issuer",
            with(
                v1(),
                "iss",
                json!(format!("https://login.microsoftonline.com/{TID}/v2.0")),
            ),
            401,
        ),
        (
            "v1 wrong aud",
            with(v1(), "aud", json!("api://auth.example.com/other")),
            401,
        ),
        ("no ver", with(v2(), "ver", Value::Null), 401),
    ];
    for (name, claims, status) in bad {
        let e = v.validate(&sign(&claims)).expect_err(name);
        assert_eq!(e.status().as_u16(), status, "{name}: {e}");
    }
    // Signed by a key not in the JWKS.
    let stranger = keys()[1].encoding_key().clone();
    let mut h = Header::new(Algorithm::RS256);
    h.kid = Some("k1".into());
    let forged = jsonwebtoken::encode(&h, &v2(), &stranger).unwrap();
    assert_eq!(v.validate(&forged).unwrap_err().status().as_u16(), 401);
}

#[test]
fn v1_can_be_refused_and_settings_are_checked() {
    let v = validator(settings().with_v1(false));
    assert_eq!(v.validate(&sign(&v1())).unwrap_err().status().as_u16(), 401);
    assert_eq!(v.validate(&sign(&v2())).ok(), Some(TokenVersion::V2));
    let s = settings();
    assert_eq!(
        s.app_id_uri().as_deref(),
        Some("api://auth.example.com/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee")
    );
    assert_eq!(s.jwt_settings().allowed_app_ids, [FIRST_PARTY]);
    let keys = Arc::new(StaticJwks(
        serde_json::from_value(signing().1.clone()).unwrap(),
    ));
    assert!(EntraTokenValidator::new(EntraTokenSettings::new("", EXT_APP), keys.clone()).is_err());
    assert!(EntraTokenValidator::new(EntraTokenSettings::new(TID, " "), keys).is_err());
}
