#!/usr/bin/env bash
# Bad input never crashes a service and never hides good data: 31 kinds of malformed frames go to a
# running daqz-ingest over a real socket, then one valid wedge. Every bad frame must be counted by
# reason and kept in the quarantine file; the valid wedge must be stored and decode exactly.
source "$(dirname "$0")/lib.sh"
DATA=$(free_port); SINK=$(free_port); ACK=$(free_port); MET=$(free_port)
start sink "$BIN/daqz-sink" --listen "tcp://127.0.0.1:$SINK" --out "$WORK/segments" --quarantine "$WORK/sink.q"
SINK_PID=$LAST_PID
start ingest "$BIN/daqz-ingest" --listen "tcp://127.0.0.1:$DATA" --sink "tcp://127.0.0.1:$SINK" \
  --ack-listen "tcp://127.0.0.1:$ACK" --quarantine "$WORK/ingest.q" --metrics "127.0.0.1:$MET" \
  --max-message-bytes 2000000
INGEST_PID=$LAST_PID
URL="http://127.0.0.1:$MET/metrics"
wait_metric "$URL" daqz_ingest_state 3 30 || fail "ingest did not start"

BAD=$(/usr/bin/python3 "$SRC/tests/integration/bad_frames.py" "tcp://127.0.0.1:$DATA") || fail "client failed"
echo "sent $BAD bad frames and 1 good wedge"
[ "$BAD" -ge 20 ] || fail "fewer than 20 kinds of bad frames"
wait_metric "$URL" daqz_ingest_frames_rejected_total "$BAD" 30 || fail "not every bad frame was counted"
wait_metric "$URL" daqz_ingest_records_sent_total 1 30 || fail "the good wedge was not forwarded"
curl -sf "$URL" | grep '^daqz_ingest_frames_rejected_total' | grep -v ' 0$' || true
kill -0 "$INGEST_PID" || fail "ingest died"
[ "$(metric "$URL" daqz_ingest_quarantined_frames_total)" -eq "$BAD" ] || fail "quarantine count differs from rejections"
[ -s "$WORK/ingest.q" ] || fail "quarantine file is empty"

stop "$INGEST_PID"; [ "$STOP_RC" = 0 ] || fail "ingest did not drain cleanly (exit $STOP_RC)"
stop "$SINK_PID"; [ "$STOP_RC" = 0 ] || fail "sink did not stop cleanly"
"$BIN/daqz" decode "$WORK/segments" --out "$WORK/decoded" --json | tee "$WORK/decode.json"
grep -q '"wedges":1' "$WORK/decode.json" || fail "expected exactly the one good wedge stored"
/usr/bin/python3 - "$WORK/decoded/good-client_0.npy" <<'PY' || fail "good wedge decoded wrong"
import sys, numpy as np
w = np.load(sys.argv[1])
assert w.shape == (192, 249, 16) and w.dtype == np.uint16
nz = {tuple(i): int(w[tuple(i)]) for i in np.argwhere(w)}
assert nz == {(0, 10, 0): 100, (0, 11, 0): 200, (0, 12, 0): 300, (0, 0, 5): 70}, nz
PY
echo PASS
