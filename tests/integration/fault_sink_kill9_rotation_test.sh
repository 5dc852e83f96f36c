#!/usr/bin/env bash
# Fault: the sink is killed with SIGKILL during segment rotation, several times while streaming, and
# restarted each time on the same folder (issue 12). Segments rotate every ~3 records
# (--segment-bytes 150000), so rotations are frequent; each kill waits a random moment, then for
# the next segment file to appear, and kills the sink a random 0-3 ms later: while it writes and
# fsyncs the new segment's header, or appends its first record. Recovery must remove a segment whose
# header never completed, cut only a torn tail of the newest segment, and keep every record before
# it; the ingest node re-sends what was never acknowledged and the sink drops the duplicates.
# Every record felix-sim saw acknowledged must be readable, exactly once. SEED=N repeats a run.
source "$(dirname "$0")/lib.sh"
COUNT=${COUNT:-150}
KILLS=${KILLS:-6}
SEED=${SEED:-$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')}
RANDOM=$SEED
echo "seed $SEED: $KILLS kills"
DATA=$(free_port); SINK=$(free_port); ACK=$(free_port); MET=$(free_port)
URL="http://127.0.0.1:$MET/metrics"
sink_cmd=("$BIN/daqz-sink" --listen "tcp://127.0.0.1:$SINK" --out "$WORK/segments" --quarantine "$WORK/sink.q"
          --segment-bytes 150000 --fsync interval --fsync-interval 0.05 --metrics "127.0.0.1:$MET")
start sink0 "${sink_cmd[@]}"
SINK_PID=$LAST_PID
start ingest "$BIN/daqz-ingest" --listen "tcp://127.0.0.1:$DATA" --sink "tcp://127.0.0.1:$SINK" \
  --ack-listen "tcp://127.0.0.1:$ACK" --quarantine "$WORK/ingest.q" --replay-timeout 1
INGEST_PID=$LAST_PID
start sim "$BIN/daqz-felix-sim" --endpoint "tcp://127.0.0.1:$DATA" --ack-listen "tcp://127.0.0.1:$(free_port)" \
  --count "$COUNT" --rate 10 --pool 24 --jets --replay-timeout 2 --drain-timeout 60 --dump "$WORK/sent" --json
SIM_PID=$LAST_PID
t0=$SECONDS

# kill_at_next_rotation PID JITTER_MS: waits for a new segment file, then SIGKILLs PID JITTER_MS later;
# prints the new segment's size at the kill (header only, or less, means mid-rotation).
kill_at_next_rotation() {
  python3 - "$WORK/segments" "$1" "$2" <<'PY'
import os, signal, sys, time
folder, pid, jitter = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]) / 1000
seen = set(os.listdir(folder))
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    new = [n for n in os.listdir(folder) if n.endswith(".daqz") and n not in seen]
    if new:
        time.sleep(jitter)
        os.kill(pid, signal.SIGKILL)
        try:
            print(os.path.getsize(os.path.join(folder, new[0])))
        except OSError:
            print(-1)
        sys.exit(0)
    time.sleep(0.0005)
sys.exit("no segment rotation within 30 s")
PY
}

mid_rotation=0
for k in $(seq "$KILLS"); do
  # A random moment once the sink runs again, then the next rotation.
  wait_metric "$URL" daqz_sink_records_stored_total 2 60 || fail "sink $((k - 1)) stored nothing"
  sleep "0.$((RANDOM % 10))"
  jitter=$((RANDOM % 4))
  size=$(kill_at_next_rotation "$SINK_PID" "$jitter") || fail "kill $k: $size"
  wait "$SINK_PID" 2>/dev/null || true
  # A header alone is ~230 bytes: less than a record means the new segment held no record yet.
  [ "$size" -lt 1000 ] && mid_rotation=$((mid_rotation + 1))
  echo "kill $k at $((SECONDS - t0)) s: ${jitter} ms after a segment appeared; it had $size bytes; $(ls "$WORK/segments" | wc -l) segments"
  start "sink$k" "${sink_cmd[@]}"
  SINK_PID=$LAST_PID
done
echo "$mid_rotation of $KILLS kills landed before the new segment held a record"

wait "$SIM_PID" || fail "felix-sim did not get every message acknowledged"
echo "felix-sim done at $((SECONDS - t0)) s: $(grep -h '^{' "$WORK/sim.log")"
stop "$INGEST_PID"; [ "$STOP_RC" = 0 ] || fail "ingest did not drain cleanly (exit $STOP_RC)"
stop "$SINK_PID"; [ "$STOP_RC" = 0 ] || fail "the last sink did not stop cleanly (exit $STOP_RC)"
echo "recovery: $(cat "$WORK"/sink*.log | grep -c 'removed .*creation was interrupted') interrupted segment(s) removed," \
     "$(cat "$WORK"/sink*.log | grep -c 'cut a torn tail') torn tail(s) cut," \
     "$(cat "$WORK"/sink*.log | grep -c 'corrupt region') segment(s) with corrupt regions"

account sink_kill9_rotation "$WORK/segments" --sim "$WORK/sim.log,felix-sim-0,$WORK/sent" --exactly-once
[ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["skipped_regions"])' "$WORK/decode.json")" = 0 ] \
  || fail "decode skipped damaged regions: recovery left corrupt bytes behind"
echo PASS
