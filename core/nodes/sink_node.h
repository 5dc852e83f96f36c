// The storage sink: the device behind daqz-sink.
//
//   channels: records-in (PULL, bind) -> [validate, dedup] -> durable appender -> segment writer
//             (append-only, CRC'd, rotated, fsync policy) ; acks-out (PUSH, to each record's reply_to)
//   states:   init (recover segments: cut a torn tail of the newest, keep corrupt regions; rebuild
//             the dedup index) -> run -> drain (SIGTERM: empty the socket, fsync, last acks) -> stop.
//
// A record is acknowledged only after it is durable under the fsync policy, so an ingest node
// re-sends whatever a crashed sink never acknowledged. Duplicates, by (source, run, sequence) and
// payload CRC, are dropped (and acknowledged again); the same key with another payload is stored and
// counted (daqz_sink_key_conflicts_total). When the disk fails (full, I/O error) the sink keeps the
// records unacknowledged, stops reading its socket and retries with back-off (storage/durable_appender.h).
//
//   SinkConfig cfg;  cfg.listen = {"tcp://*:5556"};  cfg.out_dir = "data";
//   SinkNode sink(cfg, registry, metrics.shared_health());   // recovers existing segments in out_dir
//   sink.run();                      // until stop_requested(), then drains
//
// Readiness (/readyz): state run, conditions "sockets_bound" and "storage_writable" (free space
// above min_free_bytes, a probe file can be created, the last append/fsync succeeded:
// nodes/storage_health.h).
//
// Driven by one thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/metrics_server.h"
#include "storage/backoff.h"
#include "storage/deduplicator.h"
#include "storage/segment.h"
#include "nodes/storage_health.h"
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
  double drain_retry_s = 10;     // a draining sink retries a failing disk this long before giving up
  BackoffOptions retry;          // back-off between attempts while the disk fails
  DedupOptions dedup;            // duplicate window per (source, run), runs kept per source
  FileSystem* fs = nullptr;      // segments and quarantine; nullptr: posix_file_system() (tests inject faults)
  uint64_t min_free_bytes = StorageHealthConfig::kDefaultMinFreeBytes;  // below: not ready (storage_writable)
  double disk_check_interval_s = StorageHealthConfig::kDefaultIntervalS;
  CurveOptions curve;  // ZeroMQ CURVE on every socket (docs/security.md)
};

class SinkNode {
 public:
  // `health` receives the state and readiness conditions (none given: kept to itself).
  SinkNode(const SinkConfig& config, prometheus::Registry& registry, std::shared_ptr<HealthState> health = nullptr);
  ~SinkNode();
  int run();

  struct Totals {
    uint64_t received = 0, stored = 0, duplicates = 0, rejected = 0, acks_sent = 0, recovered_records = 0;
    uint64_t conflicts = 0, write_errors = 0;
  };
  Totals totals() const;
  // False while appends or fsyncs fail (records held, socket not read). Thread-safe: for readiness probes.
  bool storage_writable() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace daqz
