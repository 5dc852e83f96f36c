#include "base/crc32c.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "base/crc32c_variants.h"
#include "base/xoshiro256.h"

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

// ---- every implementation against the byte-wise reference -------------------------------------

using Extend = uint32_t (*)(uint32_t, const uint8_t*, size_t);
struct Variant {
  const char* name;
  Extend fn;
};

// The implementations this CPU runs (the hardware ones only where the CPU has the instructions).
std::vector<Variant> runnable_variants() {
  using namespace crc32c_detail;
  std::vector<Variant> v{{"slice8", &extend_slice8}};
  if (have_sse42()) {
    v.push_back({"sse42", &extend_sse42});
    v.push_back({"sse42_3way", &extend_sse42_3way});
  }
  if (have_arm_crc()) v.push_back({"arm_crc", &extend_arm_crc});
  v.push_back({"dispatched", [](uint32_t c, const uint8_t* p, size_t n) { return crc32c_extend(c, p, n); }});
  return v;
}

std::vector<uint8_t> random_bytes(size_t n, uint64_t seed) {
  Xoshiro256 rng(seed);
  std::vector<uint8_t> b(n);
  for (auto& x : b) x = uint8_t(rng.next());
  return b;
}

TEST(Crc32c, KnownVectorsForEveryImplementation) {
  // RFC 3720 (iSCSI) B.4 test vectors and the CRC catalogue's check value.
  const std::vector<uint8_t> zeros(32, 0x00), ones(32, 0xFF);
  std::vector<uint8_t> ascending(32), descending(32);
  for (size_t i = 0; i < 32; ++i) ascending[i] = uint8_t(i), descending[i] = uint8_t(31 - i);
  const std::string check = "123456789";
  for (const Variant& v : runnable_variants()) {
    SCOPED_TRACE(v.name);
    EXPECT_EQ(v.fn(0, zeros.data(), 32), 0x8A9136AAu);
    EXPECT_EQ(v.fn(0, ones.data(), 32), 0x62A8AB43u);
    EXPECT_EQ(v.fn(0, ascending.data(), 32), 0x46DD794Eu);
    EXPECT_EQ(v.fn(0, descending.data(), 32), 0x113FDB5Cu);
    EXPECT_EQ(v.fn(0, reinterpret_cast<const uint8_t*>(check.data()), check.size()), 0xE3069283u);
  }
}

TEST(Crc32c, EveryImplementationEqualsTheReferenceAtEveryLengthAndAlignment) {
  const std::vector<uint8_t> data = random_bytes(300 + 16, 7);
  for (const Variant& v : runnable_variants()) {
    SCOPED_TRACE(v.name);
    for (size_t offset = 0; offset < 8; ++offset)
      for (size_t n = 0; n <= 300; ++n) {
        const uint8_t* p = data.data() + offset;
        const uint32_t seed_crc = uint32_t(n * 2654435761u);  // continuing a CRC, not only starting one
        ASSERT_EQ(v.fn(seed_crc, p, n), crc32c_detail::extend_bytewise(seed_crc, p, n))
            << "length " << n << ", offset " << offset;
      }
  }
}

TEST(Crc32c, EveryImplementationEqualsTheReferenceOnLargeBuffers) {
  // Around the 3-way path's block edges (3 x 256 and 3 x 8192 bytes) and a whole 187 kB wedge.
  const std::vector<uint8_t> data = random_bytes(200000, 11);
  const size_t sizes[] = {767, 768, 769, 1535, 1536, 2000, 24575, 24576, 24577, 49152 + 768 + 5, 187000, 199990};
  for (const Variant& v : runnable_variants()) {
    SCOPED_TRACE(v.name);
    for (size_t n : sizes)
      for (size_t offset : {0, 1, 5}) {
        const uint8_t* p = data.data() + offset;
        ASSERT_EQ(v.fn(0, p, n), crc32c_detail::extend_bytewise(0, p, n)) << "length " << n << ", offset " << offset;
      }
  }
}

TEST(Crc32c, ShiftAppendsZeroBytes) {
  // The identity the 3-way path relies on: crc(A || B) = shift(crc(A), |B|) ^ crc_from_zero(B).
  const std::vector<uint8_t> a = random_bytes(100, 3), b = random_bytes(333, 4);
  std::vector<uint8_t> ab(a);
  ab.insert(ab.end(), b.begin(), b.end());
  using namespace crc32c_detail;
  const Crc32cShift shift(b.size());
  const uint32_t joined = shift(raw_update_bytewise(~0u, a.data(), a.size())) ^ raw_update_bytewise(0, b.data(), b.size());
  EXPECT_EQ(~joined, crc32c(ab.data(), ab.size()));
}

TEST(Crc32c, CombineEqualsTheCrcOfTheJoinedBuffers) {
  for (size_t na : {0, 1, 7, 100}) {
    for (size_t nb : {0, 1, 3, 8, 64, 333, 4096, 187000}) {
      const std::vector<uint8_t> a = random_bytes(na, uint32_t(na + 11)), b = random_bytes(nb, uint32_t(nb + 5));
      std::vector<uint8_t> ab(a);
      ab.insert(ab.end(), b.begin(), b.end());
      ASSERT_EQ(crc32c_combine(crc32c(a.data(), a.size()), crc32c(b.data(), b.size()), b.size()),
                crc32c(ab.data(), ab.size()))
          << "|A| " << na << ", |B| " << nb;
    }
  }
  // A wrong CRC for B gives a wrong result: combine does not look at B's bytes.
  const std::vector<uint8_t> a = random_bytes(20, 1), b = random_bytes(50, 2);
  EXPECT_NE(crc32c_combine(crc32c(a.data(), a.size()), crc32c(b.data(), b.size()) ^ 1u, b.size()),
            crc32c_extend(crc32c(a.data(), a.size()), b.data(), b.size()));
}

TEST(Crc32c, NamesTheImplementationItDispatchesTo) {
  const std::string name = crc32c_implementation();
  if (crc32c_detail::have_sse42()) EXPECT_EQ(name, "sse4.2-3way");
  else if (crc32c_detail::have_arm_crc()) EXPECT_EQ(name, "armv8-crc");
  else EXPECT_EQ(name, "slice-by-8");
}

}  // namespace
}  // namespace daqz
