// Quarantine files on the record log: entries round-trip, a damaged entry is skipped (the rest is
// read), a torn last entry is cut before appending, and files of the first format stay readable.
#include "storage/quarantine.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "storage/storage_test_util.h"
#include "base/crc32c.h"

namespace daqz {
namespace {

using testing::TempDir;

std::vector<uint8_t> bytes_of(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void put_bytes(const std::string& path, const std::vector<uint8_t>& b) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(b.data()), long(b.size()));
}

TEST(Quarantine, EntriesRoundTrip) {
  TempDir d("q-rt");
  const std::string path = d.str("sub/ingest.q");
  {
    QuarantineWriter q(path);
    EXPECT_TRUE(q.write(RejectReason::kBadCrc, "payload CRC mismatch", {1, 2, 3}));
    EXPECT_TRUE(q.write(RejectReason::kWrongShape, std::string(5000, 'x'), std::vector<uint8_t>(10000, 7)));
  }
  const auto e = read_quarantine(path);
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].reason, RejectReason::kBadCrc);
  EXPECT_EQ(e[0].text, "payload CRC mismatch");
  EXPECT_EQ(e[0].raw, (std::vector<uint8_t>{1, 2, 3}));
  EXPECT_GT(e[0].unix_ns, 0u);
  EXPECT_EQ(e[1].text.size(), 4096u) << "texts are capped";
  EXPECT_EQ(e[1].raw.size(), 10000u);
}

TEST(Quarantine, ReopeningAppendsAfterWhatIsThere) {
  TempDir d("q-append");
  const std::string path = d.str("q");
  for (int i = 0; i < 3; ++i) {
    QuarantineWriter q(path);
    q.write(RejectReason::kTruncated, "entry " + std::to_string(i), {uint8_t(i)});
  }
  const auto e = read_quarantine(path);
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[2].text, "entry 2");
}

TEST(Quarantine, DamagedEntryIsSkippedAndReported) {
  TempDir d("q-damage");
  const std::string path = d.str("q");
  {
    QuarantineWriter q(path);
    for (int i = 0; i < 5; ++i) q.write(RejectReason::kBadEnvelope, "entry " + std::to_string(i), std::vector<uint8_t>(100, uint8_t(i)));
  }
  auto b = bytes_of(path);
  b[b.size() / 2] ^= 0xFF;
  put_bytes(path, b);
  testing::Damage damage;
  const auto e = read_quarantine(path, &damage);
  EXPECT_EQ(e.size(), 4u);
  EXPECT_EQ(damage.regions, 1u);
  EXPECT_EQ(e.back().text, "entry 4") << "entries after the damage are read";
}

TEST(Quarantine, TornLastEntryIsCutBeforeAppending) {
  TempDir d("q-torn");
  const std::string path = d.str("q");
  {
    QuarantineWriter q(path);
    q.write(RejectReason::kBadCrc, "whole", {1});
    q.write(RejectReason::kBadCrc, "torn", std::vector<uint8_t>(50, 2));
  }
  auto b = bytes_of(path);
  b.resize(b.size() - 20);  // the writer died inside the second entry
  put_bytes(path, b);
  {
    QuarantineWriter q(path);
    q.write(RejectReason::kOversize, "after restart", {3});
  }
  testing::Damage damage;
  const auto e = read_quarantine(path, &damage);
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].text, "whole");
  EXPECT_EQ(e[1].text, "after restart");
  EXPECT_EQ(damage.regions, 0u) << "no partial entry may be followed by good ones";
}

TEST(Quarantine, FirstFormatFilesAreReadAndMovedAside) {
  TempDir d("q-legacy");
  const std::string path = d.str("q");
  std::vector<uint8_t> b;
  auto put = [&](const void* p, size_t n) { b.insert(b.end(), (const uint8_t*)p, (const uint8_t*)p + n); };
  for (int i = 0; i < 2; ++i) {
    const size_t start = b.size();
    const uint32_t magic = 0x31515144, raw_len = 2;
    const uint64_t ns = 1234;
    const uint16_t reason = uint16_t(RejectReason::kBadRuns), text_len = 3;
    put(&magic, 4), put(&ns, 8), put(&reason, 2), put(&text_len, 2), put("old", 3), put(&raw_len, 4);
    const uint8_t raw[2] = {9, uint8_t(i)};
    put(raw, 2);
    const uint32_t crc = crc32c(b.data() + start, b.size() - start);
    put(&crc, 4);
  }
  put_bytes(path, b);
  auto e = read_quarantine(path);
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[1].reason, RejectReason::kBadRuns);
  EXPECT_EQ(e[1].raw, (std::vector<uint8_t>{9, 1}));
  {
    QuarantineWriter q(path);
    q.write(RejectReason::kBadCrc, "new", {});
  }
  ASSERT_EQ(read_quarantine(path).size(), 1u);
  size_t aside = 0;
  for (const auto& f : std::filesystem::directory_iterator(d.path))
    if (f.path().string().find(".old") != std::string::npos) aside += read_quarantine(f.path().string()).size();
  EXPECT_EQ(aside, 2u) << "the first-format file is kept beside, still readable";
}

TEST(Quarantine, StopsKeepingBytesPastItsLimit) {
  TempDir d("q-limit");
  QuarantineWriter q(d.str("q"), 300);
  EXPECT_TRUE(q.write(RejectReason::kBadCrc, "a", std::vector<uint8_t>(100)));
  EXPECT_TRUE(q.write(RejectReason::kBadCrc, "b", std::vector<uint8_t>(100)));
  EXPECT_FALSE(q.write(RejectReason::kBadCrc, "c", std::vector<uint8_t>(100)));
  EXPECT_EQ(read_quarantine(d.str("q")).size(), 2u);
}

}  // namespace
}  // namespace daqz
