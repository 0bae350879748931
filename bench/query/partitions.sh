#!/usr/bin/env bash
# Query latency over HTTP before and after time partitions, on the same data, in the same run: the server before
# partitions (a build of it, AUDITKIT_BENCH_BEFORE_DLL) on a copy of the seeded database made one table again by the
# partition migration's Down, and this branch's server on the partitioned database, each measured by QueryBench in
# turn, AUDITKIT_BENCH_ROUNDS times (default 2), so that the machine's load falls on both alike.
# Needs the benchmark PostgreSQL (bench/query/postgres.sh) holding a database seeded by this branch's server with
# monthly partitions made for the seeded span first:
#   seed --tenants 1 --events 10 --days 1 --tenant-prefix warm          (migrates)
#   psql -c "SELECT auditkit_event_partitions_ensure(now() - interval '410 days', now() + interval '92 days', false)"
#   seed --tenants 10 --events 600000 --days 400
# AUDITKIT_BENCH_CONN: the server's connection string (the seeded database); AUDITKIT_BENCH_BEFORE_DLL: the
# AuditKit.Server.dll to compare with; AUDITKIT_BENCH_REQUESTS (100). Output: bench/query/partitions-results.md.
set -eo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
source bench/lib/server.sh
conn="${AUDITKIT_BENCH_CONN:?connection string of the seeded database}"
before_dll="${AUDITKIT_BENCH_BEFORE_DLL:?AuditKit.Server.dll of the build before partitions}"
rounds="${AUDITKIT_BENCH_ROUNDS:-2}"
requests="${AUDITKIT_BENCH_REQUESTS:-100}"
dir="${AUDITKIT_BENCH_DIR:-/tmp/auditkit-query-bench}"
key="bench-bootstrap-admin-key-0123456789abcdef"
port="$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$conn")"
db="$(sed -E 's/.*Database=([^;]+).*/\1/' <<<"$conn")"
pg="host=127.0.0.1 port=$port user=auditkit"
rows_conn="${conn/Database=$db/Database=${db}_rows}"
out=bench/query/partitions-results.md

psql "$pg dbname=postgres" -qAt -c "DROP DATABASE IF EXISTS ${db}_rows" -c "CREATE DATABASE ${db}_rows TEMPLATE $db" >/dev/null
mkdir -p "$(dirname "$dir/unpartition.sql")"
unpartition_sql "$dir/unpartition.sql"
# The server before partitions refuses a database with migrations it does not know: the copy is its schema again.
psql "$pg dbname=${db}_rows" -qAt -v ON_ERROR_STOP=1 -f "$dir/unpartition.sql" \
  -c "DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" >= '20261208200000'" -c "VACUUM ANALYZE audit_events" >/dev/null
psql "$pg dbname=$db" -qAt -c "VACUUM ANALYZE audit_events" >/dev/null

key_file="$dir/signing-key.pem"
bench_signing_key "$key_file"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
# Retention is off on both (Days 0 keeps every event): its deletes would change the data while it is measured.
start_server() { # dll, connection string, http port
  local dll="$1" server_conn="$2" http_port="$3"
  bench_start_server "$dll" "$server_conn" "$key" "$key_file" "http://127.0.0.1:$http_port" "$dir/server-$http_port.log" \
    AuditKit__Retention__Days=0
  pids+=($!)
  bench_wait_ready "http://127.0.0.1:$http_port" 600
}
start_server "$before_dll" "$rows_conn" 5891
start_server "$root/src/AuditKit.Server/bin/Release/net10.0/AuditKit.Server.dll" "$conn" 5892

scenarios="list,search,history,activity,ip-history,critical,failed-auth,type,summary"
: >"$out"
for round in $(seq 1 "$rounds"); do
  for side in before after; do
    if [ "$side" = before ]; then p=5891; c="$rows_conn"; else p=5892; c="$conn"; fi
    echo "## round $round, $side (load average $(cut -d' ' -f1-3 /proc/loadavg))" | tee -a "$out"
    timeout 1200 dotnet bench/AuditKit.QueryBench/bin/Release/net10.0/AuditKit.QueryBench.dll \
      --server "http://127.0.0.1:$p" --admin-key "$key" --postgres "$c" --requests "$requests" --warmup 10 \
      --export-days 0 --seconds 60 --scenarios "$scenarios" --explain "$dir/plans-$side-$round.md" | tee -a "$out"
  done
done
