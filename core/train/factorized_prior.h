// A learned per-channel density for quantised latents: the "factorized prior" of Ballé, Minnen, Singh,
// Hwang, Johnston, "Variational image compression with a scale hyperprior" (ICLR 2018, appendix 6.1),
// written here from the paper's description.
//
// Each channel c has a cumulative c_c(x) = f_K(...f_1(x)) of small vector maps
//   f_k(x) = g_k(H_k x + b_k)  (k < K),   g_k(x) = x + tanh(a_k) * tanh(x),   f_K(x) = sigmoid(H_K x + b_K),
// with H_k = softplus(raw H_k) >= 0 so c is monotonic and hidden widths (1, 3, 3, 3, 1). The probability of a
// quantised value (unit bins, as the latents are measured in grid steps) is c(x + 1/2) - c(x - 1/2),
// computed on logits with the sign trick so that far tails do not round to 0.
//
//   FactorizedPrior prior(8);                       // 8 channels
//   auto p = prior->likelihood(z);                   // z: (N, C, ...) in grid units (noisy in training)
//   auto bits = -torch::log2(p).sum();               // differentiable in z and in the prior's parameters
//
// LibTorch module; not thread-safe for training.
#pragma once

#include <torch/torch.h>

namespace daqz {

class FactorizedPriorImpl : public torch::nn::Module {
 public:
  // init_scale: the initial density is roughly uniform over +-init_scale grid steps.
  explicit FactorizedPriorImpl(int64_t channels, double init_scale = 10.0);
  // Probability of the unit bin around each value, same shape as z, clamped to >= 1e-9.
  torch::Tensor likelihood(const torch::Tensor& z);
  int64_t channels() const { return channels_; }

 private:
  torch::Tensor logits_cdf(const torch::Tensor& x);  // x: (C, 1, M) -> (C, 1, M)
  int64_t channels_;
  std::vector<torch::Tensor> matrices_, biases_, factors_;
};
TORCH_MODULE(FactorizedPrior);

}  // namespace daqz
