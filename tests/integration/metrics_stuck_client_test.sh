#!/usr/bin/env bash
# The metrics port of a running daqz-sink cannot be blocked (issue 12, part 4). While ten clients hold
# connections without sending a byte and one drips a request a byte at a time, 20 scrapes of /metrics,
# /healthz and /readyz each answer within 1 s; the server then cuts every stuck client at its 5 s read
# deadline and counts them (daqz_http_connections_dropped_total{reason="timeout"}). /readyz reports the
# sink's real state: 200 while running with room to write; 503 naming storage_writable when the free
# space of --out is below --min-free-bytes (while /healthz stays 200); the disk gauges are exported.
source "$(dirname "$0")/lib.sh"
MET=$(free_port); SINK=$(free_port)
URL="http://127.0.0.1:$MET"
start sink "$BIN/daqz-sink" --listen "tcp://127.0.0.1:$SINK" --out "$WORK/segments" --quarantine "$WORK/sink.q" \
  --metrics "127.0.0.1:$MET"
SINK_PID=$LAST_PID
for _ in $(seq 100); do curl -sf --max-time 1 "$URL/readyz" > "$WORK/readyz.json" 2>/dev/null && break; sleep 0.1; done
grep -q '"ready":true' "$WORK/readyz.json" || fail "sink never became ready: $(curl -s "$URL/readyz")"
echo "ready: $(cat "$WORK/readyz.json")"

# Ten silent clients and one slow loris.
STUCK=()
for _ in $(seq 10); do
  exec {fd}<>"/dev/tcp/127.0.0.1/$MET"
  STUCK+=("$fd")
done
exec {LORIS}<>"/dev/tcp/127.0.0.1/$MET"
printf 'GET /metrics HTTP/1.1\r\n' >&"$LORIS"
( for _ in $(seq 60); do printf 'X' >&"$LORIS" || exit 0; sleep 0.2; done ) 2>/dev/null &
PIDS+=("$!")
STUCK_AT=$SECONDS

worst=0
for i in $(seq 20); do
  for path in /metrics /healthz /readyz; do
    t=$(curl -sf --max-time 1 -o "$WORK/scrape.out" -w '%{time_total}' "$URL$path") \
      || fail "scrape $i of $path failed while clients hold the port"
    worst=$(awk -v a="$worst" -v b="$t" 'BEGIN { print (b > a) ? b : a }')
  done
done
echo "60 requests answered while 11 clients were stuck; slowest took ${worst} s"
open=$(metric "$URL/metrics" daqz_http_connections)
[ "$open" -ge 11 ] || fail "expected the 11 stuck connections to be open, daqz_http_connections=$open"

free=$(metric "$URL/metrics" daqz_sink_disk_free_bytes); total=$(metric "$URL/metrics" daqz_sink_disk_total_bytes)
[ "$free" -gt 0 ] && [ "$total" -ge "$free" ] || fail "disk gauges: free $free, total $total"
echo "disk: $free of $total bytes free"

# The 5 s read deadline cuts all of them (read returns 1 at EOF, > 128 on its own time-out).
for fd in "${STUCK[@]}" "$LORIS"; do
  rc=0; read -r -t 10 -u "$fd" _ || rc=$?
  [ "$rc" -eq 1 ] || fail "stuck connection (fd $fd) not closed by the server within 10 s (read rc $rc)"
done
echo "stuck clients cut after $((SECONDS - STUCK_AT)) s"
dropped=$(curl -sf "$URL/metrics" | awk '/^daqz_http_connections_dropped_total\{reason="timeout"\}/ { print $NF }')
[ "${dropped:-0}" -ge 11 ] || fail "expected >= 11 timeouts counted, got '${dropped:-}'"
stop "$SINK_PID"; [ "$STOP_RC" -eq 0 ] || fail "daqz-sink exited $STOP_RC"

# Not enough free space: alive, but not ready, and /readyz says why.
start sink-full "$BIN/daqz-sink" --listen "tcp://127.0.0.1:$SINK" --out "$WORK/segments" --quarantine "$WORK/sink.q" \
  --metrics "127.0.0.1:$MET" --min-free-bytes 18446744073709551615
SINK_PID=$LAST_PID
code=000
for _ in $(seq 100); do  # until the sink runs (sockets bound): then only storage can hold it back
  code=$(curl -s --max-time 1 -o "$WORK/readyz-full.json" -w '%{http_code}' "$URL/readyz" || true)
  grep -qs '"state":"running"' "$WORK/readyz-full.json" && break
  sleep 0.1
done
[ "$code" = 503 ] || fail "/readyz answered $code with no room to write: $(cat "$WORK/readyz-full.json")"
grep -q 'storage_writable: free space' "$WORK/readyz-full.json" || fail "no reason in $(cat "$WORK/readyz-full.json")"
echo "no room: /readyz 503 $(cat "$WORK/readyz-full.json")"
curl -sf --max-time 1 "$URL/healthz" > /dev/null || fail "/healthz must stay 200 when only storage is short"
[ "$(metric "$URL/metrics" daqz_sink_storage_writable)" = 0 ] || fail "daqz_sink_storage_writable should be 0"
stop "$SINK_PID"; [ "$STOP_RC" -eq 0 ] || fail "daqz-sink exited $STOP_RC"
echo PASS
