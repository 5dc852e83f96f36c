#!/usr/bin/env bash
# A new run from the same source (issue 12): daqz-felix-sim started again with the same source id
# restarts its sequences at 0. Each start is a new run (the envelope's run number), so the sink keeps
# both runs; a replay of a run under its own number (--run) is recognised as duplicates (same key and
# payload CRC: dropped, acknowledged again); the same key with other data is a key conflict, stored.
#   run A: seed 11 (new run)        run B: seed 22 (new run)
#   run C: --run A, seed 11 (an exact replay of A: duplicates)
#   run D: --run A, seed 33 (other data under A's keys: conflicts, stored beside A's records)
# Prints the ACCOUNTING line (accounting.py: acknowledged, readable, duplicates, lost); "lost" must be 0.
source "$(dirname "$0")/lib.sh"
COUNT=${COUNT:-30}
SOURCE=felix-run-test
DATA=$(free_port); SINK=$(free_port); ACK=$(free_port); MET=$(free_port)

start sink "$BIN/daqz-sink" --listen "tcp://127.0.0.1:$SINK" --out "$WORK/segments" --quarantine "$WORK/sink.q" \
  --metrics "127.0.0.1:$MET"
SINK_PID=$LAST_PID
start ingest "$BIN/daqz-ingest" --listen "tcp://127.0.0.1:$DATA" --sink "tcp://127.0.0.1:$SINK" \
  --ack-listen "tcp://127.0.0.1:$ACK" --quarantine "$WORK/ingest.q"
INGEST_PID=$LAST_PID

# sim NAME SEED [ARGS...]: one felix-sim run that keeps every message until it is stored.
sim() {
  local name=$1 seed=$2; shift 2
  "$BIN/daqz-felix-sim" --endpoint "tcp://127.0.0.1:$DATA" --ack-listen "tcp://127.0.0.1:$(free_port)" \
    --source-id "$SOURCE" --count "$COUNT" --pool 8 --seed "$seed" --dump "$WORK/sent-$name" --json "$@" \
    > "$WORK/sim-$name.json" 2> "$WORK/sim-$name.log" || fail "felix-sim run $name failed"
}
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }

sim A 11
sim B 22
RUN_A=$(field "$WORK/sim-A.json" run); RUN_B=$(field "$WORK/sim-B.json" run)
[ "$RUN_A" != "$RUN_B" ] && [ "$RUN_A" != 0 ] || fail "two starts must be two runs (got $RUN_A and $RUN_B)"
sim C 11 --run "$RUN_A"
sim D 33 --run "$RUN_A"
echo "runs: A=$RUN_A B=$RUN_B; C and D reuse A"

URL="http://127.0.0.1:$MET/metrics"
SINK_DUPLICATES=$(metric "$URL" daqz_sink_duplicates_total)
SINK_CONFLICTS=$(metric "$URL" daqz_sink_key_conflicts_total)
stop "$INGEST_PID"; [ "$STOP_RC" = 0 ] || fail "ingest did not drain cleanly (exit $STOP_RC)"
stop "$SINK_PID"; [ "$STOP_RC" = 0 ] || fail "sink did not stop cleanly (exit $STOP_RC)"

# Every acknowledged message must be readable, bit-exact: A and B under their own names, C as A's
# records, D beside A's as <name>.conflict1.npy (accounting.py looks under the key for the content).
account new_run "$WORK/segments" --sim "$WORK/sim-A.json,$SOURCE,$WORK/sent-A" --sim "$WORK/sim-B.json,$SOURCE,$WORK/sent-B" \
  --sim "$WORK/sim-C.json,$SOURCE,$WORK/sent-C" --sim "$WORK/sim-D.json,$SOURCE,$WORK/sent-D"
acknowledged=0
for run in A B C D; do acknowledged=$((acknowledged + $(field "$WORK/sim-$run.json" acknowledged))); done
DUPLICATES_STORED=$(field "$WORK/decode.json" duplicate_records)
echo "sink: duplicates dropped $SINK_DUPLICATES, key conflicts $SINK_CONFLICTS"
echo "decode: $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d.pop("skipped"); print(json.dumps(d))' "$WORK/decode.json")"

[ "$acknowledged" -eq $((4 * COUNT)) ] || fail "felix-sim saw $acknowledged of $((4 * COUNT)) messages acknowledged"
[ "$SINK_DUPLICATES" -eq "$COUNT" ] || fail "the exact replay (run C) must be $COUNT duplicates, got $SINK_DUPLICATES"
[ "$SINK_CONFLICTS" -eq "$COUNT" ] || fail "run D must be $COUNT key conflicts, got $SINK_CONFLICTS"
[ "$DUPLICATES_STORED" -eq 0 ] || fail "$DUPLICATES_STORED duplicates were stored"
[ "$(field "$WORK/decode.json" distinct_records)" -eq $((2 * COUNT)) ] || fail "expected $((2 * COUNT)) distinct keys"
[ "$(field "$WORK/decode.json" source_runs)" -eq 2 ] || fail "expected 2 runs of the source in the segments"
echo "PASS"
