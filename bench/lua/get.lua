-- Scenario "get": GET /api/v1/tickets/{id} of a random existing ticket, as the HQ IT manager (who sees every unit).
-- usage: wrk -t2 -c32 -d20s --latency -s get.lua http://127.0.0.1:5080 -- <max id>
local maxId = 100000
local headers = { ["X-Api-Key"] = "demo-hq-itmanager" }
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("seed", 4242 + #threads)
end

function init(args)
  maxId = tonumber(args[1]) or maxId
  -- a different, fixed sequence per thread
  math.randomseed(tonumber(wrk.thread:get("seed")) or os.time())
end

function request()
  return wrk.format("GET", "/api/v1/tickets/" .. math.random(1, maxId), headers)
end

ok, bad = 0, 0
function response(status, headers, body)
  if status == 200 then ok = ok + 1 else bad = bad + 1 end
end

function done(summary, latency, requests)
  local o, b = 0, 0
  for _, t in ipairs(threads) do o = o + t:get("ok"); b = b + t:get("bad") end
  io.write(string.format("CHECK ok=%d other=%d\n", o, b))
end
