// The storage sink: the device behind daqz-sink.
//
//   channels: records-in (PULL, bind) -> [validate, dedup] -> segment writer (append-only,
//             CRC'd, rotated, fsync policy) ; acks-out (PUSH, connect to each record's reply_to)
//   states:   init (recover torn segment tails, rebuild the dedup index) -> run -> drain
//             (SIGTERM: empty the socket, fsync, send the last acks) -> stop.
//
// A record is acknowledged only after it is durable under the fsync policy, so an ingest node
// re-sends whatever a crashed sink never acknowledged; duplicates are dropped (and acknowledged).
//
//   SinkConfig cfg;  cfg.listen = {"tcp://*:5556"};  cfg.out_dir = "data";
//   SinkNode sink(cfg, registry);   // recovers existing segments in out_dir
//   sink.run();                      // until stop_requested(), then drains
//
// Driven by one thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/metrics_server.h"
#include "storage/segment.h"
#include "transport/curve_options.h"

namespace daqz {

struct SinkConfig {
  std::string node_id = "sink-0";
  std::vector<std::string> listen{"tcp://*:5556"};
  std::string out_dir = "daqz-data";
  uint64_t segment_bytes = SegmentWriterConfig::kDefaultMaxBytes;
  double segment_seconds = SegmentWriterConfig::kDefaultMaxSeconds;
  std::string fsync = "interval";
  double fsync_interval_s = 0.2;
  double ack_interval_ms = 50;   // acks (and the fsync before them) at most this often
  int hwm = 64;
  int64_t max_message_bytes = 64 << 20;
  std::string quarantine_path = "daqz-sink.quarantine";
  double drain_quiet_ms = 300;
  CurveOptions curve;  // ZeroMQ CURVE on every socket (docs/security.md)
};

class SinkNode {
 public:
  SinkNode(const SinkConfig& config, prometheus::Registry& registry);
  ~SinkNode();
  int run();

  struct Totals {
    uint64_t received = 0, stored = 0, duplicates = 0, rejected = 0, acks_sent = 0, recovered_records = 0;
  };
  Totals totals() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace daqz
