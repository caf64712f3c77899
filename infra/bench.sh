#!/usr/bin/env bash
# Benchmarks, each measured side by side with its reference in the same run (figures on a shared machine are noisy:
# read the ratios, not the absolute numbers). Never a test: nothing here asserts a wall-clock limit.
#   infra/bench.sh                      default sizes (a few minutes)
#   infra/bench.sh --purchase-rows N    rows of the purchase CSV import (default 100000; 1000000 for the full figure)
#   infra/bench.sh --nightly-members N  also the nightly suite per step on the demo data and on N generated members
#                                       (infra/bench-nightly.sh; appends its own section to the results file)
#   BP_BENCH_PG_PORT (default 5530), BP_BENCH_HTTP_PORT (default 5580)
# Appends a section to bench/results/YYYY-MM-DD.md (several runs a day, by several people) and prints it.
#
# Measured here: start-up to /health/ready (fresh database with migrations, and a second start), purchase CSV import
# vs a raw COPY of the same file; then the parts in infra/bench/ (start-up by phase, coupon redemption under wrk vs
# pgbench, offer search over 20,000 offers, coupon pool import of 1,000,000 codes), each also alone with
# `infra/bench.sh --only NAME [its options]`. Not yet here: the data generator and the nightly suite.
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/lib.sh

PURCHASE_ROWS=100000
NIGHTLY_MEMBERS=
while [ $# -gt 0 ]; do
  case $1 in
    --purchase-rows) PURCHASE_ROWS=$2; shift 2 ;;
    --nightly-members) NIGHTLY_MEMBERS=$2; shift 2 ;;
    --only) part=$2; shift 2; exec "infra/bench/$part.sh" "$@" ;;  # startup | redemption | search | coupons, with their own options
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
HOST_PID_FILE=$OUT/host.pid
cleanup() {
  stop_host
  pg_stop "$ROOT"
}
trap cleanup EXIT
# PostgreSQL's defaults (fsync on): the bench measures what a real installation would do.
pg_start "$ROOT" "$PORT"
BIN=$(pg_bin)
psql_bench() { "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

log "building (Release)"
dotnet build src/BenefitProgram.Host -c Release -v q -nologo >/dev/null

now_ms() { date +%s%3N; }
# start_host DB: starts the host on a database, prints the milliseconds until /health/ready answers.
start_host() {
  local db=$1 started ready
  export ConnectionStrings__BenefitProgram="Host=127.0.0.1;Port=$PORT;Database=$db;Username=postgres"
  started=$(now_ms)
  ASPNETCORE_URLS=$URL ASPNETCORE_ENVIRONMENT=Production Host__Role=all Jobs__NightTriggerCron="0 0 31 2 *" Database__MigrateOnStartup=true \
    dotnet src/BenefitProgram.Host/bin/Release/net10.0/BenefitProgram.Host.dll --contentRoot "$PWD/src/BenefitProgram.Host" \
    >"$OUT/host-$db.log" 2>&1 &
  local host_pid=$!
  echo "$host_pid" >"$HOST_PID_FILE"
  for _ in $(seq 1 1200); do
    if curl -fsS "$URL/health/ready" >/dev/null 2>&1; then ready=$(now_ms); echo $(( ready - started )); return 0; fi
    kill -0 "$host_pid" 2>/dev/null || { log "host exited; see $OUT/host-$db.log"; return 1; }
    sleep 0.05
  done
  log "host not ready after 60 s"; return 1
}
# start_host runs in a command substitution (a subshell): the host's pid goes through a file.
stop_host() {
  [ -s "$HOST_PID_FILE" ] || return 0
  local pid; pid=$(cat "$HOST_PID_FILE"); rm -f "$HOST_PID_FILE"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

# Start-up has no reference program: the figure is read against the goal (< 5 s).
psql_bench -c "DROP DATABASE IF EXISTS bench_startup" -c "CREATE DATABASE bench_startup"
log "start-up on a fresh database (migrations included)"
fresh_ms=$(start_host bench_startup); stop_host
log "start-up on the migrated database"
warm_ms=$(start_host bench_startup); stop_host

# Purchase CSV import: the endpoint's whole path (parse, attribution, cashback rule, staging COPY, purchases, ledger,
# outbox, one transaction) vs a raw COPY of the same file into a bare table, in the same test run
# (tests/BenefitProgram.IntegrationTests/Rewards/PurchaseImportBenchmark.cs).
log "purchase CSV import, $PURCHASE_ROWS rows"
BP_BENCH=1 BP_BENCH_ROWS=$PURCHASE_ROWS BP_TEST_POSTGRES="Host=127.0.0.1;Port=$PORT;Username=postgres;Include Error Detail=true" \
  dotnet test tests/BenefitProgram.IntegrationTests -c Release --nologo -v q \
  --filter "FullyQualifiedName~PurchaseImportBenchmark" --logger "console;verbosity=detailed" >"$OUT/import.log" 2>&1 \
  || { log "import benchmark failed; see $OUT/import.log"; }
import_line=$(grep -o 'endpoint import: .*' "$OUT/import.log" | head -1 || true)
raw_line=$(grep -o 'raw COPY of the same file.*' "$OUT/import.log" | head -1 || true)
import_rps=$(sed -n 's/.*(\([0-9,]*\) rows\/s).*/\1/p' <<<"$import_line" | tr -d ,)
raw_rps=$(sed -n 's/.*(\([0-9,]*\) rows\/s).*/\1/p' <<<"$raw_line" | tr -d ,)
ratio=$(python3 -c "import sys; a,b=sys.argv[1:]; print(f'{int(a)/int(b):.3f}x' if a and b else 'n/a')" "${import_rps:-}" "${raw_rps:-}" 2>/dev/null || echo n/a)

load=$(cut -d' ' -f1-3 /proc/loadavg)
{
  echo
  echo "## infra/bench.sh $(date -u '+%F %H:%M') UTC"
  echo
  echo "Machine: $(nproc) cores shared with other developers, load average at the end $load. PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') with its defaults (fsync on), private cluster. Each figure is measured next to its reference in the same run; absolute numbers are noisy here, compare the ratios."
  echo
  echo "| benchmark | figure | reference (same run) | ratio | goal |"
  echo "|---|---|---|---|---|"
  echo "| start-up to /health/ready, fresh database (migrations) | ${fresh_ms} ms | | | < 5 s |"
  echo "| start-up to /health/ready, migrated database | ${warm_ms} ms | | | < 5 s |"
  echo "| purchase CSV import, $PURCHASE_ROWS rows | ${import_rps:-failed} rows/s | raw COPY ${raw_rps:-?} rows/s | $ratio | >= 0.5x |"
  echo "| coupon redemption (wrk vs pgbench) | not measured yet | | | >= 0.5x, p99 <= 20 ms |"
  echo "| offer search, 20,000 offers | not measured yet | | | p95 <= 15 ms |"
  echo "| coupon pool import, 1,000,000 codes | not measured yet | | | < 10 s |"
  echo
  echo "Import detail: ${import_line:-see .local/bench-out/import.log}"
  grep -o 'same file again: .*' "$OUT/import.log" | sed 's/^/; /' | head -1 || true
  grep -o 'purchases [0-9,]*, journals .*' "$OUT/import.log" | sed 's/^/; /' | head -1 || true
  grep -o 'Purchase import of [0-9]* rows.*' "$OUT/import.log" | sed 's/^/; /' | head -1 || true
} >"$OUT/section.md"
[ -s "$RESULT" ] || echo "# Benchmarks $(date -u +%F)" >"$RESULT"
cat "$OUT/section.md" >>"$RESULT"
cat "$OUT/section.md"
log "written to $RESULT"
# The parts in infra/bench/ (each also runs alone: infra/bench.sh --only NAME); each appends its own section to $RESULT.
for part in startup redemption search coupons; do BP_BENCH_SKIP_BUILD=1 "infra/bench/$part.sh" || log "infra/bench/$part.sh failed"; done

if [ -n "$NIGHTLY_MEMBERS" ]; then
  stop_host
  BP_BENCH_PG_PORT=$PORT BP_BENCH_HTTP_PORT=$HTTP_PORT infra/bench-nightly.sh --members "$NIGHTLY_MEMBERS"
fi
