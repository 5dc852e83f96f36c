#!/usr/bin/env bash
# One script for a GPU machine (issue 14 part 5): builds the torch-only tree against the machine's
# LibTorch (a CUDA one from a PyTorch installation) and runs, within 10 minutes,
#   - the encoder bench: bcae-2d and bcae-v1, fp16 and bf16, batches 1-256, wedges/s and % of peak;
#   - the end-to-end codec check: zero-suppressed wedges -> densify on the GPU -> encode -> latents back.
# Results go to $OUT (or ./gpu-results): build log, bench JSON and text.
#
# Before the run, on a Debian machine with the dev packages: tools/copy_header_deps.sh .gpu-headers
# (git-ignored; carry it to the GPU machine with the tree). Then there:   bash bench/gpu/run.sh
# Variables: DEVICE (cuda), PEAK_TFLOPS (790: one H200, dense fp16/bf16 as measured there), SECONDS_PER
# (3), BATCHES, HEADERS (.gpu-headers), TORCH_PREFIX (from python3 -c 'import torch; ...'), JOBS (nproc).
# DEVICE=cpu runs the same thing on a CPU as a dry run (that is how CI-less checks of this script work).
set -euo pipefail
cd "$(dirname "$0")/../.."
DEVICE=${DEVICE:-cuda}
PEAK_TFLOPS=${PEAK_TFLOPS:-790}
SECONDS_PER=${SECONDS_PER:-3}
BATCHES=${BATCHES:-1,8,32,128,256}
HEADERS=${HEADERS:-$PWD/.gpu-headers}
OUTDIR=${OUT:-$PWD/gpu-results}
JOBS=${JOBS:-$(nproc)}
mkdir -p "$OUTDIR"
start=$(date +%s)

if [ -z "${TORCH_PREFIX:-}" ]; then
  TORCH_PREFIX=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null || true)
fi
[ -d "$HEADERS/spdlog" ] || { echo "run.sh: no headers at $HEADERS (make them with tools/copy_header_deps.sh)"; exit 2; }
echo "run.sh: device $DEVICE, LibTorch at ${TORCH_PREFIX:-<system>}, $JOBS jobs" | tee "$OUTDIR/summary.txt"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,clocks.max.sm --format=csv | tee -a "$OUTDIR/summary.txt"

cmake -S . -B build-torch -DCMAKE_BUILD_TYPE=Release -DDAQZ_TORCH_ONLY=ON -DDAQZ_HEADERS_DIR="$HEADERS" \
      ${TORCH_PREFIX:+-DCMAKE_PREFIX_PATH="$TORCH_PREFIX"} > "$OUTDIR/configure.log" 2>&1 \
  || { tail -30 "$OUTDIR/configure.log"; exit 1; }
cmake --build build-torch -j"$JOBS" --target bench_gpu_codec_bench bench_bcae_encoder_bench > "$OUTDIR/build.log" 2>&1 \
  || { tail -40 "$OUTDIR/build.log"; exit 1; }
echo "run.sh: built in $(( $(date +%s) - start )) s" | tee -a "$OUTDIR/summary.txt"

PRECISIONS=fp16,bf16
[ "$DEVICE" = cpu ] && PRECISIONS=fp32
build-torch/bin/bench_gpu_codec_bench --device "$DEVICE" \
    --model deploy/models/bcae-2d-sim --model deploy/models/bcae-v1-sim-ft \
    --batches "$BATCHES" --precisions "$PRECISIONS" --seconds "$SECONDS_PER" --peak-tflops "$PEAK_TFLOPS" \
    | tee "$OUTDIR/gpu_codec_bench.txt"
build-torch/bin/bench_gpu_codec_bench --device "$DEVICE" \
    --model deploy/models/bcae-2d-sim --model deploy/models/bcae-v1-sim-ft \
    --batches 1,256 --precisions "$PRECISIONS" --seconds 1 --peak-tflops "$PEAK_TFLOPS" --json \
    > "$OUTDIR/gpu_codec_bench.json"
echo "run.sh: done in $(( $(date +%s) - start )) s" | tee -a "$OUTDIR/summary.txt"
