#include "storage/deduplicator.h"

#include <stdexcept>

namespace daqz {
namespace {
constexpr double kIdleSweepSeconds = 60;
}

const char* dedup_verdict_name(DedupVerdict v) {
  switch (v) {
    case DedupVerdict::kNew: return "new";
    case DedupVerdict::kDuplicate: return "duplicate";
    case DedupVerdict::kConflict: return "conflict";
    case DedupVerdict::kBeyondWindow: return "beyond_window";
  }
  return "?";
}

Deduplicator::Deduplicator(DedupOptions options) : options_(options) {
  if (options_.window == 0) throw std::invalid_argument("dedup window must be at least 1 sequence");
  if (options_.max_runs_per_source == 0) throw std::invalid_argument("dedup must keep at least 1 run per source");
}

DedupVerdict Deduplicator::insert(const RecordKey& key, uint32_t payload_crc, double now_s) {
  evict_idle(now_s);
  Runs& runs = sources_[key.source];
  Run& run = runs[key.run];
  run.last_seen = now_s;
  if (run.slots.empty()) {
    run.slots.resize(options_.window);
    evict_extra_runs(runs, key.run);
  }
  Slot& slot = run.slots[key.sequence % options_.window];
  if (slot.crcs == 0 || slot.sequence < key.sequence) {
    slot = Slot{key.sequence, {payload_crc, 0}, 1};
    return DedupVerdict::kNew;
  }
  if (slot.sequence > key.sequence) return DedupVerdict::kBeyondWindow;
  for (uint8_t i = 0; i < slot.crcs; ++i)
    if (slot.crc[i] == payload_crc) return DedupVerdict::kDuplicate;
  // Keep the first stored content and the latest conflicting one: re-sends of either are recognised.
  slot.crc[1] = payload_crc;
  slot.crcs = 2;
  return DedupVerdict::kConflict;
}

// Evicts the least recently seen runs (ties: the lowest run number) other than `keep`.
void Deduplicator::evict_extra_runs(Runs& runs, uint64_t keep) {
  while (runs.size() > options_.max_runs_per_source) {
    auto oldest = runs.end();
    for (auto it = runs.begin(); it != runs.end(); ++it)
      if (it->first != keep && (oldest == runs.end() || it->second.last_seen < oldest->second.last_seen)) oldest = it;
    runs.erase(oldest);
    ++runs_evicted_;
  }
}

void Deduplicator::evict_idle(double now_s) {
  if (now_s - last_idle_sweep_ < kIdleSweepSeconds) return;
  last_idle_sweep_ = now_s;
  for (auto s = sources_.begin(); s != sources_.end();) {
    Runs& runs = s->second;
    for (auto r = runs.begin(); r != runs.end();) {
      if (now_s - r->second.last_seen > options_.run_idle_seconds) {
        r = runs.erase(r);
        ++runs_evicted_;
      } else {
        ++r;
      }
    }
    s = runs.empty() ? sources_.erase(s) : std::next(s);
  }
}

size_t Deduplicator::runs() const {
  size_t n = 0;
  for (const auto& [source, runs] : sources_) n += runs.size();
  return n;
}

size_t Deduplicator::memory_bytes() const { return runs() * options_.window * sizeof(Slot); }

}  // namespace daqz
