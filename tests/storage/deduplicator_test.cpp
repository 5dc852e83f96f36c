#include "storage/deduplicator.h"

#include <gtest/gtest.h>

namespace daqz {
namespace {

TEST(Deduplicator, ExactDuplicateIsDroppedConflictIsKept) {
  Deduplicator d;
  EXPECT_EQ(d.insert({"s", 1, 0}, 0xAA, 0), DedupVerdict::kNew);
  EXPECT_EQ(d.insert({"s", 1, 1}, 0xBB, 0), DedupVerdict::kNew);
  EXPECT_EQ(d.insert({"s", 1, 0}, 0xAA, 0), DedupVerdict::kDuplicate);
  EXPECT_EQ(d.insert({"s", 1, 0}, 0xCC, 0), DedupVerdict::kConflict);
  // Both contents are now known: re-sends of either are duplicates, a third content conflicts.
  EXPECT_EQ(d.insert({"s", 1, 0}, 0xAA, 0), DedupVerdict::kDuplicate);
  EXPECT_EQ(d.insert({"s", 1, 0}, 0xCC, 0), DedupVerdict::kDuplicate);
  EXPECT_EQ(d.insert({"s", 1, 0}, 0xDD, 0), DedupVerdict::kConflict);
}

TEST(Deduplicator, ANewRunOfTheSameSourceIsNew) {
  Deduplicator d;
  for (uint64_t i = 0; i < 100; ++i) EXPECT_EQ(d.insert({"felix", 1000, i}, uint32_t(i), 0), DedupVerdict::kNew);
  // Run 2 restarts its sequences at 0 with other data: nothing of it is a duplicate.
  for (uint64_t i = 0; i < 100; ++i)
    EXPECT_EQ(d.insert({"felix", 2000, i}, uint32_t(i + 7), 1), DedupVerdict::kNew) << i;
  // Even the same payload in another run is another record.
  EXPECT_EQ(d.insert({"felix", 3000, 0}, 0, 2), DedupVerdict::kNew);
  EXPECT_EQ(d.insert({"felix", 1000, 50}, 50, 3), DedupVerdict::kDuplicate) << "run 1 is still remembered";
  EXPECT_EQ(d.insert({"other", 1000, 50}, 50, 3), DedupVerdict::kNew) << "sources are separate";
}

TEST(Deduplicator, RecordsBeyondTheWindowAreStoredNotDropped) {
  DedupOptions o;
  o.window = 16;
  Deduplicator d(o);
  for (uint64_t i = 0; i < 100; ++i) d.insert({"s", 0, i}, 1, 0);
  EXPECT_EQ(d.insert({"s", 0, 99}, 1, 0), DedupVerdict::kDuplicate);
  EXPECT_EQ(d.insert({"s", 0, 84}, 1, 0), DedupVerdict::kDuplicate) << "the last 16 sequences are in the window";
  EXPECT_EQ(d.insert({"s", 0, 83}, 1, 0), DedupVerdict::kBeyondWindow);
  EXPECT_EQ(d.insert({"s", 0, 3}, 1, 0), DedupVerdict::kBeyondWindow);
  EXPECT_EQ(d.insert({"s", 0, 100}, 1, 0), DedupVerdict::kNew);
}

TEST(Deduplicator, OutOfOrderArrivalsInsideTheWindow) {
  Deduplicator d;
  for (uint64_t i : {5, 3, 9, 0, 1, 2, 4, 8, 7, 6}) EXPECT_EQ(d.insert({"s", 2, i}, uint32_t(i), 0), DedupVerdict::kNew);
  for (uint64_t i = 0; i < 10; ++i) EXPECT_EQ(d.insert({"s", 2, i}, uint32_t(i), 0), DedupVerdict::kDuplicate);
}

TEST(Deduplicator, MemoryStaysBoundedOverManyRunsAndDays) {
  DedupOptions o;
  o.window = 1024;
  o.max_runs_per_source = 3;
  o.run_idle_seconds = 3600;
  Deduplicator d(o);
  double t = 0;
  // 40 sources x 30 runs x 5000 records: 6 million records over ~2 days of clock.
  for (uint64_t run = 1; run <= 30; ++run) {
    for (int s = 0; s < 40; ++s)
      for (uint64_t i = 0; i < 5000; ++i) d.insert({"src-" + std::to_string(s), run, i}, uint32_t(i), t);
    t += 6000;
    EXPECT_LE(d.runs(), 40u * 3);
    EXPECT_LE(d.memory_bytes(), 40u * 3 * 1024 * 24);
  }
  EXPECT_GT(d.runs_evicted(), 0u);
  // A day later with only one source active, the idle ones are gone.
  t += 86400;
  d.insert({"src-0", 99, 0}, 0, t);
  EXPECT_EQ(d.sources(), 1u);
  EXPECT_EQ(d.runs(), 1u);
}

TEST(Deduplicator, KeepsTheMostRecentlySeenRuns) {
  DedupOptions o;
  o.max_runs_per_source = 2;
  Deduplicator d(o);
  d.insert({"s", 1, 0}, 1, 0);
  d.insert({"s", 2, 0}, 2, 1);
  d.insert({"s", 1, 1}, 1, 2);  // run 1 seen again: run 2 is now the least recent
  d.insert({"s", 3, 0}, 3, 3);
  EXPECT_EQ(d.runs(), 2u);
  EXPECT_EQ(d.insert({"s", 1, 0}, 1, 4), DedupVerdict::kDuplicate);
  EXPECT_EQ(d.insert({"s", 2, 0}, 2, 5), DedupVerdict::kNew) << "run 2 was evicted and starts afresh";
}

TEST(Deduplicator, RebuildFromStoredRecordsGivesTheSameVerdicts) {
  struct Stored {
    RecordKey key;
    uint32_t crc;
  };
  std::vector<Stored> stored;
  Deduplicator live;
  for (uint64_t run : {10, 20})
    for (uint64_t i = 0; i < 500; ++i) {
      const RecordKey k{"s", run, i};
      const uint32_t crc = uint32_t(i * 31 + run);
      if (live.insert(k, crc, 0) != DedupVerdict::kDuplicate) stored.push_back({k, crc});
    }
  live.insert({"s", 20, 7}, 0xBAD, 0);
  stored.push_back({{"s", 20, 7}, 0xBAD});  // a conflict, stored too
  Deduplicator rebuilt;
  for (const auto& s : stored) rebuilt.insert(s.key, s.crc, 0);
  for (uint64_t run : {10, 20})
    for (uint64_t i = 0; i < 500; i += 7) {
      const RecordKey k{"s", run, i};
      EXPECT_EQ(rebuilt.insert(k, uint32_t(i * 31 + run), 1), DedupVerdict::kDuplicate) << k.str();
      EXPECT_EQ(rebuilt.insert(k, 0x12345678, 1), DedupVerdict::kConflict) << k.str();
    }
  EXPECT_EQ(rebuilt.insert({"s", 20, 500}, 1, 1), DedupVerdict::kNew);
}

TEST(Deduplicator, RejectsAZeroWindow) {
  DedupOptions o;
  o.window = 0;
  EXPECT_THROW(Deduplicator{o}, std::invalid_argument);
}

}  // namespace
}  // namespace daqz
