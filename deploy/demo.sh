#!/usr/bin/env bash
# The main job: installs and builds, then runs the whole system on this
# machine with its embedded SQLite store in a fresh folder (demo-run/): keys,
# registry, gateway, four agencies submitting a realistic scenario as JSON
# lines, and an operator reading the log at the end. Stops everything cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

bash deploy/build.sh
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
CONF

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

for step in "$root"/deploy/demo/scenario/*.jsonl; do
  name=$(basename "$step" .jsonl)
  org=${name#*-}
  org=${org%-mistakes}
  say "$name: $(sed -n '1s/^# //p' "$step")"
  "$bin/samverkan-submit" --gateway gateway.ready --key "keys/$org.key" \
    --organisation "$org" --file "$step"
done

say "Försäkringskassan's system sends its file again (a retry): nothing is stored twice"
"$bin/samverkan-submit" --gateway gateway.ready --key keys/forsakringskassan.key \
  --organisation forsakringskassan --file "$root/deploy/demo/scenario/03-forsakringskassan.jsonl"

op() { "$bin/samverkan-operator" --gateway gateway.ready --key keys/operator.key "$@"; }
say "Operator: the log (metadata only, never payloads)"
op tail
say "Operator: stats"
op stats
say "Operator: verify the hash chain"
op verify

say "Stopping"
kill -TERM "$gateway_pid"
wait "$gateway_pid" || true
trap - EXIT
echo "gateway stopped; the log is in $(basename "$run")/data/log.sqlite"
