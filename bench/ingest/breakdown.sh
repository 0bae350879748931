#!/usr/bin/env bash
# What each part of audit_events costs an insert: the same rows are inserted by one INSERT … SELECT into copies of the
# table (LIKE audit_events INCLUDING ALL, plus the rollup trigger) with one part removed, and the CPU time of the
# backend is read from /proc (utime + stime, 10 ms ticks) around each insert, not the wall time, so other work on the
# machine disturbs it less. Each insert is rolled back. Rounds alternate the variants.
#   bash bench/ingest/breakdown.sh <database> <rows> <rounds>
# The database must already hold at least <rows> events (e.g. after a load tool run without --reset at the end); it
# gets tables bd_* and functions bd_cpu, bd_drop (a benchmark database only). Needs a superuser (pg_read_file) and the
# server on the same host. PSQL overrides the client command (default: psql on 127.0.0.1:55961 as auditkit).
set -uo pipefail
db=$1; rows=$2; rounds=$3
PSQL="${PSQL:-psql -h 127.0.0.1 -p 55961 -U auditkit} -d $db -qAt -v ON_ERROR_STOP=1"
COLS="tenant_id, id, timestamp, received_at, source, action, category, resource_type, resource_id, resource_name, user_id, username, user_email, status, severity, service_name, service_version, method, path, route, query, status_code, duration_ms, ip_address, user_agent, request_id, trace_id, session_id, description, error_code, error_message, changes, old_values, new_values, metadata, tags, data_classification, seq, hash, salt, personal_digests, stack_trace, action_canonical"
VARIANTS="full no_rollup_trigger no_search_gin no_tsvector no_detection_partials no_jsonb_gin no_list_btrees6 no_timestamp_include no_user_include no_seq_unique heap_and_pk_only"
spec() {
  case $1 in
    full) echo "";;
    no_rollup_trigger) echo "DROP TRIGGER bd_hourly ON TBL;";;
    no_search_gin) echo "SELECT bd_drop('TBL', 'gin (search_vector)');";;
    no_tsvector) echo "ALTER TABLE TBL DROP COLUMN search_vector;";;
    no_detection_partials) echo "SELECT bd_drop('TBL', 'LOGIN_FAILED'); SELECT bd_drop('TBL', 'WHERE (action_canonical = ANY'); SELECT bd_drop('TBL', 'WHERE (severity >= 2)'); SELECT bd_drop('TBL', 'WHERE (severity = 3)');";;
    no_jsonb_gin) echo "SELECT bd_drop('TBL', 'jsonb_path_ops');";;
    no_list_btrees6) echo "SELECT bd_drop('TBL', '(tenant_id, category,'); SELECT bd_drop('TBL', '(tenant_id, action, \"timestamp\"'); SELECT bd_drop('TBL', '(tenant_id, action_canonical, \"timestamp\"'); SELECT bd_drop('TBL', '(tenant_id, severity,'); SELECT bd_drop('TBL', '(tenant_id, ip_address, \"timestamp\" DESC'); SELECT bd_drop('TBL', '(tenant_id, resource_type,');";;
    no_timestamp_include) echo "SELECT bd_drop('TBL', 'INCLUDE (action,');";;
    no_user_include) echo "SELECT bd_drop('TBL', 'INCLUDE (ip_address)');";;
    no_seq_unique) echo "SELECT bd_drop('TBL', '(tenant_id, seq)');";;
    heap_and_pk_only) echo "DROP TRIGGER bd_hourly ON TBL; ALTER TABLE TBL DROP COLUMN search_vector; SELECT bd_drop('TBL', 'ALL');";;
  esac
}
$PSQL <<'SQL'
CREATE OR REPLACE FUNCTION bd_cpu() RETURNS bigint LANGUAGE sql AS $$
  SELECT split_part(s, ' ', 14)::bigint + split_part(s, ' ', 15)::bigint FROM (SELECT pg_read_file('/proc/' || pg_backend_pid() || '/stat') s) x $$;
CREATE OR REPLACE FUNCTION bd_drop(t regclass, pattern text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE r record; n int := 0;
BEGIN
  FOR r IN SELECT i.indexrelid::regclass AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i WHERE i.indrelid = t AND NOT i.indisprimary LOOP
    IF pattern = 'ALL' OR strpos(r.def, pattern) > 0 THEN
      EXECUTE 'DROP INDEX ' || r.name; n := n + 1;
    END IF;
  END LOOP;
  RETURN n;
END $$;
SQL
$PSQL -c "DROP TABLE IF EXISTS bd_src; CREATE TABLE bd_src AS SELECT $COLS FROM audit_events LIMIT $rows;"
for v in $VARIANTS; do
  t=bd_$v
  $PSQL -c "DROP TABLE IF EXISTS $t; CREATE TABLE $t (LIKE audit_events INCLUDING ALL); CREATE TRIGGER bd_hourly AFTER INSERT ON $t REFERENCING NEW TABLE AS inserted_events FOR EACH STATEMENT EXECUTE FUNCTION audit_event_hourly_count();" 2>/dev/null
  sql=$(spec $v); sql=${sql//TBL/$t}
  [ -n "$sql" ] && $PSQL -c "$sql" >/dev/null
  echo "$v: $($PSQL -c "SELECT count(*) FROM pg_index WHERE indrelid='$t'::regclass") indexes" >&2
done
for r in $(seq 1 $rounds); do
  for v in $VARIANTS; do
    t=bd_$v
    ms=$($PSQL <<SQL
TRUNCATE $t;
SELECT bd_cpu() AS a \gset
BEGIN;
INSERT INTO $t ($COLS) SELECT $COLS FROM bd_src;
ROLLBACK;
SELECT (bd_cpu() - :a) * 10;
SQL
)
    echo "$r $v $ms"
  done
done
