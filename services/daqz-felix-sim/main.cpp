// daqz-felix-sim — a simulated FELIX stream: sends zero-suppressed TPC wedges (and optionally jet
// batches) to one or more ingest endpoints, paced at a target rate or flat out. Sources: the
// physics TPC simulator (default), a folder or file of .npy wedges, or a TPCMLDataInterface HDF5.
#include <spdlog/spdlog.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <thread>
#include <nlohmann/json.hpp>

#include "sim/jet_generator.h"
#include "runtime/metrics_server.h"
#include "runtime/lifecycle.h"
#include "sim/stream_pacer.h"
#include "sim/tpc_simulator.h"
#include "sim/tpcml_hdf5.h"
#include "sim/wedge_source.h"
#include "transport/curve.h"
#include "transport/reliable_sender.h"
#include "transport/zmq_io.h"
#include "base/build_info.h"
#include "base/cli_config.h"
#include "base/logging.h"
#include "base/npy.h"

namespace {

struct Config {
  std::vector<std::string> endpoints{"tcp://127.0.0.1:5555"};
  std::string source_id = "felix-sim-0";
  std::string input;           // empty: physics simulator
  uint64_t count = 100;        // wedges; 0 = until --duration or SIGTERM
  double duration_s = 0;
  double rate = 0;             // wedges/s; 0 = flat out
  uint64_t seed = 1;
  bool loop = false;
  size_t pool = 0;             // >0: pre-generate this many wedges and cycle them
  bool jets = false;
  std::string dump_dir;
  uint64_t dump_limit = 0;     // 0 = dump every message
  int hwm = daqz::SocketOptions::kDefaultHwm;
  std::string metrics_address;
  std::string log_level = "info";
  bool json = false;
  bool stay = false;           // after sending, keep serving metrics until SIGTERM
  // Acknowledgements from ingest nodes (sent once a sink stored the record): unacknowledged
  // messages are kept and re-sent, so a crashed ingest node loses nothing.
  daqz::ReliableSenderOptions reliable{"", "", 512, 30};
  double drain_timeout_s = 60;  // at the end, wait this long for the last acknowledgements
  daqz::CurveOptions curve;    // ZeroMQ CURVE (docs/security.md): felix-sim is the client of ingest
};

std::unique_ptr<daqz::WedgeSource> make_source(const Config& c) {
  if (c.input.empty()) return daqz::make_tpc_sim_source(daqz::TpcSimConfig{}, c.seed, 0);
  const std::string ext = std::filesystem::path(c.input).extension().string();
  if (ext == ".h5" || ext == ".hdf5") return daqz::make_hdf5_source(c.input);
  return daqz::make_npy_folder_source(c.input, c.loop);
}

struct Metrics {
  prometheus::Counter& wedges;
  prometheus::Counter& jets;
  prometheus::Counter& bytes;
  prometheus::Counter& blocked_seconds;
  prometheus::Counter& acks;
  prometheus::Counter& resent;
  prometheus::Gauge& unacked;
  explicit Metrics(prometheus::Registry& r)
      : wedges(daqz::add_counter(r, "daqz_felix_sim_messages_sent_total", "Messages sent", {{"kind", "wedge"}})),
        jets(daqz::add_counter(r, "daqz_felix_sim_messages_sent_total", "Messages sent", {{"kind", "jets"}})),
        bytes(daqz::add_counter(r, "daqz_felix_sim_bytes_sent_total", "Payload and envelope bytes sent")),
        blocked_seconds(daqz::add_counter(r, "daqz_felix_sim_backpressure_seconds_total",
                                          "Time spent waiting for the ingest node to accept a message")),
        acks(daqz::add_counter(r, "daqz_felix_sim_acks_total", "Messages acknowledged as stored")),
        resent(daqz::add_counter(r, "daqz_felix_sim_resent_messages_total", "Messages re-sent after an acknowledgement time-out")),
        unacked(daqz::add_gauge(r, "daqz_felix_sim_unacked_messages", "Messages sent but not yet acknowledged")) {}
};

int run(const Config& c) {
  using namespace daqz;
  using namespace std::chrono;
  install_stop_signal_handlers();
  MetricsServer metrics_server(c.metrics_address, "daqz-felix-sim");
  Metrics metrics(metrics_server.registry());
  if (!metrics_server.url().empty()) spdlog::info("metrics at {}", metrics_server.url());

  auto source = make_source(c);
  std::unique_ptr<JetSource> jet_source;
  if (c.jets) jet_source = make_jet_generator(c.seed);
  spdlog::info("source: {}; sending to {} endpoint(s), rate {}", source->describe(), c.endpoints.size(),
               c.rate > 0 ? std::to_string(c.rate) + " wedges/s" : std::string("flat out"));
  if (!c.dump_dir.empty()) std::filesystem::create_directories(c.dump_dir);

  std::vector<SparseWedge> pool;
  for (size_t i = 0; i < c.pool; ++i) {
    auto w = source->next();
    if (!w) break;
    pool.push_back(std::move(*w));
  }

  zmq::context_t ctx(1);
  CurveSecurity curve(ctx, c.curve);
  curve.require_roles(/*server=*/false, /*client=*/true);
  SocketOptions opts;
  opts.hwm = c.hwm;
  opts.curve = curve.client();
  zmq::socket_t push = make_socket(ctx, zmq::socket_type::push, opts);
  connect_all(push, c.endpoints);
  ReliableSender out(ctx, push, c.reliable, opts);
  out.on_bytes_sent = [&](uint64_t n) { metrics.bytes.Increment(double(n)); };
  out.on_ack = [&](const std::string&, uint64_t) { metrics.acks.Increment(); };
  out.on_resend = [&] { metrics.resent.Increment(); };
  if (out.reliable()) spdlog::info("acknowledgements at {}; re-send after {:.0f} s", out.reply_to(), c.reliable.resend_after_s);

  StreamPacer pacer(c.rate);
  const auto start = steady_clock::now();
  uint64_t wedges = 0, jet_messages = 0, bytes = 0, unsent = 0;
  const std::string jet_source_id = c.source_id + "-jets";
  auto send = [&](const Message& m) {
    const auto t0 = steady_clock::now();
    if (!out.send(m, stop_requested)) return false;
    metrics.blocked_seconds.Increment(duration<double>(steady_clock::now() - t0).count());
    bytes += m.envelope.ByteSizeLong() + m.payload.size();
    metrics.unacked.Set(double(out.unacked()));
    return true;
  };

  while (!stop_requested()) {
    if (c.count && wedges >= c.count) break;
    if (c.duration_s > 0 && duration<double>(steady_clock::now() - start).count() >= c.duration_s) break;
    std::optional<SparseWedge> w;
    if (!pool.empty()) w = pool[wedges % pool.size()];
    else w = source->next();
    if (!w) break;
    pacer.wait_next();
    const Message m = make_wedge_message(*w, c.source_id, wedges);
    if (!send(m)) {
      ++unsent;
      break;
    }
    if (!c.dump_dir.empty() && (!c.dump_limit || wedges < c.dump_limit))
      write_npy(c.dump_dir + "/" + c.source_id + "_" + std::to_string(wedges) + ".npy", npy_from_wedge(to_dense(*w)));
    ++wedges;
    metrics.wedges.Increment();
    // One event = 24 wedges of the outer group; its jets follow it.
    if (jet_source && wedges % 24 == 0) {
      if (auto jets = jet_source->next(); jets && jets->n > 0) {
        if (!send(make_jet_message(*jets, jet_source_id, jet_messages))) break;
        if (!c.dump_dir.empty() && (!c.dump_limit || jet_messages < c.dump_limit)) {
          NpyArray a = NpyArray::make(NpyDType::kFloat32, {jets->n, jets->f}, jets->values.data());
          write_npy(c.dump_dir + "/" + jet_source_id + "_" + std::to_string(jet_messages) + ".npy", a);
        }
        ++jet_messages;
        metrics.jets.Increment();
      }
    }
  }
  // End-of-stream markers carry the count sent, so downstream can tell loss from silence.
  (void)send_message(push, make_end_of_stream(c.source_id, wedges), milliseconds(1000));
  if (jet_source) (void)send_message(push, make_end_of_stream(jet_source_id, jet_messages), milliseconds(1000));
  const double seconds = duration<double>(steady_clock::now() - start).count();
  if (out.reliable() && !out.wait_all_acked(c.drain_timeout_s))
    spdlog::error("{} messages still unacknowledged after {:.0f} s", out.unacked(), c.drain_timeout_s);
  metrics.unacked.Set(double(out.unacked()));
  nlohmann::json summary = {{"wedges_sent", wedges},
                            {"jet_batches_sent", jet_messages},
                            {"bytes_sent", bytes},
                            {"bytes_per_wedge", wedges ? double(bytes) / double(wedges) : 0.0},
                            {"dense_bytes_per_wedge", 192 * 249 * 16 * 2},
                            {"seconds", seconds},
                            {"wedges_per_second", seconds > 0 ? double(wedges) / seconds : 0.0},
                            {"unsent", unsent},
                            {"acknowledged", out.acked()},
                            {"resent", out.resent()},
                            {"unacknowledged", out.unacked()}};
  if (c.json) std::cout << summary.dump() << std::endl;
  spdlog::info("sent {} wedges and {} jet batches in {:.2f} s ({:.1f} wedges/s, {:.0f} bytes/wedge)", wedges,
               jet_messages, seconds, summary["wedges_per_second"].get<double>(),
               summary["bytes_per_wedge"].get<double>());
  if (c.stay) {
    spdlog::info("done sending; serving metrics until SIGTERM");
    while (!stop_requested()) {
      out.service(stop_requested);
      metrics.unacked.Set(double(out.unacked()));
      std::this_thread::sleep_for(milliseconds(100));
    }
  }
  return out.unacked() == 0 ? 0 : 3;  // linger (SocketOptions) flushes queued messages when the socket closes
}

}  // namespace

int main(int argc, char** argv) {
  Config c;
  CLI::App app{"daqz-felix-sim: simulated FELIX stream of zero-suppressed TPC wedges (and jets) over ZeroMQ"};
  app.set_version_flag("--version", daqz::build_info_string());
  daqz::add_json_config(app);
  app.add_option("--endpoint", c.endpoints, "Ingest endpoints to connect to (PUSH, round-robin)")->capture_default_str();
  app.add_option("--source-id", c.source_id, "Source id stamped on every message")->capture_default_str();
  app.add_option("--input", c.input, "Replay: .npy file, folder of .npy wedges, or TPCMLDataInterface .h5 (default: physics simulator)");
  app.add_option("--count", c.count, "Wedges to send (0 = until --duration or SIGTERM)")->capture_default_str();
  app.add_option("--duration", c.duration_s, "Stop after this many seconds (0 = no limit)")->capture_default_str();
  app.add_option("--rate", c.rate, "Target wedges/s (0 = flat out)")->capture_default_str()->check(CLI::NonNegativeNumber);
  app.add_option("--seed", c.seed, "Simulator seed")->capture_default_str();
  app.add_flag("--loop", c.loop, "Loop over replayed files");
  app.add_option("--pool", c.pool, "Pre-generate this many wedges and cycle them (for flat-out tests)")->capture_default_str();
  app.add_flag("--jets", c.jets, "Also send the jets of each event (one batch per 24 wedges)");
  app.add_option("--dump", c.dump_dir, "Also write every sent wedge/jet batch as .npy here (for verification)");
  app.add_option("--dump-limit", c.dump_limit, "Dump only the first N wedges and N jet batches (0 = all)")->capture_default_str();
  app.add_option("--hwm", c.hwm, "ZeroMQ send high-water mark (messages)")->capture_default_str();
  daqz::add_curve_options(app, c.curve);
  app.add_option("--ack-listen", c.reliable.ack_listen, "Endpoint to bind for acknowledgements from ingest nodes (enables re-send)");
  app.add_option("--ack-advertise", c.reliable.ack_advertise, "Ack endpoint as ingest nodes reach it (default: --ack-listen, * -> 127.0.0.1)");
  app.add_option("--replay-capacity", c.reliable.capacity, "Unacknowledged messages kept for re-send")->capture_default_str();
  app.add_option("--replay-timeout", c.reliable.resend_after_s, "Re-send messages unacknowledged this long (s)")->capture_default_str();
  app.add_option("--drain-timeout", c.drain_timeout_s, "At the end, wait this long for the last acknowledgements (s)")->capture_default_str();
  app.add_option("--metrics", c.metrics_address, "Serve Prometheus metrics at host:port (empty = off)");
  app.add_option("--log-level", c.log_level, "trace, debug, info, warn, error, off")->capture_default_str();
  app.add_flag("--json", c.json, "Print a JSON summary on stdout at the end");
  app.add_flag("--stay", c.stay, "After sending, keep running (metrics stay up) until SIGTERM");
  CLI11_PARSE(app, argc, argv);
  try {
    daqz::setup_logging("felix-sim", c.log_level);
    return run(c);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
}
