// Exponential back-off between retries of a failing operation (a full or failing disk): the first
// retry comes quickly, later ones further apart up to a ceiling, so a disk that got space back is
// used again within a fraction of a second while a broken one is not hammered.
//
//   Backoff b({.initial_s = 0.05, .max_s = 2});
//   double wait_s = b.next_delay();   // 0.05, 0.1, 0.2, ... 2, 2, ...
//   b.reset();                        // after a success
//
// Not thread-safe (a value type).
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>

namespace daqz {

struct BackoffOptions {
  static constexpr double kDefaultInitialSeconds = 0.05;
  static constexpr double kDefaultMaxSeconds = 2.0;
  double initial_s = kDefaultInitialSeconds;
  double max_s = kDefaultMaxSeconds;
  double factor = 2.0;
};

class Backoff {
 public:
  explicit Backoff(BackoffOptions o = {}) : o_(o), next_(o.initial_s) {
    if (!(o_.initial_s > 0) || o_.max_s < o_.initial_s || o_.factor < 1)
      throw std::invalid_argument("back-off needs 0 < initial <= max and factor >= 1");
  }
  // The delay before the next attempt; each call lengthens the following one.
  double next_delay() {
    const double d = next_;
    next_ = std::min(o_.max_s, next_ * o_.factor);
    ++failures_;
    return d;
  }
  void reset() {
    next_ = o_.initial_s;
    failures_ = 0;
  }
  uint64_t consecutive_failures() const { return failures_; }

 private:
  BackoffOptions o_;
  double next_;
  uint64_t failures_ = 0;
};

}  // namespace daqz
