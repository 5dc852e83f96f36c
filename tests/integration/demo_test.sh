#!/usr/bin/env bash
# The main job as a user runs it: `daqz demo --json` on the shipped models must report every wedge and
# jet batch stored exactly once (0 lost, 0 duplicated), decodable, with metrics URLs for each service;
# without --json the same run is summarised for a person: what ran, wedges/s, ratio, fidelity,
# lost 0, where the metrics are.
source "$(dirname "$0")/lib.sh"
"$BIN/daqz" demo --json --wedges 48 --sample 8 --work-dir "$WORK/demo" > "$WORK/demo.json" || fail "daqz demo exited non-zero: $(cat "$WORK/demo.json")"
cat "$WORK/demo.json"
/usr/bin/python3 - "$WORK/demo.json" <<'PY' || fail "demo summary check failed"
import json, sys
lines = open(sys.argv[1]).read().strip().splitlines()
assert len(lines) == 1, f"--json must print exactly one line, got {len(lines)}"
s = json.loads(lines[0])
assert s["wedges_sent"] == 48, s
assert s["wedges_stored"] == 48 and s["wedges_lost"] == 0, s
assert s["jet_batches_stored"] == s["jet_batches_sent"] > 0, s
assert s["duplicated"] == 0 and s["decode_failures"] == 0, s
assert set(s["metrics_urls"]) == {"daqz-felix-sim", "daqz-ingest", "daqz-sink"}, s
assert s["fidelity_sample"]["wedges"] == 8, s
assert s["ratio_vs_dense_16bit"] > 1, s
print("demo summary OK")
PY

# The default: a short human summary (a smaller run; its own temporary work folder, removed on success).
"$BIN/daqz" demo --wedges 24 --sample 2 > "$WORK/demo.txt" 2> "$WORK/demo-human.log" \
  || fail "daqz demo (human summary) exited non-zero: $(cat "$WORK/demo.txt")"
cat "$WORK/demo.txt"
/usr/bin/python3 - "$WORK/demo.txt" <<'PY' || fail "human summary check failed"
import re, sys
t = open(sys.argv[1]).read()
assert not t.lstrip().startswith("{"), "the default output is JSON"
assert len(t.splitlines()) <= 20, "the summary is not short"
for label, pattern in [
    ("what ran", r"codecs\s+wedges bcae:\S+, jets jet-ae:\S+"),
    ("throughput", r"streamed\s+24 wedges and \d+ jet batch\(es\) in [\d.]+ s: [\d.]+ wedges/s"),
    ("nothing lost", r"stored\s+24/24 wedges, (\d+)/\1 jet batches: lost 0, duplicated 0, decode failures 0"),
    ("ratio", r"ratio\s+[\d.]+x vs dense 16-bit, [\d.]+x vs the zero-suppressed wire format"),
    ("fidelity", r"fidelity\s+2 wedges decoded and compared: MSE [\d.]+, log-MAE [\d.]+"),
    ("metrics", r"daqz-ingest\s+http://127\.0\.0\.1:\d+/metrics"),
    ("work dir", r"work dir\s+\S+ \(removed; --keep keeps it\)"),
    ("verdict", r"result\s+OK"),
]:
    assert re.search(pattern, t), f"{label}: no match for {pattern!r} in:\n{t}"
print("human summary OK")
PY
echo PASS
