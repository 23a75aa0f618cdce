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
#    (10) runs of each configuration, and under wrk -c32 (2 s in each send mode), MEM_LOAD_RUNS
#    (6) runs; interleaved: lowest, median, highest; then the resident code each configuration
#    is expected to have, from the addresses of the instructions it runs (perf/resident_code.py),
#    which does not vary from run to run;
#  - req/s, server CPU time per request and p99 with wrk (server on core 0, wrk on core 1, 32
#    connections) for the twin, the generated handlers alone (`bare`) and as shipped
#    (`metrics`); modes and servers interleaved over ROUNDS rounds, the server measured first
#    rotating from round to round (a run can be slowed by the one just before it); reported:
#    the median over rounds of each server, and the median of the rounds' own ratios (runs of
#    one round are back to back, so slow drift of the machine cancels) with its 95% confidence
#    interval, with peak RSS. Other tenants of the machine move a run by 10-20%: many short
#    rounds (`2 25`) give a tighter interval than a few long ones;
#  - head to head (`h2h`, not part of the default run): the twin and one generated
#    configuration on the same core, each loaded by its own wrk at the same time for
#    SECONDS_PER_RUN, ROUNDS times per mode. The scheduler shares the core between the two, so
#    the ratio of their req/s is the inverse ratio of their CPU cost per request, measured under
#    the same conditions at the same moment: other tenants of the machine slow both alike. The
#    runs of one invocation agree within 2-5%; between invocations a mode's median has moved by
#    up to 9% (headers), so compare several invocations.
#  - two builds head to head (`ab`, not part of the default run): as `h2h`, but two builds of
#    the generated service as shipped, A and B (copies of `perf-real-generated` made before and
#    after a change), each in turn on the first port. Reported: the median of B / A per mode
#    with A first, with B first, and over both. An A/A run (one binary twice) gave 0.97-1.00:
#    the first port can be favoured by a few percent in an invocation, so differences under
#    about 3% are not resolved.
#
#   scripts/bench-real.sh [SECONDS_PER_RUN] [ROUNDS]     (default 5 s, 3 rounds)
#   ONLY=instructions|memory|load|h2h scripts/bench-real.sh   (one measure)
#   ONLY=ab A=path/to/before B=path/to/after scripts/bench-real.sh 5 7
#   MODES="body query" scripts/bench-real.sh              (some send modes only)
#   ORDER=1 scripts/bench-real.sh                         (both servers linked in profile order)
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-5}"
rounds="${2:-3}"
only="${ONLY:-}"
port="${PERF_PORT:-8190}"
n1="${N1:-200}"
n2="${N2:-1200}"
read -r -a modes <<<"${MODES:-body form query header}"

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

if [ "$only" = ab ]; then
  for v in A B; do
    if [ ! -x "${!v:-}" ]; then
      echo "ONLY=ab needs A and B: two builds of perf-real-generated (copy target/release/perf-real-generated before and after a change)" >&2
      exit 2
    fi
  done
else
  cargo build --release -q -p claims-perf
fi
bin="${CARGO_TARGET_DIR:-target}/release"
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

listening() { ss -ltnH "sport = :$1" | grep -q .; }
# Waits up to 5 s for a server to listen on port $1.
wait_listening() { for _ in $(seq 1 500); do listening "$1" && return; sleep 0.01; done; }
# The median of the numbers on standard input.
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
# A distribution-free 95% confidence interval of the median of the numbers on standard input:
# the k-th lowest and k-th highest, k the largest with P(Binomial(n, 1/2) < k) <= 0.025
# ("-" when there are too few numbers for one).
median_ci() {
  tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {
    n = NR; k = 0; p = 0.5 ^ n; cum = 0
    for (j = 0; j < n; j++) { cum += p; if (cum > 0.025) break; k = j + 1; p = p * (n - j) / (j + 1) }
    if (k < 1) print "-"; else printf "%.3f-%.3f", a[k], a[n + 1 - k] }'
}

# The generated service is measured in three configurations (PERF_OBSERVE): `bare` (its
# handlers on a plain actix App, no access-log/metrics middleware: the perf-real-bare binary),
# `metrics` (App::server as shipped, no log subscriber) and `logs` (plus JSON access lines on
# standard error), both the perf-real-generated binary. Two binaries, so the one measured as
# shipped carries only what a service built with the framework carries.
configs=(twin bare metrics logs)
declare -A CBIN=([twin]=perf-real-twin [bare]=perf-real-bare [metrics]=perf-real-generated [logs]=perf-real-generated)
# Runs configuration $1 under callgrind (profile written to $2; valgrind options up to `--`)
# while perf/real_mix.py sends it each MODE:COUNT that follows, then stops it.
under_callgrind() {
  local c=$1 out=$2 opts=() pid mix
  shift 2
  while [ "$1" != -- ]; do opts+=("$1"); shift; done
  shift
  PERF_OBSERVE="$c" PERF_BIND="127.0.0.1:$port" valgrind --tool=callgrind "${opts[@]}" \
    --callgrind-out-file="$out" "$bin/${CBIN[$c]}" >/dev/null 2>"$tmp/vg.log" &
  pid=$!; pids+=("$pid")
  for _ in $(seq 1 600); do listening "$port" && break; sleep 0.05; done
  for mix in "$@"; do python3 perf/real_mix.py "127.0.0.1:$port" "${mix%%:*}" "${mix##*:}"; done
  kill -TERM "$pid"; wait "$pid" || true
  while listening "$port"; do sleep 0.01; done
}

# ORDER=1: both servers are relinked with their functions in the order a profile of each ran
# them, most instructions first (lld's --symbol-ordering-file, from a callgrind run over the
# request mix in every send mode; perf/order_symbols.py). The code a request runs then sits in
# a few 64 KiB blocks instead of being spread over the binary: less resident code, fewer
# instruction-cache and TLB misses. Your own service can be linked the same way; it is a build
# step, not part of the framework, so the default run measures the plain link.
if [ -n "${ORDER:-}" ]; then
  if ! readelf -p .comment "$bin/perf-real-twin" 2>/dev/null | grep -q 'Linker: LLD'; then
    echo "ORDER=1 needs the binaries linked by lld (rust-lld is Rust's default on x86_64 Linux)" >&2
    exit 1
  fi
  # Each binary is profiled in each of its configurations, so each finds its code placed (the
  # access lines' code runs only in `logs`).
  for c in "${configs[@]}"; do
    under_callgrind "$c" "$tmp/order.$c.cg" --demangle=no -- body:300 form:300 query:300 header:300
  done
  for b in perf-real-twin perf-real-bare perf-real-generated; do
    profiles=()
    for c in "${configs[@]}"; do [ "${CBIN[$c]}" = "$b" ] && profiles+=("$tmp/order.$c.cg"); done
    python3 perf/order_symbols.py "$b" "${profiles[@]}" >"$tmp/order.$b.txt"
    echo "linking $b with $(wc -l <"$tmp/order.$b.txt") functions in profile order" >&2
    cargo rustc --release -q -p claims-perf --bin "$b" -- \
      -C link-arg=-Wl,--symbol-ordering-file="$tmp/order.$b.txt" -C link-arg=-Wl,--no-warn-symbol-ordering
  done
fi

if [ -z "$only" ] || [ "$only" = instructions ]; then
  declare -A IR I1
  for c in "${configs[@]}"; do
    for mode in "${modes[@]}"; do
      for n in "$n1" "$n2"; do
        out="$tmp/cg.$c.$mode.$n"
        under_callgrind "$c" "$out" --cache-sim=yes -- "$mode:$n"
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
  mem_load_runs="${MEM_LOAD_RUNS:-6}"
  declare -A HWM HWML
  # One run of configuration $1: starts it, sends it its load, adds its peak RSS (KiB) to the
  # array named $2, stops it. $3 selects the load: `one` (MEM_REQUESTS body requests over one
  # connection) or `wrk` (wrk -c32 for 2 s in each send mode, server and wrk pinned as in
  # `load`).
  peak_rss_run() {
    local c=$1 kind=$3 pid mode
    local -n into=$2
    if [ "$kind" = one ]; then
      PERF_OBSERVE="$c" PERF_BIND="127.0.0.1:$port" "$bin/${CBIN[$c]}" >/dev/null 2>&1 &
    else
      PERF_OBSERVE="$c" PERF_BIND="127.0.0.1:$port" taskset -c "$server_cpu" "$bin/${CBIN[$c]}" >/dev/null 2>&1 &
    fi
    pid=$!; pids+=("$pid")
    wait_listening "$port"
    if [ "$kind" = one ]; then
      python3 perf/real_mix.py "127.0.0.1:$port" body "$mem_requests"
    else
      for mode in "${modes[@]}"; do
        MODE=$mode taskset -c "$client_cpu" wrk -t1 -c32 -d2s -s perf/wrk/real.lua "http://127.0.0.1:$port" >/dev/null
      done
    fi
    into[$c]+="$(awk '/VmHWM/ {print $2}' "/proc/$pid/status") "
    kill -TERM "$pid"; wait "$pid" || true
    while listening "$port"; do sleep 0.01; done
  }
  # Lowest, median and highest (MiB) of the KiB figures of each configuration in the array $1.
  peak_rss_table() {
    local -n runs=$1
    local c
    for c in "${configs[@]}"; do
      tr ' ' '\n' <<<"${runs[$c]}" | grep . | sort -n | awk -v c="$c" '{a[NR]=$1}
        END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2;
             printf "%-8s %6.2f %6.2f %6.2f\n", c, a[1]/1024, m/1024, a[NR]/1024}'
    done
  }
  for _ in $(seq 1 "$mem_runs"); do
    for c in "${configs[@]}"; do peak_rss_run "$c" HWM one; done
  done
  # Each run maps the binary at another address, so its code falls differently across the
  # kernel's 64 KiB fault-around blocks: one run under load says little, hence several.
  for _ in $(seq 1 "$mem_load_runs"); do
    for c in "${configs[@]}"; do peak_rss_run "$c" HWML wrk; done
  done
  printf '\npeak RSS after %d body requests over one connection, %d runs (MiB: lowest median highest)\n' \
    "$mem_requests" "$mem_runs"
  peak_rss_table HWM
  printf '\npeak RSS under wrk -c32, 2 s in each send mode, %d runs (MiB: lowest median highest)\n' \
    "$mem_load_runs"
  peak_rss_table HWML
  # The same without the placement's luck: the pages of code each configuration runs (start-up
  # and 300 requests in each send mode, from callgrind's instruction addresses) and the code
  # resident for them on average over the 16 placements of the 64 KiB blocks
  # (perf/resident_code.py). Repeatable to the KiB, so it shows changes of a few pages that the
  # peak RSS figures cannot.
  printf '\nresident code (KiB): pages of code run, expected resident over the block placements, all code\n'
  for c in "${configs[@]}"; do
    under_callgrind "$c" "$tmp/rc.$c" --dump-instr=yes --compress-pos=no -- \
      body:300 form:300 query:300 header:300
    printf '%-8s %s\n' "$c" "$(python3 perf/resident_code.py "$bin/${CBIN[$c]}" "$tmp/rc.$c")"
  done
fi

if [ -z "$only" ] || [ "$only" = load ]; then
  # Three servers: the twin, the generated handlers alone (`bare`, the twin's feature set) and
  # the generated service as shipped (`metrics`: access middleware and metrics on).
  load_configs=(twin bare metrics)
  declare -A LPORT=([twin]=$port [bare]=$((port + 1)) [metrics]=$((port + 2)))
  declare -A LPID
  for c in "${load_configs[@]}"; do
    PERF_OBSERVE="$c" PERF_BIND="127.0.0.1:${LPORT[$c]}" taskset -c "$server_cpu" "$bin/${CBIN[$c]}" >/dev/null 2>&1 &
    pid=$!; pids+=("$pid"); LPID[$c]=$pid
    wait_listening "${LPORT[$c]}"
  done
  # CPU time (user + system, in clock ticks) the server process has used so far.
  cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
  hz=$(getconf CLK_TCK)
  declare -A RUNS P99S CPUS RATIOS
  for round in $(seq 1 "$rounds"); do
    # The first server measured rotates from round to round.
    shift_by=$(( (round - 1) % ${#load_configs[@]} ))
    order=("${load_configs[@]:shift_by}" "${load_configs[@]:0:shift_by}")
    for mode in "${modes[@]}"; do
      declare -A this=()
      for c in "${order[@]}"; do
        url="http://127.0.0.1:${LPORT[$c]}"
        # A warm-up in the first round only: later runs find the server warm, and shorter gaps
        # between the runs of a round make their ratio steadier.
        if [ "$round" -eq 1 ]; then
          MODE=$mode taskset -c "$client_cpu" wrk -t1 -c32 -d1s -s perf/wrk/real.lua "$url" >/dev/null
        fi
        before=$(cpu_ticks "${LPID[$c]}")
        res=$(MODE=$mode taskset -c "$client_cpu" wrk -t1 -c32 -d"${secs}s" --latency -s perf/wrk/real.lua "$url")
        after=$(cpu_ticks "${LPID[$c]}")
        read -r rps p50 p99 non2xx total < <(grep '^RESULT' <<<"$res" | cut -d' ' -f2-)
        # Server CPU microseconds per request: cost on the server's core, whoever was the bottleneck.
        cpu=$(awk -v t=$((after - before)) -v hz="$hz" -v n="$total" 'BEGIN{printf "%.2f", t / hz * 1e6 / n}')
        echo "round $round $c $mode: $rps req/s, p50 $p50 ms, p99 $p99 ms, $non2xx of $total non-2xx, $cpu us CPU/request" >&2
        RUNS[$c,$mode]+="$rps "; P99S[$c,$mode]+="$p99 "; CPUS[$c,$mode]+="$cpu "; this[$c]=$rps
      done
      for c in bare metrics; do
        RATIOS[$c,$mode]+="$(awk -v g="${this[$c]}" -v t="${this[twin]}" 'BEGIN{print g/t}') "
      done
    done
  done
  printf '\nreq/s (median of %d interleaved runs of %d s; ratio: of the medians; paired: median of the rounds'"'"' own ratios,\n' "$rounds" "$secs"
  printf 'with its 95%% confidence interval (order statistics of the rounds'"'"' ratios; needs 6 rounds or more))\n'
  printf '%-7s %9s %9s %6s %6s %13s %9s %6s %6s %13s\n' mode twin bare ratio paired "95% CI" metrics ratio paired "95% CI"
  for mode in "${modes[@]}"; do
    t=$(median <<<"${RUNS[twin,$mode]}")
    printf '%-7s %9.0f' "$mode" "$t"
    for c in bare metrics; do
      g=$(median <<<"${RUNS[$c,$mode]}")
      printf ' %9.0f %6.3f %6.3f %13s' "$g" "$(awk -v g="$g" -v t="$t" 'BEGIN{print g/t}')" \
        "$(median <<<"${RATIOS[$c,$mode]}")" "$(median_ci <<<"${RATIOS[$c,$mode]}")"
    done
    printf '\n'
  done
  printf '\nserver CPU per request (us, median) and p99 (ms, median)\n'
  printf '%-7s %8s %8s %8s %9s %9s %9s\n' mode "cpu twin" bare metrics "p99 twin" bare metrics
  for mode in "${modes[@]}"; do
    printf '%-7s %8.2f %8.2f %8.2f %9.3f %9.3f %9.3f\n' "$mode" \
      "$(median <<<"${CPUS[twin,$mode]}")" "$(median <<<"${CPUS[bare,$mode]}")" "$(median <<<"${CPUS[metrics,$mode]}")" \
      "$(median <<<"${P99S[twin,$mode]}")" "$(median <<<"${P99S[bare,$mode]}")" "$(median <<<"${P99S[metrics,$mode]}")"
  done
  rss() { awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }
  # One process each, so one sample each (see `ONLY=memory` for several).
  printf '\npeak RSS under load (one run each): twin %s MiB, bare %s MiB, metrics %s MiB\n' \
    "$(rss "${LPID[twin]}")" "$(rss "${LPID[bare]}")" "$(rss "${LPID[metrics]}")"
fi

# Head to head: the servers $2 and $4 (PERF_OBSERVE $1 and $3) on the server core, on $port
# and $port + 1, each loaded by its own wrk at the same moment, ROUNDS runs per mode; writes
# "MODE REQS_FIRST REQS_SECOND" per run to $tmp/runs, then stops both.
side_by_side() {
  PERF_OBSERVE="$1" PERF_BIND="127.0.0.1:$port" taskset -c "$server_cpu" "$2" >/dev/null 2>&1 &
  local p1=$!; pids+=("$p1")
  PERF_OBSERVE="$3" PERF_BIND="127.0.0.1:$((port + 1))" taskset -c "$server_cpu" "$4" >/dev/null 2>&1 &
  local p2=$!; pids+=("$p2")
  wait_listening "$port"; wait_listening "$((port + 1))"
  : >"$tmp/runs"
  local mode w1 w2
  for mode in "${modes[@]}"; do
    for _ in $(seq 1 "$rounds"); do
      MODE=$mode taskset -c "$client_cpu" wrk -t1 -c32 -d"${secs}s" -s perf/wrk/real.lua "http://127.0.0.1:$port" >"$tmp/1.out" &
      w1=$!
      MODE=$mode taskset -c "$client_cpu" wrk -t1 -c32 -d"${secs}s" -s perf/wrk/real.lua "http://127.0.0.1:$((port + 1))" >"$tmp/2.out" &
      w2=$!
      wait "$w1" "$w2"
      echo "$mode $(awk '/^RESULT/ {print $2}' "$tmp/1.out") $(awk '/^RESULT/ {print $2}' "$tmp/2.out")" >>"$tmp/runs"
    done
  done
  kill -TERM "$p1" "$p2"; wait "$p1" "$p2" || true
  while listening "$port" || listening "$((port + 1))"; do sleep 0.01; done
}

if [ "$only" = h2h ]; then
  declare -A H2H
  for c in bare metrics; do
    side_by_side "" "$bin/perf-real-twin" "$c" "$bin/${CBIN[$c]}"
    while read -r mode t g; do
      echo "h2h $c $mode: twin $t req/s, generated $g req/s" >&2
      H2H[$c,$mode]+="$(awk -v g="$g" -v t="$t" 'BEGIN{print g/t}') "
    done <"$tmp/runs"
  done
  printf '\nhead to head on one core (req/s ratio generated / twin, median of %d runs of %d s)\n' "$rounds" "$secs"
  printf '%-7s %8s %8s\n' mode bare metrics
  for mode in "${modes[@]}"; do
    printf '%-7s %8.3f %8.3f\n' "$mode" "$(median <<<"${H2H[bare,$mode]}")" "$(median <<<"${H2H[metrics,$mode]}")"
  done
fi

if [ "$only" = ab ]; then
  declare -A AB
  # Both orders: a build on the first port may be favoured by the order the scheduler sees them.
  for order in AB BA; do
    if [ "$order" = AB ]; then side_by_side "" "$A" "" "$B"; else side_by_side "" "$B" "" "$A"; fi
    while read -r mode r1 r2; do
      echo "ab $order $mode: first $r1 req/s, second $r2 req/s" >&2
      # B / A whichever port B was on.
      AB[$order,$mode]+="$(awk -v a="$r1" -v b="$r2" -v o="$order" 'BEGIN{print (o == "AB") ? b/a : a/b}') "
    done <"$tmp/runs"
  done
  printf '\nB / A head to head on one core (req/s, median of %d runs of %d s)\n' "$rounds" "$secs"
  printf '%-7s %8s %8s %8s\n' mode "A first" "B first" both
  for mode in "${modes[@]}"; do
    printf '%-7s %8.3f %8.3f %8.3f\n' "$mode" "$(median <<<"${AB[AB,$mode]}")" \
      "$(median <<<"${AB[BA,$mode]}")" "$(median <<<"${AB[AB,$mode]} ${AB[BA,$mode]}")"
  done
fi
