// daqz-felix-sim — a simulated FELIX stream of zero-suppressed TPC wedges (and jets) over ZeroMQ. The
// device: core/nodes/felix_sim_node.h; the runtime (options, signals, metrics, states):
// core/runtime/service_main.h.
#include "nodes/felix_sim_node.h"
#include "runtime/service_main.h"

int main(int argc, char** argv) {
  daqz::FelixSimConfig config;
  return daqz::run_service(
      argc, argv,
      {"daqz-felix-sim", "simulated FELIX stream of zero-suppressed TPC wedges (and jets) over ZeroMQ", &config.node,
       /*listens=*/false, [&](CLI::App& app) { daqz::add_felix_sim_options(app, config); },
       [&] { return std::make_unique<daqz::FelixSimNode>(config); }});
}
