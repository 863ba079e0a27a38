#!/bin/bash
# How long after a restart does a webhook delivery left pending by the stopped instance arrive?
# Usage (from the repository root, after `dotnet build`): bench/restart/restart.sh [TERM|KILL]
# TERM: a graceful stop (the lease is released); KILL: a crash (the new instance waits for the lease to expire).
set -u
SIG=${1:-TERM}
WORK=$(mktemp -d)
python3 bench/restart/receiver.py "$WORK/arrivals.txt" & RECEIVER=$!
export ASPNETCORE_URLS=http://127.0.0.1:5099 ConnectionStrings__Itsm="Data Source=$WORK/itsm.db" Webhooks__AllowInsecureTargets=true \
  ASPNETCORE_ENVIRONMENT=Development Database__SeedDemoData=true
API=http://127.0.0.1:5099/api/v1
wait_up() { for _ in $(seq 1 600); do curl -sf http://127.0.0.1:5099/health/live >/dev/null && return; sleep 0.1; done; echo "not up"; exit 1; }
app_pid() { for _ in $(seq 1 100); do p=$(pgrep -P "$1" -f Itsm.Api); [ -n "$p" ] && echo "$p" && return; sleep 0.1; done; }
# The first instance dispatches once at start, then only every minute, so the ticket below is still pending when it stops.
Outbox__Interval=00:01:00 dotnet run --no-build --no-launch-profile --project Api > "$WORK/first.log" 2>&1 & RUN_A=$!
wait_up; A=$(app_pid $RUN_A)
curl -s -X POST $API/webhooks -H 'X-Api-Key: demo-js-itmanager' -H 'Content-Type: application/json' \
  -d '{"url":"http://127.0.0.1:5098/hook","events":["ticket.created"]}' >/dev/null
sleep 2
curl -s -X POST $API/tickets -H 'X-Api-Key: demo-js-requester' -H 'Content-Type: application/json' \
  -d '{"system":"ERP","category":"ApplicationProblem","title":"Restart probe","description":"d","impact":"Individual","urgency":"Medium"}' >/dev/null
kill -"$SIG" "$A"; wait $RUN_A 2>/dev/null
echo "delivered before the stop: $(cat "$WORK/arrivals.txt" 2>/dev/null | wc -l)"
START=$(date +%s.%N)
dotnet run --no-build --no-launch-profile --project Api > "$WORK/second.log" 2>&1 & RUN_B=$!
for _ in $(seq 1 1200); do [ -s "$WORK/arrivals.txt" ] && break; sleep 0.05; done
ARRIVED=$(head -1 "$WORK/arrivals.txt" | cut -d' ' -f1)
echo "SIG$SIG: the pending delivery arrived $(python3 -c "print(f'{$ARRIVED - $START:.2f}')") s after the new process was started"
kill -TERM "$(app_pid $RUN_B)"; wait $RUN_B 2>/dev/null
kill $RECEIVER; rm -rf "$WORK"
