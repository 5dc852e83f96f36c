#include "base/tensor_allocator.h"

#include <malloc.h>

#include <cstdlib>
#include <cstring>
#include <mutex>

#include <spdlog/spdlog.h>

namespace daqz {
namespace {

constexpr int kMmapThresholdBytes = 32 << 20;   // glibc's upper limit on 64-bit
constexpr int kTrimThresholdBytes = 256 << 20;  // trim the heap top only beyond this much free memory

bool apply() {
  const char* env = std::getenv("DAQZ_MALLOC_TUNING");
  if (env != nullptr && std::strcmp(env, "0") == 0) {
    spdlog::info("allocator tuning off (DAQZ_MALLOC_TUNING=0): large tensors are mmapped per allocation");
    return false;
  }
  // mallopt returns 1 on success.
  const bool ok = mallopt(M_MMAP_THRESHOLD, kMmapThresholdBytes) == 1 &&
                  mallopt(M_TRIM_THRESHOLD, kTrimThresholdBytes) == 1;
  if (!ok) spdlog::warn("mallopt refused the tensor allocator settings; large tensors stay mmapped");
  return ok;
}

}  // namespace

bool keep_freed_tensor_memory() {
  static std::once_flag once;
  static bool active = false;
  std::call_once(once, [] { active = apply(); });
  return active;
}

}  // namespace daqz
