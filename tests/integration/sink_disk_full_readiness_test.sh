#!/usr/bin/env bash
# A sink whose disk fills up says so: its segment folder is a 2 MiB tmpfs, records stream in until an append
# fails with ENOSPC, and then /readyz must answer 503 naming storage_writable and the failed write, while
# /healthz stays 200 (a full disk is no reason to restart), daqz_sink_storage_writable is 0 and the disk
# gauges show the small filesystem. Needs root to mount the tmpfs; prints SKIP and passes otherwise.
source "$(dirname "$0")/lib.sh"
FS="$WORK/small-fs"   # a mount point of our own, inside this test's temporary folder
small_tmpfs "$FS" 2m

MET=$(free_port); SINK=$(free_port); DATA=$(free_port); ACK=$(free_port)
URL="http://127.0.0.1:$MET"
start sink "$BIN/daqz-sink" --listen "tcp://127.0.0.1:$SINK" --out "$FS/segments" --quarantine "$WORK/sink.q" \
  --metrics "127.0.0.1:$MET" --min-free-bytes 0 --disk-check-interval 0.5
start ingest "$BIN/daqz-ingest" --listen "tcp://127.0.0.1:$DATA" --sink "tcp://127.0.0.1:$SINK" \
  --ack-listen "tcp://127.0.0.1:$ACK" --quarantine "$WORK/ingest.q" --replay-timeout 1
for _ in $(seq 100); do curl -sf --max-time 1 "$URL/readyz" > /dev/null 2>&1 && break; sleep 0.1; done
curl -sf --max-time 1 "$URL/readyz" > /dev/null || fail "sink not ready on an empty 2 MiB disk: $(curl -s "$URL/readyz")"
total=$(metric "$URL/metrics" daqz_sink_disk_total_bytes)
[ "$total" -eq $((2 << 20)) ] || fail "daqz_sink_disk_total_bytes is $total, expected the 2 MiB tmpfs"

start sim "$BIN/daqz-felix-sim" --endpoint "tcp://127.0.0.1:$DATA" --count 60 --rate 30 --pool 4
wait_metric "$URL/metrics" daqz_sink_write_errors_total 1 60 || fail "the 2 MiB disk never filled"
code=000
for _ in $(seq 50); do
  code=$(curl -s --max-time 1 -o "$WORK/readyz.json" -w '%{http_code}' "$URL/readyz" || true)
  [ "$code" = 503 ] && break
  sleep 0.1
done
echo "after ENOSPC: /readyz $code $(cat "$WORK/readyz.json")"
[ "$code" = 503 ] || fail "/readyz answered $code after a failed write"
grep -q 'storage_writable: last write failed: .*No space left on device' "$WORK/readyz.json" \
  || fail "/readyz does not name the failed write"
curl -sf --max-time 1 "$URL/healthz" > /dev/null || fail "/healthz must stay 200 with a full disk"
[ "$(metric "$URL/metrics" daqz_sink_storage_writable)" = 0 ] || fail "daqz_sink_storage_writable should be 0"
echo "stored $(metric "$URL/metrics" daqz_sink_records_stored_total) records, $(metric "$URL/metrics" daqz_sink_write_errors_total) failed appends, $(metric "$URL/metrics" daqz_sink_disk_free_bytes) bytes free"
echo PASS
