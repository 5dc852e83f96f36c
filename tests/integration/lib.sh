# Shared helpers for integration tests: free ports, process management with guaranteed cleanup,
# waiting on Prometheus counters. Source it; it sets BIN and SRC from the test's arguments.
set -euo pipefail
BIN=${1:?usage: test.sh BIN_DIR SRC_DIR}
SRC=${2:?usage: test.sh BIN_DIR SRC_DIR}
LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)  # tests/integration: helper scripts live here
WORK=$(mktemp -d "${TMPDIR:-/tmp}/daqz-it.XXXXXX")
PIDS=()
MOUNTS=()  # file systems a test mounted inside $WORK (small_tmpfs): unmounted before $WORK is removed
# Runs on every exit, failures included: kills the processes this test started (only those still
# running as its jobs: a reaped PID may belong to someone else by now), waits for them so that
# nothing holds files open, unmounts, removes $WORK. It must not change the test's exit code.
cleanup() {
  local rc=$? live p m
  set +e
  live=" $(jobs -p | tr '\n' ' ') "
  for p in "${PIDS[@]:-}"; do
    [ -n "$p" ] && [[ $live == *" $p "* ]] && { kill -CONT "$p"; kill -9 "$p"; } 2>/dev/null
  done
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && [[ $live == *" $p "* ]] && wait "$p" 2>/dev/null; done
  for m in "${MOUNTS[@]:-}"; do [ -n "$m" ] && { umount "$m" 2>/dev/null || umount -l "$m"; }; done
  if [ "${KEEP_WORK:-0}" = 1 ]; then echo "work dir kept: $WORK"; else rm -rf "$WORK"; fi
  return "$rc"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start NAME CMD...: runs CMD in the background, logging to $WORK/NAME.log; sets LAST_PID.
start() {
  local name=$1; shift
  "$@" >"$WORK/$name.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}

# stop PID: SIGTERM and wait; sets STOP_RC to the exit code (not a subshell: wait needs the parent).
stop() {
  kill -TERM "$1" 2>/dev/null || true
  STOP_RC=0
  wait "$1" || STOP_RC=$?
}

# metric URL NAME: sums every sample of metric NAME (all label sets) from a /metrics URL.
metric() {
  local body
  body=$(curl -sf "$1") || return 1
  # %.0f, not %d: mawk's %d clips at 2^31 - 1 (byte counts and disk sizes are larger).
  printf '%s\n' "$body" | awk -v n="$2" '$1 == n || index($1, n "{") == 1 { s += $NF } END { printf "%.0f\n", s }'
}

# wait_metric URL NAME VALUE TIMEOUT_S: waits until the metric reaches VALUE.
wait_metric() {
  local deadline=$((SECONDS + $4))
  while [ "$SECONDS" -lt "$deadline" ]; do
    local v
    v=$(metric "$1" "$2" 2>/dev/null) || v=0
    [ "${v:-0}" -ge "$3" ] && return 0
    sleep 0.2
  done
  echo "timed out waiting for $2 >= $3 at $1 (last: $(metric "$1" "$2" || true))" >&2
  return 1
}

fail() { echo "FAIL: $*" >&2; for f in "$WORK"/*.log; do echo "== $f"; tail -n 20 "$f"; done >&2; exit 1; }

# account FAULT SEGMENTS ACCOUNTING_ARGS...: decodes the sink's folder and prints the one-line delivery
# accounting shared by the fault tests (accounting.py: acknowledged, readable, distinct, duplicates
# stored, lost on keys). Fails the test when an acknowledged record is not readable.
# ACCOUNTING_ARGS: --sim SUMMARY.json,SOURCE[,DUMP_DIR] (one per felix-sim run) [--exactly-once].
account() {
  local fault=$1 segments=$2; shift 2
  "$BIN/daqz" decode "$segments" --out "$WORK/decoded" --json > "$WORK/decode.json" 2> "$WORK/decode.log" \
    || fail "daqz decode of $segments failed"
  python3 "$LIB_DIR/accounting.py" --fault "$fault" --decode "$WORK/decode.json" \
    --decoded "$WORK/decoded" "$@" || fail "accounting of fault $fault: acknowledged records are not readable"
}

# rss_kib PID: resident set size of a live process in KiB (from /proc).
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# small_tmpfs DIR SIZE: mounts a tmpfs of SIZE (e.g. 12m) at DIR, which must lie inside $WORK (never a
# shared path); cleanup() unmounts it. Needs root: prints SKIP and exits 0 (a pass) otherwise.
small_tmpfs() {
  case "$1" in "$WORK"/*) ;; *) fail "small_tmpfs: $1 is not inside this test's folder $WORK" ;; esac
  if [ "$(id -u)" != 0 ]; then echo "SKIP: needs root to mount a small tmpfs"; exit 0; fi
  mkdir -p "$1"
  if ! mount -t tmpfs -o "size=$2" tmpfs "$1" 2>"$WORK/mount.log"; then
    echo "SKIP: cannot mount a tmpfs here: $(cat "$WORK/mount.log")"; exit 0
  fi
  MOUNTS+=("$1")
}
