// Build identity: version, git hash, LibTorch version, CUDA support. Shown by --version and
// exported as the daqz_build_info metric.
#pragma once

#include <string>

namespace daqz {

struct BuildInfo {
  std::string version;
  std::string git_hash;
  std::string torch_version;
  bool cuda_compiled;
};

const BuildInfo& build_info();
std::string build_info_string();  // "daqz 0.1.0 (git abc123, LibTorch 1.13.0, CUDA off)"

}  // namespace daqz
