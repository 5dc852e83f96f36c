// Tells a sink whether a record it receives is a re-send of one it already stored. A record is a
// duplicate only if its key (source, run, sequence) AND its payload CRC match a stored record: the
// same key with other content (a source restarted without a new run number, a buggy sender) is a
// conflict, stored and counted, never dropped.
//
//   Deduplicator d;
//   switch (d.insert(RecordKey::of(env), env.payload_crc32c(), now_s)) {
//     case DedupVerdict::kDuplicate: ack_again(); break;          // not stored twice
//     case DedupVerdict::kConflict: log_and_count(); [[fallthrough]];
//     default: store(record);                                     // kNew, kBeyondWindow
//   }
//
// Bounded memory, over days of running:
// - per (source, run), a direct-mapped table of `window` slots, indexed by sequence % window, holds
//   the highest sequence seen in that slot with up to two payload CRCs: 24 bytes per slot, allocated
//   when the run first appears (192 KiB at the default 8192). Re-sends come from the senders' replay
//   buffers (4096 records at most by default), so they fall inside the window.
// - a source keeps at most `max_runs_per_source` runs (the least recently seen is evicted), and a
//   run not seen for `run_idle_seconds` is evicted (checked once a minute).
// A record the table cannot judge (older than its slot's sequence, i.e. beyond the window) is
// kBeyondWindow: stored, because a duplicate on disk is harmless while a dropped record is lost.
// A record of an evicted run starts that run afresh (kNew). Rebuilt at start by inserting every stored
// record in write order. Not thread-safe (owned by the sink's receive thread).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "wire/record_key.h"

namespace daqz {

enum class DedupVerdict {
  kNew,           // first time: store it
  kDuplicate,     // same key and payload CRC as a stored record: drop it, acknowledge again
  kConflict,      // same key, other payload: store it, count and log it
  kBeyondWindow,  // too old for the window to tell: store it
};
const char* dedup_verdict_name(DedupVerdict v);

struct DedupOptions {
  static constexpr size_t kDefaultWindow = 8192;
  static constexpr size_t kDefaultMaxRunsPerSource = 4;
  static constexpr double kDefaultRunIdleSeconds = 24 * 3600.0;
  size_t window = kDefaultWindow;                       // sequences remembered per (source, run)
  size_t max_runs_per_source = kDefaultMaxRunsPerSource;
  double run_idle_seconds = kDefaultRunIdleSeconds;
};

class Deduplicator {
 public:
  // Throws std::invalid_argument for a zero window or run limit.
  explicit Deduplicator(DedupOptions options = {});

  // Classifies a record and remembers it (unless a duplicate). `now_s`: any monotonic clock in seconds.
  DedupVerdict insert(const RecordKey& key, uint32_t payload_crc, double now_s);

  size_t sources() const { return sources_.size(); }
  size_t runs() const;
  uint64_t runs_evicted() const { return runs_evicted_; }
  size_t memory_bytes() const;  // table memory, the bulk of what it holds

 private:
  struct Slot {
    uint64_t sequence = 0;
    uint32_t crc[2] = {0, 0};
    uint8_t crcs = 0;  // 0: empty slot
  };
  struct Run {
    std::vector<Slot> slots;
    double last_seen = 0;
  };
  using Runs = std::map<uint64_t, Run>;

  void evict_idle(double now_s);
  void evict_extra_runs(Runs& runs, uint64_t keep);

  DedupOptions options_;
  std::unordered_map<std::string, Runs> sources_;
  double last_idle_sweep_ = -1e300;
  uint64_t runs_evicted_ = 0;
};

}  // namespace daqz
