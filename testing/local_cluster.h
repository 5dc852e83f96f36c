// A local daqz pipeline of real processes on loopback, the way `daqz demo`, the pipeline bench and
// tests run it: daqz-sink, daqz-ingest and (when asked) daqz-felix-sim from one bin folder, wired on
// free ports, each logging to <work_dir>/<service>.log, segments in <work_dir>/segments.
//
//   ClusterSpec spec;
//   spec.work_dir = "/tmp/run";
//   spec.ingest_args = {"--wedge-codec", "lossless"};
//   LocalCluster cluster(spec);                       // starts the sink, then the ingest node
//   cluster.start_felix({"--count", "48"});           // felix-sim sends to the ingest node
//   cluster.wait_for_metric(Service::kSink, "daqz_sink_records_stored_total", 48, 60);
//   LocalCluster::ExitCodes rc = cluster.stop();      // SIGTERM felix-sim, ingest, sink, in that order
//
// What the cluster passes itself: sink --listen --out --metrics --quarantine; ingest --listen --sink
// --metrics --quarantine [--ack-listen]; felix-sim --endpoint --metrics [--ack-listen]. Everything
// else (codecs, rates, log levels) comes from the caller's extra arguments.
//
// Not thread-safe. Children die with the thread that spawned them (testing/child_process.h), so
// create the cluster on a thread that lives as long as it. Throws ClusterError naming the service
// and its log when a service cannot start or has died, std::runtime_error from spawn otherwise.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "testing/child_process.h"

namespace daqz {

struct ClusterError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class Service { kSink, kIngest, kFelixSim };
const char* service_name(Service s);  // "daqz-sink", "daqz-ingest", "daqz-felix-sim"

struct ClusterSpec {
  std::string bin_dir;                  // default: the folder of the running executable
  std::string work_dir;                 // required: logs, segments, quarantine files
  std::vector<std::string> sink_args;   // extra flags of each service
  std::vector<std::string> ingest_args;
  bool ingest_ack_listen = true;        // ingest --ack-listen: sink acknowledgements and re-send
};

class LocalCluster {
 public:
  explicit LocalCluster(ClusterSpec spec);
  ~LocalCluster();  // stops what still runs (SIGTERM, then SIGKILL after the stop time-outs)
  LocalCluster(const LocalCluster&) = delete;
  LocalCluster& operator=(const LocalCluster&) = delete;

  // Starts felix-sim sending to the ingest node; `ack_listen` binds its acknowledgement endpoint
  // (at-least-once from the sender). Throws std::logic_error when it was started before.
  void start_felix(const std::vector<std::string>& args, bool ack_listen = false);

  const std::string& data_endpoint() const { return data_endpoint_; }  // the ingest node's listen
  std::string metrics_url(Service s) const;                             // http://127.0.0.1:P/metrics
  std::string log_path(Service s) const;
  std::string segments_dir() const { return work_dir_ + "/segments"; }
  const std::string& work_dir() const { return work_dir_; }
  ChildProcess& process(Service s);

  // Sum of `metric` over its label sets at the service's /metrics; 0 when it does not answer.
  double scrape_sum(Service s, const std::string& metric) const;
  // Polls until `metric` reaches `target` or `timeout_s` passes; returns the last value. Throws
  // ClusterError as soon as a service has died (check_alive).
  double wait_for_metric(Service s, const std::string& metric, double target, double timeout_s);
  // Throws ClusterError when the sink or the ingest node has exited (they never do on their own),
  // or felix-sim has exited with a non-zero code; the message names the log.
  void check_alive();

  struct ExitCodes {
    int felix = 0, ingest = 0, sink = 0;  // exit code or -signal; 0 for a service never started
  };
  struct StopTimeouts {
    double felix_s = 10, ingest_s = 60, sink_s = 30;  // then SIGKILL (exit code -9)
  };
  // SIGTERM to felix-sim, the ingest node and the sink, one after the other (the order data flows,
  // so each drains into a live downstream); waits for each.
  ExitCodes stop(StopTimeouts timeouts);
  ExitCodes stop() { return stop(StopTimeouts{}); }

 private:
  enum Port { kData, kSinkListen, kIngestAck, kFelixAck, kSinkMetrics, kIngestMetrics, kFelixMetrics, kPorts };
  int port(Port p) const { return ports_[p]; }
  std::string spawn_path(Service s) const;

  std::string bin_dir_, work_dir_, data_endpoint_;
  std::vector<int> ports_;
  ChildProcess sink_, ingest_, felix_;
  bool felix_started_ = false;
};

}  // namespace daqz
