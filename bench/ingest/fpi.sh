#!/usr/bin/env bash
# WAL and full-page images per stored event, in steady state: two copies of audit_events (LIKE … INCLUDING ALL plus
# the rollup trigger), "desc" with the indexes as the database has them and "asc" with the time, category, action,
# canonical action and severity indexes ascending, are filled with <copies> x <rows> older events, then take chunks of
# <rows> newer events (committed, so each table keeps growing), each chunk once right after a CHECKPOINT ("cold": the
# first change to every page since writes a full-page image) and the next one without ("warm"), with wal_compression
# off and lz4. WAL records, full-page images and bytes come from EXPLAIN (ANALYZE, WAL) of the INSERT … SELECT, the
# backend's CPU from /proc (10 ms ticks).
#   bash bench/ingest/fpi.sh <database> <rows> <copies> <rounds>
# The events are the first <rows> of audit_events (after a load tool run without --reset at the end) repeated with
# shifted timestamps and new UUIDv7-shaped ids. Tables one_src, fpi_*, full_* and functions bd_cpu, bd_v7 are made
# (a benchmark database only). Needs a superuser on the same host; PSQL as in breakdown.sh.
set -uo pipefail
db=$1; rows=$2; copies=$3; rounds=$4
PSQL="${PSQL:-psql -h 127.0.0.1 -p 55961 -U auditkit} -d $db -qAt -v ON_ERROR_STOP=1"
COLS="tenant_id, id, timestamp, received_at, source, action, category, resource_type, resource_id, resource_name, user_id, username, user_email, status, severity, service_name, service_version, method, path, route, query, status_code, duration_ms, ip_address, user_agent, request_id, trace_id, session_id, description, error_code, error_message, changes, old_values, new_values, metadata, tags, data_classification, seq, hash, salt, personal_digests, stack_trace, action_canonical"
SCOLS=${COLS/tenant_id, id, timestamp, /}
chunks=$((rounds * 4))
$PSQL <<SQL
CREATE OR REPLACE FUNCTION bd_cpu() RETURNS bigint LANGUAGE sql AS \$\$
  SELECT split_part(s, ' ', 14)::bigint + split_part(s, ' ', 15)::bigint FROM (SELECT pg_read_file('/proc/' || pg_backend_pid() || '/stat') s) x \$\$;
CREATE OR REPLACE FUNCTION bd_v7(t timestamptz) RETURNS uuid LANGUAGE sql AS \$\$
  SELECT (lpad(to_hex((extract(epoch FROM t) * 1000)::bigint), 12, '0') || '7' || substr(md5(random()::text), 1, 3) || '8' || substr(md5(random()::text), 1, 15))::uuid \$\$;
DROP TABLE IF EXISTS one_src;
CREATE TABLE one_src AS SELECT $COLS FROM audit_events ORDER BY id LIMIT $rows;
DROP TABLE IF EXISTS fpi_src;
CREATE TABLE fpi_src AS SELECT tenant_id, bd_v7(ts) AS id, ts AS timestamp, $SCOLS, k
  FROM (SELECT s.*, s.timestamp - (($copies - k) * interval '1 day') AS ts, k FROM one_src s, generate_series(0, $copies - 1) k) x ORDER BY k, ts;
DROP TABLE IF EXISTS fpi_new;
CREATE TABLE fpi_new AS SELECT tenant_id, bd_v7(ts) AS id, ts AS timestamp, $SCOLS, j
  FROM (SELECT s.*, s.timestamp + j * interval '1 hour' AS ts, j FROM one_src s, generate_series(1, $chunks) j) x ORDER BY j, ts;
CREATE INDEX ON fpi_new (j);
SQL
for v in desc asc; do
  $PSQL -c "DROP TABLE IF EXISTS full_$v; CREATE TABLE full_$v (LIKE audit_events INCLUDING ALL); CREATE TRIGGER bd_hourly AFTER INSERT ON full_$v REFERENCING NEW TABLE AS inserted_events FOR EACH STATEMENT EXECUTE FUNCTION audit_event_hourly_count();"
done
# "asc": every (tenant_id[, category | action | action_canonical | severity], timestamp DESC, id DESC) index ascending.
$PSQL <<'SQL'
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT i.indexrelid::regclass AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
           WHERE i.indrelid = 'full_asc'::regclass AND pg_get_indexdef(i.indexrelid) ~ '\(tenant_id, (category, |action, |action_canonical, |severity, )?"timestamp" DESC, id DESC\)' LOOP
    EXECUTE 'DROP INDEX ' || r.name;
    EXECUTE replace(r.def, '"timestamp" DESC, id DESC', '"timestamp", id');
  END LOOP; END $$;
SQL
for v in desc asc; do
  $PSQL -c "INSERT INTO full_$v ($COLS) SELECT $COLS FROM fpi_src ORDER BY id" -c "VACUUM ANALYZE full_$v"
  echo "$v: $($PSQL -c "SELECT count(*) FROM pg_indexes WHERE tablename = 'full_$v' AND indexdef LIKE '%DESC%'") DESC indexes; indexes $($PSQL -c "SELECT pg_size_pretty(pg_indexes_size('full_$v'))"), table $($PSQL -c "SELECT pg_size_pretty(pg_table_size('full_$v'))")"
done
run() { # table, wal_compression, CHECKPOINT or nothing, chunk
  $PSQL <<SQL | grep -E "(cpu|WAL:)" | sed 's/^ *//' | tr '\n' ' '
SET wal_compression = $2;
$3
SELECT bd_cpu() AS a \gset
EXPLAIN (ANALYZE, WAL, COSTS OFF, TIMING OFF, SUMMARY OFF) INSERT INTO full_$1 ($COLS) SELECT $COLS FROM fpi_new WHERE j = $4;
SELECT 'cpu_ms ' || (bd_cpu() - :a) * 10;
SQL
}
j=0
for r in $(seq 1 "$rounds"); do
  for c in off lz4; do
    j=$((j + 1)); jw=$((j + 1))
    for v in desc asc; do
      echo "$r $v wal_compression=$c cold: $(run $v $c 'CHECKPOINT;' $j)"
      echo "$r $v wal_compression=$c warm: $(run $v $c '' $jw)"
    done
    j=$jw
  done
done
for v in desc asc; do echo "$v at the end: indexes $($PSQL -c "SELECT pg_size_pretty(pg_indexes_size('full_$v'))")"; done
