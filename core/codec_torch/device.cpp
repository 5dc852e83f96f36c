#include "codec_torch/device.h"

#include <torch/torch.h>

#include <stdexcept>

#include "codec_torch/torch_util.h"

namespace daqz {

bool cuda_available() { return torch::cuda::is_available(); }

void check_device(const std::string& device) {
  try {
    (void)parse_torch_device(device);
  } catch (const std::exception& e) {
    throw std::invalid_argument("--device '" + device + "': " + e.what() +
                                (device.rfind("cuda", 0) == 0
                                     ? " (Debian's libtorch-dev is CPU-only: build against a CUDA-enabled "
                                       "LibTorch, see README, or use --device cpu)"
                                     : ""));
  }
}

}  // namespace daqz
