#!/usr/bin/env bash
# Soak test (not part of the suite): drives the loyalty example at saturation for DURATION seconds
# (default 300) in 10-second slices, and reports per slice: requests, req/s, p99, socket errors,
# 409s, unexpected statuses, and the server's RSS. Fails if any unexpected status or socket error
# occurs or if RSS keeps growing.
#
#   scripts/soak.sh [DURATION_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-300}"
slice=10
port="${SOAK_PORT:-8091}"
command -v wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q -p loyalty-example

export CLAIMS_BASIC_USERNAME=soak CLAIMS_BASIC_PASSWORD="soak-$RANDOM$RANDOM"
export SOAK_AUTH="Basic $(printf '%s:%s' "$CLAIMS_BASIC_USERNAME" "$CLAIMS_BASIC_PASSWORD" | base64 -w0)"
cores=$(nproc); client_cpu=$(( cores > 1 ? 1 : 0 ))
taskset -c 0 target/release/loyalty serve --bind "127.0.0.1:$port" >/dev/null 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 500); do curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.01; done

rss() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$pid/status"; }
printf '%6s %9s %9s %8s %6s %7s %6s %9s\n' t requests "req/s" "p99 ms" sock 409s unexp "RSS MiB"
bad=0; first_rss=""; last_rss=""
for ((t = slice; t <= duration; t += slice)); do
  out=$(taskset -c "$client_cpu" wrk -t1 -c32 -d"${slice}s" -s perf/wrk/soak.lua "http://127.0.0.1:$port")
  read -r n rps p99 sock non2xx unexpected < <(grep '^SOAK' <<<"$out" | cut -d' ' -f2-)
  r=$(rss); first_rss=${first_rss:-$r}; last_rss=$r
  printf '%6s %9s %9s %8s %6s %7s %6s %9s\n' "$t" "$n" "$rps" "$p99" "$sock" "$non2xx" "$unexpected" "$r"
  if [ "$sock" -gt 0 ] || [ "$unexpected" -gt 0 ]; then bad=1; fi
done
kill -0 "$pid" || { echo "the server died"; exit 1; }
echo "RSS first slice ${first_rss} MiB, last slice ${last_rss} MiB"
awk -v a="$first_rss" -v b="$last_rss" 'BEGIN { exit !(b > a * 1.5 + 2) }' && { echo "RSS grew by more than half"; bad=1; }
[ "$bad" -eq 0 ] && echo "soak passed" || { echo "soak FAILED"; exit 1; }
