#include "runtime/device_runner.h"

#include <spdlog/spdlog.h>

#include <exception>

#include "runtime/health_state.h"
#include "runtime/metrics_server.h"

namespace daqz {

const char* device_state_name(DeviceState s) {
  switch (s) {
    case DeviceState::kIdle: return "idle";
    case DeviceState::kInitializing: return "initializing";
    case DeviceState::kReady: return "ready";
    case DeviceState::kRunning: return "running";
    case DeviceState::kDraining: return "draining";
    case DeviceState::kStopped: return "stopped";
    case DeviceState::kError: return "error";
  }
  return "unknown";
}

std::string state_metric_name(const std::string& service) {
  std::string name = service.rfind("daqz-", 0) == 0 ? service.substr(5) : service;
  for (char& c : name)
    if (c == '-') c = '_';
  return "daqz_" + name + "_state";
}

DeviceRunner::DeviceRunner(Device& device, std::string service, prometheus::Registry& registry,
                           std::shared_ptr<HealthState> health)
    : device_(device),
      service_(std::move(service)),
      registry_(registry),
      health_(std::move(health)),
      state_gauge_(add_gauge(registry, state_metric_name(service_),
                             "Device state: 0 idle, 1 initializing, 2 ready, 3 running, 4 draining, 5 stopped, 6 error")) {
  enter(DeviceState::kIdle);
}

void DeviceRunner::enter(DeviceState state) {
  state_.store(state);
  state_gauge_.Set(double(static_cast<int>(state)));
  health_->set_state(state);
  spdlog::debug("{}: {}", service_, device_state_name(state));
}

int DeviceRunner::run() {
  DeviceContext ctx{registry_, health_, [this] { return stop_requested(); }};
  enter(DeviceState::kInitializing);
  try {
    device_.init(ctx);
  } catch (const std::exception& e) {
    enter(DeviceState::kError);
    spdlog::error("{}: start-up failed: {}", service_, e.what());
    return kInitFailedExitCode;
  }
  enter(DeviceState::kReady);
  int rc = 0;
  try {
    enter(DeviceState::kRunning);
    while (!stop_requested() && device_.run_once()) {
    }
    if (stop_requested()) spdlog::info("{}: stop requested: draining", service_);
    enter(DeviceState::kDraining);
    rc = device_.drain();
  } catch (const std::exception& e) {
    const DeviceState failed_in = state();
    enter(DeviceState::kError);
    spdlog::error("{}: failed while {}: {}", service_, device_state_name(failed_in), e.what());
    return kFailedExitCode;
  }
  enter(DeviceState::kStopped);
  return rc;
}

}  // namespace daqz
