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

DenseWedge to_dense(const SparseWedge& sparse) {
  const WedgeShape& s = sparse.shape;
  DenseWedge out(s);
  size_t offset = 0;
  for (const PadRun& r : sparse.runs) {
    if (r.pad >= s.pads() || size_t(r.t_start) + r.length > s.time)
      throw std::invalid_argument("to_dense: run (pad " + std::to_string(r.pad) + ", t " +
                                  std::to_string(r.t_start) + ", length " +
                                  std::to_string(r.length) + ") lies outside shape " + s.str());
    if (offset + r.length > sparse.values.size())
      throw std::invalid_argument("to_dense: runs need more values than the wedge carries");
    const uint32_t a = r.pad / s.layer, l = r.pad % s.layer;
    for (uint32_t i = 0; i < r.length; ++i) out.at(a, r.t_start + i, l) = sparse.values[offset + i];
    offset += r.length;
  }
  if (offset != sparse.values.size())
    throw std::invalid_argument("to_dense: " + std::to_string(sparse.values.size() - offset) +
                                " values are not covered by any run");
  return out;
}

size_t wedge_payload_size(const SparseWedge& w) { return 2 * (3 * w.runs.size() + w.values.size()); }

}  // namespace daqz
