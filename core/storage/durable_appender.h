// The sink's write path under failure: takes records, writes them to segments and says when every
// record taken is durable (so acknowledgements may go out). When an append or an fsync fails (disk
// full, I/O error) it keeps the records, unacknowledged, and retries with exponential back-off; the
// caller stops reading its socket while failing() (back-pressure: the senders keep their records).
// Nothing is ever dropped: a record leaves the appender only once a successful sync covers it.
//
//   DurableAppender out(writer_config, backoff_options);
//   out.on_durable = [&](const SegmentRecord& r) { count_stored(r.envelope); };
//   out.submit(std::move(record), now);            // held if the disk fails
//   out.submit_batch(std::move(records), now);     // many: one gathered write
//   if (out.make_durable(now)) acks.flush();       // all durable: acknowledge
//   while (out.failing()) wait_until(out.next_attempt()), out.make_durable(now);
//
// How it tracks records: records go from held (not written) to unsynced (in the open segment, not
// yet fsynced) to durable. SegmentWriter's counters (appended = durable + dropped + unsynced) say
// after each call which unsynced records became durable and which a sealed segment dropped; dropped
// ones go back to the front of held, in order, and are written again into the next segment.
// Not thread-safe: one thread owns it (the sink's receive loop).
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "storage/backoff.h"
#include "storage/segment.h"

namespace daqz {

class DurableAppender {
 public:
  using Clock = std::chrono::steady_clock;

  DurableAppender(SegmentWriterConfig config, BackoffOptions backoff = {});

  // Takes the record. Writes it now unless a retry is pending; returns false if it is held.
  bool submit(Message m, Clock::time_point now);
  bool submit(SegmentRecord r, Clock::time_point now);
  // Takes the records, in order, and writes them together (one gathered write per segment).
  bool submit_batch(std::vector<SegmentRecord>&& records, Clock::time_point now);
  // Writes held records (if a retry is due) and syncs. True when every record taken is durable.
  bool make_durable(Clock::time_point now);
  // Syncs and closes the open segment; records still held are reported and left (never acknowledged).
  void close();

  bool failing() const { return !held_.empty(); }  // records wait for a retry: stop taking more
  Clock::time_point next_attempt() const { return next_attempt_; }
  size_t held() const { return held_.size(); }
  size_t unsynced() const { return unsynced_.size(); }
  uint64_t errors() const { return errors_; }
  uint64_t retries() const { return retries_; }
  const SegmentWriter& writer() const { return writer_; }

  // Hooks for metrics and logs (all optional).
  std::function<void(const AppendResult&)> on_append;   // every successful append
  std::function<void(double seconds)> on_fsync;         // every successful sync that had work
  std::function<void(const SegmentRecord&)> on_durable; // once per record, when it is durable
  std::function<void(const std::string& what, size_t held)> on_error;  // every failed attempt
  std::function<void(uint64_t failures)> on_recovered;  // first success after failures

 private:
  bool write_held(Clock::time_point now);
  void settle();
  void fail(const std::exception& e, Clock::time_point now);
  void succeeded();

  SegmentWriter writer_;
  Backoff backoff_;
  // Records own their payloads (SegmentRecord::keep) until they leave the appender.
  std::vector<SegmentRecord> held_;     // taken, not (or no longer) in any open segment; written as one batch
  std::deque<SegmentRecord> unsynced_;  // in the open segment, not yet covered by a sync
  uint64_t durable_seen_ = 0, dropped_seen_ = 0;  // writer counters already accounted for
  bool retry_pending_ = false;
  Clock::time_point next_attempt_{};
  uint64_t errors_ = 0, retries_ = 0;
};

}  // namespace daqz
