// Cutting a TPCMLDataInterface time frame into wedges (no HDF5 needed: also used by the torch-only build).
#include <stdexcept>

#include "sim/tpcml_hdf5.h"

namespace daqz {

std::vector<DenseWedge> cut_frame_into_wedges(const TpcMlFrame& frame, uint32_t sectors, uint32_t z_halves) {
  if (sectors == 0 || frame.n_phi % sectors != 0)
    throw std::runtime_error("frame: n_phi " + std::to_string(frame.n_phi) + " is not a multiple of " +
                             std::to_string(sectors) + " sectors");
  if (z_halves == 0 || frame.time_bins % z_halves != 0)
    throw std::runtime_error("frame: " + std::to_string(frame.time_bins) + " time bins do not split into " +
                             std::to_string(z_halves) + " halves");
  const uint32_t layers = uint32_t(frame.layers.size());
  for (const auto& layer : frame.layers)
    if (layer.size() != size_t(frame.n_phi) * frame.time_bins)
      throw std::runtime_error("frame: a layer holds " + std::to_string(layer.size()) + " values, expected " +
                               std::to_string(size_t(frame.n_phi) * frame.time_bins));
  const WedgeShape shape{frame.n_phi / sectors, frame.time_bins / z_halves, layers};
  std::vector<DenseWedge> wedges;
  for (uint32_t half = 0; half < z_halves; ++half)
    for (uint32_t s = 0; s < sectors; ++s) {
      DenseWedge w(shape);
      for (uint32_t a = 0; a < shape.azimuth; ++a)
        for (uint32_t l = 0; l < layers; ++l) {
          const uint16_t* src = &frame.layers[l][size_t(s * shape.azimuth + a) * frame.time_bins +
                                                 size_t(half) * shape.time];
          for (uint32_t t = 0; t < shape.time; ++t) w.at(a, t, l) = src[t];
        }
      wedges.push_back(std::move(w));
    }
  return wedges;
}

}  // namespace daqz
