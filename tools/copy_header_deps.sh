#!/usr/bin/env bash
# Copies the header-only libraries the torch-only build needs (spdlog, fmt, CLI11, nlohmann-json) from
# this Debian machine's /usr/include into one folder, to carry to a GPU machine that has LibTorch and
# nothing else:  tools/copy_header_deps.sh /tmp/daqz-headers
#   then there: cmake -S . -B build-torch -DDAQZ_TORCH_ONLY=ON -DDAQZ_HEADERS_DIR=/tmp/daqz-headers \
#                     -DCMAKE_PREFIX_PATH="$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')"
set -euo pipefail
out=${1:?usage: copy_header_deps.sh OUT_DIR}
mkdir -p "$out"
for dir in spdlog fmt CLI nlohmann; do
  if [ ! -d "/usr/include/$dir" ]; then
    echo "copy_header_deps: /usr/include/$dir missing (Debian packages libspdlog-dev libfmt-dev libcli11-dev nlohmann-json3-dev)" >&2
    exit 1
  fi
  cp -r "/usr/include/$dir" "$out/"
done
echo "copy_header_deps: $(find "$out" -type f | wc -l) headers in $out"
