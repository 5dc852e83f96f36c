#!/usr/bin/env bash
# At-least-once delivery with dedup: the sink is killed with SIGKILL mid-stream and restarted on the same
# folder. The ingest node re-sends what the dead sink never acknowledged; the restarted sink truncates any
# torn tail, rebuilds its dedup index and drops duplicates. Every wedge must be stored exactly once.
source "$(dirname "$0")/lib.sh"
COUNT=300
DATA=$(free_port); SINK=$(free_port); ACK=$(free_port); MET=$(free_port)
sink_cmd=("$BIN/daqz-sink" --listen "tcp://127.0.0.1:$SINK" --out "$WORK/segments" --quarantine "$WORK/sink.q"
          --fsync interval --fsync-interval 0.05 --metrics "127.0.0.1:$MET")
start sink1 "${sink_cmd[@]}"
SINK_PID=$LAST_PID
start ingest "$BIN/daqz-ingest" --listen "tcp://127.0.0.1:$DATA" --sink "tcp://127.0.0.1:$SINK" \
  --ack-listen "tcp://127.0.0.1:$ACK" --quarantine "$WORK/ingest.q" --replay-timeout 1
INGEST_PID=$LAST_PID
# With acknowledgements: a fire-and-forget felix-sim exits once its socket's linger runs out, and under
# load (an ingest node slowed by a busy CPU) messages still queued in it were dropped, not delivered.
start sim "$BIN/daqz-felix-sim" --endpoint "tcp://127.0.0.1:$DATA" --count "$COUNT" --rate 100 --pool 24 --json \
  --ack-listen "tcp://127.0.0.1:$(free_port)" --drain-timeout 90
SIM_PID=$LAST_PID

wait_metric "http://127.0.0.1:$MET/metrics" daqz_sink_records_stored_total 80 60 || fail "sink stored too little"
kill -9 "$SINK_PID"; wait "$SINK_PID" 2>/dev/null || true
echo "sink killed with SIGKILL after >= 80 records"
sleep 1.5
start sink2 "${sink_cmd[@]}"
SINK_PID=$LAST_PID

wait "$SIM_PID" || fail "felix-sim failed"
stop "$INGEST_PID"; [ "$STOP_RC" = 0 ] || fail "ingest did not get every record acknowledged (exit $STOP_RC)"
stop "$SINK_PID"; [ "$STOP_RC" = 0 ] || fail "restarted sink did not stop cleanly"
grep -h "recovered\|dedup index" "$WORK/sink2.log" || true
tail -n1 "$WORK/ingest.log"

"$BIN/daqz" decode "$WORK/segments" --out "$WORK/decoded" --json > "$WORK/decode.json" || fail "decode failed"
cat "$WORK/decode.json"
python3 "$LIB_DIR/accounting.py" --fault sink_kill9 --decode "$WORK/decode.json" --decoded "$WORK/decoded" \
  --sim "$WORK/sim.log,felix-sim-0" --exactly-once || fail "acknowledged records are not readable exactly once"
grep -Eq "\"wedges\":$COUNT[,}]" "$WORK/decode.json" || fail "expected exactly $COUNT stored records"
[ "$(ls "$WORK"/decoded/*.npy | wc -l)" -eq "$COUNT" ] || fail "distinct decoded wedges differ from $COUNT"
echo PASS
