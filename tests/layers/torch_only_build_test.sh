#!/usr/bin/env bash
# The torch-only build (GPU machines): configures and builds with -DDAQZ_TORCH_ONLY=ON against this
# machine's LibTorch and a folder of copied headers, then checks that daqz-train and the encoder
# bench run and link none of the data-path libraries (ZeroMQ, Protobuf, HDF5, zstd, ZFP, Prometheus).
# Usage: torch_only_build_test.sh SOURCE_DIR
set -euo pipefail
src=$1
work=$(mktemp -d /tmp/daqz-torch-only.XXXXXX)
trap 'rm -rf "$work"' EXIT
bash "$src/tools/copy_header_deps.sh" "$work/headers"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$src" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DDAQZ_TORCH_ONLY=ON -DDAQZ_HEADERS_DIR="$work/headers" \
      "${launcher[@]}" > "$work/configure.log" || { cat "$work/configure.log"; exit 1; }
cmake --build "$work/build" -j2 > "$work/build.log" 2>&1 || { tail -50 "$work/build.log"; exit 1; }
bin=$work/build/bin
for exe in daqz-train bench_bcae_encoder_bench; do
  [ -x "$bin/$exe" ] || { echo "FAIL: $exe was not built"; ls "$bin"; exit 1; }
  "$bin/$exe" --help > /dev/null || { echo "FAIL: $exe --help"; exit 1; }
  # Direct dependencies only (DT_NEEDED): Debian's LibTorch itself pulls in protobuf, zstd, HDF5 ...
  banned=$(readelf -d "$bin/$exe" | grep NEEDED | grep -E -c 'libzmq|libprotobuf|libhdf5|libzstd|libzfp|libprometheus|liblz4' || true)
  echo "$exe: builds, runs --help, needs $banned data-path libraries directly"
  [ "$banned" -eq 0 ] || { readelf -d "$bin/$exe" | grep NEEDED; exit 1; }
done
# A few training steps on simulated wedges prove the trainer runs, not only links.
"$bin/daqz-train" simulate --out "$work/sim" --events 1 --seed 3 > /dev/null
"$bin/daqz-train" train --arch bcae-2d --data "$work/sim" --out "$work/model" --epochs 1 --batch 1 \
    --crop-azimuth 32 --crops-per-wedge 1 --max-train-wedges 4 --max-val-wedges 1 --max-steps 3 --threads 2 > "$work/train.log" 2>&1 \
  || { tail -20 "$work/train.log"; exit 1; }
[ -f "$work/model/model.json" ] || { echo "FAIL: no model.json"; tail -20 "$work/train.log"; exit 1; }
echo "torch-only build: OK"
