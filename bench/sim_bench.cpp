// Throughput of the TPC simulator and of wedge statistics, single thread.
//
//   bench_sim_bench [--events 20] [--seed 1] [--layer-group outer]
//
// Prints wedges/s of: the simulator alone (zero-suppressed SparseWedge output, what the FELIX
// simulator streams), the simulator plus conversion to dense, and WedgeStatsAccumulator::add.
#include <CLI/CLI.hpp>

#include <time.h>

#include <chrono>
#include <cstdio>
#include <vector>

#include "sim/tpc_simulator.h"
#include "base/stats.h"

int main(int argc, char** argv) {
  CLI::App app{"Simulator and wedge-statistics throughput (single thread)"};
  uint64_t events = 20, seed = 1;
  std::string group = "outer";
  app.add_option("--events", events, "Events to simulate (24 wedges each)")->capture_default_str();
  app.add_option("--seed", seed, "Seed")->capture_default_str();
  app.add_option("--layer-group", group, "inner, middle or outer")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  // Thread CPU time, not wall time: the figure is "per core" and stays honest when the machine is
  // shared with other work (wall time is printed beside it).
  struct clock {
    using time_point = std::pair<double, double>;  // (cpu, wall)
    static time_point now() {
      timespec ts;
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
      return {ts.tv_sec + 1e-9 * ts.tv_nsec, wall};
    }
  };
  auto secs = [](clock::time_point a, clock::time_point b) { return b.first - a.first; };
  auto wall = [](clock::time_point a, clock::time_point b) { return b.second - a.second; };
  const daqz::TpcSimConfig cfg = daqz::TpcSimConfig::for_group(daqz::parse_layer_group(group));
  daqz::TpcSimulator sim(cfg);
  sim.simulate_event(seed, 1000000);  // warm-up (page faults of the scratch buffers)

  std::vector<daqz::SparseWedge> kept;
  uint64_t wedges = 0, values = 0, deposits = 0;
  auto t0 = clock::now();
  for (uint64_t e = 0; e < events; ++e) {
    auto frame = sim.simulate_event(seed, e);
    deposits += sim.last_event_info().deposits;
    for (auto& w : frame) {
      values += w.values.size();
      ++wedges;
      if (kept.size() < 48) kept.push_back(std::move(w));
    }
  }
  auto t1 = clock::now();
  const double sim_s = secs(t0, t1);
  std::printf("simulator (%s group): %llu events, %llu wedges in %.2f s CPU (%.2f s wall) = %.1f wedges/s per "
              "core (%.1f ms/event, %.0f deposits/event, occupancy %.4f)\n",
              group.c_str(), (unsigned long long)events, (unsigned long long)wedges, sim_s, wall(t0, t1),
              wedges / sim_s,
              1000 * sim_s / events, double(deposits) / events,
              double(values) / (double(wedges) * cfg.geometry.wedge_shape().voxels()));

  t0 = clock::now();
  std::vector<daqz::DenseWedge> dense;
  for (const auto& w : kept) dense.push_back(daqz::to_dense(w));
  t1 = clock::now();
  std::printf("to_dense: %.1f wedges/s\n", kept.size() / secs(t0, t1));

  daqz::WedgeStatsAccumulator acc;
  t0 = clock::now();
  for (const auto& w : dense) acc.add(w);
  t1 = clock::now();
  std::printf("wedge statistics (dense input): %zu wedges in %.2f s = %.1f wedges/s per core\n", dense.size(),
              secs(t0, t1), dense.size() / secs(t0, t1));
  return 0;
}
