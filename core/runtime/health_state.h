// What a service says about itself to /healthz (liveness) and /readyz (readiness).
//
// Liveness answers "is the process alive and not broken?": true in every state but error, so a
// probe restarts a node only when restarting can help. Readiness answers "send me data now?":
// the state must be running and every named condition must hold; otherwise the document lists why.
//
//   auto health = std::make_shared<HealthState>("daqz-sink");      // state init, not ready
//   health->set_condition("sockets_bound", false, "not bound yet");
//   ... bind ...
//   health->set_condition("sockets_bound", true);
//   health->set_state(DeviceState::kRunning);                      // ready once every condition holds
//   health->set_condition("storage_writable", false, "free space 10 MiB < 256 MiB");   // 503 on /readyz
//
// Thread-safe: writers are the node's threads, readers the HTTP server's. Every call takes one
// short mutex, so call it when something changes, not per record.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "runtime/device.h"

namespace daqz {

class HealthState {
 public:
  explicit HealthState(std::string service);

  void set_state(DeviceState state);
  DeviceState state() const;

  // Adds or updates a readiness condition. `reason` says why it fails (or, when it holds, any
  // detail worth showing, e.g. "wedge codec unavailable, storing losslessly").
  void set_condition(const std::string& name, bool ok, const std::string& reason = "");

  // Extra JSON shown under "details" in both documents, produced at each request
  // (MetricsServer::set_health). Called without the lock held; must be thread-safe.
  void set_details(std::function<std::string()> json_object);

  struct Report {
    bool ok = false;
    std::string json;  // one JSON object: service, state, uptime_seconds, ...
  };
  Report liveness() const;
  Report readiness() const;

 private:
  struct Condition {
    bool ok = false;
    std::string reason;
  };
  std::string details() const;

  const std::string service_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  mutable std::mutex mu_;
  DeviceState state_ = DeviceState::kIdle;
  std::map<std::string, Condition> conditions_;  // ordered: stable documents
  std::function<std::string()> details_;
};

}  // namespace daqz
