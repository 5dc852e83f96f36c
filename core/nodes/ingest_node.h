// The ingest node: the device at the heart of daqz-ingest, built from parts with one job each.
//
//   receivers (one thread per --listen endpoint: recv, envelope parse; nodes/ingest_receiver.h)
//     -> encoder pool (bounded queue, dynamic batches, workers that validate where the bytes arrived
//        and encode through one fallback policy; nodes/encoder_pool.h, nodes/fallback_policy.h)
//     -> forwarder (PUSH to the sinks, replay buffer and re-send, upstream acknowledgements;
//        nodes/forwarder.h)
//   counters: one IngestStats (nodes/ingest_stats.h); rejects: IngestRejects (counted, quarantined).
//
// Back-pressure, not loss: when the workers fall behind, the pool's queue fills, the receivers stop
// reading, ZeroMQ's receive high-water mark fills, and the sender's PUSH blocks. A record the
// configured codec cannot encode is stored losslessly instead and counted (daqz_ingest_fallback_total).
//
//   IngestConfig cfg;  cfg.node.listen = {"tcp://*:5555"};  cfg.forward.sinks = {"tcp://127.0.0.1:5556"};
//   IngestNode node(cfg);               // a Device: run by DeviceRunner / run_service
//
// Hooks: init (validate, codecs, fidelity monitor, forwarder, pool, receivers: bound and started);
// run_once (refreshes the rate and queue gauges about every 100 ms; the parts run on their own
// threads); drain (receivers unbind and empty their sockets, the pool finishes its queue, the
// forwarder sends everything and waits, bounded, for the sinks' acknowledgements).
//
// Readiness (/readyz): state running, conditions "sockets_bound" and "codecs_loaded" (every worker has
// loaded its codecs; a codec that fell back to lossless counts as loaded, since the node still
// stores everything, and is named in the condition's reason and daqz_ingest_codec_unavailable_total).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/install_paths.h"
#include "nodes/encoder_pool.h"
#include "nodes/fidelity_monitor.h"
#include "nodes/forwarder.h"
#include "runtime/device.h"
#include "runtime/node_options.h"

namespace CLI {
class App;
}

namespace daqz {

struct IngestConfig {
  static constexpr double kDefaultTargetWedgesPerSecond = 15000;  // 15 kHz x 24 wedges / 24 nodes
  // Mean zero-suppressed wire size of a simulated outer wedge (165 KB measured, occupancy ~0.10):
  // turns the wedge target into a bytes/s target when none is given.
  static constexpr double kNominalWedgeWireBytes = 165e3;

  NodeOptions node{"ingest-0", {"tcp://*:5555"}};  // node id, listen, hwm, max message bytes, metrics, CURVE
  // Codecs
  std::string wedge_codec = "lossless";    // codec id ("lossless", "bcae", "zfp", "passthrough")
  std::string wedge_model;                 // model directory or name under models_root (neural codecs)
  std::string jet_codec = "jet-lossless";
  std::string jet_model;
  std::string models_root = default_models_root();  // ./deploy/models, else <bin>/../share/daqz/models
  std::map<std::string, std::string> codec_params;
  bool require_model = false;              // fail at start instead of falling back to lossless
  std::string device = "cpu";
  int intra_op_threads = 1;
  // Parts
  EncoderPoolConfig pool;                  // workers, queue capacity, max batch, max delay, wedge shape
  ForwarderConfig forward;                 // sinks, acknowledgements, replay buffer, drain time-out
  FidelityConfig fidelity;                 // live fidelity monitor (sampled background decode)
  std::string quarantine_path = "daqz-ingest.quarantine";
  double drain_quiet_ms = 300;             // drain: a socket counts as empty after this silence
  // FELIX-rate targets and the achieved-rate gauges
  double target_wedges_per_second = kDefaultTargetWedgesPerSecond;
  double target_bytes_per_second = 0;      // 0 = target_wedges_per_second x kNominalWedgeWireBytes
  double rate_window_s = 10;               // window of the achieved-rate gauges
};

// Throws std::invalid_argument naming the field when the config is inconsistent.
void validate(const IngestConfig& config);

class IngestNode final : public Device {
 public:
  static constexpr int kUnacknowledgedExitCode = 3;

  explicit IngestNode(IngestConfig config);
  ~IngestNode() override;

  void init(DeviceContext& ctx) override;
  bool run_once() override;
  int drain() override;  // 0, or kUnacknowledgedExitCode when records stayed unacknowledged or unsent

  // What the node has done so far (from its counters). Thread-safe once init() has returned.
  IngestStats::Counts counts() const;

 private:
  IngestConfig config_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The ingest node's own flags (the shared ones come from runtime/node_options.h). `codec_params`
// collects --codec-param key=value pairs; apply_codec_params() moves them into the config.
void add_ingest_options(CLI::App& app, IngestConfig& config, std::vector<std::string>& codec_params);
void apply_codec_params(const std::vector<std::string>& codec_params, IngestConfig& config);

}  // namespace daqz
