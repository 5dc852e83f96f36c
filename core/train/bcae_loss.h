// BCAE training losses (BCAE paper, arXiv:2111.05423, and the reference trainer):
//   segmentation  focal loss, gamma 2, on the sigmoid head against SOFT labels
//                 y = sigmoid(k * (log2(ADC + 1) - 6)): ~0 for empty voxels, 0.6 at ADC 65, ~1 above ~80;
//   regression    on the combined output  x̂ = (64 + 6 exp(r)) * [seg > 0.5], target-weighted MSE
//                 sum(|x|^0.1 (x̂ - x)^2) / sum(|x|^0.1)  (empty voxels weigh 0);
//   balance       total = c * L_seg + L_reg, with c a running average of L_reg / L_seg (detached) so both
//                 terms pull with equal weight; c starts at 20000 as in the reference trainer.
//
// LibTorch header (see models/torch_util.h). Not thread-safe (the balancer keeps state).
#pragma once

#include <torch/torch.h>

namespace daqz {

struct BcaeLossConfig {
  double focal_gamma = 2.0;
  double label_center_log2 = 6.0;   // log2(ADC + 1) where the soft label crosses 0.5
  double label_steepness = 10.0;    // k
  double reg_weight_pow = 0.1;
  double mask_threshold = 0.5;      // segmentation threshold used inside the regression loss
  double balance_momentum = 0.5;    // c <- (m c + L_reg / L_seg) / (1 + m)
  double initial_balance = 20000.0;
};

struct BcaeLosses {
  torch::Tensor total;  // differentiable
  double seg = 0;       // focal loss value
  double reg = 0;       // regression loss value
  double balance = 0;   // c used for `total`
};

torch::Tensor soft_labels(const torch::Tensor& adc, const BcaeLossConfig& cfg);
torch::Tensor focal_loss(const torch::Tensor& prob, const torch::Tensor& label, double gamma);
torch::Tensor weighted_mse(const torch::Tensor& approx, const torch::Tensor& target, double weight_pow);

class BcaeLoss {
 public:
  explicit BcaeLoss(BcaeLossConfig cfg = {}) : cfg_(cfg), balance_(cfg.initial_balance) {}
  // seg, reg, adc: same shape (N, A, 249, 16); adc is the raw (zero-suppressed) truth.
  BcaeLosses operator()(const torch::Tensor& seg, const torch::Tensor& reg, const torch::Tensor& adc);
  // The balancer is part of the training state (saved in checkpoints).
  double balance() const { return balance_; }
  void set_balance(double c) { balance_ = c; }
  const BcaeLossConfig& config() const { return cfg_; }

 private:
  BcaeLossConfig cfg_;
  double balance_;
};

}  // namespace daqz
