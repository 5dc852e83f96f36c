// `daqz fit-tables`: fits a BCAE model's latent grid and rANS frequency tables on training wedges,
// writes latent_tables.bin into the model directory and picks the default operating point on
// validation wedges (the smallest K whose MSE is within 2 % of fp16's). Logic: core/offline/latent_table_fit.h.
//
//   daqz fit-tables --model deploy/models/bcae-v1-sim-ft --data runs/data/sim-train \
//                   --val-data runs/data/sim-val --max-val-wedges 16
#include <spdlog/spdlog.h>


#include "command.h"
#include "offline/latent_table_fit.h"

namespace daqz::cli {
namespace {

void setup_fit_tables(CLI::App& sub, int& exit_code) {
  auto cfg = std::make_shared<LatentTableFitConfig>();
  sub.add_option("--model,-m", cfg->model_dir, "BCAE model directory (tables and model.json are written there)")
      ->required()
      ->check(CLI::ExistingDirectory);
  sub.add_option("--data", cfg->data, "Training wedges the tables are fitted on")->required();
  sub.add_option("--val-data", cfg->val_data, "Validation wedges that choose the default operating point")->required();
  sub.add_option("--max-train-wedges", cfg->max_train_wedges, "Fit on at most N training wedges (0 = all)")
      ->capture_default_str();
  sub.add_option("--max-val-wedges", cfg->max_val_wedges, "Validate on at most N wedges")->capture_default_str();
  sub.add_option("--tail-fraction", cfg->tail_fraction, "Grid lo/hi = these per-channel quantiles of the training "
                 "latents (models without a rate-training grid)")->capture_default_str();
  sub.add_option("--bits", cfg->bits, "Operating points K to fit")->delimiter(',')->capture_default_str();
  sub.add_option("--mse-tolerance", cfg->mse_tolerance, "Default K: validation MSE within this fraction of fp16's")
      ->capture_default_str();
  sub.add_option("--threads", cfg->threads, "LibTorch threads")->capture_default_str();
  sub.callback([cfg, &sub, &exit_code] {
    cfg->command_line = reconstruct_command("daqz fit-tables", sub);
    spdlog::info("{}", cfg->command_line);
    const LatentTableFitReport r = fit_latent_tables(*cfg);
    spdlog::info("fit-tables: {} (sha256 {}), default bits {}", r.tables_path, r.tables_sha256,
                 r.default_bits ? std::to_string(r.default_bits) : std::string("none (fp16)"));
    exit_code = 0;
  });
}

}  // namespace
}  // namespace daqz::cli

static const ::daqz::cli::CommandRegistrar daqz_command_fit_tables(
    "fit-tables", "Fit a BCAE model's latent rANS tables and choose its default operating point",
    daqz::cli::setup_fit_tables);
