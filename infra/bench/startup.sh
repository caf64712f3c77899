#!/usr/bin/env bash
# Start-up to /health/ready (goal < 5 s): a fresh database (all migrations + Hangfire schema), then RUNS (default 3)
# second starts on the migrated database, next to the same host started with Database:MigrateOnStartup=false (the
# reference: the same process without any database preparation). Prints and appends each run's start-up phases
# (the host logs them, category BenefitProgram.Startup).
#   infra/bench/startup.sh [--runs N] [--before DIR]
# --before DIR: also starts another build of the host (e.g. a copy of bin/Release/net10.0 made before a change) on the
# same migrated database, alternating with the current build, for a before/after in the same run.
source "$(dirname "$0")/lib.sh"
RUNS=3
BEFORE=
while [ $# -gt 0 ]; do
  case $1 in
    --runs) RUNS=$2; shift 2 ;;
    --before) BEFORE=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bench_begin

phases() { grep -o 'Start-up phase .*' "$BENCH_OUT/host-$1.log" | sed 's/^Start-up phase /  - /' || true; }
cpu() { cat "$BENCH_OUT/host-cpu-ms"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

psql_bench -c "DROP DATABASE IF EXISTS bench_startup" -c "CREATE DATABASE bench_startup"
log "start-up on a fresh database"
fresh=$(bench_start_host bench_startup); fresh_cpu=$(cpu); bench_stop_host
fresh_phases=$(phases bench_startup)
warm=(); ref=(); before=(); warm_cpu=(); ref_cpu=(); before_cpu=(); warm_phases=""; before_phases=""
for i in $(seq 1 "$RUNS"); do
  log "second start $i/$RUNS on the migrated database, then the same without database preparation"
  warm+=("$(bench_start_host bench_startup)"); warm_cpu+=("$(cpu)"); bench_stop_host
  [ "$i" = 1 ] && warm_phases=$(phases bench_startup)
  ref+=("$(bench_start_host bench_startup Database__MigrateOnStartup=false)"); ref_cpu+=("$(cpu)"); bench_stop_host
  if [ -n "$BEFORE" ]; then
    before+=("$(BENCH_HOST_DIR=$BEFORE bench_start_host bench_startup)"); before_cpu+=("$(cpu)"); bench_stop_host
    [ "$i" = 1 ] && before_phases=$(phases bench_startup)
  fi
done
before_row=""
if [ -n "$BEFORE" ]; then
  before_med=$(printf '%s\n' "${before[@]}" | median)
  before_row="| migrated database, build in $BEFORE (before), median of $RUNS | ${before_med} ms (runs: ${before[*]}); CPU $(printf '%s\n' "${before_cpu[@]}" | median) ms | | < 5 s |"
fi
warm_med=$(printf '%s\n' "${warm[@]}" | median)
ref_med=$(printf '%s\n' "${ref[@]}" | median)

bench_section "Start-up to /health/ready (infra/bench/startup.sh)" <<MD
Wall time from launch to the first 200 of /health/ready, and the CPU time (user + system) the host process used until
then (median): on this shared machine the wall time mostly follows the load; the CPU time is the work the start-up does.

| start | wall time | reference (same run) | goal |
|---|---|---|---|
| fresh database (all migrations, Hangfire schema) | ${fresh} ms; CPU ${fresh_cpu} ms | | < 5 s |
| migrated database, median of $RUNS | ${warm_med} ms (runs: ${warm[*]}); CPU $(printf '%s\n' "${warm_cpu[@]}" | median) ms | MigrateOnStartup=false: ${ref_med} ms (runs: ${ref[*]}); CPU $(printf '%s\n' "${ref_cpu[@]}" | median) ms | < 5 s |
$before_row

Phases, fresh database:
$fresh_phases

Phases, migrated database (first run):
$warm_phases
${before_phases:+
Phases, migrated database, before (first run):
$before_phases}
MD
tail -n 20 "$BENCH_RESULT"
