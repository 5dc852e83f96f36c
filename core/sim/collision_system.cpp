#include "sim/collision_system.h"

#include <stdexcept>

namespace daqz {

void apply_collision_system(TpcSimConfig& cfg, const std::string& system, std::optional<double> pileup_khz) {
  if (system == "pp") {
    // Centrality has no meaning for p+p: a flat table makes every collision the same kind.
    cfg.physics.dndeta_vs_centrality = {{0.0, kPpDnDeta}, {1.0, kPpDnDeta}};
    cfg.physics.trigger_centrality_min = 0.0;
    cfg.physics.trigger_centrality_max = 1.0;
    cfg.physics.pileup_rate_khz = kPpDefaultPileupKhz;
  } else if (system != "auau") {
    throw std::invalid_argument("unknown collision system '" + system + "' (known: auau, pp)");
  }
  if (pileup_khz) {
    if (!(*pileup_khz >= 0)) throw std::invalid_argument("pile-up rate must be >= 0 kHz");
    cfg.physics.pileup_rate_khz = *pileup_khz;
  }
  cfg.validate();
}

}  // namespace daqz
