// Journald priorities: with stderr connected to "the journal" (JOURNAL_STREAM naming stderr's
// device:inode, as systemd sets it), lines carry <N> sd-daemon prefixes and no timestamp.
#include "base/logging.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

namespace daqz {
namespace {

// Runs `body` with fd 2 redirected into a file; returns what was written. `journal` sets
// JOURNAL_STREAM to that file's device:inode (or to another file's when false).
template <typename F>
std::string capture_stderr(bool journal, F body) {
  const std::string path = testing::TempDir() + "/stderr-" + std::to_string(::getpid()) + ".log";
  std::FILE* file = std::fopen(path.c_str(), "w");
  std::fflush(stderr);
  const int saved = ::dup(2);
  ::dup2(::fileno(file), 2);
  struct stat st {};
  ::fstat(2, &st);
  const std::string stream = journal ? std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino)
                                     : std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino + 1);
  ::setenv("JOURNAL_STREAM", stream.c_str(), 1);
  body();
  spdlog::default_logger()->flush();
  std::fflush(stderr);
  ::dup2(saved, 2);
  ::close(saved);
  std::fclose(file);
  ::unsetenv("JOURNAL_STREAM");
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Logging, JournalLinesCarrySdDaemonPrioritiesAndNoTimestamp) {
  bool is_journal = false;
  const std::string out = capture_stderr(true, [&] {
    is_journal = stderr_is_journal();
    setup_logging("journal-test", "info");
    spdlog::debug("hidden");
    spdlog::info("hello");
    spdlog::warn("careful");
    spdlog::error("broken");
  });
  setup_logging("daqz-tests", "info");
  EXPECT_TRUE(is_journal);
  EXPECT_EQ(out, "<6>journal-test info hello\n<4>journal-test warning careful\n<3>journal-test error broken\n");
}

TEST(Logging, OtherStderrKeepsTimestamps) {
  bool is_journal = true;
  const std::string out = capture_stderr(false, [&] {
    is_journal = stderr_is_journal();  // inherited variable, but stderr is another file
    setup_logging("plain-test", "info");
    spdlog::warn("careful");
  });
  setup_logging("daqz-tests", "info");
  EXPECT_FALSE(is_journal);
  EXPECT_TRUE(std::regex_search(out, std::regex(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3} plain-test warning careful\n$)")))
      << out;
}

TEST(Logging, PrioritiesFollowSdDaemon) {
  EXPECT_EQ(journal_priority("debug"), 7);
  EXPECT_EQ(journal_priority("info"), 6);
  EXPECT_EQ(journal_priority("warning"), 4);
  EXPECT_EQ(journal_priority("error"), 3);
  EXPECT_EQ(journal_priority("critical"), 2);
  EXPECT_THROW(setup_logging("x", "loud"), std::invalid_argument);
}

}  // namespace
}  // namespace daqz
