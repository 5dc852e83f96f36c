#!/usr/bin/env bash
# Installs every build, run and test dependency of daqz from Debian 12 packages.
# Idempotent: packages already present are skipped by apt-get; safe to run on every build.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git
  libtorch-dev
  libopenblas0-openmp  # optimised BLAS for LibTorch fp32 Linear layers (the default netlib BLAS runs ~2 GFLOP/s)
  libzmq3-dev cppzmq-dev
  libprotobuf-dev protobuf-compiler
  libboost-dev
  prometheus-cpp-dev
  libgtest-dev
  libzfp-dev libzstd-dev liblz4-dev
  libhdf5-dev
  libcli11-dev libspdlog-dev nlohmann-json3-dev
  gnuplot-nox
  prometheus
  python3 python3-zmq python3-numpy python3-h5py
  pybind11-dev python3-dev  # python/: the Python module daqz
  python3-pytest            # python/tests (ctest python.pytest)
  python3-matplotlib        # docs/examples/plot_wedge.py
  dpkg-dev                  # cpack: dpkg-shlibdeps declares the .deb dependencies (ctest package.deb_unpacked)
  python3-yaml  # tests/integration: Prometheus rules and Kubernetes manifests
  curl iproute2
  clang libclang-rt-dev  # fuzz/: libFuzzer and sanitizers (tests/integration/fuzz_frames_test.sh)
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
