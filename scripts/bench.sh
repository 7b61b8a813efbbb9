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
# and, when named in MEETD_BENCH_RUNS, with an application token (the app is granted an access
# policy first; every request is checked against it) or nine hits to one create:
#   hit-app, create-app   hit and create with --app (compared with hit and create)
#   mixed, mixed-app      --workload mixed --get-ratio 0.9, delegated and application tokens
# and prints a table: correct answers per second, the ratio to the reference and the issue's
# target, latency percentiles, the server's CPU time per request (from /proc/PID/stat, warm-up
# requests counted: unlike rps, hardly moved by other work on the machine), its peak RSS
# (VmRSS every 0.2 s) and errors. With more than one round, a last table gives each column's
# median. Every meetd run uses tokens minted from its data folder, verified by the server.
# PostgreSQL's figures: scripts/bench-postgres.sh.
#
# Environment:
#   MEETD_BENCH_CONCURRENCY=64   requests in flight       MEETD_BENCH_DURATION=10s  per run
#   MEETD_BENCH_KEYS=1000        hot keys for "hit"        MEETD_BENCH_ROUNDS=1      repeat the set
#   MEETD_BENCH_RUNS="reference hit create create-normal"  which runs (in this order; also
#                                hit-app create-app mixed mixed-app, run in that order after them)
#   MEETD_BENCH_APP=8a1c2f44-…   the application (client) id of the -app runs
#   MEETD_BENCH_BIG=0            1: also, in every round, with 1,000,000 stored meetings: the time
#                                from start to ready and the RSS then, the time until the key
#                                filter's background scan is done (the server idle after a first
#                                request), then "hit-1M-hot" (1,000 of the million keys) and
#                                "hit-1M" (all of them, uniformly; its warm-up reads each once,
#                                ~1.5 min), both compared with "hit"
#   MEETD_BENCH_BIG_DATA=DIR     keep the million meetings there and reuse them on later runs
#                                (storing them takes ~2 min; default: a temp folder, removed)
#   MEETD_BENCH_BIG_N=1000000    how many meetings "big" stores (fewer: to try the script out)
#   MEETD_BENCH_OUT=DIR          keep each run's JSON there (default: a temp folder, removed)
# The machine is shared with the load tool: compare only figures from one invocation, and prefer
# a quiet machine (the script prints `uptime` before each round).
set -euo pipefail

NAME=bench.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
RUNS=${MEETD_BENCH_RUNS:-reference hit create create-normal}
BIG=${MEETD_BENCH_BIG:-0}
BIG_DATA=${MEETD_BENCH_BIG_DATA:-$TMP/big}
BIG_N=${MEETD_BENCH_BIG_N:-1000000}
APP=${MEETD_BENCH_APP:-8a1c2f44-37e9-4b1c-9f7e-2a1d3c4b5e6f}
has() { [[ " $RUNS " == *" $1 "* ]]; }

# store_big: makes BIG_DATA hold BIG_N meetings with the keys big-k-0 … big-k-(BIG_N-1), once.
store_big() {
  [[ "$(cat "$BIG_DATA/.bench-big" 2>/dev/null)" == "$BIG_N" ]] && return
  rm -rf "$BIG_DATA"
  start_meetd --data "$BIG_DATA" --sync full
  say "storing $BIG_N meetings in $BIG_DATA (not measured)"
  "$MEETD" bench --url "$URL" --data "$BIG_DATA" --workload get --keys "$BIG_N" --key-prefix big \
    --requests 1 --quiet >/dev/null
  stop_server
  echo "$BIG_N" >"$BIG_DATA/.bench-big"
}

# wait_idle PID: returns once PID has used no CPU for 0.5 s (at most 60 s).
wait_idle() {
  local last now quiet=0
  last=$(cpu_ticks "$1")
  for _ in $(seq 600); do
    sleep 0.1
    now=$(cpu_ticks "$1")
    if [[ "$now" == "$last" ]]; then (( ++quiet >= 5 )) && return; else quiet=0; fi
    last=$now
  done
}

for ROUND in $(seq "$ROUNDS"); do
  LOAD=$(uptime | sed 's/.*load average: //')
  say "round $ROUND of $ROUNDS; machine load: $LOAD"
  : >"$TMP/rows-$ROUND"

  if has reference; then
    start_reference
    run reference - - 0 --no-auth --no-verify --quiet
    stop_server
  fi

  if has hit; then
    start_meetd --data "$TMP/hit-$ROUND" --sync full
    # Store the keys first, so the measured run's warm-up is hits too.
    "$MEETD" bench --url "$URL" --data "$TMP/hit-$ROUND" --workload get --keys "$KEYS" --key-prefix hot \
      --requests 1 --quiet >/dev/null
    run hit reference 0.85 "$KEYS" --data "$TMP/hit-$ROUND" --workload get --keys "$KEYS" --key-prefix hot --quiet
    stop_server
  fi

  if has create; then
    start_meetd --data "$TMP/create-$ROUND" --sync full
    run create reference 0.50 0 --data "$TMP/create-$ROUND" --workload create --quiet
    stop_server
  fi

  if has create-normal; then
    start_meetd --data "$TMP/normal-$ROUND" --sync normal
    run create-normal reference - 0 --data "$TMP/normal-$ROUND" --workload create --quiet
    stop_server
  fi

  if has hit-app; then
    start_meetd --data "$TMP/hit-app-$ROUND" --sync full
    "$MEETD" bench --url "$URL" --data "$TMP/hit-app-$ROUND" --app "$APP" --workload get --keys "$KEYS" \
      --key-prefix hot --requests 1 --quiet >/dev/null
    run hit-app hit - "$KEYS" --data "$TMP/hit-app-$ROUND" --app "$APP" --workload get --keys "$KEYS" \
      --key-prefix hot --quiet
    stop_server
  fi

  if has create-app; then
    start_meetd --data "$TMP/create-app-$ROUND" --sync full
    run create-app create - 0 --data "$TMP/create-app-$ROUND" --app "$APP" --workload create --quiet
    stop_server
  fi

  for name in mixed mixed-app; do
    has "$name" || continue
    app=(); [[ "$name" == mixed-app ]] && app=(--app "$APP")
    start_meetd --data "$TMP/$name-$ROUND" --sync full
    run "$name" reference - "$KEYS" --data "$TMP/$name-$ROUND" "${app[@]}" --workload mixed --get-ratio 0.9 \
      --keys "$KEYS" --quiet
    stop_server
  done

  if [[ "$BIG" == 1 ]]; then
    store_big
    t0=$(date +%s%N)
    start_meetd --data "$BIG_DATA" --sync full
    # Opening the store starts the key filter's background scan of every stored key; requests
    # are answered meanwhile. Time it: one request, then wait until the server's CPU is idle.
    "$MEETD" bench --url "$URL" --data "$BIG_DATA" --workload get --keys 1 --key-prefix big \
      --requests 1 --quiet >/dev/null
    wait_idle "$SERVER_PID"
    echo "$READY_MS $READY_RSS $(( ($(date +%s%N) - t0) / 1000000 - 500 ))" >"$OUT/$ROUND-big-ready"
    say "round $ROUND: start to ready with $BIG_N meetings: ${READY_MS} ms, RSS $(( READY_RSS / 1024 )) MB"
    run hit-1M-hot hit 0.90 1000 --data "$BIG_DATA" --workload get --keys 1000 --key-prefix big --quiet
    run hit-1M hit 0.90 "$BIG_N" --data "$BIG_DATA" --workload get --keys "$BIG_N" --key-prefix big --quiet
    stop_server
  fi

  echo
  echo "round $ROUND ($(date -u +%FT%TZ); load average before it: $LOAD)"
  table "$TMP/rows-$ROUND"
  if [[ "$BIG" == 1 ]]; then
    read -r ms rss warm <"$OUT/$ROUND-big-ready"
    echo "start to ready with $BIG_N meetings: $ms ms (target ≤ 1000), RSS then $(( rss / 1024 )) MB;"
    echo "start to idle after the first request (the key filter's scan done): $warm ms"
  fi
  echo
done

if (( ROUNDS > 1 )); then
  echo "medians of $ROUNDS rounds"
  medians
  echo
fi
echo "c=$C, $D per run; ratio = rps / the compared run's rps; p99 × = p99 / its p99 (hit: ≤ 1.50);"
echo "cpu µs = the server's CPU time per request, warm-up included; RSS = its peak VmRSS"
