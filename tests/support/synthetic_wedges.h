// Test helper: small deterministic TPC-like wedges (Gaussian clusters along time, zero-suppressed),
// for codec and eval tests that must not depend on ../shared or the simulator.
#pragma once

#include <algorithm>
#include <cmath>
#include <random>

#include "base/wedge.h"

namespace daqz::testing {

// Clusters of `length` 2..10 time bins with amplitudes up to ~1000, on 1-3 neighbouring pads, until
// roughly `occupancy` of the voxels are above the zero-suppression threshold.
inline DenseWedge synthetic_wedge(uint32_t seed, WedgeShape shape = kOuterWedgeShape, double occupancy = 0.08) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<uint32_t> az(0, shape.azimuth - 1), tm(0, shape.time - 1), ly(0, shape.layer - 1);
  std::uniform_real_distribution<double> amp(80.0, 1000.0), width(0.8, 3.0), unit(0.0, 1.0);
  DenseWedge w(shape);
  const size_t target = size_t(occupancy * double(shape.voxels()));
  size_t filled = 0;
  for (int guard = 0; filled < target && guard < 1000000; ++guard) {
    const uint32_t a0 = az(rng), t0 = tm(rng), l = ly(rng);
    const double peak = amp(rng), sigma = width(rng);
    const int pads = 1 + int(unit(rng) * 3);
    for (int p = 0; p < pads; ++p) {
      const uint32_t a = (a0 + p) % shape.azimuth;
      const double scale = p == 0 ? 1.0 : 0.3 + 0.5 * unit(rng);
      for (int dt = -int(3 * sigma) - 1; dt <= int(3 * sigma) + 1; ++dt) {
        const int t = int(t0) + dt;
        if (t < 0 || t >= int(shape.time)) continue;
        const double v = peak * scale * std::exp(-0.5 * dt * dt / (sigma * sigma)) + 20.0 * unit(rng);
        uint16_t& cell = w.at(a, uint32_t(t), l);
        const uint16_t before = cell;
        cell = uint16_t(std::min(1023.0, std::max(double(cell), v)));
        filled += (before <= kZeroSuppressionThreshold && cell > kZeroSuppressionThreshold);
      }
    }
  }
  zero_suppress(w);
  return w;
}

}  // namespace daqz::testing
