#include "sim/tpc_config.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

namespace daqz {
namespace {

TEST(TpcConfig, OuterGroupSplitsIntoTwentyFourWedges) {
  const TpcGeometry g = TpcGeometry::for_group(LayerGroup::kOuter);
  EXPECT_EQ(g.wedge_shape(), (WedgeShape{192, 249, 16}));
  EXPECT_EQ(g.wedges_per_frame(), 24u);
  EXPECT_EQ(g.pads_per_sector() * g.sectors, 2304u);
  EXPECT_NEAR(g.row_radius_cm(0), 60.0, 1e-9);
  EXPECT_NEAR(g.row_radius_cm(15), 77.6, 1e-9);
  // 249 samples cover one full drift of 105.5 cm at 8 cm/us: ~53 ns, the SAMPA clock.
  EXPECT_NEAR(g.time_bin_ns(), 52.96, 0.05);
  EXPECT_NEAR(g.time_bin_ns() * g.time_bins_per_half() / 1000.0, g.drift_time_us(), 1e-9);
}

TEST(TpcConfig, InnerAndMiddleGroups) {
  EXPECT_EQ(TpcGeometry::for_group(LayerGroup::kInner).wedge_shape(), (WedgeShape{96, 249, 16}));
  EXPECT_EQ(TpcGeometry::for_group(LayerGroup::kMiddle).wedge_shape(), (WedgeShape{128, 249, 16}));
  EXPECT_LT(TpcGeometry::for_group(LayerGroup::kInner).last_row_radius_cm,
            TpcGeometry::for_group(LayerGroup::kMiddle).first_row_radius_cm);
  EXPECT_THROW(parse_layer_group("outermost"), std::invalid_argument);
}

TEST(TpcConfig, JsonRoundTripKeepsEveryField) {
  TpcSimConfig cfg = TpcSimConfig::for_group(LayerGroup::kMiddle);
  cfg.physics.pileup_rate_khz = 123.0;
  cfg.physics.zs_post_samples = 7;
  cfg.physics.dndeta_vs_centrality = {{0.0, 100.0}, {1.0, 0.0}};
  const nlohmann::json j = tpc_sim_config_to_json(cfg);
  EXPECT_EQ(j["geometry"]["layer_group"], "middle");
  const TpcSimConfig back = tpc_sim_config_from_json(j);
  EXPECT_EQ(tpc_sim_config_to_json(back), j);
  EXPECT_EQ(back.geometry.pads_per_layer, 1536u);
  EXPECT_EQ(back.physics.zs_post_samples, 7u);
  EXPECT_DOUBLE_EQ(back.physics.dndeta_vs_centrality[0].second, 100.0);
}

TEST(TpcConfig, PartialJsonKeepsDefaultsOfTheNamedGroup) {
  const auto cfg = tpc_sim_config_from_json(
      nlohmann::json::parse(R"({"geometry": {"layer_group": "inner"}, "physics": {"gem_gain": 1500}})"));
  EXPECT_EQ(cfg.geometry.pads_per_layer, 1152u);
  EXPECT_DOUBLE_EQ(cfg.physics.gem_gain, 1500.0);
  EXPECT_DOUBLE_EQ(cfg.physics.pileup_rate_khz, TpcPhysics{}.pileup_rate_khz);
}

TEST(TpcConfig, RejectsUnknownKeysWrongTypesAndBadValues) {
  EXPECT_THROW(tpc_sim_config_from_json(nlohmann::json::parse(R"({"physics": {"gem_gian": 1}})")),
               std::invalid_argument);
  EXPECT_THROW(tpc_sim_config_from_json(nlohmann::json::parse(R"({"physics": {"gem_gain": "high"}})")),
               std::invalid_argument);
  EXPECT_THROW(tpc_sim_config_from_json(nlohmann::json::parse(R"({"physic": {}})")), std::invalid_argument);
  EXPECT_THROW(tpc_sim_config_from_json(nlohmann::json::parse(R"({"geometry": {"pads_per_layer": 1000}})")),
               std::invalid_argument);  // not a multiple of 12 sectors
  EXPECT_THROW(tpc_sim_config_from_json(nlohmann::json::parse(R"({"physics": {"zs_post_samples": 0}})")),
               std::invalid_argument);
  // Collisions more than one drift time away never reach the frame: a window above 2 is an error.
  EXPECT_THROW(tpc_sim_config_from_json(nlohmann::json::parse(R"({"physics": {"pileup_window_drift_times": 2.5}})")),
               std::invalid_argument);
  EXPECT_THROW(tpc_sim_config_from_json(nlohmann::json::parse(R"({"physics": {"ml_acceptance_eta_max": -1}})")),
               std::invalid_argument);
}

}  // namespace
}  // namespace daqz
