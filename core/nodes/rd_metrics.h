// Rate-distortion metric families of the ingest node, in their own file so the node registers them
// with one member and one call per record:
//
//   daqz_ingest_stored_bits_per_wedge            histogram of the stored payload size of each wedge record, bits
//   daqz_ingest_operating_point_bits{source}     latent bits per value of the stream's last neural record
//                                                (K of bits=K; 16 for fp16 latents)
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
  prometheus::Histogram& stored_bits_;
  prometheus::Family<prometheus::Gauge>& operating_point_;
  prometheus::Family<prometheus::Counter>& choice_;
  std::mutex mutex_;
  std::map<std::string, prometheus::Gauge*> point_by_source_;
  std::map<std::string, prometheus::Counter*> choice_by_codec_;
};

}  // namespace daqz
