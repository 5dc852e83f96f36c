#include "runtime/node_options.h"

#include <CLI/CLI.hpp>

#include <stdexcept>

namespace daqz {

void add_node_options(CLI::App& app, NodeOptions& o, bool listens) {
  app.add_option("--node-id", o.node_id, "Name of this node (logs, metrics, acknowledgements)")->capture_default_str();
  if (listens) app.add_option("--listen", o.listen, "Data endpoints to bind (PULL)")->capture_default_str();
  app.add_option("--hwm", o.hwm, "ZeroMQ high-water marks (messages)")->capture_default_str();
  app.add_option("--max-message-bytes", o.max_message_bytes, "Largest accepted message (ZMQ_MAXMSGSIZE)")
      ->capture_default_str();
  app.add_option("--metrics", o.metrics_address,
                 "Serve /metrics (Prometheus), /healthz and /readyz at host:port (empty = off)");
  app.add_option("--log-level", o.log_level, "trace, debug, info, warn, error, off")->capture_default_str();
  add_curve_options(app, o.curve);
}

void validate(const NodeOptions& o, bool listens) {
  auto fail = [](const std::string& what) { throw std::invalid_argument(what); };
  if (o.node_id.empty()) fail("'node-id' must not be empty");
  if (listens && o.listen.empty()) fail("'listen' needs at least one endpoint");
  if (o.hwm < 1) fail("'hwm' must be >= 1");
  if (o.max_message_bytes < 1024) fail("'max-message-bytes' must be >= 1024");
}

}  // namespace daqz
