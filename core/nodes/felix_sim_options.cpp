// The simulator's flags, bound to a FelixSimConfig (the shared ones: runtime/node_options.h).
#include <CLI/CLI.hpp>

#include "nodes/felix_sim_node.h"

namespace daqz {

void add_felix_sim_options(CLI::App& app, FelixSimConfig& c) {
  app.add_option("--endpoint", c.endpoints, "Ingest endpoints to connect to (PUSH, round-robin)")->capture_default_str();
  app.add_option("--source-id", c.source_id, "Source id stamped on every message")->capture_default_str();
  app.add_option("--run", c.run, "Run number stamped on every message (default: a new one at each start, Unix ms)");
  app.add_option("--input", c.input,
                 "Replay: .npy file, folder of .npy wedges, or TPCMLDataInterface .h5 (default: physics simulator)");
  app.add_option("--count", c.count, "Wedges to send (0 = until --duration or SIGTERM)")->capture_default_str();
  app.add_option("--duration", c.duration_s, "Stop after this many seconds (0 = no limit)")->capture_default_str();
  app.add_option("--rate", c.rate, "Target wedges/s (0 = flat out)")->capture_default_str()->check(CLI::NonNegativeNumber);
  app.add_option("--seed", c.seed, "Simulator seed")->capture_default_str();
  app.add_option("--collisions", c.collisions, "Simulator collision system: auau (~10 % occupancy) or pp "
                 "(p+p-like, 0.1-2 %)")->check(CLI::IsMember({"auau", "pp"}))->capture_default_str();
  app.add_option("--pileup-khz", c.pileup_khz, "Simulator pile-up rate in kHz (default: the system's)");
  app.add_flag("--loop", c.loop, "Loop over replayed files");
  app.add_option("--pool", c.pool, "Pre-generate this many wedges and cycle them (for flat-out tests)")->capture_default_str();
  app.add_flag("--jets", c.jets, "Also send the jets of each event (one batch per 24 wedges)");
  app.add_option("--dump", c.dump_dir, "Also write every sent wedge/jet batch as .npy here (for verification)");
  app.add_option("--dump-limit", c.dump_limit, "Dump only the first N wedges and N jet batches (0 = all)")->capture_default_str();
  app.add_option("--ack-listen", c.reliable.ack_listen, "Endpoint to bind for acknowledgements from ingest nodes (enables re-send)");
  app.add_option("--ack-advertise", c.reliable.ack_advertise,
                 "Ack endpoint as ingest nodes reach it (default: --ack-listen, * -> 127.0.0.1)");
  app.add_option("--replay-capacity", c.reliable.capacity, "Unacknowledged messages kept for re-send")->capture_default_str();
  app.add_option("--replay-timeout", c.reliable.resend_after_s, "Re-send messages unacknowledged this long (s)")->capture_default_str();
  app.add_option("--drain-timeout", c.drain_timeout_s, "At the end, wait this long for the last acknowledgements (s)")
      ->capture_default_str();
  app.add_flag("--json", c.json, "Print a JSON summary on stdout at the end");
  app.add_flag("--stay", c.stay, "After sending, keep running (metrics stay up) until SIGTERM");
}

}  // namespace daqz
