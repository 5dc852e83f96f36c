// Tells systemd what the HealthState says, over the sd_notify protocol (a datagram to the unix
// socket in $NOTIFY_SOCKET; no libsystemd needed):
//   READY=1      once the service leaves init (startup done; Type=notify units wait for it),
//   EXTEND_TIMEOUT_USEC=10 s, repeatedly while in init (a long segment recovery is not a hang),
//   STATUS=...   "ready" or "not ready: <reason>" whenever that changes (systemctl status shows it),
//   STOPPING=1   when the drain starts,
//   WATCHDOG=1   every half $WATCHDOG_USEC while /healthz would answer 200 (WatchdogSec= units:
//                systemd restarts a service in the error state or hung as a whole).
// Without $NOTIFY_SOCKET (not under systemd, or Type=simple) it does nothing and starts no thread.
//
//   SystemdNotifier notifier(metrics.shared_health());   // beside the MetricsServer, in main
//
// Thread-safe; checks the state every `poll_s` on its own thread, stopped by the destructor.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace daqz {

class HealthState;

class SystemdNotifier {
 public:
  static constexpr long kExtendStartUsec = 10'000'000;

  explicit SystemdNotifier(std::shared_ptr<HealthState> health, double poll_s = 0.5);
  ~SystemdNotifier();
  SystemdNotifier(const SystemdNotifier&) = delete;
  SystemdNotifier& operator=(const SystemdNotifier&) = delete;

  bool active() const { return !socket_path_.empty(); }

  // Sends one notification ("READY=1", ...); false if it could not be sent. Exposed for tests.
  bool notify(const std::string& message) const;

 private:
  void loop();
  void check(bool& ready_sent, bool& stopping_sent, std::string& last_status, double& since_watchdog_s);

  std::shared_ptr<HealthState> health_;
  const double poll_s_;
  std::string socket_path_;    // from $NOTIFY_SOCKET; '@' (abstract namespace) kept as given
  double watchdog_s_ = 0;      // from $WATCHDOG_USEC (0: no watchdog)
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace daqz
