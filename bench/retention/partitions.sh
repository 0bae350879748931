#!/usr/bin/env bash
# Retention by partition drop against the row-by-row delete, on two copies of one seeded database, in the same run.
# Needs a PostgreSQL database migrated to the partitioned schema, with monthly partitions for the seeded span, seeded:
#   seed --tenants 1 --events 10 --days 1 --tenant-prefix warm           (migrates)
#   psql -c "SELECT auditkit_event_partitions_ensure(now() - interval '410 days', now(), false)"
#   seed --tenants 5 --events 1000000 --days 400
# AUDITKIT_BENCH_PG: libpq conninfo of a superuser on that server (without dbname); AUDITKIT_BENCH_DB: the database;
# AUDITKIT_BENCH_RETENTION_DAYS (30); AUDITKIT_BENCH_QUERIES=1 also compares query latency first (queries.sh). The copies are <db>_rows (made one table again by the migration's Down, as the
# table was before) and <db>_drop, and are dropped at the end (kept with AUDITKIT_BENCH_KEEP=1). Prints the seconds each took and their ratio.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
source bench/lib/server.sh
pg="${AUDITKIT_BENCH_PG:?libpq conninfo of a superuser, e.g. host=127.0.0.1 port=5432 user=postgres}"
db="${AUDITKIT_BENCH_DB:?the seeded database}"
days="${AUDITKIT_BENCH_RETENTION_DAYS:-30}"
batch=10000

# The copies belong to the seeded database's owner, who owns the table and the retention functions (SECURITY DEFINER:
# they act with its privileges); the unpartitioning runs as that role.
owner="$(psql "$pg dbname=$db" -qAt -c "SELECT tableowner FROM pg_tables WHERE tablename = 'audit_events'")"
psql "$pg dbname=postgres" -qAt -c "DROP DATABASE IF EXISTS ${db}_rows" -c "DROP DATABASE IF EXISTS ${db}_drop" \
  -c "CREATE DATABASE ${db}_rows TEMPLATE $db OWNER \"$owner\"" -c "CREATE DATABASE ${db}_drop TEMPLATE $db OWNER \"$owner\""
if [ "${AUDITKIT_BENCH_KEEP:-0}" != 1 ]; then
  trap 'psql "$pg dbname=postgres" -qAt -c "DROP DATABASE IF EXISTS ${db}_rows" -c "DROP DATABASE IF EXISTS ${db}_drop" >/dev/null' EXIT
fi

# The unpartitioned table, as before the migration: the migration's Down statement, as this checkout compiles it.
mkdir -p "$(dirname "${TMPDIR:-/tmp}/auditkit-unpartition.sql")"
unpartition_sql "${TMPDIR:-/tmp}/auditkit-unpartition.sql"
psql "$pg dbname=${db}_rows" -qAt -v ON_ERROR_STOP=1 -c "SET ROLE \"$owner\"" -f "${TMPDIR:-/tmp}/auditkit-unpartition.sql" -c "VACUUM ANALYZE audit_events" >/dev/null
psql "$pg dbname=${db}_drop" -qAt -c "VACUUM ANALYZE audit_events" >/dev/null

# The same queries on both copies before the deletes (queries.sh), when asked.
if [ "${AUDITKIT_BENCH_QUERIES:-0}" = 1 ]; then
  AUDITKIT_BENCH_DB_A="${db}_rows" AUDITKIT_BENCH_DB_B="${db}_drop" bash "$root/bench/retention/queries.sh"
fi

cut="$(psql "$pg dbname=$db" -qAt -c "SELECT date_trunc('hour', now() - interval '$days days')")"
tenants="$(psql "$pg dbname=$db" -qAt -c "SELECT DISTINCT tenant_id FROM audit_events ORDER BY 1")"

# What the retention job does per tenant: the delete function, $batch at a time, each call its own transaction.
delete_rows() {
  local database="$1" t n
  for t in $tenants; do
    while :; do
      n="$(psql "$pg dbname=$database" -qAt -c "SELECT coalesce(max(deleted), 0) FROM auditkit_retention_cut('$t', '$cut', $batch)")"
      [ "$n" -lt "$batch" ] && break
    done
  done
}

count() { psql "$pg dbname=$1" -qAt -c "SELECT count(*), (SELECT sum(event_count) FROM audit_event_hourly) FROM audit_events"; }
echo "before: rows copy $(count "${db}_rows"), drop copy $(count "${db}_drop") (events, hourly sum); cut $cut"

start=$(date +%s.%N)
delete_rows "${db}_rows"
rows_s=$(echo "$(date +%s.%N) - $start" | bc)

start=$(date +%s.%N)
dropped=0
while :; do
  n="$(psql "$pg dbname=${db}_drop" -qAt -c "SELECT count(*) FROM auditkit_retention_drop_partition('$cut')")"
  [ "$n" -eq 0 ] && break
  dropped=$((dropped + 1))
done
drop_only_s=$(echo "$(date +%s.%N) - $start" | bc)
delete_rows "${db}_drop"
drop_s=$(echo "$(date +%s.%N) - $start" | bc)

echo "after:  rows copy $(count "${db}_rows"), drop copy $(count "${db}_drop")"
echo "row by row (one table):           ${rows_s} s"
echo "partition drop + rest row by row: ${drop_s} s (${dropped} partitions dropped in ${drop_only_s} s)"
echo "ratio drop/row-by-row: $(echo "scale=3; $drop_s / $rows_s" | bc)"
