#!/usr/bin/env bash
# daqz export --hdf5, end to end: felix-sim -> ingest (lossless) -> sink -> segments; the exported
# HDF5 file, read with h5py, holds exactly the wedges and jets `daqz decode` writes as .npy, with
# the record metadata (source, run, sequence, codec) and the jet feature schema.
source "$(dirname "$0")/lib.sh"
COUNT=${COUNT:-30}
DATA=$(free_port); SINK=$(free_port); ACK=$(free_port)
/usr/bin/python3 -c 'import h5py, numpy' || fail "python3-h5py and numpy are required"

start sink "$BIN/daqz-sink" --listen "tcp://127.0.0.1:$SINK" --out "$WORK/segments" --quarantine "$WORK/sink.q"
SINK_PID=$LAST_PID
start ingest "$BIN/daqz-ingest" --listen "tcp://127.0.0.1:$DATA" --sink "tcp://127.0.0.1:$SINK" \
  --ack-listen "tcp://127.0.0.1:$ACK" --quarantine "$WORK/ingest.q"
INGEST_PID=$LAST_PID
"$BIN/daqz-felix-sim" --endpoint "tcp://127.0.0.1:$DATA" --count "$COUNT" --jets --seed 5 >/dev/null 2>&1 \
  || fail "felix-sim failed"
stop "$INGEST_PID"; [ "$STOP_RC" = 0 ] || fail "ingest did not drain cleanly (exit $STOP_RC)"
stop "$SINK_PID"; [ "$STOP_RC" = 0 ] || fail "sink did not stop cleanly (exit $STOP_RC)"

"$BIN/daqz" decode "$WORK/segments" --out "$WORK/decoded" >/dev/null 2>&1 || fail "decode failed"
"$BIN/daqz" export "$WORK/segments" --hdf5 "$WORK/run.h5" --json > "$WORK/export.json" || fail "export failed"
echo "export: $(cat "$WORK/export.json")"
"$BIN/daqz" export "$WORK/nowhere" --hdf5 "$WORK/x.h5" 2>/dev/null && fail "export of a missing folder succeeded"

/usr/bin/python3 - "$WORK/run.h5" "$WORK/decoded" "$COUNT" <<'PY' || fail "HDF5 contents differ from decode"
import sys, h5py, numpy as np
path, decoded, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
def stem(source, run, seq):  # daqz decode's file names (wire/record_key.h)
    return f"{source}_{seq}" if run == 0 else f"{source}_r{run}_{seq}"
with h5py.File(path, "r") as f:
    assert f.attrs["format"] == "daqz-export", f.attrs["format"]
    w = f["wedges"]
    assert w.dtype == np.uint16 and w.shape == (count, 192, 249, 16), (w.dtype, w.shape)
    assert w.compression == "gzip" and w.chunks == (1, 192, 249, 16), (w.compression, w.chunks)
    src = f["wedge_records/source"].asstr()[:]
    seq = f["wedge_records/sequence"][:]
    run = f["wedge_records/run"][:]
    assert len(set(run)) == 1 and run[0] > 0, f"one felix-sim start is one non-zero run: {set(run)}"
    assert set(f["wedge_records/codec"].asstr()[:]) == {"lossless"}
    for i in range(count):
        ref = np.load(f"{decoded}/{stem(src[i], run[i], seq[i])}.npy")
        assert np.array_equal(w[i], ref), f"wedge {i} ({src[i]}, {seq[i]}) differs"
    assert sorted(seq) == list(range(count)), sorted(seq)
    groups = list(f["jets"].keys())
    assert len(groups) == 1, groups
    g = f["jets"][groups[0]]
    names = list(g.attrs["feature_names"])
    assert len(names) == g["values"].shape[1] > 0, (names, g["values"].shape)
    recs = g["records"]
    batches = 0
    for s, r, q, first, n in zip(recs["source"].asstr()[:], recs["run"][:], recs["sequence"][:],
                                 recs["first_row"][:], recs["rows"][:]):
        ref = np.load(f"{decoded}/{stem(s, r, q)}.npy")
        assert np.array_equal(g["values"][first:first + n], ref), f"jets ({s}, {q}) differ"
        batches += 1
    print(f"h5py: {count} wedges and {batches} jet batches ({g['values'].shape[0]} jets, schema "
          f"{g.attrs['feature_schema']}) equal the decoded .npy")
PY
grep -q '"failed":0' "$WORK/export.json" || fail "records failed to export"
echo "PASS"
