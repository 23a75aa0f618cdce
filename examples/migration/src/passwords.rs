//! Legacy password hashes: argon2 PHC strings (`$argon2id$…`, `$argon2i$…`, `$argon2d$…`) and
//! bcrypt (`$2a$`, `$2b$`, `$2x$`, `$2y$`), checked with the RustCrypto `argon2` and the `bcrypt`
//! crates. Checks are slow on purpose: run them off the actix workers (`web::block`).

use std::sync::LazyLock;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use claims_runtime::{ClaimType, ClaimValueError, DataType};

/// A password claim. It has no `Display`, its `Debug` shows `Password(***)`, and it is never
/// written to a reply, so it cannot end up in a log line or a response by accident.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// The password's bytes, for a hash check.
    pub fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

impl From<&str> for Password {
    fn from(s: &str) -> Self {
        Password(s.to_owned())
    }
}

impl ClaimType for Password {
    const DATA_TYPE: DataType = DataType::String;

    fn from_text(s: &str) -> Result<Self, ClaimValueError> {
        // Kept verbatim: spaces are part of a password.
        Ok(Password(s.to_owned()))
    }

    fn write_json(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"\"***\"");
    }
}

/// A stored hash in a format this service does not know (the message names the format only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsupportedHash(pub String);

impl std::fmt::Display for UnsupportedHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unsupported or malformed password hash ({})", self.0)
    }
}

impl std::error::Error for UnsupportedHash {}

/// The scheme prefix of a stored hash (`argon2id`, `2b`, …), safe to log.
fn scheme(stored: &str) -> String {
    stored
        .strip_prefix('$')
        .and_then(|s| s.split('$').next())
        .filter(|s| s.len() <= 10)
        .unwrap_or("unknown")
        .to_owned()
}

/// Whether `password` matches `stored`.
pub fn verify(password: &Password, stored: &str) -> Result<bool, UnsupportedHash> {
    let unsupported = || UnsupportedHash(scheme(stored));
    if stored.starts_with("$argon2") {
        match Argon2::default().verify_password(password.expose(), stored) {
            Ok(()) => Ok(true),
            Err(argon2::password_hash::Error::PasswordInvalid) => Ok(false),
            Err(_) => Err(unsupported()),
        }
    } else if ["$2a$", "$2b$", "$2x$", "$2y$"]
        .iter()
        .any(|p| stored.starts_with(p))
    {
        bcrypt::verify(password.expose(), stored).map_err(|_| unsupported())
    } else {
        Err(unsupported())
    }
}

/// An argon2id hash (the crate's defaults: 19 MiB, 2 passes) with a random salt.
pub fn hash_argon2(password: &str) -> String {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .unwrap_or_else(|e| unreachable!("argon2 with default parameters cannot fail: {e}"))
}

/// A bcrypt hash (`$2b$`) of the given cost with a random salt.
pub fn hash_bcrypt(password: &str, cost: u32) -> String {
    bcrypt::hash(password, cost).unwrap_or_else(|e| unreachable!("bcrypt cost {cost}: {e}"))
}

/// A check against a hash nobody has, so that an unknown user takes about as long to answer
/// as a known one and the timing does not tell which e-mail addresses the legacy store holds.
pub fn verify_dummy(password: &Password) {
    static DUMMY: LazyLock<String> = LazyLock::new(|| hash_argon2("dummy password"));
    let _ = verify(password, &DUMMY);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_schemes_verify_and_reject() {
        let pw = Password::from("correct horse");
        let wrong = Password::from("correct horsE");
        for stored in [
            hash_argon2("correct horse"),
            hash_bcrypt("correct horse", 4),
        ] {
            assert_eq!(verify(&pw, &stored), Ok(true), "{stored}");
            assert_eq!(verify(&wrong, &stored), Ok(false), "{stored}");
        }
        assert!(hash_argon2("x").starts_with("$argon2id$"));
        assert!(hash_bcrypt("x", 4).starts_with("$2b$04$"));
    }

    #[test]
    fn unknown_formats_are_refused_without_the_hash_in_the_message() {
        let pw = Password::from("p");
        let e = verify(&pw, "5f4dcc3b5aa765d61d8327deb882cf99").unwrap_err();
        assert_eq!(
            e.to_string(),
            "unsupported or malformed password hash (unknown)"
        );
        let e = verify(&pw, "$argon2id$v=19$broken").unwrap_err();
        assert_eq!(e.0, "argon2id");
        assert!(verify(&pw, "$2b$10$short").is_err());
    }

    #[test]
    fn the_password_never_prints() {
        let pw = Password::from("hunter2");
        assert_eq!(format!("{pw:?}"), "Password(***)");
        let mut out = Vec::new();
        pw.write_json(&mut out);
        assert_eq!(out, b"\"***\"");
    }
}
