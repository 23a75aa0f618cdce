//! The example binary asks the framework whether it is in production: `CLAIMS_PRODUCTION=1` (or
//! `yes`, `on`) must not print fresh development credentials and serve with them.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod support;

#[test]
fn example_prints_no_dev_credentials_when_production_is_1() {
    // The database goes to ./data of a temporary folder, not of the source tree.
    let dir = tempfile::tempdir().unwrap();
    for value in ["1", "yes", "on", "TRUE"] {
        let mut child = support::entra_env(
            Command::new(env!("CARGO_BIN_EXE_loyalty"))
                .current_dir(dir.path())
                .args(["serve", "--bind", "127.0.0.1:0"])
                .env_clear(),
        )
        .env("CLAIMS_PRODUCTION", value)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the example binary runs");
        // Refused at startup; a binary that serves instead is stopped here and the test fails.
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if started.elapsed() > Duration::from_secs(30) {
                child.kill().unwrap();
                child.wait().unwrap();
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut stderr)
            .unwrap();
        assert!(
            !stderr.contains("development mode"),
            "CLAIMS_PRODUCTION={value}: {stderr}"
        );
        let status = status.unwrap_or_else(|| panic!("CLAIMS_PRODUCTION={value} served: {stderr}"));
        assert!(!status.success(), "CLAIMS_PRODUCTION={value}: {stderr}");
        assert!(
            stderr.contains("CLAIMS_BASIC"),
            "names what is missing: {stderr}"
        );
    }
}
