#!/usr/bin/env bash
# The main job: installs and builds, then runs the whole system on this
# machine with its embedded SQLite store in a fresh folder (demo-run/): keys,
# registry, gateway, four agencies submitting a realistic scenario as JSON
# lines, the coordinator following its alerts as they arrive, and an operator
# reading the log at the end. Stops everything cleanly.
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

say "Starting the gateway"
"$bin/samverkan-gateway" -c gateway.toml >gateway.log 2>&1 &
gateway_pid=$!
trap 'kill "$gateway_pid" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  [ -f gateway.ready ] && break
  kill -0 "$gateway_pid" 2>/dev/null || { cat gateway.log; exit 1; }
  sleep 0.1
done
[ -f gateway.ready ] || { echo "gateway did not start"; cat gateway.log; exit 1; }
cat gateway.ready

say "Each agency's inbox subscribes to its deliveries (redacted to its consent)"
mkdir -p inbox
inbox_pids=()
for org in kommun-orebro region-orebro arbetsformedlingen forsakringskassan; do
  "$bin/samverkan-inbox" --gateway gateway.ready --key "keys/$org.key" \
    --out "inbox/$org.jsonl" >"inbox/$org.log" 2>&1 &
  inbox_pids+=($!)
done
say "The coordinator (Örebro kommun) follows its alert stream"
mkdir -p alerts
"$bin/samverkan-inbox" --gateway gateway.ready --key keys/kommun-orebro.key \
  --alerts --print --out alerts/kommun-orebro.jsonl >alerts/kommun-orebro.txt 2>&1 &
inbox_pids+=($!)
trap 'kill "$gateway_pid" "${inbox_pids[@]}" 2>/dev/null || true' EXIT
echo "started ${#inbox_pids[@]} subscribers"

# Prints the coordinator's alerts that arrived since the last call. The
# gateway commits an event's alerts with the event, but they reach the
# subscriber asynchronously: wait (bounded) until the file stops growing.
# With an argument, first wait (bounded) for at least one new line.
shown=0
show_alerts() {
  local expect_more=${1:-}
  for _ in $(seq 50); do
    [ -z "$expect_more" ] && break
    [ "$(wc -l <alerts/kommun-orebro.txt)" -gt "$shown" ] && break
    sleep 0.1
  done
  for _ in $(seq 20); do
    local before
    before=$(wc -l <alerts/kommun-orebro.txt)
    sleep 0.15
    [ "$before" = "$(wc -l <alerts/kommun-orebro.txt)" ] && break
  done
  tail -n +"$((shown + 1))" alerts/kommun-orebro.txt | sed 's/^/  ALERT  /'
  shown=$(wc -l <alerts/kommun-orebro.txt)
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
    "$bin/samverkan-submit" --gateway gateway.ready --key "keys/$org.key" \
      --organisation "$org" --file "$step" --clock-file clock
    show_alerts
  fi
done

say "Försäkringskassan's system sends its file again (a retry): nothing is stored twice"
"$bin/samverkan-submit" --gateway gateway.ready --key keys/forsakringskassan.key \
  --organisation forsakringskassan --file "$root/deploy/demo/scenario/03-forsakringskassan.jsonl"

op() { "$bin/samverkan-operator" --gateway gateway.ready --key keys/operator.key "$@"; }

say "Inboxes: what each agency received (a heartbeat a second lets them catch up)"
for org in kommun-orebro region-orebro arbetsformedlingen forsakringskassan; do
  for _ in $(seq 30); do  # until the inbox stops growing
    before=$(wc -l <"inbox/$org.jsonl" 2>/dev/null || echo 0)
    sleep 0.2
    [ "$before" = "$(wc -l <"inbox/$org.jsonl" 2>/dev/null || echo 0)" ] && break
  done
  printf '%-20s %3s deliveries; about p-anna: %s\n' "$org" \
    "$(wc -l <"inbox/$org.jsonl")" \
    "$(grep '"p-anna"' "inbox/$org.jsonl" | grep -o '"schema_version":[0-9]*,"[a-z_]*"' | cut -d'"' -f4 | paste -sd' ' -)"
done
say "Operator: the log (metadata only, never payloads)"
op tail
say "Operator: stats"
op stats
say "Operator: verify the hash chain"
op verify
say "The coordinator's alert stream, all of it ($shown deliveries)"
cat alerts/kommun-orebro.txt
say "Operator: Anna's disclosure report (who received what about her, and why)"
op report p-anna

say "Stopping"
kill -TERM "${inbox_pids[@]}" "$gateway_pid"
wait "$gateway_pid" "${inbox_pids[@]}" || true
trap - EXIT
echo "gateway stopped; the log is in $(basename "$run")/data/log.sqlite"
