#include "offline/evaluator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "codec_classic/lossless_codec.h"
#include "codec_classic/zfp_codec.h"
#include "offline/report.h"
#include "support/synthetic_wedges.h"
#include "offline/wedge_eval.h"
#include "base/npy.h"

namespace daqz {
namespace {

namespace fs = std::filesystem;
const WedgeShape kSmall{32, 48, 16};

EvalWedges small_set(int n) {
  std::vector<SparseWedge> w;
  for (int i = 0; i < n; ++i) w.push_back(to_sparse(testing::synthetic_wedge(100 + i, kSmall)));
  return make_eval_wedges(std::move(w), "synthetic");
}

TEST(EvalEvaluator, LosslessIsExactAndDefinesTheReference) {
  const EvalWedges data = small_set(3);
  ASSERT_EQ(data.lossless_bytes.size(), 3u);
  const CodecEvalResult r = evaluate_lossless(data, {});
  EXPECT_EQ(r.metrics.n_wedges, 3u);
  EXPECT_EQ(r.metrics.mse, 0.0);
  EXPECT_EQ(r.metrics.log_mae, 0.0);
  EXPECT_DOUBLE_EQ(r.metrics.ratio_vs_lossless, 1.0);
  uint64_t total = 0;
  for (auto b : data.lossless_bytes) total += b;
  EXPECT_DOUBLE_EQ(r.metrics.ratio_dense, double(kSmall.voxels() * 2 * 3) / double(total));
  EXPECT_GT(r.encode_wedges_per_s, 0.0);
  EXPECT_GT(r.decode_wedges_per_s, 0.0);
}

TEST(EvalEvaluator, PostThresholdSweepPicksTheLowestMse) {
  const EvalWedges data = small_set(2);
  ZfpSettings s;
  s.mode = ZfpSettings::Mode::kRate;
  s.rate = 1.0;
  ZfpCodec codec(s);
  EvalRunOptions sweep;
  sweep.post_thresholds = default_post_thresholds();
  const CodecEvalResult best = evaluate_codec(codec, data, sweep);
  ASSERT_TRUE(best.threshold.has_value());
  // Every fixed threshold, evaluated on its own, must be no better than the chosen one.
  for (float t : default_post_thresholds()) {
    ZfpSettings fixed = s;
    fixed.post_threshold = t;
    ZfpCodec c(fixed);
    const CodecEvalResult r = evaluate_codec(c, data, {});
    EXPECT_GE(r.metrics.mse + 1e-9, best.metrics.mse) << "threshold " << t;
    if (t == float(*best.threshold)) EXPECT_NEAR(r.metrics.mse, best.metrics.mse, 1e-9);
  }
}

TEST(EvalEvaluator, ZfpSweepBracketsTargetRatioAndMatches) {
  const EvalWedges data = small_set(2);
  const double target = 30.0;
  auto settings = default_zfp_sweep({target});
  const auto results = evaluate_zfp_sweep(settings, data, {});
  ASSERT_EQ(results.size(), settings.size());
  CodecEvalResult model;
  model.label = "fake-model";
  model.metrics.ratio_dense = target;
  const auto rows = match_baselines({model}, results);
  ASSERT_EQ(rows.size(), 1u);
  bool saw_rate = false;
  for (const MatchedBaseline& b : rows[0].baselines) {
    if (b.above) EXPECT_GE(b.above->metrics.ratio_dense, target);
    if (b.below) EXPECT_LE(b.below->metrics.ratio_dense, target);
    // No other setting of the family lies between the bracket and the target.
    for (const auto& r : results) {
      if (r.family != b.family) continue;
      if (b.above && r.metrics.ratio_dense >= target) EXPECT_GE(r.metrics.ratio_dense, b.above->metrics.ratio_dense);
      if (b.below && r.metrics.ratio_dense <= target) EXPECT_LE(r.metrics.ratio_dense, b.below->metrics.ratio_dense);
    }
    if (b.family == "zfp-rate") {
      saw_rate = true;
      ASSERT_TRUE(b.above && b.below);
      // The fixed-rate bracket is tight: one 1/64-bit step on each side.
      EXPECT_LT(b.above->metrics.ratio_dense / target, 1.05);
      EXPECT_GT(b.below->metrics.ratio_dense / target, 0.95);
    }
  }
  EXPECT_TRUE(saw_rate);
  const std::string table = format_matched_table(rows, nullptr);
  EXPECT_NE(table.find("fake-model"), std::string::npos);
  EXPECT_NE(table.find("zfp:mode=rate"), std::string::npos);
}

TEST(EvalEvaluator, CodecSpecParsing) {
  auto [id, params] = parse_codec_spec("zfp:mode=accuracy,tolerance=16");
  EXPECT_EQ(id, "zfp");
  EXPECT_EQ(params.at("mode"), "accuracy");
  EXPECT_EQ(params.at("tolerance"), "16");
  EXPECT_EQ(parse_codec_spec("lossless").first, "lossless");
  EXPECT_TRUE(parse_codec_spec("lossless").second.empty());
  EXPECT_THROW(parse_codec_spec("zfp:mode"), CodecError);
  EXPECT_THROW(parse_codec_spec("zfp:=3"), CodecError);
}

TEST(EvalEvaluator, WedgeEvaluationFromFolderWithBaselinesAndJson) {
  const fs::path dir = fs::temp_directory_path() / ("daqz_eval_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (int i = 0; i < 2; ++i)
    write_npy((dir / ("w" + std::to_string(i) + ".npy")).string(),
              npy_from_wedge(testing::synthetic_wedge(200 + i, kSmall)));
  WedgeEvalArgs args;
  args.codec = "zfp:mode=rate,rate=0.5";
  args.input = dir.string();
  args.baselines = true;
  const WedgeEvalReport report = run_wedge_evaluation(args);
  const nlohmann::json j = report_to_json(report);
  for (const char* key : {"ratio_dense", "ratio_vs_lossless", "mse", "log_mae", "psnr_db", "precision", "recall",
                          "encode_wedges_per_s", "decode_wedges_per_s", "model", "arch", "threshold", "n_wedges",
                          "occupancy"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["n_wedges"], 2);
  EXPECT_NEAR(j["ratio_dense"].get<double>(), 32.0, 1.0);  // 16 bits / 0.5 bits per voxel
  ASSERT_TRUE(j.contains("baselines"));
  EXPECT_DOUBLE_EQ(j["baselines"]["lossless"]["mse"].get<double>(), 0.0);
  EXPECT_GT(j["baselines"]["zfp"].size(), 10u);
  EXPECT_EQ(j["baselines"]["matched"].size(), 1u);
  EXPECT_NE(report_to_text(report).find("Matched at ratio"), std::string::npos);

  args.max_wedges = 1;
  args.baselines = false;
  EXPECT_EQ(run_wedge_evaluation(args).main.metrics.n_wedges, 1u);
  args.input = (dir / "missing").string();
  EXPECT_THROW(run_wedge_evaluation(args), std::runtime_error);
  args.input = dir.string();
  args.codec = "no-such-codec";
  EXPECT_THROW(run_wedge_evaluation(args), CodecError);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace daqz

namespace daqz {
namespace {

// The done-criterion of `daqz eval`: the public model on the probe wedge reproduces probe_reference.json.
TEST(EvalEvaluator, PublicModelOnProbeMatchesReference) {
  const std::string anchors = std::string(DAQZ_SHARED_DIR) + "/anchors/bcae-v1";
  if (!fs::exists(anchors + "/probe_reference.json")) GTEST_SKIP() << "shared anchors not found at " << anchors;
  const auto known = known_wedge_codecs();
  ASSERT_NE(std::find(known.begin(), known.end(), "bcae"), known.end()) << "codec 'bcae' is not registered";
  WedgeEvalArgs args;
  args.model_dir = anchors;
  args.input = anchors + "/probe_wedge.npy";
  args.warmup = false;  // speed is not checked here; halves the run time
  const nlohmann::json j = report_to_json(run_wedge_evaluation(args));
  std::ifstream in(anchors + "/probe_reference.json");
  const nlohmann::json ref = nlohmann::json::parse(in);
  for (const char* key : {"mse", "log_mae", "psnr_db", "precision", "recall", "occupancy", "ratio_dense"})
    EXPECT_NEAR(j.at(key).get<double>(), ref.at(key).get<double>(), 0.005 * std::fabs(ref.at(key).get<double>()))
        << key;
  EXPECT_EQ(j.at("arch"), "bcae-v1");
  EXPECT_DOUBLE_EQ(j.at("threshold").get<double>(), ref.at("threshold").get<double>());
}

}  // namespace
}  // namespace daqz
