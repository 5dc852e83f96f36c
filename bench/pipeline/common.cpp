#include "common.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "codec/model_repository.h"
#include "sim/tpc_simulator.h"
#include "testing/child_process.h"
#include "testing/proc_stats.h"

namespace daqz::bench {
namespace fs = std::filesystem;

void resolve(Common& c) {
  if (c.bin_dir.empty()) c.bin_dir = executable_dir();
  for (const char* exe : {"daqz-felix-sim", "daqz-ingest", "daqz-sink"})
    if (!fs::exists(fs::path(c.bin_dir) / exe))
      throw std::runtime_error("'" + (fs::path(c.bin_dir) / exe).string() + "' not found: build the services");
  if (c.models_root.empty()) c.models_root = ModelRepository::default_roots().front();
  const ModelRepository repo({c.models_root});
  // --model: a directory, name or name@version; none: the first shipped bcae-2d model, if any.
  const auto card = c.model.empty() ? repo.first_with_arch("bcae-2d") : repo.resolve(c.model);
  if (card) c.model = card->dir, c.model_name = card->name;
  if (c.work_dir.empty())
    c.work_dir = (fs::temp_directory_path() / ("daqz-pipeline-bench-" + std::to_string(getpid()))).string();
  fs::create_directories(c.work_dir);
}

std::map<std::string, std::string> codec_params(const Common& c, const std::string& codec, size_t batch) {
  std::map<std::string, std::string> p;
  for (const auto& kv : c.codec_params) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos) throw std::invalid_argument("--codec-param '" + kv + "' is not key=value");
    p[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  if (codec == "bcae") p["batch"] = std::to_string(batch);
  return p;
}

std::string describe_codec(const Common& c, const std::string& codec) {
  std::string s = codec == "bcae" ? "bcae:" + c.model_name : codec;
  for (const auto& kv : c.codec_params) s += " " + kv;
  return s;
}

std::vector<SparseWedge> make_pool(size_t n, uint64_t seed) {
  auto source = make_tpc_sim_source(TpcSimConfig{}, seed, 0);
  std::vector<SparseWedge> pool;
  while (pool.size() < n) {
    auto w = source->next();
    if (!w) break;
    pool.push_back(std::move(*w));
  }
  if (pool.empty()) throw std::runtime_error("the simulator produced no wedges");
  return pool;
}

double wait_for_quiet(const Common& c) {
  if (c.quiet_cores <= 0) return 0;
  const auto t0 = Clock::now();
  double busy = machine_busy_cores(2);
  while (busy > c.quiet_cores && seconds_since(t0) < c.quiet_max_wait_s) busy = machine_busy_cores(2);
  if (busy > c.quiet_cores)
    spdlog::warn("machine still busy ({:.2f} cores of other non-nice work) after {:.0f} s; measuring anyway", busy,
                 c.quiet_max_wait_s);
  return busy;
}

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }
void sleep_s(double s) { std::this_thread::sleep_for(std::chrono::duration<double>(s)); }

std::vector<int> parse_int_list(const std::string& s) {
  std::vector<int> v;
  std::stringstream in(s);
  for (std::string item; std::getline(in, item, ',');)
    if (!item.empty()) v.push_back(std::stoi(item));
  return v;
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const double pos = q * double(v.size() - 1);
  const size_t lo = size_t(pos);
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - double(lo)) * (v[hi] - v[lo]);
}

double slope(const std::vector<double>& x, const std::vector<double>& y) {
  const size_t n = x.size();
  if (n < 2) return 0;
  double mx = 0, my = 0;
  for (size_t i = 0; i < n; ++i) mx += x[i] / double(n), my += y[i] / double(n);
  double sxy = 0, sxx = 0;
  for (size_t i = 0; i < n; ++i) sxy += (x[i] - mx) * (y[i] - my), sxx += (x[i] - mx) * (x[i] - mx);
  return sxx > 0 ? sxy / sxx : 0;
}

}  // namespace daqz::bench
