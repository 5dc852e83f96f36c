// Child processes for `daqz demo`, the benches and tests: spawn with output to a log file, SIGTERM, wait.
//
//   ChildProcess sink = ChildProcess::spawn({"build/bin/daqz-sink", "--out", "d"}, "sink.log");
//   sink.terminate();            // SIGTERM
//   int rc = sink.wait(10.0);    // exit code; SIGKILL after the time-out (-9 then)
//
// Not thread-safe. The destructor kills a still-running child, and a child gets SIGTERM from the kernel when
// the spawning thread dies (PR_SET_PDEATHSIG), so not even a SIGKILLed parent leaves orphans: spawn from a
// thread that lives as long as the children (the main thread).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace daqz {

class ChildProcess {
 public:
  static ChildProcess spawn(const std::vector<std::string>& argv, const std::string& log_path);
  ChildProcess() = default;
  ChildProcess(ChildProcess&& o) noexcept : pid_(o.pid_), exit_code_(o.exit_code_), exited_(o.exited_) {
    o.pid_ = -1;
  }
  ChildProcess& operator=(ChildProcess&& o) noexcept;
  ~ChildProcess();

  bool running();
  void terminate();
  void kill();
  // Waits up to `timeout_s` (< 0: forever); then SIGKILL. Returns the exit code, or -signal.
  int wait(double timeout_s = -1);
  // The exit code (or -signal) once the child has ended and been reaped (by running() or wait());
  // nullopt while it runs or when nothing was spawned.
  std::optional<int> exit_status() const { return exited_ ? std::optional<int>(exit_code_) : std::nullopt; }
  // The process id while it runs; -1 once reaped or when nothing was spawned.
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int exit_code_ = 0;
  bool exited_ = false;
  bool reap(bool block);
};

// Directory of the running executable (to find sibling executables).
std::string executable_dir();

}  // namespace daqz
