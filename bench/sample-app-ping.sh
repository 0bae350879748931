#!/usr/bin/env bash
# Throughput of the sample-app's GET /api/ping under wrk on 127.0.0.1: un-audited (SampleApp:Auditing=Off) against
# audited into an in-process sink (SampleApp:Auditing=InMemory), alternating rounds in one session so both see the
# same machine. Bounded: ROUNDS x 2 runs of DURATION seconds each.
#   bash bench/sample-app-ping.sh            (ROUNDS=3 DURATION=10s CONNECTIONS=32 THREADS=1 by default)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${ROUNDS:-3}"
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-32}"
threads="${THREADS:-1}"
port="${PORT:-5097}"

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/auditkit-ping.XXXXXX")"
app_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build -c Release "$root/sample-app" -o "$work/app" >/dev/null

run() {
  local mode="$1"
  rm -rf "$work/data"
  (cd "$work" && \
    ASPNETCORE_URLS="http://127.0.0.1:$port" \
    SampleApp__Auditing="$mode" \
    ConnectionStrings__Sample="Data Source=$work/data/sample.db" \
    AuditKit__SpoolDirectory="$work/data/spool" \
    Logging__LogLevel__Default=Warning \
    exec dotnet "$work/app/AuditKit.SampleApp.dll") >"$work/app.log" 2>&1 &
  app_pid=$!
  for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/api/ping" >/dev/null 2>&1 && break
    sleep 0.2
  done
  wrk -t"$threads" -c"$connections" -d3s "http://127.0.0.1:$port/api/ping" >/dev/null
  local out
  out="$(wrk -t"$threads" -c"$connections" -d"$duration" --latency "http://127.0.0.1:$port/api/ping")"
  kill "$app_pid"; wait "$app_pid" 2>/dev/null || true; app_pid=""
  local rps p99
  rps="$(printf '%s\n' "$out" | awk '/^Requests\/sec:/ {print $2}')"
  p99="$(printf '%s\n' "$out" | awk '$1=="99%" {print $2}')"
  printf '%-9s %12s req/s   p99 %s\n' "$mode" "$rps" "$p99"
  echo "$mode $rps" >>"$work/results"
}

echo "GET /api/ping, wrk -t$threads -c$connections -d$duration, $rounds rounds"
for _ in $(seq 1 "$rounds"); do
  run Off
  run InMemory
done

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
off="$(awk '$1=="Off" {print $2}' "$work/results" | median)"
audited="$(awk '$1=="InMemory" {print $2}' "$work/results" | median)"
echo "median: Off $off req/s, InMemory $audited req/s, ratio $(awk -v a="$audited" -v b="$off" 'BEGIN {printf "%.3f", a/b}')"
