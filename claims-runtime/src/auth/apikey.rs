//! `AuthenticationType=ApiKeyHeader`: the header named by the key Id carries the secret.

use actix_web::HttpRequest;

use super::Denied;
use super::secrets::SecretSet;

/// The `WWW-Authenticate` challenge of an ApiKeyHeader 401: names the header to send.
pub(crate) fn challenge(header: &str) -> String {
    format!(r#"ApiKey realm="b2c", header="{header}""#)
}

pub(crate) fn check(keys: &SecretSet, header: &str, req: &HttpRequest) -> Result<(), Denied> {
    let deny =
        |why: &'static str| Denied::unauthorized(why, None).with_challenge(challenge(header));
    let mut values = req.headers().get_all(header);
    let Some(value) = values.next() else {
        return Err(deny("the API key header is missing"));
    };
    if values.next().is_some() {
        return Err(deny("the API key header was sent more than once"));
    }
    let bytes = value.as_bytes();
    // Leading/trailing whitespace is not part of a header value; actix already trims it.
    if bytes.is_empty() {
        return Err(deny("the API key header is empty"));
    }
    if keys.matches(bytes) {
        Ok(())
    } else {
        Err(deny("wrong API key"))
    }
}
