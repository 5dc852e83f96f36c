#include "pipeline.h"

#include <array>
#include <filesystem>
#include <stdexcept>

#include "storage/segment.h"
#include "testing/http_client.h"
#include "testing/proc_stats.h"
#include "testing/prometheus_text.h"

namespace daqz::bench {
namespace fs = std::filesystem;

namespace {

// The cluster's work folder, emptied after waiting for a quiet machine (before anything of ours runs).
std::string fresh_dir(const Common& c, const std::string& name) {
  wait_for_quiet(c);
  const std::string dir = c.work_dir + "/" + name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

ClusterSpec cluster_spec(const Common& c, const PipelineSpec& s, const std::string& dir) {
  ClusterSpec spec;
  spec.bin_dir = c.bin_dir;
  spec.work_dir = dir;
  spec.sink_args = {"--segment-bytes", std::to_string(s.segment_bytes), "--log-level", "warn"};
  spec.ingest_args = {"--workers", std::to_string(s.workers), "--validators", std::to_string(s.validators),
                      "--intra-op-threads", std::to_string(s.threads),
                      "--max-batch", std::to_string(s.batch), "--wedge-codec", s.codec, "--require-model",
                      "--log-level", "warn", "--models-root", c.models_root};
  if (s.codec == "bcae") spec.ingest_args.insert(spec.ingest_args.end(), {"--wedge-model", c.model});
  for (const auto& [k, v] : codec_params(c, s.codec, s.batch))
    spec.ingest_args.insert(spec.ingest_args.end(), {"--codec-param", k + "=" + v});
  return spec;
}

}  // namespace

Pipeline::Pipeline(const Common& c, const PipelineSpec& s, const std::string& name)
    : dir_(fresh_dir(c, name)), cluster_(cluster_spec(c, s, dir_)) {
  if (s.start_felix)
    cluster_.start_felix({"--count", "0", "--pool", std::to_string(c.pool), "--seed", std::to_string(c.seed),
                          "--rate", std::to_string(s.rate), "--log-level", "warn"});
}

double Pipeline::sink_stored() const { return cluster_.scrape_sum(Service::kSink, "daqz_sink_records_stored_total"); }

void Pipeline::wait_flowing(double n, double timeout_s) {
  if (cluster_.wait_for_metric(Service::kSink, "daqz_sink_records_stored_total", n, timeout_s) >= n) return;
  throw std::runtime_error("pipeline stored fewer than " + std::to_string(int(n)) + " records in " +
                           std::to_string(int(timeout_s)) + " s; see the logs in " + dir_);
}

void Pipeline::prune_segments() {
  std::vector<std::string> segs;
  try {
    segs = list_segments(cluster_.segments_dir());
  } catch (const std::exception&) {
    return;
  }
  for (size_t i = 0; i + 1 < segs.size(); ++i) fs::remove(segs[i]);
}

void Pipeline::stop() {
  cluster_.stop({/*felix_s=*/10, /*ingest_s=*/30, /*sink_s=*/15});
  if (fs::exists(cluster_.segments_dir())) fs::remove_all(cluster_.segments_dir());
}

namespace {
// `metric` summed over its label sets, or `metric{label="value"}` for one label value.
double sample(const std::string& text, const std::string& metric) {
  const size_t brace = metric.find('{');
  if (brace == std::string::npos) return prometheus_sum(text, metric);
  const size_t eq = metric.find('=', brace);
  if (eq == std::string::npos || metric.back() != '}') throw std::invalid_argument("bad counter key " + metric);
  std::string value = metric.substr(eq + 1, metric.size() - eq - 2);
  if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
  return prometheus_sum_where(text, metric.substr(0, brace), metric.substr(brace + 1, eq - brace - 1), value);
}
}  // namespace

Window measure_window(Pipeline& p, const std::vector<std::pair<std::string, std::string>>& counters, double seconds,
                      bool prune) {
  auto snapshot = [&] {
    std::map<std::string, std::string> pages;
    std::map<std::string, double> v;
    for (const auto& [url, metric] : counters) {
      if (!pages.count(url)) pages[url] = http_get(url);
      v[url + "|" + metric] = sample(pages[url], metric);
    }
    return v;
  };
  auto cpu = [&] {
    auto of = [&](Service s) {
      const pid_t pid = p.process(s).pid();
      return pid > 0 ? process_cpu_seconds(pid).value_or(-1) : 0.0;
    };
    return std::array<double, 3>{of(Service::kFelixSim), of(Service::kIngest), of(Service::kSink)};
  };
  const auto cpu_a = cpu();
  const auto a = snapshot();
  const auto t0 = Clock::now();
  while (seconds_since(t0) < seconds) {
    sleep_s(std::min(0.5, seconds - seconds_since(t0) + 1e-3));
    if (prune) p.prune_segments();
    p.check_alive();
  }
  const auto b = snapshot();
  const auto cpu_b = cpu();
  Window w;
  w.seconds = seconds_since(t0);
  w.cpu_sim = cpu_b[0] - cpu_a[0];
  w.cpu_ingest = cpu_b[1] - cpu_a[1];
  w.cpu_sink = cpu_b[2] - cpu_a[2];
  for (const auto& [k, v] : b) w.delta[k] = v - a.at(k);
  return w;
}

}  // namespace daqz::bench
