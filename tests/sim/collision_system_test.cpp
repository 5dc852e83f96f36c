#include "sim/collision_system.h"

#include <gtest/gtest.h>

#include "sim/tpc_simulator.h"

namespace daqz {
namespace {

double mean_occupancy(const TpcSimConfig& cfg, uint64_t seed) {
  TpcSimulator sim(cfg);
  double sum = 0;
  size_t n = 0;
  for (const SparseWedge& w : sim.simulate_event(seed, 0)) {
    sum += double(w.values.size()) / double(w.shape.voxels());
    ++n;
  }
  return sum / double(n);
}

TEST(CollisionSystem, PpIsLowOccupancyAndScalesWithThePileUpRate) {
  TpcSimConfig pp = TpcSimConfig::for_group(LayerGroup::kOuter);
  apply_collision_system(pp, "pp");
  EXPECT_DOUBLE_EQ(pp.physics.pileup_rate_khz, kPpDefaultPileupKhz);
  const double occ = mean_occupancy(pp, 7);
  EXPECT_GT(occ, 0.001);
  EXPECT_LT(occ, 0.02);  // the p+p-like range of issue 13: 0.1-2 %

  TpcSimConfig quiet = TpcSimConfig::for_group(LayerGroup::kOuter);
  apply_collision_system(quiet, "pp", 300.0);
  EXPECT_LT(mean_occupancy(quiet, 7), 0.5 * occ);

  TpcSimConfig auau = TpcSimConfig::for_group(LayerGroup::kOuter);
  apply_collision_system(auau, "auau");  // the defaults, unchanged
  EXPECT_DOUBLE_EQ(auau.physics.pileup_rate_khz, TpcSimConfig::for_group(LayerGroup::kOuter).physics.pileup_rate_khz);
  EXPECT_THROW(apply_collision_system(auau, "pbpb"), std::invalid_argument);
  EXPECT_THROW(apply_collision_system(auau, "pp", -1.0), std::invalid_argument);
}

}  // namespace
}  // namespace daqz
