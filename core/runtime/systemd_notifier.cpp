#include "runtime/systemd_notifier.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "runtime/health_state.h"

namespace daqz {

SystemdNotifier::SystemdNotifier(std::shared_ptr<HealthState> health, double poll_s)
    : health_(std::move(health)), poll_s_(poll_s) {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  if (!socket || !*socket || !health_) return;
  socket_path_ = socket;
  if (const char* usec = std::getenv("WATCHDOG_USEC")) watchdog_s_ = std::strtod(usec, nullptr) * 1e-6;
  thread_ = std::thread([this] { loop(); });
}

SystemdNotifier::~SystemdNotifier() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

bool SystemdNotifier::notify(const std::string& message) const {
  if (socket_path_.empty()) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path_.size() >= sizeof(addr.sun_path)) return false;
  std::memcpy(addr.sun_path, socket_path_.data(), socket_path_.size());
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0';  // abstract socket
  const socklen_t len = socklen_t(offsetof(sockaddr_un, sun_path) + socket_path_.size());
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const ssize_t sent = ::sendto(fd, message.data(), message.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr), len);
  ::close(fd);
  return sent == ssize_t(message.size());
}

void SystemdNotifier::loop() {
  bool ready_sent = false, stopping_sent = false;
  std::string last_status;
  double since_watchdog_s = 1e9;  // ping at once
  std::unique_lock<std::mutex> lock(mu_);
  do {
    lock.unlock();
    check(ready_sent, stopping_sent, last_status, since_watchdog_s);
    lock.lock();
  } while (!wake_.wait_for(lock, std::chrono::duration<double>(poll_s_), [this] { return stopping_; }));
  lock.unlock();
  // A drain shorter than one poll would otherwise go unreported: the owner is being destroyed, so
  // the service is on its way out; report the last state (STOPPING=1) before leaving.
  check(ready_sent, stopping_sent, last_status, since_watchdog_s);
}

void SystemdNotifier::check(bool& ready_sent, bool& stopping_sent, std::string& last_status, double& since_watchdog_s) {
  const DeviceState state = health_->state();
  const bool starting = state == DeviceState::kIdle || state == DeviceState::kInitializing;
  const bool stopping = state == DeviceState::kDraining || state == DeviceState::kStopped;
  const HealthState::Report readiness = health_->readiness();
  std::string status = "ready";
  if (!readiness.ok) {
    const auto doc = nlohmann::json::parse(readiness.json, nullptr, /*allow_exceptions=*/false);
    status = "not ready: " + (doc.is_object() && doc.contains("reason") ? doc["reason"].get<std::string>() : "?");
  }
  std::string message;
  if (status != last_status) message += "STATUS=" + status + "\n";
  if (!ready_sent && !starting) message += "READY=1\n";
  // Start-up (segment recovery, model loading) can outlast TimeoutStartSec on big folders: while it
  // is alive and initialising, keep extending the time-out; a start-up that hangs still runs out.
  if (starting) message += "EXTEND_TIMEOUT_USEC=" + std::to_string(kExtendStartUsec) + "\n";
  if (!stopping_sent && stopping) message += "STOPPING=1\n";
  since_watchdog_s += poll_s_;
  if (watchdog_s_ > 0 && since_watchdog_s >= watchdog_s_ / 2 && health_->liveness().ok) {
    message += "WATCHDOG=1\n";
    since_watchdog_s = 0;
  }
  if (message.empty()) return;
  if (!notify(message)) {
    spdlog::debug("sd_notify to '{}' failed", socket_path_);
    return;  // try again at the next poll
  }
  last_status = status;
  ready_sent = ready_sent || !starting;
  stopping_sent = stopping_sent || stopping;
}

}  // namespace daqz
