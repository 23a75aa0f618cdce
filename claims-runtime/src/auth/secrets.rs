//! Secrets: where they come from ([`SecretSource`]), how they are held ([`Secret`]) and how a
//! presented credential is compared with them ([`SecretSet`], constant time).

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

use subtle::{Choice, ConstantTimeEq};

/// A secret value. Its `Debug` output never shows the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Box<str>);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into().into_boxed_str())
    }

    /// The value. Do not log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Where a secret (or a non-secret auth setting) comes from. Never from source code in
/// production: [`SecretSource::Value`] exists for tests and generated dev credentials.
#[derive(PartialEq, Eq)]
pub enum SecretSource {
    /// An environment variable. When it is unset, `<NAME>_FILE` may name a file holding the value
    /// (the Docker/Kubernetes secrets convention).
    Env(Cow<'static, str>),
    /// A file; surrounding whitespace (a trailing newline) is trimmed.
    File(PathBuf),
    /// A value given in code (tests, dev mode).
    Value(Secret),
    /// Not configured.
    Unset,
}

impl Clone for SecretSource {
    // Out of line: `AuthSources` clones 26 of these, and the derived clone inlined at each
    // field made its clone 14 KB of start-up code.
    #[inline(never)]
    fn clone(&self) -> Self {
        match self {
            SecretSource::Env(n) => SecretSource::Env(n.clone()),
            SecretSource::File(p) => SecretSource::File(p.clone()),
            SecretSource::Value(v) => SecretSource::Value(v.clone()),
            SecretSource::Unset => SecretSource::Unset,
        }
    }
}

impl fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretSource::Env(n) => write!(f, "Env({n})"),
            SecretSource::File(p) => write!(f, "File({})", p.display()),
            SecretSource::Value(_) => f.write_str("Value(***)"),
            SecretSource::Unset => f.write_str("Unset"),
        }
    }
}

impl SecretSource {
    /// An environment variable source.
    pub const fn env(name: &'static str) -> Self {
        SecretSource::Env(Cow::Borrowed(name))
    }

    /// A value given in code.
    pub fn value(v: impl Into<String>) -> Self {
        SecretSource::Value(Secret::new(v))
    }

    /// How to name this source in an error message (`CLAIMS_BASIC_PASSWORD`, `file /run/x`).
    pub fn describe(&self) -> String {
        match self {
            SecretSource::Env(n) => n.to_string(),
            SecretSource::File(p) => format!("the file {}", p.display()),
            SecretSource::Value(_) => "a value set in code".to_owned(),
            SecretSource::Unset => "(no source configured)".to_owned(),
        }
    }

    /// Reads the value: `Ok(None)` when not set (or empty), `Err` when a named file is unreadable.
    pub fn resolve(&self, env: &dyn Fn(&str) -> Option<String>) -> Result<Option<Secret>, String> {
        let from_file = |p: &std::path::Path| -> Result<Option<Secret>, String> {
            let text = std::fs::read_to_string(p)
                .map_err(|e| format!("cannot read the secret file {}: {e}", p.display()))?;
            let t = text.trim();
            Ok((!t.is_empty()).then(|| Secret::new(t)))
        };
        match self {
            SecretSource::Env(name) => {
                if let Some(v) = env(name).filter(|v| !v.is_empty()) {
                    return Ok(Some(Secret::new(v)));
                }
                match env(&format!("{name}_FILE")).filter(|v| !v.is_empty()) {
                    Some(path) => from_file(std::path::Path::new(&path)),
                    None => Ok(None),
                }
            }
            SecretSource::File(p) => from_file(p),
            SecretSource::Value(s) => Ok((!s.expose().is_empty()).then(|| s.clone())),
            SecretSource::Unset => Ok(None),
        }
    }
}

/// SHA-256 of `bytes`: the fixed-size form secrets are compared in, so that a length difference
/// does not show in the comparison time.
/// SHA-256 (certificate thumbprints).
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    let d = ring::digest::digest(&ring::digest::SHA256, bytes);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// A fixed-size fingerprint of a secret: two SipHash-1-3 passes under random keys drawn once per
/// process. Comparing fingerprints with `subtle` is constant-time whatever the two lengths, and
/// no plain secret is kept; unlike SHA-256 it costs ~100 instructions on the request path.
pub(crate) fn digest(bytes: &[u8]) -> [u8; 16] {
    use std::hash::{BuildHasher, Hasher};
    static KEYS: std::sync::OnceLock<[std::collections::hash_map::RandomState; 2]> =
        std::sync::OnceLock::new();
    let keys = KEYS.get_or_init(Default::default);
    let mut out = [0u8; 16];
    for (i, k) in keys.iter().enumerate() {
        let mut h = k.build_hasher();
        h.write(bytes);
        out[i * 8..i * 8 + 8].copy_from_slice(&h.finish().to_le_bytes());
    }
    out
}

/// The digests of every active value of one secret (current and next, for rotation).
#[derive(Clone, Default)]
pub struct SecretSet {
    digests: Vec<[u8; 16]>,
}

impl fmt::Debug for SecretSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretSet({} active)", self.digests.len())
    }
}

impl SecretSet {
    /// The set of the given secrets.
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a Secret>) -> Self {
        SecretSet {
            digests: secrets
                .into_iter()
                .map(|s| digest(s.expose().as_bytes()))
                .collect(),
        }
    }

    /// `true` when no secret is active (nothing can match).
    pub fn is_empty(&self) -> bool {
        self.digests.is_empty()
    }

    /// Number of active secrets.
    pub fn len(&self) -> usize {
        self.digests.len()
    }

    /// Whether `presented` equals one of the secrets. Constant time in the presented value and
    /// the secrets: both are hashed to 32 bytes and every secret is compared, without early exit.
    pub fn matches(&self, presented: &[u8]) -> bool {
        let p = digest(presented);
        self.matches_digest(&p).into()
    }

    pub(crate) fn matches_digest(&self, presented: &[u8; 16]) -> Choice {
        let mut any = Choice::from(0);
        for d in &self.digests {
            any |= d.ct_eq(presented);
        }
        any
    }
}

/// Splits a comma-separated setting into trimmed, non-empty items.
pub(crate) fn comma_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_file_fallback_and_redaction() {
        let dir = std::env::temp_dir().join(format!("claims-secret-{}", std::process::id()));
        std::fs::write(&dir, "s3cret\n").unwrap();
        let path = dir.to_string_lossy().into_owned();
        let env = move |k: &str| (k == "X_FILE").then(|| path.clone());
        let s = SecretSource::env("X").resolve(&env).unwrap().unwrap();
        assert_eq!(s.expose(), "s3cret");
        assert_eq!(format!("{s:?}"), "Secret(***)");
        assert!(format!("{:?}", SecretSource::value("zz")).contains("***"));
        std::fs::remove_file(&dir).unwrap();
    }

    #[test]
    fn set_matches_any_member_only() {
        let a = Secret::new("alpha");
        let b = Secret::new("beta-longer");
        let set = SecretSet::new([&a, &b]);
        assert!(set.matches(b"alpha"));
        assert!(set.matches(b"beta-longer"));
        assert!(!set.matches(b"alph"));
        assert!(!set.matches(b""));
    }
}
