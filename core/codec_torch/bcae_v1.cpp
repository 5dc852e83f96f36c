// bcae-v1: the BCAE of the public BNL NeuralCompression final release, layer for layer, so that its
// state dicts load unchanged. Input: raw ADC as one channel, (N, 1, A, 249, 16); code (8, A/16, 15, 16).
#include <cmath>

#include "codec_torch/bcae_blocks.h"
#include "codec_torch/bcae_model.h"

namespace daqz {
namespace {

std::vector<ConvSpec> v1_encoder_specs() {
  // out channels, kernel, padding; every stride is [2, 2, 1].
  return {
      {1, 8, {4, 3, 3}, {2, 2, 1}, {1, 0, 1}, false},
      {8, 16, {4, 4, 3}, {2, 2, 1}, {1, 1, 1}, false},
      {16, 32, {4, 4, 3}, {2, 2, 1}, {1, 1, 1}, false},
      {32, 32, {4, 3, 3}, {2, 2, 1}, {1, 0, 1}, false},
  };
}

std::vector<ConvSpec> v1_decoder_specs() {
  return {
      {8, 16, {4, 3, 3}, {2, 2, 1}, {1, 0, 1}, true},
      {16, 8, {4, 4, 3}, {2, 2, 1}, {1, 1, 1}, true},
      {8, 4, {4, 4, 3}, {2, 2, 1}, {1, 1, 1}, true},
      {4, 2, {4, 3, 3}, {2, 2, 1}, {1, 0, 1}, true},
  };
}

class BcaeV1 final : public BcaeModel {
 public:
  BcaeV1() : encoder_(v1_encoder_specs(), kCodeChannels), decoder_(v1_decoder_specs(), 1) {}

  std::string arch() const override { return kBcaeV1Arch; }
  torch::nn::Module& encoder() override { return *encoder_; }
  torch::nn::Module& decoder() override { return *decoder_; }
  std::vector<int64_t> code_shape(int64_t azimuth) const override {
    return {kCodeChannels, azimuth / 16, 15, 16};
  }
  int64_t azimuth_multiple() const override { return 16; }

  torch::Tensor encode(const torch::Tensor& adc) override {
    check_bcae_input(*this, adc);
    const auto dtype = encoder_->parameters().front().scalar_type();
    // A bf16 encoder keeps its first convolution in fp32: with one input channel oneDNN's bf16 kernel is
    // slower than the fp32 one (whole encoder 45 -> 52 wedges/s on 2 cores, docs/bcae.md), and the raw
    // ADC keeps full precision into it.
    // Only the fused inference path (InferenceMode, eval) accepts the wider input.
    const bool fp32_first = dtype == at::kBFloat16 && fp32_first_conv_ && !encoder_->is_training() &&
                            c10::InferenceMode::is_enabled();
    auto x = adc.unsqueeze(1).to(fp32_first ? at::kFloat : dtype);
    if (channels_last_) x = x.contiguous(at::MemoryFormat::ChannelsLast3d);
    return encoder_->forward(x);
  }

  std::pair<torch::Tensor, torch::Tensor> decode(const torch::Tensor& code) override {
    const auto dtype = decoder_->parameters().front().scalar_type();
    auto [seg, reg] = decoder_->forward(code.to(dtype));
    return {seg.squeeze(1).to(torch::kFloat), reg.squeeze(1).to(torch::kFloat)};
  }

  double encoder_macs() const override {
    std::vector<int64_t> extent{192, 249, 16};
    return residual_stack_macs(v1_encoder_specs(), kCodeChannels, extent);
  }
  double decoder_macs() const override {
    std::vector<int64_t> extent{12, 15, 16};
    return 2 * residual_stack_macs(v1_decoder_specs(), 1, extent);
  }
  void set_channels_last(bool on) override { channels_last_ = on; }
  void set_fp32_first_conv(bool on) override { fp32_first_conv_ = on; }

 private:
  static constexpr int64_t kCodeChannels = 8;
  BcaeEncoder encoder_;
  BcaeDecoder decoder_;
  bool channels_last_ = false;
  bool fp32_first_conv_ = true;
};

}  // namespace

std::unique_ptr<BcaeModel> make_bcae_v1_model() { return std::make_unique<BcaeV1>(); }

}  // namespace daqz
