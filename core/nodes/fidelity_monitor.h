// Live fidelity monitor: decodes a sampled fraction of the encoded wedges in a background thread
// and compares each with its input, so operators see MSE, log-MAE, precision and recall of what
// is actually being stored, as it is stored.
//
//   FidelityMonitor monitor(cfg, {"deploy/models"}, registry);   // starts its thread if enabled
//   worker, after encoding:  monitor.offer(original_wedge, record);   // never blocks
//
// The main path never waits for it: offer() decides by a deterministic sampling accumulator
// (fraction 0.01 = every 100th wedge), copies the pair only when sampled, and drops it (counted
// in daqz_ingest_fidelity_dropped_total) when the small queue is full. Records are decoded with
// the same RecordDecoder as `daqz decode` (weights verified by SHA-256), with one LibTorch
// thread. Gauges report the figures over the last `window` samples.
//
// Thread-safety: offer() may be called from any number of worker threads.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "codec/codec.h"
#include "runtime/metrics_server.h"
#include "base/wedge.h"

namespace daqz {

struct FidelityConfig {
  double fraction = 0.01;   // share of wedges decoded and compared; 0 disables the monitor
  size_t queue_capacity = 4;
  size_t window = 32;       // gauges aggregate the last `window` samples
};

class FidelityMonitor {
 public:
  FidelityMonitor(const FidelityConfig& config, std::vector<std::string> model_roots, prometheus::Registry& registry);
  ~FidelityMonitor();  // stops the thread; samples still queued are discarded (they are only samples)
  FidelityMonitor(const FidelityMonitor&) = delete;
  FidelityMonitor& operator=(const FidelityMonitor&) = delete;

  bool enabled() const { return config_.fraction > 0; }  // when not, no thread and no metrics
  // Offers one encoded wedge with its input. Cheap when not sampled; never blocks.
  void offer(const SparseWedge& original, const EncodedRecord& record);
  // Waits (bounded) until every accepted sample has been measured; for tests and drain.
  void flush(double timeout_s);

  uint64_t measured() const;
  uint64_t dropped() const;

 private:
  struct Impl;
  FidelityConfig config_;
  std::unique_ptr<Impl> impl_;
};

// Throws std::invalid_argument naming the field when the config is out of range.
void validate(const FidelityConfig& config);

}  // namespace daqz
