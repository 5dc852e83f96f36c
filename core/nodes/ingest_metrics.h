// Metric families of the ingest node, registered once; the hot path only increments and observes.
// Names follow Prometheus conventions: daqz_ prefix, base units (seconds, bytes), _total counters.
#pragma once

#include <array>

#include "runtime/metrics_server.h"
#include "wire/validation.h"

namespace daqz {

struct IngestMetrics {
  IngestMetrics(prometheus::Registry& r, double target_wedges_per_second, double target_bytes_per_second);

  prometheus::Counter& rejected(RejectReason reason) { return *rejected_by_reason[size_t(reason)]; }

  prometheus::Counter& messages_in_wedge;
  prometheus::Counter& messages_in_jets;
  prometheus::Counter& end_of_stream;
  prometheus::Counter& bytes_in;
  RejectCounters rejected_by_reason{};
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
  prometheus::Counter& upstream_acks;   // acknowledgements forwarded to the senders (FELIX side)
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
};

}  // namespace daqz
