#include "codec_torch/torch_util.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace daqz {
namespace {

// instance_norm_fp32 takes a batch-norm shortcut for one sample (no copy of channels-last input); it must
// equal ATen's instance norm for every layout, batch size and dtype the BCAE uses.
TEST(InstanceNorm, ShortcutMatchesAtenInstanceNorm) {
  torch::manual_seed(3);
  for (const int64_t n : {1, 2}) {
    const auto x = torch::randn({n, 8, 6, 7, 5}) * 3 + 1;
    const auto want = at::instance_norm(x, {}, {}, {}, {}, true, 0.1, 1e-5, false);
    for (const bool cl : {false, true}) {
      const auto in = cl ? x.contiguous(at::MemoryFormat::ChannelsLast3d) : x;
      const auto got = instance_norm_fp32(in);
      EXPECT_LT((got - want).abs().max().item<double>(), 1e-5) << "batch " << n << (cl ? " channels-last" : "");
      const auto got16 = instance_norm_fp32(in.to(torch::kBFloat16)).to(torch::kFloat);
      EXPECT_LT((got16 - want).abs().max().item<double>(), 0.05) << "bf16, batch " << n;
    }
  }
}

TEST(InstanceNorm, NormalisesEachChannelOfEachSample) {
  torch::manual_seed(4);
  const auto y = instance_norm_fp32(torch::randn({1, 4, 9, 8}) * 5 + 2);
  const auto mean = y.mean({2, 3}), var = y.var({2, 3}, /*unbiased=*/false);
  EXPECT_LT(mean.abs().max().item<double>(), 1e-5);
  EXPECT_LT((var - 1).abs().max().item<double>(), 1e-3);
}

}  // namespace
}  // namespace daqz
