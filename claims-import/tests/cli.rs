//! The `claims-import` binary: code to stdout or `--out`, reasons and the summary on stderr.

use std::path::Path;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_claims-import"))
}

fn policy(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/policies")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn writes_code_to_stdout_and_the_summary_to_stderr() {
    let out = bin()
        .arg(policy("TrustFrameworkExtensions.xml"))
        .arg(policy("more-profiles.xml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stdout.contains("pub async fn validate_email("), "{stdout}");
    assert!(stderr.contains("REST-Audit: refused"), "{stderr}");
    assert!(
        stderr.contains("| REST-SignUp | imported as `sign_up` |"),
        "{stderr}"
    );
    assert!(
        stderr.contains("16 imported, 4 refused, 3 skipped"),
        "{stderr}"
    );
}

#[test]
fn writes_the_out_file_and_strict_fails_on_refusals() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("handlers.rs");
    let out = bin()
        .arg(policy("TrustFrameworkExtensions.xml"))
        .arg("--out")
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(out.stdout.is_empty(), "the code goes to the file only");
    let code = std::fs::read_to_string(&file).unwrap();
    assert!(code.contains("#[::claims_runtime::claims_handler("));

    let out = bin()
        .arg(policy("TrustFrameworkExtensions.xml"))
        .arg("--strict")
        .arg("--out")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn malformed_xml_is_a_readable_error() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad.xml");
    std::fs::write(
        &file,
        "<TechnicalProfiles><TechnicalProfile Id=\"x\"></TechnicalProfiles>",
    )
    .unwrap();
    let out = bin().arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("bad.xml") && stderr.contains("policy XML error"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
