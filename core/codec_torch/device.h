// Compute-device names ("cpu", "cuda", "cuda:N") checked against what this LibTorch build and
// machine offer, without exposing LibTorch to the caller.
//
//   check_device(cfg.device);   // throws std::invalid_argument with the reason, e.g. at service start
#pragma once

#include <string>

namespace daqz {

// Throws std::invalid_argument naming the device when it is malformed, or CUDA when this LibTorch
// was built without CUDA or no CUDA device is visible.
void check_device(const std::string& device);

// True when this LibTorch build has CUDA and at least one device is visible.
bool cuda_available();

}  // namespace daqz
