// bench_pipeline_bench: figures of the whole pipeline with REAL processes (daqz-felix-sim, daqz-ingest,
// daqz-sink from the same bin directory, wired over tcp loopback), side by side with their in-process
// references measured in the same run. Five modes (subcommands):
//
//   e2e        wedges/s stored by the sink (counter deltas over a window) vs the bare encoder (the same
//              codec's encode loop in this process, same wedges, batch and threads), before and after.
//   transport  lossless codec flat out: Gbit/s of wire bytes (felix-sim sent, ingest received) vs a plain
//              ZeroMQ PUSH/PULL over tcp loopback of multipart frames with the same bytes.
//   latency    at a fixed rate: per-message latency from the send (this process is the FELIX sender) to the
//              sink's acknowledgement (record durable after fsync), p50/p90/p99; plus the ingest node's own
//              histogram (sender timestamp -> record forwarded to the sink) as a cross-check.
//   scaling    wedges/s stored for a grid of ingest workers x max batch.
//   soak       VmRSS of each process sampled every --interval s for --seconds at a steady --rate; first, max,
//              last and the least-squares slope in MB/min (whole run and after the first minute).
//
//   build/bin/bench_pipeline_bench e2e --seconds 40
//   build/bin/bench_pipeline_bench transport --seconds 20
//   build/bin/bench_pipeline_bench latency --codec bcae --rate 3 --seconds 120
//   build/bin/bench_pipeline_bench scaling --workers 1,2 --batches 1,4,8
//   build/bin/bench_pipeline_bench soak --rate 4 --seconds 600 --json
//
// Every figure is printed with the 1-minute load average at the end of its window: the machine is shared.
// Results go to stdout (a table; --json adds one JSON document at the end); logs go to stderr. Child
// logs and segments live in --work-dir (a temporary folder removed at the end unless --keep).
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <zmq.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "codec_classic/classic_codecs.h"
#include "codec_torch/neural_codecs.h"
#include "codec/codec.h"
#include "codec/model_card.h"
#include "sim/stream_pacer.h"
#include "sim/tpc_simulator.h"
#include "storage/segment.h"
#include "transport/zmq_io.h"
#include "testing/process.h"
#include "wire/message.h"

namespace {

namespace fs = std::filesystem;
using namespace daqz;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

// ---- small helpers ----------------------------------------------------------------------------

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }
void sleep_s(double s) { std::this_thread::sleep_for(std::chrono::duration<double>(s)); }

std::string load_average() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

double load_1min() {
  std::ifstream in("/proc/loadavg");
  double a = 0;
  in >> a;
  return a;
}

// Resident set size of a process in MiB (VmRSS of /proc/PID/status); < 0 if the process is gone.
double rss_mib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return -1;
}

// CPU seconds (user + system) a process has used so far, from /proc/PID/stat; < 0 if it is gone.
double child_cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  const auto close = stat.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return -1;
  std::istringstream fields(stat.substr(close + 2));
  std::string f;
  double utime = 0, stime = 0;
  for (int i = 3; fields >> f; ++i) {  // field 3 is the state
    if (i == 14) utime = std::stod(f);
    if (i == 15) {
      stime = std::stod(f);
      break;
    }
  }
  return (utime + stime) / double(sysconf(_SC_CLK_TCK));
}

// CPU seconds of every thread of a process: tid -> (thread name, CPU s), from /proc/PID/task/*/stat.
std::map<int, std::pair<std::string, double>> thread_cpu_seconds(pid_t pid) {
  std::map<int, std::pair<std::string, double>> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream in(e.path() / "stat");
    std::string stat;
    std::getline(in, stat);
    const auto open = stat.find('('), close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::istringstream fields(stat.substr(close + 2));
    std::string f;
    double utime = 0, stime = 0;
    for (int i = 3; fields >> f; ++i) {
      if (i == 14) utime = std::stod(f);
      if (i == 15) {
        stime = std::stod(f);
        break;
      }
    }
    out[std::stoi(e.path().filename().string())] = {stat.substr(open + 1, close - open - 1),
                                                    (utime + stime) / double(sysconf(_SC_CLK_TCK))};
  }
  return out;
}

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

// Non-nice CPU time (user + system + irq + softirq, in cores) the whole machine used over `seconds`:
// other people's builds, not the nice-19 background training (which yields to us).
double busy_cores(double seconds) {
  auto read = [] {
    std::ifstream in("/proc/stat");
    std::string cpu;
    double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0;
    in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq;
    return user + system + irq + softirq;
  };
  const double a = read();
  sleep_s(seconds);
  return (read() - a) / double(sysconf(_SC_CLK_TCK)) / seconds;
}

// Waits (at most `max_wait_s`) until other non-nice work on the machine uses less than `max_cores`.
// Returns the last observed figure. Only useful between measurements (nothing of ours running).
double g_quiet_cores = 0.5, g_quiet_max_wait_s = 120;
double wait_for_quiet() {
  if (g_quiet_cores <= 0) return 0;
  const auto t0 = Clock::now();
  double busy = busy_cores(2);
  while (busy > g_quiet_cores && seconds_since(t0) < g_quiet_max_wait_s) busy = busy_cores(2);
  if (busy > g_quiet_cores)
    spdlog::warn("machine still busy ({:.2f} cores of other non-nice work) after {:.0f} s; measuring anyway", busy,
                 g_quiet_max_wait_s);
  return busy;
}

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
  const double pos = q * double(v.size() - 1);  // linear interpolation between order statistics
  const size_t lo = size_t(pos);
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (pos - double(lo)) * (v[hi] - v[lo]);
}

// Cumulative histogram buckets (le -> count) of a Prometheus histogram, summed over label sets.
std::map<double, double> histogram_buckets(const std::string& text, const std::string& name) {
  std::map<double, double> buckets;
  std::istringstream in(text);
  const std::string prefix = name + "_bucket{";
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(prefix, 0) != 0) continue;
    const auto le = line.find("le=\"");
    if (le == std::string::npos) continue;
    const std::string bound = line.substr(le + 4, line.find('"', le + 4) - le - 4);
    const double b = bound == "+Inf" ? INFINITY : std::stod(bound);
    buckets[b] += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return buckets;
}

// Quantile of the observations between two histogram snapshots, with linear interpolation inside the
// bucket (as PromQL's histogram_quantile does). Returns the bucket's upper bound for the +Inf bucket.
double histogram_quantile(const std::map<double, double>& before, const std::map<double, double>& after, double q) {
  std::vector<std::pair<double, double>> cum;  // (upper bound, cumulative count in the window)
  for (const auto& [le, n] : after) {
    const auto it = before.find(le);
    cum.emplace_back(le, n - (it == before.end() ? 0.0 : it->second));
  }
  if (cum.empty() || cum.back().second <= 0) return 0;
  const double rank = q * cum.back().second;
  double lower = 0, below = 0;
  for (const auto& [le, n] : cum) {
    if (n >= rank) {
      if (std::isinf(le)) return lower;
      return lower + (le - lower) * (n > below ? (rank - below) / (n - below) : 0.0);
    }
    lower = le;
    below = n;
  }
  return lower;
}

// ---- common options ---------------------------------------------------------------------------

struct Common {
  std::string bin_dir;       // default: this executable's directory
  std::string models_root;   // default: the source tree's deploy/models
  std::string model;         // default: first shipped bcae-2d model
  std::string work_dir;      // default: a temporary folder
  std::vector<std::string> codec_params;  // extra key=value for the codec (ingest and bare), e.g. precision=bf16
  size_t pool = 32;          // wedges pre-generated by felix-sim (and by this process for references)
  uint64_t seed = 1;
  double warmup_s = 10;      // pipeline: after the first stored record, before the window opens
  bool print_json = false;
  bool keep = false;
  json results = json::object();
};

std::string default_models_root(const std::string& bin_dir) {
  for (const fs::path p : {fs::path(bin_dir) / "../../deploy/models", fs::path("deploy/models")})
    if (fs::is_directory(p)) return fs::weakly_canonical(p).string();
  return "deploy/models";
}

// First model directory under root (sorted by name) whose model card's arch equals `arch`.
std::string find_model(const std::string& root, const std::string& arch) {
  std::vector<std::string> dirs;
  if (fs::is_directory(root))
    for (const auto& e : fs::directory_iterator(root))
      if (fs::exists(e.path() / "model.json")) dirs.push_back(e.path().string());
  std::sort(dirs.begin(), dirs.end());
  for (const auto& d : dirs) {
    try {
      if (load_model_card(d).arch == arch) return d;
    } catch (const std::exception&) {
    }
  }
  return "";
}

void resolve(Common& c) {
  if (c.bin_dir.empty()) c.bin_dir = executable_dir();
  for (const char* exe : {"daqz-felix-sim", "daqz-ingest", "daqz-sink"})
    if (!fs::exists(fs::path(c.bin_dir) / exe))
      throw std::runtime_error("'" + (fs::path(c.bin_dir) / exe).string() + "' not found: build the services");
  if (c.models_root.empty()) c.models_root = default_models_root(c.bin_dir);
  if (c.model.empty()) c.model = find_model(c.models_root, "bcae-2d");
  if (c.work_dir.empty()) c.work_dir = (fs::temp_directory_path() / ("daqz-pipeline-bench-" + std::to_string(getpid()))).string();
  fs::create_directories(c.work_dir);
}

// Codec parameters for a run: the user's extras plus the batch size the codec should prefer (the
// ingest node batches at most min(--max-batch, codec preferred batch)).
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
  std::string s = codec == "bcae" ? "bcae:" + fs::path(c.model).filename().string() : codec;
  for (const auto& kv : c.codec_params) s += " " + kv;
  return s;
}

// The same wedges felix-sim --pool sends: the physics simulator's first `n` wedges for `seed`.
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

// ---- the pipeline under test ------------------------------------------------------------------

struct PipelineSpec {
  std::string codec = "bcae";  // ingest --wedge-codec
  int workers = 1;
  int threads = 1;             // --intra-op-threads
  size_t batch = 4;            // --max-batch and the codec's preferred batch
  double rate = 0;             // felix-sim --rate (0 = flat out)
  bool start_felix = true;     // false: this process sends (latency mode)
  uint64_t segment_bytes = 64ull << 20;
};

class Pipeline {
 public:
  Pipeline(const Common& c, const PipelineSpec& s, const std::string& name) : dir_(c.work_dir + "/" + name) {
    wait_for_quiet();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    const std::vector<int> ports = free_tcp_ports(6);
    auto ep = [](int p) { return "tcp://127.0.0.1:" + std::to_string(p); };
    auto maddr = [](int p) { return "127.0.0.1:" + std::to_string(p); };
    data_endpoint = ep(ports[0]);
    sink_url = "http://" + maddr(ports[3]) + "/metrics";
    ingest_url = "http://" + maddr(ports[4]) + "/metrics";
    sim_url = "http://" + maddr(ports[5]) + "/metrics";
    segments_ = dir_ + "/segments";
    sink = ChildProcess::spawn({c.bin_dir + "/daqz-sink", "--listen", ep(ports[1]), "--out", segments_, "--metrics",
                                maddr(ports[3]), "--quarantine", dir_ + "/sink.quarantine", "--segment-bytes",
                                std::to_string(s.segment_bytes), "--log-level", "warn"},
                               dir_ + "/sink.log");
    std::vector<std::string> ingest_cmd = {
        c.bin_dir + "/daqz-ingest", "--listen", data_endpoint, "--sink", ep(ports[1]), "--metrics", maddr(ports[4]),
        "--quarantine", dir_ + "/ingest.quarantine", "--workers", std::to_string(s.workers), "--intra-op-threads",
        std::to_string(s.threads), "--max-batch", std::to_string(s.batch), "--wedge-codec", s.codec,
        "--require-model", "--log-level", "warn", "--models-root", c.models_root};
    ingest_cmd.insert(ingest_cmd.end(), {"--ack-listen", ep(ports[2])});
    if (s.codec == "bcae") ingest_cmd.insert(ingest_cmd.end(), {"--wedge-model", c.model});
    for (const auto& [k, v] : codec_params(c, s.codec, s.batch)) ingest_cmd.insert(ingest_cmd.end(), {"--codec-param", k + "=" + v});
    ingest = ChildProcess::spawn(ingest_cmd, dir_ + "/ingest.log");
    if (s.start_felix) {
      sim = ChildProcess::spawn({c.bin_dir + "/daqz-felix-sim", "--endpoint", data_endpoint, "--count", "0", "--pool",
                                 std::to_string(c.pool), "--seed", std::to_string(c.seed), "--rate",
                                 std::to_string(s.rate), "--metrics", maddr(ports[5]), "--log-level", "warn"},
                                dir_ + "/felix-sim.log");
    }
  }
  ~Pipeline() { stop(); }

  double sink_stored() const { return prometheus_sum(http_get(sink_url), "daqz_sink_records_stored_total"); }

  // Waits until the sink has stored `n` records (model load, pool generation); throws on time-out or a
  // child that died.
  void wait_flowing(double n, double timeout_s) {
    const auto t0 = Clock::now();
    while (seconds_since(t0) < timeout_s) {
      if (sink_stored() >= n) return;
      check_alive();
      sleep_s(0.25);
    }
    throw std::runtime_error("pipeline stored fewer than " + std::to_string(int(n)) + " records in " +
                             std::to_string(int(timeout_s)) + " s; see the logs in " + dir_);
  }

  void check_alive() {
    if (!sink.running()) throw std::runtime_error("daqz-sink exited; see " + dir_ + "/sink.log");
    if (!ingest.running()) throw std::runtime_error("daqz-ingest exited; see " + dir_ + "/ingest.log");
    if (sim.pid() > 0 && !sim.running()) throw std::runtime_error("daqz-felix-sim exited; see " + dir_ + "/felix-sim.log");
  }

  // Removes all but the newest segment file (keeps the disk from filling during flat-out runs).
  void prune_segments() {
    std::vector<std::string> segs;
    try {
      segs = list_segments(segments_);
    } catch (const std::exception&) {
      return;
    }
    for (size_t i = 0; i + 1 < segs.size(); ++i) fs::remove(segs[i]);
  }

  void stop() {
    if (sim.pid() > 0) sim.terminate(), sim.wait(10);
    if (ingest.pid() > 0) ingest.terminate(), ingest.wait(30);
    if (sink.pid() > 0) sink.terminate(), sink.wait(15);
    if (fs::exists(segments_)) fs::remove_all(segments_);
  }

  ChildProcess sink, ingest, sim;
  std::string data_endpoint, sink_url, ingest_url, sim_url;

 private:
  std::string dir_, segments_;
};

// Counter samples at the two ends of a window.
struct Window {
  double seconds = 0;
  std::map<std::string, double> delta;  // "url|metric" -> increase
  double cpu_sim = 0, cpu_ingest = 0, cpu_sink = 0;  // CPU seconds each child used in the window
  double per_second(const std::string& key) const { return seconds > 0 ? delta.at(key) / seconds : 0; }
};

Window measure_window(Pipeline& p, const std::vector<std::pair<std::string, std::string>>& counters, double seconds,
                      bool prune) {
  auto snapshot = [&] {
    std::map<std::string, std::string> pages;
    std::map<std::string, double> v;
    for (const auto& [url, metric] : counters) {
      if (!pages.count(url)) pages[url] = http_get(url);
      v[url + "|" + metric] = prometheus_sum(pages[url], metric);
    }
    return v;
  };
  auto cpu = [&] {
    return std::array<double, 3>{p.sim.pid() > 0 ? child_cpu_seconds(p.sim.pid()) : 0.0,
                                 child_cpu_seconds(p.ingest.pid()), child_cpu_seconds(p.sink.pid())};
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

// ---- the bare encoder (in this process) -------------------------------------------------------

struct BareResult {
  double wedges_per_s = 0;      // per wall-clock second
  double cpu_wedges_per_s = 0;  // per CPU-second of this process
  double load = 0;
};

BareResult bare_encode(const Common& c, const std::string& codec_id, const std::vector<SparseWedge>& pool, size_t batch,
                       int threads, double seconds) {
  CodecOptions o;
  o.model_dir = codec_id == "bcae" ? c.model : "";
  o.intra_op_threads = threads;
  o.params = codec_params(c, codec_id, batch);
  auto codec = make_wedge_codec(codec_id, o);
  wait_for_quiet();
  size_t next = 0;
  auto one_batch = [&] {
    std::vector<const SparseWedge*> b;
    for (size_t k = 0; k < batch; ++k) b.push_back(&pool[next++ % pool.size()]);
    return codec->encode(b).size();
  };
  for (int i = 0; i < 2; ++i) one_batch();  // warm-up (allocator, oneDNN primitives)
  const auto t0 = Clock::now();
  const double c0 = process_cpu_seconds();
  size_t wedges = 0;
  while (seconds_since(t0) < seconds) wedges += one_batch();
  BareResult r;
  r.wedges_per_s = double(wedges) / seconds_since(t0);
  r.cpu_wedges_per_s = double(wedges) / (process_cpu_seconds() - c0);
  r.load = load_1min();
  return r;
}

// ---- mode: e2e --------------------------------------------------------------------------------

struct E2eArgs {
  std::vector<std::string> codecs{"bcae", "lossless"};
  int threads = 1;
  size_t batch = 4;
  double seconds = 40;       // pipeline window
  double bare_seconds = 15;  // each of the two bare-encoder runs
};

int run_e2e(Common& c, const E2eArgs& a) {
  const auto pool = make_pool(c.pool, c.seed);
  std::printf("\n== e2e: pipeline (felix-sim -> ingest -> sink, real processes) vs bare encoder, same run ==\n");
  std::printf("workers 1, intra-op threads %d, batch %zu, pool %zu wedges, window %.0f s, bare 2 x %.0f s\n",
              a.threads, a.batch, c.pool, a.seconds, a.bare_seconds);
  std::printf("%-28s %12s %12s %12s %12s %8s %s\n", "codec", "bare before", "pipeline", "bare after", "bare cpu/s",
              "ratio", "load (1m, at end of each)");
  json rows = json::array();
  for (const auto& codec : a.codecs) {
    const BareResult before = bare_encode(c, codec, pool, a.batch, a.threads, a.bare_seconds);
    PipelineSpec s;
    s.codec = codec;
    s.threads = a.threads;
    s.batch = a.batch;
    Pipeline p(c, s, "e2e-" + codec);
    p.wait_flowing(1, 180);
    sleep_s(c.warmup_s);
    const std::string stored = "daqz_sink_records_stored_total";
    const Window w = measure_window(p, {{p.sink_url, stored}, {p.ingest_url, "daqz_ingest_fallback_total"},
                                        {p.ingest_url, "daqz_ingest_batch_size_sum"},
                                        {p.ingest_url, "daqz_ingest_batch_size_count"}},
                                    a.seconds, true);
    const double load_pipe = load_1min();
    const double rate = w.per_second(p.sink_url + "|" + stored);
    const double fallbacks = w.delta.at(p.ingest_url + "|daqz_ingest_fallback_total");
    const double batches = w.delta.at(p.ingest_url + "|daqz_ingest_batch_size_count");
    const double mean_batch = batches > 0 ? w.delta.at(p.ingest_url + "|daqz_ingest_batch_size_sum") / batches : 0;
    p.stop();
    const BareResult after = bare_encode(c, codec, pool, a.batch, a.threads, a.bare_seconds);
    const double bare = 0.5 * (before.wedges_per_s + after.wedges_per_s);
    const double ratio = bare > 0 ? rate / bare : 0;
    const std::string name = describe_codec(c, codec);
    std::printf("%-28s %12.2f %12.2f %12.2f %12.2f %7.1f%% %.2f / %.2f / %.2f%s\n", name.c_str(), before.wedges_per_s,
                rate, after.wedges_per_s, 0.5 * (before.cpu_wedges_per_s + after.cpu_wedges_per_s), 100 * ratio,
                before.load, load_pipe, after.load, fallbacks > 0 ? "  [FALLBACKS: lossless used]" : "");
    const double n_stored = w.delta.at(p.sink_url + "|" + stored);
    const double bare_cpu_wps = 0.5 * (before.cpu_wedges_per_s + after.cpu_wedges_per_s);
    // CPU cost per wedge is robust to other load on shared cores: wall-clock rates are not.
    const double ingest_ms = n_stored > 0 ? 1e3 * w.cpu_ingest / n_stored : 0;
    const double all_ms = n_stored > 0 ? 1e3 * (w.cpu_ingest + w.cpu_sink + w.cpu_sim) / n_stored : 0;
    const double bare_ms = bare_cpu_wps > 0 ? 1e3 / bare_cpu_wps : 0;
    std::printf("%-28s mean batch %.2f; %.0f records in %.1f s; CPU ms/wedge: bare %.2f, ingest %.2f (%.1f%% of it "
                "encoding-equivalent), ingest+sink+felix-sim %.2f\n",
                "", mean_batch, n_stored, w.seconds, bare_ms, ingest_ms, ingest_ms > 0 ? 100 * bare_ms / ingest_ms : 0.0,
                all_ms);
    std::fflush(stdout);
    rows.push_back({{"codec", name}, {"threads", a.threads}, {"batch", a.batch}, {"bare_before_wps", before.wedges_per_s},
                    {"bare_after_wps", after.wedges_per_s}, {"pipeline_wps", rate}, {"ratio", ratio},
                    {"mean_batch", mean_batch}, {"fallbacks", fallbacks}, {"window_s", w.seconds},
                    {"bare_cpu_ms_per_wedge", bare_ms}, {"ingest_cpu_ms_per_wedge", ingest_ms},
                    {"pipeline_cpu_ms_per_wedge", all_ms}, {"load_1m", {before.load, load_pipe, after.load}}});
  }
  c.results["e2e"] = rows;
  return 0;
}

// ---- mode: transport --------------------------------------------------------------------------

// Plain ZeroMQ PUSH/PULL over tcp loopback: the pool's wire messages (envelope + payload frames) sent
// round-robin as fast as possible for `seconds`; returns bytes/s received.
double plain_zmq_bytes_per_s(const std::vector<Message>& msgs, int hwm, double seconds, double* msgs_per_s,
                             double* cpu_per_s) {
  zmq::context_t ctx(1);
  zmq::socket_t pull(ctx, zmq::socket_type::pull);
  pull.set(zmq::sockopt::rcvhwm, hwm);
  pull.set(zmq::sockopt::linger, 0);
  const int port = free_tcp_ports(1)[0];
  const std::string ep = "tcp://127.0.0.1:" + std::to_string(port);
  pull.bind(ep);
  std::vector<std::pair<std::string, std::vector<uint8_t>>> frames;
  for (const auto& m : msgs) frames.emplace_back(m.envelope.SerializeAsString(), m.payload);
  std::atomic<bool> stop{false};
  std::thread sender([&] {
    zmq::socket_t push(ctx, zmq::socket_type::push);
    push.set(zmq::sockopt::sndhwm, hwm);
    push.set(zmq::sockopt::linger, 0);
    push.set(zmq::sockopt::sndtimeo, 100);
    push.connect(ep);
    size_t i = 0;
    while (!stop.load()) {
      const auto& [env, payload] = frames[i % frames.size()];
      zmq::message_t a(env.data(), env.size()), b(payload.data(), payload.size());
      if (!push.send(a, zmq::send_flags::sndmore)) continue;
      while (!push.send(b, zmq::send_flags::none) && !stop.load()) {
      }
      ++i;
    }
  });
  // Warm-up, then count.
  pull.set(zmq::sockopt::rcvtimeo, 1000);
  auto recv_one = [&]() -> size_t {
    size_t n = 0;
    zmq::message_t f;
    do {
      if (!pull.recv(f)) return 0;
      n += f.size();
    } while (f.more());
    return n;
  };
  const auto w0 = Clock::now();
  while (seconds_since(w0) < 1.0) recv_one();
  const auto t0 = Clock::now();
  const double c0 = process_cpu_seconds();
  double bytes = 0, count = 0;
  while (seconds_since(t0) < seconds) {
    const size_t n = recv_one();
    bytes += double(n);
    count += n > 0;
  }
  const double elapsed = seconds_since(t0);
  if (cpu_per_s) *cpu_per_s = (process_cpu_seconds() - c0) / elapsed;
  stop = true;
  sender.join();
  if (msgs_per_s) *msgs_per_s = count / elapsed;
  return bytes / elapsed;
}

struct TransportArgs {
  double seconds = 20;
  std::string codec = "lossless";
  int workers = 2;  // both cores encode, so the codec is less of a limit than the transport
};

int run_transport(Common& c, const TransportArgs& a) {
  std::printf("\n== transport: %s codec flat out, wire Gbit/s vs plain ZeroMQ PUSH/PULL (tcp loopback) ==\n",
              a.codec.c_str());
  const auto pool = make_pool(c.pool, c.seed);
  std::vector<Message> msgs;
  double wire_bytes = 0;
  for (size_t i = 0; i < pool.size(); ++i) {
    msgs.push_back(make_wedge_message(pool[i], "felix-sim-0", i));
    wire_bytes += double(msgs.back().envelope.ByteSizeLong() + msgs.back().payload.size());
  }
  const double mean_msg = wire_bytes / double(msgs.size());
  PipelineSpec s;
  s.codec = a.codec;
  s.workers = a.workers;
  Pipeline p(c, s, "transport");
  p.wait_flowing(1, 120);
  sleep_s(c.warmup_s);
  const std::vector<std::pair<std::string, std::string>> counters = {
      {p.sim_url, "daqz_felix_sim_bytes_sent_total"}, {p.sim_url, "daqz_felix_sim_messages_sent_total"},
      {p.ingest_url, "daqz_ingest_received_bytes_total"}, {p.ingest_url, "daqz_ingest_sent_bytes_total"},
      {p.sink_url, "daqz_sink_records_stored_total"}, {p.sink_url, "daqz_sink_written_bytes_total"}};
  const auto threads_a = thread_cpu_seconds(p.ingest.pid());
  const Window w = measure_window(p, counters, a.seconds, true);
  const auto threads_b = thread_cpu_seconds(p.ingest.pid());
  const double load_pipe = load_1min();
  std::vector<std::pair<double, std::string>> busiest;  // which ingest thread does the work
  for (const auto& [tid, b] : threads_b) {
    const auto it = threads_a.find(tid);
    const double used = (b.second - (it == threads_a.end() ? 0.0 : it->second.second)) / w.seconds;
    busiest.emplace_back(used, (tid == p.ingest.pid() ? std::string("main=receiver") : b.first + "#" + std::to_string(tid)));
  }
  std::sort(busiest.rbegin(), busiest.rend());
  p.stop();
  auto gbit = [&](const std::string& url, const std::string& m) { return w.per_second(url + "|" + m) * 8e-9; };
  double plain_mps = 0, plain_cpu = 0;
  wait_for_quiet();
  const double plain = plain_zmq_bytes_per_s(msgs, SocketOptions::kDefaultHwm, a.seconds, &plain_mps, &plain_cpu) * 8e-9;
  const double load_plain = load_1min();
  const double sim_gbit = gbit(p.sim_url, "daqz_felix_sim_bytes_sent_total");
  std::printf("mean wire message %.0f bytes (pool %zu wedges, seed %lu); ingest workers %d; window %.1f s\n", mean_msg,
              c.pool, (unsigned long)c.seed, a.workers, w.seconds);
  std::printf("CPU seconds per second in the window: felix-sim %.2f, ingest %.2f, sink %.2f\n", w.cpu_sim / w.seconds,
              w.cpu_ingest / w.seconds, w.cpu_sink / w.seconds);
  std::printf("%-44s %10s %12s %8s\n", "path", "Gbit/s", "messages/s", "load 1m");
  std::printf("%-44s %10.3f %12.1f %8.2f\n", "pipeline hop 1: felix-sim sent", sim_gbit,
              w.per_second(p.sim_url + "|daqz_felix_sim_messages_sent_total"), load_pipe);
  std::printf("%-44s %10.3f %12s %8.2f\n", "pipeline hop 1: ingest received", gbit(p.ingest_url, "daqz_ingest_received_bytes_total"), "",
              load_pipe);
  std::printf("%-44s %10.3f %12.1f %8.2f\n", "pipeline hop 2: ingest -> sink (stored)",
              gbit(p.ingest_url, "daqz_ingest_sent_bytes_total"), w.per_second(p.sink_url + "|daqz_sink_records_stored_total"),
              load_pipe);
  std::printf("%-44s %10.3f %12.1f %8.2f\n", "plain ZeroMQ PUSH/PULL, same frames", plain, plain_mps, load_plain);
  std::printf("pipeline / plain: %.1f%%\n", plain > 0 ? 100 * sim_gbit / plain : 0.0);
  const double stored_wps = w.per_second(p.sink_url + "|daqz_sink_records_stored_total");
  std::printf("CPU per message: pipeline (3 processes) %.3f ms, plain ZeroMQ (both ends) %.3f ms\n",
              stored_wps > 0 ? 1e3 * (w.cpu_sim + w.cpu_ingest + w.cpu_sink) / w.seconds / stored_wps : 0.0,
              plain_mps > 0 ? 1e3 * plain_cpu / plain_mps : 0.0);
  std::printf("busiest ingest threads (CPU s/s):");
  json thread_rows = json::array();
  for (size_t i = 0; i < busiest.size() && i < 6; ++i) {
    std::printf(" %s %.2f%s", busiest[i].second.c_str(), busiest[i].first,
                i + 1 < std::min<size_t>(6, busiest.size()) ? "," : "");
    thread_rows.push_back({{"thread", busiest[i].second}, {"cpu_per_s", busiest[i].first}});
  }
  std::printf("\n");
  std::fflush(stdout);
  c.results["transport"] = {
      {"codec", a.codec}, {"workers", a.workers}, {"mean_message_bytes", mean_msg}, {"window_s", w.seconds},
      {"cpu_per_s", {{"felix_sim", w.cpu_sim / w.seconds}, {"ingest", w.cpu_ingest / w.seconds},
                     {"sink", w.cpu_sink / w.seconds}}},
      {"felix_sent_gbit_s", sim_gbit}, {"ingest_received_gbit_s", gbit(p.ingest_url, "daqz_ingest_received_bytes_total")},
      {"ingest_sent_gbit_s", gbit(p.ingest_url, "daqz_ingest_sent_bytes_total")},
      {"stored_wps", w.per_second(p.sink_url + "|daqz_sink_records_stored_total")},
      {"plain_zmq_gbit_s", plain}, {"plain_zmq_messages_s", plain_mps}, {"plain_zmq_cpu_per_s", plain_cpu},
      {"ingest_threads", thread_rows}, {"ratio", plain > 0 ? sim_gbit / plain : 0.0},
      {"load_1m", {load_pipe, load_plain}}};
  return 0;
}

// ---- mode: latency ----------------------------------------------------------------------------

struct LatencyArgs {
  std::string codec = "bcae";
  double rate = 3;
  double seconds = 120;
  int threads = 1;
  size_t batch = 4;
};

int run_latency(Common& c, const LatencyArgs& a) {
  std::printf("\n== latency: %s at %.1f wedges/s for %.0f s (this process sends, paced like felix-sim) ==\n",
              describe_codec(c, a.codec).c_str(), a.rate, a.seconds);
  const auto pool = make_pool(c.pool, c.seed);
  zmq::context_t ctx(1);
  zmq::socket_t acks(ctx, zmq::socket_type::pull);
  acks.set(zmq::sockopt::linger, 0);
  acks.set(zmq::sockopt::rcvtimeo, 100);
  const std::string ack_ep = "tcp://127.0.0.1:" + std::to_string(free_tcp_ports(1)[0]);
  acks.bind(ack_ep);

  PipelineSpec s;
  s.codec = a.codec;
  s.threads = a.threads;
  s.batch = a.batch;
  s.start_felix = false;
  Pipeline p(c, s, "latency");

  SocketOptions opts;
  zmq::socket_t push = make_socket(ctx, zmq::socket_type::push, opts);
  connect_all(push, {p.data_endpoint});

  const std::string source = "bench-latency";
  std::mutex mu;
  std::vector<Clock::time_point> sent_at;   // by sequence
  std::map<uint64_t, Clock::time_point> acked_at;
  std::atomic<bool> stop{false};
  std::thread ack_reader([&] {
    while (!stop.load()) {
      auto frames = recv_frames(acks, std::chrono::milliseconds(100));
      if (!frames) continue;
      const auto now = Clock::now();
      try {
        const Message m = message_from_frames(*frames, {});
        std::lock_guard<std::mutex> lock(mu);
        for (const auto& e : m.envelope.acks())
          if (e.source_id() == source) acked_at.emplace(e.sequence(), now);
      } catch (const std::exception& e) {
        spdlog::warn("bad ack: {}", e.what());
      }
    }
  });
  struct Joiner {  // stops and joins the reader on every exit path (a joinable thread would terminate)
    std::atomic<bool>& stop;
    std::thread& t;
    ~Joiner() {
      stop = true;
      if (t.joinable()) t.join();
    }
  } joiner{stop, ack_reader};

  // Warm-up at the same rate until the first acknowledgement (the model loads), then `warmup_s` more;
  // those messages are sent but left out of the statistics.
  StreamPacer pacer(a.rate);
  uint64_t seq = 0;
  auto send_one = [&] {
    pacer.wait_next();
    Message m = make_wedge_message(pool[seq % pool.size()], source, seq);  // stamps timestamp_ns now
    m.envelope.set_reply_to(ack_ep);  // the ingest node acknowledges here once a sink has stored the record
    const auto t = Clock::now();
    while (!send_message(push, m, std::chrono::milliseconds(100))) p.check_alive();
    std::lock_guard<std::mutex> lock(mu);
    sent_at.push_back(t);
    ++seq;
  };
  const auto t_start = Clock::now();
  for (;;) {
    send_one();
    {
      std::lock_guard<std::mutex> lock(mu);
      if (!acked_at.empty()) break;
    }
    if (seconds_since(t_start) > 180) throw std::runtime_error("no acknowledgement within 180 s");
  }
  const auto t_warm = Clock::now();
  while (seconds_since(t_warm) < c.warmup_s) send_one();
  const uint64_t first_measured = seq;
  const auto before = histogram_buckets(http_get(p.ingest_url), "daqz_ingest_end_to_end_latency_seconds");
  const auto t0 = Clock::now();
  while (seconds_since(t0) < a.seconds) send_one();
  const uint64_t end_seq = seq;
  const double send_seconds = seconds_since(t0);
  // Wait for the last acknowledgements.
  const auto t_wait = Clock::now();
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (acked_at.size() >= end_seq || seconds_since(t_wait) > 30) break;
    }
    sleep_s(0.05);
  }
  const auto after = histogram_buckets(http_get(p.ingest_url), "daqz_ingest_end_to_end_latency_seconds");
  const double load = load_1min();
  stop = true;
  ack_reader.join();
  p.stop();

  std::vector<double> lat_ms;
  uint64_t missing = 0;
  for (uint64_t i = first_measured; i < end_seq; ++i) {
    auto it = acked_at.find(i);
    if (it == acked_at.end()) {
      ++missing;
      continue;
    }
    lat_ms.push_back(std::chrono::duration<double, std::milli>(it->second - sent_at[i]).count());
  }
  double mean = 0;
  for (double v : lat_ms) mean += v / double(lat_ms.size());
  const double achieved = double(end_seq - first_measured) / send_seconds;
  std::printf("%zu messages measured (achieved %.2f wedges/s), %lu unacknowledged after 30 s, load 1m %.2f\n",
              lat_ms.size(), achieved, (unsigned long)missing, load);
  std::printf("%-52s %9s %9s %9s %9s %9s\n", "latency (ms)", "p50", "p90", "p99", "max", "mean");
  std::printf("%-52s %9.1f %9.1f %9.1f %9.1f %9.1f\n", "send -> sink ack (durable, exact per message)",
              percentile(lat_ms, 0.5), percentile(lat_ms, 0.9), percentile(lat_ms, 0.99),
              lat_ms.empty() ? 0.0 : *std::max_element(lat_ms.begin(), lat_ms.end()), mean);
  const double h50 = 1e3 * histogram_quantile(before, after, 0.5), h90 = 1e3 * histogram_quantile(before, after, 0.9),
               h99 = 1e3 * histogram_quantile(before, after, 0.99);
  std::printf("%-52s %9.1f %9.1f %9.1f %9s %9s\n", "ingest histogram: send -> forwarded (interpolated)", h50, h90, h99,
              "", "");
  std::fflush(stdout);
  c.results["latency_" + a.codec] = {
      {"codec", describe_codec(c, a.codec)}, {"rate", a.rate}, {"achieved_rate", achieved}, {"measured", lat_ms.size()},
      {"unacknowledged", missing}, {"ack_p50_ms", percentile(lat_ms, 0.5)}, {"ack_p90_ms", percentile(lat_ms, 0.9)},
      {"ack_p99_ms", percentile(lat_ms, 0.99)},
      {"ack_max_ms", lat_ms.empty() ? 0.0 : *std::max_element(lat_ms.begin(), lat_ms.end())}, {"ack_mean_ms", mean},
      {"ingest_hist_p50_ms", h50}, {"ingest_hist_p90_ms", h90}, {"ingest_hist_p99_ms", h99}, {"load_1m", load}};
  return 0;
}

// ---- mode: scaling ----------------------------------------------------------------------------

struct ScalingArgs {
  std::string codec = "bcae";
  std::string workers = "1,2";
  std::string batches = "1,4,8";
  int threads = 1;
  double seconds = 30;
};

int run_scaling(Common& c, const ScalingArgs& a) {
  std::printf("\n== scaling: %s, wedges/s stored vs ingest workers x max batch (intra-op threads %d) ==\n",
              describe_codec(c, a.codec).c_str(), a.threads);
  std::printf("%8s %6s %12s %11s %8s\n", "workers", "batch", "wedges/s", "mean batch", "load 1m");
  json rows = json::array();
  for (int workers : parse_int_list(a.workers)) {
    for (int batch : parse_int_list(a.batches)) {
      PipelineSpec s;
      s.codec = a.codec;
      s.workers = workers;
      s.threads = a.threads;
      s.batch = size_t(batch);
      Pipeline p(c, s, "scaling");
      p.wait_flowing(1, 180);
      sleep_s(c.warmup_s);
      const std::string stored = "daqz_sink_records_stored_total";
      const Window w = measure_window(p, {{p.sink_url, stored}, {p.ingest_url, "daqz_ingest_batch_size_sum"},
                                          {p.ingest_url, "daqz_ingest_batch_size_count"},
                                          {p.ingest_url, "daqz_ingest_fallback_total"}},
                                      a.seconds, true);
      const double load = load_1min();
      p.stop();
      const double rate = w.per_second(p.sink_url + "|" + stored);
      const double n = w.delta.at(p.ingest_url + "|daqz_ingest_batch_size_count");
      const double mean_batch = n > 0 ? w.delta.at(p.ingest_url + "|daqz_ingest_batch_size_sum") / n : 0;
      const double fallbacks = w.delta.at(p.ingest_url + "|daqz_ingest_fallback_total");
      std::printf("%8d %6d %12.2f %11.2f %8.2f%s\n", workers, batch, rate, mean_batch, load,
                  fallbacks > 0 ? "  [FALLBACKS]" : "");
      std::fflush(stdout);
      rows.push_back({{"workers", workers}, {"batch", batch}, {"threads", a.threads}, {"wps", rate},
                      {"mean_batch", mean_batch}, {"fallbacks", fallbacks}, {"load_1m", load}, {"window_s", w.seconds}});
    }
  }
  c.results["scaling"] = {{"codec", describe_codec(c, a.codec)}, {"rows", rows}};
  return 0;
}

// ---- mode: soak -------------------------------------------------------------------------------

struct SoakArgs {
  std::string codec = "bcae";
  double rate = 4;
  double seconds = 600;
  double interval = 10;
  int threads = 1;
  size_t batch = 4;
};

// Least-squares slope of y over x (per unit of x).
double slope(const std::vector<double>& x, const std::vector<double>& y) {
  const size_t n = x.size();
  if (n < 2) return 0;
  double mx = 0, my = 0;
  for (size_t i = 0; i < n; ++i) mx += x[i] / double(n), my += y[i] / double(n);
  double sxy = 0, sxx = 0;
  for (size_t i = 0; i < n; ++i) sxy += (x[i] - mx) * (y[i] - my), sxx += (x[i] - mx) * (x[i] - mx);
  return sxx > 0 ? sxy / sxx : 0;
}

int run_soak(Common& c, const SoakArgs& a) {
  std::printf("\n== soak: %s at %.1f wedges/s for %.0f s, VmRSS every %.0f s ==\n", describe_codec(c, a.codec).c_str(),
              a.rate, a.seconds, a.interval);
  PipelineSpec s;
  s.codec = a.codec;
  s.rate = a.rate;
  s.threads = a.threads;
  s.batch = a.batch;
  Pipeline p(c, s, "soak");
  p.wait_flowing(1, 180);
  const std::vector<std::pair<std::string, ChildProcess*>> procs = {
      {"daqz-felix-sim", &p.sim}, {"daqz-ingest", &p.ingest}, {"daqz-sink", &p.sink}};
  std::vector<double> t_min;
  std::map<std::string, std::vector<double>> rss;
  std::vector<double> stored, loads;
  const auto t0 = Clock::now();
  for (;;) {
    const double t = seconds_since(t0);
    t_min.push_back(t / 60.0);
    for (const auto& [name, proc] : procs) rss[name].push_back(rss_mib(proc->pid()));
    stored.push_back(p.sink_stored());
    loads.push_back(load_1min());
    if (t >= a.seconds) break;
    const double next = double(t_min.size()) * a.interval;
    while (seconds_since(t0) < next) {
      sleep_s(std::min(1.0, next - seconds_since(t0) + 1e-3));
      p.check_alive();
    }
  }
  const double elapsed = seconds_since(t0);
  p.stop();
  const double achieved = (stored.back() - stored.front()) / elapsed;
  std::printf("%zu samples over %.0f s; stored %.0f records (%.2f wedges/s); load 1m min %.2f max %.2f\n", t_min.size(),
              elapsed, stored.back() - stored.front(), achieved, *std::min_element(loads.begin(), loads.end()),
              *std::max_element(loads.begin(), loads.end()));
  std::printf("%-16s %10s %10s %10s %16s %22s\n", "process", "first MiB", "max MiB", "last MiB", "slope MiB/min",
              "slope after 1st min");
  json out = {{"codec", describe_codec(c, a.codec)}, {"rate", a.rate}, {"achieved_rate", achieved},
              {"seconds", elapsed}, {"interval_s", a.interval}, {"t_min", t_min}, {"load_1m", loads}};
  for (const auto& [name, proc] : procs) {
    const auto& y = rss[name];
    std::vector<double> x2, y2;
    for (size_t i = 0; i < y.size(); ++i)
      if (t_min[i] >= 1.0) x2.push_back(t_min[i]), y2.push_back(y[i]);
    const double s_all = slope(t_min, y), s_late = slope(x2, y2);
    std::printf("%-16s %10.1f %10.1f %10.1f %16.3f %22.3f\n", name.c_str(), y.front(),
                *std::max_element(y.begin(), y.end()), y.back(), s_all, s_late);
    out["rss_mib"][name] = y;
    out["summary"][name] = {{"first", y.front()}, {"max", *std::max_element(y.begin(), y.end())}, {"last", y.back()},
                            {"slope_mib_per_min", s_all}, {"slope_after_1min", s_late}};
  }
  std::fflush(stdout);
  c.results["soak"] = out;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  daqz::register_classic_codecs();
  daqz::register_neural_codecs();
  auto logger = spdlog::stderr_color_mt("bench");
  spdlog::set_default_logger(logger);
  Common c;
  E2eArgs e2e;
  TransportArgs transport;
  LatencyArgs latency;
  ScalingArgs scaling;
  SoakArgs soak;
  CLI::App app{"bench_pipeline_bench: pipeline figures with real processes (e2e, transport, latency, scaling, soak)"};
  app.require_subcommand(1);
  app.add_option("--bin-dir", c.bin_dir, "Folder of daqz-felix-sim, daqz-ingest, daqz-sink (default: beside this bench)");
  app.add_option("--models-root", c.models_root, "Folder of model directories (default: the source tree's deploy/models)");
  app.add_option("--model", c.model, "BCAE model directory (default: first shipped bcae-2d model)");
  app.add_option("--work-dir", c.work_dir, "Child logs and segments (default: a temporary folder)");
  app.add_option("--codec-param", c.codec_params, "Extra codec parameter key=value for ingest and bare encoder (repeatable)");
  app.add_option("--pool", c.pool, "Wedges pre-generated and cycled (felix-sim --pool)")->capture_default_str();
  app.add_option("--seed", c.seed, "Simulator seed")->capture_default_str();
  app.add_option("--warmup", c.warmup_s, "Seconds after the first stored record before a window opens")->capture_default_str();
  app.add_flag("--json", c.print_json, "Print all results as one JSON document at the end");
  app.add_flag("--keep", c.keep, "Keep the work folder (child logs)");
  app.add_option("--quiet-cores", g_quiet_cores,
                 "Before each measurement wait until other non-nice work uses < this many cores (0 = never wait)")
      ->capture_default_str();
  app.add_option("--quiet-max-wait", g_quiet_max_wait_s, "Longest wait for a quiet machine (s)")->capture_default_str();

  auto* e = app.add_subcommand("e2e", "Pipeline wedges/s vs the bare encoder in the same run");
  e->add_option("--codec", e2e.codecs, "Codecs to measure (bcae, lossless, zfp)")->capture_default_str();
  e->add_option("--threads", e2e.threads, "Intra-op threads (ingest and bare encoder)")->capture_default_str();
  e->add_option("--batch", e2e.batch, "Batch size (ingest --max-batch and the codec's batch)")->capture_default_str();
  e->add_option("--seconds", e2e.seconds, "Pipeline measurement window")->capture_default_str();
  e->add_option("--bare-seconds", e2e.bare_seconds, "Each bare-encoder run (one before, one after)")->capture_default_str();
  auto* t = app.add_subcommand("transport", "Wire Gbit/s flat out vs plain ZeroMQ PUSH/PULL");
  t->add_option("--seconds", transport.seconds, "Measurement window (each)")->capture_default_str();
  t->add_option("--codec", transport.codec, "Ingest wedge codec")->capture_default_str();
  t->add_option("--workers", transport.workers, "Ingest encoder workers")->capture_default_str();
  auto* l = app.add_subcommand("latency", "End-to-end latency percentiles at a fixed rate");
  l->add_option("--codec", latency.codec, "Ingest wedge codec")->capture_default_str();
  l->add_option("--rate", latency.rate, "Wedges/s (well below saturation)")->capture_default_str();
  l->add_option("--seconds", latency.seconds, "Measurement window")->capture_default_str();
  l->add_option("--threads", latency.threads, "Intra-op threads")->capture_default_str();
  l->add_option("--batch", latency.batch, "Max batch")->capture_default_str();
  auto* s = app.add_subcommand("scaling", "Wedges/s for a grid of workers x batch");
  s->add_option("--codec", scaling.codec, "Ingest wedge codec")->capture_default_str();
  s->add_option("--workers", scaling.workers, "Comma-separated worker counts")->capture_default_str();
  s->add_option("--batches", scaling.batches, "Comma-separated max batch sizes")->capture_default_str();
  s->add_option("--threads", scaling.threads, "Intra-op threads per worker")->capture_default_str();
  s->add_option("--seconds", scaling.seconds, "Measurement window per point")->capture_default_str();
  auto* k = app.add_subcommand("soak", "RSS of each process over a long steady run");
  k->add_option("--codec", soak.codec, "Ingest wedge codec")->capture_default_str();
  k->add_option("--rate", soak.rate, "Wedges/s")->capture_default_str();
  k->add_option("--seconds", soak.seconds, "Duration")->capture_default_str();
  k->add_option("--interval", soak.interval, "Seconds between RSS samples")->capture_default_str();
  k->add_option("--threads", soak.threads, "Intra-op threads")->capture_default_str();
  k->add_option("--batch", soak.batch, "Max batch")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  int rc = 1;
  try {
    resolve(c);
    std::printf("pipeline bench: bin %s, model %s, cores %u, load average %s\n", c.bin_dir.c_str(),
                c.model.empty() ? "(none)" : c.model.c_str(), std::thread::hardware_concurrency(),
                load_average().c_str());
    if (e->parsed()) rc = run_e2e(c, e2e);
    if (t->parsed()) rc = run_transport(c, transport);
    if (l->parsed()) rc = run_latency(c, latency);
    if (s->parsed()) rc = run_scaling(c, scaling);
    if (k->parsed()) rc = run_soak(c, soak);
    std::printf("load average at the end: %s\n", load_average().c_str());
    if (c.print_json) std::printf("%s\n", c.results.dump().c_str());
  } catch (const std::exception& ex) {
    spdlog::error("{}", ex.what());
    rc = 1;
  }
  if (!c.keep && rc == 0) fs::remove_all(c.work_dir);
  return rc;
}
