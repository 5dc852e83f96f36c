// `daqz train-jets`: trains a jet autoencoder (core/train/jet_trainer.h) and writes a model directory.
//
//   daqz train-jets --arch jet-ae-27d --latent 12 --out deploy/models/jet-ae-27d-z12 \
//                   --train-jets 500000 --epochs 20 --seed 1 [--resume]
//
// Also reachable as `daqz train --arch jet-ae-*` once that command dispatches here.
#include <spdlog/spdlog.h>

#include "command.h"
#include "offline/jet_trainer.h"

namespace daqz::cli {
namespace {

void setup_train_jets(CLI::App& sub, int& exit_code) {
  auto opt = std::make_shared<JetTrainOptions>();
  sub.add_option("--arch", opt->arch, "jet-ae-4d | jet-ae-27d")->check(CLI::IsMember({"jet-ae-4d", "jet-ae-27d"}));
  sub.add_option("--latent", opt->latent_dim, "latent size z of jet-ae-27d (8..20)")->check(CLI::Range(8, 20));
  sub.add_option("--out", opt->out_dir, "model directory to write (model.json, encoder.pt, decoder.pt)")->required();
  sub.add_option("--name", opt->name, "model name (default: the directory name)");
  sub.add_option("--version", opt->version, "model version recorded in model.json");
  sub.add_option("--data", opt->data, "'generate' or a float32 .npy of shape (n, 27)");
  sub.add_option("--data-seed", opt->data_seed, "generator seed of the training data");
  sub.add_option("--train-jets", opt->train_jets, "generated training jets");
  sub.add_option("--val-jets", opt->val_jets, "generated validation jets");
  sub.add_option("--test-jets", opt->test_jets, "generated jets for the metrics in model.json (0 = none)");
  sub.add_option("--seed", opt->seed, "seed of weights and shuffling");
  sub.add_option("--epochs", opt->epochs, "epochs")->check(CLI::PositiveNumber);
  sub.add_option("--batch", opt->batch, "batch size")->check(CLI::PositiveNumber);
  sub.add_option("--lr", opt->lr, "peak learning rate");
  sub.add_option("--weight-decay", opt->weight_decay, "weight decay");
  sub.add_option("--optimizer", opt->optimizer, "adam | adamw")->check(CLI::IsMember({"adam", "adamw"}));
  sub.add_option("--schedule", opt->schedule, "cosine | constant")->check(CLI::IsMember({"cosine", "constant"}));
  sub.add_option("--threads", opt->threads, "LibTorch intra-op threads");
  sub.add_option("--max-minutes", opt->max_minutes, "stop after this many minutes (resume later)");
  sub.add_option("--checkpoint-dir", opt->checkpoint_dir, "checkpoint folder (default OUT/checkpoint)");
  sub.add_flag("--standardise-angles", opt->standardise_angles,
               "standardise eta and phi (default: fixed eta / 3, phi / pi)");
  sub.add_flag("--resume", opt->resume, "continue from the checkpoint folder");
  sub.callback([opt, &exit_code, &sub] {
    // CLI11 does not keep argv; rebuild the command line from the parsed options.
    std::string cmd = "daqz train-jets";
    for (const CLI::Option* o : sub.get_options())
      if (o->count() > 0 && o->get_name() != "--help") {
        cmd += " " + o->get_name();
        if (o->get_expected_min() > 0)  // flags: name only
          for (const auto& r : o->results()) cmd += " " + r;
      }
    opt->command_line = cmd;
    exit_code = run_jet_training(*opt);
  });
}

}  // namespace
}  // namespace daqz::cli

static const ::daqz::cli::CommandRegistrar daqz_command_train_jets(
    "train-jets", "Train a jet autoencoder (jet-ae-4d, jet-ae-27d) on generated or .npy jets",
    daqz::cli::setup_train_jets);
