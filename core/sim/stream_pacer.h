// Paces a stream at a target rate with Boost.Asio steady timers (FELIX links deliver at a fixed
// trigger rate, not in bursts). Message i is due at start + i / rate; a sender that falls behind
// does not burst to catch up by more than `max_burst` messages.
//
//   StreamPacer pacer(15000.0);     // messages per second; 0 = flat out
//   for (...) { pacer.wait_next(); send(); }
//
// Not thread-safe (one pacer per sending thread).
#pragma once

#include <cstdint>
#include <memory>

namespace daqz {

class StreamPacer {
 public:
  explicit StreamPacer(double rate_per_second, uint64_t max_burst = 64);
  ~StreamPacer();
  void wait_next();
  double rate() const { return rate_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  double rate_;
};

}  // namespace daqz
