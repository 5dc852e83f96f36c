#!/usr/bin/env bash
# `daqz decode` on a damaged segment (issue 12): a few bytes flipped in the middle of a segment cost
# the one record they hit; decode reads past the damage, reports it (bytes skipped, where, why) and
# decodes every other record bit-exactly; --strict fails (exit 4) instead. A restarted sink keeps
# the damaged segment as it is (recovery never deletes a record) and reports the corrupt bytes.
source "$(dirname "$0")/lib.sh"
COUNT=${COUNT:-20}
DATA=$(free_port); SINK=$(free_port); ACK=$(free_port); MET=$(free_port)
sink_cmd=("$BIN/daqz-sink" --listen "tcp://127.0.0.1:$SINK" --out "$WORK/segments" --quarantine "$WORK/sink.q")

start sink "${sink_cmd[@]}"
SINK_PID=$LAST_PID
start ingest "$BIN/daqz-ingest" --listen "tcp://127.0.0.1:$DATA" --sink "tcp://127.0.0.1:$SINK" \
  --ack-listen "tcp://127.0.0.1:$ACK" --quarantine "$WORK/ingest.q"
INGEST_PID=$LAST_PID
"$BIN/daqz-felix-sim" --endpoint "tcp://127.0.0.1:$DATA" --ack-listen "tcp://127.0.0.1:$(free_port)" \
  --count "$COUNT" --pool 4 --dump "$WORK/sent" --json > "$WORK/sim.json" 2> "$WORK/sim.log" || fail "felix-sim failed"
stop "$INGEST_PID"; [ "$STOP_RC" = 0 ] || fail "ingest did not drain cleanly (exit $STOP_RC)"
stop "$SINK_PID"; [ "$STOP_RC" = 0 ] || fail "sink did not stop cleanly (exit $STOP_RC)"

SEG=$(ls "$WORK"/segments/*.daqz | head -n1)
SIZE=$(stat -c %s "$SEG")
# Flip 4 bytes at the middle of the file: inside one record (records are ~100 KiB, the header ~200 B).
python3 - "$SEG" <<'PY'
import sys
path = sys.argv[1]
b = bytearray(open(path, "rb").read())
mid = len(b) // 2
for i in range(4):
    b[mid + i] ^= 0xA5
open(path, "wb").write(b)
PY

"$BIN/daqz" decode "$WORK/segments" --out "$WORK/decoded" --json > "$WORK/decode.json" 2> "$WORK/decode.log" \
  || fail "decode of a damaged segment failed instead of reading past the damage"
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
echo "decode: $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["skipped"]); d.pop("skipped"); print(json.dumps(d))' "$WORK/decode.json")"
[ "$(field "$WORK/decode.json" skipped_regions)" -eq 1 ] || fail "expected one damaged region reported"
[ "$(field "$WORK/decode.json" distinct_records)" -eq $((COUNT - 1)) ] || fail "expected every record but one"
grep -q "bytes skipped: record CRC mismatch" "$WORK/decode.log" || fail "decode did not say why it skipped bytes"
same=0
for f in "$WORK"/sent/*.npy; do cmp -s "$f" "$WORK/decoded/$(basename "$f")" && same=$((same + 1)); done
echo "decoded bit-exactly: $same of $COUNT (one record was damaged)"
[ "$same" -eq $((COUNT - 1)) ] || fail "records around the damage must decode bit-exactly"

rc=0; "$BIN/daqz" decode "$WORK/segments" --out "$WORK/strict" --strict > /dev/null 2> "$WORK/strict.log" || rc=$?
[ "$rc" -eq 4 ] || fail "decode --strict exited $rc, expected 4"
grep -q -- "--strict" "$WORK/strict.log" || fail "decode --strict did not name the damage"

# A sink started on the folder keeps the damaged segment byte for byte and reports it.
start sink2 "${sink_cmd[@]}" --metrics "127.0.0.1:$MET"
SINK_PID=$LAST_PID
wait_metric "http://127.0.0.1:$MET/metrics" daqz_sink_recovery_corrupt_bytes_total 1 30 || fail "the restarted sink did not report the damage"
stop "$SINK_PID"
[ "$(stat -c %s "$SEG")" -eq "$SIZE" ] || fail "recovery changed the damaged segment"
echo "PASS"
