// Physics simulator of the sPHENIX TPC: Au+Au 200 GeV collisions (triggered + pile-up) -> helices
// in the solenoid -> ionisation with Landau fluctuations -> drift with diffusion -> pad response
// and SAMPA shaping -> pedestal, noise, 10-bit ADC, SAMPA zero suppression -> zero-suppressed
// wedges. The model and its parameters are described in docs/simulator.md and sim/tpc_config.h.
//
//   TpcSimulator sim(TpcSimConfig::for_group(LayerGroup::kOuter));
//   std::vector<SparseWedge> frame = sim.simulate_event(/*seed=*/1, /*event=*/0);  // 24 wedges
//
//   auto src = make_tpc_sim_source(cfg, /*seed=*/1, /*max_events=*/10);   // 240 wedges, in order
//   while (auto w = src->next()) ...
//
// Event e of seed s is the same whatever order events are simulated in (each event seeds its own
// generator), so parallel producers can split the event range. A TpcSimulator is not thread-safe
// (it owns scratch buffers); use one per thread. The constructor throws std::invalid_argument
// for an invalid config.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "sim/tpc_config.h"
#include "sim/wedge_source.h"
#include "base/wedge.h"

namespace daqz {

// What the last simulated event contained (for logs, tests and the docs).
struct TpcEventInfo {
  double trigger_centrality = 0;
  double trigger_vertex_z_cm = 0;
  uint32_t pileup_collisions = 0;
  uint64_t primaries = 0;        // charged primaries of all collisions
  uint64_t secondaries = 0;      // secondary electrons
  uint64_t deposits = 0;         // charge deposits (track steps) inside the frame
};

class TpcSimulator {
 public:
  explicit TpcSimulator(TpcSimConfig config);
  ~TpcSimulator();
  TpcSimulator(const TpcSimulator&) = delete;
  TpcSimulator& operator=(const TpcSimulator&) = delete;

  // All wedges of one frame, in wedge order (w = half * sectors + sector).
  std::vector<SparseWedge> simulate_event(uint64_t seed, uint64_t event_index);
  const TpcEventInfo& last_event_info() const;
  const TpcSimConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Successive wedges of events 0, 1, ... (wedges_per_frame per event). max_events = 0: unbounded.
std::unique_ptr<WedgeSource> make_tpc_sim_source(const TpcSimConfig& config, uint64_t seed,
                                                 uint64_t max_events);

// A standard Landau variate (mode at -0.2228), drawn from two uniforms u1, u2 in (0, 1) with the
// Chambers-Mallows-Stuck method. Exposed for tests.
double landau_from_uniforms(double u1, double u2);
// Cumulative distribution of the same standard Landau law (numerical integral; the simulator
// tabulates its inverse once per instance, truncated at landau_lambda_max).
double landau_cdf(double x);

}  // namespace daqz
