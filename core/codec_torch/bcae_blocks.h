// Building blocks shared by the BCAE models (bcae-v1 in 3-D, bcae-2d in 2-D).
//
// ResidualBlock follows the BCAE reference (BNL NeuralCompression, TPCResidualBlock):
//   main path  main_block = [conv(k, s, p), LeakyReLU(0.2), InstanceNorm, conv 3x..x3 (s 1, p 1)]
//   side path  side_block = [conv(k, s, p), LeakyReLU(0.2), InstanceNorm]
//   output     InstanceNorm(LeakyReLU(rezero_alpha * main + side)),   rezero_alpha starts at 0
// "conv" is a convolution in encoders and a transposed convolution in decoders (the second main-path
// layer is always a plain convolution). Child names match the PyTorch state dicts
// ("main_block.0.weight", "side_block.0.bias", "rezero_alpha").
//
// LibTorch header (see torch_util.h). Modules are not thread-safe for concurrent training; concurrent
// forward passes under InferenceMode are fine.
#pragma once

#include <torch/torch.h>

#include <utility>
#include <vector>

namespace daqz {

inline constexpr double kBcaeLeakySlope = 0.2;

struct ConvSpec {
  int64_t in_channels = 1;
  int64_t out_channels = 1;
  std::vector<int64_t> kernel;   // one entry per spatial axis (2 or 3)
  std::vector<int64_t> stride;
  std::vector<int64_t> padding;
  bool transposed = false;       // ConvTranspose{2,3}d instead of Conv{2,3}d
};

// Builds Conv2d/Conv3d/ConvTranspose2d/ConvTranspose3d (dimension from spec.kernel.size()).
torch::nn::AnyModule make_conv(const ConvSpec& spec);
// A plain "same" 3x..x3 convolution with padding 1.
torch::nn::AnyModule make_conv3x3(int dims, int64_t in_channels, int64_t out_channels);

// Instance normalisation without parameters; statistics in fp32 (see instance_norm_fp32).
class InstanceNormImpl : public torch::nn::Module {
 public:
  torch::Tensor forward(const torch::Tensor& x);
};
TORCH_MODULE(InstanceNorm);

class ResidualBlockImpl : public torch::nn::Module {
 public:
  explicit ResidualBlockImpl(const ConvSpec& spec);
  torch::Tensor forward(const torch::Tensor& x);

  const ConvSpec& spec() const { return spec_; }

 private:
  // Inference path of encoder blocks: main_block.0 and side_block.0 read the same input with the same
  // geometry, so they run as ONE convolution with concatenated filters (and one LeakyReLU/InstanceNorm,
  // both per channel), then split. Exactly the same function; one im2col pass instead of two.
  torch::Tensor forward_fused(const torch::Tensor& x);

  ConvSpec spec_;
  torch::Tensor fused_weight_, fused_bias_;
  std::vector<int64_t> fused_key_;  // data pointers, versions and dtype of the four source tensors
  torch::nn::Sequential main_block_{nullptr};
  torch::nn::Sequential side_block_{nullptr};
  torch::Tensor rezero_alpha_;
};
TORCH_MODULE(ResidualBlock);

// Encoder: layers = [encoder_block_<i> (ResidualBlock) ...,
//                   encoder_output = [conv 3x..x3 -> code channels, LeakyReLU, InstanceNorm]].
// ("layers" is a plain container module so names read layers.encoder_block_0.main_block.0.weight.)
class BcaeEncoderImpl : public torch::nn::Module {
 public:
  BcaeEncoderImpl(const std::vector<ConvSpec>& blocks, int64_t code_channels);
  torch::Tensor forward(torch::Tensor x);

 private:
  std::vector<ResidualBlock> blocks_;
  torch::nn::Sequential output_{nullptr};
};
TORCH_MODULE(BcaeEncoder);

// One decoder head: layers = [decoder_block_<i> ..., decoder_output = [conv 3x..x3, activation]].
class BcaeDecoderHeadImpl : public torch::nn::Module {
 public:
  BcaeDecoderHeadImpl(const std::vector<ConvSpec>& blocks, int64_t out_channels, bool sigmoid);
  torch::Tensor forward(torch::Tensor x);

 private:
  std::vector<ResidualBlock> blocks_;
  torch::nn::Sequential output_{nullptr};
};
TORCH_MODULE(BcaeDecoderHead);

// Bicephalous decoder: decoder_c (segmentation, sigmoid) and decoder_r (regression), same layout.
class BcaeDecoderImpl : public torch::nn::Module {
 public:
  BcaeDecoderImpl(const std::vector<ConvSpec>& blocks, int64_t out_channels);
  std::pair<torch::Tensor, torch::Tensor> forward(const torch::Tensor& code) {
    return {decoder_c_->forward(code), decoder_r_->forward(code)};
  }

 private:
  BcaeDecoderHead decoder_c_{nullptr};
  BcaeDecoderHead decoder_r_{nullptr};
};
TORCH_MODULE(BcaeDecoder);

// Multiply-accumulates of a stack of residual blocks plus the final 3x..x3 output conv, for an input
// of spatial extent `extent`; updates `extent` to the output extent.
double residual_stack_macs(const std::vector<ConvSpec>& blocks, int64_t out_conv_channels,
                           std::vector<int64_t>& extent);

// Xavier-normal initialisation of every conv weight (gain 0.2, as the reference trainer) and zero
// biases; rezero_alpha stays 0. Deterministic given torch::manual_seed.
void init_bcae_weights(torch::nn::Module& module, double gain = 0.2);

}  // namespace daqz
