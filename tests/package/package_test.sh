#!/usr/bin/env bash
# The .deb packages as a site admin gets them: cpack builds daqz and daqz-models from this build,
# `dpkg-deb -x` unpacks both into a temporary root (no root rights, nothing installed on the host),
# and everything below runs from the unpacked files only, from a folder without deploy/models:
#   - the packages declare their Debian dependencies (shlibdeps: libtorch, libzmq, ...) and files
#     (binaries, /etc/daqz configs, systemd units pointing at /usr/bin, dashboards, models);
#   - `daqz --version` runs;
#   - a tiny pipeline felix-sim -> ingest (24 lossless wedges; the event's jets with jet-ae, the model
#     given by name and found under <root>/usr/share/daqz/models, relative to the binary) -> sink ->
#     `daqz decode` (jet model found the same way) stores every record and decodes wedges bit-exactly;
#   - the packaged Python module reads the same segments.
# Usage: package_test.sh BUILD_DIR SRC_DIR [CPACK]
set -euo pipefail
BUILD=$(cd "${1:?usage: package_test.sh BUILD_DIR SRC_DIR [CPACK]}" && pwd)
SRC=${2:?usage: package_test.sh BUILD_DIR SRC_DIR [CPACK]}
CPACK=${3:-cpack}
# lib.sh expects BIN SRC; the packaged binaries replace BIN below.
set -- "$BUILD/bin" "$SRC"
source "$SRC/tests/integration/lib.sh"

command -v dpkg-deb > /dev/null || { echo "SKIP: dpkg-deb not installed"; exit 0; }
(cd "$WORK" && "$CPACK" --config "$BUILD/CPackConfig.cmake" -B "$WORK/pkg" > "$WORK/cpack.log" 2>&1) \
  || fail "cpack failed: $(tail -n 30 "$WORK/cpack.log")"
DEB=$(ls "$WORK"/pkg/daqz_*.deb) && MODELS_DEB=$(ls "$WORK"/pkg/daqz-models_*.deb) || fail "cpack made: $(ls "$WORK/pkg")"
echo "packages: $(basename "$DEB") ($(stat -c %s "$DEB") bytes), $(basename "$MODELS_DEB") ($(stat -c %s "$MODELS_DEB") bytes)"

# Declared dependencies and contents.
dpkg-deb -f "$DEB" Depends > "$WORK/depends"
echo "daqz Depends: $(cat "$WORK/depends")"
for lib in libtorch libzmq5 libprotobuf libhdf5 libzstd1 libc6; do
  grep -q "$lib" "$WORK/depends" || fail "daqz does not depend on $lib"
done
[ "$(dpkg-deb -f "$MODELS_DEB" Architecture)" = all ] || fail "daqz-models is not Architecture: all"
dpkg-deb -c "$DEB" | awk '{print $6}' > "$WORK/files"
for f in ./usr/bin/daqz ./usr/bin/daqz-ingest ./usr/bin/daqz-sink ./usr/bin/daqz-felix-sim \
         ./etc/daqz/ingest.json ./etc/daqz/sink.json ./usr/lib/systemd/system/daqz-ingest.service \
         ./usr/lib/systemd/system/daqz.target ./usr/lib/sysusers.d/daqz.conf \
         ./usr/share/daqz/grafana/daqz-dashboard.json ./usr/share/daqz/prometheus/daqz-alerts.yml; do
  grep -qx "$f" "$WORK/files" || fail "daqz lacks $f"
done
dpkg-deb -c "$MODELS_DEB" | awk '{print $6}' > "$WORK/model-files"
grep -qx "./usr/share/daqz/models/bcae-2d-sim/model.json" "$WORK/model-files" || fail "daqz-models lacks bcae-2d-sim"

ROOT=$WORK/root
dpkg-deb -x "$DEB" "$ROOT" && dpkg-deb -x "$MODELS_DEB" "$ROOT"
grep -q "^ExecStart=/usr/bin/daqz-ingest --config /etc/daqz/ingest.json" "$ROOT/usr/lib/systemd/system/daqz-ingest.service" \
  || fail "the ingest unit does not run the packaged binary with the packaged config"
grep -q '"models-root": "/usr/share/daqz/models"' "$ROOT/etc/daqz/ingest.json" || fail "ingest.json does not name the packaged models"
P=$ROOT/usr/bin
"$P/daqz" --version | tee "$WORK/version" | grep -q "^daqz " || fail "daqz --version: $(cat "$WORK/version")"

# The pipeline, from a folder without deploy/models: only the packaged files are used.
mkdir -p "$WORK/run" && cd "$WORK/run"
DATA=$(free_port); SINK=$(free_port); ACK=$(free_port); SIM_ACK=$(free_port)
start sink "$P/daqz-sink" --listen "tcp://127.0.0.1:$SINK" --out "$WORK/segments" --quarantine "$WORK/sink.q"
SINK_PID=$LAST_PID
start ingest "$P/daqz-ingest" --listen "tcp://127.0.0.1:$DATA" --sink "tcp://127.0.0.1:$SINK" \
  --ack-listen "tcp://127.0.0.1:$ACK" --quarantine "$WORK/ingest.q" --jet-codec jet-ae --jet-model jet-ae-27d-z12 \
  --require-model
INGEST_PID=$LAST_PID
# 24 wedges: one event, so one jet batch (felix-sim sends an event's jets after its 24th wedge).
"$P/daqz-felix-sim" --endpoint "tcp://127.0.0.1:$DATA" --ack-listen "tcp://127.0.0.1:$SIM_ACK" --count 24 --jets \
  --pool 4 --dump "$WORK/sent" --json > "$WORK/sim.json" 2> "$WORK/sim.log" || fail "felix-sim failed"
stop "$INGEST_PID"; [ "$STOP_RC" = 0 ] || fail "ingest did not drain cleanly (exit $STOP_RC)"
stop "$SINK_PID"; [ "$STOP_RC" = 0 ] || fail "sink did not stop cleanly (exit $STOP_RC)"
# --require-model: the ingest node would have refused to start without the packaged jet model.

"$P/daqz" decode "$WORK/segments" --out "$WORK/decoded" --json --no-progress > "$WORK/decode.json" || fail "decode failed"
echo "decode: $(cat "$WORK/decode.json")"
/usr/bin/python3 - "$WORK/decode.json" "$WORK/sim.json" <<'PY' || fail "decode summary"
import json, sys
d, s = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert d["wedges"] == 24 and d["jet_batches"] == s["jet_batches_sent"] > 0 and d["failed"] == 0, (d, s)
PY
same=0
for f in "$WORK"/sent/felix-sim-0_r*.npy; do cmp -s "$f" "$WORK/decoded/$(basename "$f")" && same=$((same + 1)); done
[ "$same" -eq 24 ] || fail "$same of 24 wedges decoded bit-exactly (sent: $(ls "$WORK/sent" | head -3) ...)"

# The packaged Python module (when the build had pybind11) reads the run and finds the packaged models.
if [ -d "$ROOT/usr/lib/python3/dist-packages/daqz" ]; then
  PYTHONPATH=$ROOT/usr/lib/python3/dist-packages /usr/bin/python3 - "$WORK/segments" "$ROOT" <<'PY' || fail "packaged Python module"
import sys, daqz
assert daqz.__file__.startswith(sys.argv[2]), daqz.__file__
assert daqz.default_model_roots() == [sys.argv[2] + "/usr/share/daqz/models"], daqz.default_model_roots()
s = daqz.open(sys.argv[1]).summary()
assert s["wedges"] == 24 and s["jet_batches"] > 0, s
jets = next(r for r in daqz.open(sys.argv[1]) if r.kind == "jets")
assert jets.model == "jet-ae-27d-z12" and jets.decode().shape[1] == 27
print("packaged module:", s)
PY
fi
echo PASS
