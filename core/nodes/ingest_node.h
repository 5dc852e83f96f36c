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
//   IngestConfig cfg;  cfg.node.listen = {"tcp://*:5555"};  cfg.sinks = {"tcp://127.0.0.1:5556"};
//   IngestNode node(cfg);               // a Device: run by DeviceRunner / run_service
//
// Readiness (/readyz): state running, conditions "sockets_bound" and "codecs_loaded" (every worker has
// loaded its codecs; a codec that fell back to lossless counts as loaded, since the node still
// stores everything, and is named in the condition's reason and daqz_ingest_codec_unavailable_total).
//
// The hooks run on the runner's thread (init starts the worker and sender threads, run_once receives,
// drain joins them).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/device.h"
#include "runtime/node_options.h"
#include "nodes/fidelity_monitor.h"
#include "base/install_paths.h"
#include "base/wedge.h"

namespace CLI {
class App;
}

namespace daqz {

struct IngestConfig {
  static constexpr size_t kDefaultQueueCapacity = 64;
  static constexpr size_t kDefaultMaxBatch = 8;
  static constexpr double kDefaultMaxDelayMs = 5;
  static constexpr double kDefaultTargetWedgesPerSecond = 15000;  // 15 kHz x 24 wedges / 24 nodes
  // Mean zero-suppressed wire size of a simulated outer wedge (165 KB measured, occupancy ~0.10):
  // turns the wedge target into a bytes/s target when none is given.
  static constexpr double kNominalWedgeWireBytes = 165e3;

  NodeOptions node{"ingest-0", {"tcp://*:5555"}};  // node id, listen, hwm, max message bytes, metrics, CURVE
  std::vector<std::string> sinks{"tcp://127.0.0.1:5556"};
  std::string ack_listen;                  // where sinks send acknowledgements (PULL bind); empty = no acks
  std::string ack_advertise;               // address sinks connect to for acks (default: ack_listen, * -> 127.0.0.1)
  std::string wedge_codec = "lossless";    // codec id ("lossless", "bcae", "zfp")
  std::string wedge_model;                 // model directory or name under models_root (neural codecs)
  std::string jet_codec = "jet-lossless";
  std::string jet_model;
  std::string models_root = default_models_root();  // ./deploy/models, else <bin>/../share/daqz/models
  std::map<std::string, std::string> codec_params;
  bool require_model = false;              // fail at start instead of falling back to lossless
  std::string device = "cpu";
  int workers = 1;
  int intra_op_threads = 1;
  size_t queue_capacity = kDefaultQueueCapacity;
  size_t max_batch = kDefaultMaxBatch;
  double max_delay_ms = kDefaultMaxDelayMs;
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
};

// Throws std::invalid_argument naming the field when the config is inconsistent.
void validate(const IngestConfig& config);

class IngestNode final : public Device {
 public:
  static constexpr int kUnacknowledgedExitCode = 3;

  explicit IngestNode(IngestConfig config);
  ~IngestNode() override;

  void init(DeviceContext& ctx) override;  // validates, loads codecs, binds, starts the threads
  bool run_once() override;                // receives one message (or waits ~100 ms)
  int drain() override;                    // 0, or kUnacknowledgedExitCode when sinks never acknowledged some

 private:
  const IngestConfig config_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The ingest node's own flags (the shared ones come from runtime/node_options.h). `codec_params`
// collects --codec-param key=value pairs; apply_codec_params() moves them into the config.
void add_ingest_options(CLI::App& app, IngestConfig& config, std::vector<std::string>& codec_params);
void apply_codec_params(const std::vector<std::string>& codec_params, IngestConfig& config);

}  // namespace daqz
