#!/usr/bin/env bash
# test.sh — run meetd's whole test suite, on a fresh Debian 12 machine or a developer's.
#
#   scripts/test.sh
#
# It installs what is missing (PostgreSQL, Chromium and its driver; root only), starts a
# throw-away PostgreSQL cluster in a temp folder, runs go vet and go test on the main module
# (with the race detector), then the end-to-end module in e2e/ if there is one, and always
# stops PostgreSQL and removes the temp folder at the end. Every step runs even when an
# earlier one failed; the exit status is non-zero if any failed, and a summary comes last.
#
# Environment:
#   MEETD_TEST_RACE=0     run the main module's tests without -race (faster)
#   MEETD_TEST_NOINSTALL=1  never apt-get install (tests that need a missing tool skip)
# Tests receive:
#   MEETD_TEST_POSTGRES   DSN of the throw-away server (database "meetd"; tests make their own)
#   MEETD_TEST_PGDATA     its data folder;  MEETD_TEST_PGBIN  its binaries (pg_ctl, initdb)
#   MEETD_TEST_CHROMIUM   path of a headless-capable Chromium
# With CI=true, tests fail rather than skip when PostgreSQL is missing.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
ROOT=$PWD

say() { echo "test.sh: $*" >&2; }

# Go lives in /usr/local/go on the project's machines; a non-login shell may lack it on PATH.
if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then
  export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null || { say "go is not installed"; exit 1; }

# --- 0. A scratch folder, removed at exit -------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/meetd-test.XXXXXX") || exit 1
chmod 0755 "$TMP"   # the postgres user must reach the cluster inside
export MEETD_PG_DIR="$TMP/pg"
cleanup() {
  if [[ -d "$MEETD_PG_DIR" ]]; then
    "$ROOT/scripts/start-postgres.sh" destroy 2>/dev/null || say "could not stop PostgreSQL in $MEETD_PG_DIR"
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM   # still runs the EXIT trap

# --- 1. Tools ---------------------------------------------------------------------------
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
[[ -x /usr/bin/chromedriver ]] || missing+=(chromium-driver)
install_status=ok
if (( ${#missing[@]} > 0 )); then
  if [[ "${MEETD_TEST_NOINSTALL:-0}" == 1 || $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
    say "missing ${missing[*]} and cannot install them here (need root and apt-get); tests that need them will skip"
    install_status=skipped
  else
    say "installing ${missing[*]}"
    # Wait for another apt run (another engineer's, or unattended upgrades) rather than fail.
    apt_() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 "$@"; }
    if ! { apt_ update -qq &&
           apt_ install -y -qq --no-install-recommends postgresql chromium chromium-driver; } >"$TMP/apt.log" 2>&1; then
      tail -n 30 "$TMP/apt.log" >&2
      say "apt-get install failed"
      install_status=FAIL
    fi
  fi
fi
export MEETD_TEST_CHROMIUM=/usr/bin/chromium
[[ -x "$MEETD_TEST_CHROMIUM" ]] || unset MEETD_TEST_CHROMIUM

# --- 2. PostgreSQL ----------------------------------------------------------------------
pg_status=ok
if pg_env=$("$ROOT/scripts/start-postgres.sh" env); then
  eval "$pg_env"
  say "PostgreSQL at $MEETD_TEST_POSTGRES"
else
  pg_status=FAIL
  say "could not start PostgreSQL; its tests will skip (or fail with CI=true)"
fi

# --- 3. Steps ---------------------------------------------------------------------------
results=()
failed=0
# step NAME DIR CMD... runs CMD in DIR, prints its output as it comes, and records the outcome.
step() {
  local name=$1 dir=$2; shift 2
  local start=$SECONDS rc
  echo
  echo "=== $name  (in ${dir#"$ROOT"/}: $*)"
  (cd "$dir" && "$@")
  rc=$?
  local took=$(( SECONDS - start ))
  if (( rc == 0 )); then
    results+=("ok    ${took}s  $name")
  else
    results+=("FAIL  ${took}s  $name (exit $rc)")
    failed=1
  fi
}

race=(-race)
[[ "${MEETD_TEST_RACE:-1}" == 0 ]] && race=()

step "go vet (main module)" "$ROOT" go vet ./...
step "go test ${race[*]} (main module)" "$ROOT" go test "${race[@]}" -count=1 -timeout 12m ./...
if [[ -f "$ROOT/e2e/go.mod" ]]; then
  step "go vet (e2e module)" "$ROOT/e2e" go vet ./...
  step "go test (e2e module)" "$ROOT/e2e" go test -count=1 -timeout 15m ./...
fi

# --- 4. Summary -------------------------------------------------------------------------
cleanup
trap - EXIT
echo
echo "=== summary"
[[ $install_status == FAIL ]] && { echo "FAIL  install of ${missing[*]}"; failed=1; }
[[ $pg_status == FAIL ]] && { echo "FAIL  start PostgreSQL"; failed=1; }
for r in "${results[@]}"; do echo "$r"; done
if (( failed )); then
  echo "FAIL"
  exit 1
fi
echo "PASS"
