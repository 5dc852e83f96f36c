#include "sim/stream_pacer.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

namespace daqz {

struct StreamPacer::Impl {
  boost::asio::io_context io;
  boost::asio::steady_timer timer{io};
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  uint64_t index = 0;
  uint64_t max_burst;
};

StreamPacer::StreamPacer(double rate_per_second, uint64_t max_burst)
    : impl_(std::make_unique<Impl>()), rate_(rate_per_second) {
  impl_->max_burst = max_burst;
}

StreamPacer::~StreamPacer() = default;

void StreamPacer::wait_next() {
  if (rate_ <= 0) return;
  using namespace std::chrono;
  const auto period = duration<double>(1.0 / rate_);
  auto due = impl_->start + duration_cast<steady_clock::duration>(period * double(impl_->index));
  const auto now = steady_clock::now();
  // Far behind schedule (the receiver pushed back): re-anchor instead of bursting.
  if (now - due > duration_cast<steady_clock::duration>(period * double(impl_->max_burst))) {
    impl_->start = now;
    impl_->index = 0;
    due = now;
  }
  ++impl_->index;
  if (due > now) {
    impl_->timer.expires_at(due);
    // A signal (SIGTERM) interrupts the wait with EINTR: return early, the caller checks for a stop.
    boost::system::error_code interrupted;
    impl_->timer.wait(interrupted);
  }
}

}  // namespace daqz
