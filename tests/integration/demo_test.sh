#!/usr/bin/env bash
# The main job as a user runs it: `daqz demo --json` on the shipped models must report every wedge and
# jet batch stored exactly once (0 lost, 0 duplicated), decodable, with metrics URLs for each service.
source "$(dirname "$0")/lib.sh"
"$BIN/daqz" demo --json --wedges 48 --sample 8 --work-dir "$WORK/demo" > "$WORK/demo.json" || fail "daqz demo exited non-zero: $(cat "$WORK/demo.json")"
cat "$WORK/demo.json"
/usr/bin/python3 - "$WORK/demo.json" <<'PY' || fail "demo summary check failed"
import json, sys
s = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
assert s["wedges_sent"] == 48, s
assert s["wedges_stored"] == 48 and s["wedges_lost"] == 0, s
assert s["jet_batches_stored"] == s["jet_batches_sent"] > 0, s
assert s["duplicated"] == 0 and s["decode_failures"] == 0, s
assert set(s["metrics_urls"]) == {"daqz-felix-sim", "daqz-ingest", "daqz-sink"}, s
assert s["fidelity_sample"]["wedges"] == 8, s
assert s["ratio_vs_dense_16bit"] > 1, s
print("demo summary OK")
PY
echo PASS
