#!/usr/bin/env bash
# Runs every cargo-fuzz target for SECONDS each (default 60) and prints executions and findings.
# Needs the nightly toolchain (present on these machines); installs cargo-fuzz when missing.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs="${1:-60}"
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
for t in scan_json scan_urlencoded decode_claims output_paths; do
  mkdir -p "corpus/$t"
  log="$(mktemp)"
  if cargo +nightly fuzz run "$t" "corpus/$t" -- -max_total_time="$secs" -max_len=4096 >"$log" 2>&1; then
    result="no findings"
  else
    result="FINDING (see fuzz/artifacts/$t)"
  fi
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || grep -oE '#[0-9]+' "$log" | tail -1 | tr -d '#')
  echo "$t: ${execs:-?} executions in ${secs}s, $result"
  rm -f "$log"
done
