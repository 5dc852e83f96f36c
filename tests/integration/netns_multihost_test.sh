#!/usr/bin/env bash
# Multi-host pipeline in network namespaces: three "hosts" (FELIX host, readout node, storage node),
# each its own network namespace, joined by two veth links with their own subnets:
#   felix  10.77.1.1 <-> 10.77.1.2  readout (daqz-ingest)  10.77.2.1 <-> 10.77.2.2  storage (daqz-sink)
# Data, sink acknowledgements and ingest acknowledgements all cross real (virtual) links, not loopback.
# Every wedge must be stored exactly once and decode bit-exactly. Needs CAP_NET_ADMIN (root): skipped
# with a clear message otherwise.
source "$(dirname "$0")/lib.sh"
COUNT=120
TAG=$$
NS_FE=daqz-fe-$TAG NS_RO=daqz-ro-$TAG NS_ST=daqz-st-$TAG
if ! ip netns add "$NS_FE" 2>/dev/null; then
  echo "SKIP: cannot create network namespaces here (needs root / CAP_NET_ADMIN and iproute2)"
  exit 0
fi
netns_cleanup() {
  for ns in "$NS_FE" "$NS_RO" "$NS_ST"; do ip netns del "$ns" 2>/dev/null || true; done
  cleanup
}
trap netns_cleanup EXIT
ip netns add "$NS_RO"
ip netns add "$NS_ST"
# veth pairs: felix<->readout, readout<->storage (names <= 15 chars).
ip link add "vfe$TAG" netns "$NS_FE" type veth peer name "vro$TAG" netns "$NS_RO"
ip link add "vrs$TAG" netns "$NS_RO" type veth peer name "vst$TAG" netns "$NS_ST"
ip -n "$NS_FE" addr add 10.77.1.1/24 dev "vfe$TAG"
ip -n "$NS_RO" addr add 10.77.1.2/24 dev "vro$TAG"
ip -n "$NS_RO" addr add 10.77.2.1/24 dev "vrs$TAG"
ip -n "$NS_ST" addr add 10.77.2.2/24 dev "vst$TAG"
for ns in "$NS_FE" "$NS_RO" "$NS_ST"; do ip -n "$ns" link set lo up; done
ip -n "$NS_FE" link set "vfe$TAG" up
ip -n "$NS_RO" link set "vro$TAG" up
ip -n "$NS_RO" link set "vrs$TAG" up
ip -n "$NS_ST" link set "vst$TAG" up

start sink ip netns exec "$NS_ST" "$BIN/daqz-sink" --listen "tcp://10.77.2.2:6000" --out "$WORK/segments" \
  --quarantine "$WORK/sink.q"
SINK_PID=$LAST_PID
# The storage node must not be reachable from the FELIX host (no route): the data has to pass the readout node.
reach() { ip netns exec "$1" /usr/bin/python3 -c 'import socket,sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 2)' "$2" "$3" 2>/dev/null; }
for _ in $(seq 100); do reach "$NS_RO" 10.77.2.2 6000 && break; sleep 0.2; done
reach "$NS_RO" 10.77.2.2 6000 || fail "the readout node cannot reach the sink at 10.77.2.2:6000"
reach "$NS_FE" 10.77.2.2 6000 && fail "the FELIX host reaches the storage node directly"
start ingest ip netns exec "$NS_RO" "$BIN/daqz-ingest" --listen "tcp://10.77.1.2:5555" --sink "tcp://10.77.2.2:6000" \
  --ack-listen "tcp://10.77.2.1:5601" --quarantine "$WORK/ingest.q"
INGEST_PID=$LAST_PID
sleep 0.5
ip netns exec "$NS_FE" "$BIN/daqz-felix-sim" --endpoint "tcp://10.77.1.2:5555" --count "$COUNT" --pool 24 --jets \
  --ack-listen "tcp://10.77.1.1:5700" --drain-timeout 90 --dump "$WORK/sent" --json > "$WORK/sim.json" \
  2> "$WORK/sim.log" || fail "felix-sim did not get every message acknowledged across the links"
cat "$WORK/sim.json"
stop "$INGEST_PID"; [ "$STOP_RC" = 0 ] || fail "ingest did not drain cleanly (exit $STOP_RC)"
stop "$SINK_PID"; [ "$STOP_RC" = 0 ] || fail "sink did not stop cleanly (exit $STOP_RC)"

"$BIN/daqz" decode "$WORK/segments" --out "$WORK/decoded" --json > "$WORK/decode.json" || fail "decode failed"
cat "$WORK/decode.json"
grep -Eq "\"wedges\":$COUNT[,}]" "$WORK/decode.json" || fail "expected exactly $COUNT stored wedges"
mismatched=0
for f in "$WORK"/sent/*.npy; do cmp -s "$f" "$WORK/decoded/$(basename "$f")" || mismatched=$((mismatched + 1)); done
[ "$mismatched" -eq 0 ] || fail "$mismatched stored records differ from what was sent"
echo PASS
