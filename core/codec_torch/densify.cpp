#include "codec_torch/densify.h"

#include <cstring>
#include <stdexcept>
#include <string>

namespace daqz {

PackedWedgeRuns pack_wedge_runs(const std::vector<const SparseWedge*>& batch, const WedgeShape& shape, bool pinned) {
  PackedWedgeRuns p;
  p.shape = shape;
  p.wedges = int64_t(batch.size());
  for (const SparseWedge* w : batch) {
    if (w->shape != shape)
      throw std::invalid_argument("pack_wedge_runs: wedge of shape " + w->shape.str() + " in a batch of " + shape.str());
    size_t covered = 0;
    for (const PadRun& r : w->runs) {
      if (r.pad >= shape.pads() || size_t(r.t_start) + r.length > shape.time)
        throw std::invalid_argument("pack_wedge_runs: run (pad " + std::to_string(r.pad) + ", t " +
                                    std::to_string(r.t_start) + ", length " + std::to_string(r.length) +
                                    ") lies outside shape " + shape.str());
      covered += r.length;
    }
    if (covered != w->values.size())
      throw std::invalid_argument("pack_wedge_runs: runs cover " + std::to_string(covered) + " values, the wedge holds " +
                                  std::to_string(w->values.size()));
    p.runs += int64_t(w->runs.size());
    p.values += int64_t(w->values.size());
  }
  const int64_t words = p.values + 3 * p.runs + 2 * p.wedges;
  p.host = torch::empty({words}, torch::TensorOptions().dtype(torch::kInt16).pinned_memory(pinned));
  auto* values = reinterpret_cast<uint16_t*>(p.host.data_ptr<int16_t>());
  uint16_t* runs = values + p.values;
  uint16_t* counts = runs + 3 * p.runs;
  for (const SparseWedge* w : batch) {
    std::memcpy(values, w->values.data(), w->values.size() * sizeof(uint16_t));
    values += w->values.size();
    static_assert(sizeof(PadRun) == 3 * sizeof(uint16_t), "PadRun is three packed uint16 fields");
    std::memcpy(runs, w->runs.data(), w->runs.size() * sizeof(PadRun));
    runs += 3 * w->runs.size();
    *counts++ = uint16_t(w->runs.size() & 0xFFFF);
    *counts++ = uint16_t(w->runs.size() >> 16);
  }
  return p;
}

torch::Tensor densify_on_device(const PackedWedgeRuns& p, const torch::Device& device, torch::ScalarType dtype) {
  const WedgeShape& s = p.shape;
  const int64_t voxels = int64_t(s.voxels()), layers = s.layer, time = s.time;
  const auto on_device = p.host.to(device, /*non_blocking=*/p.host.is_pinned());
  const auto longs = torch::TensorOptions().dtype(torch::kLong).device(device);

  // Everything below runs on the device; the host only supplied the sizes (no synchronisation).
  const auto as_uint = [](const torch::Tensor& words) { return words.to(torch::kLong).bitwise_and(0xFFFF); };
  const auto values = on_device.narrow(0, 0, p.values);
  const auto runs = as_uint(on_device.narrow(0, p.values, 3 * p.runs)).view({p.runs, 3});
  const auto counts = as_uint(on_device.narrow(0, p.values + 3 * p.runs, 2 * p.wedges)).view({p.wedges, 2});
  const auto runs_per_wedge = counts.select(1, 0) + counts.select(1, 1) * 65536;

  const auto pad = runs.select(1, 0), t_start = runs.select(1, 1), length = runs.select(1, 2);
  // repeat_interleave(counts, output_size): index i repeated counts[i] times. The size is passed as an
  // optional on purpose: a plain int64 would select repeat_interleave(self, repeats) instead.
  const auto wedge_of_run = torch::repeat_interleave(runs_per_wedge, c10::optional<int64_t>(p.runs));
  // Flat index of each run's first voxel in the (wedges, azimuth, time, layer) output.
  const auto run_base = wedge_of_run * voxels + (pad.div(layers, "floor") * time + t_start) * layers + pad.remainder(layers);
  // Per value: its run, and its position inside the run (time bins lie `layers` elements apart).
  const auto run_of_value = torch::repeat_interleave(length, c10::optional<int64_t>(p.values));
  const auto first_value_of_run = length.cumsum(0) - length;
  const auto position = torch::arange(p.values, longs) - first_value_of_run.index_select(0, run_of_value);
  const auto flat = run_base.index_select(0, run_of_value) + position * layers;

  auto dense = torch::zeros({p.wedges * voxels}, torch::TensorOptions().dtype(dtype).device(device));
  dense.index_put_({flat}, values.to(dtype));
  return dense.view({p.wedges, int64_t(s.azimuth), time, layers});
}

}  // namespace daqz
