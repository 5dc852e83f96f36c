// The storage sink: the device behind daqz-sink.
//
//   channels: records-in (PULL, bind) -> [validate, dedup] -> durable appender -> segment writer
//             (append-only, CRC'd, rotated, fsync policy) ; acks-out (PUSH, to each record's reply_to)
//   batches:  each step takes what the socket holds (up to write_batch_records / _bytes) and writes
//             it with one gathered write; payloads stay in the received ZeroMQ frames (no copy).
//   states:   init (recover segments: cut a torn tail of the newest, keep corrupt regions; rebuild
//             the dedup index) -> run -> drain (SIGTERM: empty the socket, fsync, last acks) -> stop.
//
// A record is acknowledged only after it is durable under the fsync policy, so an ingest node
// re-sends whatever a crashed sink never acknowledged. Duplicates, by (source, run, sequence) and
// payload CRC, are dropped (and acknowledged again); the same key with another payload is stored and
// counted (daqz_sink_key_conflicts_total). When the disk fails (full, I/O error) the sink keeps the
// records unacknowledged, stops reading its socket and retries with back-off (storage/durable_appender.h).
//
//   SinkConfig cfg;  cfg.node.listen = {"tcp://*:5556"};  cfg.out_dir = "data";
//   SinkNode sink(cfg);
//   DeviceRunner runner(sink, "daqz-sink", registry, health);   // or run_service() in main
//   runner.run();   // init: recover segments, bind; run_once: one batch, acks; drain: socket, fsync, acks
//
// Readiness (/readyz): state running, conditions "sockets_bound" and "storage_writable" (free space
// above min_free_bytes, a probe file can be created, the last append/fsync succeeded:
// nodes/storage_health.h).
//
// Hooks run on the runner's thread; counts() and storage_writable() are thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "nodes/storage_health.h"
#include "runtime/device.h"
#include "runtime/node_options.h"
#include "storage/backoff.h"
#include "storage/deduplicator.h"
#include "storage/segment.h"

namespace CLI {
class App;
}

namespace daqz {

struct SinkConfig {
  NodeOptions node{"sink-0", {"tcp://*:5556"}};  // node id, listen, hwm, max message bytes, metrics, CURVE
  std::string out_dir = "daqz-data";
  uint64_t segment_bytes = SegmentWriterConfig::kDefaultMaxBytes;
  double segment_seconds = SegmentWriterConfig::kDefaultMaxSeconds;
  std::string fsync = "interval";
  double fsync_interval_s = 0.2;
  double ack_interval_ms = 50;   // acks (and the fsync before them) at most this often
  size_t write_batch_records = 64;        // records a step takes from the socket and writes together
  size_t write_batch_bytes = 16u << 20;   // ... or payload bytes, whichever comes first
  std::string quarantine_path = "daqz-sink.quarantine";
  double drain_quiet_ms = 300;
  double drain_retry_s = 10;     // a draining sink retries a failing disk this long before giving up
  BackoffOptions retry;          // back-off between attempts while the disk fails
  DedupOptions dedup;            // duplicate window per (source, run), runs kept per source
  FileSystem* fs = nullptr;      // segments and quarantine; nullptr: posix_file_system() (tests inject faults)
  uint64_t min_free_bytes = StorageHealthConfig::kDefaultMinFreeBytes;  // below: not ready (storage_writable)
  double disk_check_interval_s = StorageHealthConfig::kDefaultIntervalS;
};

class SinkNode final : public Device {
 public:
  explicit SinkNode(SinkConfig config);
  ~SinkNode() override;

  void init(DeviceContext& ctx) override;
  bool run_once() override;
  int drain() override;  // 0, or kRecordsLeftExitCode when records stayed unstored

  static constexpr int kRecordsLeftExitCode = 3;

  // What the node has done so far, read from its metrics. Thread-safe once init() has returned.
  struct Counts {
    uint64_t received = 0, stored = 0, duplicates = 0, conflicts = 0, rejected = 0, write_errors = 0, acks_sent = 0;
    uint64_t recovered_records = 0;
  };
  Counts counts() const;
  // False while appends or fsyncs fail (records held, socket not read). Thread-safe: for readiness probes.
  bool storage_writable() const;

 private:
  const SinkConfig config_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The sink's own flags (the shared ones come from runtime/node_options.h).
void add_sink_options(CLI::App& app, SinkConfig& config);

}  // namespace daqz
