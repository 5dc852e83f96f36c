// BcaeModel: one BCAE architecture (encoder + bicephalous decoder) behind a common interface, used by
// the bcae codec, the trainer and the benches.
//
//   auto model = make_bcae_model("bcae-v1");                 // or "bcae-2d"
//   load_state_dict(model->encoder(), read_state_dict(enc_path), "encoder");
//   torch::Tensor code = model->encode(adc);                // adc: (N, A, 249, 16) float ADC
//   auto [seg, reg] = model->decode(code.to(torch::kFloat)); // both (N, A, 249, 16)
//   torch::Tensor recon = combine_bcae_output(seg, reg, 0.5);
//
// Wedges enter as raw ADC values (N, azimuth, time, layer), float; each architecture applies its own
// input transform. The azimuth extent may be any multiple of azimuth_multiple() (training uses crops);
// time must be 249 and layers 16. LibTorch header (see torch_util.h). Not thread-safe for training;
// concurrent forward passes under InferenceMode are fine.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace daqz {

inline constexpr char kBcaeV1Arch[] = "bcae-v1";
inline constexpr char kBcae2dArch[] = "bcae-2d";

// Regression transform of every BCAE decoder: ADC = 64 + 6 * exp(y).
inline constexpr double kBcaeRegOffset = 64.0;
inline constexpr double kBcaeRegScale = 6.0;

class BcaeModel {
 public:
  virtual ~BcaeModel() = default;
  virtual std::string arch() const = 0;
  virtual torch::nn::Module& encoder() = 0;   // saved as encoder.pt
  virtual torch::nn::Module& decoder() = 0;   // saved as decoder.pt (heads decoder_c, decoder_r)
  // Code shape of one wedge of `azimuth` bins (without the batch axis).
  virtual std::vector<int64_t> code_shape(int64_t azimuth = 192) const = 0;
  virtual int64_t azimuth_multiple() const = 0;
  // (N, A, 249, 16) ADC -> (N, code...) in the encoder's parameter dtype.
  virtual torch::Tensor encode(const torch::Tensor& adc) = 0;
  // (N, code...) -> {segmentation probability, regression output}, each (N, A, 249, 16), fp32.
  virtual std::pair<torch::Tensor, torch::Tensor> decode(const torch::Tensor& code) = 0;
  // Multiply-accumulates of one forward pass per full wedge (analytic count over every conv layer).
  virtual double encoder_macs() const = 0;
  virtual double decoder_macs() const = 0;
  // Feed the encoder channels-last activations (NDHWC / NHWC), which oneDNN may run faster.
  virtual void set_channels_last(bool on) = 0;
  // A bf16 encoder runs its first convolution in fp32 where that is faster (bcae-v1: one input channel);
  // on by default, a no-op for architectures without such a layer.
  virtual void set_fp32_first_conv(bool /*on*/) {}
};

// Throws std::invalid_argument naming the known architectures.
std::unique_ptr<BcaeModel> make_bcae_model(const std::string& arch);
std::vector<std::string> known_bcae_archs();

// ADC = 64 + 6 * exp(reg) where seg >= threshold, else 0 (fp32, same shape).
torch::Tensor combine_bcae_output(const torch::Tensor& seg, const torch::Tensor& reg, double threshold);

// Checks an ADC batch (N, A, 249, 16) against the model; throws std::invalid_argument otherwise.
void check_bcae_input(const BcaeModel& model, const torch::Tensor& adc);

// Multiply-accumulates of a convolution producing `out_positions` outputs (or, transposed, consuming
// `in_positions` inputs: every input scatters kernel x out_channels products).
double conv_macs(int64_t positions, int64_t in_channels, int64_t out_channels, const std::vector<int64_t>& kernel);

}  // namespace daqz
