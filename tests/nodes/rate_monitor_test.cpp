#include "nodes/rate_monitor.h"

#include <gtest/gtest.h>

namespace daqz {
namespace {

using std::chrono::seconds;

TEST(RateMonitor, FirstSampleHasNoRate) {
  RateMonitor m(seconds(10));
  EXPECT_EQ(m.update(RateMonitor::Clock::time_point{} + seconds(100), 500), 0.0);
}

TEST(RateMonitor, SteadyRateOverTheWindow) {
  RateMonitor m(seconds(10));
  const auto t0 = RateMonitor::Clock::time_point{} + seconds(100);
  double r = 0;
  for (int s = 0; s <= 30; ++s) r = m.update(t0 + seconds(s), 250.0 * s);
  EXPECT_DOUBLE_EQ(r, 250.0);
}

TEST(RateMonitor, ForgetsWhatIsOlderThanTheWindow) {
  RateMonitor m(seconds(10));
  const auto t0 = RateMonitor::Clock::time_point{} + seconds(100);
  double total = 0;
  for (int s = 0; s <= 20; ++s) m.update(t0 + seconds(s), total += 1000);  // 1000/s, then it stops
  double r = 0;
  for (int s = 21; s <= 40; ++s) r = m.update(t0 + seconds(s), total);
  EXPECT_DOUBLE_EQ(r, 0.0) << "a stalled node must read 0 once a window has passed";
  r = m.update(t0 + seconds(41), total + 50);
  EXPECT_DOUBLE_EQ(r, 50.0 / 10.0) << "the window spans from the newest sample at least a window old";
}

TEST(RateMonitor, TargetFractionIsClipped) {
  EXPECT_DOUBLE_EQ(target_fraction(7500, 15000), 0.5);
  EXPECT_DOUBLE_EQ(target_fraction(30000, 15000), 1.0);
  EXPECT_DOUBLE_EQ(target_fraction(-1, 15000), 0.0);
  EXPECT_DOUBLE_EQ(target_fraction(10, 0), 1.0);
}

}  // namespace
}  // namespace daqz
