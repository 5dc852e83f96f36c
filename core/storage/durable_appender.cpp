#include "storage/durable_appender.h"

#include <spdlog/spdlog.h>

#include <stdexcept>

namespace daqz {

DurableAppender::DurableAppender(SegmentWriterConfig config, BackoffOptions backoff)
    : writer_(std::move(config)), backoff_(backoff) {}

bool DurableAppender::submit(Message m, Clock::time_point now) {
  return submit(SegmentRecord::owning(std::move(m)), now);
}

bool DurableAppender::submit(SegmentRecord r, Clock::time_point now) {
  held_.push_back(std::move(r));
  return write_held(now);
}

bool DurableAppender::submit_batch(std::vector<SegmentRecord>&& records, Clock::time_point now) {
  if (held_.empty()) {
    held_.swap(records);
  } else {
    held_.insert(held_.end(), std::make_move_iterator(records.begin()), std::make_move_iterator(records.end()));
  }
  records.clear();
  return write_held(now);
}

bool DurableAppender::write_held(Clock::time_point now) {
  if (held_.empty()) return true;
  if (retry_pending_) {
    if (now < next_attempt_) return false;
    ++retries_;
  }
  const uint64_t before = writer_.appended();
  // The records that landed, always the first ones (also when a policy fsync failed after they
  // did: the writer's counters say), move on to unsynced_; settle() then sorts out what a sync
  // made durable and what a sealed segment dropped.
  auto move_landed = [&] {
    const size_t landed = size_t(writer_.appended() - before);
    for (size_t i = 0; i < landed; ++i) unsynced_.push_back(std::move(held_[i]));
    held_.erase(held_.begin(), held_.begin() + long(landed));
    settle();
  };
  try {
    const AppendResult r = writer_.append_batch(held_.data(), held_.size());
    move_landed();
    if (on_append) on_append(r);
    if (r.fsync_seconds >= 0 && on_fsync) on_fsync(r.fsync_seconds);
  } catch (const StorageError& e) {
    move_landed();
    fail(e, now);
    return false;
  }
  return held_.empty();
}

bool DurableAppender::make_durable(Clock::time_point now) {
  if (!write_held(now)) return false;
  const bool work = writer_.unsynced() > 0;
  try {
    const double s = writer_.sync();
    if (work && on_fsync) on_fsync(s);
  } catch (const StorageError& e) {
    settle();
    fail(e, now);
    return false;
  }
  settle();
  if (retry_pending_ && held_.empty()) succeeded();
  return held_.empty() && unsynced_.empty();
}

void DurableAppender::settle() {
  for (; durable_seen_ < writer_.durable(); ++durable_seen_) {
    if (unsynced_.empty()) throw std::logic_error("durable appender: writer reports more durable records than it was given");
    if (on_durable) on_durable(unsynced_.front());
    unsynced_.pop_front();
  }
  // A sealed segment dropped everything it held unsynced: the oldest of unsynced_, in order.
  std::deque<SegmentRecord> again;
  for (; dropped_seen_ < writer_.dropped(); ++dropped_seen_) {
    if (unsynced_.empty()) throw std::logic_error("durable appender: writer reports more dropped records than it was given");
    again.push_back(std::move(unsynced_.front()));
    unsynced_.pop_front();
  }
  held_.insert(held_.begin(), std::make_move_iterator(again.begin()), std::make_move_iterator(again.end()));
  if (unsynced_.size() != writer_.unsynced())
    throw std::logic_error("durable appender: " + std::to_string(unsynced_.size()) + " records tracked unsynced, writer has " +
                           std::to_string(writer_.unsynced()));
}

void DurableAppender::fail(const std::exception& e, Clock::time_point now) {
  ++errors_;
  retry_pending_ = true;
  next_attempt_ = now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(backoff_.next_delay()));
  if (on_error) on_error(e.what(), held_.size());
}

void DurableAppender::succeeded() {
  if (on_recovered) on_recovered(backoff_.consecutive_failures());
  retry_pending_ = false;
  backoff_.reset();
}

void DurableAppender::close() {
  make_durable(Clock::now() + std::chrono::hours(1));  // one last attempt, back-off or not
  if (!held_.empty() || !unsynced_.empty())
    spdlog::error("{} records could not be stored; they were never acknowledged, so their senders still hold them",
                  held_.size() + unsynced_.size());
  try {
    writer_.close();
  } catch (const StorageError& e) {
    spdlog::error("closing the segment failed: {}", e.what());
  }
}

}  // namespace daqz
