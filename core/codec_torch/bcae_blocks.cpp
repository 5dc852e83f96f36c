#include "codec_torch/bcae_blocks.h"

#include <cmath>
#include <stdexcept>

#include "codec_torch/torch_util.h"

namespace daqz {

torch::nn::AnyModule make_conv(const ConvSpec& s) {
  const size_t dims = s.kernel.size();
  if ((dims != 2 && dims != 3) || s.stride.size() != dims || s.padding.size() != dims)
    throw std::invalid_argument("ConvSpec needs 2 or 3 spatial axes with kernel, stride and padding each");
  if (dims == 3) {
    if (s.transposed)
      return torch::nn::AnyModule(torch::nn::ConvTranspose3d(
          torch::nn::ConvTranspose3dOptions(s.in_channels, s.out_channels, at::IntArrayRef(s.kernel))
              .stride(at::IntArrayRef(s.stride))
              .padding(at::IntArrayRef(s.padding))));
    return torch::nn::AnyModule(torch::nn::Conv3d(
        torch::nn::Conv3dOptions(s.in_channels, s.out_channels, at::IntArrayRef(s.kernel))
            .stride(at::IntArrayRef(s.stride))
            .padding(at::IntArrayRef(s.padding))));
  }
  if (s.transposed)
    return torch::nn::AnyModule(torch::nn::ConvTranspose2d(
        torch::nn::ConvTranspose2dOptions(s.in_channels, s.out_channels, at::IntArrayRef(s.kernel))
            .stride(at::IntArrayRef(s.stride))
            .padding(at::IntArrayRef(s.padding))));
  return torch::nn::AnyModule(torch::nn::Conv2d(
      torch::nn::Conv2dOptions(s.in_channels, s.out_channels, at::IntArrayRef(s.kernel))
          .stride(at::IntArrayRef(s.stride))
          .padding(at::IntArrayRef(s.padding))));
}

torch::nn::AnyModule make_conv3x3(int dims, int64_t in_channels, int64_t out_channels) {
  ConvSpec s;
  s.in_channels = in_channels;
  s.out_channels = out_channels;
  s.kernel.assign(dims, 3);
  s.stride.assign(dims, 1);
  s.padding.assign(dims, 1);
  return make_conv(s);
}

torch::Tensor InstanceNormImpl::forward(const torch::Tensor& x) { return instance_norm_fp32(x); }

ResidualBlockImpl::ResidualBlockImpl(const ConvSpec& spec) : spec_(spec) {
  const auto leaky = torch::nn::LeakyReLUOptions().negative_slope(kBcaeLeakySlope);
  main_block_ = torch::nn::Sequential();
  main_block_->push_back(make_conv(spec));
  main_block_->push_back(torch::nn::LeakyReLU(leaky));
  main_block_->push_back(InstanceNorm());
  main_block_->push_back(make_conv3x3(static_cast<int>(spec.kernel.size()), spec.out_channels,
                                      spec.out_channels));
  side_block_ = torch::nn::Sequential();
  side_block_->push_back(make_conv(spec));
  side_block_->push_back(torch::nn::LeakyReLU(leaky));
  side_block_->push_back(InstanceNorm());
  register_module("main_block", main_block_);
  register_module("side_block", side_block_);
  rezero_alpha_ = register_parameter("rezero_alpha", torch::zeros({1}));
}

torch::Tensor ResidualBlockImpl::forward_fused(const torch::Tensor& x) {
  const auto main_params = main_block_[0]->named_parameters(false);
  const auto side_params = side_block_[0]->named_parameters(false);
  const torch::Tensor& wm = main_params["weight"];
  const torch::Tensor& bm = main_params["bias"];
  const torch::Tensor& ws = side_params["weight"];
  const torch::Tensor& bs = side_params["bias"];
  std::vector<int64_t> key;
  for (const auto* t : {&wm, &bm, &ws, &bs}) {
    key.push_back(reinterpret_cast<int64_t>(t->data_ptr()));
    key.push_back(int64_t(t->is_inference() ? 0 : t->_version()));
  }
  key.push_back(int64_t(wm.scalar_type()));
  // The input may be wider than the weights (an fp32 wedge into a bf16 encoder): the fused convolution then
  // runs in the input's precision and its output is narrowed to the weights' (see BcaeV1::encode).
  key.push_back(int64_t(x.scalar_type()));
  if (key != fused_key_) {
    fused_weight_ = torch::cat({wm, ws}, 0).to(x.scalar_type());
    fused_bias_ = torch::cat({bm, bs}, 0).to(x.scalar_type());
    fused_key_ = key;
  }
  torch::Tensor y = spec_.kernel.size() == 3
                        ? torch::conv3d(x, fused_weight_, fused_bias_, spec_.stride, spec_.padding)
                        : torch::conv2d(x, fused_weight_, fused_bias_, spec_.stride, spec_.padding);
  y = instance_norm_fp32(torch::leaky_relu(y.to(wm.scalar_type()), kBcaeLeakySlope));
  const int64_t c = spec_.out_channels;
  auto side = y.narrow(1, c, c);
  auto main_in = y.narrow(1, 0, c);
  torch::Tensor main_out;
  if (spec_.kernel.size() == 3) main_out = main_block_->ptr<torch::nn::Conv3dImpl>(3)->forward(main_in);
  else main_out = main_block_->ptr<torch::nn::Conv2dImpl>(3)->forward(main_in);
  return instance_norm_fp32(torch::leaky_relu(torch::addcmul(side, main_out, rezero_alpha_), kBcaeLeakySlope));
}

torch::Tensor ResidualBlockImpl::forward(const torch::Tensor& x) {
  if (!spec_.transposed && !is_training() && c10::InferenceMode::is_enabled()) return forward_fused(x);
  auto side = side_block_->forward(x);
  auto main = main_block_->forward(x);
  // side + alpha * main in one out-of-place op (autograd-safe, one pass over memory).
  return instance_norm_fp32(torch::leaky_relu(torch::addcmul(side, main, rezero_alpha_), kBcaeLeakySlope));
}

BcaeEncoderImpl::BcaeEncoderImpl(const std::vector<ConvSpec>& blocks, int64_t code_channels) {
  auto layers = register_module("layers", std::make_shared<torch::nn::Module>());
  for (size_t i = 0; i < blocks.size(); ++i)
    blocks_.push_back(layers->register_module("encoder_block_" + std::to_string(i), ResidualBlock(blocks[i])));
  output_ = torch::nn::Sequential(make_conv3x3(static_cast<int>(blocks.back().kernel.size()),
                                               blocks.back().out_channels, code_channels));
  // As the reference's final release: the code itself goes through LeakyReLU and InstanceNorm, so
  // every code channel has zero mean and unit variance (which also suits fp16 storage).
  output_->push_back(torch::nn::LeakyReLU(torch::nn::LeakyReLUOptions().negative_slope(kBcaeLeakySlope)));
  output_->push_back(InstanceNorm());
  layers->register_module("encoder_output", output_);
}

torch::Tensor BcaeEncoderImpl::forward(torch::Tensor x) {
  for (auto& b : blocks_) x = b->forward(x);
  return output_->forward(x);
}

BcaeDecoderHeadImpl::BcaeDecoderHeadImpl(const std::vector<ConvSpec>& blocks, int64_t out_channels,
                                         bool sigmoid) {
  auto layers = register_module("layers", std::make_shared<torch::nn::Module>());
  for (size_t i = 0; i < blocks.size(); ++i)
    blocks_.push_back(layers->register_module("decoder_block_" + std::to_string(i), ResidualBlock(blocks[i])));
  output_ = torch::nn::Sequential(make_conv3x3(static_cast<int>(blocks.back().kernel.size()),
                                               blocks.back().out_channels, out_channels));
  if (sigmoid) output_->push_back(torch::nn::Sigmoid());
  else output_->push_back(torch::nn::Identity());
  layers->register_module("decoder_output", output_);
}

torch::Tensor BcaeDecoderHeadImpl::forward(torch::Tensor x) {
  for (auto& b : blocks_) x = b->forward(x);
  return output_->forward(x);
}

BcaeDecoderImpl::BcaeDecoderImpl(const std::vector<ConvSpec>& blocks, int64_t out_channels) {
  decoder_c_ = register_module("decoder_c", BcaeDecoderHead(blocks, out_channels, /*sigmoid=*/true));
  decoder_r_ = register_module("decoder_r", BcaeDecoderHead(blocks, out_channels, /*sigmoid=*/false));
}

namespace {
double prod(const std::vector<int64_t>& v) {
  double p = 1;
  for (auto x : v) p *= double(x);
  return p;
}
}  // namespace

double residual_stack_macs(const std::vector<ConvSpec>& blocks, int64_t out_conv_channels,
                           std::vector<int64_t>& extent) {
  double macs = 0;
  for (const auto& b : blocks) {
    const double in_positions = prod(extent);
    for (size_t d = 0; d < extent.size(); ++d) {
      extent[d] = b.transposed ? (extent[d] - 1) * b.stride[d] - 2 * b.padding[d] + b.kernel[d]
                               : (extent[d] + 2 * b.padding[d] - b.kernel[d]) / b.stride[d] + 1;
    }
    const double out_positions = prod(extent);
    // A transposed conv scatters every input position over the kernel; a conv gathers per output.
    const double per_conv = (b.transposed ? in_positions : out_positions) * double(b.in_channels) *
                            double(b.out_channels) * prod(b.kernel);
    const double same_conv = out_positions * double(b.out_channels) * double(b.out_channels) *
                             std::pow(3.0, double(extent.size()));
    macs += 2 * per_conv + same_conv;  // main + side path, then the main path's second conv
  }
  macs += prod(extent) * double(blocks.back().out_channels) * double(out_conv_channels) *
          std::pow(3.0, double(extent.size()));
  return macs;
}

void init_bcae_weights(torch::nn::Module& module, double gain) {
  torch::NoGradGuard no_grad;
  for (auto& p : module.named_parameters(true)) {
    const std::string& name = p.key();
    auto& t = p.value();
    const bool is_weight = name.size() >= 7 && name.compare(name.size() - 7, 7, ".weight") == 0;
    const bool is_bias = name.size() >= 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
    if (is_weight && t.dim() >= 3) torch::nn::init::xavier_normal_(t, gain);
    else if (is_bias) t.zero_();
  }
}

}  // namespace daqz
