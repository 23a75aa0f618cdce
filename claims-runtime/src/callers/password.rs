//! Entra PasswordSubmit: decrypting `encryptedPasswordContext`, a compact JWE encrypted to the
//! public key of the certificate set on the extension's app registration.
//!
//! Accepted: `alg` `RSA-OAEP` (Entra's) or `RSA-OAEP-256`, `enc` `A256GCM` or `A128GCM`, no
//! compression. The plaintext is an unsigned inner JWT (or plain JSON) holding `user-password`,
//! `nonce` and usually `username`. A failed key unwrap goes on with a random key, so a wrong key
//! and a forged ciphertext fail the same way (no padding oracle, RFC 7516 section 11.5).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::aead::{AES_128_GCM, AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};
use ring::rand::{SecureRandom, SystemRandom};
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::{Oaep, RsaPrivateKey};
use serde_json::Value;

use super::{CallerError, CallerErrorKind, str_field};

/// The decrypted password context. `Debug` never shows the password.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PasswordContext {
    /// `username` (the sign-in name typed by the user), when sent.
    pub username: Option<String>,
    /// `user-password`.
    pub password: String,
    /// `nonce`: echo it in the reply.
    pub nonce: String,
}

impl std::fmt::Debug for PasswordContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordContext")
            .field("username", &self.username.as_ref().map(|_| "<set>"))
            .field("password", &"<redacted>")
            .field("nonce", &self.nonce)
            .finish()
    }
}

/// Decrypts PasswordSubmit contexts with the extension's RSA private key.
#[derive(Clone)]
pub struct PasswordDecryptor {
    key: RsaPrivateKey,
}

impl std::fmt::Debug for PasswordDecryptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordDecryptor { key: <redacted> }")
    }
}

fn decrypt_error(message: impl Into<String>) -> CallerError {
    CallerError::new(CallerErrorKind::Decrypt, message)
}

impl PasswordDecryptor {
    /// From a PEM private key: PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`).
    pub fn from_pem(pem: &str) -> Result<Self, CallerError> {
        let key = RsaPrivateKey::from_pkcs8_pem(pem)
            .or_else(|_| RsaPrivateKey::from_pkcs1_pem(pem))
            .map_err(|_| {
                decrypt_error(
                    "the PasswordSubmit key is not an RSA private key in PKCS#8 or PKCS#1 PEM",
                )
            })?;
        Ok(PasswordDecryptor { key })
    }

    /// From an RSA private key.
    pub fn from_key(key: RsaPrivateKey) -> Self {
        PasswordDecryptor { key }
    }

    /// Decrypts a compact JWE and reads the password context.
    pub fn decrypt(&self, jwe: &str) -> Result<PasswordContext, CallerError> {
        let plaintext = self.decrypt_bytes(jwe)?;
        parse_context(&plaintext)
    }

    /// Decrypts a compact JWE, giving the plaintext bytes.
    pub fn decrypt_bytes(&self, jwe: &str) -> Result<Vec<u8>, CallerError> {
        let parts: Vec<&str> = jwe.trim().split('.').collect();
        let [header_b64, key_b64, iv_b64, ct_b64, tag_b64] = parts[..] else {
            return Err(decrypt_error(format!(
                "the password context is not a compact JWE (5 parts expected, {} found)",
                parts.len()
            )));
        };
        let b64 = |what: &str, s: &str| {
            URL_SAFE_NO_PAD
                .decode(s.trim_end_matches('='))
                .map_err(|_| decrypt_error(format!("the JWE {what} is not base64url")))
        };
        let header: Value = serde_json::from_slice(&b64("header", header_b64)?)
            .map_err(|_| decrypt_error("the JWE header is not JSON"))?;
        let alg = header.get("alg").and_then(Value::as_str).unwrap_or("");
        let enc = header.get("enc").and_then(Value::as_str).unwrap_or("");
        if header.get("zip").is_some() {
            return Err(decrypt_error("compressed JWE payloads are not supported"));
        }
        let (aead, key_len) = match enc {
            "A256GCM" => (&AES_256_GCM, 32),
            "A128GCM" => (&AES_128_GCM, 16),
            other => {
                return Err(decrypt_error(format!(
                    "the JWE content encryption {other:?} is not supported (A256GCM, A128GCM)"
                )));
            }
        };
        let wrapped = b64("encrypted key", key_b64)?;
        let unwrapped = match alg {
            "RSA-OAEP" => self.key.decrypt(Oaep::new::<sha1::Sha1>(), &wrapped),
            "RSA-OAEP-256" => self.key.decrypt(Oaep::new::<sha2::Sha256>(), &wrapped),
            other => {
                return Err(decrypt_error(format!(
                    "the JWE key algorithm {other:?} is not supported (RSA-OAEP, RSA-OAEP-256)"
                )));
            }
        };
        // A failed unwrap continues with a random key: the tag check then fails like any other.
        let cek = match unwrapped {
            Ok(k) if k.len() == key_len => k,
            _ => {
                let mut k = vec![0u8; key_len];
                SystemRandom::new()
                    .fill(&mut k)
                    .map_err(|_| decrypt_error("no system randomness"))?;
                k
            }
        };
        let iv = b64("initialization vector", iv_b64)?;
        let nonce = Nonce::try_assume_unique_for_key(&iv)
            .map_err(|_| decrypt_error("the JWE initialization vector is not 96 bits"))?;
        let mut in_out = b64("ciphertext", ct_b64)?;
        in_out.extend(b64("tag", tag_b64)?);
        let key = LessSafeKey::new(
            UnboundKey::new(aead, &cek).map_err(|_| decrypt_error("bad content key"))?,
        );
        let plain = key
            .open_in_place(nonce, Aad::from(header_b64.as_bytes()), &mut in_out)
            .map_err(|_| {
                decrypt_error(
                    "the password context cannot be decrypted with the configured key (wrong key or altered message)",
                )
            })?;
        Ok(plain.to_vec())
    }
}

/// Reads the plaintext: an unsigned JWT whose payload holds the context, or the JSON itself.
fn parse_context(plaintext: &[u8]) -> Result<PasswordContext, CallerError> {
    let text = std::str::from_utf8(plaintext)
        .map_err(|_| decrypt_error("the decrypted password context is not UTF-8"))?
        .trim();
    let json: Value = if text.starts_with('{') {
        serde_json::from_str(text).map_err(|_| decrypt_error("the password context is not JSON"))?
    } else {
        let payload = text
            .split('.')
            .nth(1)
            .ok_or_else(|| decrypt_error("the password context is neither JSON nor a JWT"))?;
        let bytes = URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .map_err(|_| decrypt_error("the inner JWT payload is not base64url"))?;
        serde_json::from_slice(&bytes)
            .map_err(|_| decrypt_error("the inner JWT payload is not JSON"))?
    };
    let o = json
        .as_object()
        .ok_or_else(|| decrypt_error("the password context is not a JSON object"))?;
    let password = ["user-password", "userPassword", "password"]
        .iter()
        .find_map(|k| match super::field(o, k) {
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        })
        .ok_or_else(|| decrypt_error("the password context has no user-password"))?;
    let nonce =
        str_field(o, "nonce").ok_or_else(|| decrypt_error("the password context has no nonce"))?;
    Ok(PasswordContext {
        username: str_field(o, "username").or_else(|| str_field(o, "user-name")),
        password,
        nonce,
    })
}
