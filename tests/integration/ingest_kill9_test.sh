#!/usr/bin/env bash
# No data lost when an ingest node dies: the ingest node is killed with SIGKILL mid-stream (records in its
# queues, in flight to the sink and unacknowledged are lost with it) and restarted on the same endpoints.
# daqz-felix-sim keeps every message until the ingest node acknowledges it, which the ingest node does
# only after a sink has stored the record; the simulator re-sends the rest and the sink drops duplicates.
# Every wedge the simulator sent must be stored exactly once, bit for bit (lossless codec).
source "$(dirname "$0")/lib.sh"
COUNT=300
DATA=$(free_port); SINK=$(free_port); ACK=$(free_port); SIMACK=$(free_port); MET=$(free_port); IMET=$(free_port)
start sink "$BIN/daqz-sink" --listen "tcp://127.0.0.1:$SINK" --out "$WORK/segments" --quarantine "$WORK/sink.q" \
  --fsync interval --fsync-interval 0.05 --metrics "127.0.0.1:$MET"
SINK_PID=$LAST_PID
ingest_cmd=("$BIN/daqz-ingest" --listen "tcp://127.0.0.1:$DATA" --sink "tcp://127.0.0.1:$SINK"
            --ack-listen "tcp://127.0.0.1:$ACK" --quarantine "$WORK/ingest.q" --replay-timeout 1
            --metrics "127.0.0.1:$IMET")
start ingest1 "${ingest_cmd[@]}"
INGEST_PID=$LAST_PID
start sim "$BIN/daqz-felix-sim" --endpoint "tcp://127.0.0.1:$DATA" --count "$COUNT" --rate 100 --pool 24 \
  --ack-listen "tcp://127.0.0.1:$SIMACK" --replay-timeout 2 --drain-timeout 90 --dump "$WORK/sent" --json
SIM_PID=$LAST_PID

wait_metric "http://127.0.0.1:$MET/metrics" daqz_sink_records_stored_total 80 60 || fail "sink stored too little"
forwarded=$(metric "http://127.0.0.1:$IMET/metrics" daqz_ingest_upstream_acks_total)
[ "$forwarded" -gt 0 ] || fail "the ingest node forwarded no acknowledgement to felix-sim"
kill -9 "$INGEST_PID"; wait "$INGEST_PID" 2>/dev/null || true
echo "ingest killed with SIGKILL after >= 80 stored records ($forwarded acknowledged upstream)"
sleep 1
start ingest2 "${ingest_cmd[@]}"
INGEST_PID=$LAST_PID

wait "$SIM_PID" || fail "felix-sim did not get every message acknowledged (exit $?)"
cat "$WORK/sim.log" | grep '^{' > "$WORK/sim.json" || fail "no felix-sim summary"
cat "$WORK/sim.json"
resent=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["resent"])' "$WORK/sim.json")
[ "$resent" -gt 0 ] || fail "felix-sim re-sent nothing: the kill did not exercise the replay path"
stop "$INGEST_PID"; [ "$STOP_RC" = 0 ] || fail "restarted ingest did not get every record acknowledged (exit $STOP_RC)"
stop "$SINK_PID"; [ "$STOP_RC" = 0 ] || fail "sink did not stop cleanly"
echo "sink duplicates dropped: $(grep -o 'duplicates[^,]*' "$WORK/sink.log" | tail -n1)"

"$BIN/daqz" decode "$WORK/segments" --out "$WORK/decoded" --json > "$WORK/decode.json" || fail "decode failed"
cat "$WORK/decode.json"
python3 "$LIB_DIR/accounting.py" --fault ingest_kill9 --decode "$WORK/decode.json" --decoded "$WORK/decoded" \
  --sim "$WORK/sim.log,felix-sim-0,$WORK/sent" --exactly-once || fail "acknowledged records are not readable exactly once"
grep -Eq "\"wedges\":$COUNT[,}]" "$WORK/decode.json" || fail "expected exactly $COUNT stored records"
mismatched=0
for f in "$WORK"/sent/*.npy; do
  cmp -s "$f" "$WORK/decoded/$(basename "$f")" || mismatched=$((mismatched + 1))
done
[ "$(ls "$WORK"/sent/*.npy | wc -l)" -eq "$COUNT" ] || fail "felix-sim dumped a different count"
[ "$mismatched" -eq 0 ] || fail "$mismatched stored wedges differ from what was sent"
echo PASS
