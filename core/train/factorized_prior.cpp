#include "train/factorized_prior.h"

#include <cmath>

namespace daqz {
namespace {

constexpr int64_t kWidths[] = {1, 3, 3, 3, 1};
constexpr size_t kLayers = 4;
constexpr double kMinLikelihood = 1e-9;

}  // namespace

FactorizedPriorImpl::FactorizedPriorImpl(int64_t channels, double init_scale) : channels_(channels) {
  torch::NoGradGuard no_grad;
  // Each of the K+1 stages scales by init_scale^(1/(K+1)), so the initial cumulative spans ~init_scale.
  const double scale = std::pow(init_scale, 1.0 / double(kLayers + 1));
  for (size_t k = 0; k < kLayers; ++k) {
    const int64_t in = kWidths[k], out = kWidths[k + 1];
    // softplus(raw) = 1 / (scale * out): the inverse of softplus is log(expm1(v)).
    const double raw = std::log(std::expm1(1.0 / scale / double(out)));
    matrices_.push_back(register_parameter("matrix" + std::to_string(k), torch::full({channels, out, in}, raw)));
    biases_.push_back(register_parameter("bias" + std::to_string(k), torch::rand({channels, out, 1}) - 0.5));
    if (k + 1 < kLayers)
      factors_.push_back(register_parameter("factor" + std::to_string(k), torch::zeros({channels, out, 1})));
  }
}

torch::Tensor FactorizedPriorImpl::logits_cdf(const torch::Tensor& x) {
  torch::Tensor h = x;
  for (size_t k = 0; k < kLayers; ++k) {
    h = torch::bmm(torch::softplus(matrices_[k]), h) + biases_[k];
    if (k + 1 < kLayers) h = h + torch::tanh(factors_[k]) * torch::tanh(h);
  }
  return h;
}

torch::Tensor FactorizedPriorImpl::likelihood(const torch::Tensor& z) {
  TORCH_CHECK(z.dim() >= 2 && z.size(1) == channels_, "factorized prior: expected (N, ", channels_,
              ", ...) latents, got ", z.sizes());
  // (N, C, rest...) -> (C, 1, N * rest): one column of values per channel.
  const auto values = z.transpose(0, 1).reshape({channels_, 1, -1});
  const auto lower = logits_cdf(values - 0.5);
  const auto upper = logits_cdf(values + 0.5);
  // Subtract on the side of the sigmoid where both values are small (precision in the tails).
  const auto sign = -torch::sign(lower + upper).detach();
  const auto p = torch::abs(torch::sigmoid(sign * upper) - torch::sigmoid(sign * lower)).clamp_min(kMinLikelihood);
  std::vector<int64_t> moved_shape = z.transpose(0, 1).sizes().vec();
  return p.reshape(moved_shape).transpose(0, 1);
}

}  // namespace daqz
