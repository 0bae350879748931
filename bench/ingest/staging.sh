#!/usr/bin/env bash
# What the staging table costs a batch when the pool resets the session between batches (DISCARD ALL drops it, so it
# is created again) against a connection that keeps it: <batches> batches of the same 1000 rows, each
#   BEGIN; CREATE TEMPORARY TABLE IF NOT EXISTS … ON COMMIT DELETE ROWS; INSERT the rows into it;
#   INSERT them from it into an index-free copy of audit_events; COMMIT
# with and without a DISCARD ALL before each, rounds alternating; prints the backend's own CPU time (utime + stime
# from /proc, 10 ms ticks) per variant, not the wall time.
#   bash bench/ingest/staging.sh <database> <batches> <rounds>
# The database must hold at least 1000 events (e.g. after a load tool run); it gets tables st_* and a function st_cpu,
# dropped at the end (a benchmark database only). Needs a superuser (pg_read_file) and the server on the same host.
# PSQL overrides the client command (default: psql on 127.0.0.1:55961 as auditkit).
set -uo pipefail
db=$1; batches=$2; rounds=$3
PSQL="${PSQL:-psql -h 127.0.0.1 -p 55961 -U auditkit} -d $db -qAt -v ON_ERROR_STOP=1"
COLS="tenant_id, id, timestamp, received_at, source, action, category, resource_type, resource_id, resource_name, user_id, username, user_email, status, severity, service_name, service_version, method, path, route, query, status_code, duration_ms, ip_address, user_agent, request_id, trace_id, session_id, description, error_code, error_message, changes, old_values, new_values, metadata, tags, data_classification, seq, hash, salt, personal_digests, stack_trace, action_canonical"
$PSQL <<SQL
CREATE OR REPLACE FUNCTION st_cpu() RETURNS bigint LANGUAGE sql AS \$\$
  SELECT split_part(s, ' ', 14)::bigint + split_part(s, ' ', 15)::bigint FROM (SELECT pg_read_file('/proc/' || pg_backend_pid() || '/stat') s) x \$\$;
DROP TABLE IF EXISTS st_src, st_dst;
CREATE TABLE st_src AS SELECT $COLS FROM audit_events LIMIT 1000;
CREATE TABLE st_dst (LIKE audit_events);
SQL
for r in $(seq 1 "$rounds"); do
  for v in reset kept; do
    {
      echo "TRUNCATE st_dst; SELECT st_cpu() AS c0 \\gset"
      for _ in $(seq 1 "$batches"); do
        [ "$v" = reset ] && echo "DISCARD ALL;"
        echo "BEGIN; CREATE TEMPORARY TABLE IF NOT EXISTS st_in (LIKE audit_events) ON COMMIT DELETE ROWS; INSERT INTO st_in ($COLS) SELECT * FROM st_src; INSERT INTO st_dst ($COLS) SELECT $COLS FROM st_in; COMMIT;"
      done
      echo "SELECT 'round $r', '$v', (st_cpu() - :c0) * 10 || ' ms CPU for $batches batches';"
    } | $PSQL 2>&1 | grep -v "already exists"
  done
done
$PSQL -c "DROP TABLE st_src, st_dst; DROP FUNCTION st_cpu()"
