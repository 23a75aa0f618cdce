//! RSA keys for tests: a signing key with the JWKS that verifies its tokens (bearer-token and
//! Entra guards), and the private key itself (password encryption).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rsa::RsaPrivateKey;
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::rand_core::{CryptoRng, RngCore};
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};

/// The operating system's random numbers (through `ring`) as the `rand_core` 0.6 generator the
/// `rsa` crate takes: for key generation and RSA-OAEP in tests.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemRng;

impl RngCore for SystemRng {
    fn next_u32(&mut self) -> u32 {
        let mut b = [0; 4];
        self.fill_bytes(&mut b);
        u32::from_le_bytes(b)
    }

    fn next_u64(&mut self) -> u64 {
        let mut b = [0; 8];
        self.fill_bytes(&mut b);
        u64::from_le_bytes(b)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        use ring::rand::SecureRandom;
        ring::rand::SystemRandom::new()
            .fill(dest)
            .expect("the system random generator");
    }

    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rsa::rand_core::Error> {
        self.fill_bytes(dest);
        Ok(())
    }
}

impl CryptoRng for SystemRng {}

/// A 2048-bit RSA key with its key id: signs RS256 tokens, publishes its JWK.
pub struct TestSigningKey {
    kid: String,
    key: RsaPrivateKey,
    encoding: EncodingKey,
}

impl TestSigningKey {
    /// A fresh key (generation takes a moment: keep one per test binary, e.g. in a `OnceLock`).
    pub fn generate(kid: &str) -> Self {
        let key = RsaPrivateKey::new(&mut SystemRng, 2048).expect("RSA key generation");
        let der = key.to_pkcs1_der().expect("PKCS#1 DER");
        TestSigningKey {
            kid: kid.to_owned(),
            encoding: EncodingKey::from_rsa_der(der.as_bytes()),
            key,
        }
    }

    /// The key id (`kid`).
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The private key.
    pub fn private_key(&self) -> &RsaPrivateKey {
        &self.key
    }

    /// The key for `jsonwebtoken::encode`.
    pub fn encoding_key(&self) -> &EncodingKey {
        &self.encoding
    }

    /// The public JWK (`kty`, `use`, `alg`, `kid`, `n`, `e`).
    pub fn jwk(&self) -> Value {
        json!({"kty": "RSA", "use": "sig", "alg": "RS256", "kid": self.kid,
            "n": B64.encode(self.key.n().to_bytes_be()), "e": B64.encode(self.key.e().to_bytes_be())})
    }

    /// A JWKS holding this key alone.
    pub fn jwks(&self) -> Value {
        json!({"keys": [self.jwk()]})
    }

    /// An RS256 token with these claims, its header naming this key.
    pub fn sign(&self, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding).expect("token signing")
    }
}
