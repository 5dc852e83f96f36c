// The ingest node's flags, bound to an IngestConfig (the shared ones: runtime/node_options.h).
#include <CLI/CLI.hpp>

#include <stdexcept>

#include "nodes/ingest_node.h"

namespace daqz {

void add_ingest_options(CLI::App& app, IngestConfig& c, std::vector<std::string>& params) {
  app.add_option("--sink", c.forward.sinks, "Sink endpoints to connect to (PUSH, load-balanced)")->capture_default_str();
  app.add_option("--ack-listen", c.forward.ack_listen, "Endpoint to bind for sink acknowledgements (enables re-send)");
  app.add_option("--ack-advertise", c.forward.ack_advertise, "Ack endpoint as sinks reach it (default: --ack-listen with * -> 127.0.0.1)");
  app.add_option("--wedge-codec", c.wedge_codec, "Codec for TPC wedges: lossless, bcae, zfp, passthrough (the payload as received), smallest (bcae or lossless, whichever record is smaller)")->capture_default_str();
  app.add_option("--wedge-model", c.wedge_model,
                 "Model directory, name or name@version (under --models-root; a name means its latest version) "
                 "for the wedge codec");
  app.add_option("--jet-codec", c.jet_codec, "Codec for jet batches: jet-lossless, float-trunc, jet-ae, ...")->capture_default_str();
  app.add_option("--jet-model", c.jet_model, "Model directory, name or name@version for the jet codec");
  app.add_option("--models-root", c.models_root, "Folder of model directories")->capture_default_str();
  app.add_option("--codec-param", params, "Codec parameter key=value (repeatable), e.g. threshold=0.5");
  app.add_flag("--require-model", c.require_model, "Fail at start if a codec cannot load (default: store losslessly)");
  app.add_option("--device", c.device, "cpu or cuda[:N]")->capture_default_str();
  app.add_option("--workers", c.pool.workers, "Encoder worker threads")->capture_default_str();
  app.add_option("--validators", c.pool.validators,
                 "Threads validating and decoding ahead of the encoder workers (0: each worker validates its batch)")
      ->capture_default_str()->check(CLI::NonNegativeNumber);
  app.add_option("--intra-op-threads", c.intra_op_threads, "LibTorch threads per worker")->capture_default_str();
  app.add_option("--queue-capacity", c.pool.queue_capacity, "Bounded queue capacity (items)")->capture_default_str();
  app.add_option("--max-batch", c.pool.max_batch, "Dynamic batching: largest batch")->capture_default_str();
  app.add_option("--max-delay-ms", c.pool.max_delay_ms, "Dynamic batching: longest wait to fill a batch")->capture_default_str();
  app.add_option("--quarantine", c.quarantine_path, "File keeping the raw bytes of rejected frames")->capture_default_str();
  app.add_option("--replay-capacity", c.forward.replay_capacity, "Unacknowledged records kept for re-send")->capture_default_str();
  app.add_option("--replay-timeout", c.forward.replay_timeout_s, "Re-send records unacknowledged this long (s)")->capture_default_str();
  app.add_option("--target-wedges-per-second", c.target_wedges_per_second, "FELIX-rate target of this node")->capture_default_str();
  app.add_option("--target-bytes-per-second", c.target_bytes_per_second, "Target in received bytes/s (0 = wedges target x 165 KB)")->capture_default_str();
  app.add_option("--rate-window", c.rate_window_s, "Window of the achieved-rate gauges (s)")->capture_default_str();
  app.add_option("--fidelity-fraction", c.fidelity.fraction, "Share of wedges decoded in the background and compared (0 = off)")->capture_default_str();
  app.add_option("--fidelity-queue", c.fidelity.queue_capacity, "Fidelity samples waiting at most (more are dropped, counted)")->capture_default_str();
  app.add_option("--fidelity-window", c.fidelity.window, "Fidelity gauges aggregate this many recent samples")->capture_default_str();
}

void apply_codec_params(const std::vector<std::string>& params, IngestConfig& c) {
  for (const auto& p : params) {
    const auto eq = p.find('=');
    if (eq == std::string::npos) throw std::invalid_argument("--codec-param '" + p + "' is not key=value");
    c.codec_params[p.substr(0, eq)] = p.substr(eq + 1);
  }
}

}  // namespace daqz
