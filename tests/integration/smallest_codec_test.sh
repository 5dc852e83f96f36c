#!/usr/bin/env bash
# The smallest-record mode end to end (issue 13): daqz-ingest --wedge-codec smallest with a shipped BCAE
# model receives a p+p-like, almost empty stream (felix-sim --collisions pp --pileup-khz 200, occupancy
# ~0.05 %) and an Au+Au stream (~11 %). Lossless must win on the first, the neural codec (bits=K from
# the model card) on the second; the ingest node counts both in daqz_ingest_codec_choice_total{codec},
# exports the stored size per wedge and the operating point; `daqz decode` restores the p+p wedges
# bit-exactly and decodes the neural ones.
source "$(dirname "$0")/lib.sh"
MODELS="$SRC/deploy/models"
MODEL=bcae-2d-sim  # the fast architecture keeps this test short
[ -f "$MODELS/$MODEL/latent_tables.bin" ] || fail "$MODEL has no latent tables (daqz fit-tables)"
DATA=$(free_port); SINK=$(free_port); ACK=$(free_port); M_INGEST=$(free_port)
URL="http://127.0.0.1:$M_INGEST/metrics"

start sink "$BIN/daqz-sink" --listen "tcp://127.0.0.1:$SINK" --out "$WORK/segments" --quarantine "$WORK/sink.q"
SINK_PID=$LAST_PID
start ingest "$BIN/daqz-ingest" --listen "tcp://127.0.0.1:$DATA" --sink "tcp://127.0.0.1:$SINK" \
  --ack-listen "tcp://127.0.0.1:$ACK" --quarantine "$WORK/ingest.q" --workers 1 --intra-op-threads 2 \
  --wedge-codec smallest --wedge-model "$MODEL" --models-root "$MODELS" --require-model \
  --metrics "127.0.0.1:$M_INGEST"
INGEST_PID=$LAST_PID

"$BIN/daqz-felix-sim" --endpoint "tcp://127.0.0.1:$DATA" --count 4 --seed 11 --collisions pp --pileup-khz 200 \
  --source-id pp --dump "$WORK/sent-pp" --json > "$WORK/sim-pp.json" || fail "felix-sim (pp) failed"
"$BIN/daqz-felix-sim" --endpoint "tcp://127.0.0.1:$DATA" --count 2 --seed 12 --source-id auau \
  --json > "$WORK/sim-auau.json" || fail "felix-sim (auau) failed"
wait_metric "$URL" daqz_ingest_wedges_encoded_total 6 120 || fail "ingest did not encode 6 wedges"
body=$(curl -sf "$URL") || fail "no metrics"
lossless=$(printf '%s\n' "$body" | awk '/^daqz_ingest_codec_choice_total\{codec="lossless"\}/ { print $NF }')
neural=$(printf '%s\n' "$body" | awk '/^daqz_ingest_codec_choice_total\{codec="bcae"\}/ { print $NF }')
point=$(printf '%s\n' "$body" | awk '/^daqz_ingest_operating_point\{source="auau"\}/ { print $NF }')
stored=$(metric "$URL" daqz_ingest_stored_bytes_per_wedge_count)
echo "choices: lossless $lossless, bcae $neural; operating point (auau) $point; stored-bits samples $stored"
[ "${lossless:-0}" = 4 ] || fail "expected the 4 p+p wedges stored losslessly, got '${lossless:-}'"
[ "${neural:-0}" = 2 ] || fail "expected the 2 Au+Au wedges stored by bcae, got '${neural:-}'"
default_bits=$(python3 -c "import json; print(json.load(open('$MODELS/$MODEL/model.json'))['entropy_coding']['default_bits'])")
[ "${point:-}" = "$default_bits" ] || fail "operating point '${point:-}' is not the card's default bits $default_bits"
[ "$stored" = 6 ] || fail "stored bits histogram has $stored samples, expected 6"

stop "$INGEST_PID"; [ "$STOP_RC" = 0 ] || fail "ingest did not drain cleanly (exit $STOP_RC)"
stop "$SINK_PID"; [ "$STOP_RC" = 0 ] || fail "sink did not stop cleanly (exit $STOP_RC)"
"$BIN/daqz" decode "$WORK/segments" --out "$WORK/decoded" --models "$MODELS" --json > "$WORK/decode.json" \
  || fail "decode failed"
echo "decode: $(cat "$WORK/decode.json")"
for f in "$WORK"/sent-pp/*.npy; do
  cmp -s "$f" "$WORK/decoded/$(basename "$f")" || fail "p+p wedge $(basename "$f") is not bit-exact after decode"
done
[ "$(ls "$WORK"/decoded/*.npy | wc -l)" -eq 6 ] || fail "expected 6 decoded wedges"
echo "PASS"
