#!/usr/bin/env bash
# Samverkan against what a team might pick instead for the log, measured in one
# run on one machine (docs/BENCHMARKS.md, "Against peers"): Redis Streams (XADD,
# appendonly with appendfsync always, driven by redis-benchmark) and PostgreSQL
# (INSERT plus NOTIFY with synchronous_commit on, driven by pgbench), with the
# payload size of samverkan-bench's envelopes, at 1 and 4 synchronous clients
# and at maximum (pipelined / batched). Both peers run as private instances in
# a temporary folder on the same disk as the gateway's; the system-wide
# services are never used. Then the gateway's restart on a 10M-record log
# (samverkan-restart-bench), so that one run gives every figure issue #6
# sets a target for. Beside each Samverkan figure, the same samverkan-bench
# run's null gateway (CURVE, an answer at once, nothing stored): the ceiling
# the transport sets. Prints one table, the restart and null-gateway lines,
# and one JSON line.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: bench/peers.sh [options]
  --quick          about 2 minutes instead of about 13 (fewer events, 1 round,
                   restart on a 1M-record log, which does not judge the target)
  --no-restart     leave out the restart on a 10M-record log (about 3 minutes)
  --no-build       use build-bench/bin/samverkan-bench as it is
  --no-install     do not apt-get install missing peers
  --work-dir DIR   parent of the temporary folder (default: $TMPDIR or /tmp);
                   must be on the disk you want to measure, not tmpfs
  --seconds S      seconds per peer run (default 10, quick 4)
  -h, --help       this text
Run from the repository root.
EOF
}

QUICK=0
RESTART=1
BUILD=1
INSTALL=1
WORK_PARENT="${TMPDIR:-/tmp}"
SECONDS_PER_RUN=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --no-restart) RESTART=0 ;;
    --no-build) BUILD=0 ;;
    --no-install) INSTALL=0 ;;
    --work-dir) WORK_PARENT="$2"; shift ;;
    --seconds) SECONDS_PER_RUN="$2"; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
if [[ -z "$SECONDS_PER_RUN" ]]; then
  SECONDS_PER_RUN=$((QUICK ? 4 : 10))
fi
ROUNDS=$((QUICK ? 1 : 3))
# samverkan-bench's mean envelope size (bench/envelope_corpus.cc); checked
# against the bench's own JSON below.
PAYLOAD_BYTES=236
# Targets of issue #6.
TARGET_SYNC_VS_REDIS=1.0
TARGET_SYNC_VS_PG=2.0
TARGET_MAX_VS_BARE=0.6
TARGET_MAX_VS_REDIS=0.5
TARGET_RESTART_MS=1000
TARGET_RESTART_RECORDS=10000000

log() { echo "peers: $*" >&2; }
as_root() { if [[ $EUID -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

PG_BIN=""
find_pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x "$d/initdb" && -x "$d/pg_ctl" ]] && PG_BIN="$d"
  done
  [[ -n "$PG_BIN" ]]
}

install_peers() {
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v redis-benchmark >/dev/null || missing+=(redis-tools)
  { find_pg_bin && command -v pgbench >/dev/null; } || missing+=(postgresql)
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ $INSTALL -eq 0 ]]; then
    echo "missing: ${missing[*]} (run without --no-install)" >&2
    exit 1
  fi
  log "installing ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    "${missing[@]}" >/dev/null
  find_pg_bin || { echo "no PostgreSQL server binaries found" >&2; exit 1; }
}

# A TCP port nobody listens on, picked at random from the ephemeral range.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    ss -Htln "sport = :$port" | grep -q . || { echo "$port"; return; }
  done
}

# --- setup -----------------------------------------------------------------
[[ -f bench/peers.sh && -f CMakeLists.txt ]] ||
  { echo "run from the repository root" >&2; exit 2; }
install_peers
if [[ $BUILD -eq 1 ]]; then
  log "building samverkan-bench (Release, build-bench)"
  cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release >/dev/null
  make -C build-bench -j2 samverkan-bench samverkan-restart-bench \
    samverkan-gateway >/dev/null
fi
BENCH=build-bench/bin/samverkan-bench
RESTART_BENCH=build-bench/bin/samverkan-restart-bench
for b in "$BENCH" "$RESTART_BENCH"; do
  [[ -x "$b" ]] || { echo "no $b (drop --no-build)" >&2; exit 1; }
done

WORK=$(mktemp -d "$WORK_PARENT/samverkan-peers.XXXXXX")
chmod 755 "$WORK"
FSTYPE=$(findmnt -no FSTYPE -T "$WORK")
[[ "$FSTYPE" == tmpfs ]] &&
  log "WARNING: $WORK is on tmpfs, where fsync costs nothing"
REDIS_PID=""
PG_DATA=""
cleanup() {
  set +e
  [[ -n "$REDIS_PID" ]] && kill "$REDIS_PID" 2>/dev/null &&
    wait "$REDIS_PID" 2>/dev/null
  [[ -n "$PG_DATA" ]] &&
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop \
      >/dev/null 2>&1
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PAYLOAD=$(head -c "$PAYLOAD_BYTES" /dev/zero | tr '\0' 'x')

# --- Redis: private server, AOF fsync on every write -----------------------
mkdir "$WORK/redis"
REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK/redis" \
  --appendonly yes --appendfsync always --save '' --daemonize no \
  --logfile "$WORK/redis/redis.log" &
REDIS_PID=$!
for _ in $(seq 100); do
  redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
  sleep 0.1
done
redis-cli -p "$REDIS_PORT" config get appendfsync | tr '\n' ' ' >&2
echo >&2

# XADD of one PAYLOAD_BYTES field; prints requests/s. Sizes -n from a short
# probe so each run lasts about SECONDS_PER_RUN.
redis_rate() {
  local clients=$1 pipeline=$2 n rate
  n=$((clients * pipeline * 50))
  for pass in probe timed; do
    redis-cli -p "$REDIS_PORT" del samverkan >/dev/null
    rate=$(redis-benchmark -p "$REDIS_PORT" -c "$clients" -P "$pipeline" \
      -n "$n" --csv XADD samverkan '*' body "$PAYLOAD" |
      tail -1 | cut -d, -f2 | tr -d '"')
    [[ $pass == probe ]] &&
      n=$(awk -v r="$rate" -v s="$SECONDS_PER_RUN" -v m="$n" \
        'BEGIN { n = int(r * s); print (n > m ? n : m) }')
  done
  echo "$rate"
}

# --- PostgreSQL: private cluster owned by postgres -------------------------
PG_DATA="$WORK/pg/data"
mkdir -p "$WORK/pg"
chown postgres "$WORK/pg"
PG_PORT=$(free_port)
runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U postgres \
  >/dev/null
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -w -l "$WORK/pg/log" \
  -o "-p $PG_PORT -c listen_addresses=127.0.0.1 \
      -c unix_socket_directories=$WORK/pg -c fsync=on \
      -c synchronous_commit=on -c max_connections=100" start >/dev/null
PSQL=(psql -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v
  ON_ERROR_STOP=1)
"${PSQL[@]}" -c "SHOW synchronous_commit" -c "SHOW fsync" -At | tr '\n' ' ' >&2
echo >&2
"${PSQL[@]}" -c "CREATE TABLE events(seq bigserial PRIMARY KEY, body text)"
# One row and a NOTIFY in one implicit transaction (\; joins them into one
# query); the batched script puts 16 rows in that transaction.
echo "INSERT INTO events(body) VALUES ('$PAYLOAD') \\; NOTIFY samverkan;" \
  >"$WORK/pg/one.sql"
{
  printf "INSERT INTO events(body) VALUES ('%s')" "$PAYLOAD"
  for _ in $(seq 15); do printf ",\n  ('%s')" "$PAYLOAD"; done
  printf ' \\; NOTIFY samverkan;\n'
} >"$WORK/pg/sixteen.sql"

# Prints transactions/s of `script` at `clients` connections.
pg_tps() {
  local script=$1 clients=$2 threads=$(($2 < 2 ? 1 : 2))
  pgbench -n -h 127.0.0.1 -p "$PG_PORT" -U postgres -f "$WORK/pg/$script" \
    -c "$clients" -j "$threads" -T "$SECONDS_PER_RUN" postgres |
    awk '/^tps = / { print $3 }'
}

# --- Samverkan: the real gateway, and the bare reference of the same run ---
# Prints samverkan-bench's JSON line for the given flags.
samverkan_json() {
  "$BENCH" --work-dir "$WORK" -r "$ROUNDS" "$@" >"$WORK/bench.out" 2>&1 ||
    { cat "$WORK/bench.out" >&2; exit 1; }
  grep '^JSON ' "$WORK/bench.out" | tail -1 | cut -c6-
}

# Events per synchronous configuration: about SECONDS_PER_RUN at the ~1.5k
# and ~4k ev/s seen so far; the max phase keeps the bench's default.
SYNC1_N=$((QUICK ? 3000 : 10000))
SYNC4_N=$((QUICK ? 8000 : 30000))
MAX_N=$((QUICK ? 50000 : 200000))

log "samverkan: 1 synchronous publisher"
S1=$(samverkan_json -p 1 -w 1 -n "$SYNC1_N" -k 100)
log "samverkan: 4 synchronous publishers"
S4=$(samverkan_json -p 4 -w 1 -n "$SYNC4_N" -k 100)
log "samverkan: maximum (4 publishers, window 1000)"
SM=$(samverkan_json -p 4 -w 1000 -n "$MAX_N" -k 200)
ENVELOPE_BYTES=$(jq -r .envelope_bytes <<<"$SM")
[[ "$ENVELOPE_BYTES" == "$PAYLOAD_BYTES" ]] ||
  log "NOTE: envelopes are $ENVELOPE_BYTES bytes, peers get $PAYLOAD_BYTES"

log "redis: 1, 4 clients; maximum over 50x16 and 16x64 pipelined"
R1=$(redis_rate 1 1)
R4=$(redis_rate 4 1)
RM_50x16=$(redis_rate 50 16)
RM_16x64=$(redis_rate 16 64)

log "postgresql: 1, 4 clients; maximum over 32 clients and 16 rows/tx"
P1=$(pg_tps one.sql 1)
P4=$(pg_tps one.sql 4)
PM_32=$(pg_tps one.sql 32)
PM_B16_TPS=$(pg_tps sixteen.sql 8)

# --- Samverkan: restart to serving on a long log ----------------------------
RESTART_RECORDS=$((QUICK ? 1000000 : TARGET_RESTART_RECORDS))
RS='null'
RT='null'
if [[ $RESTART -eq 1 ]]; then
  log "samverkan: restart on a log of $RESTART_RECORDS records"
  "$RESTART_BENCH" --work-dir "$WORK" --keep -n "$RESTART_RECORDS" \
    >"$WORK/restart.out" 2>&1 || { cat "$WORK/restart.out" >&2; exit 1; }
  RS=$(grep '^JSON ' "$WORK/restart.out" | tail -1 | cut -c6-)
  # The same log as a gateway killed under load just before an index pass
  # leaves it: the last index_lag records wait for the index.
  log "samverkan: restart on it with 65536 records unindexed"
  KEPT=$(sed -n 's/^working folder: //p' "$WORK/restart.out")
  "$RESTART_BENCH" --data-dir "$KEPT/gateway" -r 3 --unindexed 65536 \
    >"$WORK/restart-tail.out" 2>&1 ||
    { cat "$WORK/restart-tail.out" >&2; exit 1; }
  RT=$(grep '^JSON ' "$WORK/restart-tail.out" | tail -1 | cut -c6-)
fi

# --- table and JSON ----------------------------------------------------------
num() { awk -v x="$1" 'BEGIN { printf "%.0f", x }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
met() { awk -v r="$1" -v t="$2" 'BEGIN { print ((r + 0 >= t + 0) ? "yes" : "no") }'; }
maxof() { awk -v a="$1" -v b="$2" 'BEGIN { print ((a + 0 >= b + 0) ? a : b) }'; }

RM=$(maxof "$RM_50x16" "$RM_16x64")
RM_HOW=$([[ "$RM" == "$RM_50x16" ]] && echo "50 clients x pipeline 16" ||
  echo "16 clients x pipeline 64")
PM_B16_ROWS=$(awk -v t="$PM_B16_TPS" 'BEGIN { print t * 16 }')
PM=$(maxof "$PM_32" "$PM_B16_ROWS")
PM_HOW=$([[ "$PM" == "$PM_32" ]] && echo "32 clients, 1 row/tx" ||
  echo "8 clients, 16 rows/tx")

G1=$(jq -r .gateway_events_per_s <<<"$S1")
G4=$(jq -r .gateway_events_per_s <<<"$S4")
GM=$(jq -r .gateway_events_per_s <<<"$SM")
BARE=$(jq -r .reference_events_per_s <<<"$SM")

printf '\n%-28s %12s %12s %14s %9s %9s %-22s %s\n' configuration \
  "samverkan/s" "redis ops/s" "postgres rows/s" "vs redis" "vs pg" target met
row() {  # name ours redis pg target-text met...
  printf '%-28s %12s %12s %14s %9s %9s %-22s %s\n' "$1" "$(num "$2")" \
    "$(num "$3")" "$(num "$4")" "$(ratio "$2" "$3")" "$(ratio "$2" "$4")" \
    "$5" "$6"
}
M1=$([[ $(met "$(ratio "$G1" "$R1")" $TARGET_SYNC_VS_REDIS) == yes &&
  $(met "$(ratio "$G1" "$P1")" $TARGET_SYNC_VS_PG) == yes ]] && echo yes ||
  echo no)
M4=$([[ $(met "$(ratio "$G4" "$R4")" $TARGET_SYNC_VS_REDIS) == yes &&
  $(met "$(ratio "$G4" "$P4")" $TARGET_SYNC_VS_PG) == yes ]] && echo yes ||
  echo no)
MM=$([[ $(met "$(ratio "$GM" "$BARE")" $TARGET_MAX_VS_BARE) == yes &&
  $(met "$(ratio "$GM" "$RM")" $TARGET_MAX_VS_REDIS) == yes ]] && echo yes ||
  echo no)
row "1 synchronous client" "$G1" "$R1" "$P1" ">=1x redis, >=2x pg" "$M1"
row "4 synchronous clients" "$G4" "$R4" "$P4" ">=1x redis, >=2x pg" "$M4"
row "maximum" "$GM" "$RM" "$PM" ">=0.5x redis" "$MM"
printf '%-28s %12s   maximum vs bare %s (target >= %s)\n' \
  "bare reference (same run)" "$(num "$BARE")" "$(ratio "$GM" "$BARE")" \
  "$TARGET_MAX_VS_BARE"
printf 'redis maximum: %s (50x16 %s, 16x64 %s); postgres maximum: %s (32 clients %s tx/s, 16 rows/tx %s tx/s)\n' \
  "$RM_HOW" "$(num "$RM_50x16")" "$(num "$RM_16x64")" "$PM_HOW" \
  "$(num "$PM_32")" "$(num "$PM_B16_TPS")"
if [[ "$RS" == null ]]; then
  echo "restart: left out (--no-restart)"
else
  # Serving: ready, and the first submission answered.
  restart_met() {
    jq -r --argjson n "$TARGET_RESTART_RECORDS" --argjson t "$TARGET_RESTART_MS" '
      if .records < $n then "not judged: the target is for \($n) records"
      elif .ready_max_ms + .first_ack_median_ms < $t then "yes" else "no" end'
  }
  restart_line() {  # label json
    printf '%s: ready in %s ms median, %s ms max over %s restarts, first ack %s ms after ready, the next in %s ms; target < %s ms: %s\n' \
      "$1" "$(jq -r '.ready_median_ms | round' <<<"$2")" \
      "$(jq -r '.ready_max_ms | round' <<<"$2")" "$(jq -r .restarts <<<"$2")" \
      "$(jq -r '.first_ack_median_ms * 10 | round / 10' <<<"$2")" \
      "$(jq -r '.submit_median_us / 1000 | round' <<<"$2")" \
      "$TARGET_RESTART_MS" "$(restart_met <<<"$2")"
  }
  restart_line "restart on $(jq -r .records <<<"$RS") records ($(jq -r '.log_bytes / 1048576 | round' <<<"$RS") MiB log)" "$RS"
  restart_line "  the same, 65536 records unindexed (a crash under load)" "$RT"
fi
# The null gateway of the same samverkan-bench runs: CURVE, an answer at
# once, nothing stored. What no gateway behind ZeroMQ can beat here.
N1=$(jq -r .null_events_per_s <<<"$S1")
N4=$(jq -r .null_events_per_s <<<"$S4")
NM=$(jq -r .null_events_per_s <<<"$SM")
printf 'null gateway (transport ceiling, same runs): 1 client %s/s (%s x redis), 4 clients %s/s (%s x redis), maximum %s/s (%s x bare, %s x redis)\n' \
  "$(num "$N1")" "$(ratio "$N1" "$R1")" "$(num "$N4")" "$(ratio "$N4" "$R4")" \
  "$(num "$NM")" "$(ratio "$NM" "$BARE")" "$(ratio "$NM" "$RM")"
printf 'samverkan events per group commit: 1 client %s, 4 clients %s, maximum %s\n' \
  "$(jq -r .gateway_events_per_commit <<<"$S1")" \
  "$(jq -r .gateway_events_per_commit <<<"$S4")" \
  "$(jq -r .gateway_events_per_commit <<<"$SM")"
# Where a synchronous acknowledgement's time goes: the null gateway's round
# trip is the transport's share, the gateway's mean commit (its transaction
# and flush) the disk's; the rest is the stages, the queue and waiting.
cycle_us() {  # json: microseconds between two commits
  jq -r 'if .gateway_events_per_s > 0
         then (.gateway_events_per_commit * 1e6 / .gateway_events_per_s | round)
         else 0 end' <<<"$1"
}
printf 'samverkan commit, mean (one transaction and its flush): 1 client %s us of each %s us round trip (the null gateway'"'"'s: %s us), 4 clients %s us of each %s us between commits (the null gateway'"'"'s round of four: %s us), maximum %s us\n' \
  "$(jq -r .gateway_commit_mean_us <<<"$S1")" "$(cycle_us "$S1")" \
  "$(awk -v n="$N1" 'BEGIN { printf "%.0f", (n > 0 ? 1e6 / n : 0) }')" \
  "$(jq -r .gateway_commit_mean_us <<<"$S4")" "$(cycle_us "$S4")" \
  "$(awk -v n="$N4" 'BEGIN { printf "%.0f", (n > 0 ? 4e6 / n : 0) }')" \
  "$(jq -r .gateway_commit_mean_us <<<"$SM")"
printf 'payload %s bytes; %s s per peer run; %s samverkan rounds (medians); filesystem %s\n' \
  "$PAYLOAD_BYTES" "$SECONDS_PER_RUN" "$ROUNDS" "$FSTYPE"

jq -cn --argjson g1 "$G1" --argjson g4 "$G4" --argjson gm "$GM" \
  --argjson bare "$BARE" --argjson r1 "$R1" --argjson r4 "$R4" \
  --argjson rm "$RM" --argjson rm50 "$RM_50x16" --argjson rm16 "$RM_16x64" \
  --argjson p1 "$P1" --argjson p4 "$P4" --argjson pm "$PM" \
  --argjson pm32 "$PM_32" --argjson pmb "$PM_B16_TPS" \
  --arg m1 "$M1" --arg m4 "$M4" --arg mm "$MM" --arg fs "$FSTYPE" \
  --argjson payload "$PAYLOAD_BYTES" --argjson rounds "$ROUNDS" \
  --argjson secs "$SECONDS_PER_RUN" \
  --argjson c1 "$(jq .gateway_events_per_commit <<<"$S1")" \
  --argjson c4 "$(jq .gateway_events_per_commit <<<"$S4")" \
  --argjson cm "$(jq .gateway_events_per_commit <<<"$SM")" \
  --argjson t1 "$(jq .gateway_commit_mean_us <<<"$S1")" \
  --argjson t4 "$(jq .gateway_commit_mean_us <<<"$S4")" \
  --argjson tm "$(jq .gateway_commit_mean_us <<<"$SM")" \
  --argjson n1 "$N1" --argjson n4 "$N4" --argjson nm "$NM" \
  --argjson restart "$RS" --argjson restart_unindexed "$RT" '
  def r(a; b): if b > 0 then (a / b * 100 | round) / 100 else 0 end;
  {payload_bytes: $payload, seconds_per_peer_run: $secs,
   samverkan_rounds: $rounds, filesystem: $fs,
   sync1: {samverkan: $g1, redis: $r1, postgres_tps: $p1,
           vs_redis: r($g1; $r1), vs_postgres: r($g1; $p1), met: ($m1 == "yes"),
           samverkan_events_per_commit: $c1, samverkan_commit_mean_us: $t1},
   sync4: {samverkan: $g4, redis: $r4, postgres_tps: $p4,
           vs_redis: r($g4; $r4), vs_postgres: r($g4; $p4), met: ($m4 == "yes"),
           samverkan_events_per_commit: $c4, samverkan_commit_mean_us: $t4},
   max: {samverkan: $gm, bare_reference: $bare, redis: $rm,
         redis_50x16: $rm50, redis_16x64: $rm16, postgres_rows: $pm,
         postgres_32_clients_tps: $pm32, postgres_16_rows_tx_tps: $pmb,
         vs_bare: r($gm; $bare), vs_redis: r($gm; $rm),
         vs_postgres: r($gm; $pm), met: ($mm == "yes"),
         samverkan_events_per_commit: $cm, samverkan_commit_mean_us: $tm},
   null_gateway: {sync1: $n1, sync4: $n4, max: $nm,
                  sync1_vs_redis: r($n1; $r1), sync4_vs_redis: r($n4; $r4),
                  max_vs_bare: r($nm; $bare), max_vs_redis: r($nm; $rm)},
   restart: $restart, restart_unindexed: $restart_unindexed}' |
  sed 's/^/JSON /'
