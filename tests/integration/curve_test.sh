#!/usr/bin/env bash
# ZeroMQ CURVE on every socket, as real processes: certificates from `daqz keygen` (zcert format, read
# back with pyzmq's zmq.auth.load_certificate) and, for felix-sim, from pyzmq's
# zmq.auth.create_certificates (read by the services); an authorized
# felix-sim -> ingest -> sink pipeline (data and acks of both links encrypted) stores every record bit-exactly,
# while peers with an unknown key or no CURVE at all are refused by the ingest node: nothing of
# theirs is received, and both are logged and counted in daqz_ingest_auth_failures_total.
source "$(dirname "$0")/lib.sh"
COUNT=${COUNT:-24}
DATA=$(free_port); SINK=$(free_port); ACK=$(free_port); FACK=$(free_port); IM=$(free_port); SM=$(free_port)
K=$WORK/keys
for n in ingest sink; do "$BIN/daqz" keygen --out "$K" --name "$n" >/dev/null || fail "keygen $n"; done
[ "$(stat -c %a "$K/ingest.key_secret")" = 600 ] || fail "secret key mode is $(stat -c %a "$K/ingest.key_secret"), expected 600"
"$BIN/daqz" keygen --out "$K" --name ingest 2>/dev/null && fail "keygen overwrote an existing key"
# Interoperability with pyzmq (and so CZMQ, whose zcert format both use), in both directions.
/usr/bin/python3 - "$K" <<'PY' || fail "daqz keygen certificates and pyzmq certificates do not interoperate"
import sys, zmq, zmq.auth
k = sys.argv[1]
pub, sec = zmq.auth.load_certificate(f"{k}/ingest.key_secret")
pub2, none = zmq.auth.load_certificate(f"{k}/ingest.key")
assert pub == pub2 and none is None and len(sec) == 40, (pub, pub2, none)
assert zmq.curve_public(sec) == pub, "the secret key does not belong to the public key"
zmq.auth.create_certificates(k, "felix")   # felix.key + felix.key_secret, read by daqz-felix-sim below
print("pyzmq read daqz keygen's certificates; created felix.key/felix.key_secret")
PY
mkdir -p "$WORK/ingest-allow" "$WORK/sink-allow"
cp "$K/felix.key" "$WORK/ingest-allow/"; cp "$K/ingest.key" "$WORK/sink-allow/"
/usr/bin/python3 -c 'import sys, zmq.auth; assert len(zmq.auth.load_certificates(sys.argv[1])) == 1' "$WORK/sink-allow" \
  || fail "pyzmq does not read the allow folder"

# A CURVE service that accepts connections must be told whom to admit.
"$BIN/daqz-sink" --listen "tcp://127.0.0.1:$SINK" --out "$WORK/x" --curve-secret-key "$K/sink.key_secret" \
  >"$WORK/noallow.log" 2>&1 && fail "sink started with CURVE but without --curve-allow"
grep -q -- "--curve-allow" "$WORK/noallow.log" || fail "missing --curve-allow not explained"

start sink "$BIN/daqz-sink" --listen "tcp://127.0.0.1:$SINK" --out "$WORK/segments" --quarantine "$WORK/sink.q" \
  --metrics "127.0.0.1:$SM" --curve-secret-key "$K/sink.key_secret" --curve-allow "$WORK/sink-allow"
SINK_PID=$LAST_PID
start ingest "$BIN/daqz-ingest" --listen "tcp://127.0.0.1:$DATA" --sink "tcp://127.0.0.1:$SINK" \
  --ack-listen "tcp://127.0.0.1:$ACK" --quarantine "$WORK/ingest.q" --metrics "127.0.0.1:$IM" \
  --curve-secret-key "$K/ingest.key_secret" --curve-server-key "$K/sink.key" --curve-allow "$WORK/ingest-allow"
INGEST_PID=$LAST_PID
IURL="http://127.0.0.1:$IM/metrics"
wait_metric "$IURL" daqz_ingest_state 3 30 || fail "ingest did not start"

# Intruders push at the ingest data endpoint for 2 s each: first a plain client (no CURVE), then one
# with a fresh key pair the ingest node does not know (it does know the ingest public key).
cat > "$WORK/intruder.py" <<'PY'
import sys, time, zmq, zmq.auth
mode, port = sys.argv[1], sys.argv[2]
server_pub, _ = zmq.auth.load_certificate(sys.argv[3])
ctx = zmq.Context()
s = ctx.socket(zmq.PUSH)
if mode == "key":
    pub, sec = zmq.curve_keypair()
    s.curve_publickey, s.curve_secretkey, s.curve_serverkey = pub, sec, server_pub
s.setsockopt(zmq.LINGER, 0); s.setsockopt(zmq.SNDTIMEO, 200); s.connect(f"tcp://127.0.0.1:{port}")
deadline, queued = time.time() + 2, 0
while time.time() < deadline:
    try:
        s.send_multipart([b"\x08\x01forged envelope", b"forged payload"]); queued += 1
    except zmq.Again:
        pass
    time.sleep(0.05)
print(f"intruder ({mode}): {queued} messages queued locally (none should arrive)")
ctx.destroy(linger=0)
PY
/usr/bin/python3 "$WORK/intruder.py" plain "$DATA" "$K/ingest.key" || fail "plain intruder script failed"
wait_metric "$IURL" daqz_ingest_auth_failures_total 1 10 || fail "plain (no CURVE) peer not counted"
after_plain=$(metric "$IURL" daqz_ingest_auth_failures_total)
/usr/bin/python3 "$WORK/intruder.py" key "$DATA" "$K/ingest.key" || fail "unknown-key intruder script failed"
wait_metric "$IURL" daqz_ingest_auth_failures_total $((after_plain + 1)) 10 || fail "unknown key not counted"
echo "auth failures: $after_plain after the plain peer, $(metric "$IURL" daqz_ingest_auth_failures_total) after the unknown key"
received=$(metric "$IURL" daqz_ingest_messages_received_total)
rejected=$(metric "$IURL" daqz_ingest_frames_rejected_total)
[ "$received" = 0 ] && [ "$rejected" = 0 ] || fail "intruders got through: received $received, rejected $rejected"
grep -q "key not in" "$WORK/ingest.log" || fail "unknown key refusal not logged"
grep -q "CURVE: refused" "$WORK/ingest.log" || fail "refusal not logged"

"$BIN/daqz-felix-sim" --endpoint "tcp://127.0.0.1:$DATA" --count "$COUNT" --jets --seed 11 --dump "$WORK/sent" \
  --ack-listen "tcp://127.0.0.1:$FACK" --json --curve-secret-key "$K/felix.key_secret" --curve-server-key "$K/ingest.key" > "$WORK/sim.json" \
  || fail "felix-sim failed"
grep -q '"wedges_sent":'"$COUNT" "$WORK/sim.json" || fail "felix-sim did not send $COUNT wedges"
grep -q '"unacknowledged":0' "$WORK/sim.json" || fail "felix-sim got no (encrypted) acknowledgements: $(cat "$WORK/sim.json")"
# Ingest exits 0 only after the sink acknowledged everything: the encrypted ack path works.
stop "$INGEST_PID"; [ "$STOP_RC" = 0 ] || fail "ingest did not drain cleanly (exit $STOP_RC)"
stop "$SINK_PID"; [ "$STOP_RC" = 0 ] || fail "sink did not stop cleanly (exit $STOP_RC)"
failures=$(grep -c "CURVE: refused" "$WORK/sink.log" || true)
[ "$failures" = 0 ] || fail "the sink refused the authorized ingest node"

"$BIN/daqz" decode "$WORK/segments" --out "$WORK/decoded" --json > "$WORK/decode.json" || fail "decode failed"
sent=0; mismatched=0
for f in "$WORK"/sent/*.npy; do
  sent=$((sent + 1)); cmp -s "$f" "$WORK/decoded/$(basename "$f")" || mismatched=$((mismatched + 1))
done
decoded=$(ls "$WORK"/decoded/*.npy | wc -l)
echo "CURVE pipeline: sent $sent, decoded $decoded, mismatched $mismatched"
[ "$sent" -gt "$COUNT" ] && [ "$decoded" -eq "$sent" ] && [ "$mismatched" -eq 0 ] || fail "records lost or changed"
echo "PASS"
