-- wrk script of infra/bench/redemption.sh: POST redeem with a bearer token and a unique Idempotency-Key per request.
-- BENCH_RATE > 0 paces each connection to about that many requests a second (wrk's delay() hook).
local token = os.getenv("BENCH_TOKEN")
local path = "/api/v1/me/offers/" .. os.getenv("BENCH_OFFER") .. "/redeem"
local rate = tonumber(os.getenv("BENCH_RATE") or "0")
local counter = 0
local prefix = ""

function setup(thread)
  thread:set("thread_id", tostring(math.random(1, 1e9)))
end

function init(args)
  prefix = (thread_id or tostring(math.random(1, 1e9))) .. "-" .. tostring(os.time())
end

function request()
  counter = counter + 1
  return wrk.format("POST", path, {
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = prefix .. "-" .. counter,
    ["Content-Length"] = "0",
  }, nil)
end

if rate > 0 then
  function delay()
    return math.floor(1000 / rate)
  end
end
