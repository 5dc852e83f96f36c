// The rate in the BCAE training loss (`daqz train --rate-lambda L`): quantisation in the loop and a
// learned entropy model, so training trades distortion against the bits the latent will cost.
//
// The latent is measured in steps of a fixed per-channel grid (lo_c, hi_c fitted on the starting model's
// training latents, K_train bits: step_c = (hi_c - lo_c) / (2^K - 1)), the grid the codec later uses
// (codec/latent_tables.h). In training the decoder sees y + step * u, u ~ U(-1/2, 1/2) (additive uniform
// noise: the differentiable stand-in for rounding) and the rate is -log2 P(z + u) under a factorized
// prior (train/factorized_prior.h) in grid units z = (y - lo) / step; at evaluation the latent is
// rounded to the grid. Loss = distortion + lambda * (bits per latent value).
//
//   RateTerm rate(cfg, /*channels=*/8);
//   rate.fit_grid(initial_codes);                  // (N, C, ...) codes of the starting model
//   auto r = rate.noisy(code, step);               // r.code_hat to the decoder, r.bits_per_value to the loss
//   loss = distortion + rate.lambda_at(step) * r.bits_per_value; loss.backward(); opt.step();
//   rate.train_prior(r.z.detach());
//
// The entropy model has its own Adam optimizer and loss (its likelihood, unweighted). Noise is
// drawn from a generator seeded by (seed, step), so a resumed run is bit-identical. Not thread-safe.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "train/factorized_prior.h"

namespace daqz {

struct RateTermConfig {
  double lambda = 0;              // weight of bits per latent value in the loss
  uint32_t bits = 5;              // K of the training grid
  int64_t lambda_warmup_steps = 100;  // lambda ramps up linearly while the entropy model settles
  double entropy_lr = 5e-3;       // Adam learning rate of the entropy model
  double grid_tail_fraction = 1e-4;   // grid lo/hi = these quantiles of the starting model's latents
  uint64_t seed = 1;
};

class RateTerm {
 public:
  RateTerm(const RateTermConfig& cfg, int64_t channels);

  // Fixes the grid from codes (N, C, ...) of the starting model, and centres the entropy model on them.
  void fit_grid(const torch::Tensor& codes);
  bool has_grid() const { return lo_.defined(); }

  struct Noisy {
    torch::Tensor code_hat;        // y + step * u, what the decoder sees
    torch::Tensor bits_per_value;  // scalar, differentiable (for the encoder's loss)
    torch::Tensor z;               // the noisy latent in grid units (for train_prior)
  };
  Noisy noisy(const torch::Tensor& code, int64_t step);
  // Rounds codes to the grid (evaluation: what the codec stores, before entropy coding).
  torch::Tensor quantize(const torch::Tensor& code) const;
  // Bits per value of rounded codes under the entropy model (no gradient): the rate an ideal coder
  // with this model would reach.
  double rounded_bits_per_value(const torch::Tensor& code);
  double lambda_at(int64_t step) const;

  // One Adam step of the entropy model on -log2 P(z) of a detached noisy latent. Run after the main
  // backward pass: it first clears whatever gradient that pass left on the prior, so the prior learns
  // from its own likelihood at full strength whatever lambda is (even 0 or during the warm-up).
  void train_prior(const torch::Tensor& z);

  void save(torch::serialize::OutputArchive& archive) const;
  void load(torch::serialize::InputArchive& archive);
  // {"bits_trained", "lo", "hi", "tail_fraction"}: what fit-tables needs to reuse the training grid.
  nlohmann::json grid_json() const;
  const RateTermConfig& config() const { return cfg_; }

 private:
  torch::Tensor to_grid_units(const torch::Tensor& code) const;   // (y - lo) / step - centre
  torch::Tensor from_grid_units(const torch::Tensor& z) const;
  torch::Tensor broadcast(const torch::Tensor& per_channel, const torch::Tensor& like) const;

  RateTermConfig cfg_;
  int64_t channels_;
  torch::Tensor lo_, hi_, centre_;  // (C) each; centre in grid units (the entropy model's origin)
  FactorizedPrior prior_;
  std::unique_ptr<torch::optim::Adam> optimizer_;
};

}  // namespace daqz
