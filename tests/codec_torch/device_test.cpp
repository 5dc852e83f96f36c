#include "codec_torch/device.h"

#include <gtest/gtest.h>

namespace daqz {
namespace {

TEST(Device, CpuIsAlwaysUsable) { EXPECT_NO_THROW(check_device("cpu")); }

TEST(Device, MalformedNamesAreRejected) {
  EXPECT_THROW(check_device("gpu0"), std::invalid_argument);
  EXPECT_THROW(check_device("cuda:x"), std::invalid_argument);
}

TEST(Device, CudaFailsClearlyWithoutCuda) {
  if (cuda_available()) GTEST_SKIP() << "CUDA is available here: nothing to refuse";
  try {
    check_device("cuda:0");
    FAIL() << "--device cuda:0 accepted by a LibTorch without CUDA";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("CPU-only"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace daqz
