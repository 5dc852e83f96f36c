#!/usr/bin/env bash
# Walking skeleton, end to end as real processes over tcp://127.0.0.1: daqz-felix-sim streams
# simulated wedges and jets -> daqz-ingest (lossless codec, or $CODEC) -> daqz-sink -> segment files ->
# daqz decode; every decoded wedge and jet batch must be bit-identical to what was sent.
source "$(dirname "$0")/lib.sh"
COUNT=${COUNT:-120}
CODEC=${CODEC:-lossless}  # any lossless wedge codec
DATA=$(free_port); SINK=$(free_port); ACK=$(free_port)

start sink "$BIN/daqz-sink" --listen "tcp://127.0.0.1:$SINK" --out "$WORK/segments" --quarantine "$WORK/sink.q"
SINK_PID=$LAST_PID
start ingest "$BIN/daqz-ingest" --listen "tcp://127.0.0.1:$DATA" --sink "tcp://127.0.0.1:$SINK" \
  --ack-listen "tcp://127.0.0.1:$ACK" --quarantine "$WORK/ingest.q" --workers 2 --wedge-codec "$CODEC"
INGEST_PID=$LAST_PID

"$BIN/daqz-felix-sim" --endpoint "tcp://127.0.0.1:$DATA" --count "$COUNT" --jets --seed 7 \
  --dump "$WORK/sent" --json > "$WORK/sim.json" || fail "felix-sim failed"
echo "felix-sim: $(cat "$WORK/sim.json")"

# SIGTERM drains: the ingest node exits 0 only when the sink acknowledged every record.
stop "$INGEST_PID"; [ "$STOP_RC" = 0 ] || fail "ingest did not drain cleanly (exit $STOP_RC)"
stop "$SINK_PID"; [ "$STOP_RC" = 0 ] || fail "sink did not stop cleanly (exit $STOP_RC)"

"$BIN/daqz" decode "$WORK/segments" --out "$WORK/decoded" --json > "$WORK/decode.json" || fail "decode failed"
echo "decode: $(cat "$WORK/decode.json")"
# Records name their codec (record_meta.codec_id): the segments must hold some of $CODEC's.
grep -rqa -- "$CODEC" "$WORK/segments" || fail "no record in the segments was written by the codec '$CODEC'"

sent=0; mismatched=0
for f in "$WORK"/sent/*.npy; do
  sent=$((sent + 1))
  cmp -s "$f" "$WORK/decoded/$(basename "$f")" || { mismatched=$((mismatched + 1)); echo "differs: $(basename "$f")"; }
done
decoded=$(ls "$WORK"/decoded/*.npy | wc -l)
echo "sent $sent messages, decoded $decoded, mismatched $mismatched"
[ "$sent" -ge "$COUNT" ] || fail "only $sent messages were dumped"
[ "$decoded" -eq "$sent" ] || fail "decoded $decoded files for $sent sent"
[ "$mismatched" -eq 0 ] || fail "$mismatched decoded files differ from what was sent"
grep -q '"wedges_sent":'"$COUNT" "$WORK/sim.json" || fail "felix-sim did not send $COUNT wedges"
echo "PASS"
