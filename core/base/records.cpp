#include "base/records.h"

#include <algorithm>

namespace daqz {

DenseWedge Reconstruction::rounded() const {
  DenseWedge w(shape);
  for (size_t i = 0; i < adc.size() && i < w.adc.size(); ++i) {
    const float v = std::clamp(adc[i], 0.0f, float(kAdcMax));
    w.adc[i] = uint16_t(v + 0.5f);
  }
  return w;
}

}  // namespace daqz
