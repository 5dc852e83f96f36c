#include "testing/process.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

namespace daqz {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ChildProcess, RunsWithOutputInItsLogAndReportsTheExitCode) {
  const fs::path log = fs::temp_directory_path() / "daqz_process_test.log";
  ChildProcess p = ChildProcess::spawn({"/bin/sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3"}, log.string());
  EXPECT_GT(p.pid(), 0);
  EXPECT_EQ(p.wait(10.0), 3);
  const std::string out = read_file(log);
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
  p.terminate();
  EXPECT_EQ(p.wait(10.0), -15);  // -SIGTERM
}

}  // namespace
}  // namespace daqz
