// A bounded multi-producer multi-consumer queue: the back-pressure element between a service's
// receiver, its worker pool and its sender. When full, push() blocks (up to a timeout), so the
// receiver stops reading its socket and ZeroMQ's high-water mark pushes back on the sender.
//
//   BoundedQueue<Item> q(256);
//   q.push(std::move(item));                       // blocks while full; false once closed
//   std::vector<Item> batch;
//   q.pop_batch(batch, 8, 2ms, 100ms);             // dynamic batching (Triton-style)
//   q.close();                                     // producers stop; consumers drain, then end
//
// Thread-safe. Items are moved in and out; nothing is dropped: a closed queue still hands out
// everything it holds.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

namespace daqz {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity ? capacity : 1) {}

  // Blocks while full. Returns false (and leaves `item` untouched) if closed or timed out.
  template <typename Rep, typename Period>
  bool push(T& item, std::chrono::duration<Rep, Period> timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!not_full_.wait_for(lock, timeout, [&] { return closed_ || items_.size() < capacity_; })) return false;
    if (closed_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }
  bool push(T item) {
    std::unique_lock<std::mutex> lock(mu_);
    not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  // Waits up to `timeout` for one item. std::nullopt on time-out or when closed and empty.
  template <typename Rep, typename Period>
  std::optional<T> pop(std::chrono::duration<Rep, Period> timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!not_empty_.wait_for(lock, timeout, [&] { return closed_ || !items_.empty(); })) return std::nullopt;
    if (items_.empty()) return std::nullopt;
    T v = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return v;
  }

  // Dynamic batching: waits up to `idle` for a first item, then keeps collecting until `max_items`
  // are in hand or `max_delay` has passed since the first. Appends to `out`; returns the count.
  size_t pop_batch(std::vector<T>& out, size_t max_items, std::chrono::microseconds max_delay,
                   std::chrono::microseconds idle) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!not_empty_.wait_for(lock, idle, [&] { return closed_ || !items_.empty(); })) return 0;
    const auto deadline = std::chrono::steady_clock::now() + max_delay;
    size_t taken = 0;
    while (taken < max_items) {
      while (!items_.empty() && taken < max_items) {
        out.push_back(std::move(items_.front()));
        items_.pop_front();
        ++taken;
      }
      not_full_.notify_all();
      if (taken == max_items || closed_) break;
      if (!not_empty_.wait_until(lock, deadline, [&] { return closed_ || !items_.empty(); })) break;
    }
    return taken;
  }

  void close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }
  bool closed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_;
  }
  size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return items_.size();
  }
  size_t capacity() const { return capacity_; }
  // True when closed and empty: consumers may stop.
  bool drained() const {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_ && items_.empty();
  }

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable not_empty_, not_full_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace daqz
