// The ingest node: the device at the heart of daqz-ingest.
//
//   channels:  data-in (PULL, bind)  -> [validate] -> input queue (bounded)
//              -> encoder worker pool (dynamic batching, one codec per worker)
//              -> output queue (bounded) -> data-out (PUSH, connect, one or more sinks)
//   states:    init (sockets, codecs) -> run -> drain (SIGTERM: unbind, empty the socket, finish
//              queues, flush) -> stop.
//
// Back-pressure, not loss: when the workers fall behind, the input queue fills, the receiver
// stops reading, ZeroMQ's receive high-water mark fills, and the sender's PUSH blocks. A record
// the configured codec cannot encode (codec error, model missing) is stored losslessly instead
// and counted (daqz_ingest_fallback_total). Every rejected frame is counted by reason, logged and
// kept in the quarantine file.
//
//   IngestConfig cfg;  cfg.listen = {"tcp://*:5555"};  cfg.sinks = {"tcp://127.0.0.1:5556"};
//   IngestNode node(cfg, metrics_registry);   // throws on broken set-up (bad endpoint, ...)
//   node.run();                                // returns after a stop request and a full drain
//
// IngestNode is driven by one thread (run); it starts and joins its own worker threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/metrics_server.h"
#include "transport/curve_options.h"
#include "nodes/fidelity_monitor.h"
#include "base/wedge.h"

namespace daqz {

struct IngestConfig {
  static constexpr size_t kDefaultQueueCapacity = 64;
  static constexpr size_t kDefaultMaxBatch = 8;
  static constexpr double kDefaultMaxDelayMs = 5;
  static constexpr double kDefaultTargetWedgesPerSecond = 15000;  // 15 kHz x 24 wedges / 24 nodes
  // Mean zero-suppressed wire size of a simulated outer wedge (165 KB measured, occupancy ~0.10):
  // turns the wedge target into a bytes/s target when none is given.
  static constexpr double kNominalWedgeWireBytes = 165e3;

  std::string node_id = "ingest-0";
  std::vector<std::string> listen{"tcp://*:5555"};
  std::vector<std::string> sinks{"tcp://127.0.0.1:5556"};
  std::string ack_listen;                  // where sinks send acknowledgements (PULL bind); empty = no acks
  std::string ack_advertise;               // address sinks connect to for acks (default: ack_listen, * -> 127.0.0.1)
  std::string wedge_codec = "lossless";    // codec id ("lossless", "bcae", "zfp")
  std::string wedge_model;                 // model directory or name under models_root (neural codecs)
  std::string jet_codec = "jet-lossless";
  std::string jet_model;
  std::string models_root = "deploy/models";
  std::map<std::string, std::string> codec_params;
  bool require_model = false;              // fail at start instead of falling back to lossless
  std::string device = "cpu";
  int workers = 1;
  int intra_op_threads = 1;
  size_t queue_capacity = kDefaultQueueCapacity;
  size_t max_batch = kDefaultMaxBatch;
  double max_delay_ms = kDefaultMaxDelayMs;
  int hwm = 64;
  int64_t max_message_bytes = 64 << 20;
  WedgeShape wedge_shape = kOuterWedgeShape;
  std::string quarantine_path = "daqz-ingest.quarantine";
  size_t replay_capacity = 4096;           // unacknowledged records kept for re-send
  double replay_timeout_s = 5;             // re-send records unacknowledged this long
  double target_wedges_per_second = kDefaultTargetWedgesPerSecond;
  double target_bytes_per_second = 0;      // 0 = target_wedges_per_second x kNominalWedgeWireBytes
  double rate_window_s = 10;               // window of the achieved-rate gauges
  FidelityConfig fidelity;                 // live fidelity monitor (sampled background decode)
  double drain_quiet_ms = 300;             // drain: socket considered empty after this silence
  double drain_ack_timeout_s = 10;         // drain: wait this long for outstanding acks
  CurveOptions curve;                      // ZeroMQ CURVE on every socket (docs/security.md)
};

// Throws std::invalid_argument naming the field when the config is inconsistent.
void validate(const IngestConfig& config);

class IngestNode {
 public:
  IngestNode(const IngestConfig& config, prometheus::Registry& registry);
  ~IngestNode();
  IngestNode(const IngestNode&) = delete;
  IngestNode& operator=(const IngestNode&) = delete;

  // Runs until stop_requested() (pipeline/lifecycle.h), then drains. Returns 0 on a clean drain.
  int run();

  struct Totals {
    uint64_t received = 0, rejected = 0, encoded = 0, fallback = 0, sent = 0, acked = 0, resent = 0;
    uint64_t unacked_at_exit = 0;
  };
  Totals totals() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace daqz
