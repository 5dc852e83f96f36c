// The service lifecycle (FairMQ-style): init -> run -> drain -> stop, or error.
// SIGTERM and SIGINT request a drain: intake stops, queues empty, output flushes, exit 0.
//
//   install_stop_signal_handlers();
//   while (!stop_requested()) run_once();
//
// The flag is a process-wide atomic set from the signal handler (async-signal-safe).
#pragma once

#include <atomic>

namespace daqz {

enum class ServiceState { kInit, kRun, kDrain, kStop, kError };
const char* service_state_name(ServiceState s);

void install_stop_signal_handlers();
bool stop_requested();
void request_stop();  // for tests and for in-process shutdown (e.g. --count reached)

}  // namespace daqz
