// The bcae codec: model directories of both architectures, fp16 records, reference reproduction through
// the codec interface, and the failures a caller must see as CodecError.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "codec_torch/bcae_codec.h"
#include "base/reconstruction_metrics.h"
#include "codec_torch/bcae_blocks.h"
#include "codec_torch/bcae_model_dir.h"
#include "base/npy.h"

namespace daqz {
namespace {

namespace fs = std::filesystem;
const std::string kAnchor = std::string(DAQZ_SHARED_DIR) + "/anchors/bcae-v1";

// A bcae-2d model with deterministic random weights in a temporary directory.
std::string random_bcae_2d_dir() {
  const auto dir = (fs::temp_directory_path() / "daqz_bcae_codec_test_2d").string();
  torch::manual_seed(11);
  auto model = make_bcae_model("bcae-2d");
  init_bcae_weights(model->encoder());
  init_bcae_weights(model->decoder());
  write_bcae_model_dir(*model, dir, {{"name", "bcae-2d-test"}, {"version", "0"}, {"threshold", 0.5}});
  return dir;
}

DenseWedge sample_wedge(uint32_t seed) {
  DenseWedge w(kOuterWedgeShape);
  uint32_t s = seed;
  for (auto& v : w.adc) {
    s = s * 1664525u + 1013904223u;
    v = (s >> 24) < 25 ? uint16_t(65 + ((s >> 8) % 400)) : 0;
  }
  return w;
}

TEST(BcaeCodec, ReferenceModelThroughCodecMatchesProbe) {
  if (!fs::exists(kAnchor + "/model.json")) GTEST_SKIP() << "shared anchors absent: " << kAnchor;
  CodecOptions o;
  o.model_dir = kAnchor;
  o.intra_op_threads = 2;
  auto codec = make_wedge_codec("bcae", o);
  EXPECT_EQ(codec->descriptor().model_name, "bcae-v1-reference");
  const DenseWedge wedge = wedge_from_npy(read_npy(kAnchor + "/probe_wedge.npy"));
  const SparseWedge sparse = to_sparse(wedge);
  auto recs = codec->encode({&sparse});
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].codec_id, "bcae");
  EXPECT_EQ(recs[0].latent_shape, (std::vector<uint32_t>{8, 12, 15, 16}));
  EXPECT_EQ(recs[0].bytes.size(), 8u * 12 * 15 * 16 * 2);
  EXPECT_EQ(recs[0].params.at("threshold").substr(0, 3), "0.5");
  EXPECT_NEAR(double(wedge.shape.voxels() * 2) / recs[0].bytes.size(), 33.2, 0.05);

  const Reconstruction r = codec->decode(recs[0]);
  std::ifstream in(kAnchor + "/probe_reference.json");
  const auto expected = nlohmann::json::parse(in);
  MetricsAccumulator acc;
  acc.add_wedge(wedge, r.adc.data(), r.adc.size());
  const auto m = acc.summary();
  EXPECT_NEAR(m.mse, expected["mse"].get<double>(), 0.005 * expected["mse"].get<double>());
  EXPECT_NEAR(m.recall, expected["recall"].get<double>(), 0.005 * expected["recall"].get<double>());
}

TEST(BcaeCodec, Bcae2dRoundTripAndBatching) {
  CodecOptions o;
  o.model_dir = random_bcae_2d_dir();
  o.params["batch"] = "2";
  auto codec = make_wedge_codec("bcae", o);
  EXPECT_EQ(codec->preferred_batch(), 2u);
  const SparseWedge a = to_sparse(sample_wedge(1)), b = to_sparse(sample_wedge(2)), c = to_sparse(sample_wedge(3));
  auto recs = codec->encode({&a, &b, &c});  // two chunks: 2 + 1
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].latent_shape, (std::vector<uint32_t>{8, 48, 64}));
  EXPECT_NEAR(double(kOuterWedgeShape.voxels() * 2) / recs[0].bytes.size(), 31.1, 0.05);
  EXPECT_NE(recs[0].bytes, recs[1].bytes);
  // Batching does not change a wedge's code beyond fp16 rounding of float noise.
  auto single = codec->encode({&c});
  ASSERT_EQ(single[0].bytes.size(), recs[2].bytes.size());
  const auto* x = reinterpret_cast<const at::Half*>(single[0].bytes.data());
  const auto* y = reinterpret_cast<const at::Half*>(recs[2].bytes.data());
  for (size_t i = 0; i < single[0].bytes.size() / 2; i += 97) EXPECT_NEAR(float(x[i]), float(y[i]), 2e-2);
  const Reconstruction r = codec->decode(recs[1]);
  EXPECT_EQ(r.shape, kOuterWedgeShape);
  ASSERT_EQ(r.adc.size(), kOuterWedgeShape.voxels());
  for (size_t i = 0; i < r.adc.size(); i += 1013) EXPECT_TRUE(r.adc[i] == 0.0f || r.adc[i] >= 64.0f) << i;
}

TEST(BcaeCodec, Bf16EncoderStaysCloseToFp32) {
  CodecOptions o;
  o.model_dir = random_bcae_2d_dir();
  auto fp32 = make_wedge_codec("bcae", o);
  o.params["precision"] = "bf16";
  auto bf16 = make_wedge_codec("bcae", o);
  const SparseWedge a = to_sparse(sample_wedge(5));
  const auto r32 = fp32->encode({&a}), r16 = bf16->encode({&a});
  EXPECT_EQ(r16[0].params.at("precision"), "bf16");
  const auto* x = reinterpret_cast<const at::Half*>(r32[0].bytes.data());
  const auto* y = reinterpret_cast<const at::Half*>(r16[0].bytes.data());
  double err = 0;
  const size_t n = r32[0].bytes.size() / 2;
  for (size_t i = 0; i < n; ++i) err += std::abs(float(x[i]) - float(y[i]));
  EXPECT_LT(err / n, 0.05) << "mean |code fp32 - code bf16| (codes have unit variance)";
}

// channels-last activations (the CPU default) are a layout choice only: the code must not change.
TEST(BcaeCodec, ChannelsLastGivesTheSameCode) {
  CodecOptions o;
  o.model_dir = random_bcae_2d_dir();
  o.params["channels_last"] = "0";
  auto plain = make_wedge_codec("bcae", o);
  o.params["channels_last"] = "1";
  auto cl = make_wedge_codec("bcae", o);
  const SparseWedge a = to_sparse(sample_wedge(6));
  const auto r0 = plain->encode({&a}), r1 = cl->encode({&a});
  ASSERT_EQ(r0[0].bytes.size(), r1[0].bytes.size());
  const auto* x = reinterpret_cast<const at::Half*>(r0[0].bytes.data());
  const auto* y = reinterpret_cast<const at::Half*>(r1[0].bytes.data());
  double worst = 0;
  for (size_t i = 0; i < r0[0].bytes.size() / 2; ++i) worst = std::max(worst, double(std::abs(float(x[i]) - float(y[i]))));
  EXPECT_LT(worst, 1e-2) << "max |code NCHW - code channels-last| (codes have unit variance)";
}

TEST(BcaeCodec, RejectsBadOptionsAndForeignRecords) {
  const std::string dir = random_bcae_2d_dir();
  CodecOptions o;
  o.model_dir = dir;
  o.device = "cuda:0";
  if (!torch::cuda::is_available()) {
    try {
      make_wedge_codec("bcae", o);
      FAIL() << "cuda accepted without CUDA";
    } catch (const CodecError& e) {
      EXPECT_NE(std::string(e.what()).find("CUDA is not available"), std::string::npos) << e.what();
    }
  }
  o.device = "cpu";
  o.params["precision"] = "fp8";
  EXPECT_THROW(make_wedge_codec("bcae", o), CodecError);
  o.params.clear();
  o.model_dir = dir + "-missing";
  EXPECT_THROW(make_wedge_codec("bcae", o), CodecError);

  o.model_dir = dir;
  auto codec = make_wedge_codec("bcae", o);
  const SparseWedge a = to_sparse(sample_wedge(7));
  auto rec = codec->encode({&a})[0];
  auto other = rec;
  other.model_name = "someone-else";
  EXPECT_THROW(codec->decode(other), CodecError);
  auto truncated = rec;
  truncated.bytes.resize(10);
  EXPECT_THROW(codec->decode(truncated), CodecError);
  SparseWedge small = a;
  small.shape.azimuth = 96;
  EXPECT_THROW(codec->encode({&small}), CodecError);

  // A tampered weight file fails the SHA-256 check at construction.
  { std::ofstream(dir + "/decoder.pt", std::ios::app) << "x"; }
  EXPECT_THROW(make_wedge_codec("bcae", o), CodecError);
}

}  // namespace
}  // namespace daqz
