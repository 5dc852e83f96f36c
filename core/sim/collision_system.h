// Collision-system presets of the TPC simulator: the default central Au+Au with 170 kHz pile-up
// (occupancy ~10 %, the public sPHENIX sample) and a low-occupancy p+p-like mode (0.1-2 %), where
// lossless coding of the zero-suppressed wedge beats a fixed-size neural code.
//
//   TpcSimConfig cfg = TpcSimConfig::for_group(LayerGroup::kOuter);
//   apply_collision_system(cfg, "pp");          // p+p at 200 GeV, 3 MHz collisions
//   apply_collision_system(cfg, "pp", 600.0);   // ... at 600 kHz (lower occupancy)
//
// p+p: every collision (trigger and pile-up) has dN/deta = 2.4 (charged particles per unit of
// pseudorapidity in inelastic p+p at sqrt(s) = 200 GeV; UA5/PHOBOS/STAR measure 2.3-2.5); pile-up
// collisions at `pileup_khz` (default 3000 kHz, the order of RHIC's p+p collision rate at sPHENIX)
// over one drift window. Occupancy grows with the rate: 0.05 % at 200 kHz, 0.1 % at 600 kHz, 1 % at
// 3 MHz, 3 % at 12 MHz (outer wedges, `daqz stats`; table in docs/simulator.md).
// Free functions; throw std::invalid_argument for an unknown system or a negative rate.
#pragma once

#include <optional>
#include <string>

#include "sim/tpc_config.h"

namespace daqz {

inline constexpr double kPpDnDeta = 2.4;
inline constexpr double kPpDefaultPileupKhz = 3000.0;

// system: "auau" (the defaults, unchanged) or "pp". pileup_khz overrides the pile-up rate of either.
void apply_collision_system(TpcSimConfig& cfg, const std::string& system, std::optional<double> pileup_khz = {});

}  // namespace daqz
