-- Scenario "lifecycle": request -> triage -> start -> resolve -> confirm, each ticket with the ETag of the step before.
-- usage: wrk -t2 -c32 -d20s --latency -s lifecycle.lua http://127.0.0.1:5080
--
-- wrk does not tell a script which connection a response came in on, so the state machine lives in the responses:
-- every answer carries the ticket (id, status, version), and the step it permits next is queued for the next free
-- connection of the thread. When nothing is queued, the connection raises a new ticket. So about one ticket is in
-- flight per connection, and each thread's connections share its queue.
local function with(key, etag)
  local h = { ["X-Api-Key"] = key, ["Content-Type"] = "application/json" }
  if etag then h["If-Match"] = etag end
  return h
end

local createBody = '{"system":"ERP","category":"ApplicationProblem","title":"Lifecycle benchmark ticket",' ..
  '"description":"Created by bench/lua/lifecycle.lua.","impact":"Individual","urgency":"Medium"}'
local create = nil

-- status the ticket is in -> the next step
local steps = {
  New        = { path = "triage",  key = "demo-js-servicedesk", body = '{"group":"JS-L2SYS"}' },
  Triaged    = { path = "start",   key = "demo-js-engineer",    body = nil },
  InProgress = { path = "resolve", key = "demo-js-engineer",    body = '{"code":"Fixed","resolution":"Done by the benchmark."}' },
  Resolved   = { path = "confirm", key = "demo-js-requester",   body = '{"satisfaction":5}' },
}

local queue, head, tail = {}, 1, 0

function init(args)
  create = wrk.format("POST", "/api/v1/tickets", with("demo-js-requester"), createBody)
end

-- per-thread counters (globals, read back in done())
created, triaged, started, resolved, closed, failed = 0, 0, 0, 0, 0, 0

function request()
  if head <= tail then
    local item = queue[head]
    queue[head] = nil
    head = head + 1
    local step = steps[item.status]
    return wrk.format("POST", "/api/v1/tickets/" .. item.id .. "/" .. step.path, with(step.key, item.etag), step.body)
  end
  return create
end

function response(status, headers, body)
  if status ~= 200 and status ~= 201 then
    failed = failed + 1
    return
  end
  local id = body:match('^{"id":(%d+)')
  local st = body:match('"status":"(%a+)"')
  local version = body:match('"version":(%d+)')
  if not (id and st and version) then
    failed = failed + 1
    return
  end
  if st == "New" then created = created + 1
  elseif st == "Triaged" then triaged = triaged + 1
  elseif st == "InProgress" then started = started + 1
  elseif st == "Resolved" then resolved = resolved + 1
  elseif st == "Closed" then closed = closed + 1 end
  if steps[st] then
    tail = tail + 1
    queue[tail] = { id = id, status = st, etag = '"' .. version .. '"' }
  end
end

local threads = {}
function setup(thread) table.insert(threads, thread) end

function done(summary, latency, requests)
  local c = { created = 0, triaged = 0, started = 0, resolved = 0, closed = 0, failed = 0 }
  for _, t in ipairs(threads) do
    for k, _ in pairs(c) do c[k] = c[k] + (tonumber(t:get(k)) or 0) end
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("LIFECYCLE created=%d triaged=%d started=%d resolved=%d closed=%d failed=%d lifecycles_per_s=%.1f\n",
    c.created, c.triaged, c.started, c.resolved, c.closed, c.failed, c.closed / seconds))
end
