#!/usr/bin/env bash
# The whole query benchmark, bounded: starts the benchmark PostgreSQL (bench/query/postgres.sh), seeds 5,000,000
# events over 50 tenants once (skipped when the database already holds them), starts the server in Release on
# 127.0.0.1, runs bench/AuditKit.QueryBench against it, then stops the server and PostgreSQL (the data stays for
# the next run; `bash bench/query/postgres.sh destroy` deletes it). Output: bench/query/results.md, plans.md.
# Knobs for a smaller set or a second copy beside a running one: AUDITKIT_BENCH_EVENTS, AUDITKIT_BENCH_TENANTS,
# AUDITKIT_BENCH_DAYS, AUDITKIT_BENCH_EXPORT_DAYS, AUDITKIT_BENCH_HTTP_PORT, and postgres.sh's AUDITKIT_BENCH_DIR /
# AUDITKIT_BENCH_PG_PORT, e.g. AUDITKIT_BENCH_EVENTS=1000000 AUDITKIT_BENCH_TENANTS=10 AUDITKIT_BENCH_DAYS=9 (the
# largest tenant then has about as many events per day as at 5,000,000 over 50 tenants and 30 days).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
source bench/lib/server.sh
events="${AUDITKIT_BENCH_EVENTS:-5000000}"
tenants="${AUDITKIT_BENCH_TENANTS:-50}"
days="${AUDITKIT_BENCH_DAYS:-30}"
export_days="${AUDITKIT_BENCH_EXPORT_DAYS:-7}"
port="${AUDITKIT_BENCH_HTTP_PORT:-5871}"
key="bench-bootstrap-admin-key-0123456789abcdef"

conn="$(bash bench/query/postgres.sh start)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  bash bench/query/postgres.sh stop >/dev/null || true
}
trap cleanup EXIT

dotnet build -c Release src/AuditKit.Server -v q -nologo >/dev/null
dotnet build -c Release bench/AuditKit.QueryBench -v q -nologo >/dev/null

# Two queries: PostgreSQL resolves every table a statement names before running it, so a count guarded by a CASE
# still fails on a fresh database where audit_events does not exist yet.
pg="host=127.0.0.1 port=$(sed -E 's/.*Port=([0-9]+).*/\1/' <<<"$conn") user=auditkit dbname=auditkit_bench"
have=0
if [ "$(psql "$pg" -tAc "SELECT to_regclass('audit_events') IS NOT NULL")" = t ]; then
  have="$(psql "$pg" -tAc "SELECT count(*) FROM audit_events")"
fi
if [ "$have" -lt "$events" ]; then
  echo "seeding $events events over $tenants tenants and $days days (once; 5,000,000 take about 15 minutes on a busy 2-core machine)"
  ConnectionStrings__AuditKit="$conn;Command Timeout=0" dotnet src/AuditKit.Server/bin/Release/net10.0/AuditKit.Server.dll seed \
    --tenants "$tenants" --events "$events" --days "$days"
fi

# The signing key is made once beside the data (a throwaway key for the benchmark's throwaway data set).
key_file="${AUDITKIT_BENCH_DIR:-/tmp/auditkit-query-bench}/signing-key.pem"
bench_signing_key "$key_file"
bench_start_server src/AuditKit.Server/bin/Release/net10.0/AuditKit.Server.dll "$conn" "$key" "$key_file" "http://127.0.0.1:$port" \
  "${AUDITKIT_BENCH_DIR:-/tmp/auditkit-query-bench}/server.log"
server_pid=$!
bench_wait_ready "http://127.0.0.1:$port" 600

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" | tee bench/query/results.md
timeout 1800 dotnet bench/AuditKit.QueryBench/bin/Release/net10.0/AuditKit.QueryBench.dll \
  --server "http://127.0.0.1:$port" --admin-key "$key" --postgres "$conn" \
  --requests 200 --warmup 20 --export-days "$export_days" --server-pid "$server_pid" --seconds 40 \
  --explain bench/query/plans.md | tee -a bench/query/results.md
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a bench/query/results.md
