#!/usr/bin/env bash
# Load benchmark of the Itsm API (issue: "load run against the Release build").
#
# Publishes the API in Release (outside the source tree), starts it on 127.0.0.1 with a fresh SQLite database in a
# temporary directory, raises 100,000 tickets through the API, then runs each scenario with wrk for a fixed time:
# baseline (/health/live), get, list first page (filtered), list deep page (same filter, cursor ~50,000 tickets back),
# create, lifecycle (request -> triage -> start -> resolve -> confirm) and the baseline once more. It samples the
# server's peak RSS (VmHWM, reset before each scenario), stops the server and prints a markdown table.
#
# Loopback only. Every loop is bounded in time and count. Takes about 5 minutes with the defaults.
#
# Settings (environment): BENCH_PORT (5080), BENCH_TICKETS (100000), BENCH_DURATION (20 s per scenario),
# BENCH_WARMUP (5 s, not measured), BENCH_CONNECTIONS (32), BENCH_THREADS (2), BENCH_DEPTH (50000),
# BENCH_DIR (work directory; default a new mktemp -d, removed at the end unless BENCH_KEEP=1).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
LUA=$HERE/lua

PORT=${BENCH_PORT:-5080}
TICKETS=${BENCH_TICKETS:-100000}
DURATION=${BENCH_DURATION:-20}
WARMUP=${BENCH_WARMUP:-5}
CONNECTIONS=${BENCH_CONNECTIONS:-32}
THREADS=${BENCH_THREADS:-2}
DEPTH=${BENCH_DEPTH:-50000}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/itsm-bench.XXXXXX)}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$HERE/results/$STAMP
BASE=http://127.0.0.1:$PORT
FILTER="status=New&system=ERP"
LIST_KEY=demo-js-servicedesk
TICK=$(getconf CLK_TCK)
NCPU=$(nproc)

mkdir -p "$RESULTS" "$WORK"
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for tool in dotnet wrk curl jq awk; do command -v "$tool" >/dev/null || die "$tool is required (wrk: apt-get install -y wrk)"; done
if curl -s -o /dev/null --max-time 2 "$BASE/health/live"; then die "something already answers on $BASE; set BENCH_PORT"; fi

SERVER_PID=
cleanup() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ -z ${BENCH_DIR:-} && ${BENCH_KEEP:-0} != 1 ]]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT

# ---------------------------------------------------------------- build and start
log "publishing Release into $WORK/publish (intermediate files in $WORK/artifacts, not in the source tree)"
dotnet publish "$ROOT/Api/Itsm.Api.csproj" -c Release --nologo -v quiet \
  --artifacts-path "$WORK/artifacts" -o "$WORK/publish" >"$RESULTS/publish.log" 2>&1 \
  || { cat "$RESULTS/publish.log" >&2; die "publish failed"; }

log "starting the service on $BASE with a fresh database $WORK/itsm.db"
rm -f "$WORK"/itsm.db*
# the working directory is the content root: appsettings.json (log levels!) is read from there, as when deployed
# the demo organisation and keys are seeded only when asked outside Development; the per-caller rate limits would
# refuse a load generator that is one caller, so they are lifted for the run
(cd "$WORK/publish" && exec env ConnectionStrings__Itsm="Data Source=$WORK/itsm.db" ASPNETCORE_ENVIRONMENT=Production \
  Database__SeedDemoData=true RateLimits__PermitsPerSecond=1000000 RateLimits__Burst=1000000 \
  dotnet Itsm.Api.dll --urls "$BASE" >"$RESULTS/server.log" 2>&1) &
SERVER_PID=$!
for i in $(seq 1 120); do
  curl -sf -o /dev/null --max-time 2 "$BASE/health/ready" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$RESULTS/server.log" >&2; die "the service exited"; }
  [[ $i == 120 ]] && die "the service did not become ready in 60 s"
  sleep 0.5
done
log "service ready, pid $SERVER_PID"

# ---------------------------------------------------------------- measurement helpers
rss_peak_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status"; }
reset_peak() { echo 5 >"/proc/$SERVER_PID/clear_refs"; }   # resets VmHWM to the current RSS
server_threads() { awk '/^Threads:/ {print $2}' "/proc/$SERVER_PID/status"; }
server_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
machine_busy_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
OVERALL_PEAK_KB=0
note_peak() { local p; p=$(rss_peak_kb); (( p > OVERALL_PEAK_KB )) && OVERALL_PEAK_KB=$p; return 0; }
max_id() { curl -sf --max-time 10 "$BASE/api/v1/tickets?limit=1" -H 'X-Api-Key: demo-hq-itmanager' | jq -r '.items[0].id // 0'; }

# wrk's latency lines are "50%  17.21ms" (units us, ms, s): print milliseconds
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }

declare -A RPS P50 P99 PEAK CPU OTHERS ERRS EXTRA THR
SCENARIOS=()

# run NAME  wrk-args...   (a warm-up, then the measured run)
run() {
  local name=$1; shift
  log "scenario $name: ${WARMUP}s warm-up, ${DURATION}s measured"
  echo "wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --timeout 10s --latency $(printf '%q ' "$@")" >>"$RESULTS/commands.txt"
  if (( WARMUP > 0 )); then wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" --timeout 10s "$@" >"$RESULTS/$name.warmup.txt" 2>&1; fi
  note_peak; reset_peak
  local s0 m0 t0 t1 out=$RESULTS/$name.txt
  s0=$(server_ticks); m0=$(machine_busy_ticks); t0=$(date +%s.%N)
  # 'times' prints the shell's and then its children's (wrk's) user and system CPU time
  ( wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency "$@"; times ) >"$out" 2>&1
  t1=$(date +%s.%N)
  local s1 m1 wrk_ticks
  s1=$(server_ticks); m1=$(machine_busy_ticks)
  wrk_ticks=$(tail -1 "$out" | awk -v hz="$TICK" '{
      split($1, u, "m"); split($2, s, "m"); sub("s", "", u[2]); sub("s", "", s[2]);
      printf "%d", ((u[1] * 60 + u[2]) + (s[1] * 60 + s[2])) * hz }')
  PEAK[$name]=$(rss_peak_kb); note_peak; THR[$name]=$(server_threads)
  RPS[$name]=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  P50[$name]=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
  P99[$name]=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
  local non2xx sock
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out"); sock=$(awk '/Socket errors:/ {sub(/.*Socket errors: /, ""); print}' "$out")
  ERRS[$name]="${non2xx:-0}${sock:+ (socket: $sock)}"
  local secs; secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}')
  # server CPU in cores (1.00 = one core busy); others = machine busy minus server minus wrk, in cores
  CPU[$name]=$(awk -v d=$(( s1 - s0 )) -v hz="$TICK" -v t="$secs" 'BEGIN {printf "%.2f", d / hz / t}')
  OTHERS[$name]=$(awk -v m=$(( m1 - m0 )) -v s=$(( s1 - s0 )) -v w="$wrk_ticks" -v hz="$TICK" -v t="$secs" \
    'BEGIN {o = (m - s - w) / hz / t; if (o < 0) o = 0; printf "%.2f", o}')
  EXTRA[$name]=$(grep -E '^(CHECK|LIFECYCLE) ' "$out" | sed 's/^[A-Z]* //' || true)
  SCENARIOS+=("$name")
  log "  $name: ${RPS[$name]} req/s, p50 ${P50[$name]} ms, p99 ${P99[$name]} ms, server ${CPU[$name]} cores, others ${OTHERS[$name]} cores, ${THR[$name]} threads"
}

# ---------------------------------------------------------------- seed
log "raising $TICKETS tickets through POST /api/v1/tickets (wrk, $CONNECTIONS connections)"
note_peak
seed_start=$(date +%s.%N)
echo "wrk -t$THREADS -c$CONNECTIONS -d900s --timeout 10s -s $LUA/seed.lua $BASE -- $TICKETS $THREADS  # interrupted once ticket $TICKETS exists" >"$RESULTS/commands.txt"
wrk -t"$THREADS" -c"$CONNECTIONS" -d900s --timeout 10s -s "$LUA/seed.lua" "$BASE" -- "$TICKETS" "$THREADS" >"$RESULTS/seed.txt" 2>&1 &
WRK_PID=$!
last=-1; still=0
for _ in $(seq 1 900); do                  # at most 900 polls of 1 s
  sleep 1
  n=$(max_id || echo 0)
  (( n >= TICKETS )) && break
  if (( n == last )); then still=$(( still + 1 )); else still=0; fi
  (( still >= 15 )) && { log "seeding stalled at $n tickets"; break; }
  last=$n
done
kill -INT "$WRK_PID" 2>/dev/null || true; wait "$WRK_PID" || true
seed_end=$(date +%s.%N)
n=$(max_id)
if (( n < TICKETS )); then                 # only after failed creates: top up one by one (bounded)
  log "topping up $(( TICKETS - n )) tickets"
  for _ in $(seq 1 $(( TICKETS - n ))); do
    curl -sf -o /dev/null -X POST "$BASE/api/v1/tickets" -H 'X-Api-Key: demo-js-requester' -H 'Content-Type: application/json' \
      -d '{"system":"ERP","category":"ApplicationProblem","title":"Seeded ticket (top-up)","description":"Seeded by bench/run.sh.","impact":"Individual","urgency":"Medium"}'
  done
  n=$(max_id)
fi
(( n == TICKETS )) || die "expected exactly $TICKETS tickets after seeding, found $n"
SEED_SECS=$(awk -v a="$seed_start" -v b="$seed_end" 'BEGIN {printf "%.1f", b - a}')
SEED_RATE=$(awk -v n="$TICKETS" -v t="$SEED_SECS" 'BEGIN {printf "%.0f", n / t}')
note_peak
SEED_THREADS=$(server_threads)
log "seeded $n tickets in ${SEED_SECS}s (~$SEED_RATE/s), server threads now $SEED_THREADS; database $(du -sh "$WORK"/itsm.db* | awk '{print $1}' | paste -sd+)"

# ---------------------------------------------------------------- the deep cursor
FIRST_PATH="/api/v1/tickets?$FILTER&limit=25"
MATCHING_FIRST=$(curl -sf "$BASE$FIRST_PATH" -H "X-Api-Key: $LIST_KEY" | jq '.items | length')
(( MATCHING_FIRST == 25 )) || die "the first page has $MATCHING_FIRST items, expected 25"
cursor=; skipped=0; last_id=$n; pages=0
for _ in $(seq 1 2000); do                 # pages of 200 until the cursor is DEPTH tickets back
  page=$(curl -sf "$BASE/api/v1/tickets?$FILTER&limit=200${cursor:+&cursor=$cursor}" -H "X-Api-Key: $LIST_KEY")
  pages=$(( pages + 1 ))
  skipped=$(( skipped + $(jq '.items | length' <<<"$page") ))
  last_id=$(jq '.items[-1].id' <<<"$page")
  cursor=$(jq -r '.nextCursor // empty' <<<"$page")
  [[ -z $cursor ]] && die "ran out of pages before $DEPTH tickets deep"
  (( n - last_id >= DEPTH )) && break
done
DEEP_PATH="/api/v1/tickets?$FILTER&limit=25&cursor=$cursor"
DEEP_ITEMS=$(curl -sf "$BASE$DEEP_PATH" -H "X-Api-Key: $LIST_KEY" | jq '.items | length')
(( DEEP_ITEMS == 25 )) || die "the deep page has $DEEP_ITEMS items, expected 25"
log "deep cursor: after ticket $last_id, $(( n - last_id )) tickets back in the table, $skipped matching tickets into the list ($pages pages of 200)"

# ---------------------------------------------------------------- scenarios
run baseline "$BASE/health/live"
run get -s "$LUA/get.lua" "$BASE" -- "$TICKETS"
run list-first -H "X-Api-Key: $LIST_KEY" "$BASE$FIRST_PATH"
run list-deep -H "X-Api-Key: $LIST_KEY" "$BASE$DEEP_PATH"
run create -s "$LUA/create.lua" "$BASE"
run lifecycle -s "$LUA/lifecycle.lua" "$BASE"
run baseline-end "$BASE/health/live"

TOTAL_TICKETS=$(max_id)
note_peak
log "stopping the service"
kill -TERM "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=

# ---------------------------------------------------------------- report
mb() { awk -v k="$1" 'BEGIN {printf "%.0f", k / 1024}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }
B=${RPS[baseline]}
{
  echo "Run $STAMP on $NCPU cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(uname -sr)," \
       "$(dotnet --version | sed 's/^/.NET SDK /'), $(wrk --version 2>&1 | head -1 | awk '{print "wrk", $2}')."
  echo "wrk -t$THREADS -c$CONNECTIONS, ${DURATION}s per scenario after ${WARMUP}s warm-up; $TICKETS tickets seeded in ${SEED_SECS}s (server threads after seeding: $SEED_THREADS);" \
       "database on $(df -T "$WORK" | awk 'NR == 2 {print $2}'); $TOTAL_TICKETS tickets at the end."
  echo "Deep page: cursor after ticket $last_id ($(( n - last_id )) tickets back; $skipped matching tickets into the filtered list)."
  echo
  echo "| Scenario | Requests/s | p50 (ms) | p99 (ms) | Ratio to baseline | Peak RSS (MB) | Server CPU (cores) | Others' CPU (cores) | Server threads | Non-2xx | Notes |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  for s in "${SCENARIOS[@]}"; do
    echo "| $s | ${RPS[$s]} | ${P50[$s]} | ${P99[$s]} | $(ratio "${RPS[$s]}" "$B") | $(mb "${PEAK[$s]}") | ${CPU[$s]} | ${OTHERS[$s]} | ${THR[$s]} | ${ERRS[$s]} | ${EXTRA[$s]} |"
  done
  echo
  echo "Peak RSS over the whole run (seeding included): $(mb "$OVERALL_PEAK_KB") MB. Server log: $(wc -l <"$RESULTS/server.log") lines."
  echo
  echo "| Target | Measured | Met |"
  echo "|---|---|---|"
  g=$(ratio "${RPS[get]}" "$B")
  echo "| get >= 30 % of the baseline's requests/s | $(awk -v r="$g" 'BEGIN {printf "%.1f %%", r * 100}') | $(awk -v r="$g" 'BEGIN {print (r >= 0.30) ? "yes" : "NO"}') |"
  echo "| create >= 2,000/s | ${RPS[create]}/s | $(awk -v r="${RPS[create]}" 'BEGIN {print (r >= 2000) ? "yes" : "NO"}') |"
  echo "| create p99 < 50 ms at $CONNECTIONS clients | ${P99[create]} ms | $(awk -v p="${P99[create]}" 'BEGIN {print (p < 50) ? "yes" : "NO"}') |"
  d=$(ratio "${RPS[list-first]}" "${RPS[list-deep]}"); dl=$(ratio "${P50[list-deep]}" "${P50[list-first]}")
  echo "| deep page <= 1.5x the first page | ${d}x by requests/s, ${dl}x by p50 | $(awk -v a="$d" -v b="$dl" 'BEGIN {print (a <= 1.5 && b <= 1.5) ? "yes" : "NO"}') |"
  echo "| peak memory < 300 MB | $(mb "$OVERALL_PEAK_KB") MB | $(awk -v k="$OVERALL_PEAK_KB" 'BEGIN {print (k < 300 * 1024) ? "yes" : "NO"}') |"
} | tee "$RESULTS/results.md"
log "raw wrk output and the table are in $RESULTS"
