#!/usr/bin/env bash
# Offer search over 20,000 live offers (goal: p95 <= 15 ms).
#   infra/bench/search.sh [--offers N] [--seconds S] [--connections C]
# The demo program (Database:SeedDemo) plus N copies (default 20,000) of its live offers with varied German titles and
# descriptions (generate_series over word lists), categories, plans, regions and live dates; then wrk (C connections,
# default 4, closed loop) rotating the queries below as the demo member, p50/p95/p99 over all of them; and the plan of
# each query as the endpoint sends it: auto_explain (log_analyze) of one request per query, from PostgreSQL's log,
# kept in .local/bench-out/search-plans.log.
source "$(dirname "$0")/lib.sh"
OFFERS=20000; SECONDS_RUN=20; CONNS=4
while [ $# -gt 0 ]; do
  case $1 in
    --offers) OFFERS=$2; shift 2 ;;
    --seconds) SECONDS_RUN=$2; shift 2 ;;
    --connections) CONNS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || apt_install wrk
bench_begin
HERE=infra/bench
DB=bench_search
PROGRAM=0195f000-0000-7000-8000-000000000001
QUERIES='q=Reise
q=Kino%20Gutschein
q=Wellness%20Hotel
q=Fahrrad
q=g%C3%BCnstige%20Restaurants
q=Urlaub&category=travel
q=Elektronik&kind=Cashback
q=Therme%20Sauna&sort=Cashback
q=
q=Konzert&category=leisure&page=2'

psql_bench -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
# auto_explain in every session of the host, silent until the plan pass below switches it on.
psql_bench -c "LOAD 'auto_explain'" -c "ALTER SYSTEM SET session_preload_libraries = 'auto_explain'" -c "ALTER SYSTEM SET auto_explain.log_min_duration = -1" \
  -c "SELECT pg_reload_conf()" >/dev/null
reset_pg() {
  psql_bench -c "LOAD 'auto_explain'" -c "ALTER SYSTEM RESET session_preload_libraries" -c "ALTER SYSTEM RESET auto_explain.log_min_duration" \
    -c "ALTER SYSTEM RESET auto_explain.log_analyze" -c "SELECT pg_reload_conf()" >/dev/null 2>&1 || true
}
trap 'reset_pg; bench_cleanup' EXIT
log "start-up with the demo program"
bench_start_host $DB Database__SeedDemo=true >/dev/null
psql_db() { psql_bench -d $DB "$@"; }
cols=$(psql_db -c "SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) FROM information_schema.columns
                   WHERE table_schema = 'catalog' AND table_name = 'offers' AND is_generated = 'NEVER'")
log "seeding $OFFERS live offers"
# (LATERAL: "(f(x)).*" in a select list would call f once per column)
psql_db <<SQL
WITH src AS (
  SELECT o, row_number() OVER (ORDER BY o.id) - 1 AS k, count(*) OVER () AS n
  FROM catalog.offers o WHERE o.program_id = '$PROGRAM' AND o.status = 'Live'),
words AS (SELECT
  '{Reise,Urlaub,Hotel,Wellness,Kino,Theater,Konzert,Restaurant,Pizzeria,Fahrrad,Elektronik,Mode,Schuhe,Brille,Versicherung,Strom,Fitnessstudio,Sauna,Buch,Kaffee,Blumen,Garten,Werkzeug,Spielzeug,Parfüm,Uhr,Schmuck,Möbel,Küche,Wein,Taxi,Flug,Mietwagen,Zoo,Museum,Freizeitpark,Therme,Friseur,Kosmetik,Apotheke,Tierbedarf,Fotobuch,Handy,Laptop,Kamera,Musik,Zeitschrift,Sprachkurs,Bäckerei,Skipass}'::text[] AS noun,
  '{günstige,exklusive,nachhaltige,regionale,familienfreundliche,moderne,klassische,sportliche,erholsame,köstliche,schnelle,digitale,gemütliche,beliebte,neue}'::text[] AS adj,
  '{Rabatt auf,Gutschein für,Rückvergütung bei,Vorteilspreis für,Geschenk zu}'::text[] AS phrase,
  '{travel,leisure,culture,gastronomy,shopping,health,mobility,security}'::text[] AS cat)
INSERT INTO catalog.offers ($cols)
SELECT $cols FROM generate_series(1, $OFFERS) i CROSS JOIN words w JOIN src s ON s.k = i % s.n
CROSS JOIN LATERAL jsonb_populate_record(NULL::catalog.offers, to_jsonb(s.o) || jsonb_build_object(
    'id', gen_random_uuid(),
    'title_de', w.adj[1 + i % 15] || ' ' || w.noun[1 + i % 50] || ': ' || (5 + i % 30) || ' % ' || w.phrase[1 + i % 5] || ' ' || w.noun[1 + (i / 50) % 50],
    'title_en', 'Offer ' || i,
    'description_de', 'Sparen Sie bei ' || w.noun[1 + (i * 7) % 50] || ' und ' || w.noun[1 + (i * 13) % 50] || '. ' || w.adj[1 + (i / 15) % 15]
        || ' Angebote rund um ' || w.noun[1 + (i * 3) % 50] || ', ' || w.noun[1 + (i / 7) % 50] || ' und ' || w.noun[1 + (i * 11) % 50]
        || ' für alle Mitglieder. Einfach Gutschein einlösen oder über den Link buchen.',
    'description_en', 'Benchmark offer number ' || i,
    'category', w.cat[1 + (i / 3) % 8],
    'eligible_plans', CASE i % 4 WHEN 0 THEN '["premium"]'::jsonb WHEN 1 THEN '["plus","premium"]'::jsonb ELSE '["basis","plus","premium"]'::jsonb END,
    'eligible_regions', CASE WHEN i % 10 = 0 THEN jsonb_build_array(lpad((i % 99)::text, 2, '0')) ELSE '[]'::jsonb END,
    'live_since', now() - make_interval(mins => i),
    'generic_code', CASE WHEN (s.o).kind = 'Coupon' THEN 'BENCH' || i END
  )) r;
VACUUM ANALYZE catalog.offers;
SQL
live=$(psql_db -c "SELECT count(*) FROM catalog.offers WHERE program_id = '$PROGRAM' AND status = 'Live'")
TOKEN=$(bench_token anna.schmidt@example.com Demo-Member-2026)
get() { curl -sS -o "${2:-/dev/null}" -w '%{http_code}' "$BENCH_URL/api/v1/me/offers?$1" -H "Authorization: Bearer $TOKEN"; }
rows=""
while read -r q; do
  [ "$(get "$q")" = 200 ] || { log "search '$q' failed"; exit 1; }
  for _ in 1 2 3 4 5; do get "$q" >/dev/null; done  # warm-up
  total=$(get "$q" "$BENCH_OUT/search-one.json" >/dev/null; python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"])' "$BENCH_OUT/search-one.json")
  rows+="$q ($total hits); "
done <<<"$QUERIES"

log "wrk: $CONNS connections, $SECONDS_RUN s (load $(load_avg))"
load_at=$(load_avg)
BENCH_TOKEN=$TOKEN BENCH_QUERIES=$QUERIES wrk -t2 -c"$CONNS" -d"${SECONDS_RUN}s" -s $HERE/search.lua "$BENCH_URL" >"$BENCH_OUT/search-wrk.txt" 2>&1
perc=$(grep -o 'PERCENTILES.*' "$BENCH_OUT/search-wrk.txt" | sed 's/PERCENTILES //')
rps=$(awk '/Requests\/sec/ {print $2}' "$BENCH_OUT/search-wrk.txt")

# The plans: auto_explain with ANALYZE of one request per query.
psql_bench -c "LOAD 'auto_explain'" -c "ALTER SYSTEM SET auto_explain.log_min_duration = 0" -c "ALTER SYSTEM SET auto_explain.log_analyze = on" \
  -c "SELECT pg_reload_conf()" >/dev/null
sleep 0.5
mark=$(wc -l <"$BENCH_ROOT/server.log")
while read -r q; do get "$q" >/dev/null; done <<<"$QUERIES"
sleep 0.5
reset_pg
tail -n +"$((mark + 1))" "$BENCH_ROOT/server.log" >"$BENCH_OUT/search-plans.log"
# One request is the member's entitlement query and then the search statements (with words one; without words the
# page, the member's used-up offers and, unless kept from the last 30 s, the count): their times are summed per request.
durations=$(python3 - "$BENCH_OUT/search-plans.log" <<'PY'
import re, sys
log = open(sys.argv[1], encoding="utf-8", errors="replace").read()
entries = re.split(r"\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ UTC \[\d+\] )", log)
requests = []
for e in entries:
    m = re.search(r"duration: ([0-9.]+) ms\s+plan:", e)
    if not m:
        continue
    if "members.members" in e:
        requests.append([])
    elif "catalog.offers" in e and requests:
        requests[-1].append(m.group(1))
print(", ".join("+".join(r) for r in requests if r))
PY
)

bench_section "Offer search over $OFFERS offers (infra/bench/search.sh)" <<MD
| what | figure | goal |
|---|---|---|
| GET /me/offers, $CONNS connections (closed loop), ${SECONDS_RUN} s, 10 queries rotating | ${perc} (${rps} req/s) | p95 <= 15 ms |
| the SQL alone (auto_explain, one request per query, ms; a+b = statements of one request) | ${durations} | |

$live live offers in the program. Queries: $rows
Plans: .local/bench-out/search-plans.log.
MD
tail -n 9 "$BENCH_RESULT"
