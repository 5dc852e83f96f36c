// daqz-ingest — one per readout node: receives wedges and jet batches (ZeroMQ PULL), validates
// them, encodes them in a worker pool (BCAE, jet codecs, lossless) and forwards the records to
// storage sinks, with back-pressure, acknowledgements and re-send. See core/pipeline/ingest_node.h.
#include <spdlog/spdlog.h>

#include "runtime/metrics_server.h"
#include "nodes/ingest_node.h"
#include "runtime/lifecycle.h"
#include "base/build_info.h"
#include "base/cli_config.h"
#include "base/logging.h"
#include "codec_torch/neural_codecs.h"

int main(int argc, char** argv) {
  daqz::IngestConfig c;
  std::string metrics_address, log_level = "info";
  std::vector<std::string> params;
  CLI::App app{"daqz-ingest: receive, validate and encode detector data, forward records to storage sinks"};
  app.set_version_flag("--version", daqz::build_info_string());
  daqz::add_json_config(app);
  app.add_option("--node-id", c.node_id, "Name of this ingest node")->capture_default_str();
  app.add_option("--listen", c.listen, "Data endpoints to bind (PULL)")->capture_default_str();
  app.add_option("--sink", c.sinks, "Sink endpoints to connect to (PUSH, load-balanced)")->capture_default_str();
  app.add_option("--ack-listen", c.ack_listen, "Endpoint to bind for sink acknowledgements (enables re-send)");
  app.add_option("--ack-advertise", c.ack_advertise, "Ack endpoint as sinks reach it (default: --ack-listen with * -> 127.0.0.1)");
  app.add_option("--wedge-codec", c.wedge_codec, "Codec for TPC wedges: lossless, bcae, zfp")->capture_default_str();
  app.add_option("--wedge-model", c.wedge_model, "Model directory or name (under --models-root) for the wedge codec");
  app.add_option("--jet-codec", c.jet_codec, "Codec for jet batches: jet-lossless, float-trunc, jet-ae, ...")->capture_default_str();
  app.add_option("--jet-model", c.jet_model, "Model directory or name for the jet codec");
  app.add_option("--models-root", c.models_root, "Folder of model directories")->capture_default_str();
  app.add_option("--codec-param", params, "Codec parameter key=value (repeatable), e.g. threshold=0.5");
  app.add_flag("--require-model", c.require_model, "Fail at start if a codec cannot load (default: store losslessly)");
  app.add_option("--device", c.device, "cpu or cuda[:N]")->capture_default_str();
  app.add_option("--workers", c.workers, "Encoder worker threads")->capture_default_str();
  app.add_option("--intra-op-threads", c.intra_op_threads, "LibTorch threads per worker")->capture_default_str();
  app.add_option("--queue-capacity", c.queue_capacity, "Bounded queue capacity (items)")->capture_default_str();
  app.add_option("--max-batch", c.max_batch, "Dynamic batching: largest batch")->capture_default_str();
  app.add_option("--max-delay-ms", c.max_delay_ms, "Dynamic batching: longest wait to fill a batch")->capture_default_str();
  app.add_option("--hwm", c.hwm, "ZeroMQ high-water marks (messages)")->capture_default_str();
  app.add_option("--max-message-bytes", c.max_message_bytes, "Largest accepted message (ZMQ_MAXMSGSIZE)")->capture_default_str();
  app.add_option("--quarantine", c.quarantine_path, "File keeping the raw bytes of rejected frames")->capture_default_str();
  app.add_option("--replay-capacity", c.replay_capacity, "Unacknowledged records kept for re-send")->capture_default_str();
  app.add_option("--replay-timeout", c.replay_timeout_s, "Re-send records unacknowledged this long (s)")->capture_default_str();
  app.add_option("--target-wedges-per-second", c.target_wedges_per_second, "FELIX-rate target of this node")->capture_default_str();
  app.add_option("--target-bytes-per-second", c.target_bytes_per_second, "Target in received bytes/s (0 = wedges target x 165 KB)")->capture_default_str();
  app.add_option("--rate-window", c.rate_window_s, "Window of the achieved-rate gauges (s)")->capture_default_str();
  app.add_option("--fidelity-fraction", c.fidelity.fraction, "Share of wedges decoded in the background and compared (0 = off)")->capture_default_str();
  app.add_option("--fidelity-queue", c.fidelity.queue_capacity, "Fidelity samples waiting at most (more are dropped, counted)")->capture_default_str();
  app.add_option("--fidelity-window", c.fidelity.window, "Fidelity gauges aggregate this many recent samples")->capture_default_str();
  daqz::add_curve_options(app, c.curve);
  app.add_option("--metrics", metrics_address, "Serve Prometheus metrics at host:port (empty = off)");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, off")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    daqz::setup_logging(c.node_id, log_level);
    daqz::register_neural_codecs();  // bcae, jet-ae; the node registers the classic codecs itself
    for (const auto& p : params) {
      const auto eq = p.find('=');
      if (eq == std::string::npos) throw std::invalid_argument("--codec-param '" + p + "' is not key=value");
      c.codec_params[p.substr(0, eq)] = p.substr(eq + 1);
    }
    daqz::install_stop_signal_handlers();
    daqz::MetricsServer metrics(metrics_address, "daqz-ingest", c.device);
    if (!metrics.url().empty()) spdlog::info("metrics at {}", metrics.url());
    daqz::IngestNode node(c, metrics.registry());
    return node.run();
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
}
