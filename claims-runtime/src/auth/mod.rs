//! Caller authentication: the guard each handler's `AuthenticationType` implies.

use actix_web::HttpRequest;

use crate::descriptor::{AuthSpec, HandlerSpec};
use crate::error::ClaimsError;

/// App-wide authentication settings.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// The scheme for handlers that declare none (`AuthSpec::Inherit`).
    pub default: AuthSpec,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            default: AuthSpec::None,
        }
    }
}

impl AuthConfig {
    /// The scheme that guards `spec`.
    pub fn effective(&self, spec: &HandlerSpec) -> AuthSpec {
        match spec.auth {
            AuthSpec::Inherit => self.default,
            other => other,
        }
    }

    /// Checks the caller of `spec`.
    pub fn authorize(&self, spec: &HandlerSpec, _req: &HttpRequest) -> Result<(), ClaimsError> {
        match self.effective(spec) {
            AuthSpec::None | AuthSpec::Inherit => Ok(()),
            other => Err(ClaimsError::internal(format!(
                "{}: AuthenticationType {} is not supported yet",
                spec.technical_profile,
                other.authentication_type().unwrap_or("?")
            ))),
        }
    }
}
