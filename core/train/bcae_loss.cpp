#include "train/bcae_loss.h"

#include "codec_torch/bcae_model.h"

namespace daqz {

torch::Tensor soft_labels(const torch::Tensor& adc, const BcaeLossConfig& cfg) {
  return torch::sigmoid((torch::log2(adc + 1.0) - cfg.label_center_log2) * cfg.label_steepness);
}

torch::Tensor focal_loss(const torch::Tensor& prob, const torch::Tensor& label, double gamma) {
  constexpr double kEps = 1e-8;
  const auto p = prob.to(torch::kFloat);
  const auto pos = torch::pow(1.0 - p, gamma) * torch::log(p + kEps) * label;
  const auto neg = torch::pow(p, gamma) * torch::log(1.0 - p + kEps) * (1.0 - label);
  return -(pos + neg).mean();
}

torch::Tensor weighted_mse(const torch::Tensor& approx, const torch::Tensor& target, double weight_pow) {
  const auto w = torch::pow(target.abs(), weight_pow);
  return ((approx - target).pow(2) * w).sum() / w.sum().clamp_min(1e-12);
}

BcaeLosses BcaeLoss::operator()(const torch::Tensor& seg, const torch::Tensor& reg, const torch::Tensor& adc) {
  const auto segf = seg.to(torch::kFloat), regf = reg.to(torch::kFloat);
  const auto seg_loss = focal_loss(segf, soft_labels(adc, cfg_), cfg_.focal_gamma);
  const auto mask = segf.detach().gt(cfg_.mask_threshold).to(torch::kFloat);
  const auto combined = (torch::exp(regf) * kBcaeRegScale + kBcaeRegOffset) * mask;
  const auto reg_loss = weighted_mse(combined, adc, cfg_.reg_weight_pow);

  BcaeLosses out;
  out.seg = seg_loss.item<double>();
  out.reg = reg_loss.item<double>();
  out.balance = balance_;
  out.total = seg_loss * balance_ + reg_loss;
  if (out.seg > 0) {
    const double m = cfg_.balance_momentum;
    balance_ = (m * balance_ + out.reg / out.seg) / (1.0 + m);
  }
  return out;
}

}  // namespace daqz
