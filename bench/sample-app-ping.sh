#!/usr/bin/env bash
# The sample-app's GET /api/ping under wrk on 127.0.0.1, alternating rounds in one session so every mode sees the
# same machine. Bounded: each run lasts DURATION.
#  1. Throughput: un-audited (SampleApp:Auditing=Off) against audited into an in-process sink (InMemory),
#     CONNECTIONS connections, ROUNDS rounds.
#  2. With FORWARDING=1 (the script starts an AuditKit server of its own on the embedded SQLite store), or when
#     AUDITKIT_SERVER_URL and AUDITKIT_API_KEY name a running one: latency at a fixed, sub-saturation rate
#     (PACED_CONNECTIONS connections, each waiting PACED_DELAY_MS between requests), un-audited (Off) against audited
#     with real forwarding to that server (Server). Each measured run follows PACED_WARMUP of the same load, so that
#     the delivery path (run a few times a second, once per batch) is past tiered JIT compilation, as in a running
#     application; a server the script starts gets SERVER_WARMUP of audited load first, for the same reason.
#     SERVER_CPUS / APP_CPUS pin the server, and the app with wrk, to CPU sets (taskset), e.g. SERVER_CPUS=1
#     APP_CPUS=0 to give the server a core of its own as if it ran on its own host; both modes are pinned alike.
#   bash bench/sample-app-ping.sh            (ROUNDS=3 DURATION=10s CONNECTIONS=32 THREADS=1 by default)
#   FORWARDING=1 SERVER_CPUS=1 APP_CPUS=0 THROUGHPUT=0 bash bench/sample-app-ping.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${ROUNDS:-3}"
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-32}"
threads="${THREADS:-1}"
port="${PORT:-5097}"
paced_connections="${PACED_CONNECTIONS:-4}"
paced_delay_ms="${PACED_DELAY_MS:-2}"
paced_warmup="${PACED_WARMUP:-40s}"
server_warmup="${SERVER_WARMUP:-60s}"
server_port="${SERVER_PORT:-5181}"
app_pin=()
[ -n "${APP_CPUS:-}" ] && app_pin=(taskset -c "$APP_CPUS")
server_pin=()
[ -n "${SERVER_CPUS:-}" ] && server_pin=(taskset -c "$SERVER_CPUS")

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/auditkit-ping.XXXXXX")"
app_pid=""
server_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build -c Release "$root/sample-app" -o "$work/app" >/dev/null

if [ "${FORWARDING:-0}" = 1 ] && [ -z "${AUDITKIT_SERVER_URL:-}" ]; then
  # A server of our own, from its build output (so its appsettings.json applies), on a fresh SQLite file.
  dotnet build -c Release "$root/src/AuditKit.Server" -o "$work/server" >/dev/null
  admin_key="bench-bootstrap-key-0123456789abcdefghijklmnop"
  (cd "$work/server" && \
    Urls="http://127.0.0.1:$server_port" \
    AuditKit__BootstrapAdminKey="$admin_key" \
    AuditKit__Storage__SqlitePath="$work/server-data/auditkit.db" \
    Logging__LogLevel__Default=Warning \
    exec "${server_pin[@]}" dotnet AuditKit.Server.dll) >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 150); do
    curl -sf "http://127.0.0.1:$server_port/health" >/dev/null 2>&1 && break
    sleep 0.2
  done
  base="http://127.0.0.1:$server_port/api/v1"
  curl -sf -X POST "$base/admin/tenants" -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' \
    -d '{"id":"bench","name":"Bench"}' >/dev/null
  AUDITKIT_API_KEY="$(curl -sf -X POST "$base/admin/tenants/bench/keys" -H "Authorization: Bearer $admin_key" \
    -H 'Content-Type: application/json' -d '{"role":"ingest"}' | sed -E 's/.*"key":"([^"]+)".*/\1/')"
  AUDITKIT_SERVER_URL="http://127.0.0.1:$server_port"
  export AUDITKIT_SERVER_URL AUDITKIT_API_KEY
  echo "server started (pid $server_pid${SERVER_CPUS:+, CPUs $SERVER_CPUS}); warming it up for $server_warmup"
fi

cat >"$work/paced.lua" <<LUA
function delay()
  return $paced_delay_ms
end
LUA

run() {
  local mode="$1" phase="${2:-throughput}" warmup="${3:-$paced_warmup}"
  rm -rf "$work/data"
  (cd "$work" && \
    ASPNETCORE_URLS="http://127.0.0.1:$port" \
    SampleApp__Auditing="$mode" \
    AuditKit__ServerUrl="${AUDITKIT_SERVER_URL:-http://127.0.0.1:9}" \
    AuditKit__ApiKey="${AUDITKIT_API_KEY:-none}" \
    ConnectionStrings__Sample="Data Source=$work/data/sample.db" \
    AuditKit__SpoolDirectory="$work/data/spool" \
    Logging__LogLevel__Default=Warning \
    exec "${app_pin[@]}" dotnet "$work/app/AuditKit.SampleApp.dll") >"$work/app.log" 2>&1 &
  app_pid=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/api/ping" >/dev/null 2>&1 && break
    sleep 0.2
  done
  local out
  if [ "$phase" = throughput ]; then
    wrk -t"$threads" -c"$connections" -d3s "http://127.0.0.1:$port/api/ping" >/dev/null
    out="$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "http://127.0.0.1:$port/api/ping")"
  else
    "${app_pin[@]}" wrk -t1 -c"$paced_connections" -d"$warmup" -s "$work/paced.lua" "http://127.0.0.1:$port/api/ping" >/dev/null
    out="$("${app_pin[@]}" wrk -t1 -c"$paced_connections" -d"$duration" --latency -s "$work/paced.lua" "http://127.0.0.1:$port/api/ping")"
  fi
  kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""
  local rps p50 p99
  rps="$(printf '%s\n' "$out" | awk '/^Requests\/sec:/ {print $2}')"
  p50="$(printf '%s\n' "$out" | awk '$1=="50%" {print $2}')"
  p99="$(printf '%s\n' "$out" | awk '$1=="99%" {print $2}')"
  printf '%-10s %-9s %12s req/s   p50 %-9s p99 %s\n' "$phase" "$mode" "$rps" "$p50" "$p99"
  echo "$phase $mode $rps $p99" >>"$work/results"
}

if [ -n "$server_pid" ]; then
  run Server warm-up "$server_warmup" >/dev/null
fi

# Latencies are printed by wrk with their unit (us, ms, s): normalise to milliseconds.
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; print v}'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
touch "$work/results"
if [ "${THROUGHPUT:-1}" = 1 ]; then
echo "GET /api/ping; throughput: wrk -t$threads -c$connections -d$duration; $rounds rounds"
for _ in $(seq 1 "$rounds"); do
  run Off
  run InMemory
done

off="$(awk '$1=="throughput" && $2=="Off" {print $3}' "$work/results" | median)"
audited="$(awk '$1=="throughput" && $2=="InMemory" {print $3}' "$work/results" | median)"
echo "throughput median: Off $off req/s, InMemory $audited req/s, ratio $(awk -v a="$audited" -v b="$off" 'BEGIN {printf "%.3f", a/b}')"
fi

if [ -n "${AUDITKIT_SERVER_URL:-}" ] && [ -n "${AUDITKIT_API_KEY:-}" ]; then
  echo "latency at a fixed rate: wrk -t1 -c$paced_connections, ${paced_delay_ms} ms between requests per connection, $paced_warmup warm-up; $rounds rounds${APP_CPUS:+; app and wrk on CPUs $APP_CPUS}"
  for _ in $(seq 1 "$rounds"); do
    run Off paced
    run Server paced
  done
  off_p99="$(awk '$1=="paced" && $2=="Off" {print $4}' "$work/results" | to_ms | median)"
  server_p99="$(awk '$1=="paced" && $2=="Server" {print $4}' "$work/results" | to_ms | median)"
  echo "paced p99 median: Off ${off_p99} ms, Server ${server_p99} ms, added $(awk -v a="$server_p99" -v b="$off_p99" 'BEGIN {printf "%.3f", a-b}') ms"
fi
