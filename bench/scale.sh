#!/usr/bin/env bash
# Scale benchmark of the Itsm API: the same reads and create at 100,000, 1,000,000 and 10,000,000 stored tickets.
#
# For each size it seeds a fresh embedded database with bench/ScaleSeed (the service's own migrations and demo
# organisation, then N tickets with a year of history written straight through the store layer), starts the Release
# service on it, measures each scenario with wrk (a warm-up, then a measured run), reads the server's RSS, stops it,
# notes the database size and deletes the database. Then it prints one table over all sizes with the ratios of the
# largest size to the smallest.
#
# Loopback only; every loop is bounded. Settings (environment): SCALE_SIZES ("100000 1000000 10000000"),
# SCALE_DIR (/work/benchdata/seed, where the databases go), SCALE_PORT (5090), SCALE_DURATION (10 s per scenario),
# SCALE_WARMUP (3 s), SCALE_CONNECTIONS (32), SCALE_REPORT_CONNECTIONS (2), SCALE_THREADS (2), SCALE_KEEP=1 keeps the databases, SCALE_REUSE=1 measures a
# kept database again instead of seeding it anew (the creates of the run before are then in it too).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
LUA=$HERE/lua

SIZES=${SCALE_SIZES:-"100000 1000000 10000000"}
DATA=${SCALE_DIR:-/work/benchdata/seed}
PORT=${SCALE_PORT:-5090}
DURATION=${SCALE_DURATION:-10}
WARMUP=${SCALE_WARMUP:-3}
CONNECTIONS=${SCALE_CONNECTIONS:-32}
THREADS=${SCALE_THREADS:-2}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$HERE/results/scale-$STAMP
WORK=$DATA/build-$STAMP
BASE=http://127.0.0.1:$PORT
LIST_KEY=demo-js-servicedesk

mkdir -p "$RESULTS" "$WORK"
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$RESULTS/log.txt" >&2; }
die() { log "ERROR: $*"; exit 1; }
load() { awk '{print $1, $2, $3}' /proc/loadavg; }

for tool in dotnet wrk curl jq awk base64; do command -v "$tool" >/dev/null || die "$tool is required (wrk: apt-get install -y wrk)"; done
if curl -s -o /dev/null --max-time 2 "$BASE/health/live"; then die "something already answers on $BASE; set SCALE_PORT"; fi

SERVER_PID=
DB=
stop_server() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
cleanup() {
  stop_server
  if [[ ${SCALE_KEEP:-0} != 1 && -n $DB ]]; then rm -f "$DB" "$DB-wal" "$DB-shm"; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

log "disk: $(df -h "$DATA" | awk 'NR == 2 {print $4 " free of " $2}'); load average $(load)"

# ---------------------------------------------------------------- build (outside the source tree)
log "publishing the service and building the seed in Release into $WORK"
dotnet publish "$ROOT/Api/Itsm.Api.csproj" -c Release --nologo -v quiet --artifacts-path "$WORK/artifacts" -o "$WORK/publish" \
  >"$RESULTS/publish.log" 2>&1 || { cat "$RESULTS/publish.log" >&2; die "publish failed"; }
dotnet publish "$HERE/ScaleSeed/ScaleSeed.csproj" -c Release --nologo -v quiet --artifacts-path "$WORK/artifacts" -o "$WORK/seed" \
  >>"$RESULTS/publish.log" 2>&1 || { cat "$RESULTS/publish.log" >&2; die "seed build failed"; }

# ---------------------------------------------------------------- measurement helpers
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'; }
rss_kb() { awk "/^$1:/ {print \$2}" "/proc/$SERVER_PID/status"; }
cursor() { printf 't1:%d' "$1" | base64 -w0 | tr '+/' '-_' | tr -d '='; }

declare -A RPS P50 P99 ERRS LOAD SEED RSS HWM SIZE START STATUSES
SCENARIOS=(get list-first list-deep list-filtered search-rare search-common create report)

# measure N NAME wrk-args...
measure() {
  local n=$1 name=$2; shift 2
  local out=$RESULTS/$n-$name.txt c=${CONN:-$CONNECTIONS}
  echo "wrk -t$THREADS -c$c -d${DURATION}s --timeout 30s --latency $(printf '%q ' "$@")" >>"$RESULTS/commands.txt"
  if (( WARMUP > 0 )); then wrk -t"$THREADS" -c"$c" -d"${WARMUP}s" --timeout 30s "$@" >"$RESULTS/$n-$name.warmup.txt" 2>&1; fi
  LOAD[$n,$name]=$(load)
  wrk -t"$THREADS" -c"$c" -d"${DURATION}s" --timeout 30s --latency "$@" >"$out" 2>&1
  RPS[$n,$name]=$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$out")
  P50[$n,$name]=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
  P99[$n,$name]=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
  local non2xx; non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")
  ERRS[$n,$name]=${non2xx:-0}
  log "  $n $name: ${RPS[$n,$name]} req/s, p50 ${P50[$n,$name]} ms, p99 ${P99[$n,$name]} ms, non-2xx ${ERRS[$n,$name]}, load ${LOAD[$n,$name]}"
}

for N in $SIZES; do
  DB=$DATA/scale-$N.db
  if [[ ${SCALE_REUSE:-0} == 1 && -f $DB && -f $DB.seed.txt ]]; then
    # A database seeded before (by this script with SCALE_KEEP=1, or by ScaleSeed with its output in <db>.seed.txt).
    log "reusing $DB"
    cp "$DB.seed.txt" "$RESULTS/$N-seed.txt"
  else
    rm -f "$DB" "$DB-wal" "$DB-shm"
    log "seeding $N tickets into $DB (load average $(load))"
    dotnet "$WORK/seed/ScaleSeed.dll" "$DB" "$N" >"$RESULTS/$N-seed.txt" 2>&1 || { cat "$RESULTS/$N-seed.txt" >&2; die "seed failed"; }
    cp "$RESULTS/$N-seed.txt" "$DB.seed.txt"
  fi
  SEED[$N]=$(awk '/^SEED / {for (i = 2; i <= NF; i++) {split($i, kv, "="); if (kv[1] == "rate") r = kv[2]; if (kv[1] == "seconds") s = kv[2]} print r "/s (" s " s)"}' "$RESULTS/$N-seed.txt")
  STATUSES[$N]=$(awk '/^STATUSES / {sub(/^STATUSES /, ""); print}' "$RESULTS/$N-seed.txt")
  log "  seeded: ${SEED[$N]}; ${STATUSES[$N]}"

  t0=$(date +%s.%N)
  # As deployed, except the per-caller rate limits: wrk is one caller sending thousands of requests a second.
  (cd "$WORK/publish" && exec env ConnectionStrings__Itsm="Data Source=$DB" ASPNETCORE_ENVIRONMENT=Production \
    RateLimits__PermitsPerSecond=1000000 RateLimits__Burst=1000000 \
    RateLimits__IntegrationCreates__PermitsPerSecond=1000000 RateLimits__IntegrationCreates__Burst=1000000 \
    dotnet Itsm.Api.dll --urls "$BASE" >"$RESULTS/$N-server.log" 2>&1) &
  SERVER_PID=$!
  for i in $(seq 1 1200); do                  # at most 10 minutes
    curl -sf -o /dev/null --max-time 2 "$BASE/health/ready" && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$RESULTS/$N-server.log" >&2; die "the service exited"; }
    [[ $i == 1200 ]] && die "the service did not become ready in 10 minutes"
    sleep 0.5
  done
  START[$N]=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
  log "  service ready in ${START[$N]} s, pid $SERVER_PID"

  # The previous whole month in China Standard Time, and a cursor half-way back through the tickets.
  month_from=$(TZ=Asia/Shanghai date -d "$(TZ=Asia/Shanghai date +%Y-%m-01) -1 month" +%Y-%m-%d)
  month_to=$(TZ=Asia/Shanghai date +%Y-%m-01)
  deep=$(cursor $(( N / 2 )))
  measure "$N" get -s "$LUA/get.lua" "$BASE" -- "$N"
  measure "$N" list-first -H "X-Api-Key: $LIST_KEY" "$BASE/api/v1/tickets?limit=25"
  measure "$N" list-deep -H "X-Api-Key: $LIST_KEY" "$BASE/api/v1/tickets?limit=25&cursor=$deep"
  measure "$N" list-filtered -H "X-Api-Key: $LIST_KEY" "$BASE/api/v1/tickets?status=InProgress&system=ERP&limit=25"
  # The rare word is in ten tickets of the whole store at every size: the HQ IT manager finds all ten.
  measure "$N" search-rare -H "X-Api-Key: demo-hq-itmanager" "$BASE/api/v1/tickets?q=zebra&limit=25"
  measure "$N" search-common -H "X-Api-Key: $LIST_KEY" "$BASE/api/v1/tickets?q=posting&limit=25"
  measure "$N" create -s "$LUA/create.lua" "$BASE"
  # A report is a heavy read that a few managers ask for, not a hot path: 2 connections (SCALE_REPORT_CONNECTIONS), last.
  CONN=${SCALE_REPORT_CONNECTIONS:-2} measure "$N" report -H "X-Api-Key: demo-js-itmanager" "$BASE/api/v1/reports/work?unit=JS&from=$month_from&to=$month_to"
  RSS[$N]=$(( $(rss_kb VmRSS) / 1024 )); HWM[$N]=$(( $(rss_kb VmHWM) / 1024 ))
  stop_server
  SIZE[$N]=$(du -cb "$DB" "$DB-wal" 2>/dev/null | awk '/total/ {print $1}')
  log "  RSS ${RSS[$N]} MB (peak ${HWM[$N]} MB); database $(( SIZE[$N] / 1024 / 1024 )) MB, $(( SIZE[$N] / N )) bytes per ticket"
  if [[ ${SCALE_KEEP:-0} != 1 ]]; then rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.seed.txt"; fi
  DB=
done

# ---------------------------------------------------------------- report
read -r -a NS <<<"$SIZES"
SMALL=${NS[0]}; LARGE=${NS[-1]}
# "-" when either side is missing or zero (no request answered within the run)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a + 0 == 0 || b + 0 == 0) print "-"; else printf "%.2f", a / b}'; }
{
  echo "Run $STAMP, $(nproc) cores, $(uname -sr), $(dotnet --version | sed 's/^/.NET SDK /'); wrk -t$THREADS -c$CONNECTIONS, ${DURATION}s per scenario after ${WARMUP}s warm-up."
  echo
  printf '| Scenario |'; for n in "${NS[@]}"; do printf ' p50 / p99 ms, req/s at %s (load) |' "$n"; done; echo " p50 ${LARGE}/${SMALL} |"
  printf '|---|'; for _ in "${NS[@]}"; do printf -- '---|'; done; printf -- '---:|\n'
  for s in "${SCENARIOS[@]}"; do
    printf '| %s |' "$s"
    for n in "${NS[@]}"; do printf ' %s / %s, %s (%s)%s |' "${P50[$n,$s]}" "${P99[$n,$s]}" "${RPS[$n,$s]}" "${LOAD[$n,$s]%% *}" \
      "$( [[ ${ERRS[$n,$s]} != 0 ]] && echo ", ${ERRS[$n,$s]} non-2xx" )"; done
    echo " $(ratio "${P50[$LARGE,$s]}" "${P50[$SMALL,$s]}") |"
  done
  echo
  echo "| Size | seed | start-up (s) | RSS after the run (MB) | peak RSS (MB) | database (MB) | bytes per ticket |"
  echo "|---:|---|---:|---:|---:|---:|---:|"
  for n in "${NS[@]}"; do
    echo "| $n | ${SEED[$n]} | ${START[$n]} | ${RSS[$n]} | ${HWM[$n]} | $(( SIZE[$n] / 1024 / 1024 )) | $(( SIZE[$n] / n )) |"
  done
  echo
  echo "| Target | Measured | Met |"
  echo "|---|---|---|"
  for s in get list-first list-deep list-filtered search-rare search-common report; do
    r=$(ratio "${P50[$LARGE,$s]}" "${P50[$SMALL,$s]}")
    echo "| $s p50 at $LARGE <= 1.5x at $SMALL | ${r}x | $(awk -v r="$r" 'BEGIN {print (r == "-") ? "not measured" : (r <= 1.5) ? "yes" : "NO"}') |"
  done
  c=$(ratio "${RPS[$LARGE,create]}" "${RPS[$SMALL,create]}")
  echo "| create throughput at $LARGE >= 80 % of at $SMALL | ${RPS[$LARGE,create]}/s vs ${RPS[$SMALL,create]}/s = ${c}x | $(awk -v r="$c" 'BEGIN {print (r >= 0.8) ? "yes" : "NO"}') |"
  echo "| RSS < 250 MB at $LARGE | ${HWM[$LARGE]} MB peak | $(awk -v r="${HWM[$LARGE]}" 'BEGIN {print (r < 250) ? "yes" : "NO"}') |"
} | tee "$RESULTS/results.md"
log "raw wrk output, seed and server logs and the table are in $RESULTS"
