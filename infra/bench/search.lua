-- wrk script of infra/bench/search.sh: GET /api/v1/me/offers with a rotating list of queries (BENCH_QUERIES, one per
-- line, already URL-encoded query strings) and a bearer token; prints p50/p95/p99 at the end.
local token = os.getenv("BENCH_TOKEN")
local queries = {}
for line in string.gmatch(os.getenv("BENCH_QUERIES") or "", "[^\n]+") do
  queries[#queries + 1] = line
end
local n = 0

function init(args)
  n = math.random(0, #queries - 1)
end

function request()
  n = n + 1
  return wrk.format("GET", "/api/v1/me/offers?" .. queries[(n % #queries) + 1], { ["Authorization"] = "Bearer " .. token }, nil)
end

function done(summary, latency, requests)
  io.write(string.format("PERCENTILES p50=%.2fms p95=%.2fms p99=%.2fms requests=%d non2xx=%d\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.errors.status))
end
