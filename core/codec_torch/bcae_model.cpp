#include "codec_torch/bcae_model.h"

#include <stdexcept>

#include "codec_torch/torch_util.h"

namespace daqz {

// Defined in bcae_v1.cpp and bcae_2d.cpp.
std::unique_ptr<BcaeModel> make_bcae_v1_model();
std::unique_ptr<BcaeModel> make_bcae_2d_model();

std::vector<std::string> known_bcae_archs() { return {kBcaeV1Arch, kBcae2dArch}; }

std::unique_ptr<BcaeModel> make_bcae_model(const std::string& arch) {
  if (arch == kBcaeV1Arch) return make_bcae_v1_model();
  if (arch == kBcae2dArch) return make_bcae_2d_model();
  throw std::invalid_argument("BCAE architecture '" + arch + "' is unknown; known: bcae-v1, bcae-2d");
}

torch::Tensor combine_bcae_output(const torch::Tensor& seg, const torch::Tensor& reg, double threshold) {
  auto adc = torch::exp(reg.to(torch::kFloat)).mul_(kBcaeRegScale).add_(kBcaeRegOffset);
  return adc.mul_(seg.ge(threshold));
}

void check_bcae_input(const BcaeModel& model, const torch::Tensor& adc) {
  const auto m = model.azimuth_multiple();
  if (adc.dim() != 4 || adc.size(2) != 249 || adc.size(3) != 16 || adc.size(1) % m != 0 || adc.size(1) == 0)
    throw std::invalid_argument(model.arch() + " expects ADC batches (N, A, 249, 16) with A a positive multiple of " +
                                std::to_string(m) + ", got " + shape_string(adc.sizes()));
}

double conv_macs(int64_t positions, int64_t in_channels, int64_t out_channels, const std::vector<int64_t>& kernel) {
  double k = 1;
  for (auto x : kernel) k *= double(x);
  return double(positions) * double(in_channels) * double(out_channels) * k;
}

}  // namespace daqz
