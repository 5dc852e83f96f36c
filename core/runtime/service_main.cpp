#include "runtime/service_main.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <thread>

#include "base/build_info.h"
#include "base/cli_config.h"
#include "base/logging.h"
#include "base/tensor_allocator.h"
#include "runtime/device_runner.h"
#include "runtime/metrics_server.h"

namespace daqz {
namespace {

// Turns SIGTERM/SIGINT into a call of `on_stop` on a thread of its own (sigtimedwait), instead of a
// handler setting a process-wide flag: the signals are blocked in every thread (the mask is set
// before any thread starts and inherited), so only this thread takes them. A second signal while
// draining exits at once, as an operator pressing Ctrl-C twice expects.
class SignalWatcher {
 public:
  explicit SignalWatcher(std::function<void()> on_stop) : on_stop_(std::move(on_stop)) {
    thread_ = std::thread([this] { watch(); });
  }
  ~SignalWatcher() {
    done_.store(true);
    thread_.join();
  }
  // Call first thing in main, before any thread exists.
  static void block_stop_signals() {
    sigset_t set = stop_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
  }

 private:
  static sigset_t stop_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    return set;
  }
  void watch() {
    const sigset_t set = stop_signals();
    const timespec poll{0, 200 * 1000 * 1000};
    int received = 0;
    while (!done_.load()) {
      const int sig = sigtimedwait(&set, nullptr, &poll);
      if (sig <= 0) continue;
      if (++received == 1) {
        spdlog::info("{}: stop requested", strsignal(sig));
        on_stop_();
      } else {
        spdlog::warn("{} again: exiting without finishing the drain", strsignal(sig));
        std::_Exit(128 + sig);
      }
    }
  }
  std::function<void()> on_stop_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace

int run_service(int argc, char** argv, const ServiceDefinition& s) {
  // Every message is a buffer of hundreds of kB (a 187 kB wedge; ZeroMQ's receive buffers, records,
  // segment writes): with glibc's default thresholds they came and went as mmap/munmap with page
  // faults and kernel zeroing, measured as a third of the sink's CPU per record (bench transport,
  // passthrough: store 337 -> 207 µs per wedge, ingest 347 -> 300).
  keep_freed_tensor_memory();
  CLI::App app{s.name + ": " + s.description};
  app.set_version_flag("--version", build_info_string());
  add_json_config(app);
  add_node_options(app, *s.node, s.listens);
  if (s.add_options) s.add_options(app);
  bool dump_config = false;
  app.add_flag("--dump-config", dump_config, "Print the effective configuration (file + flags) as JSON and exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (dump_config) {
    std::cout << dump_json_config(app) << std::endl;
    return 0;
  }
  SignalWatcher::block_stop_signals();
  try {
    setup_logging(s.node->node_id, s.node->log_level);
    validate(*s.node, s.listens);
    MetricsServer metrics(s.node->metrics_address, s.name, s.compute_device ? s.compute_device() : "-");
    if (!metrics.url().empty()) spdlog::info("metrics at {}, health at {}/healthz and /readyz", metrics.url(),
                                             metrics.base_url());
    std::unique_ptr<Device> device = s.make_device();
    DeviceRunner runner(*device, s.name, metrics.registry(), metrics.shared_health());
    SignalWatcher signals([&runner] { runner.request_stop(); });
    return runner.run();
  } catch (const std::exception& e) {
    spdlog::error("{}: {}", s.name, e.what());
    return 1;
  }
}

}  // namespace daqz
