// The whole main() of a daqz service, so that services/<name>/main.cpp is a few lines:
//
//   int main(int argc, char** argv) {
//     daqz::SinkConfig config;
//     return daqz::run_service(argc, argv, {"daqz-sink", "store encoded records ...", &config.node, true,
//         [&](CLI::App& app) { daqz::add_sink_options(app, config); },
//         [&] { return std::make_unique<daqz::SinkNode>(config); }});
//   }
//
// It parses the shared options (runtime/node_options.h) and the device's, a --config JSON file
// (every key is also a flag; flags win), --dump-config (prints the effective configuration as JSON
// and exits), --version; sets up logging; turns SIGTERM/SIGINT into a stop request (a second one
// exits at once with 128+signal); serves /metrics, /healthz, /readyz; runs the device's state machine
// (runtime/device_runner.h) and returns its exit code. Errors before the device runs (bad options,
// a port in use) are logged and return 1.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "runtime/device.h"
#include "runtime/node_options.h"

namespace daqz {

struct ServiceDefinition {
  std::string name;                                    // "daqz-sink": logs, --help, daqz_build_info, state gauge
  std::string description;                             // one line for --help
  NodeOptions* node = nullptr;                         // the device config's shared part
  bool listens = true;                                 // whether --listen applies
  std::function<void(CLI::App&)> add_options;          // the device's own flags
  std::function<std::unique_ptr<Device>()> make_device;  // after parsing; must not start threads
  std::function<std::string()> compute_device;         // daqz_build_info's device label ("cpu", "cuda:0"); optional
};

int run_service(int argc, char** argv, const ServiceDefinition& service);

}  // namespace daqz
