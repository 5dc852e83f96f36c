// The rate term of rate-aware training: the factorized prior is a proper distribution over unit bins
// and learns a source's entropy; noise and rounding act on the fixed grid; the noise is reproducible
// per step (exact resume); lambda ramps up.
#include "train/rate_term.h"

#include <gtest/gtest.h>

#include <cmath>

namespace daqz {
namespace {

TEST(FactorizedPrior, BinProbabilitiesSumToOne) {
  torch::manual_seed(3);
  FactorizedPrior prior(2);
  auto z = torch::arange(-200, 201, torch::kFloat).view({1, 1, -1}).repeat({1, 2, 1});  // (N=1, C=2, 401)
  auto p = prior->likelihood(z);
  ASSERT_EQ(p.sizes(), z.sizes());
  for (int c = 0; c < 2; ++c) EXPECT_NEAR(p.select(1, c).sum().item<double>(), 1.0, 1e-3) << c;
  EXPECT_GT(p.min().item<double>(), 0.0);
}

// Codes (N, C=2, M) whose channels are discretised Laplacians of different widths, in grid units of a
// 6-bit grid over [-8, 8].
torch::Tensor laplacian_codes(int64_t n, uint64_t seed) {
  auto gen = at::detail::createCPUGenerator(seed);
  auto u = torch::rand({n, 2, 512}, gen) - 0.5;
  auto scale = torch::tensor({0.3f, 1.2f}).view({1, 2, 1});
  auto y = -scale * torch::sign(u) * torch::log1p(-2 * u.abs());
  return y.clamp(-8, 8);
}

TEST(RateTerm, PriorLearnsTheEntropyOfRoundedLatents) {
  torch::manual_seed(4);
  RateTermConfig cfg;
  cfg.bits = 6;
  cfg.entropy_lr = 2e-2;
  cfg.grid_tail_fraction = 0;
  RateTerm rate(cfg, 2);
  auto grid_codes = laplacian_codes(4, 1);
  grid_codes.select(2, 0).fill_(-8);  // pin the grid to [-8, 8] so the step is known
  grid_codes.select(2, 1).fill_(8);
  rate.fit_grid(grid_codes);
  const double step = 16.0 / 63.0;

  // Empirical entropy of the rounded levels (what a fitted table would reach).
  auto codes = laplacian_codes(8, 2);
  auto levels = torch::round((codes + 8) / step).to(torch::kLong);
  double entropy = 0;
  for (int c = 0; c < 2; ++c) {
    auto counts = torch::bincount(levels.select(1, c).flatten(), {}, 64).to(torch::kDouble);
    auto p = counts / counts.sum();
    entropy -= (p * torch::log2(p.clamp_min(1e-30))).sum().item<double>() / 2;
  }
  const double before = rate.rounded_bits_per_value(codes);
  for (int s = 0; s < 400; ++s) {
    auto r = rate.noisy(laplacian_codes(2, 100 + s), s);
    rate.train_prior(r.z);
  }
  const double after = rate.rounded_bits_per_value(codes);
  EXPECT_LT(after, before);
  EXPECT_NEAR(after, entropy, 0.15) << "before training " << before;
}

TEST(RateTerm, NoiseAndRoundingLiveOnTheGrid) {
  RateTermConfig cfg;
  cfg.bits = 4;
  cfg.grid_tail_fraction = 0;
  RateTerm rate(cfg, 2);
  auto codes = torch::linspace(-3, 5, 64).view({1, 1, 64}).repeat({2, 2, 1});
  rate.fit_grid(codes);
  const double step = 8.0 / 15.0;
  auto q = rate.quantize(codes);
  auto levels = (q + 3) / step;
  EXPECT_LT((levels - levels.round()).abs().max().item<double>(), 1e-4);
  EXPECT_LE((q - codes).abs().max().item<double>(), step / 2 + 1e-5);

  auto a = rate.noisy(codes, 17), b = rate.noisy(codes, 17), c = rate.noisy(codes, 18);
  EXPECT_TRUE(torch::equal(a.code_hat, b.code_hat)) << "same step, same noise (exact resume)";
  EXPECT_FALSE(torch::equal(a.code_hat, c.code_hat));
  EXPECT_LE((a.code_hat - codes).abs().max().item<double>(), step / 2 + 1e-5);
  EXPECT_GT(a.bits_per_value.item<double>(), 0.0);

  RateTermConfig ramp;
  ramp.lambda = 40;
  ramp.lambda_warmup_steps = 100;
  RateTerm r2(ramp, 2);
  EXPECT_DOUBLE_EQ(r2.lambda_at(0), 0.0);
  EXPECT_DOUBLE_EQ(r2.lambda_at(50), 20.0);
  EXPECT_DOUBLE_EQ(r2.lambda_at(500), 40.0);
  EXPECT_THROW(RateTerm(RateTermConfig{0, 11}, 2), std::invalid_argument);
}

TEST(RateTerm, LambdaPullsTheLatentTowardsCheaperValues) {
  // With the rate as the only loss, gradient steps on the latent itself must lower its bits.
  torch::manual_seed(5);
  RateTermConfig cfg;
  cfg.bits = 5;
  RateTerm rate(cfg, 2);
  auto init = laplacian_codes(2, 9);
  rate.fit_grid(init);
  for (int s = 0; s < 200; ++s) rate.train_prior(rate.noisy(init, s).z);
  auto y = init.clone().requires_grad_(true);
  torch::optim::SGD opt({y}, torch::optim::SGDOptions(0.05));
  const double before = rate.rounded_bits_per_value(y.detach());
  for (int s = 0; s < 50; ++s) {
    opt.zero_grad();
    auto r = rate.noisy(y, 1000 + s);
    (r.bits_per_value * double(y.numel())).backward();
    opt.step();
  }
  EXPECT_LT(rate.rounded_bits_per_value(y.detach()), before - 0.2);
}

}  // namespace
}  // namespace daqz
