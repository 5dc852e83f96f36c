#include "codec_torch/jet_ae.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "sim/jet_generator.h"
#include "codec/jet_schema.h"
#include "codec_torch/jet_ae_module.h"
#include "codec_torch/state_dict.h"
#include "base/sha256.h"

namespace daqz {
namespace {

namespace fs = std::filesystem;

TEST(JetAeModel, ArchitecturesMatchTheStudies) {
  const JetAeSpec four = JetAeSpec::for_arch("jet-ae-4d");
  EXPECT_EQ(four.encoder_widths, (std::vector<int>{4, 200, 200, 20, 3}));
  EXPECT_EQ(four.decoder_widths, (std::vector<int>{3, 20, 200, 200, 4}));
  EXPECT_TRUE(four.tanh);
  const JetAeSpec big = JetAeSpec::for_arch("jet-ae-27d", 12);
  EXPECT_EQ(big.encoder_widths, (std::vector<int>{27, 200, 200, 200, 12}));
  EXPECT_EQ(big.decoder_widths, (std::vector<int>{12, 200, 200, 200, 27}));
  EXPECT_FALSE(big.tanh);
  EXPECT_THROW(JetAeSpec::for_arch("jet-ae-27d", 7), std::invalid_argument);
  EXPECT_THROW(JetAeSpec::for_arch("jet-ae-27d", 21), std::invalid_argument);
  EXPECT_THROW(JetAeSpec::for_arch("jet-ae-5d"), std::invalid_argument);

  JetAeNet net(big);
  const auto enc = net->encoder_state();
  const auto dec = net->decoder_state();
  EXPECT_EQ(enc.size(), 8u);  // en1..en4 weight + bias
  EXPECT_EQ(dec.size(), 8u);
  EXPECT_EQ(enc.at("en1.weight").sizes(), (std::vector<int64_t>{200, 27}));
  EXPECT_EQ(dec.at("de4.bias").sizes(), (std::vector<int64_t>{27}));
  const auto x = torch::randn({5, 27});
  EXPECT_EQ(net->encode(x).sizes(), (std::vector<int64_t>{5, 12}));
  EXPECT_EQ(net->forward(x).sizes(), (std::vector<int64_t>{5, 27}));
}

TEST(JetAeModel, LoadsWhatWasSavedAndChecksTheCard) {
  const fs::path dir = fs::path(testing::TempDir()) / "jet_ae_model_test";
  fs::create_directories(dir);
  torch::manual_seed(3);
  const JetAeSpec spec = JetAeSpec::for_arch("jet-ae-4d");
  JetAeNet net(spec);
  write_state_dict(net->encoder_state(), (dir / "encoder.pt").string());
  write_state_dict(net->decoder_state(), (dir / "decoder.pt").string());
  const JetBatch jets = project_jets(generate_jets(1, 500), kJetSchemaTla4);
  const JetNormalisation norm = JetNormalisation::fit(kJetSchemaTla4, jets);
  nlohmann::json card = {{"name", "t4"}, {"arch", "jet-ae-4d"}, {"version", "0"},
                         {"encoder_sha256", sha256_file_hex((dir / "encoder.pt").string())},
                         {"decoder_sha256", sha256_file_hex((dir / "decoder.pt").string())},
                         {"normalisation", norm.to_json()}};
  std::ofstream(dir / "model.json") << card.dump();
  auto model = JetAeModel::load(load_model_card(dir.string()));
  std::vector<float> x(jets.values), z(jets.n * 3), y(jets.values.size());
  norm.forward(x.data(), x.data(), jets.n);
  model->encode(x.data(), jets.n, z.data());
  model->decode(z.data(), jets.n, y.data());
  torch::NoGradGuard ng;
  const auto ref = net->forward(torch::from_blob(x.data(), {int64_t(jets.n), 4}));
  for (size_t i = 0; i < y.size(); ++i) ASSERT_NEAR(y[i], ref.data_ptr<float>()[i], 1e-5);

  card["encoder_sha256"] = std::string(64, '0');
  std::ofstream(dir / "model.json") << card.dump();
  EXPECT_THROW(JetAeModel::load(load_model_card(dir.string())), ModelCardError);
  card.erase("normalisation");
  std::ofstream(dir / "model.json") << card.dump();
  EXPECT_THROW(JetAeModel::load(load_model_card(dir.string()), false), ModelCardError);
}

}  // namespace
}  // namespace daqz
