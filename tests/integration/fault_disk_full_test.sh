#!/usr/bin/env bash
# Fault: the sink's disk fills up mid-stream, the sink is killed and restarted on the full disk, space
# comes back, then the sink is killed and restarted again (issue 12). The segment folder is a 12 MiB
# tmpfs inside this test's folder, 9 MiB of it taken by a filler file; felix-sim streams 120 wedges
# (~7 MiB stored) with acknowledgements; segments rotate every ~1 MB, so the disk may fill while a
# record or a new segment's header is written. When an append fails (ENOSPC, often a short write)
# the sink rolls it back, holds the record unacknowledged, stops reading (back-pressure) and
# retries with back-off. Killed then, it loses only unacknowledged records (the ingest node re-sends
# them); restarted on the full disk it must keep every stored record and keep failing cleanly. Once
# the filler is deleted the held records go in; the second kill and restart must keep every record
# written around the failure (recovery once cut a third of them).
# Every record felix-sim saw acknowledged must be readable, bit-exact. Needs root (SKIP otherwise).
source "$(dirname "$0")/lib.sh"
COUNT=${COUNT:-120}
FS="$WORK/small-fs"
small_tmpfs "$FS" 12m
head -c $((9 << 20)) /dev/zero > "$FS/filler"

DATA=$(free_port); SINK=$(free_port); ACK=$(free_port); MET=$(free_port)
URL="http://127.0.0.1:$MET/metrics"
sink_cmd=("$BIN/daqz-sink" --listen "tcp://127.0.0.1:$SINK" --out "$FS/segments" --quarantine "$WORK/sink.q"
          --segment-bytes 1000000 --fsync interval --fsync-interval 0.05 --min-free-bytes 0 --disk-check-interval 0.5
          --retry-max 0.5 --metrics "127.0.0.1:$MET")
start sink1 "${sink_cmd[@]}"
SINK_PID=$LAST_PID
start ingest "$BIN/daqz-ingest" --listen "tcp://127.0.0.1:$DATA" --sink "tcp://127.0.0.1:$SINK" \
  --ack-listen "tcp://127.0.0.1:$ACK" --quarantine "$WORK/ingest.q" --replay-timeout 1
INGEST_PID=$LAST_PID
start sim "$BIN/daqz-felix-sim" --endpoint "tcp://127.0.0.1:$DATA" --ack-listen "tcp://127.0.0.1:$(free_port)" \
  --count "$COUNT" --rate 40 --pool 24 --replay-timeout 2 --drain-timeout 60 --dump "$WORK/sent" --json
SIM_PID=$LAST_PID

wait_metric "$URL" daqz_sink_write_errors_total 1 60 || fail "the small disk never filled"
wait_metric "$URL" daqz_sink_write_retries_total 2 30 || fail "the sink does not retry the full disk"
stored_full=$(metric "$URL" daqz_sink_records_stored_total)
held=$(metric "$URL" daqz_sink_held_records)
echo "disk full: $stored_full records stored, $held held unacknowledged, $(metric "$URL" daqz_sink_write_errors_total) failed attempts"
[ "$stored_full" -lt "$COUNT" ] || fail "the disk filled only after every record was stored"
[ "$held" -ge 1 ] || fail "the sink holds no record while its disk is full"
sleep 1
[ "$(metric "$URL" daqz_sink_records_stored_total)" = "$stored_full" ] || fail "records were stored on a full disk"

kill -9 "$SINK_PID"; wait "$SINK_PID" 2>/dev/null || true
start sink2 "${sink_cmd[@]}"
SINK_PID=$LAST_PID
wait_metric "$URL" daqz_sink_write_errors_total 1 60 || fail "the sink restarted on a full disk stored the re-sends"
echo "sink killed with SIGKILL on the full disk and restarted: $(metric "$URL" daqz_sink_recovered_records_total) records" \
     "recovered, appends fail again ($(metric "$URL" daqz_sink_write_errors_total) failed attempts)"
[ "$(metric "$URL" daqz_sink_recovered_records_total)" -ge "$stored_full" ] || fail "recovery lost stored records"

rm "$FS/filler"
echo "space returned: $(df -k --output=avail "$FS" | tail -n1 | tr -d ' ') KiB free"
wait_metric "$URL" daqz_sink_records_stored_total 10 60 || fail "the sink did not resume after space returned"
[ "$(metric "$URL" daqz_sink_storage_failing)" = 0 ] || fail "the sink still reports failing storage"
kill -9 "$SINK_PID"; wait "$SINK_PID" 2>/dev/null || true
echo "sink killed with SIGKILL again after $(ls "$FS/segments" | wc -l) segment(s); restarting on the same folder"
start sink3 "${sink_cmd[@]}"
SINK_PID=$LAST_PID

wait "$SIM_PID" || fail "felix-sim did not get every message acknowledged"
stop "$INGEST_PID"; [ "$STOP_RC" = 0 ] || fail "ingest did not drain cleanly (exit $STOP_RC)"
stop "$SINK_PID"; [ "$STOP_RC" = 0 ] || fail "the restarted sink did not stop cleanly (exit $STOP_RC)"
grep -h "recovered\|dedup index\|removed" "$WORK/sink2.log" "$WORK/sink3.log" || true

account disk_full "$FS/segments" --sim "$WORK/sim.log,felix-sim-0,$WORK/sent"
echo PASS
