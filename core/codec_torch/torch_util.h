// Small LibTorch helpers shared by every model, codec and trainer: device and precision parsing,
// thread setup, and turning c10::Error into messages that name the operation.
//
//   torch::Device dev = parse_torch_device("cpu");          // "cuda:1" fails without CUDA
//   at::ScalarType p = parse_precision("bf16");              // fp32 | bf16
//
// LibTorch header: include only from .cpp files that already use LibTorch (core/models, core/train,
// model codecs, tests and benches of those). Functions are thread-safe except set_torch_threads,
// which changes the process-wide intra-op pool size.
#pragma once

#include <torch/torch.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace daqz {

// Parses "cpu", "cuda" or "cuda:N". Throws std::invalid_argument for anything else and when CUDA is
// requested but torch::cuda::is_available() is false (naming the device and the reason).
torch::Device parse_torch_device(const std::string& device);

// Parses "fp32" / "float32" / "bf16" / "bfloat16" / "fp16" / "float16". Throws std::invalid_argument.
at::ScalarType parse_precision(const std::string& precision);
std::string precision_name(at::ScalarType t);

// Sets the intra-op thread count (at::set_num_threads) when n > 0 and it differs from the current one.
void set_torch_threads(int n);

// True when this CPU computes bf16 in hardware (AVX512-BF16 or AMX-BF16, from /proc/cpuinfo). Without
// it oneDNN emulates bf16 convolutions: slower than fp32 and measurably less accurate (bcae-v1 probe
// MSE +5 % on an AVX2-only AMD EPYC), so the codec warns and the bf16 fidelity test does not apply.
bool cpu_has_native_bf16();

// "[1, 192, 249, 16]"
std::string shape_string(at::IntArrayRef sizes);

// Instance normalisation without affine parameters (as torch.nn.InstanceNorm{2,3}d defaults:
// eps 1e-5, statistics over all spatial axes per sample and channel), returned in the input dtype.
// For bf16 input the statistics are still accumulated in fp32 (ATen's CPU kernel does so).
torch::Tensor instance_norm_fp32(const torch::Tensor& x, double eps = 1e-5);

}  // namespace daqz
