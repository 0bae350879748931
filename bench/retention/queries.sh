#!/usr/bin/env bash
# Query latency on the partitioned table against the same data as one table, same run: runs each query below with
# pgbench (one client, AUDITKIT_BENCH_QUERY_RUNS times, latencies logged per run) on two databases given as AUDITKIT_BENCH_DB_A / _B
# (partitions.sh passes its two copies, with AUDITKIT_BENCH_QUERIES=1),
# and prints p50 and p95 in ms per query and database. The queries are the shapes of the server's list, search,
# get-by-id and count (SQL only: no HTTP, no row-level security, as a superuser on both sides).
set -euo pipefail
pg="${AUDITKIT_BENCH_PG:?libpq conninfo of a superuser}"
a="${AUDITKIT_BENCH_DB_A:?first database}"
b="${AUDITKIT_BENCH_DB_B:?second database}"
runs="${AUDITKIT_BENCH_QUERY_RUNS:-300}"
pgbench="$(command -v pgbench || ls /usr/lib/postgresql/*/bin/pgbench | tail -n 1)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tenant="$(psql "$pg dbname=$a" -qAt -c "SELECT tenant_id FROM audit_events GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")"
id="$(psql "$pg dbname=$a" -qAt -c "SELECT id FROM audit_events WHERE tenant_id = '$tenant' ORDER BY timestamp DESC OFFSET 1000 LIMIT 1")"

cat >"$work/list.sql" <<SQL
SELECT id, timestamp, action, user_id FROM audit_events WHERE tenant_id = '$tenant' ORDER BY timestamp DESC, id DESC LIMIT 50;
SQL
cat >"$work/filter.sql" <<SQL
SELECT id, timestamp FROM audit_events WHERE tenant_id = '$tenant' AND action = 'LOGIN' AND timestamp >= now() - interval '7 days' ORDER BY timestamp DESC, id DESC LIMIT 50;
SQL
cat >"$work/search.sql" <<SQL
SELECT id, timestamp FROM audit_events WHERE tenant_id = '$tenant' AND search_vector @@ to_tsquery('simple', 'invoice') ORDER BY timestamp DESC, id DESC LIMIT 50;
SQL
cat >"$work/get.sql" <<SQL
SELECT * FROM audit_events WHERE tenant_id = '$tenant' AND id = '$id';
SQL
cat >"$work/count.sql" <<SQL
SELECT action, count(*) FROM audit_events WHERE tenant_id = '$tenant' AND timestamp >= now() - interval '1 day' GROUP BY 1;
SQL

printf '%-8s %-24s %9s %9s\n' query database p50_ms p95_ms
for q in list filter search get count; do
  for database in "$a" "$b"; do
    rm -f "$work"/pgbench_log.*
    (cd "$work" && "$pgbench" "$pg dbname=$database" -n -f "$work/$q.sql" -t "$runs" -c 1 -l >/dev/null 2>&1)
    # pgbench's log: client, transaction, latency in microseconds, ...
    awk '{print $3}' "$work"/pgbench_log.* | sort -n | awk -v q="$q" -v d="$database" '
      { v[NR] = $1 } END { printf "%-8s %-24s %9.2f %9.2f\n", q, d, v[int(NR * 0.5)] / 1000, v[int(NR * 0.95)] / 1000 }'
  done
done
