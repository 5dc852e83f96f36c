#include "base/wedge.h"

#include <algorithm>
#include <stdexcept>

namespace daqz {

std::string WedgeShape::str() const {
  return "(" + std::to_string(azimuth) + ", " + std::to_string(time) + ", " +
         std::to_string(layer) + ")";
}

size_t DenseWedge::nonzero() const {
  return size_t(std::count_if(adc.begin(), adc.end(), [](uint16_t v) { return v != 0; }));
}

void zero_suppress(DenseWedge& wedge) {
  for (auto& v : wedge.adc) {
    if (v <= kZeroSuppressionThreshold) v = 0;
    else if (v > kAdcMax) v = kAdcMax;
  }
}

SparseWedge to_sparse(const DenseWedge& dense) {
  const WedgeShape& s = dense.shape;
  if (dense.adc.size() != s.voxels())
    throw std::invalid_argument("to_sparse: wedge has " + std::to_string(dense.adc.size()) +
                                " values, shape " + s.str() + " needs " +
                                std::to_string(s.voxels()));
  if (s.pads() > 65535 || s.time > 65535)
    throw std::invalid_argument("to_sparse: shape " + s.str() + " exceeds 16-bit run fields");
  SparseWedge out;
  out.shape = s;
  out.values.reserve(dense.adc.size() / 8);
  for (uint32_t a = 0; a < s.azimuth; ++a) {
    for (uint32_t l = 0; l < s.layer; ++l) {
      const uint16_t pad = uint16_t(a * s.layer + l);
      const uint16_t* column = dense.adc.data() + size_t(a) * s.time * s.layer + l;
      uint32_t t = 0;
      while (t < s.time) {
        if (column[size_t(t) * s.layer] <= kZeroSuppressionThreshold) {
          ++t;
          continue;
        }
        const uint32_t start = t;
        while (t < s.time && column[size_t(t) * s.layer] > kZeroSuppressionThreshold) {
          out.values.push_back(column[size_t(t) * s.layer]);
          ++t;
        }
        out.runs.push_back(PadRun{pad, uint16_t(start), uint16_t(t - start)});
      }
    }
  }
  return out;
}

namespace {

template <typename T>
void scatter_runs(const SparseWedge& sparse, T* dense, size_t dense_size, bool already_zero) {
  const WedgeShape& s = sparse.shape;
  if (dense_size != s.voxels())
    throw std::invalid_argument("to_dense: buffer holds " + std::to_string(dense_size) + " values, shape " +
                                s.str() + " needs " + std::to_string(s.voxels()));
  if (!already_zero) std::fill(dense, dense + dense_size, T(0));
  const PadSplit split(s.layer);
  const uint16_t* values = sparse.values.data();
  size_t remaining = sparse.values.size();
  for (const PadRun& r : sparse.runs) {
    if (r.pad >= s.pads() || size_t(r.t_start) + r.length > s.time)
      throw std::invalid_argument("to_dense: run (pad " + std::to_string(r.pad) + ", t " +
                                  std::to_string(r.t_start) + ", length " +
                                  std::to_string(r.length) + ") lies outside shape " + s.str());
    if (r.length > remaining) throw std::invalid_argument("to_dense: runs need more values than the wedge carries");
    // One pad's run is a strided column: consecutive time bins lie `layer` elements apart.
    const uint32_t a = split.azimuth(r.pad);
    T* column = dense + (size_t(a) * s.time + r.t_start) * s.layer + split.layer(r.pad, a);
    for (uint32_t i = 0; i < r.length; ++i) column[size_t(i) * s.layer] = T(values[i]);
    values += r.length;
    remaining -= r.length;
  }
  if (remaining != 0)
    throw std::invalid_argument("to_dense: " + std::to_string(remaining) + " values are not covered by any run");
}

}  // namespace

DenseWedge to_dense(const SparseWedge& sparse) {
  DenseWedge out(sparse.shape);  // zero-filled by the constructor
  scatter_runs(sparse, out.adc.data(), out.adc.size(), /*already_zero=*/true);
  return out;
}

void to_dense_into(const SparseWedge& sparse, uint16_t* dense, size_t dense_size) {
  scatter_runs(sparse, dense, dense_size, /*already_zero=*/false);
}

void to_dense_into(const SparseWedge& sparse, float* dense, size_t dense_size) {
  scatter_runs(sparse, dense, dense_size, /*already_zero=*/false);
}

size_t wedge_payload_size(const SparseWedge& w) { return 2 * (3 * w.runs.size() + w.values.size()); }

}  // namespace daqz
