//! `AuthenticationType=Bearer` with a static token (`BearerAuthenticationToken` policy key).

use actix_web::HttpRequest;

use super::{Denied, authorization};

/// The challenge of a 401 without any bearer token.
pub const CHALLENGE_MISSING: &str = r#"Bearer realm="b2c""#;
/// The challenge of a 401 for a bad bearer token.
pub const CHALLENGE_INVALID: &str = r#"Bearer realm="b2c", error="invalid_token""#;
/// The challenge of a 403 (valid token, caller not allowed).
pub const CHALLENGE_FORBIDDEN: &str = r#"Bearer realm="b2c", error="insufficient_scope""#;

/// The bearer token of the request, or why there is none.
pub(crate) fn token(req: &HttpRequest) -> Result<&str, Denied> {
    let (scheme, param) = authorization(req).map_err(|why| {
        let challenge = if why == super::MISSING {
            CHALLENGE_MISSING
        } else {
            CHALLENGE_INVALID
        };
        Denied::unauthorized(why, Some(challenge))
    })?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(Denied::unauthorized(
            "the Authorization header does not use the Bearer scheme",
            Some(CHALLENGE_MISSING),
        ));
    }
    if param.is_empty() {
        return Err(Denied::unauthorized(
            "empty bearer token",
            Some(CHALLENGE_INVALID),
        ));
    }
    Ok(param)
}
