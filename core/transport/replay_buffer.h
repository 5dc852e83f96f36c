// The ingest node's replay buffer: records sent to a sink but not yet acknowledged. A record is
// re-sent when unacknowledged for longer than a time-out (e.g. the sink restarted and lost what
// was in flight); the sink drops duplicates. Keyed by (source, run, sequence): two runs of one
// source both start at sequence 0. Bounded: when full, the sender stops taking new records
// (back-pressure) instead of forgetting old ones.
//
//   ReplayBuffer rb(4096);
//   rb.add(std::move(msg), now);
//   rb.ack({"felix-sim-0", run, 17});
//   for (const RecordKey& k : rb.due(now, 5s))
//     if (SharedMessage m = rb.find(k)) resend(m);   // acks may erase entries meanwhile: look up each
//
// Records are shared, not copied: the same Message is what a zero-copy send hands to ZeroMQ
// (transport/zmq_io.h), which may still hold it after the acknowledgement erased the entry.
//
// Not thread-safe: owned by the sender thread.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "wire/message.h"
#include "wire/record_key.h"

namespace daqz {

using SharedMessage = std::shared_ptr<const Message>;

class ReplayBuffer {
 public:
  using Clock = std::chrono::steady_clock;
  explicit ReplayBuffer(size_t capacity) : capacity_(capacity ? capacity : 1) {}

  void add(SharedMessage m, Clock::time_point now) {
    RecordKey k = RecordKey::of(m->envelope);
    entries_[std::move(k)] = Entry{std::move(m), now};
  }
  void add(Message m, Clock::time_point now) { add(std::make_shared<const Message>(std::move(m)), now); }
  // True if the record was waiting (first acknowledgement).
  bool ack(const RecordKey& key) { return entries_.erase(key) > 0; }
  // Keys of the records unacknowledged for longer than `after`; their send time is reset to `now`.
  // Keys, not pointers: an acknowledgement taken while one re-send waits erases entries, and a
  // pointer to one of them would dangle.
  std::vector<RecordKey> due(Clock::time_point now, std::chrono::duration<double> after) {
    std::vector<RecordKey> out;
    if (now - last_scan_ < std::chrono::milliseconds(50)) return out;
    last_scan_ = now;
    for (auto& [key, e] : entries_)
      if (now - e.sent >= after) {
        e.sent = now;
        out.push_back(key);
      }
    return out;
  }
  // The waiting record, or nullptr once it was acknowledged. Shared: it stays valid after an ack.
  SharedMessage find(const RecordKey& key) const {
    const auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : it->second.message;
  }
  size_t size() const { return entries_.size(); }
  bool full() const { return entries_.size() >= capacity_; }

 private:
  struct Entry {
    SharedMessage message;
    Clock::time_point sent;
  };
  size_t capacity_;
  std::map<RecordKey, Entry> entries_;
  Clock::time_point last_scan_{};
};

}  // namespace daqz
