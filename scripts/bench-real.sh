#!/usr/bin/env bash
# The realistic benchmark: the generated service (four input claims, two optional, an LCID
# culture; two outputs; 10% localized 409s in four languages) against the same service written
# by hand on actix-web with serde extractors, in four send modes.
#
# Three measures:
#  - instructions per request (valgrind callgrind; repeatable on a shared machine): each server
#    runs the same fixed request mix twice, N1 and N2 requests, and (I(N2) - I(N1)) / (N2 - N1)
#    removes start-up and shutdown; the generated service without, with metrics, and with
#    metrics and JSON access lines. The same runs count first-level instruction-cache misses
#    per request with callgrind's cache model: the size of the code a request runs, which
#    decides req/s as much as the instruction count does;
#  - peak RSS (VmHWM) after MEM_REQUESTS (8,000) body requests over one connection, MEM_RUNS
#    (10) runs of each configuration, interleaved: lowest, median, highest;
#  - req/s and p99 with wrk (server on core 0, wrk on core 1, 32 connections), modes and
#    servers interleaved over ROUNDS rounds, the server measured first alternating from round
#    to round (a run can be slowed by the one just before it); reported: the median over rounds
#    of each server, and the median of the rounds' own ratios (each pair measured back to
#    back, so slow drift of the machine cancels), with peak RSS.
#
#   scripts/bench-real.sh [SECONDS_PER_RUN] [ROUNDS]     (default 5 s, 3 rounds)
#   ONLY=instructions|memory|load scripts/bench-real.sh   (one measure)
#   MODES="body query" scripts/bench-real.sh              (some send modes only)
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-5}"
rounds="${2:-3}"
only="${ONLY:-}"
port="${PERF_PORT:-8190}"
n1="${N1:-200}"
n2="${N2:-1200}"
read -r -a modes <<<"${MODES:-body form query header}"
servers=(perf-real-twin perf-real-generated)

need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v valgrind >/dev/null 2>&1 || need+=(valgrind)
command -v ss >/dev/null 2>&1 || need+=(iproute2)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null
  else sudo apt-get update -qq && sudo apt-get install -y -qq "${need[@]}" >/dev/null; fi
fi
cores=$(nproc)
server_cpu=0; client_cpu=$(( cores > 1 ? 1 : 0 ))

cargo build --release -q -p claims-perf
bin="${CARGO_TARGET_DIR:-target}/release"
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

listening() { ss -ltnH "sport = :$1" | grep -q .; }

# The generated service is measured in three configurations (PERF_OBSERVE, see real_generated.rs):
# `bare` (handlers only, no access-log/metrics middleware), `metrics` (App::server as shipped,
# no log subscriber) and `logs` (plus JSON access lines on standard error).
configs=(twin bare metrics logs)
declare -A CBIN=([twin]=perf-real-twin [bare]=perf-real-generated [metrics]=perf-real-generated [logs]=perf-real-generated)
if [ -z "$only" ] || [ "$only" = instructions ]; then
  declare -A IR I1
  for c in "${configs[@]}"; do
    for mode in "${modes[@]}"; do
      for n in "$n1" "$n2"; do
        out="$tmp/cg.$c.$mode.$n"
        PERF_OBSERVE="$c" PERF_BIND="127.0.0.1:$port" valgrind --tool=callgrind --cache-sim=yes \
          --callgrind-out-file="$out" \
          "$bin/${CBIN[$c]}" >/dev/null 2>"$tmp/vg.log" &
        pid=$!; pids+=("$pid")
        for _ in $(seq 1 600); do listening "$port" && break; sleep 0.05; done
        python3 perf/real_mix.py "127.0.0.1:$port" "$mode" "$n"
        kill -TERM "$pid"; wait "$pid" || true
        IR[$c,$mode,$n]=$(awk '/^(summary|totals):/ {print $2; exit}' "$out")
        # The events line names the columns; I1mr is the first-level instruction-cache misses.
        I1[$c,$mode,$n]=$(awk '/^events:/ {for (i = 2; i <= NF; i++) if ($i == "I1mr") col = i}
          /^(summary|totals):/ {print $col; exit}' "$out")
      done
    done
  done
  # One table: the per-request count ((N2 run - N1 run) / (N2 - N1)) of each configuration in
  # the array named $2, with its ratio against the twin.
  per_request_table() {
    local -n counts=$2
    local mode c
    printf '\n%s\n' "$1"
    printf '%-7s %8s %8s %6s %8s %6s %8s %6s\n' mode twin bare ratio metrics ratio logs ratio
    for mode in "${modes[@]}"; do
      local -A per=()
      for c in "${configs[@]}"; do
        per[$c]=$(( (counts[$c,$mode,$n2] - counts[$c,$mode,$n1]) / (n2 - n1) ))
      done
      printf '%-7s %8d' "$mode" "${per[twin]}"
      for c in bare metrics logs; do
        printf ' %8d %6s' "${per[$c]}" \
          "$(awk -v g="${per[$c]}" -v t="${per[twin]}" 'BEGIN{printf "%.3f", g/t}')"
      done
      printf '\n'
    done
  }
  per_request_table "instructions per request (callgrind, (I($n2) - I($n1)) / $((n2 - n1))); ratios against the twin" IR
  per_request_table "first-level instruction-cache misses per request (callgrind --cache-sim=yes)" I1
fi

if [ -z "$only" ] || [ "$only" = memory ]; then
  mem_requests="${MEM_REQUESTS:-8000}"
  mem_runs="${MEM_RUNS:-10}"
  declare -A HWM
  for _ in $(seq 1 "$mem_runs"); do
    for c in "${configs[@]}"; do
      PERF_OBSERVE="$c" PERF_BIND="127.0.0.1:$port" "$bin/${CBIN[$c]}" >/dev/null 2>&1 &
      pid=$!; pids+=("$pid")
      for _ in $(seq 1 500); do listening "$port" && break; sleep 0.01; done
      python3 perf/real_mix.py "127.0.0.1:$port" body "$mem_requests"
      HWM[$c]+="$(awk '/VmHWM/ {print $2}' "/proc/$pid/status") "
      kill -TERM "$pid"; wait "$pid" || true
      while listening "$port"; do sleep 0.01; done
    done
  done
  printf '\npeak RSS after %d body requests over one connection, %d runs (MiB: lowest median highest)\n' \
    "$mem_requests" "$mem_runs"
  for c in "${configs[@]}"; do
    tr ' ' '\n' <<<"${HWM[$c]}" | grep . | sort -n | awk -v c="$c" '{a[NR]=$1}
      END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2;
           printf "%-8s %6.2f %6.2f %6.2f\n", c, a[1]/1024, m/1024, a[NR]/1024}'
  done
fi

if [ -z "$only" ] || [ "$only" = load ]; then
  declare -A PORT=([perf-real-twin]=$port [perf-real-generated]=$((port + 1)))
  declare -A PIDS
  for server in "${servers[@]}"; do
    PERF_BIND="127.0.0.1:${PORT[$server]}" taskset -c "$server_cpu" "$bin/$server" >/dev/null 2>&1 &
    pid=$!; pids+=("$pid"); PIDS[$server]=$pid
    for _ in $(seq 1 500); do listening "${PORT[$server]}" && break; sleep 0.01; done
  done
  declare -A RUNS P99S RATIOS
  for round in $(seq 1 "$rounds"); do
    order=("${servers[@]}")
    if (( round % 2 == 0 )); then order=("${servers[1]}" "${servers[0]}"); fi
    for mode in "${modes[@]}"; do
      declare -A this=()
      for server in "${order[@]}"; do
        url="http://127.0.0.1:${PORT[$server]}"
        MODE=$mode taskset -c "$client_cpu" wrk -t1 -c32 -d1s -s perf/wrk/real.lua "$url" >/dev/null
        res=$(MODE=$mode taskset -c "$client_cpu" wrk -t1 -c32 -d"${secs}s" --latency -s perf/wrk/real.lua "$url")
        read -r rps p50 p99 non2xx total < <(grep '^RESULT' <<<"$res" | cut -d' ' -f2-)
        echo "round $round $server $mode: $rps req/s, p50 $p50 ms, p99 $p99 ms, $non2xx of $total non-2xx" >&2
        RUNS[$server,$mode]+="$rps "; P99S[$server,$mode]+="$p99 "; this[$server]=$rps
      done
      RATIOS[$mode]+="$(awk -v g="${this[perf-real-generated]}" -v t="${this[perf-real-twin]}" 'BEGIN{print g/t}') "
    done
  done
  median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
  printf '\nreq/s and p99 (median of %d interleaved runs of %d s)\n' "$rounds" "$secs"
  printf '%-7s %12s %12s %7s %7s %10s %10s\n' mode "twin req/s" "gen req/s" ratio paired "twin p99" "gen p99"
  for mode in "${modes[@]}"; do
    t=$(median <<<"${RUNS[perf-real-twin,$mode]}"); g=$(median <<<"${RUNS[perf-real-generated,$mode]}")
    tp=$(median <<<"${P99S[perf-real-twin,$mode]}"); gp=$(median <<<"${P99S[perf-real-generated,$mode]}")
    printf '%-7s %12.0f %12.0f %7.3f %7.3f %8.3fms %8.3fms\n' "$mode" "$t" "$g" \
      "$(awk -v g="$g" -v t="$t" 'BEGIN{print g/t}')" "$(median <<<"${RATIOS[$mode]}")" "$tp" "$gp"
  done
  rss() { awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }
  printf '\npeak RSS: twin %s MiB, generated %s MiB\n' "$(rss "${PIDS[perf-real-twin]}")" "$(rss "${PIDS[perf-real-generated]}")"
fi
