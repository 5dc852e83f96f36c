// IngestStats: the ingest node's one set of counters. Every part (receivers, encoder pool, fallback
// policy, forwarder, the node's rate gauges) reports here and nowhere else; the metric families are
// registered once, at construction, and the hot paths only increment and observe (prometheus-cpp
// handles are thread-safe). The node's summary at exit reads the same counters (counts()).
//
//   IngestStats stats(registry, targets);
//   stats.rejected(RejectReason::kBadCrc).Increment();
//   stats.add_stage_cpu(IngestStage::kValidate, seconds);   // CPU seconds spent per stage
//   ModelCounters m = stats.model("wedge", codec->descriptor());   // per model, Triton style
//   m.records->Increment(n); m.encode_seconds->Increment(dt);
//
// Names follow Prometheus conventions: daqz_ prefix, base units (seconds, bytes), _total counters.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

#include "codec/codec.h"
#include "nodes/rd_metrics.h"
#include "runtime/metrics_server.h"
#include "wire/validation.h"

namespace daqz {

// Where the node spends CPU, per item: receive (envelope parse, queueing), validate (CRC, run-list
// checks, decoding), encode (codec, lossless fallback), send (to the sinks, acks, re-sends).
enum class IngestStage { kReceive, kValidate, kEncode, kSend, kCount };
const char* ingest_stage_label(IngestStage stage);

// Per-model counters (Triton's nv_inference_*{model,version} convention): records encoded and
// encoder time, labelled {kind, codec, model, version}; lossless fallbacks count under "lossless".
struct ModelCounters {
  prometheus::Counter* records = nullptr;
  prometheus::Counter* encode_seconds = nullptr;
};

struct IngestTargets {
  double wedges_per_second = 0;
  double bytes_per_second = 0;
};

class IngestStats {
 public:
  IngestStats(prometheus::Registry& r, const IngestTargets& targets);

  prometheus::Counter& rejected(RejectReason reason) { return *rejected_by_reason_[size_t(reason)]; }
  void add_stage_cpu(IngestStage stage, double seconds) { stage_cpu_[size_t(stage)]->Increment(seconds); }
  // Sets daqz_ingest_model_info{kind,codec,model,version,sha256} = 1 for a loaded codec and returns its
  // per-model counters (the same ones for every worker holding that model). Thread-safe.
  ModelCounters model(const std::string& kind, const CodecDescriptor& codec);
  // Dense bytes / stored bytes since start, per kind (the compression-ratio gauges).
  void count_wedge_compression(uint64_t dense_bytes, uint64_t stored_bytes);
  void count_jet_compression(uint64_t dense_bytes, uint64_t stored_bytes);

  struct Counts {
    uint64_t received = 0, rejected = 0, wedges_encoded = 0, jets_encoded = 0, fallback = 0, sent = 0, acked = 0,
             resent = 0;
  };
  Counts counts() const;

  prometheus::Counter& messages_in_wedge;
  prometheus::Counter& messages_in_jets;
  prometheus::Counter& end_of_stream;
  prometheus::Counter& bytes_in;
  prometheus::Counter& quarantined;
  prometheus::Counter& wedges_encoded;
  prometheus::Counter& jets_encoded;
  prometheus::Counter& fallback_wedge;
  prometheus::Counter& fallback_jets;
  prometheus::Counter& codec_unavailable;
  prometheus::Counter& records_out;
  prometheus::Counter& bytes_out;
  prometheus::Counter& ratio_in_bytes;   // original (zero-suppressed wire) bytes of encoded records
  prometheus::Counter& ratio_out_bytes;  // stored bytes of encoded records
  prometheus::Counter& acks;
  prometheus::Counter& upstream_acks;    // acknowledgements forwarded to the senders (FELIX side)
  prometheus::Counter& resent;
  prometheus::Counter& backpressure_waits;
  prometheus::Gauge& input_depth;
  prometheus::Gauge& input_capacity;
  prometheus::Gauge& output_depth;
  prometheus::Gauge& output_capacity;
  prometheus::Gauge& replay_depth;
  prometheus::Gauge& replay_capacity;
  prometheus::Gauge& target_wedges_per_second;
  prometheus::Gauge& target_bytes_per_second;
  prometheus::Gauge& achieved_wedges_per_second;  // encoded, over the last rate window
  prometheus::Gauge& achieved_bytes_per_second;   // received on the data channel, same window
  prometheus::Gauge& target_ratio;                // achieved / target wedges per second, clipped to [0, 1]
  prometheus::Gauge& compression_ratio_wedge;     // dense 16-bit bytes / stored bytes, since start
  prometheus::Gauge& compression_ratio_jets;      // dense float32 bytes / stored bytes, since start
  prometheus::Histogram& batch_size;
  prometheus::Histogram& encode_seconds;
  prometheus::Histogram& latency;
  // Stored size per wedge, operating point per stream, smallest-mode choices (nodes/rd_metrics.h).
  RdMetrics rd;

 private:
  prometheus::Registry& registry_;
  RejectCounters rejected_by_reason_{};
  std::array<prometheus::Counter*, size_t(IngestStage::kCount)> stage_cpu_{};
  std::atomic<uint64_t> dense_wedge_bytes_{0}, stored_wedge_bytes_{0}, dense_jet_bytes_{0}, stored_jet_bytes_{0};
};

}  // namespace daqz
