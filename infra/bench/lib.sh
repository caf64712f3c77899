#!/usr/bin/env bash
# Shared by the benchmark parts in infra/bench/*.sh (each also runs alone: infra/bench/redemption.sh, or
# infra/bench.sh --only redemption). Private PostgreSQL in .local/bench-pg (PostgreSQL's defaults, fsync on), the
# Release build of the host, and a results section appended to bench/results/YYYY-MM-DD.md.
#   BP_BENCH_PG_PORT (default 5530), BP_BENCH_HTTP_PORT (default 5580), BP_BENCH_SKIP_BUILD=1 to reuse the last build.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source infra/lib.sh

BENCH_ROOT=$PWD/.local/bench-pg
BENCH_PORT=${BP_BENCH_PG_PORT:-5530}
BENCH_HTTP_PORT=${BP_BENCH_HTTP_PORT:-5580}
BENCH_URL=http://127.0.0.1:$BENCH_HTTP_PORT
BENCH_OUT=$PWD/.local/bench-out
BENCH_RESULT=$PWD/bench/results/$(date -u +%F).md
BENCH_HOST_PID_FILE=$BENCH_OUT/extra-host.pid
mkdir -p "$BENCH_OUT" bench/results

# Stops only what this script started: the host, and the cluster when it was not running before.
bench_cleanup() {
  bench_stop_host
  [ "${BENCH_PG_STARTED:-0}" = 1 ] && pg_stop "$BENCH_ROOT"
  return 0
}

bench_begin() {
  ensure_dotnet
  BENCH_BIN=$(pg_bin)
  if [ -f "$BENCH_ROOT/data/PG_VERSION" ] && as_pg "$BENCH_BIN/pg_ctl" -D "$BENCH_ROOT/data" status >/dev/null 2>&1; then
    BENCH_PG_STARTED=0
  else
    BENCH_PG_STARTED=1
  fi
  trap bench_cleanup EXIT
  pg_start "$BENCH_ROOT" "$BENCH_PORT"
  if [ "${BP_BENCH_SKIP_BUILD:-0}" != 1 ]; then
    log "building the host (Release)"
    dotnet build src/BenefitProgram.Host -c Release -v q -nologo >"$BENCH_OUT/build.log" 2>&1 \
      || { tail -20 "$BENCH_OUT/build.log" >&2; return 1; }
  fi
}

psql_bench() { "$BENCH_BIN/psql" -h 127.0.0.1 -p "$BENCH_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
now_ms() { date +%s%3N; }
load_avg() { cut -d' ' -f1-3 /proc/loadavg; }

# bench_start_host DB [VAR=value ...]: starts the Release host on DB (extra settings as environment variables), waits
# for /health/ready and prints the milliseconds from launch to the first ready answer.
bench_start_host() {
  local db=$1; shift
  local started ready pid
  started=$(now_ms)
  env ConnectionStrings__BenefitProgram="Host=127.0.0.1;Port=$BENCH_PORT;Database=$db;Username=postgres;Maximum Pool Size=100" \
    ASPNETCORE_URLS=$BENCH_URL ASPNETCORE_ENVIRONMENT=Production Host__Role=all Jobs__NightTriggerCron="0 0 31 2 *" Database__MigrateOnStartup=true \
    Logging__LogLevel__Default=Warning Logging__LogLevel__BenefitProgram.Startup=Information "$@" \
    dotnet "${BENCH_HOST_DIR:-src/BenefitProgram.Host/bin/Release/net10.0}/BenefitProgram.Host.dll" --contentRoot "$PWD/src/BenefitProgram.Host" \
    >"$BENCH_OUT/host-$db.log" 2>&1 &
  pid=$!
  echo "$pid" >"$BENCH_HOST_PID_FILE"
  for _ in $(seq 1 2400); do
    if curl -fsS "$BENCH_URL/health/ready" >/dev/null 2>&1; then
      ready=$(now_ms)
      # CPU time the host used until then (user + system, from /proc): on a shared machine the wall time mostly says
      # how loaded the machine was; the CPU time says how much work the start-up is.
      BENCH_HOST_CPU_MS=$(awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$pid/stat" 2>/dev/null || echo "?")
      echo "$BENCH_HOST_CPU_MS" >"$BENCH_OUT/host-cpu-ms"
      echo $(( ready - started )); return 0
    fi
    kill -0 "$pid" 2>/dev/null || { log "host exited; see $BENCH_OUT/host-$db.log"; return 1; }
    sleep 0.05
  done
  log "host not ready after 120 s"; return 1
}

bench_stop_host() {
  [ -s "$BENCH_HOST_PID_FILE" ] || return 0
  local pid; pid=$(cat "$BENCH_HOST_PID_FILE"); rm -f "$BENCH_HOST_PID_FILE"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

# bench_token EMAIL PASSWORD: a bearer token of that sign-in.
bench_token() {
  curl -fsS -X POST "$BENCH_URL/api/v1/auth/token" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$1\",\"password\":\"$2\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])'
}

# bench_section TITLE < body: appends a section to today's results file (the main table is bench.sh's).
bench_section() {
  { echo; echo "## $1 ($(date -u '+%H:%M') UTC, load average $(load_avg))"; echo; cat; } >>"$BENCH_RESULT"
  log "appended \"$1\" to $BENCH_RESULT"
}
