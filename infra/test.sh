#!/usr/bin/env bash
# Runs every test against a private, throwaway PostgreSQL (fsync off) and a private, throwaway RabbitMQ node,
# and ends with "N passed, N failed".
#   BP_TEST_PG_PORT (default 5499), BP_TEST_RABBITMQ_PORT (default 5699): change them when several clusters share a machine.
#   infra/test.sh                 all tests
#   infra/test.sh --filter X      passed on to dotnet test
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/lib.sh

ROOT=$PWD/.local/test-pg
PORT=${BP_TEST_PG_PORT:-5499}
RESULTS=$PWD/.local/test-results

RMQ_ROOT=$PWD/.local/test-rmq
RMQ_PORT=${BP_TEST_RABBITMQ_PORT:-5699}

ensure_dotnet
pg_start "$ROOT" "$PORT" "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
trap 'pg_stop "$ROOT"; rmq_stop "$RMQ_ROOT" "$RMQ_PORT"' EXIT
export BP_TEST_POSTGRES="Host=127.0.0.1;Port=$PORT;Username=postgres;Include Error Detail=true"
# PostgreSQL's binaries (initdb, pg_ctl) for tests that run a cluster of their own, e.g. MoneyUnderFaultsTests, which
# stops its PostgreSQL immediately and must not do that to the shared cluster.
BP_TEST_PG_BIN=$(pg_bin); export BP_TEST_PG_BIN
rmq_start "$RMQ_ROOT" "$RMQ_PORT" fresh
export BP_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:$RMQ_PORT/"

# --- Chromium for the browser tests (tests/BenefitProgram.BrowserTests) -------------------------
# Debian's Chromium at /usr/bin/chromium; Playwright cannot download a browser here. When it is missing and cannot be
# installed the browser tests fail loudly (they never skip).
if [ ! -x /usr/bin/chromium ]; then
  log "installing Chromium from Debian's packages (browser tests)"
  apt_install chromium || log "Chromium could not be installed: the browser tests will fail"
fi
# --- end Chromium --------------------------------------------------------------------------------

rm -rf "$RESULTS"; mkdir -p "$RESULTS"
export BP_TEST_RESULTS=$RESULTS
export BP_TEST_FIGURES=$RESULTS/figures.txt
status=0
dotnet test BenefitProgram.sln --nologo -v q \
  --blame-hang-timeout 5m \
  --logger "trx" --logger "console;verbosity=minimal" \
  --results-directory "$RESULTS" "$@" || status=$?

if [ -s "$BP_TEST_FIGURES" ]; then echo "Figures from this run:"; sed 's/^/  /' "$BP_TEST_FIGURES"; fi

# dotnet test prints no line CI can count: sum the trx counters of every test project.
python3 - "$RESULTS" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find(".//{*}Counters")
    if c is None: continue
    passed += int(c.get("passed", 0)); failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    skipped += int(c.get("total", 0)) - int(c.get("executed", 0))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
[ "$status" = 0 ] || echo "dotnet test exited with $status (a failing test, or a build error before any test ran)"
exit $status
