// BCAE training: losses on known values, a few steps reduce the loss, and a resumed run is bit-identical
// to an uninterrupted one. Tiny crops of synthetic wedges keep this to a few seconds.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "codec_torch/state_dict.h"
#include "train/bcae_loss.h"
#include "train/bcae_trainer.h"
#include "base/sha256.h"
#include "base/npy.h"

namespace daqz {
namespace {

namespace fs = std::filesystem;

// Wedges whose content depends on (time, layer) only, so every azimuth crop is the same training sample.
std::string synthetic_data_dir(const std::string& name, int n_wedges) {
  const fs::path dir = fs::temp_directory_path() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (int k = 0; k < n_wedges; ++k) {
    DenseWedge w(kOuterWedgeShape);
    for (uint32_t a = 0; a < w.shape.azimuth; ++a)
      for (uint32_t t = 0; t < w.shape.time; ++t)
        for (uint32_t l = 0; l < w.shape.layer; ++l) {
          const bool track = (t + 3 * l + 7 * k) % 23 < 3;
          w.at(a, t, l) = track ? uint16_t(90 + (t * 7 + l * 13) % 300) : 0;
        }
    write_npy((dir / ("w" + std::to_string(k) + ".npy")).string(), npy_from_wedge(w));
  }
  return dir.string();
}

BcaeTrainConfig tiny_config(const std::string& data, const std::string& out) {
  BcaeTrainConfig c;
  c.arch = "bcae-2d";
  c.data = data;
  c.val_fraction = 0.5;
  c.out_dir = out;
  c.checkpoint_dir = out + ".ckpt";
  c.epochs = 5;
  c.batch = 2;
  c.crop_azimuth = 16;
  c.crops_per_wedge = 14;  // 7 steps per epoch: no (full-wedge) validation inside the few test steps
  c.lr = 1e-2;
  c.warmup_steps = 0;
  c.seed = 5;
  c.threads = 2;
  c.progress_seconds = 1e9;
  c.checkpoint_minutes = 1e9;
  return c;
}

std::string file_sha(const std::string& path) { return sha256_file_hex(path); }

// Trains one step without writing the model, then resumes from the checkpoint to step 3: the run a
// resume test compares with three uninterrupted steps. `c` is left set for resuming (tests go on
// to try resumes that must be refused).
BcaeTrainReport train_one_step_then_resume_to_three(BcaeTrainConfig& c) {
  c.max_steps = 1;
  c.write_model = false;
  run_bcae_training(c);
  c.max_steps = 3;
  c.write_model = true;
  c.resume = true;
  return run_bcae_training(c);
}

TEST(BcaeLoss, SoftLabelsAndFocalLoss) {
  BcaeLossConfig cfg;
  auto labels = soft_labels(torch::tensor({0.0f, 65.0f, 200.0f}), cfg);
  EXPECT_NEAR(labels[0].item<float>(), 0.0f, 1e-6);
  EXPECT_NEAR(labels[1].item<float>(), 1.0f / (1.0f + std::exp(-10.0f * (std::log2(66.0f) - 6.0f))), 1e-5);
  EXPECT_GT(labels[2].item<float>(), 0.999f);
  // Focal loss of a confident correct prediction is far below that of a confident wrong one.
  const auto good = focal_loss(torch::tensor({0.9f}), torch::tensor({1.0f}), 2.0).item<double>();
  const auto bad = focal_loss(torch::tensor({0.1f}), torch::tensor({1.0f}), 2.0).item<double>();
  EXPECT_NEAR(good, -std::pow(0.1, 2) * std::log(0.9), 1e-6);
  EXPECT_GT(bad, 100 * good);
  // Target-weighted MSE ignores empty voxels (weight 0^0.1 = 0).
  EXPECT_NEAR(weighted_mse(torch::tensor({5.0f, 100.0f}), torch::tensor({0.0f, 90.0f}), 0.1).item<double>(), 100.0,
              1e-3);
}

TEST(BcaeTrainer, FewStepsReduceTheLoss) {
  const auto data = synthetic_data_dir("daqz_bcae_train_loss", 2);
  auto cfg = tiny_config(data, (fs::temp_directory_path() / "daqz_bcae_train_loss_model").string());
  cfg.max_steps = 6;
  cfg.write_model = false;
  const auto r = run_bcae_training(cfg);
  ASSERT_EQ(r.step_seg_loss.size(), 6u);
  EXPECT_LT(r.step_seg_loss.back(), 0.8 * r.step_seg_loss.front());
  EXPECT_FALSE(r.finished);
}

TEST(BcaeTrainer, ResumeIsExact) {
  const auto data = synthetic_data_dir("daqz_bcae_train_resume", 2);
  const auto tmp = fs::temp_directory_path();
  auto a = tiny_config(data, (tmp / "daqz_bcae_resume_a").string());
  a.max_steps = 3;
  fs::remove_all(a.checkpoint_dir);
  const auto ra = run_bcae_training(a);
  EXPECT_EQ(ra.steps, 3);

  auto b = tiny_config(data, (tmp / "daqz_bcae_resume_b").string());
  fs::remove_all(b.checkpoint_dir);
  const auto rb = train_one_step_then_resume_to_three(b);
  EXPECT_EQ(rb.steps, 3);
  ASSERT_EQ(rb.step_seg_loss.size(), 2u);
  EXPECT_DOUBLE_EQ(rb.step_seg_loss.back(), ra.step_seg_loss.back());
  EXPECT_EQ(file_sha(a.out_dir + "/encoder.pt"), file_sha(b.out_dir + "/encoder.pt"));
  EXPECT_EQ(file_sha(a.out_dir + "/decoder.pt"), file_sha(b.out_dir + "/decoder.pt"));

  // A resume against different data is refused, naming what differs.
  auto c = b;
  c.seed = 6;
  try {
    run_bcae_training(c);
    FAIL() << "resume with another seed accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("seed"), std::string::npos) << e.what();
  }
}

// Fine-tuning starts from the given model's weights: with a zero learning rate they come out unchanged,
// the card names the initial model, and a model of another architecture is refused.
TEST(BcaeTrainer, InitFromStartsAtTheGivenWeights) {
  const auto data = synthetic_data_dir("daqz_bcae_train_init", 2);
  const auto tmp = fs::temp_directory_path();
  auto a = tiny_config(data, (tmp / "daqz_bcae_init_a").string());
  a.max_steps = 2;
  fs::remove_all(a.checkpoint_dir);
  run_bcae_training(a);

  auto b = tiny_config(data, (tmp / "daqz_bcae_init_b").string());
  fs::remove_all(b.checkpoint_dir);
  b.init_from = a.out_dir;
  b.seed = 9;  // another random init: only the loaded weights can make b equal to a
  b.lr = 0;
  b.min_lr = 0;
  b.max_steps = 1;
  run_bcae_training(b);
  for (const char* part : {"/encoder.pt", "/decoder.pt"}) {
    const auto wa = read_state_dict(a.out_dir + part), wb = read_state_dict(b.out_dir + part);
    ASSERT_EQ(wa.size(), wb.size());
    for (const auto& [name, t] : wa) EXPECT_TRUE(torch::equal(t, wb.at(name))) << part << " " << name;
  }
  std::ifstream in(b.out_dir + "/model.json");
  const auto card = nlohmann::json::parse(in);
  EXPECT_EQ(card.at("training").at("init_from").at("dir").get<std::string>(), a.out_dir);

  auto c = b;
  c.arch = "bcae-v1";
  fs::remove_all(c.checkpoint_dir);
  try {
    run_bcae_training(c);
    FAIL() << "a bcae-2d model accepted as the start of a bcae-v1 training";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("bcae-2d"), std::string::npos) << e.what();
  }
}


// Rate-aware training (--rate-lambda): the run resumes bit-exactly (entropy model, its optimizer and the
// grid are in the checkpoint; the noise is seeded per step), the card carries the training grid, and a
// checkpoint of one kind of run is refused by the other.
TEST(BcaeTrainer, RateTrainingResumesExactlyAndRecordsItsGrid) {
  const auto data = synthetic_data_dir("daqz_bcae_train_rate", 2);
  const auto tmp = fs::temp_directory_path();
  auto rate_config = [&](const std::string& name) {
    auto c = tiny_config(data, (tmp / name).string());
    c.rate = true;
    c.rate_lambda = 20;
    c.rate_bits = 5;
    c.rate_lambda_warmup_steps = 2;
    c.rate_grid_wedges = 1;
    fs::remove_all(c.checkpoint_dir);
    return c;
  };
  auto a = rate_config("daqz_bcae_rate_a");
  a.max_steps = 3;
  const auto ra = run_bcae_training(a);
  ASSERT_EQ(ra.step_rate_bits.size(), 3u);
  EXPECT_GT(ra.step_rate_bits.front(), 0.0);
  EXPECT_GT(ra.val_bits_per_value, 0.0);

  auto b = rate_config("daqz_bcae_rate_b");
  const auto rb = train_one_step_then_resume_to_three(b);
  ASSERT_EQ(rb.step_rate_bits.size(), 2u);
  EXPECT_DOUBLE_EQ(rb.step_rate_bits.back(), ra.step_rate_bits.back());
  EXPECT_EQ(file_sha(a.out_dir + "/encoder.pt"), file_sha(b.out_dir + "/encoder.pt"));
  EXPECT_EQ(file_sha(a.out_dir + "/decoder.pt"), file_sha(b.out_dir + "/decoder.pt"));

  std::ifstream in(b.out_dir + "/model.json");
  const auto card = nlohmann::json::parse(in);
  const auto& grid = card.at("quantization_grid");
  EXPECT_EQ(grid.at("bits_trained").get<int>(), 5);
  ASSERT_EQ(grid.at("lo").size(), 8u);
  for (size_t c = 0; c < 8; ++c) EXPECT_LT(grid["lo"][c].get<double>(), grid["hi"][c].get<double>());
  EXPECT_DOUBLE_EQ(card.at("training").at("rate").at("lambda").get<double>(), 20.0);

  auto plain = b;  // same checkpoint, without the rate term
  plain.rate = false;
  EXPECT_THROW(run_bcae_training(plain), std::runtime_error);
}

}  // namespace
}  // namespace daqz
