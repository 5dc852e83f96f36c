// The FELIX stream simulator: the device behind daqz-felix-sim. Sends zero-suppressed TPC wedges (and
// optionally the jet batches of each event) to ingest endpoints, paced at a target rate or flat out.
// Sources: the physics TPC simulator (default), a folder or file of .npy wedges, a TPCMLDataInterface
// HDF5 file.
//
//   channels: data-out (PUSH, connect, round-robin over --endpoint); acks-in (PULL, bind --ack-listen):
//             with acknowledgements every message is kept until an ingest node says it is stored,
//             and re-sent after --replay-timeout (transport/reliable_sender.h)
//   hooks:    init (source, pre-generated pool, sockets); run_once (one wedge, and a jet batch after
//             every 24th); drain (end-of-stream markers, wait for the last acknowledgements, summary;
//             with --stay keep serving metrics until stopped)
//
//   FelixSimConfig c;  c.endpoints = {"tcp://127.0.0.1:5555"};  c.count = 100;
//   FelixSimNode sim(c);   // run by DeviceRunner / run_service
//
// Every message carries the run (epoch) `run`: sequences restart at 0 with each run and sinks tell runs
// apart by it. The default, kNewRun, takes the Unix time in ms at construction, so two consecutive
// starts never share a run. Exit code: 0 when every message was acknowledged (or acks are off),
// kUnacknowledgedExitCode otherwise.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "runtime/device.h"
#include "runtime/node_options.h"
#include "transport/reliable_sender.h"

namespace CLI {
class App;
}

namespace daqz {

struct FelixSimConfig {
  static constexpr uint64_t kNewRun = std::numeric_limits<uint64_t>::max();

  NodeOptions node{"felix-sim-0", {}};     // node id, hwm, metrics, CURVE (felix-sim is the CURVE client of ingest)
  std::vector<std::string> endpoints{"tcp://127.0.0.1:5555"};
  std::string source_id = "felix-sim-0";
  uint64_t run = kNewRun;
  std::string input;           // empty: physics simulator
  uint64_t count = 100;        // wedges; 0 = until --duration or a stop
  double duration_s = 0;
  double rate = 0;             // wedges/s; 0 = flat out
  uint64_t seed = 1;
  std::string collisions = "auau";  // simulator collision system (sim/collision_system.h)
  double pileup_khz = -1;           // < 0: the system's default
  bool loop = false;
  size_t pool = 0;             // > 0: pre-generate this many wedges and cycle them
  bool jets = false;
  std::string dump_dir;
  uint64_t dump_limit = 0;     // 0 = dump every message
  bool json = false;           // print a JSON summary on stdout at the end
  bool stay = false;           // after sending, keep serving metrics until stopped
  ReliableSenderOptions reliable{"", "", 512, 30};
  double drain_timeout_s = 60;  // at the end, wait this long for the last acknowledgements
};

class FelixSimNode final : public Device {
 public:
  static constexpr int kUnacknowledgedExitCode = 3;

  explicit FelixSimNode(FelixSimConfig config);
  ~FelixSimNode() override;

  void init(DeviceContext& ctx) override;
  bool run_once() override;
  int drain() override;

  uint64_t run() const { return config_.run; }

 private:
  FelixSimConfig config_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The simulator's own flags (the shared ones come from runtime/node_options.h).
void add_felix_sim_options(CLI::App& app, FelixSimConfig& config);

}  // namespace daqz
