// `daqz train`: trains a BCAE model (bcae-2d, bcae-v1) from a folder of .npy wedges and writes a model
// directory (model.json + encoder.pt + decoder.pt). Logic lives in core/train/bcae_trainer.h.
//
//   daqz train --arch bcae-2d --data data/sim-train --out deploy/models/bcae-2d-sim --epochs 20 --seed 7
//              --checkpoint-dir runs/bcae-2d-sim [--resume] [--test-data data/sim-test] [--max-minutes 70]
//              [--init-from ../shared/anchors/bcae-v1]   (fine-tuning)
#include <spdlog/spdlog.h>


#include "command.h"
#include "train/bcae_trainer.h"
#ifndef DAQZ_TORCH_ONLY  // the torch-only daqz-train (GPU machines) trains BCAE architectures only
#include "offline/jet_trainer.h"
#endif

namespace daqz::cli {
namespace {

// `daqz train --arch jet-*` runs the jet trainer (core/train/jet_trainer.h) with the options both share;
// jet-only options (--latent, --train-jets, ...) are on `daqz train-jets`.
int run_jet_arch(const BcaeTrainConfig& cfg, const CLI::App& sub) {
#ifdef DAQZ_TORCH_ONLY
  (void)sub;
  throw std::invalid_argument("--arch " + cfg.arch + " needs the full build's `daqz train`; this torch-only "
                              "daqz-train trains BCAE architectures only");
#else
  auto given = [&](const char* name) { return sub.get_option(name)->count() > 0; };
  JetTrainOptions o;
  o.arch = cfg.arch;
  o.out_dir = cfg.out_dir;
  o.name = cfg.name;
  o.seed = cfg.seed;
  o.resume = cfg.resume;
  o.max_minutes = cfg.max_minutes;
  o.command_line = cfg.command_line;
  if (given("--data")) o.data = cfg.data;
  if (given("--version")) o.version = cfg.version;
  if (given("--epochs")) o.epochs = cfg.epochs;
  if (given("--batch")) o.batch = size_t(cfg.batch);
  if (given("--lr")) o.lr = cfg.lr;
  if (given("--weight-decay")) o.weight_decay = cfg.weight_decay;
  if (given("--threads")) o.threads = cfg.threads;
  return run_jet_training(o);
#endif
}

int run_train(BcaeTrainConfig cfg, const CLI::App& sub) {
  cfg.command_line = reconstruct_command("daqz train", sub);
  if (cfg.arch.rfind("jet-", 0) == 0) return run_jet_arch(cfg, sub);
  if (cfg.data.empty()) throw std::invalid_argument("train --arch " + cfg.arch + " needs --data DIR (.npy wedges)");
  spdlog::info("{}", cfg.command_line);
  const BcaeTrainReport r = run_bcae_training(cfg);
  spdlog::info("train: {} after {}/{} steps, {} epochs, {:.0f} s; threshold {:.3f}; validation mse {:.1f} "
               "log_mae {:.4f} precision {:.3f} recall {:.3f}",
               r.finished ? "finished" : "stopped", r.steps, r.total_steps, r.epochs_completed, r.seconds,
               r.threshold, r.val_mse, r.val_log_mae, r.val_precision, r.val_recall);
  return 0;
}

void setup_train(CLI::App& sub, int& exit_code) {
  auto cfg = std::make_shared<BcaeTrainConfig>();
  sub.add_option("--arch", cfg->arch, "Architecture: bcae-2d (fast), bcae-v1 (paper), or jet-ae-4d / jet-ae-27d "
                 "(dispatched to the jet trainer; see `daqz train-jets` for its own options)")->capture_default_str();
  sub.add_option("--data", cfg->data, "Training wedges: folder of .npy (or a `daqz simulate --out` folder)");
  sub.add_option("--out,-o", cfg->out_dir, "Model directory to write (model.json, encoder.pt, decoder.pt)")
      ->required();
  sub.add_option("--val-data", cfg->val_data, "Separate validation folder (default: split off --val-fraction)");
  sub.add_option("--val-fraction", cfg->val_fraction, "Fraction of --data used for validation")->capture_default_str();
  sub.add_option("--test-data", cfg->test_data, "Held-out folder measured after training (into model.json)");
  sub.add_option("--max-train-wedges", cfg->max_train_wedges, "Use at most this many wedges (0 = all)");
  sub.add_option("--max-val-wedges", cfg->max_val_wedges, "Validate on at most this many wedges")->capture_default_str();
  sub.add_option("--max-test-wedges", cfg->max_test_wedges, "Measure at most this many held-out wedges")
      ->capture_default_str();
  sub.add_option("--name", cfg->name, "Model name (default: the --out folder name)");
  sub.add_option("--version", cfg->version, "Model version string")->capture_default_str();
  sub.add_option("--epochs", cfg->epochs, "Epochs")->capture_default_str();
  sub.add_option("--batch", cfg->batch, "Crops per optimizer step")->capture_default_str();
  sub.add_option("--crop-azimuth", cfg->crop_azimuth, "Azimuth bins per training crop (0 = full wedge)")
      ->capture_default_str();
  sub.add_option("--crops-per-wedge", cfg->crops_per_wedge, "Crops of each wedge per epoch (0 = 192 / crop)")
      ->capture_default_str();
  sub.add_option("--lr", cfg->lr, "Peak AdamW learning rate (linear warm-up, cosine decay)")->capture_default_str();
  sub.add_option("--min-lr", cfg->min_lr, "Final learning rate")->capture_default_str();
  sub.add_option("--weight-decay", cfg->weight_decay, "AdamW weight decay")->capture_default_str();
  sub.add_option("--warmup-steps", cfg->warmup_steps, "Linear warm-up steps")->capture_default_str();
  sub.add_option("--seed", cfg->seed, "Seed (weights init, data order, crops)")->capture_default_str();
  sub.add_option("--threads", cfg->threads, "LibTorch intra-op threads")->capture_default_str();
  sub.add_flag("--bf16-autocast", cfg->autocast_bf16, "bf16 autocast for the encoder forward pass");
  sub.add_option("--rate-lambda", cfg->rate_lambda, "Rate-aware training: loss = distortion + L * bits per latent "
                 "value (factorized prior, quantisation noise on a fixed grid; see docs/rate_distortion.md)")
      ->check(CLI::NonNegativeNumber)
      ->each([cfg](const std::string&) { cfg->rate = true; });
  sub.add_option("--rate-bits", cfg->rate_bits, "Rate training: bits K of the per-channel grid the noise models")
      ->check(CLI::Range(2, 10))
      ->capture_default_str();
  sub.add_option("--rate-lambda-warmup", cfg->rate_lambda_warmup_steps, "Rate training: steps over which lambda "
                 "ramps up from 0")->capture_default_str();
  sub.add_option("--entropy-lr", cfg->entropy_lr, "Rate training: Adam learning rate of the entropy model")
      ->capture_default_str();
  sub.add_option("--rate-grid-wedges", cfg->rate_grid_wedges, "Rate training: training wedges whose starting-model "
                 "latents fix the grid")->capture_default_str();
  sub.add_option("--checkpoint-dir", cfg->checkpoint_dir, "Checkpoint folder (default: OUT.ckpt)");
  sub.add_option("--checkpoint-minutes", cfg->checkpoint_minutes, "Minutes between checkpoints")
      ->capture_default_str();
  sub.add_flag("--resume", cfg->resume, "Continue exactly from the checkpoint in --checkpoint-dir");
  sub.add_option("--init-from", cfg->init_from, "Fine-tune: start from this model directory's weights (same "
                 "arch; recorded in model.json as training.init_from)");
  sub.add_option("--max-minutes", cfg->max_minutes, "Stop training after this many minutes, then tune h and "
                 "write the model (0 = no limit)")->capture_default_str();
  sub.add_option("--max-steps", cfg->max_steps, "Stop after this many optimizer steps in total (0 = no limit)");
  sub.add_option("--progress-seconds", cfg->progress_seconds, "Seconds between progress lines")
      ->capture_default_str();
  sub.callback([cfg, &sub, &exit_code] { exit_code = run_train(*cfg, sub); });
}

}  // namespace
}  // namespace daqz::cli

DAQZ_COMMAND(train, "Train a BCAE model (bcae-2d, bcae-v1) on .npy wedges and write a model directory",
             daqz::cli::setup_train);
