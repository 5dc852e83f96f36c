#!/usr/bin/env bash
# Chaos run (issue 12): 2 minutes of streaming (felix-sim at 6 wedges/s plus jet batches, with
# acknowledgements; a lossless ingest node; one sink rotating segments every ~1 MB) while the ingest
# node and the sink are killed with SIGKILL at random moments (seeded RNG, seed printed; SEED=N
# repeats a schedule) and restarted after a random pause; then a drain. Every record felix-sim saw
# acknowledged must be readable exactly once after dedup: distinct keys stored = keys acknowledged,
# no key conflicts (the lossless codec is deterministic, so a re-encoded re-send has the same CRC).
#
# Duplicates stored must be 0 here, and the test says so: the sink rebuilds its dedup index from
# every stored record at start, so a re-send of anything it wrote before a kill (even unacknowledged,
# still in the page cache) is dropped; a torn append is cut at recovery and then stored once. The
# design stores a duplicate only when it cannot judge: a re-send older than the dedup window (8192
# sequences per run; this run sends < 1000), a run evicted from the index (> 4 runs per source), or
# a segment sealed after a failed fsync that could not be cut back (no disk fault here).
# Runs ~2.5 minutes: DURATION (s), RATE (wedges/s) and MIN_KILLS can be lowered for a quick try.
source "$(dirname "$0")/lib.sh"
DURATION=${DURATION:-120}
RATE=${RATE:-6}
MIN_KILLS=${MIN_KILLS:-10}
SEED=${SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
RANDOM=$SEED
echo "chaos seed $SEED: ${DURATION} s at $RATE wedges/s, kills every 2-8 s"
DATA=$(free_port); SINK=$(free_port); ACK=$(free_port); SMET=$(free_port); MET=$(free_port); IMET=$(free_port)
sink_cmd=("$BIN/daqz-sink" --listen "tcp://127.0.0.1:$SINK" --out "$WORK/segments" --quarantine "$WORK/sink.q"
          --segment-bytes 1000000 --fsync interval --fsync-interval 0.05 --metrics "127.0.0.1:$MET")
ingest_cmd=("$BIN/daqz-ingest" --listen "tcp://127.0.0.1:$DATA" --sink "tcp://127.0.0.1:$SINK"
            --ack-listen "tcp://127.0.0.1:$ACK" --quarantine "$WORK/ingest.q" --replay-timeout 1
            --metrics "127.0.0.1:$IMET")
start sink0 "${sink_cmd[@]}"
SINK_PID=$LAST_PID
start ingest0 "${ingest_cmd[@]}"
INGEST_PID=$LAST_PID
t0=$SECONDS
start sim "$BIN/daqz-felix-sim" --endpoint "tcp://127.0.0.1:$DATA" --ack-listen "tcp://127.0.0.1:$(free_port)" \
  --count 0 --duration "$DURATION" --rate "$RATE" --pool 24 --jets --replay-timeout 2 --drain-timeout 120 \
  --dump "$WORK/sent" --dump-limit 100 --json --metrics "127.0.0.1:$SMET"
SIM_PID=$LAST_PID
wait_metric "http://127.0.0.1:$SMET/metrics" daqz_felix_sim_acks_total 1 60 || fail "the pipeline did not start"

# Kills until 10 s before felix-sim stops sending (its --duration counts from its start).
kills=0; sink_kills=0; ingest_kills=0
while sleep "$((2 + RANDOM % 6)).$((RANDOM % 10))"; [ $((SECONDS - t0)) -lt $((DURATION - 10)) ]; do
  kill -0 "$SIM_PID" 2>/dev/null || fail "felix-sim stopped during the chaos"
  kills=$((kills + 1))
  pause="0.$((RANDOM % 10))"
  if [ $((RANDOM % 2)) = 0 ]; then
    kill -9 "$SINK_PID"; wait "$SINK_PID" 2>/dev/null || true
    sink_kills=$((sink_kills + 1))
    echo "kill $kills at $((SECONDS - t0)) s: sink, restarted after ${pause} s"
    sleep "$pause"
    start "sink$kills" "${sink_cmd[@]}"
    SINK_PID=$LAST_PID
  else
    kill -9 "$INGEST_PID"; wait "$INGEST_PID" 2>/dev/null || true
    ingest_kills=$((ingest_kills + 1))
    echo "kill $kills at $((SECONDS - t0)) s: ingest, restarted after ${pause} s"
    sleep "$pause"
    start "ingest$kills" "${ingest_cmd[@]}"
    INGEST_PID=$LAST_PID
  fi
done
echo "$kills kills ($sink_kills sink, $ingest_kills ingest) in $((SECONDS - t0)) s; draining"
[ "$kills" -ge "$MIN_KILLS" ] || fail "only $kills kills, at least $MIN_KILLS wanted"

wait "$SIM_PID" || fail "felix-sim did not get every message acknowledged"
stop "$INGEST_PID"; [ "$STOP_RC" = 0 ] || fail "ingest did not drain cleanly (exit $STOP_RC)"
stop "$SINK_PID"; [ "$STOP_RC" = 0 ] || fail "the sink did not stop cleanly (exit $STOP_RC)"
grep -h '^{' "$WORK/sim.log"
echo "sink restarts: $(cat "$WORK"/sink*.log | grep -c 'cut a torn tail') torn tail(s) cut," \
     "$(cat "$WORK"/sink*.log | grep -c 'creation was interrupted') interrupted segment(s) removed"
grep -h 'stopped: received' "$WORK"/sink*.log "$WORK"/ingest*.log || true

account chaos "$WORK/segments" --sim "$WORK/sim.log,felix-sim-0,$WORK/sent" --exactly-once
dup=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["duplicate_records"])' "$WORK/decode.json")
[ "$dup" = 0 ] || fail "$dup duplicates stored: the sink's dedup index should have dropped every re-send (see above)"
echo PASS
