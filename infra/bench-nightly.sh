#!/usr/bin/env bash
# The nightly suite, timed per step, on the demo data and on a generated program (src/BenefitProgram.DataGenerator).
# Called by infra/bench.sh --nightly-members N, or alone:
#   infra/bench-nightly.sh --members 100000 [--seed 42] [--skip-demo]
#   BP_BENCH_PG_PORT (default 5530), BP_BENCH_HTTP_PORT (default 5580)
# For each data set: a fresh database, the host (Release) migrates it and seeds the demo, the generator adds N members
# (history up to today 00:00 UTC), the host is started again and "the night of yesterday" is run through
# POST /api/v1/ops/jobs/nights/{date} (Hangfire runs INightRunner). Per step: the run record (platform.job_runs: start,
# end, rows) next to the time PostgreSQL itself spent in the step's statements (server log, log_min_duration_statement=0,
# statements attributed to the step by time): the pure-SQL lower bound of the same set-based statements.
# Appends a section to bench/results/YYYY-MM-DD.md and prints it. Never a test: nothing asserts a wall-clock limit.
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/lib.sh

MEMBERS=100000
SEED=42
SKIP_DEMO=
while [ $# -gt 0 ]; do
  case $1 in
    --members) MEMBERS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --skip-demo) SKIP_DEMO=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

ROOT=$PWD/.local/bench-pg
PORT=${BP_BENCH_PG_PORT:-5530}
HTTP_PORT=${BP_BENCH_HTTP_PORT:-5580}
URL=http://127.0.0.1:$HTTP_PORT
OUT=$PWD/.local/bench-out
RESULT=bench/results/$(date -u +%F).md
mkdir -p "$OUT" bench/results
ensure_dotnet

STARTED_PG=
if ! "$(pg_bin)/pg_isready" -h 127.0.0.1 -p "$PORT" >/dev/null 2>&1; then STARTED_PG=1; fi
pg_start "$ROOT" "$PORT"
BIN=$(pg_bin)
psql_bench() { "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
# Every statement with its duration and database, for the SQL lower bound (private bench cluster only).
psql_bench -c "ALTER SYSTEM SET log_line_prefix = '%m [%p] db=%d '" -c "ALTER SYSTEM SET log_timezone = 'UTC'" -c "SELECT pg_reload_conf()" >/dev/null
SERVER_LOG=$ROOT/server.log

HOST_PID_FILE=$OUT/nightly-host.pid
stop_host() {
  [ -s "$HOST_PID_FILE" ] || return 0
  local pid; pid=$(cat "$HOST_PID_FILE"); rm -f "$HOST_PID_FILE"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}
cleanup() {
  stop_host
  psql_bench -c "ALTER SYSTEM RESET log_line_prefix" -c "ALTER SYSTEM RESET log_timezone" -c "SELECT pg_reload_conf()" >/dev/null 2>&1 || true
  [ -n "$STARTED_PG" ] && pg_stop "$ROOT"
  return 0
}
trap cleanup EXIT

log "building host and data generator (Release)"
dotnet build src/BenefitProgram.Host -c Release -v q -nologo >/dev/null
dotnet build src/BenefitProgram.DataGenerator -c Release -v q -nologo >/dev/null

start_host() {
  local db=$1
  export ConnectionStrings__BenefitProgram="Host=127.0.0.1;Port=$PORT;Database=$db;Username=postgres"
  ASPNETCORE_URLS=$URL ASPNETCORE_ENVIRONMENT=Production Host__Role=all Jobs__NightTriggerCron="0 0 31 2 *" Database__MigrateOnStartup=true Database__SeedDemo=true \
    dotnet src/BenefitProgram.Host/bin/Release/net10.0/BenefitProgram.Host.dll --contentRoot "$PWD/src/BenefitProgram.Host" \
    >>"$OUT/nightly-host-$db.log" 2>&1 &
  echo $! >"$HOST_PID_FILE"
  for _ in $(seq 1 1200); do
    curl -fsS "$URL/health/ready" >/dev/null 2>&1 && return 0
    kill -0 "$(cat "$HOST_PID_FILE")" 2>/dev/null || { log "host exited; see $OUT/nightly-host-$db.log"; return 1; }
    sleep 0.1
  done
  log "host not ready after 120 s"; return 1
}

NIGHT=$(date -u -d yesterday +%F)
AS_OF=$(date -u +%F)
SECTION=$OUT/nightly-section.md
: >"$SECTION"

# run_night DB LABEL: runs the night on DB and appends its table to the section.
run_night() {
  local db=$1 label=$2 token queued job state t0 t1
  start_host "$db"
  token=$(curl -fsS -H 'Content-Type: application/json' -d '{"email":"operator@pluskonto.example","password":"Demo-Operator-2026"}' \
    "$URL/api/v1/auth/token" | python3 -c 'import json,sys; print(json.load(sys.stdin)["accessToken"])')
  local sizes
  sizes=$(psql_bench -d "$db" -F' ' -c "SELECT (SELECT count(*) FROM members.members), (SELECT count(*) FROM rewards.purchases), (SELECT count(*) FROM rewards.journal_entries), (SELECT count(*) FROM catalog.redemptions), pg_size_pretty(pg_database_size(current_database()))")
  psql_bench -d "$db" -c "VACUUM ANALYZE" >/dev/null
  log "$label: running the night of $NIGHT"
  t0=$(date +%s%3N)
  queued=$(curl -fsS -X POST -H "Authorization: Bearer $token" "$URL/api/v1/ops/jobs/nights/$NIGHT")
  job=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["hangfireJobId"])' "$queued")
  for _ in $(seq 1 36000); do
    state=$(psql_bench -d "$db" -c "SELECT statename FROM hangfire.job WHERE id = $job")
    [ "$state" = Succeeded ] || [ "$state" = Failed ] && break
    sleep 0.1
  done
  t1=$(date +%s%3N)
  stop_host
  sleep 1 # the server log is written asynchronously to the file
  {
    echo
    echo "#### $label: the night of $NIGHT (Hangfire job $state, $(( t1 - t0 )) ms from POST to done)"
    echo
    read -r m p e r s <<<"$sizes"
    echo "Data: $m members, $p purchases, $e journal entries, $r redemptions, database $s."
    echo
    echo "| step | rows | step time (run record) | SQL time in PostgreSQL (same statements) | step / SQL |"
    echo "|---|---:|---:|---:|---:|"
    psql_bench -d "$db" -F'|' -c "SELECT job, rows_affected, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS'), to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS'), outcome FROM platform.job_runs WHERE period = '$NIGHT' ORDER BY started_at" \
      | python3 infra/nightly-sql-time.py "$SERVER_LOG" "$db"
  } >>"$SECTION"
}

if [ -z "$SKIP_DEMO" ]; then
  psql_bench -c "DROP DATABASE IF EXISTS bench_night_demo WITH (FORCE)" -c "CREATE DATABASE bench_night_demo"
  psql_bench -c "ALTER DATABASE bench_night_demo SET log_min_duration_statement = 0"
  start_host bench_night_demo; stop_host
  run_night bench_night_demo "Demo data (the host's demo seed)"
fi

db=bench_night_${MEMBERS}
psql_bench -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
log "migrating and seeding $db"
start_host "$db"; stop_host
log "generating $MEMBERS members (seed $SEED, as of $AS_OF)"
dotnet src/BenefitProgram.DataGenerator/bin/Release/net10.0/BenefitProgram.DataGenerator.dll generate --members "$MEMBERS" --seed "$SEED" \
  --as-of "$AS_OF" --connection "Host=127.0.0.1;Port=$PORT;Database=$db;Username=postgres" | tee "$OUT/generator-$MEMBERS.log"
psql_bench -c "ALTER DATABASE $db SET log_min_duration_statement = 0"
run_night "$db" "Generated program, $MEMBERS members (seed $SEED)"

load=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo
  echo "## Nightly suite (infra/bench-nightly.sh, $(date -u '+%F %H:%M') UTC, load average at the end $load)"
  echo
  echo "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') with its defaults (fsync on), private cluster; host in Release, role all."
  echo "\"SQL time\" is the sum of the durations PostgreSQL logged for the statements that ran during the step"
  echo "(log_min_duration_statement = 0; Hangfire's own statements and the outbox polling excluded): the time of the same"
  echo "set-based statements without the application around them. Statements are attributed by the time they ended, so"
  echo "concurrent work on the database in that window (outbox dispatch, consumers) is counted too: the SQL time can exceed"
  echo "the step time (ratio < 1x), and is then an upper bound of the step's own SQL time."
  echo
  echo "Data generator ($MEMBERS members):"
  echo
  sed -n '/^generated/,$p' "$OUT/generator-$MEMBERS.log" | sed '1G'
  cat "$SECTION"
} >>"$RESULT"
sed -n '/^## Nightly suite/,$p' "$RESULT" | tail -n +1
log "appended to $RESULT"
