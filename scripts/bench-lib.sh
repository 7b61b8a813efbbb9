# bench-lib.sh — shared parts of scripts/bench.sh and scripts/bench-postgres.sh; sourced, not run.
#
# The caller sets NAME (for messages) before sourcing; afterwards it has ROOT, C, D, KEYS, ROUNDS,
# TMP, OUT, MEETD (a fresh build of cmd/meetd, or $MEETD_BENCH_BIN) and the functions below. It may set CLEANUP_HOOK to a
# function that the exit trap runs first (to stop what the caller started).

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
ROOT=$PWD
if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then
  export PATH="/usr/local/go/bin:$PATH"
fi

C=${MEETD_BENCH_CONCURRENCY:-64}
D=${MEETD_BENCH_DURATION:-10s}
KEYS=${MEETD_BENCH_KEYS:-1000}
ROUNDS=${MEETD_BENCH_ROUNDS:-1}
NAME=${NAME:-bench}

say() { echo "$NAME: $*" >&2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/meetd-bench.XXXXXX")
OUT=${MEETD_BENCH_OUT:-$TMP/out}
mkdir -p "$OUT"
SERVER_PID=
CLEANUP_HOOK=
stop_server() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
  fi
}
cleanup() {
  [[ -n "$CLEANUP_HOOK" ]] && "$CLEANUP_HOOK"
  stop_server
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# MEETD_BENCH_BIN: a meetd binary to measure instead of a fresh build of this checkout (A/B runs).
if [[ -n "${MEETD_BENCH_BIN:-}" ]]; then
  MEETD=$MEETD_BENCH_BIN
else
  say "building meetd"
  go build -o "$TMP/meetd" ./cmd/meetd
  MEETD=$TMP/meetd
fi

free_port() {
  local p
  for p in $(seq 18080 18180); do
    if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then echo "$p"; return; fi
  done
  say "no free port in 18080–18180"; exit 1
}

# start_reference: builds (once) and starts ../shared/bench/limit; sets URL and SERVER_PID.
start_reference() {
  local port; port=$(free_port)
  [[ -x "$TMP/limit" ]] || go -C "$ROOT/../shared/bench/limit" build -o "$TMP/limit" .
  "$TMP/limit" -addr "127.0.0.1:$port" 2>"$TMP/limit.log" &
  SERVER_PID=$!
  URL=http://127.0.0.1:$port
  for _ in $(seq 100); do
    (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && return
    sleep 0.05
  done
  say "the reference did not start: $(cat "$TMP/limit.log")"; exit 1
}

# start_meetd ARGS…: starts `meetd serve ARGS…` on a free port; sets URL, SERVER_PID, READY_MS
# (process start to the first 200 from /readyz) and READY_RSS (its VmRSS then, kB).
start_meetd() {
  local t0 line
  t0=$(date +%s%N)
  "$MEETD" serve "$@" --addr 127.0.0.1:0 --log-level warn >"$TMP/serve.out" 2>"$TMP/serve.err" &
  SERVER_PID=$!
  for _ in $(seq 3000); do
    line=$(grep -m1 '^meetd listening on ' "$TMP/serve.out" || true)
    if [[ -n "$line" ]]; then
      URL=${line#meetd listening on }
      curl -fsS -o /dev/null "$URL/readyz" 2>/dev/null || { sleep 0.01; continue; }
      READY_MS=$(( ($(date +%s%N) - t0) / 1000000 ))
      READY_RSS=$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status")
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

# cpu_ticks PID…: the processes' user+system CPU time so far, in clock ticks (a process that
# has gone counts 0).
cpu_ticks() {
  local p t=0 v
  for p in "$@"; do
    v=$(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)
    t=$(( t + v ))
  done
  echo "$t"
}
TICK=$(getconf CLK_TCK)
# per_request TICKS N: CPU µs per request.
per_request() { awk -v t="$1" -v hz="$TICK" -v n="$2" 'BEGIN { printf "%.1f", (n > 0 ? t / hz / n * 1e6 : 0) }'; }

# json FILE KEY: a number from bench's indented --json output.
json() { grep -m1 "\"$2\":" "$1" | sed 's/.*: *//; s/,$//'; }

# DB_TICKS_FN, when set, names a function printing a database server's CPU time so far, in
# clock ticks; `run` then reports its CPU time per request too (the "db µs" column, else "-").
DB_TICKS_FN=

# run NAME REF TARGET WARMUP ARGS…: runs `meetd bench ARGS…` against SERVER_PID at URL and
# appends a row to $TMP/rows-$ROUND: rps, latencies, errors, the server's peak RSS and its CPU
# time per request. REF names the row this one is compared with ("-": none), TARGET the ratio
# the issue asks for ("-": none), WARMUP how many requests bench sends before the measured
# phase (a get run's keys): the CPU time covers them too, so they count in the divisor.
run() {
  local name=$1 ref=$2 target=$3 warm=$4; shift 4
  local file=$OUT/$ROUND-$name.json rss=$TMP/rss-$name sampler cpu0 cpu db0=0 db=- n
  : >"$rss"
  sample_rss "$SERVER_PID" "$rss" &
  sampler=$!
  say "round $ROUND: $name"
  [[ -n "$DB_TICKS_FN" ]] && db0=$("$DB_TICKS_FN")
  cpu0=$(cpu_ticks "$SERVER_PID")
  "$MEETD" bench --url "$URL" --concurrency "$C" --duration "$D" --json "$@" >"$file" || true
  cpu=$(( $(cpu_ticks "$SERVER_PID") - cpu0 ))
  n=$(( $(json "$file" requests) + warm ))
  [[ -n "$DB_TICKS_FN" ]] && db=$(per_request $(( $("$DB_TICKS_FN") - db0 )) "$n")
  kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null || true
  echo "$name $(json "$file" rps) $(json "$file" p50) $(json "$file" p99) $(json "$file" p99.9) $(json "$file" errors) $(sort -n "$rss" | tail -1) $(per_request "$cpu" "$n") $db $ref $target" >>"$TMP/rows-$ROUND"
}

# row NAME RPS P50 P99 P999 ERRORS RSS_KB CPU DB REF TARGET: adds a row measured otherwise
# (pgbench), in run's format.
row() { echo "$*" >>"$TMP/rows-$ROUND"; }

# derive ROWS: one line per run with its ratios, as `table` and `medians` print them:
# name rps ratio target p50 p99 p999 p99x cpu db rss_mb errors
derive() {
  awk '
    { name[NR] = $1; rps[$1] = $2; p99[$1] = $4; line[NR] = $0 }
    END {
      for (i = 1; i <= NR; i++) {
        split(line[i], f, " ")
        ref = f[10]
        ratio = (ref in rps && rps[ref] > 0) ? sprintf("%.2f", f[2] / rps[ref]) : "-"
        p99x = (ref in p99 && p99[ref] > 0) ? sprintf("%.2f", f[4] / p99[ref]) : "-"
        print f[1], f[2], ratio, f[11], f[3], f[4], f[5], p99x, f[8], f[9], f[7] / 1024, f[6], ref
      }
    }
  ' "$1"
}

# print_table DERIVED: the table of derived rows.
print_table() {
  awk '
    BEGIN {
      printf "%-16s %8s %6s %7s %8s %8s %8s %6s %7s %7s %7s %6s  %s\n", "run", "rps", "ratio", "target", "p50 ms", "p99 ms", "p99.9ms", "p99 ×", "cpu µs", "db µs", "RSS MB", "errors", "compared with"
    }
    {
      t = $4 == "-" ? "-" : "≥" $4
      printf "%-16s %8.0f %6s %7s %8.2f %8.2f %8.2f %6s %7s %7s %7.0f %6d  %s\n", $1, $2, $3, t, $5, $6, $7, $8, $9, $10, $11, $12, $13
    }
  ' "$1"
}

# table ROWS: prints one round's table and keeps its derived rows for medians.
table() {
  derive "$1" >"$1.derived"
  print_table "$1.derived"
}

# medians: per run, the median over the rounds of every column (ratios are each round's own,
# so the median ratio is not the ratio of median rps); errors are summed.
medians() {
  cat "$TMP"/rows-*.derived | awk '
    function med(s,   a, n, i, j, t) {
      n = split(s, a, " ")
      for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    !($1 in seen) { seen[$1] = 1; order[++k] = $1; tgt[$1] = $4; ref[$1] = $13 }
    {
      for (c = 2; c <= 11; c++) if (c != 4) v[$1, c] = v[$1, c] " " $c
      err[$1] += $12
    }
    END {
      for (i = 1; i <= k; i++) {
        n = order[i]; out = n
        for (c = 2; c <= 11; c++) {
          if (c == 4) { out = out " " tgt[n]; continue }
          m = v[n, c]
          if (m !~ /[0-9]/) { out = out " -"; continue }
          m = med(substr(m, 2))
          out = out " " ((c == 3 || c == 8) ? sprintf("%.2f", m) : (c == 9 || c == 10) ? sprintf("%.1f", m) : m)
        }
        print out, err[n], ref[n]
      }
    }
  ' >"$TMP/medians"
  print_table "$TMP/medians"
}
