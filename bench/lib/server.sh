# Shell functions of the benchmark scripts that run the AuditKit server; sourced from the repository root:
#   source bench/lib/server.sh

# bench_signing_key FILE: a throwaway P-256 checkpoint signing key in FILE, made when FILE does not exist yet (in
# Production on PostgreSQL the server refuses to start without one).
bench_signing_key() {
  [ -f "$1" ] || (umask 077; openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1")
}

# bench_start_server DLL CONNECTION ADMIN_KEY SIGNING_KEY URL LOG [NAME=VALUE ...]: starts the server DLL in the
# background ($! is its process id) in Production on URL, with that connection string, bootstrap admin key, checkpoint
# signing key (key id "bench") and the further settings given, its output in LOG. It runs from DLL's directory, so that
# its appsettings.json (log levels: Warning for requests and SQL) is loaded as in a deployment; started from the
# repository root it would log every request and command.
bench_start_server() {
  local dll="$1" conn="$2" admin="$3" signing_key="$4" url="$5" log="$6"
  shift 6
  (cd "$(dirname "$dll")" && exec env ConnectionStrings__AuditKit="$conn" AuditKit__BootstrapAdminKey="$admin" \
    AuditKit__Integrity__SigningKeys__0__KeyId=bench AuditKit__Integrity__SigningKeys__0__PrivateKeyPath="$signing_key" \
    AuditKit__Integrity__SigningKeys__0__Active=true "$@" \
    ASPNETCORE_ENVIRONMENT=Production Urls="$url" dotnet "$(basename "$dll")") >"$log" 2>&1 &
}

# bench_wait_ready URL SECONDS: waits until the server on URL is ready (/health/ready), at most about SECONDS; fails
# with a message when it is not.
bench_wait_ready() {
  for _ in $(seq 1 "$2"); do curl -sf "$1/health/ready" >/dev/null && return 0; sleep 1; done
  echo "not ready after $2 s: $1" >&2
  return 1
}

# unpartition_sql FILE: the partition migration's way back (the partitioned audit_events made one table again), as
# this checkout's build compiles it, in FILE; builds the query benchmark (which prints it) when it is not built yet.
unpartition_sql() {
  local tool=bench/AuditKit.QueryBench/bin/Release/net10.0/AuditKit.QueryBench.dll
  [ -f "$tool" ] || dotnet build -c Release bench/AuditKit.QueryBench -v q -nologo >/dev/null
  dotnet "$tool" --print-unpartition-sql >"$1"
}
