#!/usr/bin/env bash
# The systemd units are Type=notify with a watchdog: a real daqz-sink, given a fake $NOTIFY_SOCKET (a unix
# datagram socket this test reads), must extend its start time-out while initialising, send READY=1 and
# STATUS=ready once running, WATCHDOG=1 at half of $WATCHDOG_USEC while alive, STATUS=not ready: ... when
# its storage is short (a second sink with --min-free-bytes above the free space), and STOPPING=1 on SIGTERM,
# then exit 0.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
run_sink() {  # NAME EXTRA_FLAGS...: runs a sink under the fake systemd until 2 s after READY=1, then SIGTERM
  local name=$1; shift
  $PY - "$WORK/$name.sock" "$WORK/$name.msgs" "$BIN/daqz-sink" --listen "tcp://127.0.0.1:$(free_port)" \
    --out "$WORK/$name-segments" --quarantine "$WORK/$name.q" --metrics "" "$@" <<'PY'
import os, signal, socket, subprocess, sys, time
path, out, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(0.1)
env = dict(os.environ, NOTIFY_SOCKET=path, WATCHDOG_USEC="1000000")
p = subprocess.Popen(cmd, env=env, stdout=open(out + ".log", "w"), stderr=subprocess.STDOUT)
msgs, end, termed = [], time.time() + 60, False
while True:
    try:
        msgs.append(s.recv(4096).decode())
        if "READY=1" in msgs[-1]:
            end = min(end, time.time() + 2)  # run 2 s after start-up, then drain
    except socket.timeout:
        pass
    if not termed and time.time() > end:
        p.send_signal(signal.SIGTERM)
        termed = True
    if termed and p.poll() is not None:
        break
try:
    while True:
        msgs.append(s.recv(4096).decode())
except socket.timeout:
    pass
open(out, "w").write("".join(msgs))
sys.exit(p.returncode)
PY
}

rc=0; run_sink ok || rc=$?
[ "$rc" -eq 0 ] || fail "daqz-sink exited $rc under the fake systemd: $(cat "$WORK/ok.msgs.log")"
echo "== messages of a healthy sink:"; sort "$WORK/ok.msgs" | uniq -c
grep -q '^READY=1$' "$WORK/ok.msgs" || fail "no READY=1"
grep -q '^STATUS=ready$' "$WORK/ok.msgs" || fail "no STATUS=ready"
[ "$(grep -c '^WATCHDOG=1$' "$WORK/ok.msgs")" -ge 3 ] || fail "expected >= 3 watchdog pings in 2 s at WATCHDOG_USEC=1 s"
grep -q '^STOPPING=1$' "$WORK/ok.msgs" || fail "no STOPPING=1 at the drain"

rc=0; run_sink full --min-free-bytes 18446744073709551615 || rc=$?
[ "$rc" -eq 0 ] || fail "short-of-space daqz-sink exited $rc"
grep -q '^STATUS=not ready: storage_writable: free space' "$WORK/full.msgs" \
  || fail "no 'not ready' status for a sink short of space: $(cat "$WORK/full.msgs")"
grep -q '^READY=1$' "$WORK/full.msgs" || fail "a sink short of space has still started (READY=1)"
grep -q '^WATCHDOG=1$' "$WORK/full.msgs" || fail "a sink short of space is alive (watchdog pings)"
echo "short of space: $(grep -m1 '^STATUS=not ready: storage' "$WORK/full.msgs")"
echo PASS
