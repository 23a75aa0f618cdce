//! The deployment files in `deploy/`: the Kubernetes manifests validate against the Kubernetes
//! schemas (`kubernetes-validate`, which ships them: nothing is downloaded), and the container
//! image and manifests keep the properties the docs promise.

use std::path::{Path, PathBuf};
use std::process::Command;

const INSTALL: &str = "install kubernetes-validate (pip install kubernetes-validate)";

fn deploy() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy")
}

fn manifests() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(deploy().join("kubernetes"))
        .expect("deploy/kubernetes exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// Runs `kubernetes-validate --strict` on `files`: (success, output).
fn validate(files: &[PathBuf]) -> (bool, String) {
    let out = Command::new("python3")
        .args(["-m", "kubernetes_validate", "--strict", "--quiet"])
        .args(files)
        .output()
        .unwrap_or_else(|e| panic!("{INSTALL}: python3 does not run: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !text.contains("No module named"),
        "{INSTALL}: {}",
        text.trim()
    );
    (out.status.success(), text)
}

#[test]
fn kubernetes_manifests_validate_against_the_schemas() {
    let files = manifests();
    assert!(files.len() >= 3, "manifests: {files:?}");
    let (ok, out) = validate(&files);
    assert!(ok, "the manifests do not validate:\n{out}");

    // The validator really checks: a broken copy is refused.
    let broken = std::env::temp_dir().join(format!("claims-broken-{}.yaml", std::process::id()));
    let text = std::fs::read_to_string(deploy().join("kubernetes/deployment.yaml")).unwrap();
    std::fs::write(&broken, text.replace("replicas: 2", "replicas: two")).unwrap();
    let (ok, out) = validate(std::slice::from_ref(&broken));
    let _ = std::fs::remove_file(&broken);
    assert!(!ok, "a broken manifest passed: {out}");
}

#[test]
fn deployment_probes_security_and_metrics() {
    let d = std::fs::read_to_string(deploy().join("kubernetes/deployment.yaml")).unwrap();
    for needed in [
        "kind: Deployment",
        "kind: PodDisruptionBudget",
        "kind: HorizontalPodAutoscaler",
        "readinessProbe:\n            httpGet:\n              path: /readyz",
        "livenessProbe:\n            httpGet:\n              path: /healthz",
        "readOnlyRootFilesystem: true",
        "runAsNonRoot: true",
        "prometheus.io/port: \"9464\"",
        "CLAIMS_METRICS_BIND",
        "secretRef:\n                name: loyalty-secrets",
    ] {
        assert!(d.contains(needed), "deployment.yaml lacks {needed:?}");
    }
    let secret = std::fs::read_to_string(deploy().join("kubernetes/secret.yaml")).unwrap();
    assert!(secret.contains("CLAIMS_IDEMPOTENCY_REDIS_URL"));
    // Secrets come from the Secret, never from the Deployment.
    assert!(!d.contains("CLAIMS_BASIC_PASSWORD"));
}

#[test]
fn container_image_is_multi_stage_non_root_with_a_health_check() {
    let f = std::fs::read_to_string(deploy().join("Dockerfile")).unwrap();
    assert_eq!(f.matches("\nFROM ").count(), 2, "a build and a run stage");
    assert!(f.contains("COPY --from=build"));
    let user = f
        .lines()
        .filter_map(|l| l.strip_prefix("USER "))
        .next_back()
        .expect("a USER line");
    assert!(
        !user.starts_with("root") && !user.starts_with('0'),
        "{user}"
    );
    assert!(f.contains("HEALTHCHECK") && f.contains("/healthz"));
}
