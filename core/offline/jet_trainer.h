// Training of the jet autoencoders (models/jet_ae.h) on generated or .npy jets; writes a shippable
// model directory (model.json + encoder.pt + decoder.pt) with normalisation, SHA-256 of the weights,
// the training command, seed, data and measured metrics. Driven by `daqz train --arch jet-ae-*`.
//
//   JetTrainOptions o;
//   o.arch = "jet-ae-27d";  o.latent_dim = 12;  o.out_dir = "deploy/models/jet-ae-27d-z12";
//   o.train_jets = 500000;  o.epochs = 20;  o.seed = 1;
//   int rc = run_jet_training(o);   // 0 on success; prints a progress line (losses, ETA) to stderr
//
// Resume: each epoch ends with a checkpoint (checkpoint_dir, default <out_dir>/checkpoint/: model,
// optimizer, epoch, losses); `resume = true` continues from it with the same schedule and data (regenerated from
// the data seed), so an interrupted run ends where an uninterrupted one would have.
// Normalisation: fitted (JetNormalisation::fit) on the training jets. Loss: MSE in normalised units.
// Optimiser Adam or AdamW, LR schedule cosine (to lr * 0.01) after a one-epoch linear warm-up, or
// constant. Validation MSE on held-out jets every epoch.
// Not thread-safe (uses the process-wide LibTorch thread pool); run_jet_training catches everything
// and returns 1 with a message.
#pragma once

#include <cstdint>
#include <string>

namespace daqz {

struct JetTrainOptions {
  std::string arch = "jet-ae-27d";  // jet-ae-4d | jet-ae-27d
  int latent_dim = 12;              // jet-ae-27d only: 8..20
  std::string out_dir;              // model directory to write (created)
  std::string name;                 // default: directory name
  std::string version = "1";
  std::string data = "generate";    // "generate" (jets/jet_generator.h) or a float32 .npy (n, 27)
  uint64_t data_seed = 1000;        // generator seed of the training data (validation: data_seed + 1)
  size_t train_jets = 500000;
  size_t val_jets = 50000;
  size_t test_jets = 100000;        // generated with data_seed + 2 for the metrics in the card
  uint64_t seed = 1;                // weights init and shuffling
  int epochs = 20;
  size_t batch = 256;
  double lr = 1e-3;
  double weight_decay = 0.0;
  std::string optimizer = "adam";   // adam | adamw
  std::string schedule = "cosine";  // cosine | constant
  int threads = 1;
  bool resume = false;
  bool standardise_angles = false;  // eta, phi standardised instead of eta / 3, phi / pi
  std::string checkpoint_dir;       // default <out_dir>/checkpoint (keep it out of shipped model dirs)
  double max_minutes = 0;           // stop (with a checkpoint) after this wall time; 0 = no limit
  std::string command_line;         // recorded in model.json
};

int run_jet_training(const JetTrainOptions& options);

}  // namespace daqz
