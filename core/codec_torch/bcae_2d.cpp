// bcae-2d: the fast variant. The 16 layers become channels and the wedge a 2-D image (azimuth x time),
// time padded 249 -> 256 so two stride-2 stages divide it exactly. Input log2(ADC + 1); code
// (8, A/4, 64) = 24576 values per full wedge, ratio 764928 / 24576 = 31.1 with fp16 latents.
// Same bicephalous decoder and regression transform as bcae-v1, with 2-D residual blocks.
#include "codec_torch/bcae_blocks.h"
#include "codec_torch/bcae_model.h"

namespace daqz {
namespace {

constexpr int64_t kLayers = 16;
constexpr int64_t kTime = 249;
constexpr int64_t kPaddedTime = 256;

std::vector<ConvSpec> encoder_specs() {
  return {
      {kLayers, 32, {4, 4}, {2, 2}, {1, 1}, false},
      {32, 64, {4, 4}, {2, 2}, {1, 1}, false},
      {64, 64, {3, 3}, {1, 1}, {1, 1}, false},
  };
}

std::vector<ConvSpec> decoder_specs() {
  return {
      {8, 64, {3, 3}, {1, 1}, {1, 1}, false},
      {64, 32, {4, 4}, {2, 2}, {1, 1}, true},
      {32, 16, {4, 4}, {2, 2}, {1, 1}, true},
  };
}

class Bcae2d final : public BcaeModel {
 public:
  Bcae2d() : encoder_(encoder_specs(), kCodeChannels), decoder_(decoder_specs(), kLayers) {}

  std::string arch() const override { return kBcae2dArch; }
  torch::nn::Module& encoder() override { return *encoder_; }
  torch::nn::Module& decoder() override { return *decoder_; }
  std::vector<int64_t> code_shape(int64_t azimuth) const override {
    return {kCodeChannels, azimuth / 4, kPaddedTime / 4};
  }
  int64_t azimuth_multiple() const override { return 4; }

  torch::Tensor encode(const torch::Tensor& adc) override {
    check_bcae_input(*this, adc);
    const auto dtype = encoder_->parameters().front().scalar_type();
    // (N, A, T, L) -> (N, L, A, T), log2(ADC + 1), zero-pad time to 256.
    auto x = torch::log2(adc.to(torch::kFloat) + 1.0).permute({0, 3, 1, 2});
    x = torch::constant_pad_nd(x, {0, kPaddedTime - kTime}, 0.0).to(dtype);
    if (channels_last_) x = x.contiguous(at::MemoryFormat::ChannelsLast);
    else x = x.contiguous();
    return encoder_->forward(x);
  }

  std::pair<torch::Tensor, torch::Tensor> decode(const torch::Tensor& code) override {
    const auto dtype = decoder_->parameters().front().scalar_type();
    auto [seg, reg] = decoder_->forward(code.to(dtype));
    auto back = [](const torch::Tensor& t) {
      return t.narrow(3, 0, kTime).permute({0, 2, 3, 1}).to(torch::kFloat).contiguous();
    };
    return {back(seg), back(reg)};
  }

  double encoder_macs() const override {
    std::vector<int64_t> extent{192, kPaddedTime};
    return residual_stack_macs(encoder_specs(), kCodeChannels, extent);
  }
  double decoder_macs() const override {
    std::vector<int64_t> extent{48, kPaddedTime / 4};
    return 2 * residual_stack_macs(decoder_specs(), kLayers, extent);
  }
  void set_channels_last(bool on) override { channels_last_ = on; }

 private:
  static constexpr int64_t kCodeChannels = 8;
  BcaeEncoder encoder_;
  BcaeDecoder decoder_;
  bool channels_last_ = false;
};

}  // namespace

std::unique_ptr<BcaeModel> make_bcae_2d_model() { return std::make_unique<Bcae2d>(); }

}  // namespace daqz
