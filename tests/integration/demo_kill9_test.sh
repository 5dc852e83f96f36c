#!/usr/bin/env bash
# `daqz demo` SIGKILLed while its pipeline runs must not leave its services behind: each child gets SIGTERM
# from the kernel (PR_SET_PDEATHSIG, testing/child_process.cpp) and stops on its own.
source "$(dirname "$0")/lib.sh"
"$BIN/daqz" demo --json --wedges 24 --sample 2 --hold 300 --work-dir "$WORK/demo" > "$WORK/demo.json" 2> "$WORK/demo.log" &
DEMO=$!
kids=""
for _ in $(seq 1 120); do   # the three services start within seconds; the demo then holds them up
  kids=$(pgrep -P "$DEMO" | tr "\n" " " || true)
  [ "$(echo $kids | wc -w)" -ge 3 ] && break
  kill -0 "$DEMO" 2>/dev/null || fail "daqz demo exited early"
  sleep 0.5
done
[ "$(echo $kids | wc -w)" -ge 3 ] || fail "daqz demo did not start its three services (children: '$kids')"
sleep 2
kill -9 "$DEMO"
echo "SIGKILLed daqz demo ($DEMO); children: $kids"
alive() {  # running and not a zombie (a reparented child may wait to be reaped)
  [ -r "/proc/$1/stat" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != "Z" ]
}
start_s=$SECONDS
while :; do
  left=""
  for k in $kids; do alive "$k" && left="$left $k"; done
  [ -z "$left" ] && break
  if (( SECONDS - start_s > 90 )); then
    for k in $left; do echo "still running: $(tr '\0' ' ' < /proc/$k/cmdline)" >&2; kill -9 "$k"; done
    fail "services outlived the SIGKILLed demo by 90 s"
  fi
  sleep 0.5
done
echo "all $(echo $kids | wc -w) services stopped $(( SECONDS - start_s )) s after the demo was killed"
echo PASS
