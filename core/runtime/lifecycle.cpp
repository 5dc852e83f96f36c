#include "runtime/lifecycle.h"

#include <csignal>

namespace daqz {
namespace {
std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop.store(true); }
}  // namespace

const char* service_state_name(ServiceState s) {
  switch (s) {
    case ServiceState::kInit: return "init";
    case ServiceState::kRun: return "run";
    case ServiceState::kDrain: return "drain";
    case ServiceState::kStop: return "stop";
    case ServiceState::kError: return "error";
  }
  return "unknown";
}

void install_stop_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

bool stop_requested() { return g_stop.load(); }
void request_stop() { g_stop.store(true); }

}  // namespace daqz
