#include "util/sha256.h"

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
