// `daqz fit-tables` end to end on a random bcae-2d model and synthetic wedges: the tables file matches
// the SHA-256 the card names, the default operating point follows the 2 % rule on the validation
// table it records, and a card's rate-training grid is kept rather than refitted.
#include "offline/latent_table_fit.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "codec/latent_tables.h"
#include "codec_torch/bcae_blocks.h"
#include "codec_torch/bcae_model_dir.h"
#include "base/sha256.h"
#include "base/npy.h"

namespace daqz {
namespace {

namespace fs = std::filesystem;

std::string wedge_dir(const std::string& name, uint32_t seed, int n) {
  const fs::path dir = fs::temp_directory_path() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  uint32_t s = seed;
  for (int k = 0; k < n; ++k) {
    DenseWedge w(kOuterWedgeShape);
    for (auto& v : w.adc) {
      s = s * 1664525u + 1013904223u;
      v = (s >> 24) < 20 ? uint16_t(65 + ((s >> 8) % 300)) : 0;
    }
    write_npy((dir / ("w" + std::to_string(k) + ".npy")).string(), npy_from_wedge(w));
  }
  return dir.string();
}

std::string random_model(const std::string& name) {
  const auto dir = (fs::temp_directory_path() / name).string();
  fs::remove_all(dir);
  torch::manual_seed(31);
  auto model = make_bcae_model("bcae-2d");
  init_bcae_weights(model->encoder());
  init_bcae_weights(model->decoder());
  write_bcae_model_dir(*model, dir, {{"name", name}, {"version", "0"}, {"threshold", 0.5}});
  return dir;
}

nlohmann::json card_of(const std::string& dir) {
  std::ifstream in(dir + "/model.json");
  return nlohmann::json::parse(in);
}

TEST(LatentTableFit, WritesTablesNamedByTheCardAndAppliesTheRule) {
  LatentTableFitConfig c;
  c.model_dir = random_model("daqz_fit_tables_model");
  c.data = wedge_dir("daqz_fit_tables_train", 1, 2);
  c.val_data = wedge_dir("daqz_fit_tables_val", 2, 2);
  c.bits = {3, 8};
  c.threads = 2;
  c.command_line = "daqz fit-tables (test)";
  const LatentTableFitReport r = fit_latent_tables(c);
  EXPECT_EQ(sha256_file_hex(r.tables_path), r.tables_sha256);
  const auto card = card_of(c.model_dir);
  const auto& ec = card.at("entropy_coding");
  EXPECT_EQ(ec.at("tables_sha256").get<std::string>(), r.tables_sha256);
  EXPECT_EQ(ec.at("command").get<std::string>(), c.command_line);
  const auto& points = ec.at("validation").at("points");
  ASSERT_EQ(points.size(), 3u);  // fp16, 3, 8
  EXPECT_EQ(points[0].at("bits").get<std::string>(), "fp16");
  const double fp16_mse = points[0].at("mse").get<double>();
  uint32_t expected_default = 0;
  for (size_t i = 1; i < points.size(); ++i)
    if (!expected_default && points[i].at("mse").get<double>() <= 1.02 * fp16_mse)
      expected_default = uint32_t(std::stoi(points[i].at("bits").get<std::string>()));
  EXPECT_EQ(r.default_bits, expected_default);
  EXPECT_EQ(ec.value("default_bits", 0u), expected_default);
  EXPECT_GT(points[1].at("ratio_dense").get<double>(), points[2].at("ratio_dense").get<double>());
  EXPECT_EQ(ec.at("grid").at("source").get<std::string>(), "per-channel quantiles of the training latents");
}

TEST(LatentTableFit, KeepsTheRateTrainingGridOfTheCard) {
  LatentTableFitConfig c;
  c.model_dir = random_model("daqz_fit_tables_rate_model");
  c.data = wedge_dir("daqz_fit_tables_rate_train", 3, 1);
  c.val_data = wedge_dir("daqz_fit_tables_rate_val", 4, 1);
  c.bits = {5};
  c.threads = 2;
  auto card = card_of(c.model_dir);
  const std::vector<float> lo(8, -2.5f), hi(8, 3.25f);
  card["quantization_grid"] = {{"bits_trained", 5}, {"lo", lo}, {"hi", hi}};
  std::ofstream(c.model_dir + "/model.json") << card.dump(2);
  const LatentTableFitReport r = fit_latent_tables(c);
  const LatentTables t = LatentTables::load(r.tables_path);
  EXPECT_EQ(t.grid().lo, lo);
  EXPECT_EQ(t.grid().hi, hi);
}

}  // namespace
}  // namespace daqz
