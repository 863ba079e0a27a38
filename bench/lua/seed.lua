-- Seeds tickets through the API: POST /api/v1/tickets with varied unit, system, category, impact and urgency.
-- usage: wrk -t2 -c32 -d900s -s seed.lua http://127.0.0.1:5080 -- <total> <threads>
-- Each thread sends exactly total/threads creates (one that is answered with an error is sent again, at most 1,000
-- times). Once a thread has sent its share, its connections only ask for /health/live once a second, so no extra
-- ticket is made; run.sh watches the newest ticket id and interrupts wrk when all tickets exist.
-- The tickets vary: 4 units (JS, ZJ and one branch of each, raised by that province's requester), 4 systems
-- (ERP, HR, ESB and the province's marketing system), 4 categories, 3 impacts and 3 urgencies in varying proportions.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("idx", counter)
  table.insert(threads, thread)
end

quota, sent, created, failed = 0, 0, 0, 0   -- globals, so that done() can read them
local creates, health = {}, nil

-- the unit sets the requester key; ZJ requesters use ZJ-MKT, JS requesters JS-MKT
local units = {
  { key = "demo-js-requester", unit = "JS",    mkt = "JS-MKT" },
  { key = "demo-zj-requester", unit = "ZJ",    mkt = "ZJ-MKT" },
  { key = "demo-js-requester", unit = "JS-NJ", mkt = "JS-MKT" },
  { key = "demo-zj-requester", unit = "ZJ-HZ", mkt = "ZJ-MKT" },
}
local categories = { "ApplicationProblem", "UserGuidance", "DataChange", "ApplicationProblem", "DataQualityIssue" }
local impacts = { "Individual", "Individual", "Unit", "Enterprise" }
local urgencies = { "Low", "Medium", "Medium", "High" }

function init(args)
  local total = tonumber(args[1]) or 100000
  local nthreads = tonumber(args[2]) or 2
  local idx = tonumber(wrk.thread:get("idx")) or 1
  quota = math.floor(total / nthreads)
  if idx == nthreads then quota = total - quota * (nthreads - 1) end
  -- a fixed cycle of 97 request bodies (a prime, so that the combinations rotate)
  for n = 0, 96 do
    local u = units[(n % 4) + 1]
    local systems = { "ERP", "HR", "ESB", u.mkt }
    local system = systems[(math.floor(n / 4) % 4) + 1]
    local body = string.format(
      '{"system":"%s","category":"%s","title":"Seeded ticket %d about %s","description":"Seeded by bench/lua/seed.lua to measure the API with %s.","impact":"%s","urgency":"%s","unit":"%s"}',
      system, categories[(n % 5) + 1], n, system, "100,000 stored tickets", impacts[(math.floor(n / 16) % 4) + 1], urgencies[(math.floor(n / 5) % 4) + 1], u.unit)
    creates[n + 1] = wrk.format("POST", "/api/v1/tickets",
      { ["X-Api-Key"] = u.key, ["Content-Type"] = "application/json" }, body)
  end
  health = wrk.format("GET", "/health/live")
end

calls = 0
function request()
  calls = calls + 1
  -- wrk calls request() once before the run, in the first thread, to check the request: that one is never sent
  if calls == 1 then return health end
  if sent >= quota then return health end
  sent = sent + 1
  return creates[(sent % #creates) + 1]
end

-- once the quota is sent, the idle connections only ask for /health/live once a second
function delay()
  if sent >= quota then return 1000 end
  return 0
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  elseif status ~= 200 then
    failed = failed + 1
    if failed <= 1000 then sent = sent - 1 end  -- make it again (bounded)
  end
end

function done(summary, latency, requests)
  -- done() runs in the main state; the per-thread counters are read back from each thread
  local c, f, s = 0, 0, 0
  for _, t in ipairs(threads) do
    c = c + (tonumber(t:get("created")) or 0)
    f = f + (tonumber(t:get("failed")) or 0)
    s = s + (tonumber(t:get("sent")) or 0)
  end
  io.write(string.format("SEED sent=%d created=%d failed=%d\n", s, c, f))
end
