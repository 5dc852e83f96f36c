#include "base/crc32c.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace daqz {
namespace {

TEST(Crc32c, MatchesStandardCheckValue) {
  const std::string s = "123456789";
  EXPECT_EQ(crc32c(s.data(), s.size()), 0xE3069283u);
}

TEST(Crc32c, EmptyIsZero) { EXPECT_EQ(crc32c(nullptr, 0), 0u); }

TEST(Crc32c, ExtendEqualsOneShotAtEverySplit) {
  std::vector<uint8_t> data(1000);
  for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i * 131 + 7);
  const uint32_t whole = crc32c(data.data(), data.size());
  for (size_t split : {0, 1, 7, 8, 9, 500, 999, 1000}) {
    uint32_t c = crc32c(data.data(), split);
    c = crc32c_extend(c, data.data() + split, data.size() - split);
    EXPECT_EQ(c, whole) << "split at " << split;
  }
}

TEST(Crc32c, DetectsSingleBitFlip) {
  std::vector<uint8_t> data(4096, 0x5A);
  const uint32_t before = crc32c(data.data(), data.size());
  data[1234] ^= 0x10;
  EXPECT_NE(crc32c(data.data(), data.size()), before);
}

}  // namespace
}  // namespace daqz
