// `daqz fit-tables`: fits a BCAE model's latent quantisation grid and rANS frequency tables on training
// wedges, writes them into the model directory (latent_tables.bin), measures every operating point on
// validation wedges through the real codec, and records in model.json (section "entropy_coding") the
// tables' SHA-256, the command, the validation table and the default operating point: the smallest K
// whose validation MSE is within `mse_tolerance` (2 %) of the fp16 point's.
//
//   LatentTableFitConfig c;
//   c.model_dir = "deploy/models/bcae-v1-sim-ft";  c.data = "runs/data/sim-train";  c.val_data = "runs/data/sim-val";
//   LatentTableFitReport r = fit_latent_tables(c);   // throws std::runtime_error / CodecError / ModelCardError
//
// The grid: a model trained for rate (`daqz train --rate-lambda`) carries its training grid in the card
// ("quantization_grid") and keeps it, since its encoder learned to be cheap on exactly that grid; other
// models get per-channel quantiles (tail_fraction, 1 - tail_fraction) of their training latents.
// Deterministic for fixed inputs. Not thread-safe (sets LibTorch's thread count).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace daqz {

struct LatentTableFitConfig {
  std::string model_dir;
  std::string data;             // training wedges (a `daqz simulate --out` folder or .npy files)
  std::string val_data;         // validation wedges (operating-point choice)
  size_t max_train_wedges = 0;  // 0 = all
  size_t max_val_wedges = 16;
  double tail_fraction = 1e-4;
  std::vector<uint32_t> bits = {2, 3, 4, 5, 6, 7, 8, 9, 10};
  double mse_tolerance = 0.02;
  int threads = 1;
  std::string command_line;     // recorded in model.json
};

struct LatentTableFitReport {
  std::string tables_path;
  std::string tables_sha256;
  uint32_t default_bits = 0;    // 0: no K met the tolerance (the card then names no default: fp16)
  double train_escape_fraction = 0;
  nlohmann::json validation;    // [{bits, mse, log_mae, psnr_db, precision, recall, ratio_dense, bytes_per_wedge}]
};

LatentTableFitReport fit_latent_tables(const LatentTableFitConfig& cfg);

}  // namespace daqz
