// The options every daqz service shares, declared once: node id, listen endpoints, ZeroMQ high-water
// marks and message size limit, the metrics/health address, the log level and CURVE. The runner
// (runtime/service_main.h) adds their flags; a node's config struct holds one NodeOptions.
//
//   SinkConfig c;                 // c.node.listen = {"tcp://*:5556"}, c.node.node_id = "sink-0"
//   add_node_options(app, c.node, /*listens=*/true);
//
// Flags: --node-id --listen --hwm --max-message-bytes --metrics --log-level --curve-secret-key
// --curve-server-key --curve-allow (every one also a key of the --config JSON file).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "transport/curve_options.h"

namespace CLI {
class App;
}

namespace daqz {

struct NodeOptions {
  static constexpr int kDefaultHwm = 64;
  static constexpr int64_t kDefaultMaxMessageBytes = 64 << 20;  // a dense wedge is 1.5 MB

  std::string node_id;
  std::vector<std::string> listen;     // data endpoints to bind (PULL); unused by pure senders
  int hwm = kDefaultHwm;               // ZeroMQ high-water marks (messages)
  int64_t max_message_bytes = kDefaultMaxMessageBytes;
  std::string metrics_address;         // host:port of /metrics, /healthz, /readyz; empty = off
  std::string log_level = "info";
  CurveOptions curve;
};

// Adds the shared flags bound to `options` (their current values are the defaults shown in --help).
// `listens`: whether the service binds data endpoints (--listen).
void add_node_options(CLI::App& app, NodeOptions& options, bool listens);

// Throws std::invalid_argument naming the option when a value cannot work.
void validate(const NodeOptions& options, bool listens);

}  // namespace daqz
