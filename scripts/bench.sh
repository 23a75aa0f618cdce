#!/usr/bin/env bash
# Load benchmark: the generated loyalty service against a hand-written actix-web twin with the
# same logic, in one run, on loopback. Server pinned to core 0, wrk to core 1, 32 connections,
# 10% of answers 409. Prints per send mode: req/s of each, the ratio, p50/p99 latency, peak RSS,
# and time from process start to the first served request. Mode `full` turns on Basic auth, an
# e-mail validation rule and localized 409s on both sides (target: ratio >= 0.85).
#
#   scripts/bench.sh [SECONDS_PER_RUN]     (default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-10}"
port="${PERF_PORT:-8090}"
export PERF_BIND="127.0.0.1:$port"

if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk"
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq wrk >/dev/null; fi
fi
cores=$(nproc)
server_cpu=0; client_cpu=$(( cores > 1 ? 1 : 0 ))

cargo build --release -q -p claims-perf
bin=target/release

pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

start_server() { # name -> sets PID and STARTUP_MS
  local t0 t1
  t0=$(date +%s%N)
  taskset -c "$server_cpu" "$bin/$1" >/dev/null 2>&1 &
  PID=$!
  pids+=("$PID")
  for _ in $(seq 1 500); do
    if curl -sf -o /dev/null "http://$PERF_BIND/healthz" 2>/dev/null; then break; fi
    sleep 0.002
  done
  t1=$(date +%s%N)
  STARTUP_MS=$(( (t1 - t0) / 1000000 ))
}

stop_server() {
  kill "$1" 2>/dev/null || true
  for _ in $(seq 1 200); do kill -0 "$1" 2>/dev/null || break; sleep 0.01; done
}

peak_rss_mib() { awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }

declare -A RPS P50 P99 RSS START
for server in perf-twin perf-generated; do
  start_server "$server"
  START[$server]=$STARTUP_MS
  for mode in body form query header full; do
    # A short warm-up, then the measured run.
    MODE=$mode taskset -c "$client_cpu" wrk -t1 -c32 -d1s -s perf/wrk/loyalty.lua "http://$PERF_BIND" >/dev/null
    out=$(MODE=$mode taskset -c "$client_cpu" wrk -t1 -c32 -d"${secs}s" --latency -s perf/wrk/loyalty.lua "http://$PERF_BIND")
    read -r rps p50 p99 non2xx total < <(grep '^RESULT' <<<"$out" | cut -d' ' -f2-)
    RPS[$server,$mode]=$rps; P50[$server,$mode]=$p50; P99[$server,$mode]=$p99
    echo "$server $mode: $rps req/s, p50 ${p50} ms, p99 ${p99} ms, $non2xx of $total non-2xx" >&2
  done
  RSS[$server]=$(peak_rss_mib "$PID")
  stop_server "$PID"
done

printf '\n%-7s %12s %12s %7s %9s %9s %9s %9s\n' mode "twin req/s" "gen req/s" ratio "twin p50" "gen p50" "twin p99" "gen p99"
for mode in body form query header full; do
  t=${RPS[perf-twin,$mode]}; g=${RPS[perf-generated,$mode]}
  printf '%-7s %12.0f %12.0f %7.3f %8.3fms %8.3fms %8.3fms %8.3fms  (p99 ratio %.2f)\n' "$mode" "$t" "$g" \
    "$(awk -v g="$g" -v t="$t" 'BEGIN{print g/t}')" \
    "${P50[perf-twin,$mode]}" "${P50[perf-generated,$mode]}" "${P99[perf-twin,$mode]}" "${P99[perf-generated,$mode]}" \
    "$(awk -v g="${P99[perf-generated,$mode]}" -v t="${P99[perf-twin,$mode]}" 'BEGIN{ if (t > 0) print g/t; else print 0 }')"
done
printf '\npeak RSS: twin %s MiB, generated %s MiB\n' "${RSS[perf-twin]}" "${RSS[perf-generated]}"
printf 'start-up to first served request: twin %s ms, generated %s ms\n' "${START[perf-twin]}" "${START[perf-generated]}"
