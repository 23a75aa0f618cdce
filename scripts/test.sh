#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what the tests need, then checks
# formatting, lints, rustdoc links, and runs every test (unit, HTTP round trips, UI, XSD, doc tests).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v xmllint >/dev/null 2>&1 || need_apt+=(libxml2-utils)
# The Redis idempotency store and the two-instance tests (scale_out) run these on loopback.
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
command -v nginx >/dev/null 2>&1 || need_apt+=(nginx)
command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
# nm: the link test (b2c_only_link) reads a test binary's symbol table.
command -v nm >/dev/null 2>&1 || need_apt+=(binutils)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing ${need_apt[*]} (needed by the policy XSD, Redis, scale-out and link tests)"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  fi
fi

# The OpenAPI tests validate the document (openapi-spec-validator) and fuzz the running example
# against it (schemathesis); both are PyPI packages.
need_pip=()
python3 -c "import openapi_spec_validator" >/dev/null 2>&1 || need_pip+=(openapi-spec-validator)
python3 -c "import schemathesis" >/dev/null 2>&1 || need_pip+=(schemathesis)
if [ ${#need_pip[@]} -gt 0 ]; then
  echo "installing ${need_pip[*]} from PyPI (needed by the OpenAPI tests)"
  python3 -m pip install --quiet --disable-pip-version-check "${need_pip[@]}"
fi
# The Kubernetes manifest test (deploy_manifests) validates with the schemas this package ships.
if ! python3 -c "import kubernetes_validate" >/dev/null 2>&1; then
  echo "installing kubernetes-validate (needed by the deploy manifest test)"
  python3 -m pip install -q kubernetes-validate
fi

export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# The suite builds once and throws the build away: no incremental caches and no debug info (a
# failing test still reports its file and line). This keeps the target directory, trybuild's
# included, to about half its default size on small CI disks. Set either variable to override.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-0}"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# Rustdoc: no broken or ambiguous intra-doc link (a handler is both a function and a struct).
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked
# The runtime without its default features (a Basic-only service: no JWT stack) must build and
# refuse JWT handlers with a readable message.
cargo clippy -p claims-runtime --no-default-features --all-targets --locked -- -D warnings
cargo test -p claims-runtime --no-default-features --locked --lib
# OpenTelemetry (feature `otel`): spans reach a loopback OTLP/HTTP receiver.
cargo clippy -p claims-runtime --features otel --all-targets --locked -- -D warnings
cargo test -p claims-runtime --features otel --locked --test observe_otel
cargo test --workspace --locked
