#include "codec_torch/torch_util.h"

#include <fstream>
#include <sstream>
#include <string>

namespace daqz {

torch::Device parse_torch_device(const std::string& device) {
  if (device == "cpu") return torch::Device(torch::kCPU);
  if (device.rfind("cuda", 0) == 0) {
    int index = -1;
    if (device.size() > 4) {
      if (device[4] != ':' || device.size() == 5)
        throw std::invalid_argument("device '" + device + "' is malformed; expected cpu, cuda or cuda:N");
      try {
        size_t used = 0;
        index = std::stoi(device.substr(5), &used);
        if (used != device.size() - 5 || index < 0) throw std::invalid_argument("index");
      } catch (const std::exception&) {
        throw std::invalid_argument("device '" + device + "' has a bad index; expected cuda:N with N >= 0");
      }
    }
    if (!torch::cuda::is_available())
      throw std::invalid_argument("device '" + device +
                                  "' requested but CUDA is not available in this LibTorch build/machine");
    const int count = static_cast<int>(torch::cuda::device_count());
    if (index >= count)
      throw std::invalid_argument("device '" + device + "' does not exist; this machine has " +
                                  std::to_string(count) + " CUDA device(s)");
    return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index < 0 ? 0 : index));
  }
  throw std::invalid_argument("device '" + device + "' is unknown; expected cpu, cuda or cuda:N");
}

at::ScalarType parse_precision(const std::string& precision) {
  if (precision == "fp32" || precision == "float32" || precision == "float") return at::kFloat;
  if (precision == "bf16" || precision == "bfloat16") return at::kBFloat16;
  if (precision == "fp16" || precision == "float16" || precision == "half") return at::kHalf;
  throw std::invalid_argument("precision '" + precision + "' is unknown; expected fp32, bf16 or fp16");
}

std::string precision_name(at::ScalarType t) {
  return t == at::kBFloat16 ? "bf16" : (t == at::kHalf ? "fp16" : "fp32");
}

void set_torch_threads(int n) {
  if (n > 0 && at::get_num_threads() != n) at::set_num_threads(n);
}

std::string shape_string(at::IntArrayRef sizes) {
  std::ostringstream s;
  s << "[";
  for (size_t i = 0; i < sizes.size(); ++i) s << (i ? ", " : "") << sizes[i];
  s << "]";
  return s.str();
}

torch::Tensor instance_norm_fp32(const torch::Tensor& x, double eps) {
  // ATen's CPU kernel accumulates bf16 statistics in fp32 itself, and is ~19x faster than converting the
  // tensor to fp32 first (measured: 1.0 vs 19 ms for an 8 x 96 x 124 x 16 activation, one core).
  // One sample: instance norm is batch norm with batch statistics, and calling it directly skips
  // instance_norm's input.contiguous(), which would copy every channels-last activation to NC(D)HW.
  if (x.size(0) == 1)
    return at::batch_norm(x, {}, {}, {}, {}, /*training=*/true, 0.1, eps, /*cudnn_enabled=*/false);
  return at::instance_norm(x, {}, {}, {}, {}, /*use_input_stats=*/true, 0.1, eps, /*cudnn_enabled=*/false);
}

bool cpu_has_native_bf16() {
  static const bool native = [] {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line))
      if (line.rfind("flags", 0) == 0)
        return line.find(" avx512_bf16") != std::string::npos || line.find(" amx_bf16") != std::string::npos;
    return false;
  }();
  return native;
}

}  // namespace daqz
