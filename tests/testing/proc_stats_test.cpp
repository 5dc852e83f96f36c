#include "testing/proc_stats.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <regex>
#include <thread>
#include <vector>

#include "testing/child_process.h"

namespace daqz {
namespace {

// Burns CPU for about `seconds` of wall time on the calling thread.
void spin(double seconds) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  volatile double x = 0;
  while (std::chrono::steady_clock::now() < end) x = x + std::sqrt(x + 1.0);
}

TEST(ProcStats, ParsesStatLinesWhoseNameHoldsSpacesAndParentheses) {
  const long hz = ::sysconf(_SC_CLK_TCK);
  // Fields after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime.
  const std::string line = "4242 (a (b) c) S 1 2 3 4 5 6 7 8 9 10 " + std::to_string(3 * hz) + " " +
                           std::to_string(hz) + " 0 0 20 0 1";
  const auto s = parse_proc_stat(line);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->comm, "a (b) c");
  EXPECT_EQ(s->state, 'S');
  EXPECT_DOUBLE_EQ(s->cpu_seconds, 4.0);
  EXPECT_FALSE(parse_proc_stat("").has_value());
  EXPECT_FALSE(parse_proc_stat("12 (short) R 1 2").has_value());
  EXPECT_FALSE(parse_proc_stat("12 no parentheses R 1 2 3 4 5 6 7 8 9 10 11 12").has_value());
}

TEST(ProcStats, SeesThisProcessMemoryAndCpu) {
  const double cpu0 = self_cpu_seconds();
  spin(0.2);
  EXPECT_GT(self_cpu_seconds(), cpu0);
  const auto rss = rss_mib(::getpid());
  ASSERT_TRUE(rss.has_value());
  EXPECT_GT(*rss, 1.0);
  EXPECT_LT(*rss, 100000.0);
  const auto own = process_cpu_seconds(::getpid());
  ASSERT_TRUE(own.has_value());
  EXPECT_GT(*own, 0.0);
}

TEST(ProcStats, CountsAChildsCpuAndNamesThreads) {
  ChildProcess busy = ChildProcess::spawn({"/bin/sh", "-c", "while :; do :; done"}, "/dev/null");
  const auto before = process_cpu_seconds(busy.pid());
  ASSERT_TRUE(before.has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  const auto after = process_cpu_seconds(busy.pid());
  ASSERT_TRUE(after.has_value());
  EXPECT_GT(*after, *before) << "a spinning child gains CPU time";

  std::atomic<bool> stop{false};
  std::thread worker([&] {
    pthread_setname_np(pthread_self(), "daqz-spinner");
    while (!stop) spin(0.01);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  bool found = false;
  for (const auto& [tid, t] : thread_cpu_seconds(::getpid()))
    if (t.name == "daqz-spinner") found = t.cpu_seconds > 0;
  stop = true;
  worker.join();
  EXPECT_TRUE(found) << "the named thread with its CPU time";
}

TEST(ProcStats, AProcessThatIsGoneGivesNothing) {
  ChildProcess quick = ChildProcess::spawn({"/bin/true"}, "/dev/null");
  const pid_t pid = quick.pid();
  quick.wait(10);
  EXPECT_FALSE(rss_mib(pid).has_value());
  EXPECT_FALSE(process_cpu_seconds(pid).has_value());
  EXPECT_TRUE(thread_cpu_seconds(pid).empty());
}

TEST(ProcStats, LoadAverageAndBusyCores) {
  EXPECT_TRUE(std::regex_match(load_average(), std::regex(R"(\d+\.\d+ \d+\.\d+ \d+\.\d+)"))) << load_average();
  EXPECT_GE(load_1min(), 0.0);
  std::thread burner([] { spin(0.3); });
  const double busy = machine_busy_cores(0.25);
  burner.join();
  EXPECT_GT(busy, 0.1) << "our own spinning thread counts";
  EXPECT_LE(busy, double(std::thread::hardware_concurrency()) + 0.5);
}

}  // namespace
}  // namespace daqz
