//! `AuthenticationType=Basic`: `Authorization: Basic base64(user:password)`, compared in constant
//! time against every active credential pair.

use actix_web::HttpRequest;
use base64::Engine;
use subtle::Choice;

use super::secrets::{Secret, digest};
use super::{Denied, authorization};

/// The `WWW-Authenticate` challenge of a Basic 401.
pub const CHALLENGE: &str = r#"Basic realm="b2c""#;

/// The active Basic credential pairs (digests only; the plain secrets are not kept).
#[derive(Clone)]
pub(crate) struct BasicGuard {
    pairs: Vec<([u8; 16], [u8; 16])>,
}

impl BasicGuard {
    pub(crate) fn new(pairs: &[(Secret, Secret)]) -> Self {
        BasicGuard {
            pairs: pairs
                .iter()
                .map(|(u, p)| (digest(u.expose().as_bytes()), digest(p.expose().as_bytes())))
                .collect(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.pairs.len()
    }

    pub(crate) fn check(&self, req: &HttpRequest) -> Result<(), Denied> {
        let deny = |why: &'static str| Denied::unauthorized(why, Some(CHALLENGE));
        let (scheme, param) = authorization(req).map_err(deny)?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return Err(deny(
                "the Authorization header does not use the Basic scheme",
            ));
        }
        if param.is_empty() {
            return Err(deny("empty Basic credentials"));
        }
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(param)
            .map_err(|_| deny("the Basic credentials are not valid base64"))?;
        if std::str::from_utf8(&decoded).is_err() {
            return Err(deny("the Basic credentials are not UTF-8"));
        }
        let Some(colon) = decoded.iter().position(|&b| b == b':') else {
            return Err(deny(
                "the Basic credentials have no ':' between user and password",
            ));
        };
        let user = digest(&decoded[..colon]);
        let pass = digest(&decoded[colon + 1..]);
        if self.matches(&user, &pass) {
            Ok(())
        } else {
            Err(deny("wrong Basic user name or password"))
        }
    }

    /// Compares with every pair, no early exit.
    fn matches(&self, user: &[u8; 16], pass: &[u8; 16]) -> bool {
        use subtle::ConstantTimeEq;
        let mut any = Choice::from(0);
        for (u, p) in &self.pairs {
            any |= u.ct_eq(user) & p.ct_eq(pass);
        }
        any.into()
    }
}
