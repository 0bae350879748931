#!/usr/bin/env bash
# Several server instances behind HAProxy on one PostgreSQL, bounded, everything on 127.0.0.1:
#   1. starts a fresh private PostgreSQL (bench/query/postgres.sh, its own directory and port), publishes the server
#      once (Release), starts MULTI_INSTANCES (3) server processes and HAProxy (roundrobin, health check on
#      /health/ready) in front of them;
#   2. phase "scale": aggregate HTTP ingest (MULTI_TOOLS (3) load tools' 'http' phase at once, one tenant each) through
#      HAProxy with 1, 2, ... instances behind it, in the same run, with PostgreSQL's CPU (from /proc);
#   3. phase "kill": a brute-force attack (5 failed logins from one IP, one request each, spread over the
#      instances) with a webhook to a local receiver, then a known set of events sent with retries (bench/multi/send.py,
#      ids fixed by the client) while the last instance is killed with SIGKILL mid-run; then checks in the database:
#      every id stored once, the chain gapless, exactly one alert and one webhook delivery, and the retention of a
#      tenant with 3-day-old events done once over all instances.
# Prints a summary table (also in $AUDITKIT_BENCH_DIR/summary.md); exits 1 when a check fails. Stops everything it started (trap).
#   bash bench/multi/run.sh
#   MULTI_SCALE_EVENTS=20000 MULTI_SCALE_SECONDS=15 MULTI_KILL_EVENTS=10000 bash bench/multi/run.sh   # shorter
# Knobs: MULTI_INSTANCES, MULTI_TOOLS (3), MULTI_SCALE_EVENTS (60000), MULTI_SCALE_SECONDS (40), MULTI_SENDERS (6), MULTI_KILL_EVENTS
# (30000), MULTI_BASE_PORT (5880: HAProxy; instances on the next ports, receiver after them), AUDITKIT_BENCH_DIR
# (/tmp/auditkit-multi-bench, deleted and re-created), AUDITKIT_BENCH_PG_PORT (55881).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
source bench/lib/server.sh
instances="${MULTI_INSTANCES:-3}"
scale_events="${MULTI_SCALE_EVENTS:-60000}"
scale_seconds="${MULTI_SCALE_SECONDS:-40}"
senders="${MULTI_SENDERS:-6}"
kill_events="${MULTI_KILL_EVENTS:-30000}"
base="${MULTI_BASE_PORT:-5880}"
export AUDITKIT_BENCH_DIR="${AUDITKIT_BENCH_DIR:-/tmp/auditkit-multi-bench}"
export AUDITKIT_BENCH_PG_PORT="${AUDITKIT_BENCH_PG_PORT:-55881}"
dir="$AUDITKIT_BENCH_DIR"
lb="http://127.0.0.1:$base"
admin="multi-bench-bootstrap-admin-key-0123456789"
receiver_port=$((base + instances + 1))
retention_tenant="multi-retention"

command -v haproxy >/dev/null || { apt-get update -qq && apt-get install -y -qq haproxy >/dev/null; }

declare -A pids=()
haproxy_pid=""
receiver_pid=""
sampler_pid=""
cleanup() {
  [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null || true
  for i in "${!pids[@]}"; do kill "${pids[$i]}" 2>/dev/null || true; done
  [ -n "$haproxy_pid" ] && kill "$haproxy_pid" 2>/dev/null || true
  [ -n "$receiver_pid" ] && kill "$receiver_pid" 2>/dev/null || true
  bash bench/query/postgres.sh stop >/dev/null 2>&1 || true
}
trap cleanup EXIT

bash bench/query/postgres.sh destroy >/dev/null 2>&1 || true
conn="$(bash bench/query/postgres.sh start)"
# Three instances of 50 connections would pass PostgreSQL's max_connections (100): 25 each.
conn="${conn/Maximum Pool Size=50/Maximum Pool Size=25}"
pg="host=127.0.0.1 port=$AUDITKIT_BENCH_PG_PORT user=auditkit dbname=auditkit_bench"
pg_pid="$(head -1 "$dir/pg/postmaster.pid")"
sql() { psql "$pg" -v ON_ERROR_STOP=1 -tAc "$1"; }
# Lock waits, deadlocks and slow statements in PostgreSQL's log ($dir/pg/server.log), to explain a failed check.
sql "ALTER SYSTEM SET log_lock_waits = on" >/dev/null
sql "ALTER SYSTEM SET log_min_duration_statement = 2000" >/dev/null
sql "SELECT pg_reload_conf()" >/dev/null
# Statements running longer than 5 s, sampled every 2 s for the whole run, into $dir/activity.txt.
(while sleep 2; do psql "$pg" -tAc "SELECT now(), pid, application_name, state, wait_event_type, wait_event,
  now() - query_start, left(query, 70) FROM pg_stat_activity WHERE datname = 'auditkit_bench' AND state <> 'idle'
  AND now() - query_start > interval '5 s' AND pid <> pg_backend_pid()" || exit 0; done) >>"$dir/activity.txt" 2>/dev/null &
sampler_pid=$!

dotnet publish -c Release src/AuditKit.Server -o "$dir/server" -v q -nologo >/dev/null
dotnet build -c Release bench/AuditKit.LoadTool -v q -nologo >/dev/null
bench_signing_key "$dir/signing-key.pem"
webhook_key="$(openssl rand -base64 32)"

start_instance() {
  local i=$1
  bench_start_server "$dir/server/AuditKit.Server.dll" "$conn" "$admin" "$dir/signing-key.pem" "http://127.0.0.1:$((base + i))" \
    "$dir/server-$i.log" \
    AuditKit__Webhooks__SecretKey="$webhook_key" AuditKit__Webhooks__RequireHttps=false AuditKit__Webhooks__AllowedHosts__0=127.0.0.1 \
    AuditKit__Retention__Interval=00:01:00 "AuditKit__Retention__Tenants__${retention_tenant}__Days=1"
  pids[$i]=$!
}

# The first instance migrates the fresh database; the others start once it is done.
start_instance 1
bench_wait_ready "http://127.0.0.1:$((base + 1))" 120
for i in $(seq 2 "$instances"); do start_instance "$i"; done
for i in $(seq 2 "$instances"); do bench_wait_ready "http://127.0.0.1:$((base + i))" 120; done

balance() { # $1 = how many instances HAProxy sends to
  [ -n "$haproxy_pid" ] && { kill "$haproxy_pid"; wait "$haproxy_pid" 2>/dev/null || true; }
  {
    printf 'global\n  maxconn 512\ndefaults\n  mode http\n  timeout connect 2s\n  timeout client 60s\n  timeout server 60s\n'
    printf '  retries 3\n  option redispatch\nfrontend fe\n  bind 127.0.0.1:%s\n  default_backend be\n' "$base"
    printf 'backend be\n  balance roundrobin\n  option httpchk GET /health/ready\n'
    for i in $(seq 1 "$1"); do printf '  server s%s 127.0.0.1:%s check inter 1s fall 2 rise 2\n' "$i" "$((base + i))"; done
  } >"$dir/haproxy.cfg"
  haproxy -f "$dir/haproxy.cfg" -db >"$dir/haproxy.log" 2>&1 &
  haproxy_pid=$!
  bench_wait_ready "$lb" 120
}

create_tenant() { # $1 = tenant; prints an ingest key
  curl -sf -X POST "$lb/api/v1/admin/tenants" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d "{\"id\":\"$1\",\"name\":\"$1\"}" >/dev/null
  curl -sf -X POST "$lb/api/v1/admin/tenants/$1/keys" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
    -d '{"role":"ingest"}' | sed -E 's/.*"key":"([^"]+)".*/\1/'
}

balance "$instances"
# Retention: 3-day-old events of a tenant kept 1 day, which every instance's job (each minute) then finds.
retention_key="$(create_tenant "$retention_tenant")"
retention_old="$(python3 bench/multi/send.py "$lb" "$retention_key" 5000 500 2 "$dir/retention-old.ids" 3)"
retention_new="$(python3 bench/multi/send.py "$lb" "$retention_key" 1000 500 2 "$dir/retention-new.ids" 0)"
echo "retention tenant: old $retention_old; recent $retention_new"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
declare -a scale_rows=()
# CPU seconds PostgreSQL has used so far: the postmaster with its exited backends, and the running backends.
pg_cpu() {
  local ticks total
  ticks="$(getconf CLK_TCK)"
  total="$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$pg_pid/stat")"
  for c in $(ps --ppid "$pg_pid" -o pid= 2>/dev/null); do
    total=$((total + $(awk '{ print $14 + $15 }' "/proc/$c/stat" 2>/dev/null || echo 0)))
  done
  awk -v t="$total" -v k="$ticks" 'BEGIN { printf "%.2f", t / k }'
}
# The same offered load for every instance count: $tools load tools at once, each its own tenant (a tenant's chain
# takes one batch at a time, so one tenant alone would measure its chain lock, not the instances).
tools="${MULTI_TOOLS:-3}"
for n in $(seq 1 "$instances"); do
  balance "$n"
  cpu0="$(pg_cpu)"
  began="$(date +%s.%N)"
  tool_pids=()
  for t in $(seq 1 "$tools"); do
    timeout $((scale_seconds + 120)) dotnet bench/AuditKit.LoadTool/bin/Release/net10.0/AuditKit.LoadTool.dll \
      --server "$lb" --admin-key "$admin" --phases http --gzip --events $((scale_events / tools)) --seconds "$scale_seconds" \
      --senders $(((senders + tools - 1) / tools)) >"$dir/scale-$n-$t.txt" 2>&1 &
    tool_pids+=($!)
  done
  wait "${tool_pids[@]}" || true
  cpu1="$(pg_cpu)"
  rows=0; secs=0
  for t in $(seq 1 "$tools"); do
    line="$(grep '^http (' "$dir/scale-$n-$t.txt" | tail -1 | cut -c63-)"
    read -r r sec _ <<<"$line"
    rows=$((rows + ${r:-0}))
    secs="$(awk -v a="$secs" -v b="${sec:-0}" 'BEGIN { print (b > a ? b : a) }')"
  done
  rate="$(awk -v r="$rows" -v s="$secs" 'BEGIN { printf "%.0f", r / s }')"
  pg_s="$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.1f", b - a }')"
  pg_ms="$(awk -v c="$pg_s" -v r="$rows" 'BEGIN { printf "%.0f", c * 1e6 / r }')"
  wall="$(awk -v a="$began" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')"
  # While the events flow: CPU per event times the rate (the step's wall time also holds the tools' start-up).
  cores="$(awk -v ms="$pg_ms" -v r="$rate" 'BEGIN { printf "%.2f", ms * r / 1e6 }')"
  scale_rows+=("| $n | $rows | $secs | $rate | $pg_ms | $cores |")
  echo "scale $n instance(s): $rows events in $secs s = $rate events/s; PostgreSQL $pg_ms ms CPU per 1000 events ($cores cores while ingesting; the step took $wall s with the tools' start-up)"
done
echo "load average after scale: $(cut -d' ' -f1-3 /proc/loadavg)"

# Kill phase. All instances behind HAProxy again.
balance "$instances"
python3 bench/multi/receiver.py "$receiver_port" "$dir/webhooks.txt" &
receiver_pid=$!
: >"$dir/webhooks.txt"
kill_tenant="multi-kill"
kill_key="$(create_tenant "$kill_tenant")"
curl -sf -X POST "$lb/api/v1/admin/tenants/$kill_tenant/webhooks" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d "{\"url\":\"http://127.0.0.1:$receiver_port/hook\",\"minimum_severity\":\"HIGH\",\"description\":\"multi-instance bench\"}" >/dev/null
# The attack: 5 failed logins from one IP for 5 users, one request each, so round robin spreads them over the instances.
for u in 1 2 3 4 5; do
  curl -sf -X POST "$lb/api/v1/audit-logs" -H "Authorization: Bearer $kill_key" -H 'Content-Type: application/json' \
    -d "{\"action\":\"LOGIN_FAILED\",\"status\":\"FAILURE\",\"user_id\":\"victim-$u\",\"ip_address\":\"203.0.113.66\",\"severity\":\"MEDIUM\"}" >/dev/null
done

# The known set, with the last instance killed (SIGKILL) a few seconds into it.
python3 bench/multi/send.py "$lb" "$kill_key" "$kill_events" 500 "$senders" "$dir/kill.ids" >"$dir/kill-send.txt" &
send_pid=$!
# Killed once a third of the set is stored, so batches are in flight on every instance.
for _ in $(seq 1 300); do
  [ "$(sql "SELECT count(*) FROM audit_events WHERE tenant_id = '$kill_tenant'")" -ge $((kill_events / 3)) ] && break
  sleep 0.1
done
stored_at_kill="$(sql "SELECT count(*) FROM audit_events WHERE tenant_id = '$kill_tenant'")"
victim="${pids[$instances]}"
kill -9 "$victim"
unset "pids[$instances]"
killed_at="$(date -u +%T)"
wait "$send_pid"
send_result="$(cat "$dir/kill-send.txt")"
# Batches stored but not yet evaluated, right after the set: the killed instance's wait for another's sweep (after
# SweepGracePeriod, 30 s; every SweepInterval, 15 s); the others' are evaluated by their own passes.
outbox_at_kill="$(sql "SELECT count(*) FROM detection_outbox")"
echo "killed instance $instances (pid $victim) at $killed_at with $stored_at_kill events of the set stored; sender: $send_result"

# Webhook: the dispatcher of the instance that raised the alert sends at once; others poll every 5 s.
for _ in $(seq 1 30); do [ -s "$dir/webhooks.txt" ] && break; sleep 1; done
sleep 8
# Retention: each instance's job runs every minute; wait until a run after the old events were sent has deleted them.
for _ in $(seq 1 90); do
  [ "$(sql "SELECT count(*) FROM audit_events WHERE tenant_id = '$retention_tenant' AND \"timestamp\" < now() - interval '2 days'")" = 0 ] && break
  sleep 2
done
sleep 5

outbox_waited=0
while [ "$(sql "SELECT count(*) FROM detection_outbox")" != 0 ] && [ "$outbox_waited" -lt 120 ]; do sleep 2; outbox_waited=$((outbox_waited + 2)); done

psql "$pg" -qc "CREATE TABLE IF NOT EXISTS bench_sent_ids (id uuid PRIMARY KEY)" -c "TRUNCATE bench_sent_ids" \
  -c "\\copy bench_sent_ids FROM '$dir/kill.ids'"
stored="$(sql "SELECT count(*) FROM audit_events WHERE tenant_id = '$kill_tenant' AND action = 'UPDATE'")"
distinct="$(sql "SELECT count(DISTINCT id) FROM audit_events WHERE tenant_id = '$kill_tenant' AND action = 'UPDATE'")"
missing="$(sql "SELECT count(*) FROM bench_sent_ids s WHERE NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.tenant_id = '$kill_tenant' AND e.id = s.id)")"
chain="$(sql "SELECT count(*) || ' rows, seq ' || min(seq) || '..' || max(seq) || ', ' || count(DISTINCT seq) || ' distinct' FROM audit_events WHERE tenant_id = '$kill_tenant'")"
gapless="$(sql "SELECT count(*) = max(seq) - min(seq) + 1 AND count(DISTINCT seq) = count(*) FROM audit_events WHERE tenant_id = '$kill_tenant'")"
alerts="$(sql "SELECT count(*) FROM alerts WHERE tenant_id = '$kill_tenant'")"
alert_rules="$(sql "SELECT coalesce(string_agg(rule || ' ' || key_value, ', '), '-') FROM alerts WHERE tenant_id = '$kill_tenant'")"
received="$(wc -l <"$dir/webhooks.txt")"
received_distinct="$(cut -d' ' -f1 "$dir/webhooks.txt" | sort -u | wc -l)"
deliveries="$(sql "SELECT coalesce(string_agg(status || ' after ' || attempts || ' attempt(s)', ', '), '-') FROM webhook_deliveries WHERE tenant_id = '$kill_tenant'")"
outbox="$(sql "SELECT count(*) FROM detection_outbox")"
swept="$(grep -h 'Outbox sweep evaluated' "$dir"/server-*.log | sed -E 's/.*evaluated ([0-9]+) batches.*/\1/' | awk '{ n += $1 } END { print n + 0 }')"
sweep_lines="$(grep -h 'Outbox sweep evaluated' "$dir"/server-*.log | sed -E 's/.*evaluated ([0-9]+) batches \(([0-9]+) events\) of tenant ([^ ]+) .*; ([0-9]+) alerts.*/\1 batch(es), \2 events, \3, \4 alerts/' | paste -sd ';' - || true)"
old_left="$(sql "SELECT count(*) FROM audit_events WHERE tenant_id = '$retention_tenant' AND \"timestamp\" < now() - interval '2 days'")"
recent_left="$(sql "SELECT count(*) FROM audit_events WHERE tenant_id = '$retention_tenant' AND \"timestamp\" >= now() - interval '2 days' AND action = 'UPDATE'")"
cuts="$(sql "SELECT count(*) || ' cut(s) deleting ' || coalesce(sum(deleted_events), 0) || ' events' FROM retention_cuts WHERE tenant_id = '$retention_tenant'")"
cut_sum="$(sql "SELECT coalesce(sum(deleted_events), 0) FROM retention_cuts WHERE tenant_id = '$retention_tenant'")"
purge_events="$(sql "SELECT count(*) FROM audit_events WHERE tenant_id = '$retention_tenant' AND user_id = 'auditkit-retention'")"
checkpoint_dups="$(sql "SELECT count(*) FROM (SELECT 1 FROM integrity_checkpoints GROUP BY tenant_id, seq, kind HAVING count(*) > 1) d")"
runs_logged="$(grep -hi 'retention' "$dir"/server-*.log | grep -ci "$retention_tenant" || true)"

kill_sent="$(sed -E 's/.*sent=([0-9]+).*/\1/' <<<"$send_result")"
ok() { if [ "$1" = "$2" ]; then echo ok; else echo "FAIL (expected $2)"; fi; }
{
echo
echo "## Aggregate ingest through HAProxy (same run; $tools load tools at once, one tenant each, gzip batches of 1000, $senders senders in all)"
echo
echo "| instances | events | seconds | events/s | PostgreSQL CPU ms per 1000 events | PostgreSQL cores busy while ingesting |"
echo "|---|---|---|---|---|---|"
printf '%s\n' "${scale_rows[@]}"
echo
echo "## Checks with instance $instances killed (SIGKILL) during the known set"
echo
echo "| check | value | result |"
echo "|---|---|---|"
echo "| known set: events stored vs sent | $stored of $kill_sent ($send_result) | $(ok "$stored" "$kill_sent") |"
echo "| known set: distinct ids stored / sent ids missing | $distinct / $missing | $(ok "$distinct/$missing" "$kill_sent/0") |"
echo "| the tenant's chain gapless | $chain | $(ok "$gapless" t) |"
echo "| alerts for the attack (5 failed logins from 203.0.113.66, round robin) | $alerts: $alert_rules | $(ok "$alerts" 1) |"
echo "| webhook requests received / distinct delivery ids | $received / $received_distinct ($deliveries) | $(ok "$received/$received_distinct" 1/1) |"
echo "| detection outbox: batches not yet evaluated right after the set / at the end (waited ${outbox_waited} s more) | $outbox_at_kill / $outbox | $(ok "$outbox" 0) |"
echo "| batches evaluated by outbox sweeps over all instances (each at most once: at most the first number) | $swept (${sweep_lines:--}) | $(ok "$((swept <= outbox_at_kill))" 1) |"
echo "| retention: 3-day-old events left / recent kept | $old_left / $recent_left | $(ok "$old_left/$recent_left" 0/1000) |"
echo "| retention: deleted events recorded over all instances' runs | $cuts | $(ok "$cut_sum" 5000) |"
echo "| retention: purge records in the tenant's log | $purge_events (server log lines naming the tenant: $runs_logged) | - |"
echo "| integrity checkpoints signed twice for one (tenant, seq) | $checkpoint_dups | $(ok "$checkpoint_dups" 0) |"
echo
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); logs in $dir"
} | tee "$dir/summary.md"
! grep -q '| FAIL' "$dir/summary.md"
