#!/usr/bin/env bash
# Starts (or stops) the PostgreSQL the query benchmark runs against: a throwaway cluster on 127.0.0.1, data under
# ${AUDITKIT_BENCH_DIR:-/tmp/auditkit-query-bench}, tuned for a 5-million-event data set on a small machine.
#   bash bench/query/postgres.sh start   # prints the connection string
#   bash bench/query/postgres.sh stop    # stops it (the data stays, so a later start reuses the seeded set)
#   bash bench/query/postgres.sh destroy # stops it and deletes the data
set -euo pipefail

dir="${AUDITKIT_BENCH_DIR:-/tmp/auditkit-query-bench}"
port="${AUDITKIT_BENCH_PG_PORT:-55871}"
data="$dir/pg"

pg_bin=""
for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && pg_bin="$d"; done
[ -n "$pg_bin" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

run() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
  start)
    if [ ! -d "$data" ]; then
      mkdir -p "$data"
      [ "$(id -u)" = 0 ] && chown postgres "$dir" "$data"
      run "$pg_bin/initdb" -D "$data" -U auditkit --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    # Memory for a shared 24 GB machine: the hot part of the data set in shared buffers, the rest in the OS cache.
    run "$pg_bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 120 -o "-p $port -k $data -c listen_addresses=127.0.0.1 \
      -c shared_buffers=2GB -c effective_cache_size=8GB -c work_mem=32MB -c maintenance_work_mem=512MB \
      -c max_wal_size=8GB -c checkpoint_timeout=30min -c synchronous_commit=off -c max_connections=100 \
      -c random_page_cost=1.1 -c jit=off" start >/dev/null
    run "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U auditkit -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='auditkit_bench'" | grep -q 1 \
      || run "$pg_bin/psql" -h 127.0.0.1 -p "$port" -U auditkit -d postgres -qc "CREATE DATABASE auditkit_bench"
    echo "Host=127.0.0.1;Port=$port;Username=auditkit;Database=auditkit_bench;Maximum Pool Size=50"
    ;;
  stop)
    run "$pg_bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null && echo "stopped"
    ;;
  destroy)
    run "$pg_bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir" && echo "destroyed"
    ;;
  *)
    echo "usage: $0 start|stop|destroy" >&2; exit 2
    ;;
esac
