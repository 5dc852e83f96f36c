// A daqz process is a device (FairMQ's idiom: fairmq/Device.h, runDevice.h): it fills in three hooks
// and the runner (runtime/device_runner.h) owns everything else — the state machine, stop requests,
// the shared options, the state gauge and the health/readiness endpoints.
//
//   class SinkNode : public Device {
//     void init(DeviceContext& ctx) override;  // recover segments, bind sockets, register metrics
//     bool run_once() override;                 // one message in, acks out; false = nothing more to do
//     int drain() override;                     // empty the socket, fsync, last acks; the exit code
//   };
//
// States (DeviceState, in order): idle -> initializing -> ready -> running -> draining -> stopped,
// or error from any of them when a hook throws. run_once() is called until it returns false or a
// stop is requested (SIGTERM, or DeviceRunner::request_stop() in-process); it must return within
// ~100 ms so that a stop request is seen promptly, and inner loops that may block longer poll
// DeviceContext::stop_requested(). Nothing here is process-global: several devices can run in one
// process (unit tests do).
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace prometheus {
class Registry;
}

namespace daqz {

class HealthState;

enum class DeviceState : int {
  kIdle = 0,
  kInitializing = 1,
  kReady = 2,
  kRunning = 3,
  kDraining = 4,
  kStopped = 5,
  kError = 6,
};
const char* device_state_name(DeviceState state);

// What the runner hands a device at init. The references live as long as the runner.
struct DeviceContext {
  prometheus::Registry& registry;            // register metric families here, once, in init
  std::shared_ptr<HealthState> health;        // readiness conditions ("sockets_bound", "storage_writable", ...)
  std::function<bool()> stop_requested;       // true once a stop was requested; cheap, thread-safe
};

class Device {
 public:
  virtual ~Device() = default;
  // Set-up: sockets, models, storage recovery, metric registration. Throw to fail the start.
  virtual void init(DeviceContext& ctx) = 0;
  // One step of the main loop. Return false to leave running (e.g. a sender reached --count).
  virtual bool run_once() = 0;
  // After running: finish in-flight work within the device's own bounds. Returns the exit code
  // (0 = nothing left behind).
  virtual int drain() = 0;
};

}  // namespace daqz
