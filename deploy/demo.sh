#!/usr/bin/env bash
# The main job: installs and builds, then runs the whole system on this
# machine with its embedded SQLite stores in a fresh folder (demo-run/): keys
# and registry, the gateway, the four agency services (each with its SQLite
# outbox, inbox and case workers' file), and the municipality's coordinator
# client following its alerts. The agencies' own systems hand their events to
# their services as JSON lines, step by step; the alerts are shown as they
# arrive, and an operator reads the log at the end. Stops everything cleanly.
#
# The scenario spans three months, so the gateway reads "now" from a clock
# file that each step moves to its "# on YYYY-MM-DD" date: deadlines fall due
# exactly as they would over those weeks, within a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bash deploy/build.sh >/dev/null
bin=$root/build/bin

run=$root/demo-run
rm -rf "$run"
mkdir -p "$run/keys"
cd "$run"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
# Waits up to ~10 s for a condition, checking every 0.1 s.
wait_for() {
  for _ in $(seq 100); do
    eval "$1" && return 0
    sleep 0.1
  done
  echo "timed out waiting for: $1" >&2
  return 1
}
lines() { [ -f "$1" ] && wc -l <"$1" || echo 0; }

say "Keys and registry: one CURVE keypair per party, the gateway and an operator"
"$bin/samverkan-keytool" generate --out keys --name gateway >/dev/null
party() {  # organisation kind role...
  local org=$1 kind=$2
  shift 2
  "$bin/samverkan-keytool" generate --out keys --name "$org" >/dev/null
  local roles=()
  for r in "$@"; do roles+=(--role "$r"); done
  "$bin/samverkan-keytool" registry-entry --pub "keys/$org.pub" \
    --organisation "$org" --kind "$kind" "${roles[@]}" --append registry.toml
}
party kommun-orebro MUNICIPALITY PUBLISHER COORDINATOR
party region-orebro REGION_PSYCHIATRY PUBLISHER
party arbetsformedlingen ARBETSFORMEDLINGEN PUBLISHER
party forsakringskassan FORSAKRINGSKASSAN PUBLISHER
party operator NONE OPERATOR

cat > gateway.toml <<CONF
[gateway]
data_dir = "data"
ingress_endpoint = "tcp://127.0.0.1:0"
query_endpoint = "tcp://127.0.0.1:0"
server_key_file = "keys/gateway.key"
registry_file = "registry.toml"
ready_file = "gateway.ready"
rule_set_file = "$root/deploy/rules/rules-2026.1.toml"
clock_file = "clock"
CONF
echo 2026-09-01 >clock

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT

say "Starting the gateway"
"$bin/samverkan-gateway" -c gateway.toml >gateway.log 2>&1 &
gateway_pid=$!
pids+=("$gateway_pid")
wait_for '[ -f gateway.ready ] || ! kill -0 "$gateway_pid" 2>/dev/null'
[ -f gateway.ready ] || { cat gateway.log; exit 1; }
cat gateway.ready

# Which service speaks for which organisation.
declare -A service=(
  [kommun-orebro]=municipality [region-orebro]=psychiatry
  [arbetsformedlingen]=arbetsformedlingen [forsakringskassan]=forsakringskassan)

say "The four agency services: outbox, inbox and case workers' file each"
for org in kommun-orebro region-orebro arbetsformedlingen forsakringskassan; do
  name=${service[$org]}
  mkdir -p "agencies/$name"
  : >"agencies/$name/incoming.jsonl"  # what the agency's own system writes
  "$bin/samverkan-$name" --gateway gateway.ready --key "keys/$org.key" \
    --organisation "$org" --data "agencies/$name" \
    --input "agencies/$name/incoming.jsonl" --clock-file clock \
    >"agencies/$name/service.log" 2>&1 &
  pids+=($!)
  echo "samverkan-$name for $org, data in agencies/$name/"
done

say "The coordinator client (Örebro kommun) follows its alert stream"
mkdir -p coordinator
"$bin/samverkan-coordinator" --gateway gateway.ready \
  --key keys/kommun-orebro.key --out coordinator/alerts.jsonl --text \
  >coordinator/alerts.txt 2>coordinator/coordinator.log &
pids+=($!)

# Prints the coordinator's alerts that arrived since the last call. The
# gateway commits an event's alerts with the event, but they reach the
# coordinator asynchronously: wait (bounded) until the file stops growing.
# With an argument, first wait (bounded) for at least one new line.
shown=0
show_alerts() {
  [ -n "${1:-}" ] && wait_for '[ "$(lines coordinator/alerts.txt)" -gt "$shown" ]'
  for _ in $(seq 20); do
    local before
    before=$(lines coordinator/alerts.txt)
    sleep 0.15
    [ "$before" = "$(lines coordinator/alerts.txt)" ] && break
  done
  tail -n +"$((shown + 1))" coordinator/alerts.txt | sed 's/^/  ALERT  /'
  shown=$(lines coordinator/alerts.txt)
}

# The agency's system appends a step's lines to its service's input file;
# the service answers each one in replies.jsonl (sent) or rejected.jsonl
# (never sent). Waits until every line has its answer, then prints them.
declare -A handed=() answered=()
hand_over() {  # organisation file
  local dir="agencies/${service[$1]}" n
  n=$(grep -cv '^\s*\(#\|$\)' "$2" || true)
  cat "$2" >>"$dir/incoming.jsonl"
  handed[$1]=$(( ${handed[$1]:-0} + n ))
  wait_for '[ $(( $(lines '"$dir"'/replies.jsonl) + $(lines '"$dir"'/rejected.jsonl) )) -ge '"${handed[$1]}"' ]'
  local from=${answered[$1]:-0}
  { jq -r '"\(.line)\t\(.reply.outcome)\t" +
           (if .reply.outcome == "ACCEPTED" then "#\(.reply.sequence)" +
              (if .reply.duplicate then " (duplicate: already in the log)" else "" end)
            else "\(.reply.code): \(.reply.message)" end)' "$dir/replies.jsonl"
    jq -r '"\(.line)\tNOT SENT\t\(.error)"' "$dir/rejected.jsonl" 2>/dev/null
  } | sort -n | tail -n +"$((from + 1))" | sed 's/^/  line /'
  answered[$1]=${handed[$1]}
}

for step in "$root"/deploy/demo/scenario/*.jsonl; do
  name=$(basename "$step" .jsonl)
  org=${name#*-}
  org=${org%-mistakes}
  on=$(sed -n 's/^# on \([0-9-]*\)$/\1/p' "$step")
  say "$name ($on): $(sed -n '1s/^# //p' "$step")"
  [ -n "$on" ] && echo "$on" >clock
  if [ "$org" = clock ]; then
    show_alerts expect-more  # the idle gateway fires what fell due
  else
    hand_over "$org" "$step"
    show_alerts
  fi
done

say "Försäkringskassan's system hands its first file over again (a retry): nothing is stored twice"
hand_over forsakringskassan "$root/deploy/demo/scenario/03-forsakringskassan.jsonl"

op() { "$bin/samverkan-operator" --gateway gateway.ready --key keys/operator.key "$@"; }

say "What each agency's case workers got (deliveries redacted to consent; to-dos marked, DONE once their handover closed)"
# A to-do about a handover is settled by a later line closing the same
# handover (docs/agency-services.md); the others stay to do.
settled='def settled($closed): (.handover_id // "") as $h
           | $h != "" and any($closed[]; . == $h);
         [.[] | select(.event == "handover_closed") | .handover_id] as $closed
         | map(select(.to_do))'
for org in kommun-orebro region-orebro arbetsformedlingen forsakringskassan; do
  dir="agencies/${service[$org]}"
  wait_for '[ "$(lines '"$dir"'/caseworker.jsonl)" -gt 0 ]' || true
  printf '%-20s %3s deliveries, %s\n' "$org" "$(lines "$dir/caseworker.jsonl")" \
    "$(jq -rs "$settled"' | if length == 0 then "nothing to do" else "\(length) to do, \(map(select(settled($closed))) | length) of them done since" end' \
      "$dir/caseworker.jsonl")"
  jq -rs "$settled"' | .[] | "    \(if settled($closed) then "DONE " else "TO DO" end)  \(.action)"' \
    "$dir/caseworker.jsonl" | cut -c1-200
done
say "Försäkringskassan's plans (its local projection)"
"$bin/samverkan-forsakringskassan" --data agencies/forsakringskassan --plans

say "The coordinator's open handovers"
"$bin/samverkan-coordinator" --out coordinator/alerts.jsonl --handovers
say "The coordinator's alert stream, all of it ($shown deliveries)"
cat coordinator/alerts.txt

say "Operator: the log (metadata only, never payloads)"
op tail
say "Operator: stats"
op stats
say "Operator: verify the hash chain"
op verify
say "Operator: Anna's timeline (metadata only)"
op timeline p-anna
say "Operator: handovers still open or escalated"
op handovers
say "Operator: Anna's disclosure report (who received what about her, and why)"
op report p-anna

say "Stopping"
kill -TERM "${pids[@]}"
wait "${pids[@]}" || true
trap - EXIT
echo "everything stopped; the log is in $(basename "$run")/data/log.sqlite"
