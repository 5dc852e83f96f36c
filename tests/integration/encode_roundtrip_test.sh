#!/usr/bin/env bash
# `daqz encode` is the symmetric partner of `daqz decode` (issue 16):
#   - simulated wedges -> daqz encode (lossless) -> daqz decode gives byte-identical .npy files;
#   - with --keys-from-names, files named as felix-sim --dump names them (wedges and a jet batch)
#     keep their (source, run, sequence) and decode to byte-identical files of the same names;
#   - the --json summary accounts for every record and byte (ratio vs dense and vs zero-suppressed);
#   - a lossy operating point (ZFP at 0.5 bit/voxel) reports its MSE and a higher ratio;
#   - a TPCMLDataInterface HDF5 file (written here with h5py) encodes to 24 wedges a frame, each
#     decoding to its slice of the file;
#   - progress on stderr is plain lines when stderr is not a terminal.
source "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
field() { $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); [d := d[k] for k in sys.argv[2:]]; print(d)' "$@"; }

"$BIN/daqz" simulate --events 1 --seed 5 --out "$WORK/sim" --no-progress > /dev/null 2> "$WORK/simulate.log" \
  || fail "daqz simulate: $(cat "$WORK/simulate.log")"

# 1. Sequential keys: offline_<i> in input order.
"$BIN/daqz" encode "$WORK/sim" --out "$WORK/lossless" --json > "$WORK/lossless.json" 2> "$WORK/encode.log" \
  || fail "daqz encode: $(cat "$WORK/encode.log")"
echo "encode lossless: $(cat "$WORK/lossless.json")"
grep -q "^encode: 100% 24/24 records" "$WORK/encode.log" || fail "no plain progress line: $(cat "$WORK/encode.log")"
grep -q $'\r' "$WORK/encode.log" && fail "progress redrawn in place although stderr is a file"
[ "$(field "$WORK/lossless.json" wedges)" = 24 ] || fail "expected 24 wedges"
[ "$(field "$WORK/lossless.json" fidelity lossless)" = True ] || fail "lossless codec not lossless"
$PY - "$WORK/lossless.json" <<'PY' || fail "summary arithmetic"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["bytes_in_dense"] == 24 * 192 * 249 * 16 * 2, s
assert abs(s["ratio_vs_dense"] - s["bytes_in_dense"] / s["bytes_out"]) < 1e-9, s
assert abs(s["ratio_vs_zero_suppressed"] - s["bytes_in_zero_suppressed"] / s["bytes_out"]) < 1e-9, s
assert s["ratio_vs_zero_suppressed"] > 1.5 and s["bytes_out_segments"] > s["bytes_out"], s
assert s["voxels_zero_suppressed_on_read"] == 0 and s["wedges_per_second"] > 0, s
PY
"$BIN/daqz" decode "$WORK/lossless" --out "$WORK/decoded" --json > "$WORK/decode.json" 2> "$WORK/decode.log" \
  || fail "daqz decode"
grep -q "^decode: 100%" "$WORK/decode.log" || fail "decode printed no progress: $(cat "$WORK/decode.log")"
i=0; same=0
for f in $(ls "$WORK"/sim/wedges/*.npy | sort); do
  cmp -s "$f" "$WORK/decoded/offline_$i.npy" && same=$((same + 1))
  i=$((i + 1))
done
echo "sequential keys: $same of $i decoded files byte-identical to the input"
[ "$i" = 24 ] && [ "$same" = 24 ] || fail "lossless round trip not byte-identical"

# 2. Names kept: felix-sim --dump style names, with a run, and a jet batch.
mkdir -p "$WORK/named"
for k in 0 1 2; do cp "$WORK/sim/wedges/evt000000_w0$k.npy" "$WORK/named/felix-3_r77_$k.npy"; done
cp "$WORK/sim/jets.npy" "$WORK/named/felix-3-jets_r77_0.npy"
"$BIN/daqz" encode "$WORK/named" --out "$WORK/named-segs" --keys-from-names --no-progress --json > "$WORK/named.json" \
  || fail "encode --keys-from-names"
[ "$(field "$WORK/named.json" jet_batches)" = 1 ] || fail "the jet batch was not encoded"
"$BIN/daqz" decode "$WORK/named-segs" --out "$WORK/named-decoded" --no-progress > /dev/null || fail "decode named"
for f in "$WORK"/named/*.npy; do
  cmp "$f" "$WORK/named-decoded/$(basename "$f")" || fail "$(basename "$f") did not come back byte-identical"
done
echo "names kept: $(ls "$WORK/named-decoded" | tr '\n' ' ')"
"$BIN/daqz" encode "$WORK/named" --out "$WORK/named-segs" --no-progress > /dev/null 2>&1 \
  && fail "encode into a folder with segments succeeded without --append"

# 3. A lossy operating point.
"$BIN/daqz" encode "$WORK/sim" --out "$WORK/zfp" --codec zfp --codec-param mode=rate --codec-param rate=0.5 \
  --no-progress --json > "$WORK/zfp.json" || fail "encode zfp"
$PY - "$WORK/zfp.json" "$WORK/lossless.json" <<'PY' || fail "zfp summary"
import json, sys
z, l = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert z["wedge_codec"] == "zfp" and z["fidelity"]["mse"] > 0 and not z["fidelity"]["lossless"], z
assert z["ratio_vs_dense"] > l["ratio_vs_dense"], (z["ratio_vs_dense"], l["ratio_vs_dense"])
print(f"zfp rate 0.5: ratio {z['ratio_vs_dense']:.1f}x vs dense (lossless {l['ratio_vs_dense']:.1f}x), MSE {z['fidelity']['mse']:.1f}")
PY

# 4. TPCMLDataInterface HDF5: one frame of the outer group (Data_Layer32..47, 2304 pads x 498 bins).
$PY - "$WORK/frame.h5" <<'PY' || fail "writing the HDF5 frame"
import sys, h5py, numpy as np
rng = np.random.default_rng(3)
with h5py.File(sys.argv[1], "w") as f:
    g = f.create_group("TimeFrame_0")
    for layer in range(32, 48):
        d = np.zeros((2304, 498), dtype=np.uint16)
        hits = rng.random(d.shape) < 0.02
        d[hits] = rng.integers(65, 1024, size=int(hits.sum()))
        g.create_dataset(f"Data_Layer{layer}", data=d)
PY
"$BIN/daqz" encode "$WORK/frame.h5" --out "$WORK/h5-segs" --source-id tpc --no-progress --json > "$WORK/h5.json" \
  || fail "encode HDF5"
[ "$(field "$WORK/h5.json" wedges)" = 24 ] || fail "an HDF5 frame did not give 24 wedges"
"$BIN/daqz" decode "$WORK/h5-segs" --out "$WORK/h5-decoded" --no-progress > /dev/null || fail "decode HDF5 records"
$PY - "$WORK/frame.h5" "$WORK/h5-decoded" <<'PY' || fail "HDF5 wedges differ from the file"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1]) as f:
    layers = np.stack([f[f"TimeFrame_0/Data_Layer{l}"][:] for l in range(32, 48)], axis=-1)  # (2304, 498, 16)
for w in range(24):
    half, sector = divmod(w, 12)
    expected = layers[sector * 192:(sector + 1) * 192, half * 249:(half + 1) * 249, :]
    np.testing.assert_array_equal(np.load(f"{sys.argv[2]}/tpc_{w}.npy"), expected)
print("HDF5: 24 wedges equal their slices of the frame")
PY
echo PASS
