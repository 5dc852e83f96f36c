#include "runtime/health_state.h"

#include <nlohmann/json.hpp>

namespace daqz {

HealthState::HealthState(std::string service) : service_(std::move(service)) {}

void HealthState::set_state(DeviceState state) {
  std::lock_guard<std::mutex> lock(mu_);
  state_ = state;
}

DeviceState HealthState::state() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_;
}

void HealthState::set_condition(const std::string& name, bool ok, const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  conditions_[name] = Condition{ok, reason};
}

void HealthState::set_details(std::function<std::string()> json_object) {
  std::lock_guard<std::mutex> lock(mu_);
  details_ = std::move(json_object);
}

namespace {

nlohmann::json base_document(const std::string& service, DeviceState state,
                             std::chrono::steady_clock::time_point started, const std::string& details) {
  nlohmann::json doc = {
      {"service", service},
      {"state", device_state_name(state)},
      {"uptime_seconds", std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()}};
  if (!details.empty()) {
    // Details come from the service as a JSON string; a malformed one is shown as text rather than
    // failing the probe, which would restart a healthy node over a formatting bug.
    auto parsed = nlohmann::json::parse(details, nullptr, /*allow_exceptions=*/false);
    doc["details"] = parsed.is_discarded() ? nlohmann::json(details) : parsed;
  }
  return doc;
}

}  // namespace

std::string HealthState::details() const {
  std::function<std::string()> fn;
  {
    std::lock_guard<std::mutex> lock(mu_);
    fn = details_;
  }
  return fn ? fn() : std::string();
}

HealthState::Report HealthState::liveness() const {
  const std::string details = this->details();
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json doc = base_document(service_, state_, started_, details);
  const bool alive = state_ != DeviceState::kError;
  doc["alive"] = alive;
  return Report{alive, doc.dump()};
}

HealthState::Report HealthState::readiness() const {
  const std::string details = this->details();
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json doc = base_document(service_, state_, started_, details);
  std::string reason;
  auto add_reason = [&reason](const std::string& r) { reason += (reason.empty() ? "" : "; ") + r; };
  if (state_ != DeviceState::kRunning)
    add_reason(std::string("state is ") + device_state_name(state_) + ", not running");
  nlohmann::json conditions = nlohmann::json::object();
  for (const auto& [name, c] : conditions_) {
    conditions[name] = {{"ok", c.ok}};
    if (!c.reason.empty()) conditions[name]["reason"] = c.reason;
    if (!c.ok) add_reason(name + ": " + (c.reason.empty() ? "failing" : c.reason));
  }
  const bool ready = reason.empty();
  doc["ready"] = ready;
  if (!ready) doc["reason"] = reason;
  doc["conditions"] = std::move(conditions);
  return Report{ready, doc.dump()};
}

}  // namespace daqz
