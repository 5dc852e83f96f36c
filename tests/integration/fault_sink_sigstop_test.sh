#!/usr/bin/env bash
# Fault: the sink is paused with SIGSTOP for 10 s under load, then resumed with SIGCONT (issue 12).
# A stalled sink must not make the ingest node buffer without limit: its replay buffer fills (a
# bounded number of records), its queues fill, its sockets reach their high-water marks, and then
# it stops reading, so felix-sim is back-pressured (its back-pressure time grows by most of the
# pause) and keeps its messages. The ingest node's resident memory is sampled from /proc during the
# pause and must stay within its own buffers' worth above where it was before:
#   replay capacity x record size + 2 queues x capacity x wedge + 2 sockets x hwm x wedge + slack.
# Unbounded, 10 s at 40 wedges/s would add ~400 x (wedge + record) = ~95 MB. After SIGCONT every
# record felix-sim saw acknowledged must be readable, exactly once, bit-exact.
source "$(dirname "$0")/lib.sh"
COUNT=${COUNT:-400}
PAUSE_S=10
REPLAY=32; QUEUE=4; HWM=8
# Bounds per item, generous: a simulated wedge is ~180 kB on the wire and in memory (zero-suppressed
# runs), its lossless record ~60 kB (measured: 57 kB on average).
WEDGE_KIB=512; RECORD_KIB=128; SLACK_KIB=$((16 << 10))
BOUND_KIB=$((REPLAY * RECORD_KIB + 2 * QUEUE * WEDGE_KIB + 2 * HWM * WEDGE_KIB + SLACK_KIB))

DATA=$(free_port); SINK=$(free_port); ACK=$(free_port); MET=$(free_port); IMET=$(free_port); SMET=$(free_port)
start sink "$BIN/daqz-sink" --listen "tcp://127.0.0.1:$SINK" --out "$WORK/segments" --quarantine "$WORK/sink.q" \
  --metrics "127.0.0.1:$MET"
SINK_PID=$LAST_PID
start ingest "$BIN/daqz-ingest" --listen "tcp://127.0.0.1:$DATA" --sink "tcp://127.0.0.1:$SINK" \
  --ack-listen "tcp://127.0.0.1:$ACK" --quarantine "$WORK/ingest.q" --replay-timeout 2 \
  --replay-capacity "$REPLAY" --queue-capacity "$QUEUE" --hwm "$HWM" --metrics "127.0.0.1:$IMET"
INGEST_PID=$LAST_PID
start sim "$BIN/daqz-felix-sim" --endpoint "tcp://127.0.0.1:$DATA" --ack-listen "tcp://127.0.0.1:$(free_port)" \
  --count "$COUNT" --rate 40 --pool 24 --replay-timeout 30 --drain-timeout 60 --dump "$WORK/sent" --dump-limit 200 \
  --hwm "$HWM" --json --metrics "127.0.0.1:$SMET"
SIM_PID=$LAST_PID

wait_metric "http://127.0.0.1:$MET/metrics" daqz_sink_records_stored_total 60 60 || fail "the pipeline did not start"
before_kib=0
for _ in $(seq 5); do r=$(rss_kib "$INGEST_PID"); [ "$r" -gt "$before_kib" ] && before_kib=$r; sleep 0.1; done
blocked_before=$(metric "http://127.0.0.1:$SMET/metrics" daqz_felix_sim_backpressure_seconds_total)
sent_before=$(metric "http://127.0.0.1:$SMET/metrics" daqz_felix_sim_messages_sent_total)

kill -STOP "$SINK_PID"
echo "sink stopped (SIGSTOP) for $PAUSE_S s; ingest RSS before: $before_kib KiB, bound: +$BOUND_KIB KiB"
max_kib=$before_kib; samples=0
end=$((SECONDS + PAUSE_S))
while [ "$SECONDS" -lt "$end" ]; do
  r=$(rss_kib "$INGEST_PID") || fail "the ingest node died during the pause"
  [ "$r" -gt "$max_kib" ] && max_kib=$r
  samples=$((samples + 1))
  sleep 0.2
done
replay_depth=$(metric "http://127.0.0.1:$IMET/metrics" daqz_ingest_replay_buffer_records)
blocked_after=$(metric "http://127.0.0.1:$SMET/metrics" daqz_felix_sim_backpressure_seconds_total)
sent_after=$(metric "http://127.0.0.1:$SMET/metrics" daqz_felix_sim_messages_sent_total)
kill -CONT "$SINK_PID"
growth=$((max_kib - before_kib))
echo "during the pause: ingest RSS max $max_kib KiB (+$growth KiB over $samples samples, bound +$BOUND_KIB KiB)," \
     "replay buffer $replay_depth of $REPLAY records, felix-sim sent $((sent_after - sent_before)) messages" \
     "and waited $((blocked_after - blocked_before)) s on back-pressure"
[ "$growth" -le "$BOUND_KIB" ] || fail "ingest memory grew by $growth KiB during the pause, bound $BOUND_KIB KiB"
[ "$replay_depth" -ge "$REPLAY" ] || fail "the ingest replay buffer did not fill ($replay_depth of $REPLAY): no load during the pause"
[ $((sent_after - sent_before)) -lt $((40 * PAUSE_S / 2)) ] \
  || fail "felix-sim sent $((sent_after - sent_before)) messages while the sink was stopped: nothing held it back"
[ $((blocked_after - blocked_before)) -ge $((PAUSE_S / 2)) ] \
  || fail "felix-sim was not back-pressured (waited $((blocked_after - blocked_before)) s of the $PAUSE_S s pause)"

wait "$SIM_PID" || fail "felix-sim did not get every message acknowledged"
stop "$INGEST_PID"; [ "$STOP_RC" = 0 ] || fail "ingest did not drain cleanly (exit $STOP_RC)"
stop "$SINK_PID"; [ "$STOP_RC" = 0 ] || fail "the sink did not stop cleanly (exit $STOP_RC)"
account sink_sigstop "$WORK/segments" --sim "$WORK/sim.log,felix-sim-0,$WORK/sent" --exactly-once
echo PASS
