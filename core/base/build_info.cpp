#include "base/build_info.h"

#include "base/build_git_hash.h"
#include "base/build_info_values.h"

namespace daqz {

const BuildInfo& build_info() {
  static const BuildInfo info{DAQZ_VERSION_STRING, DAQZ_GIT_HASH_STRING, DAQZ_TORCH_VERSION_STRING,
                              bool(DAQZ_BUILT_WITH_CUDA)};
  return info;
}

std::string build_info_string() {
  const BuildInfo& b = build_info();
  return "daqz " + b.version + " (git " + b.git_hash + ", LibTorch " + b.torch_version + ", CUDA " +
         (b.cuda_compiled ? "on" : "off") + ")";
}

}  // namespace daqz
