// The sink's write path under injected faults: ENOSPC, EIO and short writes at every record boundary
// and inside records, a disk that stays full for a while and gets space back, fsync and folder-fsync
// failures at every sync, and roll-backs that fail. Whatever happens:
// - a record acknowledged (make_durable() returned true after it was taken) is on disk;
// - every record taken ends up on disk, and becomes durable exactly once;
// - no segment holds a partial record followed by good ones (no corrupt region);
// - when roll-backs work, every record is on disk exactly once and no byte is skipped.
#include "storage/durable_appender.h"

#include <gtest/gtest.h>

#include <set>

#include "storage/fault_files.h"
#include "storage/storage_test_util.h"

namespace daqz {
namespace {

using testing::FaultPlan;
using testing::FaultyFileSystem;
using testing::read_folder;
using testing::TempDir;
using testing::test_record;
using Clock = DurableAppender::Clock;
using std::chrono::milliseconds;

constexpr size_t kRecords = 10;

struct Outcome {
  size_t sent = 0;
  std::map<RecordKey, int> durable_calls;
  testing::FolderContents disk;
  uint64_t failures = 0, errors = 0;
  std::vector<uint64_t> record_starts;  // cumulative appended bytes before each record's first append
  uint64_t syncs = 0, dir_syncs = 0;
};

// Streams kRecords records through an appender on a faulty file system, acknowledging every third,
// spinning (as the sink does, without reading) while it fails; space "returns" (the plan is
// disarmed) after `disarm_after` retries. With batch > 1 records go in by submit_batch(), `batch` at
// a time (one gathered write each), as the sink writes them.
Outcome stream(FaultPlan plan, FsyncPolicy policy, int disarm_after = 3, size_t batch = 1) {
  Outcome out;
  TempDir d("appender");
  FaultyFileSystem fs(plan);
  SegmentWriterConfig cfg;
  cfg.dir = d.str("seg");
  cfg.max_bytes = 1200;  // a few records per segment: failures hit rotations too
  cfg.fsync = policy;
  cfg.fs = &fs;
  DurableAppender app(cfg, BackoffOptions{0.001, 0.004, 2});
  app.on_durable = [&](const SegmentRecord& r) { ++out.durable_calls[RecordKey::of(r.envelope)]; };
  Clock::time_point now = Clock::now();
  std::vector<RecordKey> taken;
  std::set<RecordKey> acked;
  auto acknowledge = [&] {
    if (!app.make_durable(now)) return false;
    acked.insert(taken.begin(), taken.end());
    const auto disk = read_folder(cfg.dir);
    for (const auto& k : acked) EXPECT_GE(disk.count.count(k), 1u) << "acknowledged but not on disk: " << k.str();
    return true;
  };
  auto wait_out_failure = [&] {
    for (int spins = 0; app.failing(); ++spins) {
      ASSERT_LT(spins, 200) << "the appender never recovered";
      if (spins == disarm_after) plan.disarm();
      now += milliseconds(5);
      app.make_durable(now);
    }
  };
  std::vector<SegmentRecord> pending;
  std::vector<RecordKey> pending_keys;
  for (size_t i = 0; i < kRecords; ++i) {
    const RecordKey key{"src", 5, i};
    out.record_starts.push_back(plan.bytes_appended);
    if (batch == 1) {
      taken.push_back(key);
      app.submit(test_record(key, 60 + (i * 37) % 300), now);
    } else {
      pending.push_back(SegmentRecord::owning(test_record(key, 60 + (i * 37) % 300)));
      pending_keys.push_back(key);
      if (pending.size() == batch || i + 1 == kRecords) {
        taken.insert(taken.end(), pending_keys.begin(), pending_keys.end());
        pending_keys.clear();
        app.submit_batch(std::move(pending), now);
        EXPECT_TRUE(pending.empty()) << "submit_batch takes every record";
      }
    }
    if (i % 3 == 2) acknowledge();
    wait_out_failure();
  }
  for (int attempt = 0; !acknowledge(); ++attempt) {
    if (attempt == 200) {
      ADD_FAILURE() << "never became durable";
      break;
    }
    if (attempt == disarm_after) plan.disarm();
    now += milliseconds(5);
  }
  app.close();
  out.sent = taken.size();
  out.disk = read_folder(cfg.dir);
  out.failures = plan.failures;
  out.errors = app.errors();
  out.syncs = plan.syncs;
  out.dir_syncs = plan.dir_syncs;
  return out;
}

void expect_nothing_lost(const Outcome& o, bool exactly_once, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(o.durable_calls.size(), o.sent);
  for (const auto& [k, n] : o.durable_calls) EXPECT_EQ(n, 1) << k.str() << " became durable " << n << " times";
  for (size_t i = 0; i < o.sent; ++i) {
    const auto it = o.disk.count.find({"src", 5, i});
    ASSERT_NE(it, o.disk.count.end()) << "record " << i << " lost";
    if (exactly_once) EXPECT_EQ(it->second, 1) << "record " << i;
  }
  EXPECT_EQ(o.disk.corrupt_regions, 0u) << "a partial record is followed by good ones";
  if (exactly_once) EXPECT_EQ(o.disk.skipped_bytes, 0u);
}

// Failure points: each record boundary, inside the header, just into the body, the record's last byte.
std::vector<int64_t> failure_points(const Outcome& dry) {
  std::vector<int64_t> points;
  for (size_t i = 0; i < dry.record_starts.size(); ++i) {
    const int64_t s = int64_t(dry.record_starts[i]);
    const int64_t next = i + 1 < dry.record_starts.size() ? int64_t(dry.record_starts[i + 1]) : s + 20;
    for (int64_t p : {s, s + 3, s + 9, next - 1})
      if (p >= s && p < next) points.push_back(p);
  }
  return points;
}

TEST(DurableAppender, WithoutFaultsEveryRecordIsDurableOnce) {
  const Outcome o = stream({}, FsyncPolicy::kInterval);
  expect_nothing_lost(o, true, "no faults");
  EXPECT_EQ(o.errors, 0u);
  EXPECT_GE(o.disk.segments, 2u);
}

TEST(DurableAppender, WriteFailureAtEveryRecordBoundaryAndMidRecord) {
  const Outcome dry = stream({}, FsyncPolicy::kOnRotate);
  for (int64_t at : failure_points(dry)) {
    for (int err : {ENOSPC, EIO}) {
      FaultPlan plan;
      plan.fail_write_at = at;
      plan.write_errno = err;
      const Outcome o = stream(plan, FsyncPolicy::kOnRotate);
      EXPECT_EQ(o.failures, 1u) << at;
      expect_nothing_lost(o, true, "write error " + std::to_string(err) + " at byte " + std::to_string(at));
    }
  }
}

TEST(DurableAppender, DiskFullForAWhileThenSpaceReturns) {
  const Outcome dry = stream({}, FsyncPolicy::kEveryRecord);
  for (int64_t at : failure_points(dry)) {
    FaultPlan plan;
    plan.fail_write_at = at;
    plan.persistent = true;  // every write and fsync fails until disarmed
    const Outcome o = stream(plan, FsyncPolicy::kEveryRecord, /*disarm_after=*/6);
    EXPECT_GE(o.errors, 2u) << "retries while full must fail too";
    expect_nothing_lost(o, true, "disk full from byte " + std::to_string(at));
  }
}

TEST(DurableAppender, FsyncFailureAtEverySync) {
  const Outcome dry = stream({}, FsyncPolicy::kInterval);
  ASSERT_GT(dry.syncs, 5u);
  for (int64_t n = 0; n < int64_t(dry.syncs); ++n) {
    FaultPlan plan;
    plan.fail_sync_number = n;
    const Outcome o = stream(plan, FsyncPolicy::kInterval);
    EXPECT_EQ(o.failures, 1u);
    expect_nothing_lost(o, true, "fsync " + std::to_string(n) + " fails");
  }
}

TEST(DurableAppender, FolderFsyncFailureWhenCreatingEverySegment) {
  const Outcome dry = stream({}, FsyncPolicy::kOnRotate);
  ASSERT_GE(dry.dir_syncs, 2u);
  for (int64_t n = 0; n < int64_t(dry.dir_syncs); ++n) {
    FaultPlan plan;
    plan.fail_dir_sync_number = n;
    const Outcome o = stream(plan, FsyncPolicy::kOnRotate);
    expect_nothing_lost(o, true, "folder fsync " + std::to_string(n) + " fails");
  }
}

TEST(DurableAppender, FailedRollBackSealsTheSegmentAndLosesNothing) {
  const Outcome dry = stream({}, FsyncPolicy::kOnRotate);
  for (int64_t at : failure_points(dry)) {
    FaultPlan plan;
    plan.fail_write_at = at;
    plan.fail_truncate = true;  // the partial record cannot be cut: the segment must be sealed
    const Outcome o = stream(plan, FsyncPolicy::kOnRotate);
    // Records written before the failure may sit in the sealed segment and again in the next one.
    expect_nothing_lost(o, false, "failed roll-back at byte " + std::to_string(at));
  }
}

// The sink's way: records in batches of 4, each one gathered write (and rotations inside a batch).
// The failure points are those of record-by-record writing: the bytes on disk are the same.
TEST(DurableAppender, BatchedWritesSurviveWriteFailuresAtEveryPoint) {
  const Outcome dry = stream({}, FsyncPolicy::kOnRotate);
  const Outcome dry_batched = stream({}, FsyncPolicy::kOnRotate, 3, /*batch=*/4);
  expect_nothing_lost(dry_batched, true, "batched, no faults");
  EXPECT_EQ(dry_batched.disk.segments, dry.disk.segments) << "batching must not change where segments rotate";
  for (int64_t at : failure_points(dry)) {
    for (bool persistent : {false, true}) {
      FaultPlan plan;
      plan.fail_write_at = at;
      plan.persistent = persistent;
      const Outcome o = stream(plan, FsyncPolicy::kOnRotate, persistent ? 6 : 3, /*batch=*/4);
      expect_nothing_lost(o, true, std::string(persistent ? "disk full" : "write error") + " at byte " +
                                       std::to_string(at) + ", batches of 4");
    }
    FaultPlan plan;
    plan.fail_write_at = at;
    plan.fail_truncate = true;
    expect_nothing_lost(stream(plan, FsyncPolicy::kOnRotate, 3, 4), false,
                        "failed roll-back at byte " + std::to_string(at) + ", batches of 4");
  }
}

TEST(DurableAppender, BatchedWritesSurviveFsyncFailureAtEverySync) {
  const Outcome dry = stream({}, FsyncPolicy::kInterval, 3, /*batch=*/4);
  ASSERT_GT(dry.syncs, 3u);
  for (int64_t n = 0; n < int64_t(dry.syncs); ++n) {
    FaultPlan plan;
    plan.fail_sync_number = n;
    const Outcome o = stream(plan, FsyncPolicy::kInterval, 3, 4);
    EXPECT_EQ(o.failures, 1u);
    expect_nothing_lost(o, true, "fsync " + std::to_string(n) + " fails, batches of 4");
  }
}

TEST(DurableAppender, NothingIsAcknowledgedWhileFailingAndRetriesBackOff) {
  TempDir d("appender-ack");
  FaultPlan plan;
  plan.persistent = true;
  plan.fail_write_at = 0;
  FaultyFileSystem fs(plan);
  SegmentWriterConfig cfg;
  cfg.dir = d.str("seg");
  cfg.fs = &fs;
  DurableAppender app(cfg, BackoffOptions{0.01, 0.04, 2});
  Clock::time_point now = Clock::now();
  EXPECT_FALSE(app.submit(test_record({"s", 1, 0}), now));
  EXPECT_TRUE(app.failing());
  EXPECT_EQ(app.held(), 1u);
  std::vector<double> gaps;
  Clock::time_point last = app.next_attempt();
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(app.make_durable(now)) << "not due: no attempt, no acknowledgement";
    now = app.next_attempt();
    EXPECT_FALSE(app.make_durable(now));
    gaps.push_back(std::chrono::duration<double>(app.next_attempt() - last).count());
    last = app.next_attempt();
  }
  EXPECT_NEAR(gaps[0], 0.02, 1e-6);
  EXPECT_NEAR(gaps[1], 0.04, 1e-6);
  EXPECT_NEAR(gaps[4], 0.04, 1e-6) << "capped";
  EXPECT_EQ(app.retries(), 5u);
  plan.disarm();
  now = app.next_attempt();
  EXPECT_TRUE(app.make_durable(now));
  EXPECT_FALSE(app.failing());
  EXPECT_EQ(read_folder(cfg.dir).records.size(), 1u);
}

}  // namespace
}  // namespace daqz
