// Achieved rate over a sliding window, from a monotonically growing total (a counter's value).
//
//   RateMonitor wedges(std::chrono::seconds(10));
//   every second:  double per_s = wedges.update(steady_clock::now(), total_wedges_so_far);
//
// The first sample has no history and reports 0. Samples older than the window are forgotten,
// except the newest of them, so the rate always spans about one window once one has passed.
// Not thread-safe: one thread (the ingest receiver) feeds it.
#pragma once

#include <chrono>
#include <deque>
#include <utility>

namespace daqz {

class RateMonitor {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateMonitor(Clock::duration window) : window_(window) {}

  double update(Clock::time_point now, double total) {
    samples_.emplace_back(now, total);
    while (samples_.size() > 2 && now - samples_[1].first >= window_) samples_.pop_front();
    const auto& [t0, v0] = samples_.front();
    const double dt = std::chrono::duration<double>(now - t0).count();
    rate_ = dt > 0 ? (total - v0) / dt : 0.0;
    return rate_;
  }
  double rate() const { return rate_; }

 private:
  Clock::duration window_;
  std::deque<std::pair<Clock::time_point, double>> samples_;
  double rate_ = 0;
};

// Achieved / target clipped to [0, 1]; a target <= 0 means "no target" and reads 1.
inline double target_fraction(double achieved, double target) {
  if (target <= 0) return 1.0;
  const double f = achieved / target;
  return f < 0 ? 0.0 : (f > 1 ? 1.0 : f);
}

}  // namespace daqz
