// daqz-sink — storage sink: receives encoded records (ZeroMQ PULL), drops duplicates, appends them to
// CRC'd segment files and acknowledges them once durable. The device: core/nodes/sink_node.h; the
// runtime (options, signals, /metrics /healthz /readyz, states): core/runtime/service_main.h.
#include "nodes/sink_node.h"
#include "runtime/service_main.h"

int main(int argc, char** argv) {
  daqz::SinkConfig config;
  return daqz::run_service(
      argc, argv,
      {"daqz-sink", "store encoded records in append-only segment files and acknowledge them", &config.node,
       /*listens=*/true, [&](CLI::App& app) { daqz::add_sink_options(app, config); },
       [&] { return std::make_unique<daqz::SinkNode>(config); }});
}
