//! Settings every test that starts the example binary gives it: the example answers Entra, and
//! the framework refuses to start Entra routes without their token settings.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// The tenant of the test tokens.
pub const TENANT_ID: &str = "72f988bf-0000-4000-8000-00000000e17a";
/// The extension's app registration (the tokens' audience).
pub const ENTRA_APP_ID: &str = "6c9f1a2e-3b4d-4e5f-8a7b-1c2d3e4f5a6b";

/// A JWK set file outside the test's working folder (tests check that folder stays empty).
fn jwks_file() -> &'static PathBuf {
    static FILE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &FILE
        .get_or_init(|| {
            let dir = tempfile::tempdir().expect("a temporary folder");
            let path = dir.path().join("jwks.json");
            std::fs::write(&path, r#"{"keys": []}"#).expect("the JWKS file is written");
            (dir, path)
        })
        .1
}

/// Adds the Entra token settings (`CLAIMS_JWT_*`) to `cmd`.
pub fn entra_env(cmd: &mut Command) -> &mut Command {
    cmd.env("CLAIMS_JWT_JWKS", jwks_file())
        .env(
            "CLAIMS_JWT_ISSUER",
            format!("https://login.microsoftonline.com/{TENANT_ID}/v2.0"),
        )
        .env("CLAIMS_JWT_AUDIENCE", ENTRA_APP_ID)
        .env_remove("CLAIMS_JWT_METADATA_URL")
}
