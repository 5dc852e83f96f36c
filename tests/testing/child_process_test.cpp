#include "testing/child_process.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>

#include "support/files.h"

namespace daqz {
namespace {

namespace fs = std::filesystem;

TEST(ChildProcess, RunsWithOutputInItsLogAndReportsTheExitCode) {
  const fs::path log = fs::temp_directory_path() / "daqz_process_test.log";
  ChildProcess p = ChildProcess::spawn({"/bin/sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3"}, log.string());
  EXPECT_GT(p.pid(), 0);
  EXPECT_EQ(p.wait(10.0), 3);
  EXPECT_EQ(p.exit_status(), 3);
  EXPECT_EQ(p.pid(), -1) << "reaped";
  const std::string out = testing::read_text_file(log.string());
  EXPECT_NE(out.find("to-stdout"), std::string::npos) << out;
  EXPECT_NE(out.find("to-stderr"), std::string::npos) << out;
}

TEST(ChildProcess, AMissingExecutableFailsAtSpawnWithTheReason) {
  const fs::path log = fs::temp_directory_path() / "daqz_process_test_missing.log";
  try {
    ChildProcess::spawn({"/nonexistent/daqz-nothing"}, log.string());
    FAIL() << "spawn of a missing executable succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("No such file"), std::string::npos) << e.what();
  }
}

TEST(ChildProcess, TerminateStopsTheChild) {
  const fs::path log = fs::temp_directory_path() / "daqz_process_test_sleep.log";
  ChildProcess p = ChildProcess::spawn({"/bin/sleep", "30"}, log.string());
  EXPECT_TRUE(p.running());
  EXPECT_FALSE(p.exit_status().has_value()) << "still running";
  p.terminate();
  EXPECT_EQ(p.wait(10.0), -15);  // -SIGTERM
}

TEST(ChildProcess, WaitKillsAChildThatOutlivesTheTimeOut) {
  const fs::path log = fs::temp_directory_path() / "daqz_process_test_trap.log";
  // Ignores SIGTERM, as a hung service would (once it says so: before, SIGTERM would still end it).
  ChildProcess p = ChildProcess::spawn({"/bin/sh", "-c", "trap '' TERM; echo ignoring; sleep 30"}, log.string());
  for (int i = 0; i < 500 && testing::read_text_file(log.string()).find("ignoring") == std::string::npos; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  p.terminate();
  EXPECT_EQ(p.wait(0.5), -9);  // -SIGKILL
}

TEST(ChildProcess, NothingSpawnedIsNotRunningAndHasNoStatus) {
  ChildProcess p;
  EXPECT_FALSE(p.running());
  EXPECT_FALSE(p.exit_status().has_value());
  p.terminate();  // no-ops
  EXPECT_EQ(p.pid(), -1);
}

}  // namespace
}  // namespace daqz
