#!/usr/bin/env bash
# bench.sh — meetd's performance figures against the reference server, back to back, in one command.
#
#   scripts/bench.sh
#
# Builds meetd and the reference (../shared/bench/limit, a minimal Go server that decodes the
# request and writes a fixed meeting), then, for each round, runs `meetd bench` at the same
# concurrency and duration against, one after the other:
#   reference      the limit server (answers unchecked: it returns one fixed meeting)
#   hit            meetd createOrGet of existing externalIds (workload get, sync full)
#   create         meetd createOrGet of new externalIds, --sync full (every 201 survives power loss)
#   create-normal  the same with --sync normal (survives a crash of meetd, not of the machine)
# and prints a table: correct answers per second, the ratio to the reference and the issue's
# target, latency percentiles, the server's CPU time per request (from /proc/PID/stat: unlike
# rps, hardly moved by other work on the machine), its peak RSS (VmRSS every 0.2 s) and errors.
# Every meetd run uses tokens minted from its data folder, verified by the server.
#
# Environment:
#   MEETD_BENCH_CONCURRENCY=64   requests in flight       MEETD_BENCH_DURATION=10s  per run
#   MEETD_BENCH_KEYS=1000        hot keys for "hit"        MEETD_BENCH_ROUNDS=1      repeat the set
#   MEETD_BENCH_BIG=0            1: also "hit-1M" — 1,000,000 stored meetings (a ~2–4 min
#                                warm-up), the time from start to ready with them, and the hit
#                                figure over all of them
#   MEETD_BENCH_OUT=DIR          keep each run's JSON there (default: a temp folder, removed)
# The machine is shared with the load tool: compare only figures from one invocation, and prefer
# a quiet machine (the script prints `uptime` before each round).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
ROOT=$PWD
if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then
  export PATH="/usr/local/go/bin:$PATH"
fi

C=${MEETD_BENCH_CONCURRENCY:-64}
D=${MEETD_BENCH_DURATION:-10s}
KEYS=${MEETD_BENCH_KEYS:-1000}
ROUNDS=${MEETD_BENCH_ROUNDS:-1}
BIG=${MEETD_BENCH_BIG:-0}

say() { echo "bench.sh: $*" >&2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/meetd-bench.XXXXXX")
OUT=${MEETD_BENCH_OUT:-$TMP/out}
mkdir -p "$OUT"
SERVER_PID=
stop_server() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
  fi
}

cleanup() {
  stop_server
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "building meetd and the reference"
go build -o "$TMP/meetd" ./cmd/meetd
go -C "$ROOT/../shared/bench/limit" build -o "$TMP/limit" .
MEETD=$TMP/meetd

free_port() {
  local p
  for p in $(seq 18080 18180); do
    if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "$p"; return; fi
  done
  say "no free port in 18080–18180"; exit 1
}

# start_reference: sets URL and SERVER_PID.
start_reference() {
  local port; port=$(free_port)
  "$TMP/limit" -addr "127.0.0.1:$port" 2>"$TMP/limit.log" &
  SERVER_PID=$!
  URL=http://127.0.0.1:$port
  for _ in $(seq 100); do
    (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && return
    sleep 0.05
  done
  say "the reference did not start: $(cat "$TMP/limit.log")"; exit 1
}

# start_meetd DATA SYNC: sets URL, SERVER_PID and READY_MS (start to listening).
start_meetd() {
  local data=$1 sync=$2 t0 line
  t0=$(date +%s%N)
  "$MEETD" serve --data "$data" --sync "$sync" --addr 127.0.0.1:0 --log-level warn \
    >"$TMP/serve.out" 2>"$TMP/serve.err" &
  SERVER_PID=$!
  for _ in $(seq 600); do
    line=$(grep -m1 '^meetd listening on ' "$TMP/serve.out" || true)
    if [[ -n "$line" ]]; then
      URL=${line#meetd listening on }
      curl -fsS -o /dev/null "$URL/readyz" 2>/dev/null || { sleep 0.01; continue; }
      READY_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
      return
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.01
  done
  say "meetd did not start: $(cat "$TMP/serve.err")"; exit 1
}

# sample_rss PID FILE: appends PID's VmRSS (kB) to FILE every 0.2 s until killed or PID ends.
sample_rss() {
  while [[ -r /proc/$1/status ]]; do
    awk '/^VmRSS:/ {print $2}' "/proc/$1/status" >>"$2" 2>/dev/null || true
    sleep 0.2
  done
}

# cpu_ticks PID: the process's user+system CPU time so far, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICK=$(getconf CLK_TCK)

# json FILE KEY: a number from bench's indented --json output.
json() { grep -m1 "\"$2\":" "$1" | sed 's/.*: *//; s/,$//'; }

# run NAME ARGS…: runs meetd bench against SERVER_PID at URL, records its JSON and peak RSS.
run() {
  local name=$1; shift
  local file=$OUT/$ROUND-$name.json rss=$TMP/rss-$name sampler cpu0 cpu
  : >"$rss"
  sample_rss "$SERVER_PID" "$rss" &
  sampler=$!
  say "round $ROUND: $name"
  cpu0=$(cpu_ticks "$SERVER_PID")
  "$MEETD" bench --url "$URL" --concurrency "$C" --duration "$D" --json "$@" >"$file" || true
  cpu=$(( $(cpu_ticks "$SERVER_PID") - cpu0 ))
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  # Server CPU per request: unlike rps, barely moved by other work on the machine.
  echo "$name $(json "$file" rps) $(json "$file" p50) $(json "$file" p99) $(json "$file" p99.9) $(json "$file" errors) $(sort -n "$rss" | tail -1) $(awk -v t="$cpu" -v hz="$TICK" -v n="$(json "$file" requests)" 'BEGIN { printf "%.1f", (n > 0 ? t / hz / n * 1e6 : 0) }')" >>"$TMP/rows-$ROUND"
}

table() {
  local rows=$1
  awk -v c="$C" -v d="$D" '
    BEGIN {
      target["hit"] = 0.85; target["hit-1M"] = 0.85; target["create"] = 0.5
      printf "%-14s %9s %7s %8s %9s %9s %9s %7s %8s %8s %6s\n", "run", "rps", "ratio", "target", "p50 ms", "p99 ms", "p99.9 ms", "p99 ×", "cpu µs", "RSS MB", "errors"
    }
    {
      name = $1; rps = $2; p50 = $3; p99 = $4; p999 = $5; errs = $6; rss = $7 / 1024; cpu = $8
      if (name == "reference") { ref = rps; refp99 = p99 }
      ratio = ref > 0 ? sprintf("%.2f", rps / ref) : "-"
      pr = refp99 > 0 ? sprintf("%.2f", p99 / refp99) : "-"
      t = (name in target) ? sprintf("≥%.2f", target[name]) : "-"
      if (name == "reference") { ratio = "1.00"; pr = "1.00" }
      printf "%-14s %9.0f %7s %8s %9.2f %9.2f %9.2f %7s %8.1f %8.0f %6d\n", name, rps, ratio, t, p50, p99, p999, pr, cpu, rss, errs
    }
    END {
      printf "c=%s, %s per run; ratio = rps / reference rps; p99 × = p99 / reference p99 (hit target ≤1.50);\n", c, d
      printf "cpu µs = the server'"'"'s CPU time per request (warm-up included); RSS = its peak VmRSS\n"
    }
  ' "$rows"
}

for ROUND in $(seq "$ROUNDS"); do
  LOAD=$(uptime | sed 's/.*load average: //')
  say "round $ROUND of $ROUNDS; machine load: $LOAD"
  : >"$TMP/rows-$ROUND"

  start_reference
  run reference --no-auth --no-verify --quiet
  stop_server

  start_meetd "$TMP/hit-$ROUND" full
  # Store the keys first, so the measured run's warm-up is hits too.
  "$MEETD" bench --url "$URL" --data "$TMP/hit-$ROUND" --workload get --keys "$KEYS" --key-prefix hot \
    --requests 1 --quiet >/dev/null
  run hit --data "$TMP/hit-$ROUND" --workload get --keys "$KEYS" --key-prefix hot --quiet
  stop_server

  start_meetd "$TMP/create-$ROUND" full
  run create --data "$TMP/create-$ROUND" --workload create --quiet
  stop_server

  start_meetd "$TMP/normal-$ROUND" normal
  run create-normal --data "$TMP/normal-$ROUND" --workload create --quiet
  stop_server

  if [[ "$BIG" == 1 ]]; then
    data=$TMP/big-$ROUND
    start_meetd "$data" full
    say "round $ROUND: storing 1,000,000 meetings (warm-up, not measured)"
    "$MEETD" bench --url "$URL" --data "$data" --workload get --keys 1000000 --key-prefix big \
      --requests 1 --quiet >/dev/null
    stop_server
    start_meetd "$data" full
    say "round $ROUND: start to ready with 1,000,000 meetings: ${READY_MS} ms"
    echo "$READY_MS" >"$OUT/$ROUND-big-ready-ms"
    run hit-1M --data "$data" --workload get --keys 1000000 --key-prefix big --quiet
    stop_server
  fi

  echo
  echo "round $ROUND ($(date -u +%FT%TZ); load average before it: $LOAD)"
  table "$TMP/rows-$ROUND"
  [[ "$BIG" == 1 ]] && echo "start to ready with 1,000,000 meetings: $(cat "$OUT/$ROUND-big-ready-ms") ms"
  echo
done
