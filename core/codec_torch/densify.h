// The GPU feeding path for TPC wedges: a batch travels to the device zero-suppressed, as run lists
// packed into one host buffer (pinned when the device is CUDA, so the copy is asynchronous), and is
// densified there with a scatter. No 1.5 MB dense wedge is ever built on the host: the copy moves the
// zero-suppressed bytes (~187 kB per wedge) instead of 3 MB of fp32 (docs/bench.md has the PCIe sums).
//
//   PackedWedgeRuns packed = pack_wedge_runs(batch, kOuterWedgeShape, /*pinned=*/device.is_cuda());
//   torch::Tensor x = densify_on_device(packed, device);   // (batch, azimuth, time, layer) fp32 on `device`
//
// Buffer layout: one 1-D int16 tensor of
//   values  (V words: every ADC of the batch, run after run, wedge after wedge)
//   runs    (3R words: pad, t_start, length per run)
//   counts  (2B words: each wedge's run count, low 16 bits then high 16 bits)
// The run fields are uint16 on the wire; they are read back through `& 0xFFFF`.
//
// densify_on_device on the CPU device gives the same tensor, bit for bit, as to_dense_into on the host
// (tests/models/densify_test.cpp). Errors: pack_wedge_runs throws std::invalid_argument for a wedge of
// another shape or with runs outside it (never trusting the caller, since a bad index on the device would
// write out of bounds); densify_on_device throws c10::Error from LibTorch. Thread-safe: pure functions
// (the CUDA work runs on the caller's current stream).
#pragma once

#include <torch/torch.h>

#include <vector>

#include "base/wedge.h"

namespace daqz {

struct PackedWedgeRuns {
  torch::Tensor host;  // 1-D int16, layout above
  WedgeShape shape;
  int64_t wedges = 0;
  int64_t runs = 0;
  int64_t values = 0;
};

PackedWedgeRuns pack_wedge_runs(const std::vector<const SparseWedge*>& batch, const WedgeShape& shape, bool pinned);

// Copies `packed` to `device` (non-blocking when pinned) and scatters it into a zero tensor
// (wedges, azimuth, time, layer) of `dtype` on the device.
torch::Tensor densify_on_device(const PackedWedgeRuns& packed, const torch::Device& device,
                                torch::ScalarType dtype = torch::kFloat);

}  // namespace daqz
