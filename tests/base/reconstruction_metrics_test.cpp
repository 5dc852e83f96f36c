#include "base/reconstruction_metrics.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "codec_classic/lossless_codec.h"
#include "base/npy.h"

namespace daqz {
namespace {

const std::string kAnchorDir = std::string(DAQZ_SHARED_DIR) + "/anchors/bcae-v1";

TEST(EvalMetrics, HandComputedTinyWedge) {
  DenseWedge truth(WedgeShape{1, 2, 2});
  truth.adc = {0, 100, 0, 200};
  // Voxel 0: true 0, predicted 3 (false positive); voxel 1: 100 vs 99; voxel 2: 0 vs 0;
  // voxel 3: 200 predicted 0 (false negative).
  const std::vector<float> recon = {3.0f, 99.0f, 0.0f, 0.0f};
  MetricsAccumulator acc;
  acc.add_wedge(truth, recon.data(), recon.size());
  acc.add_bytes(2, 4);
  const MetricsSummary m = acc.summary();
  EXPECT_EQ(m.n_wedges, 1u);
  EXPECT_EQ(m.voxels, 4u);
  EXPECT_DOUBLE_EQ(m.mse, (9.0 + 1.0 + 0.0 + 40000.0) / 4.0);
  const double log_mae =
      (std::log2(4.0) + (std::log2(101.0) - std::log2(100.0)) + 0.0 + std::log2(201.0)) / 4.0;
  EXPECT_NEAR(m.log_mae, log_mae, 1e-6);
  EXPECT_NEAR(m.psnr_db, 10.0 * std::log10(1023.0 * 1023.0 / m.mse), 1e-9);
  EXPECT_DOUBLE_EQ(m.precision, 0.5);  // predicted nonzero: voxels 0 and 1, true: voxel 1
  EXPECT_DOUBLE_EQ(m.recall, 0.5);     // true nonzero: voxels 1 and 3, found: voxel 1
  EXPECT_DOUBLE_EQ(m.occupancy, 0.5);
  EXPECT_EQ(m.dense_bytes, 8u);
  EXPECT_DOUBLE_EQ(m.ratio_dense, 4.0);
  EXPECT_DOUBLE_EQ(m.ratio_vs_lossless, 2.0);
}

TEST(EvalMetrics, PostThresholdZeroesSmallAndNegativeValues) {
  DenseWedge truth(WedgeShape{1, 1, 4});
  truth.adc = {0, 0, 100, 0};
  const std::vector<float> recon = {-5.0f, 20.0f, 90.0f, 40.0f};
  MetricsAccumulator raw, cut;
  raw.add_wedge(truth, recon.data(), recon.size());
  cut.add_wedge(truth, recon.data(), recon.size(), 50.0f);
  EXPECT_DOUBLE_EQ(raw.summary().mse, (25.0 + 400.0 + 100.0 + 1600.0) / 4.0);
  EXPECT_DOUBLE_EQ(cut.summary().mse, 100.0 / 4.0);
  EXPECT_DOUBLE_EQ(raw.summary().precision, 1.0 / 3.0);  // -5 does not count as nonzero
  EXPECT_DOUBLE_EQ(cut.summary().precision, 1.0);
  EXPECT_TRUE(std::isfinite(raw.summary().log_mae));  // negative clamped before log

  ThresholdSweep sweep({0.0f, 30.0f, 50.0f, 95.0f});
  sweep.add_wedge(truth, recon.data(), recon.size());
  EXPECT_EQ(sweep.best_by_mse(), 2u);  // 50 removes both false positives, keeps the 90
  EXPECT_DOUBLE_EQ(sweep.at(2).summary().mse, cut.summary().mse);
}

TEST(EvalMetrics, AccumulatesOverWedgesAndMerges) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> adc(0, 1023);
  std::normal_distribution<float> noise(0.0f, 10.0f);
  MetricsAccumulator all, a, b;
  all.enable_histograms();
  a.enable_histograms();
  b.enable_histograms();
  for (int w = 0; w < 4; ++w) {
    DenseWedge truth(WedgeShape{3, 5, 2});
    std::vector<float> recon(truth.adc.size());
    for (size_t i = 0; i < truth.adc.size(); ++i) {
      truth.adc[i] = (i % 3 == 0) ? uint16_t(adc(rng)) : 0;
      recon[i] = float(truth.adc[i]) + noise(rng);
    }
    all.add_wedge(truth, recon.data(), recon.size());
    (w < 2 ? a : b).add_wedge(truth, recon.data(), recon.size());
  }
  a.merge(b);
  EXPECT_NEAR(a.summary().mse, all.summary().mse, 1e-9);
  EXPECT_NEAR(a.summary().log_mae, all.summary().log_mae, 1e-12);
  EXPECT_EQ(a.summary().n_wedges, 4u);
  EXPECT_EQ(a.histograms().truth, all.histograms().truth);
  EXPECT_EQ(a.histograms().joint, all.histograms().joint);
  uint64_t truth_count = 0;
  for (auto c : all.histograms().truth) truth_count += c;
  EXPECT_EQ(double(truth_count), all.summary().occupancy * double(all.summary().voxels));
}

TEST(EvalMetrics, RejectsSizeMismatch) {
  DenseWedge truth(WedgeShape{1, 2, 2});
  std::vector<float> recon(3);
  MetricsAccumulator acc;
  EXPECT_THROW(acc.add_wedge(truth, recon.data(), recon.size()), std::invalid_argument);
}

// The public BCAE's reconstruction of the probe wedge must give the published metrics.
TEST(EvalMetrics, MatchesProbeReference) {
  if (!std::filesystem::exists(kAnchorDir + "/probe_reference.json"))
    GTEST_SKIP() << "shared anchors not found at " << kAnchorDir;
  std::ifstream in(kAnchorDir + "/probe_reference.json");
  const nlohmann::json ref = nlohmann::json::parse(in);
  const DenseWedge truth = wedge_from_npy(read_npy(kAnchorDir + "/probe_wedge.npy"), "probe_wedge");
  const NpyArray recon = read_npy(kAnchorDir + "/probe_recon.npy");
  ASSERT_EQ(recon.dtype, NpyDType::kFloat32);
  MetricsAccumulator acc;
  acc.add_wedge(truth, recon.as<float>(), recon.elements());
  acc.add_bytes(8 * 12 * 15 * 16 * 2, lossless_compress(to_sparse(truth)).size());
  const MetricsSummary m = acc.summary();
  for (const char* key : {"mse", "log_mae", "psnr_db", "precision", "recall", "occupancy", "ratio_dense"}) {
    const double want = ref.at(key).get<double>();
    const double got = nlohmann::json{{"mse", m.mse}, {"log_mae", m.log_mae}, {"psnr_db", m.psnr_db},
                                      {"precision", m.precision}, {"recall", m.recall},
                                      {"occupancy", m.occupancy}, {"ratio_dense", m.ratio_dense}}
                           .at(key)
                           .get<double>();
    EXPECT_NEAR(got, want, 0.005 * std::fabs(want)) << key;
  }
  EXPECT_GT(m.ratio_vs_lossless, 0.5);
}

}  // namespace
}  // namespace daqz
