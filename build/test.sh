#!/usr/bin/env bash
# Runs every AuditKit test: starts a throwaway PostgreSQL on 127.0.0.1 (installing Debian's package when it is
# missing and we are root), runs `dotnet test AuditKit.sln`, stops PostgreSQL, and prints `N passed, N failed`
# as the last line. The four client packages are packed first into artifacts/packages (AUDITKIT_PACKAGES_DIR). Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~Storage");
# AUDITKIT_TEST_TARGET narrows the run to one project (e.g. tests/AuditKit.Server.Tests).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

log() { printf '[test] %s\n' "$*" >&2; }

find_pg_bin() {
  local d best=""
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && best="$d"
  done
  if [ -z "$best" ] && command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    best="$(dirname "$(command -v initdb)")"
  fi
  printf '%s' "$best"
}

workdir="$(mktemp -d "${TMPDIR:-/tmp}/auditkit-test.XXXXXX")"
pg_data="$workdir/pg"
pg_started=0
pg_user=""

as_pg_user() {
  if [ -n "$pg_user" ]; then
    runuser -u "$pg_user" -- "$@"
  else
    "$@"
  fi
}

cleanup() {
  if [ "$pg_started" = 1 ]; then
    as_pg_user "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT

if [ -n "${AUDITKIT_TEST_POSTGRES:-}" ]; then
  log "using the PostgreSQL server in AUDITKIT_TEST_POSTGRES"
else
  pg_bin="$(find_pg_bin)"
  if [ -z "$pg_bin" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      log "PostgreSQL is not installed: installing Debian's postgresql package"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >/dev/null
      apt-get install -y -qq --no-install-recommends postgresql >/dev/null
      pg_bin="$(find_pg_bin)"
    fi
    if [ -z "$pg_bin" ]; then
      echo "PostgreSQL server binaries (initdb, pg_ctl) were not found." >&2
      echo "Install Debian's package: sudo apt-get install postgresql" >&2
      echo "or set AUDITKIT_TEST_POSTGRES to the connection string of a server you own." >&2
      exit 1
    fi
  fi

  # PostgreSQL refuses to run as root: run it as an unprivileged account.
  if [ "$(id -u)" = 0 ]; then
    if id postgres >/dev/null 2>&1; then
      pg_user=postgres
    else
      id auditkit-pg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin auditkit-pg
      pg_user=auditkit-pg
    fi
    chmod 755 "$workdir"
    mkdir -p "$pg_data"
    chown "$pg_user" "$pg_data"
  fi

  port=""
  for _ in $(seq 1 50); do
    candidate=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
      port="$candidate"
      break
    fi
  done
  [ -n "$port" ] || { echo "no free port found for PostgreSQL" >&2; exit 1; }

  log "starting PostgreSQL ($pg_bin) on 127.0.0.1:$port"
  as_pg_user "$pg_bin/initdb" -D "$pg_data" -U auditkit --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  # Durability settings are relaxed: the database is thrown away after the run.
  as_pg_user "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w -t 60 \
    -o "-p $port -k $pg_data -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start >/dev/null
  pg_started=1
  # The least-privilege roles: auditkit_owner migrates and owns the schema, auditkit_app runs requests (neither is a
  # superuser). The test helper creates them too, for a server given in AUDITKIT_TEST_POSTGRES.
  as_pg_user "$pg_bin/psql" -q -h 127.0.0.1 -p "$port" -U auditkit -d postgres -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE ROLE auditkit_owner LOGIN PASSWORD 'auditkit_owner' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
CREATE ROLE auditkit_app LOGIN PASSWORD 'auditkit_app' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
SQL
  export AUDITKIT_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=auditkit;Database=postgres;Timeout=30;Command Timeout=120"
fi

# The compatibility tests run the replaced service's Python clients (httpx, requests) against the server.
if ! /usr/bin/python3 -c 'import httpx, requests' >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  log "installing Debian's python3-httpx and python3-requests for the Python client compatibility tests"
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y -qq --no-install-recommends python3 python3-httpx python3-requests >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends python3 python3-httpx python3-requests >/dev/null; }; } \
    || log "could not install them; the Python client test will say what is missing"
fi

# The console's browser tests drive Debian's chromium (headless) with Playwright; AUDITKIT_CHROMIUM overrides the path.
chromium="${AUDITKIT_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "chromium is not installed: installing Debian's chromium package for the console browser tests"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 \
      || { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends chromium >/dev/null; } \
      || log "could not install chromium; the console browser tests will say what is missing"
  else
    log "chromium was not found at $chromium: the console browser tests will fail (install it: sudo apt-get install chromium)"
  fi
fi

# CI packs what it tests: the four client packages (with symbols) into artifacts/packages.
packages="${AUDITKIT_PACKAGES_DIR:-$root/artifacts/packages}"
log "packing the client packages into $packages"
for project in AuditKit.Core AuditKit.Delivery AuditKit.Middleware AuditKit.EfCore; do
  dotnet pack "src/$project/$project.csproj" -c Release -o "$packages" -v q --nologo >/dev/null \
    || { echo "dotnet pack of $project failed" >&2; echo "0 passed, 1 failed"; exit 1; }
done

results="$workdir/results"
set +e
dotnet test "${AUDITKIT_TEST_TARGET:-AuditKit.sln}" \
  --logger "trx;LogFilePrefix=auditkit" --logger "console;verbosity=minimal" \
  --results-directory "$results" \
  --blame-hang-timeout 5m \
  "$@"
status=$?
set -e

passed=0
failed=0
shopt -s nullglob
trx_files=("$results"/*.trx)
for trx in "${trx_files[@]}"; do
  counters="$(grep -o '<Counters [^>]*' "$trx" | head -n 1)"
  p="$(printf '%s' "$counters" | sed -n 's/.* passed="\([0-9]*\)".*/\1/p')"
  f="$(printf '%s' "$counters" | sed -n 's/.* failed="\([0-9]*\)".*/\1/p')"
  passed=$(( passed + ${p:-0} ))
  failed=$(( failed + ${f:-0} ))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build or a test host failed before results were written: count it so the run is not green.
  log "dotnet test exited with $status without a failed test in its results (build error or crashed test host)"
  failed=$(( failed + 1 ))
fi

log "results: ${#trx_files[@]} test assemblies reported"
echo "${passed} passed, ${failed} failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
