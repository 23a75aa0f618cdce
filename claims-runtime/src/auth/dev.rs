//! Development conveniences.

use base64::Engine;
use ring::rand::{SecureRandom, SystemRandom};

use super::secrets::Secret;

/// Random Basic credentials for a development run.
#[derive(Debug, Clone)]
pub struct DevCredentials {
    /// The user name (`b2c-dev-` and 12 hex digits).
    pub username: String,
    /// The password (32 URL-safe base64 characters, 192 random bits).
    pub password: Secret,
}

impl DevCredentials {
    /// The `Authorization` header value a client sends with these credentials.
    pub fn authorization_header(&self) -> String {
        let raw = format!("{}:{}", self.username, self.password.expose());
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        )
    }
}

/// Generates random Basic credentials for dev mode, to print at startup and paste into the B2C
/// policy keys (`BasicAuthenticationUsername` / `BasicAuthenticationPassword`). Install them with
/// [`crate::App::basic_credentials`] or [`super::AuthConfig::use_basic_credentials`]. Never use
/// in production: real secrets come from the environment or files.
pub fn generate_dev_basic_credentials() -> DevCredentials {
    let rng = SystemRandom::new();
    let mut user = [0u8; 6];
    let mut pass = [0u8; 24];
    // The system RNG only fails when the OS has no randomness at all.
    rng.fill(&mut user)
        .expect("the system random number generator failed");
    rng.fill(&mut pass)
        .expect("the system random number generator failed");
    DevCredentials {
        username: format!("b2c-dev-{}", super::cert::hex(&user)),
        password: Secret::new(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(pass)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn random_and_distinct() {
        let a = super::generate_dev_basic_credentials();
        let b = super::generate_dev_basic_credentials();
        assert_ne!(a.password, b.password);
        assert_eq!(a.password.expose().len(), 32);
        assert!(a.username.starts_with("b2c-dev-"));
        assert!(a.authorization_header().starts_with("Basic "));
    }
}
