#!/usr/bin/env bash
# What one index costs an insert, by its shape: the same <rows> load-tool rows (in id order, as the store writes them)
# inserted by one INSERT … SELECT into tables holding the heap, the primary key and one index each (no tsvector, no
# trigger), with the backend's CPU from /proc (10 ms ticks), the WAL the insert wrote (LSN difference) and the index's
# pages (all but the primary key's). Each table is emptied and CHECKPOINTed first, so no page has a full-page image to write; each insert is rolled
# back. Rounds alternate the variants.
#   bash bench/ingest/index-order.sh <database> <rows> <rounds>
# The database must hold at least <rows> events (after a load tool run without --reset at the end); it gets tables
# one_* and function bd_cpu (a benchmark database only). Needs a superuser on the same host. PSQL overrides the client
# command (default: psql on 127.0.0.1:55961 as auditkit); VARIANTS picks variants (five_desc, five_asc: the time,
# category, action, canonical action and severity indexes together, as before and after 20261209200000).
set -uo pipefail
db=$1; rows=$2; rounds=$3
PSQL="${PSQL:-psql -h 127.0.0.1 -p 55961 -U auditkit} -d $db -qAt -v ON_ERROR_STOP=1"
COLS="tenant_id, id, timestamp, received_at, source, action, category, resource_type, resource_id, resource_name, user_id, username, user_email, status, severity, service_name, service_version, method, path, route, query, status_code, duration_ms, ip_address, user_agent, request_id, trace_id, session_id, description, error_code, error_message, changes, old_values, new_values, metadata, tags, data_classification, seq, hash, salt, personal_digests, stack_trace, action_canonical"
declare -A IX=(
  [base]=''
  [ts_desc]='(tenant_id, "timestamp" DESC, id DESC) INCLUDE (action, severity, status, service_name, user_id, ip_address)'
  [ts_asc]='(tenant_id, "timestamp", id) INCLUDE (action, severity, status, service_name, user_id, ip_address)'
  [category_desc]='(tenant_id, category, "timestamp" DESC, id DESC)'
  [category_asc]='(tenant_id, category, "timestamp", id)'
  [user_desc]='(tenant_id, user_id, "timestamp" DESC, id DESC) INCLUDE (ip_address)'
  [user_asc]='(tenant_id, user_id, "timestamp", id) INCLUDE (ip_address)'
  [ip_desc]='(tenant_id, ip_address, "timestamp" DESC, id DESC)'
  [ip_asc]='(tenant_id, ip_address, "timestamp", id)'
  [ip_id]='(tenant_id, ip_address, id DESC)'
  [ip_nodedup]='(tenant_id, ip_address, "timestamp" DESC, id DESC) WITH (deduplicate_items = off)'
  [res_desc]='(tenant_id, resource_type, resource_id, "timestamp" DESC, id DESC)'
  [res_asc]='(tenant_id, resource_type, resource_id, "timestamp", id)'
  [res_id]='(tenant_id, resource_type, resource_id, id DESC)'
  [five_desc]='(tenant_id, "timestamp" DESC, id DESC) INCLUDE (action, severity, status, service_name, user_id, ip_address);(tenant_id, category, "timestamp" DESC, id DESC);(tenant_id, action, "timestamp" DESC, id DESC);(tenant_id, action_canonical, "timestamp" DESC, id DESC);(tenant_id, severity, "timestamp" DESC, id DESC)'
  [five_asc]='(tenant_id, "timestamp", id) INCLUDE (action, severity, status, service_name, user_id, ip_address);(tenant_id, category, "timestamp", id);(tenant_id, action, "timestamp", id);(tenant_id, action_canonical, "timestamp", id);(tenant_id, severity, "timestamp", id)'
  [res_ff70]='(tenant_id, resource_type, resource_id, "timestamp" DESC, id DESC) WITH (fillfactor = 70)'
)
VARIANTS=${VARIANTS:-"base ts_desc ts_asc category_desc category_asc user_desc user_asc ip_desc ip_asc res_desc res_asc"}
$PSQL <<'SQL'
CREATE OR REPLACE FUNCTION bd_cpu() RETURNS bigint LANGUAGE sql AS $$
  SELECT split_part(s, ' ', 14)::bigint + split_part(s, ' ', 15)::bigint FROM (SELECT pg_read_file('/proc/' || pg_backend_pid() || '/stat') s) x $$;
SQL
$PSQL -c "DROP TABLE IF EXISTS one_src; CREATE TABLE one_src AS SELECT $COLS FROM audit_events ORDER BY id LIMIT $rows;"
for v in $VARIANTS; do
  $PSQL -c "DROP TABLE IF EXISTS one_$v; CREATE TABLE one_$v (LIKE audit_events INCLUDING DEFAULTS); ALTER TABLE one_$v DROP COLUMN search_vector; ALTER TABLE one_$v ADD PRIMARY KEY (tenant_id, id);"
  # Several indexes are separated by ';'; the pages column counts them all.
  i=0; IFS=';' read -ra defs <<<"${IX[$v]}"
  for d in "${defs[@]}"; do $PSQL -c "CREATE INDEX one_${v}_ix$i ON one_$v USING btree $d"; i=$((i + 1)); done
done
echo "round variant cpu_ms wal_kB index_pages"
for r in $(seq 1 "$rounds"); do
  for v in $VARIANTS; do
    out=$($PSQL <<SQL
TRUNCATE one_$v;
CHECKPOINT;
SELECT bd_cpu() AS a, pg_current_wal_insert_lsn() AS l \gset
BEGIN;
INSERT INTO one_$v ($COLS) SELECT $COLS FROM one_src;
SELECT (bd_cpu() - :a) * 10 || ' ' || round((pg_current_wal_insert_lsn() - :'l'::pg_lsn) / 1024.0) || ' ' || (SELECT coalesce(sum(pg_relation_size(indexrelid)), 0)::bigint / 8192 FROM pg_index WHERE indrelid = 'one_$v'::regclass AND NOT indisprimary);
ROLLBACK;
SQL
)
    echo "$r $v $out"
  done
done
