#include "base/sha256.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace daqz {
namespace {

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex("", 0), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  const std::string abc = "abc";
  EXPECT_EQ(sha256_hex(abc.data(), abc.size()),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// FIPS 180-4 examples and lengths around the 56- and 64-byte padding boundaries (expected values from
// Python's hashlib), fed whole and byte by byte through the file path.
TEST(Sha256, LongMessagesAndPaddingBoundaries) {
  const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  EXPECT_EQ(sha256_hex(two_blocks.data(), two_blocks.size()),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  const std::string million(1000000, 'a');
  EXPECT_EQ(sha256_hex(million.data(), million.size()),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  const std::pair<size_t, const char*> cases[] = {
      {55, "463eb28e72f82e0a96c0a4cc53690c571281131f672aa229e0d45ae59b598b59"},
      {56, "da2ae4d6b36748f2a318f23e7ab1dfdf45acdc9d049bd80e59de82a60895f562"},
      {63, "29af2686fd53374a36b0846694cc342177e428d1647515f078784d69cdb9e488"},
      {64, "fdeab9acf3710362bd2658cdc9a29e8f9c757fcf9811603a8c447cd1d9151108"},
      {65, "4bfd2c8b6f1eec7a2afeb48b934ee4b2694182027e6d0fc075074f2fabb31781"},
      {127, "92ca0fa6651ee2f97b884b7246a562fa71250fedefe5ebf270d31c546bfea976"},
      {128, "471fb943aa23c511f6f72f8d1652d9c880cfa392ad80503120547703e56a2be5"}};
  for (const auto& [n, expected] : cases) {
    std::string bytes;
    for (size_t i = 0; i < n; ++i) bytes.push_back(char(i % 251));
    EXPECT_EQ(sha256_hex(bytes.data(), bytes.size()), expected) << n << " bytes";
  }
}

TEST(Sha256, FileMatchesBuffer) {
  const std::string path = testing::TempDir() + "/sha256_test.bin";
  std::string payload(3 << 20, 'x');  // spans several read chunks
  std::ofstream(path, std::ios::binary) << payload;
  EXPECT_EQ(sha256_file_hex(path), sha256_hex(payload.data(), payload.size()));
  std::remove(path.c_str());
}

TEST(Sha256, MissingFileThrows) {
  EXPECT_THROW(sha256_file_hex("/nonexistent/daqz/weights.pt"), std::runtime_error);
}

}  // namespace
}  // namespace daqz
