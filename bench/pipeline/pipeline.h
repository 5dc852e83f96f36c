// The pipeline under test: daqz-felix-sim -> daqz-ingest -> daqz-sink as real processes (a
// testing/local_cluster.h cluster configured for measuring), and counter windows over it.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common.h"
#include "testing/local_cluster.h"

namespace daqz::bench {

struct PipelineSpec {
  std::string codec = "bcae";  // ingest --wedge-codec
  int workers = 1;
  int validators = 0;          // ingest --validators
  int threads = 1;             // --intra-op-threads
  size_t batch = 4;            // --max-batch and the codec's preferred batch
  double rate = 0;             // felix-sim --rate (0 = flat out)
  bool start_felix = true;     // false: this process sends (latency mode)
  uint64_t segment_bytes = 64ull << 20;
};

class Pipeline {
 public:
  // Waits for a quiet machine, then starts the processes in <work_dir>/<name>.
  Pipeline(const Common& c, const PipelineSpec& s, const std::string& name);
  ~Pipeline() { stop(); }

  double sink_stored() const;
  // Waits until the sink has stored `n` records (model load, pool generation); throws on time-out or
  // a child that died.
  void wait_flowing(double n, double timeout_s);
  void check_alive() { cluster_.check_alive(); }
  // Removes all but the newest segment file (keeps the disk from filling during flat-out runs).
  void prune_segments();
  // Stops the processes (felix-sim, ingest, sink) and removes the segments.
  void stop();

  ChildProcess& process(Service s) { return cluster_.process(s); }
  const std::string& data_endpoint() const { return cluster_.data_endpoint(); }
  std::string url(Service s) const { return cluster_.metrics_url(s); }

 private:
  std::string dir_;
  LocalCluster cluster_;
};

// Counter increases and CPU seconds of each child over one measuring window.
struct Window {
  double seconds = 0;
  std::map<std::string, double> delta;               // "url|metric" -> increase
  double cpu_sim = 0, cpu_ingest = 0, cpu_sink = 0;  // CPU seconds each child used in the window
  double per_second(const std::string& key) const { return seconds > 0 ? delta.at(key) / seconds : 0; }
};

// Samples `counters` ((url, metric) pairs; metric may be `name{label="value"}`) and the children's CPU time, waits `seconds` (pruning
// segments when asked and checking the children), samples again.
Window measure_window(Pipeline& p, const std::vector<std::pair<std::string, std::string>>& counters, double seconds,
                      bool prune);

}  // namespace daqz::bench
