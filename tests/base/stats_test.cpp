#include "base/stats.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace daqz {
namespace {

TEST(WedgeStats, HistogramQuantileMatchesNumpyLinear) {
  // Values 1, 2, 3, 4 (one each): numpy.percentile([1,2,3,4], 50) = 2.5, p25 = 1.75, p99 = 3.97.
  std::vector<uint64_t> h = {0, 1, 1, 1, 1};
  EXPECT_DOUBLE_EQ(histogram_quantile(h, 0.50), 2.5);
  EXPECT_DOUBLE_EQ(histogram_quantile(h, 0.25), 1.75);
  EXPECT_NEAR(histogram_quantile(h, 0.99), 3.97, 1e-12);
  EXPECT_DOUBLE_EQ(histogram_quantile({0, 0, 5}, 0.3), 2.0);
  EXPECT_DOUBLE_EQ(histogram_quantile({0, 0, 0}, 0.5), 0.0);
}

// A wedge with hand-placed runs whose statistics are known exactly.
DenseWedge hand_made() {
  DenseWedge w(WedgeShape{8, 20, 4});
  // Run of 5 along time at (a=1, l=0): t = 2..6, values 70, 80, 90, 100, 1023.
  const uint16_t vals[5] = {70, 80, 90, 100, 1023};
  for (int t = 0; t < 5; ++t) w.at(1, 2 + t, 0) = vals[t];
  // Run of 3 along azimuth at (t=10, l=2): a = 4..6, value 200.
  for (int a = 4; a <= 6; ++a) w.at(a, 10, 2) = 200;
  // Run of 4 along layer at (a=7, t=19): l = 0..3, value 300.
  for (int l = 0; l < 4; ++l) w.at(7, 19, l) = 300;
  return w;
}

TEST(WedgeStats, HandMadeWedgeRunsOccupancyAndClusters) {
  WedgeStatsAccumulator acc;
  acc.add(hand_made());
  const nlohmann::json s = acc.to_json();
  const double voxels = 8 * 20 * 4;
  EXPECT_EQ(s["wedges"], 1);
  EXPECT_NEAR(s["occupancy"].get<double>(), 12 / voxels, 1e-5);
  EXPECT_EQ(s["min_nonzero_adc"], 70);
  EXPECT_EQ(s["max_adc"], 1023);
  // 12 nonzero values: 70 80 90 100 1023 200 200 200 300 300 300 300.
  EXPECT_NEAR(s["nonzero_adc_mean"].get<double>(), (70 + 80 + 90 + 100 + 1023 + 600 + 1200) / 12.0, 1e-3);
  EXPECT_NEAR(s["fraction_nonzero_saturated_1023"].get<double>(), 1 / 12.0, 1e-6);
  EXPECT_NEAR(s["fraction_nonzero_below_100"].get<double>(), 3 / 12.0, 1e-4);
  // Sorted: 70 80 90 100 200 200 200 300 300 300 300 1023; p50 at position 5.5 -> 200.
  EXPECT_DOUBLE_EQ(s["nonzero_adc_quantiles"]["p50"].get<double>(), 200.0);
  EXPECT_DOUBLE_EQ(s["nonzero_adc_quantiles"]["p25"].get<double>(), 90 + 0.75 * 10);  // pos 2.75
  // Along time: runs 5 (the time run), 1 x3 (azimuth run), 1 x4 (layer run) -> 8 runs.
  const auto& rl = s["run_length_of_consecutive_nonzero_voxels"];
  EXPECT_EQ(rl["along_time"]["runs"], 8);
  EXPECT_NEAR(rl["along_time"]["mean"].get<double>(), 12 / 8.0, 1e-3);
  EXPECT_DOUBLE_EQ(rl["along_time"]["p99"].get<double>(), 1 + 0.93 * 4);  // pos 6.93 of 7
  EXPECT_EQ(rl["along_azimuth"]["runs"], 5 + 1 + 4);
  EXPECT_NEAR(rl["along_azimuth"]["mean"].get<double>(), 12 / 10.0, 1e-3);
  EXPECT_EQ(rl["along_layer"]["runs"], 5 + 3 + 1);
  EXPECT_NEAR(rl["along_layer"]["mean"].get<double>(), 12 / 9.0, 1e-3);
  // Three separate face-connected clusters of sizes 3, 4, 5.
  const auto& cl = s["connected_3d_clusters"];
  EXPECT_DOUBLE_EQ(cl["count"].get<double>(), 3.0);
  EXPECT_DOUBLE_EQ(cl["size_p50"].get<double>(), 4.0);
  EXPECT_DOUBLE_EQ(cl["mean_size"].get<double>(), 4.0);
  // Per layer: layer 0 holds 5 + 1, layer 2 holds 3 + 1.
  EXPECT_NEAR(s["occupancy_per_layer"][0].get<double>(), 6 / (8 * 20.0), 1e-4);
  EXPECT_NEAR(s["occupancy_per_layer"][2].get<double>(), 4 / (8 * 20.0), 1e-4);
  // Time split as numpy.array_split(20, 10): bins of 2; t = 2..6 -> bins 1, 2, 3; t = 19 -> bin 9.
  EXPECT_NEAR(s["occupancy_vs_time_10_bins"][9].get<double>(), 4 / (8 * 2 * 4.0), 1e-4);
  EXPECT_NEAR(s["occupancy_vs_time_10_bins"][5].get<double>(), 3 / (8 * 2 * 4.0), 1e-4);
}

TEST(WedgeStats, DiagonalNeighboursAreSeparateClustersAndMergeAddsUp) {
  DenseWedge w(WedgeShape{4, 4, 2});
  w.at(0, 0, 0) = 100;
  w.at(1, 1, 0) = 100;  // touches (0,0,0) only diagonally
  w.at(1, 1, 1) = 100;  // face neighbour of (1,1,0)
  WedgeStatsAccumulator a, b, both;
  a.add(w);
  b.add(w);
  both.add(w);
  both.add(w);
  a.merge(b);
  EXPECT_EQ(a.to_json(), both.to_json());
  EXPECT_DOUBLE_EQ(both.to_json()["connected_3d_clusters"]["count"].get<double>(), 2.0);
  WedgeStatsAccumulator mixed;
  mixed.add(w);
  EXPECT_THROW(mixed.add(hand_made()), std::invalid_argument);
}

TEST(WedgeStats, SparseAndDenseInputAgree) {
  WedgeStatsAccumulator dense, sparse;
  DenseWedge w = hand_made();
  dense.add(w);
  sparse.add(to_sparse(w));
  EXPECT_EQ(dense.to_json(), sparse.to_json());
}

}  // namespace
}  // namespace daqz
