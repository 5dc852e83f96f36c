// The runner of a device (runtime/device.h): owns the state machine, stop requests, the state gauge
// and the health document, so that a device only fills in hooks and no node keeps process-wide state.
//
//   DeviceRunner runner(node, "daqz-sink", registry, std::make_shared<HealthState>("daqz-sink"));
//   std::thread t([&] { rc = runner.run(); });   // init -> ready -> running -> draining -> stopped
//   runner.request_stop();                         // from any thread (run_service: on SIGTERM)
//   t.join();
//
// run() returns the device's exit code from drain(), or kInitFailedExitCode / kFailedExitCode when
// a hook threw (the state is then error, the exception logged with the service's name).
// Thread-safe: request_stop() and state() from any thread; run() once.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "runtime/device.h"

namespace prometheus {
class Gauge;
}

namespace daqz {

class DeviceRunner {
 public:
  static constexpr int kInitFailedExitCode = 1;
  static constexpr int kFailedExitCode = 2;

  // `service` names the process ("daqz-sink"); the state gauge is daqz_<service without "daqz-">_state
  // with '-' as '_' (daqz_sink_state, daqz_felix_sim_state).
  DeviceRunner(Device& device, std::string service, prometheus::Registry& registry,
               std::shared_ptr<HealthState> health);

  int run();
  void request_stop() { stop_.store(true); }
  bool stop_requested() const { return stop_.load(); }
  DeviceState state() const { return state_.load(); }

 private:
  void enter(DeviceState state);

  Device& device_;
  std::string service_;
  prometheus::Registry& registry_;
  std::shared_ptr<HealthState> health_;
  prometheus::Gauge& state_gauge_;
  std::atomic<bool> stop_{false};
  std::atomic<DeviceState> state_{DeviceState::kIdle};
};

// The name of the state gauge of a service: "daqz-felix-sim" -> "daqz_felix_sim_state".
std::string state_metric_name(const std::string& service);

}  // namespace daqz
