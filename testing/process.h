// Child processes for `daqz demo` and tests: spawn with output to a log file, SIGTERM, wait.
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

#include <string>
#include <vector>

namespace daqz {

class ChildProcess {
 public:
  static ChildProcess spawn(const std::vector<std::string>& argv, const std::string& log_path);
  ChildProcess() = default;
  ChildProcess(ChildProcess&& o) noexcept : pid_(o.pid_), exit_code_(o.exit_code_) { o.pid_ = -1; }
  ChildProcess& operator=(ChildProcess&& o) noexcept;
  ~ChildProcess();

  bool running();
  void terminate();
  void kill();
  // Waits up to `timeout_s` (< 0: forever); then SIGKILL. Returns the exit code, or -signal.
  int wait(double timeout_s = -1);
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int exit_code_ = 0;
  bool reap(bool block);
};

// Directory of the running executable (to find sibling executables).
std::string executable_dir();
// `n` distinct free TCP ports on 127.0.0.1 (all bound to port 0 at once, read back, closed).
std::vector<int> free_tcp_ports(size_t n);
// Minimal HTTP/1.0 GET of http://host:port/path; empty string on failure.
std::string http_get(const std::string& url, double timeout_s = 2.0);
// Sum of all samples of a Prometheus metric in a text exposition (all label sets).
double prometheus_sum(const std::string& exposition, const std::string& metric);

}  // namespace daqz
