#!/usr/bin/env bash
# Load benchmark: the generated loyalty service against a hand-written actix-web twin with the
# same logic, in one run, on loopback. Server pinned to core 0, wrk to core 1, 32 connections,
# 10% of answers 409. Prints per send mode: req/s of each, the ratio, p50/p99 latency, peak RSS,
# and time from process start to the first served request. Mode `full` turns on Basic auth, an
# e-mail validation rule and localized 409s on both sides (target: ratio >= 0.85).
#
#   scripts/bench.sh [SECONDS_PER_RUN]     (default 10)
#
# `--observe` measures the cost of observability instead: the generated service as above (no log
# subscriber, no metrics endpoint) against the same binary with PERF_OBSERVE=1 (a JSON access
# line per request at info, written to PERF_LOG, default /dev/null, and Prometheus metrics on
# their own port, scraped once a second during the run). Target: observed/plain >= 0.90.
#
#   scripts/bench.sh --observe [SECONDS_PER_RUN]
set -euo pipefail
cd "$(dirname "$0")/.."
observe=0
if [ "${1:-}" = "--observe" ]; then observe=1; shift; fi
secs="${1:-10}"
port="${PERF_PORT:-8090}"

if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk"
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq wrk >/dev/null; fi
fi
cores=$(nproc)
server_cpu=0; client_cpu=$(( cores > 1 ? 1 : 0 ))

cargo build --release -q -p claims-perf
bin="${CARGO_TARGET_DIR:-target}/release"

pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

declare -A PORT=([perf-twin]=$port [perf-generated]=$((port + 1)) [perf-observed]=$((port + 2)))
metrics_addr="127.0.0.1:$((port + 3))"
declare -A PIDS START
start_server() { # name -> records PID and start-up time
  local t0 t1 pid addr="127.0.0.1:${PORT[$1]}"
  t0=$(date +%s%N)
  if [ "$1" = perf-observed ]; then
    PERF_OBSERVE=1 PERF_METRICS_BIND=$metrics_addr PERF_BIND=$addr taskset -c "$server_cpu" \
      "$bin/perf-generated" >/dev/null 2>>"${PERF_LOG:-/dev/null}" &
  else
    PERF_BIND=$addr taskset -c "$server_cpu" "$bin/$1" >/dev/null 2>&1 &
  fi
  pid=$!
  pids+=("$pid"); PIDS[$1]=$pid
  for _ in $(seq 1 500); do
    if curl -sf -o /dev/null "http://$addr/healthz" 2>/dev/null; then break; fi
    sleep 0.002
  done
  t1=$(date +%s%N)
  START[$1]=$(( (t1 - t0) / 1000000 ))
}

peak_rss_mib() { awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }

# Both servers run at once on the same core (an idle one costs nothing); modes alternate between
# them over two rounds and each keeps its best run, so drift on a noisy machine hits both alike.
if [ "$observe" = 1 ]; then
  base=perf-generated; cand=perf-observed
  # A scraper like Prometheus's, once a second.
  ( while sleep 1; do curl -sf -o /dev/null "http://$metrics_addr/metrics" || true; done ) &
  pids+=("$!")
else
  base=perf-twin; cand=perf-generated
fi
start_server "$base"
start_server "$cand"
declare -A RPS P50 P99
for round in 1 2; do
  for mode in body form query header full; do
    for server in "$base" "$cand"; do
      url="http://127.0.0.1:${PORT[$server]}"
      MODE=$mode taskset -c "$client_cpu" wrk -t1 -c32 -d1s -s perf/wrk/loyalty.lua "$url" >/dev/null
      out=$(MODE=$mode taskset -c "$client_cpu" wrk -t1 -c32 -d"${secs}s" --latency -s perf/wrk/loyalty.lua "$url")
      read -r rps p50 p99 non2xx total < <(grep '^RESULT' <<<"$out" | cut -d' ' -f2-)
      echo "round $round $server $mode: $rps req/s, p50 ${p50} ms, p99 ${p99} ms, $non2xx of $total non-2xx" >&2
      if awk -v a="$rps" -v b="${RPS[$server,$mode]:-0}" 'BEGIN { exit !(a > b) }'; then
        RPS[$server,$mode]=$rps; P50[$server,$mode]=$p50; P99[$server,$mode]=$p99
      fi
    done
  done
done
declare -A RSS=([$base]=$(peak_rss_mib "${PIDS[$base]}") [$cand]=$(peak_rss_mib "${PIDS[$cand]}"))

if [ "$observe" = 1 ]; then
  printf '\n%-7s %12s %12s %7s %9s %9s %9s %9s\n' mode "plain req/s" "obs req/s" ratio "plain p50" "obs p50" "plain p99" "obs p99"
else
  printf '\n%-7s %12s %12s %7s %9s %9s %9s %9s\n' mode "twin req/s" "gen req/s" ratio "twin p50" "gen p50" "twin p99" "gen p99"
fi
for mode in body form query header full; do
  t=${RPS[$base,$mode]}; g=${RPS[$cand,$mode]}
  printf '%-7s %12.0f %12.0f %7.3f %8.3fms %8.3fms %8.3fms %8.3fms  (p99 ratio %.2f)\n' "$mode" "$t" "$g" \
    "$(awk -v g="$g" -v t="$t" 'BEGIN{print g/t}')" \
    "${P50[$base,$mode]}" "${P50[$cand,$mode]}" "${P99[$base,$mode]}" "${P99[$cand,$mode]}" \
    "$(awk -v g="${P99[$cand,$mode]}" -v t="${P99[$base,$mode]}" 'BEGIN{ if (t > 0) print g/t; else print 0 }')"
done
printf '\npeak RSS: %s %s MiB, %s %s MiB\n' "$base" "${RSS[$base]}" "$cand" "${RSS[$cand]}"
printf 'start-up to first served request: %s %s ms, %s %s ms\n' "$base" "${START[$base]}" "$cand" "${START[$cand]}"
