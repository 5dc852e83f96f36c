#include "train/rate_term.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace daqz {

RateTerm::RateTerm(const RateTermConfig& cfg, int64_t channels)
    : cfg_(cfg), channels_(channels), prior_(channels) {
  if (cfg_.bits < 2 || cfg_.bits > 10) throw std::invalid_argument("train: --rate-bits must be in 2..10");
  if (!(cfg_.lambda >= 0)) throw std::invalid_argument("train: --rate-lambda must be >= 0");
  optimizer_ = std::make_unique<torch::optim::Adam>(prior_->parameters(), torch::optim::AdamOptions(cfg_.entropy_lr));
}

torch::Tensor RateTerm::broadcast(const torch::Tensor& per_channel, const torch::Tensor& like) const {
  std::vector<int64_t> shape(size_t(like.dim()), 1);
  shape[1] = channels_;
  return per_channel.view(shape);
}

void RateTerm::fit_grid(const torch::Tensor& codes) {
  torch::NoGradGuard no_grad;
  TORCH_CHECK(codes.dim() >= 2 && codes.size(1) == channels_, "rate term: codes of shape ", codes.sizes(),
              ", expected (N, ", channels_, ", ...)");
  const auto per_channel = codes.to(torch::kFloat).transpose(0, 1).reshape({channels_, -1}).contiguous();
  const int64_t n = per_channel.size(1);
  const auto sorted = std::get<0>(per_channel.sort(1));
  const int64_t k = int64_t(std::floor(cfg_.grid_tail_fraction * double(n - 1)));
  lo_ = sorted.select(1, k).clone();
  hi_ = sorted.select(1, n - 1 - k).clone();
  if (!(hi_ > lo_).all().item<bool>()) throw std::runtime_error("rate term: a latent channel is constant");
  const double levels = double((1u << cfg_.bits) - 1);
  centre_ = ((per_channel.mean(1) - lo_) / ((hi_ - lo_) / levels)).round();
}

torch::Tensor RateTerm::to_grid_units(const torch::Tensor& code) const {
  const double levels = double((1u << cfg_.bits) - 1);
  const auto step = (hi_ - lo_) / levels;
  return (code - broadcast(lo_, code)) / broadcast(step, code) - broadcast(centre_, code);
}

torch::Tensor RateTerm::from_grid_units(const torch::Tensor& z) const {
  const double levels = double((1u << cfg_.bits) - 1);
  const auto step = (hi_ - lo_) / levels;
  return (z + broadcast(centre_, z)) * broadcast(step, z) + broadcast(lo_, z);
}

double RateTerm::lambda_at(int64_t step) const {
  if (cfg_.lambda_warmup_steps <= 0 || step >= cfg_.lambda_warmup_steps) return cfg_.lambda;
  return cfg_.lambda * double(step) / double(cfg_.lambda_warmup_steps);
}

RateTerm::Noisy RateTerm::noisy(const torch::Tensor& code, int64_t step) {
  if (!has_grid()) throw std::logic_error("rate term: fit_grid() must run before training");
  const auto y = code.to(torch::kFloat);
  auto gen = at::detail::createCPUGenerator(cfg_.seed * 0x9E3779B97F4A7C15ull + uint64_t(step));
  const auto u = torch::rand(y.sizes(), gen, torch::kFloat) - 0.5;
  const auto z = to_grid_units(y) + u;
  const auto bits = -torch::log2(prior_->likelihood(z)).sum() / double(z.numel());
  return {from_grid_units(z), bits, z};
}

void RateTerm::train_prior(const torch::Tensor& z) {
  optimizer_->zero_grad();
  const auto bits = -torch::log2(prior_->likelihood(z.detach())).sum() / double(z.numel());
  bits.backward();
  optimizer_->step();
}

torch::Tensor RateTerm::quantize(const torch::Tensor& code) const {
  const auto y = code.to(torch::kFloat);
  return from_grid_units(torch::round(to_grid_units(y)));
}

double RateTerm::rounded_bits_per_value(const torch::Tensor& code) {
  torch::NoGradGuard no_grad;
  const auto z = torch::round(to_grid_units(code.to(torch::kFloat)));
  return (-torch::log2(prior_->likelihood(z)).sum() / double(z.numel())).item<double>();
}

void RateTerm::save(torch::serialize::OutputArchive& archive) const {
  torch::serialize::OutputArchive prior, opt;
  prior_->save(prior);
  optimizer_->save(opt);
  archive.write("prior", prior);
  archive.write("optimizer", opt);
  archive.write("lo", lo_);
  archive.write("hi", hi_);
  archive.write("centre", centre_);
}

void RateTerm::load(torch::serialize::InputArchive& archive) {
  torch::serialize::InputArchive prior, opt;
  archive.read("prior", prior);
  archive.read("optimizer", opt);
  prior_->load(prior);
  optimizer_->load(opt);
  lo_ = torch::empty({channels_});
  hi_ = torch::empty({channels_});
  centre_ = torch::empty({channels_});
  archive.read("lo", lo_);
  archive.read("hi", hi_);
  archive.read("centre", centre_);
}

nlohmann::json RateTerm::grid_json() const {
  auto vec = [](const torch::Tensor& t) {
    const auto c = t.to(torch::kFloat).contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  };
  return {{"bits_trained", cfg_.bits}, {"lo", vec(lo_)}, {"hi", vec(hi_)},
          {"tail_fraction", cfg_.grid_tail_fraction}};
}

}  // namespace daqz
