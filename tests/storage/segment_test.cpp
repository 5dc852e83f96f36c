// Segments: writing, rotation, reading files of the original format, and recovery, which must
// never delete an acknowledged record: corrupt regions are kept and skipped by readers, and only a
// torn record at the very end of the newest segment is cut.
#include "storage/segment.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <random>

#include "storage/fault_files.h"
#include "storage/storage_test_util.h"
#include "base/crc32c.h"

namespace daqz {
namespace {

namespace fs = std::filesystem;
using testing::read_folder;
using testing::TempDir;
using testing::test_record;

std::vector<uint8_t> file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void write_bytes(const std::string& path, const std::vector<uint8_t>& b) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(b.data()), long(b.size()));
}
bool same(const Message& a, const Message& b) {
  return a.envelope.SerializeAsString() == b.envelope.SerializeAsString() && a.payload == b.payload;
}

SegmentWriterConfig config(const TempDir& d, uint64_t max_bytes = SegmentWriterConfig::kDefaultMaxBytes) {
  SegmentWriterConfig c;
  c.dir = d.str("seg");
  c.max_bytes = max_bytes;
  c.fsync = FsyncPolicy::kNever;
  return c;
}

// Record starts of a segment, from the reader.
std::vector<uint64_t> record_offsets(const std::string& path) {
  SegmentReader r(path);
  std::vector<uint64_t> out{r.good_bytes()};
  while (r.next()) out.push_back(r.good_bytes());
  out.pop_back();
  return out;
}

TEST(Segment, WritesAndReadsRecordsWithAHeaderNamingTheirModels) {
  TempDir d("seg-rw");
  std::vector<Message> sent;
  {
    SegmentWriter w(config(d));
    for (uint64_t i = 0; i < 5; ++i) {
      sent.push_back(test_record({"felix-0", 42, i}, 100 + i * 50));
      const AppendResult r = w.append(sent.back());
      EXPECT_EQ(r.rotated, i == 0);
      EXPECT_EQ(r.bytes, kRecordHeaderBytes + pack_message(sent.back()).size());
    }
    EXPECT_EQ(w.appended(), 5u);
    w.sync();
    EXPECT_EQ(w.durable(), 5u);
  }
  const auto segs = list_segments(d.str("seg"));
  ASSERT_EQ(segs.size(), 1u);
  SegmentReader r(segs[0]);
  EXPECT_TRUE(r.header_ok());
  EXPECT_EQ(r.header()["models"], nlohmann::json::array({model_key(sent[0])}));
  for (const auto& m : sent) {
    auto got = r.next();
    ASSERT_TRUE(got);
    EXPECT_TRUE(same(*got, m));
    EXPECT_EQ(got->envelope.run(), 42u);
  }
  EXPECT_FALSE(r.next());
  EXPECT_EQ(r.tail_status(), TailStatus::kClean);
  EXPECT_EQ(r.skipped_bytes(), 0u);
}

TEST(Segment, RotatesBySizeAndByNewModelKeepingWriteOrder) {
  TempDir d("seg-rot");
  std::vector<Message> sent;
  {
    SegmentWriter w(config(d, 1000));
    for (uint64_t i = 0; i < 20; ++i) {
      sent.push_back(test_record({"s", 1, i}, 300, i < 12 ? "m1" : "m2"));
      w.append(sent.back());
    }
    EXPECT_GE(w.segments_opened(), 7u);
  }
  const auto c = read_folder(d.str("seg"));
  ASSERT_EQ(c.records.size(), sent.size());
  for (size_t i = 0; i < sent.size(); ++i) EXPECT_TRUE(same(c.records[i], sent[i])) << i;
  EXPECT_EQ(c.skipped_bytes, 0u);
  // The first segment holding an m2 record lists both models; none before it lists m2.
  bool seen_m2 = false;
  for (const auto& path : list_segments(d.str("seg"))) {
    SegmentReader r(path);
    const auto models = r.header()["models"].dump();
    auto m = r.next();
    ASSERT_TRUE(m);
    const bool has_m2 = m->envelope.record_meta().model_name() == "m2";
    if (has_m2) EXPECT_NE(models.find("/m2@"), std::string::npos) << models;
    if (!seen_m2 && !has_m2) EXPECT_EQ(models.find("/m2@"), std::string::npos) << models;
    seen_m2 |= has_m2;
  }
}

// The framing written before the record log existed, byte by byte: such segments must still read.
TEST(Segment, ReadsSegmentsWrittenInTheOriginalFormat) {
  TempDir d("seg-old");
  const std::string header = R"({"format":"daqz-segment","version":1,"writer":"sink-0","created_unix_ms":1,"models":[]})";
  std::vector<uint8_t> b = {'D', 'A', 'Q', 'Z', 'S', 'E', 'G', '1'};
  auto put32 = [&](uint32_t v) { b.insert(b.end(), reinterpret_cast<uint8_t*>(&v), reinterpret_cast<uint8_t*>(&v) + 4); };
  put32(uint32_t(header.size()));
  b.insert(b.end(), header.begin(), header.end());
  put32(crc32c(header.data(), header.size()));
  std::vector<Message> sent;
  for (uint64_t i = 0; i < 3; ++i) {
    sent.push_back(test_record({"old-src", 0, i}));
    sent.back().envelope.clear_run();  // written before runs existed
    const auto body = pack_message(sent.back());
    put32(uint32_t(body.size()));
    put32(crc32c(body.data(), body.size()));
    b.insert(b.end(), body.begin(), body.end());
  }
  write_bytes(d.str("seg-0000000000001-000000.daqz"), b);
  const auto c = read_folder(d.str());
  ASSERT_EQ(c.records.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_TRUE(same(c.records[i], sent[i]));
    EXPECT_EQ(c.records[i].envelope.run(), 0u) << "records without a run read as run 0";
  }
  EXPECT_EQ(c.skipped_bytes, 0u);
}

class SegmentRecovery : public ::testing::Test {
 protected:
  TempDir d{"seg-recover"};
  std::vector<std::string> segs;
  void SetUp() override {
    SegmentWriter w(config(d));
    for (uint64_t i = 0; i < 12; ++i) w.append(test_record({"s", 1, i}, 400, i < 6 ? "m1" : "m2"));
    w.close();
    segs = list_segments(d.str("seg"));
    ASSERT_EQ(segs.size(), 2u);
  }
  // Appends the first `n` bytes of another record: an append cut by a crash.
  void tear(const std::string& path, size_t n) {
    auto b = file_bytes(path);
    const auto body = pack_message(test_record({"s", 1, 99}, 400));
    const uint32_t len = uint32_t(body.size()), crc = crc32c(body.data(), body.size());
    std::vector<uint8_t> rec(8);
    std::memcpy(rec.data(), &len, 4);
    std::memcpy(rec.data() + 4, &crc, 4);
    rec.insert(rec.end(), body.begin(), body.end());
    b.insert(b.end(), rec.begin(), rec.begin() + long(n));
    write_bytes(path, b);
  }
};

TEST_F(SegmentRecovery, CutsATornTailOfTheNewestSegmentOnly) {
  for (size_t torn : {3, 8, 100}) {
    fs::remove_all(d.str("seg"));
    SetUp();
    const auto old_size = fs::file_size(segs[0]), new_size = fs::file_size(segs[1]);
    tear(segs[0], torn);
    tear(segs[1], torn);
    const RecoveryReport older = recover_segment(segs[0], /*newest=*/false);
    EXPECT_EQ(older.tail, TailStatus::kTorn);
    EXPECT_EQ(older.truncated_bytes, 0u);
    EXPECT_EQ(fs::file_size(segs[0]), old_size + torn) << "an older segment is never changed";
    uint64_t records = 0;
    const RecoveryReport newest = recover_segment(segs[1], /*newest=*/true, [&](const Message&) { ++records; });
    EXPECT_EQ(newest.truncated_bytes, torn);
    EXPECT_EQ(fs::file_size(segs[1]), new_size);
    EXPECT_EQ(records, 6u);
    EXPECT_EQ(newest.records, 6u);
    EXPECT_EQ(read_folder(d.str("seg")).records.size(), 12u);
  }
}

TEST_F(SegmentRecovery, KeepsACorruptRegionAndEveryRecordAfterIt) {
  const auto offsets = record_offsets(segs[1]);
  auto b = file_bytes(segs[1]);
  b[offsets[2] + 40] ^= 0x5A;  // inside the third record's body
  write_bytes(segs[1], b);
  const RecoveryReport rep = recover_segment(segs[1], /*newest=*/true);
  EXPECT_EQ(rep.truncated_bytes, 0u);
  EXPECT_EQ(rep.records, 5u);
  EXPECT_EQ(rep.corrupt_regions, 1u);
  EXPECT_EQ(rep.skipped_bytes, offsets[3] - offsets[2]);
  EXPECT_EQ(file_bytes(segs[1]), b) << "recovery must not change a segment with a corrupt region";
  const auto c = read_folder(d.str("seg"));
  EXPECT_EQ(c.records.size(), 11u);
  EXPECT_EQ(c.count.count({"s", 1, 8}), 0u);
  EXPECT_EQ(c.count.count({"s", 1, 11}), 1u);
}

TEST_F(SegmentRecovery, CorruptLastRecordIsNotMistakenForATornOne) {
  const auto offsets = record_offsets(segs[1]);
  auto b = file_bytes(segs[1]);
  b[offsets[5] + 40] ^= 0x01;  // the last record: whole, but damaged; it may have been acknowledged
  write_bytes(segs[1], b);
  const RecoveryReport rep = recover_segment(segs[1], /*newest=*/true);
  EXPECT_EQ(rep.tail, TailStatus::kCorrupt);
  EXPECT_EQ(rep.truncated_bytes, 0u);
  EXPECT_EQ(file_bytes(segs[1]), b);
}

TEST_F(SegmentRecovery, RemovesANewestSegmentWhoseHeaderWasNeverFinished) {
  const auto b = file_bytes(segs[1]);
  for (size_t n : {0, 5, 8, 12, 30}) {
    const std::string path = d.str("seg/seg-9999999999999-000000.daqz");
    write_bytes(path, std::vector<uint8_t>(b.begin(), b.begin() + long(n)));
    const RecoveryReport older = recover_segment(path, /*newest=*/false);
    EXPECT_EQ(older.tail, TailStatus::kTorn) << n;
    EXPECT_TRUE(fs::exists(path));
    const RecoveryReport newest = recover_segment(path, /*newest=*/true);
    EXPECT_TRUE(newest.removed) << n;
    EXPECT_FALSE(fs::exists(path));
  }
}

TEST_F(SegmentRecovery, DamagedHeaderStillYieldsEveryRecord) {
  auto b = file_bytes(segs[0]);
  b[20] ^= 0x20;  // inside the header JSON
  write_bytes(segs[0], b);
  testing::Damage damage;
  SegmentReader r(segs[0], &damage);
  EXPECT_FALSE(r.header_ok());
  int n = 0;
  while (r.next()) ++n;
  EXPECT_EQ(n, 6);
  EXPECT_EQ(r.corrupt_regions(), 1u);
  EXPECT_GE(damage.regions, 2u);  // the header note and the skipped header bytes
  const RecoveryReport rep = recover_segment(segs[0], /*newest=*/true);
  EXPECT_FALSE(rep.removed);
  EXPECT_EQ(rep.truncated_bytes, 0u);
}

TEST_F(SegmentRecovery, ResynchronisesPastMegabytesOfGarbage) {
  const auto offsets = record_offsets(segs[1]);
  auto b = file_bytes(segs[1]);
  std::vector<uint8_t> junk(4u << 20);
  std::mt19937 rng(5);
  for (auto& x : junk) x = uint8_t(rng());
  b.insert(b.begin() + long(offsets[3]), junk.begin(), junk.end());
  write_bytes(segs[1], b);
  testing::Damage damage;
  SegmentReader r(segs[1], &damage);
  int n = 0;
  while (r.next()) ++n;
  EXPECT_EQ(n, 6);
  EXPECT_EQ(damage.regions, 1u);
  EXPECT_EQ(damage.bytes, junk.size());
}

TEST(Segment, AfterAFailedFsyncTheNextSegmentIsWholeAndItsHeaderComplete) {
  TempDir d("seg-sealed");
  testing::FaultPlan plan;
  testing::FaultyFileSystem faulty(plan);
  SegmentWriterConfig c = config(d);
  c.fsync = FsyncPolicy::kOnRotate;
  c.fs = &faulty;
  SegmentWriter w(c);
  const Message a = test_record({"s", 1, 0}), b = test_record({"s", 1, 1});
  w.append(a);
  w.sync();
  w.append(b);
  plan.fail_sync_number = int64_t(plan.syncs);
  EXPECT_THROW(w.sync(), FileError);
  EXPECT_EQ(w.dropped(), 1u) << "b was not synced: the caller must write it again";
  EXPECT_EQ(w.durable(), 1u);
  w.append(b);
  w.sync();
  const auto segs = list_segments(c.dir);
  ASSERT_EQ(segs.size(), 2u);
  SegmentReader sealed(segs[0]), next(segs[1]);
  EXPECT_EQ(next.header()["models"], nlohmann::json::array({model_key(b)}));
  int in_sealed = 0;
  while (sealed.next()) ++in_sealed;
  EXPECT_EQ(in_sealed, 1) << "the sealed segment is cut back to its last synced record";
  EXPECT_EQ(sealed.skipped_bytes(), 0u);
}

// Everything a segment holds, minus its creation time: the bytes after the header, and the models.
struct SegmentContents {
  std::vector<uint8_t> records;
  nlohmann::json models;
  bool operator==(const SegmentContents& o) const { return records == o.records && models == o.models; }
};
std::vector<SegmentContents> folder_contents(const std::string& dir) {
  std::vector<SegmentContents> out;
  for (const auto& path : list_segments(dir)) {
    const uint64_t start = SegmentReader(path).good_bytes();  // just past the header
    const std::vector<uint8_t> bytes = file_bytes(path);
    out.push_back({{bytes.begin() + long(start), bytes.end()}, SegmentReader(path).header()["models"]});
  }
  return out;
}

TEST(Segment, ABatchWritesExactlyWhatRecordByRecordAppendsWrite) {
  // Records of two models, sized so that size rotations fall inside batches.
  std::vector<Message> sent;
  for (uint64_t i = 0; i < 23; ++i) sent.push_back(test_record({"s", 3, i}, 50 + (i * 97) % 400, i < 15 ? "m1" : "m2"));
  TempDir one("seg-one"), batched("seg-batched");
  SegmentWriter w1(config(one, 1500));
  for (const auto& m : sent) w1.append(m);
  w1.close();
  SegmentWriter wb(config(batched, 1500));
  for (size_t first = 0; first < sent.size(); first += 6) {
    std::vector<SegmentRecord> batch;
    for (size_t i = first; i < std::min(sent.size(), first + 6); ++i) {
      batch.push_back(SegmentRecord::viewing(sent[i]));
      batch.back().payload_crc_verified = i % 2 == 0;  // the combined CRC and the computed one agree
    }
    const AppendResult r = wb.append_batch(batch.data(), batch.size());
    EXPECT_GT(r.bytes, 0u);
  }
  EXPECT_EQ(wb.appended(), sent.size());
  wb.close();
  const auto a = folder_contents(one.str("seg")), b = folder_contents(batched.str("seg"));
  ASSERT_GE(a.size(), 4u) << "the test needs rotations by size and by model";
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(a[i] == b[i]) << "segment " << i << " differs";
  EXPECT_EQ(read_folder(batched.str("seg")).records.size(), sent.size());
}

TEST(Segment, APayloadChangedAfterItsCrcWasCheckedFailsOnReading) {
  // The record CRC is combined from the payload CRC checked on receipt: bytes damaged in memory
  // between that check and the write are caught by the reader, not stored as good.
  TempDir d("seg-e2e");
  Message m = test_record({"s", 1, 0}, 300);
  m.payload[100] ^= 0x10;  // after make_record_message computed payload_crc32c
  SegmentRecord r = SegmentRecord::viewing(m);
  r.payload_crc_verified = true;
  {
    SegmentWriter w(config(d));
    w.append_batch(&r, 1);
    w.append(test_record({"s", 1, 1}, 300));
  }
  const auto disk = read_folder(d.str("seg"));
  EXPECT_EQ(disk.records.size(), 1u) << "only the undamaged record reads back";
  EXPECT_EQ(disk.corrupt_regions, 1u);
}

TEST(Segment, RejectsAFileThatIsNoSegment) {
  TempDir d("seg-bad");
  write_bytes(d.str("x.daqz"), {'N', 'O', 'T', 'A', 'S', 'E', 'G', '!', 0, 0, 0, 0});
  EXPECT_THROW(SegmentReader(d.str("x.daqz")), StorageError);
  EXPECT_THROW(SegmentReader(d.str("missing.daqz")), StorageError);
}

TEST(Segment, PlausibilityAcceptsEveryPackedMessage) {
  for (size_t bytes : {1, 10, 1000}) {
    const auto body = pack_message(test_record({"a-source", 7, 3}, bytes));
    EXPECT_TRUE(plausible_packed_message(body.data(), std::min<size_t>(16, body.size()), uint32_t(body.size())));
  }
  const uint8_t zeros[16] = {};
  EXPECT_FALSE(plausible_packed_message(zeros, 16, 100));
}

}  // namespace
}  // namespace daqz
