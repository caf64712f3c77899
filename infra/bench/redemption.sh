#!/usr/bin/env bash
# Coupon redemption (goal: >= 0.5x of pgbench running the same SQL, p99 <= 20 ms at half the maximum rate).
#   infra/bench/redemption.sh [--codes N] [--seconds S] [--connections C]
# 1. Demo program (Database:SeedDemo) on a fresh database; one extra live coupon offer of the demo cinema with a pool of
#    N codes (default 300,000), no per-member limit and no stock, so one member can redeem it over and over.
# 2. Maximum rate: wrk, C connections (default 16), POST /api/v1/me/offers/{id}/redeem with the demo member's bearer
#    token and a unique Idempotency-Key per request (infra/bench/redeem.lua).
# 3. Reference: pgbench with the same connections and the statements the endpoint sends for one redemption, taken
#    from PostgreSQL's statement log of a real request (infra/bench/redeem.pgbench; the capture is kept in
#    .local/bench-out/redeem-statements.log).
# 4. Latency at half the maximum rate: wrk again, each connection paced by wrk's delay() hook (redeem.lua, RATE per
#    connection), so the offered rate is about half the maximum; p50/p99 from wrk's latency distribution. wrk is
#    closed-loop (no wrk2 here): a stalled request delays that connection's next one, so p99 is not corrected for
#    coordinated omission.
source "$(dirname "$0")/lib.sh"
CODES=300000; SECONDS_RUN=20; CONNS=16
while [ $# -gt 0 ]; do
  case $1 in
    --codes) CODES=$2; shift 2 ;;
    --seconds) SECONDS_RUN=$2; shift 2 ;;
    --connections) CONNS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || apt_install wrk
bench_begin
HERE=infra/bench
DB=bench_redeem
OFFER=0195f000-0000-7000-8000-00000000be01
PROGRAM=0195f000-0000-7000-8000-000000000001

psql_bench -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
log "start-up with the demo program"
# The per-member redemption limit (30 a minute) would answer most requests of the one benchmark member with 429.
bench_start_host $DB Database__SeedDemo=true Catalog__Redemptions__PermitsPerMinute=100000000 >/dev/null
psql_db() { psql_bench -d $DB "$@"; }
cols=$(psql_db -c "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM information_schema.columns
                   WHERE table_schema = 'catalog' AND table_name = 'offers' AND is_generated = 'NEVER'")
psql_db <<SQL
INSERT INTO catalog.offers ($cols)
SELECT $cols FROM (
  SELECT (jsonb_populate_record(NULL::catalog.offers, to_jsonb(o) || jsonb_build_object(
    'id', '$OFFER', 'title_de', 'Bench-Gutschein', 'title_en', 'Bench coupon', 'limit_count', NULL, 'limit_period', NULL,
    'stock', NULL, 'redeemed', 0, 'generic_code', NULL, 'eligible_plans', jsonb_build_array('basis', 'plus', 'premium'),
    'eligible_regions', '[]'::jsonb))).*
  FROM catalog.offers o WHERE o.program_id = '$PROGRAM' AND o.kind = 'Coupon' AND o.generic_code IS NULL LIMIT 1) r;
INSERT INTO catalog.coupon_codes (offer_id, code) SELECT '$OFFER', 'BENCH-' || lpad(i::text, 9, '0') FROM generate_series(1, $CODES) i;
VACUUM ANALYZE catalog.coupon_codes;
SQL
TOKEN=$(bench_token anna.schmidt@example.com Demo-Member-2026)
MEMBER=$(curl -fsS "$BENCH_URL/api/v1/auth/me" -H "Authorization: Bearer $TOKEN" | python3 -c 'import json,sys; print(json.load(sys.stdin)["memberId"])')
redeem_once() { curl -sS -o /dev/null -w '%{http_code}' -X POST "$BENCH_URL/api/v1/me/offers/$OFFER/redeem" \
  -H "Authorization: Bearer $TOKEN" -H "Idempotency-Key: warm-$1"; }
status=$(redeem_once 0)
[ "$status" = 200 ] || { log "redeem answered $status"; exit 1; }

# The statements of one request, from PostgreSQL's log (the reference script is written from them).
psql_bench -c "ALTER SYSTEM SET log_min_duration_statement = 0" -c "SELECT pg_reload_conf()" >/dev/null
sleep 0.5
mark=$(wc -l <"$BENCH_ROOT/server.log")
redeem_once 1 >/dev/null
sleep 0.5
psql_bench -c "ALTER SYSTEM RESET log_min_duration_statement" -c "SELECT pg_reload_conf()" >/dev/null
# (the log also holds the host's background statements: outbox polling, Hangfire)
tail -n +"$((mark + 1))" "$BENCH_ROOT/server.log" >"$BENCH_OUT/redeem-statements.log" || true
statements=12
for i in $(seq 2 100); do redeem_once "$i" >/dev/null; done   # JIT warm-up

run_wrk() {  # run_wrk RATE_PER_CONNECTION(0 = as fast as possible) OUTFILE
  BENCH_TOKEN=$TOKEN BENCH_OFFER=$OFFER BENCH_RATE=$1 \
    wrk -t2 -c"$CONNS" -d"${SECONDS_RUN}s" --latency -s $HERE/redeem.lua "$BENCH_URL" >"$2" 2>&1
}
log "wrk: maximum rate, $CONNS connections, $SECONDS_RUN s (load $(load_avg))"
run_wrk 0 "$BENCH_OUT/redeem-wrk-max.txt"
wrk_rps=$(awk '/Requests\/sec/ {print $2}' "$BENCH_OUT/redeem-wrk-max.txt")
wrk_non2xx=$(awk '/Non-2xx/ {print $5}' "$BENCH_OUT/redeem-wrk-max.txt")
log "pgbench: the same statements, $CONNS connections, $SECONDS_RUN s (load $(load_avg))"
PARTNER=$(psql_db -c "SELECT partner_id FROM catalog.offers WHERE id = '$OFFER'")
"$BENCH_BIN/pgbench" -h 127.0.0.1 -p "$BENCH_PORT" -U postgres -n -M extended -c "$CONNS" -j 2 -T "$SECONDS_RUN" \
  -D offer="$OFFER" -D member="$MEMBER" -D program="$PROGRAM" -D partner="$PARTNER" -f $HERE/redeem.pgbench $DB >"$BENCH_OUT/redeem-pgbench.txt" 2>&1 \
  || log "pgbench failed; see $BENCH_OUT/redeem-pgbench.txt"
pg_tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' "$BENCH_OUT/redeem-pgbench.txt" | head -1)
ratio=$(python3 -c "import sys; print(f'{float(sys.argv[1])/float(sys.argv[2]):.2f}x')" "$wrk_rps" "$pg_tps" 2>/dev/null || echo n/a)
half=$(python3 -c "import sys; print(max(1, round(float(sys.argv[1]) / 2 / int(sys.argv[2]), 2)))" "$wrk_rps" "$CONNS")
log "wrk: about half the maximum rate ($half/s per connection) (load $(load_avg))"
run_wrk "$half" "$BENCH_OUT/redeem-wrk-half.txt"
half_rps=$(awk '/Requests\/sec/ {print $2}' "$BENCH_OUT/redeem-wrk-half.txt")
pct() { awk -v p="$1" '$1 == p {print $2}' "$BENCH_OUT/redeem-wrk-half.txt"; }
handed=$(psql_db -c "SELECT count(*) FROM catalog.coupon_codes WHERE offer_id = '$OFFER' AND assigned_at IS NOT NULL")

bench_section "Coupon redemption: endpoint under wrk vs pgbench (infra/bench/redemption.sh)" <<MD
| what | figure | reference (same run) | ratio | goal |
|---|---|---|---|---|
| POST /me/offers/{id}/redeem, $CONNS connections, ${SECONDS_RUN} s | ${wrk_rps} req/s (non-2xx: ${wrk_non2xx:-0}) | pgbench, same $statements statements: ${pg_tps} tps | $ratio | >= 0.5x |
| the same at about half that rate (${half_rps} req/s achieved) | p50 $(pct 50%), p90 $(pct 90%), p99 $(pct 99%) | | | p99 <= 20 ms |

Pool of $CODES codes, one member (demo member), offer without per-member limit and stock; $handed codes handed out in
all. Statements per redemption (PostgreSQL's log of one request, kept in .local/bench-out/redeem-statements.log): $statements
round trips' worth: idempotency claim, member entitlement, offer, partner, BEGIN, take a code, SAVEPOINT + outbox +
redemption + RELEASE, COMMIT, idempotency answer; pgbench runs the same texts (-M extended, like Npgsql). Latency at
half rate: wrk with each connection paced by delay() (closed loop, no coordinated-omission correction).
MD
tail -n 12 "$BENCH_RESULT"
