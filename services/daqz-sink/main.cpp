// daqz-sink — storage sink: receives encoded records (ZeroMQ PULL), drops duplicates, appends
// them to CRC'd segment files with a configurable fsync policy and acknowledges them to the ingest
// nodes once durable. See core/storage/sink_node.h.
#include <spdlog/spdlog.h>

#include "runtime/metrics_server.h"
#include "runtime/lifecycle.h"
#include "nodes/sink_node.h"
#include "base/build_info.h"
#include "base/cli_config.h"
#include "base/logging.h"

int main(int argc, char** argv) {
  daqz::SinkConfig c;
  std::string metrics_address, log_level = "info";
  CLI::App app{"daqz-sink: store encoded records in append-only segment files and acknowledge them"};
  app.set_version_flag("--version", daqz::build_info_string());
  daqz::add_json_config(app);
  app.add_option("--node-id", c.node_id, "Name of this sink")->capture_default_str();
  app.add_option("--listen", c.listen, "Record endpoints to bind (PULL)")->capture_default_str();
  app.add_option("--out", c.out_dir, "Folder of segment files")->capture_default_str();
  app.add_option("--segment-bytes", c.segment_bytes, "Rotate segments at this size")->capture_default_str();
  app.add_option("--segment-seconds", c.segment_seconds, "Rotate segments at this age")->capture_default_str();
  app.add_option("--fsync", c.fsync, "never, record, rotate or interval")->capture_default_str()
      ->check(CLI::IsMember({"never", "record", "rotate", "interval"}));
  app.add_option("--fsync-interval", c.fsync_interval_s, "Seconds between fsyncs (policy interval)")->capture_default_str();
  app.add_option("--ack-interval-ms", c.ack_interval_ms, "Acknowledge (after fsync) at most this often")->capture_default_str();
  app.add_option("--hwm", c.hwm, "ZeroMQ receive high-water mark")->capture_default_str();
  app.add_option("--max-message-bytes", c.max_message_bytes, "Largest accepted message")->capture_default_str();
  app.add_option("--quarantine", c.quarantine_path, "File keeping the raw bytes of rejected frames")->capture_default_str();
  daqz::add_curve_options(app, c.curve);
  app.add_option("--metrics", metrics_address, "Serve Prometheus metrics at host:port (empty = off)");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, off")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  try {
    daqz::setup_logging(c.node_id, log_level);
    daqz::install_stop_signal_handlers();
    daqz::MetricsServer metrics(metrics_address, "daqz-sink");
    if (!metrics.url().empty()) spdlog::info("metrics at {}", metrics.url());
    daqz::SinkNode sink(c, metrics.registry());
    return sink.run();
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
}
