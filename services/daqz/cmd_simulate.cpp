// `daqz simulate`: writes simulated TPC wedges (.npy) and trigger-level jets to a folder.
//
//   daqz simulate --events 10 --seed 1 --out data/sim [--layer-group outer] [--config sim.json]
//   daqz simulate --events 4 --seed 404 --out data/sim-pp --collisions pp [--pileup-khz 1000]   (low occupancy)
//
// Layout: OUT/wedges/evt<6 digits>_w<2 digits>.npy (uint16 (azimuth, time, layer)), OUT/jets.npy
// (float32 (n_jets, 27), all events), OUT/jets_event.npy (int32 event number of each jet row),
// OUT/sim_config.json (the exact configuration and seed, to reproduce the run).
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/progress_bar.h"
#include "command.h"
#include "sim/collision_system.h"
#include "sim/jet_generator.h"
#include "sim/tpc_config.h"
#include "sim/tpc_simulator.h"
#include "base/npy.h"

namespace daqz::cli {
namespace {

namespace fs = std::filesystem;

struct SimulateOptions {
  uint64_t events = 0;
  uint64_t seed = 1;
  std::string out;
  std::string layer_group = "outer";
  std::string config_path;
  unsigned threads = 1;
  bool progress = false;     // the in-place bar even when stderr is not a terminal
  bool no_progress = false;
  bool no_jets = false;
  bool dump_config = false;
  std::string collisions = "auau";
  double pileup_khz = -1;  // < 0: the collision system's default
};

int run_simulate(const SimulateOptions& opt) {
  TpcSimConfig cfg = opt.config_path.empty() ? TpcSimConfig::for_group(parse_layer_group(opt.layer_group))
                                             : load_tpc_sim_config(opt.config_path);
  if (!opt.config_path.empty() && opt.layer_group != "outer" &&
      cfg.geometry.group != parse_layer_group(opt.layer_group))
    throw std::invalid_argument("--layer-group " + opt.layer_group + " contradicts the config file's layer_group '" +
                                layer_group_name(cfg.geometry.group) + "'");
  if (opt.collisions != "auau" || opt.pileup_khz >= 0)
    apply_collision_system(cfg, opt.collisions, opt.pileup_khz >= 0 ? std::optional<double>(opt.pileup_khz)
                                                                     : std::nullopt);
  if (opt.dump_config) {
    std::printf("%s\n", tpc_sim_config_to_json(cfg).dump(2).c_str());
    return 0;
  }
  if (opt.events == 0) throw std::invalid_argument("--events must be at least 1");
  if (opt.out.empty()) throw std::invalid_argument("--out DIR is required");
  const fs::path out(opt.out);
  fs::create_directories(out / "wedges");
  {
    nlohmann::json meta = tpc_sim_config_to_json(cfg);
    meta["seed"] = opt.seed;
    meta["events"] = opt.events;
    std::ofstream(out / "sim_config.json") << meta.dump(2) << "\n";
  }

  const uint32_t per_event = cfg.geometry.wedges_per_frame();
  ProgressBar::Options po;
  po.item_name = "wedges";
  po.mode = opt.no_progress ? ProgressBar::Mode::kOff : opt.progress ? ProgressBar::Mode::kTerminal : ProgressBar::Mode::kAuto;
  ProgressBar bar("simulate", opt.events * per_event, ProgressBar::Unit::kItems, po);
  std::atomic<uint64_t> next_event{0}, done{0};
  std::mutex progress_mutex, error_mutex;
  std::string first_error;
  const auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  auto worker = [&] {
    try {
      TpcSimulator sim(cfg);
      for (uint64_t e = next_event++; e < opt.events; e = next_event++) {
        std::vector<SparseWedge> frame = sim.simulate_event(opt.seed, e);
        for (uint32_t w = 0; w < frame.size(); ++w) {
          char name[64];
          std::snprintf(name, sizeof name, "evt%06llu_w%02u.npy", (unsigned long long)e, w);
          write_npy((out / "wedges" / name).string(), npy_from_wedge(to_dense(frame[w])));
        }
        const uint64_t d = ++done;
        std::lock_guard<std::mutex> lock(progress_mutex);
        bar.set(d * per_event);
      }
    } catch (const std::exception& ex) {
      std::lock_guard<std::mutex> lock(error_mutex);
      if (first_error.empty()) first_error = ex.what();
      next_event = opt.events;  // stop the other workers
    }
  };
  std::vector<std::thread> pool;
  for (unsigned i = 1; i < std::max(1u, opt.threads); ++i) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  bar.finish();
  if (!first_error.empty()) throw std::runtime_error(first_error);

  if (!opt.no_jets) {
    auto jets = make_jet_generator(opt.seed);
    std::vector<float> rows;
    std::vector<int32_t> event_of_row;
    uint32_t features = 27;
    for (uint64_t e = 0; e < opt.events; ++e) {
      std::optional<JetBatch> batch = jets->next();
      if (!batch) break;
      features = batch->f;
      rows.insert(rows.end(), batch->values.begin(), batch->values.end());
      event_of_row.insert(event_of_row.end(), batch->n, int32_t(e));
    }
    write_npy((out / "jets.npy").string(),
              NpyArray::make(NpyDType::kFloat32, {event_of_row.size(), features}, rows.data()));
    write_npy((out / "jets_event.npy").string(),
              NpyArray::make(NpyDType::kInt32, {event_of_row.size()}, event_of_row.data()));
    spdlog::info("wrote {} jets to {}", event_of_row.size(), (out / "jets.npy").string());
  }
  const double secs = elapsed();
  spdlog::info("wrote {} wedges ({} events, seed {}) to {} in {:.1f} s ({:.1f} wedges/s)",
               opt.events * per_event, opt.events, opt.seed, (out / "wedges").string(), secs,
               double(opt.events * per_event) / secs);
  return 0;
}

void setup_simulate(CLI::App& sub, int& exit_code) {
  auto opt = std::make_shared<SimulateOptions>();
  sub.add_option("--events,-n", opt->events, "Number of events (frames) to simulate; 24 wedges each");
  sub.add_option("--seed,-s", opt->seed, "Random seed (event e of seed s is always the same)")
      ->capture_default_str();
  sub.add_option("--out,-o", opt->out, "Output folder (created): wedges/*.npy, jets.npy, sim_config.json");
  sub.add_option("--layer-group", opt->layer_group, "TPC pad layer group")
      ->check(CLI::IsMember({"inner", "middle", "outer"}))
      ->capture_default_str();
  sub.add_option("--config", opt->config_path, "Simulator configuration JSON (see --dump-config)")
      ->check(CLI::ExistingFile);
  sub.add_option("--threads,-j", opt->threads, "Worker threads (events are independent)")
      ->capture_default_str();
  sub.add_flag("--progress", opt->progress, "Draw the in-place progress bar even when stderr is not a terminal");
  sub.add_flag("--no-progress", opt->no_progress, "No progress output on stderr");
  sub.add_flag("--no-jets", opt->no_jets, "Do not write jets.npy");
  sub.add_flag("--dump-config", opt->dump_config, "Print the effective configuration as JSON and exit");
  sub.add_option("--collisions", opt->collisions, "Collision system: auau (central Au+Au, 170 kHz pile-up, ~10 % "
                 "occupancy) or pp (p+p-like low occupancy, 0.1-2 %; sim/collision_system.h)")
      ->check(CLI::IsMember({"auau", "pp"}))
      ->capture_default_str();
  sub.add_option("--pileup-khz", opt->pileup_khz, "Pile-up collision rate in kHz (overrides the system's default; "
                 "with pp it sets the occupancy)");
  sub.callback([opt, &exit_code] { exit_code = run_simulate(*opt); });
}

}  // namespace

DAQZ_COMMAND(simulate, "Simulate sPHENIX TPC wedges (.npy) and trigger-level jets into a folder",
             setup_simulate);

}  // namespace daqz::cli
