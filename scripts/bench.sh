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
# Mode `scale` measures scale-out instead: the loyalty example (release build) answering
# POST /capitalize with Basic auth, (1) one instance direct, (2) one instance behind nginx,
# (3) two instances behind nginx (round robin), both sharing one Redis for idempotent answers.
# Instances and nginx share core 0 (core 1 drives wrk), so on a 2-core machine this shows what
# the proxy and a second process cost, not what a second machine would add.
#
#   scripts/bench.sh scale [SECONDS_PER_RUN]
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null; fi
}

if [ "${1:-}" = scale ]; then
  secs="${2:-10}"
  need=()
  for tool in wrk nginx redis-server; do command -v "$tool" >/dev/null 2>&1 || need+=("$tool"); done
  if [ ${#need[@]} -gt 0 ]; then echo "installing ${need[*]}"; apt_install "${need[@]}"; fi
  cores=$(nproc); client_cpu=$(( cores > 1 ? 1 : 0 ))
  cargo build --release -q -p loyalty-example --bin loyalty
  loyalty="${CARGO_TARGET_DIR:-$PWD/target}/release/loyalty"
  tmp=$(mktemp -d)
  pids=()
  cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
  trap cleanup EXIT
  base="${PERF_PORT:-8190}"
  redis_port=$base; a=$((base + 1)); b=$((base + 2)); lb_two=$((base + 3)); lb_one=$((base + 4))
  wait_port() { for _ in $(seq 1 500); do (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.01; done; echo "nothing listens on $1" >&2; return 1; }
  taskset -c 0 redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null 2>&1 &
  pids+=("$!"); wait_port "$redis_port"
  for port in "$a" "$b"; do
    mkdir -p "$tmp/$port"
    (cd "$tmp/$port" && exec env CLAIMS_BASIC_USERNAME=bench CLAIMS_BASIC_PASSWORD=bench-password-0123456789 \
      CLAIMS_IDEMPOTENCY_REDIS_URL="redis://127.0.0.1:$redis_port/" \
      taskset -c 0 "$loyalty" serve --bind "127.0.0.1:$port" >/dev/null 2>&1) &
    pids+=("$!"); wait_port "$port"
  done
  cat >"$tmp/nginx.conf" <<CONF
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $tmp/body; proxy_temp_path $tmp/proxy; fastcgi_temp_path $tmp/fastcgi;
  uwsgi_temp_path $tmp/uwsgi; scgi_temp_path $tmp/scgi;
  upstream two { server 127.0.0.1:$a; server 127.0.0.1:$b; keepalive 64; }
  upstream one { server 127.0.0.1:$a; keepalive 64; }
  server { listen 127.0.0.1:$lb_two;
    location / { proxy_pass http://two; proxy_http_version 1.1; proxy_set_header Connection "";
                 proxy_next_upstream error timeout non_idempotent; } }
  server { listen 127.0.0.1:$lb_one;
    location / { proxy_pass http://one; proxy_http_version 1.1; proxy_set_header Connection ""; } }
}
CONF
  taskset -c 0 nginx -p "$tmp" -e "$tmp/error.log" -c "$tmp/nginx.conf" -g 'daemon off;' &
  pids+=("$!"); wait_port "$lb_two"
  cat >"$tmp/scale.lua" <<'LUA'
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("POST", "/capitalize", {["Content-Type"] = "application/json",
    ["Authorization"] = "Basic YmVuY2g6YmVuY2gtcGFzc3dvcmQtMDEyMzQ1Njc4OQ=="},
    '{"givenName":"jérôme ' .. counter % 1000 .. '","surname":"o\'neil"}')
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %.1f %.3f %.3f %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.requests))
end
LUA
  printf '%-34s %10s %9s %9s %s\n' setup "req/s" p50 p99 non-2xx
  for target in "one instance, direct:$a" "one instance behind nginx:$lb_one" "two instances behind nginx:$lb_two"; do
    name=${target%%:*}; port=${target##*:}
    taskset -c "$client_cpu" wrk -t1 -c32 -d1s -s "$tmp/scale.lua" "http://127.0.0.1:$port" >/dev/null
    out=$(taskset -c "$client_cpu" wrk -t1 -c32 -d"${secs}s" --latency -s "$tmp/scale.lua" "http://127.0.0.1:$port")
    read -r rps p50 p99 non2xx total < <(grep '^RESULT' <<<"$out" | cut -d' ' -f2-)
    printf '%-34s %10.0f %7.3fms %7.3fms %s of %s\n' "$name" "$rps" "$p50" "$p99" "$non2xx" "$total"
  done
  exit 0
fi
observe=0
if [ "${1:-}" = "--observe" ]; then observe=1; shift; fi
secs="${1:-10}"
port="${PERF_PORT:-8090}"

if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk"
  apt_install wrk
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
