// Rate-distortion metric families of the ingest node, in their own file so the node registers them
// with one member and one call per record:
//
//   daqz_ingest_stored_bytes_per_wedge           histogram of the stored payload size of each wedge record, bytes
//   daqz_ingest_operating_point{source}          latent bits per value of the stream's last neural record
//                                                (K of bits=K; 16 for fp16 latents)
//
// Sizes are in bytes and the operating point carries no unit suffix because Prometheus' naming rules
// (promtool check metrics, tests/integration/metrics_promtool_test.sh) take bytes as the base unit of
// size and refuse "bits" in a metric name.
//   daqz_ingest_codec_choice_total{codec}        records chosen by the smallest-record mode, per codec that won
//
//   RdMetrics rd(registry);
//   rd.observe_wedge_record(record, source);        // from any worker thread
//
// Thread-safe: prometheus-cpp handles are; the per-source gauge map is guarded by a mutex (sources are
// few and a gauge is created once per source).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "codec/codec.h"
#include "runtime/metrics_server.h"

namespace daqz {

class RdMetrics {
 public:
  explicit RdMetrics(prometheus::Registry& r);
  void observe_wedge_record(const EncodedRecord& record, const std::string& source);

 private:
  prometheus::Histogram& stored_bytes_;
  prometheus::Family<prometheus::Gauge>& operating_point_;
  prometheus::Family<prometheus::Counter>& choice_;
  std::mutex mutex_;
  std::map<std::string, prometheus::Gauge*> point_by_source_;
  std::map<std::string, prometheus::Counter*> choice_by_codec_;
};

}  // namespace daqz
