-- Scenario "create": POST /api/v1/tickets as the Jiangsu requester, a small valid body.
-- usage: wrk -t2 -c32 -d20s --latency -s create.lua http://127.0.0.1:5080
local bodies = {}
local n = 0
function init(args)
  local systems = { "ERP", "HR", "ESB", "JS-MKT" }
  for i, system in ipairs(systems) do
    bodies[i] = wrk.format("POST", "/api/v1/tickets",
      { ["X-Api-Key"] = "demo-js-requester", ["Content-Type"] = "application/json" },
      string.format('{"system":"%s","category":"ApplicationProblem","title":"Benchmark ticket %d","description":"Created by bench/lua/create.lua.","impact":"Individual","urgency":"Medium"}', system, i))
  end
end
function request()
  n = n + 1
  return bodies[(n % #bodies) + 1]
end
ok, bad = 0, 0
function response(status, headers, body)
  if status == 201 then ok = ok + 1 else bad = bad + 1 end
end
local threads = {}
function setup(thread) table.insert(threads, thread) end
function done(summary, latency, requests)
  local o, b = 0, 0
  for _, t in ipairs(threads) do o = o + t:get("ok"); b = b + t:get("bad") end
  io.write(string.format("CHECK created=%d other=%d\n", o, b))
end
