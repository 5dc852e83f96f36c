#include "nodes/storage_health.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <chrono>
#include <filesystem>
#include <limits>
#include <thread>

#include "runtime/health_state.h"
#include "runtime/metrics_server.h"

namespace daqz {
namespace {

namespace fs = std::filesystem;

class StorageHealthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("daqz-storage-health-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir);
    health->set_state(DeviceState::kRunning);
  }
  void TearDown() override { fs::remove_all(dir); }

  StorageHealthConfig config(uint64_t min_free = 0) const {
    StorageHealthConfig c;
    c.dir = dir.string();
    c.min_free_bytes = min_free;
    c.interval_s = 60;  // checks come from check_now() unless a test wants the thread
    return c;
  }
  double gauge(const std::string& name) {
    for (const auto& f : registry.Collect())
      if (f.name == name) return f.metric.at(0).gauge.value;
    ADD_FAILURE() << "no gauge " << name;
    return -1;
  }

  fs::path dir;
  prometheus::Registry registry;
  std::shared_ptr<HealthState> health = std::make_shared<HealthState>("daqz-sink");
};

TEST_F(StorageHealthTest, DiskSpaceOfAFolder) {
  const DiskSpace d = disk_space(dir.string());
  EXPECT_GT(d.total_bytes, 0u);
  EXPECT_LE(d.free_bytes, d.total_bytes);
  try {
    disk_space((dir / "missing").string());
    FAIL() << "statvfs of a missing folder succeeded";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find("missing"), std::string::npos) << e.what();
  }
}

TEST_F(StorageHealthTest, GaugesAndReadinessWithRoomToWrite) {
  StorageHealthMonitor m(config(0), registry, health);
  EXPECT_TRUE(m.writable()) << m.reason();
  EXPECT_TRUE(health->readiness().ok) << health->readiness().json;
  EXPECT_EQ(gauge("daqz_sink_disk_total_bytes"), double(disk_space(dir.string()).total_bytes));
  EXPECT_GT(gauge("daqz_sink_disk_free_bytes"), 0);
  EXPECT_EQ(gauge("daqz_sink_storage_writable"), 1);
  EXPECT_FALSE(fs::exists(dir / ".daqz-write-probe")) << "the probe file is removed";
}

TEST_F(StorageHealthTest, BelowTheFreeSpaceMinimumIsNotReady) {
  StorageHealthMonitor m(config(std::numeric_limits<uint64_t>::max()), registry, health);
  EXPECT_FALSE(m.writable());
  EXPECT_NE(m.reason().find("is below the minimum"), std::string::npos) << m.reason();
  const auto r = health->readiness();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.json.find("storage_writable: free space"), std::string::npos) << r.json;
  EXPECT_EQ(gauge("daqz_sink_storage_writable"), 0);
  EXPECT_TRUE(health->liveness().ok);
}

TEST_F(StorageHealthTest, AFailedWriteHoldsUntilAWriteSucceeds) {
  StorageHealthMonitor m(config(0), registry, health);
  m.write_succeeded();
  EXPECT_TRUE(m.writable());
  m.write_failed("append to 'seg-1.daqz': No space left on device");
  EXPECT_FALSE(health->readiness().ok);
  EXPECT_NE(health->readiness().json.find("last write failed: append to 'seg-1.daqz': No space left on device"),
            std::string::npos);
  m.check_now();
  EXPECT_FALSE(m.writable()) << "a good statvfs does not clear a write failure";
  m.write_succeeded();
  EXPECT_TRUE(m.writable());
  EXPECT_TRUE(health->readiness().ok);
}

TEST_F(StorageHealthTest, AFolderThatCannotTakeFilesIsNotWritable) {
  StorageHealthMonitor m(config(0), registry, health);
  fs::remove_all(dir);  // as a vanished mount would (works as root too, unlike chmod)
  m.check_now();
  EXPECT_FALSE(m.writable());
  EXPECT_NE(m.reason().find("cannot create a file in"), std::string::npos) << m.reason();
  fs::create_directories(dir);
  m.check_now();
  EXPECT_TRUE(m.writable()) << m.reason();
}

TEST_F(StorageHealthTest, TheThreadRechecksPeriodically) {
  StorageHealthConfig c = config(0);
  c.interval_s = 0.05;
  StorageHealthMonitor m(c, registry, health);
  ASSERT_TRUE(m.writable());
  fs::remove_all(dir);
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (m.writable() && std::chrono::steady_clock::now() < end) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_FALSE(m.writable()) << "the monitor's own thread noticed";
  EXPECT_FALSE(health->readiness().ok);
}

TEST_F(StorageHealthTest, RejectsABadInterval) {
  StorageHealthConfig c = config(0);
  c.interval_s = 0;
  EXPECT_THROW(StorageHealthMonitor(c, registry, health), std::invalid_argument);
}

}  // namespace
}  // namespace daqz
