#!/usr/bin/env bash
# Starts the whole platform with the demo program on http://127.0.0.1:5080.
#   infra/run.sh          start (PostgreSQL is found, installed or reused; the host runs in the foreground)
#   infra/run.sh stop     stop the private PostgreSQL cluster
# Uses ConnectionStrings__BenefitProgram when it is set; otherwise a private cluster under .local/run-pg.
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/lib.sh

ROOT=$PWD/.local/run-pg
PORT=${BP_RUN_PG_PORT:-5433}
URL=${BP_URL:-http://127.0.0.1:5080}

if [ "${1:-}" = "stop" ]; then
  pg_stop "$ROOT"; exit 0
fi

started=$(date +%s)
ensure_dotnet
if [ -z "${ConnectionStrings__BenefitProgram:-}" ]; then
  pg_start "$ROOT" "$PORT"
  pg_createdb "$PORT" benefitprogram
  export ConnectionStrings__BenefitProgram="Host=127.0.0.1;Port=$PORT;Database=benefitprogram;Username=postgres"
fi

log "building"
dotnet build src/BenefitProgram.Host -c Release -v q -nologo >/dev/null

# A mail catcher for the notification e-mails (smtp4dev, a dotnet tool): SMTP on 127.0.0.1:2525, web UI on :5081.
if [ -z "${Notifications__Smtp__Host:-}" ]; then
  export PATH="$PATH:$HOME/.dotnet/tools"
  command -v smtp4dev >/dev/null || dotnet tool install --global Rnwood.Smtp4dev --version 3.15.0 >/dev/null || true
  if command -v smtp4dev >/dev/null; then
    smtp4dev --urls=http://127.0.0.1:5081 --smtpport=2525 --imapport="" --pop3port="" --db="" >.local/smtp4dev.log 2>&1 &
    export Notifications__Smtp__Host=127.0.0.1 Notifications__Smtp__Port=2525
  else
    log "smtp4dev is not available: no e-mail is sent"
  fi
fi

export ASPNETCORE_URLS=$URL
export ASPNETCORE_ENVIRONMENT=${ASPNETCORE_ENVIRONMENT:-Development}
export Database__SeedDemo=${Database__SeedDemo:-true}

cat <<MSG

  BenefitProgram is starting on $URL
    Member portal      $URL/
    Partner portal     $URL/partner
    Operator console   $URL/ops
    API reference      $URL/api/reference      (OpenAPI: $URL/openapi/v1.json)
    Hangfire           $URL/ops/hangfire       (operators only)
    Health             $URL/health/ready
    Mail catcher       http://127.0.0.1:5081    (smtp4dev, when it could be installed)
  Demo sign-ins (password for all: see README):
    operator  operator@pluskonto.example / Demo-Operator-2026
  Stop with Ctrl+C; stop PostgreSQL with: infra/run.sh stop

MSG
( # print how long it took to become ready, in the background
  for _ in $(seq 1 120); do
    kill -0 $$ 2>/dev/null || exit 0
    if curl -fsS "$URL/health/ready" >/dev/null 2>&1; then log "ready after $(( $(date +%s) - started )) s"; break; fi
    sleep 0.5
  done ) &
exec dotnet src/BenefitProgram.Host/bin/Release/net10.0/BenefitProgram.Host.dll --contentRoot "$PWD/src/BenefitProgram.Host"
