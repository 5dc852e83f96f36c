// Training BCAE models from C++ (`daqz train --arch bcae-2d|bcae-v1`).
//
//   BcaeTrainConfig cfg;
//   cfg.arch = "bcae-2d"; cfg.data = "data/sim-train"; cfg.out_dir = "deploy/models/bcae-2d-sim";
//   cfg.epochs = 20; cfg.seed = 7;
//   BcaeTrainReport r = run_bcae_training(cfg);   // throws std::runtime_error / std::invalid_argument
//
// What it does: loads the wedges (zero-suppressed .npy; `daqz simulate` folders work as they are),
// splits off a validation set (or uses cfg.val_data), trains on random azimuth crops with AdamW, a
// linear-warm-up + cosine learning-rate schedule and the BCAE losses (train/bcae_loss.h), logs a
// progress line with losses and ETA, validates after every epoch, checkpoints every few minutes and at
// every epoch end (exact resume: weights, optimizer moments, balancer, RNG, data order and position),
// then tunes the segmentation threshold h on the validation set, optionally measures held-out test
// data, and writes the model directory (model.json + encoder.pt + decoder.pt).
// Deterministic for a fixed seed and thread count. Not thread-safe (sets LibTorch's thread count).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace daqz {

struct BcaeTrainConfig {
  std::string arch = "bcae-2d";
  std::string data;              // folder of .npy wedges (or a `daqz simulate --out` folder)
  std::string val_data;          // optional separate validation folder
  std::string test_data;         // optional held-out folder measured after training (model.json metrics)
  double val_fraction = 0.1;     // used when val_data is empty
  size_t max_train_wedges = 0;   // 0 = all
  size_t max_val_wedges = 16;
  size_t max_test_wedges = 64;
  std::string out_dir;           // model directory to write
  std::string name;              // model name (default: out_dir's last component)
  std::string version = "1";
  std::string checkpoint_dir;    // default: out_dir + ".ckpt"
  bool resume = false;
  std::string init_from;         // model directory whose weights start the training (fine-tuning); "" = random

  int epochs = 10;
  int batch = 4;
  int crop_azimuth = 48;         // azimuth bins per training crop (0 = full wedge)
  int crops_per_wedge = 0;       // crops of each wedge per epoch (0 = 192 / crop_azimuth)
  double lr = 2e-3;
  double min_lr = 2e-5;
  double weight_decay = 0.01;
  int warmup_steps = 20;
  uint64_t seed = 1;
  int threads = 2;
  bool autocast_bf16 = false;    // bf16 autocast for the encoder forward (decoder stays fp32)

  // Rate-aware training (train/rate_term.h): quantisation noise on a fixed per-channel grid of
  // rate_bits bits and loss = distortion + rate_lambda * (bits per latent value under a learned
  // factorized prior). Off unless `rate` is set (`daqz train --rate-lambda L`).
  bool rate = false;
  double rate_lambda = 0;
  uint32_t rate_bits = 5;
  int64_t rate_lambda_warmup_steps = 100;
  double entropy_lr = 5e-3;
  size_t rate_grid_wedges = 32;  // training wedges whose starting-model latents fix the grid

  double checkpoint_minutes = 5;
  double progress_seconds = 15;
  double max_minutes = 0;        // stop training (then tune and write the model) after this; 0 = no limit
  int64_t max_steps = 0;         // stop after this many optimizer steps in total (tests); 0 = no limit
  bool write_model = true;       // tune h and write out_dir when training stops
  std::string command_line;      // recorded in model.json
};

struct BcaeTrainReport {
  int epochs_completed = 0;
  int64_t steps = 0;
  int64_t total_steps = 0;
  bool finished = false;         // all epochs done (false: stopped by max_minutes / max_steps)
  double threshold = 0.5;
  double val_mse = 0, val_log_mae = 0, val_precision = 0, val_recall = 0;
  std::vector<double> epoch_train_loss;   // mean regression loss per completed epoch (this run)
  std::vector<double> step_seg_loss;      // focal loss of every step of this run
  std::vector<double> step_reg_loss;      // regression loss of every step of this run
  std::vector<double> step_rate_bits;     // rate training: noisy bits per latent value of every step
  double val_bits_per_value = 0;          // rate training: rounded latent under the entropy model
  std::string checkpoint_path;
  double seconds = 0;
};

BcaeTrainReport run_bcae_training(const BcaeTrainConfig& cfg);

}  // namespace daqz
