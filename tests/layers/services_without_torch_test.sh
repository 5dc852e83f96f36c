#!/usr/bin/env bash
# daqz-sink and daqz-felix-sim must not load LibTorch (layered build: only codec_torch and the layers
# on it link it); daqz-ingest must (it carries the neural codecs). Checked on the dynamic dependencies.
set -euo pipefail
bin=$1
status=0
for exe in daqz-sink daqz-felix-sim; do
  n=$(ldd "$bin/$exe" | grep -c -E 'libtorch|libc10' || true)
  echo "$exe: $n LibTorch libraries"
  [ "$n" -eq 0 ] || status=1
done
n=$(ldd "$bin/daqz-ingest" | grep -c -E 'libtorch|libc10' || true)
echo "daqz-ingest: $n LibTorch libraries (expected > 0)"
[ "$n" -gt 0 ] || status=1
exit $status
