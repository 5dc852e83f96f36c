#include "testing/local_cluster.h"

#include <chrono>
#include <filesystem>
#include <thread>

#include "testing/free_ports.h"
#include "testing/http_client.h"
#include "testing/prometheus_text.h"

namespace daqz {
namespace {

std::string endpoint(int port) { return "tcp://127.0.0.1:" + std::to_string(port); }
std::string host_port(int port) { return "127.0.0.1:" + std::to_string(port); }

std::vector<std::string> joined(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

const char* service_name(Service s) {
  switch (s) {
    case Service::kSink: return "daqz-sink";
    case Service::kIngest: return "daqz-ingest";
    case Service::kFelixSim: return "daqz-felix-sim";
  }
  return "?";
}

LocalCluster::LocalCluster(ClusterSpec spec)
    : bin_dir_(spec.bin_dir.empty() ? executable_dir() : spec.bin_dir), work_dir_(spec.work_dir) {
  if (work_dir_.empty()) throw std::invalid_argument("LocalCluster: a work_dir is required");
  for (Service s : {Service::kSink, Service::kIngest, Service::kFelixSim})
    if (!std::filesystem::exists(spawn_path(s)))
      throw ClusterError("'" + spawn_path(s) + "' not found: build the services (or set the bin folder)");
  std::filesystem::create_directories(work_dir_);
  ports_ = free_tcp_ports(kPorts);
  data_endpoint_ = endpoint(port(kData));
  sink_ = ChildProcess::spawn(joined({spawn_path(Service::kSink), "--listen", endpoint(port(kSinkListen)), "--out",
                                      segments_dir(), "--metrics", host_port(port(kSinkMetrics)), "--quarantine",
                                      work_dir_ + "/sink.quarantine"},
                                     spec.sink_args),
                              log_path(Service::kSink));
  std::vector<std::string> ingest = {spawn_path(Service::kIngest), "--listen", data_endpoint_, "--sink",
                                     endpoint(port(kSinkListen)), "--metrics", host_port(port(kIngestMetrics)),
                                     "--quarantine", work_dir_ + "/ingest.quarantine"};
  if (spec.ingest_ack_listen) ingest.insert(ingest.end(), {"--ack-listen", endpoint(port(kIngestAck))});
  ingest_ = ChildProcess::spawn(joined(ingest, spec.ingest_args), log_path(Service::kIngest));
}

LocalCluster::~LocalCluster() { stop(); }

void LocalCluster::start_felix(const std::vector<std::string>& args, bool ack_listen) {
  if (felix_started_) throw std::logic_error("LocalCluster: felix-sim was started before");
  std::vector<std::string> argv = {spawn_path(Service::kFelixSim), "--endpoint", data_endpoint_, "--metrics",
                                   host_port(port(kFelixMetrics))};
  if (ack_listen) argv.insert(argv.end(), {"--ack-listen", endpoint(port(kFelixAck))});
  felix_ = ChildProcess::spawn(joined(argv, args), log_path(Service::kFelixSim));
  felix_started_ = true;
}

std::string LocalCluster::spawn_path(Service s) const { return bin_dir_ + "/" + service_name(s); }

std::string LocalCluster::metrics_url(Service s) const {
  const Port p = s == Service::kSink ? kSinkMetrics : s == Service::kIngest ? kIngestMetrics : kFelixMetrics;
  return "http://" + host_port(port(p)) + "/metrics";
}

std::string LocalCluster::log_path(Service s) const {
  return work_dir_ + "/" + (s == Service::kSink ? "sink" : s == Service::kIngest ? "ingest" : "felix-sim") + ".log";
}

ChildProcess& LocalCluster::process(Service s) {
  return s == Service::kSink ? sink_ : s == Service::kIngest ? ingest_ : felix_;
}

double LocalCluster::scrape_sum(Service s, const std::string& metric) const {
  return prometheus_sum(http_get(metrics_url(s)), metric);
}

double LocalCluster::wait_for_metric(Service s, const std::string& metric, double target, double timeout_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  double v = 0;
  for (;;) {
    v = scrape_sum(s, metric);
    if (v >= target || std::chrono::steady_clock::now() >= deadline) return v;
    check_alive();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

void LocalCluster::check_alive() {
  auto dead = [&](Service s, const std::string& how) {
    return ClusterError(std::string(service_name(s)) + " " + how + "; see " + log_path(s));
  };
  for (Service s : {Service::kSink, Service::kIngest}) {
    ChildProcess& p = process(s);
    if (!p.running() && p.exit_status())
      throw dead(s, "exited with code " + std::to_string(*p.exit_status()));
  }
  if (felix_started_ && !felix_.running() && felix_.exit_status().value_or(0) != 0)
    throw dead(Service::kFelixSim, "exited with code " + std::to_string(*felix_.exit_status()));
}

LocalCluster::ExitCodes LocalCluster::stop(StopTimeouts t) {
  auto stop_one = [](ChildProcess& p, double timeout_s) {
    if (p.pid() > 0) {
      p.terminate();
      return p.wait(timeout_s);
    }
    return p.exit_status().value_or(0);
  };
  ExitCodes rc;
  rc.felix = stop_one(felix_, t.felix_s);
  rc.ingest = stop_one(ingest_, t.ingest_s);
  rc.sink = stop_one(sink_, t.sink_s);
  return rc;
}

}  // namespace daqz
