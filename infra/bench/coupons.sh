#!/usr/bin/env bash
# Coupon pool import of 1,000,000 codes (goal < 10 s): POST /partner/offers/{id}/codes over HTTP in the test host
# (tests/BenefitProgram.IntegrationTests/Catalog/CouponImportBenchmark.cs), next to a raw binary COPY of the same codes
# into a bare table and into one with the pool's unique index, same run, same cluster (the bench cluster, defaults).
#   infra/bench/coupons.sh        (BP_BENCH_CONFIGURATION=Debug BP_BENCH_NO_BUILD=1 to reuse the Debug build of infra/test.sh)
source "$(dirname "$0")/lib.sh"
BP_BENCH_SKIP_BUILD=1 bench_begin   # the test project builds itself
log "coupon pool import, 1,000,000 codes (load $(load_avg))"
load_at=$(load_avg)
BP_BENCH=1 BP_TEST_POSTGRES="Host=127.0.0.1;Port=$BENCH_PORT;Username=postgres;Include Error Detail=true" \
  dotnet test tests/BenefitProgram.IntegrationTests -c "${BP_BENCH_CONFIGURATION:-Release}" ${BP_BENCH_NO_BUILD:+--no-build} --nologo -v q \
  --filter "FullyQualifiedName~CouponImportBenchmark" --logger "console;verbosity=detailed" >"$BENCH_OUT/coupons.log" 2>&1 \
  || log "coupon import benchmark failed; see $BENCH_OUT/coupons.log"
endpoint=$(grep -o '1,000,000 codes (.*' "$BENCH_OUT/coupons.log" | head -1 || true)
bare=$(grep -o 'raw COPY of the same codes into a bare table: .*' "$BENCH_OUT/coupons.log" | sed 's/.*table: //' | head -1 || true)
direct=$(grep -o 'COPY straight into a copy of the pool table.*' "$BENCH_OUT/coupons.log" | sed 's/.*indexes): //' | head -1 || true)
staged=$(grep -o 'COPY into a temp table + INSERT.*' "$BENCH_OUT/coupons.log" | sed 's/.*pool copy: //' | head -1 || true)
dry=$(grep -o 'dry run of the same million.*' "$BENCH_OUT/coupons.log" | head -1 || true)
bench_section "Coupon pool import, 1,000,000 codes (infra/bench/coupons.sh)" <<MD
| what | figure | goal |
|---|---|---|
| POST /partner/offers/{id}/codes | ${endpoint:-failed, see .local/bench-out/coupons.log} | < 10 s |
| reference: raw binary COPY into a bare table | ${bare:-?} | |
| SQL only: binary COPY straight into a copy of the pool table (identity, 3 indexes), as the importer does for an empty pool | ${direct:-?} | |
| SQL only: COPY into a temp table + INSERT ... SELECT into that copy (the importer's path before, and now when the pool has codes) | ${staged:-?} | |
| the same file again, dry run | ${dry:-?} | |

Build: ${BP_BENCH_CONFIGURATION:-Release}. Load average when it started: $load_at.
MD
tail -n 10 "$BENCH_RESULT"
